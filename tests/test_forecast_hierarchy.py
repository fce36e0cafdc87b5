"""repkit.forecast hierarchies: summing matrix, reconciliation, coherent forecasts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import repkit.forecast as fc
from repkit.forecast import ALL
from repkit.forecast._hierarchy import summing_matrix

MONTHS = pd.period_range("2026-07", periods=3, freq="M")


def tree_frame(branches: list[list[int]]) -> pd.DataFrame:
    """Bottom rows of a hierarchy region → level → product from branch counts."""
    rows = []
    for r, levels in enumerate(branches):
        for lv, products in enumerate(levels):
            for p in range(products):
                rows.append({"region": f"r{r}", "level": f"l{lv}", "product": f"p{p}"})
    return pd.DataFrame(rows)


def node_frame(bottom: pd.DataFrame, levels: list[str]) -> pd.DataFrame:
    nodes, _ = summing_matrix(bottom, levels)
    return nodes


def base_forecasts(nodes: pd.DataFrame, values: np.ndarray) -> pd.DataFrame:
    frame = nodes.loc[nodes.index.repeat(len(MONTHS))].reset_index(drop=True)
    frame["month"] = np.tile(np.asarray(MONTHS), len(nodes))
    frame["mean"] = values[: len(frame)]
    frame["lo_95"] = frame["mean"] - 10
    frame["hi_95"] = frame["mean"] + 10
    return frame


def assert_coherent(out: pd.DataFrame, levels: list[str]) -> None:
    depth = (out[levels] != ALL).sum(axis=1)
    bottom = out[depth == len(levels)]
    for d in range(len(levels)):
        head = levels[:d]
        agg = (
            out[depth == d].set_index([*head, "month"])["mean"]
            if head
            else (out[depth == 0].set_index("month")["mean"])
        )
        sums = bottom.groupby([*head, "month"])["mean"].sum()
        joined = pd.concat([agg.rename("node"), sums.rename("sum")], axis=1)
        np.testing.assert_allclose(
            joined["node"],
            joined["sum"],
            rtol=1e-9,
            atol=1e-6 * max(1.0, joined["sum"].abs().max()),
        )


def test_summing_matrix_lists_total_levels_and_bottom():
    bottom = tree_frame([[2, 1], [1]])
    nodes, S = summing_matrix(bottom, ["region", "level", "product"])
    assert nodes.iloc[0].tolist() == [ALL, ALL, ALL]
    assert S.shape == (1 + 2 + 3 + 4, 4)
    assert S[0].tolist() == [1, 1, 1, 1]
    np.testing.assert_array_equal(S[-4:], np.eye(4))
    r0 = nodes.index[(nodes["region"] == "r0") & (nodes["level"] == ALL)][0]
    assert S[r0].tolist() == [1, 1, 1, 0]


def test_ols_example_spreads_the_gap_evenly():
    base = pd.DataFrame(
        {
            "region": [ALL, "n", "s"],
            "month": [MONTHS[0]] * 3,
            "mean": [100.0, 70.0, 40.0],
            "lo_80": [90.0, 60.0, 30.0],
        }
    )
    out = fc.reconcile(base, levels=["region"], method="ols")
    assert out["mean"].tolist() == pytest.approx([310 / 3, 200 / 3, 110 / 3])
    assert out["base_mean"].tolist() == [100.0, 70.0, 40.0]
    assert out["lo_80"].tolist() == pytest.approx([90 + 10 / 3, 60 - 10 / 3, 30 - 10 / 3])


def test_bottom_up_keeps_the_bottom_and_top_down_keeps_the_total():
    bottom = tree_frame([[2], [1]])
    levels = ["region", "level", "product"]
    nodes = node_frame(bottom, levels)
    base = base_forecasts(nodes, np.arange(1, 100, dtype=float) * 10)
    bu = fc.reconcile(base, levels=levels, method="bottom_up")
    is_bottom = (bu[levels] != ALL).all(axis=1)
    np.testing.assert_allclose(bu.loc[is_bottom, "mean"], base.loc[is_bottom, "mean"])
    history = bottom.assign(month=MONTHS[0] - 1, units=[1.0, 3.0, 4.0])
    td = fc.reconcile(base, levels=levels, method="top_down", history=history)
    total = (td[levels] == ALL).all(axis=1)
    np.testing.assert_allclose(td.loc[total, "mean"], base.loc[total, "mean"])
    first = td[is_bottom & (td["month"] == MONTHS[0])]["mean"].to_numpy()
    np.testing.assert_allclose(first, base.loc[0, "mean"] * np.array([1, 3, 4]) / 8)
    assert_coherent(td, levels)


@pytest.mark.parametrize("method", ["wls", "mint_shrink", "top_down"])
def test_methods_that_need_more_say_so(method):
    bottom = tree_frame([[1], [1]])
    base = base_forecasts(node_frame(bottom, ["region"]), np.ones(30))
    with pytest.raises(ValueError, match=r"needs (residuals|history)"):
        fc.reconcile(base, levels=["region"], method=method)


def test_unknown_method_and_missing_nodes_are_refused():
    bottom = tree_frame([[1], [1]])
    base = base_forecasts(node_frame(bottom, ["region"]), np.ones(30))
    with pytest.raises(ValueError, match="method must be one of bottom_up"):
        fc.reconcile(base, levels=["region"], method="middle_out")
    with pytest.raises(ValueError, match="has no forecast for some months"):
        fc.reconcile(base.iloc[1:], levels=["region"], method="ols")


@st.composite
def hierarchies(draw):
    branches = draw(
        st.lists(st.lists(st.integers(1, 3), min_size=1, max_size=3), min_size=1, max_size=4)
    )
    depth = draw(st.integers(1, 3))
    levels = ["region", "level", "product"][:depth]
    bottom = tree_frame(branches)[levels].drop_duplicates()
    nodes = node_frame(bottom, levels)
    n = len(nodes) * len(MONTHS)
    values = draw(
        st.lists(
            st.floats(-1e3, 1e6, allow_nan=False, allow_infinity=False), min_size=n, max_size=n
        )
    )
    method = draw(st.sampled_from(fc.RECONCILE_METHODS))
    seed = draw(st.integers(0, 2**16))
    return levels, bottom, nodes, np.array(values), method, seed


@given(hierarchies())
def test_reconciled_forecasts_add_up_across_the_hierarchy(case):
    levels, bottom, nodes, values, method, seed = case
    rng = np.random.default_rng(seed)
    base = base_forecasts(nodes, values)
    hist_months = pd.period_range("2024-07", periods=24, freq="M")
    residuals = nodes.loc[nodes.index.repeat(24)].reset_index(drop=True)
    residuals["month"] = np.tile(np.asarray(hist_months), len(nodes))
    resid = rng.normal(0, rng.uniform(0.1, 100, len(nodes)).repeat(24))
    resid[rng.random(len(resid)) < 0.1] = np.nan  # ragged histories
    residuals["residual"] = resid
    history = bottom.loc[bottom.index.repeat(3)].reset_index(drop=True)
    history["month"] = np.tile(np.asarray(hist_months[-3:]), len(bottom))
    history["units"] = rng.uniform(0, 100, len(history))
    out = fc.reconcile(base, levels=levels, method=method, residuals=residuals, history=history)
    assert len(out) == len(base)
    assert np.isfinite(out["mean"]).all()
    assert_coherent(out, levels)


def test_forecast_hierarchy_on_sample_sales_is_coherent(sample_ds):
    sales = sample_ds.sales.merge(sample_ds.hospitals[["hospital_id", "level"]], on="hospital_id")
    sales = sales[sales["region"].isin(sorted(sales["region"].unique())[:2])]
    levels = ["region", "level", "product"]
    out = fc.forecast_hierarchy(sales, 6, levels=levels, method="fast")
    assert out.iloc[0][levels].tolist() == [ALL, ALL, ALL]
    assert_coherent(out, levels)
    assert {"base_mean", "model", "kind", "lo_95", "hi_95"} <= set(out.columns)
    # MinT moves the forecasts only a little: the base forecasts were nearly coherent
    total = out[(out[levels] == ALL).all(axis=1)]
    assert (np.abs(total["mean"] / total["base_mean"] - 1) < 0.1).all()
