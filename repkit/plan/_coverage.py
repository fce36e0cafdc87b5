"""How much of the reviewed half the data cover, and the run rate used when it is partial.

A plan made before the reviewed half has ended (sales only to April for a 2026H2 plan),
or from data that stop before it (a 2027H1 plan from data to June 2026), must not
compare a part of a half with a whole half's targets. Here the reviewed half's actual
becomes its run rate (months with data × 6 / number of those months) for the growth
scenario, completion and year-on-year growth compare the months with data only, and
the plan carries a warning saying so.

Private; the public names live in :mod:`repkit.plan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from repkit.calendar import Half
from repkit.messages import language, say


@dataclass
class Coverage:
    """The reviewed half's months with data and what the plan uses as its actual."""

    half: Half
    months: list[pd.Period]
    last: pd.Series
    last_cells: pd.Series
    warnings: list[dict[str, str]] = field(default_factory=list)

    @property
    def state(self) -> str:
        """``"full"``, ``"partial"`` or ``"absent"``."""
        n = len(self.months)
        return "full" if n == len(self.half.months) else ("absent" if n == 0 else "partial")


def _half_name(half: Half) -> str:
    """The half as a manager reads it: 2026年上半年 (English: 2026H1)."""
    return str(half) if language() == "en" else half.label


def review_coverage(sales: pd.DataFrame, half: Half) -> Coverage:
    """The reviewed half's actual units per product and per product × hospital.

    Full half: the actual. Partial: the run rate (actual × 6 / months with data).
    Absent: nothing (the growth scenario then takes the forecast).
    """
    last_month = sales["month"].max()
    months = [m for m in half.months if m <= last_month]
    part = sales[sales["month"].isin(months)]
    scale = len(half.months) / len(months) if months else 0.0
    last = part.groupby("product")["units"].sum() * scale
    cells = part.groupby(["product", "hospital_id"])["units"].sum() * scale
    cover = Coverage(half, months, last, cells)
    if cover.state == "partial":
        cover.warnings.append(
            {
                "code": "review_half_partial",
                "message": say(
                    "plan.review_half_partial",
                    half=_half_name(half),
                    n=len(months),
                    last=last_month,
                ),
            }
        )
    elif cover.state == "absent":
        cover.warnings.append(
            {
                "code": "review_half_absent",
                "message": say("plan.review_half_absent", half=_half_name(half), last=last_month),
            }
        )
    return cover


def review_to_date(cover: Coverage, sales: pd.DataFrame, targets: pd.DataFrame) -> dict[str, Any]:
    """Summary figures of a partly covered or absent review half (empty when full).

    Completion compares the months with data with those months' targets; year-on-year
    growth compares them with the same months a year earlier (amounts, ¥).
    """
    if cover.state == "full":
        return {"review_months": len(cover.months)}
    if cover.state == "absent":
        return {
            "review_months": 0,
            "completion_rate": None,
            "review_growth_rate": None,
            "review_target_amount": None,
            "target_growth_rate": None,
        }
    actual = float(sales.loc[sales["month"].isin(cover.months), "amount"].sum())
    before = [m - 12 for m in cover.months]
    last_year = float(sales.loc[sales["month"].isin(before), "amount"].sum())
    target = 0.0
    if len(targets) and "month" in targets:
        target = float(targets.loc[targets["month"].isin(cover.months), "amount"].sum())
    return {
        "review_months": len(cover.months),
        "review_actual_amount": round(actual, 2),
        "review_target_amount": round(target, 2) if target > 0 else None,
        "completion_rate": actual / target if target > 0 else None,
        "review_growth_rate": actual / last_year - 1 if last_year > 0 else None,
        "review_run_rate_amount": round(actual * len(cover.half.months) / len(cover.months), 2),
    }
