"""One sheet's cells as every reader hands them on (shared by sources, table and safety)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def object_array(values: Sequence[Any]) -> np.ndarray:
    """A 1-D object array holding ``values`` (lists and tuples kept as cells)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def cell_text(value: Any) -> Any:
    """A cell as the user sees it: ``1001.0`` → ``"1001"``; NaN → None; text and None kept.

    Examples
    --------
    >>> cell_text(1001.0), cell_text(2.5), cell_text(float("nan")), cell_text("a ")
    ('1001', '2.5', None, 'a ')
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer():
            return str(int(value))
    return str(value)


def fill_merged(rows: list[list[Any]], merged: list) -> None:
    """Copy the top-left value of each merged range into its other cells (in place)."""
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if (r != r0 or c != c0) and (row[c] == "" or row[c] is None):
                    row[c] = value


def data_block(grid: Grid, start: int) -> np.ndarray:
    """The cells of a grid from grid row ``start`` on, as a 2-D object array.

    Short rows are padded with ``""``; a grid holding its data rows in ``block`` gives
    that block (whatever ``start``), a large CSV its columns decoded from ``start``.
    """
    if grid.block is not None:
        return grid.block
    if grid.columns is not None:
        n = max(0, len(grid.columns[0][0]) - start)
        block = np.empty((n, len(grid.columns)), dtype=object)
        for j, (codes, uniques) in enumerate(grid.columns):
            block[:, j] = object_array(uniques)[codes[start:]]
        return block
    data = grid.rows[start:]
    if not data:
        return np.empty((0, 0), dtype=object)
    lengths = set(map(len, data))
    width = max(lengths)
    if len(lengths) > 1:
        data = [r if len(r) == width else [*r, *[""] * (width - len(r))] for r in data]
    block = np.empty((len(data), width), dtype=object)
    block[:] = data
    return block
