"""Call planning: tier norms → visit goals per doctor and rep → a daily schedule for a month.

Private; reached through :mod:`repkit.activity` (``visit_goals``, ``rep_capacity``,
``plan_visits``, ``call_plan``).

How a month is planned:

1. Each doctor's **norm** (visits a month) comes from their tier and hospital level
   (:func:`norms_table`); at most one visit a doctor a day, so a norm above the
   month's working days is cut to them and the cut is reported.
2. Norm visits are given to the reps who cover the doctor's hospital with an integer
   program (HiGHS through ``scipy.optimize.milp``): as many visits as capacity allows,
   A before B before C, then the least loaded reps, then the rep who called at that
   hospital before. Capacity = working days × ``visits_per_day``.
3. With ``fill=True`` capacity left over goes to extra visits, one doctor at a time,
   first to doctors whose rating can move (3–5), then 2 and 6, then 1 and 7, up to a
   ceiling per tier (:data:`MAX_VISITS`).
4. Each doctor's visits are spread over the month: visit i of n must fall in the i-th
   of n equal stretches of working days. Each rep's days are filled in order with a
   balanced daily quota (the counts of two days differ by at most one when the
   windows allow), visits due soonest first, then visits at a hospital the rep is
   already at that day (one trip, several doctors).
5. Whatever the norms need and the plan cannot give is a row of the **shortfall**
   table with its reason; nothing is under-planned silently.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from repkit.activity._norms import (
    TIER_ORDER,
    _hosp_list,
    rep_capacity,
    visit_goals,
)
from repkit.calendar import working_days
from repkit.schema import CALL_PURPOSES

MAX_VISITS: dict[str, int] = {"A": 8, "B": 8, "C": 2}
"""Ceiling of visits a month per doctor when spare capacity is filled (A, B: two a week)."""
_FILL_CLASSES: tuple[tuple[int, ...], ...] = ((3, 4, 5), (2, 6), (1, 7))
_TIER_WEIGHT = {"A": 1000.0, "B": 100.0, "C": 10.0}
_CONTINUITY = 0.4
FOLLOW_UP: dict[str, str] = {
    "support_listing": "跟进药剂科进药申请，确认药事会时间",
    "increase_use": "送最新临床文献，约定下次学术沟通",
    "keep_use": "保持拜访频率，了解用药反馈",
    "introduce_product": "介绍产品适应症与证据，了解顾虑",
    "hospital_meeting": "确认科室会时间、讲者与参会名单",
    "check_stock": "核对科室用量与库存，提醒商业补货",
    "solve_problem": "记录问题，三日内反馈答复",
    "other": "按计划跟进",
}
"""Planned next step (seed 000 table H 总结/跟进) for each call purpose."""
_REASONS = {
    "no_rep": "没有代表负责该医院：在代表表的负责医院中加上它",
    "working_days": "规范次数多于本月工作日（每位医生每天最多拜访一次）",
    "capacity": "负责该医院的代表能力不足：增加人手、调整负责医院或降低规范",
    "daily_capacity": "日程排不下（每日拜访上限）：提高每日拜访数或减少规范次数",
}
SCHEDULE_COLUMNS: tuple[str, ...] = (
    "date",
    "rep_id",
    "hospital_id",
    "hospital",
    "department",
    "doctor_id",
    "tier",
    "rating",
    "purpose",
    "purpose_label",
    "follow_up",
    "visit",
    "kind",
    "result",
    "rating_after",
)


# ----------------------------------------------------------------------------- assignment


def _entry(rows: list[int], cols: list[int], vals: list[float], row: int, col: int, v: float):
    """Add one coefficient to a sparse constraint matrix in coordinate form."""
    rows.append(row)
    cols.append(col)
    vals.append(v)


def _assign_norms(
    demand: dict[tuple[str, str], int],
    eligible: dict[str, list[str]],
    cap: dict[str, int],
    continuity: dict[tuple[str, str], float],
) -> dict[tuple[str, str, str], int]:
    """Integer flow of norm visits (hospital, tier) → rep, maximising priority."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    pairs = [
        (h, t, r)
        for (h, t), d in demand.items()
        if d > 0
        for r in eligible.get(h, [])
        if cap[r] > 0
    ]
    if not pairs:
        return {}
    reps = sorted({r for _, _, r in pairs})
    n = len(pairs)
    z = n  # index of the max-utilisation variable
    mean_cap = float(np.mean([cap[r] for r in reps]))
    c = np.zeros(n + 1)
    for i, (h, t, r) in enumerate(pairs):
        c[i] = -(_TIER_WEIGHT[t] + _CONTINUITY * continuity.get((h, r), 0.0))
    c[z] = mean_cap
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []
    row = 0
    by_ht: dict[tuple[str, str], list[int]] = {}
    by_r: dict[str, list[int]] = {}
    for i, (h, t, r) in enumerate(pairs):
        by_ht.setdefault((h, t), []).append(i)
        by_r.setdefault(r, []).append(i)
    for key, idx in by_ht.items():
        for i in idx:
            _entry(rows, cols, vals, row, i, 1.0)
        lo.append(0.0)
        hi.append(float(demand[key]))
        row += 1
    for r, idx in by_r.items():
        for i in idx:
            _entry(rows, cols, vals, row, i, 1.0)
        lo.append(0.0)
        hi.append(float(cap[r]))
        row += 1
        for i in idx:
            _entry(rows, cols, vals, row, i, 1.0 / cap[r])
        _entry(rows, cols, vals, row, z, -1.0)
        lo.append(-np.inf)
        hi.append(0.0)
        row += 1
    a = coo_array((vals, (rows, cols)), shape=(row, n + 1)).tocsr()
    integrality = np.ones(n + 1)
    integrality[z] = 0
    upper = np.array([float(demand[(h, t)]) for h, t, _ in pairs] + [np.inf])
    res = milp(
        c,
        constraints=LinearConstraint(a, np.array(lo), np.array(hi)),
        integrality=integrality,
        bounds=Bounds(np.zeros(n + 1), upper),
    )
    if res.x is None:  # pragma: no cover - the program is always feasible (x = 0)
        raise RuntimeError(f"visit assignment failed: {res.message}")
    x = np.round(res.x[:n]).astype(int)
    return {p: int(v) for p, v in zip(pairs, x, strict=True) if v > 0}


@dataclass
class _Visit:
    doctor: str
    rep: str
    kind: str  # norm | extra
    start: int = 0
    end: int = 0
    day: int = -1
    index: int = 0
    total: int = 0


def _split_doctors(
    goals: pd.DataFrame,
    flow: dict[tuple[str, str, str], int],
    k_eff: pd.Series,
    preferred: dict[str, list[str]],
) -> dict[str, dict[str, int]]:
    """Norm visits per doctor and rep, from the (hospital, tier) → rep amounts."""
    left: dict[tuple[str, str], dict[str, int]] = {}
    for (h, t, r), v in flow.items():
        left.setdefault((h, t), {})[r] = v
    out: dict[str, dict[str, int]] = {}
    order = goals.sort_values(
        ["priority", "score", "doctor_id"], ascending=[False, False, True], kind="mergesort"
    )
    for d, h, t in order[["doctor_id", "hospital_id", "tier"]].itertuples(index=False):
        need = int(k_eff[d])
        pool = left.get((h, t), {})
        if need <= 0 or not pool:
            continue
        ranked = [r for r in preferred.get(d, []) if pool.get(r, 0) > 0]
        ranked += sorted(
            (r for r in pool if pool[r] > 0 and r not in ranked), key=lambda r: (-pool[r], r)
        )
        for r in ranked:
            take = min(need, pool[r])
            if take > 0:
                out.setdefault(d, {})[r] = out.get(d, {}).get(r, 0) + take
                pool[r] -= take
                need -= take
            if need == 0:
                break
    return out


def _fill(
    goals: pd.DataFrame,
    counts: dict[str, dict[str, int]],
    eligible: dict[str, list[str]],
    remaining: dict[str, int],
    ceiling: dict[str, int],
    days: int,
) -> dict[str, dict[str, int]]:
    """Extra visits for spare capacity, doctors whose rating can move first."""
    extra: dict[str, dict[str, int]] = {}
    rating = goals["rating"]
    for cls in _FILL_CLASSES:
        member = rating.isin(cls).fillna(False).to_numpy(dtype=bool, copy=True)
        if cls == _FILL_CLASSES[-1]:
            member = member | rating.isna().to_numpy()
        part = goals[member]
        part = part.sort_values(
            ["priority", "score", "doctor_id"], ascending=[False, False, True], kind="mergesort"
        )
        rows = list(part[["doctor_id", "hospital_id", "tier"]].itertuples(index=False))
        added = True
        while added and any(v > 0 for v in remaining.values()):
            added = False
            for d, h, t in rows:
                have = sum(counts.get(d, {}).values()) + sum(extra.get(d, {}).values())
                if have >= min(ceiling[t], days):
                    continue
                reps = [r for r in eligible.get(h, []) if remaining.get(r, 0) > 0]
                if not reps:
                    continue
                mine = {**counts.get(d, {})}
                for r, v in extra.get(d, {}).items():
                    mine[r] = mine.get(r, 0) + v
                rep = min(reps, key=lambda r: (-mine.get(r, 0), -remaining[r], r))
                extra.setdefault(d, {})[rep] = extra.get(d, {}).get(rep, 0) + 1
                remaining[rep] -= 1
                added = True
    return extra


# ----------------------------------------------------------------------------- days


def _place_rep(
    visits: list[_Visit],
    days: int,
    cap: int,
    hospital: dict[str, str],
    priority: dict[str, float],
    busy: dict[str, set[int]],
) -> None:
    """Give each visit of one rep a day: balanced quota, due first, same hospital next."""
    pending = sorted(
        range(len(visits)), key=lambda i: (visits[i].start, visits[i].end, visits[i].doctor)
    )
    unplaced = set(pending)
    load = [0] * days
    nxt = 0
    avail: set[int] = set()
    for j in range(days):
        while nxt < len(pending) and visits[pending[nxt]].start <= j:
            avail.add(pending[nxt])
            nxt += 1
        quota = min(cap, math.ceil(len(unplaced) / (days - j))) if unplaced else 0
        today: set[str] = set()
        due = sorted(
            (i for i in avail if visits[i].end <= j and j not in busy.get(visits[i].doctor, ())),
            key=lambda i: (visits[i].end, -priority[visits[i].doctor], visits[i].doctor),
        )
        due.sort(key=lambda i: visits[i].kind != "norm")  # stable: norm visits first
        chosen = due
        while True:
            for i in chosen:
                v = visits[i]
                if load[j] >= cap or j in busy.get(v.doctor, ()):
                    continue  # an overdue and a current visit of one doctor: one a day
                v.day = j
                load[j] += 1
                busy.setdefault(v.doctor, set()).add(j)
                unplaced.discard(i)
                avail.discard(i)
                today.add(hospital[v.doctor])
            if load[j] >= quota:
                break
            cands = [i for i in avail if j not in busy.get(visits[i].doctor, ())]
            if not cands:
                break
            count: dict[str, int] = {}
            for i in cands:
                h = hospital[visits[i].doctor]
                count[h] = count.get(h, 0) + 1
            keys = {i: _order(visits[i], hospital, priority, j, today, count) for i in cands}
            chosen = [min(cands, key=keys.__getitem__)]
    order = sorted(
        unplaced, key=lambda i: (visits[i].kind != "norm", visits[i].end, visits[i].doctor)
    )
    for i in order:
        _repair(visits, i, days, cap, load, busy)


def _repair(
    visits: list[_Visit], i: int, days: int, cap: int, load: list[int], busy: dict[str, set[int]]
) -> None:
    """Find a day for a visit the day-by-day pass could not place.

    First a free day (inside its window if possible); else move another visit of the
    rep to a free day and take its place; else, for a norm visit, drop an extra visit.
    """
    v = visits[i]
    taken = busy.setdefault(v.doctor, set())

    def near(d: int) -> tuple:
        return (not v.start <= d <= v.end, load[d], abs(d - v.end), d)

    def put(day: int) -> None:
        v.day = day
        load[day] += 1
        taken.add(day)

    free = [d for d in range(days) if load[d] < cap and d not in taken]
    if free:
        put(min(free, key=near))
        return
    open_days = [d for d in range(days) if load[d] < cap]
    for d1 in sorted((d for d in range(days) if d not in taken), key=near):
        for u in visits:
            if u.day != d1:
                continue
            other = busy.setdefault(u.doctor, set())
            moves = [d for d in open_days if d not in other]
            if moves:
                d2 = min(moves, key=lambda d: (not u.start <= d <= u.end, abs(d - u.end), d))
                other.discard(d1)
                other.add(d2)
                u.day = d2
                load[d1] -= 1
                load[d2] += 1
                put(d1)
                return
    if v.kind != "norm":
        return
    for d1 in sorted((d for d in range(days) if d not in taken), key=near):
        for u in visits:
            if u.day == d1 and u.kind == "extra":
                busy[u.doctor].discard(d1)
                u.day = -1
                load[d1] -= 1
                put(d1)
                return


def _order(
    v: _Visit,
    hospital: dict[str, str],
    priority: dict[str, float],
    day: int,
    today: set[str],
    count: dict[str, int],
) -> tuple:
    """Sort key of a visit for a day: due by tomorrow, same hospital, busy hospital."""
    h = hospital[v.doctor]
    return (
        v.end > day + 1,
        h not in today,
        -count[h],
        h,
        v.end,
        -priority[v.doctor],
        v.doctor,
        v.index,
    )


def _purposes(
    sched: pd.DataFrame,
    unlisted: dict[tuple[str, str], bool],
    meeting_depts: set[tuple[str, str]],
    meetings_per_rep: int,
) -> list[str]:
    """Purpose of each planned visit from the doctor's rating and the hospital's listing."""
    out: list[str] = []
    meetings: dict[str, int] = {}
    held: set[tuple[str, str, str]] = set()
    for row in sched.itertuples(index=False):
        r = int(row.rating) if pd.notna(row.rating) else 4
        first = row.visit_no == 1
        key = (row.rep_id, row.hospital_id, row.department)
        if (
            first
            and row.tier in ("A", "B")
            and (row.hospital_id, row.department) in meeting_depts
            and key not in held
            and meetings.get(row.rep_id, 0) < meetings_per_rep
            and r >= 3
        ):
            held.add(key)
            meetings[row.rep_id] = meetings.get(row.rep_id, 0) + 1
            out.append("hospital_meeting")
        elif r <= 2:
            out.append("introduce_product" if first else "solve_problem")
        elif r <= 4:
            listing = unlisted.get((row.rep_id, row.hospital_id), False)
            out.append(
                "support_listing" if first and listing and row.tier != "C" else "increase_use"
            )
        elif r == 5:
            out.append("increase_use")
        elif r == 6:
            out.append("keep_use")
        else:
            out.append("check_stock" if row.visit_no % 2 == 0 else "keep_use")
    return out


def _unlisted(
    reps: pd.DataFrame, sales: pd.DataFrame | None, month: pd.Period
) -> dict[tuple[str, str], bool]:
    """(rep, hospital) → True when one of the rep's products has no sales there lately."""
    if sales is None or sales.empty or "products" not in reps.columns:
        return {}
    months = pd.period_range(month - 3, month - 1, freq="M")
    m = pd.PeriodIndex(sales["month"], freq="M")
    recent = sales[np.asarray(m.isin(months)) & (sales["units"] > 0)]
    sold = set(zip(recent["hospital_id"].astype(str), recent["product"].astype(str), strict=True))
    out = {}
    for rep in reps.itertuples(index=False):
        products = _hosp_list(rep.products)
        for h in _hosp_list(rep.hospitals):
            out[(str(rep.rep_id), h)] = any((h, p) not in sold for p in products)
    return out


@dataclass(frozen=True)
class VisitPlan:
    """Visit goals, rep load, shortfall and the daily schedule of one month."""

    month: pd.Period
    goals: pd.DataFrame
    load: pd.DataFrame
    shortfall: pd.DataFrame
    schedule: pd.DataFrame

    @property
    def feasible(self) -> bool:
        """Whether every norm visit is planned (the shortfall table is empty)."""
        return self.shortfall.empty


def plan_visits(
    tiers: pd.DataFrame,
    reps: pd.DataFrame,
    month: Any,
    *,
    hospitals: pd.DataFrame | None = None,
    norms: Any = None,
    visits_per_day: float = 8,
    fill: bool = True,
    calls: pd.DataFrame | None = None,
    sales: pd.DataFrame | None = None,
    departments: pd.DataFrame | None = None,
    max_visits: Mapping[str, int] | None = None,
    meetings_per_rep: int = 2,
) -> VisitPlan:
    """Plan a month of visits: goals per doctor, load per rep, shortfall, daily schedule.

    See the module notes of :mod:`repkit.activity._schedule` for the method.

    Parameters
    ----------
    tiers
        Doctors with tier (see :func:`repkit.tiering.doctor_tiers`), hospital_id,
        department, rating, score.
    reps
        Canonical reps table: each rep visits only the hospitals in its ``hospitals``.
    month
        The month to plan, e.g. ``"2026-07"``.
    hospitals
        Hospitals table (level for the norms, names for the schedule).
    norms
        Visit norms (see :func:`norms_table`).
    visits_per_day
        Daily capacity of a rep (seed 003: at least 8 effective visits a day).
    fill
        Fill spare capacity with extra visits to doctors whose rating can move.
    calls
        Past calls: a doctor keeps the rep who called them most.
    sales
        Sales, to plan "support listing" where a rep's product has no recent sales.
    departments
        :func:`repkit.tiering.department_status`; potential departments get a
        department meeting (at most ``meetings_per_rep`` a rep).
    max_visits
        Ceiling of visits a doctor a month when filling (default :data:`MAX_VISITS`).
    meetings_per_rep
        Department meetings a rep organises a month at most.

    Returns
    -------
    VisitPlan
        ``goals`` (per doctor: norm_visits, planned, norm_planned, extra, shortfall),
        ``load`` (per rep: working_days, capacity, norm_visits, extra_visits, planned,
        utilisation_rate, min/max_per_day), ``shortfall`` (per hospital × tier with
        reason and hint; empty when the norms are met) and ``schedule`` (one row per
        visit, seed 000 table H).

    Examples
    --------
    >>> t = pd.DataFrame({"doctor_id": ["D1", "D2", "D3"], "hospital_id": "H1",
    ...                   "department": "心内科", "tier": ["A", "B", "C"],
    ...                   "rating": [4, 5, 7], "level": "3A"})
    >>> reps = pd.DataFrame({"rep_id": ["R1"], "name": ["王明"], "hospitals": [["H1"]]})
    >>> p = rk.activity.plan_visits(t, reps, "2026-07", fill=False)
    >>> p.feasible, len(p.schedule), p.goals["planned"].tolist()
    (True, 9, [4, 4, 1])
    """
    month = pd.Period(month, freq="M")
    if meetings_per_rep < 0:
        raise ValueError(f"meetings_per_rep must be >= 0, got {meetings_per_rep}")
    ceiling = {**MAX_VISITS, **(dict(max_visits) if max_visits else {})}
    for t in TIER_ORDER:
        if ceiling[t] < 0:
            raise ValueError(f"max_visits for tier {t} must be >= 0")
    cal = working_days(month.start_time.date(), month.end_time.date())
    n_days = len(cal)
    goals = visit_goals(tiers, norms=norms, hospitals=hospitals)
    load = rep_capacity(reps, month, visits_per_day=visits_per_day)
    cap = dict(zip(load["rep_id"], load["capacity"], strict=True))
    per_day = math.floor(visits_per_day + 1e-9)
    eligible: dict[str, list[str]] = {}
    for rep_id, hs in zip(
        reps["rep_id"].astype(str), reps.get("hospitals", [None] * len(reps)), strict=True
    ):
        for h in _hosp_list(hs):
            eligible.setdefault(h, []).append(rep_id)
    eligible = {h: sorted(set(v)) for h, v in eligible.items()}
    k_eff = goals.set_index("doctor_id")["norm_visits"].clip(upper=n_days)
    goals_idx = goals.set_index("doctor_id")
    demand: dict[tuple[str, str], int] = {}
    for d, h, t in goals[["doctor_id", "hospital_id", "tier"]].itertuples(index=False):
        demand[(h, t)] = demand.get((h, t), 0) + int(k_eff[d])
    preferred: dict[str, list[str]] = {}
    continuity: dict[tuple[str, str], float] = {}
    if calls is not None and not calls.empty:
        c = calls[["rep_id", "doctor_id", "hospital_id"]].astype(str)
        n_dr = c.groupby(["doctor_id", "rep_id"]).size().reset_index(name="n")
        n_dr = n_dr.sort_values(["doctor_id", "n", "rep_id"], ascending=[True, False, True])
        preferred = n_dr.groupby("doctor_id")["rep_id"].agg(list).to_dict()
        n_hr = c.groupby(["hospital_id", "rep_id"]).size()
        share = n_hr / n_hr.groupby(level=0).transform("sum")
        continuity = {k: float(v) for k, v in share.items()}
    flow = _assign_norms(demand, eligible, cap, continuity)
    counts = _split_doctors(goals, flow, k_eff, preferred)
    remaining = {r: cap[r] - sum(v for (_, _, rr), v in flow.items() if rr == r) for r in cap}
    extra = _fill(goals, counts, eligible, remaining, ceiling, n_days) if fill else {}
    # visits with windows
    hospital_of = dict(zip(goals["doctor_id"], goals["hospital_id"], strict=True))
    priority = dict(zip(goals["doctor_id"], goals["priority"], strict=True))
    by_rep: dict[str, list[_Visit]] = {}
    for d in goals["doctor_id"]:
        vs = [_Visit(d, r, "norm") for r, n in sorted(counts.get(d, {}).items()) for _ in range(n)]
        vs += [_Visit(d, r, "extra") for r, n in sorted(extra.get(d, {}).items()) for _ in range(n)]
        total = len(vs)
        for i, v in enumerate(vs):
            v.index, v.total = i + 1, total
            v.start = (i * n_days) // total
            v.end = ((i + 1) * n_days) // total - 1
            by_rep.setdefault(v.rep, []).append(v)
    busy: dict[str, set[int]] = {}
    for r in sorted(by_rep):
        _place_rep(by_rep[r], n_days, per_day, hospital_of, priority, busy)
    placed = [v for r in sorted(by_rep) for v in by_rep[r] if v.day >= 0]
    lost = [v for r in sorted(by_rep) for v in by_rep[r] if v.day < 0 and v.kind == "norm"]
    schedule = _schedule_frame(
        placed, cal, goals_idx, hospitals, reps, sales, departments, month, meetings_per_rep
    )
    goals = _goal_columns(goals, placed)
    load = _load_columns(load, placed, n_days)
    shortfall = _shortfall(goals, eligible, k_eff, lost, hospitals)
    return VisitPlan(month=month, goals=goals, load=load, shortfall=shortfall, schedule=schedule)


def _schedule_frame(
    placed: list[_Visit],
    cal: pd.DatetimeIndex,
    goals: pd.DataFrame,
    hospitals: pd.DataFrame | None,
    reps: pd.DataFrame,
    sales: pd.DataFrame | None,
    departments: pd.DataFrame | None,
    month: pd.Period,
    meetings_per_rep: int,
) -> pd.DataFrame:
    names = (
        hospitals.set_index(hospitals["hospital_id"].astype(str))["name"]
        if hospitals is not None and "name" in hospitals.columns
        else pd.Series(dtype="object")
    )
    frame = pd.DataFrame(
        {
            "date": pd.DatetimeIndex([cal[v.day] for v in placed], dtype="datetime64[ns]"),
            "rep_id": [v.rep for v in placed],
            "doctor_id": [v.doctor for v in placed],
            "kind": [v.kind for v in placed],
        }
    )
    # number each doctor's visits by date (a rep's extra visit may have been dropped)
    order = frame.sort_values(["doctor_id", "date", "rep_id"], kind="mergesort")
    frame["visit_no"] = order.groupby("doctor_id").cumcount().add(1).reindex(frame.index)
    total = frame.groupby("doctor_id")["doctor_id"].transform("size")
    frame["visit"] = frame["visit_no"].astype(str) + "/" + total.astype(str)
    g = goals.reindex(frame["doctor_id"])
    frame["hospital_id"] = g["hospital_id"].to_numpy()
    frame["hospital"] = frame["hospital_id"].map(names).to_numpy() if len(names) else None
    frame["department"] = g["department"].to_numpy()
    frame["tier"] = g["tier"].to_numpy()
    frame["rating"] = g["rating"].to_numpy()
    frame = frame.sort_values(
        ["rep_id", "date", "hospital_id", "department", "tier", "doctor_id", "visit_no"],
        kind="mergesort",
    ).reset_index(drop=True)
    meeting_depts: set[tuple[str, str]] = set()
    if departments is not None and not departments.empty:
        pot = departments[departments["status"] == "potential"]
        meeting_depts = set(
            zip(pot["hospital_id"].astype(str), pot["department"].astype(str), strict=True)
        )
    frame["purpose"] = (
        _purposes(frame, _unlisted(reps, sales, month), meeting_depts, meetings_per_rep)
        if len(frame)
        else []
    )
    frame["purpose_label"] = frame["purpose"].map(CALL_PURPOSES)
    frame["follow_up"] = frame["purpose"].map(FOLLOW_UP)
    frame["result"] = None
    frame["rating_after"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["rating"] = frame["rating"].astype("Int64")
    return frame[list(SCHEDULE_COLUMNS)]


def _goal_columns(goals: pd.DataFrame, placed: list[_Visit]) -> pd.DataFrame:
    planned: dict[str, int] = {}
    extra: dict[str, int] = {}
    for v in placed:
        planned[v.doctor] = planned.get(v.doctor, 0) + 1
        if v.kind == "extra":
            extra[v.doctor] = extra.get(v.doctor, 0) + 1
    out = goals.copy()
    out["planned"] = out["doctor_id"].map(planned).fillna(0).astype("int64")
    out["extra"] = out["doctor_id"].map(extra).fillna(0).astype("int64")
    out["norm_planned"] = (out["planned"] - out["extra"]).clip(upper=out["norm_visits"])
    out["shortfall"] = (out["norm_visits"] - out["norm_planned"]).clip(lower=0)
    return out


def _load_columns(load: pd.DataFrame, placed: list[_Visit], n_days: int) -> pd.DataFrame:
    out = load.copy()
    per: dict[str, list[int]] = {r: [0] * n_days for r in out["rep_id"]}
    norm: dict[str, int] = {}
    extra: dict[str, int] = {}
    for v in placed:
        per.setdefault(v.rep, [0] * n_days)[v.day] += 1
        target = norm if v.kind == "norm" else extra
        target[v.rep] = target.get(v.rep, 0) + 1
    out["norm_visits"] = out["rep_id"].map(norm).fillna(0).astype("int64")
    out["extra_visits"] = out["rep_id"].map(extra).fillna(0).astype("int64")
    out["planned"] = out["norm_visits"] + out["extra_visits"]
    out["utilisation_rate"] = np.where(
        out["capacity"] > 0, out["planned"] / out["capacity"].where(out["capacity"] > 0, 1), np.nan
    )
    out["min_per_day"] = [min(per[r]) if n_days else 0 for r in out["rep_id"]]
    out["max_per_day"] = [max(per[r]) if n_days else 0 for r in out["rep_id"]]
    return out


def _shortfall(
    goals: pd.DataFrame,
    eligible: dict[str, list[str]],
    k_eff: pd.Series,
    lost: list[_Visit],
    hospitals: pd.DataFrame | None,
) -> pd.DataFrame:
    cols = [
        "hospital_id",
        "hospital",
        "level",
        "tier",
        "doctors",
        "doctors_short",
        "required",
        "planned",
        "shortfall",
        "reason",
        "hint",
    ]
    g = goals.copy()
    g["days_cut"] = g["norm_visits"] - g["doctor_id"].map(k_eff).to_numpy()
    lost_norm: dict[str, int] = {}
    for v in lost:
        lost_norm[v.doctor] = lost_norm.get(v.doctor, 0) + 1
    g["lost"] = g["doctor_id"].map(lost_norm).fillna(0).astype("int64")
    names = (
        hospitals.set_index(hospitals["hospital_id"].astype(str))["name"]
        if hospitals is not None and "name" in hospitals.columns
        else pd.Series(dtype="object")
    )
    rows = []
    for (h, t), part in g.groupby(["hospital_id", "tier"], sort=True):
        short = int(part["shortfall"].sum())
        if short <= 0:
            continue
        if not eligible.get(h):
            reason = "no_rep"
        elif int(part["days_cut"].sum()) >= short:
            reason = "working_days"
        elif int(part["lost"].sum()) > 0:
            reason = "daily_capacity"
        else:
            reason = "capacity"
        rows.append(
            {
                "hospital_id": h,
                "hospital": names.get(h) if len(names) else None,
                "level": part["level"].iloc[0],
                "tier": t,
                "doctors": len(part),
                "doctors_short": int((part["shortfall"] > 0).sum()),
                "required": int(part["norm_visits"].sum()),
                "planned": int(part["norm_planned"].sum()),
                "shortfall": short,
                "reason": reason,
                "hint": _REASONS[reason],
            }
        )
    return pd.DataFrame(rows, columns=cols)
