"""Backtest report: accuracy and interval coverage per model and per group of series."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

_DETAIL = {
    "window",
    "origin",
    "model",
    "month",
    "step",
    "actual",
    "mean",
    "error",
    "scale",
    "selected",
}


def backtest_report(backtest: pd.DataFrame, *, by: Sequence[str] = ()) -> pd.DataFrame:
    """Summarise a backtest: MASE, RMSE, bias and interval coverage per model.

    Parameters
    ----------
    backtest
        Output of :func:`repkit.forecast.backtest` or :func:`repkit.forecast.backtest_many`.
    by
        Columns to break the summary down by, e.g. ``["region"]`` or a column you added
        (hospital level, product category).

    Returns
    -------
    DataFrame
        Indexed by ``by`` and ``model``, sorted by MASE within each group: ``n_series``,
        ``n_windows``, ``mase`` (mean absolute error over the series' seasonal-naive
        in-sample error, averaged over series and windows; below 1 beats last year's
        same month), ``rmse``, ``mae``, ``bias`` (mean of actual − forecast; positive =
        forecasts too low) and ``coverage_<level>`` (share of actuals inside the
        interval; should be close to the level).

    Examples
    --------
    >>> bt = pd.DataFrame({"window": [1, 1], "model": ["auto", "auto"],
    ...                    "actual": [10.0, 12.0], "mean": [11.0, 11.0], "error": [-1.0, 1.0],
    ...                    "scale": [2.0, 2.0], "lo_95": [8.0, 8.0], "hi_95": [11.5, 13.0]})
    >>> rk.forecast.backtest_report(bt).loc["auto", ["mase", "rmse", "coverage_95"]].tolist()
    [0.5, 1.0, 1.0]
    """
    by = list(by)
    missing = [c for c in ("model", "error", "scale", "window", *by) if c not in backtest]
    if missing:
        raise ValueError(f"backtest has no column {missing[0]!r}; pass the output of backtest()")
    keys = [c for c in backtest.columns if c not in _DETAIL and not c.startswith(("lo_", "hi_"))]
    levels = sorted(int(c[3:]) for c in backtest.columns if c.startswith("lo_"))
    bt = backtest.copy()
    bt["_series"] = bt[keys].astype(str).agg("|".join, axis=1) if keys else "y"
    bt["_abs"] = bt["error"].abs()
    for lv in levels:
        bt[f"_in_{lv}"] = (bt["actual"] >= bt[f"lo_{lv}"]) & (bt["actual"] <= bt[f"hi_{lv}"])
    per = bt.groupby([*by, "model", "_series", "window"], sort=False).agg(
        mae=("_abs", "mean"), scale=("scale", "first")
    )
    per["mase"] = per["mae"] / per["scale"].where(per["scale"] > 0)
    grouped = bt.groupby([*by, "model"], sort=True)
    out = pd.DataFrame(
        {
            "n_series": grouped["_series"].nunique(),
            "n_windows": grouped["window"].nunique(),
            "mase": per.groupby(level=[*by, "model"])["mase"].mean(),
            "rmse": grouped["error"].apply(lambda e: float(np.sqrt(np.mean(e**2)))),
            "mae": grouped["_abs"].mean(),
            "bias": grouped["error"].mean(),
            **{f"coverage_{lv}": grouped[f"_in_{lv}"].mean() for lv in levels},
        }
    )
    sort = [*by, "mase"] if by else ["mase"]
    return out.reset_index().sort_values(sort, kind="stable").set_index([*by, "model"])
