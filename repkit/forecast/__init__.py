"""Growth forecasts: auto-selected models, backtests, honest intervals, coherent hierarchies.

``forecast(y, 6)`` forecasts one monthly series; ``forecast_many`` does a long table of
series (product × hospital level × region) in parallel; ``forecast_hierarchy`` makes the
levels add up (bottom-up, top-down or MinT); ``growth`` gives next half against last half
and the same half last year with intervals; ``backtest``/``backtest_many`` and
``backtest_report`` show how well each model would have done.

How ``method="auto"`` works:

1. Calendar. Sales are divided by the month's calendar effect before any model sees them
   and multiplied back afterwards: Chinese working days and the share of the month in the
   Spring Festival window (which moves between January and February), or Monday–Friday
   count and month length for data from elsewhere; ``calendar="auto"`` picks by BIC.
2. Kind of series. All-zero → zero; sparse (≥ 30 % zero months) → Croston/SBA, TSB,
   ADIDA, SES; launched inside the history → leading zeros dropped, no logs; fewer than
   26 months → non-seasonal models; positive series are modelled on the log scale.
3. Candidates: seasonal naive, Theta, exponential smoothing (seasonal; seasonal with a
   full or a damped trend; Holt with a full or a damped trend) vectorised over all series.
   Likelihood-fitted ETS and the airline SARIMA from statsmodels are available by name.
4. Each candidate is scored by a rolling-origin backtest on the series' own history (mean
   absolute error); the forecast averages the best four (at most two of one family),
   weighted by 1 / that error squared, or takes the best alone where that average
   backtests worse than seasonal naive.
5. Intervals: each model's analytic error variance, scaled by how large the backtest
   errors of the combination really were (shrunk towards the model's own claim; pooled
   across a batch's series of equal length where they have 300 backtest errors or more),
   averaged quantile by quantile. Backtest errors have heavier tails than the normal, so
   the 80 % interval is 0.87 of the normal one's width at the 95 % interval's scale.
   Histories under 48 months are not calibrated on their own backtests (of shorter
   histories still, they understate the error) and are widened by 15 % instead.

Examples
--------
>>> months = pd.period_range("2023-01", periods=36, freq="M")
>>> y = pd.Series(100 + 10 * np.sin(np.arange(36) / 1.9), index=months)
>>> fc = rk.forecast.forecast(y, 6)
>>> list(fc.columns)
['mean', 'lo_80', 'hi_80', 'lo_95', 'hi_95']
>>> str(fc.index[0]), len(fc)
('2026-01', 6)
>>> bool((fc["lo_95"] <= fc["mean"]).all() and (fc["mean"] <= fc["hi_95"]).all())
True
"""

from __future__ import annotations

from repkit.forecast._api import (
    backtest,
    backtest_many,
    forecast,
    forecast_many,
)
from repkit.forecast._calendar import OPTIONS as CALENDARS
from repkit.forecast._engine import METHODS
from repkit.forecast._growth import growth
from repkit.forecast._hierarchy import (
    ALL,
    RECONCILE_METHODS,
    forecast_hierarchy,
    reconcile,
)
from repkit.forecast._report import backtest_report

__all__ = [
    "ALL",
    "CALENDARS",
    "METHODS",
    "RECONCILE_METHODS",
    "backtest",
    "backtest_many",
    "backtest_report",
    "forecast",
    "forecast_hierarchy",
    "forecast_many",
    "growth",
    "reconcile",
]
