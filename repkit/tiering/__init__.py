"""Customer tiers: Pareto ABC, doctor and hospital tiers, department status, adoption ladder.

The seeds plan sales through people. Doctors are tiered A (KOL / top), B (core) and C
(general) — the pyramid 塔尖 / 塔腰 / 塔基 of seed 002 — from their *influence and
potential*: public workload (``potential``, e.g. outpatient volume × indication share),
title, expert status, their department's share of the company's sales and their
current adoption rating. Never from sales per doctor: compiling doctors' individual
prescription figures (统方) is forbidden in China, and repkit's sales table has no
doctor column by design. Hospitals are tiered by level and sales; departments are
star / potential / dormant (seed 003). The adoption ladder (1 opposes … 7 uses fully)
is read from the call log: the latest rating per doctor, and who moved up or slid back
between two periods.

Examples
--------
>>> rk.tiering.abc([50, 30, 15, 5, 0]).tolist()
['A', 'A', 'B', 'C', 'C']
"""

from __future__ import annotations

from repkit.tiering._ladder import (
    current_rating,
    key_doctor_share,
    period_bounds,
    rating_moves,
    transition_matrix,
)
from repkit.tiering._tiers import (
    PYRAMID_LABELS,
    STATUS_LABELS,
    TIER_LABELS,
    TIERS,
    TITLE_WEIGHTS,
    abc,
    department_status,
    doctor_tiers,
    hospital_tiers,
    pyramid,
)

__all__ = [
    "PYRAMID_LABELS",
    "STATUS_LABELS",
    "TIERS",
    "TIER_LABELS",
    "TITLE_WEIGHTS",
    "abc",
    "current_rating",
    "department_status",
    "doctor_tiers",
    "hospital_tiers",
    "key_doctor_share",
    "period_bounds",
    "pyramid",
    "rating_moves",
    "transition_matrix",
]
