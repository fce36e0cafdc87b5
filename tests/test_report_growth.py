"""Forecast display tables (repkit.report.growth)."""

from __future__ import annotations

import pytest

import repkit as rk
from repkit.report.growth import accuracy_table, growth_table


@pytest.fixture(scope="module")
def sales(sample_ds):
    ds = sample_ds.for_region("兰州")
    return ds.sales.merge(ds.hospitals[["hospital_id", "level"]], on="hospital_id")


def test_growth_table_puts_rates_and_intervals_in_one_cell(sales):
    g = rk.forecast.growth(sales, "2026H2", keys=["level"], method="fast")
    t = growth_table(g)
    assert t.columns.tolist()[:4] == ["医院等级", "上半年实际", "去年同期", "预测合计"]
    assert set(t["医院等级"]) == {"三甲", "三级", "二级", "一级", "社区"}
    assert t["上半年实际"].sum() == round(g["last_half"].sum())
    first = t["环比"].iloc[0]
    assert first.startswith(("+", "-"))
    assert "~" in first
    with pytest.raises(ValueError, match="levels: 80, 95"):
        growth_table(g, level=90)


def test_accuracy_table_marks_the_chosen_model_and_nominal_coverage(sales):
    y = sales.groupby("month")["units"].sum()
    report = rk.forecast.backtest_report(rk.forecast.backtest(y, 6, windows=2, method="fast"))
    t = accuracy_table(report)
    assert "自动组合（采用）" in t["模型"].tolist()  # model names from the label registry
    assert t["80%区间覆盖"].str.endswith("（应接近 80%）").all()
    assert len(t) == len(report)
