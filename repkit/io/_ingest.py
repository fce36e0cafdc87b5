"""``ingest``: read and check a data folder once into a region-partitioned parquet store.

A national company's sales history (5–10 M rows) does not fit every batch worker's
memory. ``ingest`` reads the folder as :func:`repkit.io.load_dataset` does — the same
readers, rules and messages, all problems before raising — but the large tables
(sales, calls) chunk by chunk (:mod:`repkit.io._stream`): each chunk of rows is checked
and written at once, so memory is set by ``chunk_rows``, not by the largest file. Every
table whose rows belong to a region (``Dataset.for_region``'s rule: its region column,
or the region of its hospital or representative) is sorted by region with one parquet
row group per region, so a worker later reads only its region's row groups (pyarrow
predicate pushdown) and holds nothing of the other regions. Products, shared by all
regions, are kept whole, and so is a table whose rows cannot be given one region (a
hospital listed in two regions).

Store layout (a folder, or the same tree on shared storage or an object store)::

    store.json                 manifest: sources (size, mtime, SHA-256), parts, regions
    <table>/<nn>.parquet       one file per input file (and sheet) of the table
    holidays.<ext>             the data folder's holiday calendar, if it has one

Each part keeps the provenance of its rows: ``__row__`` (the row as Excel numbers it)
and ``__pos__`` (the row's label in the stacked table ``load_dataset`` returns), so
``Dataset.source_rows`` and ``trace`` still name the input file and row. Partitioned
parts have ``__region__``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from repkit.errors import DataError
from repkit.io import _load, _stream, _table, _validate
from repkit.io._stored import DEFAULT_FOLDER, FORMAT, MANIFEST, POS, REGION, ROW
from repkit.messages import join, problem, say

STREAMED = ("sales", "calls")
"""The large tables: checked and written chunk by chunk during the read (``_stream``)."""

_BY_HOSPITAL = ("doctors", "nurses", "competitors", "meetings", "listings")
_BY_REP = ("calls",)


def _lookup(small: dict[str, pd.DataFrame], ref: str, column: str) -> dict[Any, Any] | None:
    """``column`` → region of the table ``ref``; None when a key has two regions."""
    table = small.get(ref)
    if table is None or column not in table or "region" not in table:
        return None
    pairs = table[[column, "region"]].astype(object).drop_duplicates()
    if pairs[column].duplicated().any():
        return None
    return dict(zip(pairs[column], pairs["region"], strict=True))


def _region_of(kind: str, frame: pd.DataFrame, small: dict[str, pd.DataFrame]) -> Any:
    """The region of each row as ``Dataset.for_region`` assigns it, or None (kept whole).

    None when the rule cannot be followed row by row (no region column, a hospital or
    representative listed in two regions): the table is then read whole for each region.
    """
    if kind == "products":
        return None
    if kind not in (*_BY_HOSPITAL, *_BY_REP) and not (kind == "sales" and "region" not in frame):
        if "region" not in frame:
            return None
        return frame["region"].astype(object).to_numpy()
    ref, column = ("reps", "rep_id") if kind in _BY_REP else ("hospitals", "hospital_id")
    lookup = _lookup(small, ref, column)
    if lookup is None or column not in frame:
        return None
    return frame[column].astype(object).map(lookup).to_numpy(dtype=object)


def _arrow(frame: pd.DataFrame, rows: np.ndarray, pos: int) -> Any:
    import pyarrow as pa

    out = frame.copy(deep=False)
    out.attrs = {}
    out[ROW] = np.asarray(rows, dtype=np.int64)
    out[POS] = np.arange(pos, pos + len(frame), dtype=np.int64)
    return pa.Table.from_pandas(out, preserve_index=False)


class _Part:
    """One input file's rows as parquet, written chunk by chunk.

    Partitioned (``regions`` given): each chunk's rows sorted by region, one row group
    per region and chunk, so a region's rows are read by predicate pushdown and come
    back in file order.
    """

    def __init__(self, target: Path):
        self.target = target
        self.writer: Any = None
        self.rows = 0

    def write(self, frame: pd.DataFrame, rows: np.ndarray, regions: Any) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = _arrow(frame, rows, self.rows)
        self.rows += len(frame)
        if regions is not None:
            labels = pd.Series(regions, dtype=object)
            labels = labels.where(labels.notna(), None)  # rows of no region: a group apart
            codes, uniques = pd.factorize(labels, sort=True)
            order = np.argsort(codes, kind="stable")
            table = table.append_column(REGION, pa.array(labels, type=pa.string())).take(order)
            bounds = np.searchsorted(codes[order], np.arange(-1, len(uniques) + 1))
        else:
            bounds = np.array([0, len(table)])
        if self.writer is None:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.target, table.schema, compression="zstd")
        elif not table.schema.equals(self.writer.schema, check_metadata=False):
            table = table.cast(self.writer.schema)
        for start, stop in itertools.pairwise(bounds):
            if stop > start:
                piece = table.slice(start, stop - start)
                self.writer.write_table(piece, row_group_size=max(1, stop - start))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def _write_part(target: Path, frame: pd.DataFrame, rows: np.ndarray, pos: int, regions: Any):
    """One small table's file as parquet (``pos``: its first row's label)."""
    part = _Part(target)
    part.rows = pos
    try:
        part.write(frame, rows, regions)
    finally:
        part.close()


def _part_record(
    read: _table.Read, path: str, pos: int, *, partitioned: bool = False
) -> dict[str, Any]:
    records = list(_table.dropped_records(read.frame.attrs.get("dropped")))
    return {
        "path": path,
        "partitioned": partitioned,
        "file": read.file,
        "sheet": read.sheet,
        "rows": len(read.frame),
        "offset": pos,
        "texts": read.texts,
        "dropped": records,
    }


class _Writer:
    """The store being written: small tables kept until the end, large ones streamed."""

    def __init__(self, folder: Path, tmp: Path, chunk_rows: int = _stream.CHUNK_ROWS):
        self.folder, self.tmp, self.chunk_rows = folder, tmp, chunk_rows
        self.small: dict[str, list[_table.Read]] = {}
        self.parts: dict[str, list[dict[str, Any]]] = {}
        self.idents: dict[str, list[np.ndarray]] = {}
        self.problems: list[dict[str, Any]] = []
        self.missing_refs = False
        self.regions: dict[str, None] = {}
        self.sales_regions: dict[str, None] = {}
        self.hashes: dict[str, str | None] = {}
        self.order: list[tuple[int, str]] = []
        self.last_month: pd.Period | None = None

    def add_large(self, kind: str, path: Path, chunk_rows: int) -> None:
        """One file of a large table: read, checked and written chunk by chunk.

        Raises DataError with the file's problems (its part is then left unfinished in
        the temporary folder, which is removed).
        """
        from repkit.io._provenance import sha256

        chunks = _stream.Chunks(path, kind, chunk_rows)
        try:
            state = self._write_file(kind, chunks)
        except _stream.Restart:  # pyarrow cannot stream it after all: the general reader
            chunks = _stream.Chunks(path, kind, chunk_rows, stream=False)
            state = self._write_file(kind, chunks)
        record = {"file": chunks.file, "sheet": chunks.sheet, "texts": chunks.texts}
        self._commit(kind, state, {**record, "dropped": chunks.dropped})
        if path.name not in self.hashes:
            self.hashes[path.name] = sha256(path)

    def _write_file(self, kind: str, reads: Any) -> dict[str, Any]:
        """Write the chunks of one file to its part; what the store needs of its rows."""
        parts = self.parts.setdefault(kind, [])
        rel = f"{kind}/{len(parts):03d}.parquet"
        state: dict[str, Any] = {"path": rel, "idents": [], "missing": False, "last": None}
        state |= {"regions": {}, "partitioned": False, "rows": 0}
        part = _Part(self.tmp / rel)
        part.rows = sum(p["rows"] for p in parts)  # __pos__: the label in the stacked table
        part.target.unlink(missing_ok=True)  # a restarted file starts again
        small = self.small_frames()
        try:
            for read in reads:
                self._chunk(kind, read, small, state, part)
        finally:
            part.close()
        return state

    def _chunk(self, kind: str, read: _table.Read, small: dict, state: dict, part: _Part) -> None:
        frame = read.frame
        state["idents"].append(np.unique(_validate._identity(frame, kind).to_numpy("uint64")))
        state["missing"] |= _has_missing_refs(kind, frame, small)
        regions = _region_of(kind, frame, small)
        state["partitioned"] = regions is not None
        if kind == "sales" and "month" in frame and frame["month"].notna().any():
            last = frame["month"].max()
            state["last"] = last if state["last"] is None else max(state["last"], last)
        if kind == "sales" and "region" in frame:
            seen = pd.unique(regions)
            state["regions"].update(dict.fromkeys(str(r) for r in seen if isinstance(r, str)))
        part.write(frame, read.rows, regions)
        state["rows"] += len(frame)

    def _commit(self, kind: str, state: dict[str, Any], record: dict[str, Any]) -> None:
        """The file's part joins the store (after its last chunk was written)."""
        parts = self.parts.setdefault(kind, [])
        idents = state["idents"]
        self.idents.setdefault(kind, []).append(  # distinct: what another file may repeat
            np.unique(np.concatenate(idents)) if idents else np.zeros(0, dtype="uint64")
        )
        self.missing_refs |= state["missing"]
        if state["last"] is not None:
            last = state["last"]
            self.last_month = last if self.last_month is None else max(self.last_month, last)
        self.sales_regions.update(state["regions"])
        parts.append(
            {
                "path": state["path"],
                "partitioned": state["partitioned"],
                "file": record["file"],
                "sheet": record["sheet"],
                "rows": state["rows"],
                "offset": sum(p["rows"] for p in parts),
                "texts": record["texts"],
                "dropped": record["dropped"],
            }
        )

    def small_frames(self) -> dict[str, pd.DataFrame]:
        return {k: v[0].frame for k, v in self.small.items() if len(v) == 1} | {
            k: pd.concat([r.frame for r in v], ignore_index=True)
            for k, v in self.small.items()
            if len(v) > 1
        }


def _has_missing_refs(kind: str, frame: pd.DataFrame, small: dict[str, pd.DataFrame]) -> bool:
    for k, column, ref_kind, ref_column in _validate.REFERENCES:
        if k != kind or column not in frame or ref_kind not in small:
            continue
        ref = small[ref_kind]
        if ref_column not in ref:
            continue
        values = frame[column]
        known = set(ref[ref_column].dropna())
        if (values.notna() & ~values.isin(known) & (values != "")).any():
            return True
    return False


def _read_all(folder: Path, w: _Writer) -> list[str]:
    """Read every data file (small tables first); problems go to ``w.problems`` in file order.

    Returns the table kinds in the order ``load_dataset`` meets them.
    """
    from repkit.errors import DataError as _DataError

    found: list[tuple[int, Path, str]] = []
    by_file: dict[int, list[dict[str, Any]]] = {}
    for i, path in enumerate(_load._data_files(folder)):
        try:
            kind = _load._identify(path)
        except _DataError as err:
            by_file[i] = err.problems.to_dict("records")
            continue
        if kind is not None:
            found.append((i, path, kind))
    order: dict[str, None] = dict.fromkeys(kind for _, _, kind in found)
    for i, path, kind in sorted(found, key=lambda f: f[2] in STREAMED):
        try:
            if kind in STREAMED:  # one chunk of one large file in memory at a time
                w.add_large(kind, path, w.chunk_rows)
            else:
                w.small.setdefault(kind, []).append(_load._read(path, kind))
        except _DataError as err:
            by_file[i] = err.problems.to_dict("records")
            continue
        w.order.append((i, kind))
    refused = [
        _load._unsupported(p).problems.iloc[0].to_dict()
        for p in sorted(folder.iterdir())
        if p.is_file()
        and p.suffix.lower() in _load.REFUSED_EXTENSIONS
        and not p.name.startswith(("~$", "."))
    ]
    w.problems = refused + [p for i in sorted(by_file) for p in by_file[i]]
    return list(order)


def _overlaps(folder: Path, w: _Writer, kinds: list[str]) -> list[dict[str, Any]]:
    """Files of one table that repeat each other's rows, as ``load_dataset`` reports them."""
    out: list[dict[str, Any]] = []
    for kind in kinds:
        if kind not in STREAMED:
            out += _validate.overlapping_files(kind, w.small.get(kind, []))
            continue
        idents = w.idents.get(kind, [])
        shared = len(idents) > 1 and _shared(idents)
        if shared:  # rare: read the files again for the exact problems
            files = [folder / p["file"] for p in w.parts[kind]]
            out += _validate.overlapping_files(kind, [_load._read(f, kind) for f in files])
    return out


def _shared(idents: list[np.ndarray]) -> bool:
    """Whether a row identity occurs in two of the files (each file's distinct identities)."""
    values = np.concatenate(idents)
    values.sort()
    return bool((values[1:] == values[:-1]).any())


def _references(w: _Writer, kinds: list[str]) -> list[dict[str, Any]]:
    """Cross-table problems (``_validate.cross_check``) without holding the large tables."""
    tables = {k: _stacked(w.small[k]) for k in kinds if k in w.small}
    if w.missing_refs:  # rare: the reference columns of the large tables, read back
        for kind in STREAMED:
            if kind in w.parts:
                tables[kind] = _read_back(w, kind)
    return _validate.cross_check(tables)


def _stacked(parts: list[_table.Read]) -> dict[str, Any]:
    if len(parts) == 1:
        r = parts[0]
        return {
            "frame": r.frame,
            "rows": r.rows,
            "file": r.file,
            "sheet": r.sheet,
            "texts": r.texts,
        }
    sizes = [len(p.frame) for p in parts]
    return {
        "frame": pd.concat([p.frame for p in parts], ignore_index=True),
        "rows": np.concatenate([p.rows for p in parts]),
        "file": np.repeat([p.file for p in parts], sizes),
        "sheet": np.repeat([p.sheet for p in parts], sizes),
        "texts": parts[0].texts,
    }


def _read_back(w: _Writer, kind: str) -> dict[str, Any]:
    import pyarrow.parquet as pq

    columns = [c for k, c, _, _ in _validate.REFERENCES if k == kind]
    frames, rows, files, sheets = [], [], [], []
    for part in w.parts[kind]:
        table = pq.read_table(w.tmp / part["path"])
        have = [c for c in columns if c in table.column_names]
        frame = table.select([*have, POS, ROW]).to_pandas().sort_values(POS, kind="stable")
        rows.append(frame.pop(ROW).to_numpy())
        frames.append(frame.drop(columns=POS).reset_index(drop=True))
        files.append(np.repeat(part["file"], len(frame)))
        sheets.append(np.repeat(part["sheet"], len(frame)))
    single = len(frames) == 1
    return {
        "frame": pd.concat(frames, ignore_index=True),
        "rows": np.concatenate(rows),
        "file": w.parts[kind][0]["file"] if single else np.concatenate(files),
        "sheet": w.parts[kind][0]["sheet"] if single else np.concatenate(sheets),
        "texts": w.parts[kind][0]["texts"],
    }


def _regions(w: _Writer) -> list[str]:
    """``Dataset.regions`` of the whole data set: hospitals, sales, targets, reps."""
    small = w.small_frames()
    seen: dict[str, None] = {}
    for kind in ("hospitals", "sales", "targets", "reps"):
        if kind == "sales":
            seen.update(w.sales_regions)
            continue
        frame = small.get(kind)
        if frame is not None and "region" in frame:
            seen.update(dict.fromkeys(str(v) for v in frame["region"].dropna().unique()))
    return list(seen)


def _files(w: _Writer, kinds: list[str], holidays: tuple[Path, int] | None) -> list[dict]:
    """``Dataset.provenance`` without its ``rows`` column: one record per input file."""
    from repkit.dataset import dropped_reasons
    from repkit.io._provenance import holiday_record, sha256

    out = []
    for kind in kinds:
        records = (
            w.parts[kind]
            if kind in STREAMED
            else [
                {
                    "file": r.file,
                    "sheet": r.sheet,
                    "rows": len(r.frame),
                    "dropped": r.frame.attrs.get("dropped"),
                }
                for r in w.small[kind]
            ]
        )
        for r in records:
            dropped = _table.dropped_records(r["dropped"])
            if r["file"] not in w.hashes:
                w.hashes[r["file"]] = sha256(w.folder / r["file"])
            out.append(
                {
                    "table": kind,
                    "file": r["file"],
                    "sheet": r["sheet"],
                    "rows_read": r["rows"],
                    "rows_dropped": len(dropped),
                    "dropped_reasons": dropped_reasons(dropped),
                    "sha256": w.hashes[r["file"]],
                }
            )
    if holidays is not None:
        path, n = holidays
        out.append(holiday_record(path, n))
    return out


def _write_small(w: _Writer) -> None:
    """The small tables, by region where ``Dataset.for_region``'s rule allows it."""
    small = w.small_frames()
    for kind, reads in w.small.items():
        parts = w.parts.setdefault(kind, [])
        pos = 0
        for r in reads:
            rel = f"{kind}/{len(parts):03d}.parquet"
            regions = _region_of(kind, r.frame, small)
            _write_part(w.tmp / rel, r.frame, r.rows, pos, regions)
            parts.append(_part_record(r, rel, pos, partitioned=regions is not None))
            pos += len(r.frame)


def _stamp(path: Path) -> dict[str, Any]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def ingest(
    data: str | os.PathLike,
    store: str | os.PathLike | None = None,
    *,
    chunk_rows: int | None = None,
) -> dict[str, Any]:
    """Read and check a data folder once into a region-partitioned parquet store.

    Parameters
    ----------
    data
        The data folder (as for :func:`repkit.load_dataset`).
    store
        Folder to write; default ``<data>/.repkit-store``, which ``load_dataset(data)``
        then uses while the data files are unchanged. An existing store is replaced;
        any other existing, non-empty folder is refused (ValueError).
    chunk_rows
        Rows of a large table (sales, calls) read, checked and written at a time; memory
        grows with it (default 250,000). UTF-8 CSV and parquet files are read in chunks;
        an Excel sheet (or other format) is read whole and checked in chunks. Smaller
        chunks use less memory and write more row groups.

    Returns
    -------
    dict
        The store's manifest: ``regions``, ``tables`` (parts with their file, sheet,
        rows), ``files`` (the provenance records), ``sources`` (size, mtime, SHA-256).

    Raises
    ------
    DataError
        With the problems ``load_dataset(data)`` would report (same rules and
        messages; a file read in several chunks lists them in the same order); nothing
        is written then and an existing store is kept. The store is written to a
        temporary folder beside it and takes the store's place only when complete.

    Examples
    --------
    >>> _ = rk.sample.write(rk.sample.generate(seed=0, regions=2, calls=False), "data")
    >>> m = rk.io.ingest("data", "store")
    >>> m["regions"], m["tables"]["sales"][0]["file"]
    (['兰州', '西宁'], '销售明细.xlsx')
    >>> len(rk.load_dataset("store").for_region("西宁").sales) > 0
    True
    """
    folder = Path(data)
    if not folder.is_dir():
        raise ValueError(say("path.not_folder", path=folder))
    target = Path(store) if store is not None else folder / DEFAULT_FOLDER
    foreign = (  # never replace the user's files, nor the data folder
        target.exists()
        and not (target / MANIFEST).is_file()
        and (not target.is_dir() or any(target.iterdir()))
    )
    if foreign or folder.resolve().is_relative_to(target.resolve()):
        raise ValueError(say("path.not_a_store", path=target))
    size = _stream.CHUNK_ROWS if chunk_rows is None else int(chunk_rows)
    if size < 1:
        raise ValueError(f"chunk_rows must be a positive number of rows, got {chunk_rows!r}")
    tmp = target.with_name(f"{target.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        manifest = _build(folder, tmp, size)
        _swap(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest


def _swap(new: Path, target: Path) -> None:
    """Put the finished store ``new`` in ``target``'s place; the old store goes last.

    The old store is renamed aside first, so that at every moment ``target`` is either
    the old store or the new one, never a half of either.
    """
    old = None
    if target.exists():
        old = target.with_name(f"{target.name}.old-{uuid.uuid4().hex[:8]}")
        target.replace(old)
    try:
        new.replace(target)
    except BaseException:
        if old is not None:
            old.replace(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _build(folder: Path, tmp: Path, chunk_rows: int) -> dict[str, Any]:
    from repkit._version import __version__

    w = _Writer(folder, tmp, chunk_rows)
    tmp.mkdir(parents=True)
    kinds = _read_all(folder, w)
    if not w.order and not w.problems:
        where = {"file": str(folder)}
        raise DataError(
            [problem("no_data_files", where=where, extensions=join(_load._EXTENSIONS))],
            say("error.no_data_files", folder=folder),
        )
    holidays_file, holidays = _load._holiday_file(folder), None
    if holidays_file is not None:
        from repkit.calendar import use_holidays

        try:
            holidays = (holidays_file, len(use_holidays(holidays_file)))
        except DataError as err:
            w.problems.extend(err.problems.to_dict("records"))
    problems = w.problems + _overlaps(folder, w, kinds)
    if not problems:
        problems = _references(w, kinds)
    if problems:
        raise DataError(problems, say("error.folder", n=len(problems), folder=folder))
    _write_small(w)
    if holidays_file is not None:
        shutil.copy2(holidays_file, tmp / f"holidays{holidays_file.suffix.lower()}")
    sources = {p.name: _stamp(p) for p in _load._sources_of(folder)}
    manifest = {
        "format": FORMAT,
        "repkit_version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source": str(folder.resolve()),
        "sources": sources,
        "holidays": None if holidays_file is None else f"holidays{holidays_file.suffix.lower()}",
        "regions": _regions(w),
        "last_sales_month": None if w.last_month is None else str(w.last_month),
        "partitioned": [k for k in kinds if any(p["partitioned"] for p in w.parts[k])],
        "tables": {k: w.parts[k] for k in kinds},
        "files": _files(w, kinds, holidays),
    }
    (tmp / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, default=_json), encoding="utf-8"
    )
    return manifest


def _json(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return str(value)
