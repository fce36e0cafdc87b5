"""Sources → raw grids: detect the real format of a file by its content and read it.

Each reader returns :class:`Grid` objects (one per sheet or table): the cells as rows of
Python values, the Excel/CSV number of the first row, merged ranges and whether the
sheet is hidden. Nothing here knows about canonical tables.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repkit.io import _safety
from repkit.io.errors import DataError

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".tsv", ".parquet", ".htm")


@dataclass
class Grid:
    """One sheet's cells.

    Attributes
    ----------
    file, sheet
        Names shown in problems.
    rows
        Cells, row by row; ``""`` for blank.
    first_row
        Number the user sees for ``rows[0]`` (Excel row, or CSV line).
    first_col
        0-based column index of ``rows[i][0]`` in the sheet (for column letters).
    merged
        Merged ranges as ((r0, c0), (r1, c1)) in grid coordinates, inclusive.
    hidden
        The sheet is hidden in the workbook.
    typed
        Cells carry types (Excel); False when every cell is text (CSV, HTML).
    formulas
        Cells (grid row, col) holding a formula without a cached value.
    """

    file: str
    sheet: str | None
    rows: list[list[Any]]
    first_row: int = 1
    first_col: int = 0
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden: bool = False
    typed: bool = True
    formulas: list[tuple[int, int]] = field(default_factory=list)
    columns: list[Any] | None = None


def _problem(file: str, rule: str, message: str, **kw: Any) -> dict[str, Any]:
    return {"file": file, "rule": rule, "message": message, **kw}


def sniff(head: bytes) -> str:
    """The real format of a file from its first bytes.

    Returns one of ``"zip"``, ``"ole"``, ``"parquet"``, ``"html"``, ``"xml"``, ``"text"``,
    ``"binary"``, ``"empty"``.
    """
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PAR1"):
        return "parquet"
    text = _peek_text(head)
    if text is None:
        return "binary"
    t = text.lstrip("\ufeff \t\r\n").lower()
    if t.startswith("<?xml") and ("urn:schemas-microsoft-com:office:spreadsheet" in t):
        return "xml"
    if t.startswith(("<!doctype html", "<html", "<table", "<meta", "<head", "<body", "<style")):
        return "html"
    if t.startswith("<?xml") and "<html" in t:
        return "html"
    if t.startswith("<") and "<table" in t:
        return "html"
    return "text"


def _peek_text(head: bytes) -> str | None:
    """Decode the first bytes as text if they plausibly are text, else None."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(enc, errors="ignore")
    if head.count(b"\x00") > len(head) // 4:
        enc = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        return head.decode(enc, errors="ignore")
    controls = sum(1 for b in head[:4096] if b < 9 or 13 < b < 32)
    if controls > 2:
        return None
    for enc in ("utf-8", "gb18030"):
        try:
            return head.decode(enc)
        except UnicodeDecodeError as err:
            if err.start > len(head) - 4:
                return head[: err.start].decode(enc)
    return head.decode("latin-1")


# ---------------------------------------------------------------------------- excel


def _display(path: Path | str) -> str:
    return Path(path).name if isinstance(path, Path | str) else str(path)


def read_excel(path: Path, *, name: str) -> list[Grid]:
    """All worksheets of an xlsx/xlsm/xls workbook (hidden ones flagged)."""
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(os.fspath(path))
    except pc.PasswordError as err:
        raise DataError(
            [_problem(name, "not_a_spreadsheet", "the workbook is password-protected")]
        ) from err
    except (pc.CalamineError, OSError, ValueError) as err:
        raise DataError(
            [_problem(name, "not_a_spreadsheet", f"the file cannot be opened as Excel ({err})")]
        ) from err
    grids = []
    with wb:
        for meta in wb.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            hidden = meta.visible != pc.SheetVisibleEnum.Visible
            grids.append(_LazyGrid(file=name, sheet=meta.name, rows=[], hidden=hidden, path=path))
    return grids


@dataclass
class _LazyGrid(Grid):
    """A worksheet whose cells are read only when needed (header scoring reads a few rows)."""

    path: Path | None = None
    loaded: bool = False

    def head(self, n: int) -> list[list[Any]]:
        """The first ``n`` rows (without reading the whole sheet)."""
        if self.loaded:
            return self.rows[:n]
        import python_calamine as pc

        with pc.CalamineWorkbook.from_path(os.fspath(self.path)) as wb:
            sheet = wb.get_sheet_by_name(self.sheet)
            return sheet.to_python(skip_empty_area=False, nrows=n)

    def load(self) -> None:
        """Read every cell, merged ranges and uncalculated formulas."""
        if self.loaded:
            return
        import python_calamine as pc

        with pc.CalamineWorkbook.from_path(os.fspath(self.path)) as wb:
            sheet = wb.get_sheet_by_name(self.sheet)
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        self.rows = rows
        self.first_row = 1
        self.first_col = 0
        self.merged = [((a, b), (c, d)) for (a, b), (c, d) in merged]
        self.loaded = True


# ----------------------------------------------------------------------------- text

_ENCODINGS = ("utf-8", "gb18030")


def decode_text(data: bytes, *, name: str, encoding: str | None = None) -> str:
    """Decode a text file: BOMs, UTF-8, GB18030/GBK, UTF-16; refuse garbled text."""
    if encoding:
        enc = codecs.lookup(encoding).name
        if enc == "utf-8" and data.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as err:
            raise DataError(
                [
                    _problem(
                        name,
                        "mojibake",
                        f"the file is not valid {encoding} text (byte {err.start}); "
                        "the characters would be garbled",
                    )
                ]
            ) from err
        _safety.refuse_mojibake(text, name=name)
        return text.lstrip("\ufeff")
    if data.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    elif data[:4096].count(b"\x00") > len(data[:4096]) // 4:
        candidates = ("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be",)
    else:
        candidates = _ENCODINGS
    last: UnicodeDecodeError | None = None
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as err:
            last = err
            continue
        _safety.refuse_mojibake(text, name=name)
        return text.lstrip("\ufeff")
    raise DataError(
        [
            _problem(
                name,
                "mojibake",
                "the text is neither UTF-8, GB18030 nor UTF-16 "
                f"(undecodable byte at {last.start if last else 0}); characters would be garbled",
            )
        ]
    )


def read_text(data: bytes, *, name: str, encoding: str | None = None) -> list[Grid]:
    """A CSV/TSV/TXT file as one grid of text cells (line numbers as the user sees them)."""
    text = decode_text(data, name=name, encoding=encoding)
    sample = text[:65536]
    lines = sample.splitlines()[:50]
    counts = {d: sum(line.count(d) for line in lines) for d in (",", "\t", ";", "|")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    if counts[delimiter] == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Any]] = []
    line_numbers: list[int] = []
    try:
        for row in reader:
            rows.append(row)
            line_numbers.append(reader.line_num)
    except csv.Error as err:
        raise DataError(
            [
                _problem(
                    name, "not_a_spreadsheet", f"line {reader.line_num}: {err}", row=reader.line_num
                )
            ]
        ) from err
    grid = Grid(file=name, sheet=None, rows=rows, first_row=1, typed=False)
    if line_numbers and line_numbers[-1] != len(rows):
        grid.line_numbers = line_numbers  # type: ignore[attr-defined]
    return [grid]


# ----------------------------------------------------------------------------- dates


def excel_date(value: Any) -> Any:
    """Excel date cells come back as datetime; keep date-only values as dates."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value
