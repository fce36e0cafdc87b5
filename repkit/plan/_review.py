"""Review of an elapsed half-year, prices, collections and channel stock.

Private; the public names live in :mod:`repkit.plan`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.calendar import Half
from repkit.io._quotas import half_quotas, quota_units
from repkit.messages import join, say
from repkit.plan._decompose import UNASSIGNED, decompose, split_owners
from repkit.plan._quota_targets import group_source, level_targets
from repkit.plan._scenario import round_half_up

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset

REVIEW_LEVELS: dict[str, list[str]] = {
    "region": [],
    "product": ["product"],
    "hospital": ["hospital_id"],
    "department": ["hospital_id", "department"],
    "rep": ["rep_id"],
}
"""Levels :func:`review` reports on and their key columns."""
QUOTA_REVIEW_LEVELS = ("hospital", "department", "rep")
"""Levels with quotas of their own (targets rows with 医院编码, 科室, 代表编码)."""

TARGET_COLUMNS = [
    "month",
    "quarter",
    "product",
    "hospital_id",
    "department",
    "rep_id",
    "units",
    "price",
    "amount",
]


def prices(ds: Dataset, *, as_of: pd.Period | None = None) -> pd.DataFrame:
    """Price structure per product: supply, retail and realised average price.

    The realised price is sales amount over units in the six months up to ``as_of``
    (all data if None). ``price`` is the price targets are valued at: the supply price,
    or the realised price where no supply price is given.

    Returns
    -------
    DataFrame
        Indexed by product: category, unit, price_supply, price_retail,
        price_realised, retail_markup_rate (retail / supply - 1), price.
    """
    products = ds.products.drop_duplicates("product").set_index("product")
    sales = ds.sales
    if as_of is not None:
        sales = sales[(sales["month"] <= as_of) & (sales["month"] > as_of - 6)]
    realised = pd.Series(dtype="float64")
    if "amount" in sales and len(sales):
        g = sales.groupby("product")[["units", "amount"]].sum()
        g = g[g["units"] > 0]
        realised = (g["amount"] / g["units"]).round(2)
    names = list(dict.fromkeys([*products.index, *realised.index]))
    out = pd.DataFrame(index=pd.Index(names, name="product"))
    for col in ("category", "unit"):
        out[col] = products[col].reindex(names) if col in products else None
    for col in ("price_supply", "price_retail"):
        values = products[col] if col in products else pd.Series(dtype="float64")
        out[col] = pd.to_numeric(values, errors="coerce").reindex(names)
    out["price_realised"] = realised.reindex(names)
    supply = out["price_supply"]
    out["retail_markup_rate"] = out["price_retail"] / supply.where(supply > 0) - 1
    out["price"] = supply.where(supply > 0, out["price_realised"])
    return out


def complete_sales(ds: Dataset) -> Any:
    """The Dataset with the optional sales columns filled in and table attrs dropped.

    ``amount`` = units × price where missing, ``rep_id`` "" and ``department``
    "未指定" where absent, ``hospital`` = hospital_id when no name is given.
    """
    from dataclasses import fields, replace

    # pandas deep-copies attrs on every operation, and reader metadata such as
    # attrs["dropped"] (one record per row left out) means nothing to the plan's
    # tables: the plan works on shallow copies without attrs
    bare = {}
    for f in fields(ds):
        table = getattr(ds, f.name)
        if isinstance(table, pd.DataFrame) and table.attrs:
            table = table.copy(deep=False)
            table.attrs = {}
            bare[f.name] = table
    if bare:
        ds = replace(ds, **bare)
    sales = ds.sales
    need = {"amount", "rep_id", "department", "hospital"} - set(sales.columns)
    amount_gaps = "amount" in sales and sales["amount"].isna().any()
    if not need and not amount_gaps:
        return ds
    sales = sales.copy()
    if "rep_id" not in sales:
        sales["rep_id"] = ""
    if "department" not in sales:
        sales["department"] = "未指定"
    if "hospital" not in sales:
        sales["hospital"] = sales["hospital_id"]
    if "amount" not in sales or amount_gaps:
        price = prices(replace(ds, sales=sales.drop(columns="amount", errors="ignore")))["price"]
        value = (sales["units"] * sales["product"].map(price)).round(2)
        sales["amount"] = sales["amount"].fillna(value) if "amount" in sales else value
    return replace(ds, sales=sales)


def company_targets(ds: Dataset, half: Half, price: pd.Series) -> pd.Series:
    """Company units per product for a half (units, or amount ÷ price when only money).

    The region quotas of the half (months and quarters summed). A product without a
    region quota but with lower quotas is reconciled from them: the larger of its
    hospital (and department) quotas' sum and its sales-staff quotas' sum; those
    products are listed in ``attrs["reconciled"]``.
    """
    q = half_quotas(ds.targets, half)
    if q.empty:
        return pd.Series(dtype="float64")
    q = q.assign(units=quota_units(q, price))
    region = q[q["level"] == "region"].groupby("product", sort=False)["units"].sum(min_count=1)
    lower = q[~q["product"].isin(region.index) & q["units"].notna()]
    # a hospital with a quota of its own stands for its departments
    quota_hosp = set(lower.loc[lower["level"] == "hospital", "hospital_id"])
    tree = lower[
        (lower["level"] == "hospital")
        | ((lower["level"] == "department") & ~lower["hospital_id"].isin(quota_hosp))
    ]
    reps = lower[lower["level"] == "rep"]
    derived = pd.concat(
        [tree.groupby("product")["units"].sum(), reps.groupby("product")["units"].sum()], axis=1
    ).max(axis=1)
    out = pd.concat([region.dropna(), derived.dropna()]).astype("float64")
    out.index = out.index.astype(str)
    out.attrs["reconciled"] = sorted(derived.dropna().index.astype(str))
    return out


def attach_amount(targets: pd.DataFrame, price: pd.Series) -> pd.DataFrame:
    """Add ``price`` (unless present) and ``amount`` = units × price, to the cent."""
    out = targets.copy()
    if "price" not in out:
        out["price"] = out["product"].map(price).astype("float64")
    missing = sorted(out.loc[out["price"].isna(), "product"].unique())
    if missing:
        raise ValueError(
            f"no price for {missing}: add price_supply to the products table "
            "(or sales amounts to derive one)"
        )
    out["amount"] = (out["units"] * out["price"]).round(2)
    return out


def review_targets(
    ds: Dataset, half: Half, price: pd.Series, *, totals: pd.Series | None = None
) -> pd.DataFrame:
    """The company's targets of a half decomposed as repkit would have at its start.

    ``totals``: :func:`company_targets` of the half when the caller has them already.
    """
    if totals is None:
        totals = company_targets(ds, half, price)
    if totals.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in TARGET_COLUMNS})
    units = pd.Series(round_half_up(totals.to_numpy()), index=totals.index)
    as_of = half.start - 1
    monthly, _ = decompose(units, ds, half, as_of=as_of)
    long = split_owners(monthly, ds, as_of=as_of)
    return attach_amount(long, price)


def _staff_ids(ds: Dataset) -> set[str]:
    reps = ds.reps
    if "role" not in reps:
        return set()
    return set(reps.loc[reps["role"].astype(str) == "sales_staff", "rep_id"].astype(str))


def review(
    ds: Dataset,
    half: str | Half,
    *,
    by: str = "product",
    targets: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Actual against target of a half-year: completion, run rate, gap, growth, ranking.

    Parameters
    ----------
    ds
        Dataset of one region (``Dataset.for_region``).
    half
        The half-year reviewed, e.g. ``"2026H1"``.
    by
        ``"region"``, ``"product"``, ``"hospital"``, ``"department"`` (within hospital)
        or ``"rep"`` (sales staff; sales of reps without a sales role count as
        unassigned, since registered medical representatives carry no sales targets).
    targets
        Targets of the half at month × product × hospital × department × rep level
        (e.g. ``Plan.targets`` of the plan made for it). Default: the company's
        targets of the half: for hospitals, departments and sales staff the quotas
        they were given where the targets table holds them (column ``target_source``
        = ``actual``); elsewhere the region targets decomposed as
        :func:`repkit.plan.build` would have with the data before the half
        (``imputed``), scaled to what the real quotas leave of the region target.

    Returns
    -------
    DataFrame
        The key columns (with hospital name, level, rep name where they apply),
        target_units, actual_units, gap_units, target_amount, actual_amount,
        gap_amount, completion_rate (actual ÷ target amount), run_rate_amount (pace to
        the end of the half), last_year_amount, growth_rate (against the same half last
        year) and gap_rank (1 = biggest money gap). Rates are NaN where the base is 0.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> r = rk.plan.review(ds, "2026H1", by="region")
    >>> round(float(r["completion_rate"].iloc[0]), 2)
    0.56
    """
    h = Half.parse(half)
    if by not in REVIEW_LEVELS:
        raise ValueError(say("arg.review_by", valid=join(REVIEW_LEVELS), value=by))
    keys = REVIEW_LEVELS[by]
    ds = complete_sales(ds)
    if targets is None:
        price = prices(ds, as_of=h.end)["price"]
        targets = review_targets(ds, h, price)
        if by in QUOTA_REVIEW_LEVELS and len(targets):
            return against_quotas(ds, h, by, targets, price)
    sales = ds.sales
    staff = _staff_ids(ds)

    def prepare(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.assign(_all="")
        if by == "rep":
            rep = frame["rep_id"].fillna("").astype(str)
            frame = frame.assign(rep_id=rep.where(rep.isin(staff), UNASSIGNED))
        if by == "department":
            frame = frame.assign(department=frame["department"].fillna("未指定").astype(str))
        return frame

    group = keys or ["_all"]
    act = prepare(sales[sales["month"].isin(h.months)])
    actual = act.groupby(group)[["units", "amount"]].sum()
    ly = prepare(sales[sales["month"].isin(h.same_last_year.months)])
    last_year = ly.groupby(group)["amount"].sum().rename("last_year_amount")
    tg = prepare(targets[targets["month"].isin(h.months)]) if len(targets) else None
    if tg is not None and len(tg):
        target = tg.groupby(group)[["units", "amount"]].sum()
    else:
        target = actual[["units", "amount"]].iloc[:0].astype("float64")
    out = (
        target.add_prefix("target_")
        .join(actual.add_prefix("actual_"), how="outer")
        .join(last_year, how="left")
    )
    has_target = tg is not None and len(tg) > 0
    out = _rates(out, sales, h, has_target=has_target)
    out = _finish(out, ds, h, by, keys)
    return out


def quota_targets(
    ds: Dataset, half: Half, imputed: pd.DataFrame, price: pd.Series
) -> dict[str, pd.DataFrame]:
    """Hospital, department and rep targets of a half: real quotas, imputed elsewhere.

    ``imputed``: the region targets decomposed (:func:`review_targets`); see
    :func:`repkit.plan._quota_targets.level_targets`.
    """
    quotas = half_quotas(ds.targets, half)
    quotas = quotas.assign(units=quota_units(quotas, price))
    return level_targets(imputed, quotas, half)


def against_quotas(
    ds: Dataset,
    half: Half,
    by: str,
    imputed: pd.DataFrame,
    price: pd.Series,
    *,
    levels: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The review of a hospital, department or rep level against real quotas where given.

    ``imputed``: the region targets decomposed (:func:`review_targets`); ``levels``:
    :func:`quota_targets` of them when already computed (the plan reviews three levels).
    The result has the columns of :func:`review` and ``target_source`` before
    ``target_units``.
    """
    if levels is None:
        levels = quota_targets(ds, half, imputed, price)
    frame = levels[by]
    keys = REVIEW_LEVELS[by]
    r = review(ds, half, by=by, targets=frame)
    source = group_source(frame.groupby(keys)["target_source"])
    at = pd.MultiIndex.from_frame(r[keys]) if len(keys) > 1 else pd.Index(r[keys[0]])
    values = source.reindex(at).fillna("imputed").to_numpy()
    r.insert(list(r.columns).index("target_units"), "target_source", values)
    return r


def _rates(out: pd.DataFrame, sales: pd.DataFrame, h: Half, *, has_target: bool) -> pd.DataFrame:
    """Gaps, completion, run rate to the end of the half and growth on last year."""
    for col in ("target_units", "target_amount", "actual_units", "actual_amount"):
        if col.startswith("target") and not has_target:
            continue
        out[col] = out[col].fillna(0.0)
    out["gap_units"] = out["target_units"] - out["actual_units"]
    out["gap_amount"] = out["target_amount"] - out["actual_amount"]
    out["completion_rate"] = out["actual_amount"] / out["target_amount"].where(
        out["target_amount"] > 0
    )
    last_month = sales["month"].max() if len(sales) else h.start - 1
    elapsed = int(sum(m <= last_month for m in h.months))
    if elapsed:
        out["run_rate_amount"] = out["actual_amount"] / elapsed * len(h.months)
    else:
        out["run_rate_amount"] = np.nan
    out["last_year_amount"] = out["last_year_amount"].fillna(0.0)
    out["growth_rate"] = (
        out["actual_amount"] / out["last_year_amount"].where(out["last_year_amount"] > 0) - 1
    )
    return out


def _finish(out: pd.DataFrame, ds: Dataset, h: Half, by: str, keys: list[str]) -> pd.DataFrame:
    """Rank by money gap, add names, order the columns, integer units where whole."""
    out = out.reset_index()
    if not keys:
        out = out.drop(columns="_all")
        out.insert(0, "half", str(h))
    out = out.sort_values(
        ["gap_amount", *keys], ascending=[False, *[True] * len(keys)], kind="stable"
    )
    out["gap_rank"] = np.arange(1, len(out) + 1)
    out = _label(out, ds, by)
    cols = [
        "target_units",
        "actual_units",
        "gap_units",
        "target_amount",
        "actual_amount",
        "gap_amount",
        "completion_rate",
        "run_rate_amount",
        "last_year_amount",
        "growth_rate",
        "gap_rank",
    ]
    front = [c for c in out.columns if c not in cols]
    out = out[[*front, *cols]].reset_index(drop=True)
    for col in ("target_units", "actual_units", "gap_units"):
        if (out[col].dropna() % 1 == 0).all():
            out[col] = out[col].astype("Int64" if out[col].isna().any() else "int64")
    return out


def _mapped(keys: pd.Series, table: pd.Series | None) -> pd.Series:
    if table is None or table.empty:
        return pd.Series(None, index=keys.index, dtype=object)
    return keys.astype(object).map(table).astype(object)


def _label(frame: pd.DataFrame, ds: Dataset, by: str) -> pd.DataFrame:
    if by in ("hospital", "department"):
        hosp = ds.hospitals.set_index("hospital_id")
        names = _mapped(frame["hospital_id"], hosp.get("name"))
        if "hospital" in ds.sales:
            first = ds.sales.drop_duplicates("hospital_id").set_index("hospital_id")["hospital"]
            names = names.where(names.notna(), _mapped(frame["hospital_id"], first))
        frame.insert(1, "hospital", names)
        if "level" in hosp:
            frame.insert(2, "level", _mapped(frame["hospital_id"], hosp["level"]))
    if by == "rep":
        reps = ds.reps.set_index("rep_id")
        names = _mapped(frame["rep_id"], reps.get("name"))
        frame.insert(1, "rep", names.where(names.notna(), "未分配（科室）"))
    return frame


def money(ds: Dataset, half: str | Half, *, within_days: int = 60) -> pd.DataFrame:
    """Shipments, collections and channel stock per distributor and month of a half.

    ``due`` is what was shipped ``within_days`` earlier (interpolated between months):
    the money that should come in this month if distributors pay on time.
    ``collection_rate`` = collected ÷ due (seed 001: at least 90 % within 60 days;
    above 1 when old debts are recovered). Stock in months = stock ÷ average monthly
    hospital sales (amount) through that distributor over the last three months.

    Returns
    -------
    DataFrame
        month, distributor, shipped, collected, stock, due, collection_rate,
        stock_months.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> m = rk.plan.money(ds, "2026H1")
    >>> rate = m["collected"].sum() / m["due"].sum()
    >>> bool(0.8 < rate < 1.0)
    True
    """
    h = Half.parse(half)
    if within_days <= 0:
        raise ValueError(f"within_days must be positive, got {within_days}")
    ds = complete_sales(ds)
    col = ds.collections
    cols = [
        "month",
        "distributor",
        "shipped",
        "collected",
        "stock",
        "due",
        "collection_rate",
        "stock_months",
    ]
    if col.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
    sales = ds.sales
    frames = []
    lag = within_days / 30.44  # payment window in months
    whole, part = int(np.floor(lag)), lag - np.floor(lag)
    for dist, g in col.groupby("distributor", sort=True):
        g = g.groupby("month")[["shipped", "collected", "stock"]].sum()
        idx = pd.period_range(g.index.min(), g.index.max(), freq="M")
        g = g.reindex(idx, fill_value=0.0)
        ship = g["shipped"].to_numpy(dtype="float64")
        paid = g["collected"].to_numpy(dtype="float64")
        n = len(idx)
        due = np.full(n, np.nan)  # shipments whose payment falls due in the month
        for i in range(n):
            a, b = i - whole, i - whole - 1
            if b >= 0:
                due[i] = (1 - part) * ship[a] + part * ship[b]
        rate = paid / np.where(due > 0, due, np.nan)
        if "distributor" in sales and "amount" in sales:
            sell = (
                sales[sales["distributor"] == dist]
                .groupby("month")["amount"]
                .sum()
                .reindex(idx, fill_value=0.0)
            )
        else:
            sell = g["shipped"]
        avg = sell.rolling(3, min_periods=1).mean().to_numpy()
        frame = g.reset_index(names="month")
        frame.insert(1, "distributor", dist)
        frame["collection_rate"] = rate
        frame["due"] = due
        frame["stock_months"] = g["stock"].to_numpy() / np.where(avg > 0, avg, np.nan)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out = out[out["month"].isin(h.months)]
    return out[cols].sort_values(["month", "distributor"], kind="stable").reset_index(drop=True)
