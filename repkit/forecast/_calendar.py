"""Calendar effects: working days and the moving Spring Festival, as a prior adjustment.

Monthly sales depend on how many days the month can sell: working days (with China's
public holidays and adjusted weekends, 调休) and the Spring Festival window, which moves
between January and February. The effect is estimated on the log scale from
year-over-year changes,

    log y[t] - log y[t-12] = c + (x[t] - x[t-12]) @ beta + u[t],

so the regular seasonal pattern cancels and only the calendar's year-to-year movement
is left to explain. The series is divided by ``exp(x @ beta)`` before any model is fitted
and the future calendar is multiplied back in (regression with ARIMA-like errors, as
X-13's regARIMA prior adjustment does).

Options: ``"cn"`` (Chinese working days, Spring Festival window share of the month),
``"weekdays"`` (Monday–Friday count and month length, for data from elsewhere),
``"none"``; ``"auto"`` picks by BIC. Many series at once share one option and shrink each
series' coefficients towards the pooled estimate (empirical Bayes), which is what makes
short hospital-level series usable.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd

OPTIONS = ("auto", "cn", "weekdays", "none")
"""Valid values of the ``calendar`` argument."""

_LAG = 12


@functools.cache
def _weekday_features(year: int, month: int) -> tuple[float, float]:
    """Monday–Friday count and length of a month (option ``"weekdays"``)."""
    start = dt.date(year, month, 1)
    days = float(pd.Period(year=year, month=month, freq="M").days_in_month)
    return float(np.busday_count(start, start + dt.timedelta(days=int(days)))), days


@functools.cache
def _cn_features(year: int, month: int) -> tuple[float, float]:
    """Chinese working days and Spring Festival window share of a month (option ``"cn"``).

    Any year has them: years without an official calendar get repkit's estimate (before
    1950 and after 2100 plain weekdays and no festival). Nothing falls back silently: a
    holiday file named by ``REPKIT_HOLIDAYS`` that cannot be read raises its
    ``DataError`` (or ``FileNotFoundError``) here, as everywhere else the calendar is used.
    """
    from repkit.calendar import _festival_days, _month_working_days

    workdays = float(_month_working_days(pd.Period(year=year, month=month, freq="M")))
    return workdays, _festival_days(year, month) / _weekday_features(year, month)[1]


def _clear_caches() -> None:
    """Forget the Chinese calendar features (the holiday calendar changed)."""
    _cn_features.cache_clear()
    _regressors.cache_clear()


def regressors(months: pd.PeriodIndex, option: str) -> np.ndarray:
    """Calendar regressors of ``option`` for consecutive ``months`` (len(months), k)."""
    if option not in OPTIONS[1:]:
        raise ValueError(f"calendar must be one of {OPTIONS}, got {option!r}")
    if not len(months):
        return np.zeros((0, 0 if option == "none" else 2))
    return _regressors(int(months[0].ordinal), len(months), option)


@functools.lru_cache(maxsize=1024)
def _regressors(first: int, n: int, option: str) -> np.ndarray:
    if option == "none":
        return np.zeros((n, 0))
    months = pd.period_range(pd.Period(ordinal=first, freq="M"), periods=n, freq="M")
    features = _cn_features if option == "cn" else _weekday_features
    out = np.array([features(p.year, p.month) for p in months], dtype=float).reshape(n, 2)
    out = np.asfortranarray(out)  # column-major as ever: products with beta round the same
    out.setflags(write=False)
    return out


def _diff_design(logy: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Year-over-year differences of one series, centred (intercept partialled out)."""
    dy = logy[_LAG:] - logy[:-_LAG]
    dX = X[_LAG:] - X[:-_LAG]
    return dy - dy.mean(), dX - dX.mean(axis=0)


def estimate(
    logy: list[np.ndarray], months: list[pd.PeriodIndex], option: str, *, pooled: bool
) -> tuple[str, list[str], list[np.ndarray], np.ndarray]:
    """Choose the calendar option and coefficients for log series.

    Parameters
    ----------
    logy
        Log sales per series, all finite, each longer than 15 months.
    months
        The months of each series.
    option
        One of :data:`OPTIONS`.
    pooled
        Choose one option for all series and shrink coefficients towards the pooled mean.

    Returns
    -------
    tuple
        The option of the batch (when pooled; else the most common), the option of each
        series, the coefficients of each series and the pooled coefficients of the batch
        option (for series too short to estimate their own).
    """
    n = len(logy)
    choices = ("cn", "weekdays", "none") if option == "auto" else (option,)
    bic: dict[str, np.ndarray] = {}
    betas: dict[str, np.ndarray] = {}
    pooled_beta: dict[str, np.ndarray] = {}
    for c in choices:
        k = 0 if c == "none" else 2
        parts = [_diff_design(y, regressors(m, c)) for y, m in zip(logy, months, strict=True)]
        N = np.array([len(dy) for dy, _ in parts], dtype=float)
        if k:
            XtX = np.stack([dX.T @ dX for _, dX in parts]) + 1e-9 * np.eye(k)
            Xty = np.stack([dX.T @ dy for dy, dX in parts])
            beta = np.linalg.solve(XtX, Xty[..., None])[..., 0]
            rss = _rss(parts, beta)
            dof = np.full(n, float(k))
            if pooled and n > 1:
                beta, pooled_beta[c], dof = _shrink(beta, XtX, rss, N, k)
                rss = _rss(parts, beta)
                # the pooled mean costs k parameters for the whole batch
                dof = dof + k * np.log(N.sum()) / np.log(N) / n
            else:
                pooled_beta[c] = beta.mean(axis=0)
        else:
            beta = np.zeros((n, 0))
            rss = np.array([(dy**2).sum() for dy, _ in parts])
            pooled_beta[c] = np.zeros(0)
            dof = np.zeros(n)
        rss = np.maximum(rss, 1e-12)
        bic[c] = N * np.log(rss / N) + (dof + 1) * np.log(N)
        betas[c] = beta
    if pooled:
        best = min(choices, key=lambda c: bic[c].sum())
        picks = [best] * n
    else:
        stacked = np.stack([bic[c] for c in choices], axis=1)
        picks = [choices[i] for i in np.argmin(stacked, axis=1)]
        best = max(choices, key=picks.count)
    row_betas = [betas[c][i] for i, c in enumerate(picks)]
    return best, picks, row_betas, pooled_beta[best]


def _rss(parts, beta) -> np.ndarray:
    return np.array([((dy - dX @ b) ** 2).sum() for (dy, dX), b in zip(parts, beta, strict=True)])


def _shrink(beta, XtX, rss, N, k):
    """Empirical-Bayes shrinkage of per-series coefficients towards their pooled mean."""
    s2 = rss / np.maximum(N - k - 1, 1)
    s2 = np.maximum(s2, 1e-8)
    prec = XtX / s2[:, None, None]  # sampling precision of each beta
    cov = np.linalg.inv(prec)
    w = prec.sum(axis=0)
    beta0 = np.linalg.solve(w, np.einsum("nkl,nl->k", prec, beta))
    spread = ((beta - beta0) ** 2).mean(axis=0) - np.einsum("nkk->k", cov).mean() / k
    tau2 = np.maximum(spread, 1e-6 * np.maximum(np.abs(beta0), 1e-3) ** 2)
    prior = np.diag(1 / tau2)
    lhs = prec + prior[None]
    rhs = np.einsum("nkl,nl->nk", prec, beta) + (prior @ beta0)[None]
    shrunk = np.linalg.solve(lhs, rhs[..., None])[..., 0]
    dof = np.einsum("nkl,nlk->n", np.linalg.inv(lhs), prec)  # effective parameters
    return shrunk, beta0, dof
