"""The exercises of the eight weekly sessions (one function per session).

Every expected answer is computed from the learner's own data (:class:`Context`), so
the same notebook checks correctly on the sample data, on a smaller test data set or
on a team's real files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from repkit.activity._norms import DEFAULT_NORMS, NORM_PRESETS
from repkit.calendar import Half, month_working_days, weeks_of_half
from repkit.io._quotas import quota_levels
from repkit.messages import say
from repkit.schema import CALL_PURPOSES, LEVEL_LABELS
from repkit.training._core import Context, Spec, choice, integers_summing, number, passes, table
from repkit.training._fieldwork import SETUP_9, _s9


@dataclass(frozen=True)
class SessionInfo:
    """Title, notebook stem and setup code (the notebook's first worked cell) of a session."""

    number: int
    stem: str
    title: str
    title_en: str
    setup: str = ""


# --------------------------------------------------------------------------- helpers


def _half_sales(ctx: Context, half: Half | None = None) -> pd.DataFrame:
    sales = ctx.rds.sales
    return sales[sales["month"].isin((half or ctx.half).months)]


def _targets(ctx: Context, half: Half | None = None) -> pd.DataFrame:
    """The region × product targets of a half (hospital and rep quotas left out)."""
    t = ctx.rds.targets
    return t[(t["period"] == str(half or ctx.half)) & (quota_levels(t) == "region")]


def _products(ctx: Context) -> dict[str, str]:
    return {p: p for p in sorted(ctx.rds.products["product"].astype(str))}


def _focus_product(ctx: Context) -> str:
    """The product of the next half's biggest unit target (used by sessions 6 and 7)."""
    t = _targets(ctx, ctx.half.next)
    if t.empty:
        t = _targets(ctx)
    return str(t.sort_values(["units", "product"], ascending=[False, True])["product"].iloc[0])


def _ok(text: str):
    def compare(answer, expected, ctx):
        return text.format(answer=answer, expected=expected, ctx=ctx)

    return compare


def _number(text: str, **kw):
    def compare(answer, expected, ctx):
        number(answer, expected, **kw)
        return text.format(expected=expected, ctx=ctx)

    return compare


def _table(text: str, **kw):
    def compare(answer, expected, ctx):
        table(answer, expected, **kw)
        return text.format(ctx=ctx)

    return compare


# --------------------------------------------------------------------------- session 1


def _s1() -> list[Spec]:
    def level_counts(ctx: Context) -> pd.Series:
        counts = ctx.rds.hospitals["level"].value_counts()
        counts.index.name = "level"
        return counts.rename("count")

    def top_product(ctx: Context) -> str:
        amount = _half_sales(ctx).groupby("product")["amount"].sum()
        return str(amount.sort_values(ascending=False, kind="stable").index[0])

    return [
        Spec(
            question="你的区域有多少家医院？",
            expected=lambda ctx: len(ctx.rds.hospitals),
            compare=_number("对，{ctx.region} 有 {expected} 家医院。", integer=True, what="医院数"),
            hints=(
                "医院表是 `ds.hospitals`，一行一家医院。",
                "`len(ds.hospitals)` 数的是行数。",
            ),
            solution="answer = len(ds.hospitals)",
            explain="一张表一行一个事实：医院表一行就是一家医院，所以行数就是医院数。",
        ),
        Spec(
            question="你的区域在复盘的半年里一共卖了多少数量（含退货的负数）？",
            expected=lambda ctx: float(_half_sales(ctx)["units"].sum()),
            compare=_number("对。退货是负数，直接相加就抵扣了。", what="数量合计"),
            hints=(
                "先取出这半年的月份：`rk.Half.parse(half).months`。",
                '用 `ds.sales["month"].isin(months)` 筛选行，再对 `units` 列求和。',
            ),
            solution=(
                "months = rk.Half.parse(half).months\n"
                'answer = ds.sales.loc[ds.sales["month"].isin(months), "units"].sum()'
            ),
            explain="`month` 是月份类型（Period），`isin` 按半年的 6 个月筛选。",
        ),
        Spec(
            question="每个医院等级各有几家医院？（按 level 分组的表）",
            expected=level_counts,
            compare=_table("对。等级越高的医院越少，但往往贡献最多销量。", value="count"),
            hints=(
                '`ds.hospitals["level"]` 是等级列。',
                "`value_counts()` 会数出每个值出现的次数。",
            ),
            solution='answer = ds.hospitals["level"].value_counts()',
            explain="等级代码：" + "、".join(f"{k}={v}" for k, v in LEVEL_LABELS.items()) + "。",
        ),
        Spec(
            question="复盘的半年里，哪个品种的销售金额最高？（写品种名）",
            expected=top_product,
            compare=lambda a, e, ctx: passes(choice, a, e, options=_products(ctx), ok="对。"),
            hints=(
                "先筛出这半年的销售，再按 `product` 分组对 `amount` 求和。",
                "`.sort_values(ascending=False).index[0]` 取最大的那个品种。",
            ),
            solution=(
                "months = rk.Half.parse(half).months\n"
                'half_sales = ds.sales[ds.sales["month"].isin(months)]\n'
                'answer = half_sales.groupby("product")["amount"].sum().idxmax()'
            ),
            explain="`idxmax()` 返回最大值所在的索引，这里就是品种名。",
        ),
    ]


# --------------------------------------------------------------------------- session 2


def _actual_vs_target(ctx: Context) -> pd.DataFrame:
    actual = _half_sales(ctx).groupby("product")["units"].sum()
    target = _targets(ctx).groupby("product")["units"].sum()
    out = pd.DataFrame({"actual_units": actual, "target_units": target}).fillna(0.0)
    out.index.name = "product"
    out["completion_rate"] = out["actual_units"] / out["target_units"]
    out["gap_units"] = out["target_units"] - out["actual_units"]
    return out


def _s2_region_rate(ctx: Context) -> float:
    avt = _actual_vs_target(ctx)
    return float(avt["actual_units"].sum() / avt["target_units"].sum())


def _s2_biggest_gap(ctx: Context) -> str:
    gap = _actual_vs_target(ctx)["gap_units"]
    return str(gap.sort_values(ascending=False, kind="stable").index[0])


def _s2_growth(ctx: Context) -> float:
    now = _half_sales(ctx)["units"].sum()
    before = _half_sales(ctx, ctx.half.same_last_year)["units"].sum()
    if before == 0:
        raise ValueError(say("training.no_last_year", half=ctx.half.same_last_year))
    return float(now / before - 1)


def _s2_q1() -> Spec:
    return Spec(
        question="整个区域这半年的数量完成率是多少？（实际数量 ÷ 指标数量，写成 0–1 的小数）",
        expected=_s2_region_rate,
        compare=_number(
            "对，完成率约 {expected:.1%}。计划范本里的兰州只有 21%，差距要在下半年补上。",
            rate=True,
            what="完成率",
        ),
        hints=(
            "实际：这半年 `ds.sales` 的 `units` 之和；指标：`ds.targets` 中区域指标"
            "（医院编码、代表编码为空的行）`period == half` 的 `units` 之和。",
            "完成率 = 实际 / 指标；不要乘 100。",
        ),
        solution=(
            "months = rk.Half.parse(half).months\n"
            'actual = ds.sales.loc[ds.sales["month"].isin(months), "units"].sum()\n'
            't = ds.targets[ds.targets["hospital_id"].isna() & ds.targets["rep_id"].isna()]'
            "  # 区域指标\n"
            'target = t.loc[t["period"] == half, "units"].sum()\n'
            "answer = actual / target"
        ),
        explain="比率在 repkit 里一律是 0–1 的小数，显示时才格式化成百分数。",
    )


def _s2_q2() -> Spec:
    return Spec(
        question="每个品种的完成率（按 product 分组，列名 completion_rate）。",
        expected=lambda ctx: _actual_vs_target(ctx)["completion_rate"],
        compare=_table(
            "对。完成率低于 100% 的品种就是下半年要补的缺口。",
            value="completion_rate",
            rate=True,
        ),
        hints=(
            "分别按 `product` 汇总实际数量和指标数量，得到两个 Series。",
            "两个按品种索引的 Series 相除会自动按品种对齐：`actual / target`。",
        ),
        solution=(
            's, t = ds.sales, ds.targets[ds.targets["hospital_id"].isna()'
            ' & ds.targets["rep_id"].isna()]  # 区域指标\n'
            "months = rk.Half.parse(half).months\n"
            'actual = s[s["month"].isin(months)].groupby("product")["units"].sum()\n'
            'target = t[t["period"] == half].groupby("product")["units"].sum()\n'
            'answer = (actual / target).rename("completion_rate")'
        ),
        explain="pandas 按索引对齐相除，不用担心两张表品种顺序不同。",
    )


def _s2_q3() -> Spec:
    return Spec(
        question="差距（指标 − 实际，单位：数量）最大的是哪个品种？",
        expected=_s2_biggest_gap,
        compare=lambda a, e, ctx: passes(
            choice,
            a,
            e,
            options=_products(ctx),
            ok="对。差距按数量看，金额差距请用 amount 再算一次比较。",
        ),
        hints=(
            "差距 = 指标数量 − 实际数量，按品种计算。",
            "用上一题的 actual 和 target：`(target - actual).idxmax()`。",
        ),
        solution=(
            's, t = ds.sales, ds.targets[ds.targets["hospital_id"].isna()'
            ' & ds.targets["rep_id"].isna()]  # 区域指标\n'
            "months = rk.Half.parse(half).months\n"
            'actual = s[s["month"].isin(months)].groupby("product")["units"].sum()\n'
            'target = t[t["period"] == half].groupby("product")["units"].sum()\n'
            "answer = (target - actual).idxmax()"
        ),
        explain="完成率最低的品种不一定差距最大：差距还取决于指标本身有多大。",
    )


def _s2_q4() -> Spec:
    return Spec(
        question="与去年同期相比，这半年的数量增长率是多少？（0–1 的小数，下降为负数）",
        expected=_s2_growth,
        compare=_number("对，同比增长 {expected:+.1%}。", rate=True, what="增长率"),
        hints=(
            "去年同期：`rk.Half.parse(half).same_last_year.months`。",
            "增长率 = 今年 / 去年 − 1。",
        ),
        solution=(
            "s = ds.sales\n"
            "h = rk.Half.parse(half)\n"
            'now = s.loc[s["month"].isin(h.months), "units"].sum()\n'
            'before = s.loc[s["month"].isin(h.same_last_year.months), "units"].sum()\n'
            "answer = now / before - 1"
        ),
        explain="同比排除了季节的影响：上半年有春节，和下半年直接比会失真。",
    )


def _s2() -> list[Spec]:
    return [_s2_q1(), _s2_q2(), _s2_q3(), _s2_q4()]


# --------------------------------------------------------------------------- session 3


def _hospital_amount(ctx: Context) -> pd.Series:
    return _half_sales(ctx).groupby("hospital_id")["amount"].sum()


def _abc(ctx: Context) -> pd.Series:
    from repkit import tiering

    return tiering.abc(_hospital_amount(ctx)).rename("abc")


def _s3() -> list[Spec]:
    def a_share(ctx: Context) -> float:
        amount = _hospital_amount(ctx)
        return float(amount[_abc(ctx) == "A"].sum() / amount.sum())

    return [
        Spec(
            question="按这半年的销售金额给医院做 ABC 分级（按 hospital_id 的表，值为 A/B/C）。",
            expected=_abc,
            compare=_table("对。A 类是贡献前 80% 金额的少数医院。", value="abc"),
            hints=(
                "先算每家医院这半年的金额：按 `hospital_id` 分组对 `amount` 求和。",
                "再把这个 Series 交给 `rk.tiering.abc()`。",
            ),
            solution=(
                "months = rk.Half.parse(half).months\n"
                'half_sales = ds.sales[ds.sales["month"].isin(months)]\n'
                'amount = half_sales.groupby("hospital_id")["amount"].sum()\n'
                "answer = rk.tiering.abc(amount)"
            ),
            explain=(
                "ABC（帕累托）分级：按金额从大到小累计，累计到 80% 的是 A，到 95% 的是 B，其余 C。"
            ),
        ),
        Spec(
            question="A 类医院有几家？",
            expected=lambda ctx: int((_abc(ctx) == "A").sum()),
            compare=_number(
                "对，只有 {expected} 家医院是 A 类：金字塔的塔尖。", integer=True, what="A 类医院数"
            ),
            hints=(
                "用上一题的分级结果（先把它存到一个变量里，例如 `tiers`）。",
                '`(tiers == "A").sum()` 数出 A 的个数。',
            ),
            solution=(
                "s = ds.sales\n"
                "months = rk.Half.parse(half).months\n"
                'amount = s[s["month"].isin(months)].groupby("hospital_id")["amount"].sum()\n'
                "tiers = rk.tiering.abc(amount)\n"
                'answer = int((tiers == "A").sum())'
            ),
        ),
        Spec(
            question="A 类医院贡献了区域这半年金额的多少比例？（0–1 的小数）",
            expected=a_share,
            compare=_number(
                "对，{expected:.0%} 的金额来自 A 类医院：拜访时间要按这个比例倾斜。",
                rate=True,
                what="占比",
            ),
            hints=(
                "A 类医院的金额之和 ÷ 全部医院的金额之和。",
                '`amount[tiers == "A"].sum() / amount.sum()`',
            ),
            solution=(
                "s = ds.sales\n"
                "months = rk.Half.parse(half).months\n"
                'amount = s[s["month"].isin(months)].groupby("hospital_id")["amount"].sum()\n'
                "tiers = rk.tiering.abc(amount)\n"
                'answer = amount[tiers == "A"].sum() / amount.sum()'
            ),
        ),
    ]


# --------------------------------------------------------------------------- session 4


def _s4() -> list[Spec]:
    def top_purpose(ctx: Context) -> str:
        counts = ctx.rds.calls["purpose"].value_counts()
        return str(counts.sort_values(ascending=False, kind="stable").index[0])

    def expert_share(ctx: Context) -> float:
        experts = ctx.rds.doctors[ctx.rds.doctors["is_expert"].astype(bool)]
        if experts.empty:
            raise ValueError(say("training.no_experts", region=ctx.region))
        return float((experts["rating"] >= 5).mean())

    def purpose_mix(ctx: Context) -> pd.Series:
        mix = ctx.rds.calls["purpose"].value_counts(normalize=True)
        return mix.rename("share").rename_axis("purpose")

    return [
        Spec(
            question="用药评级 ≥ 5（常用、优先使用、全面使用）的医生有多少位？",
            expected=lambda ctx: int((ctx.rds.doctors["rating"] >= 5).sum()),
            compare=_number(
                "对，他们是“伙伴医生”：下一步是保持用量、争取优先使用。",
                integer=True,
                what="医生数",
            ),
            hints=(
                '评级在 `ds.doctors["rating"]`，1–7。',
                '`(ds.doctors["rating"] >= 5).sum()` 数出满足条件的行。',
            ),
            solution='answer = int((ds.doctors["rating"] >= 5).sum())',
        ),
        Spec(
            question="专家（is_expert）中评级 ≥ 5 的比例是多少？（0–1 的小数）",
            expected=expert_share,
            compare=_number("对。计划范本要求重点医生开发达到 60–80%。", rate=True, what="比例"),
            hints=(
                '先筛出专家：`ds.doctors[ds.doctors["is_expert"]]`。',
                '布尔列的平均值就是比例：`(experts["rating"] >= 5).mean()`。',
            ),
            solution=(
                'experts = ds.doctors[ds.doctors["is_expert"]]\n'
                'answer = (experts["rating"] >= 5).mean()'
            ),
        ),
        Spec(
            question="拜访记录里最常见的拜访目的是什么？（代码或中文名都可以）",
            expected=top_purpose,
            compare=lambda a, e, ctx: passes(
                choice, a, e, options=CALL_PURPOSES, ok=f"对，是“{CALL_PURPOSES[e]}”。"
            ),
            hints=(
                '拜访目的在 `ds.calls["purpose"]`。',
                "`value_counts()` 之后第一个就是最多的：`.idxmax()`。",
            ),
            solution='answer = ds.calls["purpose"].value_counts().idxmax()',
            explain="目的代码和中文名见 `rk.schema.CALL_PURPOSES`。",
        ),
        Spec(
            question="各拜访目的占拜访总次数的比例（按 purpose 分组，列名 share，0–1）。",
            expected=purpose_mix,
            compare=_table(
                "对。“支持进药”和“介绍新药”占比低，新品就很难上量。", value="share", rate=True
            ),
            hints=(
                "`value_counts()` 数出每个目的的次数。",
                "`value_counts(normalize=True)` 直接给出比例。",
            ),
            solution='answer = ds.calls["purpose"].value_counts(normalize=True)',
            explain="拜访目的的结构反映工作重点：老品保量、新品进院、解决问题各占多少。",
        ),
    ]


# --------------------------------------------------------------------------- session 5


_VISITS_PER_DAY = NORM_PRESETS["seed000"]["visits_per_day"]
"""Capacity: effective visits a rep a working day (seed 002: 日均有效拜访…不少于8位)."""
_KEY_PER_MONTH = NORM_PRESETS["seed000"]["norms"]["A"]["3A"]
"""Demand: visits a key customer a month (seed 000: 对重点的客户每个月要拜访…8次以上)."""
_OTHER_PER_MONTH = DEFAULT_NORMS["C"]["3A"]
"""Demand: visits any other doctor a month (the C norm: at least once a month)."""


def _plan_month(ctx: Context) -> pd.Period:
    return ctx.half.next.months[0]


def _s5_visits_needed(ctx: Context) -> int:
    doctors = ctx.rds.doctors
    experts = int(doctors["is_expert"].astype(bool).sum())
    return _KEY_PER_MONTH * experts + _OTHER_PER_MONTH * (len(doctors) - experts)


def _s5_reps_needed(ctx: Context) -> int:
    days = int(month_working_days(pd.PeriodIndex([_plan_month(ctx)])).iloc[0])
    return math.ceil(_s5_visits_needed(ctx) / (days * _VISITS_PER_DAY))


def _s5_per_day(ctx: Context) -> pd.Series:
    calls = ctx.rds.calls
    last = calls["date"].max().to_period("M")
    days = int(month_working_days(pd.PeriodIndex([last])).iloc[0])
    month_calls = calls[calls["date"].dt.to_period("M") == last]
    out = month_calls.groupby("rep_id").size() / days
    return out.rename("visits_per_day")


def _s5_q1() -> Spec:
    return Spec(
        question="下半年第一个月有几个工作日？（按中国法定节假日和调休）",
        expected=lambda ctx: int(month_working_days(pd.PeriodIndex([_plan_month(ctx)])).iloc[0]),
        compare=_number("对。工作日是拜访能力的上限。", integer=True, what="工作日数"),
        hints=(
            "下半年第一个月：`rk.Half.parse(half).next.months[0]`。",
            "`rk.calendar.month_working_days([month])` 返回每月工作日数。",
        ),
        solution=(
            "month = rk.Half.parse(half).next.months[0]\n"
            "answer = int(rk.calendar.month_working_days([month]).iloc[0])"
        ),
        explain="repkit 的日历包含春节、国庆等假期和周末调休上班日。",
    )


def _s5_q2() -> Spec:
    return Spec(
        question=(
            "拜访记录最后一个月里，每位代表平均每个工作日拜访几次？"
            "（按 rep_id，列名 visits_per_day）"
        ),
        expected=_s5_per_day,
        compare=_table(
            f"对。标准是每人每个工作日至少 {_VISITS_PER_DAY} 次有效拜访，"
            f"低于 {_VISITS_PER_DAY} 的代表需要辅导。",
            value="visits_per_day",
        ),
        hints=(
            '最后一个月：`ds.calls["date"].max().to_period("M")`；'
            '用 `ds.calls["date"].dt.to_period("M") == last` 筛选。',
            "按 `rep_id` 数拜访次数（`.size()`），再除以这个月的工作日数。",
        ),
        solution=(
            'last = ds.calls["date"].max().to_period("M")\n'
            'month_calls = ds.calls[ds.calls["date"].dt.to_period("M") == last]\n'
            "days = int(rk.calendar.month_working_days([last]).iloc[0])\n"
            'answer = (month_calls.groupby("rep_id").size() / days).rename("visits_per_day")'
        ),
    )


def _s5_q3() -> Spec:
    return Spec(
        question=(
            f"计划范本要求对重点客户每月至少 {_KEY_PER_MONTH} 次有效拜访。把专家当作重点客户"
            f"（每月 {_KEY_PER_MONTH} 次），其他医生按最低标准每月 {_OTHER_PER_MONTH} 次，"
            "区域内所有医生下半年第一个月共需多少次拜访？"
        ),
        expected=_s5_visits_needed,
        compare=_number(
            "对。这是拜访计划的需求侧：每位客户每月的次数，不是每位代表每天的次数。",
            integer=True,
            what="拜访次数",
        ),
        hints=(
            '专家人数：`ds.doctors["is_expert"].sum()`。',
            f"{_KEY_PER_MONTH} × 专家人数 + {_OTHER_PER_MONTH} × 其他医生人数。",
        ),
        solution=(
            'experts = int(ds.doctors["is_expert"].sum())\n'
            f"answer = {_KEY_PER_MONTH} * experts"
            f" + {_OTHER_PER_MONTH} * (len(ds.doctors) - experts)"
        ),
    )


def _s5_q4() -> Spec:
    return Spec(
        question=(
            f"每人每个工作日 {_VISITS_PER_DAY} 次有效拜访（《医药销售工作计划》范文的能力标准），"
            "完成上题的拜访至少需要几位代表？（向上取整）"
        ),
        expected=_s5_reps_needed,
        compare=_number(
            "对。和区域现有代表人数比一比：不够时计划要么加人，要么降低频次。",
            integer=True,
            what="代表人数",
        ),
        hints=(
            f"一位代表一个月的能力 = 工作日数 × {_VISITS_PER_DAY}。",
            "需要人数 = 拜访次数 ÷ 单人能力，向上取整：`math.ceil`。",
        ),
        solution=(
            "import math\n"
            "month = rk.Half.parse(half).next.months[0]\n"
            f"capacity = int(rk.calendar.month_working_days([month]).iloc[0]) * {_VISITS_PER_DAY}\n"
            'experts = int(ds.doctors["is_expert"].sum())\n'
            f"answer = math.ceil(({_KEY_PER_MONTH} * experts"
            f" + {_OTHER_PER_MONTH} * (len(ds.doctors) - experts)) / capacity)"
        ),
    )


def _s5() -> list[Spec]:
    return [_s5_q1(), _s5_q2(), _s5_q3(), _s5_q4()]


# --------------------------------------------------------------------------- session 6


def _series(ctx: Context) -> pd.Series:
    product = _focus_product(ctx)
    sales = ctx.rds.sales
    history = sales[(sales["product"] == product) & (sales["month"] <= ctx.half.end)]
    return history.groupby("month")["units"].sum()


def _s6() -> list[Spec]:
    def naive_total(ctx: Context) -> float:
        return float(_series(ctx).reindex(ctx.half.next.same_last_year.months).sum())

    def forecast_frame(ctx: Context) -> pd.DataFrame:
        from repkit import forecast

        return forecast.forecast(_series(ctx), 6, method="snaive")

    def interval_width(ctx: Context) -> float:
        fc = forecast_frame(ctx)
        return float((fc["hi_80"] - fc["lo_80"]).mean())

    def growth(ctx: Context) -> float:
        fc = forecast_frame(ctx)
        return float(fc["mean"].sum() / _series(ctx).reindex(ctx.half.months).sum() - 1)

    return [
        Spec(
            question="最朴素的预测：下半年 = 去年同期。去年同期 6 个月的数量合计是多少？",
            expected=naive_total,
            compare=_number("对。这就是“季节性朴素”预测，任何模型都要先赢过它。", what="合计"),
            hints=(
                "去年同期的月份：`rk.Half.parse(half).next.same_last_year.months`。",
                "序列 `y` 以月份为索引：`y.reindex(months).sum()`。",
            ),
            solution=(
                "months = rk.Half.parse(half).next.same_last_year.months\n"
                "answer = y.reindex(months).sum()"
            ),
        ),
        Spec(
            question=(
                '用 rk.forecast.forecast(y, 6, method="snaive") 预测，'
                "80% 区间平均有多宽（hi_80 − lo_80 的平均）？"
            ),
            expected=interval_width,
            compare=_number(
                "对。区间宽说明不确定性大：指标定在区间上沿要有行动支撑。",
                rel=1e-6,
                what="区间宽度",
            ),
            hints=(
                '`fc = rk.forecast.forecast(y, 6, method="snaive")` 返回每月一行。',
                '`(fc["hi_80"] - fc["lo_80"]).mean()`。',
            ),
            solution=(
                'fc = rk.forecast.forecast(y, 6, method="snaive")\n'
                'answer = (fc["hi_80"] - fc["lo_80"]).mean()'
            ),
        ),
        Spec(
            question="同一个预测的 6 个月合计，比复盘半年的实际合计增长多少？（0–1 的小数）",
            expected=growth,
            compare=_number(
                "对。把它和公司要求的 +40–60% 比一比：差出来的部分要靠行动计划补。",
                rel=1e-6,
                rate=True,
                what="增长率",
            ),
            hints=(
                '预测合计：`fc["mean"].sum()`；实际合计：`y.reindex(rk.Half.parse(half).months).sum()`。',
                "增长率 = 预测合计 / 实际合计 − 1。",
            ),
            solution=(
                'fc = rk.forecast.forecast(y, 6, method="snaive")\n'
                "actual = y.reindex(rk.Half.parse(half).months).sum()\n"
                'answer = fc["mean"].sum() / actual - 1'
            ),
        ),
    ]


# --------------------------------------------------------------------------- session 7


def _next_target(ctx: Context) -> int:
    t = _targets(ctx, ctx.half.next)
    return int(t.loc[t["product"] == _focus_product(ctx), "units"].sum())


def _by_month(ctx: Context) -> pd.Series:
    from repkit.plan import allocate

    out = allocate(_next_target(ctx), month_working_days(ctx.half.next.months))
    out.index.name = "month"
    return out.rename("units")


def _by_hospital(ctx: Context) -> pd.Series:
    from repkit.plan import allocate

    sales = _half_sales(ctx)
    rows = sales[sales["product"] == _focus_product(ctx)]
    weights = rows.groupby("hospital_id")["units"].sum().clip(lower=0)
    out = allocate(_next_target(ctx), weights)
    out.index.name = "hospital_id"
    return out.rename("units")


def _by_week(ctx: Context) -> pd.Series:
    from repkit.plan import allocate

    weeks = weeks_of_half(ctx.half.next).groupby("week")["working_days"].sum()
    out = allocate(_next_target(ctx), weeks[weeks > 0])
    out.index.name = "week"
    return out.rename("units")


def _s7() -> list[Spec]:
    return [
        Spec(
            question="把 total 按各月工作日数分到下半年 6 个月（整数，合计不变）。",
            expected=_by_month,
            compare=lambda a, e, ctx: passes(
                integers_summing, a, e, ok="对。每月的整数加起来正好等于半年指标。"
            ),
            hints=(
                "权重：`rk.calendar.month_working_days(nxt.months)`。",
                "分配：`rk.plan.allocate(total, weights)`，它保证整数之和等于 total。",
            ),
            solution="answer = rk.plan.allocate(total, rk.calendar.month_working_days(nxt.months))",
            explain=(
                "`allocate` 用最大余数法：先按比例取整，"
                "余下的几个单位给小数部分最大的项，合计永远不变。"
            ),
        ),
        Spec(
            question="把 total 按各医院在复盘半年里该品种的销量占比分到医院（按 hospital_id）。",
            expected=_by_hospital,
            compare=lambda a, e, ctx: passes(
                integers_summing,
                a,
                e,
                ok="对。历史占比是最常用的权重；新开发的医院要另加潜力权重。",
            ),
            hints=(
                "权重：复盘半年该品种按 `hospital_id` 汇总的 `units`。",
                "退货多的医院合计可能为负，用 `.clip(lower=0)` 截到 0，再交给 `rk.plan.allocate`。",
            ),
            solution=(
                "s = ds.sales\n"
                "months = rk.Half.parse(half).months\n"
                'rows = s[s["month"].isin(months) & (s["product"] == product)]\n'
                'weights = rows.groupby("hospital_id")["units"].sum().clip(lower=0)\n'
                "answer = rk.plan.allocate(total, weights)"
            ),
        ),
        Spec(
            question="把 total 按周分到下半年的每一周（每周工作日数为权重，按 week 的表）。",
            expected=_by_week,
            compare=lambda a, e, ctx: passes(
                integers_summing, a, e, ok="对。这就是计划范本表 D 里的“每周工作计划”。"
            ),
            hints=(
                "`rk.calendar.weeks_of_half(nxt)` 列出每月的每一周和工作日数；"
                "跨月的周出现两次，按 `week` 汇总。",
                '`weeks = ….groupby("week")["working_days"].sum()`，'
                "去掉为 0 的周后交给 `allocate`。",
            ),
            solution=(
                'weeks = rk.calendar.weeks_of_half(nxt).groupby("week")["working_days"].sum()\n'
                "answer = rk.plan.allocate(total, weeks[weeks > 0])"
            ),
        ),
    ]


# --------------------------------------------------------------------------- session 8


_PDCA = {"plan": "计划 Plan", "do": "执行 Do", "check": "检查 Check", "act": "处理 Act"}


def _as_of(ctx: Context) -> pd.Period:
    """The review month: the fourth month of the half (two months left)."""
    return ctx.half.months[3]


def _s8_to_date(ctx: Context) -> float:
    sales = _half_sales(ctx)
    return float(sales.loc[sales["month"] <= _as_of(ctx), "units"].sum())


def _s8_time_progress(ctx: Context) -> float:
    days = month_working_days(ctx.half.months)
    return float(days.loc[: _as_of(ctx)].sum() / days.sum())


def _s8_sales_progress(ctx: Context) -> float:
    return _s8_to_date(ctx) / float(_targets(ctx)["units"].sum())


def _s8_remaining(ctx: Context) -> pd.Series:
    from repkit.plan import allocate

    left = max(round(float(_targets(ctx)["units"].sum()) - _s8_to_date(ctx)), 0)
    months = ctx.half.months[ctx.half.months > _as_of(ctx)]
    out = allocate(left, month_working_days(months))
    out.index.name = "month"
    return out.rename("units")


def _s8_q1() -> Spec:
    return Spec(
        question="到 as_of 这个月底，时间进度是多少？（已过工作日 ÷ 半年工作日，0–1）",
        expected=_s8_time_progress,
        compare=_number("对。时间进度是衡量完成进度的尺子。", rate=True, what="时间进度"),
        hints=(
            "`days = rk.calendar.month_working_days(months)`，每月一个工作日数。",
            "`days.loc[:as_of].sum() / days.sum()`。",
        ),
        solution=(
            "days = rk.calendar.month_working_days(months)\n"
            "answer = days.loc[:as_of].sum() / days.sum()"
        ),
    )


def _s8_q2() -> Spec:
    return Spec(
        question="到 as_of 月底，数量完成进度是多少？（累计实际 ÷ 半年指标，0–1）",
        expected=_s8_sales_progress,
        compare=_number(
            "对。和时间进度比一比：落后就要在 PDCA 的“处理”里调整。",
            rate=True,
            what="完成进度",
        ),
        hints=(
            "累计实际：这半年中 `month <= as_of` 的 `units` 之和。",
            "半年指标：`ds.targets` 中区域指标（医院编码、代表编码为空的行）"
            "`period == half` 的 `units` 之和。",
        ),
        solution=(
            's, t = ds.sales, ds.targets[ds.targets["hospital_id"].isna()'
            ' & ds.targets["rep_id"].isna()]  # 区域指标\n'
            'actual = s.loc[s["month"].isin(months) & (s["month"] <= as_of), "units"].sum()\n'
            'answer = actual / t.loc[t["period"] == half, "units"].sum()'
        ),
    )


def _s8_q3() -> Spec:
    return Spec(
        question="滚动计划：把剩余指标（半年指标 − 累计实际）按工作日分到剩下的月份（整数）。",
        expected=_s8_remaining,
        compare=lambda a, e, ctx: passes(
            integers_summing, a, e, ok="对。这就是计划范本表 D 里的“半年滚动分解”。"
        ),
        hints=(
            "剩余 = 半年指标 − 累计实际，四舍五入成整数（小于 0 时为 0）。",
            "剩下的月份：`months[months > as_of]`；权重用它们的工作日数，`rk.plan.allocate` 分配。",
        ),
        solution=(
            's, t = ds.sales, ds.targets[ds.targets["hospital_id"].isna()'
            ' & ds.targets["rep_id"].isna()]  # 区域指标\n'
            'actual = s.loc[s["month"].isin(months) & (s["month"] <= as_of), "units"].sum()\n'
            'left = max(round(t.loc[t["period"] == half, "units"].sum() - actual), 0)\n'
            "rest = months[months > as_of]\n"
            "answer = rk.plan.allocate(left, rk.calendar.month_working_days(rest))"
        ),
    )


def _s8_q4() -> Spec:
    return Spec(
        question=(
            "周六复盘发现某品种连续两周低于计划，找到原因后调整下周拜访安排——这是 PDCA 的哪一步？"
        ),
        expected=lambda ctx: "act",
        compare=lambda a, e, ctx: passes(
            choice,
            a,
            e,
            options=_PDCA,
            ok="对。“检查”发现差距，“处理”把原因变成下一轮计划的调整。",
        ),
        hints=(
            "P 计划、D 执行、C 检查（对比计划找差距）、A 处理（纠偏、标准化）。",
            "发现差距是 C；根据原因调整下周安排是哪一步？",
        ),
        solution='answer = "act"',
    )


def _s8() -> list[Spec]:
    return [_s8_q1(), _s8_q2(), _s8_q3(), _s8_q4()]


# --------------------------------------------------------------------------- registry

_SETUP_6 = """\
product = ex.product   # 本周的重点品种：下半年指标最大的品种
end = rk.Half.parse(half).end
rows = ds.sales[(ds.sales["product"] == product) & (ds.sales["month"] <= end)]
y = rows.groupby("month")["units"].sum()   # 月度数量序列，预测的输入
"""

_SETUP_7 = """\
product = ex.product   # 本周的重点品种：下半年指标最大的品种
nxt = rk.Half.parse(half).next   # 要做计划的下半年
t = ds.targets
total = int(t.loc[(t["period"] == str(nxt)) & (t["product"] == product), "units"].sum())
"""

_SETUP_8 = """\
as_of = ex.as_of   # 复盘时点：半年的第 4 个月末，还剩两个月
months = rk.Half.parse(half).months
"""

SESSIONS: dict[int, SessionInfo] = {
    1: SessionInfo(1, "01_reading_data", "读懂你区域的数据", "Reading your region's data"),
    2: SessionInfo(2, "02_review_gap", "上半年回顾与差距", "Half-year review and gap"),
    3: SessionInfo(3, "03_abc_pyramid", "ABC 分级与金字塔", "ABC tiering and the pyramid"),
    4: SessionInfo(
        4, "04_adoption_ladder", "用药评级阶梯与拜访目的", "The adoption ladder and call purposes"
    ),
    5: SessionInfo(5, "05_call_planning", "拜访标准与拜访计划", "Visit norms and call planning"),
    6: SessionInfo(
        6,
        "06_forecasting",
        "预测基础：为什么要看区间",
        "Forecasting basics and why intervals matter",
        _SETUP_6,
    ),
    7: SessionInfo(
        7,
        "07_decomposition",
        "把指标分解到月、周和医院",
        "Decomposing a target to months, weeks and hospitals",
        _SETUP_7,
    ),
    8: SessionInfo(
        8, "08_weekly_pdca", "周跟踪与 PDCA 复盘", "Weekly tracking and the PDCA review", _SETUP_8
    ),
    9: SessionInfo(
        9,
        "09_competitors_meetings",
        "竞品与会议跟踪",
        "Competitor and meeting tracking",
        SETUP_9,
    ),
}
"""The curriculum: session number → title, notebook stem and the setup cell's code."""

BUILDERS = {1: _s1, 2: _s2, 3: _s3, 4: _s4, 5: _s5, 6: _s6, 7: _s7, 8: _s8, 9: _s9}
