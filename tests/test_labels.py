"""The label registry, and no raw snake_case heading or raw code in any table people see.

The template walk runs a template's code cells in this process (parameters replaced by
a small sample; no kernel, no papermill), collects every displayed table (pandas
Styler or DataFrame) and every sheet of every workbook the template writes, and fails
on a raw heading (``^[a-z]+(_[a-z0-9]+)+$`` or a canonical column name) or a raw code
(hospital levels, titles, roles, department and training statuses, scenarios, forecast
models, reasons, table names).
"""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from openpyxl import load_workbook

import repkit as rk
from repkit import labels

ROOT = Path(__file__).resolve().parent.parent
SNAKE = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")
MODEL_COMBO = re.compile(r"^[a-z_]+(\+[a-z_]+)+$")
_CODE_KINDS = (
    "level",
    "category",
    "title",
    "role",
    "department_status",
    "training_status",
    "scenario",
    "kpi",
    "model",
    "reason",
    "table",
    "purpose",
)
RAW_CODES = {
    str(code)
    for kind in _CODE_KINDS
    for code in labels.CODES[kind]
    if not str(code).isdigit()  # "3", "2", "1" cannot be told from numbers
}


def _raw_heading(name: object) -> bool:
    text = str(name)
    return bool(SNAKE.match(text)) or text in labels.COLUMNS


def _raw_value(value: object) -> bool:
    if not isinstance(value, str):
        return False
    return value in RAW_CODES or bool(MODEL_COMBO.match(value))


def _problems_in_frame(where: str, frame: pd.DataFrame, headings: list[str]) -> list[str]:
    found = [f"{where}: heading {h!r}" for h in headings if _raw_heading(h)]
    for col in frame.columns:
        raw = sorted({v for v in frame[col].tolist() if _raw_value(v)})
        found += [f"{where}: column {col!r} value {v!r}" for v in raw]
    return found


def _problems_in_shown(where: str, shown: object) -> list[str]:
    if hasattr(shown, "to_html") and hasattr(shown, "data"):  # a pandas Styler
        html = shown.to_html()
        headings = re.findall(r'<th [^>]*class="col_heading[^"]*"[^>]*>(.*?)</th>', html)
        return _problems_in_frame(where, shown.data, headings)
    if isinstance(shown, pd.DataFrame):
        return _problems_in_frame(where, shown, [str(c) for c in shown.columns])
    return []


def _problems_in_workbook(path: Path) -> list[str]:
    found = []
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for table in ws.tables.values():
            cells = ws[table.ref]
            heads = [c.value for c in cells[0]]
            where = f"{path.name} › {ws.title} › {table.displayName}"
            found += [f"{where}: heading {h!r}" for h in heads if _raw_heading(h)]
            for row in cells[1:]:
                found += [
                    f"{where}: {c.coordinate} {c.value!r}" for c in row if _raw_value(c.value)
                ]
    return found


def _run_template(path: Path, params: dict[str, object]) -> list[tuple[str, object]]:
    """Execute the template's code cells here; return (cell id, displayed value) pairs."""
    import matplotlib

    matplotlib.use("Agg")

    nb = nbformat.read(path, as_version=4)
    ns: dict[str, object] = {}
    shown = []
    with warnings.catch_warnings():  # a kernel shows warnings; it does not stop on them
        warnings.simplefilter("ignore")
        _exec_cells(nb, path, params, ns, shown)
    return shown


def _exec_cells(nb, path, params, ns, shown) -> None:
    import matplotlib.pyplot as plt

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
        exec(compile(body, path.name, "exec"), ns)
        if "parameters" in cell.metadata.get("tags", []):
            ns.update(params)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), path.name, "eval"), ns)
            shown.append((cell.get("id", "?"), value))
        plt.close("all")


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("labels_data")
    rk.sample.write(rk.sample.generate(seed=0, regions=1, hospitals_per_region=8), folder)
    return folder


# ----------------------------------------------------------------------------- registry


def test_each_label_is_defined_once():
    from repkit import schema
    from repkit.activity import _kpi
    from repkit.plan import _workbook
    from repkit.report import document, forecast_chart, tables

    assert schema.LEVEL_LABELS is labels.LEVEL_LABELS
    assert schema.TITLE_LABELS is labels.TITLE_LABELS
    assert schema.ROLE_LABELS is labels.ROLE_LABELS
    assert schema.RATING_LABELS is labels.RATING_LABELS
    assert rk.tiering.STATUS_LABELS is labels.STATUS_LABELS
    assert rk.tiering.TIER_LABELS is labels.TIER_LABELS
    assert rk.activity.KPI_LABELS is labels.KPI_LABELS is _kpi.KPI_LABELS
    assert tables.COLUMN_LABELS is labels.COLUMNS
    assert document.SCENARIO_LABELS is labels.SCENARIO_LABELS
    assert _workbook._SCENARIO_ZH is labels.SCENARIO_LABELS
    assert forecast_chart.model_label("theta") == labels.MODEL_LABELS["theta"]


def test_labels_and_codes():
    assert labels.label("hoh_rate") == "环比"
    assert labels.label("区域") == "区域"
    assert labels.label_code("snaive+ets_damped", "model") == "季节朴素＋阻尼季节指数平滑"
    assert labels.label_code("incorrect", "status") == "还不对"
    assert labels.label_code("dormant", "status") == labels.STATUS_LABELS["dormant"]
    assert labels.label_code(5, "rating") == "常用"
    assert labels.label_code("unknown", "level") == "unknown"
    with pytest.raises(ValueError, match="valid"):
        labels.label_code("x", "colour")
    s = labels.label_codes(pd.Series(["3A", None, "community"]), "level")
    assert s.tolist()[0] == "三甲"
    assert s.isna().tolist() == [False, True, False]


def test_english_toggle(monkeypatch):
    assert labels.label("completion_rate", lang="en") == "Completion rate"
    assert labels.label_code("deputy_chief", "title", lang="en") == "deputy chief"
    monkeypatch.setenv("REPKIT_LANG", "en")
    df = labels.label_frame(pd.DataFrame({"level": ["3A"], "status": ["not_checked"]}))
    assert df.to_dict("records") == [{"Level": "Grade 3A", "Status": "not checked"}]
    monkeypatch.setenv("REPKIT_LANG", "fr")
    with pytest.raises(ValueError, match="'zh', 'en'"):
        labels.label("level")


def test_redundant_label_columns_fold_into_the_code_column():
    df = pd.DataFrame({"kpi": ["meetings_held"], "label": ["院内会议场次"], "value": [3.0]})
    out = labels.label_frame(df)
    assert out.columns.tolist() == ["指标", "数值"]
    assert out.iloc[0, 0] == "院内会议场次"
    kept = labels.label_frame(pd.DataFrame({"level": ["3A"], "level_label": ["三级甲等"]}))
    assert kept.columns.tolist() == ["等级", "医院等级"]  # differs: both kept


def test_one_scenario_vocabulary_in_html_and_excel(tmp_path):
    ds = rk.sample.generate(seed=0, regions=1)
    plan = rk.plan.build(ds, "2026H2", forecast="simple")
    stretch = labels.SCENARIO_LABELS["stretch"]
    html = rk.report.document.scenario_table(plan).to_html()
    assert stretch in html
    path = rk.report.write_excel(plan.workbook(), tmp_path / "plan.xlsx")
    sheet = pd.read_excel(path, sheet_name="概览", engine="calamine", header=None)
    assert sheet.astype(str).apply(lambda c: c.str.contains(stretch)).any().any()
    for text in (html, sheet.to_string()):
        assert "挑战" not in text
        assert "冲刺情景" not in text


def test_department_status_text_agrees_with_developed_column():
    ds = rk.sample.generate(seed=0, regions=1)
    st = rk.tiering.department_status(ds.hospitals, ds.sales, ds.doctors)
    developed_dormant = st[(st["status"] == "dormant") & st["developed"]]
    assert len(developed_dormant)  # the case the old "休眠（尚未开发）" text got wrong
    assert "未开发" not in labels.STATUS_LABELS["dormant"]
    nb = nbformat.read(ROOT / "templates" / "half_year_plan.ipynb", as_version=4)
    legend = next(c.source for c in nb.cells if c.source.startswith("科室状态"))
    assert "尚未开发" not in legend
    assert "沉睡" in legend


# ----------------------------------------------------------------------------- templates


def test_half_year_template_shows_no_raw_heading_or_code(sample_folder, tmp_path):
    params = {
        "data": str(sample_folder),
        "region": "兰州",
        "out": str(tmp_path),
        "forecast": "simple",
    }
    shown = _run_template(ROOT / "templates" / "half_year_plan.ipynb", params)
    tables = [(cid, v) for cid, v in shown if hasattr(v, "to_html") or isinstance(v, pd.DataFrame)]
    assert len(tables) >= 15  # every review, scenario, activity and provenance table
    problems = [p for cid, v in tables for p in _problems_in_shown(cid, v)]
    workbooks = sorted(tmp_path.rglob("*.xlsx"))
    assert any(p.name == "plan.xlsx" for p in workbooks)
    for path in workbooks:
        problems += _problems_in_workbook(path)
    assert problems == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("growth_forecast.ipynb", {"backtest_windows": 2}),
        ("weekly_review.ipynb", {}),
        ("rep_plan.ipynb", {}),
    ],
)
def test_other_templates_show_no_raw_heading_or_code(sample_folder, tmp_path, name, extra):
    path = ROOT / "templates" / name
    import papermill as pm

    declared = pm.inspect_notebook(str(path))
    given = {"data": str(sample_folder), "region": "兰州", "out": str(tmp_path), **extra}
    shown = _run_template(path, {k: v for k, v in given.items() if k in declared})
    problems = [p for cid, v in shown for p in _problems_in_shown(f"{name} {cid}", v)]
    for book in sorted(tmp_path.rglob("*.xlsx")):
        problems += _problems_in_workbook(book)
    assert problems == []


def test_walk_catches_raw_headings_and_codes(tmp_path):
    """The checks themselves can fail: a raw frame written as-is would be caught."""
    raw = pd.DataFrame({"sales_rank": [1], "model": ["snaive+theta"], "lvl": ["3A"]})
    assert len(_problems_in_shown("t", raw)) == 4  # 2 headings, 2 codes
    book = tmp_path / "raw.xlsx"
    with pd.ExcelWriter(book) as writer:
        raw.to_excel(writer, index=False)
    wb = load_workbook(book)
    from openpyxl.worksheet.table import Table

    wb.active.add_table(Table(displayName="T1", ref="A1:C2"))
    wb.save(book)
    assert len(_problems_in_workbook(book)) == 4


def test_chart_axes_follow_the_number_conventions():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    months = pd.period_range("2025-01", periods=12, freq="M")
    money = pd.Series(range(100_000, 1_300_000, 100_000), index=months, dtype="float64")
    fig = rk.report.charts.monthly_history(money, ylabel="金额(元)")
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert any(t.endswith("万") for t in ticks)
    assert not any(t.replace(",", "").isdigit() and float(t.replace(",", "")) >= 1e5 for t in ticks)
    fig = rk.report.charts.monthly_history(money / 10, ylabel="盒/支")
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert any("," in t for t in ticks)
    assert not any("万" in t for t in ticks)
    frame = pd.DataFrame({"product": ["甲", "乙", "丙"], "completion_rate": [0.5, 0.9, 1.1]})
    fig = rk.report.charts.completion_bars(frame, label="product")
    colors = [matplotlib.colors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches]
    c = rk.report.charts.COLORS
    assert colors == [c["bad"], c["mid"], c["good"]]  # style's 80 % / 100 % bands
    plt.close("all")


def test_plan_workbook_prints_region_and_half(tmp_path):
    ds = rk.sample.generate(seed=0, regions=1)
    plan = rk.plan.build(ds, "2026H2", forecast="simple")
    wb = load_workbook(rk.report.write_excel(plan.workbook(), tmp_path / "plan.xlsx"))
    for ws in wb.worksheets:
        assert ws.oddHeader.left.text == f"{plan.region} · {plan.half.label}"
        assert ws.oddHeader.center.text == "&A"


def test_english_toggle_reaches_html_and_excel(monkeypatch, tmp_path):
    frame = pd.DataFrame({"level": ["3A"], "completion_rate": [0.5]})
    monkeypatch.setenv("REPKIT_LANG", "en")
    html = rk.report.display_table(frame).to_html()
    assert "Completion rate" in html
    assert "Grade 3A" in html
    ws = load_workbook(rk.report.write_excel({"s": frame}, tmp_path / "en.xlsx"))["s"]
    assert [c.value for c in ws[1]] == ["Level", "Completion rate"]


def test_waterfall_steps_use_the_registry():
    from repkit.plan import _explain

    assert _explain.STEP_LABELS["growth_step"] == labels.COLUMNS["growth_step"]


def test_reconciled_forecasts_are_labelled_in_chinese():
    from repkit.labels import label_code

    assert label_code("reconciled (mint_shrink)", "model") == "层级调和（MinT收缩）"
    assert label_code("reconciled (mint_shrink)", "model", lang="en") == "reconciled (mint shrink)"
    assert label_code("ets_trend", "model") != "ets_trend"
