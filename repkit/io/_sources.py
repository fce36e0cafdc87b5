"""Sources → raw grids: detect the real format of a file by its content and read it.

A reader returns a :class:`Grid`: the cells as rows of Python values (``""`` for blank),
the number the user sees for the first row, merged ranges, and a way to find cells that
the fast reader shows as blank but that hold an Excel error or an uncalculated formula.
Nothing here knows about canonical tables; choosing among sheets uses a ``score``
callback given by the caller.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from repkit.errors import DataError
from repkit.io import _safety
from repkit.io._grid import HEADER_SCAN, Grid, Issue
from repkit.messages import problem, say

Score = Callable[[Grid], int]


def _refuse(file: str, key: str, /, *, row: int | None = None, **fields: Any) -> DataError:
    """A DataError of one problem of the whole file (message ``key`` of the catalogue)."""
    return DataError([problem(key, where={"file": file, "row": row}, **fields)])


def sniff(head: bytes) -> str:
    """The real format of a file from its first bytes.

    Returns one of ``"zip"``, ``"ole"``, ``"parquet"``, ``"sqlite"``, ``"html"``, ``"xml"``
    (Excel 2003 XML), ``"text"``, ``"binary"``, ``"empty"``.
    """
    if not head.strip(b" \t\r\n\x00"):
        return "empty"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head.startswith(_BINARY_MAGIC):
        return "binary"
    text = _peek_text(head)
    if text is None:
        return "binary"
    t = text.lstrip("\ufeff \t\r\n").lower()
    if t.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in t:
        return "xml"
    if t.startswith(("<!doctype html", "<html", "<table", "<meta", "<head", "<body", "<style")):
        return "html"
    if t.startswith("<") and ("<table" in t or "<html" in t):
        return "html"
    return "text"


_BINARY_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"{\\rtf",
    b"\x1f\x8b\x08",
    b"7z\xbc\xaf",
    b"Rar!\x1a",
    b"\x7fELF",
)


def _utf16(head: bytes) -> str | None:
    """The UTF-16 flavour of BOM-less text (NUL bytes on one side of ASCII), else None."""
    n = len(head) // 2
    if n < 4:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if max(odd, even) >= 0.15 * n and min(odd, even) <= 0.01 * n:
        return "utf-16-le" if odd > even else "utf-16-be"
    return None


def _peek_text(head: bytes) -> str | None:
    """Decode the first bytes if they plausibly are text, else None."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(enc, errors="ignore")
    if b"\x00" in head:
        wide = _utf16(head[: len(head) // 2 * 2])
        return head.decode(wide, errors="ignore") if wide else None
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


def choose(candidates: list[Grid], score: Score, preferred: str | None) -> Grid:
    """The visible grid whose header matches best (ties: the preferred name, then order)."""
    visible = [g for g in candidates if not g.hidden]
    if not visible:
        raise _refuse(candidates[0].file if candidates else "", "empty.no_sheet")
    if len(visible) == 1:
        return visible[0]
    scored = [(score(g), g.sheet == preferred, -i, g) for i, g in enumerate(visible)]
    return max(scored, key=lambda t: t[:3])[3]


# ------------------------------------------------------------------------------ excel


class _XlsxCells:
    """Finds error cells and formulas without cached values in one xlsx worksheet.

    python-calamine reads both as blank; this scans the sheet XML (streamed, never
    whole in memory) only when the reader saw blanks in the columns that matter.
    """

    _MARK = (b't="e"', b"t='e'", b"<f>", b"<f ", b":f>", b":f ")
    _CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
    _REF = re.compile(rb"""\br=["']([A-Z]+)(\d+)["']""")
    _ERR = re.compile(rb"""\bt=["']e["']""")
    _VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
    _FORMULA = re.compile(rb"<(?:\w+:)?f\b")

    def __init__(self, path: Path, member: str):
        self.path = path
        self.member = member

    def __call__(self, rows: set[int], cols: set[int]) -> list[Issue]:
        found: list[Issue] = []
        with zipfile.ZipFile(self.path) as zf, zf.open(self.member) as fh:
            tail = b""
            while True:
                chunk = fh.read(1 << 22)
                data = tail + chunk
                if not chunk:
                    cut = len(data)
                else:
                    cut = data.rfind(b"</row>")
                    cut = cut + 6 if cut >= 0 else 0
                part, tail = data[:cut], data[cut:]
                if any(m in part for m in self._MARK):
                    found.extend(self._scan(part, rows, cols))
                if not chunk:
                    break
        return found

    def _scan(self, part: bytes, rows: set[int], cols: set[int]) -> list[Issue]:
        out: list[Issue] = []
        for m in self._CELL.finditer(part):
            attrs, inner = m.group(1), m.group(2) or b""
            is_error = bool(self._ERR.search(attrs))
            has_formula = bool(self._FORMULA.search(inner))
            if not (is_error or has_formula):
                continue
            ref = self._REF.search(attrs)
            if ref is None:
                continue
            r = int(ref.group(2)) - 1
            c = _col_index(ref.group(1).decode())
            if r not in rows or c not in cols:
                continue
            value = self._VALUE.search(inner)
            text = value.group(1).decode("utf-8", "replace") if value else ""
            if is_error:
                out.append((r, c, "excel_error", say("excel_error", error=text), text))
            elif not text:
                out.append(
                    (
                        r,
                        c,
                        "uncalculated_formula",
                        say("uncalculated_formula"),
                        None,
                    )
                )
        return out


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _xlsx_members(path: Path) -> dict[str, str]:
    """Sheet name → worksheet member of an xlsx, read with defusedxml."""
    from defusedxml import ElementTree

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    out: dict[str, str] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return out
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for s in wb.iter(f"{ns_main}sheet"):
        target = targets.get(s.get(f"{ns_rel}id"), "")
        target = target.lstrip("/")
        if not target.startswith("xl/"):
            target = "xl/" + target
        out[s.get("name", "")] = target
    return out


class _XlsCells:
    """Error cells of a real .xls (BIFF) sheet, through xlrd."""

    def __init__(self, path: Path, sheet: str):
        self.path = path
        self.sheet = sheet

    def __call__(self, rows: set[int], cols: set[int]) -> list[Issue]:
        import xlrd

        out: list[Issue] = []
        try:
            book = xlrd.open_workbook(os.fspath(self.path), on_demand=True)
        except Exception:  # xlrd raises bare errors; calamine already read the file
            return out
        try:
            sh = book.sheet_by_name(self.sheet)
            for r in sorted(rows):
                if r >= sh.nrows:
                    continue
                for c in cols:
                    if c < sh.ncols and sh.cell_type(r, c) == xlrd.XL_CELL_ERROR:
                        text = xlrd.error_text_from_code.get(sh.cell_value(r, c), "#ERROR")
                        out.append((r, c, "excel_error", say("excel_error", error=text), text))
        finally:
            book.release_resources()
        return out


def read_excel(
    path: Path, *, name: str, sheet: str | int | None, score: Score, preferred: str | None
) -> Grid:
    """The chosen worksheet of an xlsx/xlsm/xlsb/xls/ods workbook, read with python-calamine."""
    import python_calamine as pc

    is_zip = zipfile.is_zipfile(path)
    if is_zip:
        _safety.check_archive(path, name=name)
        with zipfile.ZipFile(path) as zf:
            entries = set(zf.namelist())
        if not entries & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"}:
            raise _refuse(name, "not_a_spreadsheet.zip")
    try:
        wb = pc.CalamineWorkbook.from_path(os.fspath(path))
    except pc.PasswordError as err:
        raise _refuse(name, "not_a_spreadsheet.password") from err
    except (pc.CalamineError, OSError, ValueError) as err:
        raise _refuse(name, "not_a_spreadsheet.excel", error=err) from err
    members: dict[str, str] = _xlsx_members(path) if is_zip else {}

    guarded: set[str] = set()

    def guard(sheet_name: str) -> None:
        """Refuse a sheet too large to hold before python-calamine allocates it."""
        if sheet_name in members and sheet_name not in guarded:
            _safety.check_sheet_extent(path, members[sheet_name], name=name, sheet=sheet_name)
            guarded.add(sheet_name)

    with wb:
        metas = [m for m in wb.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
        names = [m.name for m in metas]
        if not names:
            raise _refuse(name, "empty.no_worksheet")
        if sheet is not None:
            if isinstance(sheet, int) and not isinstance(sheet, bool):
                if not 0 <= sheet < len(names):
                    raise ValueError(f"sheet index {sheet} out of range; sheets: {names}")
                chosen = names[sheet]
            elif sheet in names:
                chosen = str(sheet)
            else:
                raise ValueError(f"no sheet {sheet!r} in {name}; sheets: {', '.join(names)}")
        else:
            heads = [
                Grid(name, m.name, [], hidden=m.visible != pc.SheetVisibleEnum.Visible)
                for m in metas
            ]
            visible = [g for g in heads if not g.hidden]
            if len(visible) > 1:
                for g in visible:
                    assert g.sheet is not None  # workbook grids always name their sheet
                    guard(g.sheet)
                    ws = wb.get_sheet_by_name(g.sheet)
                    g.rows = ws.to_python(skip_empty_area=False, nrows=HEADER_SCAN)
            chosen = str(choose(heads, score, preferred).sheet)
        guard(chosen)
        ws = wb.get_sheet_by_name(chosen)
        rows = ws.to_python(skip_empty_area=False)
        merged = [((a, b), (c, d)) for (a, b), (c, d) in ws.merged_cell_ranges or []]
    grid = Grid(name, chosen, rows, first_row=1, merged=merged)
    if is_zip:
        member = members.get(chosen)
        if member:
            grid.issues = _XlsxCells(path, member)
    else:
        grid.issues = _XlsCells(path, chosen)
    return grid


# ------------------------------------------------------------------------------- text


def decode_text(data: bytes, *, name: str, encoding: str | None = None) -> str:
    """Decode a text file: BOMs, UTF-8, GB18030/GBK, UTF-16; refuse garbled text."""
    if encoding:
        try:
            enc = codecs.lookup(encoding).name
        except LookupError:
            raise ValueError(
                f"unknown encoding {encoding!r}; e.g. utf-8, gb18030, utf-16"
            ) from None
        if enc == "utf-8" and data.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as err:
            raise _refuse(name, "mojibake.encoding", encoding=encoding, byte=err.start) from err
        _safety.refuse_mojibake(text, name=name)
        return text.lstrip("\ufeff")
    if data.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    elif b"\x00" in data[:4096] and _utf16(data[:4096]):
        candidates = (_utf16(data[:4096]),)  # type: ignore[assignment]
    else:
        candidates = ("utf-8", "gb18030")
    last: UnicodeDecodeError | None = None
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as err:
            last = err
            continue
        _safety.refuse_mojibake(text, name=name)
        return text.lstrip("\ufeff")
    raise _refuse(name, "mojibake.undecodable", byte=last.start if last else 0)


FAST_CSV_BYTES = 1 << 20
"""Text files from this size on are parsed by pyarrow when that gives the same cells."""


def _csv_columns(
    head: str, delimiter: str, data: bytes, start: int = 0
) -> tuple[list[list[str]], list[Any]] | None:
    """The cells of a rectangular CSV, column by column (codes into distinct texts).

    pyarrow's parser, taken only where it gives the cells ``csv.reader(strict=True)``
    gives: every line one row of the same width (no quoted line breaks, no blank lines
    in a table of several columns), no stray quote. None otherwise: the caller then
    reads the file with ``csv`` and reports its problems with line numbers. ``data``
    from ``start`` on: the text as UTF-8; ``head``: its first line(s), decoded.
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pv
    except ImportError:  # pragma: no cover - pyarrow is part of the io install
        return None
    d = re.escape(delimiter).encode()
    stray = b'"(?=[^' + d + b'\r\n"])(?<=[^' + d + b'\r\n"]")'  # text on both sides
    body = memoryview(data)[start:]  # nothing before the text for the look-behind
    if re.compile(stray).search(body) or re.compile(b"\r(?!\n)").search(body):
        return None  # a quote inside a field, or old Mac line ends: the csv module decides
    first = head.split("\n", 1)[0]
    width = len(next(csv.reader([first.rstrip("\r")], delimiter=delimiter), []))
    lines = data.count(b"\n", start) + (0 if data.endswith(b"\n") or len(data) == start else 1)
    names = [f"c{j}" for j in range(width)]
    try:
        buffer = pa.py_buffer(data).slice(start)
        table = pv.read_csv(
            pa.BufferReader(buffer),
            read_options=pv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    del buffer
    if width == 0 or table.num_rows != lines:
        return None
    columns = []
    for name in names:  # each text column let go once encoded: memory of one at a time
        column = table.column(name)
        table = table.drop_columns([name])
        encoded = column.combine_chunks().dictionary_encode()
        del column
        codes = encoded.indices.to_numpy(zero_copy_only=False)  # int32: half of intp
        columns.append((codes, encoded.dictionary.to_pylist()))
    n_head = min(lines, HEADER_SCAN + 1)
    rows = [[u[int(c[i])] for c, u in columns] for i in range(n_head)]
    if not any(rows[0]):
        return None  # a blank first line: the general reader explains what it finds
    return rows, columns


def _utf8_body(data: bytes) -> memoryview | None:
    """The bytes after a UTF-8 BOM, which ``decode_text`` read as UTF-8 (None without one)."""
    if data.startswith(codecs.BOM_UTF8) and not data.startswith(codecs.BOM_UTF8 * 2):
        return memoryview(data)[len(codecs.BOM_UTF8) :]
    return None


def _delimiter(text: str) -> str:
    lines = text[:65536].splitlines()[:50]
    counts = {d: sum(line.count(d) for line in lines) for d in (",", "\t", ";", "|")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    return "," if counts[delimiter] == 0 else delimiter


_HEAD_BYTES = 800_000
"""Bytes decoded first from a large UTF-8 file: at least the 200,000 characters the
garbled-text check reads, and the lines the delimiter is guessed from."""


def _fast_utf8(data: bytes, name: str) -> Grid | None:
    """A large UTF-8 CSV (with BOM) read by pyarrow without decoding it all in Python."""
    start = len(codecs.BOM_UTF8)
    try:
        head = codecs.getincrementaldecoder("utf-8")().decode(data[start : start + _HEAD_BYTES])
    except UnicodeDecodeError:
        return None  # decode_text explains
    _safety.refuse_mojibake(head, name=name)
    fast = _csv_columns(head, _delimiter(head), data, start)
    return None if fast is None else Grid(name, None, fast[0], first_row=1, columns=fast[1])


def read_text(data: bytes, *, name: str, encoding: str | None = None) -> Grid:
    """A CSV/TSV/TXT file as one grid of text cells, numbered by line."""
    utf8 = encoding is None and len(data) >= FAST_CSV_BYTES and _utf8_body(data) is not None
    if utf8:
        grid = _fast_utf8(data, name)
        if grid is not None:
            return grid
    text = decode_text(data, name=name, encoding=encoding)
    delimiter = _delimiter(text)
    if len(text) >= FAST_CSV_BYTES and not utf8:
        fast = _csv_columns(text[:_HEAD_BYTES], delimiter, text.encode("utf-8"))
        if fast is not None:
            return Grid(name, None, fast[0], first_row=1, columns=fast[1])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[Any]] = []
    starts: list[int] = []
    try:
        previous = 0
        for row in reader:
            rows.append(row)
            starts.append(previous + 1)
            previous = reader.line_num
    except csv.Error as err:
        raise _refuse(
            name, "not_a_spreadsheet.csv_line", row=reader.line_num, line=reader.line_num, error=err
        ) from err
    shifted = bool(starts) and starts[-1] != len(rows)
    return Grid(name, None, rows, first_row=1, line_numbers=starts if shifted else None)


# ------------------------------------------------------------------------------- html


class _Tables(HTMLParser):
    """Collect the cells of every <table>, expanding colspan/rowspan into merged ranges."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[list[str]], list]] = []
        self._stack: list[dict[str, Any]] = []
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._stack.append({"rows": [], "spans": {}, "merged": [], "row": None})
        elif not self._stack:
            return
        elif tag == "tr":
            self._end_row()
            self._stack[-1]["row"] = []
        elif tag in ("td", "th"):
            t = self._stack[-1]
            if t["row"] is None:
                t["row"] = []
            self._end_cell()
            a = dict(attrs)
            self._cell = []
            self._span = (_int(a.get("rowspan")), _int(a.get("colspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif not self._stack:
            return
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table":
            self._end_row()
            t = self._stack.pop()
            self.tables.append((t["rows"], t["merged"]))

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)

    def _end_cell(self) -> None:
        if self._cell is None or not self._stack:
            return
        t = self._stack[-1]
        text = (
            " ".join("".join(self._cell).split())
            if "\n" not in "".join(self._cell)
            else ("".join(self._cell).strip())
        )
        row, spans = t["row"], t["spans"]
        r = len(t["rows"])
        c = len(row)
        while (r, c) in spans:
            row.append(spans.pop((r, c)))
            c = len(row)
        rowspan, colspan = self._span
        row.append(text)
        row.extend([""] * (colspan - 1))
        for dr in range(1, rowspan):
            for k in range(colspan):
                spans[(r + dr, c + k)] = ""
        if rowspan > 1 or colspan > 1:
            t["merged"].append(((r, c), (r + rowspan - 1, c + colspan - 1)))
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        t = self._stack[-1] if self._stack else None
        if t is None or t["row"] is None:
            return
        r = len(t["rows"])
        row = t["row"]
        while (r, len(row)) in t["spans"]:
            row.append(t["spans"].pop((r, len(row))))
        t["rows"].append(row)
        t["row"] = None


def _int(v: str | None) -> int:
    try:
        return max(1, min(int(str(v).strip()), 1000))
    except (TypeError, ValueError):
        return 1


_CHARSET = re.compile(rb"""charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def read_html(
    data: bytes, *, name: str, encoding: str | None, sheet: Any, score: Score, preferred: str | None
) -> Grid:
    """Tables of an HTML file saved as .xls (what many web systems export)."""
    if encoding is None:
        m = _CHARSET.search(data[:4096])
        if m:
            try:
                encoding = codecs.lookup(m.group(1).decode()).name
            except LookupError:
                encoding = None
    text = decode_text(data, name=name, encoding=encoding)
    parser = _Tables()
    parser.feed(text)
    parser.close()
    grids = [
        Grid(name, f"table {i + 1}", rows, merged=merged)
        for i, (rows, merged) in enumerate(parser.tables)
        if rows
    ]
    if not grids:
        raise _refuse(name, "not_a_spreadsheet.html")
    if sheet is not None:
        if isinstance(sheet, int) and 0 <= sheet < len(grids):
            return grids[sheet]
        raise ValueError(f"{name} has {len(grids)} tables; give sheet= as 0 … {len(grids) - 1}")
    return choose(grids, score, preferred)


# ---------------------------------------------------------------------- excel 2003 xml

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def read_xml_2003(
    data: bytes, *, name: str, sheet: Any, score: Score, preferred: str | None
) -> Grid:
    """An Excel 2003 XML Spreadsheet (SpreadsheetML), parsed with defusedxml."""
    from defusedxml import DefusedXmlException, ElementTree

    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as err:
        raise _refuse(name, "not_a_spreadsheet.xml", error=err) from err
    grids = []
    for ws in root.iter(f"{_SS}Worksheet"):
        rows: list[list[Any]] = []
        merged = []
        table = ws.find(f"{_SS}Table")
        r = -1
        for row in table.iter(f"{_SS}Row") if table is not None else []:
            index = row.get(f"{_SS}Index")
            r = int(index) - 1 if index else r + 1
            while len(rows) < r:
                rows.append([])
            cells: list[Any] = []
            c = -1
            for cell in row.iter(f"{_SS}Cell"):
                cindex = cell.get(f"{_SS}Index")
                c = int(cindex) - 1 if cindex else c + 1
                while len(cells) < c:
                    cells.append("")
                d = cell.find(f"{_SS}Data")
                cells.append(_xml_value(d))
                across = int(cell.get(f"{_SS}MergeAcross", 0))
                down = int(cell.get(f"{_SS}MergeDown", 0))
                if across or down:
                    merged.append(((r, c), (r + down, c + across)))
                cells.extend([""] * across)
                c += across
            rows.append(cells)
        hidden = any(
            (v.text or "").strip() in ("SheetHidden", "SheetVeryHidden")
            for v in ws.iter("{urn:schemas-microsoft-com:office:excel}Visible")
        )
        grids.append(Grid(name, ws.get(f"{_SS}Name"), rows, merged=merged, hidden=hidden))
    if not grids:
        raise _refuse(name, "not_a_spreadsheet.xml_sheet")
    if sheet is not None:
        for i, g in enumerate(grids):
            if sheet == g.sheet or sheet == i:
                return g
        raise ValueError(f"no sheet {sheet!r} in {name}; sheets: {[g.sheet for g in grids]}")
    return choose(grids, score, preferred)


def _xml_value(d: Any) -> Any:
    if d is None:
        return ""
    text = "".join(d.itertext())
    typ = d.get(f"{_SS}Type", "String")
    if typ == "Number":
        try:
            return float(text)
        except ValueError:
            return text
    if typ == "DateTime":
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    if typ == "Boolean":
        return text.strip() == "1"
    return text


# --------------------------------------------------------------------- frames and sql


def frame_grid(frame: pd.DataFrame, *, name: str, sheet: str | None) -> Grid:
    """A DataFrame (parquet, SQL, or given directly) as a grid; rows count from 1."""
    header = [str(c) for c in frame.columns]
    block = np.empty(frame.shape, dtype=object)
    for j, col in enumerate(frame.columns):
        s = frame[col]
        if isinstance(s.dtype, pd.PeriodDtype) or pd.api.types.is_datetime64_any_dtype(s):
            block[:, j] = s.astype(object).to_numpy()
        else:
            values = s.to_numpy(dtype=object, na_value=None)
            if s.dtype == object and any(isinstance(v, list | tuple | np.ndarray) for v in values):
                values = np.array(
                    [
                        "、".join(map(str, v)) if isinstance(v, list | tuple | np.ndarray) else v
                        for v in values
                    ],
                    dtype=object,
                )
            block[:, j] = values
    return Grid(name, sheet, [header], first_row=0, block=block)


def read_parquet(path: Path, *, name: str) -> Grid:
    """A parquet file."""
    from repkit._extras import require

    require("pyarrow.parquet", feature=say("feature.parquet"))
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as err:
        raise _refuse(name, "not_a_spreadsheet.parquet", error=err) from err
    return frame_grid(table.to_pandas(), name=name, sheet=None)


def is_sql(source: Any) -> bool:
    """True for a SQLAlchemy URL string/URL, Engine or Connection."""
    if isinstance(source, str):
        return bool(re.match(r"^[a-z][\w+.-]*://", source, re.IGNORECASE))
    mod = type(source).__module__
    return mod.startswith("sqlalchemy")


def read_sql(
    source: Any,
    *,
    sheet: Any,
    query: str | None,
    score: Score,
    preferred: str | None,
    kind: str,
    name: str | None = None,
    region: str | None = None,
) -> Grid:
    """A database table (chosen like a sheet) or the result of a query, via SQLAlchemy.

    With ``region``, only that region's rows of the table are read: the database filters
    them (``WHERE <region column> = :region``), so a worker never fetches the company.
    """
    from repkit._extras import require

    require("sqlalchemy", feature=say("feature.sql"))
    import sqlalchemy as sa

    own = isinstance(source, str | sa.URL)
    engine = sa.create_engine(source) if own else source
    if name is None:
        url = getattr(engine, "url", None) or getattr(getattr(engine, "engine", None), "url", None)
        name = url.render_as_string(hide_password=True) if url is not None else "database"
    try:
        conn_cm = engine.connect() if isinstance(engine, sa.Engine) else _Borrowed(engine)
        with conn_cm as conn:
            if query is not None:
                frame = pd.read_sql_query(sa.text(query), conn)
                return frame_grid(frame, name=name, sheet="query")
            tables = sa.inspect(conn).get_table_names()
            if sheet is not None:
                if sheet not in tables:
                    raise ValueError(f"no table {sheet!r} in {name}; tables: {', '.join(tables)}")
                chosen = sheet
            else:
                if not tables:
                    raise _refuse(name, "empty.database")
                by_name = [t for t in tables if t.lower() in (kind, preferred)]
                if by_name:
                    chosen = by_name[0]
                else:
                    inspector = sa.inspect(conn)
                    heads = [
                        Grid(name, t, [[c["name"] for c in inspector.get_columns(t)]])
                        for t in tables
                    ]
                    chosen = choose(heads, score, preferred).sheet
            if region is None:
                frame = pd.read_sql_table(chosen, conn)
            else:
                frame = _read_region(conn, chosen, kind=kind, region=region, name=name)
    except sa.exc.SQLAlchemyError as err:
        raise _refuse(name, "not_a_spreadsheet.database", error=err) from err
    finally:
        if own:
            engine.dispose()
    return frame_grid(frame, name=name, sheet=chosen)


def _read_region(conn: Any, table: str, *, kind: str, region: str, name: str) -> pd.DataFrame:
    """The rows of one region of a database table, filtered by the database."""
    import sqlalchemy as sa

    from repkit.schema import ALIASES, _norm

    aliases = ALIASES[kind]
    columns = [c["name"] for c in sa.inspect(conn).get_columns(table)]
    found = [c for c in columns if aliases.get(_norm(str(c))) == "region"]
    if not found:
        raise ValueError(
            say("arg.sql_no_region", table=table, name=name, columns=", ".join(columns))
        )
    quote = conn.dialect.identifier_preparer.quote
    sql = sa.text(f"SELECT * FROM {quote(table)} WHERE {quote(found[0])} = :region")
    return pd.read_sql_query(sql, conn, params={"region": region})


class _Borrowed:
    """A connection given by the caller: used as is, never closed."""

    def __init__(self, conn: Any):
        self.conn = conn

    def __enter__(self) -> Any:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        return None
