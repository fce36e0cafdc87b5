"""Content-hash cache of read tables (parquet), so an unchanged big file re-reads fast.

The key is a BLAKE2b hash of the file's bytes, the repkit version, the table kind and
the read options; a changed byte, a new repkit or other options miss the cache. Entries
are written atomically (temporary name, then rename) and only for tables that passed
every check, so a cache hit is a table that was valid when stored.

The cache is off unless asked for: ``cache=True`` (the user cache folder,
``$XDG_CACHE_HOME/repkit`` or ``~/.cache/repkit``), ``cache="folder"``, or the
environment variable ``REPKIT_CACHE_DIR``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from repkit.messages import say

FORMAT = 1
"""Bump when the cached layout or the reader's output changes."""

_ROW = "__repkit_row__"


def folder(cache: bool | str | os.PathLike | None) -> Path | None:
    """The cache folder to use, or None when caching is off."""
    if cache is False:
        return None
    if cache is None:
        env = os.environ.get("REPKIT_CACHE_DIR")
        return Path(env) if env else None
    if cache is True:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(base) / "repkit" / "tables"
    return Path(cache)


def key(path: Path, kind: str, options: dict[str, Any]) -> str:
    """Hash of the file content, repkit version, kind and options."""
    from repkit._version import __version__

    h = hashlib.blake2b(digest_size=20)
    h.update(f"{FORMAT}|{__version__}|{kind}|{sorted(options.items())!r}|".encode())
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def load(where: Path, k: str, *, file: str, list_columns: list[str]) -> Any:
    """The cached read (a ``_table.Read``) or None."""
    from repkit._extras import require

    require("pyarrow.parquet", feature=say("feature.cache"))
    import pyarrow.parquet as pq

    from repkit.io._table import Read, dropped_records

    target = where / f"{k}.parquet"
    if not target.exists():
        return None
    try:
        schema = pq.read_schema(target)
        text = [f.name for f in schema if str(f.type) in ("string", "large_string")]
        table = pq.read_table(target, read_dictionary=text)
        meta = json.loads(table.schema.metadata[b"repkit"])
        frame = table.to_pandas()
    except (OSError, KeyError, ValueError):
        return None
    for c in text:
        # distinct strings decoded once, then taken: much faster than 1M separate strings
        cat = frame[c].array
        words = pd.array(np.asarray(cat.categories, dtype=object), dtype="str")
        frame[c] = words.take(np.asarray(cat.codes, dtype=np.int64), allow_fill=True)
    rows = frame.pop(_ROW).to_numpy(dtype=np.int64)
    for c in list_columns:
        if c in frame:
            frame[c] = [list(v) if v is not None else [] for v in frame[c]]
    dropped = dropped_records({**r, "file": file} for r in meta["dropped"])
    frame.attrs = {"dropped": dropped}
    return Read(frame, rows, meta["texts"], file, meta["sheet"])


def store(where: Path, k: str, read: Any) -> None:
    """Write a read table to the cache (best effort: a full disk only skips caching)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from repkit.io._table import dropped_records

    frame = read.frame.copy(deep=False)
    frame.attrs = {}
    frame[_ROW] = read.rows
    meta = {
        "texts": read.texts,
        "sheet": read.sheet,
        "dropped": list(dropped_records(read.frame.attrs.get("dropped"))),
    }
    try:
        where.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        schema_meta = dict(table.schema.metadata or {})
        schema_meta[b"repkit"] = json.dumps(meta, ensure_ascii=False, default=int).encode()
        table = table.replace_schema_metadata(schema_meta)
        tmp = where / f"{k}.{os.getpid()}.tmp"
        pq.write_table(table, tmp, compression="zstd")
        tmp.replace(where / f"{k}.parquet")
    except OSError:
        return
