"""Building blocks of the plan document: headline, charts and tables from a Plan.

The half-year template calls these so that each notebook cell stays one line; every
function takes a :class:`repkit.plan.Plan` and returns Markdown text, a matplotlib
Figure or a styled table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from repkit._escape import markdown_text
from repkit.labels import SCENARIO_LABELS
from repkit.plan._forecast import forecast_table, region_forecast
from repkit.plan._quotas import target_source_note
from repkit.report.charts import COLORS, format_axis, use_cjk_fonts
from repkit.report.tables import display_table, key_figures

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from repkit.plan import Plan

__all__ = [
    "basic_work_table",
    "competitor_table",
    "growth_table",
    "headline",
    "history_chart",
    "listing_table",
    "meeting_table",
    "month_product_table",
    "nurse_table",
    "owner_table",
    "provenance",
    "review_table",
    "scenario_chart",
    "scenario_table",
    "swot_section",
    "write_summary",
]


def _wan(value: float) -> str:
    """Format a number in 万 when large (Chinese convention)."""
    return f"{value / 1e4:,.1f}万" if abs(value) >= 1e5 else f"{value:,.0f}"


def headline(plan: Plan) -> str:
    """Key figures of the plan as Markdown: review, targets, scenarios, feasibility.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H2", forecast="simple")
    >>> print(headline(plan).splitlines()[0])
    ### 兰州 · 2026年下半年 工作计划
    """
    s = plan.summary
    review = plan.review_half
    lines = [f"### {markdown_text(plan.region)} · {plan.half.label} 工作计划", ""]
    figures: dict[str, Any] = {
        f"{review.label}完成率": _completion(s),
        f"{review.label}同比": _rate(s.get("review_growth_rate")),
        f"{plan.half.label}计划指标（情景：{SCENARIO_LABELS.get(plan.scenario, plan.scenario)}）": (
            f"{s['target_units']:,} 盒/支，¥{_wan(s['target_amount'])}，"
            f"较上半年 {_rate(s.get('target_growth_rate'))}"
        ),
        "基准预测": _scenario_figure(s, "base"),
    }
    if s.get("scenario_company_units"):
        figures["公司下达"] = _scenario_figure(s, "company")
    figures[f"{SCENARIO_LABELS['stretch']}目标"] = _scenario_figure(s, "stretch")
    over = s.get("reps_over_capacity", 0)
    figures["拜访能力"] = (
        f"{over} / {s.get('reps_with_targets', 0)} 名销售人员所需拜访超出能力，见第4节"
        if over
        else "所有销售人员的拜访需求都在能力范围内"
    )
    if s.get("collection_rate_60d") is not None:
        figures["60天回款率"] = f"{s['collection_rate_60d']:.1%}（目标 ≥ 90%）" + (
            "" if s.get("collection_ok") else " ⚠"
        )
    lines.append(key_figures(figures))
    if plan.warnings:
        lines += ["", *[f"> ⚠ {w['message']}" for w in plan.warnings]]
    sources = target_source_note(s.get("review_target_sources") or {})
    if sources:
        lines += ["", f"> {markdown_text(sources)}"]
    lines += [
        "",
        "> 销售指标只分解到医院、科室和销售人员；医生层面只设拜访与用药评级目标，不设处方量"
        "（合规：禁止统方，医药代表不承担销售指标）。",
    ]
    return "\n".join(lines)


def _completion(s: dict[str, Any]) -> str:
    if s.get("completion_rate") is None:
        return "无数据"
    months = s.get("review_months", 6)
    scope = "" if months == 6 else f"（前 {months} 个月）"
    target = s.get("review_target_amount") or 0.0
    return (
        f"{s['completion_rate']:.1%}{scope}"
        f"（实际 ¥{_wan(s['review_actual_amount'])} / 指标 ¥{_wan(target)}）"
    )


def _scenario_figure(summary: dict[str, Any], name: str) -> str:
    units = summary.get(f"scenario_{name}_units")
    if units is None:
        return "–"
    return f"{units:,} 盒/支，¥{_wan(summary[f'scenario_{name}_amount'])}"


def _rate(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:+.1%}"


def _monthly_actual(plan: Plan, months: int = 24) -> pd.Series:
    sales = plan.data.sales
    series = sales.groupby("month")["units"].sum().sort_index()
    return series.iloc[-months:]


def history_chart(plan: Plan, *, months: int = 24, forecast: bool = True) -> Figure:
    """Monthly units: actuals, monthly targets (reviewed and planned half), forecast.

    The forecast band is the region's node of the plan's reconciled forecast
    (``plan.forecast_nodes``), with its 80 % and 95 % intervals.
    """
    from repkit.report.charts import monthly_history

    actual = _monthly_actual(plan, months)
    planned = plan.targets.groupby("month")["units"].sum()
    past = plan.history_targets
    target = planned
    if len(past) and "month" in past:
        target = pd.concat([past.groupby("month")["units"].sum(), planned]).sort_index()
    band = region_forecast(plan.forecast_nodes) if forecast and len(plan.forecast_nodes) else None
    return monthly_history(
        actual,
        target=target,
        forecast=band,
        title=f"{plan.region} 月度销量：实际、指标与预测",
        ylabel="盒/支",
    )


def scenario_chart(plan: Plan) -> Figure:
    """Bar chart of total units per scenario, the selected one highlighted.

    The axis follows :func:`repkit.report.charts.format_axis` (thousands separators).
    """
    use_cjk_fonts()
    import matplotlib.pyplot as plt

    totals = plan.scenarios.groupby("scenario", sort=False)["units"].sum()
    fig, ax = plt.subplots(figsize=(8, 3))
    labels = [SCENARIO_LABELS.get(k, k) for k in totals.index]
    colors = [COLORS["target"] if k == plan.scenario else COLORS["band"] for k in totals.index]
    ax.bar(labels, totals.to_numpy(), color=colors)
    for i, v in enumerate(totals.to_numpy()):
        ax.text(i, v, f"{v:,.0f}", ha="center", va="bottom", fontsize=9)
    ax.margins(y=0.12)  # room for the value above the tallest bar
    format_axis(ax, "units")
    ax.set_ylabel("盒/支")
    ax.set_title(f"{plan.half.label} 各情景总量（橙色为采用的情景）")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


_REVIEW_COLUMNS = {
    "product": ["product"],
    "hospital": ["hospital", "level"],
    "department": ["hospital", "department"],
    "rep": ["rep_id", "rep"],
    "region": ["half"],
}
_REVIEW_LABELS = {
    "product": "按品种",
    "hospital": "按医院",
    "department": "按科室",
    "rep": "按销售人员",
    "region": "区域合计",
}


def review_table(plan: Plan, by: str = "product", *, top: int | None = None):
    """The reviewed half by one level, biggest money gap first.

    Parameters
    ----------
    plan
        The plan.
    by
        ``"product"``, ``"hospital"``, ``"department"``, ``"rep"`` or ``"region"``.
    top
        Show only the first rows (the workbook has all of them).
    """
    if by not in plan.reviews:
        raise ValueError(f"by must be one of {', '.join(plan.reviews)}; got {by!r}")
    frame = plan.reviews[by].sort_values("gap_rank", kind="stable")
    cols = [
        *_REVIEW_COLUMNS[by],
        *(["target_source"] if "target_source" in frame else []),
        "target_units",
        "actual_units",
        "gap_units",
        "target_amount",
        "actual_amount",
        "gap_amount",
        "completion_rate",
        "growth_rate",
    ]
    caption = f"{plan.review_half.label}{_REVIEW_LABELS[by]}回顾"
    if "target_source" in frame and (frame["target_source"] != "actual").any():
        caption += "；指标来源为“推算”的行按区域指标推算，不是实际下达的指标"
    return display_table(frame[cols], max_rows=top or 30, caption=caption)


def growth_table(plan: Plan, *, by: str = "product"):
    """The plan's reconciled forecast of the half against last half and last year.

    Reads ``plan.forecast_nodes`` (see :func:`repkit.plan.forecast_table`); ``by`` is
    ``"product"``, ``"level"`` or ``"hospital_id"``. Nothing is forecast here.
    """
    frame = forecast_table(plan, by=by)
    cols = [
        by,
        "last_half",
        "last_year",
        "forecast",
        "lo_80",
        "hi_80",
        "hoh_rate",
        "hoh_rate_lo_80",
        "hoh_rate_hi_80",
        "yoy_rate",
        "model",
    ]
    labels = {
        "last_half": f"{plan.review_half.label}实际",
        "last_year": f"{plan.half.same_last_year.label}实际",
        "forecast": f"{plan.half.label}预测",
        "hoh_rate": "环比",
        "hoh_rate_lo_80": "环比80%下限",
        "hoh_rate_hi_80": "环比80%上限",
        "yoy_rate": "同比",
        "model": "模型",
    }
    return display_table(
        frame[cols],
        labels=labels,
        highlight=None,
        caption="预测与增长（盒/支，含80%区间）" + _coverage_note(plan),
    )


def _coverage_note(plan: Plan) -> str:
    bad = [w for w in plan.warnings if w["code"] == "interval_coverage"]
    return f"；⚠ {bad[0]['message']}" if bad else ""


def scenario_table(plan: Plan):
    """Scenarios side by side per product (units), with the region total."""
    wide = plan.scenarios.pivot_table(
        index="product", columns="scenario", values="units", aggfunc="sum", sort=False
    )
    wide.loc["合计"] = wide.sum()
    wide = wide.rename(columns=SCENARIO_LABELS).reset_index()
    return display_table(wide.round(0), max_rows=20, caption="各情景数量（盒/支）")


def month_product_table(plan: Plan):
    """Targets per product × month (units), totals in the last row and column."""
    t = plan.targets.assign(month=plan.targets["month"].astype(str))
    wide = t.pivot_table(
        index="product",
        columns="month",
        values="units",
        aggfunc="sum",
        margins=True,
        margins_name="合计",
    )
    return display_table(wide.reset_index(), max_rows=20, caption="月度品种指标（盒/支）")


def owner_table(plan: Plan):
    """Targets per sales owner × quarter (amount and units)."""
    t = plan.targets.assign(quarter=plan.targets["quarter"].astype(str))
    wide = t.pivot_table(
        index=["rep_id", "rep"],
        columns="quarter",
        values="amount",
        aggfunc="sum",
        margins=True,
        margins_name="合计",
    )
    return display_table(
        wide.reset_index(),
        max_rows=20,
        caption="销售人员季度指标金额（元）；医药代表不承担销售指标",
    )


def write_summary(plan: Plan, out: str | Path, **extra: Any) -> Path:
    """Write ``summary.json`` (key figures for the batch index) atomically.

    Parameters
    ----------
    plan
        The plan.
    out
        Folder to write into.
    extra
        More JSON-ready figures to include (e.g. the privacy mode).
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "summary.json"
    tmp = path.with_name(path.name + ".tmp")
    from repkit.plan._files import summary_record

    data = summary_record(plan, **extra)
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(path)
    return path


def provenance(plan: Plan):
    """附录 数据来源: each input file, rows read, used and left out, file checksum.

    Read from ``plan.data.provenance`` (kept on the Dataset, not in table attrs); the
    table itself is :func:`repkit.report.provenance.provenance_table`.
    """
    from repkit.report.provenance import provenance_table

    table = provenance_table(plan)
    return display_table(table, max_rows=max(len(table), 1), highlight=None)


# ----------------------------------------------------------------------------- field work


def _rates(frame: pd.DataFrame, columns: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename Chinese rate columns to ``*_rate`` names so they show as percentages."""
    renamed = {zh: code for zh, code in columns.items() if zh in frame.columns}
    return frame.rename(columns=renamed), {code: zh for zh, code in renamed.items()}


def basic_work_table(plan: Plan):
    """The reviewed half's basic work against the seeds' targets (workbook 基础工作完成度).

    Tables A (80 % in a month), B, C (20 days), H (five schedules a rep a week, handed
    in on Monday) and CRM completeness, from :func:`repkit.activity.completeness` on the
    reviewed half's last day; red below 80 % of the way, green when met.
    """
    from repkit.plan._fieldwork import basic_work

    table = basic_work(plan)
    frame, labels = _rates(table, {"完成率": "done_rate", "目标": "target_rate"})
    return display_table(
        frame.drop(columns="出处"),
        labels=labels,
        highlight="done_rate",
        caption=table.attrs["title"],
    )


def nurse_table(plan: Plan, *, top: int = 15):
    """Table C's progress per inpatient hospital (workbook ``C 护士信息``, no names)."""
    from repkit.plan._fieldwork import ward_nurses

    status = ward_nurses(plan)[0]
    return display_table(status, max_rows=top, highlight=None, caption=status.attrs["title"])


def competitor_table(plan: Plan, *, top: int = 15):
    """The reviewed half's competitor activity by month, with our answer (workbook 竞品动态)."""
    from repkit.plan._fieldwork import competitors

    frame, labels = _rates(competitors(plan), {"最低价格": "price"})
    caption = f"{plan.review_half.label}竞品动态（每周调查，按月汇总）"
    return display_table(frame, labels=labels, max_rows=top, highlight=None, caption=caption)


def meeting_table(plan: Plan, *, per_hospital: bool = False, top: int = 15):
    """The reviewed half's meetings by department × product against 90 % attendance.

    ``per_hospital=True``: department meetings per 3A/level-3 hospital against three a
    half (seed 000). Head counts only (workbook 科室会议).
    """
    from repkit.plan._fieldwork import meetings

    coverage, hospitals = meetings(plan)
    if per_hospital:
        return display_table(
            hospitals, max_rows=top, highlight=None, caption=hospitals.attrs["title"]
        )
    frame, labels = _rates(coverage, {"到会率": "attendance_rate", "目标到会率": "target_rate"})
    caption = f"{plan.review_half.label}科室会和学术会：到会率对照 90%（只记人数，不记费用）"
    return display_table(
        frame, labels=labels, max_rows=top, highlight="attendance_rate", caption=caption
    )


def listing_table(plan: Plan, *, top: int = 20):
    """New products' admission (进院) status per hospital (workbook 新品进院).

    First prescribers are a count per hospital and product, never names or volumes.
    """
    from repkit.plan._fieldwork import listings

    caption = f"新品进院进度（截至 {plan.review_half.end.end_time.date()}）"
    return display_table(listings(plan), max_rows=top, highlight=None, caption=caption)


_SWOT_HEADINGS = {
    "strength": "优势（S）",
    "weakness": "劣势（W）",
    "opportunity": "机会（O）",
    "threat": "威胁（T）",
    "segmentation": "市场细分（S）",
    "targeting": "目标市场（T）",
    "positioning": "定位（P）",
}


def swot_section(plan: Plan, *, basis: bool = True) -> str:
    """SWOT and STP of the plan as Markdown: data-prompted items, then the manager's lines.

    Each data item shows its number and, with ``basis=True``, the arithmetic and the
    input tables behind it (:func:`repkit.plan.swot`); the manager's lines come from
    ``SWOT分析.xlsx``. All text from data is escaped (no HTML or links get through).

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H2", forecast="simple")
    >>> text = swot_section(plan)
    >>> text.splitlines()[0], "#### 威胁（T）" in text
    ('#### 优势（S）', True)
    """
    from repkit.plan._swot import swot

    items = swot(plan)
    lines: list[str] = []
    for code, heading in _SWOT_HEADINGS.items():
        if code == "segmentation":
            lines += ["", "**STP：市场细分、目标市场与定位**", ""]
        lines += [f"#### {heading}", ""]
        rows = items[items["category"] == code]
        if rows.empty:
            lines.append("- （无；可在 SWOT分析.xlsx 中填写）")
        for r in rows.itertuples(index=False):
            lines.append(_swot_line(r, basis=basis))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _swot_line(r: Any, *, basis: bool) -> str:
    if r.origin == "manager":
        product = f"〔{markdown_text(r.product)}〕" if isinstance(r.product, str) else ""
        action = f" → 对策：{markdown_text(r.action)}" if isinstance(r.action, str) else ""
        return f"- 经理：{product}{markdown_text(r.item)}{action}"
    why = f"（算法：{markdown_text(r.basis)}；数据：{markdown_text(r.source)}）" if basis else ""
    return f"- 数据：{markdown_text(r.item)}{why}"


# ------------------------------------------------------------------- the manager's figures


def overrides_table(plan: Plan):
    """The manager's figures (经理指定) and what the plan holds for each (workbook 经理指定).

    Fixed figures hold exactly; floors and caps are bounds (``binding`` says whether the
    plan sits on one). With the company scenario the company's hospital quotas that bind
    the plan are rows too, their 说明 starting with 公司下达. Without overrides its one
    row says where to give them.
    """
    from repkit.plan._overrides import QUOTA_SOURCE, manager_sheet

    given = manager_sheet(plan.overrides, plan.goals)[0]
    if not len(plan.overrides):  # the hint in the row: a long caption wraps to the cell's width
        return display_table(given, highlight=None, caption="经理指定")
    caption = "经理指定的数字与计划所含（固定值完全相等；下限、上限为约束）"
    if plan.overrides["label"].astype(str).str.startswith(QUOTA_SOURCE).any():
        caption = "经理指定和公司下达的医院指标与计划所含（固定值完全相等；下限、上限为约束）"
    return display_table(given, max_rows=max(len(given), 1), highlight=None, caption=caption)


def goals_table(plan: Plan):
    """Department development goals (科室开发) by hospital and month: activity goals only."""
    from repkit.plan._overrides import manager_sheet

    goals = manager_sheet(plan.overrides, plan.goals)[1]
    if not len(plan.goals):
        return display_table(goals, highlight=None, caption="科室开发目标")
    caption = "科室开发目标（工作目标，不是销售指标）"
    return display_table(goals, max_rows=max(len(goals), 1), highlight=None, caption=caption)
