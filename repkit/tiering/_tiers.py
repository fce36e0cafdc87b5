"""Doctor, hospital and department tiers; pyramid and rating ladders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from repkit.errors import DataError
from repkit.labels import LEVEL_LABELS, PYRAMID_LABELS, STATUS_LABELS
from repkit.labels import TIER_LABELS as TIER_LABELS  # re-exported by rk.tiering
from repkit.messages import say
from repkit.tiering._ladder import (
    period_bounds,
)

TIERS: tuple[str, ...] = ("A", "B", "C")
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


def _rank_tiers(
    score: pd.Series,
    ids: pd.Series,
    shares: tuple[float, float],
    can_be_a: pd.Series | None = None,
) -> pd.Series:
    """Top ``shares[0]`` of items A, next ``shares[1]`` B (counts rounded half up).

    Items where ``can_be_a`` is False (residents) skip the A slots, which go to the
    next eligible items; they keep their place for B and C.
    """
    n = len(score)
    order = pd.DataFrame({"score": score.to_numpy(), "id": ids.astype(str).to_numpy()})
    order["pos"] = np.arange(n)
    order["ok"] = True if can_be_a is None else can_be_a.to_numpy(dtype=bool)
    order = order.sort_values(["score", "id"], ascending=[False, True], kind="mergesort")
    n_a = int(np.floor(shares[0] * n + 0.5))
    n_ab = min(n, int(np.floor((shares[0] + shares[1]) * n + 0.5)))
    is_a = order["ok"].to_numpy() & (np.cumsum(order["ok"].to_numpy()) <= n_a)
    rest = np.cumsum(~is_a)
    tiers = np.where(is_a, "A", np.where(rest <= n_ab - int(is_a.sum()), "B", "C")).astype(object)
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
                "message": say(
                    "bad_code.tier", doctor=doctors.loc[i, "doctor_id"], value=raw.loc[i]
                ),
            }
            for i in doctors.index[bad]
        ]
        raise DataError(problems, say("error.tiers"))
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
    docstring). Residents (住院医师) are never tiered A automatically (seed 002 puts
    住院医 in C): the A places go to the next doctors. A manual ``tier`` column in
    ``doctors`` (A/B/C, blank = automatic) wins over the computed tier.

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
        can_be_a = title.loc[part.index] != "resident"
        if method == "rank":
            tier_auto.loc[part.index] = _rank_tiers(sc, ids, (s_a, s_b), can_be_a).to_numpy()
        else:
            auto = abc(sc.clip(lower=0.0).to_numpy()).to_numpy()
            tier_auto.loc[part.index] = np.where((auto == "A") & ~can_be_a.to_numpy(), "B", auto)
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
    frame["_expert"] = expert.astype("boolean").fillna(False).astype(bool)
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
    - **dormant** (沉睡, seed 003: "低贡献的沉睡科室"): the rest — a small contribution,
      not "no sales": a dormant department may be developed.

    A department is *developed* (科室开发) when it has sales in the window; the
    ``developed`` column says which, independently of the status.

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
