"""Call and visit activity: KPIs against the seeds' norms, activity vs outcome, call plans.

Seeds 000, 002 and 003 run sales through visits: at least 8 effective visits a rep a
working day, A doctors (KOL) at least monthly, B (core) weekly, C monthly, every target
department developed, 60–80 % of key doctors using the products regularly, meetings
with ≥ 90 % attendance. This module measures those KPIs on the call log, compares
activity with sales **at department and hospital level only** (never per doctor:
compiling doctors' prescription figures, 统方, is forbidden in China) and turns the
tier norms into a month's visit goals and a daily schedule per rep (seed 000 table H).

:func:`call_plan` does everything for one region in one call; the half-year template
uses it. Nothing here computes payments to anyone.

Examples
--------
>>> ds = rk.sample.generate(seed=0, regions=1)
>>> cp = rk.activity.call_plan(ds, "2026-07")
>>> cp.feasible, sorted(cp.schedule["rep_id"].unique())
(True, ['R0001', 'R0002', 'R0003', 'R0004'])
"""

from __future__ import annotations

from repkit.activity._calls import (
    CallPlan,
    Outcome,
    activity_outcome,
    call_plan,
    export_schedule,
    kpi_table,
    schedule_sheet,
)
from repkit.activity._completeness import COMPLETENESS_TARGETS, completeness
from repkit.activity._covisits import CO_VISIT_DAYS, co_visits, night_visits
from repkit.activity._fieldwork import (
    ATTENDANCE_TARGET,
    competitor_report,
    listing_status,
    meeting_coverage,
    meetings_per_hospital,
)
from repkit.activity._kpi import (
    KPI_DISPLAY_COLUMNS,
    KPI_LABELS,
    KPI_NORMS,
    NOT_EFFECTIVE_RESULTS,
    coverage,
    department_development,
    effective_calls,
    frequency_compliance,
    kpi_display,
    meetings,
    purpose_mix,
    time_to_listing,
    visits_per_day,
)
from repkit.activity._norms import (
    DEFAULT_NORMS,
    MOVABILITY,
    NORM_PRESETS,
    default_norms,
    norm_preset,
    norms_table,
    rep_capacity,
    visit_goals,
)
from repkit.activity._review import (
    REVIEW_LABELS,
    half_of,
    next_period,
    pdca,
    period_review,
    period_targets,
    review_period,
)
from repkit.activity._schedule import FOLLOW_UP, MAX_VISITS, VisitPlan, plan_visits

__all__ = [
    # call plans and schedules
    "CallPlan", "Outcome", "VisitPlan", "activity_outcome", "call_plan", "export_schedule",
    "kpi_table", "plan_visits", "schedule_sheet", "FOLLOW_UP", "MAX_VISITS",
    # KPIs of the call log
    "KPI_DISPLAY_COLUMNS", "KPI_LABELS", "KPI_NORMS", "NOT_EFFECTIVE_RESULTS", "coverage",
    "department_development", "effective_calls", "frequency_compliance", "kpi_display",
    "meetings", "purpose_mix", "time_to_listing", "visits_per_day",
    # visit norms and capacity
    "DEFAULT_NORMS", "MOVABILITY", "NORM_PRESETS", "default_norms", "norm_preset",
    "norms_table", "rep_capacity", "visit_goals",
    # field work: completeness, competitors, meetings, listings
    "ATTENDANCE_TARGET", "COMPLETENESS_TARGETS", "competitor_report", "completeness",
    "listing_status", "meeting_coverage", "meetings_per_hospital",
    # monthly and quarterly reviews
    "REVIEW_LABELS", "half_of", "next_period", "pdca", "period_review", "period_targets",
    "review_period",
    # co-visits and night visits
    "CO_VISIT_DAYS", "co_visits", "night_visits",
]  # fmt: skip
