"""Activity KPIs on small hand-made call logs with known answers; outcome; call plans."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import repkit as rk
from repkit.activity import (
    activity_outcome,
    coverage,
    department_development,
    effective_calls,
    frequency_compliance,
    kpi_table,
    meetings,
    norms_table,
    purpose_mix,
    time_to_listing,
    visits_per_day,
)

# 2026-03-02 is a Monday; 2026-03-02 … 2026-03-06 are five working days.
WEEK = ("2026-03-02", "2026-03-06")


def _calls(rows):
    frame = pd.DataFrame(
        rows, columns=["date", "rep_id", "doctor_id", "hospital_id", "department", "purpose"]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    frame["result"] = "达到目标"
    return frame


def _tiers():
    return pd.DataFrame(
        {
            "doctor_id": ["A1", "B1", "B2", "C1", "C2", "C3"],
            "hospital_id": ["H1", "H1", "H2", "H1", "H2", "H2"],
            "department": ["心内科", "心内科", "呼吸内科", "心内科", "呼吸内科", "眼科"],
            "tier": ["A", "B", "B", "C", "C", "C"],
            "rating": [6, 5, 3, 7, 2, 5],
            "level": ["3A", "3A", "community", "3A", "community", "community"],
        }
    )


# ----------------------------------------------------------------------------- visits


def test_effective_calls_drop_not_met():
    c = _calls([("2026-03-02", "R1", "A1", "H1", "心内科", "keep_use")] * 3)
    c["result"] = ["达到目标", "未见到", " Not met "]
    assert len(effective_calls(c)) == 1


def test_visits_per_day_known_answer():
    rows = [("2026-03-02", "R1", f"D{i}", "H1", "心内科", "keep_use") for i in range(10)]
    rows += [("2026-03-03", "R1", f"D{i}", "H1", "心内科", "keep_use") for i in range(6)]
    rows += [("2026-03-04", "R2", "D1", "H1", "心内科", "keep_use")]
    rows += [("2026-03-09", "R1", "D1", "H1", "心内科", "keep_use")]  # outside the week
    reps = pd.DataFrame({"rep_id": ["R3", "R1"], "name": ["张三", "李四"], "role": "sales_staff"})
    v = visits_per_day(_calls(rows), period=WEEK, reps=reps).set_index("rep_id")
    assert v.index.tolist() == ["R3", "R1", "R2"]  # reps table first, then call-only reps
    assert v.loc["R1", "visits"] == 16
    assert v.loc["R1", "working_days"] == 5
    assert v.loc["R1", "visits_per_day"] == pytest.approx(3.2)
    assert v.loc["R1", "days_active"] == 2
    assert v.loc["R1", "days_at_norm"] == 1
    assert v.loc["R3", "visits"] == 0
    assert v.loc["R1", "name"] == "李四"
    assert not v["meets_norm"].any()


def test_visits_per_day_holidays_not_working_days():
    # National Day week 2026-10-01 … 10-07: no working days, then 10-08 and 10-09 work
    rows = [("2026-10-08", "R1", f"D{i}", "H1", "心内科", "keep_use") for i in range(16)]
    v = visits_per_day(_calls(rows), period=("2026-10-01", "2026-10-09"))
    assert v.loc[0, "working_days"] == 2
    assert v.loc[0, "visits_per_day"] == 8.0
    assert bool(v.loc[0, "meets_norm"])


def test_coverage_known_answer():
    c = _calls(
        [
            ("2026-03-02", "R1", "A1", "H1", "心内科", "keep_use"),
            ("2026-03-03", "R1", "B2", "H2", "呼吸内科", "increase_use"),
            ("2026-03-03", "R1", "C1", "H1", "心内科", "keep_use"),
            ("2026-03-03", "R1", "X9", "H1", "心内科", "keep_use"),  # untiered doctor
        ]
    )
    cov = coverage(c, _tiers(), period=WEEK).set_index("tier")
    assert cov["doctors"].tolist() == [1, 2, 3]
    assert cov["visited"].tolist() == [1, 1, 1]
    assert cov["coverage_rate"].tolist() == pytest.approx([1.0, 0.5, 1 / 3])
    by = coverage(c, _tiers(), period=WEEK, by=["tier", "level"])
    assert len(by) == 5


def test_frequency_compliance_by_tier_and_level():
    # March: A1 (3A, norm 4) 4 visits; B1 (3A, norm 4) 3; B2 (community, norm 2) 2;
    # C1 1, C2 0, C3 1 (norm 1). April: nobody.
    rows = [(f"2026-03-0{d}", "R1", "A1", "H1", "心内科", "keep_use") for d in (2, 3, 4, 5)]
    rows += [("2026-03-03", "R1", "B1", "H1", "心内科", "keep_use")] * 3
    rows += [("2026-03-04", "R1", "B2", "H2", "呼吸内科", "keep_use")] * 2
    rows += [("2026-03-05", "R1", d, "H1", "心内科", "keep_use") for d in ("C1", "C3")]
    c = _calls(rows)
    fc = frequency_compliance(c, _tiers(), period=("2026-03-01", "2026-04-30")).set_index("tier")
    assert fc["doctor_months"].tolist() == [2, 4, 6]
    assert fc["compliant"].tolist() == [1, 1, 2]
    assert fc.loc["B", "compliance_rate"] == 0.25
    assert fc.loc["B", "mean_norm"] == 3.0
    detail = frequency_compliance(c, _tiers(), period="2026-03", detail=True)
    got = detail.set_index("doctor_id").loc[["A1", "B1", "B2"], ["visits", "norm", "compliant"]]
    assert got.to_numpy().tolist() == [[4, 4, True], [3, 4, False], [2, 2, True]]
    strict = frequency_compliance(c, _tiers(), period="2026-03", norms={"A": 5})
    assert strict.set_index("tier").loc["A", "compliant"] == 0


def test_purpose_mix_shares_and_by_rep():
    c = _calls(
        [
            ("2026-03-02", "R1", "A1", "H1", "心内科", "increase_use"),
            ("2026-03-02", "R1", "B1", "H1", "心内科", "increase_use"),
            ("2026-03-02", "R2", "B2", "H2", "呼吸内科", "support_listing"),
            ("2026-03-02", "R2", "C1", "H1", "心内科", None),
        ]
    )
    m = purpose_mix(c).set_index("purpose")
    assert m.loc["increase_use", "visits"] == 2
    assert m.loc["increase_use", "share"] == 0.5
    assert m.loc["other", "visits"] == 1  # missing purpose counts as other
    assert m.loc["increase_use", "purpose_label"] == "增加用量"
    assert m["share"].sum() == pytest.approx(1.0)
    by = purpose_mix(c, by="rep_id")
    assert by.groupby("rep_id")["visits"].sum().to_dict() == {"R1": 2, "R2": 2}


def test_department_development_rate():
    st = pd.DataFrame(
        {
            "hospital_id": ["H1"] * 4 + ["H2"] * 2,
            "hospital": ["甲"] * 4 + ["乙"] * 2,
            "level": "3A",
            "developed": [True, True, True, False, False, False],
        }
    )
    d = department_development(st).set_index("hospital_id")
    assert d["development_rate"].tolist() == [0.75, 0.0]
    assert d["departments"].tolist() == [4, 2]


def test_meetings_attendance():
    c = _calls(
        [
            ("2026-03-03", "R1", "A1", "H1", "心内科", "hospital_meeting"),
            ("2026-03-03", "R2", "B1", "H1", "心内科", "hospital_meeting"),
            ("2026-03-03", "R2", "B1", "H1", "心内科", "hospital_meeting"),  # logged twice
            ("2026-03-04", "R1", "B2", "H2", "呼吸内科", "hospital_meeting"),
            ("2026-03-04", "R1", "C2", "H2", "呼吸内科", "keep_use"),
        ]
    )
    m = meetings(c, _tiers())
    assert len(m) == 2
    assert m["reps"].tolist() == ["R1、R2", "R1"]
    assert m["attendees"].tolist() == [2, 1]
    assert m["department_doctors"].tolist() == [3, 2]
    assert m["attendance_rate"].tolist() == pytest.approx([2 / 3, 0.5])
    assert meetings(c.iloc[[4]], _tiers()).empty


def test_time_to_listing():
    c = _calls(
        [
            ("2026-01-10", "R1", "A1", "H1", "心内科", "introduce_product"),
            ("2026-02-01", "R1", "A1", "H1", "心内科", "support_listing"),
            ("2026-01-20", "R2", "B2", "H2", "呼吸内科", "keep_use"),
        ]
    )
    s = pd.DataFrame(
        {
            "month": pd.PeriodIndex(["2025-06", "2026-04", "2026-02", "2025-01"], freq="M"),
            "hospital_id": ["H1", "H1", "H2", "H2"],
            "product": ["老药", "新药", "新药", "老药"],
            "units": [5.0, 3.0, 2.0, 1.0],
        }
    )
    reps = pd.DataFrame({"rep_id": ["R1", "R2"], "products": [["新药", "老药"], ["新药"]]})
    t = time_to_listing(c, s, reps=reps).set_index(["hospital_id", "product"])
    assert ("H1", "老药") not in t.index  # listed before the first call
    assert t.loc[("H1", "新药"), "days_to_listing"] == 59  # 02-01 → 04-01
    assert t.loc[("H2", "新药"), "days_to_listing"] == 12  # 01-20 → 02-01
    assert str(t.loc[("H1", "新药"), "listed"]) == "2026-04"
    s2 = s[s["month"] != pd.Period("2026-04", "M")]
    t2 = time_to_listing(c, s2, reps=reps).set_index(["hospital_id", "product"])
    assert t2.loc[("H1", "新药"), "status"] == "not_listed"
    assert pd.isna(t2.loc[("H1", "新药"), "days_to_listing"])


def test_kpi_table_known_answers():
    t = _tiers()
    rows = [("2026-03-02", "R1", "A1", "H1", "心内科", "keep_use")] * 8
    rows += [("2026-03-03", "R1", "B1", "H1", "心内科", "hospital_meeting")]
    c = _calls(rows)
    st = pd.DataFrame({"hospital_id": ["H1", "H1"], "developed": [True, False]})
    k = kpi_table(c, t, period=("2026-03-02", "2026-03-03"), doctors=t, status=st)
    k = k.set_index("kpi")
    assert k.loc["visits_per_day", "value"] == 4.5
    assert not k.loc["visits_per_day", "meets"]
    assert k.loc["coverage_A", "value"] == 1.0
    assert k.loc["coverage_B", "value"] == 0.5
    assert k.loc["coverage_C", "value"] == 0.0
    assert k.loc["frequency_A", "value"] == 1.0  # 8 visits ≥ 2
    assert k.loc["development_rate", "value"] == 0.5
    assert k.loc["key_doctors_developed", "value"] == pytest.approx(2 / 3)  # A1 6, B1 5, B2 3
    assert k.loc["meetings_held", "value"] == 1
    assert pd.isna(k.loc["meetings_held", "meets"])
    assert k.loc["meeting_attendance", "value"] == pytest.approx(1 / 3)
    assert k.loc["coverage_A", "label"] == "A类医生覆盖率"
    lax = kpi_table(c, t, period=("2026-03-02", "2026-03-03"), kpi_norms={"visits_per_day": 4})
    assert lax.set_index("kpi").loc["visits_per_day", "meets"]


# ----------------------------------------------------------------------------- norms


def test_norms_table_overrides_and_errors():
    n = norms_table(
        pd.DataFrame({"tier": ["B", "C"], "level": ["*", "1"], "visits_per_month": [6, 0]})
    )
    n = n.set_index(["tier", "level"])["visits_per_month"]
    assert n[("B", "community")] == 6
    assert n[("C", "1")] == 0
    assert n[("C", "3A")] == 1
    with pytest.raises(ValueError, match="分级 'D' 不存在；可选：A、B、C"):
        norms_table({"D": 1})
    with pytest.raises(ValueError, match="级别 '三甲医院' 不存在；可选：3A、"):
        norms_table({("A", "三甲医院"): 1})
    with pytest.raises(ValueError, match="0 或正整数"):
        norms_table({"A": 1.5})
    with pytest.raises(TypeError):
        norms_table([1, 2])


# ----------------------------------------------------------------------------- outcome


def _outcome_data():
    months = pd.PeriodIndex(["2025-03", "2026-03"] * 6, freq="M")
    depts = [f"科{i}" for i in range(6) for _ in range(2)]
    before = [100.0, 100.0, 100.0, 100.0, 100.0, 100.0]
    after = [90.0, 100.0, 120.0, 130.0, 150.0, 200.0]
    amounts = [v for pair in zip(before, after, strict=True) for v in pair]
    sales = pd.DataFrame(
        {"month": months, "hospital_id": "H1", "department": depts, "amount": amounts}
    )
    sales["units"] = sales["amount"]
    rows = []
    for i, n in enumerate([1, 2, 3, 6, 7, 9]):
        rows += [("2026-03-05", "R1", f"D{i}", "H1", f"科{i}", "increase_use")] * n
    return _calls(rows), sales


def test_activity_outcome_department_known_answer():
    calls, sales = _outcome_data()
    o = activity_outcome(calls, sales, period="2026-03", compare="last_year")
    t = o.table.set_index("department")
    assert t["visits"].tolist() == [1, 2, 3, 6, 7, 9]
    assert t.loc["科5", "change"] == 100.0
    assert t.loc["科0", "change_rate"] == pytest.approx(-0.1)
    assert o.correlation == pytest.approx(1.0)  # ranks agree perfectly
    assert any("相关不等于因果" in c for c in o.caveats)
    assert any("统方" in c for c in o.caveats)
    assert any("3 个拜访少于 5 次" in c for c in o.caveats)
    assert o.level == "department"


def test_activity_outcome_hospital_and_small_numbers():
    calls, sales = _outcome_data()
    o = activity_outcome(calls, sales, period="2026-03", level="hospital", compare="last_year")
    assert len(o.table) == 1
    assert o.table.loc[0, "visits"] == 28
    assert np.isnan(o.correlation)  # one hospital: no correlation
    assert any("无法计算" in c for c in o.caveats)
    prev = activity_outcome(calls, sales, period="2026-03")
    assert prev.compare == "previous"
    assert any("季节" in c for c in prev.caveats)


def test_activity_outcome_refuses_doctor_level():
    calls, sales = _outcome_data()
    with pytest.raises(ValueError, match="统方"):
        activity_outcome(calls, sales, period="2026-03", level="doctor")
    with pytest.raises(ValueError, match="valid levels: department, hospital"):
        activity_outcome(calls, sales, period="2026-03", level="rep")
    with pytest.raises(ValueError, match="valid: previous, last_year"):
        activity_outcome(calls, sales, period="2026-03", compare="yoy")


# ----------------------------------------------------------------------------- call plan


@pytest.fixture(scope="module")
def lanzhou_plan(sample_ds):
    ds = sample_ds.for_region("兰州")
    return ds, rk.activity.call_plan(ds, "2026-07")


def test_call_plan_on_sample(lanzhou_plan):
    _, cp = lanzhou_plan
    assert cp.feasible
    assert cp.shortfall.empty
    assert cp.transitions.shape == (7, 7)
    assert int(cp.transitions.to_numpy().sum()) == cp.transitions.attrs["doctors"]
    assert cp.review[0] == pd.Timestamp("2026-01-01")
    assert cp.review[1] == pd.Timestamp("2026-06-30")
    assert set(cp.kpis["kpi"]) >= {"visits_per_day", "coverage_A", "development_rate"}
    assert "评级" in cp.kpis.set_index("kpi").loc["key_doctors_developed", "label"]
    assert repr(cp).startswith("CallPlan(2026-07")


def test_call_plan_schedule_rules(lanzhou_plan):
    ds, cp = lanzhou_plan
    s = cp.schedule
    days = rk.calendar.working_days("2026-07-01", "2026-07-31")
    assert set(s["date"]) <= set(days)
    mine = {r: set(h) for r, h in zip(ds.reps["rep_id"], ds.reps["hospitals"], strict=True)}
    assert all(h in mine[r] for r, h in zip(s["rep_id"], s["hospital_id"], strict=True))
    per_day = s.groupby(["rep_id", "date"]).size().unstack(fill_value=0)
    per_day = per_day.reindex(columns=days, fill_value=0)
    assert per_day.max(axis=1).max() <= 8
    assert (per_day.max(axis=1) - per_day.min(axis=1)).max() <= 1  # balanced
    assert not s.duplicated(["doctor_id", "date"]).any()
    planned = s.groupby("doctor_id").size()
    goals = cp.goals.set_index("doctor_id")
    assert (planned.reindex(goals.index, fill_value=0) >= goals["norm_visits"]).all()
    assert set(s["purpose"]) <= set(rk.schema.CALL_PURPOSES)
    assert s["follow_up"].notna().all()
    # extra visits go to doctors whose rating can move first
    extra = goals[goals["extra"] > 0]
    assert extra["rating"].isin([3, 4, 5]).mean() > 0.5


def test_call_plan_shortfall_when_capacity_is_cut(sample_ds):
    ds = sample_ds.for_region("兰州")
    cp = rk.activity.call_plan(ds, "2026-07", visits_per_day=3, fill=False)
    assert not cp.feasible
    short = cp.shortfall
    assert (short["shortfall"] > 0).all()
    assert set(short["reason"]) <= {"capacity", "no_rep", "working_days", "daily_capacity"}
    assert short["shortfall"].sum() == cp.goals["shortfall"].sum()
    needed = cp.goals["norm_visits"].sum()
    capacity = cp.load["capacity"].sum()
    assert short["shortfall"].sum() == needed - capacity  # every rep is full
    # A doctors are served first
    assert cp.goals.loc[cp.goals["tier"] == "A", "shortfall"].sum() == 0


def test_call_plan_for_rep_and_export(lanzhou_plan, tmp_path):
    _, cp = lanzhou_plan
    r1 = cp.for_rep("R0001")
    assert (r1["rep_id"] == "R0001").all()
    with pytest.raises(ValueError, match="R0002"):
        cp.for_rep("R9999")
    paths = cp.export(tmp_path / "日程")
    assert [p.name for p in paths] == [f"日程_R000{i}.xlsx" for i in range(1, 5)]
    sheet = pd.read_excel(paths[0], sheet_name="全月", engine="calamine")
    assert list(sheet.columns[:6]) == ["日期", "代表编码", "代表", "医院", "科室", "医生"]
    assert len(sheet) == len(r1)


def test_schedule_fills_plan_workbook_sheet_h(sample_ds, lanzhou_plan):
    ds, cp = lanzhou_plan
    plan = rk.plan.build(ds, "2026H2", forecast="simple")
    sheet = plan.workbook(schedule=cp.schedule)["H 代表日程"]
    assert len(sheet) == len(cp.schedule)
    assert set(sheet["目的"]) <= set(rk.schema.CALL_PURPOSES.values())


def test_no_payment_columns_anywhere(lanzhou_plan):
    _, cp = lanzhou_plan
    words = ("pay", "fee", "rebate", "commission", "费用", "回扣", "报酬", "提成")
    frames = [cp.tiers, cp.goals, cp.load, cp.schedule, cp.kpis, cp.outcome.table]
    for frame in frames:
        for col in frame.columns:
            assert not any(w in str(col).lower() for w in words), col


def test_call_plan_without_calls_or_optional_columns():
    from dataclasses import replace

    ds = rk.sample.generate(seed=1, regions=1, calls=False)
    cp = rk.activity.call_plan(ds, "2026-07")
    assert cp.feasible
    assert cp.transitions.attrs["doctors"] == 0  # nothing observed, nothing claimed
    assert np.isnan(cp.outcome.correlation)
    assert cp.kpis.set_index("kpi").loc["visits_per_day", "value"] == 0
    bare = ds.doctors.drop(columns=["rating", "potential", "title", "is_expert"])
    cp2 = rk.activity.call_plan(replace(ds, doctors=bare, sales=ds.sales.iloc[0:0]), "2026-07")
    assert cp2.feasible
    assert cp2.pyramid["doctors"].sum() == len(bare)


def test_kpi_display_rates_in_percent_and_visits_with_a_decimal(lanzhou_plan):
    kpis = lanzhou_plan[1].kpis
    shown = rk.activity.kpi_display(kpis).set_index("指标")
    freq_b = kpis.set_index("kpi").loc["frequency_B"]
    assert 0 < freq_b["value"] < 1
    text = shown.loc[freq_b["label"], "实际"]
    assert text == f"{freq_b['value'] * 100:.1f}%"  # not "0" with a "%" unit
    assert shown.loc[freq_b["label"], "规范"] == "90.0%"
    k = pd.DataFrame(
        {
            "label": ["人均每工作日有效拜访", "会议出席率", "院内会议场次"],
            "value": [7.6, 0.8996, 3.0],
            "norm": [8.0, 0.9, np.nan],
            "unit": ["次/日", "%", "场"],
            "meets": pd.array([False, False, pd.NA], dtype="boolean"),
            "basis": ["", "", ""],
        }
    )
    got = rk.activity.kpi_display(k)[["实际", "规范", "达标"]].values.tolist()
    assert got == [["7.6", "8.0", "否"], ["89.96%", "90.00%", "否"], ["3", "–", "–"]]
