"""The field-work sections of the half-year plan and the weekly review, with 兰州 content.

The templates' code cells run in this process on a small sample (no kernel); the test
collects the tables each template shows and looks for the new sections by caption.
"""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import repkit as rk

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("field_sections")
    rk.sample.write(rk.sample.generate(seed=0, regions=1, hospitals_per_region=8), folder)
    return folder


def _shown_tables(name: str, params: dict[str, object]) -> dict[str, pd.DataFrame]:
    """Caption → the data of every styled table the template displays."""
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    nb = nbformat.read(ROOT / "templates" / name, as_version=4)
    ns: dict[str, object] = {}
    shown: dict[str, pd.DataFrame] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cell in (c for c in nb.cells if c.cell_type == "code"):
            tree = ast.parse(cell.source)
            last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
            exec(compile(body, name, "exec"), ns)
            if "parameters" in cell.metadata.get("tags", []):
                ns.update(params)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), name, "eval"), ns)
                if hasattr(value, "to_html") and hasattr(value, "data"):
                    caption = re.search(r"<caption>(.*?)</caption>", value.to_html())
                    shown[caption.group(1) if caption else f"#{len(shown)}"] = value.data
                elif hasattr(value, "_repr_markdown_"):
                    text = value._repr_markdown_()
                    shown[f"markdown {len(shown)}"] = pd.DataFrame({"text": [text]})
            plt.close("all")
    return shown


def _table(shown: dict[str, pd.DataFrame], word: str) -> pd.DataFrame:
    found = [t for caption, t in shown.items() if word in caption]
    assert found, f"no table captioned {word!r}; captions: {list(shown)}"
    return found[0]


@pytest.mark.notebook
def test_half_year_plan_shows_basic_work_nurses_competitors_meetings_listings(data, tmp_path):
    params = {"data": str(data), "region": "兰州", "out": str(tmp_path), "forecast": "simple"}
    shown = _shown_tables("half_year_plan.ipynb", params)
    ds = rk.load_dataset(data).for_region("兰州")
    names = set(ds.hospitals["name"])
    basics = _table(shown, "基础工作完成度")
    assert basics["项目"].tolist()[:3] == [
        "A 医院档案完整率",
        "B 医生资料卡完整率",
        "C 住院部和急诊科护士信息",
    ]
    assert {"H 每周5份日程工作表", "CRM 拜访记录完整率"} <= set(basics["项目"])
    nurses = _table(shown, "表 C 进度")
    assert set(nurses["医院"]) <= names
    assert len(nurses) == int(ds.hospitals["level"].isin(["3A", "3", "2"]).sum()) > 0
    competitors = _table(shown, "竞品动态")
    assert len(competitors) > 0
    assert set(competitors["我方品种"]) <= set(ds.products["product"])
    meetings = _table(shown, "科室会和学术会")
    assert int(meetings["会议数"].sum()) > 0
    assert len(_table(shown, "每家三级以上医院")) > 0
    listings = _table(shown, "新品进院")
    assert set(listings["医院"]) <= names
    assert len(listings) > 0
    swot = [t["text"].iloc[0] for c, t in shown.items() if c.startswith("markdown")]
    swot = [t for t in swot if "#### 优势（S）" in t]
    assert len(swot) == 1
    assert "兰州空军医院心内科关系稳定" in swot[0]  # the manager's line of the sample
    assert "销售额同比" in swot[0]
    assert "#### 目标市场（T）" in swot[0]
    book = pd.ExcelFile(tmp_path / "plan.xlsx", engine="openpyxl")
    assert book.sheet_names[:4] == ["概览", "A 医院档案", "B 医生档案", "C 护士信息"]
    assert "SWOT分析" in book.sheet_names


@pytest.mark.notebook
def test_weekly_review_reads_the_competitor_table_not_call_notes(data, tmp_path):
    params = {"data": str(data), "region": "兰州", "out": str(tmp_path), "week": "2026-06-24"}
    source = (ROOT / "templates" / "weekly_review.ipynb").read_text(encoding="utf-8")
    assert "competitor_notes" not in source
    shown = _shown_tables("weekly_review.ipynb", params)
    ds = rk.load_dataset(data).for_region("兰州")
    week = ds.competitors["date"].between("2026-06-22", "2026-06-28 23:59")
    competitors = _table(shown, "本周竞品动态")
    assert int(competitors["次数"].sum()) == int(week.sum())
    _table(shown, "本周会议")
    pending = _table(shown, "在途的进院申请")
    assert set(pending["状态"]) <= {"申请中", "药事会待审", "临时采购"}
    basics = _table(shown, "基础工作完成度")
    assert "H 每周5份日程工作表" in set(basics["label"])
    assert "measure" not in basics
    sheets = pd.ExcelFile(tmp_path / "weekly.xlsx", engine="openpyxl").sheet_names
    assert {"竞品动态", "会议", "进院申请", "基础工作"} <= set(sheets)


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize(
    ("name", "book", "sheets"),
    [
        ("monthly_review.ipynb", "monthly.xlsx", {"竞品", "会议", "进院", "基础工作"}),
        ("quarterly_review.ipynb", "quarterly.xlsx", {"竞品", "会议", "进院", "基础工作"}),
        ("weekly_review.ipynb", "weekly.xlsx", {"竞品动态", "会议", "进院申请", "基础工作"}),
    ],
)
def test_review_templates_run_under_repkit_batch(data, tmp_path, name, book, sheets):
    from typer.testing import CliRunner

    from repkit.cli import app

    out = tmp_path / "reports"
    args = ["batch", "--data", str(data), "--out", str(out), "--template"]
    args += [str(ROOT / "templates" / name), "--half", "2026H1", "--workers", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    names = {p.name for p in (out / "兰州").iterdir()}
    assert {"plan.html", book} <= names
    page = (out / "兰州" / "plan.html").read_text(encoding="utf-8")
    assert "竞品" in page
    assert "到会率" in page
    assert sheets <= set(pd.ExcelFile(out / "兰州" / book, engine="openpyxl").sheet_names)
