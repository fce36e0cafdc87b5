"""One look for every output: completion colours and number formats (HTML, Excel, charts).

Change the colour rule of completion here and it changes in plan.html, plan.xlsx and the
charts alike.

Examples
--------
>>> completion_band(0.79), completion_band(0.8), completion_band(1.0)
('bad', 'mid', 'good')
>>> wan(123456.0), units(1234.6), percent(0.1234)
('12.3', '1,235', '12.3%')
"""

from __future__ import annotations

import math

__all__ = [
    "COMPLETION_COLORS",
    "COMPLETION_FILLS",
    "COMPLETION_GOOD_FROM",
    "COMPLETION_MID_FROM",
    "EXCEL_MONEY",
    "EXCEL_PERCENT",
    "EXCEL_PRICE",
    "EXCEL_UNITS",
    "EXCEL_WAN",
    "EXCEL_WAN_AXIS",
    "completion_band",
    "completion_css",
    "is_money_label",
    "percent",
    "units",
    "wan",
    "wan_axis",
]

COMPLETION_MID_FROM = 0.8
"""Completion below this is red (behind plan)."""
COMPLETION_GOOD_FROM = 1.0
"""Completion at or above this is green (target met); in between amber."""
COMPLETION_COLORS: dict[str, str] = {"bad": "#9c0006", "mid": "#9c5700", "good": "#006100"}
"""Text colour per band (HTML and Excel)."""
COMPLETION_FILLS: dict[str, str] = {"bad": "#ffc7ce", "mid": "#ffeb9c", "good": "#c6efce"}
"""Fill colour per band (Excel cells, chart bars)."""

EXCEL_UNITS = "#,##0"
"""Whole units (boxes) and money in yuan, with thousands separators."""
EXCEL_MONEY = "#,##0"
"""Money in yuan without cents (summaries in HTML show 万元 with one decimal)."""
EXCEL_PRICE = "#,##0.00"
"""Unit prices and other small money amounts."""
EXCEL_PERCENT = "0.0%"
"""Rates and shares (stored as fractions)."""
EXCEL_WAN_AXIS = '0\\.0,"万"'
EXCEL_WAN = EXCEL_WAN_AXIS
"""Money in summary cells shown in 万 with one decimal; the cell keeps the yuan value."""
"""Money axis of an Excel chart in 万 (3500000 shows 350.0万; Excel and LibreOffice)."""


def completion_band(rate: float) -> str | None:
    """``"bad"``, ``"mid"`` or ``"good"`` for a completion rate; None when missing."""
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return None
    if rate < COMPLETION_MID_FROM:
        return "bad"
    return "mid" if rate < COMPLETION_GOOD_FROM else "good"


def completion_css(rate: float) -> str:
    """CSS of a completion-rate cell (empty for missing values)."""
    band = completion_band(rate)
    if band is None:
        return ""
    return f"color:{COMPLETION_COLORS[band]};background-color:{COMPLETION_FILLS[band]}"


def wan(value: float) -> str:
    """Money in 万元 with one decimal (the number only; the heading says 万元)."""
    text = f"{value / 1e4:,.1f}"
    return "0.0" if text == "-0.0" else text


def units(value: float) -> str:
    """Whole units with thousands separators, never ``-0``."""
    text = f"{value:,.0f}"
    return "0" if text == "-0" else text


def percent(value: float) -> str:
    """A fraction as a percentage with one decimal."""
    return f"{value:.1%}"


def is_money_label(label: str) -> bool:
    """Whether an axis label names money (元, 金额, 销售额): such axes show 万.

    >>> is_money_label("金额(元)"), is_money_label("盒/支")
    (True, False)
    """
    return "元" in label or "金额" in label or "销售额" in label


def wan_axis(value: float, _pos: int | None = None) -> str:
    """Money axis tick in 万 (``12万``, ``2.5万``; small values as plain numbers)."""
    if abs(value) < 1e4:
        return f"{value:,.0f}"
    text = f"{value / 1e4:,.1f}".removesuffix(".0")
    return f"{text}万"
