"""The manager's overrides (经理指定) in the plan: every kind, exact totals, refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import repkit as rk
from repkit.errors import DataError, PlanError
from repkit.plan._overrides import Rule, apply_overrides
from repkit.sample import seed000, seed000_overrides

AIR, SECOND = "H001", "H002"
HALF = "2026H2"
OPTIONS = {"forecast": "simple", "potential_weight": 0}


@pytest.fixture(scope="module")
def ds():
    return seed000()


@pytest.fixture(scope="module")
def plain(ds):
    return rk.plan.build(ds, HALF, **OPTIONS)


def _build(ds, overrides):
    return rk.plan.build(ds, HALF, overrides=overrides, **OPTIONS)


def _units(plan, by):
    return plan.targets.groupby(by)["units"].sum()


def _amount(plan, hospital_id, month=None):
    t = plan.targets[plan.targets["hospital_id"] == hospital_id]
    if month is not None:
        t = t[t["month"] == pd.Period(month, "M")]
    return float(t["amount"].sum())


# ----------------------------------------------------------------------------- kinds


def test_hospital_money_milestone_holds_and_product_totals_stay(ds, plain):
    plan = _build(
        ds,
        [
            {
                "层级": "医院",
                "医院名称": "兰州市第二人民医院",
                "类型": "里程碑",
                "期间": "2026-08",
                "金额": 50000,
            }
        ],
    )
    # money in whole units: within the dearest unit price of the hospital's products (40)
    assert abs(_amount(plan, SECOND, "2026-08") - 50000) <= 40
    assert _amount(plain, SECOND, "2026-08") > 60000  # the plan without it asked more
    pd.testing.assert_series_equal(_units(plan, "product"), _units(plain, "product"))
    assert plan.summary["target_units"] == plain.summary["target_units"]
    row = plan.overrides.iloc[0]
    assert row["binding"]
    assert abs(row["difference"]) <= 40


def test_hospital_product_units_for_the_half_exact(ds, plain):
    plan = _build(
        ds,
        pd.DataFrame(
            {
                "scope": ["hospital_product"],
                "hospital_id": [AIR],
                "product": ["帮达"],
                "kind": ["fixed"],
                "period": [HALF],
                "units": [25000],
            }
        ),
    )
    by = _units(plan, ["product", "hospital_id"])
    assert by[("帮达", AIR)] == 25000
    assert by[("帮达", SECOND)] == _units(plain, "product")["帮达"] - 25000
    # the other products are untouched
    other = plan.targets[plan.targets["product"] != "帮达"]
    base = plain.targets[plain.targets["product"] != "帮达"]
    assert other["units"].tolist() == base["units"].tolist()


def test_hospital_product_month_units_exact_rest_spread(ds, plain):
    plan = _build(
        ds,
        [
            {
                "scope": "hospital_product",
                "hospital_id": AIR,
                "product": "氨曲南",
                "kind": "fixed",
                "period": "2026-07",
                "units": 1000,
            }
        ],
    )
    t = plan.targets[(plan.targets["product"] == "氨曲南")]
    cell = t[(t["hospital_id"] == AIR) & (t["month"] == pd.Period("2026-07", "M"))]
    assert int(cell["units"].sum()) == 1000
    assert int(t["units"].sum()) == int(_units(plain, "product")["氨曲南"])
    before = plain.targets[plain.targets["product"] == "氨曲南"]
    moved = before.groupby("hospital_id")["units"].sum() - t.groupby("hospital_id")["units"].sum()
    assert moved[AIR] < 0 < moved[SECOND] or moved[AIR] > 0 > moved[SECOND]


def test_product_total_fixed_for_the_half(ds, plain):
    plan = _build(
        ds,
        [
            {
                "scope": "product",
                "product": "卡维地洛",
                "kind": "fixed",
                "period": HALF,
                "units": 6000,
            }
        ],
    )
    monthly = plan.targets[plan.targets["product"] == "卡维地洛"].groupby("month")["units"].sum()
    assert monthly.sum() == 6000
    assert monthly.between(940, 1060).all()  # seed: 230 → 1000 boxes a month
    extra = 6000 - _units(plain, "product")["卡维地洛"]
    assert plan.summary["target_units"] == plain.summary["target_units"] + extra
    w = rk.plan.waterfall(plan, by="product").set_index("product")
    assert w.loc["卡维地洛", "override_step"] == extra


def test_product_line_money_at_a_hospital_per_month(ds):
    line = {
        "scope": "product_line",
        "hospital_id": AIR,
        "products": "帮达、氨曲南",
        "kind": "fixed",
        "period": "2026-09",
        "amount": 100000,
    }
    plan = _build(ds, [line])
    t = plan.targets
    sel = (t["hospital_id"] == AIR) & t["product"].isin(["帮达", "氨曲南"])
    sel &= t["month"] == pd.Period("2026-09", "M")
    assert abs(float(t.loc[sel, "amount"].sum()) - 100000) <= 30


def test_hospital_half_month_totals_and_a_cell_hold_together(ds, plain):
    rows = [
        {
            "scope": "hospital_product",
            "hospital_id": AIR,
            "product": "帮达",
            "kind": "fixed",
            "period": HALF,
            "units": 25000,
        },
        {
            "scope": "product",
            "product": "帮达",
            "kind": "fixed",
            "period": "2026-09",
            "units": 6001,
        },
        {"scope": "product", "product": "帮达", "kind": "cap", "period": "2026-10", "units": 5003},
        {
            "scope": "hospital_product",
            "hospital_id": SECOND,
            "product": "帮达",
            "kind": "fixed",
            "period": "2026-11",
            "units": 777,
        },
    ]
    plan = _build(ds, rows)
    t = plan.targets[plan.targets["product"] == "帮达"]
    grid = t.pivot_table(index="hospital_id", columns="month", values="units", aggfunc="sum")
    assert grid.loc[AIR].sum() == 25000
    assert grid[pd.Period("2026-09", "M")].sum() == 6001
    assert grid[pd.Period("2026-10", "M")].sum() <= 5003
    assert grid.loc[SECOND, pd.Period("2026-11", "M")] == 777
    assert grid.to_numpy().sum() == _units(plain, "product")["帮达"]
    assert plan.overrides["binding"].all()


def test_product_floor_above_its_cap_is_refused(ds):
    rows = [
        {"scope": "product", "product": "瑞丁", "kind": kind, "period": HALF, "units": units}
        for kind, units in (("floor", 12000), ("cap", 11000))
    ]
    c = _refusal(ds, rows)
    assert set(c["rule"]) == {"override_floor_above_cap"}
    assert c["excess"].iloc[0] == 1000
    assert "瑞丁 全区域 全半年：下限 12,000 比上限 11,000 高 1,000" in c["message"].iloc[0]


def test_floor_binds_only_where_the_plan_is_below(ds, plain):
    air_sep = _amount(plain, AIR, "2026-09")
    rows = [
        {
            "scope": "hospital",
            "hospital_id": AIR,
            "kind": "floor",
            "period": "2026-09",
            "amount": air_sep + 20000,
        },
        {
            "scope": "hospital",
            "hospital_id": AIR,
            "kind": "floor",
            "period": "2026-10",
            "amount": 1000,
        },
    ]
    plan = _build(ds, rows)
    assert _amount(plan, AIR, "2026-09") >= air_sep + 20000
    assert _amount(plan, AIR, "2026-09") - (air_sep + 20000) < 250  # at the floor
    assert plan.overrides["binding"].tolist() == [True, False]
    oct_ = plan.targets["month"] == pd.Period("2026-10", "M")
    assert plan.targets[oct_]["units"].sum() > 0


def test_range_milestone_caps_a_month(ds, plain):
    rows = [
        {
            "scope": "hospital",
            "hospital_id": SECOND,
            "kind": "floor",
            "period": "2026-09",
            "amount": 50000,
        },
        {
            "scope": "hospital",
            "hospital_id": SECOND,
            "kind": "cap",
            "period": "2026-09",
            "amount": 55000,
        },
    ]
    plan = _build(ds, rows)
    assert 50000 <= _amount(plan, SECOND, "2026-09") <= 55000
    assert _amount(plain, SECOND, "2026-09") > 55000
    pd.testing.assert_series_equal(_units(plan, "product"), _units(plain, "product"))


def test_seed_overrides_all_hold(ds, plain):
    plan = _build(ds, seed000_overrides())
    report = plan.overrides.set_index("label")
    for rec in report.itertuples():
        step = 250.0 if rec.measure == "amount" else 0.0  # dearest unit price
        if rec.kind in ("fixed", "milestone"):
            assert abs(rec.difference) <= step, rec.Index
        elif rec.kind == "floor":
            assert rec.difference >= 0, rec.Index
        else:
            assert rec.difference <= 0, rec.Index
    assert int(plan.targets["units"].sum()) == plan.summary["target_units"]
    goals = plan.goals.set_index(["hospital_id", "month"])["departments_to_develop"]
    assert goals[(SECOND, pd.Period("2026-07", "M"))] == 2  # 50 % of 3 target departments
    assert goals[(SECOND, pd.Period("2026-08", "M"))] == 3  # 80 % of 3, rounded up
    assert goals[(AIR, pd.Period("2026-07", "M"))] == 5


def test_waterfall_and_trace_add_up_with_a_step_per_override(ds):
    plan = _build(ds, seed000_overrides())
    w = rk.plan.waterfall(plan, by=["product", "hospital_id"])
    steps = [c for c in w.columns if c.endswith("_step")]
    assert "override_step" in steps
    assert np.allclose(w["last_units"] + w[steps].sum(axis=1), w["final_units"])
    t = rk.plan.trace(plan, {"hospital_id": SECOND}).steps.set_index("step")
    per = t[t.index.str.startswith("override_")]
    assert len(per) >= 2
    assert per["label"].str.startswith("经理指定：").all()
    total = t.drop(["base_forecast", "final_units"])["units"].sum()
    assert total == pytest.approx(t.loc["final_units", "units"])
    region = rk.plan.waterfall(plan, by=[])
    assert region["override_step"].iloc[0] == pytest.approx(plan.override_steps["units"].sum())


def test_no_overrides_leaves_the_plan_as_it_was(ds, plain):
    plan = _build(ds, [])
    assert plan.targets["units"].tolist() == plain.targets["units"].tolist()
    assert plan.overrides.empty
    assert plan.goals.empty


def test_overrides_of_other_halves_and_regions_are_left_out(ds, plain):
    rows = [
        {
            "region": "西宁",
            "scope": "product",
            "product": "帮达",
            "kind": "fixed",
            "period": HALF,
            "units": 1,
        },
        {"scope": "product", "product": "帮达", "kind": "fixed", "period": "2027H1", "units": 1},
    ]
    plan = _build(ds, rows)
    assert plan.targets["units"].tolist() == plain.targets["units"].tolist()


# ----------------------------------------------------------------------------- refusals


def _refusal(ds, rows):
    with pytest.raises(PlanError) as info:
        _build(ds, rows)
    return info.value.conflicts


def test_fixed_above_the_product_target_is_refused_with_the_excess(ds, plain):
    target = int(_units(plain, "product")["特苏尼"])  # sold only at 二院
    c = _refusal(
        ds,
        [
            {
                "scope": "hospital_product",
                "hospital_id": SECOND,
                "product": "特苏尼",
                "kind": "fixed",
                "period": HALF,
                "units": target + 750,
            }
        ],
    )
    assert c["rule"].tolist() == ["override_above_target"]
    assert c["row"].tolist() == [1]
    assert c["excess"].iloc[0] == 750
    assert c["message"].iloc[0].startswith("特苏尼")
    assert "比该品种本半年的指标" in c["message"].iloc[0]
    assert "多 750" in c["message"].iloc[0]


def test_cap_that_leaves_the_target_nowhere_is_refused(ds, plain):
    target = int(_units(plain, "product")["特苏尼"])
    c = _refusal(
        ds,
        [
            {
                "scope": "hospital_product",
                "hospital_id": SECOND,
                "product": "特苏尼",
                "kind": "cap",
                "period": HALF,
                "units": target - 250,
            }
        ],
    )
    assert c["rule"].tolist() == ["override_below_target"]
    assert c["excess"].iloc[0] == 250


def test_floor_above_cap_is_refused_naming_both_rows(ds):
    rows = [
        {
            "scope": "hospital_product",
            "hospital_id": AIR,
            "product": "瑞丁",
            "kind": kind,
            "period": "2026-09",
            "units": units,
        }
        for kind, units in (("floor", 2000), ("cap", 1500))
    ]
    c = _refusal(ds, rows)
    assert set(c["rule"]) == {"override_floor_above_cap"}
    assert c["row"].tolist() == [1, 2]
    assert c["excess"].iloc[0] == 500


def test_fixed_months_above_the_fixed_half_are_refused(ds):
    rows = [
        {
            "scope": "hospital_product",
            "hospital_id": AIR,
            "product": "帮达",
            "kind": "fixed",
            "period": HALF,
            "units": 20000,
        },
        *[
            {
                "scope": "hospital_product",
                "hospital_id": AIR,
                "product": "帮达",
                "kind": "milestone",
                "period": f"2026-{m:02d}",
                "units": 4000,
            }
            for m in range(7, 13)
        ],
    ]
    c = _refusal(ds, rows)
    assert set(c["rule"]) == {"override_above_target"}
    assert c["row"].tolist() == list(range(1, 8))
    assert c["excess"].iloc[0] == 6 * 4000 - 20000


def test_a_hospital_alone_infeasible_until_the_product_total_joins(ds):
    rows = [
        {
            "scope": "hospital_product",
            "hospital_id": AIR,
            "product": "卡维地洛",
            "kind": "milestone",
            "period": f"2026-{m:02d}",
            "units": 1000,
        }
        for m in range(7, 13)
    ]
    with pytest.raises(PlanError):
        _build(ds, rows)
    total = {
        "scope": "product",
        "product": "卡维地洛",
        "kind": "fixed",
        "period": HALF,
        "units": 6000,
    }
    plan = _build(ds, [*rows, total])
    t = plan.targets[plan.targets["product"] == "卡维地洛"].groupby("month")["units"].sum()
    assert (t == 1000).all()
    assert plan.override_steps["units"].sum() == 6000 - 2070


def test_unknown_hospital_or_product_is_a_data_error(ds):
    with pytest.raises(DataError) as info:
        _build(
            ds,
            [
                {
                    "scope": "hospital",
                    "hospital": "不存在医院",
                    "kind": "fixed",
                    "period": HALF,
                    "amount": 1,
                },
                {
                    "scope": "product",
                    "product": "不存在品种",
                    "kind": "fixed",
                    "period": HALF,
                    "units": 1,
                },
            ],
        )
    p = info.value.problems
    assert p["rule"].tolist() == ["override_unknown", "override_unknown"]
    assert p["row"].tolist() == [1, 2]


@pytest.mark.parametrize(
    ("row", "rule", "column"),
    [
        (
            {
                "scope": "hospital_product",
                "hospital_id": AIR,
                "kind": "fixed",
                "period": HALF,
                "units": 1,
            },
            "override_scope",
            "products",
        ),
        (
            {"scope": "hospital", "kind": "fixed", "period": HALF, "amount": 1},
            "override_scope",
            "hospital_id",
        ),
        (
            {
                "scope": "product",
                "product": "帮达",
                "kind": "fixed",
                "period": HALF,
                "units": 1,
                "amount": 1,
            },
            "override_value",
            "units",
        ),
        (
            {
                "scope": "hospital",
                "hospital_id": AIR,
                "kind": "milestone",
                "period": HALF,
                "amount": 1,
            },
            "override_period",
            "period",
        ),
        (
            {
                "scope": "department_development",
                "hospital_id": AIR,
                "kind": "milestone",
                "period": "2026-07",
                "rate": 80,
            },
            "override_value",
            "rate",
        ),
    ],
)
def test_bad_override_rows_are_refused_with_a_rule(ds, row, rule, column):
    with pytest.raises(DataError) as info:
        _build(ds, [row])
    p = info.value.problems
    assert rule in p["rule"].tolist()
    assert column in p.loc[p["rule"] == rule, "column"].tolist()


def test_doctor_level_sales_targets_stay_refused(ds):
    row = {
        "scope": "hospital_product",
        "hospital_id": AIR,
        "product": "帮达",
        "doctor_id": "D001",
        "kind": "fixed",
        "period": HALF,
        "units": 100,
    }
    with pytest.raises(DataError) as info:
        _build(ds, [row])
    assert info.value.problems["rule"].tolist() == ["prescription_by_doctor"]


def test_a_data_folder_carries_the_overrides_and_refusals_name_the_file_row(ds, tmp_path):
    o = seed000_overrides()
    bad = o.iloc[[0]].assign(
        层级="医院品种", 品种="特苏尼", 类型="固定", 期间=HALF, 数量=99999, 金额=None, 备注="太多"
    )
    rk.sample.write(ds, tmp_path)
    pd.concat([o, bad], ignore_index=True).to_excel(tmp_path / "经理指定.xlsx", index=False)
    loaded = rk.load_dataset(tmp_path)
    assert len(loaded.overrides) == len(o) + 1
    with pytest.raises(PlanError) as info:
        rk.plan.build(loaded.for_region("兰州"), HALF, **OPTIONS)
    c = info.value.conflicts
    assert set(c["file"]) == {"经理指定.xlsx"}
    assert set(c["sheet"]) == {"Sheet1"}  # the sheet pandas wrote: file › sheet › row
    assert set(c["rule"]) == {"override_above_target"}
    assert len(o) + 2 in c["row"].tolist()  # Excel row of the bad line: header is row 1
    assert "特苏尼" in str(info.value)


# ----------------------------------------------------------------------------- property


def _monthly(units: np.ndarray, months) -> pd.DataFrame:
    rows = []
    for i in range(units.shape[0]):
        for j, m in enumerate(months):
            rows.append(("P", f"H{i}", m.asfreq("Q-DEC"), m, int(units[i, j]), 10.0))
    frame = pd.DataFrame(
        rows, columns=["product", "hospital_id", "quarter", "month", "units", "price"]
    )
    frame["month"] = frame["month"].astype("period[M]")
    return frame


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    units=st.lists(st.lists(st.integers(0, 400), min_size=6, max_size=6), min_size=2, max_size=4),
    picks=st.lists(
        st.tuples(st.integers(0, 3), st.one_of(st.none(), st.integers(0, 5)), st.floats(0.0, 1.5)),
        min_size=1,
        max_size=4,
    ),
)
def test_fixed_cells_exact_and_product_total_kept(units, picks):
    half = rk.calendar.Half.parse(HALF)
    months = list(half.months)
    grid = np.array(units)
    monthly = _monthly(grid, months)
    total = int(grid.sum())
    rules, seen = [], set()
    for h, m, frac in picks:
        h = h % grid.shape[0]
        scope = (h, m)
        if scope in seen or any(s[0] == h for s in seen):
            continue  # one constraint per hospital keeps the set feasible by construction
        seen.add(scope)
        now = grid[h].sum() if m is None else grid[h, m]
        value = round(float(now) * frac)
        rules.append(
            Rule(
                id=len(rules),
                label=f"r{len(rules)}",
                file=None,
                row=len(rules) + 1,
                scope="hospital_product",
                kind="fixed",
                hospital_id=f"H{h}",
                products=("P",),
                month=None if m is None else months[m],
                period=HALF if m is None else str(months[m]),
                measure="units",
                value=float(value),
            )
        )
    free_left = grid.shape[0] > len({r.hospital_id for r in rules})
    pinned = sum(r.value for r in rules)
    if not free_left and pinned != total:
        return  # every hospital fixed: only the exact sum is feasible
    if pinned > total:  # refused exactly when the fixed figures exceed the total
        with pytest.raises(PlanError) as info:
            apply_overrides(monthly, rules, half)
        assert set(info.value.conflicts["rule"]) == {"override_above_target"}
        assert info.value.conflicts["excess"].iloc[0] == pinned - total
        return
    out, steps, report = apply_overrides(monthly, rules, half)
    assert int(out["units"].sum()) == total
    assert (out["units"] >= 0).all()
    for r in rules:
        sel = out["hospital_id"] == r.hospital_id
        if r.month is not None:
            sel &= out["month"] == r.month
        assert int(out.loc[sel, "units"].sum()) == int(r.value)
    assert int(steps["units"].sum()) == 0  # moves within the product's total
    assert (report["difference"] == 0).all()


def test_sample_write_round_trips_the_overrides_table(ds, tmp_path):
    from dataclasses import replace

    table = rk.read_table(seed000_overrides(), "overrides")
    rk.sample.write(replace(ds, overrides=table), tmp_path)
    assert (tmp_path / "经理指定.xlsx").exists()
    back = rk.load_dataset(tmp_path).overrides
    assert back["products"].tolist() == table["products"].tolist()
    assert back["scope"].tolist() == table["scope"].tolist()
    assert back["amount"].fillna(-1).tolist() == table["amount"].fillna(-1).tolist()
    assert rk.io.check(tmp_path).empty


def test_repkit_check_names_bad_override_rows_by_excel_row(tmp_path):
    rows = pd.DataFrame(
        {
            "区域": ["兰州", "兰州", "兰州"],
            "层级": ["医院品种", "医院", "科室开发"],
            "医院编码": ["H001", "H001", "H001"],
            "品种": ["帮达", None, None],
            "类型": ["下限", "里程碑", "里程碑"],
            "期间": ["2026H2", "2026H2", "2026-07"],
            "数量": [100, None, None],
            "金额": [None, 5000, None],
            "开发率": [None, None, "150%"],
        }
    )
    path = tmp_path / "经理指定.xlsx"
    rows.to_excel(path, index=False)
    p = rk.io.check(path)
    assert p[["row", "rule"]].values.tolist() == [
        [3, "override_period"],
        [4, "override_value"],
    ]
    assert p["file"].unique().tolist() == ["经理指定.xlsx"]


def test_the_canonical_overrides_table_normalises_to_itself():
    table = rk.read_table(seed000_overrides(), "overrides")
    again = rk.read_table(table, "overrides")
    pd.testing.assert_frame_equal(again, table[list(again.columns)], check_dtype=False)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    units=st.lists(st.lists(st.integers(1, 300), min_size=2, max_size=2), min_size=2, max_size=3),
    prices=st.lists(st.sampled_from([12.5, 20.0, 25.0, 40.0]), min_size=2, max_size=2),
    months=st.lists(st.integers(0, 5), min_size=1, max_size=3, unique=True),
    frac=st.floats(0.6, 1.4),
)
def test_hospital_money_per_month_within_one_unit_price(units, prices, months, frac):
    half = rk.calendar.Half.parse(HALF)
    all_months = list(half.months)
    rows = []
    for i, per_product in enumerate(units):
        for p, (u, price) in enumerate(zip(per_product, prices, strict=True)):
            for m in all_months:
                rows.append((f"P{p}", f"H{i}", m.asfreq("Q-DEC"), m, u, price))
    monthly = pd.DataFrame(
        rows, columns=["product", "hospital_id", "quarter", "month", "units", "price"]
    )
    before = monthly.groupby("product")["units"].sum()
    hospital_month = sum(u * c for u, c in zip(units[0], prices, strict=True))
    rules = [
        Rule(
            id=k,
            label=f"r{k}",
            file=None,
            row=k + 1,
            scope="hospital",
            kind="milestone",
            hospital_id="H0",
            products=(),
            month=all_months[m],
            period=str(all_months[m]),
            measure="amount",
            value=float(round(hospital_month * frac)),
        )
        for k, m in enumerate(months)
    ]
    out, _, report = apply_overrides(monthly, rules, half)
    assert out.groupby("product")["units"].sum().equals(before)
    assert (report["difference"].abs() <= max(prices)).all()
    for r in rules:
        sel = (out["hospital_id"] == "H0") & (out["month"] == r.month)
        amount = float((out.loc[sel, "units"] * out.loc[sel, "price"]).sum())
        assert abs(amount - r.value) <= max(prices)


def test_workbook_gets_a_manager_sheet_only_with_overrides(ds, plain, tmp_path):
    assert "经理指定" not in plain.workbook()
    plan = _build(ds, seed000_overrides())
    book = plan.workbook()
    report, goals = book["经理指定"]
    assert len(report) == len(plan.overrides)
    assert report["说明"].str.contains("兰州市第二人民医院").any()
    assert goals["应开发科室数"].tolist() == plan.goals["departments_to_develop"].tolist()
    rk.report.write_excel(book, tmp_path / "plan.xlsx")
    assert (tmp_path / "plan.xlsx").exists()


def test_lower_quotas_of_the_planned_half_are_named_when_the_plan_departs_from_them(ds):
    from dataclasses import replace

    quota = pd.DataFrame(
        {"period": [HALF], "region": ["兰州"], "hospital_id": [AIR], "product": ["帮达"],
         "units": [25000.0], "amount": [np.nan]}
    )  # fmt: skip
    given = replace(ds, targets=pd.concat([ds.targets, quota], ignore_index=True))
    plan = _build(given, None)
    (w,) = [w for w in plan.warnings if w["code"] == "quotas_not_binding"]
    assert "帮达" in w["message"]
    assert "公司 25,000" in w["message"]
    assert "经理指定.xlsx" in w["message"]  # how to make it hold
    fixed = {"scope": "hospital_product", "hospital_id": AIR, "product": "帮达",
             "kind": "fixed", "period": HALF, "units": 25000}  # fmt: skip
    held = _build(given, [fixed])
    assert not [w for w in held.warnings if w["code"] == "quotas_not_binding"]
    assert not [w for w in _build(ds, None).warnings if w["code"] == "quotas_not_binding"]
