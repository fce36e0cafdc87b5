import pandas as pd

from repkit.calendar import Half, month_working_days, week_label, weeks_of, weeks_of_half


def test_month_working_days_match_weeks():
    months = Half.parse("2026H2").months
    wd = month_working_days(months)
    assert wd.index.equals(months)
    parts = weeks_of_half("2026H2")
    assert parts.groupby("month")["working_days"].sum().tolist() == wd.tolist()
    assert wd[pd.Period("2026-10", "M")] == 18  # National Day week


def test_weeks_of_half_splits_straddling_weeks():
    parts = weeks_of_half("2026H2")
    w = pd.Period("2026-09-30", "W-SUN")  # Mon 09-28 … Sun 10-04
    rows = parts[parts["week"] == w]
    assert rows["month"].astype(str).tolist() == ["2026-09", "2026-10"]
    assert rows["working_days"].tolist() == [3, 0]
    assert weeks_of(pd.Period("2026-10", "M"))["working_days"].tolist() == [0, 3, 5, 5, 5]


def test_weeks_of_half_returns_a_copy():
    a = weeks_of_half("2026H1")
    a["working_days"] = 0
    assert weeks_of_half("2026H1")["working_days"].sum() > 0


def test_week_label_is_iso():
    assert week_label(pd.Period("2026-12-31", "W-SUN")) == "2026-W53 (12-28~01-03)"
    assert week_label(pd.Period("2026-01-01", "W-SUN")) == "2026-W01 (12-29~01-04)"
