"""The management workbook of seed 000 (sheets 概览, A–H and the field work) from a plan.

Private; reached through :meth:`repkit.plan.Plan.workbook`. Headers are Chinese: this is
a report for the sales team.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from repkit.calendar import week_label, weeks_of_half
from repkit.labels import SCENARIO_LABELS, TARGET_SOURCE_LABELS
from repkit.plan._decompose import UNASSIGNED
from repkit.plan._fieldwork import FIELD_SHEETS, field_sheets, ward_nurses
from repkit.plan._quotas import target_source_note
from repkit.plan._review import prices, review_targets
from repkit.plan._swot import swot_sheet
from repkit.report.style import EXCEL_UNITS, EXCEL_WAN
from repkit.schema import (
    CALL_PURPOSES,
    HEADERS_ZH,
    LEVEL_LABELS,
    RATING_LABELS,
    TITLE_LABELS,
)

if TYPE_CHECKING:  # pragma: no cover
    from repkit.plan._build import Plan

SHEETS: tuple[str, ...] = (
    "概览",
    "A 医院档案",
    "B 医生档案",
    "C 护士信息",
    "D 月度品种任务分解",
    "E 季度目标与差距",
    "F 完成率图",
    "G 周上量分析",
    "H 代表日程",
    *FIELD_SHEETS,
    "SWOT分析",
)
COMPLIANCE_NOTE = (
    "销售指标只分解到医院、科室和销售人员；备案医药代表不承担销售指标，"
    "医生只设拜访与用药评级目标，不设处方数量（统方）。"
)
_SCENARIO_ZH = SCENARIO_LABELS
_MAX_WEEKS = 6


def _pct(x: float) -> str:
    return f"{x:+.0%}"


def _overview(plan: Plan) -> list[pd.DataFrame]:
    """Sheet 概览: key figures, the scenarios by product beside them, the data sources."""
    from repkit.report.provenance import provenance_table

    sources = provenance_table(plan)
    sources.attrs["title"] = "数据来源（文件、行数、剔除行与原因、校验码）"
    return [_key_figures(plan), _scenarios_by_product(plan), sources]


def _overview_rows(plan: Plan) -> list[tuple[str, float | None, float | None, float | None, str]]:
    """(item, units, amount, rate, note) rows of the key-figure table."""
    s = plan.summary
    p, h = plan.review_half, plan.half
    growth = s["growth"]
    growth_text = _pct(growth) if isinstance(growth, int | float) else "按品种设定"
    scen_text = {
        "base": "基准预测（按历史与季节性预测）",
        "target": f"目标：较{p.label}实际增长 {growth_text}",
        "stretch": f"冲刺：目标再增长 {_pct(plan.params['stretch'])}",
        "company": "公司指标（自上而下分解）",
    }[plan.scenario]
    if plan.params.get("procurement"):
        scen_text += "；含带量采购调整"
    rows: list[tuple[str, float | None, float | None, float | None, str]] = [
        ("区域", None, None, None, plan.region),
        ("计划期", None, None, None, f"{h}（{h.label}）"),
        ("复盘期", None, None, None, f"{p}（{p.label}）"),
        ("情景", None, None, None, scen_text),
    ]
    rv = plan.reviews["region"]
    if len(rv):
        r = rv.iloc[0]
        rows.append((f"{p} 指标", r["target_units"], r["target_amount"], None, "公司下达"))
        rows.append(
            (
                f"{p} 实际",
                r["actual_units"],
                r["actual_amount"],
                r["completion_rate"],
                "比率为完成率",
            )
        )
    sources = target_source_note(s.get("review_target_sources") or {})
    if sources:
        rows.append(("复盘指标来源", None, None, None, sources))
    rows.append(
        (
            f"{h} 计划目标",
            s["target_units"],
            s["target_amount"],
            s["target_growth_rate"],
            "比率为较上半年实际的增长率；合计等于 D 表与 E 表",
        )
    )
    last_amount = s["review_actual_amount"]
    for name in ("base", "target", "stretch", "company", "procurement"):
        if f"scenario_{name}_units" in s:
            amount = s[f"scenario_{name}_amount"]
            rate = amount / last_amount - 1 if last_amount else None
            units = s[f"scenario_{name}_units"]
            rows.append((f"情景：{_SCENARIO_ZH[name]}", units, amount, rate, ""))
    if s.get("collection_rate_60d") is not None:
        ok = "达标" if s["collection_ok"] else "未达标"
        rows.append(("60天回款率", None, None, s["collection_rate_60d"], f"目标 ≥ 90%，{ok}"))
    if s.get("stock_months") is not None:
        rows.append(("渠道库存（月）", None, None, None, f"{s['stock_months']:.1f} 个月销量"))
    n_over = s["reps_over_capacity"]
    rows.append(
        (
            "拜访能力",
            None,
            None,
            None,
            f"{s['reps_with_targets']} 名销售人员中 {n_over} 名所需拜访超过能力"
            if n_over
            else f"{s['reps_with_targets']} 名销售人员的拜访能力足以支撑目标",
        )
    )
    if s["unassigned_units"]:
        rows.append(
            ("未分配到人", s["unassigned_units"], None, None, "无负责销售人员，指标留在科室")
        )
    rows.append(("合规说明", None, None, None, COMPLIANCE_NOTE))
    return rows


def _key_figures(plan: Plan) -> pd.DataFrame:
    """The key-figure table of 概览 with its Excel formats and page header."""
    h = plan.half
    key = pd.DataFrame(_overview_rows(plan), columns=["项目", "数量", "金额", "比率", "说明"])
    key["数量"] = pd.to_numeric(key["数量"])
    key["金额"] = pd.to_numeric(key["金额"])
    key["比率"] = pd.to_numeric(key["比率"])
    key.attrs["excel_formats"] = {"数量": EXCEL_UNITS, "金额": EXCEL_WAN, "比率": "0.0%"}
    key.attrs["excel_header"] = f"{plan.region} · {h.label}"  # printed on every page
    return key


def _scenarios_by_product(plan: Plan) -> pd.DataFrame:
    """Units per product in every scenario, last half's actuals and this plan's targets."""
    p = plan.review_half
    sc = plan.scenarios.pivot_table(
        index="product", columns="scenario", values="units", aggfunc="sum"
    )
    by_product = plan.reviews["product"].set_index("product")
    final = plan.targets.groupby("product")[["units", "amount"]].sum()
    products = list(final.index)
    unit = plan.price_table.set_index("product")["unit"]
    table = pd.DataFrame({"品种": products, "单位": [unit.get(x) for x in products]})
    table[f"{p}指标数量"] = by_product["target_units"].reindex(products).to_numpy()
    table[f"{p}实际数量"] = by_product["actual_units"].reindex(products).to_numpy()
    table[f"{p}完成率"] = by_product["completion_rate"].reindex(products).to_numpy()
    for name in ("base", "target", "stretch", "company"):
        if name in sc:
            table[_SCENARIO_ZH[name]] = sc[name].reindex(products).to_numpy()
    table["本计划数量"] = final["units"].to_numpy()
    table["本计划金额"] = final["amount"].round(2).to_numpy()
    last_amount_p = by_product["actual_amount"].reindex(products)
    table["较上半年增长率"] = (
        final["amount"] / last_amount_p.where(last_amount_p > 0) - 1
    ).to_numpy()
    table.attrs["title"] = "情景对比（按品种，数量）"
    table.attrs["beside"] = True
    table.attrs["excel_formats"] = {
        c: "#,##0" for c in table.columns if "数量" in c or c in _SCENARIO_ZH.values()
    }
    return table


def _hospitals(plan: Plan) -> pd.DataFrame:
    ds = plan.data
    hosp = ds.hospitals
    doctors = ds.doctors
    owners: dict[str, list[str]] = {}
    for rep in plan.targets.drop_duplicates(["hospital_id", "rep_id"]).itertuples():
        if rep.rep_id != UNASSIGNED:
            owners.setdefault(rep.hospital_id, []).append(str(rep.rep))
    rv = plan.reviews["hospital"].set_index("hospital_id")
    source = rv["target_source"] if "target_source" in rv else pd.Series(dtype=object)
    tg = plan.targets.groupby("hospital_id")["amount"].sum()
    p, h = plan.review_half, plan.half
    rows = []
    docs = doctors.groupby("hospital_id") if len(doctors) else None
    for rec in hosp.itertuples(index=False):
        hid = rec.hospital_id
        depts = getattr(rec, "departments", None)
        depts = list(depts) if isinstance(depts, list | tuple) else []
        d = docs.get_group(hid) if docs is not None and hid in docs.groups else None
        experts = int(d["is_expert"].fillna(False).astype(bool).sum()) if d is not None else 0
        rows.append(
            {
                "医院编码": hid,
                "医院名称": getattr(rec, "name", hid),
                "城市": getattr(rec, "city", None),
                "等级": LEVEL_LABELS.get(
                    str(getattr(rec, "level", "")), getattr(rec, "level", None)
                ),
                "床位数": getattr(rec, "beds", None),
                "科室": "、".join(depts),
                "科室数": len(depts),
                "医生数": 0 if d is None else len(d),
                "专家数": experts,
                "负责销售人员": "、".join(sorted(set(owners.get(hid, [])))),
                f"{p}实际金额": float(rv["actual_amount"].get(hid, 0.0)),
                f"{p}完成率": rv["completion_rate"].get(hid, np.nan),
                f"{p}指标来源": TARGET_SOURCE_LABELS.get(str(source.get(hid)), None),
                f"{h}目标金额": round(float(tg.get(hid, 0.0)), 2),
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=["医院编码", "医院名称", "城市", "等级", "床位数"])
    last = out[f"{p}实际金额"]
    out["目标增长率"] = out[f"{h}目标金额"] / last.where(last > 0) - 1
    return out


def _doctors(doctors: pd.DataFrame | None) -> pd.DataFrame:
    cols = HEADERS_ZH["doctors"]
    order = [c for c in cols if c != "tier"]
    if doctors is None:
        out = pd.DataFrame({cols[c]: pd.Series(dtype="object") for c in order})
        out["评级说明"] = pd.Series(dtype="object")
        return out
    d = doctors.copy()
    present = [c for c in order if c in d] + (["tier"] if "tier" in d else [])
    d = d[present + [c for c in d.columns if c not in present and c not in cols]]
    if "title" in d:
        d["title"] = d["title"].map(lambda t: TITLE_LABELS.get(t, t))
    if "is_expert" in d:
        d["is_expert"] = np.where(d["is_expert"].fillna(False).astype(bool), "是", "否")
    if "rating" in d:
        d["评级说明"] = d["rating"].map(
            lambda r: RATING_LABELS.get(int(r)) if pd.notna(r) else None
        )
        d["rating"] = d["rating"].astype("float64")
    extra = {
        "doctor": "医生",
        "rated_on": "评级日期",
        "tier_source": "分级来源",
        "pyramid": "金字塔",
    }
    if "doctor" in d and "doctor_id" in d and d["doctor"].equals(d["doctor_id"]):
        d = d.drop(columns="doctor")  # tokens mode: the id column already is the token
    if "tier_source" in d:
        d["tier_source"] = (
            d["tier_source"].map({"auto": "自动", "manual": "手工"}).fillna(d["tier_source"])
        )
    return d.rename(columns={**cols, **extra})


def _monthly_targets(plan: Plan) -> pd.DataFrame:
    t = plan.targets
    w = plan.weekly
    keys = ["month", "product", "hospital_id", "department", "rep_id"]
    w = w.sort_values([*keys, "week"], kind="stable")
    w["n"] = w.groupby(keys).cumcount()
    wide = w.pivot_table(index=keys, columns="n", values="units", aggfunc="sum")
    wide = wide.reindex(columns=range(_MAX_WEEKS))
    weeks = plan.weekly.drop_duplicates(["month", "week"]).sort_values(["month", "week"])
    labels = weeks.groupby("month")["week"].apply(
        lambda s: "/".join(f"W{p.start_time.isocalendar().week:02d}" for p in s)
    )
    unit = plan.price_table.set_index("product")["unit"]
    idx = pd.MultiIndex.from_frame(t[keys])
    out = pd.DataFrame(
        {
            "月份": t["month"].astype(str),
            "销售人员": t["rep"],
            "代表编码": t["rep_id"].replace(UNASSIGNED, "—"),
            "医院": t["hospital"],
            "科室": t["department"],
            "品种": t["product"],
            "单位": t["product"].map(unit),
            "月目标数量": t["units"].astype("int64"),
            "月目标金额": t["amount"].round(2),
            "周次": t["month"].map(labels),
        }
    )
    values = wide.reindex(idx).to_numpy()
    for k in range(_MAX_WEEKS):
        col = values[:, k]
        out[f"第{k + 1}周"] = pd.array(np.where(np.isnan(col), None, col), dtype="Int64")
    out = out.sort_values(["销售人员", "月份", "医院", "品种"], kind="stable").reset_index(
        drop=True
    )
    out.attrs["excel_formats"] = {f"第{k + 1}周": "#,##0" for k in range(_MAX_WEEKS)}
    weeks = [f"第{k + 1}周" for k in range(_MAX_WEEKS)]
    out.attrs["excel_totals"] = ["月目标数量", "月目标金额", *weeks]  # follow the filter
    return out


def _quarterly(plan: Plan) -> pd.DataFrame:
    t = plan.targets
    sales = plan.data.sales
    p = plan.review_half
    keys = ["quarter", "hospital_id", "hospital", "product"]
    q = t.groupby(keys, sort=True)[["units", "amount"]].sum().reset_index()
    q_sales = sales.assign(quarter=sales["month"].dt.asfreq("Q-DEC"))
    ly = q_sales.groupby(["quarter", "hospital_id", "product"])[["units", "amount"]].sum()
    ly_key = pd.MultiIndex.from_arrays([q["quarter"] - 4, q["hospital_id"], q["product"]])
    last_year = ly.reindex(ly_key)
    half_sales = sales[sales["month"].isin(p.months)]
    avg = half_sales.groupby(["hospital_id", "product"])["amount"].sum() / 2
    avg_key = pd.MultiIndex.from_arrays([q["hospital_id"], q["product"]])
    base = avg.reindex(avg_key).fillna(0.0).to_numpy()
    level = (
        plan.data.hospitals.set_index("hospital_id")["level"]
        if "level" in plan.data.hospitals
        else {}
    )
    out = pd.DataFrame(
        {
            "季度": q["quarter"].astype(str),
            "医院": q["hospital"],
            "等级": q["hospital_id"].map(level).map(lambda v: LEVEL_LABELS.get(v, v)),
            "品种": q["product"],
            "目标数量": q["units"].astype("int64"),
            "目标金额": q["amount"].round(2),
            "上年同期数量": last_year["units"].fillna(0.0).to_numpy(),
            "上年同期金额": last_year["amount"].fillna(0.0).round(2).to_numpy(),
        }
    )
    out["同比增长率"] = out["目标金额"] / out["上年同期金额"].where(out["上年同期金额"] > 0) - 1
    out[f"{p}季均金额"] = np.round(base, 2)
    out["较上半年季均差距"] = (out["目标金额"] - out[f"{p}季均金额"]).round(2)
    out["所需增长率"] = out["目标金额"] / out[f"{p}季均金额"].where(out[f"{p}季均金额"] > 0) - 1
    base_col = f"{{{p}季均金额}}"
    out.attrs["excel_formulas"] = {  # a manager who edits a target sees the rest follow
        "同比增长率": 'IF({上年同期金额}>0,{目标金额}/{上年同期金额}-1,"")',
        "较上半年季均差距": f"{{目标金额}}-{base_col}",
        "所需增长率": f'IF({base_col}>0,{{目标金额}}/{base_col}-1,"")',
    }
    out.attrs["excel_totals"] = [
        "目标数量",
        "目标金额",
        "上年同期数量",
        "上年同期金额",
        f"{p}季均金额",
        "较上半年季均差距",
    ]
    return out


def _completion_chart(plan: Plan) -> pd.DataFrame:
    ds = plan.data
    sales = ds.sales
    p = plan.review_half
    earlier = review_targets(ds, p.previous, prices(ds, as_of=p.previous.end)["price"])
    frames = [earlier, plan.history_targets]
    past = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else None
    )
    rows = []
    actual = sales.groupby(sales["month"].dt.asfreq("Q-DEC"))["amount"].sum()
    quarters = [*p.previous.quarters, *p.quarters]
    past_q = past.groupby("quarter")["amount"].sum() if past is not None else pd.Series(dtype=float)
    for q in quarters:
        target = float(past_q.get(q, np.nan))
        act = float(actual.get(q, np.nan))
        rows.append((str(q), "复盘", target, act, act / target if target > 0 else np.nan))
    plan_q = plan.targets.groupby("quarter")["amount"].sum()
    for q in plan.half.quarters:
        rows.append((str(q), "计划", round(float(plan_q.get(q, 0.0)), 2), np.nan, np.nan))
    out = pd.DataFrame(rows, columns=["季度", "阶段", "目标金额", "实际金额", "完成率"])
    out["目标金额"] = out["目标金额"].round(2)
    out["实际金额"] = out["实际金额"].round(2)
    out.attrs["excel_formats"] = {"目标金额": EXCEL_WAN, "实际金额": EXCEL_WAN}
    out.attrs["excel_charts"] = [
        {
            "type": "bar",
            "title": "季度目标与实际（金额）",
            "x": "季度",
            "y": ["目标金额", "实际金额"],
            "y_title": "元",
            "y_format": "#,##0",
        },
        {
            "type": "line",
            "title": "季度完成率",
            "x": "季度",
            "y": ["完成率"],
            "percent": True,
        },
    ]
    return out


def _weekly(plan: Plan) -> pd.DataFrame:
    w = plan.weekly
    sales = plan.data.sales
    h = plan.half
    by = w.groupby(["month", "week", "product"], sort=True)[["units", "amount"]].sum().reset_index()
    cal = weeks_of_half(h).set_index(["month", "week"])["working_days"]
    month_wd = cal.groupby(level=0).sum()
    ly = sales.groupby(["month", "product"])["units"].sum()
    ly_key = pd.MultiIndex.from_arrays([by["month"] - 12, by["product"]])
    share = (
        cal.reindex(pd.MultiIndex.from_frame(by[["month", "week"]])).to_numpy()
        / by["month"].map(month_wd).to_numpy()
    )
    by["last_year"] = ly.reindex(ly_key).fillna(0.0).to_numpy() * share
    g = (
        by.groupby(["week", "product"], sort=True)[["units", "amount", "last_year"]]
        .sum()
        .reset_index()
    )
    out = pd.DataFrame(
        {
            "周": [week_label(x) for x in g["week"]],
            "品种": g["product"],
            "周目标数量": g["units"].astype("int64"),
            "周目标金额": g["amount"].round(2),
            "上年同期数量（估算）": g["last_year"].round(0),
        }
    )
    out["较上年差距"] = out["周目标数量"] - out["上年同期数量（估算）"]
    out["本周实际数量"] = np.nan
    out["完成率"] = np.nan
    out["本周差距数量"] = np.nan
    out.attrs["excel_formats"] = {
        "上年同期数量（估算）": "#,##0",
        "较上年差距": "#,##0",
        "本周实际数量": "#,##0",
        "完成率": "0.0%",
        "本周差距数量": "#,##0",
    }
    actual = "{本周实际数量}"
    out.attrs["excel_formulas"] = {  # typing this week's actuals fills completion and gap
        "较上年差距": "{周目标数量}-{上年同期数量（估算）}",
        "完成率": f'IF(AND(ISNUMBER({actual}),{{周目标数量}}>0),{actual}/{{周目标数量}},"")',
        "本周差距数量": f'IF(ISNUMBER({actual}),{{周目标数量}}-{actual},"")',
    }
    out.attrs["excel_totals"] = ["周目标数量", "周目标金额", "本周实际数量", "本周差距数量"]
    return out


def _schedule(plan: Plan, schedule: pd.DataFrame | None) -> pd.DataFrame:
    cols = HEADERS_ZH["calls"]
    order = list(cols)
    names = plan.data.reps.set_index("rep_id")["name"] if "name" in plan.data.reps else {}
    if schedule is None:
        out = pd.DataFrame({cols[c]: pd.Series(dtype="object") for c in order})
        out.insert(2, "姓名", pd.Series(dtype="object"))
        return out
    s = schedule.copy()
    for c in order:
        if c not in s:
            s[c] = None
    extra = {"hospital": "医院名称", "tier": "分级", "rating": "当前评级"}
    kept = {c: schedule[c].to_numpy() for c in extra if c in schedule.columns}
    s = s[order]
    if "purpose" in s:
        s["purpose"] = s["purpose"].map(lambda v: CALL_PURPOSES.get(v, v))
    s["rating_after"] = s["rating_after"].astype("float64")
    s.insert(2, "姓名", s["rep_id"].map(names))
    s = s.rename(columns={**cols, "rating_after": "拜访后评级"})
    # planned visits: the doctor's tier and current rating guide the call; the rep
    # fills in the result and the rating after the visit.
    at = {"hospital": 4, "tier": 7, "rating": 8}
    for c, values in kept.items():
        s.insert(min(at[c], len(s.columns)), extra[c], values)
    if "当前评级" in s:
        s["当前评级"] = pd.to_numeric(s["当前评级"], errors="coerce").astype("float64")
    return s


def workbook(
    plan: Plan,
    *,
    doctors: pd.DataFrame | None = None,
    schedule: pd.DataFrame | None = None,
    nurse_names: bool = False,
) -> dict[str, pd.DataFrame | list[pd.DataFrame]]:
    """All sheets of the plan workbook (see :meth:`repkit.plan.Plan.workbook`)."""
    return {
        "概览": _overview(plan),
        "A 医院档案": _hospitals(plan),
        "B 医生档案": _doctors(doctors),
        "C 护士信息": ward_nurses(plan, names=nurse_names),
        "D 月度品种任务分解": _monthly_targets(plan),
        "E 季度目标与差距": _quarterly(plan),
        "F 完成率图": _completion_chart(plan),
        "G 周上量分析": _weekly(plan),
        "H 代表日程": _schedule(plan, schedule),
        **field_sheets(plan),
        "SWOT分析": swot_sheet(plan),
    }
