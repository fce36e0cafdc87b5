"""One number, one truth: every figure of a plan agrees with the Plan object."""

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from _html_tables import tables_in_html
from hypothesis import given
from hypothesis import strategies as st

import repkit as rk
from repkit.calendar import Half
from repkit.plan._forecast import LEVELS, reconciled_forecast
from repkit.plan._scenario import seasonal_trend_forecast
from repkit.report import document

ALL = rk.forecast.ALL
HALF = "2026H2"


@pytest.fixture(scope="module")
def lz(lanzhou):
    return lanzhou


@pytest.fixture(scope="module")
def plan(sample_plan):
    return sample_plan(HALF, growth=0.5)


def _upto(ds, month):
    return dataclasses.replace(ds, sales=ds.sales[ds.sales["month"] <= pd.Period(month, "M")])


def test_one_forecast_at_every_cut(plan):
    base = plan.summary["scenario_base_units"]
    nodes = plan.forecast_nodes
    region = nodes.loc[nodes["product"] == ALL, "mean"].sum()
    by_level = rk.plan.forecast_table(plan, by="level")["forecast"].sum()
    by_product = rk.plan.forecast_table(plan, by="product")["forecast"].sum()
    bottom = nodes[(nodes[list(LEVELS)] != ALL).all(axis=1)]
    by_cell = bottom.groupby(["level", "product"])["mean"].sum().sum()
    # the scenario table rounds each product: at most half a unit each
    tolerance = 0.5 * plan.scenarios["product"].nunique()
    for value in (region, by_level, by_product, by_cell, plan.forecast["mean"].sum()):
        assert abs(value - base) <= tolerance
    assert plan.params["reconcile"] == "mint_shrink"


def test_scenario_table_shows_the_forecast_table(plan):
    table = rk.plan.forecast_table(plan, by="product").set_index("product")["forecast"]
    scen = plan.scenarios.query("scenario == 'base'").set_index("product")["units"]
    assert (scen.sort_index() == table.round().astype("int64").sort_index()).all()


def test_document_forecast_table_reads_the_plan(plan, monkeypatch):
    # the report layer must not forecast: make any forecast call fail
    def boom(*args, **kwargs):
        raise AssertionError("the report re-forecast")

    monkeypatch.setattr(rk.forecast, "growth", boom)
    monkeypatch.setattr(rk.forecast, "forecast", boom)
    table = document.growth_table(plan).data
    assert abs(table["forecast"].sum() - plan.summary["scenario_base_units"]) <= 4
    document.history_chart(plan)


def test_growth_step_is_never_negative_in_a_growth_plan(plan):
    steps = rk.plan.waterfall(plan, by="product").set_index("product")
    assert (steps["growth_step"] >= -1e-9).all()
    last = plan.scenarios.query("scenario == 'last'").set_index("product")["units"]
    assert np.allclose(steps["growth_step"], 0.5 * last.reindex(steps.index), atol=0.5)


def test_partial_review_half_uses_run_rate_and_warns(lz):
    p = rk.plan.build(_upto(lz, "2026-04"), HALF, growth=0.5, forecast="simple")
    assert p.warnings[0]["code"] == "review_half_partial"
    assert p.summary["warnings"] == p.warnings
    assert p.summary["review_months"] == 4
    sales = lz.sales
    done = sales[sales["month"].between(pd.Period("2026-01", "M"), pd.Period("2026-04", "M"))]
    run_rate = done.groupby("product")["units"].sum() * 6 / 4
    target = p.scenarios.query("scenario == 'target'").set_index("product")["units"]
    expected = (run_rate * 1.5).reindex(target.index)
    assert (abs(target - expected) <= 0.5).all()
    # completion and year on year compare January–April only
    before = sales[sales["month"].between(pd.Period("2025-01", "M"), pd.Period("2025-04", "M"))]
    yoy = done["amount"].sum() / before["amount"].sum() - 1
    assert p.summary["review_growth_rate"] == pytest.approx(yoy)
    assert p.summary["completion_rate"] > 0.5
    assert "只有 4 个月的数据" in document.headline(p)


def test_absent_review_half_says_no_data(lz):
    p = rk.plan.build(lz, "2027H1", growth=0.5, forecast="simple")
    assert [w["code"] for w in p.warnings] == ["review_half_absent"]
    assert "target_below_base" not in [w["code"] for w in p.warnings]
    assert p.summary["completion_rate"] is None
    assert p.summary["review_growth_rate"] is None
    text = document.headline(p)
    assert "无数据" in text
    assert "-100%" not in text


def test_far_future_half_is_refused(lz):
    with pytest.raises(rk.DataError) as err:
        rk.plan.build(lz, "2099H1", forecast="simple")
    assert err.value.problems["rule"].tolist() == ["half_beyond_data"]
    assert rk.plan.build(lz, "2028H1", forecast="simple").summary["target_units"] > 0


def test_absurd_units_are_refused(lz):
    sales = lz.sales.copy()
    sales.loc[sales.index[-1], "units"] = 1e308
    bad = dataclasses.replace(lz, sales=sales)
    with pytest.raises(rk.DataError) as err:
        rk.plan.build(bad, HALF, forecast="simple")
    assert "implausible_total" in err.value.problems["rule"].tolist()


def test_summary_json_equals_the_plan(plan, tmp_path):
    path = document.write_summary(plan, tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["target_units"] == int(plan.targets["units"].sum())
    assert data["scenario_base_units"] == int(
        plan.scenarios.query("scenario == 'base'")["units"].sum()
    )
    assert data["warnings"] == plan.warnings


def test_provenance_reaches_summary_json_and_the_overview_sheet(lz, tmp_path):
    rk.sample.write(rk.sample.generate(seed=0, regions=1), tmp_path / "data")
    summary = rk.plan.run_region(tmp_path / "data", "兰州", HALF, tmp_path / "out")
    sales = [r for r in summary["provenance"] if r["table"] == "sales"]
    assert len(sales) == 1
    assert sales[0]["file"] == "销售明细.xlsx"
    assert sales[0]["rows_read"] > 0
    saved = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert saved["provenance"] == summary["provenance"]
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "out" / "plan.xlsx")["概览"]
    cells = {v for row in sheet.iter_rows(values_only=True) for v in row if v is not None}
    assert "销售明细.xlsx" in cells
    assert sales[0]["rows_read"] in cells


@st.composite
def _sales(draw):
    n_products = draw(st.integers(1, 3))
    n_hospitals = draw(st.integers(1, 4))
    months = pd.period_range("2024-07", "2026-06", freq="M")
    rows = []
    for p in range(n_products):
        for h in range(n_hospitals):
            scale = draw(st.floats(0, 500))
            noise = draw(st.lists(st.floats(0, 2), min_size=24, max_size=24))
            for m, e in zip(months, noise, strict=True):
                rows.append((f"P{p}", f"H{h}", m, scale * e))
    sales = pd.DataFrame(rows, columns=["product", "hospital_id", "month", "units"])
    hospitals = pd.DataFrame(
        {
            "hospital_id": [f"H{h}" for h in range(n_hospitals)],
            "level": [("三级", "二级")[h % 2] for h in range(n_hospitals)],
        }
    )
    return sales, hospitals


@given(_sales())
def test_reconciled_hierarchy_is_coherent(data):
    sales, hospitals = data
    half = Half.parse(HALF)
    nodes = reconciled_forecast(
        sales,
        hospitals,
        half,
        as_of=pd.Period("2026-06", "M"),
        forecaster=seasonal_trend_forecast,
        method="seasonal_naive_trend",
    )
    assert (nodes["mean"] >= 0).all()
    bottom = nodes[(nodes[list(LEVELS)] != ALL).all(axis=1)]
    for depth in range(len(LEVELS)):
        keys = list(LEVELS[:depth])
        level = nodes[(nodes[list(LEVELS)] != ALL).sum(axis=1) == depth]
        parent = level.groupby([*keys, "month"])["mean"].sum()
        children = bottom.groupby([*keys, "month"])["mean"].sum()
        assert np.allclose(parent.sort_index(), children.reindex(parent.index).sort_index())


def test_run_region_writes_the_templates_workbook(lz, tmp_path):
    s = rk.plan.run_region(lz, "兰州", HALF, tmp_path / "cli", forecast="simple")
    plan = rk.plan.build(lz, HALF, forecast="simple")
    privacy = rk.privacy.setup("tokens", create_key=True)
    calls = rk.activity.call_plan(lz, plan.half.start, privacy=privacy)
    t = rk.plan.write_files(plan, tmp_path / "nb", calls=calls, privacy_mode=privacy.mode)
    assert s == t
    cli = pd.read_excel(tmp_path / "cli" / "plan.xlsx", sheet_name=None, engine="calamine")
    nb = pd.read_excel(tmp_path / "nb" / "plan.xlsx", sheet_name=None, engine="calamine")
    assert list(cli) == list(nb)
    for name in cli:
        pd.testing.assert_frame_equal(cli[name], nb[name])
    schedule = next(name for name in cli if name.startswith("H"))
    assert len(cli[schedule]) == len(calls.schedule) > 0


def test_trace_adds_up_to_the_target_and_names_the_input_rows(tmp_path):
    rk.sample.write(rk.sample.generate(seed=0, regions=1), tmp_path / "data")
    ds = rk.load_dataset(tmp_path / "data")
    plan = rk.plan.build(ds, HALF, forecast="simple")
    hospital = plan.targets["hospital_id"].iloc[0]
    t = rk.plan.trace(plan, {"hospital_id": hospital})
    steps = t.steps.set_index("step")["units"]
    target = int(plan.targets.loc[plan.targets["hospital_id"] == hospital, "units"].sum())
    assert steps["final_units"] == target
    additive = steps.drop(["base_forecast", "final_units"])
    assert additive.sum() == pytest.approx(target, abs=0.05)
    assert len(t.rows) > 0
    assert set(t.rows["hospital_id"]) == {hospital}
    assert t.rows["file"].str.endswith(".xlsx").all()
    assert (t.rows["row"] >= 2).all()
    week = plan.weekly["week"].astype(str).iloc[0]
    w = rk.plan.trace(plan, {"week": week}).steps.set_index("step")["units"]
    assert (
        w["week_share"] == plan.weekly.loc[plan.weekly["week"].astype(str) == week, "units"].sum()
    )
    with pytest.raises(ValueError, match="无法识别的键 doctor_id"):
        rk.plan.trace(plan, {"doctor_id": "D1"})


def test_replan_caps_the_months_left_at_a_feasible_growth(lz):
    plan = rk.plan.build(lz, HALF, growth=0.5, forecast="simple")
    t = plan.targets
    behind = t[t["month"] <= pd.Period("2026-10", "M")].copy()
    behind["units"] = (behind["units"] * 0.5).round().astype(float)
    out = rk.plan.replan(t, behind, as_of="2026-10", max_growth=0.3)
    months = out.groupby("month")[["plan_units", "feasible_units"]].sum()
    pace = (
        months.loc[: pd.Period("2026-10", "M"), "plan_units"].sum()
        / t.loc[t["month"] <= pd.Period("2026-10", "M"), "units"].sum()
    )
    target = t.groupby("month")["units"].sum()
    left = months.loc[pd.Period("2026-11", "M") :]
    assert (left["plan_units"] > 1.5 * target.reindex(left.index)).all()  # all the shortfall
    assert (left["feasible_units"] <= target.reindex(left.index) * pace * 1.3).all()
    assert [w["code"] for w in out.attrs["warnings"]] == ["replan_beyond_growth"]
    on_track = rk.plan.replan(t, t[t["month"] <= pd.Period("2026-10", "M")], as_of="2026-10")
    assert (on_track["feasible_units"] == on_track["plan_units"]).all()
    assert on_track.attrs["warnings"] == []


def test_auto_losing_to_seasonal_naive_falls_back_and_warns(plan):
    # 兰州: auto MASE 3.1 vs seasonal naive 2.5 in the backtest, 80 % covering ~20 %
    codes = [w["code"] for w in plan.warnings]
    assert codes[:2] == ["forecast_fallback", "interval_coverage"]
    bt = plan.params["backtest"]
    assert bt["snaive_mase"] < bt["auto_mase"]
    assert plan.summary["forecast"] == "repkit.forecast(snaive)"
    nodes = plan.forecast_nodes
    assert set(nodes.loc[nodes["product"] == ALL, "model"]) == {"snaive"}
    caption = document.growth_table(plan).caption
    assert "⚠" in caption
    assert all(w["message"] in document.headline(plan) for w in plan.warnings)


@pytest.mark.parametrize("seed", [0, 3])
def test_every_workbook_total_equals_the_plan(seed, tmp_path):
    ds = rk.sample.generate(seed=seed, regions=1)
    plan = rk.plan.build(ds, HALF, growth=0.5, forecast="simple")
    calls = rk.activity.call_plan(ds, plan.half.start)
    summary = rk.plan.write_files(plan, tmp_path, calls=calls, privacy_mode="names")
    x = pd.read_excel(tmp_path / "plan.xlsx", sheet_name=None, engine="calamine")
    units, amount = int(plan.targets["units"].sum()), float(plan.targets["amount"].sum())
    d, e, g = x["D 月度品种任务分解"], x["E 季度目标与差距"], x["G 周上量分析"]
    assert int(d["月目标数量"].sum()) == units == summary["target_units"]
    assert float(d["月目标金额"].sum()) == pytest.approx(amount, abs=0.01)
    assert int(e["目标数量"].sum()) == units
    assert int(g["周目标数量"].sum()) == int(plan.weekly["units"].sum()) == units
    overview = x["概览"].dropna(subset=["品种"]).set_index("品种")
    base = plan.scenarios.query("scenario == 'base'").set_index("product")["units"]
    by_product = plan.targets.groupby("product")["units"].sum()
    assert (overview["基准预测"].reindex(base.index) == base).all()
    assert (overview["本计划数量"].reindex(by_product.index) == by_product).all()
    assert int(base.sum()) == summary["scenario_base_units"]
    saved = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert saved["target_units"] == units
    assert saved["target_amount"] == pytest.approx(amount, abs=0.01)


def test_forecast_table_by_level_and_product_adds_up(plan):
    cells = rk.plan.forecast_table(plan, by=["level", "product"])
    by_level = rk.plan.forecast_table(plan, by="level").set_index("level")["forecast"]
    summed = cells.groupby("level")["forecast"].sum()
    assert np.allclose(summed.reindex(by_level.index), by_level)
    assert {"yoy_rate_lo_80", "yoy_rate_hi_80"} <= set(cells.columns)
    assert len(rk.report.growth.growth_table(cells)) == len(cells)


def test_growth_target_below_the_forecast_is_flagged(lz):
    p = rk.plan.build(lz, HALF, growth=0.05, forecast="simple")
    target = p.summary["scenario_target_units"]
    assert target < p.summary["scenario_base_units"]
    assert "target_below_base" in [w["code"] for w in p.warnings]
    (message,) = [w["message"] for w in p.warnings if w["code"] == "target_below_base"]
    # the warning quotes the same whole numbers as the headline and the scenario table
    assert f"{target:,}" in message
    assert f"{p.summary['scenario_base_units']:,}" in message
    high = rk.plan.build(lz, HALF, growth=0.5, forecast="simple")
    assert "target_below_base" not in [w["code"] for w in high.warnings]


def _page_tables(path):
    """Every table of a page as rows of cell texts, heading rows first."""
    return [
        table.head + table.body
        for table in tables_in_html(path.read_text(encoding="utf-8"), str(path))
    ]


def _number(text):
    return float(text.replace(",", "").replace("%", "").replace("¥", "").replace("万", ""))


def _row(tables, first_cell, header_has):
    """The row that starts with `first_cell` in the table whose header mentions `header_has`."""
    for table in tables:
        if table and any(header_has in cell for cell in table[0]):
            for row in table:
                if row and row[0] == first_cell:
                    return table[0], row
    raise AssertionError(f"no table with {header_has!r} and a row {first_cell!r}")


@pytest.fixture(scope="module")
def rendered(sample_dir, tmp_path_factory):
    """The half-year template run by the batch for 兰州, and the same Plan built in-process."""
    from pathlib import Path

    out = tmp_path_factory.mktemp("rendered") / "reports"
    template = Path(__file__).resolve().parent.parent / "templates" / "half_year_plan.ipynb"
    params = {"half": HALF, "forecast": "simple"}
    manifest = rk.batch.run(
        template,
        data=sample_dir,
        out_dir=out,
        regions=["兰州"],
        params=params,
        workers=1,
        progress=False,
    )
    assert manifest["regions"]["兰州"]["status"] == "ok", manifest["regions"]["兰州"]["error"]
    ds = rk.load_dataset(sample_dir).for_region("兰州")
    return out, rk.plan.build(ds, HALF, growth=0.5, forecast="simple")


@pytest.mark.xdist_group("rendered")
def test_plan_html_totals_equal_the_plan(rendered):
    out, plan = rendered
    tables = _page_tables(out / "兰州" / "plan.html")
    header, row = _row(tables, "合计", "基准预测")
    shown = dict(zip(header, row, strict=True))
    s = plan.summary
    assert _number(shown["基准预测"]) == s["scenario_base_units"]
    assert _number(shown["目标"]) == s["scenario_target_units"] == s["target_units"]
    assert _number(shown["冲刺"]) == s["scenario_stretch_units"]
    assert _number(shown["公司指标"]) == s["scenario_company_units"]
    # the monthly product targets add up to the plan's target, and so do the reps' amounts
    header, row = _row(tables, "合计", f"{HALF[:4]}-07")
    assert _number(row[-1]) == plan.targets["units"].sum() == s["target_units"]
    header, row = _row(tables, "合计", f"{HALF[:4]}Q3")
    assert _number(row[-1]) == round(s["target_amount"])
    # the forecast table's products are the base scenario, product by product
    header, _ = _row(tables, "合计", "基准预测")
    forecast_rows = [t for t in tables if t and "80%下限" in t[0]]
    assert forecast_rows, "the forecast table is missing"
    ft = forecast_rows[0]
    col = next(i for i, h in enumerate(ft[0]) if h.endswith("预测"))
    shown_base = sum(_number(r[col]) for r in ft[1:] if r and r[0] != "合计")
    assert abs(shown_base - s["scenario_base_units"]) <= len(ft)  # one unit of rounding per row


@pytest.mark.xdist_group("rendered")
def test_plan_html_headline_quotes_the_plan(rendered):
    import re

    out, plan = rendered
    page = (out / "兰州" / "plan.html").read_text(encoding="utf-8")
    s = plan.summary
    assert f"{s['target_units']:,}" in page
    assert f"¥{s['target_amount'] / 1e4:,.1f}万" in page
    completion = re.search(r"完成率\s*(?:</[^>]+>\s*)*[:：]\s*(?:<[^>]+>\s*)*(-?[\d.]+)%", page)
    assert completion, "the headline's completion rate is missing"
    assert float(completion.group(1)) == pytest.approx(100 * s["completion_rate"], abs=0.05)


@pytest.mark.xdist_group("rendered")
def test_index_and_summary_json_equal_the_plan(rendered):
    out, plan = rendered
    s = plan.summary
    saved = json.loads((out / "兰州" / "summary.json").read_text(encoding="utf-8"))
    assert saved["target_units"] == s["target_units"]
    assert saved["target_amount"] == pytest.approx(s["target_amount"])
    assert saved["completion_rate"] == pytest.approx(s["completion_rate"])
    header, row = _row(_page_tables(out / "index.html"), "兰州", "区域")
    shown = dict(zip(header, row, strict=True))
    units = next(v for h, v in shown.items() if "目标数量" in h)
    rate = next(v for h, v in shown.items() if "完成率" in h)
    amount = next(v for h, v in shown.items() if "目标金额(万元)" in h)
    assert _number(units) == s["target_units"]
    assert _number(amount) == round(s["target_amount"] / 1e4, 1)
    assert _number(rate) == pytest.approx(100 * s["completion_rate"], abs=0.05)


def test_region_chart_reads_the_plans_forecast(plan):
    months = rk.plan.forecast_months(plan)
    assert list(months.index) == list(plan.half.months)
    assert months["mean"].sum() == pytest.approx(plan.summary["scenario_base_units"], abs=1)
    by_product = rk.plan.forecast_table(plan, by="product").set_index("product")["forecast"]
    for product, value in by_product.items():
        shown = rk.plan.forecast_months(plan, product=product)["mean"].sum()
        assert shown == pytest.approx(value, abs=1e-6)
    with pytest.raises(ValueError, match="层级只能是"):
        rk.plan.forecast_months(plan, doctor_id="D1")
