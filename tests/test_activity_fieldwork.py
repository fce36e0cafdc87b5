"""Field work of the seeds: completeness of the basic work, norm presets, summaries."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import repkit as rk


def tiny():
    hospitals = pd.DataFrame(
        {
            "hospital_id": ["H1", "H2", "H3", "H4", "H5"],
            "name": ["甲", "乙", "丙", "丁", "戊"],
            "region": "兰州",
            "city": ["兰州", "兰州", None, "兰州", "兰州"],
            "level": ["3A", "3", "2", "community", "1"],
            "beds": [1500.0, 800.0, 300.0, 40.0, None],
            "departments": [["心内科"], ["心内科"], ["内一科"], ["内一科"], ["内一科"]],
        }
    )
    doctors = pd.DataFrame(
        {
            "doctor_id": ["D1", "D2", "D3", "D4"],
            "name": ["王明", "李芳", "张静", "赵强"],
            "hospital_id": "H1",
            "department": "心内科",
            "title": ["chief", "attending", None, "resident"],
            "is_expert": [True, False, False, False],
            "rating": pd.array([5, 3, 4, None], dtype="Int64"),
        }
    )
    nurses = pd.DataFrame(
        {
            "hospital_id": ["H1", "H1", "H2", "H3", "H3"],
            "department": ["急诊科", "心内科病区", "急诊科", "急诊科", "内一科病区"],
            "name": ["甲", "乙", "丙", "丁", "戊"],
            "title": "nurse",
            "recorded_on": pd.to_datetime(
                ["2026-07-03", "2026-07-10", "2026-07-05", "2026-07-08", "2026-07-25"]
            ),
        }
    )
    reps = pd.DataFrame({"rep_id": ["R1", "R2"], "region": "兰州"})
    # week of Mon 6 July: R1 five entries, R2 four; week of 13 July: R1 five, R2 none
    days = ["2026-07-06"] * 5 + ["2026-07-07"] * 4 + ["2026-07-14"] * 5
    calls = pd.DataFrame(
        {
            "date": pd.to_datetime(days),
            "rep_id": ["R1"] * 5 + ["R2"] * 4 + ["R1"] * 5,
            "doctor_id": "D1",
            "hospital_id": "H1",
            "purpose": ["keep_use"] * 13 + [None],
            "result": "达到目标",
            "rating_after": 5,
            "follow_up": ["跟进"] * 12 + ["", "跟进"],
        }
    )
    return rk.Dataset.from_tables(
        hospitals=hospitals, doctors=doctors, nurses=nurses, reps=reps, calls=calls
    )


def test_completeness_arithmetic_on_a_tiny_region():
    c = rk.activity.completeness(tiny(), as_of="2026-07-20").set_index("measure")
    assert list(c.index) == [
        "hospital_files",
        "doctor_cards",
        "ward_nurses",
        "weekly_schedules",
        "call_records",
    ]
    # A: H3 has no city, H5 no beds → 3 of 5 complete, target 80 %, due 31 July
    assert (c.at["hospital_files", "done"], c.at["hospital_files", "total"]) == (3, 5)
    assert c.at["hospital_files", "value"] == pytest.approx(0.6)
    assert c.at["hospital_files", "deadline"] == dt.date(2026, 7, 31)
    assert not c.at["hospital_files", "met"]
    assert not c.at["hospital_files", "overdue"]
    # B: D3 lacks a title, D4 a rating
    assert (c.at["doctor_cards", "done"], c.at["doctor_cards", "total"]) == (2, 4)
    # C: inpatient hospitals H1, H2, H3; H1 has both wards, H2 only the emergency,
    # H3's inpatient ward was recorded on 25 July (after as_of)
    assert (c.at["ward_nurses", "done"], c.at["ward_nurses", "total"]) == (1, 3)
    assert c.at["ward_nurses", "deadline"] == dt.date(2026, 7, 20)
    # H: weeks ended by 20 July: 29 Jun–5 Jul, 6–12 Jul, 13–19 Jul, for R1 and R2;
    # only R1 in the weeks of 6 and 13 July logged five
    assert (c.at["weekly_schedules", "done"], c.at["weekly_schedules", "total"]) == (2, 6)
    assert c.at["weekly_schedules", "deadline"] == dt.date(2026, 7, 20)
    # CRM: one call without purpose, one without follow-up
    assert (c.at["call_records", "done"], c.at["call_records", "total"]) == (12, 14)
    assert c.at["call_records", "value"] == pytest.approx(12 / 14)


def test_completeness_counts_later_records_and_flags_overdue_work():
    c = rk.activity.completeness(tiny(), as_of="2026-08-03").set_index("measure")
    assert c.at["ward_nurses", "done"] == 2  # H3's ward now counted
    assert bool(c.at["ward_nurses", "overdue"])  # 2 of 3 after the 20 days
    assert bool(c.at["hospital_files", "overdue"])  # 60 % after July
    assert c.at["weekly_schedules", "total"] == 10  # five weeks ended, two reps


def test_table_c_finished_after_its_20_days_is_met_but_late():
    ds = tiny()
    from dataclasses import replace

    # H2 gets its inpatient ward on 28 July: all three hospitals done, 8 days late
    extra = pd.DataFrame(
        {
            "hospital_id": ["H2"],
            "department": ["内一科病区"],
            "name": ["己"],
            "title": "nurse",
            "recorded_on": pd.to_datetime(["2026-07-28"]),
        }
    )
    nurses = pd.concat([ds.nurses, extra], ignore_index=True)
    c = rk.activity.completeness(replace(ds, nurses=nurses), as_of="2026-08-03")
    row = c.set_index("measure").loc["ward_nurses"]
    assert (row["done"], bool(row["met"]), bool(row["late"])) == (3, True, True)
    assert not row["overdue"]
    # the same rows on time: met, not late; other measures never late
    on_time = nurses.assign(recorded_on=pd.Timestamp("2026-07-15"))
    c = rk.activity.completeness(replace(ds, nurses=on_time), as_of="2026-08-03")
    row = c.set_index("measure").loc["ward_nurses"]
    assert (bool(row["met"]), bool(row["late"])) == (True, False)
    assert not c["late"].drop(index=2).any()


def test_completeness_met_when_the_target_is_reached():
    ds = tiny()
    hospitals = ds.hospitals.assign(city="兰州", beds=100.0)
    from dataclasses import replace

    c = rk.activity.completeness(replace(ds, hospitals=hospitals), as_of="2026-07-20")
    row = c.set_index("measure").loc["hospital_files"]
    assert (row["done"], row["value"], bool(row["met"])) == (5, 1.0, True)


def test_completeness_of_the_sample_shows_lanzhou_behind_on_table_c():
    ds = rk.sample.generate(seed=0, regions=1).for_region("兰州")
    c = rk.activity.completeness(ds, as_of="2026-01-31").set_index("measure")
    assert c.at["ward_nurses", "value"] < 1
    assert bool(c.at["ward_nurses", "overdue"])
    assert c.at["hospital_files", "target"] == 0.8


# ------------------------------------------------------------------ norm presets


def test_default_norms_never_visit_a_less_than_b():
    n = rk.activity.default_norms().pivot(index="level", columns="tier", values="visits_per_month")
    assert (n["A"] >= n["B"]).all()
    assert (n["B"] >= n["C"]).all()


def test_july_plan_gives_every_kol_at_least_the_core_norm():
    ds = rk.sample.generate(seed=0, regions=1)
    goals = rk.activity.call_plan(ds, "2026-07").goals
    b_norm = goals.loc[goals["tier"] == "B", "norm_visits"]
    a_planned = goals.loc[goals["tier"] == "A", "planned"]
    assert a_planned.min() >= b_norm.max()


@pytest.mark.parametrize(
    ("name", "a", "b", "source"),
    [
        ("default", 4, 4, "repkit"),
        ("seed000", 8, 4, "兰州区域半年工作计划范本"),
        ("seed002", 3, 6, "《医药销售工作计划》范文"),
    ],
)
def test_norm_presets_follow_their_seed(name, a, b, source):
    n = rk.activity.norm_preset(name).set_index(["tier", "level"])["visits_per_month"]
    assert (n[("A", "3A")], n[("B", "3A")], n[("C", "3A")]) == (a, b, 1)
    assert rk.activity.NORM_PRESETS[name]["visits_per_day"] == 8
    assert rk.activity.NORM_PRESETS[name]["seed"] == source  # the document, not its number


def test_a_preset_drives_the_call_plan():
    ds = rk.sample.generate(seed=0, regions=1)
    plan = rk.activity.call_plan(ds, "2026-07", norms=rk.activity.norm_preset("seed000"))
    a = plan.goals[plan.goals["tier"] == "A"]
    assert (a["norm_visits"] == 8).all()


def test_unknown_preset_names_the_presets():
    with pytest.raises(ValueError, match="可选：default、seed000、seed002"):
        rk.activity.norm_preset("seed009")


def test_a_resident_is_never_tiered_a():
    docs = pd.DataFrame(
        {
            "doctor_id": ["D1", "D2", "D3", "D4"],
            "hospital_id": "H1",
            "department": "心内科",
            "title": ["resident", "chief", "attending", "attending"],
            "is_expert": False,
            "rating": 4,
            "potential": [900.0, 100.0, 80.0, 10.0],
        }
    )
    t = rk.tiering.doctor_tiers(docs, shares=(0.25, 0.25)).set_index("doctor_id")
    assert t.loc["D1", "score_rank"] == 1  # the highest score …
    assert t.loc["D1", "tier"] == "B"  # … but a resident is not a KOL
    assert t.loc["D2", "tier"] == "A"
    assert (t["tier"] == "A").sum() == 1
    p = rk.tiering.doctor_tiers(docs, method="pareto").set_index("doctor_id")
    assert p.loc["D1", "tier"] != "A"


# ------------------------------------------------- competitor, meeting, listing tables


def test_competitor_report_by_week_and_month():
    c = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-03-02", "2026-03-06", "2026-03-09", "2026-04-01"]),
            "hospital_id": ["H1", "H2", "H1", "H1"],
            "department": "心内科",
            "product": "瑞心安片",
            "competitor_product": "心脉宁片",
            "activity": ["降价投标", "降价投标", "降价投标", "科室会推广"],
            "price": [45.0, 42.5, None, None],
            "notes": ["上报公司", "跟进价格", "再次上报", "加开科室会"],
        }
    )
    ds = rk.Dataset.from_tables(competitors=c)
    weekly = rk.activity.competitor_report(ds)
    assert weekly["周"].tolist() == [
        "2026-03-30/2026-04-05",
        "2026-03-09/2026-03-15",
        "2026-03-02/2026-03-08",
    ]
    first = weekly.iloc[-1]
    assert (first["次数"], first["医院数"], first["最低价格"], first["对策"]) == (
        2,
        2,
        42.5,
        "跟进价格",
    )
    monthly = rk.activity.competitor_report(ds, freq="M", period="2026Q1")
    assert monthly[["月份", "竞品活动", "次数"]].to_numpy().tolist() == [["2026-03", "降价投标", 3]]
    with pytest.raises(ValueError, match="valid: W, M, Q"):
        rk.activity.competitor_report(ds, freq="D")


def test_meeting_coverage_attendance_against_ninety_percent():
    m = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-03-02", "2026-03-09", "2026-03-10", "2026-05-01"]),
            "hospital_id": ["H1", "H2", "H1", "H1"],
            "department": ["心内科", "心内科", "呼吸内科", "心内科"],
            "type": ["department", "department", "department", "academic"],
            "product": ["新活宁", "新活宁", "舒肺宁", "新活宁"],
            "invited": [20.0, 10.0, 10.0, 50.0],
            "attended": [19.0, 8.0, 9.0, 40.0],
        }
    )
    ds = rk.Dataset.from_tables(meetings=m)
    t = rk.activity.meeting_coverage(ds).set_index(["科室", "品种"])
    heart = t.loc[("心内科", "新活宁")]
    assert (heart["会议数"], heart["科室会"], heart["学术会等"], heart["医院数"]) == (3, 2, 1, 2)
    assert heart["到会率"] == pytest.approx(67 / 80)
    assert not heart["达标"]
    assert bool(t.loc[("呼吸内科", "舒肺宁"), "达标"])  # 9 of 10
    march = rk.activity.meeting_coverage(ds, period="2026-03").set_index(["科室", "品种"])
    assert march.loc[("心内科", "新活宁"), "到会率"] == pytest.approx(27 / 30)
    assert "费用" not in "".join(t.columns)


def test_meetings_per_hospital_gap_to_three():
    hospitals = pd.DataFrame(
        {"hospital_id": ["H1", "H2", "H3"], "name": ["甲", "乙", "丙"], "level": ["3A", "3", "2"]}
    )
    m = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-03-02", "2026-03-09", "2026-04-01"]),
            "hospital_id": ["H1", "H1", "H3"],
            "department": "心内科",
            "type": ["department", "academic", "department"],
            "product": "新活宁",
            "invited": 10.0,
            "attended": 9.0,
        }
    )
    t = rk.activity.meetings_per_hospital(rk.Dataset.from_tables(hospitals=hospitals, meetings=m))
    assert t[["医院编码", "科室会", "学术会等", "差距"]].to_numpy().tolist() == [
        ["H1", 1, 1, 2],
        ["H2", 0, 0, 3],
        ["H3", 1, 0, 2],
    ]


def test_listing_status_days_and_first_prescribers_as_a_count():
    listings = pd.DataFrame(
        {
            "hospital_id": ["H1", "H2", "H3"],
            "product": "新活宁",
            "status": ["applied", "listed", "not_listed"],
            "applied_on": pd.to_datetime(["2026-03-01", "2026-01-05", None]),
            "listed_on": pd.to_datetime([None, "2026-03-06", None]),
            "benchmark": [False, True, False],
            "first_prescribers": [None, 4.0, None],
        }
    )
    ds = rk.Dataset.from_tables(listings=listings)
    t = rk.activity.listing_status(ds, as_of="2026-04-30")
    assert t["医院编码"].tolist() == ["H2", "H1", "H3"]  # listed first, then the steps
    assert t["状态"].tolist() == ["已进院", "申请中", "未进院"]
    assert t["进院天数"].tolist()[0] == 60
    assert t["已等待天数"].tolist()[1] == 60
    assert t["首批处方医生数"].tolist()[0] == 4
    assert t["样板医院"].tolist() == [True, False, False]
    assert not any("处方量" in c or "doctor" in c for c in t.columns)


def test_every_sample_region_has_field_work_to_show():
    ds = rk.sample.generate(seed=0)
    for region in ds.regions:
        sub = ds.for_region(region)
        assert len(rk.activity.competitor_report(sub, freq="M", period="2026-06")) > 0
        assert len(rk.activity.meeting_coverage(sub, period="2026H1")) > 0
        assert (rk.activity.listing_status(sub)["状态"] == "已进院").any()


def test_completeness_as_of_a_month_or_quarter_means_its_last_day():
    by_month = rk.activity.completeness(tiny(), as_of="2026-07")
    by_day = rk.activity.completeness(tiny(), as_of="2026-07-31")
    pd.testing.assert_frame_equal(by_month, by_day)
    by_quarter = rk.activity.completeness(tiny(), as_of="2026Q3")
    assert by_quarter["deadline"].iloc[-1] == dt.date(2026, 9, 30)


# ------------------------------------------------------------ monthly/quarterly review


def _fake_plan():
    from types import SimpleNamespace

    months = pd.PeriodIndex(["2026-05", "2026-06", "2026-06", "2026-06"], freq="M")
    targets = pd.DataFrame(
        {
            "month": months,
            "product": ["甲", "甲", "甲", "乙"],
            "hospital_id": ["H1", "H1", "H2", "H1"],
            "rep_id": ["R1", "R1", "R2", "R1"],
            "rep": ["王明", "王明", "李芳", "王明"],
            "units": [100, 100, 50, 40],
            "amount": [1000.0, 1000.0, 500.0, 800.0],
        }
    )
    sales = pd.DataFrame(
        {
            "month": pd.PeriodIndex(
                ["2025-06", "2026-05", "2026-06", "2026-06", "2026-06"], freq="M"
            ),
            "product": ["甲", "甲", "甲", "乙", "甲"],
            "hospital_id": ["H1", "H1", "H1", "H1", "H2"],
            "rep_id": ["R1", "R1", "R1", "R1", "R9"],
            "units": [80.0, 90.0, 120.0, 50.0, 10.0],
        }
    )
    return SimpleNamespace(
        targets=targets, data=SimpleNamespace(sales=sales), half=rk.calendar.Half.parse("2026H1")
    )


def test_period_review_arithmetic():
    r = rk.activity.period_review(_fake_plan(), "2026-06").set_index("product")
    # 甲: target 150, actual 130 (H1 120 + H2 10), gap 20; last June 80; H1 to date 250 vs 220
    assert r.loc["甲", ["target_units", "actual_units", "gap_units"]].tolist() == [150, 130, 20]
    assert r.loc["甲", "completion_rate"] == pytest.approx(130 / 150)
    assert r.loc["甲", "growth_rate"] == pytest.approx(130 / 80 - 1)
    assert r.loc["甲", "half_completion_rate"] == pytest.approx(220 / 250)
    assert r.loc["乙", "gap_units"] == 0  # over target: no negative gap
    assert r.index.tolist() == ["甲", "乙"]  # biggest gap first
    by_rep = rk.activity.period_review(_fake_plan(), "2026Q2", by="rep_id").set_index("rep_id")
    assert by_rep.loc["（其他）", "actual_units"] == 10  # R9 has no target
    assert by_rep.loc["R1", "rep"] == "王明"
    with pytest.raises(ValueError, match="outside the plan's half"):
        rk.activity.period_review(_fake_plan(), "2026-07")


def test_period_targets_and_next_period():
    t = rk.activity.period_targets(_fake_plan(), "2026-06", by="product")
    assert t[["period", "product", "units"]].to_numpy().tolist() == [
        ["2026-06", "乙", 40],
        ["2026-06", "甲", 150],
    ]
    assert rk.activity.next_period("2026-12") == "2027-01"
    assert rk.activity.half_of(rk.activity.next_period("2026-06")) == "2026H2"


def test_pdca_acts_on_gap_competitors_and_attendance():
    review = rk.activity.period_review(_fake_plan(), "2026-06")
    meet = pd.DataFrame({"品种": ["甲"], "邀请人数": [20], "到会人数": [15]})
    acts = rk.activity.pdca(review, meetings=meet).set_index("品种")["处理(A)"]
    assert acts["甲"].startswith("差距小")  # 87 %
    assert "到会率 75%" in acts["甲"]
    assert acts["乙"].startswith("已完成")


# ---------------------------------------------------------- co-visits, night visits


def _team():
    hospitals = pd.DataFrame(
        {
            "hospital_id": ["H1", "H2", "H3"],
            "name": ["甲医院", "乙医院", "丙医院"],
            "level": ["3", "3A", "2"],
            "beds": [800.0, 1500.0, 300.0],
        }
    )
    reps = pd.DataFrame(
        {
            "rep_id": ["R1", "R2", "R3"],
            "name": ["王明", "李芳", "张静"],
            "role": ["sales_staff", "sales_staff", "medical_rep"],
            "hospitals": [["H1", "H2"], ["H3"], ["H2"]],
        }
    )
    return rk.Dataset.from_tables(hospitals=hospitals, reps=reps)


def test_co_visits_take_twelve_days_in_turn_at_the_biggest_hospitals():
    cv = rk.activity.co_visits(_team(), "2026-07")
    assert len(cv) == 12
    assert cv["date"].is_unique
    assert cv["date"].isin(rk.calendar.working_days("2026-07-01", "2026-07-31")).all()
    assert cv["rep_id"].value_counts().to_dict() == {"R1": 6, "R2": 6}  # sales staff only
    r1 = cv[cv["rep_id"] == "R1"]["hospital_id"].tolist()
    assert r1[:2] == ["H2", "H1"]  # 3A first, then in turn
    assert set(cv["type"]) == {"协访"}
    with pytest.raises(ValueError, match="days must be 0–23"):
        rk.activity.co_visits(_team(), "2026-07", days=30)


def test_night_visits_cover_every_working_evening():
    nv = rk.activity.night_visits(_team(), "2026-07")
    days = rk.calendar.working_days("2026-07-01", "2026-07-31")
    assert nv["date"].tolist() == list(days)
    assert set(nv["hospital_id"]) == {"H2"}  # the 3A hospital
    assert nv["rep_id"].tolist()[:3] == ["R1", "R2", "R1"]
    other = rk.activity.night_visits(_team(), "2026-07", hospitals=["H1", "H3"])
    assert other["hospital_id"].tolist()[:3] == ["H1", "H3", "H1"]
