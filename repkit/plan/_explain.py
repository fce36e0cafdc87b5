"""How each target was built, what changed between versions, feasibility, rolling re-plan.

Private; the public names live in :mod:`repkit.plan`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.calendar import Half, month_working_days
from repkit.labels import COLUMNS, SCENARIO_LABELS
from repkit.messages import join, say
from repkit.plan._decompose import UNASSIGNED, allocate, split
from repkit.plan._tracking import owner_actuals

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset
    from repkit.plan._build import Plan

STEPS: tuple[str, ...] = (
    "share_step",
    "forecast_step",
    "growth_step",
    "company_step",
    "procurement_step",
    "override_step",
    "rounding_step",
)
"""Waterfall steps from last half's actual units to the final integer target."""

STEP_LABELS: dict[str, str] = {k: COLUMNS[k] for k in ("last_units", *STEPS, "final_units")}
"""Waterfall step headings (from the label registry)."""
CELL_KEYS = ["product", "hospital_id", "department", "rep_id"]


def build_waterfall(
    totals: pd.DataFrame,
    scenario: str,
    hosp: pd.DataFrame,
    targets: pd.DataFrame,
    procurement_delta: pd.DataFrame,
    last_cells: pd.Series,
    overrides: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Waterfall per product × hospital × department × rep (see :data:`STEPS`).

    Product level: last half → forecast → growth scenario → company target. Each
    hospital takes its exact share of those (``share_step`` moves last half's actual to
    that share), then 带量采购, the manager's overrides and the company's bound quotas
    (``override_step``, 经理指定/公司下达: the units ``overrides["steps"]`` moved per
    hospital) and rounding to the allocated integers.

    Each step means what its label says. The growth scenarios grow last half's actual,
    not the forecast, so their ``forecast_step`` is zero and ``growth_step`` is last ×
    growth (never negative for a positive rate); the forecast step is used where the
    target starts from the forecast: the ``base`` scenario, and products without sales
    last half. The ``company`` scenario is reached by ``company_step`` from the growth
    target (company − target, negative when the company asks for less).
    """
    t = totals.set_index("product")
    growth_end = {"base": t["base"], "target": t["target"], "stretch": t["stretch"]}
    end = growth_end.get(scenario, t["target"])
    company = (t["company"] - t["target"]).fillna(0.0) if scenario == "company" else 0.0 * end
    hp = hosp[["product", "hospital_id", "share"]].copy()
    last_hp = last_cells.groupby(level=["product", "hospital_id"]).sum()
    idx = pd.MultiIndex.from_frame(hp[["product", "hospital_id"]])
    moved = _moved((overrides or {}).get("steps"))
    final_keys = pd.MultiIndex.from_frame(targets[["product", "hospital_id"]].drop_duplicates())
    extra = last_hp.index.union(moved.index).union(final_keys).difference(idx)
    if len(extra):
        more = pd.DataFrame(list(extra), columns=["product", "hospital_id"]).assign(share=0.0)
        hp = pd.concat([hp, more], ignore_index=True)
        idx = pd.MultiIndex.from_frame(hp[["product", "hospital_id"]])
    p = hp["product"]
    r = hp["share"].to_numpy()
    hp["last_units"] = last_hp.reindex(idx).fillna(0.0).to_numpy()
    L = p.map(t["last"]).to_numpy()
    B = p.map(t["base"]).to_numpy()
    G = p.map(end).to_numpy()
    C = p.map(company).to_numpy() if isinstance(company, pd.Series) else 0.0
    hp["share_step"] = L * r - hp["last_units"]
    F = B if scenario == "base" else np.where(L > 0, L, B)
    hp["forecast_step"] = (F - L) * r
    hp["growth_step"] = (G - F) * r
    hp["company_step"] = C * r
    proc = procurement_delta.groupby(["product", "hospital_id"])["delta"].sum()
    hp["procurement_step"] = proc.reindex(idx).fillna(0.0).to_numpy()
    hp["override_step"] = moved.reindex(idx).fillna(0.0).to_numpy()
    final_cells = targets.groupby(CELL_KEYS, sort=False)["units"].sum().reset_index()
    final_hp = final_cells.groupby(["product", "hospital_id"])["units"].sum()
    hp["final_units"] = final_hp.reindex(idx).fillna(0).to_numpy()
    # split each hospital row over its department × rep cells by final units
    cells = hp.merge(final_cells, on=["product", "hospital_id"], how="left")
    cells["department"] = cells["department"].fillna("")
    cells["rep_id"] = cells["rep_id"].fillna(UNASSIGNED)
    cells["units"] = cells["units"].fillna(0)
    n_cells = cells.groupby(["product", "hospital_id"])["units"].transform("size")
    total_hp = cells.groupby(["product", "hospital_id"])["units"].transform("sum")
    q = np.where(total_hp > 0, cells["units"] / total_hp.where(total_hp > 0, 1), 1.0 / n_cells)
    out = cells[CELL_KEYS].copy()
    out["last_units"] = cells["last_units"] * q
    for step in STEPS[:-1]:
        out[step] = cells[step] * q
    out["final_units"] = cells["units"].astype("int64")
    out["rounding_step"] = out["final_units"] - out[["last_units", *STEPS[:-1]]].sum(axis=1)
    return out[[*CELL_KEYS, "last_units", *STEPS, "final_units"]].reset_index(drop=True)


def _moved(override_steps: pd.DataFrame | None) -> pd.Series:
    """Units the overrides moved per product × hospital."""
    if override_steps is None or override_steps.empty:
        empty = pd.MultiIndex.from_arrays([[], []], names=["product", "hospital_id"])
        return pd.Series([], index=empty, dtype="float64")
    return override_steps.groupby(["product", "hospital_id"])["units"].sum().astype("float64")


def waterfall(plan: Plan, *, by: Sequence[str] | str = ("product",)) -> pd.DataFrame:
    """How the targets were built: last half's actual → … → final integer, per group.

    Parameters
    ----------
    plan
        A :class:`repkit.plan.Plan`.
    by
        Any of product, hospital_id, department, rep_id (default: per product). An
        empty list gives the region total.

    Returns
    -------
    DataFrame
        The ``by`` columns, last_units, share_step, forecast_step, growth_step,
        company_step, procurement_step, override_step (经理指定/公司下达), rounding_step and
        final_units; in every row last_units plus the steps equals final_units.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H2", growth=0.5, forecast="simple")
    >>> w = rk.plan.waterfall(plan, by=[])
    >>> int(w["final_units"].iloc[0]) == plan.summary["target_units"]
    True
    """
    keys = [by] if isinstance(by, str) else list(by)
    bad = [k for k in keys if k not in CELL_KEYS]
    if bad:
        raise ValueError(say("arg.by", value=join(bad), valid=join(CELL_KEYS)))
    w = plan.steps
    cols = ["last_units", *STEPS, "final_units"]
    if not keys:
        return w[cols].sum().to_frame().T.astype({"final_units": "int64"})
    return w.groupby(keys, sort=False)[cols].sum().reset_index()


def diff(old: Any, new: Any, *, by: Sequence[str] = ("product", "hospital_id")) -> pd.DataFrame:
    """Differences between two plan versions, with the main reason for each change.

    Parameters
    ----------
    old, new
        Two :class:`repkit.plan.Plan` objects of the same region and half.
    by
        Level of comparison, columns of :func:`waterfall` (default product × hospital).

    Returns
    -------
    DataFrame
        ``by`` columns, old_units, new_units, change_units, old_amount, new_amount,
        change_amount, reason (``new``, ``removed``, ``unchanged``, or the waterfall
        step that moved most: ``actuals``, ``share``, ``forecast``, ``growth``,
        ``company``, ``procurement``, ``rounding``) and note (changed parameters).

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> a = rk.plan.build(ds, "2026H2", growth=0.4, forecast="simple")
    >>> b = rk.plan.build(ds, "2026H2", growth=0.6, forecast="simple")
    >>> d = rk.plan.diff(a, b, by=["product"])
    >>> d["reason"].value_counts().index[0], d["note"].iloc[0]
    ('growth', '增长率：40% → 60%')
    """
    keys = list(by)
    wo = waterfall(old, by=keys).set_index(keys)
    wn = waterfall(new, by=keys).set_index(keys)
    both = wo.add_suffix("_old").join(wn.add_suffix("_new"), how="outer")
    amount_o = old.targets.groupby(keys)["amount"].sum()
    amount_n = new.targets.groupby(keys)["amount"].sum()
    out = pd.DataFrame(index=both.index)
    out["old_units"] = both["final_units_old"].fillna(0).astype("int64")
    out["new_units"] = both["final_units_new"].fillna(0).astype("int64")
    out["change_units"] = out["new_units"] - out["old_units"]
    out["old_amount"] = amount_o.reindex(out.index).fillna(0.0).round(2)
    out["new_amount"] = amount_n.reindex(out.index).fillna(0.0).round(2)
    out["change_amount"] = (out["new_amount"] - out["old_amount"]).round(2)
    names = ["last_units", *STEPS]
    deltas = pd.DataFrame(
        {n: both[f"{n}_new"].fillna(0.0) - both[f"{n}_old"].fillna(0.0) for n in names}
    )
    main = deltas.abs().idxmax(axis=1)
    label = main.str.replace("_step", "", regex=False).replace({"last_units": "actuals"})
    reason = np.where(out["change_units"] == 0, "unchanged", label)
    reason = np.where(both["final_units_old"].isna(), "new", reason)
    reason = np.where(both["final_units_new"].isna(), "removed", reason)
    out["reason"] = reason
    changed = [
        _param_change(k, old.params.get(k), new.params.get(k))
        for k in sorted(set(old.params) | set(new.params))
        if old.params.get(k) != new.params.get(k)
    ]
    out["note"] = "；".join(changed)
    return out.reset_index()


_PARAM_LABELS = {
    "growth": "增长率",
    "stretch": "冲刺增幅",
    "scenario": "情景",
    "forecast": "预测方法",
    "reconcile": "层级调和",
    "backtest": "回测结果",
    "procurement": "带量采购",
    "cap": "单院上限",
    "potential_weight": "潜力权重",
    "visits_per_day": "每日有效拜访标准",
    "within_days": "回款天数",
    "overrides": "经理指定/公司下达",
}


def _param_change(key: str, old: Any, new: Any) -> str:
    """One changed plan option as a manager reads it: 增长率：50% → 60%.

    Examples
    --------
    >>> _param_change("growth", 0.5, 0.6), _param_change("scenario", "target", "company")
    ('增长率：50% → 60%', '情景：目标 → 公司指标')
    """
    name = _PARAM_LABELS.get(key, key)
    if key == "backtest":
        return f"{name}不同"
    return f"{name}：{_param_value(key, old)} → {_param_value(key, new)}"


def _param_value(key: str, value: Any) -> str:
    if value is None:
        return "无"
    if key in ("growth", "stretch") and isinstance(value, int | float):
        return f"{value:.0%}"
    if key in ("growth", "stretch") and isinstance(value, Mapping):
        return "、".join(f"{k} {v:.0%}" for k, v in value.items())
    if key == "scenario":
        return SCENARIO_LABELS.get(str(value), str(value))
    if isinstance(value, list | tuple):
        return "、".join(map(str, value)) or "无"
    return str(value)


def feasibility(
    targets: pd.DataFrame,
    ds: Dataset,
    half: Half,
    review_half: Half,
    *,
    visits_per_day: float = 8.0,
) -> pd.DataFrame:
    """Visits each sales owner's target implies against their capacity.

    Productivity is last half's sales amount per call of the rep (the region's when the
    rep made fewer than 20 calls); visits needed = target amount ÷ productivity.
    Capacity = working days of the half × ``visits_per_day`` (seed 000: at least 8
    effective visits a day). Targets without an owner need visits nobody has.

    Returns
    -------
    DataFrame
        rep_id, rep, target_amount, last_amount, last_calls, amount_per_call,
        visits_needed, working_days, capacity, utilisation_rate, shortfall_visits,
        feasible.
    """
    if visits_per_day <= 0:
        raise ValueError(say("arg.visits_per_day", value=visits_per_day))
    wd = int(month_working_days(half.months).sum())
    sales = ds.sales[ds.sales["month"].isin(review_half.months)]
    calls = ds.calls
    if len(calls) and "date" in calls:
        months = pd.to_datetime(calls["date"]).dt.to_period("M")
        calls = calls[months.isin(review_half.months)]
    by_rep_calls = calls.groupby("rep_id").size() if len(calls) else pd.Series(dtype="int64")
    by_rep_amount = sales.groupby(sales["rep_id"].fillna("").astype(str))["amount"].sum()
    region_rate = (
        sales["amount"].sum() / len(calls) if len(calls) and sales["amount"].sum() > 0 else np.nan
    )
    tg = targets.groupby("rep_id", sort=True)["amount"].sum()
    names = ds.reps.set_index("rep_id")["name"] if "name" in ds.reps else pd.Series(dtype=object)
    rows = []
    for rep_id, amount in tg.items():
        last = float(by_rep_amount.get(rep_id, 0.0)) if rep_id != UNASSIGNED else 0.0
        n_calls = int(by_rep_calls.get(rep_id, 0))
        own = last / n_calls if n_calls >= 20 and last > 0 else np.nan
        rate = own if np.isfinite(own) else region_rate
        needed = float(amount) / rate if rate and np.isfinite(rate) else np.nan
        capacity = 0.0 if rep_id == UNASSIGNED else wd * visits_per_day
        rows.append(
            {
                "rep_id": rep_id,
                "rep": names.get(rep_id, "未分配（科室）")
                if rep_id != UNASSIGNED
                else "未分配（科室）",
                "target_amount": round(float(amount), 2),
                "last_amount": round(last, 2),
                "last_calls": n_calls,
                "amount_per_call": rate,
                "visits_needed": needed,
                "working_days": wd,
                "capacity": capacity,
                "utilisation_rate": needed / capacity if capacity else np.nan,
                "shortfall_visits": max(0.0, needed - capacity) if np.isfinite(needed) else np.nan,
                "feasible": bool(needed <= capacity) if np.isfinite(needed) else False,
            }
        )
    cols = [
        "rep_id",
        "rep",
        "target_amount",
        "last_amount",
        "last_calls",
        "amount_per_call",
        "visits_needed",
        "working_days",
        "capacity",
        "utilisation_rate",
        "shortfall_visits",
        "feasible",
    ]
    return pd.DataFrame(rows, columns=cols)


def replan(
    targets: pd.DataFrame,
    sales: pd.DataFrame,
    *,
    as_of: str | pd.Period,
    max_growth: float | None = None,
) -> pd.DataFrame:
    """Rolling re-plan: spread what is left of the half's target over the months left.

    Actual units to date are matched per product × hospital × department (shared by
    the owners in proportion to their targets); what remains of each owner's half-year
    target (never below zero) is spread over the remaining months in proportion to the
    original monthly targets. Split the result into weeks with
    :func:`repkit.plan.split_weeks`.

    Parameters
    ----------
    targets
        Monthly targets: month, product, hospital_id, department, rep_id, units
        (e.g. ``Plan.targets``).
    sales
        Actual sales (canonical sales table).
    as_of
        Last month with actuals, e.g. ``"2026-09"``.
    max_growth
        Most the pace of the months left may exceed the pace to date (actual ÷ target
        of the half's months so far; seasonality stays in the monthly targets): 0.3 =
        +30 %. None (default): the largest growth of a month over the mean of the three
        before it in the sales history.

    Returns
    -------
    DataFrame
        month, product, hospital_id, department, rep_id, target_units (original),
        actual_units (months up to ``as_of``, else NA), plan_units (actual in past
        months, re-planned integers in the months left) and feasible_units (plan_units
        with each month left capped at its target × pace to date × (1 + max_growth),
        cells cut in proportion). ``attrs["warnings"]`` lists a ``replan_beyond_growth`` warning
        (code, Chinese message) when the cap cuts units: the shortfall that no month
        can feasibly take. ``attrs`` also hold ``max_growth`` (the cap used),
        ``max_growth_source`` (``"given"`` or ``"history"``), ``pace`` (actual ÷ target
        to date) and ``shortfall_units``.

    Examples
    --------
    >>> t = pd.DataFrame({"month": pd.period_range("2026-07", periods=6, freq="M"),
    ...     "product": "A", "hospital_id": "H1", "department": "心内科",
    ...     "rep_id": "R1", "units": [100] * 6})
    >>> s = pd.DataFrame({"month": pd.period_range("2026-07", periods=3, freq="M"),
    ...     "product": "A", "hospital_id": "H1", "department": "心内科",
    ...     "units": [70.0, 80.0, 90.0]})
    >>> rk.plan.replan(t, s, as_of="2026-09")["plan_units"].tolist()
    [70, 80, 90, 120, 120, 120]
    """
    cutoff = pd.Period(as_of, freq="M")
    keys = ["product", "hospital_id", "department"]
    t = targets[["month", *keys, "rep_id", "units"]].copy()
    t["units"] = t["units"].astype("int64")
    past = t["month"] <= cutoff
    if past.all():
        raise ValueError(say("plan.nothing_left", as_of=cutoff))
    owner_total = t.groupby([*keys, "rep_id"], sort=False)["units"].sum().rename("weight")
    owner_total = owner_total.reset_index()
    done_months = sorted(t.loc[past, "month"].unique())
    act = owner_actuals(t, sales, done_months)  # the rule rk.plan.track uses
    act_r = act.loc[act["matched"], ["month", *keys, "rep_id", "units"]]
    act_r = act_r.rename(columns={"units": "actual"}).astype({"actual": "float64"})
    out = t.rename(columns={"units": "target_units"}).merge(
        act_r, on=["month", *keys, "rep_id"], how="left"
    )
    out.loc[past, "actual"] = out.loc[past, "actual"].fillna(0)
    done = out[past].groupby([*keys, "rep_id"])["actual"].sum()
    left = owner_total.set_index([*keys, "rep_id"])["weight"] - done.reindex(
        owner_total.set_index([*keys, "rep_id"]).index
    ).fillna(0)
    parent = left.clip(lower=0).astype("int64").rename("units").reset_index()
    future = out.loc[~past, ["month", *keys, "rep_id", "target_units"]]
    child = future.rename(columns={"target_units": "weight"})
    spread = split(parent, child, [*keys, "rep_id"])
    plan_future = spread.set_index(["month", *keys, "rep_id"])["units"]
    idx = pd.MultiIndex.from_frame(out[["month", *keys, "rep_id"]])
    out["plan_units"] = np.where(
        past, out["actual"].fillna(0), plan_future.reindex(idx).fillna(0).to_numpy()
    ).astype("int64")
    out["actual_units"] = out["actual"].astype("Int64")
    cols = ["month", *keys, "rep_id", "target_units", "actual_units", "plan_units"]
    return _feasible(out[cols].reset_index(drop=True), sales, cutoff, max_growth)


def _feasible(
    out: pd.DataFrame, sales: pd.DataFrame, cutoff: pd.Period, max_growth: float | None
) -> pd.DataFrame:
    """Cap each month left at target × pace × (1 + max_growth); warn about the cut."""
    history = sales[sales["month"] <= cutoff].groupby("month")["units"].sum().sort_index()
    source = "given" if max_growth is not None else "history"
    if max_growth is None:
        before = history.rolling(3).mean().shift(1)
        growth = (history / before.where(before > 0) - 1).dropna()
        max_growth = max(float(growth.max()), 0.0) if len(growth) else 0.0
    if not np.isfinite(max_growth) or max_growth < 0:
        raise ValueError(say("plan.max_growth", value=max_growth))
    done = out[out["month"] <= cutoff]
    due = float(done["target_units"].sum())
    pace = float(done["plan_units"].sum()) / due if due > 0 else 1.0
    out["feasible_units"] = out["plan_units"]
    out.attrs["warnings"] = []
    # what the cap was: shown beside the re-planned workbook (plan/_rolling.py)
    out.attrs.update(max_growth=float(max_growth), max_growth_source=source, pace=pace)
    cut = 0
    for _, part in out[out["month"] > cutoff].groupby("month"):
        total = int(part["plan_units"].sum())
        cap = int(np.floor(part["target_units"].sum() * pace * (1 + max_growth)))
        if total > cap:
            out.loc[part.index, "feasible_units"] = allocate(cap, part["plan_units"]).to_numpy()
            cut += total - cap
    out.attrs["shortfall_units"] = cut
    if cut:
        out.attrs["warnings"] = [
            {
                "code": "replan_beyond_growth",
                "message": say(
                    "plan.replan_beyond_growth",
                    pace=pace,
                    source=say(f"plan.growth_cap.{'history' if source == 'history' else 'given'}"),
                    max_growth=max_growth,
                    cut=cut,
                ),
            }
        ]
    return out
