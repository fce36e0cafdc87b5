"""The money side: 回款/铺底 split (seed 001), 扣率 table, channel stock warnings."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import repkit as rk
from repkit.plan._money import STOCK_HIGH_MONTHS, STOCK_LOW_MONTHS


@functools.cache
def _plan() -> rk.plan.Plan:
    ds = rk.sample.generate(seed=0, regions=1)
    return rk.plan.build(ds, "2026H2", forecast="simple")


@pytest.mark.parametrize(
    ("task", "collected"),
    [(52800, 45600), (37200, 30000), (36000, 28800)],  # 北京天津, 重庆, 辽宁 in seed 001
)
def test_seed_001_task_is_collections_plus_placement(task, collected):
    row = rk.plan.split_task(task, placement_units=7200).iloc[0]
    assert row["task_units"] == task
    assert row["collection_units"] == collected
    assert row["placement_units"] == 7200
    assert row["placement_share"] == pytest.approx(7200 / task)


def test_seed_001_share_gives_the_same_split():
    row = rk.plan.split_task(52800, placement_share=7200 / 52800).iloc[0]
    assert (row["collection_units"], row["placement_units"]) == (45600, 7200)


def test_placement_shared_over_products_adds_up_exactly():
    task = pd.Series({"甲": 30001, "乙": 22799, "丙": 0})
    out = rk.plan.split_task(task, placement_units=7200)
    assert out["placement_units"].sum() == 7200
    assert (out["collection_units"] + out["placement_units"] == out["task_units"]).all()
    assert out.set_index("product").loc["丙", "placement_units"] == 0
    share = out["placement_units"] / out["task_units"].replace(0, np.nan)
    assert share.dropna().between(0.136, 0.138).all()


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({}, "只能给出其中一个"),
        ({"placement_share": 0.1, "placement_units": 10}, "只能给出其中一个"),
        ({"placement_share": 1.5}, "0–1 之间"),
        ({"placement_units": 60000}, "0–52,800（任务量）"),
        ({"placement_units": 10.5}, "整数件数"),
    ],
)
def test_split_task_refuses_bad_placement(kw, match):
    with pytest.raises(ValueError, match=match):
        rk.plan.split_task(52800, **kw)


def test_split_task_refuses_fractional_task():
    with pytest.raises(ValueError, match="非负整数件数"):
        rk.plan.split_task(52800.5, placement_units=0)


def test_placement_share_from_due_and_from_shipped():
    cash = pd.DataFrame({"shipped": [500.0, 500.0], "collected": [90.0, 80.0], "due": [100, 100]})
    assert rk.plan.estimate_placement_share(cash) == pytest.approx(0.15)
    raw = pd.DataFrame({"shipped": [100.0, 100.0], "collected": [95.0, 85.0]})
    assert rk.plan.estimate_placement_share(raw) == pytest.approx(0.10)
    recovered = pd.DataFrame({"shipped": [100.0], "collected": [130.0]})
    assert rk.plan.estimate_placement_share(recovered) == 0.0
    assert rk.plan.estimate_placement_share(pd.DataFrame()) is None


def test_task_split_of_a_plan_uses_the_history_share():
    plan = _plan()
    t = rk.plan.task_split(plan)
    total = t.iloc[-1]
    assert total["product"] == "合计"
    assert total["task_units"] == plan.summary["target_units"]
    share = rk.plan.estimate_placement_share(plan.cash)
    assert 0.05 < share < 0.3  # sample distributors pay 82–97 % on time
    assert total["placement_units"] == round(plan.summary["target_units"] * share)
    assert total["task_amount"] == pytest.approx(plan.summary["target_amount"], abs=0.05)
    assert "到期未回款" in t.attrs["basis"]


def test_task_split_with_a_given_placement():
    t = rk.plan.task_split(_plan(), placement_units=7200)
    assert t.iloc[-1]["placement_units"] == 7200
    assert t.iloc[:-1]["placement_units"].sum() == 7200


def test_discounts_are_supply_over_retail():
    d = rk.plan.discounts(_plan()).set_index("product")
    row = d.loc["瑞心安片"]  # supply 38.5, retail 52.0 in the sample
    assert row["discount_rate"] == pytest.approx(38.5 / 52.0)
    assert row["discount_label"] == "74扣"
    assert row["net_price"] == 38.5
    seed = pd.DataFrame({"product": ["甲"], "price_supply": [3.6], "price_retail": [18.0]})
    assert rk.plan.discounts(seed)["discount_label"].iloc[0] == "20扣"  # seed 001


def test_stock_warnings_follow_the_thresholds():
    cash = pd.DataFrame(
        {
            "month": pd.PeriodIndex(["2026-05", "2026-06", "2026-06", "2026-06"], freq="M"),
            "distributor": ["甲", "甲", "乙", "丙"],
            "stock": [1.0, 2.0, 3.0, 4.0],
            "stock_months": [9.0, 0.5, 2.0, np.nan],
        }
    )
    w = rk.plan.stock_warnings(cash).set_index("distributor")
    assert w.loc["甲", "stock_status"] == "low"  # the latest month counts, not May's 9
    assert w.loc["乙", "stock_status"] == "ok"
    assert w.loc["丙", "stock_status"] == "unknown"
    strict = rk.plan.stock_warnings(cash, low=0.2, high=1.5).set_index("distributor")
    assert strict.loc["甲", "stock_status"] == "ok"
    assert strict.loc["乙", "stock_status"] == "high"
    assert (STOCK_LOW_MONTHS, STOCK_HIGH_MONTHS) == (1.0, 3.0)
    with pytest.raises(ValueError, match="low < high"):
        rk.plan.stock_warnings(cash, low=3, high=1)


def test_stock_warnings_of_a_plan_use_the_latest_month():
    plan = _plan()
    w = rk.plan.stock_warnings(plan)
    assert set(w["month"].astype(str)) == {str(plan.data.collections["month"].max())}
    assert set(w["stock_status"]) <= {"low", "ok", "high", "unknown"}


def test_workbook_shows_the_money_sheets_in_chinese(tmp_path):
    plan = _plan()
    calls = rk.activity.call_plan(plan.data, plan.half.start)
    rk.plan.write_files(
        plan, tmp_path, calls=calls, privacy_mode="names", money={"placement_units": 7200}
    )
    wb = load_workbook(tmp_path / "plan.xlsx", read_only=True)
    assert {"回款与铺底", "扣率与价格", "渠道库存"} <= set(wb.sheetnames)

    def cells(sheet: str) -> set[str]:
        return {str(v) for row in wb[sheet].iter_rows(values_only=True) for v in row if v}

    assert {"回款数量", "铺底数量", "任务数量"} <= cells("回款与铺底")
    assert {"零售价(元)", "供货价(元)", "扣率"} <= cells("扣率与价格")
    stock = cells("渠道库存")
    assert "库存状态" in stock
    assert stock & {"正常", "偏低（断货风险）", "偏高（压货风险）"}


def test_money_sheets_write_in_english_with_their_number_formats(tmp_path, monkeypatch):
    """REPKIT_LANG=en: the formats follow the English headings (they named 库存月数 and
    failed the half-year template with "excel_formats names unknown columns")."""
    monkeypatch.setenv("REPKIT_LANG", "en")
    sheets = rk.plan._money.money_sheets(_plan())
    assert sheets["渠道库存"].attrs["excel_formats"] == {"Stock months": "0.0"}
    assert sheets["回款与铺底"].attrs["excel_formats"] == {"Placement share": "0.0%"}
    rk.report.write_excel(sheets, tmp_path / "money.xlsx")
    wb = load_workbook(tmp_path / "money.xlsx")
    ws = wb["渠道库存"]
    heads = next(r for r in ws.iter_rows() if any(c.value == "Stock months" for c in r))
    col = next(c.column for c in heads if c.value == "Stock months")
    assert ws.cell(row=heads[0].row + 1, column=col).number_format == "0.0"
