"""Scenarios of a half-year plan: forecast, growth target, stretch, company, 带量采购.

Private; the public names live in :mod:`repkit.plan`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from repkit.calendar import Half
from repkit.messages import join, say

SCENARIOS: tuple[str, ...] = ("base", "target", "stretch", "company")
"""Scenarios :func:`repkit.plan.build` can plan with."""

Forecaster = Callable[[pd.Series, int], pd.DataFrame]
_Z = {80: 1.2815515655446004, 95: 1.959963984540054}


def round_half_up(x: Any) -> np.ndarray:
    """Round to whole numbers, halves up (not to even), as people do by hand."""
    return np.floor(np.asarray(x, dtype="float64") + 0.5).astype("int64")


def seasonal_trend_forecast(y: pd.Series, horizon: int) -> pd.DataFrame:
    """Seasonal naive × trend: the same month last year times the year-on-year ratio.

    With 24 months or more the ratio is the last 12 months over the 12 before (kept
    within 0.5–2); with 12–23 months it is the same month last year; with fewer, the
    mean of the last six months. Intervals come from the spread of last year's errors.
    """
    y = pd.Series(np.asarray(y, dtype="float64"), index=pd.PeriodIndex(y.index, freq="M"))
    n = len(y)
    index = pd.period_range(y.index[-1] + 1, periods=horizon, freq="M")
    k = np.arange(horizon)
    values = y.to_numpy()
    if n >= 24:
        prev, last = values[-24:-12].sum(), values[-12:].sum()
        trend = float(np.clip(last / prev, 0.5, 2.0)) if prev > 0 else 1.0
        mean = values[n - 12 + k % 12] * trend ** (1 + k // 12)
        resid = values[12:] - values[:-12] * trend
        sd = float(np.std(resid[-12:], ddof=1))
    elif n >= 12:
        mean = values[n - 12 + k % 12]
        sd = float(np.std(np.diff(values), ddof=1)) if n > 2 else 0.0
    else:
        mean = np.full(horizon, values[-min(n, 6) :].mean())
        sd = float(np.std(values, ddof=1)) if n > 1 else 0.0
    mean = np.clip(mean, 0.0, None)
    spread = sd * np.sqrt(1 + k // 12)
    out = pd.DataFrame({"mean": mean}, index=index)
    for lvl in (80, 95):
        out[f"lo_{lvl}"] = np.clip(mean - _Z[lvl] * spread, 0.0, None)
        out[f"hi_{lvl}"] = mean + _Z[lvl] * spread
    return out


def resolve_forecaster(forecast: str | Forecaster | None) -> tuple[Forecaster, str]:
    """The forecasting function to use and its name.

    ``None`` or ``"auto"`` uses ``repkit.forecast.forecast(y, h, method="auto")`` when
    that module is installed, else :func:`seasonal_trend_forecast`; ``"simple"`` always
    uses the latter; a callable ``f(y, horizon) -> DataFrame[mean, …]`` is used as is.
    """
    if callable(forecast):
        return forecast, getattr(forecast, "__name__", "custom")
    if forecast not in (None, "auto", "simple"):
        raise ValueError(say("plan.forecast", value=forecast))
    if forecast == "simple":
        return seasonal_trend_forecast, "seasonal_naive_trend"
    try:
        module = importlib.import_module("repkit.forecast")
        real = module.forecast
    except (ImportError, AttributeError):
        return seasonal_trend_forecast, "seasonal_naive_trend"

    def auto(y: pd.Series, horizon: int) -> pd.DataFrame:
        return real(y, horizon, method="auto")

    return auto, "repkit.forecast(auto)"


def product_series(sales: pd.DataFrame, *, as_of: pd.Period) -> dict[str, pd.Series]:
    """Monthly units per product, from its first sale to ``as_of``, gaps as zero."""
    part = sales[sales["month"] <= as_of]
    out = {}
    for p, g in part.groupby("product", sort=True):
        monthly = g.groupby("month")["units"].sum()
        live = monthly[monthly > 0]
        if live.empty:
            continue
        idx = pd.period_range(live.index.min(), as_of, freq="M")
        out[str(p)] = monthly.reindex(idx, fill_value=0.0).astype("float64")
    return out


def base_forecast(
    sales: pd.DataFrame, half: Half, *, as_of: pd.Period, forecaster: Forecaster
) -> pd.DataFrame:
    """Forecast of each product's monthly units over the months of ``half``.

    Returns
    -------
    DataFrame
        Long table: product, month, mean, lo_80, hi_80, lo_95, hi_95.
    """
    horizon = (half.end - as_of).n
    if horizon < 6:
        raise ValueError(say("plan.inside_half", as_of=as_of, half=half))
    frames = []
    for p, y in product_series(sales, as_of=as_of).items():
        fc = forecaster(y, horizon)
        if "mean" not in fc:
            raise ValueError(say("plan.forecast_mean"))
        fc = fc.copy()
        fc.index = pd.PeriodIndex(fc.index, freq="M")
        fc = fc.loc[fc.index >= half.start].clip(lower=0.0)
        fc.insert(0, "product", p)
        frames.append(fc.rename_axis("month").reset_index())
    cols = ["product", "month", "mean", "lo_80", "hi_80", "lo_95", "hi_95"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    return out[[c for c in cols if c in out]]


def _growth_of(growth: float | Mapping[str, float], products: Sequence[str]) -> pd.Series:
    if isinstance(growth, Mapping):
        missing = [p for p in products if p not in growth]
        if missing:
            raise ValueError(say("plan.growth_missing", products=join(missing)))
        values = [float(growth[p]) for p in products]
    else:
        values = [float(growth)] * len(products)
    bad = [v for v in values if not np.isfinite(v) or v <= -1]
    if bad:
        raise ValueError(say("plan.growth_range", values=bad[:3]))
    return pd.Series(values, index=list(products), dtype="float64")


def scenario_totals(
    last: pd.Series,
    base: pd.Series,
    company: pd.Series | None,
    *,
    growth: float | Mapping[str, float],
    stretch: float,
) -> pd.DataFrame:
    """Exact (real) half-year units per product under each scenario.

    ``target`` is last half × (1 + growth); a product that sold nothing last half takes
    its forecast instead (growth over zero is zero). ``stretch`` is target ×
    (1 + stretch). ``company`` is the company's target where one is given.
    """
    products = list(
        dict.fromkeys([*last.index, *base.index, *(company.index if company is not None else [])])
    )
    last = last.reindex(products).fillna(0.0).clip(lower=0.0)
    base = base.reindex(products).fillna(0.0).clip(lower=0.0)
    g = _growth_of(growth, products)
    target = np.where(last > 0, last * (1 + g), base)
    out = pd.DataFrame(
        {
            "product": products,
            "last": last.to_numpy(),
            "base": base.to_numpy(),
            "target": target,
            "stretch": target * (1 + stretch),
            "growth": g.to_numpy(),
        }
    )
    if company is not None:
        out["company"] = company.reindex(products).to_numpy(dtype="float64")
    else:
        out["company"] = np.nan
    return out


def procurement_events(procurement: Any, products: Sequence[str]) -> list[dict[str, Any]]:
    """Validate ``procurement=`` (a dict or a list of dicts) into a list of events."""
    if procurement is None:
        return []
    items = [procurement] if isinstance(procurement, Mapping) else list(procurement)
    events = []
    allowed = {"product", "start", "volume_change", "price_change", "hospitals"}
    for item in items:
        if not isinstance(item, Mapping):
            raise TypeError(say("plan.procurement_type"))
        unknown = set(item) - allowed
        if unknown:
            raise ValueError(
                say("plan.procurement_keys", keys=sorted(unknown), valid=sorted(allowed))
            )
        if "product" not in item or "start" not in item or "volume_change" not in item:
            raise ValueError(say("plan.procurement_needs"))
        if item["product"] not in products:
            raise ValueError(
                say("plan.procurement_product", product=item["product"], products=join(products))
            )
        vol = float(item["volume_change"])
        price = float(item.get("price_change", 0.0))
        if vol <= -1 or price <= -1:
            raise ValueError(say("plan.procurement_change"))
        hospitals = item.get("hospitals")
        events.append(
            {
                "product": str(item["product"]),
                "start": pd.Period(item["start"], freq="M"),
                "volume_change": vol,
                "price_change": price,
                "hospitals": None if hospitals is None else {str(h) for h in hospitals},
            }
        )
    return events


def apply_procurement(
    targets: pd.DataFrame, events: Sequence[Mapping[str, Any]]
) -> tuple[pd.DataFrame, pd.Series]:
    """Step change in volume and price from a month on, in the affected hospitals.

    ``targets`` has product, hospital_id, month, units and price; returns the adjusted
    copy (units rounded half up per cell) and the change in units per row.
    """
    out = targets.copy()
    before = out["units"].to_numpy(dtype="int64").copy()
    for ev in events:
        hit = (out["product"] == ev["product"]) & (out["month"] >= ev["start"])
        if ev["hospitals"] is not None:
            hit &= out["hospital_id"].isin(ev["hospitals"])
        new = round_half_up(out.loc[hit, "units"].to_numpy() * (1 + ev["volume_change"]))
        out.loc[hit, "units"] = new
        out.loc[hit, "price"] = out.loc[hit, "price"] * (1 + ev["price_change"])
    out["units"] = out["units"].astype("int64")
    return out, pd.Series(out["units"].to_numpy() - before, index=out.index)
