"""Charts with Chinese labels: the CJK font fallback chain and the plan's standard charts.

Fonts are registered on first use, not at import. The chain prefers Noto Sans CJK, then
WenQuanYi, then the fonts Windows and macOS ship (Microsoft YaHei, SimHei, PingFang);
``make fonts`` installs the Debian packages. Without any of them a warning says so and
charts still render (Chinese glyphs would show as boxes).
"""

from __future__ import annotations

import functools
import warnings
from typing import TYPE_CHECKING, Any

import pandas as pd

from repkit.report.style import completion_band, is_money_label, units, wan_axis

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "CJK_FONTS",
    "completion_bars",
    "cjk_font",
    "finish_monthly",
    "format_axis",
    "forecast_band",
    "monthly_history",
    "use_cjk_fonts",
]

CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
)
"""Font families tried in order for Chinese text."""

COLORS = {
    "actual": "#1f4e79",
    "target": "#c55a11",
    "forecast": "#2e75b6",
    "band": "#9dc3e6",
    "good": "#548235",
    "mid": "#bf9000",
    "bad": "#c00000",
}


@functools.cache
def cjk_font() -> str | None:
    """Name of the first installed CJK font family of :data:`CJK_FONTS`, or None.

    Examples
    --------
    >>> cjk_font() in (None, *CJK_FONTS)
    True
    """
    from matplotlib import font_manager

    for attempt in range(2):
        installed = {f.name for f in font_manager.fontManager.ttflist}
        for name in CJK_FONTS:
            if name in installed:
                return name
        if attempt == 0:  # fonts installed after matplotlib built its cache
            reload = getattr(font_manager, "_load_fontmanager", None)  # private, may go
            if reload is None:
                break
            font_manager.fontManager = reload(try_read_cache=False)
    return None


@functools.cache
def use_cjk_fonts() -> str | None:
    """Configure matplotlib (and seaborn) to draw Chinese text.

    Sets the sans-serif family to the CJK chain followed by DejaVu Sans (for Latin and
    digits) and turns off the Unicode minus that CJK fonts lack. Safe to call many times.

    Returns
    -------
    str or None
        The CJK font in use, or None (after a warning) when none is installed.

    Examples
    --------
    >>> use_cjk_fonts() in (None, *CJK_FONTS)
    True
    """
    from matplotlib import rcParams

    found = cjk_font()
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [*CJK_FONTS, "DejaVu Sans"]
    rcParams["axes.unicode_minus"] = False
    rcParams["figure.dpi"] = 100
    rcParams["savefig.dpi"] = 120
    rcParams["savefig.bbox"] = "tight"
    if found is None:
        warnings.warn(
            "No CJK font found: Chinese labels will show as boxes. Install one with "
            "`make fonts` (Debian packages fonts-noto-cjk, fonts-wqy-microhei).",
            RuntimeWarning,
            stacklevel=2,
        )
    return found


def format_axis(ax: Any, kind: str, *, axis: str = "y") -> None:
    """Format an axis by the one chart convention of repkit.

    ``"money"`` in 万, ``"units"`` with thousands separators, ``"percent"`` for
    fractions.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> format_axis(ax, "money")
    >>> ax.yaxis.get_major_formatter()(250000, 0), ax.yaxis.get_major_formatter()(5000, 0)
    ('25万', '5,000')
    >>> format_axis(ax, "units")
    >>> ax.yaxis.get_major_formatter()(50000, 0)
    '50,000'
    >>> plt.close(fig)
    """
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    formatters = {
        "money": FuncFormatter(wan_axis),
        "units": FuncFormatter(lambda x, _pos=None: units(x)),
        "percent": PercentFormatter(1.0),
    }
    if kind not in formatters:
        raise ValueError(f"axis kind {kind!r}; valid: {', '.join(formatters)}")
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(formatters[kind])


def monthly_history(
    actual: pd.Series,
    *,
    target: pd.Series | None = None,
    forecast: pd.DataFrame | None = None,
    title: str = "月度销售",
    ylabel: str = "数量",
) -> Figure:
    """Line chart of monthly actuals, optional monthly targets and a forecast band.

    Parameters
    ----------
    actual
        Monthly values indexed by ``Period[M]``.
    target
        Monthly targets indexed by ``Period[M]`` (drawn as a dashed step line).
    forecast
        Frame indexed by ``Period[M]`` with ``mean`` and optionally ``lo_80``/``hi_80``,
        ``lo_95``/``hi_95`` (as returned by ``rk.forecast.forecast``).
    title, ylabel
        Chart title and y-axis label.

    Returns
    -------
    matplotlib Figure
    """
    use_cjk_fonts()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.6))
    x = actual.index.to_timestamp()
    ax.plot(x, actual.to_numpy(), color=COLORS["actual"], marker="o", ms=3, label="实际")
    if target is not None and len(target):
        ax.step(
            target.index.to_timestamp(),
            target.to_numpy(),
            where="post",
            color=COLORS["target"],
            ls="--",
            label="指标",
        )
    if forecast is not None and len(forecast):
        forecast_band(ax, forecast)
    ax.set_title(title)
    finish_monthly(fig, ax, ylabel)
    return fig


def forecast_band(ax: Any, forecast: pd.DataFrame, *, markers: bool = False) -> None:
    """Draw the 95 % and 80 % bands (where present) and the forecast mean on ``ax``.

    ``forecast`` is indexed by ``Period[M]`` with ``mean`` and optionally
    ``lo_95``/``hi_95``, ``lo_80``/``hi_80``; labels 95%区间, 80%区间, 预测.
    """
    fx = pd.PeriodIndex(forecast.index, freq="M").to_timestamp()
    for lv, alpha in ((95, 0.25), (80, 0.45)):
        lo, hi = f"lo_{lv}", f"hi_{lv}"
        if lo in forecast and hi in forecast:
            band = {"color": COLORS["band"], "alpha": alpha, "label": f"{lv}%区间"}
            ax.fill_between(fx, forecast[lo], forecast[hi], **band)
    style = {"marker": "o", "ms": 3} if markers else {}
    ax.plot(fx, forecast["mean"], color=COLORS["forecast"], ls="-.", label="预测", **style)


def finish_monthly(fig: Figure, ax: Any, ylabel: str) -> None:
    """The common finish of a monthly line chart: y label, grid, legend, dates, layout.

    The y axis follows :func:`format_axis`: 万 when the label names money (元, 金额,
    销售额), thousands separators otherwise.
    """
    format_axis(ax, "money" if is_money_label(ylabel) else "units")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", ncols=5, fontsize=8, frameon=False)
    fig.autofmt_xdate()
    fig.tight_layout()


def completion_bars(
    frame: pd.DataFrame,
    *,
    label: str,
    rate: str = "completion_rate",
    title: str = "完成率",
    norm: float = 1.0,
) -> Figure:
    """Horizontal bars of completion rates (0–1) with the 100 % line.

    Parameters
    ----------
    frame
        One row per item with a label column and a rate column (a fraction).
    label
        Column with the item names (e.g. ``"product"``).
    rate
        Column with the fraction to draw.
    title
        Chart title.
    norm
        Reference line (1.0 = 100 %). Bars take the completion colours of
        :mod:`repkit.report.style` (red below 80 %, amber below 100 %, green).

    Returns
    -------
    matplotlib Figure
    """
    use_cjk_fonts()
    import matplotlib.pyplot as plt

    data = frame[[label, rate]].dropna().sort_values(rate)
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(data) + 1.2))
    band = {"bad": COLORS["bad"], "mid": COLORS["mid"], "good": COLORS["good"]}
    colors = [band[completion_band(v) or "bad"] for v in data[rate]]
    ax.barh(data[label].astype(str), data[rate], color=colors)
    ax.axvline(norm, color="black", lw=1, ls="--")
    for y, v in enumerate(data[rate]):
        ax.text(v, y, f" {v:.0%}", va="center", fontsize=8)
    format_axis(ax, "percent", axis="x")
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
