"""The weekly review (seed 000 table G): repkit.report.weekly."""

from __future__ import annotations

import pandas as pd
import pytest

import repkit as rk
from repkit.report import weekly


@pytest.fixture(scope="module")
def plan(sample_ds):
    ds = sample_ds.for_region("兰州")
    return rk.plan.build(ds, "2026H1", scenario="company", forecast="simple")


def test_week_of_is_monday_to_sunday():
    wk = weekly.week_of("2026-07-01")
    assert (wk.start_time.date().isoformat(), wk.end_time.date().isoformat()) == (
        "2026-06-29",
        "2026-07-05",
    )
    assert weekly.week_of(wk) == wk


def test_weekly_actuals_spread_months_by_working_days():
    sales = pd.DataFrame(
        {
            "month": pd.PeriodIndex(["2026-06", "2026-07"], freq="M"),
            "product": ["A", "A"],
            "units": [220.0, 230.0],
        }
    )
    # 2026-06-29..07-05: Mon/Tue in June (2 of 21 days), Wed-Fri in July (3 of 23)
    got = weekly.weekly_actuals(sales, [weekly.week_of("2026-07-01")])
    assert got["units"].round(6).tolist() == [round(220 * 2 / 21 + 230 * 3 / 23, 6)]


def test_whole_half_of_weekly_actuals_adds_up_to_monthly_sales(plan):
    weeks = sorted(set(plan.weekly["week"]))
    got = weekly.weekly_actuals(plan.data.sales, weeks)
    sales = plan.data.sales
    expected = sales[sales["month"].isin(plan.half.months)]["units"].sum()
    # weeks at the edges of the half also hold days of the neighbouring months
    edge = sales[sales["month"].isin([plan.half.start - 1, plan.half.end + 1])]["units"].sum()
    assert expected <= got["units"].sum() <= expected + edge


def test_week_review_matches_weekly_targets(plan):
    g = weekly.week_review(plan, "2026-06-24")
    wk = weekly.week_of("2026-06-24")
    target = plan.weekly.loc[plan.weekly["week"] == wk, "units"].sum()
    assert g["target_units"].sum() == target
    row = g.iloc[0]
    assert row["completion_rate"] == pytest.approx(row["actual_units"] / row["target_units"], 0.01)
    assert (g["half_target_units"] >= g["target_units"]).all()


def test_week_review_by_rep_shows_names_and_only_sales_staff_targets(plan):
    g = weekly.week_review(plan, "2026-06-24", by="rep_id")
    assert "rep" in g.columns
    staff = set(plan.data.reps.loc[plan.data.reps["role"] == "sales_staff", "rep_id"])
    targeted = set(g.loc[g["target_units"] > 0, "rep_id"])
    assert targeted <= staff


def test_week_outside_the_half_and_bad_by_are_refused(plan):
    with pytest.raises(ValueError, match="不在计划的半年 2026H1 之内") as err:
        weekly.week_review(plan, "2026-08-05")
    assert "repkit batch 加 --half 2026H2" in str(err.value)
    with pytest.raises(ValueError, match="product、rep_id"):
        weekly.week_review(plan, "2026-06-24", by="hospital")


def test_next_week_and_competitor_notes(plan):
    nxt = weekly.next_week(plan, "2026-06-17")
    assert set(nxt["week"]) == {"2026-W26 (06-22~06-28)"}
    assert weekly.next_week(plan, "2026-06-30").empty
    calls = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-06-22", "2026-06-23", "2026-06-30"]),
            "rep_id": ["R1", "R2", "R1"],
            "hospital_id": ["H1", "H2", "H1"],
            "department": ["心内科"] * 3,
            "result": ["达到目标", "未达到", "未达到"],
            "follow_up": ["竞品在做学术会", None, "竞争对手降价"],
        }
    )
    notes = weekly.competitor_notes(calls, "2026-06-24")
    assert notes["rep_id"].tolist() == ["R1"]
    assert notes["note"].iloc[0] == "达到目标；竞品在做学术会"


def test_half_to_date_counts_only_the_days_of_the_half(plan):
    # ISO week 2026-W01 starts on 29 Dec 2025: those days belong to 2025H2
    sales = plan.data.sales
    half_sales = sales[sales["month"].isin(plan.half.months)]["units"].sum()
    last = weekly.week_review(plan, "2026-06-30")  # the half's last (part) week
    assert last["half_actual_units"].sum() == pytest.approx(half_sales, abs=len(last))
    first = weekly.week_review(plan, "2026-01-01")
    jan = sales[sales["month"] == pd.Period("2026-01", "M")]["units"].sum()
    jan_days = plan.weekly.groupby("week")["units"].sum()  # target days of W01 are in Jan only
    assert jan_days.index.min() == weekly.week_of("2026-01-01")
    expected = weekly.weekly_actuals(sales, [weekly.week_of("2026-01-01")], within=plan.half)
    assert first["actual_units"].sum() == pytest.approx(expected["units"].sum(), abs=len(first))
    assert first["actual_units"].sum() < jan / 3
    for wk in ("2026-03-04", "2026-06-24"):
        g = weekly.week_review(plan, wk)
        assert g["half_actual_units"].sum() <= half_sales


def test_weekly_actuals_within_a_half_drop_the_neighbouring_half():
    sales = pd.DataFrame(
        {
            "month": pd.PeriodIndex(["2025-12", "2026-01"], freq="M"),
            "product": ["A", "A"],
            "units": [1000.0, 210.0],
        }
    )
    wk = weekly.week_of("2026-01-01")  # Mon 29 Dec 2025 – Sun 4 Jan 2026
    got = weekly.weekly_actuals(sales, [wk], within="2026H1")
    whole = weekly.weekly_actuals(sales, [wk])
    assert got["units"].iloc[0] < whole["units"].iloc[0]
    assert weekly.weekly_actuals(sales, [wk], within="2027H1").empty


def test_next_week_labels_and_sizes_a_part_week(plan):
    full = weekly.next_week(plan, "2026-06-17", by="product")
    part = weekly.next_week(plan, "2026-06-24", by="product")
    assert set(full["working_days"]) == {5}
    assert set(part["working_days"]) == {2}
    assert set(part["week"]) == {"2026-W27 (06-29~06-30 部分周)"}
    ratio = part["units"].sum() / full["units"].sum()
    assert 0.3 < ratio < 0.5  # two working days of five
    assert "部分周" in weekly.headline(plan, "2026-06-30").splitlines()[0]


def test_headline_says_when_the_calendar_is_provisional(sample_ds, plan):
    assert "暂定" not in weekly.headline(plan, "2026-06-24")
    ds = sample_ds.for_region("兰州")
    later = rk.plan.build(ds, "2027H1", scenario="target", forecast="simple")
    text = weekly.headline(later, "2027-02-17")
    assert "日历（暂定）" in text
    assert "2027 年的放假安排" in text


def test_visits_per_day_show_one_decimal_in_the_weekly_table():
    visits = pd.DataFrame(
        {"rep_id": ["R1"], "visits_per_day": [7.6], "norm": [8.0], "meets_norm": [False]}
    )
    html = rk.report.display_table(visits, labels=weekly.LABELS, highlight=None).to_html()
    assert ">7.6<" in html
    assert ">8<" in html
    assert ">否<" in html


def test_dates_in_document_tables_read_as_dates_not_midnight_timestamps():
    days = pd.DataFrame(
        {"date": pd.to_datetime(["2026-06-29", "2026-06-30"]), "rep_id": ["R1", "R2"]}
    )
    html = rk.report.display_table(days).to_html()
    assert "2026-06-29" in html
    assert "00:00" not in html
    timed = days.assign(date=days["date"] + pd.Timedelta(hours=8))
    assert "2026-06-29 08:00" in rk.report.display_table(timed).to_html()


def test_review_week_defaults_to_the_last_full_week_with_data():
    """As the monthly review: a half still to come (batch's default) reviews the data's end."""
    ds = rk.sample.generate(seed=0, regions=1)
    assert [str(x) for x in weekly.review_week(ds, "2026H2")] == [
        "2026-06-22/2026-06-28",  # June 2026 ends on a Tuesday: its last full week
        "2026H1",
    ]
    assert [str(x) for x in weekly.review_week(ds, "2026H1")] == [
        "2026-06-22/2026-06-28",
        "2026H1",
    ]
    # a given week: in the given half when its plan has the week, else its Sunday's half
    assert [str(x) for x in weekly.review_week(ds, "2026H1", "2026-02-11")] == [
        "2026-02-09/2026-02-15",
        "2026H1",
    ]
    assert [str(x) for x in weekly.review_week(ds, "2026H1", "2026-08-05")] == [
        "2026-08-03/2026-08-09",
        "2026H2",
    ]
