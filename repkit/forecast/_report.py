"""Backtest report: accuracy and interval coverage per model and per group of series."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from repkit.messages import join, language, say

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
        interval; should be close to the level). ``attrs["warnings"]``: one Chinese
        sentence per group where ``auto`` backtests worse than seasonal naive
        (``snaive``, which every series of a backtest gets as a yardstick), compared on
        the same series and windows, then one per group and level where auto's interval
        coverage is farther from its level than chance explains (see
        :func:`_coverage_notes`); empty when neither happened.

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
    out = out.reset_index().sort_values(sort, kind="stable").set_index([*by, "model"])
    out.attrs["warnings"] = _losses(per["mase"], by) + _coverage_notes(out, by, levels)
    return out


COVERAGE_SIGMAS = 2.0
"""How far (in binomial standard errors) auto's backtest coverage may stray from the
interval's level before the report says so; see :func:`_coverage_notes`."""


def _coverage_notes(out: pd.DataFrame, by: list[str], levels: list[int]) -> list[str]:
    """Chinese sentences for the groups where auto's intervals missed their level.

    The months of one window share their errors, so the count of independent draws is
    taken as series × windows, not months: a group is flagged when its coverage is more
    than :data:`COVERAGE_SIGMAS` binomial standard errors of that count (and at least 5
    points) away from the level. The sentence names the direction of the misses when the
    backtest's bias is more than half its mean absolute error: a change the history did
    not show (兰州's slump in the sample data) makes intervals cover little, and says so.

    Examples
    --------
    >>> r = pd.DataFrame({"n_series": [8], "n_windows": [3], "mae": [600.0],
    ...     "bias": [-480.0], "coverage_80": [0.24]}, index=pd.Index(["auto"], name="model"))
    >>> note = _coverage_notes(r, [], [80])[0]
    >>> print(note[:38])
    回测中实际值落在区间里的太少：80% 区间覆盖了 24%（应接近 80%）。
    >>> print(note[38:])
    区间偏窄，实际大多低于预测，近期可能出现了历史里没有的下滑；请把区间看作最低限度的不确定性。
    """
    if "auto" not in out.index.get_level_values("model"):
        return []
    auto = out.xs("auto", level="model") if by else out.loc[["auto"]]
    notes = []
    for name, row in auto.iterrows():
        draws = row["n_series"] * row["n_windows"]
        narrow: list[tuple[int, float]] = []
        wide: list[tuple[int, float]] = []
        for lv in levels:
            cov, p = row.get(f"coverage_{lv}"), lv / 100
            if not (draws > 0 and np.isfinite(cov)):
                continue
            tol = max(0.05, COVERAGE_SIGMAS * np.sqrt(p * (1 - p) / draws))
            if abs(cov - p) > tol:
                (wide if cov > p else narrow).append((lv, cov))
        where = join(name if isinstance(name, tuple) else (name,))
        prefix = say("prefix.where", where=where) if by else ""
        if narrow:
            notes.append(prefix + coverage_text(narrow, bias=row["bias"], mae=row["mae"]))
        if wide:
            notes.append(prefix + coverage_text(wide, bias=row["bias"], mae=row["mae"], wide=True))
    return notes


def _losses(mase: pd.Series, by: list[str]) -> list[str]:
    """Chinese sentences for the groups where auto backtests worse than seasonal naive.

    Compared on the same series and windows (those where both have a MASE), by the
    geometric mean of auto's error over seasonal naive's; a group is flagged when that
    exceeds 1 or when auto is worse on at least half of its series, so that a few
    launches (where last year's same month is zero) cannot hide the others.
    """
    models = mase.index.get_level_values("model")
    if "auto" not in models or "snaive" not in models:
        return []
    wide = mase.unstack("model")[["auto", "snaive"]]
    wide = wide[(wide > 0).all(axis=1) & np.isfinite(wide).all(axis=1)]
    ratio = np.log(wide["auto"] / wide["snaive"])
    per_series = ratio.groupby(level=[*by, "_series"]).mean()
    groups = per_series.groupby(level=by) if by else [((), per_series)]
    out = []
    for name, part in groups:
        cells = ratio.loc[name] if by else ratio
        worse = int((part > 0).sum())
        if not len(part) or (cells.mean() <= 0 and worse * 2 < len(part)):
            continue
        where = join(name if isinstance(name, tuple) else (name,))
        prefix = say("prefix.where", where=where) if where else ""
        out.append(prefix + _loss_text(worse, len(part), cells.mean()))
    return out


def _loss_text(worse: int, n: int, log_ratio: float) -> str:
    """The sentence of :func:`_losses`, its average ratio worded by the side of 1 it is on.

    So that "worse on 6 of 8 series" never sits beside "0.92 times its error" unexplained.
    """
    ratio = float(np.exp(log_ratio))
    key = "forecast.loss_worse" if ratio > 1 else "forecast.loss_fewer"
    return say(key, ratio=ratio, worse=worse, n=n) + say("forecast.loss_advice")


def coverage_text(
    missed: list[tuple[int, float]], *, bias: float, mae: float, wide: bool = False
) -> str:
    """The sentence for intervals whose backtest coverage missed their level.

    ``missed`` holds (level, coverage) pairs, all too low or (``wide``) all too high;
    ``bias`` (mean of actual − forecast) and ``mae`` of the same backtest name the
    direction of the misses when the bias is more than half the mean absolute error.
    Shared by :func:`backtest_report` and the plan's check of its region total, so that
    one finding reads the same everywhere.

    Examples
    --------
    >>> text = coverage_text([(80, 0.5)], bias=1.0, mae=10.0)
    >>> text.startswith("回测中实际值落在区间里的太少：80% 区间覆盖了 50%（应接近 80%）。区间偏窄")
    True
    """
    sep = ", " if language() == "en" else "，"
    covered = sep.join(say("forecast.coverage_part", level=lv, cov=cov) for lv, cov in missed)
    if wide:
        return say("forecast.coverage_wide", covered=covered)
    side = ""
    if abs(bias) > 0.5 * mae:
        side = say("forecast.coverage_below" if bias < 0 else "forecast.coverage_above")
    return say("forecast.coverage_narrow", covered=covered, side=side)
    return (
        f"回测中实际值落在区间里的太少：{covered}。区间偏窄，{side}请把区间看作最低限度的不确定性。"
    )
