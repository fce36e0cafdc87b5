"""SWOT and STP of a plan: what the data show, beside what the manager wrote (seeds 002, 003).

Private; reached through :func:`repkit.plan.swot`. Every data-prompted item carries the
number behind it, its numerator and denominator, the arithmetic in words and the table
it comes from, so it can be checked against the input rows. Everything is counted at
region, hospital, department or product level: no doctor's prescriptions, no spending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.activity._fieldwork import ATTENDANCE_TARGET
from repkit.plan._fieldwork import review_completeness
from repkit.schema import (
    HEADERS_ZH,
    LEVEL_LABELS,
    LISTING_STATUSES,
    SHEET_NAMES,
    SWOT_CATEGORIES,
)
from repkit.tiering._tiers import department_status

if TYPE_CHECKING:  # pragma: no cover
    from repkit.plan._build import Plan

SWOT_COLUMNS: tuple[str, ...] = (
    "category",
    "item",
    "measure",
    "value",
    "numerator",
    "denominator",
    "basis",
    "source",
    "product",
    "action",
    "origin",
)
"""Columns of :func:`swot`."""
ORIGINS = {"data": "数据提示", "manager": "经理填写"}
PRODUCT_MOVE = 0.10
"""A product growing (falling) by this much against last year is a strength (weakness)."""
TOP_HOSPITALS = 3
CONCENTRATION = 0.6
"""Above this share of sales in the top three hospitals the region depends on few hospitals."""
TOP_LEVEL_SHARE = 0.5
"""From this share of sales in 3A hospitals the region holds the top hospitals."""
BASE_LEVEL_SHARE = 0.1
"""Below this share of sales in level-1 and community hospitals the base is thin (seed 002)."""
DEVELOPED_GOOD = 0.9
"""Department development rate counted a strength (seed 000: from 70 % to 100 %)."""
COLLECTION_TARGET = 0.9
MAX_PER_RULE = 3
_ORDER = {c: i for i, c in enumerate(SWOT_CATEGORIES)}
_T = SHEET_NAMES
_BASICS_SOURCE = {
    "hospital_files": _T["hospitals"],
    "doctor_cards": _T["doctors"],
    "ward_nurses": f"{_T['nurses']}、{_T['hospitals']}",
    "weekly_schedules": f"{_T['calls']}、{_T['reps']}",
    "call_records": _T["calls"],
}
"""The input tables of each completeness measure."""


def _money(x: float) -> str:
    return f"¥{x:,.2f}"


def _item(
    category: str,
    measure: str,
    item: str,
    value: float,
    numerator: float,
    denominator: float,
    basis: str,
    source: str,
    product: str | None = None,
) -> dict[str, Any]:
    return {
        "category": category,
        "item": item,
        "measure": measure,
        "value": float(value),
        "numerator": float(numerator),
        "denominator": float(denominator),
        "basis": basis,
        "source": source,
        "product": product,
        "action": None,
        "origin": "data",
    }


def _growth_and_completion(plan: Plan) -> list[dict[str, Any]]:
    """Region sales against last year and against the company target of the reviewed half."""
    rv = plan.reviews["region"]
    if rv.empty:
        return []
    r, p = rv.iloc[0], plan.review_half
    out = []
    actual, last = float(r["actual_amount"]), float(r["last_year_amount"])
    if last > 0:
        g = actual / last - 1
        out.append(
            _item(
                "strength" if g >= 0 else "weakness",
                "growth_rate",
                f"{p.label}销售额同比{g:+.0%}",
                g,
                actual,
                last,
                f"{p.label}实际金额 {_money(actual)} ÷ {p.same_last_year.label}实际金额 "
                f"{_money(last)} − 1",
                _T["sales"],
            )
        )
    target = float(r["target_amount"])
    if target > 0:
        c = actual / target
        out.append(
            _item(
                "strength" if c >= 1 else "weakness",
                "completion_rate",
                f"{p.label}指标完成率 {c:.0%}",
                c,
                actual,
                target,
                f"{p.label}实际金额 {_money(actual)} ÷ 指标金额 {_money(target)}",
                f"{_T['sales']}、{_T['targets']}",
            )
        )
    return out


def _products(plan: Plan) -> list[dict[str, Any]]:
    """Products well up or down on last year; new products selling for the first time."""
    pr = plan.reviews["product"]
    p = plan.review_half
    out = []
    moving = pr[pr["last_year_amount"] > 0].assign(
        g=lambda f: f["actual_amount"] / f["last_year_amount"] - 1
    )
    up = moving[moving["g"] >= PRODUCT_MOVE].sort_values("g", ascending=False, kind="stable")
    down = moving[moving["g"] <= -PRODUCT_MOVE].sort_values("g", kind="stable")
    for rows, category in ((up, "strength"), (down, "weakness")):
        for r in rows.head(MAX_PER_RULE).itertuples(index=False):
            out.append(
                _item(
                    category,
                    "product_growth_rate",
                    f"{r.product} 同比{r.g:+.0%}",
                    r.g,
                    r.actual_amount,
                    r.last_year_amount,
                    f"{r.product} {p.label}实际金额 {_money(r.actual_amount)} ÷ 去年同期 "
                    f"{_money(r.last_year_amount)} − 1",
                    _T["sales"],
                    product=r.product,
                )
            )
    new = pr[(pr["last_year_amount"] <= 0) & (pr["actual_amount"] > 0)]
    for r in new.head(MAX_PER_RULE).itertuples(index=False):
        out.append(
            _item(
                "opportunity",
                "new_product_amount",
                f"新品 {r.product} 上半年开始上量（去年同期无销售）",
                r.actual_amount,
                r.actual_amount,
                1.0,
                f"{r.product} {p.label}实际金额 {_money(r.actual_amount)}，去年同期 ¥0.00",
                _T["sales"],
                product=r.product,
            )
        )
    return out


def _share_item(
    category: str, measure: str, text: str, part: float, whole: float, what: str
) -> dict[str, Any]:
    share = part / whole
    return _item(
        category,
        measure,
        f"{text} {share:.0%}",
        share,
        part,
        whole,
        f"{what}实际金额 {_money(part)} ÷ 区域合计 {_money(whole)}",
        f"{_T['sales']}、{_T['hospitals']}",
    )


def _hospital_mix(plan: Plan) -> list[dict[str, Any]]:
    """Share of the top three hospitals, of 3A hospitals and of the base (level 1, community)."""
    hv = plan.reviews["hospital"]
    whole = float(hv["actual_amount"].sum())
    if whole <= 0:
        return []
    p = plan.review_half.label
    top = hv.sort_values("actual_amount", ascending=False, kind="stable").head(TOP_HOSPITALS)
    part = float(top["actual_amount"].sum())
    names = "、".join(top["hospital"].astype(str))
    out = [
        _share_item(
            "weakness" if part / whole > CONCENTRATION else "strength",
            "top_hospital_share",
            f"前 {len(top)} 家医院（{names}）占{p}销售",
            part,
            whole,
            f"前 {len(top)} 家医院{p}",
        )
    ]
    level = hv["level"].astype(str)
    a3 = float(hv.loc[level == "3A", "actual_amount"].sum())
    if a3 / whole >= TOP_LEVEL_SHARE:
        out.append(
            _share_item("strength", "top_level_share", f"三甲医院占{p}销售", a3, whole, "三甲医院")
        )
    base = float(hv.loc[level.isin(["1", "community"]), "actual_amount"].sum())
    if base / whole < BASE_LEVEL_SHARE:
        text = f"基层（一级、社区）医院只占{p}销售"
        out.append(_share_item("weakness", "base_level_share", text, base, whole, "一级和社区医院"))
    return out


def _departments(plan: Plan) -> list[dict[str, Any]]:
    """Department development (科室开发率, seed 000) and the departments not yet developed."""
    ds = plan.data
    st = department_status(ds.hospitals, ds.sales, ds.doctors, months=plan.review_half.months)
    if st.empty:
        return []
    done, total = int(st["developed"].sum()), len(st)
    rate = done / total
    out = [
        _item(
            "strength" if rate >= DEVELOPED_GOOD else "weakness",
            "department_development_rate",
            f"目标科室开发率 {rate:.0%}（{done}/{total}，目标 100%）",
            rate,
            done,
            total,
            f"{plan.review_half.label}有销售的目标科室 {done} ÷ 目标科室 {total}",
            f"{_T['hospitals']}（科室）、{_T['sales']}",
        )
    ]
    open_ = st[~st["developed"].astype(bool)]
    if len(open_):
        where = "、".join(
            f"{h}{d}" for h, d in zip(open_["hospital"], open_["department"], strict=True)
        )
        shown = "、".join(where.split("、")[:MAX_PER_RULE])
        more = f" 等 {len(open_)} 个" if len(open_) > MAX_PER_RULE else ""
        out.append(
            _item(
                "opportunity",
                "undeveloped_departments",
                f"尚未开发的目标科室：{shown}{more}",
                len(open_),
                len(open_),
                1,
                f"目标科室 {total} − 已开发 {done}",
                f"{_T['hospitals']}（科室）、{_T['sales']}",
            )
        )
    return out


def _listings(plan: Plan) -> list[dict[str, Any]]:
    """Applications in progress and hospitals where a new product is not yet listed."""
    lst = plan.data.listings
    if lst.empty:
        return []
    out = []
    total = len(lst)
    for status, text in (
        (("applied", "committee", "temporary"), "进院申请在途（申请中、药事会待审、临时采购）"),
        (("not_listed",), "新品尚未进院的医院 × 品种"),
    ):
        n = int(lst["status"].isin(status).sum())
        if n:
            out.append(
                _item(
                    "opportunity",
                    "listings_" + status[0],
                    f"{text} {n} 个",
                    n,
                    n,
                    1,
                    f"{_T['listings']}中状态为{'、'.join(LISTING_STATUSES[s] for s in status)}"
                    f"的行 {n} / 共 {total} 行",
                    _T["listings"],
                )
            )
    return out


def _competitors(plan: Plan) -> list[dict[str, Any]]:
    """The competitors' most frequent activities of the reviewed half."""
    p = plan.review_half
    c = plan.data.competitors
    if c.empty:
        return []
    dates = pd.to_datetime(c["date"])
    c = c[(dates >= p.start.start_time) & (dates <= p.end.end_time)]
    if c.empty:
        return []
    g = c.groupby("activity").agg(n=("date", "size"), hospitals=("hospital_id", "nunique"))
    g = g.sort_values(["n", "hospitals"], ascending=False, kind="stable").head(MAX_PER_RULE)
    return [
        _item(
            "threat",
            "competitor_activity",
            f"竞品{activity} {r.n} 次，涉及 {r.hospitals} 家医院",
            r.n,
            r.n,
            1,
            f"{p.label}{_T['competitors']}中活动为“{activity}”的记录 {r.n} / 共 {len(c)} 条",
            _T["competitors"],
        )
        for activity, r in g.iterrows()
    ]


def _outlook(plan: Plan) -> list[dict[str, Any]]:
    """The base forecast against the reviewed half; 60-day collections against 90 %."""
    s = plan.summary
    out = []
    last, base = s.get("review_actual_amount") or 0.0, s.get("scenario_base_amount")
    if base is not None and last > 0:
        g = base / last - 1
        out.append(
            _item(
                "opportunity" if g >= 0 else "threat",
                "base_forecast_rate",
                f"按历史趋势（基准预测），{plan.half.label}销售较上半年{g:+.0%}",
                g,
                base,
                last,
                f"基准预测金额 {_money(base)} ÷ {plan.review_half.label}实际金额 "
                f"{_money(last)} − 1",
                _T["sales"],
            )
        )
    due = float(plan.cash["due"].sum()) if len(plan.cash) else 0.0
    collected = float(plan.cash["collected"].sum()) if due > 0 else 0.0
    if due > 0 and collected / due < COLLECTION_TARGET:
        out.append(
            _item(
                "threat",
                "collection_rate_60d",
                f"60 天回款率 {collected / due:.0%}（目标 ≥ 90%）",
                collected / due,
                collected,
                due,
                f"60 天内回款 {_money(collected)} ÷ 到期金额 {_money(due)}",
                _T["collections"],
            )
        )
    return out


def _fieldwork(plan: Plan) -> list[dict[str, Any]]:
    """Basic work not done by its deadline; meeting attendance against 90 %."""
    p = plan.review_half
    out = []
    c = review_completeness(plan)
    for r in c[c["overdue"]].itertuples(index=False):
        out.append(
            _item(
                "weakness",
                r.measure,
                f"基础工作未按期完成：{r.label} {r.value:.0%}（目标 {r.target:.0%}）",
                r.value,
                r.done,
                r.total,
                f"已完成 {r.done} ÷ 应完成 {r.total}（截止 {r.deadline}）",
                _BASICS_SOURCE.get(r.measure, r.seed),
            )
        )
    m = plan.data.meetings
    dates = pd.to_datetime(m["date"]) if len(m) else pd.Series(dtype="datetime64[ns]")
    m = m[(dates >= p.start.start_time) & (dates <= p.end.end_time)] if len(m) else m
    invited = float(m["invited"].sum()) if len(m) else 0.0
    if invited > 0:
        attended = float(m["attended"].sum())
        rate = attended / invited
        out.append(
            _item(
                "strength" if rate >= ATTENDANCE_TARGET else "weakness",
                "meeting_attendance_rate",
                f"{p.label} {len(m)} 场会议到会率 {rate:.0%}（目标 ≥ 90%）",
                rate,
                attended,
                invited,
                f"到会人数 {attended:,.0f} ÷ 邀请人数 {invited:,.0f}",
                _T["meetings"],
            )
        )
    return out


def _stp(plan: Plan) -> list[dict[str, Any]]:
    """Segments by hospital level (share, growth) and the departments that carry the sales."""
    hv = plan.reviews["hospital"]
    whole = float(hv["actual_amount"].sum())
    if whole <= 0:
        return []
    p = plan.review_half.label
    out = []
    by_level = hv.groupby("level", sort=False)[["actual_amount", "last_year_amount"]].sum()
    order = [lv for lv in LEVEL_LABELS if lv in by_level.index]
    for lv in order:
        amount, last = by_level.loc[lv]
        growth = f"，同比{amount / last - 1:+.0%}" if last > 0 else ""
        label = LEVEL_LABELS[lv]
        out.append(
            _item(
                "segmentation",
                f"level_share_{lv}",
                f"{label}医院：占{p}销售 {amount / whole:.0%}{growth}",
                amount / whole,
                amount,
                whole,
                f"{label}医院{p}实际金额 {_money(amount)} ÷ 区域合计 {_money(whole)}",
                f"{_T['sales']}、{_T['hospitals']}",
            )
        )
    sales = plan.data.sales
    half = sales[sales["month"].isin(plan.review_half.months)]
    if "department" in half and half["amount"].sum() > 0:
        dept = half.groupby("department")["amount"].sum().sort_values(ascending=False)
        total = float(half["amount"].sum())
        for name, amount in dept.head(MAX_PER_RULE).items():
            n = half.loc[half["department"] == name, "hospital_id"].nunique()
            out.append(
                _item(
                    "targeting",
                    "department_share",
                    f"{name}：占{p}销售 {amount / total:.0%}（{n} 家医院）",
                    amount / total,
                    amount,
                    total,
                    f"{name}{p}实际金额 {_money(amount)} ÷ 合计 {_money(total)}",
                    _T["sales"],
                )
            )
    return out


_RULES = (
    _growth_and_completion,
    _products,
    _hospital_mix,
    _departments,
    _fieldwork,
    _listings,
    _competitors,
    _outlook,
    _stp,
)


def _manager(plan: Plan) -> list[dict[str, Any]]:
    """The lines of the region's SWOT entry template, as written."""
    w = plan.data.swot
    if w.empty:
        return []
    w = w[w["region"] == plan.region] if "region" in w else w
    rows = []
    for r in w.itertuples(index=False):
        product = getattr(r, "product", None)
        action = getattr(r, "action", None)
        rows.append(
            {
                "category": r.category,
                "item": str(r.content),
                "measure": None,
                "value": np.nan,
                "numerator": np.nan,
                "denominator": np.nan,
                "basis": None,
                "source": SHEET_NAMES["swot"],
                "product": None if pd.isna(product) else str(product),
                "action": None if pd.isna(action) else str(action),
                "origin": "manager",
            }
        )
    return rows


def swot(plan: Plan) -> pd.DataFrame:
    """SWOT and STP items of a plan: what the data show, then what the manager wrote.

    Data-prompted items (seeds 002, 003: 优势、劣势、机会、威胁 and 市场细分、目标市场):
    growth and completion of the reviewed half; products well up or down on last year
    and new products; the share of the top three hospitals, of 3A hospitals and of the
    base; department development; basic work past its deadline and meeting attendance;
    listings in progress; the competitors' most frequent activities; the base forecast
    and 60-day collections; sales by hospital level and the leading departments. The
    manager's lines come from the ``swot`` table (entry template ``SWOT分析.xlsx``:
    区域, 类别, 品种, 内容, 对策) of the plan's region.

    Parameters
    ----------
    plan
        The region's plan (``plan.data`` is the region's Dataset).

    Returns
    -------
    DataFrame
        category (``SWOT_CATEGORIES`` code), item (a Chinese sentence with its number),
        measure (code of the rule), value (the number: a rate 0–1, a count or an
        amount), numerator and denominator (value = numerator ÷ denominator, minus 1
        for growth rates; counts and amounts have denominator 1), basis (the
        arithmetic in words, with the amounts), source (the input tables), product,
        action (manager's lines), origin (``data`` or ``manager``); in SWOT then STP
        order, data first within a category.

    Notes
    -----
    Thresholds are module constants (:data:`PRODUCT_MOVE`, :data:`CONCENTRATION`,
    :data:`TOP_LEVEL_SHARE`, :data:`BASE_LEVEL_SHARE`, :data:`DEVELOPED_GOOD`).
    Nothing is counted per doctor.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H2", forecast="simple")
    >>> s = rk.plan.swot(plan)
    >>> g = s[s["measure"] == "growth_rate"].iloc[0]
    >>> g["category"], g["item"]
    ('weakness', '2026年上半年销售额同比-22%')
    >>> bool(abs(g["numerator"] / g["denominator"] - 1 - g["value"]) < 1e-12)
    True
    >>> sorted(s.loc[s["origin"] == "manager", "category"].unique())[:2]
    ['opportunity', 'positioning']
    """
    return plan._cached("swot", lambda: _swot(plan))


def _swot(plan: Plan) -> pd.DataFrame:
    rows = [row for rule in _RULES for row in rule(plan)] + _manager(plan)
    out = pd.DataFrame(rows, columns=list(SWOT_COLUMNS))
    out["_o"] = out["category"].map(_ORDER).fillna(len(_ORDER))
    out["_m"] = (out["origin"] == "manager").astype(int)
    out = out.sort_values(["_o", "_m"], kind="stable").drop(columns=["_o", "_m"])
    return out.reset_index(drop=True)


def swot_sheet(plan: Plan) -> pd.DataFrame:
    """The workbook's SWOT sheet: every item with its number, arithmetic and source."""
    s = swot(plan)
    zh = HEADERS_ZH["swot"]
    out = pd.DataFrame(
        {
            zh["category"]: s["category"].map(SWOT_CATEGORIES),
            "来源": s["origin"].map(ORIGINS),
            zh["content"]: s["item"],
            zh["product"]: s["product"],
            "数值": s["value"],
            "分子": s["numerator"],
            "分母": s["denominator"],
            "算法": s["basis"],
            "数据表": s["source"],
            zh["action"]: s["action"],
        }
    )
    out.attrs["excel_formats"] = {"数值": "#,##0.0000", "分子": "#,##0.00", "分母": "#,##0.00"}
    return out
