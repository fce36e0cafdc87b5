"""Integer allocation and target decomposition (private; public names live in repkit.plan).

Every split in a plan goes through one rounding rule, the largest-remainder method with
fixed tie-breaks, so integers add up exactly at every level and the same inputs always
give the same targets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.calendar import Half, month_working_days
from repkit.messages import say

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset

UNASSIGNED = ""
"""rep_id of targets no sales staff member is responsible for (they stay at department)."""

_EPS = 1e-9
LEVEL_PRIOR: dict[str, float] = {"3A": 1.0, "3": 0.5, "2": 0.25, "1": 0.1, "community": 0.05}
"""Relative size of a hospital of each level when the data cannot tell (no sales yet at
that level): a 3A hospital counts 1, a level-3 one half of it, and so on. Only used for
the potential of hospitals without doctors' potential; measured levels replace it."""


def level_scores(sales: pd.DataFrame, hospitals: pd.DataFrame) -> dict[str, float]:
    """Relative size of each hospital level measured from the data, 3A (or the largest) = 1.

    The median units of the hospitals of a level over the last 12 months of sales,
    divided by the largest level's median; levels with no selling hospital keep
    :data:`LEVEL_PRIOR`, scaled to the measured ones through the levels both know.

    Examples
    --------
    >>> sales = pd.DataFrame({"hospital_id": ["a", "b", "c"], "units": [100.0, 80.0, 20.0],
    ...                       "month": pd.PeriodIndex(["2026-01"] * 3, freq="M")})
    >>> hospitals = pd.DataFrame({"hospital_id": ["a", "b", "c", "d"],
    ...                           "level": ["3A", "3A", "2", "1"]})
    >>> s = level_scores(sales, hospitals)
    >>> s["3A"], round(s["2"], 3), round(s["1"], 3)  # level 1 sold nothing: prior, rescaled
    (1.0, 0.222, 0.094)
    """
    if not len(sales) or "level" not in hospitals:
        return dict(LEVEL_PRIOR)
    last = sales["month"].max()
    recent = sales[sales["month"] > last - 12]
    per_hospital = recent.groupby("hospital_id")["units"].sum()
    level = hospitals.drop_duplicates("hospital_id").set_index("hospital_id")["level"].astype(str)
    joined = pd.DataFrame({"units": per_hospital, "level": level.reindex(per_hospital.index)})
    medians = joined[joined["units"] > 0].groupby("level")["units"].median()
    if medians.empty or medians.max() <= 0:
        return dict(LEVEL_PRIOR)
    measured = (medians / medians.max()).to_dict()
    shared = [k for k in measured if k in LEVEL_PRIOR]
    ratio = float(np.mean([measured[k] / LEVEL_PRIOR[k] for k in shared])) if shared else 1.0
    out = {k: v * ratio for k, v in LEVEL_PRIOR.items()}
    out.update({str(k): float(v) for k, v in measured.items()})
    return out


# ----------------------------------------------------------------------------- allocate


def _as_weights(weights: Any) -> pd.Series:
    if isinstance(weights, pd.Series):
        s = weights
    elif isinstance(weights, Mapping):
        s = pd.Series(dict(weights), dtype="float64")
    elif isinstance(weights, pd.DataFrame):
        raise TypeError(say("arg.weights_frame"))
    else:
        s = pd.Series(list(np.ravel(np.asarray(weights, dtype=object))))
    try:
        values = pd.to_numeric(s, errors="raise").astype("float64")
    except (TypeError, ValueError) as err:
        raise ValueError(say("arg.weights_numbers")) from err
    return pd.Series(values.to_numpy(), index=s.index, name=s.name)


def _as_total(total: Any) -> int:
    if isinstance(total, bool) or not isinstance(total, int | float | np.integer | np.floating):
        raise ValueError(say("arg.total_whole", value=total))
    if not np.isfinite(total) or float(total) != int(total):
        raise ValueError(say("arg.total_whole", value=total))
    if total < 0:
        raise ValueError(say("arg.total_negative", value=total))
    return int(total)


def _bound(value: Any, index: pd.Index, name: str, default: float) -> np.ndarray:
    n = len(index)
    if value is None:
        return np.full(n, default)
    if isinstance(value, pd.Series):
        arr = value.reindex(index).astype("float64").to_numpy()
    elif isinstance(value, Mapping):
        arr = pd.Series(dict(value), dtype="float64").reindex(index).to_numpy()
    elif np.ndim(value) == 0:
        arr = np.full(n, float(value))
    else:
        arr = np.asarray(value, dtype="float64").ravel()
        if len(arr) != n:
            raise ValueError(say("arg.lengths", name=name, n=len(arr), weights=n))
    return np.where(np.isnan(arr), default, arr)


def _solve(total: float, w: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Real x = clip(lam * w, lo, hi) with sum(x) == total (w > 0, sum lo <= total <= sum hi).

    Binary search over the breakpoints where a share reaches its minimum or cap, then
    an exact solve inside that segment (no cumulative sums, so no cancellation).
    """
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        lam0 = total / w.sum()
        x = lam0 * w
        if np.isfinite(lam0) and np.all(x >= lo) and np.all(x <= hi):
            return x
        bps = np.concatenate([lo / w, hi / w])
        bps = np.unique(bps[np.isfinite(bps)])

        def level(lam: float) -> float:
            return float(np.clip(lam * w, lo, hi).sum())

        a, b = 0, len(bps)  # first breakpoint whose level reaches total
        while a < b:
            m = (a + b) // 2
            if level(bps[m]) >= total:
                b = m
            else:
                a = m + 1
        left = bps[a - 1] if a > 0 else 0.0
        right = bps[a] if a < len(bps) else np.inf
        if right == 0.0:
            return lo.astype("float64").copy()
        mid = (left + right) / 2 if np.isfinite(right) else left * 2 + 1.0
        at_lo = mid * w <= lo
        at_hi = mid * w >= hi
        free = ~(at_lo | at_hi)
        fixed = lo[at_lo].sum() + hi[at_hi].sum()
        weight = w[free].sum()
        lam = (total - fixed) / weight if weight > 0 else left
        return np.clip(lam * w, lo, hi)


def _fill(total: float, w: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Real-valued proportional fill with bounds; zero weights absorb only an overflow."""
    if not (w > 0).any():
        w = np.ones_like(w)
    pos = w > 0
    x = lo.astype("float64").copy()
    room = hi[pos].sum() + lo[~pos].sum()
    if total > room:
        x[pos] = hi[pos]
        x[~pos] = _fill(total - hi[pos].sum(), np.ones((~pos).sum()), lo[~pos], hi[~pos])
        return x
    x[pos] = _solve(total - lo[~pos].sum(), w[pos], lo[pos], hi[pos])
    return x


def _round_groups(
    x: np.ndarray,
    group: np.ndarray,
    totals: np.ndarray,
    w: np.ndarray,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
) -> np.ndarray:
    """Integers close to ``x`` that add up to ``totals`` per group (largest remainder).

    Ties: larger remainder, then larger weight, then earlier row.
    """
    n = len(x)
    lo = np.zeros(n) if lo is None else lo
    hi = np.full(n, np.inf) if hi is None else hi
    f = np.floor(x + _EPS)
    f = np.clip(f, lo, hi)
    frac = np.clip(x - f, 0.0, None)
    out = f.astype("int64")
    short = totals - np.bincount(group, weights=f, minlength=len(totals)).round().astype("int64")
    order_idx = np.arange(n)
    for _ in range(n + 1):
        if not (short != 0).any():
            break
        need = short[group]
        up = (need > 0) & (out < hi)
        down = (need < 0) & (out > lo)
        key = np.where(up, -np.round(frac, 9), np.where(down, np.round(frac, 9), np.inf))
        wkey = np.where(up, -w, w)
        order = np.lexsort((order_idx, wkey, key, group))
        g_sorted = group[order]
        starts = np.r_[0, np.flatnonzero(np.diff(g_sorted)) + 1]
        first = np.repeat(starts, np.diff(np.r_[starts, n]))
        rank = np.empty(n, dtype="int64")
        rank[order] = np.arange(n) - first
        eligible = up | down
        take = eligible & (rank < np.abs(need))
        out = out + np.where(take, np.sign(need), 0)
        frac = np.where(take, 0.0, frac)
        short = totals - np.bincount(group, weights=out, minlength=len(totals)).round().astype(
            "int64"
        )
    if (short != 0).any():  # pragma: no cover - guarded by the feasibility checks
        raise ValueError(say("arg.allocate_failed"))
    return out


def allocate(total: int, weights: Any, *, minimum: Any = 0, cap: Any = None) -> pd.Series:
    """Split a whole number into integers proportional to weights that add up exactly.

    Largest-remainder (Hamilton) method: every share is first rounded down, the units
    left over go to the largest remainders. Each share stays within ``minimum`` and
    ``cap``; what a capped share cannot take is spread over the others in proportion.

    Parameters
    ----------
    total
        The whole number to split (units, boxes); not negative.
    weights
        One weight per share: a Series (its index is kept), a dict or a list. Weights
        must not be negative or NaN. If all are zero the total is split equally.
    minimum
        Least each share gets: a number for all, or one per share (Series/dict aligned
        on the index, or a list). Default 0.
    cap
        Most each share may get, same forms as ``minimum``; None or NaN means no cap.
        Zero-weight shares only receive what the capped ones cannot hold.

    Returns
    -------
    Series
        Integers (``int64``) with the index of ``weights``, summing to ``total``. Each
        share is within one unit of its exact proportional value. Ties go to the larger
        remainder, then the larger weight, then the earlier share.

    Raises
    ------
    ValueError
        Negative or NaN weights, a total that is not a non-negative whole number,
        minimums that add up to more than the total, caps that add up to less, or a
        minimum above its cap.

    Examples
    --------
    >>> rk.plan.allocate(10, [1, 1, 1]).tolist()
    [4, 3, 3]
    >>> rk.plan.allocate(100, {"空军医院": 5, "二院": 3, "社区": 2}).to_dict()
    {'空军医院': 50, '二院': 30, '社区': 20}
    >>> rk.plan.allocate(100, [8, 1, 1], cap=60).tolist()   # the excess is redistributed
    [60, 20, 20]
    >>> rk.plan.allocate(10, [1, 0, 0], minimum=2).tolist()
    [6, 2, 2]

    Notes
    -----
    In Excel you would compute ``=ROUND(total*w/SUM(w),0)`` per row and then fix the
    last row by hand so the column adds up; this does the fixing by rule.
    """
    n_total = _as_total(total)
    w = _as_weights(weights)
    values = w.to_numpy()
    if np.isnan(values).any():
        bad = list(w.index[np.isnan(values)][:5])
        raise ValueError(say("arg.weights_nan", where=bad))
    if (values < 0).any():
        bad = list(w.index[values < 0][:5])
        raise ValueError(say("arg.weights_negative", where=bad))
    n = len(values)
    if n == 0:
        if n_total:
            raise ValueError(say("arg.no_shares", total=n_total))
        return pd.Series([], index=w.index, name=w.name, dtype="int64")
    lo = np.ceil(_bound(minimum, w.index, "minimum", 0.0) - _EPS)
    hi = np.floor(_bound(cap, w.index, "cap", np.inf) + _EPS)
    if (lo < 0).any():
        raise ValueError(say("arg.minimum_negative"))
    if (lo > hi).any():
        bad = list(w.index[lo > hi][:5])
        raise ValueError(say("arg.minimum_above_cap", where=bad))
    if lo.sum() > n_total:
        raise ValueError(say("arg.minimums_above_total", sum=int(lo.sum()), total=n_total))
    if hi.sum() < n_total:
        raise ValueError(say("arg.caps_below_total", sum=int(hi.sum()), total=n_total))
    top = values.max()
    values = values / top if top > 0 else values  # scale: subnormal weights stay finite
    x = _fill(float(n_total), values, lo, hi)
    wts = values if (values > 0).any() else np.ones(n)
    out = _round_groups(x, np.zeros(n, dtype="int64"), np.array([n_total]), wts, lo, hi)
    return pd.Series(out, index=w.index, name=w.name, dtype="int64")


def split(parent: pd.DataFrame, child: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Split integer ``parent['units']`` over ``child`` rows by ``child['weight']``.

    Every parent row must have at least one child row with the same ``keys``. Groups
    whose weights are all zero are split equally. Returns ``child`` with ``units``
    (int64) and ``share`` (exact fraction of the parent) columns; no bounds.
    """
    keys = list(keys)
    merged = child.merge(parent[[*keys, "units"]], on=keys, how="inner", validate="many_to_one")
    if len(merged.drop_duplicates(keys)) != len(parent):
        have = merged[keys].drop_duplicates()
        lost = parent.merge(have, on=keys, how="left", indicator=True)
        lost = lost[lost["_merge"] == "left_only"]
        raise ValueError(say("arg.no_rows_to_split", keys=lost[keys].head(3).to_dict("records")))
    merged = merged.reset_index(drop=True)
    group = merged.groupby(keys, sort=False).ngroup().to_numpy()
    w = np.clip(merged["weight"].to_numpy(dtype="float64"), 0.0, None)
    w = np.where(np.isnan(w), 0.0, w)
    wsum = np.bincount(group, weights=w)
    zero = wsum[group] <= 0
    w = np.where(zero, 1.0, w)
    wsum = np.bincount(group, weights=w)
    totals = merged.groupby(keys, sort=False)["units"].first().to_numpy(dtype="int64")
    share = w / wsum[group]
    x = totals[group] * share
    merged["units"] = _round_groups(x, group, totals, w)
    merged["share"] = share
    return merged


# ------------------------------------------------------------------------------ weights


def _monthly(sales: pd.DataFrame, months: pd.PeriodIndex, by: list[str]) -> pd.DataFrame:
    part = sales[sales["month"].isin(months)]
    return part.groupby([*by, "month"], observed=True)["units"].sum().reset_index()


def seasonality(sales: pd.DataFrame, *, as_of: pd.Period, lookback: int = 36) -> pd.DataFrame:
    """Seasonal index per working day for each product (rows) and calendar month 1–12.

    Units per working day divided by their centred 12-month moving average, averaged
    per calendar month and scaled to mean 1. A product with less than 24 months of
    sales borrows the index of all products together; without 24 months at all the
    index is flat (1.0), so months are weighted by working days alone.
    """
    months = pd.period_range(as_of - (lookback - 1), as_of, freq="M")
    wd = month_working_days(months).to_numpy(dtype="float64")
    table = (
        _monthly(sales, months, ["product"])
        .pivot_table(index="product", columns="month", values="units", aggfunc="sum")
        .reindex(columns=months, fill_value=0.0)
        .fillna(0.0)
    )
    kernel = np.r_[0.5, np.ones(11), 0.5] / 12.0
    cal = np.asarray(months.month)

    def index_of(y: np.ndarray) -> np.ndarray | None:
        live = np.flatnonzero(y > 0)
        if live.size == 0:
            return None
        y = y[live[0] :]
        if len(y) < 24:
            return None
        rate = y / wd[-len(y) :]
        trend = np.convolve(rate, kernel, mode="valid")  # centred at positions 6..n-7
        ratio = rate[6 : 6 + len(trend)] / np.where(trend > 0, trend, np.nan)
        months_of = cal[-len(y) :][6 : 6 + len(trend)]
        idx = pd.Series(ratio).groupby(months_of).mean().reindex(range(1, 13))
        if idx.isna().any():
            return None
        out = idx.to_numpy() / idx.mean()
        return np.clip(out, 0.5, 2.0)

    overall = index_of(table.sum(axis=0).to_numpy()) if len(table) else None
    fallback = overall if overall is not None else np.ones(12)
    rows = {}
    for product, values in table.iterrows():
        own = index_of(values.to_numpy(dtype="float64"))
        rows[product] = own if own is not None else fallback
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(range(1, 13)))
    out.index.name = "product"
    out.attrs["fallback"] = fallback
    return out


def month_weights(products: Sequence[str], half: Half, season: pd.DataFrame) -> pd.DataFrame:
    """Weights of the months of a half for each product: working days × seasonal index."""
    months = half.months
    wd = month_working_days(months).to_numpy(dtype="float64")
    fallback = season.attrs.get("fallback", np.ones(12))
    rows = []
    for p in products:
        idx = season.loc[p].to_numpy() if p in season.index else fallback
        for m, d in zip(months, wd, strict=True):
            rows.append({"product": p, "month": m, "weight": d * float(idx[m.month - 1])})
    out = pd.DataFrame(rows)
    out["month"] = out["month"].astype("period[M]")
    return out


def _potential(
    ds: Dataset, products: Sequence[str], departments: Mapping[str, set[str]]
) -> pd.DataFrame:
    """Potential of each hospital for each product (doctors' potential in its departments)."""
    hosp = ds.hospitals
    rows = []
    doctors = ds.doctors
    has_doctors = len(doctors) and "potential" in doctors and doctors["potential"].notna().any()
    if has_doctors:
        pot = doctors.assign(potential=pd.to_numeric(doctors["potential"], errors="coerce"))
        by_dept = pot.groupby(["hospital_id", "department"])["potential"].sum().to_dict()
        by_hosp = pot.groupby("hospital_id")["potential"].sum().to_dict()
    scores = level_scores(ds.sales, hosp)
    for h in hosp.itertuples(index=False):
        level_score = scores.get(str(getattr(h, "level", "2")), LEVEL_PRIOR["2"])
        beds = getattr(h, "beds", np.nan)
        beds = 1000.0 if beds is None or pd.isna(beds) or beds <= 0 else float(beds)
        base = level_score * (beds / 1000.0) ** 0.3
        for p in products:
            if has_doctors:
                depts = departments.get(p, set())
                value = sum(by_dept.get((h.hospital_id, d), 0.0) for d in depts)
                if value <= 0:
                    value = 0.1 * float(by_hosp.get(h.hospital_id, 0.0))
            else:
                value = base
            rows.append({"hospital_id": h.hospital_id, "product": p, "potential": value})
    return pd.DataFrame(rows, columns=["hospital_id", "product", "potential"])


def hospital_weights(
    ds: Dataset,
    products: Sequence[str],
    *,
    as_of: pd.Period,
    potential_weight: float = 0.2,
) -> pd.DataFrame:
    """Weight of each hospital in each product's target, with its best month.

    History (units in the six months up to ``as_of``) blended with potential (doctors'
    potential in the product's departments, else hospital level and beds):
    ``(1 - potential_weight) × history share + potential_weight × potential share``.
    Only hospitals that sold the product in the last 12 months take part; a product no
    hospital sold is spread over all hospitals by potential.
    """
    sales = ds.sales
    last12 = pd.period_range(as_of - 11, as_of, freq="M")
    last6 = last12[-6:]
    recent = sales[sales["month"].isin(last12)]
    by_hm = recent.groupby(["product", "hospital_id", "month"])["units"].sum()
    best = by_hm.groupby(level=[0, 1]).max().clip(lower=0).rename("best_month")
    carried = best[best > 0]
    hist = (
        sales[sales["month"].isin(last6)]
        .groupby(["product", "hospital_id"])["units"]
        .sum()
        .clip(lower=0)
        .rename("history")
    )
    departments: dict[Any, set[str]] = {p: set() for p in sales["product"].dropna().unique()}
    seen = sales[["product", "department"]].dropna().drop_duplicates()
    for p, d in zip(seen["product"], seen["department"].astype(str), strict=True):
        departments[p].add(d)
    pot = _potential(ds, products, departments).set_index(["product", "hospital_id"])["potential"]
    hospital_ids = list(ds.hospitals["hospital_id"])
    extra = sorted(set(sales["hospital_id"]) - set(hospital_ids))
    frames = []
    for p in products:
        ids = list(carried.loc[p].index) if p in carried.index.get_level_values(0) else []
        if not ids:
            ids = hospital_ids + extra
        frame = pd.DataFrame({"product": p, "hospital_id": ids})
        key = pd.MultiIndex.from_arrays([frame["product"], frame["hospital_id"]])
        h = hist.reindex(key).fillna(0.0).to_numpy()
        q = pot.reindex(key).astype("float64").fillna(0.0).to_numpy()
        hs = h / h.sum() if h.sum() > 0 else None
        qs = q / q.sum() if q.sum() > 0 else None
        weight: Any
        if hs is None and qs is None:
            weight = np.ones(len(ids)) / len(ids)
        elif hs is None:
            weight = qs
        elif qs is None:
            weight = hs
        else:
            weight = (1 - potential_weight) * hs + potential_weight * qs
        frame["history"] = h
        frame["potential"] = q
        frame["weight"] = weight
        frame["best_month"] = best.reindex(key).fillna(0.0).to_numpy()
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def department_weights(ds: Dataset, cells: pd.DataFrame, *, as_of: pd.Period) -> pd.DataFrame:
    """Departments of each (product, hospital_id) cell, weighted by last-12-month units."""
    sales = ds.sales
    last12 = pd.period_range(as_of - 11, as_of, freq="M")
    recent = sales[sales["month"].isin(last12) & sales["department"].notna()]
    hist = (
        recent.assign(department=recent["department"].astype(str))
        .groupby(["product", "hospital_id", "department"])["units"]
        .sum()
        .clip(lower=0)
        .rename("weight")
        .reset_index()
    )
    main = (
        sales.dropna(subset=["department"])
        .groupby(["product", "department"])["units"]
        .sum()
        .reset_index()
        .sort_values(["product", "units", "department"], ascending=[True, False, True])
        .drop_duplicates("product")
        .set_index("product")["department"]
    )
    hosp_depts = {}
    if "departments" in ds.hospitals:
        for h, d in zip(ds.hospitals["hospital_id"], ds.hospitals["departments"], strict=True):
            hosp_depts[h] = list(d) if isinstance(d, list | tuple) else []
    cells = cells[["product", "hospital_id"]].drop_duplicates()
    out = cells.merge(hist, on=["product", "hospital_id"], how="left")
    missing = out["department"].isna()
    if missing.any():
        fills = []
        for p, h in zip(out.loc[missing, "product"], out.loc[missing, "hospital_id"], strict=True):
            depts = hosp_depts.get(h, [])
            d = main.get(p)
            fills.append(
                d if d is not None and (d in depts or not depts) else (depts or ["未指定"])[0]
            )
        out.loc[missing, "department"] = fills
        out.loc[missing, "weight"] = 1.0
    return out


def _listify(value: Any) -> list[str] | None:
    if isinstance(value, list | tuple | set | np.ndarray):
        items = [str(v) for v in value]
        return items or None
    return None


def rep_weights(ds: Dataset, cells: pd.DataFrame, *, as_of: pd.Period) -> pd.DataFrame:
    """Sales owners of each (product, hospital_id) cell: sales staff only, never doctors.

    Candidates are reps with role ``sales_staff`` whose product and hospital lists cover
    the cell (an empty list covers everything). Several owners split by their units in
    the last 12 months (equally without history). A cell without an owner keeps its
    target at department level (``rep_id`` = "").
    """
    reps = ds.reps
    staff = reps[reps["role"].astype(str) == "sales_staff"] if "role" in reps else reps.iloc[:0]
    owners: list[tuple[str, list[str] | None, list[str] | None]] = [
        (
            str(r.rep_id),
            _listify(getattr(r, "products", None)),
            _listify(getattr(r, "hospitals", None)),
        )
        for r in staff.itertuples(index=False)
    ]
    sales = ds.sales
    last12 = pd.period_range(as_of - 11, as_of, freq="M")
    hist = (
        sales[sales["month"].isin(last12)]
        .groupby(["product", "hospital_id", "rep_id"])["units"]
        .sum()
        .clip(lower=0)
    )
    rows = []
    for p, h in cells[["product", "hospital_id"]].drop_duplicates().itertuples(index=False):
        mine = [
            rid
            for rid, prods, hosps in owners
            if (prods is None or p in prods) and (hosps is None or h in hosps)
        ]
        if not mine:
            rows.append((p, h, UNASSIGNED, 1.0))
            continue
        for rid in mine:
            rows.append((p, h, rid, float(hist.get((p, h, rid), 0.0))))
    return pd.DataFrame(rows, columns=["product", "hospital_id", "rep_id", "weight"])


# ------------------------------------------------------------------------------- splits


def decompose(
    totals: pd.Series,
    ds: Dataset,
    half: Half,
    *,
    as_of: pd.Period,
    month_weight: pd.DataFrame | None = None,
    cap: float | None = None,
    potential_weight: float = 0.2,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Product half-year totals → month × product × hospital × department × rep integers.

    Returns the long table and the hospital-level table (with the exact share each
    hospital received, used by the waterfall).
    """
    totals = totals[totals.index.notna()]
    products = list(totals.index)
    parent = pd.DataFrame({"product": products, "units": totals.to_numpy(dtype="int64")})
    hw = hospital_weights(ds, products, as_of=as_of, potential_weight=potential_weight)
    parts = []
    for p, group in hw.groupby("product", sort=False):
        caps = None
        if cap is not None:
            best = group["best_month"].to_numpy()
            caps = np.where(best > 0, np.floor(cap * best * len(half.months)), np.nan)
        n = int(parent.loc[parent["product"] == p, "units"].iloc[0])
        try:
            units = allocate(n, group["weight"].reset_index(drop=True), cap=caps)
        except ValueError as err:
            raise ValueError(say("arg.cap_too_low", product=p, n=n, cap=cap, error=err)) from err
        hi = np.full(len(group), np.inf) if caps is None else np.where(np.isnan(caps), np.inf, caps)
        exact = _fill(float(n), group["weight"].to_numpy(), np.zeros(len(group)), hi)
        part = group.copy()
        part["units"] = units.to_numpy()
        part["share"] = exact / n if n else group["weight"].to_numpy() / group["weight"].sum()
        parts.append(part)
    hosp = pd.concat(parts, ignore_index=True)
    if month_weight is None:
        season = seasonality(ds.sales, as_of=as_of)
        month_weight = month_weights(products, half, season)
    mw = month_weight.copy()
    mw["quarter"] = mw["month"].dt.asfreq("Q-DEC")
    qw = mw.groupby(["product", "quarter"], sort=False)["weight"].sum().reset_index()
    cells = hosp[["product", "hospital_id", "units"]]
    keys = ["product", "hospital_id"]
    child = cells[keys].merge(qw, on="product")
    by_q = split(cells, child, keys)[[*keys, "quarter", "units"]]
    child = by_q[[*keys, "quarter"]].merge(mw, on=["product", "quarter"])
    by_m = split(by_q, child, [*keys, "quarter"])
    by_m = by_m[["product", "hospital_id", "quarter", "month", "units"]]
    return by_m, hosp


def split_owners(monthly: pd.DataFrame, ds: Dataset, *, as_of: pd.Period) -> pd.DataFrame:
    """Month × product × hospital targets → departments → sales owners."""
    dw = department_weights(ds, monthly, as_of=as_of)
    keys = ["product", "hospital_id", "quarter", "month"]
    child = monthly[keys].merge(dw, on=["product", "hospital_id"])
    by_d = split(monthly, child, keys)[[*keys, "department", "units"]]
    rw = rep_weights(ds, by_d, as_of=as_of)
    keys = [*keys, "department"]
    child = by_d[keys].merge(rw, on=["product", "hospital_id"])
    by_r = split(by_d, child, keys)
    cols = ["month", "quarter", "product", "hospital_id", "department", "rep_id", "units"]
    return by_r[cols]


def split_weeks(targets: pd.DataFrame) -> pd.DataFrame:
    """Monthly targets → ISO weeks by working days (a week across two months is split).

    Parameters
    ----------
    targets
        Long table with ``month`` (Period[M]) and ``units`` plus any key columns.

    Returns
    -------
    DataFrame
        One row per target row and week of its month: the key columns, ``week``
        (Period[W-SUN]) and integer ``units`` adding up to the month's units.

    Examples
    --------
    >>> t = pd.DataFrame({"month": pd.PeriodIndex(["2026-10"], freq="M"), "units": [100]})
    >>> rk.plan.split_weeks(t)["units"].tolist()   # National Day week gets nothing
    [0, 16, 28, 28, 28]
    """
    if targets.empty:
        return targets.assign(week=pd.Series(dtype="period[W-SUN]"))
    from repkit.plan._daily import week_weights

    # working days weighted by day (Spring Festival window lighter; see plan/_daily.py)
    weeks = week_weights(targets["month"].unique())[["month", "week", "weight"]]
    keys = [c for c in targets.columns if c not in ("units", "amount")]
    parent = targets[[*keys, "units"]].reset_index(drop=True)
    parent["_row"] = np.arange(len(parent))
    child = parent[["_row", "month"]].merge(weeks, on="month")
    out = split(parent[["_row", "units"]], child[["_row", "week", "weight"]], ["_row"])
    out = out.merge(parent.drop(columns="units"), on="_row")
    cols = [*keys, "week", "units"]
    return out.sort_values(["_row", "week"], kind="stable")[cols].reset_index(drop=True)
