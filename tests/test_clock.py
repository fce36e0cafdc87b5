"""Times people read: China time by default, REPKIT_TZ or an argument otherwise."""

from __future__ import annotations

import datetime as dt

import pytest

from repkit import _clock


def test_default_is_china_time(monkeypatch):
    monkeypatch.delenv("REPKIT_TZ", raising=False)
    stamp = _clock.now()
    assert stamp.endswith("+08:00")
    parsed = dt.datetime.fromisoformat(stamp)
    assert abs(parsed - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_repkit_tz_and_the_argument_choose_the_zone(monkeypatch):
    monkeypatch.setenv("REPKIT_TZ", "UTC")
    assert _clock.now().endswith("+00:00")
    assert _clock.now("Asia/Kolkata").endswith("+05:30")
    monkeypatch.setenv("REPKIT_TZ", "local")
    local = dt.datetime.now().astimezone().utcoffset()
    assert dt.datetime.fromisoformat(_clock.now()).utcoffset() == local


def test_unknown_zone_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("REPKIT_TZ", "Shanghai")
    with pytest.raises(ValueError, match=r"无法识别时区 'Shanghai'.*REPKIT_TZ"):
        _clock.now()


def test_china_time_without_a_tz_database(monkeypatch):
    import zoneinfo

    def missing(key):
        raise zoneinfo.ZoneInfoNotFoundError(key)

    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    monkeypatch.delenv("REPKIT_TZ", raising=False)
    assert _clock.now().endswith("+08:00")
