"""Canonical tables, header aliases (Chinese and English), code lists.

This is the one place where the header variants of company files live. Readers map
every header they meet through :data:`ALIASES` to a canonical snake_case column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from repkit.labels import (  # labels live in the registry; these names are aliases
    CALL_PURPOSES,
    CATEGORY_LABELS,
    CODES,
    COLUMNS,
    LEVEL_LABELS,
    OVERRIDE_KINDS,
    OVERRIDE_SCOPES,
    RATING_LABELS,
    ROLE_LABELS,
    SCENARIO_LABELS,
    TITLE_LABELS,
)
from repkit.messages import join, name_table, say

__all__ = [
    "ALIASES",
    "CALL_PURPOSES",
    "HOSPITAL_LEVELS",
    "KINDS",
    "LISTING_STATUSES",
    "MEETING_TYPES",
    "NURSE_TITLES",
    "OVERRIDE_KINDS",
    "OVERRIDE_SCOPES",
    "PRODUCT_CATEGORIES",
    "RATING_LABELS",
    "REP_ROLES",
    "SHEET_NAMES",
    "SWOT_CATEGORIES",
    "TABLES",
    "TITLES",
    "Table",
    "canonical_column",
    "resolve_code",
    "resolve_column",
]

HOSPITAL_LEVELS: tuple[str, ...] = ("3A", "3", "2", "1", "community")
"""Hospital levels, highest first (三甲, 三级, 二级, 一级, 社区)."""

LEVEL_ALIASES: dict[str, str] = {
    **{v: k for k, v in LEVEL_LABELS.items()},
    "三级甲等": "3A",
    "三甲医院": "3A",
    "3甲": "3A",
    "3a": "3A",
    "iii-a": "3A",
    "三级医院": "3",
    "二级医院": "2",
    "二甲": "2",
    "二级甲等": "2",
    "一级医院": "1",
    "社区医院": "community",
    "社区卫生服务中心": "community",
    "社区卫生院": "community",
}

PRODUCT_CATEGORIES: tuple[str, ...] = ("mature", "new", "support")

TITLES: tuple[str, ...] = ("chief", "deputy_chief", "attending", "resident")

REP_ROLES: tuple[str, ...] = ("sales_staff", "medical_rep")

NURSE_TITLES: dict[str, str] = {
    "head_nurse": "护士长",
    "charge_nurse": "主管护师",
    "senior_nurse": "护师",
    "nurse": "护士",
    "intern_nurse": "实习护士",
}
"""Nursing titles of seed 000 table C (住院部和急诊科护士/主管护师/实习护士)."""

MEETING_TYPES: dict[str, str] = {
    "department": "科室会",
    "hospital": "院内会",
    "academic": "学术会",
    "city": "城市会",
    "national": "全国会议",
}
"""Meeting types of seeds 000–003 (科室会 in each hospital, academic meetings …)."""

LISTING_STATUSES: dict[str, str] = {
    "not_listed": "未进院",
    "applied": "申请中",
    "committee": "药事会待审",
    "temporary": "临时采购",
    "listed": "已进院",
    "delisted": "已停用",
}
"""Admission (进院/准入) steps of a product in a hospital, in order (seeds 000, 002)."""

SWOT_CATEGORIES: dict[str, str] = {
    "strength": "优势",
    "weakness": "劣势",
    "opportunity": "机会",
    "threat": "威胁",
    "segmentation": "市场细分",
    "targeting": "目标市场",
    "positioning": "定位",
}
"""Kinds of a plan's analysis item: SWOT, then STP (seeds 002, 003)."""

# Code lists accept the Chinese label as well as the code.
CODE_ALIASES: dict[str, dict[str, str]] = {
    "level": LEVEL_ALIASES,
    "category": {v: k for k, v in CATEGORY_LABELS.items()}
    | {"成熟": "mature", "新产品": "new", "辅助": "support", "辅助用药": "support"},
    "title": {v: k for k, v in TITLE_LABELS.items()}
    | {"主任": "chief", "副主任": "deputy_chief", "主治": "attending", "住院": "resident"},
    "role": {v: k for k, v in ROLE_LABELS.items()}
    | {"医药代表": "medical_rep", "销售": "sales_staff", "销售员": "sales_staff"},
    "purpose": {v: k for k, v in CALL_PURPOSES.items()}
    | {"其他": "other", "查库存": "check_stock", "院内会议": "hospital_meeting"},
    "nurse_title": {v: k for k, v in NURSE_TITLES.items()}
    | {"主管护士": "charge_nurse", "实习": "intern_nurse", "实习生": "intern_nurse"},
    "scenario": {v: k for k, v in SCENARIO_LABELS.items()}
    | {
        "基准": "base",
        "预测": "base",
        "基准情景": "base",
        "目标情景": "target",
        "冲刺目标": "stretch",
        "公司": "company",
        "公司目标": "company",
    },
    "meeting_type": {v: k for k, v in MEETING_TYPES.items()}
    | {
        "科室会议": "department",
        "院内会议": "hospital",
        "学术会议": "academic",
        "学术推广会": "academic",
        "城市会议": "city",
        "全国会": "national",
    },
    "listing_status": {v: k for k, v in LISTING_STATUSES.items()}
    | {
        "未进": "not_listed",
        "申请": "applied",
        "已申请": "applied",
        "药事会": "committee",
        "临采": "temporary",
        "进院": "listed",
        "已进": "listed",
        "停用": "delisted",
    },
    "swot_category": {v: k for k, v in SWOT_CATEGORIES.items()}
    | {
        "s": "strength",
        "w": "weakness",
        "o": "opportunity",
        "t": "threat",
        "优势(s)": "strength",
        "劣势(w)": "weakness",
        "机会(o)": "opportunity",
        "威胁(t)": "threat",
        "strengths": "strength",
        "weaknesses": "weakness",
        "opportunities": "opportunity",
        "threats": "threat",
        "细分": "segmentation",
        "目标": "targeting",
        "目标客户": "targeting",
        "市场定位": "positioning",
        "产品定位": "positioning",
    },
}

CODE_ALIASES["override_scope"] = {v: k for k, v in OVERRIDE_SCOPES.items()} | {
    "医院合计": "hospital",
    "医院×品种": "hospital_product",
    "医院*品种": "hospital_product",
    "医院-品种": "hospital_product",
    "医院品规": "hospital_product",
    "产品": "product",
    "产品线": "product_line",
    "品种组": "product_line",
    "科室开发率": "department_development",
}
CODE_ALIASES["override_kind"] = {v: k for k, v in OVERRIDE_KINDS.items()} | {
    "指定": "fixed",
    "固定值": "fixed",
    "最低": "floor",
    "不低于": "floor",
    "最高": "cap",
    "不超过": "cap",
    "月度里程碑": "milestone",
}

CODE_LISTS: dict[str, tuple[str, ...]] = {
    "level": HOSPITAL_LEVELS,
    "category": PRODUCT_CATEGORIES,
    "title": TITLES,
    "role": REP_ROLES,
    "purpose": tuple(CALL_PURPOSES),
    "nurse_title": tuple(NURSE_TITLES),
    "meeting_type": tuple(MEETING_TYPES),
    "listing_status": tuple(LISTING_STATUSES),
    "override_scope": tuple(OVERRIDE_SCOPES),
    "override_kind": tuple(OVERRIDE_KINDS),
    "swot_category": tuple(SWOT_CATEGORIES),
}


@dataclass(frozen=True)
class Table:
    """Description of one canonical table.

    Parameters
    ----------
    name
        Table kind, e.g. ``"sales"``.
    key
        Columns that identify a row.
    columns
        Column name → logical type (``str``, ``code``, ``int``, ``float``, ``month``,
        ``date``, ``period``, ``bool``, ``rating``, ``list``).
    required
        Columns a file must have (after alias mapping).
    any_of
        Groups of which at least one column must be present.
    """

    name: str
    key: tuple[str, ...]
    columns: dict[str, str]
    required: tuple[str, ...]
    any_of: tuple[tuple[str, ...], ...] = field(default=())


TABLES: dict[str, Table] = {
    "sales": Table(
        "sales",
        key=("month", "hospital_id", "product"),
        columns={
            "month": "month",
            "region": "str",
            "hospital_id": "code",
            "hospital": "str",
            "department": "str",
            "product": "str",
            "rep_id": "code",
            "distributor": "str",
            "units": "float",
            "amount": "float",
        },
        required=("month", "product", "units"),
        any_of=(("hospital_id", "hospital"),),
    ),
    "products": Table(
        "products",
        key=("product",),
        columns={
            "product": "str",
            "category": "category",
            "unit": "str",
            "price_supply": "float",
            "price_retail": "float",
            "launch": "month",
        },
        required=("product",),
    ),
    "hospitals": Table(
        "hospitals",
        key=("hospital_id",),
        columns={
            "hospital_id": "code",
            "name": "str",
            "region": "str",
            "city": "str",
            "level": "level",
            "beds": "float",
            "departments": "list",
        },
        required=("hospital_id", "name", "region", "level"),
    ),
    "doctors": Table(
        "doctors",
        key=("doctor_id",),
        columns={
            "doctor_id": "code",
            "name": "str",
            "hospital_id": "code",
            "department": "str",
            "title": "title",
            "is_expert": "bool",
            "rating": "rating",
            "potential": "float",
            "tier": "str",
        },
        required=("doctor_id", "hospital_id", "department"),
    ),
    "reps": Table(
        "reps",
        key=("rep_id",),
        columns={
            "rep_id": "code",
            "name": "str",
            "region": "str",
            "products": "list",
            "hospitals": "list",
            "role": "role",
        },
        required=("rep_id", "region"),
    ),
    "calls": Table(
        "calls",
        key=("date", "rep_id", "doctor_id"),
        columns={
            "date": "date",
            "rep_id": "code",
            "doctor_id": "code",
            "hospital_id": "code",
            "department": "str",
            "purpose": "purpose",
            "result": "str",
            "rating_after": "rating",
            "follow_up": "str",
        },
        required=("date", "rep_id", "doctor_id"),
    ),
    # quotas per region, or per hospital, department or sales staff (level columns
    # filled); never per doctor (统方). ``period``: a half, a quarter or a month.
    "targets": Table(
        "targets",
        key=("period", "region", "product"),
        columns={
            "period": "period",
            "region": "str",
            "hospital_id": "code",
            "department": "str",
            "rep_id": "code",
            "product": "str",
            "units": "float",
            "amount": "float",
        },
        required=("period", "region", "product"),
        any_of=(("units", "amount"),),
    ),
    "collections": Table(
        "collections",
        key=("month", "region", "distributor"),
        columns={
            "month": "month",
            "region": "str",
            "distributor": "str",
            "shipped": "float",
            "collected": "float",
            "stock": "float",
        },
        required=("month", "region", "distributor"),
    ),
    # Field work of the seeds (issue 17): no spending and no prescriptions per person.
    "nurses": Table(
        "nurses",
        key=("hospital_id", "department", "name"),
        columns={
            "hospital_id": "code",
            "department": "str",
            "name": "str",
            "title": "nurse_title",
            "rep_id": "code",
            "recorded_on": "date",
        },
        required=("hospital_id", "department", "name"),
    ),
    "competitors": Table(
        "competitors",
        key=("date", "hospital_id", "competitor_product"),
        columns={
            "date": "date",
            "hospital_id": "code",
            "department": "str",
            "product": "str",
            "competitor_product": "str",
            "activity": "str",
            "price": "float",
            "rep_id": "code",
            "notes": "str",
        },
        required=("date", "hospital_id", "competitor_product", "activity"),
    ),
    "meetings": Table(
        "meetings",
        key=("date", "hospital_id", "department", "type"),
        columns={
            "date": "date",
            "hospital_id": "code",
            "department": "str",
            "type": "meeting_type",
            "product": "str",
            "rep_id": "code",
            "invited": "float",
            "attended": "float",
        },
        required=("date", "hospital_id", "type", "product", "invited", "attended"),
    ),
    "listings": Table(
        "listings",
        key=("hospital_id", "product"),
        columns={
            "hospital_id": "code",
            "product": "str",
            "status": "listing_status",
            "applied_on": "date",
            "listed_on": "date",
            "benchmark": "bool",
            "first_prescribers": "float",
        },
        required=("hospital_id", "product", "status"),
    ),
    # The manager's plan (issue 16): fixed figures, floors, caps, milestones, and
    # department development goals. Sales figures stop at hospital × product; a doctor
    # column is refused (统方).
    "overrides": Table(
        "overrides",
        key=("region", "scope", "kind", "period"),
        columns={
            "region": "str",
            "scope": "override_scope",
            "hospital_id": "code",
            "hospital": "str",
            "products": "list",
            "kind": "override_kind",
            "period": "month_or_half",
            "units": "float",
            "amount": "float",
            "rate": "float",
            "notes": "str",
        },
        required=("region", "scope", "kind", "period"),
        any_of=(("units", "amount", "rate"),),
    ),
    # The manager's own SWOT/STP lines of the plan document (seeds 002, 003): free text.
    "swot": Table(
        "swot",
        key=("region", "category", "content"),
        columns={
            "region": "str",
            "category": "swot_category",
            "product": "str",
            "content": "str",
            "action": "str",
        },
        required=("region", "category", "content"),
    ),
}

KINDS: tuple[str, ...] = tuple(TABLES)

SHEET_NAMES: dict[str, str] = {
    "sales": "销售明细",
    "products": "产品",
    "hospitals": "医院",
    "doctors": "医生",
    "reps": "代表",
    "calls": "拜访记录",
    "targets": "指标",
    "collections": "回款库存",
    "nurses": "护士",
    "competitors": "竞品动态",
    "meetings": "科室会议",
    "listings": "进院状态",
    "overrides": "经理指定",
    "swot": "SWOT分析",
}
"""Chinese file/sheet name for each table (used by the sample data and entry templates)."""

# Chinese headers written by repkit (sample data, entry templates); each is also an alias.
HEADERS_ZH: dict[str, dict[str, str]] = {
    "sales": {
        "month": "月份",
        "region": "区域",
        "hospital_id": "医院编码",
        "hospital": "医院名称",
        "department": "科室",
        "product": "品种",
        "rep_id": "代表编码",
        "distributor": "商业公司",
        "units": "数量",
        "amount": "金额",
    },
    "products": {
        "product": "品种",
        "category": "类别",
        "unit": "单位",
        "price_supply": "供货价",
        "price_retail": "零售价",
        "launch": "上市月份",
    },
    "hospitals": {
        "hospital_id": "医院编码",
        "name": "医院名称",
        "region": "区域",
        "city": "城市",
        "level": "医院等级",
        "beds": "床位数",
        "departments": "科室",
    },
    "doctors": {
        "doctor_id": "医生编码",
        "name": "医生姓名",
        "hospital_id": "医院编码",
        "department": "科室",
        "title": "职称",
        "is_expert": "专家",
        "rating": "用药评级",
        "potential": "潜力",
        "tier": "分级",
    },
    "reps": {
        "rep_id": "代表编码",
        "name": "姓名",
        "region": "区域",
        "products": "负责品种",
        "hospitals": "负责医院",
        "role": "岗位",
    },
    "calls": {
        "date": "拜访日期",
        "rep_id": "代表编码",
        "doctor_id": "医生编码",
        "hospital_id": "医院编码",
        "department": "科室",
        "purpose": "目的",
        "result": "结果",
        "rating_after": "用药评级",
        "follow_up": "总结跟进",
    },
    "targets": {
        "period": "期间",
        "region": "区域",
        "hospital_id": "医院编码",
        "department": "科室",
        "rep_id": "代表编码",
        "product": "品种",
        "units": "指标数量",
        "amount": "指标金额",
    },
    "collections": {
        "month": "月份",
        "region": "区域",
        "distributor": "商业公司",
        "shipped": "发货金额",
        "collected": "回款金额",
        "stock": "渠道库存",
    },
    "nurses": {
        "hospital_id": "医院编码",
        "department": "病区",
        "name": "护士姓名",
        "title": "职称",
        "rep_id": "代表编码",
        "recorded_on": "收集日期",
    },
    "competitors": {
        "date": "日期",
        "hospital_id": "医院编码",
        "department": "科室",
        "product": "我方品种",
        "competitor_product": "竞品",
        "activity": "竞品活动",
        "price": "竞品价格",
        "rep_id": "代表编码",
        "notes": "备注",
    },
    "meetings": {
        "date": "会议日期",
        "hospital_id": "医院编码",
        "department": "科室",
        "type": "会议类型",
        "product": "品种",
        "rep_id": "代表编码",
        "invited": "邀请人数",
        "attended": "到会人数",
    },
    "listings": {
        "hospital_id": "医院编码",
        "product": "品种",
        "status": "进院状态",
        "applied_on": "申请日期",
        "listed_on": "进院日期",
        "benchmark": "样板医院",
        "first_prescribers": "首批处方医生数",
    },
    "overrides": {
        "region": "区域",
        "scope": "层级",
        "hospital_id": "医院编码",
        "hospital": "医院名称",
        "products": "品种",
        "kind": "类型",
        "period": "期间",
        "units": "数量",
        "amount": "金额",
        "rate": "开发率",
        "notes": "备注",
    },
    "swot": {
        "region": "区域",
        "category": "类别",
        "product": "品种",
        "content": "内容",
        "action": "对策",
    },
}

# Header text (lower-cased, spaces removed) → canonical column. Table-specific entries
# win over the shared ones (e.g. 医院名称 is ``hospital`` in sales but ``name`` in hospitals).
_SHARED_ALIASES: dict[str, tuple[str, ...]] = {
    "month": ("月份", "年月", "月", "销售月份", "期间月份", "month", "period_month", "ym"),
    "region": ("区域", "地区", "大区", "片区", "region", "area"),
    "hospital_id": (
        "医院编码",
        "医院代码",
        "医院id",
        "终端编码",
        "客户编码",
        "hospital_id",
        "hospitalcode",
        "hospital_code",
    ),
    "hospital": ("医院", "医院名称", "终端名称", "客户名称", "hospital", "hospital_name"),
    "department": ("科室", "科室名称", "department", "dept"),
    "product": ("品种", "产品", "产品名称", "品名", "药品名称", "product", "product_name", "sku"),
    "rep_id": (
        "代表",
        "业务员",
        "代表编码",
        "业务员编码",
        "代表工号",
        "工号",
        "销售代表",
        "rep",
        "rep_id",
    ),
    "distributor": ("商业公司", "经销商", "配送商", "商业", "distributor"),
    "units": ("数量", "盒数", "支数", "销量", "销售数量", "units", "qty", "quantity"),
    "amount": ("金额", "销售额", "销售金额", "amount", "sales_amount", "salesamount", "value"),
    "doctor_id": (
        "医生",
        "医生姓名",
        "医生编码",
        "医生代码",
        "医生工号",
        "医师",
        "医师姓名",
        "处方医生",
        "开方医生",
        "doctor",
        "doctor_id",
        "doctor_name",
        "physician",
        "prescriber",
    ),
    "date": ("日期", "拜访日期", "拜访时间", "date", "visit_date"),
    "period": ("期间", "考核期间", "半年", "period", "half"),
}

_TABLE_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "products": {
        "category": ("类别", "品种类别", "产品类别", "category"),
        "unit": ("单位", "包装单位", "unit"),
        "price_supply": ("供货价", "开票价", "出厂价", "price_supply", "supply_price"),
        "price_retail": ("零售价", "中标价", "price_retail", "retail_price"),
        "launch": ("上市月份", "上市时间", "launch"),
    },
    "hospitals": {
        "name": ("医院", "医院名称", "名称", "name", "hospital_name"),
        "city": ("城市", "市", "city"),
        "level": ("医院等级", "等级", "级别", "level"),
        "beds": ("床位数", "床位", "beds"),
        "departments": ("科室", "科室列表", "departments"),
    },
    "doctors": {
        "doctor_id": ("医生编码", "医生代码", "医生", "doctor_id"),
        "name": ("医生姓名", "姓名", "name"),
        "title": ("职称", "title"),
        "is_expert": ("专家", "是否专家", "专家标志", "is_expert", "expert"),
        "rating": ("用药评级", "评级", "rating"),
        "potential": ("潜力", "潜力值", "potential"),
        "tier": ("分级", "客户分级", "tier"),
    },
    "reps": {
        "rep_id": ("代表编码", "工号", "代表", "业务员", "rep_id"),
        "name": ("姓名", "代表姓名", "name"),
        "products": ("负责品种", "品种", "products"),
        "hospitals": ("负责医院", "医院", "hospitals"),
        "role": ("岗位", "角色", "role"),
    },
    "calls": {
        "purpose": ("目的", "拜访目的", "purpose"),
        "result": ("结果", "拜访结果", "result"),
        "rating_after": ("用药评级", "评级", "拜访后评级", "rating_after", "rating"),
        "follow_up": ("总结跟进", "总结/跟进", "跟进", "follow_up"),
    },
    "targets": {
        "units": ("指标数量", "指标", "目标数量", "任务数量", "units"),
        "amount": ("指标金额", "目标金额", "任务金额", "amount"),
    },
    "collections": {
        "shipped": ("发货金额", "发货", "shipped"),
        "collected": ("回款金额", "回款", "collected"),
        "stock": ("渠道库存", "库存", "stock"),
    },
    "nurses": {
        "department": ("病区", "科室", "护理单元", "病房", "ward", "department"),
        "name": ("护士姓名", "姓名", "护士", "name", "nurse"),
        "title": ("职称", "护理职称", "title"),
        "recorded_on": ("收集日期", "录入日期", "日期", "recorded_on"),
    },
    "competitors": {
        "date": ("日期", "调查日期", "发现日期", "date"),
        "product": ("我方品种", "我司品种", "本品", "our_product"),
        "competitor_product": ("竞品", "竞品名称", "竞争产品", "对手产品", "competitor"),
        "activity": ("竞品活动", "活动", "竞品动态", "动态", "activity"),
        "price": ("竞品价格", "价格", "中标价", "price"),
        "notes": ("备注", "对策", "说明", "notes"),
    },
    "meetings": {
        "date": ("会议日期", "日期", "开会日期", "date"),
        "type": ("会议类型", "类型", "会议形式", "type"),
        "invited": ("邀请人数", "应到人数", "邀请", "invited"),
        "attended": ("到会人数", "实到人数", "参会人数", "到会", "attended"),
    },
    "listings": {
        "status": ("进院状态", "状态", "准入状态", "status"),
        "applied_on": ("申请日期", "申请时间", "提交日期", "applied_on"),
        "listed_on": ("进院日期", "进院时间", "准入日期", "listed_on"),
        "benchmark": ("样板医院", "样板", "标杆医院", "benchmark"),
        "first_prescribers": (
            "首批处方医生数",
            "首批处方医生",
            "首批处方人数",
            "first_prescribers",
        ),
    },
    "overrides": {
        "scope": ("层级", "指定层级", "级别", "scope", "level"),
        "products": ("品种", "产品", "品种线", "产品线", "品种名称", "产品名称", "products"),
        "kind": ("类型", "指定类型", "约束", "kind", "type"),
        "period": ("期间", "月份", "考核期间", "年月", "period", "month", "half"),
        "units": ("数量", "指标数量", "目标数量", "units"),
        "amount": ("金额", "指标金额", "目标金额", "amount"),
        "rate": ("开发率", "科室开发率", "比例", "rate"),
        "notes": ("备注", "说明", "notes"),
    },
    "swot": {
        "category": ("类别", "分类", "类型", "swot", "swot类别", "category"),
        "content": ("内容", "分析内容", "描述", "说明", "要点", "content"),
        "action": ("对策", "行动", "措施", "应对", "策略", "action"),
    },
}


def _norm(header: str) -> str:
    return "".join(str(header).split()).lower().replace("（", "(").replace("）", ")")


def _build_aliases() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for kind, table in TABLES.items():
        mapping: dict[str, str] = {}
        for col, names in _SHARED_ALIASES.items():
            if col in table.columns:
                mapping.update({_norm(n): col for n in names})
        for col, names in _TABLE_ALIASES.get(kind, {}).items():
            mapping.update({_norm(n): col for n in names})
        for col, zh in HEADERS_ZH[kind].items():
            mapping[_norm(zh)] = col
        for col in table.columns:
            mapping[_norm(col)] = col
        out[kind] = mapping
    return out


ALIASES: dict[str, dict[str, str]] = _build_aliases()
"""Per table kind: normalised header text → canonical column."""


def canonical_column(header: str, kind: str) -> str | None:
    """Map a header as written in a file to its canonical column.

    Parameters
    ----------
    header
        Header text from the file (Chinese or English; spaces and case ignored).
    kind
        Table kind, one of :data:`KINDS`.

    Returns
    -------
    str or None
        The canonical column, or None when the header is unknown.

    Examples
    --------
    >>> canonical_column("医院编码", "sales")
    'hospital_id'
    >>> canonical_column("盒数", "sales")
    'units'
    >>> canonical_column("医院名称", "hospitals")
    'name'
    """
    if kind not in ALIASES:
        raise ValueError(f"unknown table kind {kind!r}; valid kinds: {', '.join(KINDS)}")
    return ALIASES[kind].get(_norm(header))


def resolve_column(
    name: str, kind: str, *, among: Iterable[str] | None = None, option: str = "column"
) -> str:
    """The canonical column a person means: the name, a header alias or the heading.

    What users type for an option such as ``repkit forecast --by``: ``region``, a header
    of their files (大区, 产品, 代表) or the heading repkit shows (区域, 品种).

    Parameters
    ----------
    name
        The text typed.
    kind
        Table kind whose columns are meant, one of :data:`KINDS`.
    among
        The columns allowed (default: every column of the table).
    option
        The option's name, for the message.

    Raises
    ------
    ValueError
        Unknown name; the message lists the accepted columns (heading and name).

    Examples
    --------
    >>> resolve_column("大区", "sales"), resolve_column("品种", "sales")
    ('region', 'product')
    >>> resolve_column("代表", "sales"), resolve_column("region", "sales")
    ('rep_id', 'region')
    """
    valid = list(among) if among is not None else list(TABLES[kind].columns)
    text = str(name).strip()
    found = text if text in valid else canonical_column(text, kind)
    if found not in valid:
        headings = {_norm(COLUMNS[c]): c for c in reversed(valid) if c in COLUMNS}
        found = headings.get(_norm(text), found)
    if found in valid:
        return str(found)
    shown = join(f"{COLUMNS.get(c, c)}（{c}）" if c in COLUMNS else c for c in valid)
    raise ValueError(
        say("arg.column", option=option, value=text, table=name_table(kind), valid=shown)
    )


def resolve_code(value: str, kind: str, *, valid: Iterable[str], option: str = "value") -> str:
    """The code a person means by ``value``: the code or its Chinese label (labels.CODES).

    Parameters
    ----------
    value
        The text typed, e.g. ``冲刺`` or ``stretch``.
    kind
        Code kind of :data:`repkit.labels.CODES` (``scenario``, ``model`` …).
    valid
        The codes accepted here.
    option
        The option's name, for the message.

    Raises
    ------
    ValueError
        Unknown value; the message lists the accepted labels and codes.

    Examples
    --------
    >>> scenarios = ("base", "target", "stretch", "company")
    >>> resolve_code("冲刺", "scenario", valid=scenarios)
    'stretch'
    >>> resolve_code("Base", "scenario", valid=scenarios)
    'base'
    """
    codes = [str(c) for c in valid]
    text = str(value).strip()
    lookup = {_norm(c): c for c in codes}
    labels = CODES.get(kind, {})
    lookup.update({_norm(str(labels[c])): c for c in codes if c in labels})
    lookup.update({_norm(k): v for k, v in CODE_ALIASES.get(kind, {}).items() if v in codes})
    found = lookup.get(_norm(text))
    if found is not None:
        return found
    shown = join(f"{labels[c]}（{c}）" if c in labels else c for c in codes)
    raise ValueError(say("arg.choice", option=option, value=text, valid=shown))
