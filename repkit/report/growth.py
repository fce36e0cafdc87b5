"""Forecast tables for documents: growth with its interval in one cell, backtest accuracy.

``rk.forecast.growth`` returns numbers (rates as fractions, bounds in their own
columns) for further work; a manager reads "+34%（80%区间 −12% ~ +80%）" more easily.
These helpers turn those frames into display tables with Chinese headings. Write the
raw frames, not these, to Excel.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from repkit._escape import markdown_text
from repkit.labels import label_codes
from repkit.report.tables import COLUMN_LABELS
from repkit.schema import LEVEL_LABELS

__all__ = ["accuracy_table", "backtest_notes", "growth_table"]

_KEY_LABELS = {**COLUMN_LABELS, "level": "医院等级"}


def _pct(value: float) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:+.0%}"


def _band(mid: float, lo: float, hi: float) -> str:
    if mid is None or not np.isfinite(mid):
        return "–"
    return f"{_pct(mid)}（{_pct(lo)} ~ {_pct(hi)}）"


def growth_table(growth: pd.DataFrame, *, level: int = 80) -> pd.DataFrame:
    """A growth forecast for reading: totals, and growth rates with their interval.

    Parameters
    ----------
    growth
        Output of ``rk.forecast.growth`` (keys, last_half, last_year, forecast, bounds,
        hoh_rate/yoy_rate with bounds, model).
    level
        Which interval to show (must be among the forecast's levels).

    Returns
    -------
    DataFrame
        The keys (hospital levels in Chinese), 上半年实际, 去年同期, 预测合计,
        预测区间, 环比, 同比 (rates as "+34%（−12% ~ +80%）") and 模型.

    Examples
    --------
    >>> g = pd.DataFrame({"level": ["3A"], "last_half": [100.0], "last_year": [90.0],
    ...     "forecast": [120.0], "lo_80": [100.0], "hi_80": [140.0], "hoh_rate": [0.2],
    ...     "hoh_rate_lo_80": [0.0], "hoh_rate_hi_80": [0.4], "yoy_rate": [1 / 3],
    ...     "yoy_rate_lo_80": [0.11], "yoy_rate_hi_80": [0.56], "model": ["snaive"]})
    >>> row = growth_table(g).iloc[0].astype(str).tolist()
    >>> row[:5]
    ['三甲', '100', '90', '120', '100 ~ 140']
    >>> row[5:]
    ['+20%（+0% ~ +40%）', '+33%（+11% ~ +56%）', '季节朴素']
    """
    lo, hi = f"lo_{level}", f"hi_{level}"
    if lo not in growth:
        levels = sorted({c.split("_")[1] for c in growth if c.startswith("lo_")})
        raise ValueError(f"no {level}% interval in the forecast; levels: {', '.join(levels)}")
    value_cols = {"last_half", "last_year", "actual", "forecast", "model"}
    keys: Sequence[str] = [
        c
        for c in growth.columns
        if c not in value_cols and not c.startswith(("lo_", "hi_", "hoh_rate", "yoy_rate"))
    ]
    out = pd.DataFrame(index=growth.index)
    for key in keys:
        values = growth[key]
        if key == "level":
            values = values.map(lambda v: LEVEL_LABELS.get(str(v), v))
        out[_KEY_LABELS.get(key, key)] = values
    out["上半年实际"] = growth["last_half"].round().astype("Int64")
    out["去年同期"] = growth["last_year"].round().astype("Int64")
    out["预测合计"] = growth["forecast"].round().astype("Int64")
    out[f"{level}%区间"] = [
        f"{a:,.0f} ~ {b:,.0f}" for a, b in zip(growth[lo], growth[hi], strict=True)
    ]
    for rate, label in (("hoh_rate", "环比"), ("yoy_rate", "同比")):
        out[label] = [
            _band(m, a, b)
            for m, a, b in zip(
                growth[rate], growth[f"{rate}_{lo}"], growth[f"{rate}_{hi}"], strict=True
            )
        ]
    if "model" in growth:
        out["模型"] = label_codes(growth["model"], "model")
    return out.reset_index(drop=True)


def accuracy_table(report: pd.DataFrame) -> pd.DataFrame:
    """A backtest report for reading: MASE, RMSE, bias and interval coverage per model.

    Parameters
    ----------
    report
        Output of ``rk.forecast.backtest_report`` (indexed by model, optionally by
        groups).

    Returns
    -------
    DataFrame
        模型 (``auto`` marked as 采用), 序列数, 窗口数, MASE (2 decimals), RMSE, 偏差,
        and the coverage of each interval as a percentage next to its nominal level.

    Examples
    --------
    >>> r = pd.DataFrame({"n_series": [2], "n_windows": [3], "mase": [0.873], "rmse": [12.4],
    ...     "mae": [9.0], "bias": [-1.2], "coverage_80": [0.75]},
    ...     index=pd.Index(["auto"], name="model"))
    >>> accuracy_table(r).iloc[0].astype(str).tolist()
    ['自动组合（采用）', '2', '3', '0.87', '12', '-1', '75%（应接近 80%）']
    """
    frame = report.reset_index()
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        if col not in report.columns and col != "model":
            out[_KEY_LABELS.get(col, col)] = frame[col]
    names = label_codes(frame["model"], "model")
    chosen = frame["model"].eq("auto").to_numpy()
    out["模型"] = [f"{n}（采用）" if c else n for c, n in zip(chosen, names, strict=True)]
    out["序列数"] = frame["n_series"]
    out["窗口数"] = frame["n_windows"]
    out["MASE"] = [f"{v:.2f}" for v in frame["mase"]]
    out["RMSE"] = [f"{v:,.0f}" for v in frame["rmse"]]
    out["偏差"] = [f"{v:,.0f}" for v in frame["bias"]]
    for col in frame.columns:
        if col.startswith("coverage_"):
            nominal = col.split("_")[1]
            out[f"{nominal}%区间覆盖"] = [
                "–" if not np.isfinite(v) else f"{v:.0%}（应接近 {nominal}%）" for v in frame[col]
            ]
    return out


def backtest_notes(report: pd.DataFrame) -> str:
    """What the backtest says about the adopted forecast, as Markdown under its table.

    Parameters
    ----------
    report
        Output of ``rk.forecast.backtest_report``; its ``attrs["warnings"]`` name each
        group where the adopted combination lost to seasonal naive (去年同月).

    Returns
    -------
    str
        One quoted warning per such group, or a line saying the combination did not lose.

    Examples
    --------
    >>> r = pd.DataFrame({"mase": [1.2]}, index=pd.Index(["auto"], name="model"))
    >>> r.attrs["warnings"] = ["回测中自动组合在 6/8 个序列上不如“去年同月”"]
    >>> print(backtest_notes(r))
    > ⚠ 回测中自动组合在 6/8 个序列上不如“去年同月”
    >>> r.attrs["warnings"] = []
    >>> backtest_notes(r)
    '回测中，采用的自动组合没有输给“去年同月”。'
    """
    warnings = report.attrs.get("warnings") or []
    if not warnings:
        return "回测中，采用的自动组合没有输给“去年同月”。"
    return "\n".join(f"> ⚠ {markdown_text(w)}" for w in warnings)
