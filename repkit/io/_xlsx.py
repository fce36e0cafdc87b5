"""A small streaming .xlsx writer: fast for large sheets, exact about what it writes.

It writes what Excel writes (shared strings, numbers, dates as serials with a date
style) and, for tests of the readers, what broken exports contain: formulas with or
without cached values, error cells, merged ranges, hidden sheets, any declared
dimension. It is private: reports use :mod:`repkit.report` (openpyxl).
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["Error", "Formula", "Sheet", "write_xlsx"]

_EPOCH = dt.datetime(1899, 12, 30)


@dataclass(frozen=True)
class Formula:
    """A formula cell; ``value`` is its cached result (None: never calculated)."""

    text: str
    value: Any = None


@dataclass(frozen=True)
class Error:
    """An error cell such as ``#DIV/0!``."""

    code: str


@dataclass
class Sheet:
    """One worksheet to write.

    Parameters
    ----------
    name
        Sheet name.
    rows
        Rows of cell values (str, int, float, bool, date, datetime, None, Formula, Error).
    hidden
        Write the sheet as hidden.
    merged
        Ranges such as ``"A1:C1"``.
    dimension
        Declared ``<dimension ref=…>``; computed from the rows when None.
    start_row
        Excel row number of ``rows[0]``.
    """

    name: str
    rows: Iterable[Sequence[Any]]
    hidden: bool = False
    merged: list[str] = field(default_factory=list)
    dimension: str | None = None
    start_row: int = 1


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


class _Strings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def get(self, s: str) -> int:
        self.count += 1
        i = self.index.get(s)
        if i is None:
            i = self.index[s] = len(self.index)
        return i

    def xml(self) -> bytes:
        parts = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{self.count}" uniqueCount="{len(self.index)}">'
        ]
        for s in self.index:
            space = ' xml:space="preserve"' if s != s.strip() else ""
            parts.append(f"<si><t{space}>{escape(s)}</t></si>")
        parts.append("</sst>")
        return "".join(parts).encode("utf-8")


def _cell(ref: str, v: Any, strings: _Strings) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, Formula):
        f = f"<f>{escape(v.text.lstrip('='))}</f>"
        if v.value is None:
            return f'<c r="{ref}">{f}</c>'
        if isinstance(v.value, str):
            return f'<c r="{ref}" t="str">{f}<v>{escape(v.value)}</v></c>'
        return f'<c r="{ref}">{f}<v>{v.value!r}</v></c>'
    if isinstance(v, Error):
        return f'<c r="{ref}" t="e"><v>{escape(v.code)}</v></c>'
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int):
        return f'<c r="{ref}"><v>{v}</v></c>'
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return f'<c r="{ref}"><v>{v!r}</v></c>'
    if isinstance(v, dt.datetime):
        serial = (v - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="2"><v>{serial!r}</v></c>'
    if isinstance(v, dt.date):
        serial = (v - _EPOCH.date()).days
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    if hasattr(v, "item"):  # numpy scalar
        return _cell(ref, v.item(), strings)
    return f'<c r="{ref}" t="s"><v>{strings.get(str(v))}</v></c>'


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _sheet_xml(sheet: Sheet, strings: _Strings, out: zipfile.ZipFile, member: str) -> None:
    rows = list(sheet.rows) if sheet.dimension is None else sheet.rows
    if sheet.dimension is None:
        width = max((len(r) for r in rows), default=1)  # type: ignore[arg-type]
        last = sheet.start_row + max(len(rows) - 1, 0)  # type: ignore[arg-type]
        dimension = f"A{sheet.start_row}:{_col(max(width - 1, 0))}{last}"
    else:
        dimension = sheet.dimension
    cols = [_col(i) for i in range(64)]
    with out.open(member, "w", force_zip64=True) as fh:
        fh.write(
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet {_NS} xmlns:r="{_REL_NS}"><dimension ref="{dimension}"/>'
                "<sheetData>"
            ).encode()
        )
        buf: list[str] = []
        for i, row in enumerate(rows):
            r = sheet.start_row + i
            cells = "".join(
                _cell(f"{cols[j] if j < 64 else _col(j)}{r}", v, strings) for j, v in enumerate(row)
            )
            buf.append(f'<row r="{r}">{cells}</row>')
            if len(buf) >= 2000:
                fh.write("".join(buf).encode("utf-8"))
                buf.clear()
        fh.write("".join(buf).encode("utf-8"))
        tail = "</sheetData>"
        if sheet.merged:
            tail += f'<mergeCells count="{len(sheet.merged)}">'
            tail += "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merged)
            tail += "</mergeCells>"
        fh.write((tail + "</worksheet>").encode())


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f"<styleSheet {_NS}>"
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)


def write_xlsx(path: str | Path, sheets: Sequence[Sheet], *, compresslevel: int = 1) -> Path:
    """Write sheets to an .xlsx file, streaming rows (memory stays flat for big sheets).

    Parameters
    ----------
    path
        Target file.
    sheets
        The worksheets, in order.
    compresslevel
        zlib level (1 is fast and what most exporters use).

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    strings = _Strings()
    ct = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    ]
    wb_sheets, wb_rels = [], []
    for i, s in enumerate(sheets, 1):
        ct.append(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
        state = ' state="hidden"' if s.hidden else ""
        wb_sheets.append(f'<sheet name="{escape(s.name)}" sheetId="{i}"{state} r:id="rId{i}"/>')
        wb_rels.append(
            f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
        )
    n = len(sheets)
    wb_rels.append(f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>')
    wb_rels.append(
        f'<Relationship Id="rId{n + 2}" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    )
    ct.append("</Types>")
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(
        tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
    ) as z:
        z.writestr("[Content_Types].xml", "".join(ct))
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook {_NS} xmlns:r="{_REL_NS}"><sheets>{"".join(wb_sheets)}</sheets>'
            "</workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(wb_rels)
            + "</Relationships>",
        )
        z.writestr("xl/styles.xml", _STYLES)
        for i, s in enumerate(sheets, 1):
            _sheet_xml(s, strings, z, f"xl/worksheets/sheet{i}.xml")
        z.writestr("xl/sharedStrings.xml", strings.xml())
    tmp.replace(path)
    return path
