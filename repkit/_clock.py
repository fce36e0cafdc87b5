"""Wall-clock times as people read them: China time unless ``REPKIT_TZ`` says otherwise.

Manifests, the batch index and the CLI show when things happened. Servers often run on
UTC; the people reading those times are in China, so times are written in Asia/Shanghai
(ISO 8601 with the ``+08:00`` offset). ``REPKIT_TZ`` (or ``repkit batch --tz``) names
another IANA zone (``Europe/Berlin``, ``UTC``), or ``local`` for the machine's own zone.

Examples
--------
>>> zone("UTC").key, zone("Asia/Shanghai").key
('UTC', 'Asia/Shanghai')
>>> now("Asia/Shanghai")[-6:]
'+08:00'
"""

from __future__ import annotations

import datetime as dt
import os

TZ_ENV = "REPKIT_TZ"
"""Environment variable naming the time zone of the times repkit writes."""
DEFAULT_TZ = "Asia/Shanghai"
"""The zone used when neither an argument nor ``REPKIT_TZ`` names one."""


def zone(name: str | None = None) -> dt.tzinfo:
    """The time zone ``name``, else ``REPKIT_TZ``, else Asia/Shanghai.

    ``local`` is the machine's own zone.

    Raises
    ------
    ValueError
        An unknown zone name.
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    key = (name or os.environ.get(TZ_ENV) or DEFAULT_TZ).strip()
    if key.lower() == "local":
        local = dt.datetime.now().astimezone().tzinfo
        assert local is not None  # astimezone() always gives an aware datetime
        return local
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as err:
        if key == DEFAULT_TZ:  # no tz database (no tzdata): China has had no DST since 1991
            return dt.timezone(dt.timedelta(hours=8), "CST")
        from repkit.messages import say

        raise ValueError(say("arg.timezone", value=key, env=TZ_ENV)) from err


def now(name: str | None = None) -> str:
    """The current time in :func:`zone` as ISO 8601 with its offset, to the second.

    Examples
    --------
    >>> len(now("UTC")), now("UTC")[-6:]
    (25, '+00:00')
    """
    return dt.datetime.now(zone(name)).isoformat(timespec="seconds")
