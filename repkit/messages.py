"""The one catalogue of sentences repkit says to people: data problems, fixes, CLI and batch.

Every sentence has a Chinese and an English template; Chinese is the default and
``REPKIT_LANG=en`` (see :func:`repkit.labels.language`) switches to English for head-office
readers. A problem's message key starts with its rule code (``too_large.member`` is a
``too_large`` problem), so the code stays searchable whatever the language; the fix of
each rule is in :data:`FIXES`.

Examples
--------
>>> say("ambiguous_number", value="12,3")
"'12,3' 有不止一种读法（小数逗号还是千位分隔符）"
>>> say("ambiguous_number", value="12,3", lang="en")[:35]
"'12,3' could be read in more than o"
>>> fix("bad_date")
'月份写成 2024-07、202407 或 2024年7月。'
>>> width("兰州ab"), pad("兰州", 6) + "|"
(6, '兰州  |')
"""

from __future__ import annotations

import errno
import os
import string
import unicodedata
from collections.abc import Iterable
from typing import Any


def language(lang: str | None = None) -> str:
    """The message language, as :func:`repkit.labels.language`: ``lang``, ``REPKIT_LANG``, zh.

    Read here without importing the labels module (it imports pandas, and ``repkit
    --help`` should start quickly); an invalid choice gets the registry's error.
    """
    chosen = (lang or os.environ.get("REPKIT_LANG") or "zh").strip().lower()
    if chosen not in ("zh", "en"):
        from repkit.labels import language as checked

        return checked(lang)
    return chosen


__all__ = [
    "FIXES",
    "MESSAGES",
    "fix",
    "join",
    "name_column",
    "name_table",
    "os_reason",
    "pad",
    "problem",
    "say",
    "width",
]

FIXES: dict[str, tuple[str, str]] = {
    "ambiguous_number": (
        "把数字写得没有歧义，例如 12.3 或 123（不要写 12,3）。",
        "Write the number without ambiguity, e.g. 12.3 or 123 (not 12,3).",
    ),
    "bad_number": (
        "填写普通数字（能识别 1234.5、1.2万、¥1,234.50 和 (1,000)）。",
        "Enter a plain number (1234.5, 1.2万, ¥1,234.50 and (1,000) are understood).",
    ),
    "bad_date": (
        "月份写成 2024-07、202407 或 2024年7月。",
        "Write the month as 2024-07, 202407 or 2024年7月.",
    ),
    "bad_code": ("使用列出的编码之一。", "Use one of the listed codes."),
    "uncalculated_formula": (
        "在 Excel 中打开文件，让它重新计算后保存，或粘贴为数值。",
        "Open the file in Excel, let it recalculate, save, or paste values.",
    ),
    "excel_error": (
        "在 Excel 中改正产生这个错误的公式，或粘贴为数值。",
        "Fix the formula that gives this error in Excel, or paste values.",
    ),
    "duplicate_header": ("每一列使用不同的表头。", "Give each column a distinct header."),
    "missing_column": (
        "添加这一列（repkit.schema.ALIASES 中列出的任一表头都可以）。",
        "Add the column (any header listed in repkit.schema.ALIASES works).",
    ),
    "missing_value": (
        "填写这个单元格；关键列不能为空。",
        "Fill in the cell; key columns cannot be blank.",
    ),
    "out_of_range": ("使用允许范围内的值。", "Use a value inside the allowed range."),
    "not_a_spreadsheet": ("把数据导出为 .xlsx 或 .csv。", "Export the data as .xlsx or .csv."),
    "unsupported_format": (
        "在 WPS、Excel 或 LibreOffice 中打开文件，另存为 Excel 工作簿（.xlsx）；repkit 读取 "
        ".xlsx、.xlsm、.xlsb、.xls、.ods、.csv 和文本表格。",
        "Open the file in WPS, Excel or LibreOffice and save it as Excel Workbook (.xlsx); "
        "repkit reads .xlsx, .xlsm, .xlsb, .xls, .ods, .csv and text tables.",
    ),
    "no_data_files": (
        "把导出的数据文件（销售明细.xlsx、医院.xlsx …）放进这个文件夹，或指定存放它们的文件夹。",
        "Put the exported data files (销售明细.xlsx, 医院.xlsx …) into the folder, or give "
        "the folder that holds them.",
    ),
    "empty": (
        "文件没有数据行；请连同数据重新导出。",
        "The file has no data rows; export it again with the data.",
    ),
    "mojibake": (
        "把文件重新另存为 UTF-8（或 GB18030）文本；其中的字符已成乱码。",
        "Save the file again as UTF-8 (or GB18030) text; the characters are garbled.",
    ),
    "too_large": (
        "文件声明的大小会耗尽内存；请重新导出。",
        "The file declares a size that would exhaust memory; export it again.",
    ),
    "duplicate_key": (
        "每个键只能出现一次；合并或删除重复的行。",
        "Each key must appear once; merge or remove the repeated rows.",
    ),
    "duplicate_file": (
        "同一张表的两个文件含有相同的行（同一导出的第二份，如“销售明细 - 副本.xlsx”）；"
        "删除副本，或每个期间只保留一份导出。",
        "Two files of one table hold the same rows (a second copy of an export such as "
        "'销售明细 - 副本.xlsx'); delete the copy or keep one export per period.",
    ),
    "implausible_value": (
        "改正这个数字（打字错误或导出损坏？）；如果它确实无误，请放宽该列的 "
        "repkit.io.PLAUSIBLE_RANGES。",
        "Correct the number (a typing slip or a corrupt export?); if it is right, widen "
        "repkit.io.PLAUSIBLE_RANGES for that column.",
    ),
    "not_monthly": (
        "先把数据汇总到月，每月一个值：销售用 y.resample('MS').sum()，价格等水平值用 "
        ".mean()（forecast_many 会自己按行求和）。",
        "Aggregate the data to months first, one value per month: y.resample('MS').sum() "
        "for sales, .mean() for levels such as prices (forecast_many sums rows by itself).",
    ),
    "missing_month": (
        "补上这个月；该月确实没有销售时传入 missing='zero'，价格、库存等水平值传入 "
        "missing='interpolate'。",
        "Add the month, or pass missing='zero' when it had no sales, or "
        "missing='interpolate' for levels such as prices or stock.",
    ),
    "unknown_reference": (
        "在被引用的表中补上缺少的行，或改正编码。",
        "Add the missing row to the referenced table or correct the code.",
    ),
    "unsafe_id": (
        '从 ID 中删除 / \\ .. : * ? " < > | 和控制字符（只用字母、数字、- 和 _）；'
        "ID 会用作文件名和文件夹名。",
        'Remove / \\ .. : * ? " < > | and control characters from the ID (use letters, '
        "digits, - and _); IDs become file and folder names.",
    ),
    "inexact_id": (
        "在 Excel 中把 ID 列设为“文本”格式，再重新录入 ID。",
        "Format the ID column as Text in Excel and enter the IDs again.",
    ),
    "attended_above_invited": (
        "会议的到会人数不能多于邀请人数；请改正到会人数或邀请人数。",
        "A meeting cannot have more attendees than invitees; correct 到会人数 or 邀请人数.",
    ),
    "meeting_spending": (
        "会议记录只含日期、科室、品种和人数；请删除费用列（不汇总任何费用或给医生的付款）。",
        "Meeting records hold dates, departments, products and head counts only; remove "
        "the spending column (no costs or payments per doctor are compiled).",
    ),
    "half_beyond_data": (
        "计划的半年最多在最后一个销售月份之后四个半年，或补上缺少的销售月份。",
        "Plan a half at most four halves after the last month of sales, or add the "
        "missing sales months.",
    ),
    "implausible_total": (
        "检查销售文件的数量列：某个品种的半年数量不是小于 10¹² 的有限数。",
        "Check the units column of the sales file: a product's half-year units are not a "
        "finite number below 10¹².",
    ),
    "prescription_by_doctor": (
        "按医生统计的销售就是处方数据（统方），国家规定禁止汇总；请删除医生列，汇总到科室。",
        "Sales per doctor are prescription figures (统方), which Chinese rules forbid "
        "compiling; remove the doctor column and aggregate to department.",
    ),
}
"""Rule code → (Chinese fix, English fix): what the user does about a problem."""

_PROBLEMS: dict[str, tuple[str, str]] = {
    # -- numbers (io/_values.py)
    "bad_number": ("{value!r} 不是数字", "{value!r} is not a number"),
    "bad_number.spaces": ("{value!r} 的数字之间有空格", "{value!r} has spaces between its digits"),
    "bad_number.yes_no": (
        "{value!r} 是“是/否”值，不是数字",
        "{value!r} is a yes/no value, not a number",
    ),
    "bad_number.infinite": ("{value!r} 不是有限的数", "{value!r} is not a finite number"),
    "bad_number.date": (
        "{value} 是日期或时间，不是数字",
        "{value} is a date or time, not a number",
    ),
    "ambiguous_number": (
        "{value!r} 有不止一种读法（小数逗号还是千位分隔符）",
        "{value!r} could be read in more than one way (decimal comma or thousands separator)",
    ),
    "excel_error": ("单元格显示 Excel 错误 {error}", "the cell shows the Excel error {error}"),
    "uncalculated_formula": (
        "单元格里的公式从未计算出结果",
        "the cell holds a formula whose result was never calculated",
    ),
    # -- dates
    "bad_date": ("{value!r} 不是月份或日期", "{value!r} is not a month or date"),
    "bad_date.not_date": ("{value!r} 不是日期", "{value!r} is not a date"),
    "bad_date.invalid": ("{value!r} 不是有效日期", "{value!r} is not a valid date"),
    "bad_date.year": ("{value!r}：年份 {year} 超出范围", "{value!r}: year {year} is out of range"),
    "bad_date.no_year": (
        "{value!r} 没有年份；请写成 2024年{month}月，或传入 year=",
        "{value!r} has no year; write 2024年{month}月 or pass year=",
    ),
    "bad_date.half": (
        "{value!r} 不是半年；请写成 2026H1 或 2026年上半年",
        "{value!r} is not a half-year; write it as 2026H1 or 2026年上半年",
    ),
    "bad_date.month_column": (
        "月份列 {header!r} 没有年份；请写成 2024年7月，或传入 year=",
        "the month column {header!r} has no year; write it as 2024年7月 or pass year=",
    ),
    "bad_date.holiday": ("不是日期", "not a date"),
    # -- codes
    "bad_code": (
        "{value!r} 不是已知的{kind}；可用：{valid}",
        "{value!r} is not a known {kind}; use one of {valid}",
    ),
    "bad_code.yes_no": (
        "{value!r} 不是“是/否”值（是/否）",
        "{value!r} is not a yes/no value (是/否)",
    ),
    "bad_code.not_code": ("{value!r} 不是编码", "{value!r} is not a code"),
    "bad_code.fraction": ("{value!r} 不是整数编码", "{value!r} is not a whole-number code"),
    "bad_code.date": ("{value} 是日期，不是编码", "{value!s} is a date, not a code"),
    "bad_code.listed": (
        "{value!r} 不在可用编码之列（{check}）",
        "{value!r} fails the check {check}",
    ),
    "bad_code.workday": (
        "是否上班（is_workday）必须是 是/否（1/0、true/false）",
        "is_workday must be 是/否 (1/0, true/false)",
    ),
    "inexact_id": (
        "{value} 被存成了数字；Excel 只保留 15 位有效数字，这个 ID 的末几位可能有误",
        "{value} was stored as a number; Excel keeps only 15 digits, so the last digits of "
        "this ID may be wrong",
    ),
    "out_of_range": ("{value!r} 未通过检查 {check}", "{value!r} fails the check {check}"),
    "out_of_range.rating": ("评级 {value!r} 不在 1–7 之内", "rating {value!r} is outside 1–7"),
    "out_of_range.negative": (
        "{column}不能为负数（{value}）",
        "{column} cannot be negative ({value})",
    ),
    # -- files (io/_sources.py, io/_load.py, io/_safety.py)
    "not_a_spreadsheet.binary": (
        "文件不是表格、CSV 或文本表（二进制内容）",
        "the file is not a spreadsheet, CSV or text table (binary content)",
    ),
    "not_a_spreadsheet.zip": (
        "文件是 zip 压缩包，但不是 Excel 工作簿",
        "the file is a zip archive but not an Excel workbook",
    ),
    "not_a_spreadsheet.damaged_zip": (
        "文件是损坏的 zip 压缩包（{error}）",
        "the file is a damaged zip archive ({error})",
    ),
    "not_a_spreadsheet.password": (
        "工作簿设有密码保护；请另存一份不带密码的副本",
        "the workbook is password-protected; save a copy without password",
    ),
    "not_a_spreadsheet.excel": (
        "文件无法作为 Excel 工作簿打开（{error}）",
        "the file cannot be opened as an Excel workbook ({error})",
    ),
    "not_a_spreadsheet.entities": (
        "成员 {member} 声明了 XML 实体，Excel 从不写这种内容；这不是真正的 Excel 导出文件",
        "member {member} declares XML entities, which Excel never writes; the file is not "
        "a genuine Excel export",
    ),
    "not_a_spreadsheet.csv_line": (
        "第 {line} 行无法拆分成单元格（{error}）",
        "line {line} cannot be split into cells ({error})",
    ),
    "not_a_spreadsheet.html": ("HTML 文件中没有表格", "the HTML file has no table"),
    "not_a_spreadsheet.xml": (
        "XML 表格无法读取（{error}）",
        "the XML spreadsheet cannot be read ({error})",
    ),
    "not_a_spreadsheet.xml_sheet": ("XML 文件中没有工作表", "the XML file has no worksheet"),
    "not_a_spreadsheet.parquet": (
        "parquet 文件无法读取（{error}）",
        "the parquet file cannot be read ({error})",
    ),
    "not_a_spreadsheet.database": (
        "数据库无法读取（{error}）",
        "the database cannot be read ({error})",
    ),
    "unsupported_format": (
        "不读取 {suffix} 文件；请另存为 Excel 工作簿（.xlsx）",
        "{suffix} files are not read; save it as an Excel workbook (.xlsx)",
    ),
    "empty.file": ("文件是空的", "the file is empty"),
    "empty.no_sheet": ("没有可见的工作表", "no visible sheet"),
    "empty.no_worksheet": ("工作簿中没有工作表", "the workbook has no worksheet"),
    "empty.database": ("数据库中没有表", "the database has no tables"),
    "empty.no_cells": ("工作表中没有任何单元格", "the sheet has no cells at all"),
    "empty.no_rows": ("工作表有表头，但没有数据行", "the sheet has a header but no data rows"),
    "mojibake": ("文本是乱码：{reason}", "the text is garbled: {reason}"),
    "mojibake.columns": (
        "文本是乱码（列：{columns}）：{reason}",
        "the text is garbled (columns {columns}): {reason}",
    ),
    "mojibake.marker": (
        "含有 {marker!r}，这是用错编码解码文本的标志",
        "it contains {marker!r}, the mark of text decoded with the wrong encoding",
    ),
    "mojibake.latin": (
        "其中的 UTF-8 中文被当成了西文（Latin-1）文本",
        "it holds UTF-8 Chinese that was read as Western (Latin-1) text",
    ),
    "mojibake.gbk": (
        "其中的 UTF-8 中文被当成 GBK 读取后又保存了",
        "it holds UTF-8 Chinese that was read as GBK and saved again",
    ),
    "mojibake.encoding": (
        "文件不是有效的 {encoding} 文本（第 {byte} 字节）；字符会变成乱码",
        "the file is not valid {encoding} text (byte {byte}); characters would be garbled",
    ),
    "mojibake.undecodable": (
        "文本既不是 UTF-8、GB18030，也不是 UTF-16（第 {byte} 字节无法解码）；字符会变成乱码",
        "the text is neither UTF-8, GB18030 nor UTF-16 (undecodable byte at {byte}); "
        "characters would be garbled",
    ),
    "too_large.member": (
        "压缩包成员 {member} 解压后将达 {size:,} 字节（压缩比 {ratio:,.0f}:1）；已在解压前拒绝",
        "member {member} would expand to {size:,} bytes (compression ratio {ratio:,.0f}:1); "
        "refused before decompression",
    ),
    "too_large.archive": (
        "压缩包解压后总共将达 {size:,} 字节",
        "the archive would expand to {size:,} bytes in all",
    ),
    "too_large.sheet": (
        "工作表用到了 {cell} 单元格（共 {cells:,} 个单元格）；请删除数据以外的行和列"
        "（选中它们，右键，删除）后重新保存",
        "the sheet uses cells up to {cell} ({cells:,} cells); delete the rows and columns "
        "beyond the data (select them, right-click, Delete) and save again",
    ),
    # -- headers and columns (io/_table.py)
    "missing_column.no_header": (
        "前 {scan} 行中没有找到含{table}表各列（{wanted}）的表头行",
        "no header row with the {table} columns ({wanted}) was found in the first {scan} rows",
    ),
    "missing_column": (
        "缺少「{column}」列（找到的表头：{found}）",
        "no column for {column} (headers found: {found})",
    ),
    "missing_column.any_of": (
        "至少需要「{columns}」中的一列",
        "needs a column for {columns}",
    ),
    "missing_column.no_table": (
        "表头与 repkit 读取的任何一张表都对不上（{tables}）",
        "the headers match none of the tables repkit reads ({tables})",
    ),
    "missing_column.holiday": (
        "假日文件中没有 {column} 列",
        "the holiday file has no {column} column",
    ),
    "duplicate_header": (
        "表头 {header!r} 出现了两次（{first} 列和 {second} 列）",
        "the header {header!r} appears twice (columns {first} and {second})",
    ),
    "duplicate_header.same_meaning": (
        "表头 {first!r} 和 {second!r} 都表示「{column}」；请只保留一个",
        "the headers {first!r} and {second!r} both mean {column}; keep one",
    ),
    "prescription_by_doctor": (
        "销售文件中有医生列 {header!r}：按医生统计的销售就是处方数据（统方），repkit 从不读取",
        "the sales file has a doctor column {header!r}: sales per doctor are prescription "
        "figures (统方), which repkit never reads",
    ),
    "meeting_spending": (
        "会议文件中有费用列 {header!r}：repkit 只记会议人数，从不记费用或给医生的付款",
        "the meetings file has a spending column {header!r}: repkit keeps head counts of "
        "meetings, never costs or payments per doctor",
    ),
    "missing_value": ("「{column}」为空", "{column} is blank"),
    "missing_value.all": ("「{columns}」都为空", "{columns} blank"),
    # -- whole tables (io/_validate.py)
    "implausible_value": (
        "{column} {value:g} 超出单行的合理范围（{low:g} 至 {high:g}）",
        "{column} {value:g} is outside the plausible range {low:g} to {high:g} for one row",
    ),
    "unsafe_id": (
        "{column} {value!r} 含有路径字符；用作文件名时会指到输出文件夹以外",
        "{column} {value!r} contains path characters; it would name a file outside the "
        "output folder",
    ),
    "attended_above_invited": (
        "到会 {attended:g} 人，但只邀请了 {invited:g} 人",
        "{attended:g} attended but only {invited:g} invited",
    ),
    "duplicate_key": (
        "{column} {value!r} 出现了不止一次",
        "{column} {value!r} appears more than once",
    ),
    "duplicate_file.copy": (
        "{file} 是 {other} 的副本（同样的 {n:,} 行）；请删除副本",
        "{file} is a copy of {other} (the same {n:,} rows); delete the copy",
    ),
    "duplicate_file": (
        "{file} 中有 {n:,} 行与 {other} 的行重复（{columns}相同）；{table}会被重复计算："
        "每个期间只保留一份导出",
        "{n:,} rows of {file} repeat rows of {other} (same {columns}); the {table} would be "
        "counted twice: keep one export of each period",
    ),
    "unknown_reference": (
        "{column} {value!r} 不在{table}表中",
        "{column} {value!r} is not in the {table} table",
    ),
    "unknown_reference.more": (
        "还有 {n:,} 行引用了 {column} {value!r}",
        "{n:,} more rows refer to {column} {value!r}",
    ),
    # -- series to forecast (forecast/_input.py) and manual tiers (tiering/_tiers.py)
    "not_monthly": (
        "{where}是{freq}数据，每月不止一个值",
        "{where} holds {freq} data, several values per month",
    ),
    "duplicate_key.month": (
        "月份 {month} 在序列中出现了不止一次",
        "month {month} appears more than once in the series",
    ),
    "bad_number.month": ("{month} 的值不是数字", "the value of {month} is not a number"),
    "bad_number.column": ("{column} 不是数字", "{column} is not a number"),
    "missing_month": ("缺少月份 {month}（没有值）", "month {month} is missing (no value)"),
    "missing_month.key": ("{key}：月份 {month} 没有数据行", "{key}: month {month} has no row"),
    "bad_code.tier": (
        "医生 {doctor}：分级 {value!r} 不是 A、B 或 C（留空则由 repkit 分级）",
        "doctor {doctor}: tier {value!r} is not A, B or C (leave it blank to let repkit tier "
        "the doctor)",
    ),
    "problem.more": (
        "这一列还有 {n:,} 个单元格有同样的问题",
        "{n:,} more cells in this column have the same problem",
    ),
    "no_data_files": (
        "文件夹中没有 repkit 能读取的数据文件（{extensions}），或文件名和表头都对不上任何一张表",
        "the folder holds no data file repkit reads ({extensions}) whose name or headers "
        "match a table",
    ),
}

_SENTENCES: dict[str, tuple[str, str]] = {
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
    "path.no_data": ("找不到数据文件夹：{path}", "data folder not found: {path}"),
    "path.no_holidays": ("找不到假日文件：{path}", "no such holiday file: {path}"),
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
    # -- repkit --help (cli.py)
    "help.app": (
        "repkit：医药销售团队的半年工作计划与增长预测。",
        "repkit: half-year plans and growth forecasts for pharmaceutical sales teams.",
    ),
    "help.cmd.sample": (
        "生成带种子的模拟数据集，写成中文表头的 Excel/CSV 文件。",
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
    "none": ("无", "none"),
    "word.or": ("或", " or "),
    "word.comma": ("，", ", "),
    "word.semicolon": ("；", "; "),
}

MESSAGES: dict[str, tuple[str, str]] = {**_PROBLEMS, **_SENTENCES}
"""Message key → (Chinese template, English template), in :meth:`str.format` syntax."""

_OS_REASONS: dict[int, str] = {
    errno.ENOENT: "找不到文件或文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许的操作",
    errno.ENOSPC: "磁盘空间不足",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.ENOTDIR: "不是文件夹",
    errno.EEXIST: "已经存在",
    errno.EROFS: "只读文件系统",
    errno.ENAMETOOLONG: "文件名太长",
}


def _pick(pair: tuple[str, str], lang: str | None) -> str:
    return pair[1] if language(lang) == "en" else pair[0]


def say(key: str, /, *, lang: str | None = None, **fields: Any) -> str:
    """The sentence ``key`` of :data:`MESSAGES` in the user's language, filled in.

    Examples
    --------
    >>> say("empty.file"), say("empty.file", lang="en")
    ('文件是空的', 'the file is empty')
    """
    return _pick(MESSAGES[key], lang).format(**fields)


def fix(rule: str, *, lang: str | None = None) -> str:
    """How to fix a problem of ``rule`` (empty for an unknown rule).

    Examples
    --------
    >>> fix("empty", lang="en")
    'The file has no data rows; export it again with the data.'
    """
    pair = FIXES.get(str(rule))
    return _pick(pair, lang) if pair else ""


def problem(key: str, /, *, where: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A problem (rule code from ``key``, message from the catalogue) at ``where``.

    ``where`` holds the problem's file, sheet, row, column and value.

    Examples
    --------
    >>> p = problem("too_large.archive", where={"file": "a.xlsx"}, size=2**33)
    >>> p["rule"], p["message"]
    ('too_large', '压缩包解压后总共将达 8,589,934,592 字节')
    """
    return {**(where or {}), "rule": key.split(".")[0], "message": say(key, **fields)}


def name_column(column: str | None, *, lang: str | None = None) -> str:
    """A canonical column as people read it (its heading; English: the name).

    Examples
    --------
    >>> name_column("units"), name_column("units", lang="en")
    ('数量', 'units')
    """
    if column is None:
        return ""
    if language(lang) == "en":
        return str(column)
    from repkit.labels import COLUMNS

    return COLUMNS.get(str(column), str(column))


def name_table(kind: str, *, lang: str | None = None) -> str:
    """A table kind as people read it (销售, 医院 …).

    Examples
    --------
    >>> name_table("hospitals")
    '医院'
    """
    if language(lang) == "en":
        return kind
    from repkit.labels import CODES

    return str(CODES["table"].get(kind, kind))


def join(items: Iterable[Any], *, lang: str | None = None, word: str = "") -> str:
    """Items as a list in the user's language (、 in Chinese); ``word`` joins the last two.

    Examples
    --------
    >>> join(["a", "b"]), join(["a", "b"], lang="en"), join(["a", "b"], word="或")
    ('a、b', 'a, b', 'a或b')
    """
    parts = [str(i) for i in items]
    if word:
        return word.join(parts)
    return (", " if language(lang) == "en" else "、").join(parts)


def os_reason(err: OSError) -> str:
    """Why a file operation failed, in the user's language (the system's words in English)."""
    if language() != "en" and err.errno in _OS_REASONS:
        return _OS_REASONS[err.errno]
    return str(err.strerror or err)


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal: Chinese (east-asian wide) characters take two.

    Examples
    --------
    >>> width("兰州"), width("ok"), width("（")
    (4, 2, 2)
    """
    total = 0
    for ch in str(text):
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (see :func:`width`)."""
    return str(text) + " " * max(0, columns - width(text))


def placeholders(template: str) -> set[str]:
    """The field names of a template (for the catalogue's own tests)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
