"""Wording of data problems and their fixes (part of the catalogue in repkit.messages).

Each entry is (Chinese template, English template) in :meth:`str.format` syntax; a
problem's key is its rule code, or ``rule.variant`` when a rule has several messages.
"""

from __future__ import annotations

FIXES: dict[str, tuple[str, str]] = {
    "override_scope": (
        "按层级填写所需的列：医院和科室开发要写医院；医院品种写医院和一个品种；品种写一个品种（全区域）；"
        "品种线写几个品种，用顿号（、）分隔。",
        "Fill the columns the 层级 needs: 医院 and 科室开发 name a hospital; 医院品种 a "
        "hospital and one 品种; 品种 one 品种 (region-wide); 品种线 its 品种, separated by 、.",
    ),
    "override_value": (
        "销售类指定只填数量或金额中的一个；开发率（例如 80%）只用于科室开发目标。",
        "Give 数量 or 金额 (one of them) for sales overrides, and 开发率 (e.g. 80%) only for "
        "科室开发 goals.",
    ),
    "override_period": (
        "里程碑的期间只能填一个月份，例如 2026-08。",
        "Give a milestone (里程碑) one month in 期间, e.g. 2026-08.",
    ),
    "override_unknown": (
        "使用本区域的医院和品种（见 医院.xlsx 和销售数据），或删除这条指定。",
        "Use a hospital and products of the region being planned (see 医院.xlsx and "
        "the sales), or remove the override.",
    ),
    "override_above_target": (
        "固定值和下限加起来超过了指标：调低它们、提高增长率，或同时指定该品种的区域总量。",
        "The fixed figures and floors ask for more than the target holds: lower them, "
        "raise the growth, or fix the product's region total as well.",
    ),
    "override_below_target": (
        "固定值和上限留下的空间不够完成指标：提高上限、调低指标，或让部分医院和月份不受指定。",
        "The fixed figures and caps leave less room than the target needs: raise the "
        "caps, lower the target, or leave some hospitals and months free.",
    ),
    "override_floor_above_cap": (
        "同一范围的下限高于上限或固定值：改正其中一个。",
        "A floor (下限) is above a cap (上限) or a fixed figure of the same scope; correct "
        "one of them.",
    ),
    "overlapping_quota": (
        "每个指标每个期间只给一次：半年、它的季度和月份互相重叠；同一指标只保留半年、季度或月份中的一种。",
        "Give each quota once per period: a half, its quarters and its months overlap; "
        "keep either the half or the quarters or the months of one quota.",
    ),
    "partial_quota_period": (
        "按月或按季度给的指标必须覆盖整个半年：补上缺少的月份或季度（没有指标填 0），"
        "或直接给半年指标。",
        "Quotas given by month or quarter must cover the whole half-year; add the missing "
        "months or quarters (0 where there is no quota) or give the half.",
    ),
    "quota_above_parent": (
        "下级指标（医院、科室、销售人员）加起来超过了上级指标：改正下级指标或区域/医院指标，使两者一致。",
        "Lower quotas (hospitals, departments, sales staff) add up to more than the quota "
        "above them; correct the lower quotas or the region/hospital quota so they agree.",
    ),
    "bad_quota_level": (
        "医院指标填医院编码；科室指标填医院编码和科室；销售人员指标只填代表编码；区域指标这三列都不填；"
        "代表的指标单独一行。",
        "Fill 医院编码 for a hospital quota, 医院编码 and 科室 for a department quota, "
        "代表编码 alone for a sales-staff quota and none of them for a region quota; put a "
        "rep's quota on a row of its own.",
    ),
    "quota_for_medical_rep": (
        "备案的医药代表不承担销售指标（医药代表备案管理办法）：把指标给科室或销售人员。",
        "Registered medical representatives carry no sales quota (医药代表备案管理办法); "
        "give the quota to the department or to sales staff.",
    ),
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
    "blank_value": (
        "填写这个值；该月确实没有销售时填 0，价格、库存等水平值可传入 missing='interpolate'"
        "（按相邻月份插值）。",
        "Fill in the value: 0 when the month had no sales, or pass missing='interpolate' "
        "for levels such as prices or stock (a line between the neighbouring months).",
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

PROBLEMS: dict[str, tuple[str, str]] = {
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
    "not_a_spreadsheet.wide_row": (
        "第 {line} 行有 {cells} 个单元格，表头只有 {header} 列；单元格中是否有未加引号的逗号？",
        "line {line} has {cells} cells but the header only {header} columns; does a cell hold "
        "an unquoted comma?",
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
    "prescription_by_doctor.targets": (
        "指标文件中有医生列 {header!r}：按医生下达的指标就是处方指标（统方）；"
        "销售指标只到科室和销售人员",
        "the targets file has a doctor column {header!r}: quotas per doctor are prescription "
        "targets (统方); sales targets stop at department and sales staff",
    ),
    "prescription_by_doctor.overrides": (
        "经理指定文件中有医生列 {header!r}：经理指定只到医院 × 品种；"
        "按医生统计的销售就是处方数据（统方）",
        "the overrides file has a doctor column {header!r}: the manager's figures (经理指定) "
        "stop at hospital × product; sales per doctor are prescription figures (统方)",
    ),
    "missing_column.hospital_names": (
        "指标文件有医院名称列 {header!r}，但没有「医院编码」列：医院指标按医院编码对应",
        "the targets file has hospital names ({header!r}) but no 医院编码 column; hospital "
        "quotas are matched by 医院编码",
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
    "blank_value": ("{column} 为空", "{column} is blank"),
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
    # -- quotas as a set (io/_quotas.py, io/_validate.py)
    "bad_quota_level.rep": (
        "指标行只能是区域指标（医院编码、科室、代表编码都不填）、医院指标（医院编码）、科室指标"
        "（医院编码和科室）或销售人员指标（只填代表编码）；这一行代表编码和医院编码都填了",
        "a quota row is for the region (no 医院编码, 科室, 代表编码), a hospital (医院编码), a "
        "department (医院编码 and 科室) or a sales staff member (代表编码 only); 代表编码 and "
        "医院编码 are both filled",
    ),
    "bad_quota_level.department": (
        "指标行只能是区域指标（医院编码、科室、代表编码都不填）、医院指标（医院编码）、科室指标"
        "（医院编码和科室）或销售人员指标（只填代表编码）；填了科室就要填医院编码",
        "a quota row is for the region (no 医院编码, 科室, 代表编码), a hospital (医院编码), a "
        "department (医院编码 and 科室) or a sales staff member (代表编码 only); 科室 needs "
        "医院编码",
    ),
    "duplicate_key.quota": (
        "{what} {period} 的指标给了两次（{first}和本行）",
        "the quota of {what} for {period} is given twice ({first} and this row)",
    ),
    "overlapping_quota": (
        "{what} {period} 的指标与{first}的 {other} 指标重叠：{month} 会被重复计算",
        "the quota of {what} for {period} overlaps {other} in {first}; {month} would be "
        "counted twice",
    ),
    "partial_quota_period": (
        "{what} 的指标只覆盖了 {half} 6 个月中的 {n} 个月（{given}）；缺少 {missing}",
        "the quota of {what} covers {n} of the 6 months of {half} ({given}); missing {missing}",
    ),
    "quota_above_parent": (
        "{where} {half} 的{child}指标（{rows}）合计 {total:,.0f} {unit}，超过本行的{parent}指标 "
        "{limit:,.0f} {unit}（容差 {tolerance:.0%}）",
        "the {child} quotas of {where} for {half} ({rows}) add up to {total:,.0f} {unit}, more "
        "than the {parent} quota of {limit:,.0f} {unit} in this row (tolerance {tolerance:.0%})",
    ),
    "quota_for_medical_rep": (
        "{rep} 是备案医药代表，不承担销售指标",
        "{rep} is a registered medical representative (备案医药代表), who carries no sales quota",
    ),
    "word.quota_region": ("区域 {region} × {product}", "region {region} × {product}"),
    "word.quota_hospital": ("医院 {hospital} × {product}", "hospital {hospital} × {product}"),
    "word.quota_department": (
        "医院 {hospital} {department} × {product}",
        "hospital {hospital} department {department} × {product}",
    ),
    "word.quota_rep": ("销售人员 {rep} × {product}", "sales staff {rep} × {product}"),
    "word.file_row": ("{file} 第 {row} 行", "{file} row {row}"),
    "word.level_region": ("区域", "region"),
    "word.level_hospital": ("医院", "hospital"),
    "word.level_department": ("科室", "department"),
    "word.level_hospital_department": ("医院和科室", "hospital and department"),
    "word.level_sales_staff": ("销售人员", "sales-staff"),
    "word.unit_units": ("盒/支", "units"),
    "word.unit_yuan": ("元", "yuan"),
    # -- the manager's figures (io/_validate.py, plan/_overrides.py, plan/_pin.py)
    "override_scope.hospital": (
        "「{scope}」指定要写医院",
        "a {scope} override names a hospital",
    ),
    "override_scope.region_wide": (
        "「品种」指定针对全区域；只针对一家医院请用「医院品种」",
        "a product override is region-wide; use hospital_product (医院品种) for one hospital",
    ),
    "override_scope.one_product": (
        "「{scope}」指定只写一个品种",
        "a {scope} override names one product",
    ),
    "override_scope.line": (
        "「品种线」指定要列出它的品种",
        "a product line lists its products",
    ),
    "override_scope.all_products": (
        "「{scope}」指定针对全部品种；只针对部分品种请用「医院品种」或「品种线」",
        "a {scope} override covers all products; use hospital_product (医院品种) or "
        "product_line (品种线) for some",
    ),
    "override_value.one": (
        "数量和金额只填一个，不要同时填，也不要填开发率",
        "give either 数量 (units) or 金额 (amount), not both, and no 开发率",
    ),
    "override_value.rate_only": (
        "科室开发目标只填开发率",
        "a department goal gives 开发率 only",
    ),
    "override_value.rate": (
        "开发率 {rate:g} 不是比例；请写 80% 或 0.8",
        "开发率 {rate:g} is not a share; write 80% or 0.8",
    ),
    "override_value.kind": (
        "科室开发目标只能是下限或里程碑",
        "a department goal is a floor or milestone",
    ),
    "override_period": (
        "里程碑只针对一个月份，例如 2026-08",
        "a milestone is for one month, e.g. 2026-08",
    ),
    "override_unknown.product": (
        "品种 {products} 在{region}没有价格或销售",
        "product {products} has no price or sales in {region}",
    ),
    "override_unknown.hospital": (
        "医院 {hospital} 不是本区域的医院",
        "hospital {hospital} is not a hospital of the region",
    ),
    "override_below_target.no_products": (
        "{label}：这家医院在计划中没有任何品种",
        "{label}: the hospital has no products in the plan",
    ),
    "override_floor_above_cap.fixed_twice": (
        "{product} {where}：同时固定为 {first:,} 和 {second:,}",
        "{product} {where}: fixed at {first:,} and at {second:,}",
    ),
    "override_floor_above_cap.floor": (
        "{product} {where}：下限 {floor:,} 比上限 {cap:,} 高 {gap:,}",
        "{product} {where}: floor {floor:,} is {gap:,} above the cap {cap:,}",
    ),
    "override_floor_above_cap.fixed_below_floor": (
        "{product} {where}：固定值 {fixed:,} 比下限 {bound:,} 低 {gap:,}",
        "{product} {where}: fixed at {fixed:,}, {gap:,} outside the floor {bound:,}",
    ),
    "override_floor_above_cap.fixed_above_cap": (
        "{product} {where}：固定值 {fixed:,} 比上限 {bound:,} 高 {gap:,}",
        "{product} {where}: fixed at {fixed:,}, {gap:,} outside the cap {bound:,}",
    ),
    "override_above_target.cells": (
        "{product} {label}：固定的单元格合计 {pinned:,}，比固定总量 {total:,} 多 {excess:,}",
        "{product} {label}: its fixed cells add up to {pinned:,}, {excess:,} more than its "
        "fixed total {total:,}",
    ),
    "override_above_target.product": (
        "{product}：固定值合计 {used:,}，比该品种本半年的指标 {total:,} 多 {excess:,}",
        "{product}: the fixed figures add up to {used:,}, {excess:,} more than the product's "
        "target of {total:,} for the half",
    ),
    "override_below_target.nowhere": (
        "{product}：指标中有 {need:,} 盒/支无处分配（{where}全部被固定）；"
        "放开一个单元格，或指定该品种的总量",
        "{product}: {need:,} units of the target are left with nowhere to go ({where} are all "
        "fixed); free a cell or fix the product's total",
    ),
    "override_below_target.margins": (
        "{product}：固定的医院总量和月份总量无法同时满足（相差 {off:,.0f} 盒/支）",
        "{product}: the fixed hospital totals and month totals cannot hold together (off by "
        "{off:,.0f} units)",
    ),
    "word.whole_region": ("全区域", "whole region"),
    "word.whole_half": ("全半年", "whole half"),
    "word.other_cells": ("其他医院和月份", "the other hospitals and months"),
    "error.overrides_unmatched": (
        "有 {n} 条经理指定与数据对不上",
        "{n} overrides (经理指定) do not match the data",
    ),
    "error.overrides_infeasible": (
        "经理指定无法同时满足：{message}",
        "overrides (经理指定) that cannot hold: {message}",
    ),
    "half_beyond_data": (
        "{half} 在最后一个销售月份（{last}）之后 {ahead} 个半年；"
        "计划最多只能超出数据 {most} 个半年",
        "{half} is {ahead} halves after the last month of sales ({last}); plans reach at most "
        "{most} halves beyond the data",
    ),
    "implausible_total": (
        "{product} 的半年数量超过 {limit:,.0f} 或不是有限数；销售数量不合理",
        "the half-year units of {product} exceed {limit:,.0f} or are not finite; the sales "
        "units are implausible",
    ),
    "no_data_files": (
        "文件夹中没有 repkit 能读取的数据文件（{extensions}），或文件名和表头都对不上任何一张表",
        "the folder holds no data file repkit reads ({extensions}) whose name or headers "
        "match a table",
    ),
}
"""Problem message key (rule code, optionally ``.variant``) → (Chinese, English) template."""
