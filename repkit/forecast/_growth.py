"""Growth view: next half-year against the last one and the same half last year."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from repkit.calendar import Half
from repkit.forecast._engine import SELECT_WINDOWS


def growth(
    frame: pd.DataFrame,
    half: str | Half | None = None,
    *,
    keys: Sequence[str] = (),
    month: str = "month",
    value: str = "units",
    method: str = "auto",
    level: Sequence[int] = (80, 95),
    calendar: str = "auto",
    windows: int = SELECT_WINDOWS,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Forecast a half-year per group and compare it with the last half and last year.

    The half-year total is the forecast of its months (plus any months of it already in
    the data); its interval comes from the joint distribution of the monthly errors (they
    are correlated, so the monthly bounds are not simply added). Growth intervals divide
    the total's bounds by the fixed past actuals.

    Parameters
    ----------
    frame
        Long sales table with the ``keys`` columns, ``month`` and ``value``; rows are
        added up per group and month, months without rows count as zero.
    half
        The half-year to forecast, e.g. ``"2026H2"``; default the half after the last
        month of ``frame`` (or the one it ends inside).
    keys
        Group columns, e.g. ``["level", "product"]``; empty for one total row.
    month, value, method, level, calendar, windows, n_jobs
        As in :func:`repkit.forecast.forecast_many`.

    Returns
    -------
    DataFrame
        One row per group: the ``keys``, ``last_half`` and ``last_year`` (actual totals of
        the previous half and of the same half a year earlier; NaN where the data do not
        cover them), ``actual`` (months of ``half`` already in the data), ``forecast``
        (expected total), ``lo_<level>``/``hi_<level>``, ``hoh_rate`` (growth over the
        last half, 环比) and ``yoy_rate`` (over the same half last year, 同比), each with
        ``_lo_<level>``/``_hi_<level>``, then ``model``. ``attrs["half"]`` is the half.

    Raises
    ------
    ValueError
        ``half`` is already complete in the data, or other bad arguments.

    Examples
    --------
    >>> months = pd.period_range("2023-07", periods=36, freq="M")
    >>> frame = pd.DataFrame({"product": ["A"] * 36, "month": months,
    ...                       "units": 100.0 * 1.01 ** np.arange(36)})
    >>> g = rk.forecast.growth(frame, "2026H2", keys=["product"], method="fast")
    >>> g.attrs["half"], round(float(g.loc[0, "last_half"]))
    ('2026H2', 829)
    >>> bool(g.loc[0, "hoh_rate_lo_95"] < g.loc[0, "hoh_rate"] < g.loc[0, "hoh_rate_hi_95"])
    True
    """
    from repkit.forecast import _engine
    from repkit.forecast._api import _check_args, _run_chunks
    from repkit.forecast._input import long_to_series

    keys = list(keys)
    series = long_to_series(frame, keys=keys, month=month, value=value, align=True)
    last = max(s.months[-1] for s in series)
    first = min(s.months[0] for s in series)
    target = Half.parse(half) if half is not None else Half.of(last + 1)
    if target.end <= last:
        raise ValueError(
            f"{target} is already complete in the data (they run to {last}); "
            f"choose {Half.of(last + 1)} or later"
        )
    horizon = (target.end - last).n
    levels = _check_args(horizon, method, level, calendar)
    _engine.assign_calendar(series, calendar, pooled=True)
    todo = target.months[target.months > last]
    results = _run_chunks(
        series,
        horizon,
        n_jobs=n_jobs,
        method=method,
        levels=levels,
        windows=windows,
        totals={"half": todo},
    )

    def past(s, months: pd.PeriodIndex) -> float:
        """Actual total over months (zero before the series starts; NaN before the data)."""
        if months[0] < first:
            return np.nan
        pos = months.asi8 - s.months[0].ordinal
        ok = (pos >= 0) & (pos < len(s.y))
        return float(s.y[pos[ok]].sum())

    rows = []
    for s, r in zip(series, results, strict=True):
        done = target.months[target.months <= last]
        actual = past(s, done) if len(done) else 0.0
        tot = r.totals["half"]
        row = {k: v for k, v in zip(keys, s.key, strict=True)}
        row["last_half"] = past(s, target.previous.months)
        row["last_year"] = past(s, target.same_last_year.months)
        row["actual"] = actual
        row["forecast"] = actual + tot["mean"]
        for lv in levels:
            row[f"lo_{lv}"] = actual + tot[f"lo_{lv}"]
            row[f"hi_{lv}"] = actual + tot[f"hi_{lv}"]
        for name, base in (("hoh_rate", row["last_half"]), ("yoy_rate", row["last_year"])):
            ok = np.isfinite(base) and base > 0
            row[name] = row["forecast"] / base - 1 if ok else np.nan
            for lv in levels:
                for b in ("lo", "hi"):
                    row[f"{name}_{b}_{lv}"] = row[f"{b}_{lv}"] / base - 1 if ok else np.nan
        row["model"] = r.model
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs.update(
        half=str(target), last_half=str(target.previous), last_year=str(target.same_last_year)
    )
    return out
