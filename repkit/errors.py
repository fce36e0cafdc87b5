"""The one error type for bad input data, with a table of every problem found."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from repkit.labels import language
from repkit.messages import FIXES, fix, say

__all__ = ["PROBLEM_COLUMNS", "RULES", "DataError", "PlanError", "Problem", "describe"]

PROBLEM_COLUMNS = ("file", "sheet", "row", "column", "value", "rule", "message")

RULES: dict[str, str] = {rule: pair[0] for rule, pair in FIXES.items()}
"""Stable rule codes and the fix shown to the user (Chinese; the English fixes and every
message template are in :mod:`repkit.messages`)."""


class Problem(dict):
    """One problem: a mapping with the keys of :data:`PROBLEM_COLUMNS`."""


def where(p: Mapping[str, Any]) -> str:
    """Where a problem is: file › sheet › row, column, in the user's language.

    Examples
    --------
    >>> where({"file": "指标.xlsx", "sheet": "指标", "row": 12})
    '指标.xlsx › 指标 › 第 12 行'
    """
    parts = [str(p.get("file") or say("error.data"))]
    if p.get("sheet"):
        parts.append(str(p["sheet"]))
    loc = []
    if p.get("row") is not None and not pd.isna(p.get("row")):
        loc.append(say("error.row", row=int(p["row"])))
    if p.get("column"):
        loc.append(say("error.column", column=p["column"]))
    if loc:
        parts.append((", " if language() == "en" else "，").join(loc))
    return " › ".join(parts)


def describe(p: Mapping[str, Any], number: int) -> str:
    r"""One problem as a sentence: rule code, where (file › sheet › row, column), what, fix.

    Examples
    --------
    >>> line = describe({"file": "a.csv", "row": 3, "column": "数量", "rule": "empty",
    ...                  "message": "文件是空的"}, 1)
    >>> print(line.replace("。", "。\n"))
    1. [empty] a.csv › 第 3 行，「数量」列：文件是空的。
    改正方法：文件没有数据行；请连同数据重新导出。
    <BLANKLINE>
    """
    rule = str(p.get("rule"))
    msg = str(p.get("message") or rule)
    line = say("error.line", i=number, rule=rule, where=where(p), message=msg)
    how = fix(rule)
    return line + (say("error.fix", fix=how) if how else "")


class DataError(ValueError):
    r"""Input data that repkit cannot read with certainty.

    Attributes
    ----------
    problems : DataFrame
        One row per problem with columns file, sheet, row, column, value, rule, message.
        Rows are numbered as the user sees them (Excel row, CSV line with header = 1).

    Examples
    --------
    >>> err = DataError([{"file": "a.xlsx", "sheet": "销售", "row": 14, "column": "数量",
    ...                   "value": "12,3", "rule": "ambiguous_number",
    ...                   "message": "'12,3' 可能是 12.3，也可能是 123"}])
    >>> err.problems["rule"].tolist()
    ['ambiguous_number']
    >>> print(str(err).replace("。", "。\n"))
    输入数据中有 1 个问题：
      1. [ambiguous_number] a.xlsx › 销售 › 第 14 行，「数量」列：'12,3' 可能是 12.3，也可能是 123。
    改正方法：把数字写得没有歧义，例如 12.3 或 123（不要写 12,3）。
    <BLANKLINE>

    Messages and fixes are Chinese; ``REPKIT_LANG=en`` gives English ones.
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
        head = self.summary or say("error.summary_one" if n == 1 else "error.summary", n=n)
        lines = [head + ("：" if language() == "zh" else ":")]
        lines += [f"  {describe(p, i)}" for i, p in enumerate(self._rows[:limit], 1)]
        if n > limit:
            lines.append("  " + say("error.more", n=n - limit))
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
