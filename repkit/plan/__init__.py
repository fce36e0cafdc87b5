"""Half-year plans: review, scenarios, target decomposition, explanation, workbook.

The method of seed 000 from data: review the half that ended (completion, gaps), set
the next half's targets (forecast, growth over last half, stretch, company targets,
带量采购), decompose them into integers that add up exactly — half → quarter → month →
ISO week and region → hospital → department → sales owner — explain every number,
check the visits it needs, and write the management workbook (sheets 概览, A–H).

Sales targets stop at department and sales staff (reps with role ``sales_staff``):
Chinese rules forbid sales quotas for registered medical representatives and
compiling doctors' prescription figures, so doctors never receive units.

Examples
--------
>>> ds = rk.sample.generate(seed=0, regions=1)
>>> plan = rk.plan.build(ds, "2026H2", growth=0.5, forecast="simple")
>>> plan
Plan(兰州 2026H2, scenario=target, 96,884 units, ¥5,505,034.50)
>>> int(plan.targets["units"].sum()) == plan.summary["target_units"]
True
"""

from __future__ import annotations

from repkit.plan._build import (
    Plan,
    build,
    run_region,
)
from repkit.plan._daily import (
    day_weights,
    estimate_day_factors,
    week_weights,
)
from repkit.plan._days import daily_targets, split_days
from repkit.plan._decompose import (
    allocate,
    split_weeks,
)
from repkit.plan._explain import (
    diff,
    feasibility,
    replan,
    waterfall,
)
from repkit.plan._files import write_files
from repkit.plan._forecast import forecast_months, forecast_table
from repkit.plan._money import (
    discounts,
    estimate_placement_share,
    split_task,
    stock_warnings,
    task_split,
)
from repkit.plan._review import (
    money,
    prices,
    review,
)
from repkit.plan._rolling import rolling
from repkit.plan._scenario import SCENARIOS
from repkit.plan._swot import SWOT_COLUMNS, swot
from repkit.plan._trace import Trace, trace
from repkit.plan._tracking import track

__all__ = [
    "Plan",
    "SCENARIOS",
    "SWOT_COLUMNS",
    "Trace",
    "allocate",
    "build",
    "daily_targets",
    "day_weights",
    "diff",
    "discounts",
    "estimate_day_factors",
    "estimate_placement_share",
    "feasibility",
    "forecast_months",
    "forecast_table",
    "money",
    "prices",
    "replan",
    "review",
    "rolling",
    "run_region",
    "split_days",
    "split_task",
    "split_weeks",
    "stock_warnings",
    "swot",
    "task_split",
    "trace",
    "track",
    "waterfall",
    "week_weights",
    "write_files",
]
