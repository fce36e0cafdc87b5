"""One registry of the words people read: column headings and code labels.

Internal names stay English snake_case (``completion_rate``, ``3A``, ``dormant``); every
table shown to a person (HTML, Excel, notebooks, CLI) goes through this module, so each
heading and each code has exactly one Chinese label, defined here.

``lang="en"`` (or ``set_language("en")``, or the environment variable ``REPKIT_LANG=en``)
gives English labels for head-office readers: codes have their own English words,
columns read as their snake_case name in words ("completion rate").

Examples
--------
>>> label("completion_rate")
'完成率'
>>> label("completion_rate", lang="en")
'Completion rate'
>>> label_codes(pd.Series(["3A", "community"]), "level").tolist()
['三甲', '社区']
>>> label_columns(pd.DataFrame({"kpi": ["x"], "meets": [True]})).columns.tolist()
['指标', '达标']
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

import pandas as pd

__all__ = [
    "CODES",
    "CODES_EN",
    "COLUMNS",
    "COLUMN_CODES",
    "label",
    "label_code",
    "label_codes",
    "label_columns",
    "label_frame",
    "label_values",
    "language",
    "set_language",
]

# ----------------------------------------------------------------------------- codes

LEVEL_LABELS: dict[str, str] = {
    "3A": "三甲",
    "3": "三级",
    "2": "二级",
    "1": "一级",
    "community": "社区",
}
CATEGORY_LABELS: dict[str, str] = {"mature": "成熟品种", "new": "新品", "support": "辅助品种"}
TITLE_LABELS: dict[str, str] = {
    "chief": "主任医师",
    "deputy_chief": "副主任医师",
    "attending": "主治医师",
    "resident": "住院医师",
}
ROLE_LABELS: dict[str, str] = {"sales_staff": "销售人员", "medical_rep": "备案医药代表"}
RATING_LABELS: dict[int, str] = {
    7: "全面使用",
    6: "优先使用",
    5: "常用",
    4: "少用、接受",
    3: "试用",
    2: "不用、不支持",
    1: "不用、反对",
}
CALL_PURPOSES: dict[str, str] = {
    "support_listing": "支持进药",
    "increase_use": "增加用量",
    "keep_use": "保持用量",
    "introduce_product": "介绍新药",
    "hospital_meeting": "开院内会议",
    "check_stock": "查库存/用量/取定单",
    "solve_problem": "解决问题",
    "other": "其它",
}
TIER_LABELS: dict[str, str] = {"A": "A类（KOL/顶级）", "B": "B类（核心）", "C": "C类（一般）"}
PYRAMID_LABELS: dict[str, str] = {"A": "塔尖", "B": "塔腰", "C": "塔基"}
STATUS_LABELS: dict[str, str] = {
    "star": "明星科室",
    "potential": "潜力科室",
    "dormant": "沉睡科室（低贡献）",
}
"""Department status (seed 003: 明星、潜力股、低贡献的“沉睡”科室). A dormant department
may be developed (it has sales): dormant means a small contribution, not "no sales"."""
SCENARIO_LABELS: dict[str, str] = {
    "last": "上期实际",
    "base": "基准预测",
    "target": "目标",
    "stretch": "冲刺",
    "company": "公司指标",
    "procurement": "带量采购后",
}
"""The one scenario vocabulary (HTML, Excel, charts): base 基准预测, target 目标, stretch
冲刺 (目标上再加), company 公司指标."""
KPI_LABELS: dict[str, str] = {
    "visits_per_day": "人均每工作日有效拜访",
    "coverage_A": "A类医生覆盖率",
    "coverage_B": "B类医生覆盖率",
    "coverage_C": "C类医生覆盖率",
    "frequency_A": "A类拜访频率达标率",
    "frequency_B": "B类拜访频率达标率",
    "frequency_C": "C类拜访频率达标率",
    "development_rate": "科室开发率",
    "key_doctors_developed": "重点医生开发率（评级≥5）",
    "meetings_held": "院内会议场次",
    "meeting_attendance": "会议出席率",
    "days_to_listing": "首次拜访到进药天数（中位数）",
}
MODEL_LABELS: dict[str, str] = {
    "snaive": "季节朴素",
    "naive": "朴素",
    "drift": "漂移",
    "mean": "均值",
    "ses": "简单指数平滑",
    "holt": "霍尔特趋势",
    "holt_damped": "阻尼趋势",
    "theta": "Theta",
    "ets_season": "季节指数平滑",
    "ets_damped": "阻尼季节指数平滑",
    "ets_mle": "ETS(极大似然)",
    "ets_trend": "季节指数平滑（全趋势）",
    "sarima": "季节ARIMA",
    "ets_aicc": "指数平滑（AICc选型）",
    "airline": "航空模型（季节ARIMA）",
    "arima_drift": "季节差分ARIMA（带漂移）",
    "arima_dd": "双重差分ARIMA",
    "ar_drift": "差分自回归（带漂移）",
    "croston": "Croston",
    "tsb": "TSB",
    "adida": "ADIDA",
    "zero": "零销量",
    "simple": "简单预测",
    "auto": "自动组合",
    "fast": "自动组合（快速）",
    "custom": "自定义预测",
    # reconciliation of the forecast hierarchy, shown as 层级调和（…）
    "bottom_up": "自下而上",
    "top_down": "自上而下",
    "ols": "OLS",
    "wls": "WLS",
    "mint_shrink": "MinT收缩",
}
"""Forecast model names; a combination ``a+b`` is shown as ``甲＋乙``, a reconciled
forecast ``reconciled (mint_shrink)`` as ``层级调和（MinT收缩）``."""
TRAINING_STATUS_LABELS: dict[str, str] = {
    "correct": "正确",
    "incorrect": "还不对",
    "not_attempted": "未作答",
    "not_checked": "未检查",
}
REASON_LABELS: dict[str, str] = {
    "actuals": "实际销量",
    "share": "医院份额",
    "forecast": "预测",
    "growth": "增长情景",
    "company": "公司调整",
    "procurement": "带量采购",
    "override": "经理指定",
    "rounding": "取整",
    "unchanged": "未变",
    "new": "新增",
    "removed": "删除",
}
"""Main reason of a change between two plan versions (``rk.plan.diff``)."""
TABLE_LABELS: dict[str, str] = {
    "sales": "销售",
    "targets": "指标",
    "hospitals": "医院",
    "doctors": "医生",
    "reps": "人员",
    "products": "品种",
    "calls": "拜访记录",
    "collections": "回款",
    "shipments": "发货",
    "stock": "库存",
    "nurses": "护士",
    "competitors": "竞品动态",
    "meetings": "科室会议",
    "listings": "进院状态",
}
"""Data tables (provenance)."""
STOCK_STATUS_LABELS: dict[str, str] = {
    "low": "偏低（断货风险）",
    "ok": "正常",
    "high": "偏高（压货风险）",
    "unknown": "无法判断",
}
"""Channel stock in months of sales against the thresholds (``rk.plan.stock_warnings``)."""
MEASURE_LABELS: dict[str, str] = {
    "hospital_files": "A 医院档案完整率",
    "doctor_cards": "B 医生资料卡完整率",
    "ward_nurses": "C 住院部和急诊科护士信息",
    "weekly_schedules": "H 每周5份日程工作表",
    "call_records": "CRM 拜访记录完整率",
}
"""Measures of the basic field work (``rk.activity.completeness``)."""
CALENDAR_LABELS: dict[str, str] = {"cn": "工作日+春节", "weekdays": "工作日", "none": "无"}
"""Calendar adjustment of a forecast."""
BOOL_LABELS: dict[bool, str] = {True: "是", False: "否"}
OVERRIDE_SCOPES: dict[str, str] = {
    "hospital": "医院",
    "hospital_product": "医院品种",
    "product": "品种",
    "product_line": "品种线",
    "department_development": "科室开发",
}
"""What a manager's override (经理指定) fixes: a hospital's total, one product at a
hospital, a product region-wide, several products together, or the share of a
hospital's target departments developed (an activity goal, never sales)."""
OVERRIDE_KINDS: dict[str, str] = {
    "fixed": "固定",
    "floor": "下限",
    "cap": "上限",
    "milestone": "里程碑",
}
"""How an override binds: exactly, at least, at most, or a month's fixed value."""
OVERRIDE_MEASURES: dict[str, str] = {"units": "数量", "amount": "金额"}
"""What an override counts: units or money."""
TARGET_SOURCE_LABELS: dict[str, str] = {
    "actual": "实际指标",
    "imputed": "推算",
    "mixed": "部分推算",
}
"""Where a reviewed target comes from: the quota given, repkit's imputation, or both
(some products of the row given, some imputed)."""
BATCH_STATUS_LABELS: dict[str, str] = {
    "ok": "成功",
    "skipped": "未变",
    "failed": "失败",
    "timeout": "超时",
    "pending": "等待",
}
"""Status of a region in a batch run (manifest, progress, summary)."""

CODES: dict[str, Mapping] = {
    "level": LEVEL_LABELS,
    "category": CATEGORY_LABELS,
    "title": TITLE_LABELS,
    "role": ROLE_LABELS,
    "rating": RATING_LABELS,
    "purpose": CALL_PURPOSES,
    "tier": TIER_LABELS,
    "pyramid": PYRAMID_LABELS,
    "department_status": STATUS_LABELS,
    "scenario": SCENARIO_LABELS,
    "kpi": KPI_LABELS,
    "model": MODEL_LABELS,
    "calendar": CALENDAR_LABELS,
    "training_status": TRAINING_STATUS_LABELS,
    "reason": REASON_LABELS,
    "table": TABLE_LABELS,
    "stock_status": STOCK_STATUS_LABELS,
    "measure": {**MEASURE_LABELS, **OVERRIDE_MEASURES},
    "override_scope": OVERRIDE_SCOPES,
    "override_kind": OVERRIDE_KINDS,
    "override_measure": OVERRIDE_MEASURES,
    "target_source": TARGET_SOURCE_LABELS,
    "batch_status": BATCH_STATUS_LABELS,
}
"""Code kind → {code: Chinese label}."""

CODES_EN: dict[str, Mapping] = {
    "level": {"3A": "Grade 3A", "3": "Grade 3", "2": "Grade 2", "1": "Grade 1"},
    "department_status": {"dormant": "dormant (small contribution)"},
    "scenario": {"last": "last half actual", "base": "baseline forecast"},
    "training_status": {"not_attempted": "not attempted", "not_checked": "not checked"},
    "target_source": {"actual": "quota given", "imputed": "imputed", "mixed": "partly imputed"},
}
"""English labels where the code alone does not read as English (others: the code in
words, e.g. ``deputy_chief`` → ``deputy chief``)."""

COLUMN_CODES: dict[str, str] = {
    "level": "level",
    "hospital_level": "level",
    "category": "category",
    "title": "title",
    "role": "role",
    "purpose": "purpose",
    "tier": "tier",
    "status": "status",
    "scenario": "scenario",
    "kpi": "kpi",
    "model": "model",
    "method": "model",
    "reason": "reason",
    "table": "table",
    "stock_status": "stock_status",
    # completeness items (hospital_files …) and an override's units/amount share the
    # "measure" column name; their codes do not overlap, so one kind labels both
    "measure": "measure",
    "scope": "override_scope",
    "kind": "override_kind",
    "target_source": "target_source",
    # tables already headed in Chinese keep their codes labelled too
    "等级": "level",
    "医院等级": "level",
    "类别": "category",
    "职称": "title",
    "岗位": "role",
    "状态": "status",
    "情景": "scenario",
    "模型": "model",
    "预测模型": "model",
    "原因": "reason",
    "数据表": "table",
    "指标来源": "target_source",
}
"""Column → code kind whose values the column holds (``status``: department or
training status, told apart by their codes)."""

# ----------------------------------------------------------------------------- columns

COLUMNS: dict[str, str] = {
    # keys and dimensions
    "region": "区域",
    "hospital_id": "医院编码",
    "hospital": "医院",
    "name": "名称",
    "level": "等级",
    "level_label": "医院等级",
    "hospital_level": "医院等级",
    "beds": "床位数",
    "department": "科室",
    "departments": "科室",
    "product": "品种",
    "distributor": "商业公司",
    "category": "类别",
    "rep_id": "代表编码",
    "rep": "代表",
    "role": "岗位",
    "doctor": "医生",
    "doctor_id": "医生编码",
    "title": "职称",
    "tier": "分级",
    "pyramid": "金字塔层级",
    "segment": "细分（等级·销售分级）",
    "sales_rank": "销售排名",
    "sales_tier": "销售分级",
    "month": "月份",
    "quarter": "季度",
    "week": "周",
    "half": "半年",
    "period": "期间",
    "date": "日期",
    "weekday": "星期",
    "scenario": "情景",
    "type": "类型",
    "manager": "陪同经理",
    "hospitals": "医院数",
    "wards": "病区",
    "city": "城市",
    # quantities and money
    "units": "数量",
    "amount": "金额(元)",
    "price": "单价(元)",
    "actual_units": "实际数量",
    "actual_amount": "实际金额(元)",
    "target_units": "指标数量",
    "target_amount": "指标金额(元)",
    "target_source": "指标来源",
    "completion_rate": "完成率",
    "gap_units": "差距数量",
    "gap_amount": "差距金额(元)",
    "growth_rate": "增长率",
    "share": "占比",
    "run_rate_units": "按当前进度全期数量",
    "run_rate_amount": "按进度全期金额(元)",
    "last_year_amount": "去年同期金额(元)",
    "last_year_units": "去年同期数量",
    "last_units": "上期实际数量",
    "last_amount": "上期金额(元)",
    "last_calls": "上期拜访",
    "last_half": "上期实际",
    "last_year": "去年同期",
    "actual": "实际",
    "forecast": "预测",
    "hoh_rate": "环比",
    "yoy_rate": "同比",
    "half_target_units": "半年累计指标",
    "half_actual_units": "半年累计实际",
    "half_completion_rate": "半年累计完成率",
    "final_units": "最终目标",
    "old_units": "原指标数量",
    "new_units": "新指标数量",
    "change_units": "数量变化",
    "old_amount": "原指标金额(元)",
    "new_amount": "新指标金额(元)",
    "change_amount": "金额变化(元)",
    "gap_rank": "差距排名",
    "amount_per_call": "每次拜访金额(元)",
    "share_step": "医院份额调整",
    "forecast_step": "预测调整",
    "growth_step": "增长情景",
    "company_step": "公司调整",
    "procurement_step": "带量采购",
    "override_step": "经理指定/公司下达",  # fixed figures of either source
    # the manager's overrides (经理指定) and department development goals
    "override": "指定序号",
    "scope": "层级",
    "kind": "类型",
    "measure": "口径",
    "achieved": "计划数",
    "difference": "差额",
    "binding": "起作用",
    "excess": "超出",
    "rate": "开发率",
    "notes": "备注",
    "content": "内容",
    "action": "对策",
    "target_departments": "目标科室数",
    "goal_rate": "目标开发率",
    "departments_to_develop": "应开发科室数",
    "rounding_step": "取整",
    "sales": "销售额(元)",
    "sales_prev": "上期销售额(元)",
    "sales_share": "销售占比",
    "mean": "预测",
    "lo_80": "80%下限",
    "hi_80": "80%上限",
    "lo_95": "95%下限",
    "hi_95": "95%上限",
    # activity
    "doctors": "医生数",
    "doctor_share": "医生占比",
    "experts": "专家数",
    "seniors": "高职称数",
    "mean_rating": "平均评级",
    "rated_5plus_share": "评级≥5占比",
    "potential": "潜力",
    "potential_share": "潜力占比",
    "developed": "已开发",
    "suppressed": "少于5人已隐藏",
    "status": "状态",
    "status_label": "状态说明",
    "doctors_short": "未达标医生",
    "required": "应拜访",
    "planned": "已排拜访",
    "shortfall": "缺口",
    "visits": "拜访次数",
    "visits_needed": "所需拜访",
    "visits_per_day": "每日有效拜访",
    "working_days": "工作日",
    "days_active": "出勤天数",
    "days_at_norm": "达标天数",
    "capacity": "拜访能力",
    "utilisation_rate": "能力占用率",
    "shortfall_visits": "拜访缺口",
    "feasible": "可行",
    "rating": "用药评级",
    "rating_label": "评级说明",
    "rating_after": "拜访后评级",
    "goal": "目标评级",
    "goal_label": "目标评级说明",
    "purpose": "目的",
    "next_step": "下一步",
    "note": "内容",
    "kpi": "指标",
    "label": "说明",
    "value": "数值",
    "norm": "标准",
    "unit": "单位",
    "meets": "达标",
    "meets_norm": "达标",
    "basis": "依据",
    # provenance, review, training
    "table": "数据表",
    "source": "来源",
    "rows": "行数",
    "dropped": "剔除行数",
    "reason": "原因",
    "hint": "建议",
    "model": "预测模型",
    "method": "方法",
    "exercise": "练习",
    "question": "题目",
    "n_series": "序列数",
    "n_windows": "回测窗口数",
    "coverage": "区间覆盖率",
    "extra_visits": "额外拜访",
    "max_per_day": "每日上限",
    "min_per_day": "每日下限",
    "norm_visits": "标准拜访次数",
    # money side (plan/_money.py), in-half tracking and rolling re-plan
    "task_units": "任务数量",
    "collection_units": "回款数量",
    "placement_units": "铺底数量",
    "placement_share": "铺底占比",
    "task_amount": "任务金额(元)",
    "collection_amount": "回款金额(元)",
    "placement_amount": "铺底金额(元)",
    "price_retail": "零售价(元)",
    "price_supply": "供货价(元)",
    "price_realised": "实际均价(元)",
    "discount_rate": "供货扣率",
    "discount_label": "扣率",
    "realised_discount_rate": "实际扣率",
    "net_price": "计划单价(元)",
    "stock": "渠道库存(元)",
    "stock_months": "库存月数",
    "stock_status": "库存状态",
    "half_target_amount": "半年累计指标金额(元)",
    "half_actual_amount": "半年累计实际金额(元)",
    "plan_units": "滚动计划数量（未封顶）",
    "shortfall_units": "超出可行增长数量",
    "beyond_growth": "超出可行增长",
    # canonical input columns (repkit.schema.HEADERS_ZH) not named above
    "launch": "上市月份",
    "is_expert": "专家",
    "products": "负责品种",
    "result": "结果",
    "follow_up": "总结跟进",
    "shipped": "发货金额",
    "collected": "回款金额",
    "recorded_on": "收集日期",
    "competitor_product": "竞品",
    "activity": "竞品活动",
    "invited": "邀请人数",
    "attended": "到会人数",
    "applied_on": "申请日期",
    "listed_on": "进院日期",
    "benchmark": "样板医院",
    "first_prescribers": "首批处方医生数",
    "visits_per_month": "每月拜访次数",
    # problems of rk.DataError (err.problems)
    "file": "文件",
    "sheet": "工作表",
    "row": "行号",
    "column": "列",
    "rule": "规则",
    "message": "问题",
    "mase": "MASE",
    "rmse": "RMSE",
    "mae": "MAE",
    "bias": "偏差",
    # code kinds named in messages (bad_code)
    "nurse_title": "护士职称",
    "meeting_type": "会议类型",
    "listing_status": "进院状态",
}
"""Canonical column → Chinese heading (one place for every heading people read)."""


# ----------------------------------------------------------------------------- API


def language(lang: str | None = None) -> str:
    """The label language: ``lang`` if given, else ``REPKIT_LANG``, else ``"zh"``.

    Examples
    --------
    >>> language("en")
    'en'
    """
    chosen = (lang or os.environ.get("REPKIT_LANG") or "zh").strip().lower()
    if chosen not in ("zh", "en"):
        raise ValueError(f"label language {chosen!r}; valid: 'zh', 'en'")
    return chosen


def set_language(lang: str) -> str:
    """Switch later messages and canonical headings and codes to ``lang`` (``"zh"``, ``"en"``).

    Sets ``REPKIT_LANG`` for this process (and the kernels and batch workers it starts);
    one call at the top of a notebook gives English messages and English headings and
    codes in tables of canonical columns. The management workbook (概览, A–H) and the
    review tables keep their Chinese headings.

    Examples
    --------
    >>> set_language("en"), label("completion_rate")
    ('en', 'Completion rate')
    >>> set_language("zh"), label("completion_rate")
    ('zh', '完成率')
    """
    chosen = language(lang)
    os.environ["REPKIT_LANG"] = chosen
    return chosen


def _words(name: str) -> str:
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


_BOUND = re.compile(r"^(?:(?P<base>[a-z_]+)_)?(?P<side>lo|hi)_(?P<level>\d{2})$")
_COVERAGE = re.compile(r"^coverage_(?P<level>\d{2})$")


def _known(name: str) -> bool:
    return name in COLUMNS or bool(_BOUND.match(name) or _COVERAGE.match(name))


def label(name: str, *, lang: str | None = None) -> str:
    """The heading of a column (the name itself when the registry has none).

    Interval columns are built from their parts: ``hoh_rate_lo_80`` is 环比80%下限.

    Examples
    --------
    >>> label("hoh_rate"), label("区域"), label("yoy_rate_hi_95"), label("coverage_80")
    ('环比', '区域', '同比95%上限', '80%区间覆盖率')
    """
    text = str(name)
    if language(lang) == "en":
        return _words(text) if _known(text) else text
    if text in COLUMNS:
        return COLUMNS[text]
    bound = _BOUND.match(text)
    if bound and (bound["base"] is None or bound["base"] in COLUMNS):
        base = COLUMNS[bound["base"]] if bound["base"] else ""
        return f"{base}{bound['level']}%{'下限' if bound['side'] == 'lo' else '上限'}"
    coverage = _COVERAGE.match(text)
    if coverage:
        return f"{coverage['level']}%{COLUMNS['coverage']}"
    return text


def _status_kind(code: str) -> str:
    return "training_status" if code in TRAINING_STATUS_LABELS else "department_status"


def label_code(code: object, kind: str, *, lang: str | None = None) -> object:
    """The label of one code of ``kind`` (a key of :data:`CODES`, or ``"status"``).

    Unknown codes and missing values are returned unchanged; forecast model
    combinations (``snaive+theta``) are labelled part by part.

    Examples
    --------
    >>> label_code("snaive+theta", "model")
    '季节朴素＋Theta'
    >>> label_code("reconciled (mint_shrink)", "model")
    '层级调和（MinT收缩）'
    >>> label_code("dormant", "status", lang="en")
    'dormant (small contribution)'
    """
    if code is None or (not isinstance(code, str) and pd.isna(code)):  # type: ignore[arg-type]
        return code
    if kind == "status":
        kind = _status_kind(str(code))
    if kind not in CODES:
        raise ValueError(f"code kind {kind!r}; valid: {', '.join(CODES)}, status")
    if kind == "model" and str(code).startswith("reconciled (") and str(code).endswith(")"):
        how = label_code(str(code)[len("reconciled (") : -1], "model", lang=lang)
        return f"reconciled ({how})" if language(lang) == "en" else f"层级调和（{how}）"
    if kind == "model" and "+" in str(code):
        parts = [label_code(p, "model", lang=lang) for p in str(code).split("+")]
        return ("+" if language(lang) == "en" else "＋").join(str(p) for p in parts)
    key = int(str(code)) if kind == "rating" and str(code).isdigit() else code
    if key not in CODES[kind] and isinstance(key, str | int):
        key = str(key) if str(key) in CODES[kind] else key
    if language(lang) == "en":
        english = CODES_EN.get(kind, {})
        if key in english:
            return english[key]
        return str(code).replace("_", " ") if key in CODES[kind] else code
    return CODES[kind].get(key, code)


def label_codes(values: pd.Series, kind: str, *, lang: str | None = None) -> pd.Series:
    """Label every code of a column (unknown codes kept as they are).

    Examples
    --------
    >>> label_codes(pd.Series(["star", "dormant"]), "status").tolist()
    ['明星科室', '沉睡科室（低贡献）']
    """
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_float_dtype(values):
        return values
    if kind == "rating" or pd.api.types.is_integer_dtype(values):
        return values
    cache: dict[object, object] = {}
    out = []
    for v in values.tolist():
        if v not in cache:
            cache[v] = label_code(v, kind, lang=lang)
        out.append(cache[v])
    return pd.Series(out, index=values.index, name=values.name, dtype="object")


def _redundant(frame: pd.DataFrame, lang: str | None) -> list[str]:
    """``X_label`` columns that only repeat the label of code column ``X``."""
    drop = []
    pairs = [(c, c[: -len("_label")]) for c in frame.columns if str(c).endswith("_label")]
    pairs += [("label", code) for code in ("kpi", "measure") if {"label", code} <= set(frame)]
    for text, code in pairs:
        kind = COLUMN_CODES.get(str(code))
        if kind is None or code not in frame.columns:
            continue
        labelled = label_codes(frame[code], kind, lang="zh").astype("str")
        if (labelled == frame[text].astype("str")).all():
            drop.append(text)
    return drop


def label_values(frame: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Codes labelled, headings kept: every code column of :data:`COLUMN_CODES`.

    ``X_label`` columns that repeat the label of a code column ``X`` are dropped (the
    code column now shows that label).

    Examples
    --------
    >>> df = pd.DataFrame({"level": ["3A"], "level_label": ["三甲"], "beds": [800]})
    >>> label_values(df).to_dict("records")
    [{'level': '三甲', 'beds': 800}]
    """
    out = frame.drop(columns=_redundant(frame, lang))
    for col in out.columns:
        kind = COLUMN_CODES.get(str(col))
        if kind is not None:
            out[col] = label_codes(out[col], kind, lang=lang)
    return out


def label_frame(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """The table as a person reads it: codes labelled and headings translated.

    ``labels`` overrides headings.

    Examples
    --------
    >>> df = pd.DataFrame({"level": ["3A"], "level_label": ["三甲"], "beds": [800]})
    >>> label_frame(df).columns.tolist(), label_frame(df).iloc[0, 0]
    (['等级', '床位数'], '三甲')
    """
    return label_columns(label_values(frame, lang=lang), labels, lang=lang)


def label_columns(
    frame: pd.DataFrame, labels: Mapping[str, str] | None = None, *, lang: str | None = None
) -> pd.DataFrame:
    """Rename canonical columns to their headings (unknown columns kept).

    Examples
    --------
    >>> label_columns(pd.DataFrame({"product": ["A"], "completion_rate": [0.5]})).columns.tolist()
    ['品种', '完成率']
    """
    extra = dict(labels or {})
    return frame.rename(columns=lambda c: extra.get(c) or label(c, lang=lang))
