"""SWOT/STP of a plan: data-prompted items with traceable numbers, the manager's table."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

import repkit as rk
from repkit.io._xlsx import Sheet, write_xlsx

HALF = "2026H2"


@pytest.fixture(scope="module")
def lz(lanzhou):
    return lanzhou


@pytest.fixture(scope="module")
def plan(sample_plan):
    return sample_plan(HALF, forecast="simple")


@pytest.fixture(scope="module")
def items(plan):
    return rk.plan.swot(plan)


def _one(items, measure):
    rows = items[items["measure"] == measure]
    assert len(rows) == 1, measure
    return rows.iloc[0]


def test_columns_and_order(items):
    assert list(items.columns) == list(rk.plan.SWOT_COLUMNS)
    order = list(rk.schema.SWOT_CATEGORIES)
    ranks = items["category"].map(order.index).tolist()
    assert ranks == sorted(ranks)
    assert {"strength", "weakness", "opportunity", "threat", "segmentation", "targeting"} <= set(
        items.loc[items["origin"] == "data", "category"]
    )


def test_every_data_number_is_its_numerator_over_its_denominator(items):
    data = items[items["origin"] == "data"]
    growth = data["measure"].str.endswith(("growth_rate", "forecast_rate"))
    ratio = data["numerator"] / data["denominator"]
    expected = ratio.where(~growth, ratio - 1)
    assert data["value"].to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-9)
    assert data["basis"].notna().all()
    assert data["source"].str.len().gt(0).all()


def test_growth_and_top_hospitals_trace_to_the_sales_rows(plan, items, lz):
    sales = lz.sales
    half = sales[sales["month"].isin(plan.review_half.months)]
    last = sales[sales["month"].isin(plan.review_half.same_last_year.months)]
    g = _one(items, "growth_rate")
    assert g["numerator"] == pytest.approx(half["amount"].sum())
    assert g["denominator"] == pytest.approx(last["amount"].sum())
    assert g["category"] == ("strength" if g["value"] >= 0 else "weakness")
    top = _one(items, "top_hospital_share")
    by_hospital = half.groupby("hospital_id")["amount"].sum().nlargest(3)
    assert top["numerator"] == pytest.approx(by_hospital.sum())
    assert top["category"] == ("weakness" if top["value"] > 0.6 else "strength")
    names = lz.hospitals.set_index("hospital_id").loc[by_hospital.index, "name"]
    assert all(n in top["item"] for n in names)


def test_department_coverage_and_competitors_follow_their_tables(plan, items, lz):
    dev = _one(items, "department_development_rate")
    status = rk.tiering.department_status(
        lz.hospitals, lz.sales, lz.doctors, months=plan.review_half.months
    )
    assert (dev["numerator"], dev["denominator"]) == (status["developed"].sum(), len(status))
    assert dev["category"] == ("strength" if dev["value"] >= 0.9 else "weakness")
    threats = items[items["measure"] == "competitor_activity"]
    in_half = lz.competitors[lz.competitors["date"].between("2026-01-01", "2026-06-30 23:59")]
    counts = in_half["activity"].value_counts()
    assert threats["value"].tolist() == sorted(threats["value"], reverse=True)
    assert int(threats["value"].iloc[0]) == counts.max()
    assert all(f"共 {len(in_half)} 条" in b for b in threats["basis"])


def test_the_managers_lines_are_merged_for_the_plans_region_only(items, sample_ds):
    mine = items[items["origin"] == "manager"]
    lanzhou = sample_ds.swot[sample_ds.swot["region"] == "兰州"]
    assert sorted(mine["item"]) == sorted(lanzhou["content"])
    assert mine["value"].isna().all()
    assert set(mine["source"]) == {"SWOT分析"}
    assert "西宁" not in " ".join(mine["item"])


def test_swot_section_escapes_the_managers_text(plan):
    hostile = pd.DataFrame(
        {
            "region": ["兰州"],
            "category": ["threat"],
            "product": [None],
            "content": ['<img src=x onerror="alert(1)"> [点我](javascript:alert(1))'],
            "action": ["<b>x</b>"],
        }
    )
    p = replace(plan, data=replace(plan.data, swot=hostile))
    text = rk.report.document.swot_section(p)
    assert "<img" not in text
    assert "<b>" not in text
    assert "&lt;img" in text
    assert "\\[点我\\]" in text
    assert "#### 定位（P）" in text
    assert "（无；可在 SWOT分析.xlsx 中填写）" in text


def test_no_doctor_figures_in_swot(items):
    text = " ".join(items["item"].astype(str)) + " ".join(items["basis"].dropna())
    assert "医生" not in " ".join(items.loc[items["origin"] == "data", "item"])
    assert "处方" not in text
    assert not {"doctor_id", "doctor"} & set(items.columns)


def test_workbook_sheet_shows_every_item_with_its_arithmetic(plan, items):
    sheet = plan.workbook()["SWOT分析"]
    assert len(sheet) == len(items)
    assert list(sheet.columns[:3]) == ["类别", "来源", "内容"]
    assert set(sheet["类别"]) <= set(rk.schema.SWOT_CATEGORIES.values())
    assert set(sheet["来源"]) == {"数据提示", "经理填写"}
    assert sheet["算法"].notna().sum() == (items["origin"] == "data").sum()


# ----------------------------------------------------------------------------- the table


def _xlsx(tmp_path, rows, name="SWOT分析.xlsx"):
    return write_xlsx(tmp_path / name, [Sheet("Sheet1", rows)])


def _problems(call):
    with pytest.raises(rk.DataError) as err:
        call()
    return err.value.problems


def test_swot_from_a_titled_sheet_with_aliases_and_letters(tmp_path):
    rows = [
        ["兰州区域 SWOT 分析（经理填写）"],
        ["区域", "分类", "品种", "要点", "措施"],
        ["兰州", "优势（S）", None, "空军医院心内科关系稳定", "保持高层拜访"],
        ["兰州", "W", "新活宁注射液", "二院进院慢", None],
        ["兰州", "机会", None, "医保目录调整", None],
        ["兰州", "Threats", None, "竞品降价投标", None],
        ["兰州", "目标市场", None, "三级医院心内科", None],
    ]
    t = rk.read_table(_xlsx(tmp_path, rows), "swot")
    assert t["category"].tolist() == [
        "strength",
        "weakness",
        "opportunity",
        "threat",
        "targeting",
    ]
    assert t["content"].iloc[1] == "二院进院慢"
    assert t["action"].iloc[0] == "保持高层拜访"


def test_swot_refusals_name_the_cell_and_rule(tmp_path):
    rows = [
        ["区域", "类别", "内容"],
        ["兰州", "风险", "竞品降价"],
        ["兰州", "优势", None],
        ["兰州", "劣势", "进院慢"],
    ]
    p = _problems(lambda: rk.read_table(_xlsx(tmp_path, rows), "swot"))
    found = sorted(p[["row", "column", "rule"]].itertuples(index=False, name=None))
    assert found == [(2, "类别", "bad_code"), (3, "内容", "missing_value")]
    assert "优势" in p.loc[p["rule"] == "bad_code", "message"].iloc[0]
    twice = [["区域", "类别", "内容"], ["兰州", "劣势", "进院慢"], ["兰州", "劣势", "进院慢"]]
    p = _problems(lambda: rk.read_table(_xlsx(tmp_path, twice, "twice.xlsx"), "swot"))
    assert set(p["rule"]) == {"duplicate_key"}
    assert set(p["row"]) == {2, 3}
    no_content = [["区域", "类别"], ["兰州", "优势"]]
    p = _problems(lambda: rk.read_table(_xlsx(tmp_path, no_content, "m.xlsx"), "swot"))
    assert set(p["rule"]) == {"missing_column"}


def test_swot_lines_must_name_a_known_region_and_product(tmp_path):
    ds = rk.sample.generate(seed=0, regions=1, calls=False)
    rk.sample.write(ds, tmp_path)
    rows = [
        ["区域", "类别", "品种", "内容"],
        ["兰州", "优势", None, "团队稳定"],
        ["兰洲", "劣势", None, "错别字的区域"],
        ["兰州", "机会", "不存在的品种", "新品"],
    ]
    (tmp_path / "SWOT分析.xlsx").unlink()
    _xlsx(tmp_path, rows)
    p = _problems(lambda: rk.load_dataset(tmp_path))
    assert set(p["rule"]) == {"unknown_reference"}
    assert sorted(zip(p["row"], p["value"], strict=True)) == [(3, "兰洲"), (4, "不存在的品种")]
    assert set(p["file"]) == {"SWOT分析.xlsx"}


def test_sample_swot_loads_back_for_every_region(tmp_path, sample_ds):
    rk.sample.write(sample_ds, tmp_path)
    back = rk.load_dataset(tmp_path)
    assert len(back.swot) == len(sample_ds.swot) > 0
    for region in sample_ds.regions:
        sub = back.for_region(region).swot
        assert len(sub) > 0
        assert set(sub["region"]) == {region}


def test_items_are_computed_once_per_plan_and_handed_out_as_copies(plan, items):
    first = rk.plan.swot(plan)
    first.loc[:, "item"] = "changed by the caller"
    again = rk.plan.swot(plan)
    pd.testing.assert_frame_equal(again, items)
    assert "swot" in plan._memo  # remembered, not recomputed
    fresh = replace(plan)  # a replaced plan remembers nothing
    assert "swot" not in fresh._memo
    pd.testing.assert_frame_equal(rk.plan.swot(fresh), items)
