"""Maximum-likelihood candidates from statsmodels for long series.

The vectorised grid models of ``_models`` are cheap but coarse. The likelihood-optimised
exponential smoothing model and the seasonal ARIMA (airline model) are available by name;
``method="auto"`` no longer adds either (see :data:`AUTO`). Each returns the same
:class:`~repkit.forecast._models.Fit` (with exact psi
weights), looping over the series of a batch.
"""

from __future__ import annotations

import warnings

import numpy as np

from repkit.forecast._models import Fit, M

LONG_MIN = 60
"""Months of history from which the statsmodels candidates are tried."""


def _quiet():
    ctx = warnings.catch_warnings()
    ctx.__enter__()
    warnings.simplefilter("ignore")
    return ctx


def sarima(Z: np.ndarray, horizon: int) -> Fit:
    """Seasonal ARIMA(0,1,1)(0,1,1)12, the airline model, by maximum likelihood."""
    from statsmodels.tsa.arima_process import arma2ma
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    n, T = Z.shape
    mean = np.empty((n, horizon))
    psi = np.empty((n, horizon))
    sigma = np.empty(n)
    fitted = np.full((n, T), np.nan)
    integ = np.convolve([1.0, -1.0], np.r_[1.0, np.zeros(M - 1), -1.0])
    for i in range(n):
        ctx = _quiet()
        try:
            res = SARIMAX(Z[i], order=(0, 1, 1), seasonal_order=(0, 1, 1, M)).fit(
                disp=False, cov_type="none"
            )
        finally:
            ctx.__exit__(None, None, None)
        mean[i] = res.forecast(horizon)
        ar = np.convolve(res.polynomial_reduced_ar, integ)
        psi[i] = arma2ma(ar, res.polynomial_reduced_ma, horizon)
        resid = Z[i, M + 1 :] - res.fittedvalues[M + 1 :]
        sigma[i] = np.sqrt((resid**2).sum() / max(len(resid) - 2, 1))
        fitted[i, M + 1 :] = res.fittedvalues[M + 1 :]
    return Fit("sarima", mean, psi, sigma, fitted)


def ets_mle(Z: np.ndarray, horizon: int) -> Fit:
    """Additive damped-trend seasonal exponential smoothing, parameters by likelihood."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    n, T = Z.shape
    mean = np.empty((n, horizon))
    psi = np.ones((n, horizon))
    sigma = np.empty(n)
    fitted = np.empty((n, T))
    j = np.arange(1, horizon)
    for i in range(n):
        ctx = _quiet()
        try:
            res = ETSModel(
                Z[i],
                error="add",
                trend="add",
                damped_trend=True,
                seasonal="add",
                seasonal_periods=M,
            ).fit(disp=False)
        finally:
            ctx.__exit__(None, None, None)
        p = dict(zip(res.model.param_names, res.params, strict=True))
        a, b, g, phi = (
            p["smoothing_level"],
            p["smoothing_trend"],
            p["smoothing_seasonal"],
            p["damping_trend"],
        )
        mean[i] = res.forecast(horizon)
        phi_j = np.cumsum(phi ** np.arange(1, horizon))
        psi[i, 1:] = a + b * phi_j + g * (j % M == 0)
        fitted[i] = res.fittedvalues
        resid = Z[i] - fitted[i]
        sigma[i] = np.sqrt((resid**2).sum() / max(T - 4 - 2 - (M - 1), 1))
    return Fit("ets_mle", mean, psi, sigma, fitted)


MODELS = {"sarima": sarima, "ets_mle": ets_mle}
"""Models available by name (``method="sarima"``)."""
AUTO: tuple[str, ...] = ()
"""Models ``method="auto"`` adds for long series: none. ``ets_mle`` was in it until issue 20:
on the tuning set of ``benchmarks/_real_series.py`` it took 98 % of auto's time on long
series (3.9x statsforecast AutoETS), and the undamped-trend grid candidates (``holt``,
``ets_trend``) do better without it: on 49 of those series mean MASE 0.453, against
0.497 for the old pool with ``ets_mle`` and 0.517 without. The statsmodels airline
SARIMA is left out (auto has the grid-fitted ``_models.airline`` instead, since issue
20's fourth round): added to auto on six FPP2 monthly series (last 24 months held out)
it changed the test RMSE by -12 % (a10), -11 % (auscafe), +20 % (debitcards) and not at
all on h02, elecequip and usmelec, while making each forecast 5-10 times slower."""
