"""One sales owner's month (repkit.report.rep) for the rep_plan template."""

from __future__ import annotations

import pytest

from repkit.report import rep


@pytest.fixture(scope="module")
def region(lanzhou):
    return lanzhou


@pytest.fixture(scope="module")
def plan(sample_plan):
    return sample_plan("2026H2", forecast="simple")


def test_pick_rep_defaults_to_the_biggest_sales_owner_and_checks_names(plan):
    biggest = plan.targets.groupby("rep_id")["units"].sum().idxmax()
    assert rep.pick_rep(plan) == biggest
    assert rep.pick_rep(plan, "R0003") == "R0003"
    with pytest.raises(ValueError, match="reps of 兰州: R0001"):
        rep.pick_rep(plan, "R9999")


def test_month_and_week_targets_add_up_to_the_plan(plan):
    month = plan.half.months[0]
    t = rep.month_targets(plan, "R0002", month)
    rows = plan.targets[(plan.targets["rep_id"] == "R0002") & (plan.targets["month"] == month)]
    assert t["units"].sum() == rows["units"].sum()
    assert rep.week_targets(plan, "R0002", month).to_numpy().sum() == rows["units"].sum()


def test_medical_representative_gets_no_quota(plan):
    reps = plan.data.reps
    medical = reps.loc[reps["role"] == "medical_rep", "rep_id"].iloc[0]
    assert rep.month_targets(plan, medical, "2026-07").empty
    text = rep.headline(plan, medical, "2026-07")
    assert "不承担销售指标" in text
    assert "本月指标" not in text


def test_doctors_to_develop_are_in_the_reps_hospitals_with_next_rung_goals(region):
    d = rep.doctors_to_develop(region, "R0003", top=10)
    hospitals = set(region.reps.set_index("rep_id").loc["R0003", "hospitals"])
    ids = set(region.doctors.loc[region.doctors["hospital_id"].isin(hospitals), "doctor_id"])
    assert set(d["doctor_id"]) <= ids
    assert d["rating"].between(2, 6).all()
    assert (d["goal"] == d["rating"] + 1).all()
    assert "units" not in d.columns
    with pytest.raises(ValueError, match="unknown rep"):
        rep.doctors_to_develop(region, "nobody")


def test_week_targets_label_month_boundary_weeks_with_their_dates_in_the_month(plan):
    weeks = rep.week_targets(plan, "R0002", "2026-07").index.tolist()
    # 2026-W27 runs 29 June – 5 July: July holds 1–5 July only
    assert weeks[0] == "2026-W27 (07-01~07-05 部分周)"
    assert weeks[-1] == "2026-W31 (07-27~07-31 部分周)"
    assert all("部分周" not in w for w in weeks[1:-1])
