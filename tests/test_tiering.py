"""Tiering: Pareto ABC, doctor and hospital tiers, departments, the adoption ladder."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import repkit as rk
from repkit.tiering import (
    abc,
    current_rating,
    department_status,
    doctor_tiers,
    hospital_tiers,
    key_doctor_share,
    period_bounds,
    pyramid,
    rating_moves,
    transition_matrix,
)

# ----------------------------------------------------------------------------- abc


def test_abc_classic_pareto():
    s = pd.Series([500, 300, 100, 60, 30, 10], index=list("uvwxyz"))
    out = abc(s)
    assert out.tolist() == ["A", "A", "B", "B", "C", "C"]
    assert out.index.tolist() == list("uvwxyz")


def test_abc_crossing_item_is_a():
    # 70 % above the second item: it crosses 80 % and is still A
    assert abc([70, 20, 10]).tolist() == ["A", "A", "B"]


def test_abc_ties_share_class_regardless_of_order():
    assert abc([10, 10, 10, 10, 1]).tolist() == ["A", "A", "A", "A", "C"]
    assert abc([1, 10, 10, 10, 10]).tolist() == ["C", "A", "A", "A", "A"]


def test_abc_zeros_and_all_zero():
    assert abc([5, 0, 0]).tolist() == ["A", "C", "C"]
    assert abc([0, 0, 0]).tolist() == ["C", "C", "C"]
    assert abc([]).tolist() == []


def test_abc_keeps_index_of_dict_and_series():
    out = abc({"甲": 9.0, "乙": 1.0})
    assert out.to_dict() == {"甲": "A", "乙": "B"}
    assert out.name == "abc"


@pytest.mark.parametrize("bad", [[1, -1], [1, np.nan]])
def test_abc_refuses_negative_or_missing(bad):
    with pytest.raises(ValueError, match=r"negative|missing"):
        abc(bad)


@pytest.mark.parametrize("cutoffs", [(0.9, 0.8), (0, 0.5), (0.5, 1.2)])
def test_abc_refuses_bad_cutoffs(cutoffs):
    with pytest.raises(ValueError, match="cutoffs"):
        abc([1, 2], cutoffs)


def test_abc_does_not_mutate():
    s = pd.Series([3.0, 1.0])
    abc(s)
    assert s.tolist() == [3.0, 1.0]


values = st.lists(
    st.one_of(st.just(0.0), st.floats(0.01, 1e6, allow_nan=False)), min_size=1, max_size=40
)


@given(values, st.floats(0.05, 0.9), st.floats(0.01, 0.09))
def test_abc_shares(vals, a, gap):
    b = min(a + gap, 1.0)
    s = pd.Series(vals)
    out = abc(s, (a, b))
    total = s.sum()
    assert set(out) <= {"A", "B", "C"}
    assert (out[s == 0] == "C").all()
    if total == 0:
        assert (out == "C").all()
        return
    share_a = s[out == "A"].sum() / total
    share_ab = s[out != "C"].sum() / total
    assert share_a >= a - 1e-9
    assert share_ab >= b - 1e-9
    # everything strictly larger than an A item adds up to less than the A cutoff
    for v in s[out == "A"]:
        assert s[s > v].sum() / total < a + 1e-12
    # monotone: a larger value never gets a worse class
    rank = out.map({"A": 0, "B": 1, "C": 2})
    order = s.sort_values(kind="mergesort").index
    assert rank.loc[order].is_monotonic_decreasing


# ----------------------------------------------------------------------------- doctors


def _doctors(n=20, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "doctor_id": [f"D{i:03d}" for i in range(n)],
            "hospital_id": rng.choice(["H1", "H2"], n),
            "department": rng.choice(["心内科", "呼吸内科"], n),
            "title": rng.choice(["chief", "deputy_chief", "attending", "resident"], n),
            "is_expert": rng.random(n) < 0.2,
            "rating": rng.integers(1, 8, n),
            "potential": rng.uniform(10, 200, n).round(1),
        }
    )


def test_doctor_score_factors():
    base = {"doctor_id": ["a", "b"], "hospital_id": "H", "department": "X", "rating": 4}
    docs = pd.DataFrame(
        {**base, "title": ["chief", "resident"], "is_expert": False, "potential": 100.0}
    )
    t = doctor_tiers(docs, shares=(0.5, 0.0))
    assert t["score"].iloc[0] / t["score"].iloc[1] == pytest.approx(1.0 / 0.4)
    assert t["tier"].tolist() == ["A", "C"]
    docs = pd.DataFrame({**base, "title": "chief", "is_expert": [True, False], "potential": 1.0})
    t = doctor_tiers(docs)
    assert t["score"].iloc[0] / t["score"].iloc[1] == pytest.approx(1.5)


def test_doctor_tiers_use_department_share_not_doctor_sales():
    docs = pd.DataFrame(
        {
            "doctor_id": ["a", "b"],
            "hospital_id": "H",
            "department": ["心内科", "眼科"],
            "title": "attending",
            "is_expert": False,
            "rating": 4,
            "potential": 50.0,
        }
    )
    sales = pd.DataFrame(
        {
            "month": pd.PeriodIndex(["2026-06", "2026-06"], freq="M"),
            "hospital_id": "H",
            "department": ["心内科", "眼科"],
            "product": "P",
            "units": [100.0, 10.0],
            "amount": [1000.0, 100.0],
        }
    )
    t = doctor_tiers(docs, sales=sales, shares=(0.5, 0.0))
    assert t["dept_sales_pct"].tolist() == [1.0, 0.5]
    assert t["tier"].tolist() == ["A", "C"]
    assert "units" not in t
    assert "amount" not in t


def test_doctor_manual_override_wins():
    docs = _doctors(10).assign(tier=[None] * 9 + ["a"])
    t = doctor_tiers(docs, shares=(0.1, 0.2))
    assert t.loc[9, "tier"] == "A"
    assert t.loc[9, "tier_source"] == "manual"
    assert (t.loc[:8, "tier_source"] == "auto").all()
    assert t.loc[:8, "tier"].equals(t.loc[:8, "tier_auto"])


def test_doctor_manual_bad_tier_is_data_error():
    docs = _doctors(3).assign(tier=["A", "X", None])
    with pytest.raises(rk.DataError) as err:
        doctor_tiers(docs)
    assert err.value.problems["rule"].tolist() == ["bad_code"]
    assert err.value.problems["value"].tolist() == ["X"]


def test_doctor_tiers_deterministic_ties_by_id():
    docs = pd.DataFrame(
        {"doctor_id": ["D3", "D1", "D2"], "hospital_id": "H", "department": "X", "potential": 1.0}
    )
    t = doctor_tiers(docs, shares=(1 / 3, 1 / 3))
    assert dict(zip(t["doctor_id"], t["tier"], strict=True)) == {"D1": "A", "D2": "B", "D3": "C"}


def test_doctor_tiers_by_hospital_and_pareto():
    docs = _doctors(30)
    t = doctor_tiers(docs, by="hospital_id", shares=(0.1, 0.2))
    for _, part in t.groupby("hospital_id"):
        assert (part["tier"] == "A").sum() == int(np.floor(0.1 * len(part) + 0.5))
        assert sorted(part["score_rank"]) == list(range(1, len(part) + 1))
    p = doctor_tiers(docs, method="pareto")
    expected = abc(p["score"].to_numpy()).to_numpy().copy()
    expected[(expected == "A") & (p["title"] == "resident").to_numpy()] = "B"
    assert (p["tier"] == expected).all()


def test_doctor_tiers_bad_arguments():
    with pytest.raises(ValueError, match="valid methods: rank, pareto"):
        doctor_tiers(_doctors(), method="kmeans")
    with pytest.raises(ValueError, match="shares"):
        doctor_tiers(_doctors(), shares=(0.7, 0.5))
    with pytest.raises(ValueError, match="by column"):
        doctor_tiers(_doctors(), by="city")


@given(st.integers(0, 80), st.floats(0, 0.5), st.floats(0, 0.5), st.integers(0, 5))
def test_doctor_tier_shares(n, a, b, seed):
    docs = _doctors(n, seed) if n else _doctors(1, seed).iloc[0:0]
    t = doctor_tiers(docs, shares=(a, b))
    n_a = int((t["tier"] == "A").sum())
    n_ab = int((t["tier"] != "C").sum())
    eligible = int((t["title"] != "resident").sum()) if n else 0
    assert abs(n_a - a * n) <= 0.5 + 1e-9 or n_a == eligible  # residents are never A
    assert abs(n_ab - (a + b) * n) <= 0.5 + 1e-9
    # A doctors score at least as high as the B who could be A (residents cannot),
    # B at least as high as C
    t = t.assign(can_be_a=t["title"] != "resident")
    for hi, lo, among in (("A", "B", t["can_be_a"]), ("B", "C", True)):
        low = t[(t["tier"] == lo) & among]
        if (t["tier"] == hi).any() and len(low):
            assert t.loc[t["tier"] == hi, "score"].min() >= low["score"].max()


def test_pyramid_counts_and_labels():
    t = doctor_tiers(_doctors(40), shares=(0.1, 0.25))
    p = pyramid(t)
    assert p["level"].tolist() == ["塔尖", "塔腰", "塔基"]
    assert p["doctors"].tolist() == [4, 10, 26]
    assert p["doctor_share"].sum() == pytest.approx(1.0)
    assert p["potential_share"].sum() == pytest.approx(1.0)
    by = pyramid(t, by="hospital_id")
    assert by["doctors"].sum() == 40
    assert set(by.columns) >= {"hospital_id", "tier"}


# ----------------------------------------------------------------------------- hospitals


def _hosp_sales():
    h = pd.DataFrame(
        {
            "hospital_id": ["H1", "H2", "H3", "H4", "H5"],
            "name": list("甲乙丙丁戊"),
            "level": ["3A", "3", "2", "1", "community"],
            "beds": [1500.0, 800.0, 400.0, 100.0, 30.0],
        }
    )
    s = pd.DataFrame(
        {
            "month": pd.PeriodIndex(["2025-12", "2026-06", "2026-06", "2026-06", "2026-05"], "M"),
            "hospital_id": ["H5", "H1", "H2", "H3", "H4"],
            "units": [999.0, 50.0, 30.0, 10.0, 10.0],
            "amount": [99999.0, 5000.0, 3000.0, 1000.0, 1000.0],
        }
    )
    return h, s


def test_hospital_tiers_quantile_and_window():
    h, s = _hosp_sales()
    t = hospital_tiers(h, s, shares=(0.2, 0.4))
    # H5's sale is outside the default 6-month window: no sales, so C
    assert t["hospital_id"].tolist() == ["H1", "H2", "H3", "H4", "H5"]
    assert t["sales_tier"].tolist() == ["A", "B", "B", "C", "C"]
    assert t.loc[0, "segment"] == "三甲·A"
    assert t["sales_share"].sum() == pytest.approx(1.0)
    # ties (H3, H4) broken by hospital_id
    assert t.loc[t["hospital_id"] == "H3", "sales_rank"].item() == 3


def test_hospital_tiers_pareto_and_months():
    h, s = _hosp_sales()
    t = hospital_tiers(h, s, method="pareto", months="2025-12")
    assert t.set_index("hospital_id")["sales_tier"].to_dict() == {
        "H5": "A",
        "H1": "C",
        "H2": "C",
        "H3": "C",
        "H4": "C",
    }
    with pytest.raises(ValueError, match="valid methods: quantile, pareto"):
        hospital_tiers(h, s, method="kmeans")


def test_department_status_rules():
    h = pd.DataFrame(
        {
            "hospital_id": ["H1"],
            "name": ["甲"],
            "level": ["3A"],
            "departments": [["心内科", "呼吸内科", "眼科", "肝病科", "急诊科"]],
        }
    )
    months = pd.PeriodIndex(["2026-05", "2026-06"] * 4, freq="M")
    s = pd.DataFrame(
        {
            "month": months,
            "hospital_id": "H1",
            "department": ["心内科"] * 2 + ["呼吸内科"] * 2 + ["眼科"] * 2 + ["肝病科"] * 2,
            "amount": [1000.0, 1000.0, 50.0, 80.0, 100.0, 90.0, 100.0, 100.0],
        }
    )
    d = pd.DataFrame(
        {
            "doctor_id": ["D1", "D2", "D3"],
            "hospital_id": "H1",
            "department": ["急诊科", "肝病科", "心内科"],
            "potential": [500.0, 10.0, 10.0],
        }
    )
    st_ = department_status(h, s, d, months=1).set_index("department")
    assert st_.loc["心内科", "status"] == "star"  # 80 % of sales
    assert st_.loc["呼吸内科", "status"] == "potential"  # +60 %
    assert st_.loc["呼吸内科", "growth_rate"] == pytest.approx(0.6)
    assert st_.loc["眼科", "status"] == "dormant"  # shrinking, no potential
    assert st_.loc["急诊科", "status"] == "potential"  # no sales, most potential
    assert not st_.loc["急诊科", "developed"]
    assert st_["developed"].sum() == 4
    assert st_.loc["心内科", "status_label"] == "明星科室"


# ----------------------------------------------------------------------------- ladder


def _calls():
    return pd.DataFrame(
        {
            "date": pd.to_datetime(
                ["2026-01-05", "2026-03-20", "2026-03-20", "2026-05-02", "2026-02-01", "2026-06-01"]
            ),
            "rep_id": "R1",
            "doctor_id": ["D1", "D1", "D1", "D1", "D2", "D3"],
            "rating_after": pd.array([3, 4, 5, 6, 5, pd.NA], dtype="Int64"),
        }
    )


def test_current_rating_latest_call_last_row_wins_and_card_fallback():
    docs = pd.DataFrame({"doctor_id": ["D1", "D2", "D3", "D4"], "rating": [1, 1, 2, None]})
    r = current_rating(docs, _calls()).set_index("doctor_id")
    assert r["rating"].tolist() == [6, 5, 2, pd.NA]
    assert r["source"].tolist()[:3] == ["call", "call", "card"]
    assert pd.isna(r.loc["D4", "source"])
    at_march = current_rating(docs, _calls(), at="2026-03").set_index("doctor_id")
    assert at_march.loc["D1", "rating"] == 5  # two calls that day: the later row wins
    assert at_march.loc["D1", "rating_label"] == "常用"


def test_rating_moves_and_matrix():
    docs = pd.DataFrame({"doctor_id": ["D1", "D2", "D3"], "rating": [2, 6, 4]})
    moves = rating_moves(_calls(), before="2026Q1", after="2026Q2", doctors=docs)
    got = moves.set_index("doctor_id")[["rating_before", "rating_after", "move"]]
    assert got.loc["D1"].tolist() == [5, 6, "up"]
    assert got.loc["D2"].tolist() == [5, 5, "same"]
    assert "D3" not in got.index  # its only call has no rating: nothing observed
    m = transition_matrix(_calls(), before="2026Q1", after="2026Q2", doctors=docs)
    assert m.shape == (7, 7)
    assert int(m.to_numpy().sum()) == 2
    assert m.loc[5, 6] == 1
    assert m.attrs == {"up": 1, "same": 1, "down": 0, "doctors": 2}
    late = _calls().assign(date=pd.to_datetime(["2026-05-01"] * 5 + ["2026-06-01"]))
    started = rating_moves(late, before="2026Q1", after="2026Q2", doctors=docs)
    assert started.set_index("doctor_id").loc["D1", "rating_before"] == 2  # card rating
    without_cards = rating_moves(_calls(), before="2026Q1", after="2026Q2")
    assert without_cards["doctor_id"].tolist() == ["D1", "D2"]


def test_rating_moves_slide_back_and_order_check():
    c = _calls().iloc[[0, 1]].assign(rating_after=[5, 2])
    c["date"] = pd.to_datetime(["2026-01-05", "2026-04-01"])
    moves = rating_moves(c, before="2026Q1", after="2026Q2")
    assert moves["move"].tolist() == ["down"]
    assert moves["change"].tolist() == [-3]
    with pytest.raises(ValueError, match="ends before"):
        rating_moves(c, before="2026Q2", after="2026Q1")


def test_key_doctor_share():
    t = pd.DataFrame(
        {"tier": ["A", "A", "B", "B", "C"], "rating": [5, 4, 7, 2, 7], "hospital_id": list("xxyyy")}
    )
    total = key_doctor_share(t)
    assert total["developed_share"].item() == pytest.approx(0.5)
    by = key_doctor_share(t, by="hospital_id")
    assert by["developed"].tolist() == [1, 1]
    with pytest.raises(ValueError, match="threshold"):
        key_doctor_share(t, threshold=9)


@pytest.mark.parametrize(
    ("spec", "start", "end"),
    [
        ("2026H2", "2026-07-01", "2026-12-31"),
        ("2026年上半年", "2026-01-01", "2026-06-30"),
        ("2026q3", "2026-07-01", "2026-09-30"),
        ("2026-02", "2026-02-01", "2026-02-28"),
        (("2026-01-05", "2026-01-09"), "2026-01-05", "2026-01-09"),
        (pd.Period("2026-03", "M"), "2026-03-01", "2026-03-31"),
    ],
)
def test_period_bounds(spec, start, end):
    lo, hi = period_bounds(spec)
    assert (str(lo.date()), str(hi.date())) == (start, end)


def test_period_bounds_bad():
    with pytest.raises(ValueError, match="cannot read period"):
        period_bounds("next spring")


# ----------------------------------------------------------------------------- sample


def test_sample_region_tiers(sample_ds):
    lz = sample_ds.for_region("兰州")
    ratings = current_rating(lz.doctors, lz.calls)
    docs = lz.doctors.assign(rating=ratings["rating"].to_numpy())
    t = doctor_tiers(docs, sales=lz.sales, hospitals=lz.hospitals)
    counts = t["tier"].value_counts()
    n = len(t)
    assert counts["A"] == int(np.floor(0.05 * n + 0.5))
    assert counts["A"] + counts["B"] == int(np.floor(0.25 * n + 0.5))
    # the pyramid's tip sits in big hospitals
    levels = t["hospital_id"].map(lz.hospitals.set_index("hospital_id")["level"])
    assert set(levels[t["tier"] == "A"]) <= {"3A", "3"}
    st_ = department_status(lz.hospitals, lz.sales, lz.doctors)
    assert 0.5 < st_["developed"].mean() < 0.9  # seed 000: about 70 %
    assert set(st_["status"]) == {"star", "potential", "dormant"}
