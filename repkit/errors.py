"""The one error type for bad input data, with a table of every problem found."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

__all__ = ["PROBLEM_COLUMNS", "RULES", "DataError", "PlanError", "Problem"]

PROBLEM_COLUMNS = ("file", "sheet", "row", "column", "value", "rule", "message")

RULES: dict[str, str] = {
    "ambiguous_number": "Write the number without ambiguity, e.g. 12.3 or 123 (not 12,3).",
    "bad_number": "Enter a plain number (1234.5, 1.2万, ¥1,234.50 and (1,000) are understood).",
    "bad_date": "Write the month as 2024-07, 202407 or 2024年7月.",
    "bad_code": "Use one of the listed codes.",
    "uncalculated_formula": "Open the file in Excel, let it recalculate, save, or paste values.",
    "excel_error": "Fix the formula that gives this error in Excel, or paste values.",
    "duplicate_header": "Give each column a distinct header.",
    "missing_column": "Add the column (any header listed in repkit.schema.ALIASES works).",
    "missing_value": "Fill in the cell; key columns cannot be blank.",
    "out_of_range": "Use a value inside the allowed range.",
    "not_a_spreadsheet": "Export the data as .xlsx or .csv.",
    "unsupported_format": (
        "Open the file in WPS, Excel or LibreOffice and save it as Excel Workbook (.xlsx); "
        "repkit reads .xlsx, .xlsm, .xlsb, .xls, .ods, .csv and text tables."
    ),
    "no_data_files": (
        "Put the exported data files (销售明细.xlsx, 医院.xlsx …) into the folder, or give "
        "the folder that holds them."
    ),
    "empty": "The file has no data rows; export it again with the data.",
    "mojibake": "Save the file again as UTF-8 (or GB18030) text; the characters are garbled.",
    "too_large": "The file declares a size that would exhaust memory; export it again.",
    "duplicate_key": "Each key must appear once; merge or remove the repeated rows.",
    "duplicate_file": (
        "Two files of one table hold the same rows (a second copy of an export such as "
        "'销售明细 - 副本.xlsx'); delete the copy or keep one export per period."
    ),
    "implausible_value": (
        "Correct the number (a typing slip or a corrupt export?); if it is right, widen "
        "repkit.io.PLAUSIBLE_RANGES for that column."
    ),
    "not_monthly": (
        "Aggregate the data to months first, one value per month: y.resample('MS').sum() "
        "for sales, .mean() for levels such as prices (forecast_many sums rows by itself)."
    ),
    "missing_month": (
        "Add the month, or pass missing='zero' when it had no sales, or "
        "missing='interpolate' for levels such as prices or stock."
    ),
    "unknown_reference": "Add the missing row to the referenced table or correct the code.",
    "unsafe_id": (
        'Remove / \\ .. : * ? " < > | and control characters from the ID (use letters, '
        "digits, - and _); IDs become file and folder names."
    ),
    "inexact_id": "Format the ID column as Text in Excel and enter the IDs again.",
    "attended_above_invited": (
        "A meeting cannot have more attendees than invitees; correct 到会人数 or 邀请人数."
    ),
    "meeting_spending": (
        "Meeting records hold dates, departments, products and head counts only; remove "
        "the spending column (no costs or payments per doctor are compiled)."
    ),
    "half_beyond_data": (
        "Plan a half at most four halves after the last month of sales, or add the "
        "missing sales months."
    ),
    "implausible_total": (
        "Check the units column of the sales file: a product's half-year units are not a "
        "finite number below 10¹²."
    ),
    "override_scope": (
        "Fill the columns the 层级 needs: 医院 and 科室开发 name a hospital; 医院品种 a "
        "hospital and one 品种; 品种 one 品种 (region-wide); 品种线 its 品种, separated by 、."
    ),
    "override_value": (
        "Give 数量 or 金额 (one of them) for sales overrides, and 开发率 (e.g. 80%) only for "
        "科室开发 goals."
    ),
    "override_period": "Give a milestone (里程碑) one month in 期间, e.g. 2026-08.",
    "override_unknown": (
        "Use a hospital and products of the region being planned (see 医院.xlsx and "
        "the sales), or remove the override."
    ),
    "override_above_target": (
        "The fixed figures and floors ask for more than the target holds: lower them, "
        "raise the growth, or fix the product's region total as well."
    ),
    "override_below_target": (
        "The fixed figures and caps leave less room than the target needs: raise the "
        "caps, lower the target, or leave some hospitals and months free."
    ),
    "override_floor_above_cap": (
        "A floor (下限) is above a cap (上限) or a fixed figure of the same scope; correct "
        "one of them."
    ),
    "overlapping_quota": (
        "Give each quota once per period: a half, its quarters and its months overlap; "
        "keep either the half or the quarters or the months of one quota."
    ),
    "partial_quota_period": (
        "Quotas given by month or quarter must cover the whole half-year; add the missing "
        "months or quarters (0 where there is no quota) or give the half."
    ),
    "quota_above_parent": (
        "Lower quotas (hospitals, departments, sales staff) add up to more than the quota "
        "above them; correct the lower quotas or the region/hospital quota so they agree."
    ),
    "bad_quota_level": (
        "Fill 医院编码 for a hospital quota, 医院编码 and 科室 for a department quota, "
        "代表编码 alone for a sales-staff quota and none of them for a region quota; put a "
        "rep's quota on a row of its own."
    ),
    "quota_for_medical_rep": (
        "Registered medical representatives carry no sales quota (医药代表备案管理办法); "
        "give the quota to the department or to sales staff."
    ),
    "prescription_by_doctor": (
        "Sales per doctor are prescription figures (统方), which Chinese rules forbid "
        "compiling; remove the doctor column and aggregate to department."
    ),
}
"""Stable rule codes and the fix shown to the user."""


class Problem(dict):
    """One problem: a mapping with the keys of :data:`PROBLEM_COLUMNS`."""


def _where(p: Mapping[str, Any]) -> str:
    parts = [str(p.get("file") or "<data>")]
    if p.get("sheet"):
        parts.append(str(p["sheet"]))
    loc = []
    if p.get("row") is not None and not pd.isna(p.get("row")):
        loc.append(f"row {int(p['row'])}")
    if p.get("column"):
        loc.append(f"column {p['column']!s}")
    if loc:
        parts.append(", ".join(loc))
    return " › ".join(parts)


class DataError(ValueError):
    """Input data that repkit cannot read with certainty.

    Attributes
    ----------
    problems : DataFrame
        One row per problem with columns file, sheet, row, column, value, rule, message.
        Rows are numbered as the user sees them (Excel row, CSV line with header = 1).

    Examples
    --------
    >>> err = DataError([{"file": "a.xlsx", "sheet": "销售", "row": 14, "column": "数量",
    ...                   "value": "12,3", "rule": "ambiguous_number",
    ...                   "message": "'12,3' could be 12.3 or 123"}])
    >>> err.problems["rule"].tolist()
    ['ambiguous_number']
    >>> line = str(err).splitlines()[1]
    >>> line.startswith("  1. a.xlsx › 销售 › row 14, column 数量:")
    True
    >>> line.split("Fix: ")[1][:40]
    'Write the number without ambiguity, e.g.'
    """

    def __init__(self, problems: Iterable[Mapping[str, Any]] | pd.DataFrame, summary: str = ""):
        if isinstance(problems, pd.DataFrame):
            rows = problems.to_dict("records")
        else:
            rows = [dict(p) for p in problems]
        for r in rows:
            for c in PROBLEM_COLUMNS:
                r.setdefault(c, None)
        self._rows = rows
        self.summary = summary
        super().__init__(self._format())

    @property
    def problems(self) -> pd.DataFrame:
        """The problems as a DataFrame (a fresh copy on each access)."""
        frame = pd.DataFrame(self._rows, columns=list(PROBLEM_COLUMNS))
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def _format(self, limit: int = 10) -> str:
        n = len(self._rows)
        head = self.summary or f"{n} problem{'s' if n != 1 else ''} in the input data"
        lines = [head + ":"]
        for i, p in enumerate(self._rows[:limit], 1):
            fix = RULES.get(str(p.get("rule")), "")
            msg = str(p.get("message") or p.get("rule"))
            lines.append(f"  {i}. {_where(p)}: {msg}." + (f" Fix: {fix}" if fix else ""))
        if n > limit:
            lines.append(f"  … and {n - limit} more, see err.problems")
        return "\n".join(lines)

    def __reduce__(self):
        return (self.__class__, (self._rows, self.summary))

    def __add__(self, other: DataError) -> DataError:
        return DataError([*self._rows, *other._rows], self.summary or other.summary)


class PlanError(DataError):
    """A plan its inputs cannot satisfy: overrides that break the target or each other.

    A :class:`DataError` (so the CLI and batch runs report it the same way) whose
    problems name the override row (``file``/``row`` of the 经理指定 file, or the
    position in the list given to ``build``), the constraint (``rule``: e.g.
    ``override_above_target``), where it applies (``value``: product, hospital,
    month) and by how much it breaks. :attr:`conflicts` adds the amount as a number.

    Attributes
    ----------
    conflicts : DataFrame
        The problems plus ``excess``: units (or yuan) by which the constraint breaks.

    Examples
    --------
    >>> err = PlanError([{"row": 3, "rule": "override_above_target", "value": "帮达",
    ...                   "message": "fixed 7,000 > target 6,000", "excess": 1000.0}])
    >>> err.conflicts[["row", "rule", "excess"]].to_dict("records")
    [{'row': 3, 'rule': 'override_above_target', 'excess': 1000.0}]
    """

    @property
    def conflicts(self) -> pd.DataFrame:
        """The problems with the amount by which each constraint breaks."""
        frame = self.problems
        frame["excess"] = [r.get("excess") for r in self._rows]
        return frame
