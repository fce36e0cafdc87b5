"""The plan's files: one writer for the CLI, ``run_region`` and the half-year template.

Private; the public name lives in :mod:`repkit.plan`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from repkit.messages import say
from repkit.plan._money import money_sheets
from repkit.plan._rolling import rolling_sheets

if TYPE_CHECKING:  # pragma: no cover
    from repkit.activity._calls import CallPlan
    from repkit.plan._build import Plan


def summary_record(plan: Plan, **extra: Any) -> dict[str, Any]:
    """What ``summary.json`` holds: ``Plan.summary``, ``extra`` and the data's provenance.

    The one place the summary is assembled (``write_files`` and
    ``repkit.report.document.write_summary`` both use it); the batch manifest copies it.
    """
    from repkit.report.provenance import provenance_records

    return {**plan.summary, **extra, "provenance": provenance_records(plan)}


def write_files(
    plan: Plan,
    out: str | Path,
    *,
    calls: CallPlan,
    privacy_mode: str,
    as_of: str | dt.date | pd.Period | None = None,
    max_growth: float | None = None,
    money: Mapping[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Write ``plan.xlsx`` and ``summary.json`` of a plan into ``out``.

    The same workbook whoever calls it: sheet B holds ``calls.doctor_cards()`` (doctors
    as the call plan's privacy made them), sheet C the nurses' names only when
    ``privacy_mode`` is ``"names"``, and sheet H the call schedule.

    Parameters
    ----------
    plan
        The region's plan.
    out
        Output folder; created if missing.
    calls
        The region's call plan (``rk.activity.call_plan(ds, plan.half.start,
        privacy=…)``).
    privacy_mode
        The privacy mode the doctors were written with (``"tokens"`` or ``"names"``),
        recorded in the summary.
    as_of
        Last month with actuals for a rolling re-plan inside the half (e.g.
        ``"2026-09"``): sheets D and G then hold the re-planned targets beside the
        old ones, ``D 原计划`` keeps the old D sheet and ``滚动调整`` shows the cap on
        growth and what lies beyond it (see :func:`repkit.plan.rolling`). None (default):
        the plan as built.
    max_growth
        Cap of the re-plan (see :func:`repkit.plan.replan`); only with ``as_of``.
    money
        Options of the money sheets 回款与铺底, 扣率与价格, 渠道库存:
        ``placement_share`` or ``placement_units`` (see :func:`repkit.plan.task_split`),
        ``stock_low``, ``stock_high`` (months of stock, see
        :func:`repkit.plan.stock_warnings`).
    extra
        More JSON-ready figures for the summary.

    Returns
    -------
    dict
        The summary written (``Plan.summary``, ``privacy`` and ``files``).

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H2", forecast="simple")
    >>> calls = rk.activity.call_plan(ds, plan.half.start)
    >>> s = rk.plan.write_files(plan, "out", calls=calls, privacy_mode="names")
    >>> s["files"]
    ['plan.xlsx', 'summary.json']
    """
    from repkit.report.excel import write_excel

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if max_growth is not None and as_of is None:
        raise ValueError(say("plan.max_growth_needs_as_of"))
    workbook: dict[str, Any] = plan.workbook(
        doctors=calls.doctor_cards(),
        schedule=calls.schedule,
        nurse_names=privacy_mode == "names",
    )
    if as_of is not None:
        workbook, rolled = rolling_sheets(plan, workbook, as_of=as_of, max_growth=max_growth)
        extra = {**extra, **_rolling_summary(rolled)}
    workbook.update(money_sheets(plan, **dict(money or {})))
    write_excel(workbook, folder / "plan.xlsx")
    summary = summary_record(plan, privacy=privacy_mode, **extra)
    summary["files"] = ["plan.xlsx", "summary.json"]
    tmp = folder / ".summary.json.tmp"
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(folder / "summary.json")
    return summary


def _rolling_summary(rolled: pd.DataFrame) -> dict[str, Any]:
    """Key figures of a rolling re-plan for ``summary.json``."""
    a = rolled.attrs
    return {
        "replan_as_of": a["as_of"],
        "replan_max_growth": a["max_growth"],
        "replan_max_growth_source": a["max_growth_source"],
        "replan_pace": a["pace"],
        "replan_shortfall_units": int(a["shortfall_units"]),
        "replan_units": int(rolled["new_units"].sum()),
        "replan_warnings": list(a.get("warnings", [])),
    }
