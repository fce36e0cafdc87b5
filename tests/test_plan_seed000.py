"""Seed 000's headline numbers rebuilt from a small hand-made region.

兰州: 空军医院 sells about 16万 a month, 第二人民医院 about 4.4万; the first half
reached 21 % of the company target. The plan for the second half grows 40–60 % over the
first half: 空军医院 to a stable 23–25万 a month, 二院 from 44000 to about 60000 (+40 %);
卡维地洛 at 空军医院 from 230 to 1000 boxes a month.
"""

import numpy as np
import pytest

import repkit as rk
from repkit._sample_seed000 import AIR, PRODUCTS, SECOND


@pytest.fixture(scope="module")
def ds():
    return rk.sample.seed000()


def _monthly_amount(plan, hospital_id):
    t = plan.targets[plan.targets["hospital_id"] == hospital_id]
    return t.groupby("month")["amount"].sum()


def test_first_half_completion_is_21_percent(ds):
    r = rk.plan.review(ds, "2026H1", by="region")
    assert r["completion_rate"].iloc[0] == pytest.approx(0.21, abs=0.001)
    h = rk.plan.review(ds, "2026H1", by="hospital").set_index("hospital")
    assert h.loc["兰州空军医院", "actual_amount"] == pytest.approx(6 * 160_000)
    assert h.loc["兰州市第二人民医院", "actual_amount"] == pytest.approx(6 * 44_000)


@pytest.mark.parametrize("growth", [0.4, 0.5, 0.6])
def test_air_force_hospital_23_to_25_wan_a_month(ds, growth):
    plan = rk.plan.build(ds, "2026H2", growth=growth, forecast="simple", potential_weight=0)
    monthly = _monthly_amount(plan, AIR)
    expected = 160_000 * (1 + growth)  # 16万 a month before
    # stable month to month; what moves it is working days (Sep 2026 has one day fewer
    # than Sep 2025, Nov one more)
    assert np.allclose(monthly, expected, rtol=0.06)
    assert monthly.sum() == pytest.approx(6 * expected, rel=0.001)
    if growth == 0.5:
        wan = (monthly / 10_000).round()
        assert wan.between(23, 25).all()  # seed: 稳定在23万到25万之间


def test_second_hospital_44000_to_about_60000(ds):
    plan = rk.plan.build(ds, "2026H2", growth=0.4, forecast="simple", potential_weight=0)
    monthly = _monthly_amount(plan, SECOND)
    assert monthly.between(58_000, 65_000).all()  # seed: 44000 → +40 % ≈ 60000
    assert monthly.sum() == pytest.approx(6 * 44_000 * 1.4, rel=0.001)
    assert set(plan.targets.loc[plan.targets["hospital_id"] == SECOND, "rep_id"]) == {"R3"}


def test_carvedilol_230_to_1000_boxes(ds):
    growth = {p[0]: 0.5 for p in PRODUCTS} | {"卡维地洛": 1000 / 230 - 1}
    plan = rk.plan.build(ds, "2026H2", growth=growth, forecast="simple", potential_weight=0)
    t = plan.targets[(plan.targets["product"] == "卡维地洛")]
    monthly = t.groupby("month")["units"].sum()
    assert monthly.sum() == 6000
    assert monthly.between(940, 1060).all()


def test_two_sales_staff_share_air_force_hospital_no_medical_rep(ds):
    plan = rk.plan.build(ds, "2026H2", growth=0.5, forecast="simple", potential_weight=0)
    air = plan.targets[plan.targets["hospital_id"] == AIR]
    assert set(air["rep_id"]) == {"R1", "R2"}  # 杨明霞, 王海霞 (history is R1's)
    assert "R4" not in set(plan.targets["rep_id"])
    by_rep = air.groupby("rep_id")["units"].sum()
    assert by_rep["R1"] > by_rep["R2"]
    assert int(air["units"].sum()) == int(by_rep.sum())


def test_growth_range_totals(ds):
    low = rk.plan.build(ds, "2026H2", growth=0.4, forecast="simple")
    high = rk.plan.build(ds, "2026H2", growth=0.6, forecast="simple")
    last = low.summary["review_actual_amount"]
    assert low.summary["target_amount"] / last == pytest.approx(1.4, abs=0.002)
    assert high.summary["target_amount"] / last == pytest.approx(1.6, abs=0.002)
