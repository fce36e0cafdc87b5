"""In-half tracking, the rolling re-plan in the workbook, day weights, plan windows."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import repkit as rk


@functools.cache
def _plan() -> rk.plan.Plan:
    ds = rk.sample.generate(seed=0, regions=1)
    return rk.plan.build(ds, "2026H1", scenario="company", forecast="simple")


def _sales(plan, months):
    s = plan.data.sales
    return s[s["month"].isin(pd.PeriodIndex(months, freq="M"))]


# ------------------------------------------------------------------------ tracking


def test_monthly_tracking_reconciles_with_sales_and_targets():
    plan = _plan()
    t = rk.plan.track(plan, as_of="2026-03")
    assert list(t.columns[:6]) == ["month", "product", "hospital_id", "hospital", "rep_id", "rep"]
    by_month = t.groupby("month")[["target_units", "actual_units", "actual_amount"]].sum()
    sales = _sales(plan, ["2026-01", "2026-02", "2026-03"]).groupby("month")
    assert by_month["actual_units"].tolist() == sales["units"].sum().round().astype(int).tolist()
    np.testing.assert_allclose(by_month["actual_amount"], sales["amount"].sum(), atol=1.0)
    targets = plan.targets[plan.targets["month"] <= pd.Period("2026-03", "M")]
    assert by_month["target_units"].tolist() == targets.groupby("month")["units"].sum().tolist()
    assert (t["gap_units"] == t["target_units"] - t["actual_units"]).all()
    rate = t["actual_amount"] / t["target_amount"].where(t["target_amount"] > 0)
    np.testing.assert_allclose(t["completion_rate"], rate)


def test_tracking_keeps_sales_staff_apart_as_the_replan_does():
    plan = _plan()
    t = rk.plan.track(plan, as_of="2026-02", by=["rep_id"])
    r = rk.plan.replan(plan.targets, plan.data.sales, as_of="2026-02", max_growth=10)
    done = r[r["month"] <= pd.Period("2026-02", "M")]
    from_replan = done.groupby(["month", "rep_id"])["actual_units"].sum()
    mine = t[t["target_units"] > 0].set_index(["month", "rep_id"])["actual_units"]
    assert mine.sort_index().tolist() == from_replan.reindex(mine.index).sort_index().tolist()
    # staff, never doctors: every row is a sales owner, or "" for sales in cells
    # the plan gave no target (kept visible, target 0)
    assert set(t["rep_id"]) <= {*plan.targets["rep_id"].unique(), ""}
    assert (t.loc[t["rep_id"] == "", "rep"] == "未分配（科室）").all()
    assert set(t["rep"]) <= {*plan.targets["rep"].unique(), "未分配（科室）"}


def test_half_to_date_accumulates_per_group():
    t = rk.plan.track(_plan(), as_of="2026-04", by=["product"])
    one = t[t["product"] == "瑞心安片"].sort_values("month")
    np.testing.assert_allclose(one["half_target_amount"], one["target_amount"].cumsum())
    np.testing.assert_allclose(one["half_actual_amount"], one["actual_amount"].cumsum())


def test_weekly_tracking_adds_up_to_the_months():
    plan = _plan()
    w = rk.plan.track(plan, as_of="2026-02", freq="week", by=["product"])
    assert w["week"].dtype == "period[W-SUN]"
    months = _sales(plan, ["2026-01", "2026-02"])
    assert w["actual_units"].sum() == round(months["units"].sum())
    weekly = plan.weekly[plan.weekly["month"] <= pd.Period("2026-02", "M")]
    assert w["target_units"].sum() == weekly["units"].sum()
    festival_week = w[w["week"] == pd.Period("2026-02-18", "W-SUN")]
    assert festival_week["target_units"].sum() == 0  # 春节 2026: no working day


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"freq": "day"}, "freq 'day' 无法识别；可用：month、week"),
        ({"by": ["doctor_id"]}, "by 只能用"),
        ({"as_of": "2026-08"}, "不在计划期 2026H1"),
    ],
)
def test_tracking_refuses_bad_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        rk.plan.track(_plan(), **kw)


# ------------------------------------------------------------------ rolling re-plan


def test_rolling_replan_caps_at_the_growth_and_flags_the_rest():
    plan = _plan()
    r = rk.plan.rolling(plan, as_of="2026-03", max_growth=0.1)
    a = r.attrs
    assert (a["as_of"], a["max_growth"], a["max_growth_source"]) == ("2026-03", 0.1, "given")
    past = r[r["month"] <= pd.Period("2026-03", "M")]
    assert (past["new_units"] == past["actual_units"]).all()
    left = r[r["month"] > pd.Period("2026-03", "M")]
    for _, m in left.groupby("month"):
        cap = np.floor(m["target_units"].sum() * a["pace"] * 1.1)
        assert m["new_units"].sum() <= cap
    assert (r["shortfall_units"] == r["plan_units"] - r["new_units"]).all()
    assert r["beyond_growth"].equals(r["shortfall_units"] > 0)
    assert r["beyond_growth"].any()
    assert a["shortfall_units"] == r["shortfall_units"].sum() > 0
    assert [w["code"] for w in a["warnings"]] == ["replan_beyond_growth"]
    assert "指定的可行增长上限" in a["warnings"][0]["message"]


def test_rolling_replan_without_a_binding_cap_moves_what_is_left():
    plan = _plan()
    r = rk.plan.rolling(plan, as_of="2026-03", max_growth=10)
    assert not r["beyond_growth"].any()
    assert r.attrs["warnings"] == []
    owner = ["product", "hospital_id", "department", "rep_id"]
    left = r.groupby(owner)[["target_units", "new_units"]].sum()
    done = r[r["month"] <= pd.Period("2026-03", "M")].groupby(owner)["actual_units"].sum()
    # each owner's half target is kept: actuals to date + what is re-planned
    need = np.maximum(left["target_units"], done.reindex(left.index).fillna(0))
    assert (left["new_units"] == need).all()


def test_rolling_replan_history_cap_is_the_largest_growth():
    plan = _plan()
    r = rk.plan.rolling(plan, as_of="2026-03")
    hist = plan.data.sales[plan.data.sales["month"] <= pd.Period("2026-03", "M")]
    monthly = hist.groupby("month")["units"].sum()
    growth = monthly / monthly.rolling(3).mean().shift(1) - 1
    assert r.attrs["max_growth_source"] == "history"
    assert r.attrs["max_growth"] == pytest.approx(float(growth.max()))


def test_workbook_holds_the_replan_and_the_old_plan(tmp_path):
    plan = _plan()
    calls = rk.activity.call_plan(plan.data, plan.half.start)
    before = plan.workbook(doctors=calls.doctor_cards(), schedule=calls.schedule)
    s = rk.plan.write_files(
        plan, tmp_path, calls=calls, privacy_mode="names", as_of="2026-03", max_growth=0.1
    )
    r = rk.plan.rolling(plan, as_of="2026-03", max_growth=0.1)
    assert s["replan_as_of"] == "2026-03"
    assert s["replan_shortfall_units"] == r.attrs["shortfall_units"] > 0
    assert s["replan_units"] == r["new_units"].sum()
    wb = load_workbook(tmp_path / "plan.xlsx")
    names = wb.sheetnames
    d = names.index("D 月度品种任务分解")
    assert names[d + 1 : d + 3] == ["D 原计划", "滚动调整"]

    def table(sheet: str) -> pd.DataFrame:
        rows = list(wb[sheet].iter_rows(values_only=True))
        head = rows[0]
        body = [r for r in rows[1:] if r[0] not in (None, "合计")]
        return pd.DataFrame(body, columns=head)

    old = table("D 原计划")
    assert old["月目标数量"].sum() == before["D 月度品种任务分解"]["月目标数量"].sum()
    assert old["月目标数量"].sum() == plan.summary["target_units"]
    new = table("D 月度品种任务分解")
    assert new["新月目标数量"].sum() == r["new_units"].sum()
    assert new["原计划数量"].sum() == plan.summary["target_units"]
    assert (new["超出可行增长"] == "是").sum() == r["beyond_growth"].sum()
    g = table("G 周上量分析")
    assert g["原周目标数量"].sum() == plan.summary["target_units"]
    assert g["周目标数量"].sum() == r["new_units"].sum()
    texts = {str(v) for row in wb["滚动调整"].iter_rows(values_only=True) for v in row if v}
    assert {"可行增长上限", "+10%", "超出可行增长数量"} <= texts


def test_max_growth_needs_a_replan_month(tmp_path):
    plan = _plan()
    calls = rk.activity.call_plan(plan.data, plan.half.start)
    with pytest.raises(ValueError, match="请同时给出 as_of"):
        rk.plan.write_files(plan, tmp_path, calls=calls, privacy_mode="names", max_growth=0.2)


# ---------------------------------------------------------------------- day weights


def test_week_before_spring_festival_is_not_the_largest_by_default():
    feb = rk.plan.week_weights(pd.PeriodIndex(["2026-02"], freq="M")).set_index("week")
    before = pd.Period("2026-02-09", "W-SUN")  # 春节 2026-02-17; Sat 14 is a working day
    assert feb["working_days"].idxmax() == before  # working days alone: 6, the most
    assert feb["weight"].idxmax() != before
    t = pd.DataFrame({"month": pd.PeriodIndex(["2026-02"], freq="M"), "units": [1600]})
    weeks = rk.plan.split_weeks(t).set_index("week")["units"]
    assert weeks.sum() == 1600
    assert weeks.idxmax() != before
    share_by_days = 6 / feb["working_days"].sum()
    assert weeks[before] / 1600 < share_by_days


def test_the_plan_weekly_targets_use_the_day_weights():
    plan = _plan()
    feb = plan.weekly[plan.weekly["month"] == pd.Period("2026-02", "M")]
    by_week = feb.groupby("week")["units"].sum()
    assert by_week.idxmax() != pd.Period("2026-02-09", "W-SUN")


def test_daily_history_that_shows_a_pre_festival_rush_wins():
    days = pd.date_range("2024-01-01", "2025-12-31")
    cal = rk.plan.day_weights(days[0], days[-1])
    units = np.where(cal["working"], np.where(cal["festival"], 300.0, 100.0), 0.0)
    daily = pd.DataFrame({"date": days, "units": units})
    f = rk.plan.estimate_day_factors(daily)
    assert f["basis"]["festival"] == "history"
    assert f["festival"] == pytest.approx(3.0)
    feb = rk.plan.week_weights(pd.PeriodIndex(["2026-02"], freq="M"), daily=daily)
    assert feb.set_index("week")["weight"].idxmax() == pd.Period("2026-02-09", "W-SUN")


def test_daily_history_estimates_weekdays():
    days = pd.date_range("2025-03-01", "2025-09-30")
    units = [60.0 if d.weekday() == 4 else 120.0 for d in days]  # quiet Fridays
    f = rk.plan.estimate_day_factors(pd.DataFrame({"date": days, "units": units}))
    assert f["weekday"][4] / f["weekday"][1] == pytest.approx(0.5)
    w = rk.plan.day_weights(
        "2025-10-13", "2025-10-19", daily=pd.DataFrame({"date": days, "units": units})
    )
    assert w["weight"].iloc[4] == pytest.approx(w["weight"].iloc[1] / 2)


def test_split_days_adds_up_and_skips_days_off():
    plan = _plan()
    week = plan.weekly[plan.weekly["week"] == pd.Period("2026-02-09", "W-SUN")]
    days = rk.plan.split_days(week)
    keys = ["month", "product", "hospital_id", "department", "rep_id"]
    got = days.groupby(keys)["units"].sum()
    want = week.groupby(keys)["units"].sum()
    assert got.reindex(want.index).fillna(0).astype(int).tolist() == want.tolist()
    assert pd.Timestamp("2026-02-15") not in set(days["date"])  # Sunday off
    assert pd.Timestamp("2026-02-14") in set(days["date"])  # 调休 Saturday works
    returns = pd.DataFrame({"week": [pd.Period("2026-03-02", "W-SUN")], "units": [-7]})
    assert rk.plan.split_days(returns)["units"].sum() == -7


def test_split_days_refuses_units_without_working_days():
    t = pd.DataFrame({"week": [pd.Period("2026-02-18", "W-SUN")], "units": [5]})
    with pytest.raises(ValueError, match="没有工作日"):
        rk.plan.split_days(t)


# --------------------------------------------------------------------- plan windows


@pytest.mark.parametrize(
    "window", ["2026-07-08~2027-01-31", "7/8–1/31", "2026年7月8日到2027年1月31日"]
)
def test_custom_windows_are_refused_with_what_to_do(window):
    with pytest.raises(ValueError, match="自然半年") as err:
        rk.calendar.Half.parse(window)
    assert "2027H1" in str(err.value)
    assert "seed" not in str(err.value)
    assert "docs/architecture.md" in str(err.value)


def test_the_docs_explain_plan_windows():
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "## Plan windows" in text
    assert "7月8日到1月31日" in text


def test_daily_targets_of_a_week_per_sales_owner():
    plan = _plan()
    d = rk.plan.daily_targets(plan, "2026-02-11")
    w = plan.weekly[plan.weekly["week"] == pd.Period("2026-02-11", "W-SUN")]
    assert (
        d.groupby("rep_id")["units"].sum().to_dict() == w.groupby("rep_id")["units"].sum().to_dict()
    )
    monday = d[d["weekday"] == "周一"]["units"].sum()
    friday = d[d["weekday"] == "周五"]["units"].sum()
    assert friday < monday  # Friday 13 February is in the Spring Festival window
    assert rk.plan.daily_targets(plan, "2026-08-05").empty  # outside 2026H1
    with pytest.raises(ValueError, match="by 只能用"):
        rk.plan.daily_targets(plan, "2026-02-11", by=["doctor_id"])
