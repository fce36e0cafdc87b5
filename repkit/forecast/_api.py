"""Forecast, forecast_many, backtest and backtest_many over the engine."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from repkit.forecast import _engine, _models
from repkit.forecast._calendar import OPTIONS as CALENDARS
from repkit.forecast._engine import METHODS
from repkit.forecast._input import check_series, long_to_series
from repkit.messages import join, say

_CHUNK = 500  # series per parallel task; results do not depend on the number of workers
SELECT_WINDOWS = _engine.SELECT_WINDOWS
"""Backtest windows used inside ``method="auto"`` to choose the models."""


def _check_args(horizon: int, method: str, level: Sequence[int], calendar: str) -> tuple:
    if not isinstance(horizon, (int, np.integer)) or isinstance(horizon, bool) or horizon < 1:
        raise ValueError(say("arg.horizon", value=horizon))
    if method not in METHODS:
        raise ValueError(say("arg.method", valid=join(METHODS), value=method))
    if calendar not in CALENDARS:
        raise ValueError(f"calendar must be one of {', '.join(CALENDARS)}; got {calendar!r}")
    levels = (level,) if isinstance(level, (int, float)) else tuple(level)
    if not all(isinstance(lv, (int, np.integer)) and 0 < lv < 100 for lv in levels):
        raise ValueError(f"level must be whole percentages between 0 and 100, got {level!r}")
    return tuple(int(lv) for lv in levels)


def _columns(levels) -> list[str]:
    return ["mean", *[f"{b}_{lv}" for lv in levels for b in ("lo", "hi")]]


def _frame(result: _engine.Result, levels) -> pd.DataFrame:
    data = {"mean": result.mean}
    for lv in levels:
        data[f"lo_{lv}"] = result.lo[lv]
        data[f"hi_{lv}"] = result.hi[lv]
    return pd.DataFrame(data, index=pd.PeriodIndex(result.months, name="month"))


def forecast(
    y: pd.Series,
    horizon: int,
    *,
    method: str = "auto",
    level: Sequence[int] = (80, 95),
    calendar: str = "auto",
    windows: int = SELECT_WINDOWS,
    include_history: bool = False,
    missing: str = "error",
) -> pd.DataFrame:
    """Forecast one monthly series, with prediction intervals.

    Parameters
    ----------
    y
        Monthly sales (units or amount) indexed by ``Period[M]`` (a DatetimeIndex of
        month starts or ends works too). Consecutive months, each once; zeros are sales
        of zero, negative values (returns) are allowed.
    horizon
        Months to forecast after the last month of ``y``.
    method
        ``"auto"`` (backtested selection and combination, see the module notes),
        ``"fast"`` (the same as ``"auto"`` since auto uses no statsmodels model) or one model of
        :data:`METHODS`; a model that does not fit the series (a seasonal model on a
        one-year history) falls back to ``"auto"``'s choice among those that do.
    level
        Coverage of the intervals, in percent.
    calendar
        ``"auto"``, ``"cn"`` (Chinese working days and Spring Festival), ``"weekdays"``
        (Monday–Friday count and month length) or ``"none"``.
    windows
        Rolling-origin backtest windows used to choose the models.
    include_history
        Also return the history months, with columns ``actual`` and ``fitted`` (one-step
        in-sample forecasts), for charts.
    missing
        What a month without a value (absent from the index, or NaN) means: ``"error"``
        (refuse it, the default), ``"zero"`` (no sales that month) or ``"interpolate"``
        (a straight line between the neighbouring months; right for levels such as
        prices or stock, wrong for sales).

    Returns
    -------
    DataFrame
        Indexed by month (``Period[M]``): ``mean``, then ``lo_<level>`` and
        ``hi_<level>`` per level. ``attrs``: ``model`` (the models averaged, joined by
        "+"), ``kind`` (regular/short/tiny/intermittent/zero, "/new" when launched
        inside the history) and ``calendar``.

    Raises
    ------
    DataError
        Daily or weekly data (``not_monthly``: aggregate to months first), months missing
        (``missing_month``, see ``missing``) or repeated in ``y``, or values that are not
        numbers; also a holiday file (``REPKIT_HOLIDAYS``, ``rk.calendar.use_holidays``)
        that cannot be read, with any calendar but ``"weekdays"`` and ``"none"``.
    FileNotFoundError
        The holiday file named by ``REPKIT_HOLIDAYS`` does not exist.
    ValueError
        A bad ``horizon``, ``method``, ``level``, ``calendar`` or ``missing``.

    Examples
    --------
    >>> months = pd.period_range("2024-01", periods=30, freq="M")
    >>> y = pd.Series(np.linspace(100, 160, 30), index=months)
    >>> fc = rk.forecast.forecast(y, 3, level=(90,))
    >>> list(fc.columns), fc.attrs["kind"]
    (['mean', 'lo_90', 'hi_90'], 'regular')
    >>> bool(fc["mean"].iloc[0] > 155)
    True
    """
    levels = _check_args(horizon, method, level, calendar)
    series = check_series(y, missing=missing)
    s = _engine.Series("y", series.to_numpy(dtype="float64"), series.index)
    _engine.assign_calendar([s], calendar, pooled=False)
    result = _engine.run([s], int(horizon), method=method, levels=levels, windows=windows)[0]
    out = _frame(result, levels)
    if include_history:
        hist = pd.DataFrame(
            {"actual": series.to_numpy(dtype="float64"), "fitted": result.fitted},
            index=pd.PeriodIndex(series.index, name="month"),
        )
        out = pd.concat([hist, out], axis=0)[["actual", "fitted", *_columns(levels)]]
    out.attrs.update(model=result.model, kind=result.kind, calendar=result.calendar)
    return out


def _n_workers(n_jobs: int | None, series: list[_engine.Series]) -> int:
    if n_jobs is not None:
        if n_jobs == 0:
            raise ValueError("n_jobs must be a positive number of processes, -1 or None")
        return (os.cpu_count() or 1) if n_jobs < 0 else int(n_jobs)
    work = len(series)
    return min(os.cpu_count() or 1, 8) if work > 4 * _CHUNK else 1


def _run_chunks(series, horizon, *, n_jobs, **kw) -> list[_engine.Result]:
    # sort by length and end so that each chunk holds few, large batches
    order = sorted(range(len(series)), key=lambda i: (len(series[i].y), str(series[i].months[-1])))
    chunks = [order[i : i + _CHUNK] for i in range(0, len(order), _CHUNK)]
    workers = _n_workers(n_jobs, series)
    if workers <= 1 or len(chunks) == 1:
        parts = [_engine.run([series[i] for i in c], horizon, **kw) for c in chunks]
    else:
        from joblib import Parallel, delayed

        parts = Parallel(n_jobs=min(workers, len(chunks)), backend="loky")(
            delayed(_engine.run)([series[i] for i in c], horizon, **kw) for c in chunks
        )
    out: list[_engine.Result | None] = [None] * len(series)
    for c, part in zip(chunks, parts, strict=True):
        for i, r in zip(c, part, strict=True):
            out[i] = r
    return out  # type: ignore[return-value]


def forecast_many(
    frame: pd.DataFrame,
    horizon: int,
    *,
    keys: Sequence[str],
    month: str = "month",
    value: str = "units",
    method: str = "auto",
    level: Sequence[int] = (80, 95),
    calendar: str = "auto",
    windows: int = SELECT_WINDOWS,
    n_jobs: int | None = None,
    fill: bool = False,
    missing: str = "zero",
) -> pd.DataFrame:
    """Forecast every series of a long table, in parallel processes.

    Each series is forecast from its own months: from its first to its last month with
    rows, so a product that stopped selling is forecast after its last month (not from
    zeros) and one that started late is not taken for a launch. With ``calendar="none"``
    a series' point forecast is the same whichever other series share the call; two
    things are learnt across series: the calendar option with its pooled coefficients,
    and, where series of the same length and kind bring at least 300 backtest errors
    (about seven), a floor under each interval's width from their pooled errors.

    Parameters
    ----------
    frame
        Long table with the ``keys`` columns, ``month`` and ``value``; rows of the same
        key and month are added up (so a sales table, or daily or weekly rows, can be
        passed as is: they become monthly totals).
    horizon, method, level, calendar, windows
        As in :func:`forecast`. The calendar option is chosen once for the table and each
        series' coefficients are shrunk towards the pooled estimate, which keeps short
        series' Spring Festival effects sensible.
    keys
        Columns that identify a series, e.g. ``["region", "product"]``.
    month, value
        Names of the month and value columns.
    n_jobs
        Processes (joblib); ``None`` uses all cores when the work is large enough to pay
        for starting them, ``-1`` all cores. Results do not depend on it.
    fill
        Run every series over the table's whole span instead, months without rows as
        zero: a series that ends early is then forecast from its zeros, one that starts
        late is treated as launched inside the history, and all forecasts cover the
        same months.
    missing
        Months without rows inside a series' own span: ``"zero"`` (no sales, the
        default for sales tables, which leave such months out), ``"interpolate"``
        (levels such as prices; blank values count as missing months too) or
        ``"error"``.

    Returns
    -------
    DataFrame
        One row per key × forecast month: the ``keys``, ``month``, ``mean``,
        ``lo_<level>``, ``hi_<level>``, ``model``, ``kind``, ``calendar``. The forecast
        months follow each series' own last month (unless ``fill``).

    Raises
    ------
    DataError
        Values that are not numbers, or months without rows when ``missing="error"``.

    Examples
    --------
    >>> months = pd.period_range("2023-07", periods=36, freq="M")
    >>> t = np.arange(36)
    >>> frame = pd.DataFrame({
    ...     "product": ["A"] * 36 + ["B"] * 36,
    ...     "month": list(months) * 2,
    ...     "units": np.r_[200 + 20 * np.cos(t / 1.9), 50 + t],
    ... })
    >>> fc = rk.forecast.forecast_many(frame, 6, keys=["product"])
    >>> fc.groupby("product").size().to_dict()
    {'A': 6, 'B': 6}
    >>> str(fc["month"].min()), str(fc["month"].max())
    ('2026-07', '2026-12')
    """
    levels = _check_args(horizon, method, level, calendar)
    keys = list(keys)
    series = long_to_series(frame, keys=keys, month=month, value=value, align=fill, missing=missing)
    _engine.assign_calendar(series, calendar, pooled=True)
    results = _run_chunks(
        series, int(horizon), n_jobs=n_jobs, method=method, levels=levels, windows=windows
    )
    return _results_frame(results, keys, levels)


def _results_frame(results: list[_engine.Result], keys: list[str], levels) -> pd.DataFrame:
    cols = [*keys, "month", *_columns(levels), "model", "kind", "calendar"]
    if not results:
        return pd.DataFrame(columns=cols)
    H = len(results[0].months)
    data: dict[str, Any] = {}
    for j, k in enumerate(keys):
        data[k] = np.repeat(np.array([r.key[j] for r in results], dtype=object), H)
    data["month"] = pd.PeriodIndex(np.concatenate([np.asarray(r.months) for r in results]))
    data["mean"] = np.concatenate([r.mean for r in results])
    for lv in levels:
        data[f"lo_{lv}"] = np.concatenate([r.lo[lv] for r in results])
        data[f"hi_{lv}"] = np.concatenate([r.hi[lv] for r in results])
    for c in ("model", "kind", "calendar"):
        data[c] = np.repeat(np.array([getattr(r, c) for r in results], dtype=object), H)
    out = pd.DataFrame(data)[cols]
    for k in keys:
        out[k] = out[k].astype(str) if all(isinstance(v, str) for v in out[k]) else out[k]
    return out


def _origin_list(n: int, horizon: int, windows: int) -> list[int]:
    if windows < 1:
        raise ValueError(f"windows must be at least 1, got {windows!r}")
    origins = _engine._origins(n, horizon, windows, min(24, max(6, n // 2)))
    if not origins:
        raise ValueError(f"{n} months are too few to backtest {horizon} months ahead")
    return origins


def _backtest_rows(
    series: list[_engine.Series], horizon, *, method, levels, windows, pooled, calendar, n_jobs
):
    """Detail rows of a backtest for series of equal history (same months)."""
    n = len(series[0].y)
    origins = _origin_list(n, horizon, windows)
    frames = []
    for w, o in enumerate(sorted(origins, reverse=True), start=1):
        cut = [_engine.Series(s.key, s.y[:o], s.months[:o]) for s in series]
        _engine.assign_calendar(cut, calendar, pooled=pooled)
        hh = min(horizon, n - o)
        # the selection inside each window is exactly forecast()'s (its windows, the full
        # horizon); windows that reach past the data are cut afterwards
        res = _run_chunks(
            cut,
            horizon,
            n_jobs=n_jobs,
            method=method,
            levels=levels,
            windows=SELECT_WINDOWS,
            keep_candidates=True,
        )
        for s, c, r in zip(series, cut, res, strict=True):
            actual = s.y[o : o + hh]
            scale = _mase_scale(c.y)
            outs = {"auto" if method in ("auto", "fast") else method: _engine_cols(r, levels)}
            if method in ("auto", "fast"):
                outs.update(r.candidates)
            if "snaive" not in outs and len(c.y) > _models.M:
                outs["snaive"] = _benchmark(c.y, horizon, levels)
            for model, cols in outs.items():
                cols = {k: np.asarray(v)[:hh] for k, v in cols.items()}
                part = pd.DataFrame(
                    {
                        "window": w,
                        "origin": s.months[o - 1],
                        "model": model,
                        "month": r.months[:hh],
                        "step": np.arange(1, hh + 1),
                        "actual": actual,
                        **{k: np.asarray(v) for k, v in cols.items()},
                    }
                )
                part["error"] = part["actual"] - part["mean"]
                part["scale"] = scale
                part["selected"] = r.model
                part.insert(0, "_key", [s.key] * len(part))
                frames.append(part)
    return pd.concat(frames, ignore_index=True)


def _benchmark(y: np.ndarray, horizon: int, levels) -> dict[str, np.ndarray]:
    """Seasonal naive on the raw months (leading zeros of a launch included), as a yardstick.

    Every series of a backtest gets it, also those whose pool leaves it out (launched or
    short series), so that auto is compared with it on the same series and windows.
    """
    f = _models.snaive(y[None, :], horizon)
    mean, lo, hi = _engine._model_output(
        _engine._guard_sigma(f, y[None, :]),
        log=False,
        cal_f=np.zeros((1, horizon)),
        kms=np.ones(1),
        klev={lv: np.ones(1) for lv in levels},
        levels=levels,
        nonneg=np.array([bool((y >= 0).all())]),
    )
    return {"mean": mean[0], **{f"lo_{lv}": lo[lv][0] for lv in levels}} | {
        f"hi_{lv}": hi[lv][0] for lv in levels
    }


def _engine_cols(r: _engine.Result, levels) -> dict[str, np.ndarray]:
    cols = {"mean": r.mean}
    for lv in levels:
        cols[f"lo_{lv}"], cols[f"hi_{lv}"] = r.lo[lv], r.hi[lv]
    return cols


def _mase_scale(y: np.ndarray) -> float:
    """Mean absolute seasonal-naive (else naive) error of the training months."""
    for lag in (12, 1):
        if len(y) > lag:
            d = np.abs(y[lag:] - y[:-lag]).mean()
            if d > 0:
                return float(d)
    return math.nan


def backtest(
    y: pd.Series,
    horizon: int,
    *,
    windows: int = 3,
    method: str = "auto",
    level: Sequence[int] = (80, 95),
    calendar: str = "auto",
) -> pd.DataFrame:
    """Rolling-origin backtest: forecast from earlier months and compare with what came.

    For each window the history is cut at an origin, the whole selection runs again on
    the months before it (nothing after the origin is used), and the next ``horizon``
    months are forecast. Origins step back from ``len(y) - horizon``; when the series is
    too short they move forward instead and the last windows are shorter.

    Parameters
    ----------
    y, horizon, method, level, calendar
        As in :func:`forecast`.
    windows
        Number of origins.

    Returns
    -------
    DataFrame
        One row per window × model × month: ``window`` (1 = latest origin), ``origin``
        (last month used), ``model`` (``"auto"`` is the selected combination, the others
        each candidate alone; ``"snaive"`` is there for every series with more than a
        year before the origin, as the yardstick, also where auto's pool leaves it
        out), ``month``, ``step``, ``actual``, ``mean``, the bounds,
        ``error`` (actual − mean), ``scale`` (mean absolute seasonal-naive error of the
        training months, the MASE denominator) and ``selected`` (what auto chose).

    Examples
    --------
    >>> months = pd.period_range("2023-01", periods=36, freq="M")
    >>> y = pd.Series(100 + 10 * np.sin(np.arange(36) / 1.9), index=months)
    >>> bt = rk.forecast.backtest(y, 6, windows=2, method="fast")
    >>> sorted(bt["window"].unique().tolist())
    [1, 2]
    >>> int(rk.forecast.backtest_report(bt).loc["auto", "n_windows"])
    2
    """
    levels = _check_args(horizon, method, level, calendar)
    series = check_series(y)
    s = _engine.Series("y", series.to_numpy(dtype="float64"), series.index)
    out = _backtest_rows(
        [s],
        int(horizon),
        method=method,
        levels=levels,
        windows=windows,
        pooled=False,
        calendar=calendar,
        n_jobs=1,
    )
    return out.drop(columns="_key")


def backtest_many(
    frame: pd.DataFrame,
    horizon: int,
    *,
    keys: Sequence[str],
    month: str = "month",
    value: str = "units",
    windows: int = 3,
    method: str = "auto",
    level: Sequence[int] = (80, 95),
    calendar: str = "auto",
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Backtest every series of a long table (see :func:`backtest`, :func:`forecast_many`).

    Returns
    -------
    DataFrame
        The rows of :func:`backtest` with the ``keys`` columns in front.

    Examples
    --------
    >>> months = pd.period_range("2023-07", periods=36, freq="M")
    >>> frame = pd.DataFrame({"product": ["A"] * 36 + ["B"] * 36,
    ...                       "month": list(months) * 2, "units": np.arange(72) % 13 + 5.0})
    >>> bt = rk.forecast.backtest_many(frame, 3, keys=["product"], windows=2, method="fast")
    >>> sorted(bt["product"].unique())
    ['A', 'B']
    """
    levels = _check_args(horizon, method, level, calendar)
    keys = list(keys)
    series = long_to_series(frame, keys=keys, month=month, value=value, align=True)
    out = _backtest_rows(
        series,
        int(horizon),
        method=method,
        levels=levels,
        windows=windows,
        pooled=True,
        calendar=calendar,
        n_jobs=n_jobs,
    )
    key_cols = pd.DataFrame(out.pop("_key").tolist(), columns=keys, index=out.index)
    return pd.concat([key_cols, out], axis=1)
