"""How was my number built: the input rows and the steps behind a target.

Private; the public name lives in :mod:`repkit.plan`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from repkit.forecast._hierarchy import ALL
from repkit.messages import join, say
from repkit.plan._explain import STEP_LABELS, STEPS

if TYPE_CHECKING:  # pragma: no cover
    from repkit.plan._build import Plan

_KEYS = ("product", "hospital_id", "department", "rep_id", "week")


@dataclass(repr=False)
class Trace:
    """The steps that built a figure and the input rows behind it.

    Attributes
    ----------
    steps
        step (code), label (Chinese), units: from last half's actual through each step
        to the final integer target; the values add up to the final row (the
        reference row 基准预测 aside).
    rows
        The reviewed half's sales rows of the figure's cells, with the file, sheet and
        row they were read from where the Dataset knows them.
    """

    steps: pd.DataFrame
    rows: pd.DataFrame

    def __repr__(self) -> str:
        return f"Trace({len(self.steps)} steps, {len(self.rows)} input rows)"


def trace(plan: Plan, what: Mapping[str, str]) -> Trace:
    """Input rows and steps of one target of the plan.

    Parameters
    ----------
    plan
        A :class:`repkit.plan.Plan`.
    what
        The figure, as key → value among product, hospital_id, department, rep_id and
        week (e.g. ``{"hospital_id": "001002"}`` for a hospital's half-year target,
        ``{"product": "瑞心安片"}``, ``{"week": "2026-07-06/2026-07-12"}``).

    Returns
    -------
    Trace
        ``steps`` (last half's actual, the reference base forecast, each step of
        :func:`repkit.plan.waterfall` — with overrides, one step per override of
        the manager (code ``override_<n>``, label ``经理指定：…``) in place of the
        summed 经理指定 step —, the final target, and for a week its share by
        working days) and ``rows`` (input sales rows).

    Raises
    ------
    ValueError
        An unknown key, or values that match no target.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H2", forecast="simple")
    >>> t = rk.plan.trace(plan, {"product": "瑞心安片"})
    >>> t.steps["label"].tolist()[:3]
    ['上期实际数量', '基准预测（参考）', '医院份额调整']
    >>> final = t.steps.set_index("step").loc["final_units", "units"]
    >>> int(final) == int(plan.targets.query("product == '瑞心安片'")["units"].sum())
    True
    """
    unknown = sorted(set(what) - set(_KEYS))
    if unknown:
        raise ValueError(say("arg.trace_keys", value=join(unknown), valid=join(_KEYS)))
    cells = _select(plan.steps, {k: v for k, v in what.items() if k != "week"})
    if cells.empty:
        raise ValueError(say("arg.no_target", what=dict(what)))
    rows = [("last_units", float(cells["last_units"].sum()))]
    rows.append(("base_forecast", _base(plan, what)))
    moved = _by_override(plan, cells)
    for s in STEPS:
        if s == "override_step" and moved:
            rows += [(code, units) for code, (_, units) in moved.items()]
        else:
            rows.append((s, float(cells[s].sum())))
    rows.append(("final_units", float(cells["final_units"].sum())))
    if "week" in what:
        weekly = _select(plan.weekly.assign(week=plan.weekly["week"].astype(str)), what)
        if weekly.empty:
            raise ValueError(say("arg.no_weekly_target", what=dict(what)))
        rows.append(("week_share", float(weekly["units"].sum())))
    labels = {
        **STEP_LABELS,
        "base_forecast": "基准预测（参考）",
        "week_share": "按工作日分到周",
        **{code: label for code, (label, _) in moved.items()},
    }
    steps = pd.DataFrame(rows, columns=["step", "units"]).round({"units": 2})
    steps.insert(1, "label", steps["step"].map(labels))
    return Trace(steps=steps, rows=_input_rows(plan, what))


def _by_override(plan: Plan, cells: pd.DataFrame) -> dict[str, tuple[str, float]]:
    """Units each override (经理指定) moved in the selected cells: code → (label, units).

    An override's units per product × hospital go to the department × rep cells in
    proportion to their final units, as the waterfall splits every step.
    """
    steps = getattr(plan, "override_steps", None)
    if steps is None or steps.empty:
        return {}
    final = plan.steps.groupby(["product", "hospital_id"])["final_units"].sum()
    mine = cells.groupby(["product", "hospital_id"])["final_units"].sum()
    n_all = plan.steps.groupby(["product", "hospital_id"]).size()
    n_mine = cells.groupby(["product", "hospital_id"]).size()
    share = (mine / final.reindex(mine.index)).where(final.reindex(mine.index) > 0)
    share = share.fillna(n_mine / n_all.reindex(n_mine.index))
    per = steps.groupby(["override", "product", "hospital_id"])["units"].sum().reset_index()
    key = pd.MultiIndex.from_frame(per[["product", "hospital_id"]])
    per["units"] = per["units"] * share.reindex(key).fillna(0.0).to_numpy()
    labels = plan.overrides.set_index("override")["label"]
    out: dict[str, tuple[str, float]] = {}
    for override, units in per.groupby("override", sort=True)["units"].sum().items():
        out[f"override_{override}"] = (str(labels.get(override, "经理指定")), float(units))
    return out


def _select(frame: pd.DataFrame, what: Mapping[str, str]) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    for k, v in what.items():
        mask &= frame[k].astype(str) == str(v)
    return frame[mask]


def _base(plan: Plan, what: Mapping[str, str]) -> float:
    nodes = plan.forecast_nodes
    if nodes.empty or not set(what) <= {"product", "hospital_id"}:
        return float("nan")
    bottom = nodes[(nodes[["product", "level", "hospital_id"]] != ALL).all(axis=1)]
    return float(_select(bottom, what)["mean"].sum())


def _input_rows(plan: Plan, what: Mapping[str, str]) -> pd.DataFrame:
    sales = plan.data.sales
    keys = {k: v for k, v in what.items() if k in sales.columns}
    part = _select(sales[sales["month"].isin(plan.review_half.months)], keys)
    if hasattr(plan.data, "source_rows"):
        source = plan.data.source_rows("sales").reindex(part.index)
        part = part.join(source[["file", "sheet", "row"]])
    return part.reset_index(drop=True)
