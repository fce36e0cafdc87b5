"""The forecasting engine: classify series, adjust the calendar, backtest, combine.

Series are grouped into batches of equal length and kind so that every model runs on a
whole batch at once (see ``_models``). For each series the candidates are scored by a
rolling-origin backtest on its own history (mean absolute error over all windows and
steps); the forecast is the mean of the best ``TOP_K`` candidates weighted by the inverse
of that error squared. Where that combination backtests worse than seasonal naive
(naive for pools without it), the best candidate is taken alone, so auto's selection
backtest is never worse than the naive benchmark. Long regular series also get ARIMA
candidates (the airline model among them), and those whose monthly changes show no
yearly pattern choose among non-seasonal models only; a level shift in their last two
years is taken out of the history like a calendar effect and kept in the forecast.
Candidates are scored on the origins where all of them have a forecast (seasonal naive
has none from a one-year history). Interval widths come from each model's error weights,
scaled by how large the backtest errors really were (shrunk towards the model's own
claim), and are averaged across the combined models quantile by quantile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import fdtrc

from repkit.forecast import _calendar, _ets_aicc, _models, _sm

SELECT_WINDOWS = 4
"""Backtest origins used inside ``method="auto"`` to choose and weight the models."""
SELECT_STEP = 6
"""Months between those origins. Tuning set of ``benchmarks/_real_series.py`` (104 series),
mean / median / geo-relative MASE, 80 % coverage: 3 origins 4 months apart (before issue
20) 0.392 / 0.300 / 0.460, 0.835; 4 origins 6 apart 0.389 / 0.268 / 0.452, 0.824; 4 apart
0.392 / 0.326 / 0.455; 8 apart 0.402 / 0.313 / 0.458; 3 or 5 origins 6 apart 0.394 /
0.301 / 0.460 and 0.403 / 0.298 / 0.467. Each origin costs one fit of every candidate.
Histories without room for four origins this far apart keep them closer (the horizon split
into the windows), so that short series still get as many origins."""
TOP_K = 4
"""Number of best-backtesting candidates averaged (weights 1 / MAE ** :data:`WEIGHT_POWER`).

Before issue 20's third round: three, inverse-MAE weights, chosen on the tuning set of
``benchmarks/_real_series.py`` with its last 12 months held out (top 2 and top 4 were
worse there). Scored on five holdouts of that set instead (the last 12 months and 12,
24, 36, 48 months earlier; 520 series-holdouts; ``bench_forecast.py --holdouts``),
mean / median / geo-relative MASE, 95 % MSIS: top 3 inverse MAE 0.447 / 0.304 / 0.468,
3.38; top 3 inverse squared MAE 0.446 / 0.307 / 0.466, 3.37; top 4 inverse MAE 0.443 /
0.301 / 0.460, 3.37; top 4 inverse squared MAE 0.440 / 0.302 / 0.459, 3.34 (better on
four of the five holdouts, slightly worse on the last 12 months alone, the one the
earlier choice was made on).
"""
WEIGHT_POWER = 2.0
"""Power of the backtest MAE in the combination weights (see :data:`TOP_K`)."""
FAMILY = {
    **dict.fromkeys(
        ("ses", "holt", "holt_damped", "ets_season", "ets_damped", "ets_trend", "ets_aicc"), "ets"
    ),
    **dict.fromkeys(("drift", "ar_drift", "arima_drift", "arima_dd", "airline"), "arima"),
    **dict.fromkeys(("naive", "snaive"), "naive"),
}
"""Model families: the combination takes at most :data:`FAMILY_MAX` members of one."""
FAMILY_MAX = 2
"""Tuning set of ``benchmarks/_real_series.py``, mean / median / geo-relative MASE: best
three without a limit 0.389 / 0.268 / 0.452; at most two of a family 0.386 / 0.264 /
0.449; one of a family 0.387 / 0.308 / 0.441 (best two, one of a family: 0.382 / 0.270 /
0.442)."""
MIN_LEN = {"snaive": _models.M + 1, "airline": 2 * _models.M + 2}
"""Months of history a model needs (in backtests too): a year and a month for seasonal
naive, a year of double differences for the airline model."""
INTERMITTENT_SHARE = 0.3
"""Share of zero months from which a series is treated as intermittent demand."""
LAUNCH_GAP = 12
"""Leading zero months from which a sparse series counts as launched in the history."""
CALENDAR_MIN = 24
"""Months of positive history from which a series' own calendar effects are estimated."""
REGULAR_MIN = 26
"""Months of history from which seasonal models are candidates (two years + 2 to test)."""
ARIMA_MIN = 48
"""Months of history from which the ARIMA candidates (``_models.ARIMA``) join the
regular pool. On the tuning set of ``benchmarks/_real_series.py`` (all 60+ months) they
took auto from mean / median MASE 0.394 / 0.349 to 0.390 / 0.300; on the 30-month sample
sales (seed 0, region x product, last 6 months held out) they made it worse (1.28 vs 1.24),
with too few seasonal differences to estimate them."""
SEASON_P = 0.01
"""p-value under which the month F-test (:func:`_month_effect`) calls a series seasonal.

Issue 20: the lag-12 autocorrelation test alone put 48-month seasonal histories (FPP2's
ldeaths, mdeaths, fdeaths cut at 1977) among the non-seasonal series. Tuning set of
``benchmarks/_real_series.py``, five holdouts each (the last 12 months, and 12, 24, 36,
48 months earlier), mean / median / geo-relative MASE: 0.453 / 0.305 / 0.471 with the
autocorrelation test alone, 0.448 / 0.304 / 0.468 with the F-test at 0.001, 0.447 /
0.304 / 0.468 at 0.01 (the 18 series-holdouts it moved: geo-relative 0.80 -> 0.64)."""
SHIFT_Z = 5.0
"""Robust z of a monthly change from which :func:`_level_shift` tests for a level shift.

Issue 20, tuning set of ``benchmarks/_real_series.py``, five holdouts (520
series-holdouts), mean / median / geo-relative MASE, 95 % MSIS, with the airline model:
no shift handling 0.437 / 0.294 / 0.452, 3.307; 5 (6 series-holdouts adjusted, 4 of
them better) 0.436 / 0.292 / 0.450, 3.307; 4: 0.436 / 0.297 / 0.452, 3.363; 6: 0.437 /
0.293 / 0.452, 3.306. On 60 synthetic 96-month seasonal series with a shift of 20-50 %
in the last 24 months mean MASE 1.13 -> 0.69; 60 without a shift unchanged. Only
positive regular series of :data:`ARIMA_MIN` months or more (log scale) are adjusted."""
SHIFT_LAST = 24
"""Months at the end of a history searched for a level shift (36: the same on the
tuning set)."""
POOL_MIN = 300
"""Backtest errors in a batch from which interval factors are set per level, pooled."""
_PRIOR_N = 36
"""Pseudo-observations of the prior of a series' calibration factors (see
:func:`_calibration`): 12 before issue 20's sixth round, when the factors of single series
(48 backtest errors from 4 origins, strongly correlated within an origin) were noisy
enough to widen intervals on average. Chosen with :data:`CENTRE` and :data:`TAIL`, see
there."""
_Q_MIN = 8  # backtest errors from which a series' own error quantiles widen its intervals
_K_MIN, _K_MAX = 0.5, 3.0  # floor 0.7 before issue 20: tuning-set 80 % coverage 0.853
_DRAWS = 4000
CENTRE = 0.87
"""Factor of the 80 % interval relative to the calibrated normal one (see :func:`_tail`):
backtest errors have heavier tails than the normal, so with the normal's ratio of the 95 %
to the 80 % width, one of them is off. Issue 20, sixth round, chosen on M3-A (714 series,
``benchmarks/_real_series.split_m3``) and five holdouts of the tuning set, acceptance set
and holdout2; 95 % MSIS as a ratio to the ETS+ARIMA+Theta combination's, coverage 80 /
95 %:

- before (:data:`_PRIOR_N` 12, centre 1.0, :data:`TAIL` 1.10): M3-A 1.059, 0.816 / 0.954;
  tuning 0.884 / 0.926 (last holdout / earlier ones), holdout2's earlier ones 1.077 with
  80 % coverage 0.848;
- prior 36, centre 1.0, tail 1.0: M3-A 0.998, 0.832 / 0.945; 80 % coverage 0.851-0.870
  on the tuning set's holdouts, too high;
- prior 36, tail 1.0, centre 0.93 / 0.90 / 0.87: M3-A 80 % coverage 0.807 / 0.796 /
  0.782, the largest distance from 80 % over M3-A and the twelve holdouts 4.5 / 3.5 /
  2.2 points; 0.87 chosen (95 % unchanged: M3-A 0.945). MSIS after: M3-A 0.998, tuning
  0.889 / 0.924, acceptance 0.956 / 0.919 (before 0.955 / 0.940), holdout2 0.938 / 1.017
  (before 0.946 / 1.077).
- prior 72: MSIS worse on the last holdouts of the tuning (0.927) and acceptance (0.976)
  sets; centre 0.95 with tail 1.10: M3-A 1.040, holdout2's earlier holdouts 1.072.

Applied to the model-based and per-series factors only: the batch-pooled ones
(:data:`POOL_MIN`) are empirical quantiles of each level already."""
TAIL = 1.0
"""Factor of the 95 % interval relative to the calibrated normal one (1.10 before issue
20's sixth round; see :data:`CENTRE`)."""
SHORT_WIDEN = 1.15
"""Widening of every interval of a history shorter than :data:`ARIMA_MIN` months, whose
own backtest errors do not set its interval factors (``_calibration(short=True)``).

Issue 20, sixth round: on 36-month histories (the last 48 months of each real series, 12
held out) the calibrated intervals covered too little. Their backtests, of shorter
histories still, narrowed them: with the model's own intervals alone MSIS was lower on
all four sets. Chosen on the tuning set's cuts, 80 / 95 % coverage and MSIS before this
round 0.754 / 0.903, 5.02; own errors at prior 36: 0.736 / 0.918, 4.68; with 1.15:
0.779 / 0.944, 4.62; own errors off and 1.15: 0.804 / 0.962, 4.45 (1.09: 0.778 / 0.957,
4.40, farther from nominal). Not chosen on, before this round -> now: acceptance 0.678 /
0.866, 6.10 -> 0.754 / 0.936, 5.49; holdout2 0.779 / 0.917, 6.56 -> 0.807 / 0.954, 6.38;
M3-A 0.755 / 0.912, 7.71 -> 0.807 / 0.953, 7.28. The sample data's 30-month region x
product backtests (6 months, 3 windows): 0.608 / 0.782, 39.5 -> 0.609 / 0.784, 38.1."""

# "new" (launched inside the history, under 26 months since): drift joined it in issue 20;
# on the sample sales (seed 0, region x product, last 6 months held out, 3 windows) the
# launched products' ramps were forecast flat, auto's mean MASE over all series 3.01 ->
# 2.51 (established series unchanged: launches only).
TIERS = {
    "regular": (
        "snaive",
        "theta",
        "ets_season",
        "ets_damped",
        "holt_damped",
        "ets_trend",
        "holt",
    ),
    "flat": ("ets_aicc", "holt_damped"),
    "short": ("naive", "drift", "ses", "holt_damped", "snaive", "theta"),
    "new": ("naive", "drift", "ses", "holt_damped", "theta"),
    "tiny": ("naive", "drift", "ses", "holt_damped"),
    "intermittent": ("croston", "tsb", "adida", "ses"),
}
EQUAL_TIERS = {"flat"}
"""Tiers whose candidates are averaged with equal weights, not chosen by backtest.

Issue 20, fifth round: long series without a season (``flat``) had seven candidates
chosen by backtest (naive, ses, damped Holt, Holt, theta, drift, AR on differences with
drift). On the M3 competition's monthly series (half M3-A, the half changes were chosen
on: 714 series, 405 of them non-seasonal, last 12 months held out) auto's mean / median /
geo-relative MASE there were 1.25 / 1.03 / 1.02 of the ETS+ARIMA+Theta combination's,
with outliers from trends extrapolated on the log scale. Backtests four origins apart
cannot tell random-walk-like candidates apart. AutoETS-style :mod:`._ets_aicc` alone gave
1.02 / 1.03 / 1.03; averaged with damped Holt 1.005 / 0.999 / 1.005 (all M3-A series
1.13 / 1.03 / 1.02 -> 1.01 / 1.00 / 1.01, 95 % MSIS 1.16 -> 1.06 of the combination's).
With theta instead of damped Holt: the same medians, MSIS 1.19."""
_FUNCS = {**_models.MODELS, **_sm.MODELS, "ets_aicc": _ets_aicc.ets_aicc}
_ORIGINAL_SCALE = {"ets_aicc"}
"""Models told whether the working scale is the log (they fit the sales themselves)."""
METHODS = ("auto", "fast", *sorted(_FUNCS))
"""Valid ``method`` values: ``"auto"``, ``"fast"`` (no statsmodels; now the same as auto) or
one model name."""


@dataclass
class Series:
    """One input series: values and their consecutive months."""

    key: Any
    y: np.ndarray
    months: pd.PeriodIndex
    calendar: tuple[str, np.ndarray] | None = None


@dataclass
class Result:
    """Forecast of one series (original scale)."""

    key: Any
    months: pd.PeriodIndex
    mean: np.ndarray
    lo: dict[int, np.ndarray]
    hi: dict[int, np.ndarray]
    model: str
    kind: str
    calendar: str
    history: pd.PeriodIndex
    fitted: np.ndarray
    totals: dict[str, dict[str, float]] = field(default_factory=dict)
    candidates: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)


def _origins(
    T: int, horizon: int, windows: int, min_train: int, step: int | None = None
) -> list[int]:
    """Backtest origins (training lengths): back from T - horizon, else forward, truncated.

    Origins are ``step`` months apart (default: the horizon split into ``windows``).
    """
    step = step or max(1, -(-horizon // max(windows, 1)))
    back = [T - horizon - j * step for j in range(windows)]
    out = [o for o in back if o >= min_train]
    o = T - horizon + step
    while len(out) < windows and o < T:
        if o >= min_train:
            out.append(o)
        o += step
    o = min_train
    while not out and o < T:
        out.append(o)
        o += step
    return sorted(set(out))


def _tier(T: int) -> str:
    if T >= REGULAR_MIN:
        return "regular"
    if T >= 13:
        return "short"
    return "tiny"


def _min_train(tier: str, T: int) -> int:
    return {
        "regular": 24,
        "flat": 24,
        "short": 12,
        "new": max(3, T // 2),
        "tiny": max(3, T // 2),
        "intermittent": max(6, T // 2),
    }[tier]


def _tail(level: float) -> float:
    """Factor of the interval of ``level`` for tails heavier than the normal's.

    :data:`CENTRE` up to 80 %, :data:`TAIL` at 95 %, in between and beyond linear in the
    normal quantile.
    """
    z80, z95, z = (NormalDist().inv_cdf(0.5 + lv / 200) for lv in (80, 95, level))
    return CENTRE + (TAIL - CENTRE) * max(0.0, (z - z80) / (z95 - z80))


def _z_of(levels) -> dict[int, float]:
    return {lv: NormalDist().inv_cdf(0.5 + lv / 200) for lv in levels}


# ------------------------------------------------------------------ per-model outputs
def _sd(fit: _models.Fit) -> np.ndarray:
    """Model's own h-step standard deviation on the working scale (n, H)."""
    return fit.sigma[:, None] * np.sqrt(np.cumsum(fit.psi**2, axis=1))


def _model_output(fit, *, log, cal_f, kms, klev, levels, nonneg):
    """Mean and interval bounds on the original scale for one model, all series.

    ``kms`` (n,) scales the standard deviation for the mean's log bias adjustment (at
    most by 1: a calibration that widens the intervals for heavy tails is no lognormal
    variance, and up to 3 times the standard deviation it pushed means of random-walk-like
    series far up; issue 20, fifth round), ``klev[level]`` (n,) for the interval of that
    level.
    """
    lo, hi = {}, {}
    if fit.empirical is not None:
        mean = fit.mean.copy()
        for lv in levels:
            lo[lv], hi[lv] = (
                np.repeat(_mixture_quantile(fit, q)[:, None], mean.shape[1], axis=1)
                for q in ((1 - lv / 100) / 2, (1 + lv / 100) / 2)
            )
        return mean, lo, hi
    sd = _sd(fit)
    zq = _z_of(levels)
    if log:
        center = fit.mean + cal_f
        mean = np.exp(center + (np.minimum(kms, 1.0)[:, None] * sd) ** 2 / 2)
        for lv, z in zq.items():
            w = z * klev[lv][:, None] * sd
            lo[lv], hi[lv] = np.exp(center - w), np.exp(center + w)
        return mean, lo, hi
    mult = np.exp(cal_f)
    mean = fit.mean * mult
    for lv, z in zq.items():
        w = z * klev[lv][:, None] * sd
        lo[lv], hi[lv] = (fit.mean - w) * mult, (fit.mean + w) * mult
        lo[lv] = np.where(nonneg[:, None], np.maximum(lo[lv], 0), lo[lv])
        hi[lv] = np.where(nonneg[:, None], np.maximum(hi[lv], 0), hi[lv])
    mean = np.where(nonneg[:, None], np.maximum(mean, 0), mean)
    return mean, lo, hi


def _mixture_quantile(fit: _models.Fit, q: float) -> np.ndarray:
    """Quantile of 'no demand with 1-p, else a (rescaled) historical size'."""
    sizes, p = fit.empirical, fit.prob
    if sizes is None or p is None:
        raise TypeError("a mixture quantile needs an intermittent fit (empirical sizes)")
    out = np.zeros(len(p))
    for i in range(len(p)):
        row = sizes[i][np.isfinite(sizes[i])]
        if p[i] <= 0 or not len(row) or row.mean() == 0 or q <= 1 - p[i]:
            continue
        scale = fit.mean[i, 0] / (p[i] * row.mean())
        out[i] = scale * np.quantile(row, (q - (1 - p[i])) / p[i])
    return out


def _window_total(fit, steps, *, log, cal_f, klev, levels, nonneg, mean_y, seed):
    """Mean and bounds of the sum of the forecast over ``steps`` (indices), all series."""
    n = fit.mean.shape[0]
    steps = np.asarray(steps, dtype=int)
    mean = mean_y[:, steps].sum(axis=1)
    lo, hi = {}, {}
    if fit.empirical is not None:
        rng = np.random.default_rng(seed)
        sims = np.zeros((n, _DRAWS))
        for i in range(n):
            row = fit.empirical[i][np.isfinite(fit.empirical[i])]
            if not len(row) or fit.prob[i] <= 0 or row.mean() == 0:
                continue
            scale = fit.mean[i, 0] / (fit.prob[i] * row.mean())
            occur = rng.random((_DRAWS, len(steps))) < fit.prob[i]
            draw = rng.choice(row, size=(_DRAWS, len(steps))) * scale
            sims[i] = (occur * draw).sum(axis=1)
        for lv in levels:
            lo[lv] = np.quantile(sims, (1 - lv / 100) / 2, axis=1)
            hi[lv] = np.quantile(sims, (1 + lv / 100) / 2, axis=1)
        return mean, lo, hi
    H = fit.mean.shape[1]
    w = np.zeros((n, H))
    if log:
        center = np.exp(fit.mean + cal_f)
        w[:, steps] = center[:, steps]
        med = w.sum(axis=1)
        w = w / np.where(med > 0, med, 1)[:, None]
    else:
        w[:, steps] = np.exp(cal_f[:, steps])
        base = (fit.mean * np.exp(cal_f))[:, steps].sum(axis=1)
    # a_t = sum_{h >= t} w_h psi[h - t]: the weight of the shock at step t in the total
    a = np.zeros((n, H))
    for t in range(H):
        a[:, t] = (w[:, t:] * fit.psi[:, : H - t]).sum(axis=1)
    sd = fit.sigma * np.sqrt((a**2).sum(axis=1))
    for lv, z in _z_of(levels).items():
        width = z * klev[lv] * sd
        if log:
            lo[lv], hi[lv] = med * np.exp(-width), med * np.exp(width)
        else:
            lo[lv], hi[lv] = base - width, base + width
            lo[lv] = np.where(nonneg, np.maximum(lo[lv], 0), lo[lv])
    return mean, lo, hi


def _guard_sigma(fit: _models.Fit, Z: np.ndarray) -> _models.Fit:
    """Floor the volatility of series with fewer than three in-sample errors.

    Such a model knows nothing of its volatility: assume a third of the series' mean
    absolute level instead of zero (series that short are on the raw scale).
    """
    if fit.empirical is not None:
        return fit
    few = np.isfinite(Z - fit.fitted).sum(axis=1) < 3
    if few.any():
        floor = np.nanmean(np.abs(Z), axis=1) / 3
        fit.sigma = np.where(few, np.maximum(fit.sigma, floor), fit.sigma)
    return fit


def _fitted_y(fit, *, log, cal_h):
    if fit.empirical is not None:
        return fit.fitted
    if log:
        return np.exp(fit.fitted + cal_h)
    return fit.fitted * np.exp(cal_h)


def _calibration(
    zs: list[np.ndarray], n: int, levels, *, short: bool = False
) -> tuple[np.ndarray, dict]:
    """Interval scale factors from standardised backtest errors of the combination.

    Returns ``kms`` (n,), one factor per series from the mean square of its z, shrunk
    towards 1, and ``klev[level]`` (n,), the factor of each interval: the larger of
    ``kms`` and the level's quantile of the series' own |z| (split-conformal style, shrunk
    towards 1 the same way), times :func:`_tail` for heavy tails; with at least
    :data:`POOL_MIN` errors in the batch, at least the factor that covers the batch's
    backtest errors at that level (empirical quantile of |z|, heavy tails included).
    Tuning set of ``benchmarks/_real_series.py``: 95 % / 80 % coverage 0.943 / 0.824
    without the per-series quantile, 0.946 / 0.829 with it. For a ``short`` history
    (under :data:`ARIMA_MIN` months) a series' own errors count for nothing (both factors
    1) and every interval factor is :data:`SHORT_WIDEN` times wider.
    """
    own = not short
    widen = SHORT_WIDEN if short else 1.0
    if not zs:
        ones = np.ones(n)
        return ones, {lv: ones * _tail(lv) * widen for lv in levels}
    z = np.concatenate(zs, axis=1)
    z = np.where(np.isfinite(z), z, np.nan)
    cnt = np.isfinite(z).sum(axis=1) if own else np.zeros(n, dtype=int)
    sq = np.nansum(z**2, axis=1) if own else np.zeros(n)
    k2 = (sq + _PRIOR_N) / (cnt + _PRIOR_N)
    kms = np.sqrt(np.clip(k2, _K_MIN**2, _K_MAX**2))
    flat = np.abs(z[np.isfinite(z)])
    absz = np.where(np.isfinite(z), np.abs(z), np.nan)
    klev = {}
    for lv, zz in _z_of(levels).items():
        q = np.nanquantile(np.where(cnt[:, None] >= _Q_MIN, absz, zz), lv / 100, axis=1) / zz
        kq = np.sqrt((cnt * q**2 + _PRIOR_N) / (cnt + _PRIOR_N))
        klev[lv] = np.maximum(kms, np.clip(kq, _K_MIN, _K_MAX)) * _tail(lv)
        if len(flat) >= POOL_MIN:
            pooled = np.clip(np.quantile(flat, lv / 100) / zz, _K_MIN, _K_MAX)
            klev[lv] = np.maximum(klev[lv], pooled)
        klev[lv] = klev[lv] * widen
    return kms, klev


# ------------------------------------------------------------------------- a batch
@dataclass
class _Batch:
    """What :func:`_run_batch` learns about a batch of equal-length series (row per series)."""

    mean: np.ndarray
    lo: dict[int, np.ndarray]
    hi: dict[int, np.ndarray]
    fitted: np.ndarray
    totals: dict[str, dict[str, np.ndarray]]
    chosen: list[str]
    candidates: dict[str, dict[str, np.ndarray]]
    scores: list[dict[str, float]]


def _fit(name: str, Z: np.ndarray, horizon: int, *, log: bool) -> _models.Fit:
    """Fit candidate ``name``; those of :data:`_ORIGINAL_SCALE` are told the working scale."""
    fn: Any = _FUNCS[name]
    return fn(Z, horizon, log=log) if name in _ORIGINAL_SCALE else fn(Z, horizon)


def _backtest_candidates(Z, cal_h, names, origins, horizon, *, log, nonneg) -> list:
    """Per origin ``(o, hh, {name: (mean_y, Zmean, Zsd)})`` of every candidate."""
    ones = np.ones(Z.shape[0])
    back = []
    for o in origins:
        hh = min(horizon, Z.shape[1] - o)
        per = {}
        for nm in names:
            if o < MIN_LEN.get(nm, 0):
                continue
            f = _fit(nm, Z[:, :o], hh, log=log)
            mu, _, _ = _model_output(
                f,
                log=log,
                cal_f=cal_h[:, o : o + hh],
                kms=ones,
                klev={},
                levels=(),
                nonneg=nonneg,
            )
            per[nm] = (mu, f.mean, _sd(f) if f.empirical is None else None)
        back.append((o, hh, per))
    return back


def _select(Y, names, back, *, equal: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Backtest MAE per series × candidate and weights on the best :data:`TOP_K`.

    Scored on the origins where every candidate has a forecast (seasonal naive has none
    from a single year): an origin one candidate lacks would otherwise rule it out, and
    with it the fall-back to it. With ``equal`` (the :data:`EQUAL_TIERS`) every candidate
    gets the same weight; the scores are still reported and the fall-back still applies.
    """
    n = Y.shape[0]
    back = [b for b in back if all(nm in b[2] for nm in names)] or back
    if back and len(names) > 1:
        score = np.stack(
            [
                np.concatenate(
                    [
                        np.abs(Y[:, o : o + hh] - per[nm][0])
                        if nm in per
                        else np.full((n, hh), np.inf)
                        for o, hh, per in back
                    ],
                    axis=1,
                ).mean(axis=1)
                for nm in names
            ],
            axis=1,
        )
        score = np.where(np.isfinite(score), score, np.inf)
    else:
        score = np.zeros((n, len(names)))
    if equal and len(names) > 1:
        weights = np.full((n, len(names)), 1.0 / len(names))
        return score, _fall_back(Y, names, back, score, weights)
    order = np.argsort(score, axis=1, kind="stable")
    weights = np.zeros((n, len(names)))
    for i in range(n):
        good = _diverse_top(order[i], score[i], names) or [order[i][0]]
        s = score[i, good]
        if np.isfinite(s).all() and s.max() > 0:
            inv = 1.0 / np.maximum(s, 1e-9 * s.max()) ** WEIGHT_POWER
            weights[i, good] = inv / inv.sum()
        else:
            weights[i, good] = 1.0 / len(good)
    return score, _fall_back(Y, names, back, score, weights)


def _diverse_top(order, score, names) -> list[int]:
    """Indices of the best :data:`TOP_K` candidates, at most :data:`FAMILY_MAX` a family.

    ``order`` sorts ``score`` ascending; candidates without a finite score are skipped.
    """
    took: list[int] = []
    count: dict[str, int] = {}
    for j in order:
        fam = FAMILY.get(names[j], names[j])
        if np.isfinite(score[j]) and count.get(fam, 0) < FAMILY_MAX:
            took.append(int(j))
            count[fam] = count.get(fam, 0) + 1
        if len(took) == TOP_K:
            break
    return took


def _fall_back(Y, names, back, score, weights) -> np.ndarray:
    """Put all weight on the best candidate where the combination backtests badly.

    Badly: a larger selection-backtest MAE than the naive benchmark's (seasonal naive
    where it is a candidate, else naive), so that auto's own backtest never loses to it.
    """
    base = next((names.index(b) for b in ("snaive", "naive") if b in names), None)
    if not back or len(names) < 2 or base is None:
        return weights
    n = Y.shape[0]
    err = []
    for o, hh, per in back:
        comb = np.zeros((n, hh))
        for j, nm in enumerate(names):
            if weights[:, j].any() and nm in per:
                comb += weights[:, j, None] * per[nm][0]
        err.append(np.abs(Y[:, o : o + hh] - comb))
    comb_mae = np.concatenate(err, axis=1).mean(axis=1)
    best = np.argmin(score, axis=1)
    lose = comb_mae > score[:, base] * (1 + 1e-9)
    if lose.any():
        weights = weights.copy()
        weights[lose] = 0.0
        weights[lose, best[lose]] = 1.0
    return weights


def _combination_errors(Z, names, weights, back, tier) -> list[np.ndarray]:
    """Standardised backtest errors of the weighted combination (working scale)."""
    n = Z.shape[0]
    zs: list[np.ndarray] = []
    if tier == "intermittent":
        return zs
    for o, hh, per in back:
        if not all(names[j] in per for j in range(len(names)) if weights[:, j].any()):
            continue
        m_c = np.zeros((n, hh))
        s_c = np.zeros((n, hh))
        for j, nm in enumerate(names):
            if nm in per and weights[:, j].any():
                m_c += weights[:, j, None] * per[nm][1]
                s_c += weights[:, j, None] * per[nm][2]
        with np.errstate(divide="ignore", invalid="ignore"):
            zs.append((Z[:, o : o + hh] - m_c) / s_c)
    return zs


def _empty_batch(n, T, horizon, levels, steps_of) -> _Batch:
    totals = {
        label: {"mean": np.zeros(n)}
        | {f"{side}_{lv}": np.zeros(n) for lv in levels for side in ("lo", "hi")}
        for label in steps_of
    }
    return _Batch(
        mean=np.zeros((n, horizon)),
        lo={lv: np.zeros((n, horizon)) for lv in levels},
        hi={lv: np.zeros((n, horizon)) for lv in levels},
        fitted=np.zeros((n, T)),
        totals=totals,
        chosen=[],
        candidates={},
        scores=[],
    )


def _add_member(
    out, fitted_w, f, wj, mu, l_, h_, *, log, cal_h, cal_f, klev, levels, nonneg, steps_of, seed
) -> None:
    """Add one candidate's forecast, fit and window totals to the combination, weighted."""
    out.mean += wj[:, None] * mu
    for lv in levels:
        out.lo[lv] += wj[:, None] * l_[lv]
        out.hi[lv] += wj[:, None] * h_[lv]
    fy = _fitted_y(f, log=log, cal_h=cal_h)
    has = np.isfinite(fy)
    out.fitted += np.where(has, wj[:, None] * fy, 0.0)
    fitted_w += has * wj[:, None]
    for label, steps in steps_of.items():
        if not len(steps):
            continue
        tm, tl, th = _window_total(
            f,
            steps,
            log=log,
            cal_f=cal_f,
            klev=klev,
            levels=levels,
            nonneg=nonneg,
            mean_y=mu,
            seed=seed,
        )
        out.totals[label]["mean"] += wj * tm
        for lv in levels:
            out.totals[label][f"lo_{lv}"] += wj * tl[lv]
            out.totals[label][f"hi_{lv}"] += wj * th[lv]


def _run_batch(
    Y,
    cal_h,
    cal_f,
    names,
    horizon,
    *,
    log,
    tier,
    windows,
    levels,
    nonneg,
    steps_of,
    keep_candidates,
    seed,
) -> _Batch:
    """Backtest, select, combine and forecast a batch of equal-length series."""
    n, T = Y.shape
    Z = np.log(Y) - cal_h if log else Y * np.exp(-cal_h)
    names = [nm for nm in names if MIN_LEN.get(nm, 0) <= T]
    min_train = _min_train(tier, T)
    # origins SELECT_STEP apart where the history has room for all of them, else closer
    room = T - horizon - (windows - 1) * SELECT_STEP >= min_train
    step = SELECT_STEP if room else None
    origins = _origins(T, horizon, windows, min_train, step) if len(names) > 1 else []
    if not origins and tier != "intermittent" and T > 4:
        origins = _origins(T, horizon, windows, max(3, T // 2))  # for calibration only
    back = _backtest_candidates(Z, cal_h, names, origins, horizon, log=log, nonneg=nonneg)
    score, weights = _select(Y, names, back, equal=tier in EQUAL_TIERS)
    zs = _combination_errors(Z, names, weights, back, tier)
    kms, klev = _calibration(zs, n, levels, short=T < ARIMA_MIN)
    out = _empty_batch(n, T, horizon, levels, steps_of)
    fitted_w = np.zeros((n, T))  # members with a fitted value in each month
    for j, nm in enumerate(names):
        wj = weights[:, j]
        if not wj.any() and not keep_candidates:
            continue
        f = _guard_sigma(_fit(nm, Z, horizon, log=log), Z)
        mu, l_, h_ = _model_output(
            f, log=log, cal_f=cal_f, kms=kms, klev=klev, levels=levels, nonneg=nonneg
        )
        if keep_candidates:
            out.candidates[nm] = {
                "mean": mu,
                **{f"lo_{lv}": l_[lv] for lv in levels},
                **{f"hi_{lv}": h_[lv] for lv in levels},
            }
        if wj.any():
            _add_member(
                out,
                fitted_w,
                f,
                wj,
                mu,
                l_,
                h_,
                log=log,
                cal_h=cal_h,
                cal_f=cal_f,
                klev=klev,
                levels=levels,
                nonneg=nonneg,
                steps_of=steps_of,
                seed=seed,
            )
    with np.errstate(invalid="ignore", divide="ignore"):
        out.fitted = np.where(fitted_w > 0, out.fitted / fitted_w, np.nan)
    out.chosen = ["+".join(names[j] for j in np.flatnonzero(weights[i] > 0)) for i in range(n)]
    out.scores = [dict(zip(names, score[i].tolist(), strict=True)) for i in range(n)]
    return out


# -------------------------------------------------------------------------- the run
def classify(y: np.ndarray) -> tuple[str, int, bool]:
    """Kind of a series, the index of its first month in use, and whether to use logs.

    Kinds: ``zero`` (no sales), ``intermittent`` (at least :data:`INTERMITTENT_SHARE`
    zero months), else by length ``regular``, ``short`` or ``tiny``. Leading zero months
    are a launch inside the history and are dropped (for sparse series only after
    :data:`LAUNCH_GAP` silent months). Logs are used for positive regular series that were
    not launched inside the history: on the log scale a launch ramp, or the noise of a
    short history, extrapolates explosively.
    """
    nz = np.flatnonzero(y != 0)
    if not len(nz):
        return "zero", 0, False
    first = int(nz[0])
    eff = y[first:]
    if len(eff) >= 6 and (eff == 0).mean() >= INTERMITTENT_SHARE:
        return "intermittent", (first if first >= LAUNCH_GAP else 0), False
    tier = _tier(len(eff))
    return tier, first, tier == "regular" and first == 0 and bool((eff > 0).all())


def assign_calendar(series: list[Series], option: str, *, pooled: bool) -> str:
    """Estimate calendar effects and attach them to each series (``Series.calendar``).

    Estimated on positive series with at least :data:`CALENDAR_MIN` months. When
    ``pooled``, one option holds for all and the other non-sparse series take the
    pooled coefficients. Returns the option chosen for the batch.
    """
    if option == "none" or not series:
        return "none"
    info = [classify(s.y) for s in series]
    est = [
        i
        for i, (kind, first, _log) in enumerate(info)
        if kind not in ("zero", "intermittent")
        and len(series[i].y) - first >= CALENDAR_MIN
        and bool((series[i].y[first:] > 0).all())
    ]
    if not est:
        return "none"
    logy = [np.log(series[i].y[info[i][1] :]) for i in est]
    months = [series[i].months[info[i][1] :] for i in est]
    best, picks, betas, beta0 = _calendar.estimate(logy, months, option, pooled=pooled)
    for i, c, b in zip(est, picks, betas, strict=True):
        series[i].calendar = (c, b)
    if pooled and best != "none":
        for i, (kind, _first, _log) in enumerate(info):
            if series[i].calendar is None and kind not in ("zero", "intermittent"):
                series[i].calendar = (best, beta0)
    return best


def _zero_result(s: Series, future: pd.PeriodIndex, levels, totals) -> Result:
    z = np.zeros(len(future))
    blank = {"mean": 0.0, **{f"{b}_{lv}": 0.0 for lv in levels for b in ("lo", "hi")}}
    return Result(
        s.key,
        future,
        z,
        {lv: z for lv in levels},
        {lv: z for lv in levels},
        "zero",
        "zero",
        "none",
        s.months,
        np.zeros(len(s.y)),
        {lab: dict(blank) for lab in totals},
    )


def _seasonal(y: np.ndarray, log: bool) -> bool:
    """Whether the monthly changes of a series repeat yearly.

    Either test says so: the lag-12 autocorrelation test of
    :func:`_models.seasonal_strength` on first differences, or :func:`_month_effect`.
    Both work on differences: a trend or a random walk alone does not count.
    """
    z = np.diff(np.log(y) if log else y)
    return bool(_models.seasonal_strength(z[None, :])[0]) or _month_effect(z) < SEASON_P


def _month_effect(z: np.ndarray, m: int = _models.M) -> float:
    """p-value of the F-test that the calendar month explains the changes ``z``."""
    pos = np.arange(len(z)) % m
    if len(z) <= 2 * m:
        return 1.0
    means = np.bincount(pos, weights=z, minlength=m) / np.bincount(pos, minlength=m)
    within = float(((z - means[pos]) ** 2).sum())
    between = float(((means[pos] - z.mean()) ** 2).sum())
    if within <= 0:
        return 0.0 if between > 0 else 1.0
    dfd = len(z) - m
    return float(fdtrc(m - 1, dfd, (between / (m - 1)) / (within / dfd)))


def _level_shift(z: np.ndarray, m: int = _models.M) -> tuple[int, float]:
    """First month and size of a recent level shift of ``z`` (working scale), or (0, 0.0).

    Searched in the last :data:`SHIFT_LAST` months. The monthly changes less their
    calendar-month means (season and trend out) are scaled by their median absolute
    deviation; a change beyond :data:`SHIFT_Z` of those, at least three months before the
    end, whose level (the cumulated adjusted changes) stays moved the same way (median of
    up to 12 months after against 12 before, at least half the threshold) is a shift. A
    one-month spike moves back and is not one. The largest such shift wins.
    """
    T = len(z)
    d = np.diff(z)
    pos = np.arange(T - 1) % m
    da = d - (np.bincount(pos, weights=d, minlength=m) / np.bincount(pos, minlength=m))[pos]
    scale = 1.4826 * float(np.median(np.abs(da - np.median(da))))
    if not scale > 0:
        return 0, 0.0
    level = np.r_[0.0, np.cumsum(da)]
    best, size = 0, 0.0
    for tau in range(max(T - SHIFT_LAST, m + 1), T - 2):
        jump = da[tau - 1]
        if abs(jump) <= SHIFT_Z * scale:
            continue
        delta = float(np.median(level[tau : tau + m]) - np.median(level[max(tau - m, 0) : tau]))
        moved = abs(delta) > SHIFT_Z * scale / 2 and np.sign(delta) == np.sign(jump)
        if moved and abs(delta) > abs(size):
            best, size = tau, delta
    return best, size


def _adjust_shifts(Y: np.ndarray, cal_h: np.ndarray, cal_f: np.ndarray) -> None:
    """Treat a recent level shift (:func:`_level_shift`) as a known effect, like the calendar.

    The months from the shift and the forecast months carry it in ``cal_h`` / ``cal_f``
    (in place, log scale), so that the models see one level throughout and the forecast
    stays at the new one.
    """
    for r in range(Y.shape[0]):
        tau, delta = _level_shift(np.log(Y[r]) - cal_h[r])
        if tau:
            cal_h[r, tau:] += delta
            cal_f[r] += delta


def _names(method: str, tier: str, T: int) -> list[str]:
    names = list(TIERS[tier])
    if tier == "regular" and T >= ARIMA_MIN:
        names += list(_models.ARIMA)
    if method == "auto" and tier == "regular" and T >= _sm.LONG_MIN:
        names += list(_sm.AUTO)
    if method in ("auto", "fast"):
        return names
    seasonal = method in (*_models.SEASONAL, *_sm.MODELS)
    too_short = (seasonal and T < 24) or MIN_LEN.get(method, 0) > T
    if too_short or ((method in _models.INTERMITTENT) != (tier == "intermittent")):
        return names  # the model does not apply: choose among those that do
    return [method]


def run(
    series: list[Series],
    horizon: int,
    *,
    method: str = "auto",
    levels=(80, 95),
    windows: int = SELECT_WINDOWS,
    totals: dict[str, pd.PeriodIndex] | None = None,
    keep_candidates: bool = False,
    seed: int = 0,
) -> list[Result]:
    """Forecast every series (calendar effects attached beforehand by assign_calendar)."""
    levels = tuple(levels)
    totals = totals or {}
    info = [classify(s.y) for s in series]
    groups: dict[tuple, list[int]] = {}
    for i, (kind, first, log) in enumerate(info):
        end = series[i].months[-1]
        T = len(series[i].y) - first
        flat = kind == "regular" and T >= ARIMA_MIN and not _seasonal(series[i].y[first:], log)
        groups.setdefault((kind, T, log, first > 0, end, flat), []).append(i)
    results: list[Result | None] = [None] * len(series)
    for (kind, T, log, new, end, flat), rows in groups.items():
        future = pd.period_range(end + 1, periods=horizon, freq="M")
        if kind == "zero":
            for i in rows:
                results[i] = _zero_result(series[i], future, levels, totals)
            continue
        Y = np.stack([series[i].y[info[i][1] :] for i in rows]).astype(float)
        cal_h = np.zeros((len(rows), T))
        cal_f = np.zeros((len(rows), horizon))
        cal_names = []
        for r, i in enumerate(rows):
            opt, beta = series[i].calendar or ("none", np.zeros(0))
            if opt == "none" or not len(beta) or kind == "intermittent":
                cal_names.append("none")
                continue
            cal_h[r] = _calendar.regressors(series[i].months[info[i][1] :], opt) @ beta
            cal_f[r] = _calendar.regressors(future, opt) @ beta
            cal_names.append(opt)
        if log and T >= ARIMA_MIN:
            _adjust_shifts(Y, cal_h, cal_f)
        tier = kind if kind == "intermittent" else "flat" if flat else _tier(T)
        if tier in ("short", "tiny") and new:
            tier = "new"
        steps_of = {
            label: [h for h, p in enumerate(future) if p in set(pd.PeriodIndex(m, freq="M"))]
            for label, m in totals.items()
        }
        out = _run_batch(
            Y,
            cal_h,
            cal_f,
            _names(method, tier, T),
            horizon,
            log=log,
            tier=tier,
            windows=windows,
            levels=levels,
            nonneg=(Y >= 0).all(axis=1),
            steps_of=steps_of,
            keep_candidates=keep_candidates,
            seed=seed,
        )
        for r, i in enumerate(rows):
            first = info[i][1]
            full_fit = np.full(len(series[i].y), np.nan)
            full_fit[:first] = 0.0
            full_fit[first:] = out.fitted[r]
            results[i] = Result(
                series[i].key,
                future,
                out.mean[r],
                {lv: out.lo[lv][r] for lv in levels},
                {lv: out.hi[lv][r] for lv in levels},
                out.chosen[r],
                kind + ("/new" if new else ""),
                cal_names[r],
                series[i].months,
                full_fit,
                {lab: {c: float(v[r]) for c, v in d.items()} for lab, d in out.totals.items()},
                {nm: {c: v[r] for c, v in d.items()} for nm, d in out.candidates.items()},
                out.scores[r],
            )
    return results  # type: ignore[return-value]
