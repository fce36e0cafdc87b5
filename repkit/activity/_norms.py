"""Visit norms by tier and hospital level, and the visit goals and rep capacity they imply.

Private; reached through :mod:`repkit.activity` (``default_norms``, ``norms_table``,
``visit_goals``, ``rep_capacity``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from repkit.calendar import working_days
from repkit.messages import join, say
from repkit.schema import HOSPITAL_LEVELS, LEVEL_LABELS

TIER_ORDER: tuple[str, ...] = ("A", "B", "C")
DEFAULT_NORMS: dict[str, dict[str, int]] = {
    "A": {"3A": 4, "3": 4, "2": 4, "1": 2, "community": 2},
    "B": {"3A": 4, "3": 4, "2": 4, "1": 2, "community": 2},
    "C": {"3A": 1, "3": 1, "2": 1, "1": 1, "community": 1},
}
"""Minimum visits a month by tier and hospital level.

A: KOL, as often as B (a weekly visit, two a month in level-1 and community
hospitals), of which one a month with a manager (seed 002: at least one senior visit
a month, a deep visit every two weeks); B: core doctors 1–2 visits a week (seed 002),
counted as one a week, two a month in level-1 and community hospitals; C: at least
once a month. A is never below B, so KOLs are not visited less than core doctors.
Other norms: :data:`NORM_PRESETS`.
"""
NORM_PRESETS: dict[str, dict[str, Any]] = {
    "default": {
        "seed": "repkit",
        "quote": "A 与 B 同为每周一次（一级/社区每月两次），C 每月一次",
        "norms": DEFAULT_NORMS,
        "visits_per_day": 8,
    },
    "seed000": {
        "seed": "兰州区域半年工作计划范本",
        "quote": "业务人员对重点的客户每个月要拜访有效的工作沟通8次以上",
        "norms": {
            "A": dict.fromkeys(HOSPITAL_LEVELS, 8),
            "B": DEFAULT_NORMS["B"],
            "C": DEFAULT_NORMS["C"],
        },
        "visits_per_day": 8,
    },
    "seed002": {
        "seed": "《医药销售工作计划》范文",
        "quote": "A类每月至少一次高层拜访、每两周一次深度拜访；B类每周1-2次有效拜访；"
        "日均有效拜访不少于8位",
        "norms": {
            "A": dict.fromkeys(HOSPITAL_LEVELS, 3),
            "B": {"3A": 6, "3": 6, "2": 6, "1": 4, "community": 4},
            "C": DEFAULT_NORMS["C"],
        },
        "visits_per_day": 8,
    },
}
"""Visit norms of the seeds, for ``norms=norm_preset(name)``.

``seed000``: key (A) doctors at least 8 effective visits a month; B and C as the default.
``seed002``: A two deep visits a month plus one senior (manager) visit, B 1–2 a week
(six a month; four in level-1 and community hospitals), C monthly. Taken literally,
seed 002 visits B doctors more often than A: its A visits are the deep and senior ones.
Two different eights: seed 000's is a *demand* (each key customer ≥ 8 visits a month);
the capacity of at least 8 effective visits a rep a working day (``visits_per_day``)
is seed 002's (日均有效拜访客户(医生)数量不少于8位) and holds for every preset.
"""
MOVABILITY: dict[int, float] = {1: 0.2, 2: 0.6, 3: 1.0, 4: 1.0, 5: 0.8, 6: 0.4, 7: 0.1}
"""How far a rating can still move up with visits (3 trialling … 5 regular: most)."""


# ----------------------------------------------------------------------------- norms


def default_norms() -> pd.DataFrame:
    """The default visit norms: minimum visits a month by tier and hospital level.

    Returns
    -------
    DataFrame
        tier, level, level_label, visits_per_month.

    Examples
    --------
    >>> n = rk.activity.default_norms()
    >>> n[n["level"].isin(["3A", "community"])]
       tier      level level_label  visits_per_month
    0     A         3A          三甲                 4
    4     A  community          社区                 2
    5     B         3A          三甲                 4
    9     B  community          社区                 2
    10    C         3A          三甲                 1
    14    C  community          社区                 1
    """
    return norms_table(None)


def norm_preset(name: str) -> pd.DataFrame:
    """The visit norms of a seed, as a table for ``norms=`` (see :data:`NORM_PRESETS`).

    Parameters
    ----------
    name
        ``"default"``, ``"seed000"`` (key doctors ≥ 8 visits a month) or ``"seed002"``
        (A: deep visits every two weeks and a senior visit a month; B: 1–2 a week).

    Returns
    -------
    DataFrame
        tier, level, level_label, visits_per_month (15 rows), usable as ``norms=`` in
        :func:`repkit.activity.call_plan` and :func:`repkit.activity.plan_visits`.

    Raises
    ------
    ValueError
        Unknown preset (the message lists the presets).

    Examples
    --------
    >>> n = rk.activity.norm_preset("seed000").set_index(["tier", "level"])
    >>> int(n.loc[("A", "3A"), "visits_per_month"]), int(n.loc[("B", "3A"), "visits_per_month"])
    (8, 4)
    """
    if name not in NORM_PRESETS:
        raise ValueError(say("arg.norm_preset", name=name, valid=join(NORM_PRESETS)))
    norms = NORM_PRESETS[name]["norms"]
    return norms_table({(t, lvl): n for t, row in norms.items() for lvl, n in row.items()})


def norms_table(norms: Any = None) -> pd.DataFrame:
    """Visit norms as a table, from the defaults with overrides.

    Parameters
    ----------
    norms
        None (defaults, :data:`DEFAULT_NORMS`); a dict tier → visits a month for
        every level (``{"A": 3}``); a dict (tier, level) → visits; or a DataFrame with
        tier, level (blank or ``"*"`` = every level) and visits_per_month. Tiers and
        levels not given keep their defaults.

    Returns
    -------
    DataFrame
        tier, level, level_label, visits_per_month (15 rows).

    Raises
    ------
    ValueError
        Unknown tier or level, negative or non-integer visits.

    Examples
    --------
    >>> t = rk.activity.norms_table({"A": 3, ("B", "2"): 2})
    >>> t = t.set_index(["tier", "level"])["visits_per_month"]
    >>> t[("A", "1")], t[("B", "2")], t[("B", "3A")]
    (np.int64(3), np.int64(2), np.int64(4))
    """
    table = {(t, lvl): n for t, row in DEFAULT_NORMS.items() for lvl, n in row.items()}
    overrides: list[tuple[Any, Any, Any]] = []
    if norms is None:
        pass
    elif isinstance(norms, pd.DataFrame):
        need = {"tier", "visits_per_month"}
        if not need <= set(norms.columns):
            raise ValueError(say("arg.norms_columns", got=list(norms)))
        lv = norms["level"] if "level" in norms.columns else pd.Series("*", index=norms.index)
        overrides = list(zip(norms["tier"], lv, norms["visits_per_month"], strict=True))
    elif isinstance(norms, Mapping):
        for k, v in norms.items():
            if isinstance(k, tuple) and len(k) == 2:
                overrides.append((k[0], k[1], v))
            else:
                overrides.append((k, "*", v))
    else:
        raise TypeError(say("arg.norms_type", type=type(norms).__name__))
    for tier, level, visits in overrides:
        tier = str(tier).strip().upper()
        if tier not in TIER_ORDER:
            raise ValueError(say("arg.norms_tier", tier=tier))
        try:
            number = float(visits)
        except (TypeError, ValueError) as err:
            raise ValueError(say("arg.norms_number", tier=tier, value=visits)) from err
        if number < 0 or number != int(number):
            raise ValueError(say("arg.norms_number", tier=tier, value=visits))
        blank = level is None or (not isinstance(level, str) and pd.isna(level))
        levels = HOSPITAL_LEVELS if blank or str(level) in ("*", "") else (str(level),)
        for lvl in levels:
            if lvl not in HOSPITAL_LEVELS:
                raise ValueError(say("arg.norms_level", level=lvl, valid=join(HOSPITAL_LEVELS)))
            table[(tier, lvl)] = int(number)
    rows = [
        {
            "tier": t,
            "level": lvl,
            "level_label": LEVEL_LABELS[lvl],
            "visits_per_month": table[(t, lvl)],
        }
        for t in TIER_ORDER
        for lvl in HOSPITAL_LEVELS
    ]
    return pd.DataFrame(rows)


def _norm_lookup(norms: pd.DataFrame) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    by = {
        (t, lvl): int(n)
        for t, lvl, n in norms[["tier", "level", "visits_per_month"]].itertuples(index=False)
    }
    top = {t: max(v for (tt, _), v in by.items() if tt == t) for t in TIER_ORDER}
    return by, top


def _levels(frame: pd.DataFrame, hospitals: pd.DataFrame | None) -> pd.Series:
    if "level" in frame.columns:
        return frame["level"].astype("object")
    if hospitals is not None and "level" in hospitals.columns:
        lookup = hospitals.set_index(hospitals["hospital_id"].astype(str))["level"]
        return frame["hospital_id"].astype(str).map(lookup).astype("object")
    return pd.Series(None, index=frame.index, dtype="object")


# ----------------------------------------------------------------------------- goals


def visit_goals(
    tiers: pd.DataFrame,
    *,
    norms: Any = None,
    hospitals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Visit goals per doctor for a month: the norm of their tier and hospital level.

    Doctors get activity and adoption goals only, never sales figures.

    Parameters
    ----------
    tiers
        Doctors with ``tier`` (e.g. :func:`repkit.tiering.doctor_tiers`), hospital_id,
        department and rating.
    norms
        Visit norms (see :func:`norms_table`).
    hospitals
        Hospitals table for the level, when ``tiers`` has no ``level`` column.

    Returns
    -------
    DataFrame
        doctor_id, hospital_id, department, level, tier, rating, score,
        norm_visits, movability (0–1: how far the rating can still move), priority.

    Examples
    --------
    >>> t = pd.DataFrame({"doctor_id": ["D1", "D2"], "hospital_id": "H1",
    ...                   "department": "心内科", "tier": ["A", "C"], "rating": [4, 7],
    ...                   "level": "3A"})
    >>> rk.activity.visit_goals(t)[["doctor_id", "norm_visits", "movability"]]
      doctor_id  norm_visits  movability
    0        D1            4         1.0
    1        D2            1         0.1
    """
    table = norms_table(norms)
    by, top = _norm_lookup(table)
    if "tier" not in tiers.columns:
        raise ValueError("tiers needs a tier column (see repkit.tiering.doctor_tiers)")
    bad = ~tiers["tier"].isin(TIER_ORDER)
    if bad.any():
        raise ValueError(
            f"tiers must be A, B or C; got {sorted(set(tiers.loc[bad, 'tier'].astype(str)))}"
        )
    out = pd.DataFrame(
        {
            "doctor_id": tiers["doctor_id"].astype(str).to_numpy(),
            "hospital_id": tiers["hospital_id"].astype(str).to_numpy(),
            "department": tiers["department"].astype(str).to_numpy(),
            "level": _levels(tiers, hospitals).to_numpy(),
            "tier": tiers["tier"].to_numpy(),
        }
    )
    rating = pd.to_numeric(
        tiers.get("rating", pd.Series(np.nan, index=tiers.index)), errors="coerce"
    )
    out["rating"] = rating.round().astype("Int64").to_numpy()
    score = tiers["score"] if "score" in tiers.columns else pd.Series(0.0, index=tiers.index)
    out["score"] = pd.to_numeric(score, errors="coerce").fillna(0.0).to_numpy()
    out["norm_visits"] = [
        by.get((t, lvl), top[t]) for t, lvl in zip(out["tier"], out["level"], strict=True)
    ]
    out["norm_visits"] = out["norm_visits"].astype("int64")
    out["movability"] = [MOVABILITY.get(int(r), 0.5) if pd.notna(r) else 0.5 for r in out["rating"]]
    out["priority"] = out["tier"].map({"A": 3.0, "B": 2.0, "C": 1.0}) + out["movability"]
    return out


def rep_capacity(reps: pd.DataFrame, month: Any, *, visits_per_day: float = 8) -> pd.DataFrame:
    """Visits each rep can make in a month: working days × ``visits_per_day``.

    Parameters
    ----------
    reps
        Canonical reps table (rep_id, name, role, hospitals).
    month
        The month, e.g. ``"2026-07"``.
    visits_per_day
        Effective visits a working day (seed 002: at least 8).

    Returns
    -------
    DataFrame
        rep_id, name, role, hospitals (count), working_days, capacity.

    Examples
    --------
    >>> reps = pd.DataFrame({"rep_id": ["R1"], "name": ["王明"], "role": ["sales_staff"],
    ...                      "hospitals": [["H1", "H2"]]})
    >>> rk.activity.rep_capacity(reps, "2026-10")[["working_days", "capacity"]]
       working_days  capacity
    0            18       144
    """
    if not visits_per_day > 0:
        raise ValueError(f"visits_per_day must be positive, got {visits_per_day}")
    p = pd.Period(month, freq="M")
    days = len(working_days(p.start_time.date(), p.end_time.date()))
    return pd.DataFrame(
        {
            "rep_id": reps["rep_id"].astype(str).to_numpy(),
            "name": reps["name"].to_numpy() if "name" in reps else None,
            "role": reps["role"].to_numpy() if "role" in reps else None,
            "hospitals": [len(_hosp_list(h)) for h in reps.get("hospitals", [None] * len(reps))],
            "working_days": days,
            "capacity": math.floor(days * visits_per_day + 1e-9),
        }
    )


def _hosp_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.replace("，", "、").replace(",", "、").split("、") if v]
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        return [str(v) for v in value]
    return [] if pd.isna(value) else [str(value)]
