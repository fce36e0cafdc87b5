"""Excel entry templates for teams without an ERP export (``templates/*.xlsx``).

One workbook per canonical table, named like the sample files (``医院.xlsx``,
``销售明细.xlsx`` …) so a folder of filled-in templates loads with
``rk.load_dataset``. Each has the Chinese headers of ``repkit.schema.HEADERS_ZH`` in
row 1 with a comment explaining the column, drop-down lists for the code columns
(hospital level, title, role, category, call purpose, expert yes/no), whole-number
validation 1–7 for adoption ratings, text format for IDs and months (leading zeros
survive), and a few consistent example rows (the same hospitals, doctors and reps in
every file) that ``repkit check`` accepts. Same call, same bytes.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from repkit.sample import fixed_xlsx_bytes
from repkit.schema import (
    CALL_PURPOSES,
    CATEGORY_LABELS,
    HEADERS_ZH,
    LEVEL_LABELS,
    LISTING_STATUSES,
    MEETING_TYPES,
    NURSE_TITLES,
    OVERRIDE_KINDS,
    OVERRIDE_SCOPES,
    RATING_LABELS,
    ROLE_LABELS,
    SHEET_NAMES,
    SWOT_CATEGORIES,
    TITLE_LABELS,
)

__all__ = ["ENTRY_NOTES", "EXAMPLES", "entry_template_bytes", "write_entry_templates"]

_ROWS = 5000  # rows covered by drop-down lists and validation
_HEADER_FILL = "1F4E79"
_EXAMPLE_FILL = "F2F2F2"

_RATING_NOTE = "；".join(f"{k}={v}" for k, v in RATING_LABELS.items())

ENTRY_NOTES: dict[str, dict[str, str]] = {
    "sales": {
        "month": "销售月份，写成 2026-01 或 202601。",
        "region": "区域名称，与医院表一致。",
        "hospital_id": "医院编码（文本，保留前导 0），与医院表一致。",
        "hospital": "医院名称（可选，便于阅读）。",
        "department": "科室（可选）。只到科室，不要填医生：按医生统计处方量（统方）是违规的。",
        "product": "品种名称，与产品表一致。",
        "rep_id": "负责的销售人员编码（可选）。",
        "distributor": "配送的商业公司（可选）。",
        "units": "数量（盒/支）。退货写负数。",
        "amount": "金额（元，可选）。不要写公式。",
    },
    "products": {
        "product": "品种名称，全公司唯一。",
        "category": "下拉选择：成熟品种 / 新品 / 辅助品种。",
        "unit": "包装单位，例如 盒、支。",
        "price_supply": "供货价（元）。",
        "price_retail": "零售价/中标价（元）。",
        "launch": "上市月份，例如 2025-03；老品种留空。",
    },
    "hospitals": {
        "hospital_id": "医院编码（文本，保留前导 0），全公司唯一。",
        "name": "医院名称。",
        "region": "所属区域。",
        "city": "城市。",
        "level": "下拉选择：三甲 / 三级 / 二级 / 一级 / 社区。",
        "beds": "床位数（整数）。",
        "departments": "开发的科室，用顿号分隔，例如 心内科、呼吸内科。",
    },
    "doctors": {
        "doctor_id": "医生编码，全公司唯一。",
        "name": "医生姓名（报告默认匿名显示）。",
        "hospital_id": "所在医院编码，与医院表一致。",
        "department": "科室。",
        "title": "下拉选择：主任医师 / 副主任医师 / 主治医师 / 住院医师。",
        "is_expert": "下拉选择：是 / 否（专家、返聘权威）。",
        "rating": f"用药评级 1–7：{_RATING_NOTE}。",
        "potential": "潜力（例如 门诊量 × 适应症占比），不是处方量。",
        "tier": "下拉选择：A / B / C（可选，手工分级优先于自动分级）。",
    },
    "reps": {
        "rep_id": "代表编码，全公司唯一。",
        "name": "姓名。",
        "region": "所属区域。",
        "products": "负责品种，用顿号分隔。",
        "hospitals": "负责医院编码，用顿号分隔。",
        "role": "下拉选择：销售人员 / 备案医药代表。销售指标只下达到销售人员。",
    },
    "calls": {
        "date": "拜访日期，例如 2026/1/5。",
        "rep_id": "代表编码。",
        "doctor_id": "医生编码。",
        "hospital_id": "医院编码。",
        "department": "科室。",
        "purpose": "下拉选择拜访目的。",
        "result": "结果：是否达到拜访目标。",
        "rating_after": f"拜访后的用药评级 1–7：{_RATING_NOTE}。",
        "follow_up": "总结和下一步行动。",
    },
    "targets": {
        "period": "考核期间：半年 2026H1、季度 2026Q3 或月份 2026-07。按季度或月份下达时，"
        "同一指标要覆盖整个半年，且不要再写半年行（会重复计算）。",
        "region": "区域。",
        "hospital_id": "医院编码（可选）：填写即为该医院的指标；区域指标留空。",
        "department": "科室（可选，需同时填医院编码）：科室指标。不要填医生：指标只到科室和"
        "销售人员，不设医生处方量（统方）。",
        "rep_id": "销售人员编码（可选，单独一行，不与医院编码同填）：该销售人员的指标。"
        "备案医药代表不承担销售指标。",
        "product": "品种。",
        "units": "指标数量。下级指标（医院、科室、销售人员）之和不能超过上级指标。",
        "amount": "指标金额（元，可选）。",
    },
    "collections": {
        "month": "月份，例如 2026-01。",
        "region": "区域。",
        "distributor": "商业公司。",
        "shipped": "发货金额（元）。",
        "collected": "回款金额（元）。",
        "stock": "月末渠道库存金额（元）。",
    },
    "nurses": {
        "hospital_id": "医院编码，与医院表一致。",
        "department": "病区：急诊科或住院部的病区，例如 心内科病区。",
        "name": "护士姓名（报告默认匿名显示）。",
        "title": "下拉选择：护士长 / 主管护师 / 护师 / 护士 / 实习护士。",
        "rep_id": "收集信息的代表编码（可选）。",
        "recorded_on": "收集日期，例如 2026-01-12（表 C 要求 20 天内完成）。",
    },
    "competitors": {
        "date": "调查日期，例如 2026-01-12（每周调查竞品）。",
        "hospital_id": "医院编码。",
        "department": "科室。",
        "product": "受影响的我方品种（可选）。",
        "competitor_product": "竞品名称。",
        "activity": "竞品活动：降价投标、科室会推广、新增代表、申请进院 …",
        "price": "竞品价格（元，可选）。",
        "rep_id": "代表编码（可选）。",
        "notes": "备注和我方对策。",
    },
    "meetings": {
        "date": "会议日期，例如 2026-03-05。",
        "hospital_id": "医院编码。",
        "department": "科室。",
        "type": "下拉选择：科室会 / 院内会 / 学术会 / 城市会 / 全国会议。",
        "product": "推广品种。",
        "rep_id": "负责代表编码（可选）。",
        "invited": "邀请人数。",
        "attended": "到会人数（不超过邀请人数）。只记人数，不记费用。",
    },
    "listings": {
        "hospital_id": "医院编码。",
        "product": "品种。",
        "status": "下拉选择：未进院 / 申请中 / 药事会待审 / 临时采购 / 已进院 / 已停用。",
        "applied_on": "提交进药申请的日期（可选）。",
        "listed_on": "进院日期（已进院时填写）。",
        "benchmark": "下拉选择：是 / 否（百日攻坚的样板医院）。",
        "first_prescribers": "首批处方医生的人数（只填人数，不填姓名和处方量）。",
    },
    "overrides": {
        "region": "区域。",
        "scope": (
            "下拉选择：医院（全院合计）/ 医院品种 / 品种（全区域）/ 品种线（几个品种合计，"
            "可填医院）/ 科室开发（目标科室开发率，是工作目标，不是销售指标）。"
        ),
        "hospital_id": "医院编码（或填医院名称）；品种、品种线（全区域）留空。",
        "hospital": "医院名称（可选，有编码时以编码为准）。",
        "products": "品种；品种线用顿号分隔，例如 帮达、瑞丁。医院、科室开发留空。",
        "kind": "下拉选择：固定 / 下限 / 上限 / 里程碑（某月的固定值）。范围写两行：下限和上限。",
        "period": "月份（2026-08）或半年（2026H2）。里程碑只能填月份。",
        "units": "数量（盒/支）。数量和金额只填一个。",
        "amount": "金额（元）。数量和金额只填一个。",
        "rate": "科室开发率，例如 80%（只用于科室开发）。",
        "notes": "备注：来源或理由，例如 计划书第3页。只到科室和销售人员，不填医生。",
    },
    "swot": {
        "region": "区域，与医院表的区域一致（每个区域经理填自己的区域）。",
        "category": (
            "下拉选择：优势 / 劣势 / 机会 / 威胁（SWOT），市场细分 / 目标市场 / 定位（STP）。"
        ),
        "product": "相关品种（可选，与产品表一致）。",
        "content": (
            "你的判断，一行一条，例如：二级医院进院慢、竞品降价投标。计划文档把它和数据提示并列。"
        ),
        "action": "对策或下一步行动（可选）。不写费用、不写医生个人的处方量。",
    },
}
"""Per table and column: the comment shown on the header cell."""

_LISTS: dict[str, tuple[str, ...]] = {
    "level": tuple(LEVEL_LABELS.values()),
    "title": tuple(TITLE_LABELS.values()),
    "role": tuple(ROLE_LABELS.values()),
    "category": tuple(CATEGORY_LABELS.values()),
    "purpose": tuple(CALL_PURPOSES.values()),
    "is_expert": ("是", "否"),
    "tier": ("A", "B", "C"),
    "type": tuple(MEETING_TYPES.values()),
    "status": tuple(LISTING_STATUSES.values()),
    "benchmark": ("是", "否"),
    "scope": tuple(OVERRIDE_SCOPES.values()),
    "kind": tuple(OVERRIDE_KINDS.values()),
}
_KIND_LISTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("nurses", "title"): tuple(NURSE_TITLES.values()),
    ("swot", "category"): tuple(SWOT_CATEGORIES.values()),
}
"""Drop-down lists of a column whose name means another list in other tables."""
_RATINGS = ("rating", "rating_after")
_TEXT = (
    "hospital_id",
    "doctor_id",
    "rep_id",
    "month",
    "period",
    "launch",
    "date",
    "recorded_on",
    "applied_on",
    "listed_on",
)
_NUMBERS = {
    "units": None,
    "amount": None,
    "price_supply": 0,
    "price_retail": 0,
    "beds": 0,
    "potential": 0,
    "shipped": 0,
    "collected": 0,
    "stock": 0,
    "price": 0,
    "invited": 0,
    "attended": 0,
    "first_prescribers": 0,
    "rate": 0,
}

_H1, _H2 = "001001", "001002"
_DIST = "国药控股兰州有限公司"

EXAMPLES: dict[str, list[tuple[Any, ...]]] = {
    "sales": [
        (
            "2026-01",
            "兰州",
            _H1,
            "兰州示例第一医院",
            "心内科",
            "瑞心安片",
            "R0001",
            _DIST,
            420,
            16170,
        ),
        (
            "2026-01",
            "兰州",
            _H1,
            "兰州示例第一医院",
            "心内科",
            "新活宁注射液",
            "R0001",
            _DIST,
            60,
            15600,
        ),
        (
            "2026-01",
            "兰州",
            _H2,
            "兰州示例社区卫生服务中心",
            "内一科",
            "瑞心安片",
            "R0001",
            _DIST,
            35,
            1347.5,
        ),
        (
            "2026-02",
            "兰州",
            _H1,
            "兰州示例第一医院",
            "心内科",
            "瑞心安片",
            "R0001",
            _DIST,
            380,
            14630,
        ),
        (
            "2026-02",
            "兰州",
            _H2,
            "兰州示例社区卫生服务中心",
            "内一科",
            "瑞心安片",
            "R0001",
            _DIST,
            -5,
            -192.5,
        ),
    ],
    "products": [
        ("瑞心安片", "成熟品种", "盒", 38.5, 52.0, None),
        ("新活宁注射液", "新品", "支", 260.0, 350.0, "2025-03"),
    ],
    "hospitals": [
        (_H1, "兰州示例第一医院", "兰州", "兰州", "三甲", 1500, "心内科、呼吸内科"),
        (_H2, "兰州示例社区卫生服务中心", "兰州", "兰州", "社区", 40, "内一科"),
    ],
    "doctors": [
        ("D00001", "王明", _H1, "心内科", "主任医师", "是", 5, 120.0, "A"),
        ("D00002", "李芳", _H1, "呼吸内科", "主治医师", "否", 3, 60.0, "B"),
        ("D00003", "张静", _H2, "内一科", "住院医师", "否", 4, 20.0, "C"),
    ],
    "reps": [
        ("R0001", "刘敏", "兰州", "瑞心安片、新活宁注射液", f"{_H1}、{_H2}", "销售人员"),
        ("R0002", "陈强", "兰州", "新活宁注射液", _H1, "备案医药代表"),
    ],
    "calls": [
        ("2026/1/5", "R0002", "D00001", _H1, "心内科", "介绍新药", "达到目标", 5, "下周送临床文献"),
        (
            "2026/1/6",
            "R0001",
            "D00003",
            _H2,
            "内一科",
            "查库存/用量/取定单",
            "部分达到",
            4,
            "月底再查库存",
        ),
        (
            "2026/1/8",
            "R0002",
            "D00002",
            _H1,
            "呼吸内科",
            "支持进药",
            "未达到",
            3,
            "约科室主任开科室会",
        ),
    ],
    "targets": [
        ("2026H1", "兰州", None, None, None, "瑞心安片", 2600, 100100),
        ("2026H1", "兰州", None, None, None, "新活宁注射液", 400, 104000),
        ("2026H1", "兰州", _H1, None, None, "瑞心安片", 1800, None),
        ("2026Q1", "兰州", _H1, "心内科", None, "新活宁注射液", 100, None),
        ("2026Q2", "兰州", _H1, "心内科", None, "新活宁注射液", 120, None),
        ("2026H1", "兰州", None, None, "R0001", "瑞心安片", 2000, None),
    ],
    "collections": [
        ("2026-01", "兰州", _DIST, 33117.5, 28000, 30000),
        ("2026-02", "兰州", _DIST, 14437.5, 30500, 26000),
    ],
    "nurses": [
        (_H1, "急诊科", "赵敏", "护士长", "R0001", "2026-01-08"),
        (_H1, "心内科病区", "孙丽", "主管护师", "R0001", "2026-01-12"),
        (_H1, "心内科病区", "周洁", "实习护士", "R0001", "2026-01-12"),
    ],
    "competitors": [
        (
            "2026-01-09",
            _H1,
            "心内科",
            "瑞心安片",
            "心脉宁片",
            "降价投标",
            45.0,
            "R0001",
            "上报公司",
        ),
        (
            "2026-01-16",
            _H1,
            "心内科",
            "新活宁注射液",
            "心活素注射液",
            "科室会推广",
            None,
            "R0002",
            "",
        ),
    ],
    "meetings": [
        ("2026-01-20", _H1, "心内科", "科室会", "新活宁注射液", "R0002", 20, 18),
        ("2026-02-26", _H1, "呼吸内科", "科室会", "瑞心安片", "R0001", 12, 11),
    ],
    "listings": [
        (_H1, "新活宁注射液", "已进院", "2025-03-02", "2025-06-18", "是", 3),
        (_H2, "新活宁注射液", "申请中", "2026-01-15", None, "否", None),
    ],
    "overrides": [
        (
            "兰州",
            "医院",
            _H1,
            "兰州示例第一医院",
            None,
            "里程碑",
            "2026-08",
            None,
            60000,
            None,
            "8月保持在6万",
        ),
        (
            "兰州",
            "医院",
            _H1,
            "兰州示例第一医院",
            None,
            "下限",
            "2026-09",
            None,
            65000,
            None,
            "9月6.5万到8万",
        ),
        (
            "兰州",
            "医院",
            _H1,
            "兰州示例第一医院",
            None,
            "上限",
            "2026-09",
            None,
            80000,
            None,
            "9月6.5万到8万",
        ),
        (
            "兰州",
            "医院品种",
            _H1,
            "兰州示例第一医院",
            "瑞心安片",
            "下限",
            "2026H2",
            2400,
            None,
            None,
            "每月不少于400盒",
        ),
        (
            "兰州",
            "品种",
            None,
            None,
            "新活宁注射液",
            "固定",
            "2026H2",
            600,
            None,
            None,
            "新品每月100支",
        ),
        (
            "兰州",
            "科室开发",
            _H1,
            "兰州示例第一医院",
            None,
            "里程碑",
            "2026-07",
            None,
            None,
            0.5,
            "科室开发率50%",
        ),
    ],
    "swot": [
        ("兰州", "优势", None, "空军医院心内科关系稳定，主任支持新品", "保持每月高层拜访"),
        ("兰州", "劣势", "新活宁注射液", "二院进院慢，申请已交药剂科", "跟进药事会时间"),
        ("兰州", "威胁", "瑞心安片", "竞品降价投标", "突出临床价值，不打价格战"),
        ("兰州", "目标市场", None, "三级医院心内科、呼吸内科和二级医院的相关科室", None),
    ],
}
"""Example rows per table (in ``HEADERS_ZH`` column order), consistent across tables."""


def _workbook(kind: str) -> Any:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = list(HEADERS_ZH[kind])
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAMES[kind]
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    example_fill = PatternFill("solid", fgColor=_EXAMPLE_FILL)
    for j, col in enumerate(columns, 1):
        letter = get_column_letter(j)
        header = HEADERS_ZH[kind][col]
        cell = ws.cell(row=1, column=j, value=header)
        cell.font = head_font
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center")
        note = ENTRY_NOTES[kind][col]
        comment = Comment(note, "repkit")
        comment.width, comment.height = 260, 90
        cell.comment = comment
        dim = ws.column_dimensions[letter]
        dim.width = max(10, min(28, 2.2 * len(header) + 4))
        if col in _TEXT:
            dim.number_format = "@"
        rng = f"{letter}2:{letter}{_ROWS}"
        dv = None
        choices = _KIND_LISTS.get((kind, col), _LISTS.get(col))
        if choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"')
            dv.error = f"请从下拉列表中选择：{'、'.join(choices)}"
        elif col in _RATINGS:
            dv = DataValidation(type="whole", operator="between", formula1="1", formula2="7")
            dv.error = f"用药评级只能是 1–7 的整数：{_RATING_NOTE}"
        elif col in _NUMBERS:
            low = _NUMBERS[col]
            dv = (
                DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=str(low))
                if low is not None
                else DataValidation(
                    type="decimal", operator="between", formula1="-1E+15", formula2="1E+15"
                )
            )
            dv.error = "这里只能填数字（不要填公式、单位或文字）。"
        if dv is not None:
            dv.allow_blank = True
            dv.showErrorMessage = True
            dv.errorTitle = header
            dv.showInputMessage = True
            dv.promptTitle = header
            dv.prompt = note[:250]
            ws.add_data_validation(dv)
            dv.add(rng)
    for i, row in enumerate(EXAMPLES[kind], 2):
        for j, (col, value) in enumerate(zip(columns, row, strict=True), 1):
            cell = ws.cell(row=i, column=j, value=value)
            cell.fill = example_fill
            if col in _TEXT and value is not None:
                cell.number_format = "@"
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(EXAMPLES[kind]) + 1}"
    return wb


def entry_template_bytes(kind: str) -> bytes:
    """The bytes of one entry template (deterministic).

    Parameters
    ----------
    kind
        Table kind, one of ``repkit.schema.KINDS``.

    Examples
    --------
    >>> entry_template_bytes("hospitals") == entry_template_bytes("hospitals")
    True
    """
    if kind not in HEADERS_ZH:
        raise ValueError(f"unknown table kind {kind!r}; valid kinds: {', '.join(HEADERS_ZH)}")
    buf = io.BytesIO()
    _workbook(kind).save(buf)
    return fixed_xlsx_bytes(buf.getvalue())


def write_entry_templates(folder: str | Path, *, kinds: list[str] | None = None) -> list[Path]:
    """Write the Excel entry templates, one workbook per table, into a folder.

    Each file is named after the table's Chinese sheet name (``销售明细.xlsx``,
    ``医院.xlsx`` …): copy the files into a data folder, replace the grey example rows
    with your own and run ``repkit check FOLDER``. Files are written to a temporary
    name and moved into place.

    Parameters
    ----------
    folder
        Target folder (created if missing); ``templates/`` in the repository.
    kinds
        Tables to write; default all of them.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> paths = rk.report.entry.write_entry_templates("entry")
    >>> sorted(p.name for p in paths)[:3]
    ['SWOT分析.xlsx', '产品.xlsx', '代表.xlsx']
    >>> import openpyxl
    >>> ws = openpyxl.load_workbook("entry/医院.xlsx").active
    >>> [c.value for c in ws[1]][:5]
    ['医院编码', '医院名称', '区域', '城市', '医院等级']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in kinds or list(HEADERS_ZH):
        data = entry_template_bytes(kind)
        path = folder / f"{SHEET_NAMES[kind]}.xlsx"
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)
    return written
