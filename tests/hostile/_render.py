"""Every HTML a plan, rep or weekly document shows, built through the real renderers."""

from __future__ import annotations

import repkit as rk
from repkit.report import document, rep, weekly


def markdown_html(text: str) -> str:
    """Markdown as nbconvert renders a ``Markdown(...)`` output into plan.html."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


def plan_outputs(ds, out=None) -> dict[str, str]:
    """Name → HTML of every table and Markdown output of the three templates.

    With ``out``, the plan also writes what the template writes there: plan.xlsx,
    summary.json and one schedule per rep under ``out/日程``.
    """
    region = ds.sales["region"].iloc[0]
    ds = ds.for_region(region)
    plan = rk.plan.build(ds, "2026H2", forecast="simple")
    calls = rk.activity.call_plan(ds, plan.half.start)
    show = rk.report.display_table
    styled = {
        "review_product": document.review_table(plan, "product"),
        "review_hospital": document.review_table(plan, "hospital", top=10),
        "review_rep": document.review_table(plan, "rep"),
        "growth": document.growth_table(plan),
        "scenarios": document.scenario_table(plan),
        "month_product": document.month_product_table(plan),
        "owners": document.owner_table(plan),
        "waterfall": show(rk.plan.waterfall(plan, by="product"), caption="指标构成"),
        "feasibility": show(plan.capacity, highlight=None),
        "hospital_tiers": show(calls.hospitals, max_rows=15),
        "departments": show(calls.departments, max_rows=15),
        "kpis": show(calls.kpis, highlight=None),
        "schedule": show(rk.activity.schedule_sheet(calls.schedule, reps=ds.reps)),
        "shortfall": show(calls.shortfall),
        "basic_work": document.basic_work_table(plan),
        "nurses": document.nurse_table(plan),
        "competitors": document.competitor_table(plan),
        "meetings": document.meeting_table(plan),
        "meetings_per_hospital": document.meeting_table(plan, per_hospital=True),
        "listings": document.listing_table(plan),
    }
    rep_id = rep.pick_rep(plan, "")
    styled["rep_targets"] = show(rep.month_targets(plan, rep_id, "2026-07"), highlight=None)
    styled["rep_doctors"] = show(rep.doctors_to_develop(ds, rep_id), highlight=None)
    wplan = rk.plan.build(ds, "2026H1", scenario="company", forecast="simple")
    wk = weekly.week_of("2026-06-24")
    styled["week_products"] = show(weekly.week_review(wplan, wk), labels=weekly.LABELS)
    styled["week_reps"] = show(weekly.week_review(wplan, wk, by="rep_id"), labels=weekly.LABELS)
    styled["next_week"] = show(weekly.next_week(wplan, wk), labels=weekly.LABELS, max_rows=40)
    if out is not None:
        _write(plan, calls, ds, out)
    pages = {name: s.to_html() for name, s in styled.items()}
    pages["headline"] = markdown_html(document.headline(plan))
    pages["rep_headline"] = markdown_html(rep.headline(plan, rep_id, "2026-07"))
    pages["week_headline"] = markdown_html(weekly.headline(wplan, wk))
    pages["swot"] = markdown_html(document.swot_section(plan))
    period = (wk.start_time, wk.end_time)
    pages["week_competitors"] = show(
        rk.activity.competitor_report(ds, freq="W", period=period)
    ).to_html()
    pages["caption"] = show(plan.capacity, caption=f"{region} 拜访能力").to_html()
    return pages


def _write(plan, calls, ds, out) -> None:
    try:
        rk.report.write_excel(plan.workbook(), out / "plan.xlsx")
        rk.activity.export_schedule(calls.schedule, out / "日程", reps=ds.reps)
    except ValueError as err:  # Excel cannot hold NUL and other control characters
        if "control characters" not in str(err):
            raise
    document.write_summary(plan, out)
