"""One sheet's cells as every reader hands them on (shared by sources, table and safety)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

HEADER_SCAN = 30
"""Rows searched for the header (title rows above it are skipped)."""

Issue = tuple[int, int, str, str, Any]
"""(grid row, grid column, rule, message, value) of a cell the fast reader shows blank."""


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


@dataclass
class Grid:
    """One sheet's cells.

    Attributes
    ----------
    file, sheet
        Names shown in problems.
    rows
        Cells, row by row (``""`` for blank). With ``block`` set, only the header rows.
    first_row
        Number the user sees for ``rows[0]`` (Excel row; CSV line; 0 for database rows so
        that data rows count from 1).
    merged
        Merged ranges as ((r0, c0), (r1, c1)) in grid coordinates, inclusive.
    hidden
        The sheet is hidden in its workbook.
    line_numbers
        CSV only: the line each row starts on, when quoted line breaks shift them.
    block
        Data rows as a 2-D object array below ``rows`` (tables read from parquet, SQL or
        a DataFrame).
    issues
        Finds error cells and uncalculated formulas among the given grid rows/columns.
    columns
        Large CSV only: every row of the grid column by column, as codes into the distinct
        texts of the column (``rows`` then holds only the rows searched for the header).
    """

    file: str
    sheet: str | None
    rows: list[list[Any]]
    first_row: int = 1
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden: bool = False
    line_numbers: list[int] | None = None
    block: np.ndarray | None = None
    issues: Callable[[set[int], set[int]], list[Issue]] | None = None
    columns: list[tuple[np.ndarray, list[str]]] | None = None
