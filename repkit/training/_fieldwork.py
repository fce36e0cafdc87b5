"""The exercises of session 9: competitor and meeting tracking (seeds 000–003).

Every expected answer is computed from the learner's own data (:class:`Context`).
"""

from __future__ import annotations

import pandas as pd

from repkit.training._core import Context, Spec, choice, number, passes, table

SETUP_9 = """\
months = rk.Half.parse(half).months   # 复盘半年的 6 个月
comp = ds.competitors[ds.competitors["date"].dt.to_period("M").isin(months)]   # 半年的竞品记录
meet = ds.meetings[ds.meetings["date"].dt.to_period("M").isin(months)]   # 半年的会议
"""

_RECORD_FIELDS = {
    "spending": "人均费用",
    "attended": "到会人数",
    "product": "推广品种",
    "department": "科室",
}


def _in_half(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    return frame[frame["date"].dt.to_period("M").isin(ctx.half.months)]


def _top_competitor(ctx: Context) -> str:
    counts = _in_half(ctx.rds.competitors, ctx).groupby("competitor_product").size()
    return str(counts.idxmax())


def _attendance(ctx: Context) -> float:
    m = _in_half(ctx.rds.meetings, ctx)
    return float(m["attended"].sum() / m["invited"].sum())


def _meetings_by_department(ctx: Context) -> pd.Series:
    m = _in_half(ctx.rds.meetings, ctx)
    out = m[m["type"] == "department"].groupby("department").size()
    out.index.name = "department"
    return out.rename("count")


_s9_competitors = lambda ctx: {  # noqa: E731
    p: p for p in sorted(ctx.rds.competitors["competitor_product"].astype(str).unique())
}


def _s9_q1() -> Spec:
    return Spec(
        question="复盘的半年里，你的区域一共记录了多少条竞品动态？",
        expected=lambda ctx: len(_in_half(ctx.rds.competitors, ctx)),
        compare=lambda a, e, ctx: passes(
            number,
            a,
            e,
            integer=True,
            what="竞品记录数",
            ok="对。每周调查、每月上报（计划范本表 F）。",
        ),
        hints=("准备单元格里的 `comp` 就是半年的竞品记录。", "`len(comp)` 数的是行数。"),
        solution="answer = len(comp)",
    )


def _s9_q2() -> Spec:
    return Spec(
        question="哪个竞品出现的次数最多？（写竞品名）",
        expected=_top_competitor,
        compare=lambda a, e, ctx: passes(
            choice,
            a,
            e,
            options=_s9_competitors(ctx),
            what="竞品",
            ok="对。月报里先写它做了什么、我们怎么应对。",
        ),
        hints=(
            '按 `competitor_product` 分组数行数：`comp.groupby("competitor_product").size()`。',
            "`.idxmax()` 取次数最多的那个。",
        ),
        solution='answer = comp.groupby("competitor_product").size().idxmax()',
    )


def _s9_q3() -> Spec:
    return Spec(
        question="半年所有会议的到会率是多少？（到会人数合计 ÷ 邀请人数合计，0–1）",
        expected=_attendance,
        compare=lambda a, e, ctx: passes(
            number,
            a,
            e,
            rate=True,
            what="到会率",
            ok="对。《药品销售经理工作计划书》范文要求到会率不低于 90 %。",
        ),
        hints=("`meet` 是半年的会议。", '`meet["attended"].sum() / meet["invited"].sum()`。'),
        solution='answer = meet["attended"].sum() / meet["invited"].sum()',
        explain="先合计再相除，而不是把每场的到会率平均：大会议的权重应该更大。",
    )


def _s9_q4() -> Spec:
    return Spec(
        question="每个科室开了几次科室会？（按 department 分组，只数 type 为 department 的会）",
        expected=_meetings_by_department,
        compare=lambda a, e, ctx: passes(
            table,
            a,
            e,
            value="count",
            what="科室会次数",
            ok="对。这就是科室 × 品种覆盖的起点。",
        ),
        hints=(
            '先筛出科室会：`meet[meet["type"] == "department"]`。',
            '再 `.groupby("department").size()`。',
        ),
        solution=(
            'dept = meet[meet["type"] == "department"]\nanswer = dept.groupby("department").size()'
        ),
    )


def _s9_q5() -> Spec:
    return Spec(
        question="会议记录里哪一项不能记？（spending / attended / product / department）",
        expected=lambda ctx: "spending",
        compare=lambda a, e, ctx: passes(
            choice,
            a,
            e,
            options=_RECORD_FIELDS,
            what="字段",
            ok="对。会议只记人数，不记任何医生的费用；"
            "repkit 读到费用列会拒绝（meeting_spending）。",
        ),
        hints=(
            "想一想合规：给医生的钱不能出现在我们的数据里。",
            "人数、品种、科室都是会议本身的事实。",
        ),
        solution='answer = "spending"',
    )


def _s9() -> list[Spec]:
    return [_s9_q1(), _s9_q2(), _s9_q3(), _s9_q4(), _s9_q5()]
