import datetime as dt

import pandas as pd
import pytest

from repkit.calendar import Half, festival_days, is_working_day, spring_festival, weeks_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026H1", Half(2026, 1)), ("2026-h2", Half(2026, 2)), ("2025年下半年", Half(2025, 2))],
)
def test_half_parse(text, expected):
    assert Half.parse(text) == expected


@pytest.mark.parametrize("text", ["2026H3", "H1", "2026", "2026 Q1"])
def test_half_parse_refuses(text):
    with pytest.raises(ValueError, match="2026H1"):
        Half.parse(text)


def test_half_navigation():
    h = Half.parse("2026H1")
    assert h.previous == Half(2025, 2)
    assert h.next == Half(2026, 2)
    assert h.same_last_year == Half(2025, 1)
    assert list(h.quarters.astype(str)) == ["2026Q1", "2026Q2"]
    assert Half.of(pd.Period("2026-07", "M")) == Half(2026, 2)
    assert h.label == "2026年上半年"


def test_adjusted_working_weekend_and_holidays():
    assert not is_working_day(dt.date(2026, 2, 17))  # Spring Festival
    assert is_working_day(dt.date(2026, 2, 14))  # Saturday made a working day
    assert not is_working_day(dt.date(2026, 2, 15))  # plain Sunday


def test_years_beyond_the_official_table_still_know_the_festival():
    assert not is_working_day(dt.date(2027, 2, 8))
    assert spring_festival(2027) == dt.date(2027, 2, 6)


def test_festival_window_moves_between_january_and_february():
    months = pd.period_range("2025-01", "2026-03", freq="M")
    fd = festival_days(months)
    assert fd[pd.Period("2025-01", "M")] > 0
    assert fd[pd.Period("2026-01", "M")] == 0
    assert fd.sum() == 2 * 22
    assert (fd[fd.index.month > 3] == 0).all()


def test_weeks_of_a_month_cover_its_working_days():
    weeks = weeks_of(pd.Period("2026-02", "M"))
    assert weeks["working_days"].sum() == 16  # 2026: 15–23 Feb off, 14 and 28 Feb worked
    assert weeks["start"].min() == pd.Timestamp("2026-02-01")
