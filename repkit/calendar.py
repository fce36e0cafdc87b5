"""Periods (half-year, quarter, month, ISO week), working days and Chinese holidays.

pandas has no half-year period, so :class:`Half` is the one half-year type of repkit.
Working days follow the official Chinese calendar (public holidays and the adjusted
working weekends 调休) through the ``chinese_calendar`` package for the years it covers
(the State Council announces a year's arrangement in November or December before it).
Later years are *provisional*: repkit's estimate of the Spring Festival week
(:data:`PROVISIONAL_CN`, 2027) plus the other holidays of the ``holidays`` package
(lunar dates computed, weekends assumed off). :func:`is_provisional` and
:func:`calendar_warnings` say so, so plans can tell their readers.

Your own holiday file overrides both: a CSV or Excel file with columns ``date``,
``name`` and ``is_workday`` (or 日期, 名称, 是否上班), named by the environment variable
``REPKIT_HOLIDAYS``, put in the data folder as ``holidays.xlsx``/``节假日.xlsx`` (or .csv;
:func:`repkit.load_dataset` reads it), or given to :func:`use_holidays`. A year with
rows in that file counts as the user's own, not provisional. A file that cannot be read
raises its :class:`~repkit.errors.DataError` wherever the calendar is used (forecasts
included); nothing falls back to another calendar in silence.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.messages import say

if TYPE_CHECKING:
    from repkit.io._grid import Grid

__all__ = [
    "HOLIDAYS_ENV",
    "HOLIDAY_FILES",
    "PROVISIONAL_CN",
    "Half",
    "calendar_status",
    "calendar_warnings",
    "festival_days",
    "half_months",
    "is_official",
    "is_provisional",
    "is_working_day",
    "month_working_days",
    "parse_period",
    "period_months",
    "spring_festival",
    "use_holidays",
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
_WINDOW_RE = re.compile(r"(~|～|—|–|到|至|\bto\b|\d+\s*[-/.月]\s*\d+\s*日?\s*[-~～—–])")
"""A date range (``2026-07-08~2027-01-31``, ``7/8–1/31``, ``7月8日到1月31日``): a custom window."""

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
        if not m and _WINDOW_RE.search(str(text)):
            raise ValueError(say("arg.half_window", value=text))
        if not m:
            raise ValueError(say("arg.half", value=text))
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
        return _half_months(self.year, self.half).copy()  # a caller may name its copy

    @property
    def quarters(self) -> pd.PeriodIndex:
        """The two quarters, as ``Period[Q-DEC]``."""
        return _half_quarters(self.year, self.half).copy()

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


@functools.lru_cache(maxsize=64)
def _half_months(year: int, half: int) -> pd.PeriodIndex:
    """The months of a half, made once; callers get a shallow copy (names stay theirs)."""
    start = pd.Period(year=year, month=1 if half == 1 else 7, freq="M")
    return pd.period_range(start, start + 5, freq="M")


@functools.lru_cache(maxsize=64)
def _half_quarters(year: int, half: int) -> pd.PeriodIndex:
    q = pd.Period(year=year, month=1 if half == 1 else 7, freq="M").asfreq("Q-DEC")
    return pd.period_range(q, q + 1, freq="Q-DEC")


def half_months(half: str | Half) -> pd.PeriodIndex:
    """Months of a half-year.

    Examples
    --------
    >>> list(half_months("2026H1").astype(str))
    ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']
    """
    return Half.parse(half).months


_QUARTER_RE = re.compile(
    r"^\s*(?P<y>\d{4})\s*年?\s*[-_/ ]?\s*"
    r"(?:[Qq]\s*(?P<q>[1-4])|第?\s*(?P<qz>[1-4一二三四])\s*季度?)\s*$"
)
"""Quarters: 2026Q3, 2026-Q3, 2026 q3, 2026年第三季度, 2026年3季度."""
_MONTH_RE = re.compile(r"^\s*(?P<y>\d{4})\s*(?:[-_/.年]\s*(?P<m>\d{1,2})\s*月?|(?P<mm>\d{2}))\s*$")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}


def parse_period(text: str | Half | pd.Period) -> str:
    """A quota period as text: a half ``2026H2``, a quarter ``2026Q3`` or a month ``2026-07``.

    Targets (quotas) may be given per half, quarter or month; this is the one reader of
    their period. Halves use :meth:`Half.parse`'s syntax.

    Raises
    ------
    ValueError
        Text that is none of the three.

    Examples
    --------
    >>> [parse_period(t) for t in ("2026年下半年", "2026年第三季度", "2026-Q4", "2026年7月")]
    ['2026H2', '2026Q3', '2026Q4', '2026-07']
    >>> parse_period("202608")
    '2026-08'
    """
    if isinstance(text, Half):
        return str(text)
    if isinstance(text, pd.Period):
        if text.freqstr.startswith("Q"):
            return f"{text.year}Q{text.quarter}"
        return str(text.asfreq("M"))
    s = str(text)
    if _HALF_RE.match(s):
        return str(Half.parse(s))
    m = _QUARTER_RE.match(s)
    if m:
        q = m.group("q") or m.group("qz")
        return f"{m.group('y')}Q{_CN_DIGITS.get(q) or int(q)}"
    m = _MONTH_RE.match(s)
    if m and 1 <= int(m.group("m") or m.group("mm")) <= 12:
        return f"{m.group('y')}-{int(m.group('m') or m.group('mm')):02d}"
    raise ValueError(
        f"cannot read the period {text!r}; write a half 2026H2, a quarter 2026Q3 or a month 2026-07"
    )


def period_months(period: str | Half | pd.Period) -> pd.PeriodIndex:
    """The months of a quota period (half, quarter or month; see :func:`parse_period`).

    Examples
    --------
    >>> list(period_months("2026Q3").astype(str))
    ['2026-07', '2026-08', '2026-09']
    >>> len(period_months("2026H1")), list(period_months("2026-07").astype(str))
    (6, ['2026-07'])
    """
    return _period_months(parse_period(period)).copy()


@functools.lru_cache(maxsize=256)
def _period_months(p: str) -> pd.PeriodIndex:
    if "H" in p:
        return Half.parse(p).months
    if "Q" in p:
        q = pd.Period(p, freq="Q-DEC")
        first = q.asfreq("M", how="start")
        return pd.period_range(first, first + 2, freq="M")
    return pd.PeriodIndex([pd.Period(p, freq="M")])


HOLIDAYS_ENV = "REPKIT_HOLIDAYS"
"""Environment variable naming a holiday file (CSV or Excel: date, name, is_workday)."""

HOLIDAY_FILES: tuple[str, ...] = (
    "holidays.xlsx",
    "holidays.csv",
    "节假日.xlsx",
    "节假日.csv",
)
"""Holiday file names :func:`repkit.load_dataset` looks for in the data folder."""

PROVISIONAL_CN: dict[int, dict[str, tuple[str, ...]]] = {
    2027: {
        # Spring Festival: eve Fri 5 Feb, New Year's day Sat 6 Feb 2027 (lunar calendar).
        # Since 2025 the festival has four statutory days (eve to day 3); like the 2026
        # arrangement (9 days from the eve, two adjusted weekend days worked) repkit
        # assumes 5-13 Feb off and Sun 31 Jan and Sat 20 Feb worked. Not the State
        # Council's announcement: replace by the official one (a newer
        # ``chinesecalendar`` release, or your holiday file) when it is published.
        "off": ("2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"),
        "worked": ("2027-01-31", "2027-02-20"),
    },
}
"""repkit's provisional estimate of official arrangements not yet in ``chinesecalendar``.

Weekdays off (``off``) and weekend days worked (``worked``) by year; other holidays of
such a year come from the ``holidays`` package. Years here are provisional."""

_USER: dict[str, Any] = {"frame": None, "loaded_env": False}

_HEADERS = {
    "日期": "date",
    "名称": "name",
    "节日": "name",
    "是否上班": "is_workday",
    "上班": "is_workday",
    "工作日": "is_workday",
}
"""Chinese headers of a holiday file → its columns (English headers in any case)."""


def _read_holidays(source: str | os.PathLike | pd.DataFrame) -> pd.DataFrame:
    """A holiday file or frame as date (datetime.date), name, is_workday (bool)."""
    from repkit.errors import DataError

    name = "<DataFrame>"
    if isinstance(source, pd.DataFrame):
        raw = source.copy()
        first = 2  # the frame's rows as a sheet's, below a header on row 1
    else:
        path = Path(source)
        name = path.name
        if not path.is_file():
            raise FileNotFoundError(say("path.no_holidays", path=path))
        raw = _read_holiday_file(path, name)
        first = 0  # indexed by the file's own row numbers
    sheet = raw.attrs.get("sheet")
    headers = [str(c).strip() for c in raw.columns]
    raw.columns = _holiday_columns(raw, name)
    shown = dict(zip(raw.columns, headers, strict=True))  # problems name the file's heading
    missing = [c for c in ("date", "is_workday") if c not in raw.columns]
    if missing:
        raise DataError(
            [
                {
                    "file": name,
                    "sheet": sheet,
                    "column": c,
                    "rule": "missing_column",
                    "message": say("missing_column.holiday", column=c),
                }
                for c in missing
            ]
        )
    dates = pd.to_datetime(raw["date"], errors="coerce", format="mixed")
    flag = raw["is_workday"].astype(str).str.strip().str.lower()
    truthy = {"1", "true", "yes", "y", "是", "上班", "工作日"}
    falsy = {"0", "false", "no", "n", "否", "休", "放假", "休息"}
    problems = []
    for i in raw.index:
        row = int(i) + first
        if pd.isna(dates[i]):
            problems.append(
                {
                    "file": name,
                    "sheet": sheet,
                    "row": row,
                    "column": shown["date"],
                    "value": raw.at[i, "date"],
                    "rule": "bad_date",
                    "message": say("bad_date.holiday"),
                }
            )
        if flag[i] not in truthy | falsy:
            problems.append(
                {
                    "file": name,
                    "sheet": sheet,
                    "row": row,
                    "column": shown["is_workday"],
                    "value": raw.at[i, "is_workday"],
                    "rule": "bad_code",
                    "message": say("bad_code.workday"),
                }
            )
    if problems:
        raise DataError(problems)
    names = (
        raw["name"].fillna("").astype(str).str.strip()
        if "name" in raw.columns
        else pd.Series("", index=raw.index)
    )
    return pd.DataFrame(
        {
            "date": [d.date() for d in dates],
            "name": names.to_list(),
            "is_workday": flag.isin(truthy).to_list(),
        }
    )


def _holiday_columns(raw: pd.DataFrame, name: str) -> list[str]:
    """The columns of a holiday table by meaning; two headers of one meaning are refused."""
    from repkit.errors import DataError
    from repkit.messages import problem

    headers = [str(c).strip() for c in raw.columns]
    canonical = [_HEADERS.get(h, h.lower()) for h in headers]
    seen: dict[str, str] = {}
    for header, column in zip(headers, canonical, strict=True):
        if column in seen:  # 日期 and date: one column written twice under two names
            raise DataError(
                [
                    problem(
                        "duplicate_header.same_meaning",
                        where={
                            "file": name,
                            "sheet": raw.attrs.get("sheet"),
                            "row": raw.attrs.get("header_row", 1),
                            "column": header,
                        },
                        first=seen[column],
                        second=header,
                        column=column,
                    )
                ]
            )
        seen[column] = header
    return canonical


def _read_holiday_file(path: Path, name: str) -> pd.DataFrame:
    """The cells of a holiday file as text, read like every data file of repkit.io.

    The format is told by content (a CSV named .xlsx, an HTML or XML table named .xls);
    CSV may be UTF-8, GB18030/GBK or UTF-16; archive and sheet-size limits hold. Among
    several sheets the one with the most holiday headers is read. The index is the file
    row. A file that is no table raises DataError naming the file.
    """
    from repkit.io import _files

    fmt = _files.sniff_file(path)
    if fmt == "binary" and path.suffix.lower() in (".csv", ".txt", ".tsv"):
        fmt = "text"  # meant as text: its undecodable bytes are refused as mojibake
    grid = _files.read_file(path, fmt, name=name, score=_holiday_score)
    # an unquoted comma in a CSV cell shifts the cells after it: refused, not guessed
    return _files.text_frame(grid, strict=fmt == "text")


def _holiday_score(grid: Grid) -> int:
    """How many holiday headers the best of a sheet's first rows holds."""
    known = {*_HEADERS, *_HEADERS.values()}
    return max((sum(str(v).strip().lower() in known for v in row) for row in grid.rows), default=0)


def _clear_caches() -> None:
    for fn in (_holiday_table, _busday_calendar, _month_working_days, _weeks_of_half):
        fn.cache_clear()
    fc = sys.modules.get("repkit.forecast._calendar")
    if fc is not None:
        fc._clear_caches()


def use_holidays(source: str | os.PathLike | pd.DataFrame | None) -> pd.DataFrame:
    """Use your own holiday calendar from now on (this process); ``None`` goes back.

    ``None`` returns to the default: the file named by ``REPKIT_HOLIDAYS`` if set, else
    the official and provisional calendars.

    Dates in the file override the official and provisional calendars: a row with
    ``is_workday`` 否 makes the day off, 是 makes it a working day (调休). A year with
    any row in the file is no longer provisional.

    Parameters
    ----------
    source
        CSV/Excel file or DataFrame with columns ``date``, ``name``, ``is_workday``
        (or 日期, 名称, 是否上班); ``None`` forgets it.

    Returns
    -------
    DataFrame
        date, name, is_workday as read.

    Raises
    ------
    DataError
        With rule ``bad_date``, ``bad_code``, ``missing_column`` or
        ``duplicate_header`` for unreadable rows; ``empty``, ``not_a_spreadsheet``,
        ``mojibake`` or ``too_large`` for a file that is no table (read like every data
        file: CSV in UTF-8, GBK/GB18030 or UTF-16, Excel by content, not extension).
    FileNotFoundError
        No such file.

    Examples
    --------
    >>> own = pd.DataFrame({"date": ["2027-02-11", "2027-02-12"], "name": "春节",
    ...                     "is_workday": ["否", "否"]})
    >>> _ = use_holidays(own)
    >>> is_working_day(dt.date(2027, 2, 11)), calendar_status(2027)
    (False, 'user')
    >>> _ = use_holidays(None)
    """
    frame = None if source is None else _read_holidays(source)
    _USER["frame"] = frame
    _USER["loaded_env"] = frame is not None  # an explicit file wins over the environment
    _clear_caches()
    return frame if frame is not None else pd.DataFrame(columns=["date", "name", "is_workday"])


def _user_days() -> dict[dt.date, bool]:
    if not _USER["loaded_env"]:
        env = os.environ.get(HOLIDAYS_ENV)
        if env:
            # a file that cannot be read raises here on every call: marking the
            # environment read first would make the next call forget the file silently
            if not Path(env).is_file():
                raise FileNotFoundError(say("path.no_holidays_env", env=HOLIDAYS_ENV, path=env))
            _USER["frame"] = _read_holidays(env)
        _USER["loaded_env"] = True
    frame = _USER["frame"]
    if frame is None:
        return {}
    return dict(zip(frame["date"], frame["is_workday"], strict=True))


@functools.cache
def _holiday_table(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], str]:
    """Holidays on weekdays, worked weekend days and the status of a year's calendar."""
    user = {d: w for d, w in _user_days().items() if d.year == year}
    try:
        import chinese_calendar as cc

        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        holidays_ = {
            d for d in cc.get_holidays(start, end, include_weekends=False) if d.weekday() < 5
        }
        workdays = {d for d in cc.get_workdays(start, end) if d.weekday() >= 5}
        status = "official"
    except (ImportError, RuntimeError):  # chinese_calendar: year not announced yet
        import holidays as hol

        cn = hol.country_holidays("CN", years=year)
        holidays_ = {d for d in cn if d.weekday() < 5}
        workdays = set()
        status = "estimated"
        extra = PROVISIONAL_CN.get(year)
        if extra:
            holidays_ |= {dt.date.fromisoformat(d) for d in extra["off"]}
            workdays |= {dt.date.fromisoformat(d) for d in extra["worked"]}
            holidays_ -= workdays
            status = "provisional"
    if user:
        status = "user"
        for d, work in user.items():
            if work:
                holidays_.discard(d)
                if d.weekday() >= 5:
                    workdays.add(d)
            else:
                workdays.discard(d)
                if d.weekday() < 5:
                    holidays_.add(d)
    return frozenset(holidays_), frozenset(workdays), status


def calendar_status(year: int) -> str:
    """Where a year's working-day calendar comes from.

    Returns
    -------
    str
        ``"official"`` (the State Council's announcement, via ``chinesecalendar``),
        ``"user"`` (your holiday file has rows for the year), ``"provisional"``
        (repkit's estimate in :data:`PROVISIONAL_CN`) or ``"estimated"`` (computed
        holidays only, no adjusted weekends).

    Examples
    --------
    >>> calendar_status(2026), calendar_status(2027), calendar_status(2031)
    ('official', 'provisional', 'estimated')
    """
    return _holiday_table(int(year))[2]


def is_provisional(year: int) -> bool:
    """Whether a year's calendar is not the official (or your own) one.

    Examples
    --------
    >>> is_provisional(2026), is_provisional(2027)
    (False, True)
    """
    return calendar_status(year) in ("provisional", "estimated")


def calendar_warnings(years: object) -> pd.DataFrame:
    """One warning per provisional year, for a plan's warnings list.

    Parameters
    ----------
    years
        Years, months (``Period``) or a :class:`Half` / half-year text.

    Returns
    -------
    DataFrame
        year, status, message (for the plan's reader, in the user's language); no rows when every
        year's calendar is official or the user's own.

    Examples
    --------
    >>> calendar_warnings("2027H1")[["year", "status"]].values.tolist()
    [[2027, 'provisional']]
    >>> calendar_warnings("2026H2").empty
    True
    """
    if isinstance(years, str | Half):
        wanted = {Half.parse(years).year}
    else:
        wanted = {int(getattr(y, "year", y)) for y in years}  # type: ignore[attr-defined]
    rows = []
    for year in sorted(wanted):
        status = calendar_status(year)
        if status not in ("provisional", "estimated"):
            continue
        what = say(f"calendar.{status}")
        message = say("calendar.unofficial", year=year, what=what, env=HOLIDAYS_ENV)
        rows.append({"year": year, "status": status, "message": message})
    return pd.DataFrame(rows, columns=["year", "status", "message"])


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
    if not len(days):  # end before start; indexed by [] as ever, so no freq either
        return days[[]]
    return days[_working_mask(_dates_of(days))]


def _dates_of(days: pd.DatetimeIndex) -> np.ndarray:
    """The calendar dates of timestamps (local wall dates when tz-aware), as datetime64[D]."""
    if days.tz is not None:
        days = days.tz_localize(None)
    return days.to_numpy().astype("datetime64[D]")


@functools.cache
def _busday_calendar(year: int) -> tuple[np.busdaycalendar, np.ndarray]:
    """A year's calendar for ``numpy``'s business-day functions.

    Returns Monday–Friday without the year's holidays, and the weekend days worked (调休)
    as sorted ``datetime64[D]``. numpy only knows days off, so a worked weekend day is
    added to its counts separately. :func:`_holiday_table` keeps its holidays on
    weekdays and its worked days on weekends, so one day is never both and the two add
    up to :func:`is_working_day`.
    """
    holidays_, workdays, _ = _holiday_table(year)
    cal = np.busdaycalendar(weekmask="1111100", holidays=sorted(holidays_))
    worked = np.array(sorted(workdays), dtype="datetime64[D]")
    return cal, worked


def _working_mask(dates: np.ndarray) -> np.ndarray:
    """:func:`is_working_day` of each date (``datetime64[D]``), a year at a time."""
    years = dates.astype("datetime64[Y]").astype("int64") + 1970
    out = np.zeros(len(dates), dtype=bool)
    for year in np.unique(years):
        part = years == year
        cal, worked = _busday_calendar(int(year))
        days = dates[part]
        out[part] = np.is_busday(days, busdaycal=cal)
        if len(worked):
            out[part] |= np.isin(days, worked)
    return out


def is_official(year: int) -> bool:
    """Whether the working-day calendar of a year comes from the official announcement."""
    return calendar_status(year) == "official"


@functools.cache
def spring_festival(year: int) -> dt.date | None:
    """Date of the Spring Festival (Chinese New Year's day) of a Gregorian year.

    ``None`` for years the ``holidays`` package has no lunar dates for (before 1950):
    such years simply have no festival effect.

    Examples
    --------
    >>> spring_festival(2024), spring_festival(2025)
    (datetime.date(2024, 2, 10), datetime.date(2025, 1, 29))
    >>> spring_festival(1949) is None
    True
    """
    import holidays as hol

    cn = hol.country_holidays("CN", years=year, language="en_US")
    days = sorted(d for d, name in cn.items() if name == "Chinese New Year (Spring Festival)")
    return days[0] if days else None


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
    out = [_festival_days(p.year, p.month) for p in idx]
    index = months.index if isinstance(months, pd.Series) else idx
    return pd.Series(out, index=index, dtype="int64", name="festival_days")


def _festival_days(year: int, month: int) -> int:
    """Days of the Spring Festival window in one month (see :func:`festival_days`)."""
    if month > 3:
        return 0
    sf = spring_festival(year)
    if sf is None:  # no lunar dates known for the year: no festival effect
        return 0
    lo = sf - dt.timedelta(days=FESTIVAL_BEFORE)
    hi = sf + dt.timedelta(days=FESTIVAL_AFTER)
    first = dt.date(year, month, 1)
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return max((min(hi, last) - max(lo, first)).days + 1, 0)


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
    dates = _dates_of(days)
    # days in order, so a week is a run: it starts on the 1st and on each Monday (the
    # business days of a Monday-only week)
    monday = np.is_busday(dates, weekmask="Mon")
    first = np.flatnonzero((np.arange(len(dates)) == 0) | monday)
    last = np.append(first[1:] - 1, len(dates) - 1)
    working = np.add.reduceat(_working_mask(dates).astype("int64"), first)
    return pd.DataFrame(
        {
            "week": days[first].to_period("W-SUN"),
            "start": days[first],
            "end": days[last],
            "working_days": working,
        }
    )


@functools.cache
def _month_working_days(month: pd.Period) -> int:
    """Working days of one month: :func:`is_working_day` summed, by ``numpy.busday_count``.

    Faster than day by day; the forecasts' calendar regressors need every month of every
    history (issue 20). Computed on dates, not timestamps, so any year works.
    """
    cal, worked = _busday_calendar(month.year)
    start = np.datetime64(dt.date(month.year, month.month, 1), "D")
    end = start + month.days_in_month  # the day after the month
    in_month = np.searchsorted(worked, end) - np.searchsorted(worked, start)
    return int(np.busday_count(start, end, busdaycal=cal)) + int(in_month)


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


def week_label(week: pd.Period, *, within: str | Half | pd.Period | None = None) -> str:
    """ISO week label with its Monday–Sunday dates, e.g. ``2026-W27 (06-29~07-05)``.

    Parameters
    ----------
    week
        The ``Period[W-SUN]``.
    within
        A half-year (or a month, ``Period[M]``): a week straddling its first or last
        day shows only the dates inside it and is marked ``部分周`` (part week), so a
        two-day target is not read as a week's.

    Examples
    --------
    >>> week_label(pd.Period("2026-07-01", "W-SUN"))
    '2026-W27 (06-29~07-05)'
    >>> week_label(pd.Period("2026-07-01", "W-SUN"), within="2026H1")
    '2026-W27 (06-29~06-30 部分周)'
    >>> week_label(pd.Period("2026-07-01", "W-SUN"), within=pd.Period("2026-07", "M"))
    '2026-W27 (07-01~07-05 部分周)'
    """
    start = week.start_time.normalize()
    end = week.end_time.normalize()
    iso = start.isocalendar()
    mark = ""
    if within is not None:
        if isinstance(within, pd.Period):
            first, last = within.start_time.normalize(), within.end_time.normalize()
        else:
            h = Half.parse(within)
            first, last = h.start.start_time.normalize(), h.end.end_time.normalize()
        if start < first or end > last:
            start, end, mark = max(start, first), min(end, last), " 部分周"
    return f"{iso.year}-W{iso.week:02d} ({start:%m-%d}~{end:%m-%d}{mark})"
