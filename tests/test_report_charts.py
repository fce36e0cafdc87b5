"""One number convention on every chart axis: 万 for money, thousands separators for units,
percentages for rates (repkit.report.charts.format_axis)."""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

import repkit as rk
from repkit.report import activity_charts, charts, document

matplotlib.use("Agg")

# 1000 and more written without a thousands separator or 万 ("140000")
_BARE = re.compile(r"-?\d{4,}(\.\d+)?")


def _ticks(fig, axis: str = "xy") -> list[str]:
    fig.canvas.draw()
    texts = []
    for ax in fig.axes:
        labels = [*(ax.get_xticklabels() if "x" in axis else []), *ax.get_yticklabels()]
        texts += [t.get_text() for t in labels if t.get_text()]
    return texts


@pytest.fixture(scope="module")
def plan():
    ds = rk.sample.generate(seed=0, regions=1)
    return rk.plan.build(ds, "2026H2", growth=0.5, forecast="simple")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_scenario_chart_axis_has_thousands_separators(plan):
    fig = document.scenario_chart(plan)
    ticks = _ticks(fig, axis="y")
    assert max(plan.scenarios.groupby("scenario")["units"].sum()) > 10_000  # the test bites
    assert any("," in t for t in ticks), ticks
    assert not [t for t in ticks if _BARE.fullmatch(t)], ticks
    assert fig.axes[0].yaxis.get_major_formatter()(140000, 0) == "140,000"


def test_no_chart_writes_large_numbers_without_separators(plan):
    counts = pd.DataFrame(
        np.diag([12_000.0, 3_000.0, 800.0, 50.0, 20.0, 9.0, 5.0]),
        index=range(1, 8),
        columns=range(1, 8),
    )
    kpis = pd.DataFrame(
        {"label": ["A类医生覆盖率", "科室开发率"], "value": [1.0, 0.66], "norm": 1.0, "unit": "%"}
    )
    visits = pd.DataFrame(
        {
            "rep_id": ["R1", "R2"],
            "name": ["王明", "李华"],
            "visits_per_day": [9.1, 6.5],
            "norm": 8.0,
        }
    )
    figures = {
        "scenario_chart": document.scenario_chart(plan),
        "history_chart": document.history_chart(plan),
        "completion_bars": charts.completion_bars(plan.reviews["product"], label="product"),
        "transition_heatmap": activity_charts.transition_heatmap(counts),
        "kpi_bars": activity_charts.kpi_bars(kpis),
        "visits_bars": activity_charts.visits_bars(visits),
    }
    for name, fig in figures.items():
        bare = [t for t in _ticks(fig) if _BARE.fullmatch(t.replace("−", "-"))]
        assert not bare, f"{name}: {bare}"
    colorbar = _ticks(figures["transition_heatmap"], axis="y")
    assert any(t.endswith(",000") for t in colorbar), colorbar


def test_rate_axes_are_percentages():
    kpis = pd.DataFrame({"label": ["科室开发率"], "value": [0.66], "norm": 1.0, "unit": "%"})
    fig = activity_charts.kpi_bars(kpis)
    assert fig.axes[0].xaxis.get_major_formatter()(0.5, 0) == "50%"
    share = pd.DataFrame(np.eye(7) * 10, index=range(1, 8), columns=range(1, 8))
    fig = activity_charts.transition_heatmap(share, share=True)
    assert fig.axes[1].yaxis.get_major_formatter()(0.25, 0) == "25%"


@pytest.mark.parametrize("ylabel", ["金额(元)", "销售额", "回款金额", "元"])
def test_money_axes_are_in_wan(ylabel):
    months = pd.period_range("2025-01", periods=12, freq="M")
    money = pd.Series(np.linspace(50_000, 1_400_000, 12), index=months)
    fig = charts.monthly_history(money, ylabel=ylabel)
    ticks = _ticks(fig, axis="y")
    assert any(t.endswith("万") for t in ticks), ticks
    assert not [t for t in ticks if _BARE.fullmatch(t.replace(",", ""))], ticks
    formatter = fig.axes[0].yaxis.get_major_formatter()
    assert (formatter(140_000, 0), formatter(50_000, 0)) == ("14万", "5万")
