"""In-half tracking: actuals against plan by month or week per product × hospital × staff.

Seed 000 tracks the half as it runs (D: 按照月工作进度执行和考核; G: 周工作上量品种销售
完成和历史差距分析). Actual sales are matched to the plan's cells (product × hospital ×
department) and shared by the cell's sales owners in proportion to their half-year
targets — the rule :func:`repkit.plan.replan` uses, so tracking and re-plan agree. Sales
in cells the plan has no target for stay visible as unassigned (代表编码 "") with a
target of 0. Sales arrive monthly: a week's actual is its month's spread over the weeks
by the weights that split the targets (:func:`repkit.plan.week_weights`), an estimate.

Private; the public names live in :mod:`repkit.plan`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from repkit.messages import join, say
from repkit.plan._daily import week_weights
from repkit.plan._decompose import UNASSIGNED, split
from repkit.plan._scenario import round_half_up

if TYPE_CHECKING:  # pragma: no cover
    from repkit.plan._build import Plan

CELL = ["product", "hospital_id", "department"]
TRACK_KEYS = ("product", "hospital_id", "department", "rep_id")
"""Columns :func:`track` can keep apart."""
FREQS = ("month", "week")


def _signed(parent: pd.DataFrame, child: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """:func:`split` of integer units that may be negative (returns keep their sign)."""
    sign = np.sign(parent["units"]).replace(0, 1).astype("int64")
    pos = parent.assign(units=parent["units"].abs().astype("int64"), _sign=sign)
    out = split(pos[[*keys, "units"]], child, keys)
    out = out.merge(pos[[*keys, "_sign"]], on=keys)
    out["units"] = out["units"] * out["_sign"]
    return out.drop(columns="_sign")


def owner_actuals(
    targets: pd.DataFrame, sales: pd.DataFrame, months: Sequence[pd.Period]
) -> pd.DataFrame:
    """Actual units and amount per month × plan cell × sales owner.

    Returns
    -------
    DataFrame
        month, product, hospital_id, department, rep_id, units (integers that add up to
        the cell's rounded actual), amount (to the cent; NaN when the sales have no
        amounts) and matched (False for sales in cells without a target; their rep_id
        is "").
    """
    cols = ["month", *CELL, "rep_id", "units", "amount", "matched"]
    owners = targets.groupby([*CELL, "rep_id"], sort=False)["units"].sum().rename("weight")
    owners = owners.reset_index()
    act = sales[sales["month"].isin(list(months))]
    if act.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols}).astype(
            {"units": "int64", "amount": "float64", "matched": "bool"}
        )
    dept = act["department"] if "department" in act else pd.Series("", index=act.index)
    act = act.assign(department=dept.fillna("").astype(str))
    if "amount" not in act:  # units only: money stays unknown
        act = act.assign(amount=np.nan)
    act = act.groupby(["month", *CELL])[["units", "amount"]].sum().reset_index()
    act["units"] = round_half_up(act["units"].to_numpy()).astype("int64")
    cells = owners[CELL].drop_duplicates()
    flag = act.merge(cells, on=CELL, how="left", indicator=True)["_merge"] == "both"
    hit, miss = act[flag.to_numpy()], act[~flag.to_numpy()]
    frames = []
    if len(hit):
        child = hit[["month", *CELL]].merge(owners, on=CELL)
        shared = _signed(hit, child, ["month", *CELL])
        amount = hit.set_index(["month", *CELL])["amount"]
        key = pd.MultiIndex.from_frame(shared[["month", *CELL]])
        shared["amount"] = (amount.reindex(key).to_numpy() * shared["share"]).round(2)
        frames.append(shared.assign(matched=True))
    if len(miss):
        frames.append(miss.assign(rep_id=UNASSIGNED, matched=False))
    out = pd.concat(frames, ignore_index=True)
    return out[cols]


def _to_weeks(monthly: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Monthly integer units (and amount) → ISO-week parts by the weekly targets' weights."""
    weeks = week_weights(monthly["month"].unique())
    parent = monthly.reset_index(drop=True).assign(_row=lambda f: np.arange(len(f)))
    child = parent[["_row", "month"]].merge(weeks[["month", "week", "weight"]], on="month")
    out = _signed(parent[["_row", "units"]], child, ["_row"])
    out = out.merge(parent.drop(columns=["units", "month"]), on="_row")
    out["amount"] = (out["amount"] * out["share"]).round(2)
    return out[["month", "week", *keys, "units", "amount"]]


def _as_month(as_of: object) -> pd.Period:
    if isinstance(as_of, pd.Period):
        return as_of.asfreq("M", how="end") if as_of.freqstr != "M" else as_of
    if isinstance(as_of, dt.date | pd.Timestamp):
        return pd.Period(as_of, freq="M")
    return pd.Period(str(as_of), freq="M")


def track(
    plan: Plan,
    *,
    as_of: str | dt.date | pd.Period | None = None,
    freq: str = "month",
    by: Sequence[str] = ("product", "hospital_id", "rep_id"),
) -> pd.DataFrame:
    """Actuals against the plan inside its half, by month or week: completion and gap.

    Parameters
    ----------
    plan
        A :class:`repkit.plan.Plan` whose half is under way (its ``data`` holds the
        sales so far).
    as_of
        Last month with actuals (a month, or any date or week inside it). Default: the
        last month of sales inside the half.
    freq
        ``"month"`` or ``"week"`` (ISO weeks; actuals estimated from monthly sales).
    by
        Any of product, hospital_id, department, rep_id (default product × hospital ×
        sales staff).

    Returns
    -------
    DataFrame
        ``month`` or ``week``, the ``by`` columns (with ``hospital`` and ``rep`` names),
        target_units, actual_units, gap_units (target − actual), target_amount,
        actual_amount, gap_amount, completion_rate (actual ÷ target amount), and the
        half to date through the period: half_target_amount, half_actual_amount,
        half_completion_rate. Periods after ``as_of`` are left out.

    Raises
    ------
    ValueError
        Unknown ``freq`` or ``by``, no sales yet inside the half, or ``as_of`` outside
        it.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H1", scenario="company", forecast="simple")
    >>> t = rk.plan.track(plan, as_of="2026-03", by=["product"])
    >>> sorted(t["month"].astype(str).unique())
    ['2026-01', '2026-02', '2026-03']
    >>> m = t[t["month"] == pd.Period("2026-03", "M")]
    >>> bool((m["gap_units"] == m["target_units"] - m["actual_units"]).all())
    True
    """
    if freq not in FREQS:
        raise ValueError(say("arg.choice", option="freq", value=freq, valid=join(FREQS)))
    keys = list(by)
    bad = [k for k in keys if k not in TRACK_KEYS]
    if bad:
        raise ValueError(say("arg.by", value=join(bad), valid=join(TRACK_KEYS)))
    months = _months_done(plan, as_of)
    targets = plan.targets[plan.targets["month"].isin(months)]
    actual = owner_actuals(plan.targets, plan.data.sales, months)
    period = "month"
    if freq == "week":
        period = "week"
        cell = [*CELL, "rep_id"]
        targets = plan.weekly[plan.weekly["month"].isin(months)]
        actual = _to_weeks(actual[["month", *cell, "units", "amount"]], cell)
    t = targets.groupby([period, *keys], sort=True)[["units", "amount"]].sum()
    a = actual.groupby([period, *keys], sort=True)[["units", "amount"]].sum()
    out = t.add_prefix("target_").join(a.add_prefix("actual_"), how="outer").fillna(0)
    out = out.reset_index().sort_values([period, *keys], kind="stable")
    return _finish(out, plan, period, keys)


def _months_done(plan: Plan, as_of: object) -> list[pd.Period]:
    h = plan.half
    sales = plan.data.sales
    inside = sales[sales["month"].isin(h.months)]
    if as_of is None:
        if inside.empty:
            raise ValueError(say("plan.no_sales_yet", half=h, start=h.start))
        cutoff = inside["month"].max()
    else:
        cutoff = _as_month(as_of)
        if cutoff not in set(h.months):
            raise ValueError(
                say("plan.as_of_outside", as_of=cutoff, half=h, start=h.start, end=h.end)
            )
    return [m for m in h.months if m <= cutoff]


def _finish(out: pd.DataFrame, plan: Plan, period: str, keys: list[str]) -> pd.DataFrame:
    for col in ("target_units", "actual_units"):
        out[col] = out[col].astype("int64")
    for col in ("target_amount", "actual_amount"):
        out[col] = out[col].astype("float64").round(2)
    out["gap_units"] = out["target_units"] - out["actual_units"]
    out["gap_amount"] = (out["target_amount"] - out["actual_amount"]).round(2)
    ta = out["target_amount"]
    out["completion_rate"] = out["actual_amount"] / ta.where(ta > 0)
    g = out.groupby(keys, sort=False) if keys else None
    cum_t = g["target_amount"].cumsum() if g is not None else out["target_amount"].cumsum()
    cum_a = g["actual_amount"].cumsum() if g is not None else out["actual_amount"].cumsum()
    out["half_target_amount"] = cum_t.round(2)
    out["half_actual_amount"] = cum_a.round(2)
    out["half_completion_rate"] = cum_a / cum_t.where(cum_t > 0)
    t = plan.targets
    if "hospital_id" in keys:
        names = t.drop_duplicates("hospital_id").set_index("hospital_id")["hospital"]
        pos = keys.index("hospital_id") + 2
        out.insert(pos, "hospital", out["hospital_id"].map(names).fillna(out["hospital_id"]))
    if "rep_id" in keys:
        names = t.drop_duplicates("rep_id").set_index("rep_id")["rep"]
        pos = list(out.columns).index("rep_id") + 1
        rep = out["rep_id"].map(names)
        out.insert(pos, "rep", rep.where(rep.notna(), "未分配（科室）"))
    order = [period, "gap_amount", *keys]
    asc = [True, False, *[True] * len(keys)]
    return out.sort_values(order, ascending=asc, kind="stable").reset_index(drop=True)
