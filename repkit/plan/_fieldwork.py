"""The workbook's field-work sheets: table C, completeness, competitors, meetings, listings.

Seed 000 tables C and F and the meetings and listings of seeds 001–003.

Private; reached through :meth:`repkit.plan.Plan.workbook`. Head counts and statuses
only: no spending, no prescription figures of any doctor. Nurse names appear only in
the internal (``names``) version of the workbook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from repkit.activity._completeness import INPATIENT_LEVELS, completeness
from repkit.activity._fieldwork import (
    MEETINGS_PER_HOSPITAL,
    competitor_report,
    listing_status,
    meeting_coverage,
    meetings_per_hospital,
)
from repkit.labels import LEVEL_LABELS
from repkit.schema import NURSE_TITLES

if TYPE_CHECKING:  # pragma: no cover
    from repkit.plan._build import Plan

NURSE_DAYS = 20
"""Seed 000 table C: the nurses of the inpatient and emergency wards within 20 days."""
EMERGENCY = "急诊"
"""A ward whose name holds this word is the emergency department; any other an inpatient ward."""

FIELD_SHEETS: tuple[str, ...] = ("基础工作完成度", "竞品动态", "科室会议", "新品进院")
"""Sheets after H, in order (the SWOT sheet follows them)."""


def _yes(flag: object) -> str:
    return "是" if bool(flag) else "否"


def nurse_deadline(plan: Plan) -> pd.Timestamp:
    """The last day of table C: the plan half's first 20 days."""
    return plan.half.start.start_time + pd.Timedelta(days=NURSE_DAYS - 1)


def _ward_kind(department: pd.Series) -> pd.Series:
    return department.astype(str).str.contains(EMERGENCY).map({True: "急诊科", False: "住院部"})


def _nurse_status(plan: Plan) -> pd.DataFrame:
    """One row per inpatient hospital: nurses per ward kind and whether table C is complete."""
    hosp = plan.data.hospitals
    hosp = hosp[hosp["level"].isin(INPATIENT_LEVELS)]
    nurses = plan.data.nurses.assign(kind=_ward_kind(plan.data.nurses["department"]))
    counts = nurses.groupby(["hospital_id", "kind"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=["急诊科", "住院部"], fill_value=0)
    dates = pd.to_datetime(nurses["recorded_on"]) if "recorded_on" in nurses else None
    complete_on: dict[str, pd.Timestamp] = (
        nurses.assign(_d=dates)
        .groupby(["hospital_id", "kind"])["_d"]
        .min()
        .unstack()
        .max(axis=1)
        .to_dict()
        if dates is not None and len(nurses)
        else {}
    )
    ids = hosp["hospital_id"]
    emergency = ids.map(counts["急诊科"]).fillna(0).astype("int64")
    inpatient = ids.map(counts["住院部"]).fillna(0).astype("int64")
    done = (emergency > 0) & (inpatient > 0)
    deadline = nurse_deadline(plan).date()
    on = ids.map(complete_on).where(done)
    out = pd.DataFrame(
        {
            "医院编码": ids.to_numpy(),
            "医院": hosp["name"].to_numpy(),
            "等级": hosp["level"].map(lambda v: LEVEL_LABELS.get(v, v)).to_numpy(),
            "急诊科人数": emergency.to_numpy(),
            "住院部人数": inpatient.to_numpy(),
            "信息齐全": done.map(_yes).to_numpy(),
            "齐全日期": [None if pd.isna(d) else pd.Timestamp(d).date() for d in on],
            "截止日期": deadline,
            "状态": ["已齐全" if d else f"待收集（{NURSE_DAYS}天内）" for d in done],
        }
    )
    out.attrs["title"] = (
        f"表 C 进度：二级以上医院的急诊科和住院部护士信息，{plan.half.label}前 {NURSE_DAYS} 天"
        f"（{deadline} 前）收集齐全"
    )
    return out


def _nurse_list(plan: Plan, *, names: bool) -> pd.DataFrame:
    """One row per nurse recorded; the name only in the internal version."""
    n = plan.data.nurses
    hosp = plan.data.hospitals.set_index("hospital_id")["name"]
    reps = plan.data.reps.set_index("rep_id")["name"] if "name" in plan.data.reps else {}
    out = pd.DataFrame(
        {
            "医院编码": n["hospital_id"].to_numpy(),
            "医院": n["hospital_id"].map(hosp).to_numpy(),
            "病区": n["department"].to_numpy(),
            "类型": _ward_kind(n["department"]).to_numpy(),
        }
    )
    if names:
        out["护士姓名"] = n["name"].to_numpy()
    out["职称"] = n["title"].map(lambda t: NURSE_TITLES.get(t, t)).to_numpy()
    rep_ids = n["rep_id"] if "rep_id" in n else pd.Series(None, index=n.index, dtype="object")
    out["收集人"] = rep_ids.map(reps).fillna(rep_ids).to_numpy()
    recorded = pd.to_datetime(n["recorded_on"]) if "recorded_on" in n else None
    out["收集日期"] = (
        [None if pd.isna(d) else d.date() for d in recorded] if recorded is not None else None
    )
    out = out.sort_values(["医院编码", "类型", "病区"], kind="stable").reset_index(drop=True)
    out.attrs["title"] = "护士信息明细" + ("" if names else "（外发版不显示姓名）")
    return out


def ward_nurses(plan: Plan, *, names: bool = False) -> list[pd.DataFrame]:
    """Sheet C: table C's progress per inpatient hospital, then the nurses recorded."""
    return [_nurse_status(plan), _nurse_list(plan, names=names)]


def review_completeness(plan: Plan) -> pd.DataFrame:
    """:func:`repkit.activity.completeness` on the last day of the reviewed half (once).

    Sheet 基础工作 and the SWOT items on overdue basic work both read it.
    """
    p = plan.review_half
    return plan._cached(
        "review_completeness", lambda: completeness(plan.data, as_of=str(p.end), half=p)
    )


def basic_work(plan: Plan) -> pd.DataFrame:
    """The completeness of the reviewed half's basic work (tables A, B, C, H and CRM).

    Measured on the last day of the reviewed half with :func:`repkit.activity.completeness`.
    """
    return plan._cached("basic_work", lambda: _basic_work(plan))


def _basic_work(plan: Plan) -> pd.DataFrame:
    p = plan.review_half
    c = review_completeness(plan)
    out = pd.DataFrame(
        {
            "项目": c["label"],
            "已完成": c["done"],
            "应完成": c["total"],
            "完成率": c["value"],
            "目标": c["target"],
            "截止日期": c["deadline"],
            "达标": c["met"].map(_yes),
            "逾期后完成": c["late"].map(_yes),
            "逾期": c["overdue"].map(_yes),
            "出处": c["seed"],
        }
    )
    out.attrs["excel_formats"] = {"完成率": "0.0%", "目标": "0%"}
    out.attrs["excel_formulas"] = {"完成率": 'IF({应完成}>0,{已完成}/{应完成},"")'}
    out.attrs["title"] = f"{p.label}基础工作完成度（截至 {p.end.end_time.date()}）"
    return out


def competitors(plan: Plan) -> pd.DataFrame:
    """Sheet 竞品动态: the reviewed half's competitor activity by month (seed 000 table F)."""
    return plan._cached("competitors", lambda: _competitors(plan))


def _competitors(plan: Plan) -> pd.DataFrame:
    out = competitor_report(plan.data, freq="M", period=str(plan.review_half))
    out.attrs["excel_formats"] = {"最低价格": "#,##0.00"}
    return out


def meetings(plan: Plan) -> list[pd.DataFrame]:
    """Sheet 科室会议: the reviewed half's meetings, and each hospital's against 3 a half."""
    return plan._cached("meetings", lambda: _meetings(plan))


def _meetings(plan: Plan) -> list[pd.DataFrame]:
    p = plan.review_half
    coverage = meeting_coverage(plan.data, period=str(p))
    coverage["达标"] = coverage["达标"].map(_yes)
    coverage.attrs["excel_formats"] = {"到会率": "0.0%", "目标到会率": "0%"}
    per_hospital = meetings_per_hospital(plan.data, period=str(p))
    per_hospital = per_hospital.rename(
        columns={"科室会": f"{p.label}科室会", "差距": f"{p.label}差距"}
    )
    per_hospital[f"{plan.half.label}目标"] = MEETINGS_PER_HOSPITAL
    per_hospital = per_hospital.drop(columns="目标")
    per_hospital.attrs["title"] = (
        f"每家三级以上医院每半年召开 {MEETINGS_PER_HOSPITAL}–4 次科室会（兰州区域半年工作计划范本）"
    )
    return [coverage, per_hospital]


def listings(plan: Plan) -> pd.DataFrame:
    """Sheet 新品进院: each product's admission status on the reviewed half's last day."""
    return plan._cached("listings", lambda: _listings(plan))


def _listings(plan: Plan) -> pd.DataFrame:
    out = listing_status(plan.data, as_of=str(plan.review_half.end))
    out["样板医院"] = out["样板医院"].map(_yes) if len(out) else out["样板医院"]
    return out


def field_sheets(plan: Plan) -> dict[str, pd.DataFrame | list[pd.DataFrame]]:
    """The sheets after H: completeness, competitors, meetings, listings."""
    return dict(
        zip(
            FIELD_SHEETS,
            (basic_work(plan), competitors(plan), meetings(plan), listings(plan)),
            strict=True,
        )
    )
