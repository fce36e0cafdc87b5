"""One reconciled forecast per plan: product × hospital level × hospital → region.

Every series of the hierarchy (the region, each product, product × hospital level,
product × hospital) is forecast once and the forecasts are reconciled so that each node
is exactly the sum of its hospitals:

* ``forecast="auto"``: :func:`repkit.forecast.forecast_hierarchy` (backtested model
  choice per series, MinT reconciliation with a shrunk error covariance). The region
  total is backtested first (:func:`check_backtest`): when auto loses to seasonal naive
  the plan forecasts with seasonal naive instead, and says so in ``Plan.warnings``;
  80 % intervals that cover far from 80 % of the actuals are also a warning;
* ``"simple"`` or a function: that forecaster on every node, then ordinary least
  squares reconciliation (:func:`repkit.forecast.reconcile`, ``method="ols"``).

Reconciled bottom forecasts below zero are set to zero and every total is added up
again from the bottom, so the hierarchy stays coherent. Every table of the plan that
shows a forecast (base scenario, forecast table, history chart) reads this one frame.

Private; the public names live in :mod:`repkit.plan`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from repkit.calendar import Half
from repkit.forecast._hierarchy import ALL, forecast_hierarchy, reconcile
from repkit.messages import join, say
from repkit.plan._scenario import Forecaster

if TYPE_CHECKING:  # pragma: no cover
    from repkit.plan._build import Plan

LEVELS: tuple[str, ...] = ("product", "level", "hospital_id")
"""Levels of the plan's forecast hierarchy, top to bottom (below the region)."""

UNKNOWN_LEVEL = "未知"
_COLUMNS = ["mean", "lo_80", "hi_80", "lo_95", "hi_95"]


def hierarchy_sales(sales: pd.DataFrame, hospitals: pd.DataFrame, *, as_of: pd.Period):
    """Monthly units per product × hospital level × hospital up to ``as_of``."""
    part = sales[sales["month"] <= as_of]
    level = (
        hospitals.drop_duplicates("hospital_id").set_index("hospital_id")["level"]
        if "level" in hospitals
        else pd.Series(dtype=object)
    )
    frame = part[["product", "hospital_id", "month", "units"]].copy()
    mapped = frame["hospital_id"].map(level).astype(object)
    frame["level"] = mapped.where(mapped.notna(), UNKNOWN_LEVEL).astype(str)
    for c in LEVELS:
        frame[c] = frame[c].astype(str)
    return frame.groupby([*LEVELS, "month"], as_index=False)["units"].sum()


def _node_forecasts(frame: pd.DataFrame, horizon: int, forecaster: Forecaster) -> pd.DataFrame:
    keys = list(LEVELS)
    first, last = frame["month"].min(), frame["month"].max()
    rows = []
    for depth in range(len(keys) + 1):
        part = frame.copy()
        for c in keys[depth:]:
            part[c] = ALL
        for key, g in part.groupby(keys, sort=True):
            y = g.groupby("month")["units"].sum()
            live = y[y > 0]
            start = live.index.min() if len(live) else first
            y = y.reindex(pd.period_range(start, last, freq="M"), fill_value=0.0)
            fc = forecaster(y.astype("float64"), horizon).copy()
            fc.index = pd.PeriodIndex(fc.index, freq="M")
            fc = fc.rename_axis("month").reset_index()
            for c, v in zip(keys, key, strict=True):
                fc[c] = v
            rows.append(fc)
    out = pd.concat(rows, ignore_index=True)
    out["model"] = getattr(forecaster, "__name__", "custom")
    return reconcile(out, levels=keys, method="ols")


def _clip_and_add_up(fc: pd.DataFrame) -> pd.DataFrame:
    """Bottom means below zero → 0; every node = the sum of its bottom series."""
    keys = list(LEVELS)
    fc = fc.copy()
    depth = (fc[keys] != ALL).sum(axis=1)
    bottom = fc[depth == len(keys)].copy()
    bottom["mean"] = bottom["mean"].clip(lower=0.0)
    new = []
    for d in range(len(keys) + 1):
        part = bottom.copy()
        for c in keys[d:]:
            part[c] = ALL
        new.append(part.groupby([*keys, "month"])["mean"].sum())
    total = pd.concat(new)
    idx = pd.MultiIndex.from_frame(fc[[*keys, "month"]])
    mean = total.reindex(idx).to_numpy()
    shift = mean - fc["mean"].to_numpy()
    fc["mean"] = mean
    for c in fc.columns:
        if c.startswith(("lo_", "hi_")):
            fc[c] = (fc[c].to_numpy() + shift).clip(min=0.0)
    return fc


_COVERAGE_GAP = 0.2
"""Warn when the backtest's 80 % interval covers more than this far from 80 %.

A fixed gap, not ``backtest_report``'s binomial rule: the region total is one series with
three windows, where that rule would stay quiet down to 34 % coverage. The sentence is
the report's (:func:`repkit.forecast._report.coverage_text`)."""


def check_backtest(
    sales: pd.DataFrame, *, as_of: pd.Period, horizon: int
) -> tuple[str, dict[str, float], list[dict[str, str]]]:
    """Backtest the region total: auto against seasonal naive, and interval coverage.

    Returns the method to forecast with (``"snaive"`` when auto loses to seasonal
    naive in the backtest, else ``"auto"``), the figures (MASE of both, 80 % coverage
    of the chosen one) and the warnings.
    """
    from repkit.forecast._api import backtest
    from repkit.forecast._report import backtest_report, coverage_text

    y = sales[sales["month"] <= as_of].groupby("month")["units"].sum().sort_index()
    y = y.reindex(pd.period_range(y.index.min(), as_of, freq="M"), fill_value=0.0)
    if len(y) < 24:
        return "auto", {}, []
    report = backtest_report(backtest(y, min(horizon, 6), windows=3, method="auto"))
    auto, naive = float(report.loc["auto", "mase"]), float(report.loc["snaive", "mase"])
    method = "snaive" if naive < auto else "auto"
    coverage = float(report.loc[method, "coverage_80"])
    figures = {"auto_mase": auto, "snaive_mase": naive, "coverage_80": coverage}
    warnings = []
    if method == "snaive":
        warnings.append(
            {
                "code": "forecast_fallback",
                "message": say("plan.forecast_fallback", auto=auto, naive=naive),
            }
        )
    if abs(coverage - 0.8) > _COVERAGE_GAP:
        row = report.loc[method]
        text = coverage_text(
            [(80, coverage)], bias=row["bias"], mae=row["mae"], wide=coverage > 0.8
        )
        warnings.append({"code": "interval_coverage", "message": text})
    return method, figures, warnings


def reconciled_forecast(
    sales: pd.DataFrame,
    hospitals: pd.DataFrame,
    half: Half,
    *,
    as_of: pd.Period,
    forecaster: Forecaster,
    method: str,
) -> pd.DataFrame:
    """The plan's forecast of every node of the hierarchy over the months of ``half``.

    ``method`` ``"auto"`` or ``"snaive"`` forecasts with :mod:`repkit.forecast` and
    reconciles with MinT; any other value uses ``forecaster`` on every node and OLS.

    Returns
    -------
    DataFrame
        product, level, hospital_id (:data:`repkit.forecast.ALL` where aggregated),
        month, mean, lo_80, hi_80, lo_95, hi_95, base_mean (before reconciliation),
        model. ``attrs["reconcile"]`` names the reconciliation method.
    """
    horizon = (half.end - as_of).n
    frame = hierarchy_sales(sales, hospitals, as_of=as_of)
    if method in ("auto", "snaive"):
        fc = forecast_hierarchy(
            frame, horizon, levels=list(LEVELS), method=method, reconcile_method="mint_shrink"
        )
        how = "mint_shrink"
    else:
        fc = _node_forecasts(frame, horizon, forecaster)
        how = "ols"
    fc = fc[pd.PeriodIndex(fc["month"], freq="M") >= half.start]
    fc = _clip_and_add_up(fc.reset_index(drop=True))
    cols = [*LEVELS, "month", *[c for c in _COLUMNS if c in fc], "base_mean", "model"]
    out = fc[[c for c in cols if c in fc]].reset_index(drop=True)
    out.attrs["reconcile"] = how
    return out


def product_forecast(nodes: pd.DataFrame) -> pd.DataFrame:
    """Product rows of the reconciled forecast: product, month, mean and bounds."""
    rows = nodes[(nodes["product"] != ALL) & (nodes["level"] == ALL)]
    cols = ["product", "month", *[c for c in _COLUMNS if c in nodes]]
    return rows[cols].reset_index(drop=True)


def region_forecast(nodes: pd.DataFrame) -> pd.DataFrame:
    """The region's total forecast per month (mean and bounds), indexed by month."""
    rows = nodes[nodes["product"] == ALL]
    return rows.set_index("month")[[c for c in _COLUMNS if c in nodes]]


def forecast_table(plan: Plan, *, by: str | Sequence[str] = "product") -> pd.DataFrame:
    """The plan's forecast of its half by ``by``, against last half and last year.

    Reads the one reconciled forecast ``plan.forecast_nodes``; nothing is forecast
    again, so the totals equal the plan's base scenario at every cut.

    Parameters
    ----------
    plan
        A :class:`repkit.plan.Plan`.
    by
        ``"product"``, ``"level"`` (hospital level), ``"hospital_id"`` or a list of
        them (e.g. ``["level", "product"]``). The 80 %
        interval of a half is the mean ± the root sum of squares of the hospitals'
        monthly half-widths (treated as independent; an approximation).

    Returns
    -------
    DataFrame
        by, last_half, last_year, forecast, lo_80, hi_80, hoh_rate, hoh_rate_lo_80,
        hoh_rate_hi_80, yoy_rate, yoy_rate_lo_80, yoy_rate_hi_80, model (the columns
        of :func:`repkit.forecast.growth`, so ``rk.report.growth.growth_table`` reads it).

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H2", forecast="simple")
    >>> t = rk.plan.forecast_table(plan, by="level")
    >>> base = plan.summary["scenario_base_units"]
    >>> bool(abs(t["forecast"].sum() - base) < 1)
    True
    """
    nodes, half = plan.forecast_nodes, plan.half
    sales, hospitals = plan.data.sales, plan.data.hospitals
    keys = [by] if isinstance(by, str) else list(by)
    bad = [k for k in keys if k not in LEVELS]
    if bad or not keys:
        raise ValueError(say("arg.by", value=by, valid=join(LEVELS)))
    bottom = nodes[(nodes[list(LEVELS)] != ALL).all(axis=1)]
    mean = bottom.groupby(keys)["mean"].sum()
    width = (bottom["hi_80"] - bottom["mean"]) if "hi_80" in bottom else bottom["mean"] * 0
    half_width = np.sqrt((width**2).groupby([bottom[k] for k in keys]).sum())
    frame = hierarchy_sales(sales, hospitals, as_of=sales["month"].max())

    def actual(h: Half) -> pd.Series:
        return frame[frame["month"].isin(h.months)].groupby(keys)["units"].sum()

    out = pd.DataFrame({"forecast": mean})
    out["lo_80"] = (mean - half_width).clip(lower=0.0)
    out["hi_80"] = mean + half_width
    out.insert(0, "last_year", actual(half.same_last_year).reindex(out.index).fillna(0.0))
    out.insert(0, "last_half", actual(half.previous).reindex(out.index).fillna(0.0))
    lh = out["last_half"].where(out["last_half"] > 0)
    out["hoh_rate"] = out["forecast"] / lh - 1
    out["hoh_rate_lo_80"] = out["lo_80"] / lh - 1
    out["hoh_rate_hi_80"] = out["hi_80"] / lh - 1
    ly = out["last_year"].where(out["last_year"] > 0)
    out["yoy_rate"] = out["forecast"] / ly - 1
    out["yoy_rate_lo_80"] = out["lo_80"] / ly - 1
    out["yoy_rate_hi_80"] = out["hi_80"] / ly - 1
    out["model"] = f"reconciled ({nodes.attrs.get('reconcile', '')})"
    return out.rename_axis(keys).reset_index()


def forecast_months(plan: Plan, **node: str) -> pd.DataFrame:
    """The plan's monthly forecast of one node of its hierarchy (default: the region).

    The frame ``rk.report.forecast_chart.forecast_plot`` draws, read from
    ``plan.forecast_nodes``: a chart of it shows the same numbers as the plan's base
    scenario and forecast tables, because nothing is forecast again.

    Parameters
    ----------
    plan
        A :class:`repkit.plan.Plan`.
    **node
        ``product=``, ``level=``, ``hospital_id=``; a level left out means all of it.

    Returns
    -------
    DataFrame
        Indexed by month (``Period[M]``): mean, lo_80, hi_80, lo_95, hi_95; ``attrs``
        ``model`` names the reconciliation.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H2", forecast="simple")
    >>> months = rk.plan.forecast_months(plan)
    >>> bool(abs(months["mean"].sum() - plan.summary["scenario_base_units"]) < 1)
    True
    """
    bad = sorted(set(node) - set(LEVELS))
    if bad:
        raise ValueError(say("arg.node_levels", value=join(bad), valid=join(LEVELS)))
    nodes = plan.forecast_nodes
    mask = np.ones(len(nodes), dtype=bool)
    for level in LEVELS:
        mask &= (nodes[level] == str(node.get(level, ALL))).to_numpy()
    picked = nodes[mask]
    if picked.empty:
        raise ValueError(say("arg.no_node", node=node))
    out = picked.set_index("month")[[c for c in _COLUMNS if c in picked]].sort_index()
    out.index = pd.PeriodIndex(out.index, freq="M")
    out.attrs["model"] = f"reconciled ({nodes.attrs.get('reconcile', '')})"
    return out
