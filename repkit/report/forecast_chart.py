"""Forecast charts with Chinese labels: history, fitted values, forecast and intervals.

``forecast_plot`` draws what a manager needs to judge a forecast: the actual months, the
model's one-step fitted values (how closely it followed the history), the forecast and
its 80 % / 95 % intervals. ``backtest_plot`` shows the backtest: each window's forecast
against what happened, and MASE per model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from repkit.labels import CALENDAR_LABELS, label_code
from repkit.report.charts import (
    COLORS,
    finish_monthly,
    forecast_band,
    format_axis,
    use_cjk_fonts,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["backtest_plot", "forecast_plot"]

_CAL_ZH = CALENDAR_LABELS


def model_label(model: str) -> str:
    """Chinese name of a model or of a '+'-joined combination.

    Examples
    --------
    >>> model_label("snaive+theta")
    '季节朴素＋Theta'
    """
    return str(label_code(model, "model"))


def forecast_plot(
    y: pd.Series,
    forecast: pd.DataFrame | None = None,
    *,
    horizon: int = 6,
    method: str = "auto",
    title: str = "销售预测",
    ylabel: str = "数量",
) -> Figure:
    """Actuals, fitted values, forecast and intervals of one monthly series.

    Parameters
    ----------
    y
        Monthly actuals indexed by ``Period[M]``.
    forecast
        Output of ``rk.forecast.forecast(..., include_history=True)`` (with ``fitted``);
        a frame without history draws no fitted line. ``None`` forecasts ``y`` here.
    horizon, method
        Used when ``forecast`` is None.
    title, ylabel
        Chart title and y-axis label.

    Returns
    -------
    matplotlib Figure
        Lines labelled 实际 (actual), 拟合 (fitted), 预测 (forecast) and bands 80%区间,
        95%区间; the subtitle names the models and calendar adjustment.

    Examples
    --------
    >>> months = pd.period_range("2023-07", periods=36, freq="M")
    >>> y = pd.Series(100 + 10 * np.cos(np.arange(36) / 1.9), index=months)
    >>> fig = forecast_plot(y, horizon=6, method="fast")
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['实际', '拟合', '预测']
    """
    use_cjk_fonts()
    import matplotlib.pyplot as plt

    from repkit.forecast import forecast as _forecast

    if forecast is None:
        forecast = _forecast(y, horizon, method=method, include_history=True)
    actual = pd.Series(np.asarray(y, dtype="float64"), index=pd.PeriodIndex(y.index, freq="M"))
    fig, ax = plt.subplots(figsize=(9, 3.8))
    ax.plot(
        actual.index.to_timestamp(),
        actual.to_numpy(),
        color=COLORS["actual"],
        marker="o",
        ms=3,
        label="实际",
    )
    if "fitted" in forecast:
        fit = forecast["fitted"].dropna()
        ax.plot(
            fit.index.to_timestamp(),
            fit.to_numpy(),
            color=COLORS["target"],
            lw=1,
            alpha=0.8,
            label="拟合",
        )
    fut = forecast[forecast["mean"].notna()] if "mean" in forecast else forecast
    forecast_band(ax, fut, markers=True)
    model = forecast.attrs.get("model")
    sub = f"模型：{model_label(model)}" if model else ""
    if forecast.attrs.get("calendar"):
        sub += f"；日历调整：{_CAL_ZH.get(forecast.attrs['calendar'], forecast.attrs['calendar'])}"
    ax.set_title(f"{title}\n{sub}" if sub else title, fontsize=11)
    ax.set_xlabel("月份")
    finish_monthly(fig, ax, ylabel)
    return fig


def backtest_plot(
    backtest: pd.DataFrame, *, y: pd.Series | None = None, title: str = "回测"
) -> Figure:
    """Backtest of one series: each window's forecast against the actuals, MASE per model.

    Parameters
    ----------
    backtest
        Output of ``rk.forecast.backtest``.
    y
        The whole series, drawn as context (optional).
    title
        Chart title.

    Returns
    -------
    matplotlib Figure
        Left: actuals (实际) and the selected forecast of each window (窗口 1 = latest);
        right: MASE per model (below 1 beats last year's same month).

    Examples
    --------
    >>> months = pd.period_range("2023-01", periods=36, freq="M")
    >>> y = pd.Series(100 + 10 * np.sin(np.arange(36) / 1.9), index=months)
    >>> bt = rk.forecast.backtest(y, 6, windows=2, method="fast")
    >>> fig = backtest_plot(bt, y=y)
    >>> len(fig.axes)
    2
    """
    use_cjk_fonts()
    import matplotlib.pyplot as plt

    from repkit.forecast import backtest_report

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [2, 1]})
    if y is not None:
        ax.plot(
            pd.PeriodIndex(y.index, freq="M").to_timestamp(),
            np.asarray(y, dtype="float64"),
            color=COLORS["actual"],
            marker="o",
            ms=3,
            label="实际",
        )
    auto = backtest[backtest["model"] == "auto"]
    for w, part in auto.groupby("window"):
        x = pd.PeriodIndex(part["month"], freq="M").to_timestamp()
        ax.plot(x, part["mean"], ls="--", lw=1.5, label=f"窗口{w}预测")
        if "lo_80" in part:
            ax.fill_between(x, part["lo_80"], part["hi_80"], color=COLORS["band"], alpha=0.3)
    ax.set_title(title, fontsize=11)
    ax.set_xlabel("月份")
    format_axis(ax, "units")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
    report = backtest_report(backtest).reset_index()
    colors = [COLORS["forecast"] if m == "auto" else COLORS["band"] for m in report["model"]]
    bx.barh([model_label(m) for m in report["model"]], report["mase"], color=colors)
    bx.axvline(1.0, color=COLORS["bad"], lw=1, ls=":")
    bx.invert_yaxis()
    bx.set_xlabel("MASE（<1 优于去年同月）")
    bx.set_title("各模型误差", fontsize=11)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig
