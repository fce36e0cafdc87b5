"""Reading a store written by ``repkit ingest``: a Dataset that loads one region at a time.

:func:`open_store` gives a :class:`StoredDataset` that holds only the manifest and the
tables shared by every region (products); the others are read when asked for.
``for_region(region)`` reads just that region's row groups (pyarrow filters on
``__region__``: predicate pushdown, the other regions are never decoded), so a batch
worker's memory is bounded by its region, not by the company. The result is the same
:class:`~repkit.dataset.Dataset` as ``load_dataset(folder).for_region(region)``: same
rows, labels, dtypes, ``source_rows`` and ``provenance``.

A store is a local folder or any fsspec URL (``s3://bucket/store``,
``file:///shared/store``); workers on other machines read it from there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from repkit.dataset import Dataset, _empty, key_hash
from repkit.messages import say
from repkit.schema import TABLES

FORMAT = 1
"""Bump when the store layout changes; an older store is then ingested again."""

MANIFEST = "store.json"
DEFAULT_FOLDER = ".repkit-store"
"""Where ``ingest(data)`` writes without ``store=``: inside the data folder (ignored by
the readers, which list files only), found again by ``load_dataset(data)``."""

ROW, POS, REGION = "__row__", "__pos__", "__region__"


def is_url(location: Any) -> bool:
    """True for an fsspec URL (``s3://…``, ``file://…``, ``memory://…``)."""
    return isinstance(location, str) and "://" in location


def _fs(location: str) -> tuple[Any, str]:
    if is_url(location):
        import fsspec

        fs, root = fsspec.core.url_to_fs(location)
        return fs, root.rstrip("/")
    return None, str(location)


def _manifest(location: str) -> dict[str, Any]:
    fs, root = _fs(location)
    if fs is None:
        return json.loads((Path(root) / MANIFEST).read_text(encoding="utf-8"))
    with fs.open(f"{root}/{MANIFEST}", "r", encoding="utf-8") as fh:
        return json.load(fh)


def _fresh(sources: list[Path], manifest: Mapping[str, Any]) -> bool:
    """Whether a store still matches the data folder's files (size and mtime)."""
    from repkit._version import __version__

    if manifest.get("format") != FORMAT or manifest.get("repkit_version") != __version__:
        return False
    now = {}
    for p in sources:
        st = p.stat()
        now[p.name] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    return now == manifest.get("sources")


def find(folder: str | os.PathLike, sources: Callable[[Path], list[Path]]) -> str | None:
    """The store to read for ``load_dataset(folder)``, or None to read the files.

    ``folder`` is a store itself (it holds ``store.json``), a URL of one, or a data
    folder whose ``.repkit-store`` was ingested from its current files (``sources``
    lists a data folder's input files).
    """
    if is_url(folder):
        return str(folder)
    path = Path(folder)
    if (path / MANIFEST).is_file():
        return str(path.resolve())
    inner = path / DEFAULT_FOLDER
    if (inner / MANIFEST).is_file():
        try:
            if _fresh(sources(path), _manifest(str(inner))):
                return str(inner.resolve())
        except (OSError, ValueError):
            return None
    return None


def _to_pandas(table: Any, kind: str) -> pd.DataFrame:
    if REGION in table.column_names:
        table = table.drop_columns([REGION])
    frame = table.to_pandas()
    for c, typ in TABLES[kind].columns.items():
        if typ == "list" and c in frame:
            frame[c] = [list(v) if v is not None else [] for v in frame[c]]
    return frame


def _dropped(parts: list[Mapping[str, Any]]) -> Any:
    from repkit.io._table import dropped_records

    return dropped_records([r for p in parts for r in p["dropped"]])


def read_table(
    location: str, manifest: Mapping[str, Any], kind: str, *, region: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One table of a store (only ``region``'s rows of its partitioned parts) and sources."""
    import pyarrow.parquet as pq

    fs, root = _fs(location)
    parts = manifest["tables"][kind]
    frames, sources = [], []
    for part in parts:
        filters = [(REGION, "==", region)] if part["partitioned"] and region is not None else None
        table = pq.read_table(f"{root}/{part['path']}", filesystem=fs, filters=filters)
        frame = _to_pandas(table, kind)
        pos = frame.pop(POS).to_numpy(dtype=np.int64)
        rows = frame.pop(ROW).to_numpy(dtype=np.int64)
        if len(pos) > 1 and (np.diff(pos) < 0).any():  # a whole partitioned part
            order = np.argsort(pos, kind="stable")
            frame, pos, rows = frame.iloc[order], pos[order], rows[order]
        frame.index = pd.Index(pos)
        frames.append(frame)
        sources.append(
            pd.DataFrame(
                {
                    "file": np.repeat(np.array([part["file"]], dtype=object), len(frame)),
                    "sheet": np.repeat(np.array([part["sheet"]], dtype=object), len(frame)),
                    "row": pd.array(rows, dtype="Int64"),
                },
                index=frame.index,
            )
        )
    frame = frames[0] if len(frames) == 1 else pd.concat(frames)
    src = sources[0] if len(sources) == 1 else pd.concat(sources)
    total = sum(p["rows"] for p in parts)
    if len(frame) == total:
        frame.index = pd.RangeIndex(total)
        src.index = frame.index
    frame.attrs["dropped"] = _dropped(parts)
    src["key"] = key_hash(frame, kind).to_numpy()
    return frame, src


@dataclass(frozen=True, repr=False, eq=False)
class StoredDataset(Dataset):
    """A Dataset read from an ingested store; large tables load on first use.

    ``for_region`` reads only the region's rows of the large tables; reading
    ``ds.sales`` itself loads the whole table (as ``load_dataset`` of the files would).
    """

    location: str = ""
    manifest: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        state = self.__dict__
        manifest = state.get("manifest")
        if manifest is None or name not in manifest.get("partitioned", ()):
            raise AttributeError(name)
        frame, src = read_table(state["location"], manifest, name)
        object.__setattr__(self, name, frame)
        self.sources[name] = src  # type: ignore[index]
        return frame

    @property
    def provenance(self) -> pd.DataFrame:
        """As :attr:`Dataset.provenance`; a table not read yet counts all its rows."""
        lazy = [k for k in self.manifest.get("partitioned", ()) if k not in self.__dict__]
        tables = {k: (_empty(k) if k in lazy else self.__dict__[k]) for k in TABLES}
        out = Dataset(**tables, files=self.files, sources=self.sources).provenance
        unread = out["table"].isin(lazy)
        out.loc[unread, "rows"] = out.loc[unread, "rows_read"]
        return out

    @property
    def regions(self) -> list[str]:
        """The regions of the whole data set, as :attr:`Dataset.regions` orders them."""
        return list(self.manifest["regions"])

    def last_sales_month(self) -> Any:
        """The last month of sales (a ``Period``; NaT without sales), without reading them."""
        last = self.manifest.get("last_sales_month")
        return pd.NaT if last is None else pd.Period(last, freq="M")

    def for_region(self, region: str) -> Dataset:
        """The part of the data set that belongs to one region, read from the store.

        Raises
        ------
        ValueError
            If the region is not in the data (the message lists the valid regions).
        """
        self._check_region(region)  # before reading the store
        tables, sources = {}, dict(self.sources)
        for kind in TABLES:
            if kind in self.manifest.get("partitioned", ()):
                frame, src = read_table(self.location, self.manifest, kind, region=region)
                tables[kind], sources[kind] = frame, src
            else:
                tables[kind] = self.__dict__[kind]
        base = Dataset(**tables, files=self.files, sources=sources)
        return Dataset.for_region(base, region)

    def detached(self) -> StoredDataset:
        """A copy whose small tables are copy-on-write views (for a batch kernel)."""
        state = dict(self.__dict__)
        for kind in TABLES:
            if isinstance(state.get(kind), pd.DataFrame):
                state[kind] = state[kind].copy(deep=False)
        state["sources"] = dict(self.sources)
        out = object.__new__(StoredDataset)
        out.__dict__.update(state)
        return out

    def __repr__(self) -> str:
        rows = {k: sum(p["rows"] for p in parts) for k, parts in self.manifest["tables"].items()}
        sizes = ", ".join(f"{k}={n:,}" for k, n in rows.items())
        return f"StoredDataset({self.location!r}, regions={len(self.regions)}, {sizes})"


def open_store(location: str | os.PathLike) -> StoredDataset:
    """The :class:`StoredDataset` of a store folder or URL (small tables read now)."""
    location = str(location) if is_url(location) else str(Path(location).resolve())
    manifest = _manifest(location)
    if manifest.get("format") != FORMAT:
        raise ValueError(say("path.old_store", path=location))
    fs, root = _fs(location)
    if manifest.get("holidays"):
        _use_holidays(fs, f"{root}/{manifest['holidays']}")
    state: dict[str, Any] = {"location": location, "manifest": manifest}
    sources: dict[str, pd.DataFrame] = {}
    for kind in TABLES:
        if kind not in manifest["tables"]:
            state[kind] = _empty(kind)
        elif kind not in manifest.get("partitioned", ()):
            state[kind], sources[kind] = read_table(location, manifest, kind)
    files = pd.DataFrame(manifest["files"], columns=list(_FILE_COLUMNS))
    state["files"], state["sources"] = files, sources
    out = object.__new__(StoredDataset)
    out.__dict__.update(state)
    return out


def _use_holidays(fs: Any, path: str) -> None:
    from repkit.calendar import use_holidays

    if fs is None:
        use_holidays(path)
        return
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / Path(path).name
        fs.get(path, str(local))
        use_holidays(local)


_FILE_COLUMNS = ("table", "file", "sheet", "rows_read", "rows_dropped", "dropped_reasons", "sha256")
