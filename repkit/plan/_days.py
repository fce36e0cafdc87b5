"""Daily targets (seed 004: 每月，每周，每日): weekly or monthly targets over their days.

Private; the public name lives in :mod:`repkit.plan`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from repkit.messages import join, say
from repkit.plan._daily import day_weights
from repkit.plan._decompose import split


def split_days(targets: pd.DataFrame, *, daily: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weekly (or monthly) targets → daily targets that add up exactly.

    Each row's units go to the working days of its ``week`` (and of its ``month`` when
    the table has both, as ``Plan.weekly`` does), or of its month without ``week``, in
    proportion to :func:`day_weights`. Integers, largest remainders first.

    Parameters
    ----------
    targets
        Long table with ``week`` (``Period[W-SUN]``) and/or ``month`` (``Period[M]``)
        and integer ``units`` plus any key columns (e.g. ``Plan.weekly``).
    daily
        Daily history to estimate the day weights from (see :func:`day_weights`).

    Returns
    -------
    DataFrame
        The key columns, ``date`` and integer ``units``; the rows of each target row add
        up to its units. Days off get 0 and are left out.

    Examples
    --------
    >>> t = pd.DataFrame({"week": [pd.Period("2026-02-09", "W-SUN")], "units": [450]})
    >>> rk.plan.split_days(t)["units"].tolist()   # Mon before the festival window, then 0.7
    [100, 70, 70, 70, 70, 70]
    """
    if "week" not in targets and "month" not in targets:
        raise ValueError(say("arg.targets_period"))
    keys = [c for c in targets.columns if c not in ("units", "amount")]
    if targets.empty:
        return pd.DataFrame(columns=[*keys, "date", "units"])
    spans = []
    for col in ("week", "month"):
        if col in targets:
            p = targets[col]
            spans.append((p.map(lambda x: x.start_time), p.map(lambda x: x.end_time)))
    first = min(s[0].min() for s in spans)
    last = max(s[1].max() for s in spans)
    cal = day_weights(first, last, daily=daily)
    cal = cal[cal["working"]]
    parent = targets[[*keys, "units"]].reset_index(drop=True)
    parent["_row"] = np.arange(len(parent))
    lo = pd.concat([s[0] for s in spans], axis=1).max(axis=1).dt.normalize()
    hi = pd.concat([s[1] for s in spans], axis=1).min(axis=1).dt.normalize()
    rows = []
    for r, a, b in zip(parent["_row"], lo.to_numpy(), hi.to_numpy(), strict=True):
        part = cal[(cal["date"] >= a) & (cal["date"] <= b)]
        rows.append(pd.DataFrame({"_row": r, "date": part["date"], "weight": part["weight"]}))
    child = pd.concat(rows, ignore_index=True)
    sign = np.sign(parent["units"]).replace(0, 1).astype("int64")
    pos = parent[["_row"]].assign(units=parent["units"].abs().astype("int64"))
    has_days = pos["_row"].isin(child["_row"])
    missing = pos.loc[~has_days & (pos["units"] != 0), "_row"]
    if len(missing):
        raise ValueError(say("arg.no_working_day", n=len(missing), row=int(missing.iloc[0])))
    out = split(pos[has_days], child, ["_row"])
    out["units"] = out["units"] * out["_row"].map(sign)
    out = out.merge(parent.drop(columns="units"), on="_row")
    return out.sort_values(["_row", "date"], kind="stable")[[*keys, "date", "units"]].reset_index(
        drop=True
    )


_WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_DAY_KEYS = ("product", "hospital_id", "department", "rep_id")


def daily_targets(
    plan: Any,
    week: Any,
    *,
    by: Sequence[str] = ("rep_id",),
    daily: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A week's targets of a plan per working day (seed 004: 当日完成任务多少).

    Parameters
    ----------
    plan
        A :class:`repkit.plan.Plan`.
    week
        Any date of the week, or its ``Period[W-SUN]``.
    by
        Any of product, hospital_id, department, rep_id (default: per sales owner).
    daily
        Daily history for the day weights (see :func:`repkit.plan.day_weights`).

    Returns
    -------
    DataFrame
        date, weekday (周一…周日), the ``by`` columns (with ``rep`` after ``rep_id``)
        and integer units; each owner's days add up to the week's target. Empty for a
        week outside the plan's half.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H1", scenario="company", forecast="simple")
    >>> d = rk.plan.daily_targets(plan, "2026-02-11", by=[])
    >>> d["weekday"].tolist()
    ['周一', '周二', '周三', '周四', '周五', '周六']
    >>> w = plan.weekly[plan.weekly["week"] == pd.Period("2026-02-11", "W-SUN")]
    >>> int(d["units"].sum()) == int(w["units"].sum())
    True
    """
    keys = list(by)
    bad = [k for k in keys if k not in _DAY_KEYS]
    if bad:
        raise ValueError(say("arg.by", value=join(bad), valid=join(_DAY_KEYS)))
    wk = week if isinstance(week, pd.Period) else pd.Period(pd.Timestamp(week), freq="W-SUN")
    rows = plan.weekly[plan.weekly["week"] == wk]
    if rows.empty:  # outside the plan's half, as next_week of the weekly review
        return pd.DataFrame(columns=["date", "weekday", *keys, "units"])
    cols = ["month", "week", *_DAY_KEYS, "units"]
    days = split_days(rows[cols], daily=daily)
    out = days.groupby(["date", *keys], sort=True)["units"].sum().reset_index()
    out.insert(1, "weekday", [_WEEKDAYS[d.weekday()] for d in out["date"]])
    if "rep_id" in keys:
        names = plan.targets.drop_duplicates("rep_id").set_index("rep_id")["rep"]
        out.insert(list(out.columns).index("rep_id") + 1, "rep", out["rep_id"].map(names))
    return out
