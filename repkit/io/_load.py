"""read_table, read_sales, load_dataset and check: files in, canonical tables out."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeAlias

import pandas as pd

from repkit.errors import PROBLEM_COLUMNS, DataError
from repkit.io import _cache, _files, _sources, _table, _typed
from repkit.messages import join, name_table, problem, say
from repkit.schema import KINDS, SHEET_NAMES, TABLES

Source: TypeAlias = "str | os.PathLike[str] | pd.DataFrame"

_EXTENSIONS = (
    ".xlsx",
    ".xlsm",
    ".xlsb",
    ".xls",
    ".ods",
    ".csv",
    ".txt",
    ".tsv",
    ".parquet",
    ".htm",
    ".html",
    ".xml",
)

REFUSED_EXTENSIONS = (
    ".et",
    ".ett",
    ".numbers",
    ".xlt",
    ".xltx",
    ".xltm",
    ".xlam",
    ".xlr",
    ".fods",
    ".ots",
    ".sxc",
    ".gnumeric",
    ".wks",
    ".wk1",
    ".wk3",
    ".wk4",
    ".123",
    ".qpw",
    ".dif",
    ".slk",
    ".dbf",
)
"""Spreadsheet formats repkit does not read (WPS .et, Numbers, templates, old Lotus/Quattro
…): a file with one of these extensions is refused by name (rule ``unsupported_format``)
instead of being skipped, so ``check`` never says "no problems" about data it did not read."""


def _unsupported(path: Path) -> DataError:
    where = {"file": path.name, "value": path.suffix}
    return DataError([problem("unsupported_format", where=where, suffix=path.suffix)])


def _check_kind(kind: str) -> None:
    if kind not in TABLES:
        raise ValueError(f"unknown table kind {kind!r}; valid kinds: {', '.join(KINDS)}")


def _open(
    source: Any,
    *,
    kinds: tuple[str, ...],
    sheet: Any,
    encoding: str | None,
    query: str | None,
    region: str | None = None,
) -> _sources.Grid:
    """The grid of a source; among several sheets the one matching ``kinds`` best."""

    def score(grid: _sources.Grid) -> int:
        return max(_table.score(grid, k) for k in kinds)

    preferred = SHEET_NAMES[kinds[0]] if len(kinds) == 1 else None
    if isinstance(source, pd.DataFrame):
        return _sources.frame_grid(source, name="<DataFrame>", sheet=None)
    if _sources.is_sql(source):
        return _sources.read_sql(
            source,
            sheet=sheet,
            query=query,
            score=score,
            preferred=preferred,
            kind=kinds[0],
            region=region,
        )
    if region is not None:
        raise ValueError(say("arg.region_not_sql"))
    if not isinstance(source, str | os.PathLike):
        raise TypeError(f"cannot read {type(source).__name__}; give a path, URL or DataFrame")
    path = Path(source)
    name = path.name
    if not path.exists():
        raise FileNotFoundError(say("path.no_file", path=path))
    if path.is_dir():
        raise ValueError(say("path.is_folder", path=path))
    if path.suffix.lower() in REFUSED_EXTENSIONS:
        raise _unsupported(path)
    fmt = _files.sniff_file(path)
    if query is not None and fmt != "sqlite":
        raise ValueError(
            "query= applies to SQL sources (a SQLAlchemy URL or engine, a SQLite file)"
        )
    if fmt == "sqlite":
        return _sources.read_sql(
            f"sqlite:///{path.resolve()}",
            sheet=sheet,
            query=query,
            score=score,
            preferred=preferred,
            kind=kinds[0],
            name=name,
            region=region,
        )
    return _files.read_file(
        path, fmt, name=name, score=score, preferred=preferred, sheet=sheet, encoding=encoding
    )


def _read(
    source: Any,
    kind: str,
    *,
    sheet: Any = None,
    encoding: str | None = None,
    year: int | None = None,
    query: str | None = None,
    cache: Any = None,
    region: str | None = None,
) -> _table.Read:
    """Read and validate one table; the internal form keeps file row numbers."""
    from repkit.io import _validate

    _check_kind(kind)
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2100):
        raise ValueError(f"year must be a four-digit year such as 2024, got {year!r}")
    where = None
    is_file = isinstance(source, str | os.PathLike) and not _sources.is_sql(source)
    if is_file and Path(source).is_file():
        where = _cache.folder(cache)
    lists = [c for c, t in TABLES[kind].columns.items() if t == "list"]
    if where is not None:
        options = {"sheet": sheet, "encoding": encoding, "year": year, "region": region}
        k = _cache.key(Path(source), kind, options)
        hit = _cache.load(where, k, file=Path(source).name, list_columns=lists)
        if hit is not None:
            return hit
    read = None
    if is_file and sheet is None and year is None and query is None and region is None:
        read = _typed.read(Path(source), kind, name=Path(source).name)
    if read is None:
        grid = _open(
            source, kinds=(kind,), sheet=sheet, encoding=encoding, query=query, region=region
        )
        read = _table.build(grid, kind, year=year)
    problems = _validate.validate(
        read.frame,
        kind,
        read.rows,
        file=read.file,
        sheet=read.sheet,
        texts=read.texts,
        distinct=read.distinct,
    )
    if problems:
        raise DataError(problems)
    if where is not None:
        _cache.store(where, k, read)
    return read


def read_table(
    source: Source,
    kind: str,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    year: int | None = None,
    query: str | None = None,
    cache: bool | str | os.PathLike | None = None,
    region: str | None = None,
) -> pd.DataFrame:
    r"""Read one table from a company file into repkit's canonical columns.

    Parameters
    ----------
    source
        Path of an .xlsx/.xlsm/.xls workbook (HTML or CSV saved as .xls works too), a
        CSV/TSV/TXT file, a parquet file, a SQLAlchemy URL such as
        ``"sqlite:///sales.db"`` (or an Engine), or a DataFrame to normalise.
    kind
        Table kind: sales, products, hospitals, doctors, reps, calls, targets,
        collections, or the field work: nurses, competitors, meetings, listings, swot.
    sheet
        Worksheet name or 0-based index (for SQL: the table name; for HTML: the table
        index). By default the visible sheet whose headers match ``kind`` best; hidden
        sheets are read only when named.
    encoding
        Encoding of a text file; detected when omitted (UTF-8, BOMs, GB18030, UTF-16).
    year
        Year of months written without one (1月 … 6月); such months are refused otherwise.
    query
        SQL query to read instead of a table (SQL sources only).
    cache
        Cache the read table by file content (parquet): True for the user cache folder,
        a folder path, False for off; default: the ``REPKIT_CACHE_DIR`` environment
        variable if set, else off.
    region
        SQL sources only: read just this region's rows; the database filters them
        (``WHERE`` on the table's region column, 区域/大区/region …), so a batch worker
        never fetches the company's. Rows are then numbered within the region's rows.

    Returns
    -------
    DataFrame
        The canonical columns of ``kind`` (design.md) that the file has: months as
        ``Period[M]``, IDs and codes as text, quantities and amounts as float, ratings as
        ``Int64``, lists as Python lists, dates as ``datetime64``. Wide layouts (months as
        columns) come back long. The rows left out on purpose (blank rows, 合计/小计/总计
        rows) are in ``df.attrs["dropped"]`` as JSON-safe records (dicts with file,
        sheet, row, reason, which ``df.to_parquet`` keeps);
        :func:`repkit.io.dropped_rows` gives them as a DataFrame.

    Raises
    ------
    DataError
        Listing every problem of the file (columns file, sheet, row, column, value, rule,
        message); rows are numbered as in Excel (CSV: line number, header line = 1).
    ValueError
        For an unknown ``kind``, a sheet that does not exist or a folder as source.

    Examples
    --------
    >>> _ = open("s.csv", "w", encoding="utf-8").write(
    ...     "月份,医院编码,品种,数量\n202407,001,瑞心安片,\"1,200\"\n合计,,,1200\n")
    >>> df = rk.read_table("s.csv", "sales")
    >>> df
         month hospital_id product   units
    0  2024-07         001    瑞心安片  1200.0
    >>> rk.io.dropped_rows(df)
        file sheet  row     reason
    0  s.csv  None    3  total row
    >>> df.attrs["dropped"]
    ({'file': 's.csv', 'sheet': None, 'row': 3, 'reason': 'total row'},)
    """
    return _read(
        source,
        kind,
        sheet=sheet,
        encoding=encoding,
        year=year,
        query=query,
        cache=cache,
        region=region,
    ).frame


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


def _kind_of(path: Path) -> str | None:
    stem = path.stem.strip().lower()
    for kind, zh in SHEET_NAMES.items():
        for name in (zh.lower(), kind):
            if stem == name or re.match(rf"^{re.escape(name)}[\s_\-.()（）\d]", stem):
                return kind
    return None


def _identify(path: Path) -> str | None:
    """The table kind of a file: by its name, else by its headers."""
    kind = _kind_of(path)
    if kind:
        return kind
    grid = _open(path, kinds=KINDS, sheet=None, encoding=None, query=None)
    scores = {k: _table.score(grid, k) for k in KINDS}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else None


def _data_files(folder: Path) -> list[Path]:
    from repkit.calendar import HOLIDAY_FILES

    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in _EXTENSIONS
        and not p.name.startswith(("~$", "."))
        and p.name.lower() not in HOLIDAY_FILES
    )


def _sources_of(folder: Path) -> list[Path]:
    """The input files of a data folder: data files and the holiday calendar."""
    holidays = _holiday_file(folder)
    return [*_data_files(folder), *([holidays] if holidays is not None else [])]


def _holiday_file(folder: Path) -> Path | None:
    """The user's holiday calendar in the data folder (see repkit.calendar), if any."""
    from repkit.calendar import HOLIDAY_FILES

    found = [p for p in sorted(folder.iterdir()) if p.is_file() and p.name.lower() in HOLIDAY_FILES]
    return found[0] if found else None


def _read_folder(
    folder: Path, cache: Any
) -> tuple[dict[str, list[_table.Read]], list[dict[str, Any]]]:
    reads: dict[str, list[_table.Read]] = {}
    problems: list[dict[str, Any]] = [
        _unsupported(p).problems.iloc[0].to_dict()
        for p in sorted(folder.iterdir())
        if p.is_file()
        and p.suffix.lower() in REFUSED_EXTENSIONS
        and not p.name.startswith(("~$", "."))
    ]
    for path in _data_files(folder):
        try:
            kind = _identify(path)
            if kind is None:
                continue
            read = _read(path, kind, cache=cache)
            reads.setdefault(kind, []).append(read)
        except DataError as err:
            problems.extend(err.problems.to_dict("records"))
    return reads, problems


_IN_MEMORY: dict[str, Callable[[], Any]] = {}
"""Resolved folder → a function giving a fresh Dataset; filled by batch kernels only."""


def serve_from_memory(folder: str | os.PathLike, dataset: Callable[[], Any]) -> None:
    """Answer ``load_dataset(folder)`` (without ``cache=``) with ``dataset()`` from now on.

    A batch kernel loads the data set once and registers it here, so every region's
    ``rk.load_dataset(data)`` call is served from memory. ``dataset`` must return a copy
    the notebook may change.
    """
    _IN_MEMORY[str(Path(folder).resolve())] = dataset


def served_from_memory() -> list[str]:
    """The folders :func:`load_dataset` serves from memory in this process."""
    return sorted(_IN_MEMORY)


def load_dataset(folder: str | os.PathLike, *, cache: bool | str | os.PathLike | None = None):
    """Read every table found in a folder and check them together.

    Files are matched to tables by name first (销售明细.xlsx, 医院.xlsx, sales.csv,
    销售明细2025.xlsx …; see ``repkit.schema.SHEET_NAMES``), then by their headers;
    files matching no table are ignored. Several files of one table are stacked, unless
    they repeat each other's rows (a second copy of an export): that is refused with
    rule ``duplicate_file`` naming both files.
    A holiday calendar in the folder (``holidays.xlsx``/``节假日.xlsx`` or .csv; columns
    date, name, is_workday) is used for working days from then on
    (:func:`repkit.calendar.use_holidays`).

    A store written by ``repkit ingest`` (:func:`repkit.io.ingest`) is read instead of
    the files: ``folder`` may be the store (a folder or an fsspec URL such as
    ``s3://bucket/store``) or a data folder whose ``.repkit-store`` was ingested from
    its current files. The Dataset then reads the large tables (sales, calls) lazily,
    and ``for_region`` reads only that region's rows.

    Parameters
    ----------
    folder
        Folder holding the data files, or a store (folder or URL).
    cache
        As in :func:`read_table`.

    Returns
    -------
    Dataset
        One attribute per table; tables without a file are empty. ``ds.provenance``
        lists the files read (rows read and left out, SHA-256) and
        ``ds.source_rows("sales")`` the file and row of each sales row.

    Raises
    ------
    DataError
        With the problems of every file, and references between tables that do not
        resolve (a sales hospital missing from the hospitals table, a call to a doctor
        missing from the doctors table); all files are read before raising.

    Examples
    --------
    >>> _ = rk.sample.write(rk.sample.generate(seed=0, regions=1), "data")
    >>> ds = rk.load_dataset("data")
    >>> ds.regions
    ['兰州']
    >>> str(ds.sales["month"].dtype), str(ds.doctors["rating"].dtype)
    ('period[M]', 'Int64')
    """
    from repkit.dataset import Dataset
    from repkit.io import _stored, _validate

    if cache is None and _IN_MEMORY and not _stored.is_url(folder):
        served = _IN_MEMORY.get(str(Path(folder).resolve()))
        if served is not None:
            return served()
    store = _stored.find(folder, _sources_of)
    if store is not None:
        return _stored.open_store(store)
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(say("path.not_folder", path=folder))
    reads, problems = _read_folder(folder, cache)
    if not reads and not problems:
        where = {"file": str(folder)}
        raise DataError(
            [problem("no_data_files", where=where, extensions=join(_EXTENSIONS))],
            say("error.no_data_files", folder=folder),
        )
    holidays_file, holidays = _holiday_file(folder), None
    if holidays_file is not None:
        from repkit.calendar import use_holidays

        try:
            holidays = (holidays_file, len(use_holidays(holidays_file)))
        except DataError as err:
            problems.extend(err.problems.to_dict("records"))
    tables: dict[str, dict[str, Any]] = {}
    for kind, parts in reads.items():
        problems.extend(_validate.overlapping_files(kind, parts))
        if len(parts) == 1:
            r = parts[0]
            tables[kind] = {
                "frame": r.frame,
                "rows": r.rows,
                "file": r.file,
                "sheet": r.sheet,
                "texts": r.texts,
            }
        else:
            import numpy as np

            frame = pd.concat([p.frame for p in parts], ignore_index=True)
            frame.attrs["dropped"] = tuple(
                r for p in parts for r in _table.dropped_records(p.frame.attrs.get("dropped"))
            )
            tables[kind] = {
                "frame": frame,
                "rows": np.concatenate([p.rows for p in parts]),
                "file": np.repeat([p.file for p in parts], [len(p.frame) for p in parts]),
                "sheet": np.repeat([p.sheet for p in parts], [len(p.frame) for p in parts]),
                "texts": parts[0].texts,
            }
    if not problems:
        problems = _validate.cross_check(tables)
    if problems:
        raise DataError(problems, say("error.folder", n=len(problems), folder=folder))
    from dataclasses import replace

    from repkit.io._provenance import folder_provenance

    frames = {k: v["frame"] for k, v in tables.items()}
    files, sources = folder_provenance(folder, reads, frames, holidays=holidays)
    return replace(Dataset.from_tables(**frames), files=files, sources=sources)


def _no_problems() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="Int64" if c == "row" else "object") for c in PROBLEM_COLUMNS}
    )


def check(path: str | os.PathLike) -> pd.DataFrame:
    r"""Every problem of a file or a folder, as a table (empty when all is readable).

    A folder is checked as :func:`load_dataset` reads it, including the references
    between tables. This is what ``repkit check FILE|DIR`` prints.

    Parameters
    ----------
    path
        A data file or a folder of data files.

    Returns
    -------
    DataFrame
        Columns file, sheet, row, column, value, rule, message; no rows when fine.

    Examples
    --------
    >>> text = "月份,医院,品种,数量\n202407,甲,A,\"12,3\"\n"
    >>> _ = open("bad.csv", "w", encoding="utf-8").write(text)
    >>> rk.io.check("bad.csv")[["row", "column", "value", "rule"]]
       row column value              rule
    0    2     数量  12,3  ambiguous_number
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(say("path.missing", path=path))
    try:
        if path.is_dir():
            load_dataset(path)
        else:
            kind = _identify(path)
            if kind is None:
                tables = join(name_table(k) for k in KINDS)
                where = {"file": path.name}
                raise DataError([problem("missing_column.no_table", where=where, tables=tables)])
            _read(path, kind)
    except DataError as err:
        return err.problems
    return _no_problems()
