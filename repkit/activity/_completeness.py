"""Completeness of the basic field work (seed 000 tables A–C and H, seed 002 CRM data).

Private; reached through :mod:`repkit.activity` (``completeness``, ``COMPLETENESS_TARGETS``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.calendar import Half
from repkit.labels import MEASURE_LABELS as _M

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset

COMPLETENESS_TARGETS: dict[str, tuple[str, float, str]] = {
    "hospital_files": (_M["hospital_files"], 0.8, "兰州区域半年工作计划范本表 A：一个月完成80%"),
    "doctor_cards": (_M["doctor_cards"], 1.0, "兰州区域半年工作计划范本表 B：医生资料卡"),
    "ward_nurses": (_M["ward_nurses"], 1.0, "兰州区域半年工作计划范本表 C：20天内完成"),
    "weekly_schedules": (
        _M["weekly_schedules"],
        1.0,
        "兰州区域半年工作计划范本表 H：每周每个员工5份",
    ),
    "call_records": (_M["call_records"], 1.0, "《医药销售工作计划》范文：CRM 数据完整"),
}
"""Measure → (Chinese label of :data:`repkit.labels.MEASURE_LABELS`, target share, the
sentence it comes from, as the workbook's 出处 column shows it: the source document by its
user-facing name, never its internal seed number)."""

HOSPITAL_FILE_COLUMNS = ("name", "level", "city", "beds", "departments")
DOCTOR_CARD_COLUMNS = ("name", "department", "title", "is_expert", "rating")
CALL_RECORD_COLUMNS = ("purpose", "result", "rating_after", "follow_up")
INPATIENT_LEVELS = ("3A", "3", "2")
"""Hospital levels with inpatient wards, whose nurses table C collects."""
SCHEDULES_PER_WEEK = 5


def _filled(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """Rows with every one of ``columns`` present and not blank (lists: not empty)."""
    ok = pd.Series(True, index=frame.index)
    for c in columns:
        if c not in frame.columns:
            return pd.Series(False, index=frame.index)
        col = frame[c]
        empty = [
            (isinstance(v, str) and not v.strip())
            or (isinstance(v, (list, tuple, np.ndarray)) and len(v) == 0)
            for v in col
        ]
        blank = col.isna().to_numpy(dtype=bool) | np.asarray(empty, dtype=bool)
        ok &= ~pd.Series(blank, index=frame.index)
    return ok


def _ward_nurses(ds: Dataset, as_of: pd.Timestamp) -> tuple[int, int]:
    """Inpatient hospitals with nurses of the emergency and of an inpatient ward."""
    hosp = ds.hospitals[ds.hospitals["level"].isin(INPATIENT_LEVELS)]
    nurses = ds.nurses
    if "recorded_on" in nurses.columns:
        dates = pd.to_datetime(nurses["recorded_on"])
        nurses = nurses[dates.isna() | (dates <= as_of)]
    ward = nurses["department"].astype(str)
    emergency = set(nurses.loc[ward.str.contains("急诊"), "hospital_id"])
    inpatient = set(nurses.loc[~ward.str.contains("急诊"), "hospital_id"])
    ids = set(hosp["hospital_id"])
    return len(ids & emergency & inpatient), len(ids)


def _weekly_schedules(
    ds: Dataset, half: Half, as_of: pd.Timestamp
) -> tuple[int, int, pd.Timestamp]:
    """Rep-weeks (Mon–Sun, ended by ``as_of``) with at least five schedule entries."""
    first = half.start.start_time
    monday = first - pd.Timedelta(days=first.day_of_week)
    weeks = pd.date_range(monday, as_of - pd.Timedelta(days=6), freq="W-MON")
    weeks = weeks[weeks + pd.Timedelta(days=6) >= first]
    due = as_of.normalize() - pd.Timedelta(days=as_of.day_of_week)
    reps = ds.reps["rep_id"].astype(str).tolist()
    if not len(weeks) or not reps:
        return 0, 0, due
    calls = ds.calls
    dates = pd.to_datetime(calls["date"])
    week = (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.normalize()
    counts = pd.Series(1, index=[calls["rep_id"].astype(str), week]).groupby(level=[0, 1]).sum()
    grid = pd.MultiIndex.from_product([reps, weeks])
    done = int((counts.reindex(grid, fill_value=0) >= SCHEDULES_PER_WEEK).sum())
    return done, len(grid), due


def _as_of(value: Any) -> pd.Timestamp:
    """A date; a month (``"2026-06"``) or quarter (``"2026Q2"``) means its last day."""
    if isinstance(value, str | pd.Period):
        text = str(value).strip()
        if re.fullmatch(r"\d{4}-\d{1,2}", text) or re.fullmatch(r"\d{4}Q[1-4]", text):
            freq = "Q-DEC" if "Q" in text else "M"
            return pd.Period(text, freq=freq).end_time.normalize()
    return pd.Timestamp(value).normalize()


def completeness(ds: Dataset, *, as_of: Any, half: Any = None) -> pd.DataFrame:
    """How complete the basic work of the seeds is on a date: tables A, B, C, H and CRM.

    Parameters
    ----------
    ds
        Dataset (usually one region's: ``ds.for_region("兰州")``).
    as_of
        The date to measure on (``"2026-01-31"``; a month ``"2026-06"`` or quarter
        ``"2026Q2"`` means its last day); nurses recorded later and weeks not yet ended
        are not counted.
    half
        The half-year the deadlines run from (default: the half of ``as_of``).

    Returns
    -------
    DataFrame
        One row per measure of :data:`COMPLETENESS_TARGETS`: measure, label, done,
        total, value (done ÷ total, 0–1), target, deadline, met (value ≥ target),
        late (met, but only after the deadline: table C, whose rows carry the date they
        were recorded), overdue (not met and the deadline has passed), seed.
        Deadlines: A the half's first month, C its first 20 days, H every Monday
        (the latest one before ``as_of``), B and CRM ``as_of``.

    Notes
    -----
    In Excel you would count filled rows with COUNTIFS and divide by the rows due.
    Schedules are counted as logged entries; when each was handed in is not recorded.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> c = rk.activity.completeness(ds, as_of="2026-01-31")
    >>> c[["measure", "done", "total", "target", "met"]]
                measure  done  total  target    met
    0    hospital_files    25     25     0.8   True
    1      doctor_cards   284    284     1.0   True
    2       ward_nurses     7     14     1.0  False
    3  weekly_schedules    16     16     1.0   True
    4      call_records   697    697     1.0   True
    """
    when = _as_of(as_of)
    h = Half.parse(half) if half is not None else Half.of(when.date())
    start = h.start.start_time
    files = _filled(ds.hospitals, HOSPITAL_FILE_COLUMNS)
    cards = _filled(ds.doctors, DOCTOR_CARD_COLUMNS)
    calls = ds.calls[pd.to_datetime(ds.calls["date"]).between(start, when)]
    records = _filled(calls, CALL_RECORD_COLUMNS)
    nurses_done, nurses_total = _ward_nurses(ds, when)
    nurse_deadline = start + pd.Timedelta(days=19)
    nurses_in_time, _ = _ward_nurses(ds, min(when, nurse_deadline))
    weeks_done, weeks_total, monday = _weekly_schedules(ds, h, when)
    counts = {
        "hospital_files": (int(files.sum()), len(files), h.start.end_time),
        "doctor_cards": (int(cards.sum()), len(cards), when),
        "ward_nurses": (nurses_done, nurses_total, nurse_deadline),
        "weekly_schedules": (weeks_done, weeks_total, monday),
        "call_records": (int(records.sum()), len(records), when),
    }
    rows = []
    for measure, (label, target, seed) in COMPLETENESS_TARGETS.items():
        done, total, deadline = counts[measure]
        value = done / total if total else np.nan
        met = bool(total) and value >= target - 1e-12
        # only table C records when each row came in: met, but not by its deadline
        late = measure == "ward_nurses" and met and nurses_in_time < target * total - 1e-9
        rows.append(
            {
                "measure": measure,
                "label": label,
                "done": done,
                "total": total,
                "value": value,
                "target": target,
                "deadline": pd.Timestamp(deadline).date(),
                "met": met,
                "late": late,
                "overdue": not met and when.date() > pd.Timestamp(deadline).date(),
                "seed": seed,
            }
        )
    return pd.DataFrame(rows)
