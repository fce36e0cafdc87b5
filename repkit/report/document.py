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
from repkit.report.charts import COLORS, use_cjk_fonts
from repkit.report.tables import display_table, key_figures

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from repkit.plan import Plan

__all__ = [
    "growth_table",
    "headline",
    "history_chart",
    "month_product_table",
    "owner_table",
    "provenance",
    "review_table",
    "scenario_chart",
    "scenario_table",
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
        figures["60天回款率"] = f"{s['collection_rate_60d']:.0%}（目标 ≥ 90%）" + (
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
        f"{s['completion_rate']:.0%}{scope}"
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
    return f"{value:+.0%}"


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
    """Bar chart of total units per scenario, the selected one highlighted."""
    use_cjk_fonts()
    import matplotlib.pyplot as plt

    totals = plan.scenarios.groupby("scenario", sort=False)["units"].sum()
    fig, ax = plt.subplots(figsize=(8, 3))
    labels = [SCENARIO_LABELS.get(k, k) for k in totals.index]
    colors = [COLORS["target"] if k == plan.scenario else COLORS["band"] for k in totals.index]
    ax.bar(labels, totals.to_numpy(), color=colors)
    for i, v in enumerate(totals.to_numpy()):
        ax.text(i, v, f"{v:,.0f}", ha="center", va="bottom", fontsize=9)
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

    Read from ``plan.data.provenance`` (kept on the Dataset, not in table attrs); see
    :func:`repkit.report.provenance.provenance_table`.
    """
    from repkit.report.provenance import provenance_table

    return provenance_table(plan)
