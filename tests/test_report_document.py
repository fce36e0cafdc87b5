import json

import matplotlib
import pytest

import repkit as rk
from repkit.report import document

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def plan(sample_plan):
    return sample_plan("2026H2", growth=0.5, forecast="simple")


def test_headline_states_the_review_and_the_target(plan):
    text = document.headline(plan)
    assert text.startswith("### 兰州 · 2026年下半年 工作计划")
    assert f"{plan.summary['completion_rate']:.1%}" in text
    assert f"{plan.summary['target_units']:,}" in text
    assert "统方" in text  # the compliance note is part of every plan document


def test_scenario_table_totals_match_the_scenarios(plan):
    html = document.scenario_table(plan).to_html()
    total = plan.scenarios.query("scenario == 'target'")["units"].sum()
    assert f"{total:,.0f}" in html


def test_month_product_table_sums_to_the_target(plan):
    styler = document.month_product_table(plan)
    frame = styler.data
    assert frame.iloc[-1, -1] == plan.summary["target_units"]


def test_charts_have_chinese_titles(plan):
    fig = document.scenario_chart(plan)
    assert "情景" in fig.axes[0].get_title()
    fig = document.history_chart(plan, forecast=False)
    assert fig.axes[0].get_legend_handles_labels()[1][:2] == ["实际", "指标"]


def test_write_summary_is_json_with_key_figures(plan, tmp_path):
    path = document.write_summary(plan, tmp_path, privacy="pseudonymised")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["region"] == "兰州"
    assert data["privacy"] == "pseudonymised"
    assert data["target_units"] == plan.summary["target_units"]
    assert not list(tmp_path.glob("*.tmp"))


def test_growth_table_reads_against_both_references(plan):
    frame = document.growth_table(plan).data
    assert set(frame["product"]) == set(plan.data.sales["product"])
    assert (frame["lo_80"] <= frame["forecast"]).all()
    assert (frame["forecast"] <= frame["hi_80"]).all()
    ratio = frame["forecast"] / frame["last_half"] - 1
    assert ratio.round(6).equals(frame["hoh_rate"].round(6))


def test_overrides_and_goals_show_in_the_plan_document():
    plan = rk.plan.build(
        rk.sample.seed000(), "2026H2", forecast="simple", overrides=rk.sample.seed000_overrides()
    )
    shown = document.overrides_table(plan).data
    assert len(shown) == len(plan.overrides) > 0
    assert list(shown.columns[:2]) == ["说明", "口径"]
    assert shown["说明"].str.startswith("经理指定").all()
    goals = document.goals_table(plan).data
    assert len(goals) == len(plan.goals) > 0


def test_a_plan_without_overrides_says_where_to_give_them(plan):
    (empty,) = document.overrides_table(plan).data["说明"].tolist()
    assert empty.startswith("本计划没有经理指定的数字")
    assert "经理指定.xlsx" in empty
    assert "经理指定.xlsx" in document.goals_table(plan).data["说明"].iloc[0]
