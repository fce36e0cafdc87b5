"""A file on disk → its grid (format sniffed from the bytes) → a frame of text cells.

:func:`read_file` is the one path from a file to the reader of its real format, with
the guards of :mod:`repkit.io._sources` (archive and sheet-size limits, encodings,
garbled text); :func:`text_frame` turns a grid into a plain frame of text for tables
that are not canonical tables (the holiday file of :mod:`repkit.calendar`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from repkit.errors import DataError
from repkit.io import _sources
from repkit.io._grid import Grid, cell_text, column_letter, data_block, fill_merged
from repkit.messages import problem

SNIFF_BYTES = 8192
"""Bytes :func:`sniff_file` reads to tell a file's format."""


def sniff_file(path: Path) -> str:
    """The real format of a file (:func:`repkit.io._sources.sniff` of its first bytes)."""
    with open(path, "rb") as fh:
        return _sources.sniff(fh.read(SNIFF_BYTES))


def read_file(
    path: Path,
    fmt: str,
    *,
    name: str,
    score: _sources.Score,
    preferred: str | None = None,
    sheet: Any = None,
    encoding: str | None = None,
) -> Grid:
    """The grid of a file whose real format is ``fmt`` (from :func:`sniff_file`).

    Workbooks (xlsx/xlsm/xlsb/ods, real xls), parquet, HTML tables and Excel 2003 XML
    (often saved as .xls) and text tables, whatever the extension says. Among several
    sheets or tables, ``score`` chooses (``preferred``: the sheet name winning ties).
    A SQLite database is the caller's to read (it needs a table kind).

    Raises
    ------
    DataError
        Naming the file: ``empty`` for an empty file, ``not_a_spreadsheet`` for other
        content, and what the reader refuses (``too_large``, ``mojibake`` …).
    """
    if fmt == "empty":
        raise DataError([problem("empty.file", where={"file": name})])
    if fmt in ("zip", "ole"):
        return _sources.read_excel(path, name=name, sheet=sheet, score=score, preferred=preferred)
    if fmt == "parquet":
        return _sources.read_parquet(path, name=name)
    if sheet is not None and fmt == "text":
        raise ValueError(f"{name} is a text file with one table; sheet= does not apply")
    if fmt == "html":
        return _sources.read_html(
            path.read_bytes(),
            name=name,
            encoding=encoding,
            sheet=sheet,
            score=score,
            preferred=preferred,
        )
    if fmt == "xml":
        return _sources.read_xml_2003(
            path.read_bytes(), name=name, sheet=sheet, score=score, preferred=preferred
        )
    if fmt == "text":
        return _sources.read_text(path.read_bytes(), name=name, encoding=encoding)
    raise DataError([problem("not_a_spreadsheet.binary", where={"file": name})])


def _text(value: Any) -> Any:
    """A cell as text; NaN for a blank cell."""
    if value is None or value is pd.NaT or value is pd.NA:
        return np.nan
    text = cell_text(value)
    return np.nan if text is None or text == "" else text


def _blank(text: Any) -> bool:
    return not isinstance(text, str) or not text.strip()


def text_frame(grid: Grid, *, strict: bool = False) -> pd.DataFrame:
    """A grid as a frame of text cells, its first row that is not blank naming the columns.

    Cells read as the user sees them (``1.0`` → ``"1"``, dates as Python prints them), a
    blank cell is NaN and a merged cell repeats its value; blank rows (listed in
    ``attrs["dropped"]``) and columns without a header are left out. The index is the
    row number the user sees (Excel row, CSV line); ``attrs["header_row"]`` is the
    header's.

    Parameters
    ----------
    grid
        A sheet as a reader of :mod:`repkit.io._sources` returns it.
    strict
        Refuse a row with a value right of the header's last cell: in a CSV, a
        delimiter left unquoted inside a cell shifts the cells after it.

    Returns
    -------
    DataFrame
        One column of text (object dtype) per header cell.

    Raises
    ------
    DataError
        ``empty`` for a sheet without cells, ``duplicate_header`` for a header written
        twice, ``not_a_spreadsheet`` for the rows ``strict`` refuses; each problem names
        the file and sheet.

    Examples
    --------
    >>> from repkit.io._grid import Grid
    >>> rows = [["", ""], ["date", "is_workday"], ["2027-02-11", 0.0], ["", ""], ["2027-02-12", ""]]
    >>> text_frame(Grid("h.csv", None, rows))
             date is_workday
    3  2027-02-11          0
    5  2027-02-12        NaN
    """
    where = {"file": grid.file, "sheet": grid.sheet}
    rows = grid.rows
    if grid.merged:
        fill_merged(rows, grid.merged)
    top = 0 if grid.block is not None and rows else None
    if top is None:
        top = next((i for i, r in enumerate(rows) if any(not _blank(_text(v)) for v in r)), None)
    if top is None:
        raise DataError([problem("empty.no_cells", where=where)])
    header = ["" if _blank(h) else h.strip() for h in map(_text, rows[top])]
    lines = grid.line_numbers
    hrow = lines[top] if lines is not None else grid.first_row + top
    cells = data_block(grid, top + 1)
    if lines is not None:
        numbers = np.asarray(lines[top + 1 :], dtype=np.int64)
    else:
        numbers = np.arange(cells.shape[0], dtype=np.int64) + hrow + 1
    texts = np.frompyfunc(_text, 1, 1)(cells).astype(object)
    filled = ~np.frompyfunc(_blank, 1, 1)(texts).astype(bool)
    problems = _header_problems(header, where, row=hrow)
    problems += _cell_issues(grid, header, top, filled, where)
    if strict and texts.shape[1] > len(header):
        for i in np.flatnonzero(filled[:, len(header) :].any(axis=1)):
            line = int(numbers[i])
            fields = {"line": line, "cells": int(np.flatnonzero(filled[i])[-1]) + 1}
            at = {**where, "row": line}
            problems.append(
                problem("not_a_spreadsheet.wide_row", where=at, header=len(header), **fields)
            )
    if problems:
        raise DataError(problems)
    keep = filled.any(axis=1)
    named = [j for j, h in enumerate(header) if h]
    frame = pd.DataFrame(
        {header[j]: texts[keep, j] if j < texts.shape[1] else np.nan for j in named},
        index=pd.Index(numbers[keep]),
        dtype=object,
    )
    frame.attrs["header_row"] = int(hrow)
    frame.attrs["sheet"] = grid.sheet
    frame.attrs["dropped"] = tuple(
        {**where, "row": int(n), "reason": "blank row"} for n in numbers[~keep]
    )
    return frame


def _cell_issues(
    grid: Grid, header: list[str], top: int, filled: np.ndarray, where: dict[str, Any]
) -> list[dict]:
    """Error cells (#N/A …) and uncalculated formulas, which the fast reader shows blank.

    As the table reader's check (``_table._mark_issues``): only blank cells under a
    header are looked up.
    """
    named = [j for j, h in enumerate(header) if h and j < filled.shape[1]]
    if grid.issues is None or not named:
        return []
    blank_rows = np.flatnonzero((~filled[:, named]).any(axis=1))
    if not len(blank_rows):
        return []
    rows = {top + 1 + int(i) for i in blank_rows}
    return [
        {
            **where,
            "row": grid.first_row + r,
            "column": header[c],
            "value": value,
            "rule": rule,
            "message": message,
        }
        for r, c, rule, message, value in grid.issues(rows, set(named))
    ]


def _header_problems(header: list[str], where: dict[str, Any], *, row: int) -> list[dict]:
    """A ``duplicate_header`` problem for each header cell repeating an earlier one."""
    first: dict[str, int] = {}
    found = []
    for j, h in enumerate(header):
        if h and h in first:
            texts = {"header": h, "first": column_letter(first[h]), "second": column_letter(j)}
            at = {**where, "row": row, "column": h, "value": h}
            found.append(problem("duplicate_header", where=at, **texts))
        first.setdefault(h, j)
    return found
