"""Readers for the files sales teams export: Excel, CSV, HTML-as-xls, parquet, SQL.

``read_table`` returns one canonical table (design.md) or raises :class:`DataError`
listing every problem of the file; ``load_dataset`` reads a folder and checks the
tables against each other; ``check`` collects the problems without raising.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from repkit.io import _sources, _table
from repkit.io.errors import PROBLEM_COLUMNS, RULES, DataError
from repkit.schema import KINDS, SHEET_NAMES, TABLES

__all__ = ["DataError", "RULES", "check", "load_dataset", "read_sales", "read_table"]

Source = str | os.PathLike | pd.DataFrame


def _check_kind(kind: str) -> None:
    if kind not in TABLES:
        raise ValueError(f"unknown table kind {kind!r}; valid kinds: {', '.join(KINDS)}")


def _excel_grid(path: Path, name: str, kind: str, sheet: str | int | None) -> _sources.Grid:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(os.fspath(path))
    except pc.PasswordError as err:
        raise DataError(
            [
                {
                    "file": name,
                    "rule": "not_a_spreadsheet",
                    "message": "the workbook is password-protected; save a copy without a password",
                }
            ]
        ) from err
    except (pc.CalamineError, OSError, ValueError) as err:
        raise DataError(
            [
                {
                    "file": name,
                    "rule": "not_a_spreadsheet",
                    "message": f"the file cannot be opened as an Excel workbook ({err})",
                }
            ]
        ) from err
    with wb:
        metas = [m for m in wb.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
        names = [m.name for m in metas]
        if sheet is not None:
            if isinstance(sheet, int):
                if not 0 <= sheet < len(names):
                    raise ValueError(f"sheet index {sheet} out of range; sheets: {names}")
                chosen = names[sheet]
            elif sheet in names:
                chosen = sheet
            else:
                raise ValueError(f"no sheet {sheet!r} in {name}; sheets: {', '.join(names)}")
        else:
            visible = [m.name for m in metas if m.visible == pc.SheetVisibleEnum.Visible]
            if not visible:
                raise DataError(
                    [
                        {
                            "file": name,
                            "rule": "empty",
                            "message": "the workbook has no visible worksheet",
                        }
                    ]
                )
            chosen = visible[0]
            if len(visible) > 1:
                best = None
                for s in visible:
                    head = wb.get_sheet_by_name(s).to_python(
                        skip_empty_area=False, nrows=_table.HEADER_SCAN
                    )
                    score = _table.score_grid(_sources.Grid(name, s, head), kind)
                    key = (score, s == SHEET_NAMES[kind])
                    if best is None or key > best[0]:
                        best = (key, s)
                chosen = best[1]
        ws = wb.get_sheet_by_name(chosen)
        rows = ws.to_python(skip_empty_area=False)
        merged = ws.merged_cell_ranges or []
    return _sources.Grid(name, chosen, rows, merged=list(merged))


def _grid(source: Source, kind: str, *, sheet: Any, encoding: str | None) -> _sources.Grid:
    path = Path(source)
    name = path.name
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    if path.is_dir():
        raise ValueError(f"{path} is a folder; use load_dataset() for folders")
    with open(path, "rb") as fh:
        head = fh.read(8192)
    fmt = _sources.sniff(head)
    if fmt == "empty":
        raise DataError([{"file": name, "rule": "empty", "message": "the file is empty (0 bytes)"}])
    if fmt in ("zip", "ole"):
        return _excel_grid(path, name, kind, sheet)
    if fmt == "text":
        data = path.read_bytes()
        return _sources.read_text(data, name=name, encoding=encoding)[0]
    raise DataError(
        [
            {
                "file": name,
                "rule": "not_a_spreadsheet",
                "message": "the file is not a spreadsheet, CSV or text table",
            }
        ]
    )


def _read(
    source: Source,
    kind: str,
    *,
    sheet: Any = None,
    encoding: str | None = None,
    year: int | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    _check_kind(kind)
    grid = _grid(source, kind, sheet=sheet, encoding=encoding)
    return _table.build(grid, kind, year=year)


def read_table(
    source: Source,
    kind: str,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    r"""Read one table from a company file into repkit's canonical columns.

    Parameters
    ----------
    source
        Path of an .xlsx/.xlsm/.xls workbook (also HTML or CSV saved as .xls), a
        CSV/TXT file (UTF-8, UTF-8 with BOM, GB18030/GBK or UTF-16).
    kind
        Table kind: sales, products, hospitals, doctors, reps, calls, targets or
        collections.
    sheet
        Worksheet name or 0-based index; by default the visible sheet whose headers
        match ``kind`` best (hidden sheets are read only when named).
    encoding
        Text encoding of a CSV file; detected when omitted.
    year
        Year of month headers written without one (1月 … 6月).

    Returns
    -------
    DataFrame
        Canonical columns of ``kind`` (design.md) that the file has.
        ``df.attrs["dropped"]`` lists the rows left out on purpose (blank rows,
        合计/小计/总计 rows) as a DataFrame[file, sheet, row, reason].

    Raises
    ------
    DataError
        Listing every problem of the file (file, sheet, row, column, value, rule,
        message); rows are numbered as in Excel (CSV: line number, header = 1).
    ValueError
        For an unknown ``kind`` or a sheet that does not exist.

    Examples
    --------
    >>> _ = open("s.csv", "w", encoding="utf-8").write(
    ...     "月份,医院编码,品种,数量\n202407,001,瑞心安片,\"1,200\"\n合计,,,1200\n")
    >>> df = rk.read_table("s.csv", "sales")
    >>> df
         month hospital_id product   units
    0  2024-07         001    瑞心安片  1200.0
    >>> df.attrs["dropped"]
        file sheet  row     reason
    0  s.csv  None    3  total row
    """
    frame, _ = _read(source, kind, sheet=sheet, encoding=encoding, year=year)
    return frame


def read_sales(source: Source, **kw: Any) -> pd.DataFrame:
    r"""Read a sales file: ``read_table(source, "sales", **kw)``.

    Examples
    --------
    >>> text = "年月,医院,产品,盒数\n2024年7月,甲医院,A,-3\n"
    >>> _ = open("s.csv", "w", encoding="utf-8").write(text)
    >>> rk.read_sales("s.csv")[["month", "hospital", "units"]]
         month hospital  units
    0  2024-07      甲医院   -3.0
    """
    return read_table(source, "sales", **kw)


_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".tsv", ".parquet", ".htm", ".html")


def _kind_of(path: Path) -> str | None:
    stem = path.stem.strip().lower()
    for kind, zh in SHEET_NAMES.items():
        if stem in (zh.lower(), kind):
            return kind
    return None


def _data_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in _EXTENSIONS and not p.name.startswith(("~$", "."))
    )


def _identify(path: Path) -> str | None:
    kind = _kind_of(path)
    if kind:
        return kind
    try:
        grid = _grid(path, "sales", sheet=None, encoding=None)
    except (DataError, ValueError):
        return None
    scores = {k: _table.score_grid(grid, k) for k in KINDS}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else None


def load_dataset(folder: str | os.PathLike) -> Any:
    """Read every table found in a folder and check them together.

    Files are matched to tables by name first (销售明细.xlsx, 医院.xlsx, sales.csv …,
    see ``repkit.schema.SHEET_NAMES``), then by their headers.

    Parameters
    ----------
    folder
        Folder holding the data files.

    Returns
    -------
    Dataset
        One attribute per table; tables without a file are empty.

    Raises
    ------
    DataError
        With the problems of every file (all files are read before raising).

    Examples
    --------
    >>> _ = rk.sample.write(rk.sample.generate(seed=0, regions=1), "data")
    >>> ds = rk.load_dataset("data")
    >>> ds.regions
    ['兰州']
    >>> str(ds.sales["month"].dtype)
    'period[M]'
    """
    from repkit.dataset import Dataset

    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder")
    tables: dict[str, pd.DataFrame] = {}
    problems: list[dict[str, Any]] = []
    for path in _data_files(folder):
        kind = _identify(path)
        if kind is None:
            continue
        try:
            frame, _ = _read(path, kind)
        except DataError as err:
            problems.extend(err.problems.to_dict("records"))
            continue
        if kind in tables:
            tables[kind] = pd.concat([tables[kind], frame], ignore_index=True)
        else:
            tables[kind] = frame
    if problems:
        raise DataError(problems)
    return Dataset.from_tables(**tables)


def check(path: str | os.PathLike) -> pd.DataFrame:
    r"""Every problem of a file or a folder, as a table (empty when all is readable).

    Parameters
    ----------
    path
        A data file or a folder of data files.

    Returns
    -------
    DataFrame
        Columns file, sheet, row, column, value, rule, message.

    Examples
    --------
    >>> text = "月份,医院,品种,数量\n202407,甲,A,\"12,3\"\n"
    >>> _ = open("bad.csv", "w", encoding="utf-8").write(text)
    >>> rk.io.check("bad.csv")[["row", "column", "value", "rule"]]
       row column value              rule
    0    2     数量  12,3  ambiguous_number
    """
    path = Path(path)
    try:
        if path.is_dir():
            load_dataset(path)
        else:
            kind = _identify(path)
            if kind is None:
                try:
                    _grid(path, "sales", sheet=None, encoding=None)
                except DataError as err:
                    return err.problems
                return DataError(
                    [
                        {
                            "file": path.name,
                            "rule": "missing_column",
                            "message": "the headers match none of the tables repkit reads",
                        }
                    ]
                ).problems
            _read(path, kind)
    except DataError as err:
        return err.problems
    return pd.DataFrame(
        {c: pd.Series(dtype="Int64" if c == "row" else "object") for c in PROBLEM_COLUMNS}
    )
