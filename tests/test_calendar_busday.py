"""The vectorised working-day functions against the day-by-day definition (is_working_day).

``working_days``, ``weeks_of`` and ``month_working_days`` count on ``numpy`` business-day
calendars; ``is_working_day`` still looks at one day at a time and is the reference they
must match, for the official, provisional and estimated years and with a user's own
holiday file (weekdays off, weekends worked, official make-up days undone).
"""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from repkit import calendar
from repkit.calendar import (
    is_working_day,
    month_working_days,
    weeks_of,
    weeks_of_half,
    working_days,
)

MONTHS = pd.period_range("1950-01", "2030-12", freq="M")


def day_by_day(start, end) -> pd.DatetimeIndex:
    """``working_days`` as it was: every day of the range through is_working_day."""
    days = pd.date_range(start, end, freq="D")
    return days[[is_working_day(d) for d in days]]


def weeks_day_by_day(month: pd.Period) -> pd.DataFrame:
    """``weeks_of`` as it was: the working flag of each day through is_working_day."""
    days = pd.date_range(month.start_time, month.end_time.normalize(), freq="D")
    frame = pd.DataFrame({"day": days, "week": days.to_period("W-SUN")})
    frame["working"] = [is_working_day(d) for d in days]
    out = frame.groupby("week", sort=True).agg(
        start=("day", "min"), end=("day", "max"), working_days=("working", "sum")
    )
    out = out.reset_index()
    out["working_days"] = out["working_days"].astype("int64")
    return out


def assert_same_days(got: pd.DatetimeIndex, want: pd.DatetimeIndex) -> None:
    pd.testing.assert_index_equal(got, want, exact=True)
    assert got.freq == want.freq
    assert got.dtype == want.dtype


# Rows of a user's own calendar: weekdays off and weekend days worked in official years,
# an official make-up Sunday (2024-02-04) and an official holiday (2024-10-07) undone,
# the provisional 2027 arrangement changed, estimated and pre-1950 years, and a date
# given twice (the last row wins).
OWN_ROWS = [
    ("2024-03-04", "公司年会", "否"),
    ("2024-03-09", "盘点", "是"),
    ("2024-02-04", "不调休", "否"),
    ("2024-10-07", "值班", "是"),
    ("2027-01-31", "不调休", "否"),
    ("2027-02-12", "提前上班", "是"),
    ("2027-02-15", "春节延长", "否"),
    ("1960-06-01", "厂休", "否"),
    ("1960-06-05", "义务劳动", "是"),
    ("1949-10-03", "庆祝", "否"),
    ("2030-12-28", "年终盘点", "是"),
    ("2030-12-31", "年终", "否"),
    ("2030-12-31", "年终", "是"),
]


@pytest.fixture(params=["default", "own_file"])
def holiday_calendar(request, tmp_path):
    """The default calendar, then a user's holiday file; forgotten afterwards."""
    if request.param == "own_file":
        path = tmp_path / "节假日.csv"
        lines = ["日期,名称,是否上班", *(",".join(r) for r in OWN_ROWS)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        calendar.use_holidays(path)
    yield request.param
    calendar.use_holidays(None)


def test_own_file_rows_change_the_days_they_name(holiday_calendar):
    # guards the fixture: the rows above must really differ from the default calendar
    own = holiday_calendar == "own_file"
    assert is_working_day(dt.date(2024, 3, 4)) is not own
    assert is_working_day(dt.date(2024, 2, 4)) is not own
    assert is_working_day(dt.date(2024, 10, 7)) is own
    assert is_working_day(dt.date(1960, 6, 5)) is own
    assert is_working_day(dt.date(2030, 12, 31))  # the later of the two rows wins


def test_month_working_days_every_month_1950_2030(holiday_calendar):
    got = month_working_days(MONTHS)
    want = [len(day_by_day(m.start_time, m.end_time.normalize())) for m in MONTHS]
    assert got.tolist() == want
    assert got.index.equals(MONTHS)
    assert got.dtype == "int64"


def test_working_days_every_month_1950_2030(holiday_calendar):
    for m in MONTHS:
        first, last = m.start_time.date(), m.end_time.date()
        assert_same_days(working_days(first, last), day_by_day(first, last))


def test_working_days_over_eighty_years_at_once(holiday_calendar):
    assert_same_days(
        working_days("1949-06-15", "2031-02-03"), day_by_day("1949-06-15", "2031-02-03")
    )


def test_weeks_of_every_month_2020_2031(holiday_calendar):
    for m in pd.period_range("2020-01", "2031-12", freq="M"):
        pd.testing.assert_frame_equal(weeks_of(m), weeks_day_by_day(m))


def test_weeks_of_half_sums_to_the_months(holiday_calendar):
    for half in ("2024H1", "2027H1", "1960H1"):
        w = weeks_of_half(half)
        by_month = w.groupby("month")["working_days"].sum()
        assert by_month.tolist() == month_working_days(by_month.index).tolist()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-10-01", "2024-10-31"),
        (dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
        (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-07-31 23:59:59.999999999")),
        (pd.Period("2026-02", "M").start_time, pd.Period("2026-02", "M").end_time),
        ("2026-12-20", "2027-02-28"),  # official into provisional
        ("2026-02-14", "2026-02-14"),  # one Saturday worked
        ("2026-02-15", "2026-02-15"),  # one plain Sunday
        ("2024-10-31", "2024-10-01"),  # end before start: nothing
        ("2024-10-01 12:30", "2024-10-12 08:00"),  # times are kept, as before
        ("1960-05-01 06:00", "1960-05-10"),  # before 1970 (negative epoch days)
        (
            pd.Timestamp("2024-09-28 23:00", tz="Asia/Shanghai"),
            pd.Timestamp("2024-10-13 01:00", tz="Asia/Shanghai"),
        ),
        (
            pd.Timestamp("2024-09-28 20:00", tz="UTC"),  # 04:00 on the 29th in Beijing
            pd.Timestamp("2024-10-13", tz="UTC"),
        ),
        (np.datetime64("2025-01-20"), np.datetime64("2025-02-10")),
        ("1900-01-01", "1900-03-01"),
        ("2101-01-01", "2101-12-31"),
    ],
)
def test_working_days_takes_what_it_took(start, end):
    assert_same_days(working_days(start, end), day_by_day(start, end))


@given(
    start=st.dates(dt.date(1940, 1, 1), dt.date(2040, 12, 31)),
    span=st.integers(-3, 900),
    hour=st.integers(0, 23),
    kind=st.sampled_from(["date", "str", "timestamp", "shanghai"]),
)
def test_working_days_on_any_range(start, span, hour, kind):
    end = start + dt.timedelta(days=span)
    if kind == "str":
        a, b = start.isoformat(), end.isoformat()
    elif kind == "timestamp":
        a, b = pd.Timestamp(start) + pd.Timedelta(hours=hour), pd.Timestamp(end)
    elif kind == "shanghai":
        a = pd.Timestamp(start, tz="Asia/Shanghai") + pd.Timedelta(hours=hour)
        b = pd.Timestamp(end, tz="Asia/Shanghai")
    else:
        a, b = start, end
    try:
        want = day_by_day(a, b)
    except ValueError as err:  # pandas: a wall time China's 1986-1991 summer time skipped
        with pytest.raises(type(err)):
            working_days(a, b)
        return
    assert_same_days(working_days(a, b), want)


def test_bad_inputs_are_refused_as_before():
    with pytest.raises(ValueError, match="soon"):
        working_days("soon", "2024-01-01")
