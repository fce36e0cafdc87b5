"""The plan's files: one writer for the CLI, ``run_region`` and the half-year template.

Private; the public name lives in :mod:`repkit.plan`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    plan: Plan, out: str | Path, *, calls: CallPlan, privacy_mode: str, **extra: Any
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
    workbook = plan.workbook(
        doctors=calls.doctor_cards(),
        schedule=calls.schedule,
        nurse_names=privacy_mode == "names",
    )
    write_excel(workbook, folder / "plan.xlsx")
    summary = summary_record(plan, privacy=privacy_mode, **extra)
    summary["files"] = ["plan.xlsx", "summary.json"]
    tmp = folder / ".summary.json.tmp"
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(folder / "summary.json")
    return summary
