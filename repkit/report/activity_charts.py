"""Charts of the call plan: adoption transitions, KPIs against norms, visits, the pyramid.

All labels are Chinese; fonts come from :func:`repkit.report.charts.use_cjk_fonts`.
Each function returns a matplotlib Figure and leaves pyplot's state alone otherwise.
Number axes follow :func:`repkit.report.charts.format_axis` (万, thousands separators, %).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from repkit.report.charts import COLORS, format_axis, use_cjk_fonts
from repkit.schema import RATING_LABELS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["kpi_bars", "pyramid_chart", "transition_heatmap", "visits_bars"]

_PYRAMID_COLORS = {"A": "#1f4e79", "B": "#2e75b6", "C": "#9dc3e6"}


def _rating_label(r: int) -> str:
    return f"{r} {RATING_LABELS.get(int(r), '')}"


def transition_heatmap(
    matrix: pd.DataFrame, *, title: str = "用药评级变化（前期 → 后期）", share: bool = False
) -> Figure:
    """Heat map of the adoption-ladder transition matrix with Chinese rating labels.

    Rows are the rating before, columns the rating after; cells above the diagonal
    moved up (better), below slid back. Counts are written in the cells.

    Parameters
    ----------
    matrix
        Output of :func:`repkit.tiering.transition_matrix` (7 × 7 counts).
    title
        Chart title; the up / same / down counts of ``matrix.attrs`` are appended.
    share
        Colour by each row's share instead of the count (cells still show counts).

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-01-10", "2026-05-03"]),
    ...                   "doctor_id": ["D1", "D1"], "rating_after": [3, 5]})
    >>> m = rk.tiering.transition_matrix(c, before="2026Q1", after="2026Q2")
    >>> fig = rk.report.activity_charts.transition_heatmap(m)
    >>> fig.axes[0].get_ylabel()
    '前期评级'
    """
    use_cjk_fonts()
    import matplotlib.pyplot as plt

    m = matrix.astype("float64")
    hidden = np.isnan(m.to_numpy())  # groups suppressed for privacy (fewer than 5)
    values = np.nan_to_num(m.to_numpy())
    if share:
        rows = values.sum(axis=1, keepdims=True)
        shown = np.divide(values, rows, out=np.zeros_like(values), where=rows > 0)
    else:
        shown = values
    fig, ax = plt.subplots(figsize=(7.2, 6.0))
    image = ax.imshow(shown, cmap="Blues", aspect="equal")
    n_rows, n_cols = values.shape
    top = shown.max() if shown.size else 0
    for i in range(n_rows):
        for j in range(n_cols):
            v = int(values[i, j])
            if v == 0 and not hidden[i, j]:
                continue
            dark = top > 0 and shown[i, j] > 0.6 * top
            ax.text(
                j,
                i,
                "<5" if hidden[i, j] else str(v),
                ha="center",
                va="center",
                fontsize=9,
                color="white" if dark else "black",
            )
    for k in range(min(n_rows, n_cols)):
        ax.add_patch(plt.Rectangle((k - 0.5, k - 0.5), 1, 1, fill=False, lw=1.2, ec="#7f7f7f"))
    ax.set_xticks(range(n_cols), [_rating_label(c) for c in m.columns], rotation=35, ha="right")
    ax.set_yticks(range(n_rows), [_rating_label(r) for r in m.index])
    ax.set_xlabel("后期评级")
    ax.set_ylabel("前期评级")
    a = matrix.attrs
    if {"up", "same", "down"} <= set(a):
        title = f"{title}\n上升 {a['up']} 人 · 持平 {a['same']} 人 · 下降 {a['down']} 人"
    ax.set_title(title)
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    format_axis(bar.ax, "percent" if share else "units")
    bar.set_label("行内占比" if share else "医生人数")
    fig.tight_layout()
    return fig


def kpi_bars(kpis: pd.DataFrame, *, title: str = "活动指标与规范") -> Figure:
    """Bars of the rate KPIs (coverage, frequency, development, …) with their norms.

    Bars are green when the KPI meets its norm and red when not; the norm is a black
    tick on each bar's row. KPIs without a rate unit (visits a day, meetings, days)
    are left to :func:`visits_bars` and the KPI table.

    Parameters
    ----------
    kpis
        Output of :func:`repkit.activity.kpi_table`.
    title
        Chart title.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> k = pd.DataFrame({"label": ["A类医生覆盖率", "科室开发率"], "value": [1.0, 0.66],
    ...                   "norm": [1.0, 1.0], "unit": ["%", "%"]})
    >>> fig = rk.report.activity_charts.kpi_bars(k)
    >>> len(fig.axes[0].patches)
    2
    """
    use_cjk_fonts()
    import matplotlib.pyplot as plt

    data = kpis[(kpis["unit"] == "%") & kpis["value"].notna()].iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(data) + 1.3))
    y = np.arange(len(data))
    ok = (data["value"] >= data["norm"] - 1e-12) | data["norm"].isna()
    colors = [COLORS["good"] if v else COLORS["bad"] for v in ok]
    ax.barh(y, data["value"], color=colors, height=0.6)
    for yi, (v, n) in enumerate(zip(data["value"], data["norm"], strict=True)):
        close = pd.notna(n) and v < n and round(v, 2) >= n  # 99.5 % must not read 100 %
        ax.text(v, yi, f" {v:.1%}" if close else f" {v:.0%}", va="center", fontsize=8)
        if pd.notna(n):
            ax.plot([n, n], [yi - 0.4, yi + 0.4], color="black", lw=2)
    ax.set_yticks(y, data["label"].astype(str))
    format_axis(ax, "percent", axis="x")
    ax.set_xlim(0, max(1.1, float(data["value"].max()) * 1.12 if len(data) else 1.1))
    ax.set_title(f"{title}（黑线为规范）")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def visits_bars(visits: pd.DataFrame, *, title: str = "人均每工作日有效拜访") -> Figure:
    """Effective visits per working day of each rep against the norm (seed 003: ≥ 8).

    Parameters
    ----------
    visits
        Output of :func:`repkit.activity.visits_per_day` (rep_id, name, visits_per_day,
        norm).
    title
        Chart title.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> v = pd.DataFrame({"rep_id": ["R1", "R2"], "name": ["王明", "李华"],
    ...                   "visits_per_day": [9.1, 6.5], "norm": 8.0})
    >>> fig = rk.report.activity_charts.visits_bars(v)
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['王明', '李华']
    """
    use_cjk_fonts()
    import matplotlib.pyplot as plt

    norm = float(visits["norm"].iloc[0]) if "norm" in visits and len(visits) else 8.0
    names = visits["name"].fillna(visits["rep_id"]) if "name" in visits else visits["rep_id"]
    fig, ax = plt.subplots(figsize=(max(4.0, 0.8 * len(visits) + 2), 3.4))
    values = visits["visits_per_day"].astype("float64")
    colors = [COLORS["good"] if v >= norm else COLORS["bad"] for v in values]
    ax.bar(np.arange(len(visits)), values, color=colors)
    ax.axhline(norm, color="black", ls="--", lw=1)
    ax.annotate(  # right of the plot, clear of the bars and their labels
        f"规范 {norm:g}",
        xy=(1, norm),
        xycoords=("axes fraction", "data"),
        xytext=(3, 0),
        textcoords="offset points",
        va="center",
        fontsize=8,
    )
    for x, v in enumerate(values):
        ax.text(x, v, f"{v:.1f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(np.arange(len(visits)), names.astype(str))
    ax.set_ylabel("次/工作日")
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def pyramid_chart(pyramid: pd.DataFrame, *, title: str = "医生金字塔") -> Figure:
    """The doctor pyramid (塔尖 / 塔腰 / 塔基): doctors per tier and share rated ≥ 5.

    Parameters
    ----------
    pyramid
        Output of :func:`repkit.tiering.pyramid` (one row per tier). Suppressed rows
        (see :func:`repkit.privacy.suppress`) are drawn empty.
    title
        Chart title.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> p = pd.DataFrame({"tier": ["A", "B", "C"], "level": ["塔尖", "塔腰", "塔基"],
    ...                   "doctors": [15, 58, 218], "rated_5plus_share": [0.87, 0.74, 0.56]})
    >>> fig = rk.report.activity_charts.pyramid_chart(p)
    >>> len(fig.axes[0].patches)
    3
    """
    use_cjk_fonts()
    import matplotlib.pyplot as plt

    data = pyramid.set_index("tier").reindex(["C", "B", "A"])
    counts = pd.to_numeric(data["doctors"], errors="coerce").astype("float64")
    widest = float(counts.max()) if counts.notna().any() else 1.0
    fig, ax = plt.subplots(figsize=(7, 3.2))
    for y, (tier, row) in enumerate(data.iterrows()):
        n = counts.loc[tier]
        w = n if pd.notna(n) else 0.0
        ax.barh(y, w, left=-w / 2, color=_PYRAMID_COLORS[str(tier)], height=0.8)
        share = row.get("rated_5plus_share")
        text = f"{row.get('level', tier)} {tier}类：" + (
            f"{int(n)} 人" if pd.notna(n) else "人数少于5，不显示"
        )
        if pd.notna(n) and share is not None and pd.notna(share):
            text += f"，评级≥5 占 {share:.0%}"
        ax.text(w / 2 + widest * 0.02, y, text, ha="left", va="center", fontsize=9)
    ax.set_xlim(-widest / 2 * 1.05, widest / 2 * 2.1)
    ax.set_yticks([])
    ax.set_xticks([])
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(title)
    fig.tight_layout()
    return fig
