"""Day weights: how much of a week's (or month's) target each working day carries.

Seed 004 breaks the task down to the day (把任务根据具体情况分解到每月，每周，每日; 当日
完成任务多少，距离本月任务差多少). Counting working days alone gives the week before
the Spring Festival — often six working days with the adjusted Saturday (调休) — the
month's largest share, although hospitals discharge patients and stop elective
admissions then. So each working day carries a weight:

* with daily history (``daily``: date and units, e.g. a distributor's daily flow 流向),
  the weights are estimated from it: weekday factors (each weekday's mean over the
  mean of ordinary working days), a Spring Festival factor (working days in the
  festival window against ordinary days of the same weekday) and a pre-holiday factor
  (the last two working days before three or more days off);
* without it, every working day weighs 1 except the Spring Festival window
  (:data:`repkit.calendar.FESTIVAL_BEFORE` days before to
  :data:`repkit.calendar.FESTIVAL_AFTER` days after New Year's day, the window the
  forecasts use), which weighs :data:`FESTIVAL_WEIGHT`. Other pre-holiday days keep 1:
  without data repkit does not guess whether hospitals stock up or slow down.

The daily targets themselves are split in :mod:`repkit.plan._days`. Private; the public
names live in :mod:`repkit.plan`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from repkit.calendar import FESTIVAL_AFTER, FESTIVAL_BEFORE, is_working_day, spring_festival
from repkit.messages import say

FESTIVAL_WEIGHT = 0.7
"""Weight of a working day in the Spring Festival window when no daily history says
otherwise (ordinary working days weigh 1)."""
PRE_HOLIDAY_DAYS = 2
"""Working days before a break of three or more days counted as pre-holiday days."""
MIN_DAYS = 5
"""Fewest days of a kind in the daily history before its factor is estimated."""


def _festival_window(day: dt.date) -> bool:
    for year in (day.year, day.year + 1):
        sf = spring_festival(year)
        if sf is None:
            continue
        lo = sf - dt.timedelta(days=FESTIVAL_BEFORE)
        hi = sf + dt.timedelta(days=FESTIVAL_AFTER)
        if lo <= day <= hi:
            return True
    return False


def _pre_holiday(days: pd.DatetimeIndex, working: np.ndarray) -> np.ndarray:
    """Last PRE_HOLIDAY_DAYS working days before 3+ consecutive days off."""
    out = np.zeros(len(days), dtype=bool)
    last = days[-1].date() + dt.timedelta(days=10) if len(days) else None
    # look past the end of the range so a break right after it still counts
    extra = pd.date_range(days[-1] + pd.Timedelta(days=1), last, freq="D") if last else days[:0]
    tail = np.array([is_working_day(d) for d in extra], dtype=bool)
    flags = np.concatenate([working, tail])
    n = len(days)
    for i in range(n):
        if not flags[i]:
            continue
        j = i + 1
        while j < len(flags) and not flags[j]:
            j += 1
        if j - i - 1 >= 3:  # a break of 3+ days follows day i
            k, seen = i, 0
            while k >= 0 and seen < PRE_HOLIDAY_DAYS:
                if flags[k]:
                    out[k] = True
                    seen += 1
                k -= 1
    return out


def _calendar_days(start: Any, end: Any) -> pd.DataFrame:
    days = pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize())
    working = np.array([is_working_day(d) for d in days], dtype=bool)
    return pd.DataFrame(
        {
            "date": days,
            "weekday": days.day_of_week,
            "working": working,
            "festival": [_festival_window(d.date()) for d in days],
            "pre_holiday": _pre_holiday(days, working),
        }
    )


def _default_factors() -> dict[str, Any]:
    return {
        "weekday": dict.fromkeys(range(7), 1.0),
        "festival": FESTIVAL_WEIGHT,
        "pre_holiday": 1.0,
        "basis": {"weekday": "default", "festival": "default", "pre_holiday": "default"},
    }


def estimate_day_factors(daily: pd.DataFrame) -> dict[str, Any]:
    """Weekday, Spring Festival and pre-holiday factors from daily sales history.

    Parameters
    ----------
    daily
        Columns ``date`` and ``units`` (one row per day, or several to be summed).

    Returns
    -------
    dict
        ``weekday`` (dict 0=Monday … 6=Sunday → factor, working days only; ordinary
        days average 1), ``festival`` and ``pre_holiday`` (factor against ordinary
        working days of the same weekdays) and ``basis`` (``"history"`` or
        ``"default"`` per factor). A factor with fewer than :data:`MIN_DAYS` days of
        history keeps its default.

    Examples
    --------
    >>> days = pd.date_range("2025-01-01", "2025-12-31")
    >>> units = [50.0 if d.weekday() == 0 else 100.0 for d in days]   # quiet Mondays
    >>> f = estimate_day_factors(pd.DataFrame({"date": days, "units": units}))
    >>> round(f["weekday"][0] / f["weekday"][2], 2), f["basis"]["weekday"]
    (0.5, 'history')
    """
    if not {"date", "units"} <= set(daily.columns):
        raise ValueError(say("arg.daily_columns"))
    d = daily.assign(date=pd.to_datetime(daily["date"]).dt.normalize())
    d = d.groupby("date")["units"].sum()
    cal = _calendar_days(d.index.min(), d.index.max()).set_index("date")
    cal["units"] = d.reindex(cal.index).fillna(0.0)
    work = cal[cal["working"]]
    ordinary = work[~work["festival"] & ~work["pre_holiday"]]
    factors = _default_factors()
    mean = float(ordinary["units"].mean()) if len(ordinary) else 0.0
    if len(ordinary) >= 4 * MIN_DAYS and mean > 0:
        by_day = ordinary.groupby("weekday")["units"].agg(["mean", "size"])
        by_day = by_day[by_day["size"] >= MIN_DAYS]
        for wd, row in by_day.iterrows():
            factors["weekday"][int(wd)] = float(row["mean"]) / mean
        factors["basis"]["weekday"] = "history"
        expected = work["weekday"].map(factors["weekday"]) * mean
        for kind in ("festival", "pre_holiday"):
            part = work[work[kind]]
            if len(part) >= MIN_DAYS and expected[part.index].sum() > 0:
                factors[kind] = float(part["units"].sum() / expected[part.index].sum())
                factors["basis"][kind] = "history"
    return factors


def day_weights(start: Any, end: Any, *, daily: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weight of each day between two dates for splitting targets (0 on days off).

    Parameters
    ----------
    start, end
        First and last date (both included).
    daily
        Daily history (``date``, ``units``) to estimate the factors from; None uses the
        defaults (see :mod:`repkit.plan._daily`).

    Returns
    -------
    DataFrame
        date, weekday (0 = Monday), working, festival (in the Spring Festival window),
        pre_holiday, weight. ``attrs["factors"]``: the factors used.

    Examples
    --------
    >>> w = day_weights("2026-02-09", "2026-02-15")   # the week before 春节 2026-02-17
    >>> w["weight"].tolist()
    [1.0, 0.7, 0.7, 0.7, 0.7, 0.7, 0.0]
    """
    factors = estimate_day_factors(daily) if daily is not None else _default_factors()
    cal = _calendar_days(start, end)
    weight = cal["weekday"].map(factors["weekday"]).to_numpy(dtype="float64")
    weight = np.where(cal["festival"], weight * factors["festival"], weight)
    weight = np.where(cal["pre_holiday"], weight * factors["pre_holiday"], weight)
    cal["weight"] = np.where(cal["working"], np.round(weight, 6), 0.0)
    cal.attrs["factors"] = factors
    return cal


def week_weights(months: Any, *, daily: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weight of each ISO week inside each month: the sum of its days' weights.

    A week across two months appears once per month, as in
    :func:`repkit.calendar.weeks_of_half`.

    Returns
    -------
    DataFrame
        month, week, working_days, weight.

    Examples
    --------
    >>> w = week_weights(pd.PeriodIndex(["2026-02"], freq="M"))
    >>> w["working_days"].tolist(), w["weight"].round(1).tolist()
    ([0, 5, 6, 0, 5], [0.0, 5.0, 4.5, 0.0, 3.5])
    """
    idx = pd.PeriodIndex(months, freq="M").unique().sort_values()
    if not len(idx):
        return pd.DataFrame(columns=["month", "week", "working_days", "weight"])
    cal = day_weights(idx.min().start_time, idx.max().end_time, daily=daily)
    cal["month"] = cal["date"].dt.to_period("M")
    cal["week"] = cal["date"].dt.to_period("W-SUN")
    cal = cal[cal["month"].isin(idx)]
    out = cal.groupby(["month", "week"], sort=True).agg(
        working_days=("working", "sum"), weight=("weight", "sum")
    )
    out = out.reset_index()
    out["working_days"] = out["working_days"].astype("int64")
    return out
