"""The rolling re-plan written into the workbook: sheets D and G re-planned, old plan kept.

Seed 000 D: 个人计划半年的滚动分解 — once months of the half have actuals, what is left
of each owner's target is spread over the months left (:func:`repkit.plan.replan`),
capped at a feasible pace (at most the history's largest month-on-month growth, or a
given rate) with the cut flagged. :func:`rolling` gives that table with names and
money; :func:`rolling_sheets` turns a plan's workbook into the re-planned one: D and G
show the new targets beside the old ones, ``D 原计划`` keeps the old D sheet unchanged
and ``滚动调整`` holds the cap, the flag and the changes per product × hospital × staff.

Private; the public names live in :mod:`repkit.plan`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.labels import COLUMNS
from repkit.messages import say
from repkit.plan._decompose import UNASSIGNED
from repkit.plan._explain import replan
from repkit.plan._tracking import _as_month, _to_weeks, track

if TYPE_CHECKING:  # pragma: no cover
    from repkit.plan._build import Plan

ROLLING_SHEET = "滚动调整"
ORIGINAL_SHEET = "D 原计划"
_D, _G = "D 月度品种任务分解", "G 周上量分析"
_KEYS = ["month", "product", "hospital_id", "department", "rep_id"]


def rolling(
    plan: Plan, *, as_of: str | dt.date | pd.Period, max_growth: float | None = None
) -> pd.DataFrame:
    """Re-plan the rest of a plan's half from its actuals, capped at a feasible growth.

    Parameters
    ----------
    plan
        A :class:`repkit.plan.Plan` whose half is under way.
    as_of
        Last month with actuals (e.g. ``"2026-09"``).
    max_growth
        Most the pace of the months left may exceed the pace to date (0.3 = +30 %).
        None: the largest month-on-month growth in the sales history (see
        :func:`repkit.plan.replan`).

    Returns
    -------
    DataFrame
        month, product, hospital_id, hospital, department, rep_id, rep, price,
        target_units (the plan), actual_units (months to ``as_of``), plan_units
        (re-planned, uncapped), new_units (the feasible re-plan: the new target),
        shortfall_units (plan − new: beyond the feasible growth), beyond_growth
        (flag), change_units (new − target), old_amount, new_amount. ``attrs``:
        as_of, max_growth, max_growth_source, pace, shortfall_units, warnings.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H1", scenario="company", forecast="simple")
    >>> r = rk.plan.rolling(plan, as_of="2026-03", max_growth=0.1)
    >>> bool(r["beyond_growth"].any()), r.attrs["max_growth"]
    (True, 0.1)
    """
    cutoff = _as_month(as_of)
    if cutoff not in set(plan.half.months):
        h = plan.half
        raise ValueError(say("plan.as_of_outside", as_of=cutoff, half=h, start=h.start, end=h.end))
    t = plan.targets
    r = replan(t, plan.data.sales, as_of=cutoff, max_growth=max_growth)
    attrs = dict(r.attrs)
    info = t.set_index(_KEYS)[["hospital", "rep", "price"]]
    r = r.join(info, on=_KEYS)
    r = r.rename(columns={"feasible_units": "new_units"})
    r["shortfall_units"] = (r["plan_units"] - r["new_units"]).astype("int64")
    r["beyond_growth"] = r["shortfall_units"] > 0
    r["change_units"] = (r["new_units"] - r["target_units"]).astype("int64")
    r["old_amount"] = t.set_index(_KEYS)["amount"].reindex(pd.MultiIndex.from_frame(r[_KEYS]))
    r["old_amount"] = r["old_amount"].to_numpy()
    r["new_amount"] = (r["new_units"] * r["price"]).round(2)
    cols = [
        "month",
        "product",
        "hospital_id",
        "hospital",
        "department",
        "rep_id",
        "rep",
        "price",
        "target_units",
        "actual_units",
        "plan_units",
        "new_units",
        "shortfall_units",
        "beyond_growth",
        "change_units",
        "old_amount",
        "new_amount",
    ]
    out = r[cols].reset_index(drop=True)
    out.attrs = {**attrs, "as_of": str(cutoff)}
    return out


def _rolled_plan(plan: Plan, r: pd.DataFrame) -> Plan:
    """The plan with the re-planned targets (D, G renderers then show the new plan)."""
    t = plan.targets.copy()
    new = r.set_index(_KEYS)["new_units"].reindex(pd.MultiIndex.from_frame(t[_KEYS]))
    t["units"] = new.to_numpy().astype("int64")
    t["amount"] = (t["units"] * t["price"]).round(2)
    names = t.drop_duplicates("hospital_id").set_index("hospital_id")["hospital"]
    if names.duplicated().any():  # two hospitals of one name: rows must stay apart
        t["hospital"] = t["hospital"] + "（" + t["hospital_id"] + "）"
    cell = ["product", "hospital_id", "department", "rep_id"]
    weekly = _to_weeks(t[["month", *cell, "units", "amount"]], cell)
    return replace(plan, targets=t, weekly=weekly)


def _sheet_d(new_plan: Plan, r: pd.DataFrame) -> pd.DataFrame:
    from repkit.plan._workbook import _monthly_targets

    d = _monthly_targets(new_plan)
    hosp = new_plan.targets.set_index(_KEYS)["hospital"]
    extra = pd.DataFrame(
        {
            "月份": r["month"].astype(str),
            "代表编码": r["rep_id"].replace(UNASSIGNED, "—"),
            "医院": hosp.reindex(pd.MultiIndex.from_frame(r[_KEYS])).to_numpy(),
            "科室": r["department"],
            "品种": r["product"],
            "原计划数量": r["target_units"],
            "实际数量": r["actual_units"],
            COLUMNS["plan_units"]: r["plan_units"],
            COLUMNS["shortfall_units"]: r["shortfall_units"],
            COLUMNS["beyond_growth"]: np.where(r["beyond_growth"], "是", ""),
            "较原计划变化": r["change_units"],
        }
    )
    keys = ["月份", "代表编码", "医院", "科室", "品种"]
    d = d.merge(extra, on=keys, how="left", validate="one_to_one")
    front = [c for c in d.columns if not c.startswith("第") and c != "周次"]
    weeks = [c for c in d.columns if c not in front]
    d = d[front + weeks].rename(
        columns={"月目标数量": "新月目标数量", "月目标金额": "新月目标金额"}
    )
    d.attrs["excel_formats"] = {c: "#,##0" for c in weeks}
    d.attrs["excel_totals"] = [
        "原计划数量",
        "实际数量",
        "新月目标数量",
        "新月目标金额",
        COLUMNS["shortfall_units"],
        "较原计划变化",
        *[c for c in weeks if c.startswith("第")],
    ]
    return d


def _sheet_g(plan: Plan, new_plan: Plan, as_of: pd.Period) -> pd.DataFrame:
    from repkit.calendar import week_label
    from repkit.plan._workbook import _weekly

    g = _weekly(new_plan)
    attrs = dict(g.attrs)
    old = _weekly(plan)[["周", "品种", "周目标数量"]].rename(columns={"周目标数量": "原周目标数量"})
    g = g.merge(old, on=["周", "品种"], how="left")
    done = track(plan, as_of=as_of, freq="week", by=["product"])
    done = done.assign(周=[week_label(w) for w in done["week"]], 品种=done["product"])
    actual = done.groupby(["周", "品种"])["actual_units"].sum()
    key = pd.MultiIndex.from_frame(g[["周", "品种"]])
    g["本周实际数量"] = actual.reindex(key).to_numpy()  # estimated from monthly sales
    g.insert(g.columns.get_loc("周目标数量"), "原周目标数量", g.pop("原周目标数量"))
    g["较原计划变化"] = g["周目标数量"] - g["原周目标数量"].fillna(0)
    g.attrs = attrs
    g.attrs["excel_formats"] = {**g.attrs.get("excel_formats", {}), "原周目标数量": "#,##0"}
    g.attrs["excel_totals"] = [*g.attrs.get("excel_totals", []), "原周目标数量", "较原计划变化"]
    return g


def _sheet_rolling(r: pd.DataFrame) -> list[pd.DataFrame]:
    a = r.attrs
    source = "指定" if a.get("max_growth_source") == "given" else "历史最大月环比增长"
    notes = [w["message"] for w in a.get("warnings", [])]
    key = pd.DataFrame(
        [
            ("截至月份", a["as_of"], "此前月份按实际锁定"),
            ("至今完成进度", f"{a['pace']:.1%}", "实际 ÷ 原计划（已过月份）"),
            ("可行增长上限", f"+{a['max_growth']:.0%}", f"剩余月份最多按此提速（{source}）"),
            ("超出可行增长数量", f"{a['shortfall_units']:,}", "；".join(notes) or "未超出"),
        ],
        columns=["项目", "数值", "说明"],
    )
    key.attrs["title"] = "滚动调整：封顶与提示"
    keys = ["product", "hospital_id", "hospital", "rep_id", "rep"]
    cols = ["target_units", "actual_units", "new_units", "change_units", "shortfall_units"]
    diff = r.groupby(keys, sort=True)[[*cols, "old_amount", "new_amount"]].sum().reset_index()
    diff["beyond_growth"] = np.where(diff["shortfall_units"] > 0, "是", "")
    diff["rep_id"] = diff["rep_id"].replace(UNASSIGNED, "—")
    diff = diff.sort_values(["shortfall_units", "product"], ascending=[False, True], kind="stable")
    heads = {
        **{k: COLUMNS[k] for k in ("product", "hospital_id", "hospital", "rep_id", "rep")},
        "target_units": "原计划数量",
        "actual_units": "已完成实际数量",
        "new_units": "新计划数量",
        "change_units": COLUMNS["change_units"],
        "shortfall_units": COLUMNS["shortfall_units"],
        "old_amount": COLUMNS["old_amount"],
        "new_amount": COLUMNS["new_amount"],
        "beyond_growth": COLUMNS["beyond_growth"],
    }
    diff = diff.rename(columns=heads).reset_index(drop=True)
    diff.attrs["title"] = "原计划与滚动计划对比（品种 × 医院 × 销售人员）"
    return [key, diff]


def rolling_sheets(
    plan: Plan,
    workbook: dict[str, Any],
    *,
    as_of: str | dt.date | pd.Period,
    max_growth: float | None = None,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """A plan's workbook with D and G re-planned as of a month, the old D kept beside.

    Returns the new workbook (``D 月度品种任务分解`` and ``G 周上量分析`` re-planned,
    ``D 原计划`` = the old D sheet, ``滚动调整`` = the cap, the flag and the changes,
    placed after D) and the :func:`rolling` table.
    """
    r = rolling(plan, as_of=as_of, max_growth=max_growth)
    new_plan = _rolled_plan(plan, r)
    cutoff = pd.Period(r.attrs["as_of"], freq="M")
    out: dict[str, Any] = {}
    for name, sheet in workbook.items():
        if name == _D:
            out[_D] = _sheet_d(new_plan, r)
            out[ORIGINAL_SHEET] = sheet
            out[ROLLING_SHEET] = _sheet_rolling(r)
        elif name == _G:
            out[_G] = _sheet_g(plan, new_plan, cutoff)
        else:
            out[name] = sheet
    return out, r
