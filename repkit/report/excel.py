"""Excel management tables: one formatted, filterable Excel Table per DataFrame.

:func:`write_excel` is the only writer of ``.xlsx`` reports in repkit. It checks every
value before the target file is touched, builds the whole workbook in memory, writes it
to a temporary file next to the target and moves it into place, so a failed write never
destroys the previous file. Text that starts with ``=``, ``+``, ``-`` or ``@`` is stored
as text, never as a formula (no formula injection from data).

Presentation hints travel with the frames in ``DataFrame.attrs`` (all optional):

``excel_formats``
    ``{column: number format}``, e.g. ``{"完成率": "0.0%"}``; overrides the guess.
``excel_charts``
    list of native Excel charts drawn from the table, each a dict with ``type``
    (``"bar"`` or ``"line"``), ``x`` (category column), ``y`` (list of value columns),
    and optionally ``title``, ``y_title``, ``percent`` (bool), ``y_format`` (number
    format of the value axis) and ``anchor`` (cell). A ``y_title`` naming money (元,
    金额, 销售额) shows the axis in 万 like the charts of the plan document.
``excel_formulas``
    ``{column: template}``: the column is written as a formula on every row, with
    ``{other column}`` standing for that row's cell, e.g.
    ``{"完成率": 'IF(ISNUMBER({实际}),{实际}/{指标},"")'}`` becomes ``=IF(ISNUMBER(G2),G2/C2,"")``.
    A manager who types actuals or edits a target sees the column follow. Formula
    cells have no stored value until Excel or LibreOffice opens the file (the workbook
    asks for a full calculation on load); pandas reads them as empty.
``excel_totals``
    list of columns totalled in a bold 合计 row just below the Table, as
    ``SUBTOTAL(109, …)`` (the total follows the Table's filter).
``title``
    a caption written above a table that is stacked under another one on the same sheet.
``beside``
    True to place a table to the right of the previous one (same header row) instead
    of below it.

Checking a workbook by eye without Excel (Debian/Ubuntu, no Makefile needed)::

    apt-get install -y --no-install-recommends libreoffice-calc poppler-utils fonts-noto-cjk
    soffice --headless --convert-to pdf plan.xlsx      # every sheet, landscape, 1 page wide
    pdftoppm -r 110 -png plan.pdf page                 # page-01.png, page-02.png, …
    pdftotext plan.pdf - | grep -c '###'               # 0: no column too narrow

``tests/test_report_excel.py::test_libreoffice_opens_plan_workbook`` (marked slow) does
the conversion when ``soffice`` is installed.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import functools
import itertools
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from repkit.labels import COLUMN_CODES, COLUMNS, label, label_values
from repkit.report.style import (
    COMPLETION_COLORS,
    COMPLETION_FILLS,
    COMPLETION_GOOD_FROM,
    COMPLETION_MID_FROM,
    EXCEL_MONEY,
    EXCEL_PERCENT,
    EXCEL_PRICE,
    EXCEL_UNITS,
    EXCEL_WAN_AXIS,
    is_money_label,
)

__all__ = ["write_excel"]

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_CELL_TEXT = 32767
_MAX_WIDTH = 60
_MIN_WIDTH = 6
_RATE_WORDS = ("率", "占比", "_rate", "_share", "rate", "share")
_COMPLETION_WORDS = ("完成率", "completion")
_GAP_ROWS = 2
_WRAP_FACTOR = 0.85  # widths assume 2.1 units per CJK character; text renders narrower
_CHART_W, _CHART_H = 16.0, 7.5  # cm
_PORTRAIT_COLUMNS = 6  # wider sheets print landscape

_WHOLE_WORDS = ("金额", "(元)", "销售额", "数量", "指标", "实际", "差距", "预测", "amount", "units")
_PRICE_WORDS = ("单价", "每次", "price", "per_")
_HEADER_FILL = "1F4E79"


@dataclass
class _Block:
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


def _display_width(text: str) -> float:
    """Width of text in Excel character units (East Asian wide characters count 2)."""
    if text.isascii():
        return float(len(text))
    return _wide_width(text)


@functools.lru_cache(maxsize=65536)
def _wide_width(text: str) -> float:
    width = 0.0
    for ch in text:
        width += 2.1 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0
    return width


def _where(sheet: str, row: int, column: str) -> str:
    return f"sheet {sheet!r}, row {row}, column {column!r}"


def _scalar(value: Any, sheet: str, row: int, column: str) -> Any:
    """Convert one value to something openpyxl writes faithfully, or raise."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > 2**53:
            return str(value)
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueError(
                f"cannot write infinity to Excel ({_where(sheet, row, column)}); "
                "replace it with a number or leave the cell empty (NaN)"
            )
        return value
    if isinstance(value, decimal.Decimal):
        return _scalar(float(value), sheet, row, column)
    if isinstance(value, str):
        if _ILLEGAL_XML.search(value):
            raise ValueError(
                f"text with control characters cannot be stored in Excel "
                f"({_where(sheet, row, column)}): {value[:40]!r}"
            )
        if len(value) > _MAX_CELL_TEXT:
            raise ValueError(
                f"text longer than Excel's {_MAX_CELL_TEXT} characters "
                f"({_where(sheet, row, column)})"
            )
        return value
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            raise TypeError(
                f"Excel has no time zones ({_where(sheet, row, column)}): convert with "
                ".dt.tz_localize(None) first"
            )
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise TypeError(
                f"Excel has no time zones ({_where(sheet, row, column)}): convert with "
                ".replace(tzinfo=None) first"
            )
        return value
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return value
    if isinstance(value, pd.Timedelta):
        return value.to_pytimedelta()
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, list | tuple):
        items = [_scalar(v, sheet, row, column) for v in value]
        if any(isinstance(v, list | tuple | dict) for v in value):
            raise TypeError(f"nested lists cannot be written ({_where(sheet, row, column)})")
        return "、".join("" if v is None else str(v) for v in items)
    raise TypeError(
        f"cannot write a {type(value).__name__} to Excel ({_where(sheet, row, column)}); "
        "convert the column to text, numbers or dates first"
    )


def _is_rate(name: str) -> bool:
    low = name.lower()
    return any(w in low for w in _RATE_WORDS)


def _guess_format(name: str, values: list[Any]) -> str | None:
    present = [v for v in values if v is not None]
    if not present:
        return "0.0%" if _is_rate(name) else None
    if all(isinstance(v, bool) for v in present):
        return None
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        if _is_rate(name):
            return EXCEL_PERCENT
        if all(float(v).is_integer() for v in present):
            return EXCEL_UNITS
        low = name.lower()
        if any(w in low for w in _WHOLE_WORDS) and not any(w in low for w in _PRICE_WORDS):
            return EXCEL_MONEY if ("元" in name or "amount" in low) else EXCEL_UNITS
        return EXCEL_PRICE
    if all(isinstance(v, dt.datetime) for v in present):
        has_time = any(v.time() != dt.time(0) for v in present)
        return "yyyy-mm-dd hh:mm" if has_time else "yyyy-mm-dd"
    if all(isinstance(v, dt.date) for v in present):
        return "yyyy-mm-dd"
    return None


def _shown(value: Any, fmt: str | None) -> str:
    """Text Excel would show for a value in a format (for column widths)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "FALSE" if not value else "TRUE"
    if isinstance(value, int | float):
        if fmt == "0.0%":
            return f"{value:.1%}"
        if fmt == "#,##0":
            return f"{value:,.0f}"
        if fmt and "0.00" in fmt:
            return f"{value:,.2f}"
        return f"{value}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if fmt and "hh" in fmt else "0000-00-00"
    if isinstance(value, dt.date):
        return "0000-00-00"
    return str(value)


def _header_names(frame: pd.DataFrame, sheet: str) -> list[str]:
    names = []
    for col in frame.columns:
        if isinstance(col, tuple):
            col = " ".join(str(c) for c in col if str(c))
        text = str(col).strip()
        if not text:
            raise ValueError(f"sheet {sheet!r} has a column without a header")
        if _ILLEGAL_XML.search(text):
            raise ValueError(f"sheet {sheet!r}: header {text!r} has control characters")
        names.append(text)
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise ValueError(
                f"sheet {sheet!r} has the header {name!r} twice; Excel Tables need distinct "
                "headers (rename one column)"
            )
        seen.add(name.lower())
    return names


def _column_values(series: pd.Series, sheet: str, column: str) -> list[Any]:
    """All values of a column converted; first-row number is the Excel row (header = 1)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, pd.BooleanDtype):
        return [bool(v) for v in series.to_numpy()]
    if pd.api.types.is_integer_dtype(dtype) and not isinstance(
        dtype, pd.api.extensions.ExtensionDtype
    ):
        arr = series.to_numpy()
        if arr.size and np.abs(arr).max() > 2**53:
            return [str(int(v)) for v in arr]
        return arr.tolist()
    if pd.api.types.is_float_dtype(dtype) and not isinstance(
        dtype, pd.api.extensions.ExtensionDtype
    ):
        arr = series.to_numpy(dtype="float64")
        bad = np.isinf(arr)
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 2
            raise ValueError(
                f"cannot write infinity to Excel ({_where(sheet, row, column)}); "
                "replace it with a number or leave the cell empty (NaN)"
            )
        out = arr.tolist()
        return [None if v != v else v for v in out]
    if isinstance(dtype, pd.PeriodDtype):
        return [None if pd.isna(v) else str(v) for v in series]
    return [_scalar(v, sheet, i + 2, column) for i, v in enumerate(series.tolist())]


def _localise(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical headings and codes → the registry's labels (Chinese tables unchanged).

    ``excel_formats`` and ``excel_charts`` in ``attrs`` may name canonical columns;
    they follow the rename.
    """
    names = [c for c in frame.columns if isinstance(c, str)]
    if not any(c in COLUMNS or c in COLUMN_CODES for c in names):
        return frame
    out = label_values(frame)
    rename = {c: label(c) for c in out.columns if isinstance(c, str)}
    out = out.rename(columns=rename)
    out.attrs = dict(frame.attrs)
    if "excel_formats" in frame.attrs:
        formats = frame.attrs["excel_formats"]
        out.attrs["excel_formats"] = {rename.get(k, k): v for k, v in formats.items()}
    if "excel_totals" in frame.attrs:
        out.attrs["excel_totals"] = [rename.get(c, c) for c in frame.attrs["excel_totals"]]
    if "excel_formulas" in frame.attrs:
        out.attrs["excel_formulas"] = {
            rename.get(k, k): _PLACEHOLDER.sub(lambda m: "{" + rename.get(m[1], m[1]) + "}", v)
            for k, v in frame.attrs["excel_formulas"].items()
        }
    if "excel_charts" in frame.attrs:
        out.attrs["excel_charts"] = [
            {
                **spec,
                "x": rename.get(spec.get("x"), spec.get("x")),
                "y": [rename.get(y, y) for y in spec.get("y", [])],
            }
            for spec in frame.attrs["excel_charts"]
        ]
    return out


def _block(frame: Any, sheet: str) -> _Block:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"sheet {sheet!r}: expected a DataFrame (or a list of DataFrames), "
            f"got {type(frame).__name__}"
        )
    frame = _localise(frame)
    if frame.columns.empty:
        raise ValueError(f"sheet {sheet!r}: the table has no columns")
    header = _header_names(frame, sheet)
    overrides = dict(frame.attrs.get("excel_formats", {}))
    unknown = set(overrides) - set(header)
    if unknown:
        raise ValueError(
            f"sheet {sheet!r}: excel_formats names unknown columns {sorted(unknown)}; "
            f"valid: {', '.join(header)}"
        )
    columns, formats, text_cols, widths = [], [], [], []
    for j, name in enumerate(header):
        values = _column_values(frame.iloc[:, j], sheet, name)
        fmt = overrides.get(name) or _guess_format(name, values)
        columns.append(values)
        formats.append(fmt)
        has_text = any(isinstance(v, str) for v in values)
        text_cols.append(has_text)
        longest = max((_display_width(_shown(v, fmt)) for v in values), default=0.0)
        if has_text:
            longest += 2  # indent
        head = _display_width(name) + 3  # room for the filter button
        widths.append(min(_MAX_WIDTH, max(_MIN_WIDTH, head, longest + 2)))
    rows = [list(r) for r in zip(*columns, strict=True)] if len(frame) else []
    charts = list(frame.attrs.get("excel_charts", []))
    for spec in charts:
        _check_chart(spec, header, sheet)
    title = frame.attrs.get("title")
    formulas, totals = _live_cells(frame.attrs, header, sheet)
    return _Block(
        header,
        rows,
        formats,
        text_cols,
        widths,
        charts,
        None if title is None else str(title),
        bool(frame.attrs.get("beside", False)),
        formulas,
        totals,
    )


def _live_cells(
    attrs: Mapping[str, Any], header: list[str], sheet: str
) -> tuple[dict[int, str], list[int]]:
    """``excel_formulas`` and ``excel_totals`` checked against the header."""
    formulas: dict[int, str] = {}
    for name, template in dict(attrs.get("excel_formulas", {})).items():
        used = _PLACEHOLDER.findall(template)
        missing = [c for c in (name, *used) if c not in header]
        if missing:
            raise ValueError(
                f"sheet {sheet!r}: excel_formulas names unknown columns {missing}; "
                f"valid: {', '.join(header)}"
            )
        formulas[header.index(name)] = template
    wanted = list(attrs.get("excel_totals", []))
    missing = [c for c in wanted if c not in header]
    if missing:
        raise ValueError(
            f"sheet {sheet!r}: excel_totals names unknown columns {missing}; "
            f"valid: {', '.join(header)}"
        )
    return formulas, [header.index(c) for c in wanted]


def _formula(template: str, header: list[str], left: int, row: int) -> str:
    """``{列名}`` placeholders → this row's cells, e.g. ``{实际}/{指标}`` → ``=G5/C5``."""
    from openpyxl.utils import get_column_letter

    def cell(match: re.Match[str]) -> str:
        return f"{get_column_letter(left + header.index(match[1]))}{row}"

    return "=" + _PLACEHOLDER.sub(cell, template)


def _check_chart(spec: Mapping[str, Any], header: list[str], sheet: str) -> None:
    kind = spec.get("type")
    if kind not in ("bar", "line"):
        raise ValueError(f"sheet {sheet!r}: chart type {kind!r}; valid: 'bar', 'line'")
    cols = [spec.get("x"), *spec.get("y", [])]
    if not spec.get("y"):
        raise ValueError(f"sheet {sheet!r}: a chart needs at least one 'y' column")
    missing = [c for c in cols if c not in header]
    if missing:
        raise ValueError(
            f"sheet {sheet!r}: chart columns {missing} are not in the table; "
            f"valid: {', '.join(header)}"
        )


def _check_sheet_name(name: Any, seen: set[str]) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"sheet names must be non-empty text, got {name!r}")
    if len(name) > 31:
        raise ValueError(f"sheet name {name!r} is longer than Excel's 31 characters")
    if _BAD_SHEET_CHARS.search(name) or name.startswith("'") or name.endswith("'"):
        raise ValueError(f"sheet name {name!r} contains one of [ ] : * ? / \\ or a quote")
    if name.lower() in seen:
        raise ValueError(f"sheet name {name!r} is used twice (Excel ignores case)")
    seen.add(name.lower())
    return name


def _place(ws: Any, block: _Block, top: int, left: int, table_no: int) -> int:
    """Write one block with its header at row ``top``, column ``left``; returns last row."""
    _write_header(ws, block, top, left)
    _write_cells(ws, block, top, left)
    last = top + max(len(block.rows), 1)
    _add_table(ws, block, top, left, last, table_no)
    _colour_completion(ws, block, top, left, last)
    return _write_live(ws, block, top, left, last)


def _write_header(ws: Any, block: _Block, top: int, left: int) -> None:
    """The header row: white bold text on the header fill, centred."""
    from openpyxl.styles import Alignment, Font, PatternFill

    header_font = Font(name="Calibri", size=11, bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    center = Alignment(horizontal="center", vertical="center")
    for j, name in enumerate(block.header, left):
        cell = ws.cell(row=top, column=j, value=name)
        cell.data_type = "s"
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = center


def _write_cells(ws: Any, block: _Block, top: int, left: int) -> None:
    """Values with number formats; long text wraps and raises its row; text never runs."""
    from openpyxl.styles import Alignment

    wrap = Alignment(horizontal="left", wrap_text=True, vertical="top", indent=1)
    text_align = Alignment(horizontal="left", indent=1)  # a gap after right-aligned numbers
    ncol = len(block.header)
    top_align = Alignment(vertical="top")
    protos: dict[tuple[Any, ...], Any] = {}  # style arrays by kind: copying is much faster

    def style(cell: Any, key: tuple[Any, ...]) -> None:
        proto = protos.get(key)
        if proto is not None:
            cell._style = copy.copy(proto)
            return
        kind, extra = key
        if kind == "num":
            cell.number_format = extra
        else:
            cell.alignment = wrap if kind == "wrap" else text_align
            cell.quotePrefix = extra
        protos[key] = copy.copy(cell._style)

    for i, values in enumerate(block.rows, top + 1):
        wrapped = False
        for j, value in enumerate(values, left):
            if value is None:
                continue
            cell = ws.cell(row=i, column=j)
            cell.value = value
            if isinstance(value, str):
                quote = value.startswith(_FORMULA_START)
                if quote:
                    cell.data_type = "s"
                shown = _display_width(value) * _WRAP_FACTOR
                if shown > block.widths[j - left] - 2:
                    style(cell, ("wrap", quote))
                    lines = math.ceil(shown / max(block.widths[j - left] - 3, 1))
                    height = ws.row_dimensions[i].height or 15.0
                    ws.row_dimensions[i].height = max(height, 15.0 * lines)
                    wrapped = True
                else:
                    style(cell, ("text", quote))
                continue
            fmt = block.formats[j - left]
            if fmt and not isinstance(value, bool):
                style(cell, ("num", fmt))
        if wrapped:
            for j in range(left, left + ncol):
                cell = ws.cell(row=i, column=j)
                if not cell.alignment.wrap_text:
                    indent = cell.alignment.indent
                    cell.alignment = (
                        Alignment(horizontal="left", vertical="top", indent=indent)
                        if indent
                        else top_align
                    )


def _add_table(ws: Any, block: _Block, top: int, left: int, last: int, table_no: int) -> None:
    """Column widths and an Excel Table (filter buttons, banded rows) over the block."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ncol = len(block.header)
    for j, width in enumerate(block.widths, left):
        letter = get_column_letter(j)
        current = ws.column_dimensions[letter].width or 0
        ws.column_dimensions[letter].width = max(current, width)
    ref = f"{get_column_letter(left)}{top}:{get_column_letter(left + ncol - 1)}{last}"
    table = Table(displayName=f"Table{table_no}", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)


def _colour_completion(ws: Any, block: _Block, top: int, left: int, last: int) -> None:
    """Completion-rate columns coloured by the one completion rule (report/style.py)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    for j, name in enumerate(block.header, left):
        low = name.lower()
        if block.formats[j - left] == "0.0%" and any(w in low for w in _COMPLETION_WORDS):
            if not block.rows:
                continue
            letter = get_column_letter(j)
            rng = f"{letter}{top + 1}:{letter}{last}"
            c = f"{letter}{top + 1}"  # relative reference to the first cell of the range
            mid, good = f"{COMPLETION_MID_FROM:g}", f"{COMPLETION_GOOD_FROM:g}"
            bands = {
                "bad": f"AND(ISNUMBER({c}),{c}<{mid})",
                "mid": f"AND(ISNUMBER({c}),{c}>={mid},{c}<{good})",
                "good": f"AND(ISNUMBER({c}),{c}>={good})",
            }
            for band, formula in bands.items():
                fill = COMPLETION_FILLS[band].lstrip("#").upper()
                color = COMPLETION_COLORS[band].lstrip("#").upper()
                ws.conditional_formatting.add(
                    rng,
                    FormulaRule(
                        formula=[formula],
                        fill=PatternFill("solid", fgColor=fill, bgColor=fill),
                        font=Font(color=color),
                    ),
                )


def _write_live(ws: Any, block: _Block, top: int, left: int, last: int) -> int:
    """Formula columns and the totals row (SUBTOTAL: follows the filter); last row."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if not block.rows:
        return last
    for j, template in block.formulas.items():
        fmt = block.formats[j] or EXCEL_UNITS
        for i in range(top + 1, last + 1):
            cell = ws.cell(row=i, column=left + j, value=_formula(template, block.header, left, i))
            cell.number_format = fmt
    if not block.totals:
        return last
    row = last + 1
    bold = Font(bold=True)
    if 0 not in block.totals:
        ws.cell(row=row, column=left, value="合计").font = bold
    for j in block.totals:
        letter = get_column_letter(left + j)
        cell = ws.cell(
            row=row, column=left + j, value=f"=SUBTOTAL(109,{letter}{top + 1}:{letter}{last})"
        )
        cell.number_format = block.formats[j] or EXCEL_UNITS
        cell.font = bold
    return row


def _chart(
    ws: Any, block: _Block, top: int, left: int, spec: Mapping[str, Any], anchor: str
) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference

    header = block.header
    n = len(block.rows)
    if n == 0:
        return
    chart = BarChart() if spec["type"] == "bar" else LineChart()
    if spec["type"] == "bar":
        chart.type = "col"
        chart.grouping = "clustered"
    chart.title = spec.get("title")
    chart.y_axis.title = spec.get("y_title")
    chart.width, chart.height = _CHART_W, _CHART_H
    chart.legend.position = "b"
    for col in spec["y"]:
        j = header.index(col) + left
        data = Reference(ws, min_col=j, min_row=top, max_row=top + n)
        chart.add_data(data, titles_from_data=True)
    x = header.index(spec["x"]) + left
    chart.set_categories(Reference(ws, min_col=x, min_row=top + 1, max_row=top + n))
    if spec.get("percent"):
        chart.y_axis.number_format = "0%"
    elif is_money_label(str(spec.get("y_title") or "")):
        chart.y_axis.number_format = EXCEL_WAN_AXIS  # 万, as on the plan document's charts
    elif spec.get("y_format"):
        chart.y_axis.number_format = spec["y_format"]
    if spec["type"] == "line":
        for series in chart.series:
            series.marker.symbol = "circle"
            series.smooth = False
    # openpyxl >= 3.1 hides axes unless told otherwise; LibreOffice and Excel then
    # draw the chart without tick labels
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    ws.add_chart(chart, anchor)


def _print_setup(ws: Any, wide: bool, header: str | None) -> None:
    """Printing / PDF: A4, one page wide, header row on every page, header and footer."""
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = "&A"  # the sheet name as the page title
    ws.oddHeader.center.size = 12
    ws.oddHeader.center.font = "-,Bold"
    if header:
        ws.oddHeader.left.text = header.replace("&", "&&")
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    ws.oddFooter.right.text = "&D"


_PAGE_PX = {"landscape": 978, "portrait": 672}
"""Printable width of A4 between openpyxl's default 0.75 in margins, in Excel's pixels."""


def _page_per_side_table(ws: Any, placed: list[tuple[_Block, int, int]]) -> None:
    """Tables placed beside each other print on pages of their own, side by side.

    One page wide for two wide tables shrank the 概览 sheet to 4–5 pt; a column break
    before each table placed beside gives each its own page width. Excel and LibreOffice
    ignore manual breaks on a sheet scaled "fit to N pages wide", so such a sheet gets a
    fixed scale at which its widest part fits one page.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    starts = sorted({left for block, _top, left in placed if block.beside and left > 1})
    if not starts:
        return
    for left in starts:
        ws.col_breaks.append(Break(id=left - 1))
    edges = [1, *starts, ws.max_column + 1]
    widths = [
        7 * (ws.column_dimensions[get_column_letter(c)].width or 8.43) + 5
        for c in range(1, ws.max_column + 1)
    ]
    widest = max(sum(widths[a - 1 : b - 1]) for a, b in itertools.pairwise(edges))
    page = _PAGE_PX[ws.page_setup.orientation or "landscape"]
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = max(10, min(100, int(95 * page / widest)))  # 5 % to spare


def _build(tables: Mapping[str, Any], header: str | None = None) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if not isinstance(tables, Mapping):
        raise TypeError(
            f"tables must be a dict of sheet name → DataFrame, got {type(tables).__name__}"
        )
    if not tables:
        raise ValueError("tables is empty; give at least one sheet")
    seen: set[str] = set()
    sheets: list[tuple[str, list[_Block]]] = []
    for name, value in tables.items():
        sheet = _check_sheet_name(name, seen)
        frames = (
            list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]
        )
        if not frames:
            raise ValueError(f"sheet {sheet!r} has no tables")
        sheets.append((sheet, [_block(f, sheet) for f in frames]))
    wb = Workbook()
    wb.remove(wb.active)
    table_no = 0
    for sheet, blocks in sheets:
        ws = wb.create_sheet(sheet)
        ws.freeze_panes = "A2"
        top, left, bottom, right = 1, 1, 1, 1
        placed = []
        for k, block in enumerate(blocks):
            if k and block.beside:
                left = right + 1
            else:
                top, left = (bottom + 1 + _GAP_ROWS if k else 1), 1
                if k and block.title:
                    cell = ws.cell(row=top, column=1, value=block.title)
                    cell.data_type = "s"
                    cell.font = Font(name="Calibri", bold=True, size=12)
                    top += 1
            table_no += 1
            last = _place(ws, block, top, left, table_no)
            placed.append((block, top, left))
            bottom = max(bottom, last) if block.beside else last
            right = max(right, left + len(block.header)) if k else left + len(block.header)
        wide = right - 1 > _PORTRAIT_COLUMNS or any(b.charts for b in blocks)
        _print_setup(ws, wide, header)
        _page_per_side_table(ws, placed)
        anchor_col = get_column_letter(right + 1)
        row = 2
        for block, block_top, block_left in placed:
            for spec in block.charts:
                anchor = spec.get("anchor") or f"{anchor_col}{row}"
                _chart(ws, block, block_top, block_left, spec, anchor)
                row += 17
    if any(b.formulas or b.totals for _, blocks in sheets for b in blocks):
        wb.calculation.fullCalcOnLoad = True  # no cached values: calculate when opened
    return wb


def _header_from(tables: Mapping[str, Any]) -> str | None:
    """The first ``attrs["excel_header"]`` of the tables (e.g. the plan's 区域 · 半年)."""
    if not isinstance(tables, Mapping):
        return None
    for value in tables.values():
        frames = value if isinstance(value, list | tuple) else [value]
        for frame in frames:
            text = getattr(frame, "attrs", {}).get("excel_header")
            if text:
                return str(text)
    return None


def _umask() -> int:
    """The process umask (set and restored at once: the only portable way to read it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_excel(
    tables: Mapping[str, pd.DataFrame | Sequence[pd.DataFrame]],
    path: str | Path,
    *,
    header: str | None = None,
) -> Path:
    """Write DataFrames as formatted Excel Tables, one sheet each, atomically.

    Canonical headings and codes go through the label registry (:mod:`repkit.labels`):
    a frame with ``completion_rate`` or ``level`` = ``3A`` shows 完成率 and 三甲.
    Every sheet gets its header in row 1 (bold, frozen), an Excel Table (filterable,
    striped), column widths that fit Chinese text, number formats (values stay numbers;
    :mod:`repkit.report.style`): ``#,##0`` for units and money in yuan, ``#,##0.00``
    for prices, ``0.0%`` for columns named like a rate (``…率``, ``占比``,
    ``…_rate``, ``…_share``), and the completion colours (red below 80 %, amber below
    100 %, green from 100 %). Each sheet prints on A4 one page wide (landscape when
    wide) with the header row repeated, the sheet name as title, ``header`` top left
    and "第 x 页 / 共 y 页" at the bottom. The file's mode follows the umask. A sheet
    may hold a list of frames, stacked with two blank rows between them (each its own
    Table).
    Native Excel charts are drawn from ``frame.attrs["excel_charts"]`` (see the module
    docstring).

    Parameters
    ----------
    tables
        Sheet name → DataFrame (or list of DataFrames), in sheet order. Sheet names
        follow Excel's rules: at most 31 characters, none of ``[]:*?/`` or backslash.
        The index is not written: reset it first if it carries data.
    path
        Target ``.xlsx`` file. Its folder is created if missing. An existing file is
        replaced only once the new one is completely written.
    header
        Text printed at the top left of every page, e.g. ``"兰州 · 2026H2"``
        (default: the first ``attrs["excel_header"]`` of the tables, else none).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    TypeError
        A value Excel cannot hold (dicts, objects, time zones); raised before the file
        is touched.
    ValueError
        Bad sheet names, duplicate or empty headers, infinities, text with control
        characters or over 32,767 characters, unknown chart columns, a target that is
        not ``.xlsx``; raised before the file is touched.

    Examples
    --------
    >>> df = pd.DataFrame({"品种": ["瑞心安片", "=1+1"], "完成率": [0.85, 1.1]})
    >>> p = rk.report.write_excel({"概览": df}, "plan.xlsx")
    >>> p.name
    'plan.xlsx'
    >>> pd.read_excel(p, engine="calamine")["品种"].tolist()   # text, not a formula
    ['瑞心安片', '=1+1']

    Notes
    -----
    In Excel you would paste the values, "Format as Table", freeze the top row and
    add conditional formatting by hand; this does the same in one call.
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ValueError(f"write_excel writes .xlsx files; got {target.name!r}")
    if header is None:
        header = _header_from(tables)
    wb = _build(tables, header)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            wb.save(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp made it 0600; colleagues must read it
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
