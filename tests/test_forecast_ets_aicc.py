"""The AICc-chosen non-seasonal ETS (``repkit.forecast._ets_aicc``) of issue 20."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import repkit.forecast as fc
from repkit.forecast import _engine
from repkit.forecast._ets_aicc import _best_states, _pass, ets_aicc


def _sse(z, alpha, beta, phi, l0, b0):
    lv, sl, sse = l0, b0, 0.0
    for y in z:
        e = y - (lv + phi * sl)
        sse += e * e
        lv, sl = lv + phi * sl + alpha * e, phi * sl + beta * e
    return sse


@pytest.mark.parametrize("trend", [False, True])
def test_initial_states_are_the_least_squares_ones(trend):
    z = np.cumsum(np.random.default_rng(0).normal(0.1, 1.0, 60)) + 20
    alpha, beta, phi = 0.3, (0.05 if trend else 0.0), (0.9 if trend else 1.0)
    a, b, p = (np.array([[v]]) for v in (alpha, beta, phi))
    l0, b0, sse = _best_states(_pass(z[None], a, b, p, trend=trend), trend=trend)
    l0, b0, sse = float(l0[0, 0]), float(b0[0, 0]), float(sse[0, 0])
    assert sse == pytest.approx(_sse(z, alpha, beta, phi, l0, b0), rel=1e-6)
    for dl, db in ((0.05, 0), (-0.05, 0), (0, 0.05), (0, -0.05)):
        if db and not trend:
            continue
        assert _sse(z, alpha, beta, phi, l0 + dl, b0 + db) > sse


def test_aicc_keeps_a_steady_trend_and_leaves_a_random_walk_flat():
    rng = np.random.default_rng(1)
    t = np.arange(96)
    trend = 50 + 2.0 * t + rng.normal(0, 1.0, (20, 96))
    walk = 50 + np.cumsum(rng.normal(0, 1.0, (20, 96)), axis=1)
    f_trend, f_walk = ets_aicc(trend, 12), ets_aicc(walk, 12)
    assert (f_trend.params["trend"] != "N").mean() >= 0.9
    assert (f_walk.params["trend"] == "N").mean() >= 0.6
    # the trend runs on at (nearly) full strength over the year
    slope = (f_trend.mean[:, -1] - f_trend.mean[:, 0]) / 11
    np.testing.assert_allclose(np.median(slope), 2.0, rtol=0.15)


def test_on_the_log_scale_a_linear_trend_stays_linear():
    # with log=True the models fit the sales themselves: a straight line is continued
    # as a line, not as exponential growth (AutoETS has no multiplicative trend either)
    t = np.arange(84)
    y = 100 + 3.0 * t + np.random.default_rng(2).normal(0, 0.5, 84)
    f = ets_aicc(np.log(y)[None], 12, log=True)
    sd2 = f.sigma[:, None] ** 2 * np.cumsum(f.psi**2, axis=1)
    level = np.exp(f.mean + sd2 / 2)[0]
    np.testing.assert_allclose(level, 100 + 3.0 * np.arange(84, 96), rtol=0.02)


def test_non_seasonal_series_average_aicc_ets_and_damped_holt_equally():
    rng = np.random.default_rng(3)
    months = pd.period_range("2012-01", periods=96, freq="M")
    y = pd.Series(200 * np.exp(np.cumsum(rng.normal(0, 0.03, 96))), index=months)
    assert fc.forecast(y, 12, calendar="none").attrs["model"] == "ets_aicc+holt_damped"
    s = _engine.Series("y", y.to_numpy(), months)
    _engine.assign_calendar([s], "none", pooled=False)
    r = _engine.run([s], 12, keep_candidates=True)[0]
    members = [r.candidates[nm]["mean"] for nm in ("ets_aicc", "holt_damped")]
    np.testing.assert_allclose(r.mean, (members[0] + members[1]) / 2, rtol=1e-12)
