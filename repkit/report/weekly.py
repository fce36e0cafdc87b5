"""The weekly review of seed 000 (table G): a week's targets against actuals and history.

Sales arrive monthly, so a week's actual units are the month's units spread over its
weeks by day-weighted working days (the same rule that splits monthly targets into
weeks, :func:`repkit.plan.week_weights`), and
labelled as an estimate. Last year's figure for the same ISO week is estimated the
same way from the month twelve months earlier. Everything else — the calls of the
week, competitor notes, next week's targets — is read as recorded.

The weekly template reads competitor activity from the competitors table
(:func:`repkit.activity.competitor_report` for the week); :func:`competitor_notes` finds
the call notes that mention a competitor, for data sets without that table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit._escape import markdown_text
from repkit.calendar import Half, weeks_of_half
from repkit.messages import join, say
from repkit.plan._daily import week_weights

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset
    from repkit.plan._build import Plan

__all__ = [
    "COMPETITOR_WORDS",
    "LABELS",
    "competitor_notes",
    "headline",
    "next_week",
    "review_week",
    "week_of",
    "week_review",
    "weekly_actuals",
]

COMPETITOR_WORDS: tuple[str, ...] = ("竞品", "竞争", "对手", "竞标", "仿制", "替代")
"""Words that mark a call note as competitor information."""

LABELS: dict[str, str] = {
    "target_units": "本周指标",
    "actual_units": "本周实际（估算）",
    "last_year_units": "去年同周（估算）",
    "growth_rate": "同比",
    "half_target_units": "半年累计指标",
    "half_actual_units": "半年累计实际",
    "half_completion_rate": "半年累计完成率",
    "rep": "代表",
    "week": "周",
    "note": "内容",
    "name": "姓名",
    "working_days": "工作日",
    "visits": "拜访次数",
    "visits_per_day": "每日有效拜访",
    "days_active": "出勤天数",
    "days_at_norm": "达标天数",
    "norm": "标准",
    "meets_norm": "达标",
}
"""Chinese headings for the weekly tables (pass as ``labels=`` to ``display_table``)."""

OTHERS = "（其他）"
"""Label for actual sales of reps without a sales target (e.g. medical representatives)."""

_BY = {"product": ["product"], "rep_id": ["rep_id"], "rep_product": ["rep_id", "product"]}


def week_of(when: str | dt.date | pd.Timestamp | pd.Period) -> pd.Period:
    """The ISO week (Monday–Sunday) containing a date.

    Examples
    --------
    >>> str(week_of("2026-06-24"))
    '2026-06-22/2026-06-28'
    """
    if isinstance(when, pd.Period):
        return when.asfreq("W-SUN") if when.freqstr != "W-SUN" else when
    return pd.Period(pd.Timestamp(when), freq="W-SUN")


def review_week(ds: Dataset, half: str | Half, week: Any = None) -> tuple[pd.Period, Half]:
    """The week to review and the half whose plan holds it.

    ``week`` (any day of it) is reviewed in ``half`` when that half's plan has the week,
    else in the half of its Sunday. Without ``week``: the last full week (Monday to
    Sunday) of the month the monthly review takes, the latest month with sales in
    ``half``, or before it for a half still to come (``repkit batch`` passes the next
    half by default; :func:`repkit.activity.review_period`).

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> wk, h = review_week(ds, "2026H2")
    >>> str(wk), str(h)
    ('2026-06-22/2026-06-28', '2026H1')
    >>> [str(x) for x in review_week(ds, "2026H1", "2026-03-04")]
    ['2026-03-02/2026-03-08', '2026H1']
    """
    from repkit.activity import review_period

    h = Half.parse(half)
    if week is not None:
        wk = week_of(week)
        inside = wk in set(weeks_of_half(h)["week"])
        return wk, h if inside else Half.of(wk.end_time.to_period("M"))
    month = pd.Period(review_period(ds, h), freq="M")
    last_day = month.end_time.normalize()
    wk = week_of(last_day)
    if wk.end_time.normalize() > last_day:  # the month ends mid-week: the week before
        wk = wk - 1
    return wk, Half.of(month)


def _week_parts(months: Sequence[pd.Period]) -> pd.DataFrame:
    """month, week, working_days, weight of the week inside the month, month_weight.

    The weights are the weekly targets' (working days, the Spring Festival window
    lighter: :func:`repkit.plan.week_weights`), so estimate and target match.
    """
    parts = week_weights(list(months))
    month_weight = parts.groupby("month")["weight"].transform("sum")
    return parts.assign(month_weight=month_weight)


def weekly_actuals(
    sales: pd.DataFrame,
    weeks: Sequence[pd.Period],
    *,
    by: Sequence[str] = ("product",),
    within: str | Half | None = None,
) -> pd.DataFrame:
    """Estimated actual units per ISO week: monthly units spread by (weighted) working days.

    Parameters
    ----------
    sales
        Canonical sales table (monthly).
    weeks
        ISO weeks (``Period[W-SUN]``) wanted.
    by
        Columns to keep apart (e.g. ``("product",)`` or ``("rep_id", "product")``).
    within
        Count only the days of this half-year (a week straddling its first or last
        day keeps only its part inside, as the plan's weekly targets do). Default: every
        day of the weeks.

    Returns
    -------
    DataFrame
        ``week``, the ``by`` columns and ``units`` (float: an estimate). Weeks whose
        months have no sales rows yet are absent.

    Examples
    --------
    >>> s = pd.DataFrame({"month": pd.PeriodIndex(["2026-07"], freq="M"),
    ...                   "product": ["A"], "units": [230.0]})
    >>> w = weekly_actuals(s, [week_of("2026-07-08")])
    >>> w["units"].tolist()   # 5 of July's 23 working days
    [50.0]
    >>> s2 = pd.DataFrame({"month": pd.PeriodIndex(["2026-06", "2026-07"], freq="M"),
    ...                    "product": ["A", "A"], "units": [210.0, 230.0]})
    >>> wk = week_of("2026-06-30")   # Mon 29 June – Sun 5 July
    >>> weekly_actuals(s2, [wk], within="2026H1")["units"].tolist()   # 2 of June's 21 days
    [20.0]
    """
    weeks = [week_of(w) for w in weeks]
    by = list(by)
    if not weeks:
        return pd.DataFrame(columns=["week", *by, "units"])
    months = sorted({m for w in weeks for m in pd.period_range(w.start_time, w.end_time, freq="M")})
    if within is not None:
        inside = set(Half.parse(within).months)
        months = [m for m in months if m in inside]
    if not months:
        return pd.DataFrame(columns=["week", *by, "units"])
    parts = _week_parts(months)
    parts = parts[parts["week"].isin(weeks)]
    monthly = sales[sales["month"].isin(months)].groupby(["month", *by])["units"].sum()
    monthly = monthly.reset_index()
    out = parts.merge(monthly, on="month")
    share = out["weight"] / out["month_weight"].where(out["month_weight"] > 0)
    out["units"] = out["units"] * share.fillna(0.0)
    out = out.groupby(["week", *by], sort=True)["units"].sum().reset_index()
    return out


def _with_names(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Insert the rep's name (``rep``) after ``rep_id`` when present."""
    if "rep_id" not in frame or "name" not in plan.data.reps:
        return frame
    names = plan.data.reps.set_index("rep_id")["name"]
    pos = list(frame.columns).index("rep_id") + 1
    frame = frame.copy()
    frame.insert(pos, "rep", frame["rep_id"].map(names).fillna(frame["rep_id"]))
    return frame


def _rep_actuals(actual: pd.DataFrame, owners: set[str]) -> pd.DataFrame:
    rep = actual["rep_id"].fillna("").astype(str)
    return actual.assign(rep_id=rep.where(rep.isin(owners), OTHERS))


def week_review(
    plan: Plan, week: str | dt.date | pd.Period, *, by: str = "product"
) -> pd.DataFrame:
    """One week of a plan: target, estimated actual, completion, last year, half to date.

    Parameters
    ----------
    plan
        A :class:`repkit.plan.Plan` for the half-year the week belongs to (its
        ``weekly`` targets and ``data``).
    week
        Any date of the week, or the ``Period[W-SUN]``.
    by
        ``"product"``, ``"rep_id"`` (sales staff; other reps' sales are shown as
        ``（其他）``) or ``"rep_product"``.

    Returns
    -------
    DataFrame
        The ``by`` columns (with the rep's name ``rep`` after ``rep_id``),
        target_units (the week's plan), actual_units (estimated from monthly sales),
        completion_rate, last_year_units (the week 52 weeks earlier, estimated),
        growth_rate (actual against last year), and the half to date:
        half_target_units, half_actual_units, half_completion_rate.

    Raises
    ------
    ValueError
        Unknown ``by``, or a week outside the plan's half-year.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H1", scenario="company", forecast="simple")
    >>> g = week_review(plan, "2026-06-24")
    >>> sorted(g.columns)[:3]
    ['actual_units', 'completion_rate', 'growth_rate']
    """
    if by not in _BY:
        raise ValueError(say("arg.choice", option="by", value=by, valid=join(_BY)))
    keys = _BY[by]
    wk = week_of(week)
    weekly = plan.weekly
    if wk not in set(weekly["week"]):
        first, last = weekly["week"].min(), weekly["week"].max()
        own = Half.of(wk.end_time.to_period("M"))  # a week goes with the half of its Sunday
        raise ValueError(
            say("arg.week_outside", week=wk, half=plan.half, first=first, last=last, own=own)
        )
    owners = set(plan.targets["rep_id"].dropna().astype(str))
    sales = plan.data.sales
    if "rep_id" in keys:
        sales = _rep_actuals(sales, owners)
    target = weekly[weekly["week"] == wk].groupby(keys)["units"].sum().rename("target_units")
    # weeks straddling the half's first or last day count only their days inside it,
    # as the weekly targets do, so half to date never exceeds the half
    half, last_half = plan.half, plan.half.same_last_year
    actual = weekly_actuals(sales, [wk], by=keys, within=half).set_index(keys)["units"]
    last = weekly_actuals(sales, [wk - 52], by=keys, within=last_half).set_index(keys)["units"]
    to_date = weekly[weekly["week"] <= wk].groupby(keys)["units"].sum()
    weeks_done = sorted(w for w in set(weekly["week"]) if w <= wk)
    act_to_date = weekly_actuals(sales, weeks_done, by=keys, within=half)
    act_to_date = act_to_date.groupby(keys)["units"].sum()
    out = pd.DataFrame({"target_units": target})
    out = out.join(actual.rename("actual_units"), how="outer")
    out = out.join(last.rename("last_year_units"), how="left")
    out = out.join(to_date.rename("half_target_units"), how="left")
    out = out.join(act_to_date.rename("half_actual_units"), how="left")
    out["target_units"] = out["target_units"].fillna(0).astype("int64")
    out["completion_rate"] = out["actual_units"] / out["target_units"].where(
        out["target_units"] > 0
    )
    out["growth_rate"] = (
        out["actual_units"] / out["last_year_units"].where(out["last_year_units"] > 0) - 1
    )
    out["half_completion_rate"] = out["half_actual_units"] / out["half_target_units"].where(
        out["half_target_units"] > 0
    )
    for col in ("actual_units", "last_year_units", "half_actual_units"):
        out[col] = out[col].round(0)
    cols = [
        "target_units",
        "actual_units",
        "completion_rate",
        "last_year_units",
        "growth_rate",
        "half_target_units",
        "half_actual_units",
        "half_completion_rate",
    ]
    out = out.reset_index()[[*keys, *cols]]
    out = _with_names(out, plan)
    return out.sort_values(
        ["target_units", *keys], ascending=[False, *[True] * len(keys)], kind="stable"
    ).reset_index(drop=True)


def competitor_notes(
    calls: pd.DataFrame,
    week: str | dt.date | pd.Period,
    *,
    words: Sequence[str] = COMPETITOR_WORDS,
) -> pd.DataFrame:
    """Calls of a week whose result or follow-up mentions a competitor.

    Parameters
    ----------
    calls
        Canonical calls table.
    week
        Any date of the week, or the ``Period[W-SUN]``.
    words
        Words that mark competitor information (default :data:`COMPETITOR_WORDS`).

    Returns
    -------
    DataFrame
        date, rep_id, hospital_id, department, note — empty when nothing was recorded.

    Examples
    --------
    >>> calls = pd.DataFrame({"date": pd.to_datetime(["2026-06-23", "2026-06-24"]),
    ...     "rep_id": ["R1", "R1"], "hospital_id": ["H1", "H1"], "department": ["心内科"] * 2,
    ...     "result": ["达到目标", "未达到"], "follow_up": ["按计划跟进", "竞品降价，下周回访"]})
    >>> competitor_notes(calls, "2026-06-24")["note"].tolist()
    ['未达到；竞品降价，下周回访']
    """
    wk = week_of(week)
    cols = ["date", "rep_id", "hospital_id", "department", "note"]
    if calls.empty:
        return pd.DataFrame(columns=cols)
    in_week = calls[(calls["date"] >= wk.start_time) & (calls["date"] <= wk.end_time)]
    text = pd.Series("", index=in_week.index, dtype="object")
    for col in ("result", "follow_up"):
        if col in in_week:
            part = in_week[col].fillna("").astype(str)
            text = np.where(text == "", part, np.where(part == "", text, text + "；" + part))
            text = pd.Series(text, index=in_week.index, dtype="object")
    hit = text.str.contains("|".join(map(str, words)), regex=True) if len(words) else text == "∅"
    out = in_week.loc[hit].assign(note=text[hit])
    for col in cols:
        if col not in out:
            out[col] = None
    return out[cols].sort_values(["date", "rep_id"], kind="stable").reset_index(drop=True)


def next_week(
    plan: Plan, week: str | dt.date | pd.Period, *, by: str = "rep_product"
) -> pd.DataFrame:
    """Targets of the week after ``week`` (what Monday's meeting hands out).

    A week straddling the first or last day of the plan's half-year holds only the
    target of its days inside the half: its label shows those dates and ``部分周``, and
    ``working_days`` counts them, so a two-day target is not read as a week's.

    Returns
    -------
    DataFrame
        ``week`` (its label, e.g. ``2026-W27 (06-29~07-05)``), ``working_days`` (of the
        week inside the half) and the ``by`` columns with target ``units`` and
        ``amount``; empty when the next week is outside the plan's half-year.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H1", scenario="company", forecast="simple")
    >>> int(next_week(plan, "2026-06-17", by="product")["units"].sum()) > 0
    True
    >>> part = next_week(plan, "2026-06-24", by="product")
    >>> part["week"].iloc[0], int(part["working_days"].iloc[0])
    ('2026-W27 (06-29~06-30 部分周)', 2)
    """
    from repkit.calendar import week_label

    if by not in _BY:
        raise ValueError(say("arg.choice", option="by", value=by, valid=join(_BY)))
    keys = _BY[by]
    nxt = week_of(week) + 1
    w = plan.weekly[plan.weekly["week"] == nxt]
    out = w.groupby(keys)[["units", "amount"]].sum().reset_index()
    parts = weeks_of_half(plan.half)
    days = int(parts.loc[parts["week"] == nxt, "working_days"].sum())
    out.insert(0, "working_days", days)
    out.insert(0, "week", week_label(nxt, within=plan.half))
    out = _with_names(out, plan)
    return out.sort_values([*keys], kind="stable").reset_index(drop=True)


def headline(plan: Plan, week: str | dt.date | pd.Period) -> str:
    """Key figures of a week as Markdown: target, estimated actual, last year, half to date.

    When the half's holiday calendar is provisional (not yet announced, see
    :func:`repkit.calendar.calendar_warnings`) a line says so.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H1", scenario="company", forecast="simple")
    >>> print(headline(plan, "2026-06-24").splitlines()[0])
    ### 兰州 · 2026-W26 (06-22~06-28) 周复盘
    """
    from repkit.calendar import calendar_warnings, month_working_days, week_label
    from repkit.report.tables import key_figures

    wk = week_of(week)
    g = week_review(plan, wk)
    target, actual = float(g["target_units"].sum()), float(g["actual_units"].sum())
    last = float(g["last_year_units"].sum())
    half_t, half_a = float(g["half_target_units"].sum()), float(g["half_actual_units"].sum())
    days = month_working_days(plan.half.months)
    parts = weeks_of_half(plan.half)
    elapsed = parts.loc[parts["week"] <= wk, "working_days"].sum() / days.sum()
    behind = [str(p) for p in g.loc[g["completion_rate"] < 1, "product"]] if "product" in g else []

    def rate(a: float, b: float) -> str:
        return f"{a / b:.0%}" if b > 0 else "–"

    figures = {
        "本周指标": f"{target:,.0f} 盒/支",
        "本周实际（按月销售折算）": f"{actual:,.0f} 盒/支，完成率 {rate(actual, target)}",
        "去年同周（折算）": f"{last:,.0f} 盒/支，同比 "
        + (f"{actual / last - 1:+.0%}" if last > 0 else "–"),
        "半年累计": f"完成 {rate(half_a, half_t)}（时间进度 {elapsed:.0%}）",
        "本周未完成的品种": "、".join(behind) if behind else "无",
    }
    for note in calendar_warnings(plan.half)["message"]:
        figures["日历（暂定）"] = note
    title = f"### {markdown_text(plan.region)} · {week_label(wk, within=plan.half)} 周复盘"
    return "\n".join([title, "", key_figures(figures)])
