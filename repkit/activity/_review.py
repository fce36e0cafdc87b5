"""Monthly and quarterly reviews of a plan: completion, gap, PDCA actions, next targets.

Private; reached through :mod:`repkit.activity` (``period_review``, ``period_targets``,
``pdca``, ``next_period``, ``half_of``). Seeds 001–003 hold a monthly sales meeting
(review last month, analyse problems, set next month's tasks) and a quarterly review;
seed 000 table E is the quarter's decomposition and gap analysis. Units stop at
product, hospital, department and sales staff: never per doctor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.calendar import Half

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset
    from repkit.plan._build import Plan

_BY = {
    "product": ["product"],
    "rep_id": ["rep_id"],
    "rep_product": ["rep_id", "product"],
    "hospital": ["hospital_id"],
}
REVIEW_LABELS: dict[str, str] = {
    "product": "品种",
    "rep_id": "销售人员编码",
    "rep": "销售人员",
    "hospital_id": "医院编码",
    "hospital": "医院",
    "target_units": "指标",
    "actual_units": "实际",
    "gap_units": "缺口",
    "completion_rate": "完成率",
    "last_year_units": "去年同期",
    "growth_rate": "同比增长",
    "half_target_units": "半年累计指标",
    "half_actual_units": "半年累计实际",
    "half_completion_rate": "半年累计完成率",
    "units": "指标数量",
    "amount": "指标金额",
    "period": "期间",
    "measure": "项目",  # shows the measure's label (repkit.labels.MEASURE_LABELS)
    "label": "项目",
    "done": "已完成",
    "total": "应完成",
    "value": "完成率",
    "target": "目标",
    "deadline": "截止日期",
    "met": "达标",
    "late": "逾期后完成",
    "overdue": "逾期",
    "seed": "出处",
}
"""Chinese headers of the review tables, completeness included
(``rk.report.display_table(labels=...)``)."""


def _period(period: Any) -> pd.Period:
    text = str(period).strip()
    return pd.Period(text, freq="Q-DEC" if "Q" in text.upper() else "M")


def review_period(ds: Dataset, half: Any, period: Any = None, *, freq: str = "M") -> str:
    """The month (or quarter) to review: ``period`` if given, else the latest with sales.

    Parameters
    ----------
    ds
        Dataset (its sales months).
    half
        Half-year of interest: its latest month with sales, or when it has none yet
        (a half still to come, as ``repkit batch --half 2026H2``) the latest month of
        sales before it.
    period
        A month (``"2026-06"``) or quarter (``"2026Q2"``); returned as is when given.
    freq
        ``"M"`` or ``"Q"``.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> rk.activity.review_period(ds, "2026H2"), rk.activity.review_period(ds, "2026H1", freq="Q")
    ('2026-06', '2026Q2')
    >>> rk.activity.review_period(ds, "2026H1", "2026-03")
    '2026-03'
    """
    if freq not in ("M", "Q"):
        raise ValueError(f"freq must be M or Q; got {freq!r}")
    if period is not None:
        return str(_period(period))
    h = Half.parse(half)
    months = pd.PeriodIndex(ds.sales["month"].dropna().unique(), freq="M")
    if not len(months):
        raise ValueError("the data set has no sales months to review")
    inside = months[(months >= h.start) & (months <= h.end)]
    last = inside.max() if len(inside) else months[months <= h.end].max()
    if pd.isna(last):
        last = months.min()
    return str(last if freq == "M" else last.asfreq("Q-DEC"))


def next_period(period: Any) -> str:
    """The month or quarter after ``period``.

    Examples
    --------
    >>> rk.activity.next_period("2026-06"), rk.activity.next_period("2026Q2")
    ('2026-07', '2026Q3')
    """
    return str(_period(period) + 1)


def half_of(period: Any) -> str:
    """The half-year a month or quarter belongs to.

    Examples
    --------
    >>> rk.activity.half_of("2026-07"), rk.activity.half_of("2026Q2")
    ('2026H2', '2026H1')
    """
    p = _period(period)
    return str(Half.of(p.asfreq("M", how="start")))


def _months(plan: Plan, period: Any) -> list[pd.Period]:
    p = _period(period)
    months = pd.period_range(p.asfreq("M", "start"), p.asfreq("M", "end"), freq="M")
    inside = set(plan.half.months)
    if not set(months) <= inside:
        raise ValueError(f"{p} is outside the plan's half {plan.half}")
    return list(months)


def _keys(by: str) -> list[str]:
    if by not in _BY:
        raise ValueError(f"by must be one of {', '.join(_BY)}; got {by!r}")
    return _BY[by]


def _actual(sales: pd.DataFrame, months: list[pd.Period], keys: list[str]) -> pd.Series:
    s = sales[sales["month"].isin(months)]
    return s.groupby(keys)["units"].sum()


def period_review(plan: Plan, period: Any, *, by: str = "product") -> pd.DataFrame:
    """A month or quarter of a plan: target, actual, gap, completion, last year, half to date.

    Parameters
    ----------
    plan
        A :class:`repkit.plan.Plan` of the half-year the period belongs to
        (e.g. ``rk.plan.build(ds, "2026H1", scenario="company")``).
    period
        A month (``"2026-06"``) or quarter (``"2026Q2"``) of the plan's half.
    by
        ``"product"``, ``"rep_id"`` (sales staff), ``"rep_product"`` or ``"hospital"``.

    Returns
    -------
    DataFrame
        The ``by`` columns, target_units, actual_units, gap_units (target − actual, ≥ 0),
        completion_rate, last_year_units, growth_rate, half_target_units,
        half_actual_units (half to the end of the period), half_completion_rate; biggest
        gap first. Headers in Chinese: :data:`REVIEW_LABELS`.

    Raises
    ------
    ValueError
        A period outside the plan's half, or an unknown ``by``.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H1", scenario="company", forecast="simple")
    >>> r = rk.activity.period_review(plan, "2026-06")
    >>> bool((r["gap_units"] >= 0).all()), int(r["target_units"].sum()) > 0
    (True, True)
    """
    keys = _keys(by)
    months = _months(plan, period)
    targets, sales = plan.targets, plan.data.sales
    if "rep_id" in keys:
        owners = set(targets["rep_id"].dropna().astype(str))
        sales = sales.assign(rep_id=sales["rep_id"].where(sales["rep_id"].isin(owners), "（其他）"))
    done = [m for m in plan.half.months if m <= months[-1]]
    out = pd.DataFrame(
        {"target_units": targets[targets["month"].isin(months)].groupby(keys)["units"].sum()}
    )
    out = out.join(_actual(sales, months, keys).rename("actual_units"), how="outer")
    out = out.join(_actual(sales, [m - 12 for m in months], keys).rename("last_year_units"))
    half_t = targets[targets["month"].isin(done)].groupby(keys)["units"].sum()
    out = out.join(half_t.rename("half_target_units"))
    out = out.join(_actual(sales, done, keys).rename("half_actual_units"))
    out = out.fillna(0.0)
    out["gap_units"] = (out["target_units"] - out["actual_units"]).clip(lower=0)
    out["completion_rate"] = out["actual_units"] / out["target_units"].where(
        out["target_units"] > 0
    )
    last = out["last_year_units"].where(out["last_year_units"] > 0)
    out["growth_rate"] = out["actual_units"] / last - 1
    half_t = out["half_target_units"].where(out["half_target_units"] > 0)
    out["half_completion_rate"] = out["half_actual_units"] / half_t
    cols = ["target_units", "actual_units", "gap_units", "completion_rate", "last_year_units"]
    cols += ["growth_rate", "half_target_units", "half_actual_units", "half_completion_rate"]
    out = out.reset_index()[[*keys, *cols]]
    out = out.sort_values(["gap_units", *keys], ascending=[False, *[True] * len(keys)])
    return _named(out.reset_index(drop=True), plan)


def _named(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Add the sales owner's name after rep_id and the hospital name after hospital_id."""
    t = plan.targets
    for key, name in (("rep_id", "rep"), ("hospital_id", "hospital")):
        if key in frame.columns and name in t.columns:
            names = t.drop_duplicates(key).set_index(key)[name]
            frame.insert(frame.columns.get_loc(key) + 1, name, frame[key].map(names).fillna(""))
    return frame


def period_targets(plan: Plan, period: Any, *, by: str = "rep_product") -> pd.DataFrame:
    """Targets of a month or quarter of a plan (what the meeting hands out for next period).

    Returns
    -------
    DataFrame
        period, the ``by`` columns (with names), units, amount.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H2", scenario="company", forecast="simple")
    >>> t = rk.activity.period_targets(plan, "2026-07", by="product")
    >>> july = plan.targets["month"] == pd.Period("2026-07", "M")
    >>> int(t["units"].sum()) == int(plan.targets.loc[july, "units"].sum())
    True
    """
    keys = _keys(by)
    months = _months(plan, period)
    t = plan.targets[plan.targets["month"].isin(months)]
    out = t.groupby(keys)[["units", "amount"]].sum().reset_index()
    out.insert(0, "period", str(_period(period)))
    return _named(out.sort_values(keys, kind="stable").reset_index(drop=True), plan)


def pdca(
    review: pd.DataFrame,
    *,
    competitors: pd.DataFrame | None = None,
    meetings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """PDCA actions per product from a period review and the period's field work.

    Plan = target, Do = actual, Check = completion and gap, Act = the next step the
    data point to: a large gap (completion < 80 %) asks for more visits to the
    developed departments and a department meeting; a gap under 20 % for keeping the
    visit rhythm and checking stock; a met target for consolidating. A competitor
    activity on the product (from :func:`competitor_report`) adds a counter-measure,
    attendance under 90 % (from :func:`meeting_coverage`) adds better invitations.

    Parameters
    ----------
    review
        :func:`period_review` by product.
    competitors
        :func:`competitor_report` of the period (Chinese headers), optional.
    meetings
        :func:`meeting_coverage` of the period (Chinese headers), optional.

    Returns
    -------
    DataFrame
        品种, 计划(P), 执行(D), 检查(C) (completion as text and gap), 处理(A).

    Examples
    --------
    >>> r = pd.DataFrame({"product": ["甲", "乙"], "target_units": [100, 100],
    ...                   "actual_units": [60.0, 105.0], "gap_units": [40.0, 0.0],
    ...                   "completion_rate": [0.6, 1.05]})
    >>> c = pd.DataFrame({"我方品种": ["甲"], "竞品": ["丙"], "竞品活动": ["降价"], "次数": [2]})
    >>> for act in rk.activity.pdca(r, competitors=c)["处理(A)"]:
    ...     print(act)
    缺口大：增加已开发科室的有效拜访，加开一场科室会；应对丙降价
    已完成：巩固用量，总结经验
    """
    rows = []
    for r in review.itertuples(index=False):
        rate = r.completion_rate
        if pd.isna(rate) or rate < 0.8:
            act = ["缺口大：增加已开发科室的有效拜访，加开一场科室会"]
        elif rate < 1:
            act = ["差距小：保持拜访频率，核对库存和配送"]
        else:
            act = ["已完成：巩固用量，总结经验"]
        act += _counter_measures(r.product, competitors, meetings)
        rows.append(
            {
                "品种": r.product,
                "计划(P)": int(r.target_units),
                "执行(D)": round(r.actual_units),
                "检查(C)": f"完成 {rate:.0%}，缺口 {r.gap_units:,.0f}"
                if pd.notna(rate)
                else f"无指标，缺口 {r.gap_units:,.0f}",
                "处理(A)": "；".join(act),
            }
        )
    return pd.DataFrame(rows, columns=["品种", "计划(P)", "执行(D)", "检查(C)", "处理(A)"])


def _counter_measures(
    product: str, competitors: pd.DataFrame | None, meetings: pd.DataFrame | None
) -> list[str]:
    out = []
    if competitors is not None and len(competitors):
        mine = competitors[competitors["我方品种"] == product]
        if len(mine):
            top = mine.sort_values("次数", ascending=False, kind="stable").iloc[0]
            out.append(f"应对{top['竞品']}{top['竞品活动']}")
    if meetings is not None and len(meetings):
        mine = meetings[meetings["品种"] == product]
        rate = mine["到会人数"].sum() / mine["邀请人数"].sum() if len(mine) else np.nan
        if pd.notna(rate) and rate < 0.9:
            out.append(f"科室会到会率 {rate:.0%}，提前确认参会名单")
    return out
