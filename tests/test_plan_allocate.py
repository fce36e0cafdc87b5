import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import repkit as rk
from repkit.plan._decompose import split, split_weeks

allocate = rk.plan.allocate

weights_st = st.lists(
    st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1e6)),
    min_size=1,
    max_size=25,
)


def _bisect(total, w, lo, hi):
    a, b = 0.0, 1.0
    while np.clip(b * w, lo, hi).sum() < total and b < 1e300:
        b *= 2
    for _ in range(2000):
        m = (a + b) / 2
        if m in (a, b):
            break
        if np.clip(m * w, lo, hi).sum() < total:
            a = m
        else:
            b = m
    return np.clip(b * w, lo, hi)


def _reference(total, w, lo, hi):
    """Real solution by bisection; zero weights take only what capped shares cannot."""
    w = np.asarray(w, dtype=float)
    if not (w > 0).any():
        w = np.ones_like(w)
    pos = w > 0
    x = lo.copy()
    room = hi[pos].sum() + lo[~pos].sum()
    if total > room:
        x[pos] = hi[pos]
        x[~pos] = _bisect(total - hi[pos].sum(), np.ones((~pos).sum()), lo[~pos], hi[~pos])
    else:
        x[pos] = _bisect(total - lo[~pos].sum(), w[pos] / w.max(), lo[pos], hi[pos])
    return x


def test_examples_and_ties():
    assert allocate(10, [1, 1, 1]).tolist() == [4, 3, 3]
    assert allocate(100, [8, 1, 1], cap=60).tolist() == [60, 20, 20]
    # equal remainders: larger weight first, then input order
    assert allocate(1, [1, 1]).tolist() == [1, 0]
    assert allocate(3, [0.5, 1.5, 1.0, 1.0]).tolist() == [0, 1, 1, 1]
    assert allocate(2, [1, 2, 1, 2]).tolist() == [0, 1, 0, 1]


def test_keeps_index_and_name():
    w = pd.Series([3.0, 1.0], index=pd.Index(["空军医院", "二院"], name="hospital"), name="w")
    out = allocate(7, w)
    assert list(out.index) == ["空军医院", "二院"]
    assert out.index.name == "hospital"
    assert out.name == "w"
    assert out.dtype == "int64"


def test_subnormal_weights():
    assert allocate(1, [2.2e-309]).tolist() == [1]
    assert allocate(2, [0.0, 1.0, 2.2e-313], cap=[0, 0, 2]).tolist() == [0, 0, 2]


def test_all_zero_weights_split_equally():
    assert allocate(7, [0, 0, 0]).tolist() == [3, 2, 2]


def test_zero_weights_take_only_overflow():
    assert allocate(10, [5, 0, 0], cap=[3, None, None]).tolist() == [3, 4, 3]
    assert allocate(10, [1, 0, 0], minimum=2).tolist() == [6, 2, 2]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"total": 5, "weights": [1, -1]}, "weights 不能为负"),
        ({"total": 5, "weights": [1, float("nan")]}, "空值"),
        ({"total": 5, "weights": [1, 1], "minimum": 3}, "最低值合计 6，超过总数 5"),
        ({"total": 5, "weights": [1, 1], "cap": 2}, "上限合计 4，低于总数 5"),
        ({"total": 5, "weights": [1, 1], "minimum": [3, 0], "cap": [2, 5]}, "minimum 高于 cap"),
        ({"total": 2.5, "weights": [1]}, "总数必须是整数"),
        ({"total": -1, "weights": [1]}, "总数不能为负"),
        ({"total": 1, "weights": []}, "没有可分配的对象"),
        ({"total": 1, "weights": ["a"]}, "weights 必须是数字"),
    ],
)
def test_refuses(kwargs, match):
    total = kwargs.pop("total")
    weights = kwargs.pop("weights")
    with pytest.raises(ValueError, match=match):
        allocate(total, weights, **kwargs)


@settings(max_examples=200, deadline=None)
@given(total=st.integers(0, 10**7), weights=weights_st)
def test_sums_exactly_and_within_one_unit(total, weights):
    out = allocate(total, weights)
    assert int(out.sum()) == total
    assert (out >= 0).all()
    w = np.asarray(weights)
    exact = total * w / w.sum() if w.sum() > 0 else np.full(len(w), total / len(w))
    assert np.all(np.abs(out.to_numpy() - exact) < 1 + 1e-6)
    assert out.tolist() == allocate(total, list(weights)).tolist()  # deterministic


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    weights=weights_st,
)
def test_minimum_and_cap_respected_and_redistributed(data, weights):
    n = len(weights)
    lo = data.draw(st.lists(st.integers(0, 50), min_size=n, max_size=n))
    extra = data.draw(st.lists(st.integers(0, 500), min_size=n, max_size=n))
    hi = [a + b for a, b in zip(lo, extra, strict=True)]
    total = data.draw(st.integers(sum(lo), sum(hi)))
    out = allocate(total, weights, minimum=lo, cap=hi).to_numpy()
    assert int(out.sum()) == total
    assert np.all(out >= lo)
    assert np.all(out <= hi)
    ref = _reference(total, weights, np.asarray(lo, float), np.asarray(hi, float))
    assert np.all(np.abs(out - ref) < 1 + 1e-6)


@settings(max_examples=100, deadline=None)
@given(
    groups=st.lists(
        st.tuples(st.integers(0, 10**5), weights_st),
        min_size=1,
        max_size=8,
    )
)
def test_grouped_split_sums_per_group(groups):
    parent = pd.DataFrame({"g": range(len(groups)), "units": [t for t, _ in groups]})
    child = pd.DataFrame(
        [(g, k, w) for g, (_, ws) in enumerate(groups) for k, w in enumerate(ws)],
        columns=["g", "k", "weight"],
    )
    out = split(parent, child, ["g"])
    sums = out.groupby("g")["units"].sum()
    assert sums.tolist() == parent["units"].tolist()
    for g, (total, ws) in enumerate(groups):
        got = out.loc[out["g"] == g, "units"].tolist()
        assert got == allocate(total, ws).tolist()  # same rule as allocate


@settings(max_examples=30, deadline=None)
@given(
    units=st.lists(st.integers(0, 10**5), min_size=1, max_size=6),
    start=st.sampled_from(["2024-09", "2025-01", "2026-07", "2026-10"]),
)
def test_weeks_sum_to_months(units, start):
    months = pd.period_range(start, periods=len(units), freq="M")
    t = pd.DataFrame({"month": months, "product": "A", "units": units})
    w = split_weeks(t)
    assert w.groupby("month")["units"].sum().tolist() == units
    assert w["week"].dtype == "period[W-SUN]"


def test_weeks_follow_working_days():
    t = pd.DataFrame({"month": pd.PeriodIndex(["2026-10"], freq="M"), "units": [180]})
    w = split_weeks(t)
    assert w["units"].tolist() == [0, 30, 50, 50, 50]  # working days 0, 3, 5, 5, 5


def test_level_scores_are_measured_not_copied_from_the_sample_generator():
    from repkit.plan._decompose import LEVEL_PRIOR, level_scores

    months = pd.PeriodIndex(["2026-05"] * 4, freq="M")
    sales = pd.DataFrame(
        {"hospital_id": ["a", "b", "c", "d"], "units": [100.0, 120.0, 110.0, 0.0], "month": months}
    )
    hospitals = pd.DataFrame(
        {"hospital_id": ["a", "b", "c", "d"], "level": ["3A", "3A", "2", "community"]}
    )
    scores = level_scores(sales, hospitals)
    # a level-2 hospital that sells like a 3A one weighs like one
    assert scores["2"] == pytest.approx(1.0)
    assert scores["3A"] == pytest.approx(110 / 110)
    # a level that sold nothing keeps the documented prior, rescaled to the measured levels
    assert scores["community"] == pytest.approx(LEVEL_PRIOR["community"] * (1 + 4) / 2)
    assert level_scores(sales.iloc[:0], hospitals) == LEVEL_PRIOR


def test_refusals_speak_the_readers_language(monkeypatch):
    monkeypatch.setenv("REPKIT_LANG", "en")
    with pytest.raises(ValueError, match="caps add up to 4, less than the total 5"):
        allocate(5, [1, 1], cap=2)
    monkeypatch.delenv("REPKIT_LANG")
    with pytest.raises(ValueError, match="请提高 cap 或降低总数"):
        allocate(5, [1, 1], cap=2)
