"""The workbook writer behind :func:`repkit.report.write_excel`: blocks of cells → .xlsx.

``excel.py`` turns DataFrames into checked :class:`Block` objects (cell values, number
formats, widths, formulas, charts); this module lays them out on sheets and writes the
file with XlsxWriter, a write-only writer several times faster than building an openpyxl
workbook in memory and saving it (the plan workbook and the per-rep schedules of a
realistic region: ~0.25 s against ~1.2 s of CPU). The layout is the one the workbook
tests read back with openpyxl: header row bold white on blue and frozen, one Excel
Table per block, number formats, wrapped long text with taller rows, completion colours
as conditional formats, live formula columns and a SUBTOTAL row, native charts, A4
print setup.

Private; the public name lives in :mod:`repkit.report.excel`.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import IO, Any

from repkit.report.style import (
    COMPLETION_COLORS,
    COMPLETION_FILLS,
    COMPLETION_GOOD_FROM,
    COMPLETION_MID_FROM,
    EXCEL_UNITS,
    EXCEL_WAN_AXIS,
    is_money_label,
)

GAP_ROWS = 2
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_WRAP_FACTOR = 0.85  # widths assume 2.1 units per CJK character; text renders narrower
_CHART_PX = (round(16.0 / 2.54 * 96), round(7.5 / 2.54 * 96))  # 16 × 7.5 cm at 96 dpi
_PORTRAIT_COLUMNS = 6  # wider sheets print landscape
_HEADER_FILL = "#1F4E79"
_COMPLETION_WORDS = ("完成率", "completion")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MIN_WIDTH = 13.0
"""Every column of a sheet is at least this wide (the workbook's look since openpyxl)."""
_ROW_HEIGHT = 15.0
_DIGIT_PX = 7  # Calibri 11: Excel's column width unit in pixels
_PAGE_PX = {"landscape": 978, "portrait": 672}
"""Printable width of A4 between 0.75 in margins, in Excel's pixels."""
_DATE_DEFAULTS = (  # number formats of dates without one (openpyxl's defaults)
    (dt.datetime, "yyyy-mm-dd h:mm:ss"),
    (dt.date, "yyyy-mm-dd"),
    (dt.time, "h:mm:ss"),
    (dt.timedelta, "[hh]:mm:ss"),
)


@dataclass
class Block:
    """One DataFrame converted to cell values, ready to be placed on a sheet."""

    header: list[str]
    rows: list[list[Any]]
    formats: list[str | None]
    text_cols: list[bool]
    widths: list[float]
    charts: list[dict[str, Any]] = field(default_factory=list)
    title: str | None = None
    beside: bool = False
    formulas: dict[int, str] = field(default_factory=dict)
    totals: list[int] = field(default_factory=list)


_CALIBRI_WIDTHS = (
    ("'", 0.44),
    (" il", 0.45),
    ("j", 0.47),
    (",", 0.49),
    (".I", 0.5),
    (":;", 0.53),
    ("`", 0.57),
    ("()-f", 0.6),
    ("[]", 0.61),
    ("{}", 0.62),
    ("J", 0.63),
    ("!", 0.64),
    ("t", 0.66),
    ("r", 0.69),
    ("/\\", 0.76),
    ("s", 0.77),
    ("z", 0.78),
    ('"', 0.79),
    ("Lc", 0.83),
    ("x", 0.85),
    ("vy", 0.89),
    ("k", 0.9),
    ("?FS|", 0.91),
    ("Z", 0.92),
    ("g", 0.93),
    ("a", 0.95),
    ("ETY", 0.96),
    ("#*+<=>^_e~", 0.98),
    ("PX", 1.02),
    ("K", 1.03),
    ("bdhnopqu", 1.04),
    ("C", 1.05),
    ("BR", 1.07),
    ("V", 1.12),
    ("A", 1.14),
    ("D", 1.21),
    ("H", 1.23),
    ("G", 1.24),
    ("NU", 1.27),
    ("O", 1.31),
    ("Q", 1.33),
    ("&", 1.35),
    ("%w", 1.41),
    ("m", 1.58),
    ("M", 1.69),
    ("@W", 1.76),
)
"""Advance widths of Calibri 11's ASCII characters other than the digits, in units of
its digit width (Excel's column unit), measured from Carlito (metric-compatible with
Calibri, what LibreOffice shows). A column of ``W27/W28/W29/W30/W31`` needs 26 units,
not the 23 its length says."""

_LATIN_WIDTH = {ch: w for chars, w in _CALIBRI_WIDTHS for ch in chars}


def display_width(text: str) -> float:
    """Width of text in Excel character units (East Asian wide characters count 2.1).

    Examples
    --------
    >>> display_width("2026"), display_width("W31"), display_width("li"), display_width("兰州")
    (4.0, 3.76, 0.9, 4.2)
    """
    return _wide_width(text)


@functools.lru_cache(maxsize=65536)
def _wide_width(text: str) -> float:
    width = 0.0
    for ch in text:
        if ch.isascii():
            width += _LATIN_WIDTH.get(ch, 1.0)
        else:
            width += 2.1 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0
    return round(width, 2)


def column_letter(col: int) -> str:
    """Excel's letters of a 1-based column number (1 → A, 27 → AA)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_HEADER_LIMIT = 255
"""Excel's limit on the characters of a page header (longer ones are dropped)."""


def _header_text(text: str, *, room: int) -> str:
    """``text`` for a page header: ``&`` doubled, cut with … to ``room`` characters.

    >>> _header_text("A&B", room=10), _header_text("长" * 300, room=5)
    ('A&&B', '长长长长…')
    """
    escaped = text.replace("&", "&&")
    if len(escaped) <= room:
        return escaped
    return escaped[: room - 1].rstrip("&") + "…"


class _Sheet:
    """One worksheet being written: formats shared through the book, widths, heights."""

    def __init__(self, book: _Book, name: str) -> None:
        self.book = book
        self.name = name
        self.ws = book.wb.add_worksheet(name)
        self.ws.freeze_panes(1, 0)
        self.widths: dict[int, float] = {}  # 1-based column → width (characters)
        self.heights: dict[int, float] = {}  # 1-based row → height (points)
        self.max_column = 0
        self._styles: dict[tuple[Any, ...], Any] = {}

    def fmt(self, **props: Any) -> Any:
        return self.book.fmt(**props)

    def place(self, block: Block, top: int, left: int) -> int:
        """Write one block with its header at row ``top``, column ``left``; last row."""
        self.max_column = max(self.max_column, left + len(block.header) - 1)
        last = top + max(len(block.rows), 1)
        self._cells(block, top, left)
        self._table(block, top, left, last)
        self._colour_completion(block, top, left, last)
        return self._totals(block, top, left, last)

    def _cells(self, block: Block, top: int, left: int) -> None:
        """Values with number formats; long text wraps and raises its row; formulas live."""
        ws = self.ws
        writers = {
            "string": ws.write_string,
            "number": ws.write_number,
            "boolean": ws.write_boolean,
            "datetime": ws.write_datetime,
        }
        style = self._style
        for i, values in enumerate(block.rows, top + 1):
            cells = [self._cell(block, j, value, i, left) for j, value in enumerate(values)]
            wrapped = any(c is not None and c[1][0] == "wrap" for c in cells)
            for j, cell in enumerate(cells):
                if cell is None:
                    if wrapped:
                        ws.write_blank(i - 1, left + j - 1, None, style(("blank", None), True))
                    continue
                kind, look, value = cell
                if kind == "formula":  # no cached value: calculated when opened
                    ws.write_formula(i - 1, left + j - 1, value, style(look, wrapped), "")
                else:
                    writers[kind](i - 1, left + j - 1, value, style(look, wrapped))

    def _style(self, look: tuple[str, Any], top: bool) -> Any:
        """The Format of a cell's look (kind, detail), top-aligned in a raised row."""
        key = (*look, top)
        found = self._styles.get(key, False)
        if found is not False:
            return found
        kind, detail = look
        props: dict[str, Any] = {}
        if kind in ("text", "wrap"):
            props.update(align="left", indent=1)
            if detail:
                props["quote_prefix"] = True
            if kind == "wrap":
                props["text_wrap"] = True
        elif detail:  # a number format
            props["num_format"] = detail
        if top:
            props["valign"] = "top"
        found = self._styles[key] = self.fmt(**props) if props else None
        return found

    def _cell(
        self, block: Block, j: int, value: Any, row: int, left: int
    ) -> tuple[str, tuple[str, Any], Any] | None:
        """(writer, look, value) of one cell, or None for a blank; see :meth:`_style`."""
        if j in block.formulas:
            fmt = block.formats[j] or EXCEL_UNITS
            return "formula", ("num", fmt), _formula(block.formulas[j], block.header, left, row)
        if value is None:
            return None
        if isinstance(value, str):
            quote = value.startswith(FORMULA_START)
            shown = display_width(value) * _WRAP_FACTOR
            width = block.widths[j]
            if shown > width - 2:
                lines = math.ceil(shown / max(width - 3, 1))
                self.heights[row] = max(self.heights.get(row, _ROW_HEIGHT), _ROW_HEIGHT * lines)
                return "string", ("wrap", quote), value
            return "string", ("text", quote), value
        if isinstance(value, bool):
            return "boolean", ("num", None), value
        if isinstance(value, int | float):
            return "number", ("num", block.formats[j]), value
        if isinstance(value, dt.date | dt.time | dt.timedelta):
            default = next(f for kind, f in _DATE_DEFAULTS if isinstance(value, kind))
            return "datetime", ("num", block.formats[j] or default), value
        raise TypeError(f"cannot write a {type(value).__name__} to Excel")  # checked before

    def _table(self, block: Block, top: int, left: int, last: int) -> None:
        """Column widths and an Excel Table (filter buttons, banded rows) over the block."""
        for j, width in enumerate(block.widths, left):
            self.widths[j] = max(self.widths.get(j, _MIN_WIDTH), width)
        header = self.fmt(
            bold=True, font_color="#FFFFFF", bg_color=_HEADER_FILL, pattern=1, align="center",
            valign="vcenter",
        )  # fmt: skip
        self.book.tables += 1
        self.ws.add_table(
            top - 1,
            left - 1,
            last - 1,
            left + len(block.header) - 2,
            {
                "name": f"Table{self.book.tables}",
                "style": "Table Style Light 9",
                "columns": [{"header": h, "header_format": header} for h in block.header],
            },
        )

    def _colour_completion(self, block: Block, top: int, left: int, last: int) -> None:
        """Completion-rate columns coloured by the one completion rule (report/style.py)."""
        if not block.rows:
            return
        for j, name in enumerate(block.header, left):
            low = name.lower()
            if block.formats[j - left] != "0.0%" or not any(w in low for w in _COMPLETION_WORDS):
                continue
            letter = column_letter(j)
            c = f"{letter}{top + 1}"  # relative reference to the first cell of the range
            mid, good = f"{COMPLETION_MID_FROM:g}", f"{COMPLETION_GOOD_FROM:g}"
            bands = {
                "bad": f"AND(ISNUMBER({c}),{c}<{mid})",
                "mid": f"AND(ISNUMBER({c}),{c}>={mid},{c}<{good})",
                "good": f"AND(ISNUMBER({c}),{c}>={good})",
            }
            for band, formula in bands.items():
                style = self.fmt(
                    bg_color=COMPLETION_FILLS[band].upper(),
                    font_color=COMPLETION_COLORS[band].upper(),
                )
                self.ws.conditional_format(
                    f"{c}:{letter}{last}", {"type": "formula", "criteria": formula, "format": style}
                )

    def _totals(self, block: Block, top: int, left: int, last: int) -> int:
        """The totals row below the Table (SUBTOTAL: follows the filter); last row."""
        if not block.rows or not block.totals:
            return last
        row = last + 1
        if 0 not in block.totals:
            self.ws.write_string(row - 1, left - 1, "合计", self.fmt(bold=True))
        for j in block.totals:
            letter = column_letter(left + j)
            self.ws.write_formula(
                row - 1,
                left + j - 1,
                f"=SUBTOTAL(109,{letter}{top + 1}:{letter}{last})",
                self.fmt(bold=True, num_format=block.formats[j] or EXCEL_UNITS),
                "",
            )
        return row

    def title(self, row: int, text: str) -> None:
        """A caption above a stacked table."""
        self.ws.write_string(row - 1, 0, text, self.fmt(bold=True, font_size=12))
        self.max_column = max(self.max_column, 1)

    def chart(self, block: Block, top: int, left: int, spec: dict[str, Any], anchor: str) -> None:
        """A native bar or line chart of the block's columns."""
        n = len(block.rows)
        if n == 0:
            return
        kind = spec["type"]
        chart = self.book.wb.add_chart({"type": "column" if kind == "bar" else "line"})
        x = block.header.index(spec["x"]) + left - 1
        for col in spec["y"]:
            j = block.header.index(col) + left - 1
            series: dict[str, Any] = {
                "name": [self.name, top - 1, j],
                "categories": [self.name, top, x, top + n - 1, x],
                "values": [self.name, top, j, top + n - 1, j],
            }
            if kind == "line":
                series.update(marker={"type": "circle"}, smooth=False)
            chart.add_series(series)
        if spec.get("title"):
            chart.set_title({"name": spec["title"]})
        else:
            chart.set_title({"none": True})
        y_axis: dict[str, Any] = {}
        if spec.get("y_title"):
            y_axis["name"] = spec["y_title"]
        if spec.get("percent"):
            y_axis["num_format"] = "0%"
        elif is_money_label(str(spec.get("y_title") or "")):
            y_axis["num_format"] = EXCEL_WAN_AXIS  # 万, as on the plan document's charts
        elif spec.get("y_format"):
            y_axis["num_format"] = spec["y_format"]
        chart.set_y_axis(y_axis)
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": _CHART_PX[0], "height": _CHART_PX[1]})
        self.ws.insert_chart(anchor, chart)

    def finish(self, wide: bool, header: str | None, beside: list[int]) -> None:
        """Column widths, row heights, and printing on A4 one page wide."""
        ws = self.ws
        for col in range(1, self.max_column + 1):
            # in pixels: the file then holds exactly the width asked for
            width = self.widths.get(col, _MIN_WIDTH)
            ws.set_column_pixels(col - 1, col - 1, width * _DIGIT_PX)
        for row, height in self.heights.items():
            ws.set_row(row - 1, height)
        ws.set_landscape() if wide else ws.set_portrait()
        ws.set_paper(9)  # A4
        ws.set_margins(left=0.75, right=0.75, top=1.0, bottom=1.0)
        ws.repeat_rows(0)
        centre = '&C&"-,Bold"&12&A'
        left = _header_text(header, room=_HEADER_LIMIT - len(centre) - 2) if header else ""
        ws.set_header(f"{'&L' + left if left else ''}{centre}", {"margin": 0.5})
        ws.set_footer("&C第 &P 页 / 共 &N 页&R&D", {"margin": 0.5})
        if beside:
            self._page_per_side_table(beside, "landscape" if wide else "portrait")
        else:
            ws.fit_to_pages(1, 0)

    def _page_per_side_table(self, starts: list[int], orientation: str) -> None:
        """Tables placed beside each other print on pages of their own, side by side.

        One page wide for two wide tables shrank the 概览 sheet to 4–5 pt; a column break
        before each table placed beside gives each its own page width. Excel and
        LibreOffice ignore manual breaks on a sheet scaled "fit to N pages wide", so such
        a sheet gets a fixed scale at which its widest part fits one page.
        """
        self.ws.set_v_pagebreaks([left - 1 for left in starts])
        edges = [1, *starts, self.max_column + 1]
        widths = [
            _DIGIT_PX * self.widths.get(c, _MIN_WIDTH) + 5 for c in range(1, self.max_column + 1)
        ]
        widest = max(sum(widths[a - 1 : b - 1]) for a, b in itertools.pairwise(edges))
        self.ws.set_print_scale(max(10, min(100, int(95 * _PAGE_PX[orientation] / widest))))


class _Book:
    """The XlsxWriter workbook and its formats (one Format per distinct look)."""

    def __init__(self, fh: IO[bytes]) -> None:
        import xlsxwriter

        self.wb = xlsxwriter.Workbook(
            fh,
            {
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "in_memory": True,
            },
        )
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}
        self.tables = 0

    def fmt(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self.wb.add_format(props)
        return found


def _formula(template: str, header: list[str], left: int, row: int) -> str:
    """``{列名}`` placeholders → this row's cells, e.g. ``{实际}/{指标}`` → ``=G5/C5``."""

    def cell(match: re.Match[str]) -> str:
        return f"{column_letter(left + header.index(match[1]))}{row}"

    return "=" + _PLACEHOLDER.sub(cell, template)


def write_book(sheets: list[tuple[str, list[Block]]], header: str | None, fh: IO[bytes]) -> None:
    """Lay the blocks out sheet by sheet and write the workbook to ``fh``.

    Blocks of a sheet stack with two blank rows between them (a ``title`` above), or sit
    to the right of the previous one (``beside``); charts go right of the tables.
    """
    book = _Book(fh)
    for name, blocks in sheets:
        sheet = _Sheet(book, name)
        top, left, bottom, right = 1, 1, 1, 1
        placed = []
        for k, block in enumerate(blocks):
            if k and block.beside:
                left = right + 1
            else:
                top, left = (bottom + 1 + GAP_ROWS if k else 1), 1
                if k and block.title:
                    sheet.title(top, block.title)
                    top += 1
            last = sheet.place(block, top, left)
            placed.append((block, top, left))
            bottom = max(bottom, last) if block.beside else last
            right = max(right, left + len(block.header)) if k else left + len(block.header)
        wide = right - 1 > _PORTRAIT_COLUMNS or any(b.charts for b in blocks)
        beside = sorted({left for block, _top, left in placed if block.beside and left > 1})
        sheet.finish(wide, header, beside)
        anchor_col = column_letter(right + 1)
        row = 2
        for block, block_top, block_left in placed:
            for spec in block.charts:
                anchor = spec.get("anchor") or f"{anchor_col}{row}"
                sheet.chart(block, block_top, block_left, spec, anchor)
                row += 17
    book.wb.close()
