"""Periods (half-year, quarter, month, ISO week), working days and Chinese holidays.

pandas has no half-year period, so :class:`Half` is the one half-year type of repkit.
Working days follow the official Chinese calendar (public holidays and the adjusted
working weekends 调休) through the ``chinese_calendar`` package for the years it covers;
for later years the holidays from the ``holidays`` package (lunar dates computed) are
used and weekends are assumed off.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "Half",
    "festival_days",
    "half_months",
    "is_working_day",
    "month_working_days",
    "spring_festival",
    "week_label",
    "weeks_of",
    "weeks_of_half",
    "working_days",
]

_HALF_RE = re.compile(
    r"^\s*(?P<y>\d{4})\s*年?\s*[-_/ ]?\s*"
    r"(?:[HhSs]\s*(?P<h>[12])|(?P<hn>[12])\s*[Hh]|(?P<zh>[上下])半年)\s*$"
)
"""The one half-year syntax: 2026H1, 2026-H2, 2026 h1, 2026S2, 2026/1H, 2026年上半年."""

FESTIVAL_BEFORE = 7
"""Days before Spring Festival (春节) counted as the festival's low-activity window."""
FESTIVAL_AFTER = 14
"""Days after Spring Festival counted in the window (hospitals run reduced clinics)."""


@dataclass(frozen=True, order=True)
class Half:
    """A half-year such as ``2026H1`` (January–June) or ``2026H2`` (July–December).

    Examples
    --------
    >>> h = Half.parse("2026H2")
    >>> h, h.previous, h.next, h.same_last_year
    (Half('2026H2'), Half('2026H1'), Half('2027H1'), Half('2025H2'))
    >>> [str(m) for m in h.months][:2]
    ['2026-07', '2026-08']
    >>> Half.parse("2026年上半年")
    Half('2026H1')
    """

    year: int
    half: int

    def __post_init__(self) -> None:
        if self.half not in (1, 2):
            raise ValueError(f"half must be 1 or 2, got {self.half!r}")

    @classmethod
    def parse(cls, text: str | Half) -> Half:
        """Read ``"2026H1"``, ``"2026-H2"``, ``"2026年上半年"`` or a :class:`Half`."""
        if isinstance(text, Half):
            return text
        m = _HALF_RE.match(str(text))
        if not m:
            raise ValueError(
                f"cannot read half-year {text!r}; write it like '2026H1' or '2026H2' "
                "(or 2026年上半年 / 2026年下半年)"
            )
        digit = m.group("h") or m.group("hn")
        half = int(digit) if digit else (1 if m.group("zh") == "上" else 2)
        return cls(int(m.group("y")), half)

    @classmethod
    def of(cls, when: pd.Period | dt.date | str) -> Half:
        """The half-year that contains a month or a date."""
        p = pd.Period(when, freq="M")
        return cls(p.year, 1 if p.month <= 6 else 2)

    def __str__(self) -> str:
        return f"{self.year}H{self.half}"

    def __repr__(self) -> str:
        return f"Half('{self}')"

    @property
    def start(self) -> pd.Period:
        """First month."""
        return pd.Period(year=self.year, month=1 if self.half == 1 else 7, freq="M")

    @property
    def end(self) -> pd.Period:
        """Last month."""
        return self.start + 5

    @property
    def months(self) -> pd.PeriodIndex:
        """The six months, as ``Period[M]``."""
        return pd.period_range(self.start, self.end, freq="M")

    @property
    def quarters(self) -> pd.PeriodIndex:
        """The two quarters, as ``Period[Q-DEC]``."""
        q = self.start.asfreq("Q-DEC")
        return pd.period_range(q, q + 1, freq="Q-DEC")

    @property
    def previous(self) -> Half:
        """The half-year before."""
        return Half(self.year, 1) if self.half == 2 else Half(self.year - 1, 2)

    @property
    def next(self) -> Half:
        """The half-year after."""
        return Half(self.year, 2) if self.half == 1 else Half(self.year + 1, 1)

    @property
    def same_last_year(self) -> Half:
        """The same half one year earlier."""
        return Half(self.year - 1, self.half)

    @property
    def label(self) -> str:
        """Chinese label, e.g. ``2026年下半年``."""
        return f"{self.year}年{'上' if self.half == 1 else '下'}半年"


def half_months(half: str | Half) -> pd.PeriodIndex:
    """Months of a half-year.

    Examples
    --------
    >>> list(half_months("2026H1").astype(str))
    ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']
    """
    return Half.parse(half).months


@functools.cache
def _holiday_table(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], bool]:
    """Official holidays and adjusted working weekends of a year, and whether official."""
    try:
        import chinese_calendar as cc

        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        holidays_ = frozenset(
            d for d in cc.get_holidays(start, end, include_weekends=False) if d.weekday() < 5
        )
        workdays = frozenset(d for d in cc.get_workdays(start, end) if d.weekday() >= 5)
        return holidays_, workdays, True
    except (ImportError, RuntimeError):  # chinese_calendar: year not announced yet
        import holidays as hol

        cn = hol.country_holidays("CN", years=year)
        return frozenset(d for d in cn if d.weekday() < 5), frozenset(), False


def is_working_day(day: dt.date | pd.Timestamp) -> bool:
    """Whether a date is a working day in mainland China.

    Examples
    --------
    >>> is_working_day(dt.date(2024, 10, 1))   # National Day
    False
    >>> is_working_day(dt.date(2024, 10, 12))  # Saturday made a working day (调休)
    True
    """
    d = pd.Timestamp(day).date()
    holidays_, workdays, _ = _holiday_table(d.year)
    if d in workdays:
        return True
    return d.weekday() < 5 and d not in holidays_


def working_days(start: dt.date | str, end: dt.date | str) -> pd.DatetimeIndex:
    """Working days between two dates, both included.

    Examples
    --------
    >>> len(working_days("2024-10-01", "2024-10-31"))
    19
    """
    days = pd.date_range(start, end, freq="D")
    return days[[is_working_day(d) for d in days]]


def is_official(year: int) -> bool:
    """Whether the working-day calendar of a year comes from the official announcement."""
    return _holiday_table(year)[2]


@functools.cache
def spring_festival(year: int) -> dt.date:
    """Date of the Spring Festival (Chinese New Year's day) of a Gregorian year.

    Examples
    --------
    >>> spring_festival(2024), spring_festival(2025)
    (datetime.date(2024, 2, 10), datetime.date(2025, 1, 29))
    """
    import holidays as hol

    cn = hol.country_holidays("CN", years=year, language="en_US")
    days = sorted(d for d, name in cn.items() if name == "Chinese New Year (Spring Festival)")
    if not days:
        raise ValueError(f"no Spring Festival date known for {year}")
    return days[0]


def festival_days(months: pd.PeriodIndex | pd.Series) -> pd.Series:
    """Days of the Spring Festival window that fall in each month.

    The window runs from :data:`FESTIVAL_BEFORE` days before to :data:`FESTIVAL_AFTER`
    days after New Year's day, so it moves between January and February with the
    lunar calendar. Forecasts use it as a regressor.

    Parameters
    ----------
    months
        Monthly periods.

    Returns
    -------
    Series
        Number of window days in each month, indexed like ``months``.

    Examples
    --------
    >>> m = pd.period_range("2025-01", "2025-03", freq="M")
    >>> festival_days(m).tolist()   # 2025-01-29: window Jan 22 – Feb 12
    [10, 12, 0]
    """
    idx = pd.PeriodIndex(months, freq="M")
    out = []
    for p in idx:
        if p.month > 3:
            out.append(0)
            continue
        sf = spring_festival(p.year)
        lo = sf - dt.timedelta(days=FESTIVAL_BEFORE)
        hi = sf + dt.timedelta(days=FESTIVAL_AFTER)
        first = p.start_time.date()
        last = p.end_time.date()
        overlap = (min(hi, last) - max(lo, first)).days + 1
        out.append(max(overlap, 0))
    index = months.index if isinstance(months, pd.Series) else idx
    return pd.Series(out, index=index, dtype="int64", name="festival_days")


def weeks_of(month: pd.Period) -> pd.DataFrame:
    """ISO weeks (Mon–Sun) that overlap a month, with their working days in the month.

    Returns
    -------
    DataFrame
        Columns ``week`` (``Period[W-SUN]``), ``start``, ``end`` (dates clipped to the
        month) and ``working_days``.

    Examples
    --------
    >>> weeks_of(pd.Period("2024-10", "M"))["working_days"].tolist()
    [0, 5, 5, 5, 4]
    """
    days = pd.date_range(month.start_time, month.end_time.normalize(), freq="D")
    frame = pd.DataFrame({"day": days, "week": days.to_period("W-SUN")})
    frame["working"] = [is_working_day(d) for d in days]
    out = frame.groupby("week", sort=True).agg(
        start=("day", "min"), end=("day", "max"), working_days=("working", "sum")
    )
    out = out.reset_index()
    out["working_days"] = out["working_days"].astype("int64")
    return out


@functools.cache
def _month_working_days(month: pd.Period) -> int:
    start = month.start_time.date()
    return len(working_days(start, month.end_time.date()))


def month_working_days(months: pd.PeriodIndex | pd.Series) -> pd.Series:
    """Working days in each month (Chinese public holidays and 调休 weekends applied).

    Parameters
    ----------
    months
        Monthly periods.

    Returns
    -------
    Series
        Number of working days, indexed by the months.

    Examples
    --------
    >>> m = pd.period_range("2024-09", "2024-10", freq="M")
    >>> month_working_days(m).tolist()   # National Day week in October
    [21, 19]
    """
    idx = pd.PeriodIndex(months, freq="M")
    values = [_month_working_days(p) for p in idx]
    return pd.Series(values, index=idx, dtype="int64", name="working_days")


def weeks_of_half(half: str | Half) -> pd.DataFrame:
    """ISO weeks of each month of a half-year, with their working days in that month.

    A week that straddles two months appears once per month, with the working days of
    each part, so monthly targets can be split into weeks and still add up per month.

    Returns
    -------
    DataFrame
        Columns ``month`` (``Period[M]``), ``week`` (``Period[W-SUN]``), ``start``,
        ``end`` (dates clipped to the month) and ``working_days``.

    Examples
    --------
    >>> w = weeks_of_half("2026H2")
    >>> int(w["working_days"].sum())
    128
    >>> w.groupby("month")["working_days"].sum().tolist()
    [23, 21, 22, 18, 21, 23]
    """
    return _weeks_of_half(Half.parse(half)).copy()


@functools.cache
def _weeks_of_half(half: Half) -> pd.DataFrame:
    frames = []
    for m in half.months:
        part = weeks_of(m)
        part.insert(0, "month", m)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["month"] = out["month"].astype("period[M]")
    return out


def week_label(week: pd.Period, *, within: str | Half | None = None) -> str:
    """ISO week label with its Monday–Sunday dates, e.g. ``2026-W27 (06-29~07-05)``.

    Parameters
    ----------
    week
        The ``Period[W-SUN]``.
    within
        A half-year: a week straddling its first or last day shows only the dates
        inside it and is marked ``部分周`` (part week), so a two-day target is not read
        as a week's.

    Examples
    --------
    >>> week_label(pd.Period("2026-07-01", "W-SUN"))
    '2026-W27 (06-29~07-05)'
    >>> week_label(pd.Period("2026-07-01", "W-SUN"), within="2026H1")
    '2026-W27 (06-29~06-30 部分周)'
    """
    start = week.start_time.normalize()
    end = week.end_time.normalize()
    iso = start.isocalendar()
    mark = ""
    if within is not None:
        h = Half.parse(within)
        first, last = h.start.start_time.normalize(), h.end.end_time.normalize()
        if start < first or end > last:
            start, end, mark = max(start, first), min(end, last), " 部分周"
    return f"{iso.year}-W{iso.week:02d} ({start:%m-%d}~{end:%m-%d}{mark})"
