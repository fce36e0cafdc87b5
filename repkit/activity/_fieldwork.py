"""Competitor, meeting and listing summaries of the field-work tables (seeds 000–003).

Private; reached through :mod:`repkit.activity` (``competitor_report``,
``meeting_coverage``, ``listing_status``). Tables come back with Chinese headers, ready
to show. Meetings are head counts, listings count first prescribers: no spending and no
prescription figures of any doctor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.activity._completeness import _as_of
from repkit.schema import LISTING_STATUSES

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset

ATTENDANCE_TARGET = 0.9
"""Meeting attendance norm (seeds 001–003: 到会率 ≥ 90 %)."""
MEETINGS_PER_HOSPITAL = 3
"""Department meetings a hospital per half (seed 000: 召开三到四次科室会)."""
_STEP_ORDER = {"listed": 0, "temporary": 1, "committee": 2, "applied": 3, "not_listed": 4}
_FREQS = {"W": ("W-SUN", "周"), "M": ("M", "月份"), "Q": ("Q-DEC", "季度")}


def _between(frame: pd.DataFrame, column: str, period: Any) -> pd.DataFrame:
    """Rows whose date falls in ``period`` (None: all; a month/quarter/half text or a pair)."""
    if period is None or frame.empty:
        return frame
    if isinstance(period, tuple):
        start, end = (pd.Timestamp(p) for p in period)
    else:
        from repkit.calendar import Half

        text = str(period)
        if "H" in text.upper():
            h = Half.parse(text)
            start, end = h.start.start_time, h.end.end_time
        else:
            p = pd.Period(text, freq="Q-DEC" if "Q" in text.upper() else "M")
            start, end = p.start_time, p.end_time
    dates = pd.to_datetime(frame[column])
    last = end.normalize() + pd.Timedelta(days=1)
    return frame[(dates >= start) & (dates < last)]


def competitor_report(ds: Dataset, *, freq: str = "W", period: Any = None) -> pd.DataFrame:
    """The weekly (or monthly) competitor report: what each competitor did, and our answer.

    Seed 000 table F: survey competitors every week, report monthly and take measures.

    Parameters
    ----------
    ds
        Dataset with the ``competitors`` table (usually one region's).
    freq
        ``"W"`` (weeks Monday–Sunday), ``"M"`` (months) or ``"Q"`` (quarters).
    period
        Only observations in this month (``"2026-06"``), quarter (``"2026Q2"``), half
        (``"2026H1"``) or (start, end) pair; None: all.

    Returns
    -------
    DataFrame
        周/月份/季度, 竞品, 我方品种, 竞品活动, 次数, 医院数, 最低价格, 对策 (the latest
        note); newest period first, then most frequent.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> r = rk.activity.competitor_report(ds, freq="M", period="2026-06")
    >>> list(r.columns)
    ['月份', '竞品', '我方品种', '竞品活动', '次数', '医院数', '最低价格', '对策']
    >>> june = ds.competitors["date"].dt.month == 6
    >>> int(r["次数"].sum()) == int(june.sum())
    True
    """
    if freq not in _FREQS:
        raise ValueError(f"unknown freq {freq!r}; valid: {', '.join(_FREQS)}")
    rule, label = _FREQS[freq]
    c = _between(ds.competitors, "date", period)
    columns = [label, "竞品", "我方品种", "竞品活动", "次数", "医院数", "最低价格", "对策"]
    if c.empty:
        return pd.DataFrame(columns=columns)
    c = c.assign(
        _period=pd.to_datetime(c["date"]).dt.to_period(rule).astype(str),
        product=c["product"].fillna("") if "product" in c else "",
        notes=c["notes"].fillna("") if "notes" in c else "",
    ).sort_values("date", kind="stable")
    keys = ["_period", "competitor_product", "product", "activity"]
    out = c.groupby(keys, sort=False).agg(
        次数=("date", "size"),
        医院数=("hospital_id", "nunique"),
        最低价格=("price", "min"),
        对策=("notes", "last"),
    )
    out = out.reset_index().rename(
        columns={
            "_period": label,
            "competitor_product": "竞品",
            "product": "我方品种",
            "activity": "竞品活动",
        }
    )
    out = out.sort_values([label, "次数", "竞品"], ascending=[False, False, True], kind="stable")
    return out[columns].reset_index(drop=True)


def meeting_coverage(
    ds: Dataset, *, period: Any = None, target_rate: float = ATTENDANCE_TARGET
) -> pd.DataFrame:
    """Meetings by department × product: how many, where, and attendance against 90 %.

    Parameters
    ----------
    ds
        Dataset with the ``meetings`` table.
    period
        As in :func:`competitor_report`.
    target_rate
        Attendance norm (default 0.9, seeds 001–003).

    Returns
    -------
    DataFrame
        科室, 品种, 会议数, 科室会, 学术会等, 医院数, 邀请人数, 到会人数, 到会率 (0–1),
        目标到会率, 达标; one row per department × product, most meetings first. Head counts
        only: meeting records hold no spending.

    Examples
    --------
    >>> m = pd.DataFrame({"date": pd.to_datetime(["2026-03-02", "2026-03-09", "2026-04-01"]),
    ...     "hospital_id": ["H1", "H2", "H1"], "department": "心内科",
    ...     "type": ["department", "department", "academic"], "product": "新活宁",
    ...     "invited": [20.0, 10.0, 50.0], "attended": [19.0, 8.0, 45.0]})
    >>> ds = rk.Dataset.from_tables(meetings=m)
    >>> rk.activity.meeting_coverage(ds)[["会议数", "医院数", "到会人数", "到会率", "达标"]]
       会议数  医院数  到会人数  到会率    达标
    0    3    2    72  0.9  True
    """
    m = _between(ds.meetings, "date", period)
    columns = ["科室", "品种", "会议数", "科室会", "学术会等", "医院数"]
    columns += ["邀请人数", "到会人数", "到会率", "目标到会率", "达标"]
    if m.empty:
        return pd.DataFrame(columns=columns)
    m = m.assign(department=m["department"].fillna("未指定"), _dept=m["type"] == "department")
    out = m.groupby(["department", "product"], sort=True).agg(
        会议数=("date", "size"),
        科室会=("_dept", "sum"),
        医院数=("hospital_id", "nunique"),
        邀请人数=("invited", "sum"),
        到会人数=("attended", "sum"),
    )
    out["学术会等"] = out["会议数"] - out["科室会"]
    out["到会率"] = (out["到会人数"] / out["邀请人数"].replace(0, np.nan)).round(4)
    out["目标到会率"] = target_rate
    out["达标"] = out["到会率"] >= target_rate - 1e-12
    out = out.reset_index().rename(columns={"department": "科室", "product": "品种"})
    for c in ("科室会", "邀请人数", "到会人数"):
        out[c] = out[c].astype("int64")
    out = out.sort_values(["会议数", "科室", "品种"], ascending=[False, True, True], kind="stable")
    return out[columns].reset_index(drop=True)


def meetings_per_hospital(
    ds: Dataset, *, period: Any = None, norm: int = MEETINGS_PER_HOSPITAL
) -> pd.DataFrame:
    """Department meetings held in each hospital against the seed's three to four.

    Returns
    -------
    DataFrame
        医院编码, 医院, 科室会, 学术会等, 目标, 差距 (meetings still to hold, ≥ 0), for
        the 3A and level-3 hospitals of ``ds`` and any other hospital with a meeting.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> t = rk.activity.meetings_per_hospital(ds)
    >>> bool((t["科室会"] >= 3).all()), list(t.columns)[:3]
    (True, ['医院编码', '医院', '科室会'])
    """
    m = _between(ds.meetings, "date", period)
    hosp = ds.hospitals.set_index("hospital_id")
    ids = list(hosp.index[hosp["level"].isin(["3A", "3"])])
    ids += [h for h in m["hospital_id"].unique() if h not in ids]
    dept = m[m["type"] == "department"].groupby("hospital_id").size()
    other = m[m["type"] != "department"].groupby("hospital_id").size()
    out = pd.DataFrame({"医院编码": ids})
    out["医院"] = out["医院编码"].map(hosp["name"]) if "name" in hosp else out["医院编码"]
    out["科室会"] = out["医院编码"].map(dept).fillna(0).astype("int64")
    out["学术会等"] = out["医院编码"].map(other).fillna(0).astype("int64")
    out["目标"] = norm
    out["差距"] = (norm - out["科室会"]).clip(lower=0)
    return out


def listing_status(ds: Dataset, *, as_of: Any = None, pending: bool = False) -> pd.DataFrame:
    """Admission (进院) status of each product in each hospital, with days to listing.

    Parameters
    ----------
    ds
        Dataset with the ``listings`` table (and hospitals for the names).
    as_of
        Date for the days still waiting of pending applications (a month or quarter
        means its last day; default: the latest date in the table, never today).
    pending
        Only the applications still in progress (applied, committee, temporary purchase),
        longest waiting first: what the weekly review follows up.

    Returns
    -------
    DataFrame
        医院编码, 医院, 品种, 状态 (Chinese label), 申请日期, 进院日期, 进院天数 (listed −
        applied), 已等待天数 (pending: ``as_of`` − applied), 样板医院, 首批处方医生数
        (a count, never names or volumes); listed first, then by steps reached.

    Examples
    --------
    >>> l = pd.DataFrame({"hospital_id": ["H1", "H2"], "product": "新活宁",
    ...     "status": ["listed", "applied"],
    ...     "applied_on": pd.to_datetime(["2026-01-05", "2026-03-01"]),
    ...     "listed_on": pd.to_datetime(["2026-03-06", None]),
    ...     "first_prescribers": [3.0, None]})
    >>> t = rk.activity.listing_status(rk.Dataset.from_tables(listings=l), as_of="2026-03-31")
    >>> t[["医院编码", "状态", "进院天数", "已等待天数", "首批处方医生数"]]
      医院编码   状态  进院天数  已等待天数  首批处方医生数
    0   H1  已进院    60   <NA>        3
    1   H2  申请中  <NA>     30     <NA>
    """
    lst = ds.listings
    columns = ["医院编码", "医院", "品种", "状态", "申请日期", "进院日期", "进院天数"]
    columns += ["已等待天数", "样板医院", "首批处方医生数"]
    if lst.empty:
        return pd.DataFrame(columns=columns)
    applied = pd.to_datetime(lst["applied_on"]) if "applied_on" in lst else pd.NaT
    listed = pd.to_datetime(lst["listed_on"]) if "listed_on" in lst else pd.NaT
    latest = pd.concat([pd.Series(applied), pd.Series(listed)]).max()
    when = _as_of(as_of) if as_of is not None else latest
    names = ds.hospitals.set_index("hospital_id")["name"].astype(str)
    waiting = lst["status"].isin(["applied", "committee", "temporary"])
    out = pd.DataFrame(
        {
            "医院编码": lst["hospital_id"].to_numpy(),
            "医院": lst["hospital_id"].map(names).astype("object").fillna(lst["hospital_id"]),
            "品种": lst["product"].to_numpy(),
            "状态": lst["status"].map(LISTING_STATUSES).to_numpy(),
            "申请日期": pd.Series(applied).dt.date.to_numpy(),
            "进院日期": pd.Series(listed).dt.date.to_numpy(),
            "进院天数": pd.array((listed - applied).dt.days, dtype="Int64"),
            "已等待天数": pd.array((when - applied).dt.days.where(waiting), dtype="Int64"),
            "样板医院": lst["benchmark"].fillna(False).astype(bool).to_numpy()
            if "benchmark" in lst
            else False,
            "首批处方医生数": pd.array(
                lst["first_prescribers"] if "first_prescribers" in lst else [None] * len(lst),
                dtype="Int64",
            ),
        }
    )
    order = lst["status"].map(_STEP_ORDER).fillna(len(_STEP_ORDER)).to_numpy()
    out = out.iloc[np.lexsort((out["医院编码"].to_numpy(), out["品种"].to_numpy(), order))]
    if pending:
        out = out[waiting.to_numpy()[out.index]]
        out = out.sort_values("已等待天数", ascending=False, kind="stable")
    return out[columns].reset_index(drop=True)
