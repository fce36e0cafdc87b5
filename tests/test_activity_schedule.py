"""Property tests of the call planner: norms met when feasible, a shortfall table when not."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog

import repkit as rk
from repkit.activity import plan_visits
from repkit.schema import HOSPITAL_LEVELS

MONTHS = ["2026-01", "2026-02", "2026-05", "2026-07", "2026-10"]


@st.composite
def instances(draw):
    n_h = draw(st.integers(1, 4))
    hospitals = pd.DataFrame(
        {
            "hospital_id": [f"H{i}" for i in range(n_h)],
            "name": [f"医院{i}" for i in range(n_h)],
            "level": [draw(st.sampled_from(HOSPITAL_LEVELS)) for _ in range(n_h)],
        }
    )
    n_d = draw(st.integers(0, 30))
    doctors = pd.DataFrame(
        {
            "doctor_id": [f"D{i:03d}" for i in range(n_d)],
            "hospital_id": [f"H{draw(st.integers(0, n_h - 1))}" for _ in range(n_d)],
            "department": [draw(st.sampled_from(["心内科", "呼吸内科"])) for _ in range(n_d)],
            "tier": [draw(st.sampled_from("ABC")) for _ in range(n_d)],
            "rating": [draw(st.integers(1, 7)) for _ in range(n_d)],
            "score": [draw(st.floats(0, 10)) for _ in range(n_d)],
        }
    )
    n_r = draw(st.integers(1, 3))
    reps = pd.DataFrame(
        {
            "rep_id": [f"R{i}" for i in range(n_r)],
            "name": [f"代表{i}" for i in range(n_r)],
            "hospitals": [
                sorted(draw(st.sets(st.sampled_from(list(hospitals["hospital_id"])), max_size=n_h)))
                for _ in range(n_r)
            ],
        }
    )
    norms = {t: draw(st.integers(0, 6)) if draw(st.booleans()) else None for t in ("A", "B", "C")}
    norms = {t: v for t, v in norms.items() if v is not None}
    return {
        "doctors": doctors,
        "reps": reps,
        "hospitals": hospitals,
        "month": draw(st.sampled_from(MONTHS)),
        "visits_per_day": draw(st.sampled_from([1, 2, 3, 8, 8.5])),
        "norms": norms,
        "fill": draw(st.booleans()),
    }


def _max_norm_visits(goals, reps, capacity, days):
    """Most norm visits any assignment can give (an LP: transportation problem)."""
    need = goals.assign(k=goals["norm_visits"].clip(upper=days))
    need = need[need["k"] > 0].groupby("hospital_id")["k"].sum()
    pairs = [
        (h, r)
        for h in need.index
        for r, hs in zip(reps["rep_id"], reps["hospitals"], strict=True)
        if h in hs
    ]
    if not pairs:
        return 0
    rows, bounds = [], []
    for h in need.index:
        rows.append([1.0 if p[0] == h else 0.0 for p in pairs])
        bounds.append(float(need[h]))
    for r in reps["rep_id"]:
        rows.append([1.0 if p[1] == r else 0.0 for p in pairs])
        bounds.append(float(capacity[r]))
    res = linprog(-np.ones(len(pairs)), A_ub=np.array(rows), b_ub=np.array(bounds), method="highs")
    return round(-res.fun)


@given(instances())
def test_schedule_properties(case):
    p = plan_visits(
        case["doctors"],
        case["reps"],
        case["month"],
        hospitals=case["hospitals"],
        norms=case["norms"],
        visits_per_day=case["visits_per_day"],
        fill=case["fill"],
    )
    month = pd.Period(case["month"], "M")
    days = rk.calendar.working_days(month.start_time, month.end_time.normalize())
    per_day = math.floor(case["visits_per_day"])
    s, goals, load = p.schedule, p.goals.set_index("doctor_id"), p.load.set_index("rep_id")

    # rules that always hold
    assert set(s["date"]) <= set(days)
    mine = {
        r: set(h) for r, h in zip(case["reps"]["rep_id"], case["reps"]["hospitals"], strict=True)
    }
    assert all(h in mine[r] for r, h in zip(s["rep_id"], s["hospital_id"], strict=True))
    assert not s.duplicated(["doctor_id", "date"]).any()
    if len(s):
        assert s.groupby(["rep_id", "date"]).size().max() <= per_day
    counts = s.groupby("doctor_id").size().reindex(goals.index, fill_value=0)
    assert (counts == goals["planned"]).all()
    assert (s.groupby("rep_id").size().reindex(load.index, fill_value=0) == load["planned"]).all()
    assert (load["planned"] <= load["capacity"]).all()
    if not case["fill"]:
        assert (goals["planned"] <= goals["norm_visits"]).all()
        assert (goals["extra"] == 0).all()

    # norms met exactly when an assignment exists; otherwise a shortfall table says why
    capacity = load["capacity"].to_dict()
    best = _max_norm_visits(p.goals, case["reps"], capacity, len(days))
    required = int(goals["norm_visits"].sum())
    missing = required - int(goals["norm_planned"].sum())
    assert missing == int(goals["shortfall"].sum())
    assert missing == (int(p.shortfall["shortfall"].sum()) if len(p.shortfall) else 0)
    if best == required:
        assert p.feasible
        assert (goals["norm_planned"] == goals["norm_visits"]).all()
    else:
        assert not p.feasible
        assert missing == required - best  # as many norm visits as possible
        assert set(p.shortfall["reason"]) <= {"capacity", "no_rep", "working_days"}
        assert (p.shortfall["hint"].str.len() > 0).all()


@given(instances())
def test_priority_a_before_c_when_short(case):
    p = plan_visits(
        case["doctors"],
        case["reps"],
        case["month"],
        hospitals=case["hospitals"],
        norms=case["norms"],
        visits_per_day=case["visits_per_day"],
        fill=False,
    )
    g = p.goals
    # within a hospital, a C doctor is served only when no A doctor there lacks visits
    # that a working day could still hold
    for _, part in g.groupby("hospital_id"):
        a_short = part[(part["tier"] == "A") & (part["shortfall"] > 0)]
        c_served = part[(part["tier"] == "C") & (part["norm_planned"] > 0)]
        month = pd.Period(case["month"], "M")
        n_days = len(rk.calendar.working_days(month.start_time, month.end_time.normalize()))
        cut_by_days = (a_short["norm_visits"] > n_days).all()
        assert a_short.empty or c_served.empty or cut_by_days


def test_balanced_load_fill_false():
    doctors = pd.DataFrame(
        {
            "doctor_id": [f"D{i}" for i in range(50)],
            "hospital_id": [f"H{i % 5}" for i in range(50)],
            "department": "心内科",
            "tier": ["B"] * 20 + ["C"] * 30,
            "rating": 4,
        }
    )
    reps = pd.DataFrame({"rep_id": ["R1", "R2"], "hospitals": [["H0", "H1", "H2"], ["H3", "H4"]]})
    p = plan_visits(doctors, reps, "2026-07", hospitals=None, fill=False)
    assert p.feasible
    per_day = p.schedule.groupby(["rep_id", "date"]).size().unstack(fill_value=0)
    assert ((per_day.max(axis=1) - per_day.min(axis=1)) <= 1).all()
    # B doctors (4 a month) are seen once in each quarter of the month
    days = rk.calendar.working_days("2026-07-01", "2026-07-31")
    b = p.schedule[p.schedule["tier"] == "B"]
    for _, visits in b.groupby("doctor_id"):
        pos = sorted(days.get_indexer(visits["date"]))
        n = len(days)
        stretch = [next(i for i in range(4) if i * n // 4 <= x < (i + 1) * n // 4) for x in pos]
        assert stretch == [0, 1, 2, 3]


def test_norm_above_working_days_is_reported():
    doctors = pd.DataFrame(
        {"doctor_id": ["D1"], "hospital_id": "H1", "department": "心内科", "tier": "A", "rating": 4}
    )
    reps = pd.DataFrame({"rep_id": ["R1"], "hospitals": [["H1"]]})
    p = plan_visits(doctors, reps, "2026-02", norms={"A": 30}, fill=False)
    assert not p.feasible
    assert p.shortfall.loc[0, "reason"] == "working_days"
    assert p.goals.loc[0, "planned"] == len(rk.calendar.working_days("2026-02-01", "2026-02-28"))


def test_hospital_without_rep_is_reported():
    doctors = pd.DataFrame(
        {"doctor_id": ["D1", "D2"], "hospital_id": ["H1", "H2"], "department": "X", "tier": "C"}
    )
    reps = pd.DataFrame({"rep_id": ["R1"], "hospitals": [["H1"]]})
    p = plan_visits(doctors, reps, "2026-07")
    assert p.shortfall["hospital_id"].tolist() == ["H2"]
    assert p.shortfall.loc[0, "reason"] == "no_rep"
    assert "代表" in p.shortfall.loc[0, "hint"]


def test_plan_visits_bad_arguments():
    doctors = pd.DataFrame(
        {"doctor_id": ["D1"], "hospital_id": "H1", "department": "X", "tier": "E"}
    )
    reps = pd.DataFrame({"rep_id": ["R1"], "hospitals": [["H1"]]})
    with pytest.raises(ValueError, match="A, B or C"):
        plan_visits(doctors, reps, "2026-07")
    with pytest.raises(ValueError, match="visits_per_day"):
        plan_visits(doctors.assign(tier="A"), reps, "2026-07", visits_per_day=0)
