"""The plan workbook's field-work sheets: table C, completeness, competitors, meetings, listings."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from openpyxl import load_workbook

import repkit as rk
from repkit.plan._fieldwork import ward_nurses

HALF = "2026H2"


@pytest.fixture(scope="module")
def lz(lanzhou):
    return lanzhou


@pytest.fixture(scope="module")
def plan(sample_plan):
    return sample_plan(HALF, forecast="simple")


@pytest.fixture(scope="module")
def wb(plan):
    return plan.workbook()


def _with_nurses(plan, rows):
    nurses = pd.DataFrame(rows, columns=["hospital_id", "department", "name", "title", "rep_id"])
    nurses["recorded_on"] = pd.to_datetime(["2026-01-05"] * len(rows))
    return replace(plan, data=replace(plan.data, nurses=nurses))


def test_sheet_c_counts_emergency_and_inpatient_nurses_per_hospital(plan):
    first, second = plan.data.hospitals["hospital_id"].iloc[:2]
    p = _with_nurses(
        plan,
        [
            (first, "急诊科", "赵敏", "head_nurse", "R0001"),
            (first, "心内科病区", "孙丽", "charge_nurse", "R0001"),
            (first, "心内科病区", "周洁", "intern_nurse", "R0001"),
            (second, "急诊科", "王芳", "nurse", "R0002"),
        ],
    )
    status, listed = ward_nurses(p)
    inpatient = plan.data.hospitals["level"].isin(["3A", "3", "2"])
    assert len(status) == int(inpatient.sum())
    row = status.set_index("医院编码")
    assert (row.loc[first, "急诊科人数"], row.loc[first, "住院部人数"]) == (1, 2)
    assert row.loc[first, "信息齐全"] == "是"
    assert row.loc[first, "状态"] == "已齐全"
    assert (row.loc[second, "急诊科人数"], row.loc[second, "住院部人数"]) == (1, 0)
    assert row.loc[second, "信息齐全"] == "否"
    assert row.loc[second, "齐全日期"] is None
    assert row.loc[second, "状态"] == "待收集（20天内）"
    assert set(status["截止日期"]) == {pd.Timestamp("2026-07-20").date()}
    assert (status["信息齐全"] == "是").sum() == 1
    assert len(listed) == 4
    assert "护士姓名" not in listed
    assert set(listed["职称"]) <= set(rk.schema.NURSE_TITLES.values())
    _, named = ward_nurses(p, names=True)
    assert sorted(named["护士姓名"]) == sorted(["赵敏", "孙丽", "周洁", "王芳"])


def test_sheet_c_agrees_with_the_completeness_measure(plan, wb):
    status = wb["C 护士信息"][0]
    c = rk.activity.completeness(plan.data, as_of="2026-06-30", half="2026H1")
    ward = c.set_index("measure").loc["ward_nurses"]
    assert (status["信息齐全"] == "是").sum() == ward["done"]
    assert len(status) == ward["total"]


def test_completeness_sheet_is_the_reviewed_halfs_measures(plan, wb):
    sheet = wb["基础工作完成度"]
    c = rk.activity.completeness(plan.data, as_of="2026-06-30", half="2026H1")
    assert sheet["项目"].tolist() == c["label"].tolist()
    assert sheet["已完成"].tolist() == c["done"].tolist()
    assert sheet["完成率"].tolist() == pytest.approx(c["value"].tolist())
    assert sheet["目标"].tolist() == [0.8, 1.0, 1.0, 1.0, 1.0]
    assert sheet["达标"].tolist() == ["是" if m else "否" for m in c["met"]]
    assert sheet.attrs["title"].startswith("2026年上半年")


def test_competitor_meeting_and_listing_sheets_show_lanzhou(plan, wb):
    lz = plan.data
    half = lz.competitors["date"].between("2026-01-01", "2026-06-30 23:59")
    comp = wb["竞品动态"]
    assert int(comp["次数"].sum()) == int(half.sum()) > 0
    coverage, per_hospital = wb["科室会议"]
    in_half = lz.meetings["date"].between("2026-01-01", "2026-06-30 23:59")
    assert int(coverage["会议数"].sum()) == int(in_half.sum()) > 0
    assert int(coverage["到会人数"].sum()) == int(lz.meetings.loc[in_half, "attended"].sum())
    assert (per_hospital["2026年下半年目标"] == 3).all()
    listing = wb["新品进院"]
    assert len(listing) == len(lz.listings) > 0
    assert set(listing["医院"]) <= set(lz.hospitals["name"])
    assert not any("费用" in c or "处方量" in c for c in coverage.columns.union(listing.columns))


def test_plan_xlsx_has_sheet_c_without_names_unless_internal(plan, tmp_path):
    calls = rk.activity.call_plan(plan.data, plan.half.start)
    rk.plan.write_files(plan, tmp_path / "out", calls=calls, privacy_mode="tokens")
    book = load_workbook(tmp_path / "out" / "plan.xlsx")
    assert book.sheetnames[3] == "C 护士信息"
    texts = {str(c.value) for row in book["C 护士信息"].iter_rows() for c in row}
    assert "护士姓名" not in texts
    assert not texts & set(plan.data.nurses["name"])
    rk.plan.write_files(plan, tmp_path / "internal", calls=calls, privacy_mode="names")
    book = load_workbook(tmp_path / "internal" / "plan.xlsx")
    texts = {str(c.value) for row in book["C 护士信息"].iter_rows() for c in row}
    assert "护士姓名" in texts
    assert set(plan.data.nurses["name"]) <= texts
    assert {"基础工作完成度", "竞品动态", "科室会议", "新品进院"} <= set(book.sheetnames)


def test_a_data_set_without_the_field_tables_still_gives_every_sheet(plan):
    from repkit.dataset import _empty

    optional = ("nurses", "competitors", "meetings", "listings", "swot")
    bare = replace(plan, data=replace(plan.data, **{k: _empty(k) for k in optional}))
    wb = bare.workbook()
    status, listed = wb["C 护士信息"]
    assert (status["信息齐全"] == "否").all()
    assert listed.empty
    assert wb["竞品动态"].empty
    assert wb["新品进院"].empty
    assert set(wb["SWOT分析"]["来源"]) == {"数据提示"}
    for render in (
        rk.report.document.competitor_table,
        rk.report.document.meeting_table,
        rk.report.document.listing_table,
    ):
        assert "（无）" in render(bare).to_html()
    assert "待收集" in rk.report.document.nurse_table(bare).to_html()
    assert "定位（P）" in rk.report.document.swot_section(bare)
