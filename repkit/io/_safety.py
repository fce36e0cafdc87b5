"""Checks that run before a file is decoded: archive sizes, XML entities, garbled text."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from repkit.errors import DataError
from repkit.io._grid import column_letter
from repkit.messages import join, problem, say

MAX_MEMBER_BYTES = 1 << 30
"""An xlsx member declaring more uncompressed bytes than this is refused (1 GiB)."""
MAX_RATIO = 100
"""Compression ratio above which a member larger than :data:`RATIO_FLOOR` is refused."""
RATIO_FLOOR = 10 * 1024 * 1024

_ENTITY = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def check_archive(
    path: Path, *, name: str, max_bytes: int | None = None, max_ratio: float | None = None
) -> None:
    """Refuse a zip (xlsx) whose members would decompress to too much, before decompressing.

    Also refuses XML members that declare a DOCTYPE or entities (Excel never writes them;
    they are how "billion laughs" attacks expand).
    """
    limit = MAX_MEMBER_BYTES if max_bytes is None else max_bytes
    ratio_limit = MAX_RATIO if max_ratio is None else max_ratio
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise DataError(
            [problem("not_a_spreadsheet.damaged_zip", where={"file": name}, error=err)]
        ) from err
    problems = []
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limit or (info.file_size > RATIO_FLOOR and ratio > ratio_limit):
                where = {
                    "file": name,
                    "column": info.filename,
                    "value": f"{info.file_size:,} bytes",
                }
                problems.append(
                    problem(
                        "too_large.member",
                        where=where,
                        member=info.filename,
                        size=info.file_size,
                        ratio=ratio,
                    )
                )
        if not problems and total > 4 * limit:
            where = {"file": name, "value": f"{total:,} bytes"}
            problems.append(problem("too_large.archive", where=where, size=total))
        if problems:
            raise DataError(problems)
        for info in infos:
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            with zf.open(info) as fh:
                head = fh.read(2048)
            if _ENTITY.search(head):
                where = {"file": name, "column": info.filename}
                problems.append(
                    problem("not_a_spreadsheet.entities", where=where, member=info.filename)
                )
    if problems:
        raise DataError(problems)


MAX_CELLS = 50_000_000
"""A worksheet spanning more cells than this (rows × columns of its used range) is refused:
the fast reader allocates the whole rectangle, so one stray cell at XFD1048576 would ask
for hundreds of gigabytes."""
SCAN_ALWAYS_BELOW = 64 * 1024 * 1024
"""Sheets smaller than this (uncompressed) are always scanned for their real extent;
bigger ones only when their declared dimension is missing or larger than MAX_CELLS."""

_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=[\"'](\d+)[\"']")
_WIDE_REF = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\br=["']([A-Z]{2,3})\d""")
_DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\b[^>]*?\bref=["']([A-Z0-9:$]+)["']""")


def _letters(col: str) -> int:
    n = 0
    for ch in col:
        n = n * 26 + ord(ch) - 64
    return n


def _ref_size(ref: str) -> int | None:
    """Cells spanned by a range such as A1:XFD1048576 (None when unreadable)."""
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?", ref)
    if not m:
        return None
    if m.group(3) is None:
        return 1
    cols = _letters(m.group(3)) - _letters(m.group(1)) + 1
    rows = int(m.group(4)) - int(m.group(2)) + 1
    return max(cols, 1) * max(rows, 1)


def check_sheet_extent(
    path: Path, member: str, *, name: str, sheet: str, max_cells: int | None = None
) -> None:
    """Refuse a worksheet whose used range would not fit in memory, before reading it.

    The declared ``<dimension>`` is not trusted when it is huge (Excel writes
    A1:XFD1048576 for sheets with formatted empty cells): the sheet XML is streamed and
    the real last row and last column are measured.
    """
    limit = MAX_CELLS if max_cells is None else max_cells
    with zipfile.ZipFile(path) as zf:
        try:
            info = zf.getinfo(member)
        except KeyError:
            return
        with zf.open(info) as fh:
            head = fh.read(4096)
        declared = _DIMENSION.search(head)
        size = _ref_size(declared.group(1).decode()) if declared else None
        if info.file_size >= SCAN_ALWAYS_BELOW and size is not None and size <= limit:
            return
        last_row = 0
        widest = 26
        with zf.open(info) as fh:
            tail = b""
            while True:
                chunk = fh.read(1 << 22)
                data = tail + chunk
                cut = data.rfind(b">") + 1 if chunk else len(data)
                part, tail = data[:cut], data[cut:]
                i = part.rfind(b"<row")
                if i < 0:
                    i = part.rfind(b":row")
                    i = i - part[:i].rfind(b"<") if i >= 0 else i
                if i >= 0:
                    m = _ROW_REF.search(part, max(0, i - 8))
                    if m:
                        last_row = max(last_row, int(m.group(1)))
                if b'r="AA' in part or _WIDE_REF.search(part):
                    letters = set(_WIDE_REF.findall(part))
                    if letters:
                        widest = max(widest, max(_letters(x.decode()) for x in letters))
                if not chunk:
                    break
    cells = last_row * widest
    if cells > limit:
        corner = f"{column_letter(widest - 1)}{last_row}"
        where = {"file": name, "sheet": sheet, "value": corner}
        raise DataError([problem("too_large.sheet", where=where, cell=corner, cells=cells)])


# Characters that appear when UTF-8 Chinese is decoded as GBK (or Latin-1) and saved again.
_LATIN_MOJIBAKE = re.compile("[\u00c0-\u00ef][\u0080-\u00bf]")
_GARBLE_MARKERS = ("锟斤拷", "烫烫烫", "屯屯屯", "\ufffd")


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")


def _utf8_read_as_gbk(text: str) -> bool:
    """True when the text is UTF-8 bytes that were decoded as GBK/GB18030.

    Each run of non-ASCII characters is encoded back to GB18030 and decoded as UTF-8;
    Chinese written correctly almost never survives that, garbled text mostly does.
    """
    runs = _NON_ASCII_RUN.findall(text)
    if len(runs) < 2:
        return False
    back = 0
    for run in runs:
        try:
            fixed = run.encode("gb18030").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if any("\u4e00" <= ch <= "\u9fff" for ch in fixed):
            back += 1
    return back >= max(2, len(runs) // 3)


def refuse_mojibake(text: str, *, name: str) -> None:
    """Raise DataError(``mojibake``) when decoded text is visibly garbled."""
    sample = text[:200_000]
    reason = None
    for marker in _GARBLE_MARKERS:
        if marker in sample:
            reason = say("mojibake.marker", marker=marker)
            break
    if reason is None and len(_LATIN_MOJIBAKE.findall(sample)) >= 3:
        try:
            fixed = sample.encode("cp1252", errors="strict").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            try:
                fixed = sample.encode("latin-1").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                fixed = ""
        if any("\u4e00" <= ch <= "\u9fff" for ch in fixed):
            reason = say("mojibake.latin")
    if reason is None:
        lines = sample.splitlines()[:20]
        if _utf8_read_as_gbk("".join(lines)):
            reason = say("mojibake.gbk")
    if reason:
        columns, row, value = _damaged_columns(sample)
        where = {"file": name, "row": row, "column": ", ".join(columns) or None, "value": value}
        key = "mojibake.columns" if columns else "mojibake"
        raise DataError([problem(key, where=where, columns=join(columns), reason=reason)])


def _damaged(cell: str) -> bool:
    """True when one cell shows the marks of text decoded with the wrong encoding."""
    if any(marker in cell for marker in _GARBLE_MARKERS):
        return True
    candidates = []
    if _LATIN_MOJIBAKE.search(cell):
        candidates += [("cp1252", cell), ("latin-1", cell)]
    candidates += [("gb18030", run) for run in _NON_ASCII_RUN.findall(cell)]
    for encoding, part in candidates:
        try:
            fixed = part.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if any("\u4e00" <= ch <= "\u9fff" for ch in fixed):
            return True
    return False


def _damaged_columns(text: str) -> tuple[list[str], int | None, str | None]:
    """Headers (or letters) of the columns holding garbled cells, first line and cell."""
    import csv
    import io

    lines = text.splitlines()[:50]
    counts = {d: sum(line.count(d) for line in lines) for d in (",", "\t", ";", "|")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    found: dict[int, None] = {}
    first: tuple[int | None, str | None] = (None, None)
    try:
        for number, row in enumerate(rows, 1):
            if number == 1:
                header = row
            for j, cell in enumerate(row):
                if cell and _damaged(cell):
                    found.setdefault(j)
                    if first[0] is None:
                        first = (number, cell[:40])
            if number >= 5000:
                break
    except csv.Error:
        pass
    names = [
        header[j].strip()
        if j < len(header) and header[j].strip() and not _damaged(header[j])
        else column_letter(j)
        for j in sorted(found)
    ]
    return names, first[0], first[1]
