"""Provenance of a data folder: which file gave which rows (for ``Dataset.provenance``)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from repkit.dataset import PROVENANCE_COLUMNS, dropped_reasons, key_hash
from repkit.io._table import Read, dropped_records


def sha256(path: Path) -> str | None:
    """SHA-256 of a file's bytes (None when the file is gone)."""
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def holiday_record(path: Path, rows: int) -> dict[str, Any]:
    """The provenance row of the holiday file (``rows`` dates read from it)."""
    return {
        "table": "holidays",
        "file": path.name,
        "sheet": None,
        "rows_read": rows,
        "rows_dropped": 0,
        "dropped_reasons": "",
        "sha256": sha256(path),
    }


def folder_provenance(
    folder: Path,
    reads: dict[str, list[Read]],
    frames: dict[str, pd.DataFrame],
    *,
    holidays: tuple[Path, int] | None = None,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The ``files`` and ``sources`` of a Dataset read from ``folder``.

    ``frames`` are the tables as stacked (RangeIndex, reads in order); ``holidays`` the
    user's holiday file and its row count.
    """
    records: list[dict[str, Any]] = []
    sources: dict[str, pd.DataFrame] = {}
    hashes: dict[str, str | None] = {}
    for kind, parts in reads.items():
        for r in parts:
            if r.file not in hashes:
                hashes[r.file] = sha256(folder / r.file)
            dropped = dropped_records(r.frame.attrs.get("dropped"))
            records.append(
                {
                    "table": kind,
                    "file": r.file,
                    "sheet": r.sheet,
                    "rows_read": len(r.frame),
                    "rows_dropped": len(dropped),
                    "dropped_reasons": dropped_reasons(dropped),
                    "sha256": hashes[r.file],
                }
            )
        frame = frames[kind]
        sizes = [len(r.frame) for r in parts]
        sources[kind] = pd.DataFrame(
            {
                "file": np.repeat(np.array([r.file for r in parts], dtype=object), sizes),
                "sheet": np.repeat(np.array([r.sheet for r in parts], dtype=object), sizes),
                "row": pd.array(np.concatenate([r.rows for r in parts]), dtype="Int64"),
                "key": key_hash(frame, kind).to_numpy(),
            },
            index=frame.index,
        )
    if holidays is not None:
        path, n = holidays
        records.append(holiday_record(path, n))
    return pd.DataFrame(records, columns=list(PROVENANCE_COLUMNS[:-1])), sources
