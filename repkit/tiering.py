"""Customer tiers: Pareto ABC, doctor and hospital tiers, department status, adoption ladder.

The seeds plan sales through people. Doctors are tiered A (KOL / top), B (core) and C
(general) — the pyramid 塔尖 / 塔腰 / 塔基 of seed 002 — from their *influence and
potential*: public workload (``potential``, e.g. outpatient volume × indication share),
title, expert status, their department's share of the company's sales and their
current adoption rating. Never from sales per doctor: compiling doctors' individual
prescription figures (统方) is forbidden in China, and repkit's sales table has no
doctor column by design. Hospitals are tiered by level and sales; departments are
star / potential / dormant (seed 003). The adoption ladder (1 opposes … 7 uses fully)
is read from the call log: the latest rating per doctor, and who moved up or slid back
between two periods.

Examples
--------
>>> rk.tiering.abc([50, 30, 15, 5, 0]).tolist()
['A', 'A', 'B', 'C', 'C']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from repkit.calendar import Half
from repkit.io.errors import DataError
from repkit.schema import LEVEL_LABELS, RATING_LABELS

__all__ = [
    "PYRAMID_LABELS",
    "STATUS_LABELS",
    "TIERS",
    "TIER_LABELS",
    "TITLE_WEIGHTS",
    "abc",
    "current_rating",
    "department_status",
    "doctor_tiers",
    "hospital_tiers",
    "key_doctor_share",
    "period_bounds",
    "pyramid",
    "rating_moves",
    "transition_matrix",
]

TIERS: tuple[str, ...] = ("A", "B", "C")
TIER_LABELS: dict[str, str] = {"A": "A类（KOL/顶级）", "B": "B类（核心）", "C": "C类（一般）"}
PYRAMID_LABELS: dict[str, str] = {"A": "塔尖", "B": "塔腰", "C": "塔基"}
STATUS_LABELS: dict[str, str] = {"star": "明星科室", "potential": "潜力科室", "dormant": "沉睡科室"}
TITLE_WEIGHTS: dict[str, float] = {
    "chief": 1.0,
    "deputy_chief": 0.8,
    "attending": 0.6,
    "resident": 0.4,
}
"""Influence weight of a doctor's title in the tier score (missing title: 0.6)."""
EXPERT_WEIGHT = 1.5
"""Score multiplier of experts and re-employed authorities (专家、反聘权威)."""
_METHODS = ("rank", "pareto")
_HOSPITAL_METHODS = ("quantile", "pareto")
_TIER_ALIASES = {"A": "A", "B": "B", "C": "C", "A类": "A", "B类": "B", "C类": "C"}


# ----------------------------------------------------------------------------- helpers


def period_bounds(spec: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a period given as a half, quarter, month, date range.

    Parameters
    ----------
    spec
        ``"2026H1"`` / :class:`~repkit.calendar.Half`, ``"2026Q2"``, ``"2026-03"``, any
        ``pd.Period``, a year ``"2026"``, or a ``(start, end)`` pair of dates.

    Returns
    -------
    tuple of Timestamp
        Start and end day, both included (midnight).

    Examples
    --------
    >>> [str(d.date()) for d in rk.tiering.period_bounds("2026Q2")]
    ['2026-04-01', '2026-06-30']
    >>> [str(d.date()) for d in rk.tiering.period_bounds("2026H1")]
    ['2026-01-01', '2026-06-30']
    """
    if isinstance(spec, tuple | list) and len(spec) == 2:
        start, end = (pd.Timestamp(x).normalize() for x in spec)
        if end < start:
            raise ValueError(f"period ends before it starts: {spec!r}")
        return start, end
    if isinstance(spec, Half):
        return spec.start.start_time, spec.end.end_time.normalize()
    if isinstance(spec, pd.Period):
        return spec.start_time, spec.end_time.normalize()
    if isinstance(spec, dt.date):
        day = pd.Timestamp(spec).normalize()
        return day, day
    text = str(spec).strip()
    try:
        return period_bounds(Half.parse(text))
    except ValueError:
        pass
    try:
        period = pd.Period(text, freq="Q-DEC") if "q" in text.lower() else pd.Period(text)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"cannot read period {spec!r}; write it like '2026H1', '2026Q2', '2026-03' or "
            "give a (start, end) pair of dates"
        ) from err
    return period.start_time, period.end_time.normalize()


def _values(values: Any) -> pd.Series:
    if isinstance(values, pd.Series):
        s = values
    elif isinstance(values, Mapping):
        s = pd.Series(dict(values))
    else:
        s = pd.Series(list(values) if not isinstance(values, np.ndarray) else values)
    try:
        return pd.to_numeric(s).astype("float64").rename(s.name)
    except (ValueError, TypeError) as err:
        raise ValueError(f"abc needs numbers; got {s.dtype} values") from err


def _value_column(sales: pd.DataFrame) -> str:
    """``amount`` when the sales table has it filled, else ``units``."""
    if "amount" in sales.columns and sales["amount"].notna().any():
        return "amount"
    if "units" in sales.columns:
        return "units"
    raise ValueError("sales needs an amount or a units column")


def _window(sales: pd.DataFrame, months: Any) -> pd.PeriodIndex:
    """Months to measure sales over: last N months of the data, a period, or a list."""
    if months is None:
        months = 6
    if isinstance(months, int | np.integer):
        if months < 1:
            raise ValueError(f"months must be at least 1, got {months}")
        if sales.empty:
            return pd.PeriodIndex([], freq="M")
        last = pd.Period(sales["month"].max(), freq="M")
        return pd.period_range(last - (int(months) - 1), last, freq="M")
    if isinstance(months, pd.PeriodIndex):
        return months.asfreq("M")
    if isinstance(months, list | tuple) and months and not isinstance(months, str):
        if len(months) == 2 and not all(isinstance(m, pd.Period) for m in months):
            start, end = period_bounds(tuple(months))
        else:
            return pd.PeriodIndex([pd.Period(m, freq="M") for m in months], freq="M")
    else:
        start, end = period_bounds(months)
    return pd.period_range(start.to_period("M"), end.to_period("M"), freq="M")


def _sales_in(sales: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    if sales.empty:
        return sales
    m = pd.PeriodIndex(sales["month"], freq="M")
    return sales[np.asarray(m.isin(months))]


def _pct_rank(values: pd.Series) -> pd.Series:
    """Rank percentile in (0, 1]; zeros and missing get 0."""
    v = values.fillna(0.0)
    out = v.rank(method="average", pct=True)
    return out.where(v > 0, 0.0)


# ----------------------------------------------------------------------------- ABC


def abc(values: Any, cutoffs: tuple[float, float] = (0.8, 0.95)) -> pd.Series:
    """Pareto ABC classes: A makes the first 80 % of the total, B the next 15 %, C the rest.

    Items are ranked by value, largest first. An item is A when everything strictly
    larger than it adds up to less than ``cutoffs[0]`` of the total, B when that is
    below ``cutoffs[1]``, else C; so the item that crosses 80 % is still A and equal
    values always share a class (ties are decided by value only, never by order).
    Zeros are C; all zeros give all C.

    Parameters
    ----------
    values
        Non-negative numbers: a Series (its index is kept), a dict, a list or an array.
    cutoffs
        Cumulative shares closing classes A and B, ``0 < a < b <= 1``.

    Returns
    -------
    Series of str
        ``"A"``, ``"B"`` or ``"C"`` per item, same index (and name ``abc``).

    Raises
    ------
    ValueError
        Negative or missing values, or cutoffs out of order.

    Notes
    -----
    In Excel you would sort descending, add a running total, divide by the total and
    mark rows with a running share of the rows above them under 80 % as A.

    Examples
    --------
    >>> s = pd.Series({"空军医院": 600, "二院": 250, "中医院": 100, "社区": 50})
    >>> rk.tiering.abc(s).to_dict()
    {'空军医院': 'A', '二院': 'A', '中医院': 'B', '社区': 'C'}
    >>> rk.tiering.abc([5, 5, 5, 5]).tolist()       # ties share a class
    ['A', 'A', 'A', 'A']
    >>> rk.tiering.abc([0, 0]).tolist()
    ['C', 'C']
    """
    a, b = (float(c) for c in cutoffs)
    if not 0 < a < b <= 1:
        raise ValueError(f"cutoffs must satisfy 0 < a < b <= 1, got {tuple(cutoffs)!r}")
    s = _values(values)
    if s.isna().any():
        where = list(s.index[s.isna()][:5])
        raise ValueError(f"abc needs numbers for every item; missing at {where}")
    if (s < 0).any():
        where = list(s.index[s < 0][:5])
        raise ValueError(f"abc needs non-negative values; negative at {where}")
    out = pd.Series("C", index=s.index, name="abc", dtype="object")
    total = float(s.sum())
    if total <= 0:
        return out
    distinct = np.sort(s.unique())[::-1]
    sums = pd.Series(s.groupby(s).sum()).reindex(distinct).to_numpy()
    larger = np.concatenate([[0.0], np.cumsum(sums)[:-1]]) / total
    cls = np.where(larger < a, "A", np.where(larger < b, "B", "C"))
    mapping = dict(zip(distinct.tolist(), cls.tolist(), strict=True))
    out[:] = [mapping[v] if v > 0 else "C" for v in s.to_numpy()]
    return out


def _rank_tiers(score: pd.Series, ids: pd.Series, shares: tuple[float, float]) -> pd.Series:
    """Top ``shares[0]`` of items A, next ``shares[1]`` B (counts rounded half up)."""
    n = len(score)
    order = pd.DataFrame({"score": score.to_numpy(), "id": ids.astype(str).to_numpy()})
    order["pos"] = np.arange(n)
    order = order.sort_values(["score", "id"], ascending=[False, True], kind="mergesort")
    n_a = int(np.floor(shares[0] * n + 0.5))
    n_ab = min(n, int(np.floor((shares[0] + shares[1]) * n + 0.5)))
    tiers = np.array(["C"] * n, dtype=object)
    tiers[:n_a] = "A"
    tiers[n_a:n_ab] = "B"
    out = np.empty(n, dtype=object)
    out[order["pos"].to_numpy()] = tiers
    return pd.Series(out, index=score.index)


def _manual_tiers(doctors: pd.DataFrame) -> pd.Series:
    if "tier" not in doctors.columns:
        return pd.Series(None, index=doctors.index, dtype="object")
    raw = doctors["tier"]
    text = raw.map(lambda v: None if v is None or pd.isna(v) else str(v).strip().upper())
    text = text.replace({"": None})
    mapped = text.map(lambda v: None if v is None else _TIER_ALIASES.get(v))
    bad = text.notna() & mapped.isna()
    if bad.any():
        problems = [
            {
                "column": "tier",
                "row": None,
                "value": str(raw.loc[i]),
                "rule": "bad_code",
                "message": (
                    f"doctor {doctors.loc[i, 'doctor_id']}: tier {raw.loc[i]!r} is not A, B "
                    "or C (leave it blank to let repkit tier the doctor)"
                ),
            }
            for i in doctors.index[bad]
        ]
        raise DataError(problems, "manual tiers that repkit cannot read")
    return mapped


# ----------------------------------------------------------------------------- doctors


def doctor_tiers(
    doctors: pd.DataFrame,
    *,
    sales: pd.DataFrame | None = None,
    hospitals: pd.DataFrame | None = None,
    shares: tuple[float, float] = (0.05, 0.20),
    method: str = "rank",
    by: str | Sequence[str] | None = None,
    months: Any = None,
) -> pd.DataFrame:
    """Tier doctors A (KOL / top), B (core), C (general) from influence × potential.

    The score multiplies, per doctor:

    - ``potential`` divided by the median potential (public workload; missing → median),
    - the title weight (:data:`TITLE_WEIGHTS`) and ×1.5 for experts,
    - ``0.5 + p`` where p is the rank percentile (0–1) of the doctor's *department's*
      sales among the departments in the table (0 when the department has none),
    - ``(beds / median beds) ** 0.25`` of the hospital (when ``hospitals`` is given),
    - ``0.6 + 0.4 × (rating − 1) / 6`` from the adoption rating (missing → 4).

    Department sales shares, never sales per doctor, enter the score (see the module
    docstring). A manual ``tier`` column in ``doctors`` (A/B/C, blank = automatic) wins
    over the computed tier.

    Parameters
    ----------
    doctors
        Canonical doctors table (doctor_id, hospital_id, department, title, is_expert,
        rating, potential, optional tier).
    sales
        Canonical sales table (for department shares); None leaves that factor at 1.
    hospitals
        Canonical hospitals table (for beds); None leaves that factor at 1.
    shares
        ``method="rank"``: share of doctors in A and in B (default 5 % and 20 %, the
        pyramid of seed 002: 1–2 at the tip, 5–8 in the waist, 20–30 at the base).
    method
        ``"rank"`` (counts from ``shares``, ties broken by doctor_id) or ``"pareto"``
        (:func:`abc` on the score).
    by
        Column(s) to tier within, e.g. ``"hospital_id"``; None tiers the whole table.
    months
        Sales window for department shares (default: the last 6 months of ``sales``).

    Returns
    -------
    DataFrame
        The doctors' columns plus ``dept_sales_pct``, ``score``, ``score_rank`` (1 =
        highest), ``tier_auto``, ``tier`` (manual where given), ``tier_source``
        (``manual``/``auto``) and ``pyramid`` (塔尖/塔腰/塔基); same index.

    Raises
    ------
    ValueError
        Unknown method, bad shares, missing columns.
    DataError
        A manual tier that is not A, B or C (rule ``bad_code``).

    Examples
    --------
    >>> docs = pd.DataFrame({
    ...     "doctor_id": ["D1", "D2", "D3", "D4"], "hospital_id": "H1",
    ...     "department": "心内科", "title": ["chief", "attending", "resident", "attending"],
    ...     "is_expert": [True, False, False, False], "rating": [5, 4, 3, 6],
    ...     "potential": [120.0, 80.0, 40.0, 60.0], "tier": [None, None, None, "B"]})
    >>> t = rk.tiering.doctor_tiers(docs, shares=(0.25, 0.25))
    >>> t[["doctor_id", "score_rank", "tier", "tier_source"]]
      doctor_id  score_rank tier tier_source
    0        D1           1    A        auto
    1        D2           2    B        auto
    2        D3           4    C        auto
    3        D4           3    B      manual
    """
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}; valid methods: {', '.join(_METHODS)}")
    s_a, s_b = (float(x) for x in shares)
    if s_a < 0 or s_b < 0 or s_a + s_b > 1:
        raise ValueError(f"shares must be >= 0 and add up to at most 1, got {tuple(shares)!r}")
    missing = [c for c in ("doctor_id", "hospital_id", "department") if c not in doctors.columns]
    if missing:
        raise ValueError(f"doctors needs columns {missing}")
    out = doctors.copy()
    n = len(out)
    pot = pd.to_numeric(out.get("potential", pd.Series(np.nan, index=out.index)), errors="coerce")
    med = pot[pot > 0].median() if (pot > 0).any() else 1.0
    pot_n = (pot.fillna(med) / med).clip(lower=0.0)
    title = out.get("title", pd.Series(None, index=out.index))
    title_w = title.map(TITLE_WEIGHTS).astype("float64").fillna(0.6)
    expert = out.get("is_expert", pd.Series(False, index=out.index)).fillna(False).astype(bool)
    expert_w = np.where(expert, EXPERT_WEIGHT, 1.0)
    rating = pd.to_numeric(out.get("rating", pd.Series(np.nan, index=out.index)), errors="coerce")
    rating_w = 0.6 + 0.4 * (rating.fillna(4.0).clip(1, 7) - 1) / 6
    if sales is not None and not sales.empty and "department" in sales.columns:
        col = _value_column(sales)
        window = _sales_in(sales, _window(sales, months))
        dept = window.groupby(["hospital_id", "department"])[col].sum()
        keys = pd.MultiIndex.from_frame(out[["hospital_id", "department"]].astype(str))
        pairs = out[["hospital_id", "department"]].astype(str).drop_duplicates()
        pair_idx = pd.MultiIndex.from_frame(pairs)
        pct = _pct_rank(dept.reindex(pair_idx).clip(lower=0.0))
        pct.index = pair_idx
        dept_pct = pd.Series(pct.reindex(keys).to_numpy(), index=out.index).fillna(0.0)
        dept_w = 0.5 + dept_pct
    else:
        dept_pct = pd.Series(np.nan, index=out.index)
        dept_w = pd.Series(1.0, index=out.index)
    if hospitals is not None and "beds" in hospitals.columns and not hospitals.empty:
        beds = pd.to_numeric(hospitals.set_index("hospital_id")["beds"], errors="coerce")
        b = out["hospital_id"].map(beds).astype("float64")
        med_b = beds[beds > 0].median() if (beds > 0).any() else np.nan
        hosp_w = (b / med_b).clip(lower=0.05) ** 0.25 if np.isfinite(med_b) else 1.0
        hosp_w = pd.Series(hosp_w, index=out.index).fillna(1.0)
    else:
        hosp_w = pd.Series(1.0, index=out.index)
    score = pot_n * title_w * expert_w * dept_w * rating_w * hosp_w
    out["dept_sales_pct"] = dept_pct.round(4)
    out["score"] = score.astype("float64").round(6)
    keys_by = [by] if isinstance(by, str) else list(by) if by is not None else []
    for k in keys_by:
        if k not in out.columns:
            raise ValueError(f"by column {k!r} not in doctors; columns: {list(out.columns)}")
    tier_auto = pd.Series("C", index=out.index, dtype="object")
    rank = pd.Series(0, index=out.index, dtype="int64")
    grouped = list(out.groupby(keys_by, sort=True, dropna=False)) if keys_by else [(None, out)]
    for _, part in grouped:
        sc = part["score"]
        ids = part["doctor_id"].astype(str)
        order = pd.DataFrame({"s": sc.to_numpy(), "id": ids.to_numpy()}, index=part.index)
        order = order.sort_values(["s", "id"], ascending=[False, True], kind="mergesort")
        rank.loc[order.index] = np.arange(1, len(order) + 1)
        if method == "rank":
            tier_auto.loc[part.index] = _rank_tiers(sc, ids, (s_a, s_b)).to_numpy()
        else:
            tier_auto.loc[part.index] = abc(sc.clip(lower=0.0).to_numpy()).to_numpy()
    manual = _manual_tiers(out) if n else pd.Series(dtype="object")
    out["score_rank"] = rank
    out["tier_auto"] = tier_auto
    out["tier"] = manual.where(manual.notna(), tier_auto) if n else tier_auto
    out["tier_source"] = np.where(manual.notna(), "manual", "auto") if n else []
    for col in ("tier_auto", "tier", "tier_source"):
        out[col] = out[col].astype("str")
    out["pyramid"] = out["tier"].map(PYRAMID_LABELS).astype("str")
    return out


def pyramid(tiers: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The pyramid view (塔尖 / 塔腰 / 塔基): doctors, experts and adoption per tier.

    Parameters
    ----------
    tiers
        Output of :func:`doctor_tiers` (tier, rating, potential, title, is_expert).
    by
        Optional column(s) to break the pyramid down by (e.g. ``"hospital_id"``).

    Returns
    -------
    DataFrame
        One row per tier (and group): ``tier``, ``level`` (塔尖…), ``doctors``,
        ``doctor_share`` (of the group), ``experts``, ``seniors`` (chief or deputy
        chief), ``mean_rating``, ``rated_5plus_share`` (rating ≥ 5) and
        ``potential_share``.

    Examples
    --------
    >>> t = pd.DataFrame({"tier": ["A", "B", "B", "C"], "rating": [6, 5, 3, 2],
    ...                   "potential": [100.0, 60.0, 20.0, 20.0],
    ...                   "title": ["chief", "attending", "attending", "resident"],
    ...                   "is_expert": [True, False, False, False]})
    >>> rk.tiering.pyramid(t)[["level", "doctors", "rated_5plus_share", "potential_share"]]
      level  doctors  rated_5plus_share  potential_share
    0    塔尖        1                1.0              0.5
    1    塔腰        2                0.5              0.4
    2    塔基        1                0.0              0.1
    """
    keys = [by] if isinstance(by, str) else list(by) if by is not None else []
    frame = tiers.copy()
    blank = pd.Series(np.nan, index=frame.index)
    frame["_rating"] = pd.to_numeric(frame.get("rating", blank), errors="coerce")
    frame["_pot"] = pd.to_numeric(frame.get("potential", blank), errors="coerce").fillna(0.0)
    expert = frame.get("is_expert", pd.Series(False, index=frame.index))
    frame["_expert"] = expert.astype("object").fillna(False).astype(bool)
    frame["_senior"] = frame.get("title", blank).isin(["chief", "deputy_chief"])
    frame["_5"] = frame["_rating"] >= 5
    groups = list(frame.groupby(keys, sort=True, dropna=False)) if keys else [((), frame)]
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        total_pot = part["_pot"].sum()
        for tier in TIERS:
            t = part[part["tier"] == tier]
            rated = t["_rating"].notna()
            row = dict(zip(keys, key, strict=True))
            row.update(
                {
                    "tier": tier,
                    "level": PYRAMID_LABELS[tier],
                    "doctors": len(t),
                    "doctor_share": len(t) / len(part) if len(part) else np.nan,
                    "experts": int(t["_expert"].sum()),
                    "seniors": int(t["_senior"].sum()),
                    "mean_rating": round(float(t["_rating"].mean()), 2) if rated.any() else np.nan,
                    "rated_5plus_share": float(t.loc[rated, "_5"].mean())
                    if rated.any()
                    else np.nan,
                    "potential_share": float(t["_pot"].sum() / total_pot) if total_pot else np.nan,
                }
            )
            rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- hospitals


def hospital_tiers(
    hospitals: pd.DataFrame,
    sales: pd.DataFrame,
    *,
    shares: tuple[float, float] = (0.2, 0.3),
    method: str = "quantile",
    months: Any = None,
) -> pd.DataFrame:
    """Hospitals by level and by sales: a sales tier A/B/C and a level × tier segment.

    Parameters
    ----------
    hospitals
        Canonical hospitals table (hospital_id, name, level, beds).
    sales
        Canonical sales table (amount, else units).
    shares
        ``method="quantile"``: share of hospitals in A (top sellers) and B (default
        20 % and 30 %); hospitals without sales are always C.
    method
        ``"quantile"`` (by rank; ties broken by hospital_id) or ``"pareto"``
        (:func:`abc` on sales).
    months
        Sales window (default: the last 6 months of ``sales``; an int = last N months;
        a period such as ``"2026H1"``).

    Returns
    -------
    DataFrame
        hospital_id, name, level, level_label, beds, sales (amount or units over the
        window), sales_share, sales_rank, sales_tier, segment (e.g. ``三甲·A``); sorted
        by sales, largest first.

    Examples
    --------
    >>> h = pd.DataFrame({"hospital_id": ["H1", "H2", "H3"], "name": ["甲", "乙", "丙"],
    ...                   "level": ["3A", "2", "community"], "beds": [1500.0, 400.0, 40.0]})
    >>> s = pd.DataFrame({"month": pd.PeriodIndex(["2026-06"] * 2, freq="M"),
    ...                   "hospital_id": ["H1", "H2"], "amount": [9000.0, 1000.0]})
    >>> rk.tiering.hospital_tiers(h, s, shares=(0.34, 0.33))[["name", "sales_tier", "segment"]]
      name sales_tier segment
    0    甲          A    三甲·A
    1    乙          B    二级·B
    2    丙          C    社区·C
    """
    if method not in _HOSPITAL_METHODS:
        raise ValueError(
            f"unknown method {method!r}; valid methods: {', '.join(_HOSPITAL_METHODS)}"
        )
    s_a, s_b = (float(x) for x in shares)
    if s_a < 0 or s_b < 0 or s_a + s_b > 1:
        raise ValueError(f"shares must be >= 0 and add up to at most 1, got {tuple(shares)!r}")
    cols = [c for c in ("hospital_id", "name", "level", "beds") if c in hospitals.columns]
    out = hospitals[cols].copy().reset_index(drop=True)
    out["hospital_id"] = out["hospital_id"].astype(str)
    if "level" in out:
        out["level_label"] = out["level"].map(LEVEL_LABELS).fillna(out["level"])
    else:
        out["level_label"] = ""
    value = pd.Series(dtype="float64")
    if not sales.empty:
        col = _value_column(sales)
        window = _sales_in(sales, _window(sales, months))
        value = window.groupby(window["hospital_id"].astype(str))[col].sum()
    out["sales"] = out["hospital_id"].map(value).astype("float64").fillna(0.0)
    total = out["sales"].clip(lower=0).sum()
    out["sales_share"] = out["sales"].clip(lower=0) / total if total > 0 else 0.0
    out = out.sort_values(["sales", "hospital_id"], ascending=[False, True], kind="mergesort")
    out["sales_rank"] = np.arange(1, len(out) + 1)
    if method == "quantile":
        tiers = _rank_tiers(out["sales"], out["hospital_id"], (s_a, s_b))
        tiers = tiers.where(out["sales"] > 0, "C")
    else:
        tiers = abc(out["sales"].clip(lower=0.0))
    out["sales_tier"] = tiers.to_numpy()
    out["segment"] = out["level_label"].astype(str) + "·" + out["sales_tier"]
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------- departments


def department_status(
    hospitals: pd.DataFrame,
    sales: pd.DataFrame,
    doctors: pd.DataFrame | None = None,
    *,
    months: Any = None,
    growth: float = 0.1,
    cutoffs: tuple[float, float] = (0.8, 0.95),
) -> pd.DataFrame:
    """Departments as star / potential / dormant (seed 003: 明星、潜力股、沉睡科室).

    - **star**: class A of :func:`abc` on the departments' sales (the departments that
      make 80 % of sales);
    - **potential**: not a star, and either new (sales now, none in the window before),
      growing by at least ``growth`` against the window before, or holding at least
      an average department's share of the doctors' potential and more of it than of
      the sales (under-developed for its workload);
    - **dormant**: the rest.

    A department is *developed* (科室开发) when it has sales in the window.

    Parameters
    ----------
    hospitals
        Canonical hospitals table; its ``departments`` lists are the target
        departments (departments seen only in sales or doctors are added).
    sales
        Canonical sales table with a department column.
    doctors
        Canonical doctors table, for the department's doctors and potential.
    months
        Sales window (default: last 6 months of ``sales``); the previous window of the
        same length gives the growth.
    growth
        Growth rate that makes a non-star department *potential* (default 10 %).
    cutoffs
        Pareto cutoffs for the star class.

    Returns
    -------
    DataFrame
        hospital_id, hospital, level, department, sales, sales_prev, growth_rate,
        sales_share, doctors, potential, potential_share, developed, status,
        status_label; sorted by hospital then sales.

    Examples
    --------
    >>> h = pd.DataFrame({"hospital_id": ["H1"], "name": ["甲"], "level": ["3A"],
    ...                   "departments": [["心内科", "呼吸内科", "眼科"]]})
    >>> s = pd.DataFrame({"month": pd.PeriodIndex(["2026-05", "2026-06", "2026-06"], freq="M"),
    ...                   "hospital_id": "H1", "department": ["心内科", "心内科", "呼吸内科"],
    ...                   "amount": [100.0, 900.0, 120.0]})
    >>> d = pd.DataFrame({"doctor_id": ["D1", "D2"], "hospital_id": "H1",
    ...                   "department": ["呼吸内科", "眼科"], "potential": [80.0, 5.0]})
    >>> st = rk.tiering.department_status(h, s, d, months=1)
    >>> st[["department", "developed", "status"]]
      department  developed     status
    0        心内科       True       star
    1       呼吸内科       True  potential
    2         眼科      False    dormant
    """
    window = _window(sales, months)
    prev = (
        pd.period_range(window[0] - len(window), window[0] - 1, freq="M") if len(window) else window
    )
    names = hospitals.set_index(hospitals["hospital_id"].astype(str))
    pairs: dict[tuple[str, str], None] = {}
    if "departments" in hospitals.columns:
        for hid, depts in zip(
            hospitals["hospital_id"].astype(str), hospitals["departments"], strict=True
        ):
            if isinstance(depts, str):
                depts = [d for d in depts.replace("，", "、").replace(",", "、").split("、") if d]
            for d in depts if isinstance(depts, list | tuple | np.ndarray) else []:
                pairs[(hid, str(d))] = None
    col = _value_column(sales) if not sales.empty else "units"
    has_dept = "department" in sales.columns
    cur = _sales_in(sales, window) if has_dept else sales.iloc[0:0]
    old = _sales_in(sales, prev) if has_dept else sales.iloc[0:0]
    by_cur = cur.groupby([cur["hospital_id"].astype(str), cur["department"].astype(str)])[col].sum()
    by_old = old.groupby([old["hospital_id"].astype(str), old["department"].astype(str)])[col].sum()
    known = set(names.index)
    for key in by_cur.index:
        if key[0] in known:
            pairs.setdefault(key, None)
    pot = pd.Series(dtype="float64")
    n_doc = pd.Series(dtype="int64")
    if doctors is not None and not doctors.empty:
        dk = [doctors["hospital_id"].astype(str), doctors["department"].astype(str)]
        blank = pd.Series(np.nan, index=doctors.index)
        p = pd.to_numeric(doctors.get("potential", blank), errors="coerce").fillna(0.0)
        pot = p.groupby(dk).sum()
        n_doc = doctors.groupby(dk).size()
        for key in n_doc.index:
            if key[0] in known:
                pairs.setdefault(key, None)
    idx = pd.MultiIndex.from_tuples(list(pairs), names=["hospital_id", "department"])
    out = pd.DataFrame(index=idx).reset_index()
    out["hospital"] = out["hospital_id"].map(names["name"]) if "name" in names else ""
    out["level"] = out["hospital_id"].map(names["level"]) if "level" in names else ""
    out["sales"] = by_cur.reindex(idx).fillna(0.0).to_numpy()
    out["sales_prev"] = by_old.reindex(idx).fillna(0.0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(out["sales_prev"] > 0, out["sales"] / out["sales_prev"] - 1, np.nan)
    out["growth_rate"] = g
    total = out["sales"].clip(lower=0).sum()
    out["sales_share"] = out["sales"].clip(lower=0) / total if total > 0 else 0.0
    out["doctors"] = n_doc.reindex(idx).fillna(0).astype("int64").to_numpy()
    out["potential"] = pot.reindex(idx).fillna(0.0).to_numpy()
    ptotal = out["potential"].sum()
    out["potential_share"] = out["potential"] / ptotal if ptotal > 0 else 0.0
    out["developed"] = out["sales"] > 0
    star = abc(out["sales"].clip(lower=0.0), cutoffs).to_numpy() == "A"
    star &= out["developed"].to_numpy()
    grows = (out["growth_rate"] >= growth).fillna(False).to_numpy()
    new = ((out["sales_prev"] <= 0) & (out["sales"] > 0)).to_numpy()
    fair = 1.0 / len(out) if len(out) else 0.0
    under = (out["potential_share"] > out["sales_share"]).to_numpy() & (
        out["potential_share"] >= fair
    ).to_numpy()
    status = np.where(star, "star", np.where(grows | new | under, "potential", "dormant"))
    out["status"] = status
    out["status_label"] = out["status"].map(STATUS_LABELS)
    out = out.sort_values(["hospital_id", "sales", "department"], ascending=[True, False, True])
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------- adoption ladder


def _ratings_until(calls: pd.DataFrame, end: pd.Timestamp | None) -> pd.DataFrame:
    """Latest non-missing rating_after per doctor on or before ``end`` (last row wins)."""
    if calls.empty or "rating_after" not in calls.columns:
        return pd.DataFrame({"doctor_id": [], "rating": [], "rated_on": []})
    c = calls[["date", "doctor_id", "rating_after"]].copy()
    c["date"] = pd.to_datetime(c["date"]).dt.normalize()
    c["rating_after"] = pd.to_numeric(c["rating_after"], errors="coerce")
    c = c[c["rating_after"].notna()]
    if end is not None:
        c = c[c["date"] <= end]
    c["_pos"] = np.arange(len(c))
    c = c.sort_values(["date", "_pos"], kind="mergesort")
    last = c.groupby(c["doctor_id"].astype(str), sort=False).tail(1)
    return pd.DataFrame(
        {
            "doctor_id": last["doctor_id"].astype(str).to_numpy(),
            "rating": last["rating_after"].astype("int64").to_numpy(),
            "rated_on": last["date"].to_numpy(),
        }
    )


def current_rating(doctors: pd.DataFrame, calls: pd.DataFrame, *, at: Any = None) -> pd.DataFrame:
    """Each doctor's adoption rating (1–7) from the latest call, else from the doctor card.

    Parameters
    ----------
    doctors
        Canonical doctors table (doctor_id, rating).
    calls
        Canonical calls table (date, doctor_id, rating_after).
    at
        Only calls on or before this day (or before the end of this period, e.g.
        ``"2026-06"``); default: all calls.

    Returns
    -------
    DataFrame
        doctor_id, rating (Int64), rating_label, rated_on (date of the call, NaT for
        card ratings), source (``call``, ``card`` or missing); one row per doctor of
        ``doctors`` in its order, then doctors only seen in calls.

    Examples
    --------
    >>> d = pd.DataFrame({"doctor_id": ["D1", "D2"], "rating": [3, 4]})
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-01-05", "2026-02-03"]),
    ...                   "doctor_id": ["D1", "D1"], "rating_after": [4, 5]})
    >>> rk.tiering.current_rating(d, c)[["doctor_id", "rating", "source"]]
      doctor_id  rating source
    0        D1       5   call
    1        D2       4   card
    """
    end = None if at is None else period_bounds(at)[1]
    latest = _ratings_until(calls, end).set_index("doctor_id")
    ids = doctors["doctor_id"].astype(str) if "doctor_id" in doctors.columns else pd.Series([])
    extra = sorted(set(latest.index) - set(ids))
    all_ids = [*ids.tolist(), *extra]
    card = (
        pd.to_numeric(doctors.set_index(ids)["rating"], errors="coerce")
        if "rating" in doctors.columns
        else pd.Series(dtype="float64")
    )
    card = card[~card.index.duplicated()]
    out = pd.DataFrame({"doctor_id": all_ids})
    from_call = (
        out["doctor_id"].map(latest["rating"])
        if len(latest)
        else pd.Series(np.nan, index=out.index)
    )
    from_card = out["doctor_id"].map(card) if len(card) else pd.Series(np.nan, index=out.index)
    rating = from_call.astype("float64").where(from_call.notna(), from_card.astype("float64"))
    out["rating"] = rating.round().astype("Int64")
    out["rating_label"] = out["rating"].map(
        lambda r: RATING_LABELS.get(int(r)) if pd.notna(r) else None
    )
    out["rated_on"] = (
        pd.to_datetime(out["doctor_id"].map(latest["rated_on"])) if len(latest) else pd.NaT
    )
    out["source"] = np.where(from_call.notna(), "call", np.where(from_card.notna(), "card", None))
    return out


def rating_moves(
    calls: pd.DataFrame,
    *,
    before: Any,
    after: Any,
    doctors: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each doctor's rating at the end of two periods and whether they moved up or slid back.

    The rating at the end of a period is the latest ``rating_after`` recorded on or
    before its last day (so a doctor not called in the second period keeps their
    rating). ``doctors`` (with ``rating``) supplies the starting (card) rating of
    doctors not called by the end of the first period; without it they are left out.
    Doctors never rated by a call up to the end of the second period are left out:
    nothing was observed about them.

    Parameters
    ----------
    calls
        Canonical calls table.
    before, after
        Periods (see :func:`period_bounds`), e.g. ``"2026Q1"`` and ``"2026Q2"``.
    doctors
        Optional doctors table for starting ratings.

    Returns
    -------
    DataFrame
        doctor_id, rating_before, rating_after, change, move (``up``/``same``/``down``).

    Examples
    --------
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-01-10", "2026-05-03", "2026-02-01"]),
    ...                   "doctor_id": ["D1", "D1", "D2"], "rating_after": [3, 5, 4]})
    >>> rk.tiering.rating_moves(c, before="2026Q1", after="2026Q2")
      doctor_id  rating_before  rating_after  change  move
    0        D1              3             5       2    up
    1        D2              4             4       0  same
    """
    end_1 = period_bounds(before)[1]
    end_2 = period_bounds(after)[1]
    if end_2 < end_1:
        raise ValueError(f"period 'after' ({after}) ends before 'before' ({before})")
    r1 = _ratings_until(calls, end_1).set_index("doctor_id")["rating"]
    r2 = _ratings_until(calls, end_2).set_index("doctor_id")["rating"]
    if doctors is not None and "rating" in doctors.columns:
        card = pd.to_numeric(
            doctors.set_index(doctors["doctor_id"].astype(str))["rating"], errors="coerce"
        )
        card = card[~card.index.duplicated()].dropna().astype("int64")
        r1 = r1.combine_first(card)
    ids = sorted(set(r1.index) & set(r2.index))
    out = pd.DataFrame(
        {
            "doctor_id": ids,
            "rating_before": r1.reindex(ids).astype("int64").to_numpy(),
            "rating_after": r2.reindex(ids).astype("int64").to_numpy(),
        }
    )
    out["change"] = out["rating_after"] - out["rating_before"]
    out["move"] = np.select([out["change"] > 0, out["change"] < 0], ["up", "down"], "same")
    return out


def transition_matrix(
    calls: pd.DataFrame,
    *,
    before: Any,
    after: Any,
    doctors: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Adoption-ladder transitions between two periods: doctors by rating before × after.

    Counts of :func:`rating_moves`; above the diagonal moved up, below slid back.

    Returns
    -------
    DataFrame
        7 × 7 counts, index ``rating_before`` 1–7, columns ``rating_after`` 1–7.
        ``attrs`` holds ``up``, ``same``, ``down`` and ``doctors`` counts.

    Examples
    --------
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-01-10", "2026-05-03", "2026-02-01"]),
    ...                   "doctor_id": ["D1", "D1", "D2"], "rating_after": [3, 5, 4]})
    >>> m = rk.tiering.transition_matrix(c, before="2026Q1", after="2026Q2")
    >>> int(m.loc[3, 5]), int(m.loc[4, 4]), m.attrs["up"]
    (1, 1, 1)
    """
    moves = rating_moves(calls, before=before, after=after, doctors=doctors)
    return _matrix(moves)


def _matrix(moves: pd.DataFrame) -> pd.DataFrame:
    """7 × 7 transition counts from :func:`rating_moves`."""
    levels = list(range(1, 8))
    m = pd.crosstab(moves["rating_before"], moves["rating_after"])
    m = m.reindex(index=levels, columns=levels, fill_value=0).astype("int64")
    m.index.name = "rating_before"
    m.columns.name = "rating_after"
    counts = moves["move"].value_counts()
    m.attrs.update(
        up=int(counts.get("up", 0)),
        same=int(counts.get("same", 0)),
        down=int(counts.get("down", 0)),
        doctors=len(moves),
    )
    return m


def key_doctor_share(
    tiers: pd.DataFrame,
    *,
    threshold: int = 5,
    key: Iterable[str] = ("A", "B"),
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of key doctors (tiers A and B) rated at or above ``threshold`` (seed 000: 60–80 %).

    Parameters
    ----------
    tiers
        Doctors with ``tier`` and ``rating`` (e.g. :func:`doctor_tiers` on doctors whose
        rating was updated by :func:`current_rating`).
    threshold
        Rating that counts as developed (5 = uses regularly).
    key
        Tiers that count as key doctors.
    by
        Optional column(s) to break down by (e.g. ``"hospital_id"``).

    Returns
    -------
    DataFrame
        (by columns,) key_doctors, developed, developed_share.

    Examples
    --------
    >>> t = pd.DataFrame({"tier": ["A", "B", "B", "C"], "rating": [6, 5, 3, 7]})
    >>> rk.tiering.key_doctor_share(t)
       key_doctors  developed  developed_share
    0            3          2         0.666667
    """
    if not 1 <= threshold <= 7:
        raise ValueError(f"threshold must be a rating 1–7, got {threshold}")
    keys = [by] if isinstance(by, str) else list(by) if by is not None else []
    k = tiers[tiers["tier"].isin(list(key))].copy()
    k["_dev"] = pd.to_numeric(k["rating"], errors="coerce") >= threshold
    if keys:
        g = k.groupby(keys, sort=True)["_dev"]
        out = pd.DataFrame({"key_doctors": g.size(), "developed": g.sum().astype("int64")})
        out = out.reset_index()
    else:
        out = pd.DataFrame({"key_doctors": [len(k)], "developed": [int(k["_dev"].sum())]})
    out["developed_share"] = np.where(
        out["key_doctors"] > 0,
        out["developed"] / out["key_doctors"].where(out["key_doctors"] > 0, 1),
        np.nan,
    )
    return out
