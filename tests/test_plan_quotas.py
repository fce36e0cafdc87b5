"""The company's hospital quotas bind a company-scenario plan (公司下达); other quotas warn."""

from __future__ import annotations

import functools
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import repkit as rk
from repkit.plan._scenario import round_half_up

HALF = "2026H2"
COMPANY = {"forecast": "simple", "scenario": "company"}
CELL = ["hospital_id", "product"]


@pytest.fixture(scope="module")
def ds():
    return rk.sample.generate(seed=0, regions=1)


@pytest.fixture(scope="module")
def plain(ds):
    return rk.plan.build(ds, HALF, **COMPANY)


def _cells(plan):
    return plan.targets.groupby(CELL)["units"].sum()


def _totals(plan):
    return plan.targets.groupby("product")["units"].sum()


def _largest(plan, product, n):
    """The n hospitals planned most of a product (ties by id), with their units."""
    part = _cells(plan).xs(product, level="product").reset_index()
    part = part.sort_values(["units", "hospital_id"], ascending=[False, True], kind="stable")
    return list(part.head(n).itertuples(index=False, name=None))


def _with_quotas(ds, rows):
    """The data with quota rows added to its targets table (units or amount, any period)."""
    quota = pd.DataFrame(
        [{"period": HALF, "region": ds.regions[0], "units": np.nan, "amount": np.nan, **r}
         for r in rows]
    )  # fmt: skip
    return replace(ds, targets=pd.concat([ds.targets, quota], ignore_index=True))


def _codes(plan, code):
    return [w["message"] for w in plan.warnings if w["code"] == code]


def _price(plan, product):
    return float(plan.price_table.set_index("product")["price"][product])


# ------------------------------------------------------------------------------ binding


def test_company_hospital_quotas_hold_exactly_and_product_totals_stay(ds, plain):
    (a, a_units), (b, b_units) = _largest(plain, "舒肺宁注射液", 2)
    ((c, c_units),) = _largest(plain, "泰康铂注射液", 1)
    ((d, d_units),) = _largest(plain, "明目清滴眼液", 1)
    money = round(c_units * 0.8) * _price(plain, "泰康铂注射液") + 150.0  # not whole units
    given = _with_quotas(
        ds,
        [
            {"hospital_id": a, "product": "舒肺宁注射液", "units": round(a_units * 1.2)},
            {"hospital_id": b, "product": "舒肺宁注射液", "units": round(b_units * 0.7)},
            {"hospital_id": c, "product": "泰康铂注射液", "amount": money},
            # quarters are summed to the half
            {"hospital_id": d, "product": "明目清滴眼液", "period": "2026Q3", "units": 1000.0},
            {"hospital_id": d, "product": "明目清滴眼液", "period": "2026Q4", "units": d_units},
        ],
    )
    plan = rk.plan.build(given, HALF, **COMPANY)
    got = _cells(plan)
    assert got[(a, "舒肺宁注射液")] == round(a_units * 1.2)
    assert got[(b, "舒肺宁注射液")] == round(b_units * 0.7)
    in_units = money / _price(plain, "泰康铂注射液")
    assert got[(c, "泰康铂注射液")] == int(round_half_up(in_units))
    assert got[(d, "明目清滴眼液")] == 1000 + d_units
    assert got[(a, "舒肺宁注射液")] != _cells(plain)[(a, "舒肺宁注射液")]  # it moved the plan
    pd.testing.assert_series_equal(_totals(plan), _totals(plain))
    assert plan.summary["target_units"] == plain.summary["target_units"]
    # recorded as company quotas, each exact
    o = plan.overrides
    assert len(o) == 4
    assert o["label"].str.startswith("公司下达：医院品种").all()
    assert (o["difference"] == 0).all()
    assert o["binding"].all()
    assert not _codes(plan, "quotas_not_binding")
    assert not _codes(plan, "quotas_not_held")


def test_quota_rows_render_in_the_workbook_and_the_document(ds, plain, tmp_path):
    ((a, a_units),) = _largest(plain, "瑞心安片", 1)
    given = _with_quotas(ds, [{"hospital_id": a, "product": "瑞心安片", "units": a_units + 300}])
    plan = rk.plan.build(given, HALF, **COMPANY)
    report, goals = plan.workbook()["经理指定"]
    assert report["说明"].str.startswith("公司下达").tolist() == [True]
    assert goals["说明"].tolist() == [  # no bare heading for an empty goals table
        "本计划没有科室开发目标；可在 经理指定.xlsx 中按医院、月份给出开发率"
    ]
    rk.report.write_excel(plan.workbook(), tmp_path / "plan.xlsx")
    sheet = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="经理指定", engine="calamine")
    assert sheet.astype(str).apply(lambda c: c.str.contains("公司下达")).any().any()
    html = rk.report.document.overrides_table(plan).to_html()
    assert "公司下达的医院指标" in html
    assert "公司下达" not in rk.report.document.overrides_table(plain).to_html()
    # the waterfall's step of fixed figures is not credited to the manager alone
    wf = rk.plan.waterfall(plan, by=["product", "hospital_id"]).set_index(CELL)
    assert wf.at[(a, "瑞心安片"), "override_step"] == pytest.approx(300)
    assert "<th" in (html := rk.report.display_table(wf.reset_index()).to_html())
    assert ">经理指定/公司下达<" in html


def test_a_manager_override_on_the_same_hospital_product_wins(ds, plain):
    (a, a_units), (b, b_units) = _largest(plain, "益肝泰胶囊", 2)
    given = _with_quotas(
        ds,
        [
            {"hospital_id": a, "product": "益肝泰胶囊", "units": a_units + 500},
            {"hospital_id": b, "product": "益肝泰胶囊", "units": b_units + 200},
        ],
    )
    mine = {"scope": "hospital_product", "hospital_id": a, "product": "益肝泰胶囊",
            "kind": "fixed", "period": HALF, "units": a_units - 400}  # fmt: skip
    plan = rk.plan.build(given, HALF, overrides=[mine], **COMPANY)
    got = _cells(plan)
    assert got[(a, "益肝泰胶囊")] == a_units - 400  # the manager's figure
    assert got[(b, "益肝泰胶囊")] == b_units + 200  # the other quota still holds
    pd.testing.assert_series_equal(_totals(plan), _totals(plain))
    labels = plan.overrides.set_index("hospital_id")["label"]
    assert labels[a].startswith("经理指定")
    assert labels[b].startswith("公司下达")
    (message,) = _codes(plan, "quotas_overridden")
    assert f"医院 {a} × 益肝泰胶囊" in message
    assert f"公司 {a_units + 500:,}" in message
    assert not _codes(plan, "quotas_not_binding")


def test_quotas_above_the_product_target_fall_back_with_a_warning(ds, plain):
    total = int(_totals(plain)["脑络通胶囊"])
    ((a, _),) = _largest(plain, "脑络通胶囊", 1)
    ((b, b_units),) = _largest(plain, "新活宁注射液", 1)
    given = _with_quotas(
        ds,
        [  # within the reader's 1 % tolerance over the region quota, yet more than it
            {"hospital_id": a, "product": "脑络通胶囊", "units": round(total * 1.005)},
            {"hospital_id": b, "product": "新活宁注射液", "units": b_units + 50},
        ],
    )
    plan = rk.plan.build(given, HALF, **COMPANY)
    brain = plan.targets["product"] == "脑络通胶囊"
    pd.testing.assert_frame_equal(
        plan.targets[brain].reset_index(drop=True),
        plain.targets[plain.targets["product"] == "脑络通胶囊"].reset_index(drop=True),
    )
    assert _cells(plan)[(b, "新活宁注射液")] == b_units + 50  # the other product binds
    (message,) = _codes(plan, "quotas_not_held")
    assert message.startswith("脑络通胶囊 的 1 个医院指标与该品种的区域指标无法同时满足")
    assert f"{total:,}" in message  # the solver's figures: the target it exceeds
    assert plan.overrides["products"].tolist() == ["新活宁注射液"]
    assert not _codes(plan, "quotas_not_binding")  # not counted twice


def test_quotas_conflicting_with_the_manager_fall_back_and_the_manager_stays(ds, plain):
    ((a, a_units),) = _largest(plain, "明目清滴眼液", 1)
    given = _with_quotas(ds, [{"hospital_id": a, "product": "明目清滴眼液", "units": a_units}])
    region = {"scope": "product", "product": "明目清滴眼液", "kind": "fixed", "period": HALF,
              "units": a_units - 100}  # fmt: skip
    plan = rk.plan.build(given, HALF, overrides=[region], **COMPANY)
    assert _totals(plan)["明目清滴眼液"] == a_units - 100  # the manager's region total
    assert _cells(plan)[(a, "明目清滴眼液")] < a_units
    (message,) = _codes(plan, "quotas_not_held")
    assert message.startswith("明目清滴眼液 的 1 个医院指标与经理指定无法同时满足")
    assert plan.overrides["label"].str.startswith("经理指定").all()


def test_department_and_rep_quotas_still_warn_with_true_advice(ds, plain):
    t = plain.targets
    dept = t[(t["product"] == "瑞心安片") & (t["rep_id"] != "未分配")].iloc[0]
    given = _with_quotas(
        ds,
        [
            {"hospital_id": dept["hospital_id"], "department": dept["department"],
             "product": "瑞心安片", "units": 10.0},
            {"rep_id": dept["rep_id"], "product": "瑞心安片", "units": 20.0},
        ],
    )  # fmt: skip
    plan = rk.plan.build(given, HALF, **COMPANY)
    (message,) = _codes(plan, "quotas_not_binding")
    assert "2 个科室或销售人员层级的指标" in message
    assert "经理指定只到医院一级" in message
    assert "作为固定值" not in message  # no advice that cannot work for departments
    pd.testing.assert_frame_equal(plan.targets, plain.targets)


def test_other_scenarios_ignore_hospital_quotas_and_say_how_to_bind_them(ds):
    base = rk.plan.build(ds, HALF, forecast="simple", scenario="base")
    ((a, a_units),) = _largest(base, "瑞心安片", 1)
    given = _with_quotas(ds, [{"hospital_id": a, "product": "瑞心安片", "units": a_units + 900}])
    plan = rk.plan.build(given, HALF, forecast="simple", scenario="base")
    for name in ("targets", "weekly", "steps", "overrides", "override_steps", "scenarios"):
        pd.testing.assert_frame_equal(getattr(plan, name), getattr(base, name), obj=name)
    (message,) = _codes(plan, "quotas_not_binding")
    assert f"公司 {a_units + 900:,}" in message
    assert "选公司指标情景（company）" in message
    assert "公司给出了 2026H2 的 1 个" in message


# ----------------------------------------------------------------------------- property


@functools.cache
def _company_plan():
    """The data and its company plan, once (fixtures would bloat Hypothesis' reports)."""
    data = rk.sample.generate(seed=0, regions=1)
    return data, rk.plan.build(data, HALF, **COMPANY)


@given(
    picks=st.lists(
        st.tuples(st.integers(0, 10_000), st.floats(0.0, 3.0), st.booleans()),
        min_size=1,
        max_size=12,
    )
)
def test_random_feasible_hospital_quotas_hold_exactly_and_keep_totals(picks):
    from repkit.plan._overrides import apply_overrides
    from repkit.plan._quotas import bind_quotas

    ds, plain = _company_plan()
    half = rk.calendar.Half.parse(HALF)
    keys = ["product", "hospital_id", "quarter", "month"]
    monthly = plain.targets.groupby(keys, as_index=False).agg(
        units=("units", "sum"), price=("price", "first")
    )
    price = plain.price_table.set_index("product")["price"]
    cells = _cells(plain)
    totals = _totals(plain)
    held = cells[cells > 0].groupby(level="product").size()
    rows, used, wanted = [], {}, {}
    for pick, frac, as_money in picks:
        h, p = cells.index[pick % len(cells)]
        units = round(float(cells[(h, p)]) * frac)
        taken = used.get(p, [])
        if (h, p) in wanted or len(taken) + 1 >= held[p]:
            continue  # one quota a cell; a hospital with units stays free for the rest
        if sum(u for _, u in taken) + units > totals[p]:
            continue  # feasible by construction: the quotas fit in the target
        used[p] = [*taken, (h, units)]
        wanted[(h, p)] = units
        if as_money:  # money that comes back to exactly these units at the plan's price
            rows.append({"hospital_id": h, "product": p, "amount": units * float(price[p])})
        else:
            rows.append({"hospital_id": h, "product": p, "units": float(units)})
    assume(rows)
    given_ds = _with_quotas(ds, rows)
    rules, table = bind_quotas(monthly, [], given_ds, half, price)
    assert (table["status"] == "bound").all(), table
    out, _, report = apply_overrides(monthly, rules, half)
    got = out.groupby(CELL)["units"].sum()
    for cell, units in wanted.items():
        assert got.get(cell, 0) == units, cell
    assert out.groupby("product")["units"].sum().equals(monthly.groupby("product")["units"].sum())
    assert (report["difference"] == 0).all()


def test_new_hospitals_get_their_quota_and_unknown_ones_are_named(ds, plain):
    sold = set(_cells(plain).xs("安泽曲南注射液", level="product").index)
    new = sorted(set(ds.hospitals["hospital_id"]) - sold)[0]
    given = _with_quotas(
        ds,
        [
            {"hospital_id": new, "product": "安泽曲南注射液", "units": 300.0},
            {"hospital_id": "H999", "product": "安泽曲南注射液", "units": 10.0},
        ],
    )
    plan = rk.plan.build(given, HALF, **COMPANY)
    assert _cells(plan)[(new, "安泽曲南注射液")] == 300
    assert "H999" not in set(plan.targets["hospital_id"])
    pd.testing.assert_series_equal(_totals(plan), _totals(plain))
    (message,) = _codes(plan, "quotas_not_binding")
    assert "医院 H999 × 安泽曲南注射液 公司 10 / 计划 0" in message
    assert "医院指标只在医院和品种都在计划中时" in message


def test_a_quota_that_cannot_hold_is_named_by_its_row_of_the_targets_file(ds, plain, tmp_path):
    """Read from files, the fallback warning points at the 指标 row that cannot hold."""
    total = int(_totals(plain)["脑络通胶囊"])
    ((a, _),) = _largest(plain, "脑络通胶囊", 1)
    given = _with_quotas(
        ds, [{"hospital_id": a, "product": "脑络通胶囊", "units": round(total * 1.005)}]
    )
    rk.sample.write(given, tmp_path / "data")
    loaded = rk.load_dataset(tmp_path / "data")
    src = loaded.source_rows("targets")
    t = loaded.targets
    mine = (t["hospital_id"] == a) & (t["product"] == "脑络通胶囊") & (t["period"] == HALF)
    (row,) = src.loc[mine, "row"].tolist()
    (file,) = src.loc[mine, "file"].tolist()
    plan = rk.plan.build(loaded, HALF, **COMPANY)
    (message,) = _codes(plan, "quotas_not_held")
    assert f"（{file} › 指标 › 第 {row} 行，「数量」列：脑络通胶囊：固定值合计" in message, message


def test_a_revised_company_quota_is_named_by_plan_diff(ds, plain):
    """The company revises a hospital's quota: the diff's note names the old and new quota."""
    ((a, a_units),) = _largest(plain, "瑞心安片", 1)
    first = rk.plan.build(
        _with_quotas(ds, [{"hospital_id": a, "product": "瑞心安片", "units": a_units + 300}]),
        HALF,
        **COMPANY,
    )
    revised = rk.plan.build(
        _with_quotas(ds, [{"hospital_id": a, "product": "瑞心安片", "units": a_units + 500}]),
        HALF,
        **COMPANY,
    )
    d = rk.plan.diff(first, revised, by=["product", "hospital_id"])
    row = d[(d["product"] == "瑞心安片") & (d["hospital_id"] == a)].iloc[0]
    assert row["change_units"] == 200
    assert row["reason"] == "override"
    note = row["note"]
    assert note.startswith("经理指定/公司下达：公司下达：医院品种"), note
    assert f"{a_units + 300:,}" in note
    assert f"{a_units + 500:,}" in note
