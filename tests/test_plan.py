import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import repkit as rk
from repkit.calendar import Half, month_working_days

HALF = "2026H2"


@pytest.fixture(scope="module")
def ds():
    return rk.sample.generate(seed=0)


@pytest.fixture(scope="module")
def lz(ds):
    return ds.for_region("兰州")


@pytest.fixture(scope="module")
def plan(sample_plan):
    return sample_plan(HALF, growth=0.5, forecast="simple")


@pytest.fixture(scope="module")
def company_plan(ds):
    return rk.plan.build(ds.for_region("西宁"), HALF, scenario="company", forecast="simple")


def _read(path, sheet):
    """A sheet's table without its 合计 row (a formula row below the Table)."""
    frame = pd.read_excel(path, sheet_name=sheet, engine="calamine")
    return frame[frame.iloc[:, 0].astype(str) != "合计"]


def _sheet_totals(path):
    d = _read(path, "D 月度品种任务分解")
    e = _read(path, "E 季度目标与差距")
    ov = _read(path, "概览")
    row = ov[ov["项目"].astype(str).str.endswith("计划目标")].iloc[0]
    return (
        (int(d["月目标数量"].sum()), round(float(d["月目标金额"].sum()), 2)),
        (int(e["目标数量"].sum()), round(float(e["目标金额"].sum()), 2)),
        (int(row["数量"]), round(float(row["金额"]), 2)),
    )


def test_workbook_totals_agree_with_each_other_and_plan(plan, tmp_path):
    path = rk.report.write_excel(plan.workbook(), tmp_path / "plan.xlsx")
    d, e, ov = _sheet_totals(path)
    expected = (plan.summary["target_units"], plan.summary["target_amount"])
    assert d == expected
    assert e == expected
    assert ov == expected
    # weekly split in D adds up to the month
    dd = _read(path, "D 月度品种任务分解")
    weeks = dd[[f"第{k}周" for k in range(1, 7)]].fillna(0).sum(axis=1)
    assert (weeks == dd["月目标数量"]).all()


def test_company_scenario_totals_equal_region_half_target(ds, company_plan, tmp_path):
    t = ds.targets[(ds.targets["region"] == "西宁") & (ds.targets["period"] == HALF)]
    units, amount = int(t["units"].sum()), round(float(t["amount"].sum()), 2)
    assert company_plan.summary["target_units"] == units
    assert company_plan.summary["target_amount"] == amount
    got = company_plan.targets.groupby("product")["units"].sum()
    assert got.to_dict() == t.set_index("product")["units"].astype(int).to_dict()
    path = rk.report.write_excel(company_plan.workbook(), tmp_path / "plan.xlsx")
    assert _sheet_totals(path) == ((units, amount),) * 3


def test_exact_integer_sums_at_every_level(plan):
    t = plan.targets
    assert t["units"].dtype == "int64"
    assert (t["units"] >= 0).all()
    sel = plan.scenarios[plan.scenarios["selected"]].set_index("product")["units"]
    assert t.groupby("product")["units"].sum().to_dict() == sel.to_dict()
    # quarter = sum of its months, half = sum of quarters
    q = t.groupby(["product", "quarter"])["units"].sum()
    assert q.groupby(level=0).sum().to_dict() == sel.to_dict()
    assert set(t["quarter"].astype(str)) == {"2026Q3", "2026Q4"}
    assert set(t["month"].astype(str)) == {str(m) for m in Half.parse(HALF).months}
    # weeks add up to every monthly target row
    keys = ["month", "product", "hospital_id", "department", "rep_id"]
    w = plan.weekly.groupby(keys)["units"].sum()
    m = t.set_index(keys)["units"]
    assert w.reindex(m.index).fillna(0).astype(int).equals(m)
    assert int(plan.weekly["units"].sum()) == plan.summary["target_units"]


def test_targets_stop_at_sales_staff(lz, plan):
    staff = set(lz.reps.loc[lz.reps["role"] == "sales_staff", "rep_id"])
    medical = set(lz.reps.loc[lz.reps["role"] == "medical_rep", "rep_id"])
    assert medical
    assert set(plan.targets["rep_id"]) <= staff | {""}
    assert not set(plan.targets["rep_id"]) & medical
    assert not any("doctor" in c for c in plan.targets.columns)
    assert set(plan.reviews["rep"]["rep_id"]) <= staff | {""}


def test_responsibility_follows_rep_lists(lz, plan):
    reps = lz.reps[lz.reps["role"] == "sales_staff"].set_index("rep_id")
    for rec in plan.targets.drop_duplicates(["rep_id", "product", "hospital_id"]).itertuples():
        if rec.rep_id:
            assert rec.product in reps.loc[rec.rep_id, "products"]
            assert rec.hospital_id in reps.loc[rec.rep_id, "hospitals"]


def test_scenarios(plan):
    s = plan.scenarios.pivot_table(index="product", columns="scenario", values="units")
    ratio = s["target"] / s["last"]
    assert np.allclose(ratio[s["last"] > 0], 1.5, atol=0.01)
    assert np.allclose(s["stretch"] / s["target"], 1.4, atol=0.01)
    assert {"last", "base", "target", "stretch", "company"} <= set(s.columns)
    assert plan.summary["target_growth_rate"] == pytest.approx(0.5, abs=0.01)


def test_deterministic(lz, plan):
    again = rk.plan.build(lz, HALF, growth=0.5, forecast="simple")
    pd.testing.assert_frame_equal(again.targets, plan.targets)
    pd.testing.assert_frame_equal(again.weekly, plan.weekly)


def test_month_weights_follow_working_days_and_season(plan):
    m = plan.targets.groupby("month")["units"].sum()
    assert m.idxmin() == pd.Period("2026-10", "M") or m.min() > 0
    assert m.sum() == plan.summary["target_units"]


def test_waterfall_adds_up(plan):
    w = plan.steps
    steps = ["share_step", "forecast_step", "growth_step", "company_step", "procurement_step"]
    total = w["last_units"] + w[steps].sum(axis=1) + w["rounding_step"]
    assert np.allclose(total, w["final_units"], atol=1e-6)
    assert int(w["final_units"].sum()) == plan.summary["target_units"]
    by_product = rk.plan.waterfall(plan, by="product")
    sel = plan.scenarios[plan.scenarios["selected"]].set_index("product")["units"]
    assert by_product.set_index("product")["final_units"].to_dict() == sel.to_dict()
    region = rk.plan.waterfall(plan, by=[])
    assert region["growth_step"].iloc[0] > 0  # target over forecast
    assert abs(region["rounding_step"].iloc[0]) < len(sel)
    with pytest.raises(ValueError, match="product"):
        rk.plan.waterfall(plan, by=["doctor_id"])


def test_diff_names_the_reason(lz, plan):
    other = rk.plan.build(lz, HALF, growth=0.6, forecast="simple")
    d = rk.plan.diff(plan, other, by=["product"])
    assert (d["change_units"] > 0).all()
    assert set(d["reason"]) == {"growth"}
    assert d["note"].iloc[0] == "增长率：50% → 60%"
    same = rk.plan.diff(plan, plan, by=["product", "hospital_id"])
    assert set(same["reason"]) == {"unchanged"}


def test_procurement_scenario(lz):
    event = {
        "product": "舒肺宁注射液",
        "start": "2026-09",
        "volume_change": 1.0,
        "price_change": -0.5,
    }
    base = rk.plan.build(lz, HALF, forecast="simple")
    vbp = rk.plan.build(lz, HALF, forecast="simple", procurement=event)
    p = "舒肺宁注射液"
    b = base.targets[base.targets["product"] == p].groupby("month")[["units", "amount"]].sum()
    v = vbp.targets[vbp.targets["product"] == p].groupby("month")[["units", "amount"]].sum()
    before = b.index < pd.Period("2026-09", "M")
    assert (v.loc[before, "units"] == b.loc[before, "units"]).all()
    assert np.allclose(v.loc[~before, "units"] / b.loc[~before, "units"], 2.0, atol=0.02)
    assert np.allclose(v.loc[~before, "amount"] / b.loc[~before, "amount"], 1.0, atol=0.02)
    other = vbp.targets["product"] != p
    assert (
        vbp.targets.loc[other, "units"].sum()
        == base.targets.loc[base.targets["product"] != p, "units"].sum()
    )
    step = rk.plan.waterfall(vbp, by="product").set_index("product")["procurement_step"]
    assert step[p] == v["units"].sum() - b["units"].sum()
    sel = vbp.scenarios[vbp.scenarios["selected"]]
    assert set(sel["scenario"]) == {"procurement"}
    with pytest.raises(ValueError, match="不在计划中"):
        rk.plan.build(lz, HALF, forecast="simple", procurement={**event, "product": "无此品种"})


def test_cap_respected_and_infeasible_cap_refused(lz):
    capped = rk.plan.build(lz, HALF, forecast="simple", cap=1.2, potential_weight=0.5)
    last12 = lz.sales[lz.sales["month"] >= pd.Period("2025-07", "M")]
    best = last12.groupby(["product", "hospital_id", "month"])["units"].sum()
    best = best.groupby(level=[0, 1]).max()
    half_units = capped.targets.groupby(["product", "hospital_id"])["units"].sum()
    limit = np.floor(1.2 * best.reindex(half_units.index) * 6)
    assert (half_units <= limit).all()
    with pytest.raises(ValueError, match="cap"):
        rk.plan.build(lz, HALF, forecast="simple", cap=0.2)


def test_forecast_seam_takes_a_function(lz):
    calls = []

    def constant(y, horizon):
        calls.append(len(y))
        idx = pd.period_range(y.index[-1] + 1, periods=horizon, freq="M")
        return pd.DataFrame({"mean": 100.0}, index=idx)

    p = rk.plan.build(lz, HALF, scenario="base", forecast=constant)
    assert calls
    assert p.summary["forecast"] == "constant"
    # the function forecasts every node of the hierarchy once (region, products,
    # product × level, product × hospital); OLS reconciliation makes them add up
    nodes = p.forecast_nodes
    assert len(calls) == nodes.groupby(["product", "level", "hospital_id"]).ngroups
    assert p.params["reconcile"] == "ols"
    per_product = p.targets.groupby("product")["units"].sum()
    expected = p.forecast.groupby("product")["mean"].sum().round().astype("int64")
    assert (per_product.sort_index() == expected.sort_index()).all()
    with pytest.raises(ValueError, match="forecast 只能是"):
        rk.plan.build(lz, HALF, forecast="prophet")


def test_bad_arguments(ds, lz):
    with pytest.raises(ValueError, match="每次只为一个区域做计划"):
        rk.plan.build(ds, HALF)
    with pytest.raises(ValueError, match="base、target、stretch、company"):
        rk.plan.build(lz, HALF, scenario="dream")
    no_targets = lz.__class__(**{**lz.tables(), "targets": lz.targets.iloc[:0]})
    with pytest.raises(ValueError, match="没有 2026H2 的公司指标"):
        rk.plan.build(no_targets, HALF, scenario="company", forecast="simple")
    with pytest.raises(ValueError, match="growth 没有给出"):
        rk.plan.build(lz, HALF, growth={"瑞心安片": 0.3}, forecast="simple")


def test_review_levels(lz, plan):
    r = plan.reviews
    region = r["region"].iloc[0]
    h1 = lz.sales[lz.sales["month"].isin(Half.parse("2026H1").months)]
    assert region["actual_amount"] == pytest.approx(h1["amount"].sum())
    tgt = lz.targets[lz.targets["period"] == "2026H1"]
    assert region["target_units"] == int(tgt["units"].sum())
    assert region["completion_rate"] == pytest.approx(h1["amount"].sum() / tgt["amount"].sum())
    assert region["completion_rate"] < 0.8  # 兰州's weak first half, as in seed 000
    for level in ("product", "hospital", "department", "rep"):
        frame = r[level]
        assert frame["target_units"].sum() == region["target_units"]
        assert frame["actual_amount"].sum() == pytest.approx(region["actual_amount"])
        assert frame["gap_rank"].tolist() == list(range(1, len(frame) + 1))
        assert frame["gap_amount"].is_monotonic_decreasing
    assert "hospital" in r["hospital"]
    assert "rep" in r["rep"]
    with pytest.raises(ValueError, match=r"by 只能是 region、product、.*收到 .doctor."):
        rk.plan.review(lz, "2026H1", by="doctor")


def test_feasibility(plan):
    f = plan.capacity
    wd = int(month_working_days(Half.parse(HALF).months).sum())
    assert (f["working_days"] == wd).all()
    staff = f[f["rep_id"] != ""]
    assert (staff["capacity"] == wd * 8).all()
    assert np.allclose(staff["visits_needed"], staff["target_amount"] / staff["amount_per_call"])
    short = staff["visits_needed"] - staff["capacity"]
    assert np.allclose(staff["shortfall_visits"], short.clip(lower=0))
    assert (staff["feasible"] == (short <= 0)).all()
    assert plan.summary["reps_over_capacity"] == int((~staff["feasible"]).sum())


def test_replan_spreads_what_is_left(lz, plan):
    rp = rk.plan.replan(plan.targets, lz.sales, as_of="2026-06")
    assert rp["plan_units"].sum() == plan.targets["units"].sum()  # nothing elapsed yet
    fake = plan.targets[plan.targets["month"] <= pd.Period("2026-08", "M")].copy()
    fake["units"] = (fake["units"] * 0.8).round().astype(float)
    out = rk.plan.replan(plan.targets, fake, as_of="2026-08")
    keys = ["product", "hospital_id", "department", "rep_id"]
    target = plan.targets.groupby(keys)["units"].sum()
    got = out.groupby(keys)["plan_units"].sum()
    assert (got.reindex(target.index) >= target).all()
    future = out[out["month"] > pd.Period("2026-08", "M")]
    assert future["actual_units"].isna().all()
    with pytest.raises(ValueError, match="计划已没有剩余月份"):
        rk.plan.replan(plan.targets, lz.sales, as_of="2026-12")


def test_money_side(plan):
    m = plan.cash
    assert set(m["month"].astype(str)) == {str(x) for x in Half.parse("2026H1").months}
    rate = plan.summary["collection_rate_60d"]
    assert 0.5 < rate < 1.1
    assert plan.summary["collection_ok"] == (rate >= 0.9)
    assert (m["stock_months"].dropna() > 0).all()
    pr = plan.price_table.set_index("product")
    assert (pr["price"] == pr["price_supply"]).all()
    assert (pr["retail_markup_rate"] > 0).all()


def test_workbook_sheets(lz, plan):
    wb = plan.workbook()
    assert list(wb) == [
        "概览",
        "A 医院档案",
        "B 医生档案",
        "C 护士信息",
        "D 月度品种任务分解",
        "E 季度目标与差距",
        "F 完成率图",
        "G 周上量分析",
        "H 代表日程",
        "基础工作完成度",
        "竞品动态",
        "科室会议",
        "新品进院",
        "SWOT分析",
    ]
    assert wb["B 医生档案"].empty
    assert list(wb["B 医生档案"].columns[:3]) == ["医生编码", "医生姓名", "医院编码"]
    assert wb["H 代表日程"].empty
    assert "拜访日期" in wb["H 代表日程"]
    assert len(wb["A 医院档案"]) == len(lz.hospitals)
    assert wb["F 完成率图"].attrs["excel_charts"]
    full = plan.workbook(doctors=lz.doctors.drop(columns="name"), schedule=lz.calls.head(20))
    assert len(full["B 医生档案"]) == len(lz.doctors)
    assert "医生姓名" not in full["B 医生档案"]
    assert len(full["H 代表日程"]) == 20
    assert set(full["H 代表日程"]["目的"]) <= set(rk.schema.CALL_PURPOSES.values())
    g = wb["G 周上量分析"]
    assert int(g["周目标数量"].sum()) == plan.summary["target_units"]


def test_workbook_charts_and_tables(plan, tmp_path):
    path = rk.report.write_excel(plan.workbook(), tmp_path / "plan.xlsx")
    book = load_workbook(path)
    f = book["F 完成率图"]
    assert len(f._charts) == 2
    for ws in book.worksheets:
        assert ws.tables, ws.title
        assert ws.freeze_panes == "A2"


def test_run_region_writes_plan_and_summary(ds, tmp_path):
    s = rk.plan.run_region(ds, "兰州", HALF, tmp_path / "out", forecast="simple", growth=0.4)
    assert (tmp_path / "out" / "plan.xlsx").exists()
    saved = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert saved == s
    for key in ("region", "half", "completion_rate", "target_units", "target_amount", "scenario"):
        assert key in saved
    assert saved["region"] == "兰州"
    assert saved["scenario"] == "target"
    b = _read(tmp_path / "out" / "plan.xlsx", "B 医生档案")
    assert "医生姓名" not in b
    assert len(b) == len(ds.for_region("兰州").doctors)
    with pytest.raises(ValueError, match="兰州"):
        rk.plan.run_region(ds, "火星", HALF, tmp_path / "x")


def test_minimal_data_sales_and_products_only(tmp_path):
    full = rk.sample.generate(seed=0, regions=1)
    sales = full.sales.drop(columns=["amount", "rep_id", "distributor"])
    mini = rk.Dataset.from_tables(sales=sales, products=full.products)
    p = rk.plan.build(mini, HALF, forecast="simple")
    assert p.summary["completion_rate"] is None  # no targets to complete
    assert p.summary["unassigned_units"] == p.summary["target_units"]  # no sales staff
    assert set(p.targets["rep_id"]) == {""}
    path = rk.report.write_excel(p.workbook(), tmp_path / "mini.xlsx")
    d, e, ov = _sheet_totals(path)
    assert d == e == ov == (p.summary["target_units"], p.summary["target_amount"])


def test_run_region_from_a_data_folder(lz, plan, tmp_path):
    rk.sample.write(lz, tmp_path / "data")
    s = rk.plan.run_region(tmp_path / "data", "兰州", HALF, tmp_path / "out", forecast="simple")
    assert s["target_units"] == plan.summary["target_units"]  # files read back exactly
    assert s["completion_rate"] == pytest.approx(plan.summary["completion_rate"])


def test_tables_with_reader_attrs(lz):
    tables = {}
    for name, table in lz.tables().items():
        t = table.copy()
        t.attrs["dropped"] = ({"file": "s.xlsx", "sheet": "销售", "row": 3, "reason": "total row"},)
        tables[name] = t
    p = rk.plan.build(rk.Dataset.from_tables(**tables), HALF, forecast="simple")
    assert p.summary["target_units"] > 0
