"""Non-seasonal exponential smoothing chosen by AICc, initial states by least squares.

The grid models of :mod:`repkit.forecast._models` start from heuristic initial states and
are combined by backtest. On long series without a season (prices, rates, counts) that
lost to statsforecast's AutoETS. AutoETS fits the initial states too and picks a single
model by AICc. This module does the same, vectorised over series and parameter grid:

- simple (ANN), Holt (AAN) and damped Holt (AAdN) smoothing, additive errors on the
  working scale (the log scale for positive series, so multiplicative there);
- for every smoothing-parameter grid point the one-step errors are linear in the
  initial level and slope. The best initial states therefore come from a 2 × 2 least
  squares solve, not a search. The sums it needs are collected during one pass of the
  recursion;
- a coarse grid, then one local round around each series' best point;
- per series the model with the smallest AICc
  ``T log(SSE / T) + 2k + 2k(k + 1) / (T - k - 1)``, k counting the smoothing
  parameters, the initial states and the variance.
"""

from __future__ import annotations

import itertools

import numpy as np

from repkit.forecast._models import Fit, _ets_run, _sigma, trend_forecast

_ALPHAS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.97, 0.999)
_BETA_SHARES = (0.005, 0.02, 0.05, 0.1, 0.2, 0.4)
_PHIS = (0.8, 0.86, 0.92, 0.96, 0.98)
_STEPS = (0.75, 1.0, 1.25)
_KINDS = {"N": (False, False), "A": (True, False), "Ad": (True, True)}
"""Trend of each model: (has a slope, damped)."""
_K = {"N": 3, "A": 5, "Ad": 6}
"""Parameters counted by AICc: smoothing parameters, initial states, the variance."""


def _pass(Z, alpha, beta, phi, *, trend: bool):
    """One recursion from zero initial states; the least-squares sums per grid point.

    Errors are ``e0 + l0 * p + b0 * q`` where ``e0`` are those from zero states and
    ``p``, ``q`` those of a unit initial level / slope on zero data.
    """
    n, T = Z.shape
    shape = np.broadcast_shapes((n, 1), alpha.shape)
    lv, sl = np.zeros(shape), np.zeros(shape)
    pl, ps = np.ones(shape), np.zeros(shape)  # states of the unit-level run
    ql, qs = np.zeros(shape), np.ones(shape)  # states of the unit-slope run
    sums = {k: np.zeros(shape) for k in ("ee", "pp", "qq", "pq", "pe", "qe")}
    for t in range(T):
        e = Z[:, t, None] - (lv + phi * sl)
        p = -(pl + phi * ps)
        q = -(ql + phi * qs)
        sums["ee"] += e * e
        sums["pp"] += p * p
        sums["pe"] += p * e
        lv, sl = lv + phi * sl + alpha * e, phi * sl + beta * e
        pl, ps = pl + phi * ps + alpha * p, phi * ps + beta * p
        if trend:
            sums["qq"] += q * q
            sums["pq"] += p * q
            sums["qe"] += q * e
            ql, qs = ql + phi * qs + alpha * q, phi * qs + beta * q
    return sums


def _best_states(sums, *, trend: bool):
    """Initial level and slope minimising the sum of squares, and that minimum."""
    ridge = 1e-9 * (sums["pp"] + sums["qq"] + 1.0)
    if not trend:
        l0 = -sums["pe"] / (sums["pp"] + ridge)
        return l0, np.zeros_like(l0), sums["ee"] + l0 * sums["pe"]
    a, b, d = sums["pp"] + ridge, sums["pq"], sums["qq"] + ridge
    det = a * d - b * b
    l0 = -(d * sums["pe"] - b * sums["qe"]) / det
    b0 = -(a * sums["qe"] - b * sums["pe"]) / det
    sse = sums["ee"] + l0 * sums["pe"] + b0 * sums["qe"]
    return l0, b0, sse


def _grid(kind: str) -> np.ndarray:
    trend, damped = _KINDS[kind]
    betas = _BETA_SHARES if trend else (0.0,)
    phis = (_PHIS if damped else (1.0,)) if trend else (1.0,)
    g = np.array(list(itertools.product(_ALPHAS, betas, phis)))
    return np.c_[g[:, 0], g[:, 0] * g[:, 1], g[:, 2]]  # alpha, beta, phi


def _fit_kind(Z: np.ndarray, kind: str):
    """Best (alpha, beta, phi, l0, b0) and sum of squares per series for one model."""
    trend, damped = _KINDS[kind]
    n = Z.shape[0]
    rows = np.arange(n)
    g = _grid(kind)
    cand = np.broadcast_to(g[None], (n, len(g), 3))
    best = np.full(n, np.inf)
    pick = np.zeros((n, 5))
    steps = np.array(
        list(itertools.product(_STEPS, _STEPS if trend else (1.0,), _STEPS if damped else (1.0,)))
    )
    for round_ in range(2):  # the grid, then one local round around each series' best point
        if round_:
            a2 = np.clip(pick[:, None, 0] * steps[None, :, 0], 0.01, 0.9999)
            b2 = np.minimum(pick[:, None, 1] * steps[None, :, 1], a2)
            p2 = np.clip(pick[:, None, 2] * steps[None, :, 2], 0.8, 0.98) if damped else 1.0
            cand = np.stack(np.broadcast_arrays(a2, b2, p2), axis=2)
        al, be, ph = cand[..., 0], cand[..., 1], cand[..., 2]
        l0, b0, sse = _best_states(_pass(Z, al, be, ph, trend=trend), trend=trend)
        k = np.argmin(sse, axis=1)
        better = sse[rows, k] < best
        found = np.stack([al, be, ph, l0, b0], axis=2)[rows, k]
        pick[better] = found[better]
        best = np.where(better, sse[rows, k], best)
    return pick, best


def _run(Z, pick, horizon):
    """Fitted values, forecasts and psi weights of one parameter set per series."""
    al, be, ph, l0, b0 = (pick[:, j] for j in range(5))
    col = (al[:, None], be[:, None], np.zeros((len(Z), 1)), ph[:, None])
    _, lv, sl, _, fitted = _ets_run(Z, l0, b0, None, *col, keep=True)
    mean, psi = trend_forecast(lv[:, 0], sl[:, 0], al, be, ph, horizon)
    return mean, psi, fitted


def ets_aicc(Z: np.ndarray, horizon: int, *, log: bool = False) -> Fit:
    """ANN, AAN or AAdN per series by AICc (see the module docstring).

    With ``log`` (``Z`` is the log of positive series) the models are fitted to
    ``exp(Z)``, as AutoETS fits them to the sales: a slope on the log scale would be an
    exponential trend, which AutoETS does not allow either. The forecasts and fitted
    values are returned on the log scale, the mean less half the forecast variance (the
    engine adds it back when it takes the exponential).
    """
    n, T = Z.shape
    X = np.exp(Z) if log else Z
    fits = {kind: _fit_kind(X, kind) for kind in _KINDS}
    aicc = np.stack([_aicc(sse, T, _K[k]) for k, (_, sse) in fits.items()], axis=1)
    choice = np.argmin(aicc, axis=1)
    pick = np.stack([fits[k][0] for k in _KINDS], axis=1)[np.arange(n), choice]
    mean, psi, fitted = _run(X, pick, horizon)
    k_par = np.array([_K[k] - 1 for k in _KINDS])[choice]
    kinds = np.array(list(_KINDS))[choice]
    if log:
        tiny = 1e-6 * np.abs(X).max(axis=1, keepdims=True)
        fitted = np.log(np.maximum(fitted, tiny))
        mean = np.log(np.maximum(mean, tiny))
    sigma = _sigma(Z - fitted, k_par)
    if log:
        mean = mean - (sigma[:, None] ** 2 * np.cumsum(psi**2, axis=1)) / 2
    params = {"trend": kinds, "alpha": pick[:, 0], "beta": pick[:, 1], "phi": pick[:, 2]}
    return Fit("ets_aicc", mean, psi, sigma, fitted, params)


def _aicc(sse: np.ndarray, T: int, k: int) -> np.ndarray:
    return T * np.log(np.maximum(sse, 1e-300) / T) + 2 * k + 2 * k * (k + 1) / max(T - k - 1, 1)
