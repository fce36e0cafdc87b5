"""Excel management tables: one formatted, filterable Excel Table per DataFrame.

:func:`write_excel` is the only writer of ``.xlsx`` reports in repkit. It checks every
value before the target file is touched, writes the workbook with XlsxWriter (a
write-only writer; the layout lives in ``repkit.report._xlsx``) to a temporary file next
to the target and moves it into place, so a failed write never destroys the previous
file. Text that starts with ``=``, ``+``, ``-`` or ``@`` is stored
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

import datetime as dt
import decimal
import math
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from repkit.labels import COLUMN_CODES, COLUMNS, label, label_values
from repkit.report import _xlsx
from repkit.report._xlsx import Block
from repkit.report._xlsx import display_width as _display_width
from repkit.report.style import (
    EXCEL_MONEY,
    EXCEL_PERCENT,
    EXCEL_PRICE,
    EXCEL_UNITS,
)

__all__ = ["write_excel"]

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")
_MAX_CELL_TEXT = 32767
_MAX_WIDTH = 60
_MIN_WIDTH = 6
_RATE_WORDS = ("率", "占比", "_rate", "_share", "rate", "share")

_WHOLE_WORDS = ("金额", "(元)", "销售额", "数量", "指标", "实际", "差距", "预测", "amount", "units")
_PRICE_WORDS = ("单价", "每次", "price", "per_")


def _where(sheet: str, row: int, column: str) -> str:
    return f"sheet {sheet!r}, row {row}, column {column!r}"


def _scalar(value: Any, sheet: str, row: int, column: str) -> Any:
    """Convert one value to something the writer stores faithfully, or raise."""
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
    """Whether a column holds fractions shown as percentages, by its name.

    A name ending in a rate word is a rate (金额完成率); a money column is not, even when
    a rate word is inside its name (``run_rate_amount``, 按进度全期金额(元)).

    Examples
    --------
    >>> [_is_rate(n) for n in ("金额完成率", "hoh_rate_lo_80", "run_rate_amount", "指标金额(元)")]
    [True, True, False, False]
    """
    low = name.lower()
    if low.endswith(_RATE_WORDS):
        return True
    if low.endswith(("_amount", "(元)", "(万元)")) or "金额" in name:
        return False
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
    values = series.tolist()
    out = [v if type(v) is str else _scalar(v, sheet, i + 2, column) for i, v in enumerate(values)]
    if _plain_texts([v for v in values if type(v) is str]):  # texts checked all at once
        return out
    return [_scalar(v, sheet, i + 2, column) for i, v in enumerate(values)]  # names the row


def _plain_texts(texts: list[str]) -> bool:
    """Whether texts pass :func:`_scalar`'s checks as they are (checked all at once)."""
    return max(map(len, texts), default=0) <= _MAX_CELL_TEXT and not _ILLEGAL_XML.search(
        "\n".join(texts)
    )


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


def _block(frame: Any, sheet: str) -> Block:
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
        distinct = {(type(v), v) for v in values}  # True and 1 show differently
        longest = max((_display_width(_shown(v, fmt)) for _, v in distinct), default=0.0)
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
    return Block(
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


def _sheets(tables: Mapping[str, Any]) -> list[tuple[str, list[Block]]]:
    """Every sheet's blocks, checked (nothing is written before all of them pass)."""
    if not isinstance(tables, Mapping):
        raise TypeError(
            f"tables must be a dict of sheet name → DataFrame, got {type(tables).__name__}"
        )
    if not tables:
        raise ValueError("tables is empty; give at least one sheet")
    seen: set[str] = set()
    sheets: list[tuple[str, list[Block]]] = []
    for name, value in tables.items():
        sheet = _check_sheet_name(name, seen)
        frames = (
            list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]
        )
        if not frames:
            raise ValueError(f"sheet {sheet!r} has no tables")
        sheets.append((sheet, [_block(f, sheet) for f in frames]))
    return sheets


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
    sheets = _sheets(tables)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            _xlsx.write_book(sheets, header, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp made it 0600; colleagues must read it
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
