"""Wording of errors, the CLI, its help and batch runs (part of repkit.messages).

Each entry is (Chinese template, English template) in :meth:`str.format` syntax.
"""

from __future__ import annotations

SENTENCES: dict[str, tuple[str, str]] = {
    # -- DataError (errors.py)
    "error.summary": ("输入数据中有 {n} 个问题", "{n} problems in the input data"),
    "error.summary_one": ("输入数据中有 1 个问题", "1 problem in the input data"),
    "error.folder": (
        "数据文件夹 {folder} 中有 {n} 个问题",
        "{n} problems in the data folder {folder}",
    ),
    "error.not_monthly": ("序列不是按月的", "the series is not monthly"),
    "error.series": ("序列无法预测", "the series cannot be forecast"),
    "error.not_numbers": (
        "{column!r} 中有 {n} 个值不是数字",
        "{n} values of {column!r} are not numbers",
    ),
    "error.blank_values": (
        "{column!r} 中有 {n} 个值为空或不是数字",
        "{n} values of {column!r} are blank or not numbers",
    ),
    "error.months_without_row": ("{n} 个月份没有数据行", "{n} months have no row"),
    "error.tiers": ("repkit 无法读取的手工分级", "manual tiers that repkit cannot read"),
    "word.series_index": ("y 的索引", "y's index"),
    "word.daily_weekly": ("按日或按周", "daily or weekly"),
    "error.no_data_files": ("{folder} 中没有数据文件", "no data files in {folder}"),
    "error.line": ("{i}. [{rule}] {where}：{message}。", "{i}. [{rule}] {where}: {message}."),
    "error.fix": ("改正方法：{fix}", " Fix: {fix}"),
    "error.more": ("… 还有 {n} 个问题，见 err.problems", "… and {n} more, see err.problems"),
    "error.row": ("第 {row} 行", "row {row}"),
    "error.column": ("「{column}」列", "column {column}"),
    "error.data": ("<数据>", "<data>"),
    # -- arguments and paths
    "path.reason": ("{reason}：{path}", "{reason}: {path}"),
    "path.missing": ("找不到文件或文件夹：{path}", "no such file or folder: {path}"),
    "path.no_file": ("找不到文件：{path}", "no such file: {path}"),
    "path.not_folder": ("{path} 不是文件夹", "{path} is not a folder"),
    "path.is_folder": (
        "{path} 是文件夹；文件夹请用 load_dataset() 或 check()",
        "{path} is a folder; use load_dataset() or check() for folders",
    ),
    "path.folder_not_file": (
        "这是文件夹，不是文件；请给出文件名",
        "a folder, not a file; give a file name",
    ),
    "path.in_the_way": (
        "有一个文件占着要建文件夹的位置：{path}",
        "a file is in the way of a folder: {path}",
    ),
    "path.no_template": ("找不到模板：{path}", "template not found: {path}"),
    "arg.sql_no_region": (
        "{name} 的表 {table} 没有区域列（区域、大区、region …），无法按区域读取；现有列：{columns}",
        "table {table} of {name} has no region column (区域, 大区, region …) to read one "
        "region from; its columns: {columns}",
    ),
    "arg.region_not_sql": (
        "region= 只用于数据库（SQLAlchemy 地址或 SQLite 文件）；文件请用 repkit ingest 按区域分区",
        "region= applies to databases (a SQLAlchemy URL or a SQLite file); for files, "
        "use repkit ingest to partition them by region",
    ),
    "path.not_a_store": (
        "{path} 已存在且不是 repkit 数据仓；请另选一个新文件夹（不会覆盖其中的文件）",
        "{path} exists and is not a repkit store; choose a new folder (its files are "
        "never replaced)",
    ),
    "path.old_store": (
        "{path} 是旧版 repkit 写的数据仓，请重新运行 repkit ingest",
        "{path} was written by another repkit version; run repkit ingest again",
    ),
    "path.no_data": ("找不到数据文件夹：{path}", "data folder not found: {path}"),
    "path.no_store": (
        "{path} 处没有 repkit 数据仓（缺少 store.json）；请先运行 repkit ingest 写到这里",
        "no repkit store at {path} (no store.json); run repkit ingest to write one there",
    ),
    "path.no_holidays": ("找不到假日文件：{path}", "no such holiday file: {path}"),
    "path.no_holidays_env": (
        "环境变量 {env} 指向的假日文件不存在：{path}；请改正路径，或删除这个环境变量",
        "the holiday file named by the environment variable {env} does not exist: {path}; "
        "correct the path or unset the variable",
    ),
    "arg.by": (
        "by 只能用 {valid} 中的列；收到 {value}",
        "by must use {valid}; got {value}",
    ),
    "arg.review_by": (
        "by 只能是 {valid} 之一；收到 {value!r}",
        "by must be one of {valid}; got {value!r}",
    ),
    "arg.norm_preset": (
        "没有拜访标准预设 {name!r}；可选：{valid}",
        "unknown norm preset {name!r}; valid presets: {valid}",
    ),
    "arg.norms_columns": (
        "拜访标准表需要 tier、level、visits_per_month 三列；收到 {got}",
        "norms needs columns tier, level, visits_per_month; got {got}",
    ),
    "arg.norms_type": (
        "norms 只能是 None、字典或表格（DataFrame）；收到 {type}",
        "norms must be None, a dict or a DataFrame, got {type}",
    ),
    "arg.norms_tier": (
        "拜访标准中的医生分级 {tier!r} 不存在；可选：A、B、C",
        "unknown tier {tier!r} in norms; valid tiers: A, B, C",
    ),
    "arg.norms_number": (
        "{tier} 级医生的拜访标准必须是 0 或正整数（次/月）；收到 {value!r}",
        "norm for tier {tier} must be a whole number >= 0, got {value!r}",
    ),
    "arg.norms_level": (
        "拜访标准中的医院级别 {level!r} 不存在；可选：{valid}",
        "unknown hospital level {level!r} in norms; valid: {valid}",
    ),
    "arg.weights_frame": (
        "weights 必须是一列（Series），不能是表格（DataFrame）",
        "weights must be one column (a Series), not a DataFrame",
    ),
    "arg.weights_numbers": ("weights 必须是数字", "weights must be numbers"),
    "arg.total_whole": (
        "总数必须是整数，收到 {value!r}",
        "total must be a whole number, got {value!r}",
    ),
    "arg.total_negative": (
        "总数不能为负，收到 {value!r}",
        "total must not be negative, got {value!r}",
    ),
    "arg.lengths": (
        "{name} 有 {n} 个值，但权重有 {weights} 个；两者个数要相同",
        "{name} has {n} values for {weights} weights",
    ),
    "arg.allocate_failed": (
        "无法精确分配；请检查 minimum 和 cap",
        "could not allocate exactly; check minimum and cap",
    ),
    "arg.weights_nan": (
        "weights 中有空值（位置 {where}）；请先填上或删去这些行",
        "weights must not be NaN (at {where}); fill or drop them first",
    ),
    "arg.weights_negative": (
        "weights 不能为负（位置 {where}）",
        "weights must not be negative (at {where})",
    ),
    "arg.no_shares": (
        "没有可分配的对象，无法分配 {total}",
        "cannot allocate {total} to no shares",
    ),
    "arg.minimum_negative": ("minimum 不能为负", "minimum must not be negative"),
    "arg.minimum_above_cap": (
        "minimum 高于 cap（位置 {where}）",
        "minimum is above cap at {where}",
    ),
    "arg.minimums_above_total": (
        "各项最低值合计 {sum}，超过总数 {total}；请降低 minimum 或提高总数",
        "minimums add up to {sum}, more than the total {total}; lower minimum or raise the total",
    ),
    "arg.caps_below_total": (
        "各项上限合计 {sum}，低于总数 {total}（目标无法完成）；请提高 cap 或降低总数",
        "caps add up to {sum}, less than the total {total}; raise cap or lower the total "
        "(the target is not feasible)",
    ),
    "arg.no_rows_to_split": (
        "以下上级指标找不到可分配的下级行：{keys}",
        "no rows to split into for {keys}",
    ),
    "arg.cap_too_low": (
        "{product}：{n} 件在 cap={cap}×（各医院历史最高月）之内放不下（{error}）；"
        "请提高 cap= 或降低目标",
        "{product}: {n} units cannot be placed with cap={cap}× each hospital's best month "
        "({error}); raise cap= or lower the target",
    ),
    "arg.targets_period": (
        "指标表需要 week（Period[W-SUN]）或 month（Period[M]）列",
        "targets need a week (Period[W-SUN]) or month (Period[M]) column",
    ),
    "arg.no_working_day": (
        "{n} 行指标有数量，但所在期间没有工作日（第一行：{row}）；请把这些数量移到有工作日的周",
        "{n} target rows have units but no working day in their period (first: row {row}); "
        "move those units to a working week",
    ),
    "arg.daily_columns": (
        "日销售历史需要 date 和 units 两列",
        "daily history needs columns date and units",
    ),
    "arg.trace_keys": (
        "无法识别的键 {value}；可用：{valid}",
        "unknown keys {value}; valid: {valid}",
    ),
    "arg.no_target": ("没有与 {what} 对应的指标", "no target matches {what}"),
    "arg.no_weekly_target": ("没有与 {what} 对应的周指标", "no weekly target matches {what}"),
    "arg.task": (
        "任务必须是每个产品的非负整数件数；收到 {value!r}",
        "task must be whole, non-negative units per product; got {value!r}",
    ),
    "arg.placement_one": (
        "placement_share（0–1）和 placement_units 只能给出其中一个",
        "give exactly one of placement_share (0–1) or placement_units",
    ),
    "arg.placement_share": (
        "placement_share 必须在 0–1 之间，收到 {value}",
        "placement_share must be within 0–1, got {value}",
    ),
    "arg.placement_units": (
        "placement_units 必须是 0–{total:,}（任务量）之间的整数件数，收到 {value}",
        "placement_units must be whole units within 0–{total:,} (the task), got {value}",
    ),
    "arg.stock_months": (
        "库存月数需满足 0 ≤ low < high；收到 low={low}、high={high}",
        "need 0 ≤ low < high months of stock; got low={low}, high={high}",
    ),
    "arg.node_levels": (
        "层级只能是 {valid}；收到 {value}",
        "node levels must be among {valid}; got {value}",
    ),
    "arg.no_node": ("计划中没有 {node} 的预测", "the plan has no forecast for {node}"),
    "arg.visits_per_day": (
        "visits_per_day 必须为正数，收到 {value}",
        "visits_per_day must be positive, got {value}",
    ),
    "arg.week_outside": (
        "第 {week} 周不在计划的半年 {half} 之内（{first} … {last}）：换一个 {half} 之内的日期，"
        '或按这一周所在的半年 {own} 做计划（模板参数 half = "{own}"，repkit batch 加 '
        "--half {own}）",
        "week {week} is outside the plan's half {half} (weeks {first} … {last}): choose a day "
        "inside {half}, or plan the half the week is in, {own} (template parameter half = "
        '"{own}"; repkit batch --half {own})',
    ),
    "arg.choice": (
        "{option} {value!r} 无法识别；可用：{valid}",
        "{option} {value!r} is not recognised; valid: {valid}",
    ),
    "arg.column": (
        "{option} {value!r} 不是{table}表的列；可用：{valid}",
        "{option} {value!r}: not a {table} column; valid: {valid}",
    ),
    "arg.timezone": (
        "无法识别时区 {value!r}（{env} 或 --tz）；请写 IANA 时区名，如 Asia/Shanghai、UTC，"
        "或 local",
        "unknown time zone {value!r} ({env} or --tz); give an IANA name such as "
        "Asia/Shanghai or UTC, or local",
    ),
    "arg.horizon": (
        "horizon 必须是正整数个月，收到 {value!r}",
        "horizon must be a positive whole number of months, got {value!r}",
    ),
    "arg.method": (
        "method 必须是以下之一：{valid}；收到 {value!r}",
        "method must be one of {valid}; got {value!r}",
    ),
    "arg.sample_regions": (
        "regions 至少为 1，收到 {value}",
        "regions must be at least 1, got {value}",
    ),
    "arg.param": (
        "--param {item!r}：请写成 名称=值（NAME=VALUE）",
        "--param {item!r}: write NAME=VALUE",
    ),
    "arg.half": (
        "无法识别半年 {value!r}；请写成 2026H1 或 2026H2（或 2026年上半年 / 2026年下半年）",
        "cannot read half-year {value!r}; write it like '2026H1' or '2026H2' "
        "(or 2026年上半年 / 2026年下半年)",
    ),
    "plan.quotas_not_binding": (
        "公司给出了 {half} 的 {n} 个医院、科室或销售人员层级的指标；本计划按 repkit 的规则分解，"
        "不受它们约束，其中 {off} 个与计划不同（差异最大：{what} 公司 {quota} / 计划 {plan}）。"
        "要让医院的指标照公司的数字分解，选公司指标情景（company），或把它写进 经理指定.xlsx "
        "作为固定值；科室和销售人员的指标只能参考。",
        "the company gave {half} {n} hospital, department or sales-staff quotas; this plan "
        "decomposes by repkit's rules and is not bound by them, {off} of them differ from the "
        "plan (largest: {what} company {quota} / plan {plan}). To make the hospitals' quotas "
        "hold, choose the company scenario or give them as fixed figures in 经理指定.xlsx; "
        "department and sales-staff quotas are for reference only.",
    ),
    "plan.quotas_not_binding.lower": (
        "公司给出了 {half} 的 {n} 个科室或销售人员层级的指标；经理指定只到医院一级，这些指标"
        "不约束本计划，计划按 repkit 的规则分到科室和销售人员，其中 {off} 个与计划不同"
        "（差异最大：{what} 公司 {quota} / 计划 {plan}）。",
        "the company gave {half} {n} department or sales-staff quotas; overrides reach down to "
        "hospitals only, so these do not bind the plan, which splits over departments and "
        "sales staff by repkit's rules; {off} of them differ from the plan (largest: {what} "
        "company {quota} / plan {plan}).",
    ),
    "plan.quotas_not_binding.company": (
        "公司给出的 {half} 指标中有 {n} 个医院、科室或销售人员层级的指标不约束本计划："
        "医院指标只在医院和品种都在计划中时才照公司的数字固定，科室和销售人员的指标不能写进"
        "经理指定；其中 {off} 个与计划不同（差异最大：{what} 公司 {quota} / 计划 {plan}）。",
        "{n} of the company's {half} hospital, department or sales-staff quotas do not bind "
        "the plan: a hospital quota is fixed at the company's figure only when the hospital "
        "and the product are in the plan, and department and sales-staff quotas cannot be "
        "overrides; {off} of them differ from the plan (largest: {what} company {quota} / "
        "plan {plan}).",
    ),
    "plan.quotas_overridden": (
        "公司给出的 {n} 个医院指标已有经理指定（同一医院、同一品种的整个半年），本计划按"
        "经理指定分解，不按公司的数字：{items}。",
        "{n} hospital quotas of the company are also given in 经理指定 (same hospital, same "
        "product, the whole half); the plan follows 经理指定, not the company's figure: "
        "{items}.",
    ),
    "plan.quotas_overridden.item": (
        "{what}（公司 {quota} / 计划 {plan}）",
        "{what} (company {quota} / plan {plan})",
    ),
    "plan.quotas_not_held.target": (
        "{product} 的 {n} 个医院指标与该品种的区域指标无法同时满足（{reason}），本计划没有按"
        "这些医院指标固定，该品种按 repkit 的规则分到医院；请核对公司下达的医院指标。",
        "the {n} hospital quotas of {product} cannot hold with the product's region target "
        "({reason}); the plan does not fix them and splits the product over hospitals by "
        "repkit's rules; check the hospital quotas the company gave.",
    ),
    "plan.quotas_not_held.manager": (
        "{product} 的 {n} 个医院指标与经理指定无法同时满足（{reason}），本计划保留经理指定，"
        "没有按这些医院指标固定该品种；请调整 经理指定.xlsx 或核对公司下达的医院指标。",
        "the {n} hospital quotas of {product} cannot hold together with 经理指定 ({reason}); "
        "the plan keeps 经理指定 and does not fix these quotas; adjust 经理指定.xlsx or check "
        "the hospital quotas the company gave.",
    ),
    "calendar.unofficial": (
        "{year} 年的放假安排尚未收录官方公布版本：{what}，工作日与周指标为暂定；官方安排公布后"
        "请更新 chinesecalendar，或用环境变量 {env} / 数据文件夹中的节假日.xlsx 提供自己的日历。",
        "the official holiday schedule of {year} is not yet included: {what}, so working days "
        "and weekly targets are provisional; update chinesecalendar once it is published, or "
        "give your own calendar with the {env} variable or 节假日.xlsx in the data folder.",
    ),
    "calendar.provisional": (
        "春节放假按 repkit 估计（除夕起 9 天，前后各调休一天）",
        "the Spring Festival break is repkit's estimate (9 days from New Year's Eve, a "
        "make-up working day on each side)",
    ),
    "calendar.estimated": (
        "节假日按农历推算，没有调休",
        "holidays follow the lunar calendar, without make-up working days",
    ),
    "plan.no_overrides": (
        "本计划没有经理指定的数字；可在 经理指定.xlsx 中给医院、品种的固定值、下限、上限"
        "和月度里程碑",
        "this plan has no figures of the manager's; give fixed figures, floors, caps and "
        "monthly milestones per hospital and product in 经理指定.xlsx",
    ),
    "plan.no_goals": (
        "本计划没有科室开发目标；可在 经理指定.xlsx 中按医院、月份给出开发率",
        "this plan has no department development goals; give development rates per hospital "
        "and month in 经理指定.xlsx",
    ),
    "plan.target_below_base": (
        "增长目标 {planned} 低于基准预测 {base}：按上半年实际增长的目标比照现在趋势能做到的还少，"
        "请核对增长率或改用基准/公司指标。",
        "the growth target {planned} is below the base forecast {base}: growing on the first "
        "half's actual plans less than the present trend achieves; check the growth rate or "
        "use the base or company scenario.",
    ),
    "plan.forecast_fallback": (
        "回测中自动选择的预测模型（MASE {auto:.2f}）不如季节性朴素（去年同月，MASE {naive:.2f}），"
        "本计划的预测改用季节性朴素。",
        "in the backtest the automatic forecast (MASE {auto:.2f}) lost to seasonal naive (the "
        "same month last year, MASE {naive:.2f}); this plan forecasts with seasonal naive.",
    ),
    "plan.review_half_partial": (
        "{half}只有 {n} 个月的数据（截至 {last}）：回顾只比较这 {n} 个月，"
        "增长目标以月均实际 × 6（run rate）为基数。",
        "{half} has data for {n} months only (to {last}): the review compares those {n} "
        "months, and the growth target is based on the monthly average × 6 (run rate).",
    ),
    "plan.review_half_absent": (
        "{half}没有销售数据（数据截至 {last}）：不做回顾，增长目标改用预测作为基数。",
        "{half} has no sales data (the data end in {last}): no review; the growth target is "
        "based on the forecast instead.",
    ),
    "plan.replan_beyond_growth": (
        "至今完成进度 {pace:.0%}：剩余月份即使按{source}（+{max_growth:.0%}）提速，"
        "可行计划仍少 {cut:,} 盒/支，需另行说明或调整指标。",
        "progress so far {pace:.0%}: even speeding up the remaining months at {source} "
        "(+{max_growth:.0%}), the feasible plan falls {cut:,} units short; explain it or "
        "adjust the targets.",
    ),
    "plan.growth_cap.history": ("历史最大增长", "the largest growth in the history"),
    "plan.growth_cap.given": ("指定的可行增长上限", "the given ceiling on feasible growth"),
    "forecast.coverage_part": (
        "{level}% 区间覆盖了 {cov:.0%}（应接近 {level}%）",
        "the {level}% interval covered {cov:.0%} (should be near {level}%)",
    ),
    "forecast.coverage_wide": (
        "回测中实际值落在区间里的太多：{covered}。区间偏宽，实际的不确定性比区间显示的小。",
        "in the backtest too many actuals fell inside the intervals: {covered}. The intervals "
        "are too wide; the real uncertainty is smaller than they show.",
    ),
    "forecast.coverage_narrow": (
        "回测中实际值落在区间里的太少：{covered}。区间偏窄，{side}请把区间看作最低限度的不确定性。",
        "in the backtest too few actuals fell inside the intervals: {covered}. The intervals "
        "are too narrow; {side}read them as the least uncertainty there is.",
    ),
    "forecast.coverage_below": (
        "实际大多低于预测，近期可能出现了历史里没有的下滑；",
        "the actuals were mostly below the forecast, perhaps a recent fall the history does "
        "not show; ",
    ),
    "forecast.coverage_above": (
        "实际大多高于预测，近期可能出现了历史里没有的增长；",
        "the actuals were mostly above the forecast, perhaps a recent growth the history "
        "does not show; ",
    ),
    "forecast.loss_worse": (
        "回测中自动组合的误差平均是“去年同月”（季节朴素）的 {ratio:.2f} 倍，"
        "在 {worse}/{n} 个序列上不如它：",
        "in the backtest the automatic combination's error averaged {ratio:.2f} times that "
        "of the same month last year (seasonal naive), and it lost on {worse}/{n} series: ",
    ),
    "forecast.loss_fewer": (
        "回测中自动组合在 {worse}/{n} 个序列上不如“去年同月”（季节朴素）；"
        "平均误差虽只有它的 {ratio:.2f} 倍，但那是少数序列上好得多拉低的：",
        "in the backtest the automatic combination lost to the same month last year "
        "(seasonal naive) on {worse}/{n} series; its average error is only {ratio:.2f} times "
        "that one's, but a few series where it did much better pull the average down: ",
    ),
    "forecast.loss_advice": (
        '这些序列照搬去年同月可能更准，自动预测只作参考，或改用 method="snaive"。',
        "for these series the same month last year may be more accurate; take the automatic "
        'forecast as a guide only, or use method="snaive".',
    ),
    "prefix.where": ("{where}：", "{where}: "),
    "arg.half_window": (
        "无法按 {value!r} 这样的自定义时段做计划：repkit 按自然半年（1–6 月、7–12 月）整段计划，"
        "不按 7/8–1/31 这类时段（兰州区域半年工作计划范本用的就是这种时段）。请按它开始的半年"
        "计划（'2026H2'，含 7 月 1–7 日），之后的月份取下一个半年的计划（'2027H1'：1 月）；"
        "见 docs/architecture.md 的“Plan windows”一节",
        "cannot plan the window {value!r}: repkit plans calendar half-years "
        "(January–June, July–December) end to end, not custom windows such as 7/8–1/31 "
        "(the 兰州 half-year plan example uses one). Plan the half it starts in ('2026H2', "
        "July 1–7 included) and take the months after it from the next half's plan "
        "('2027H1': January); see 'Plan windows' in docs/architecture.md",
    ),
    "arg.region": (
        "未知区域 {unknown}；可用区域：{valid}",
        "unknown region(s) {unknown}; valid regions: {valid}",
    ),
    "arg.regions_empty": (
        "没有给出区域；可用区域：{valid}",
        "regions is empty; valid regions: {valid}",
    ),
    "arg.no_regions": (
        "数据中没有区域（医院表和销售表都没有区域列）",
        "the data has no regions (no region column in hospitals or sales)",
    ),
    "arg.extra": (
        "{feature}需要可选软件包 {package!r}，当前没有安装。安装方法：pip install "
        '"repkit[{extra}]"（或 "repkit[all]"）',
        "{feature} needs the optional package {package!r}, which is not installed. "
        'Install it with: pip install "repkit[{extra}]" (or "repkit[all]")',
    ),
    "feature.cache": (
        "表格缓存（cache=、REPKIT_CACHE_DIR）",
        "the table cache (cache=, REPKIT_CACHE_DIR)",
    ),
    "feature.parquet": ("读取 parquet 文件", "reading parquet files"),
    "feature.sql": ("读取数据库", "reading databases"),
    "feature.dask": ("用 Dask 调度器运行 repkit batch", "repkit batch with a Dask scheduler"),
    # -- repkit (cli.py)
    "cli.error": ("repkit {command}：{message}", "repkit {command}: {message}"),
    "cli.no_problems": ("{path}：没有发现问题", "{path}: no problems found"),
    "cli.problems": (
        "共 {n} 个问题；改正后再运行 `repkit check`。",
        "{n} problem(s); fix them and run `repkit check` again.",
    ),
    "cli.more": (
        "… 还有 {n} 个问题；repkit check 会列出全部",
        "… and {n} more; repkit check lists them all",
    ),
    "cli.wrote": ("已写入 {path}", "wrote {path}"),
    "cli.wrote_rows": ("已写入 {path}（{n} 行）", "wrote {path} ({n} rows)"),
    "cli.kept": ("保留已有的 {path}", "kept existing {path}"),
    "cli.init_done": (
        "已在 {folder} 写入 {n} 个文件；下一步：见 {readme}",
        "wrote {n} files into {folder}; next: see {readme}",
    ),
    "cli.aborted": ("已中止。", "Aborted!"),
    # -- usage errors of the repkit command (cli.py): wrong arguments or options
    "cli.usage.line": ("{path}：{problem}", "{path}: {problem}"),
    "cli.usage.fix": (
        "运行 `{path} {help}` 查看用法。",
        "Run `{path} {help}` to see how to use it.",
    ),
    "cli.usage.named": ("{name}（{help}）", "{name} ({help})"),
    "cli.usage.missing_argument": ("缺少参数 {name}", "missing argument {name}"),
    "cli.usage.missing_option": ("缺少必填选项 {names}", "missing required option(s) {names}"),
    "cli.usage.no_such_option": ("没有 {option} 这个选项", "no such option: {option}"),
    "cli.usage.no_such_command": ("没有 {command} 这个命令", "no such command: {command}"),
    "cli.usage.commands": ("可用的命令：{commands}", "the commands are {commands}"),
    "cli.usage.did_you_mean": ("是不是想输入 {suggestion}？", "did you mean {suggestion}?"),
    "cli.usage.needs_value": (
        "选项 {option} 后面缺少值（{kind}）",
        "option {option} needs a value ({kind}) after it",
    ),
    "cli.usage.flag_value": (
        "选项 {option} 是开关，后面不带值：只写 {option}",
        "option {option} is a switch and takes no value: write just {option}",
    ),
    "cli.usage.bad_value": (
        "{name} 的值 '{value}' 不是{kind}",
        "{name}: '{value}' is not a valid {kind}",
    ),
    "cli.usage.bad_value_unseen": (
        "{name} 的值不是{kind}",
        "{name}: the value is not a valid {kind}",
    ),
    "cli.usage.range": ("{name} 的值 {value} 超出范围：{range}", "{name}: {value} is not {range}"),
    "cli.usage.path": ("{name} 的路径 {value} {reason}", "{name}: the path {value} {reason}"),
    "cli.usage.own": ("{name}：{message}", "{name}: {message}"),
    "cli.usage.extra": (
        "多出了参数 {args}（路径中有空格时，请用引号把整个路径括起来）",
        "unexpected extra argument(s) {args} (put quotes around a path with spaces)",
    ),
    "cli.usage.other": ("用法不对：{message}", "wrong usage: {message}"),
    "cli.kind.int": ("整数", "integer"),
    "cli.kind.float": ("数字", "number"),
    "cli.kind.path": ("路径", "path"),
    "cli.kind.text": ("文字", "text"),
    "cli.kind.flag": ("开关", "switch"),
    "cli.kind.value": ("可用的值", "value"),
    "cli.kind.choice": ("以下之一：{choices}", "one of {choices}"),
    "cli.range.min": ("应不小于 {min}", "at least {min}"),
    "cli.range.max": ("应不大于 {max}", "at most {max}"),
    "cli.range.between": ("应在 {min} 到 {max} 之间", "between {min} and {max}"),
    "cli.path.missing": ("不存在", "does not exist"),
    "cli.path.is_file": ("是文件，这里要的是文件夹", "is a file; a folder is expected"),
    "cli.path.is_dir": ("是文件夹，这里要的是文件", "is a folder; a file is expected"),
    "cli.path.unreadable": ("没有读取权限", "is not readable"),
    "cli.path.unwritable": ("没有写入权限", "is not writable"),
    # -- the framework's words on the help page (cli.py)
    "help.usage": ("用法：", "Usage: "),
    "help.heading": ("{heading}：", "{heading}:"),
    "help.heading.options": ("选项", "Options"),
    "help.heading.arguments": ("参数", "Arguments"),
    "help.heading.commands": ("命令", "Commands"),
    "help.help_option": ("显示本帮助并退出。", "Show this message and exit."),
    "help.metavar.options": ("[选项]", "[OPTIONS]"),
    "help.metavar.command": ("命令 [参数]...", "COMMAND [ARGS]..."),
    "help.extra.default": ("默认：{value}", "default: {value}"),
    "help.extra.required": ("必填", "required"),
    "help.extra.envvar": ("环境变量：{value}", "env var: {value}"),
    "help.batch.pdf": (
        "同时为每个区域打印 plan.pdf（需要 Chromium）。",
        "Also print plan.pdf per region (needs Chromium).",
    ),
    # -- repkit --help (cli.py)
    "help.app": (
        "repkit：医药销售团队的半年工作计划与增长预测。",
        "repkit: half-year plans and growth forecasts for pharmaceutical sales teams.",
    ),
    "help.cmd.sample": (
        "用固定的随机种子生成模拟数据集，写成中文表头的 Excel/CSV 文件。",
        "Write the seeded synthetic data set as Excel/CSV files with Chinese headers.",
    ),
    "help.cmd.check": (
        "检查数据文件；逐条列出每个问题（规则代码、位置、改正方法）；有问题时退出码为 1。",
        "Check data files; print every problem found; exit 1 when anything was refused.",
    ),
    "help.cmd.plan": (
        "不用笔记本，直接生成一个区域的计划工作簿。",
        "Make one region's plan workbook without a notebook.",
    ),
    "help.cmd.forecast": (
        "按组（默认 区域 × 品种）预测月度数量，带预测区间。",
        "Forecast monthly units per group (default region × product) with intervals.",
    ),
    "help.cmd.batch": (
        "对每个区域运行计划模板；写出报告、index.html 和 manifest.json。",
        "Run the plan template for every region; write reports, index.html, manifest.json.",
    ),
    "help.cmd.pdf": (
        "用无界面 Chromium 把计划文档打印成 PDF（`make chromium` 安装它）。",
        "Print a plan document to PDF with headless Chromium (`make chromium` installs it).",
    ),
    "help.cmd.demo": (
        "把自带示例数据的每个区域做成计划，写入 reports/。",
        "Plan every region of the bundled sample data into reports/.",
    ),
    "help.cmd.ingest": (
        "把数据文件夹检查一遍并写成按区域分区的数据仓（parquet）；之后每个区域只读自己的数据。",
        "Check a data folder once into a region-partitioned store (parquet); each region "
        "then reads only its own rows.",
    ),
    "help.ingest.data": ("存放公司数据文件的文件夹。", "The folder of the company's data files."),
    "help.ingest.out": (
        "数据仓写到哪个文件夹；默认是数据文件夹里的 .repkit-store，"
        "repkit batch --data 数据文件夹 会自动使用它（文件未改动时）。",
        "Folder to write the store to; default .repkit-store inside the data folder, which "
        "repkit batch --data DATA uses while the files are unchanged.",
    ),
    "help.ingest.chunk_rows": (
        "大表每次读取、检查、写入的行数（默认 250000）；内存紧张时调小。",
        "Rows of a large table read, checked and written at a time (default 250,000); "
        "lower it when memory is short.",
    ),
    "cli.ingested": (
        "已写入数据仓 {path}：{regions} 个区域，{rows} 行（{tables}），用时 {seconds:.1f} 秒",
        "wrote the store {path}: {regions} regions, {rows} rows ({tables}) in {seconds:.1f} s",
    ),
    "help.cmd.init": (
        "新建工作文件夹：示例数据、模板、培训、示例和中文 README。",
        "Make a working folder: sample data, templates, training, examples, README in Chinese.",
    ),
    "help.sample.folder": (
        "写入示例文件的文件夹。",
        "Folder to write the sample files into.",
    ),
    "help.sample.seed": (
        "随机种子。",
        "Random seed.",
    ),
    "help.sample.regions": (
        "区域个数。",
        "Number of regions.",
    ),
    "help.check.path": (
        "一个数据文件，或存放数据文件的文件夹。",
        "A data file or a folder of data files.",
    ),
    "help.data": (
        "输入数据文件夹。",
        "Input data folder.",
    ),
    "help.plan.region": (
        "要做计划的区域。",
        "Region to plan.",
    ),
    "help.half": (
        "要做计划的半年，例如 2026H2 或 2026年下半年。",
        "Half-year to plan, e.g. 2026H2.",
    ),
    "help.batch.half": (
        "要做计划的半年，例如 2026H2 或 2026年下半年；不填时为销售数据最后一个月之后的半年。",
        "Half-year to plan, e.g. 2026H2; by default the half after the last month of sales.",
    ),
    "cli.half_from_data": (
        "未指定 --half：销售数据到 {month}，计划 {half}",
        "no --half given: sales run to {month}, planning {half}",
    ),
    "help.plan.out": (
        "plan.xlsx 和 summary.json 的输出文件夹。",
        "Output folder for plan.xlsx and summary.json.",
    ),
    "help.plan.growth": (
        "目标情景：在上半年基础上的增长率（0.5 = 增长 50%）。",
        "Target growth over the last half.",
    ),
    "help.scenario": (
        "分解成指标的情景：基准预测（base）、目标（target）、冲刺（stretch）、"
        "公司指标（company）。",
        "Scenario for the targets: 基准预测 (base), 目标 (target), 冲刺 (stretch), "
        "公司指标 (company).",
    ),
    "help.forecast.out": (
        "写入预测结果的 CSV 文件。",
        "CSV file to write the forecasts to.",
    ),
    "help.forecast.horizon": (
        "预测的月数。",
        "Months to forecast.",
    ),
    "help.forecast.by": (
        "分组列，用逗号分隔：区域/大区（region）、品种/产品（product）、医院、科室、代表 …",
        "Comma-separated grouping columns (region or 大区, 品种, 代表 …).",
    ),
    "help.forecast.method": (
        "预测方法：auto（自动组合）、fast 或单个模型名。",
        "Forecast method (auto or 自动组合, …).",
    ),
    "help.batch.out": (
        "输出文件夹（每个区域一个子文件夹）。",
        "Output folder (one sub-folder per region).",
    ),
    "help.batch.template": (
        "笔记本模板（默认 half_year_plan.ipynb）。",
        "Notebook template (default: half_year_plan.ipynb).",
    ),
    "help.batch.region": (
        "只做这些区域（可重复）。",
        "Only these regions (repeatable).",
    ),
    "help.batch.workers": (
        "并行数（默认：CPU 核数）。",
        "Parallel workers (default: cores).",
    ),
    "help.batch.timeout": (
        "每个区域最多运行的秒数，超时即终止。",
        "Seconds per region before it is killed.",
    ),
    "help.batch.resume": (
        "只重跑失败或缺少的区域。",
        "Re-run only failed or missing regions.",
    ),
    "help.batch.force": (
        "重跑每个区域，包括没有变化的。",
        "Re-run every region, even unchanged ones.",
    ),
    "help.batch.cell_timeout": (
        "单个单元格最多运行的秒数。",
        "Seconds a single cell may run.",
    ),
    "help.batch.retries": (
        "内核或工作进程意外退出后的重跑次数。",
        "Re-runs after a kernel or worker died.",
    ),
    "help.batch.scheduler": (
        "Dask 调度器地址，例如 tcp://host:8786。",
        "Dask scheduler address, e.g. tcp://host:8786.",
    ),
    "help.batch.param": (
        "模板参数 名称=JSON 值（可重复）。",
        "Template parameter NAME=JSON.",
    ),
    "help.batch.tz": (
        "manifest 和索引页时间的时区（默认 REPKIT_TZ，否则 Asia/Shanghai）。",
        "Time zone of manifest and index times (default REPKIT_TZ, else Asia/Shanghai).",
    ),
    "help.pdf.html": (
        "计划文档，例如 reports/兰州/plan.html。",
        "A plan document, e.g. reports/兰州/plan.html.",
    ),
    "help.pdf.out": (
        "要写的 PDF（默认：与 HTML 同一位置）。",
        "PDF to write (default: beside the HTML).",
    ),
    "help.demo.out": (
        "输出文件夹。",
        "Output folder.",
    ),
    "help.demo.workers": (
        "并行数。",
        "Parallel workers.",
    ),
    "help.init.folder": (
        "要新建的工作文件夹。",
        "New working folder to create.",
    ),
    "help.init.force": (
        "填充非空文件夹；已有的文件保留不动。",
        "Fill a non-empty folder; existing files are kept.",
    ),
    # -- repkit batch (batch/_run.py)
    # -- training sessions (repkit/training)
    "training.session": (
        "没有第 {number!r} 次培训；可选：{valid}",
        "unknown session {number!r}; valid: {valid}",
    ),
    "training.give_region": (
        "数据中有多个区域（{regions}），请用 region=... 指定一个",
        "give region=...; the data has regions: {regions}",
    ),
    "training.region": (
        "数据中没有区域 {region!r}；可选：{regions}",
        "unknown region {region!r}; valid regions: {regions}",
    ),
    "training.exercise": (
        "第 {number} 次培训没有练习 {name!r}；可选：{valid}",
        "session {number} has no exercise {name!r}; valid: {valid}",
    ),
    "training.hint": (
        "练习 {label} 的提示编号是 1 到 {n}，不是 {got}",
        "exercise {label} has hints 1..{n}, got {got}",
    ),
    "training.no_last_year": (
        "去年同期（{half}）没有销售，无法计算增长率；换一个有两年数据的区域",
        "no sales in the same half last year ({half}); pick a region with two years of data",
    ),
    "training.no_experts": (
        "区域 {region} 没有专家医生，这道题无法计算；换一个区域",
        "no expert doctors in region {region}; pick another region",
    ),
    # -- index.html of a batch (report/html.py index_html)
    "index.title": ("区域半年工作计划 {half}", "Half-year regional plans {half}"),
    "index.ok": ("成功", "done"),
    "index.skipped": ("未变", "unchanged"),
    "index.failed": ("失败", "failed"),
    "index.timeout": ("超时", "timed out"),
    "index.notebook": ("笔记本", "notebook"),
    "index.failed_run": ("失败的运行", "failed run"),
    "index.err.DataError": ("输入数据有问题", "problem in the input data"),
    "index.err.Timeout": ("超时", "timed out"),
    "index.err.CellTimeout": ("单元格超时", "a cell timed out"),
    "index.err.KernelDied": (
        "内核意外退出（常见原因：内存不足）",
        "the kernel died (often: out of memory)",
    ),
    "index.err.WorkerLost": ("工作进程意外退出", "the worker process was lost"),
    "index.err.MemoryError": ("内存不足", "out of memory"),
    "index.err.OSError": ("文件读写失败", "a file could not be read or written"),
    "index.err.Interrupted": ("运行被中断", "the run was interrupted"),
    "index.err.other": ("程序错误（{name}）", "{name}"),
    "index.last_good": (
        "链接为上次成功运行（{when}）的结果",
        "links show the last good run ({when})",
    ),
    "index.regions": ("{n} 个区域", "{n} regions"),
    "index.finished": ("完成于 {when}", "finished {when}"),
    "index.input": ("输入 {hash}", "input {hash}"),
    "index.footer": (
        "manifest.json 列出每个区域的输入、参数和错误。",
        "manifest.json lists inputs, parameters and errors of every region.",
    ),
    "index.col.region": ("区域", "Region"),
    "index.col.status": ("状态", "Status"),
    "index.col.completion": ("复盘期完成率", "Completion (reviewed half)"),
    "index.col.units": ("目标数量", "Target units"),
    "index.col.amount": ("目标金额(万元)", "Target amount (10k yuan)"),
    "index.col.growth": ("目标增长", "Target growth"),
    "index.col.time": ("用时(秒)", "Time (s)"),
    "index.col.warnings": ("提示", "Warnings"),
    "index.warn.quotas_not_binding": ("公司下级指标未约束分解", "lower quotas not binding"),
    "index.warn.quotas_overridden": ("医院指标按经理指定", "hospital quotas overridden"),
    "index.warn.quotas_not_held": ("医院指标无法照办", "hospital quotas cannot hold"),
    "index.warn.forecast_fallback": ("预测改用去年同月", "forecast fell back to last year"),
    "index.warn.interval_coverage": (
        "预测区间偏窄（回测覆盖不足）",
        "forecast intervals too narrow in the backtest",
    ),
    "index.warn.target_below_base": ("目标低于基准预测", "target below the base forecast"),
    "index.warn.review_half_absent": ("复盘期没有销售数据", "no sales in the reviewed half"),
    "index.warn.review_half_partial": ("复盘期数据不全", "reviewed half incomplete"),
    "index.col.files": ("文件", "Files"),
    "batch.skipped": (
        "{total} 个区域中有 {n} 个自上次运行以来没有变化：跳过",
        "{n} of {total} regions unchanged since the last run: skipped",
    ),
    "batch.capped": (
        "并行数限制为 {limit}（要求 {requested}）：{cores} 个 CPU 核，{memory}，"
        "每个约需 {per:.1f} GB",
        "workers capped at {limit} (asked for {requested}): {cores} CPU cores, {memory}, "
        "about {per:.1f} GB per worker",
    ),
    "batch.memory": ("可用内存 {gb:.1f} GB", "{gb:.1f} GB available memory"),
    "batch.memory_unknown": ("可用内存未知", "memory unknown"),
    "batch.manifest_retry": (
        "暂时无法写入 manifest（{error}）；稍后重试",
        "could not write the manifest yet ({error}); retrying",
    ),
    "batch.stopped": (
        "批量运行中止：{error}。尚未运行的区域记为失败；排除原因（例如腾出磁盘空间）后用 "
        "--resume 再运行",
        "the batch stopped: {error}. Regions not yet run are recorded as failed; fix the "
        "cause (e.g. free disk space) and run again with --resume",
    ),
    "batch.interrupted": ("批量运行已中止", "the batch stopped"),
    "batch.move_failed": ("无法移动输出文件：{error}", "could not move outputs: {error}"),
    "batch.write_failed": (
        "无法写入 {path}：{error}。之前的 manifest 和索引已删除，以免它们声称旧结果。"
        "本次完成的区域：\n{lines}\n腾出空间后再运行（未变的区域会按输出哈希重新核对）。",
        "could not write {path}: {error}. The previous manifest and index were removed so "
        "that they do not claim old results. Regions this run finished:\n{lines}\nFree some "
        "space and run again (unchanged regions are re-checked by their output hashes).",
    ),
    "batch.worker_died": (
        "工作进程意外退出（退出码 {code}）",
        "worker process died (exit code {code})",
    ),
    "batch.worker_exited": ("工作进程在启动时退出", "worker exited while starting"),
    "batch.worker_timeout": (
        "该区域运行超过 {limit:g} 秒；已终止它的工作进程",
        "the region ran longer than {limit:g} s; its worker was killed",
    ),
    "batch.kernel_timeout": (
        "该区域运行超过 {limit:g} 秒；已终止它的内核",
        "the region ran longer than {limit:g} s; its kernel was killed",
    ),
    "batch.cell_limit": (
        "有个单元格运行超过了单元格时限（{limit:g} 秒）",
        "a cell ran longer than the cell time limit ({limit:g} s)",
    ),
    "batch.disk_full": (
        "磁盘已满；腾出空间后再运行（{error}）",
        "the disk is full; free some space and run again ({error})",
    ),
    "batch.no_worker": ("无法启动工作进程：{error}", "could not start a worker: {error}"),
    "batch.no_kernel_start": ("无法启动内核：{error}", "could not start a kernel: {error}"),
    "batch.kernel_silent": (
        "内核在 {limit:g} 秒内没有响应",
        "kernel did not answer within {limit:g} s",
    ),
    "batch.kernel_setup": ("内核准备失败：{error}", "kernel set-up failed: {error}"),
    "batch.head": ("区域 状态 用时 完成率 备注", "region status time completion note"),
    "batch.cell": ("（第 {cell} 个单元格）", " (cell {cell})"),
    "batch.seconds": ("{s:.1f}秒", "{s:.1f}s"),
    "batch.tail": ("{n} 个区域：{parts}", "{n} regions: {parts}"),
    "batch.count": ("{label} {n}", "{n} {label}"),
    "batch.took": ("，用时 {s:.1f} 秒", " in {s:.1f}s"),
    "batch.see": ("；见 {path}", "; see {path}"),
    "batch.bar": ("批量", "batch"),
    "batch.unit": ("个区域", "region"),
    "batch.both_modes": (
        "resume（只重跑失败或缺少的区域）和 force（全部重跑）只能选一个",
        "choose resume (only failed/missing regions) or force (all), not both",
    ),
    "batch.nested": (
        "输出文件夹 {out} 和数据文件夹 {data} 不能互相包含",
        "out_dir {out} and data {data} must not contain one another",
    ),
    "batch.out_is_file": (
        "输出文件夹 {out} 是文件，不是文件夹",
        "out_dir {out} is a file, not a folder",
    ),
    "batch.params": ("批量参数有误：{problems}", "bad batch parameters: {problems}"),
    "batch.param_unknown": (
        "{name}：模板没有这个参数；可用：{valid}",
        "{name}: not a parameter of the template; valid: {valid}",
    ),
    "batch.param_reserved": (
        "{name}：由批量运行为每个区域设置，不要传入",
        "{name}: set by the batch for each region; do not pass it",
    ),
    "batch.param_name": ("{name!r}：不是合法的 Python 名称", "{name!r}: not a Python identifier"),
    "batch.param_infinite": (
        "{name}={value!r}：不是有限的数",
        "{name}={value!r}: not a finite number",
    ),
    "batch.param_type": (
        "{name}={shown}：类型是 {type}；值只能是 JSON 标量（文本、数字、true/false、null）"
        "或它们的列表",
        "{name}={shown}: a {type}; values must be JSON scalars (text, number, true/false, "
        "null) or lists of them",
    ),
    "batch.no_kernel": (
        "没有名为 {name!r} 的 Jupyter 内核；已安装的内核：{valid}",
        "no Jupyter kernel named {name!r}; installed kernels: {valid}",
    ),
    "batch.bad_template": (
        "模板 {path} 不是可读的笔记本：{error}",
        "template {path} is not a readable notebook: {error}",
    ),
    "batch.no_parameters": (
        "模板 {path} 没有标记为 'parameters' 的单元格",
        "template {path} has no cell tagged 'parameters'",
    ),
    "batch.missing_parameters": (
        "模板 {path}：它的参数单元格必须定义 {missing}（现在定义了：{names}）",
        "template {path}: its parameters cell must define {missing} (it defines {names})",
    ),
    "batch.parameters_syntax": (
        "模板的参数单元格不是合法的 Python：{error}",
        "the template's parameters cell is not valid Python: {error}",
    ),
    "batch.workers": (
        "workers 必须是 ≥ 1 的整数或 None，收到 {value!r}",
        "workers must be a whole number >= 1 or None, got {value!r}",
    ),
    "batch.timeout": (
        "timeout 必须是大于 0 的秒数，收到 {value!r}",
        "timeout must be a number of seconds > 0, got {value!r}",
    ),
    "batch.cell_timeout": (
        "cell_timeout 必须是大于 0 的秒数或 None，收到 {value!r}",
        "cell_timeout must be seconds > 0 or None, got {value!r}",
    ),
    "batch.retries": (
        "retries 必须是 ≥ 0 的整数，收到 {value!r}",
        "retries must be a whole number >= 0, got {value!r}",
    ),
    "batch.scheduler": (
        "scheduler 必须是 None、'local' 或调度器地址，收到 {value!r}",
        "scheduler must be None, 'local' or an address, got {value!r}",
    ),
    "plan.unknown_region": (
        "没有区域 {region!r}；可选区域：{regions}",
        "unknown region {region!r}; valid regions: {regions}",
    ),
    "plan.one_region": (
        "每次只为一个区域做计划；请先调用 ds.for_region(区域)（现有区域：{regions}）",
        "build plans one region; call ds.for_region(r) first (regions: {regions})",
    ),
    "plan.no_sales": (
        "区域 {region} 没有销售数据；做计划需要历史销售",
        "region {region} has no sales rows; a plan needs sales history",
    ),
    "plan.before_history": (
        "计划期 {half} 早于销售历史（第一个月份 {first}）；请计划之后的半年",
        "half-year {half} is before the sales history (first month {first}); plan a half-year "
        "after it",
    ),
    "plan.inside_half": (
        "数据已到 {as_of}，落在计划期 {half} 之内；请计划之后的半年",
        "data run to {as_of}, inside the planned half {half}; plan a later half",
    ),
    "plan.scenario": (
        "情景只能是 {scenarios} 之一，收到 {value!r}",
        "scenario must be one of {scenarios}; got {value!r}",
    ),
    "plan.potential_weight": (
        "potential_weight 必须在 0–1 之间，收到 {value}",
        "potential_weight must be within 0–1, got {value}",
    ),
    "plan.cap": ("cap 必须大于 0，收到 {value}", "cap must be positive, got {value}"),
    "plan.no_company_targets": (
        "指标表中没有 {half} 的公司指标；这里可选的情景：base、target、stretch",
        "no company targets for {half} in the targets table; valid scenarios here: base, "
        "target, stretch",
    ),
    "plan.nothing_to_plan": (
        "{scenario} 情景下 {half} 没有可分配的数量",
        "the {scenario} scenario leaves nothing to plan for {half}",
    ),
    "plan.forecast": (
        "forecast 只能是 'auto'、'simple' 或一个函数，收到 {value!r}",
        "forecast must be 'auto', 'simple' or a function, got {value!r}",
    ),
    "plan.forecast_mean": (
        "预测函数必须返回含 'mean' 列的 DataFrame",
        "the forecast function must return a DataFrame with a 'mean' column",
    ),
    "plan.growth_missing": (
        "growth 没有给出 {products} 的增长率；请给每个品种一个增长率，或只给一个数",
        "growth has no rate for {products}; give every product a rate or one number",
    ),
    "plan.growth_range": (
        "growth（增长率）必须大于 -1（-100%），收到 {values}",
        "growth rates must be above -1 (-100 %), got {values}",
    ),
    "plan.procurement_type": (
        "procurement 必须是字典或字典列表",
        "procurement must be a dict or a list of dicts",
    ),
    "plan.procurement_keys": (
        "procurement 中有未知的键 {keys}；可用的键：{valid}",
        "unknown procurement keys {keys}; valid: {valid}",
    ),
    "plan.procurement_needs": (
        "procurement 需要 product、start 和 volume_change",
        "procurement needs product, start and volume_change",
    ),
    "plan.procurement_product": (
        "集采品种 {product!r} 不在计划中；可选品种：{products}",
        "procurement product {product!r} is not planned; valid: {products}",
    ),
    "plan.procurement_change": (
        "volume_change 和 price_change 必须大于 -1（-100%）",
        "volume_change and price_change must be above -1 (-100 %)",
    ),
    "pdf.missing_chromium": (
        "{what}需要无界面 Chromium，但没有找到。请用 `make chromium` 安装"
        "（Debian：`sudo apt-get install chromium`），或把 REPKIT_CHROMIUM 设为 Chrome/Chromium "
        "可执行文件。HTML 文档本身是完整的：可以在浏览器中打开，再从浏览器打印成 PDF。",
        "headless Chromium is needed for {what} but was not found. Install it with "
        "`make chromium` (Debian: `sudo apt-get install chromium`) or set REPKIT_CHROMIUM to a "
        "Chrome/Chromium executable. The HTML document itself is complete: open it in a "
        "browser and print to PDF from there.",
    ),
    "pdf.no_html": ("{path} 处没有 HTML 文件", "no HTML file at {path}"),
    "pdf.timeout": (
        "Chromium 在 {timeout:.0f} 秒内没有完成{what}；请把 timeout 调大",
        "Chromium did not finish {what} within {timeout:.0f} s; try a larger timeout",
    ),
    "pdf.no_output": (
        "Chromium 没有为{what}写出任何内容（退出码 {code}）：{tail}",
        "Chromium wrote no output for {what} (exit {code}): {tail}",
    ),
    "pdf.suffix": (
        "{function} 只写 {suffix} 文件，收到 {name!r}",
        "{function} writes {suffix} files; got {name!r}",
    ),
    "word.pdf_export": ("PDF 导出", "PDF export"),
    "word.screenshot": ("截图", "a screenshot"),
    "plan.as_of_outside": (
        "as_of {as_of} 不在计划期 {half}（{start}–{end}）之内",
        "as_of {as_of} is outside the plan's half {half} ({start}–{end})",
    ),
    "plan.no_sales_yet": (
        "{half} 还没有销售数据；{start} 有销售后才能开始跟踪",
        "no sales inside {half} yet; tracking starts once {start} has sales",
    ),
    "plan.nothing_left": (
        "{as_of} 之后计划已没有剩余月份",
        "no months of the plan are left after {as_of}",
    ),
    "plan.max_growth": (
        "max_growth 必须是 ≥ 0 的数，收到 {value}",
        "max_growth must be a number ≥ 0, got {value}",
    ),
    "plan.max_growth_needs_as_of": (
        "max_growth 用于滚动调整计划：请同时给出 as_of（实际数据的最后一个月）",
        "max_growth caps a rolling re-plan: give as_of (the last month of actuals)",
    ),
    "none": ("无", "none"),
    "word.or": ("或", " or "),
    "word.comma": ("，", ", "),
    "word.semicolon": ("；", "; "),
}
"""Sentence key (``error.*``, ``cli.*``, ``help.*``, ``batch.*`` …) → (Chinese, English)."""
