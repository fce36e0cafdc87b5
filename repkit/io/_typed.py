"""The fast path for a parquet that already holds a canonical table (typed columns).

A parquet written from a repkit table (``df.to_parquet``, an ERP export with the
canonical column names) needs no cell-by-cell reading: months are already periods,
numbers floats, codes text. :func:`read` takes that path when it can prove the general
reader (``_sources.frame_grid`` → ``_table.build``) would return the very same table,
and otherwise returns None so the general reader runs and reports the problems with
its usual rules and messages. The proof:

- every column is a canonical column of the table, and the general reader gives the
  same values and dtypes on the first rows (so the dtypes are the canonical ones);
- text columns: each distinct value reads as itself (no spaces to strip, no aliases
  to resolve, no blank placeholder, no 合计 label), checked once per distinct value;
- no required or key cell is missing and no row is blank (those rows would be
  dropped or refused by the general reader).

The checks of ``_validate.validate`` (ranges, codes, unsafe IDs) run afterwards on
either path.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from repkit.io import _sources, _table, _values
from repkit.messages import say
from repkit.schema import TABLES, _norm

HEAD = 256
"""Rows read by the general reader to compare values and dtypes."""

_TEXT_TYPES = ("str", "code", "period", "month_or_half")


def _is_parquet(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return _sources.sniff(fh.read(8192)) == "parquet"
    except OSError:
        return False


def _reads_as_itself(uniques: list[Any], column_type: str) -> bool:
    """True when the general reader gives every distinct text back unchanged."""
    if not uniques:
        return True
    if not all(isinstance(u, str) for u in uniques):
        return False
    if any(_table._TOTAL.match(_norm(u)) for u in uniques):
        return False
    raw = np.empty(len(uniques), dtype=object)
    raw[:] = uniques
    col = _values.Column(raw)
    if col.blank.any():
        return False
    typed, bad = _values.to_column(col, column_type)
    return not bad and np.asarray(typed, dtype=object).tolist() == uniques


def _head_matches(frame: pd.DataFrame, kind: str, name: str) -> bool:
    """The general reader gives the same first rows, values and dtypes."""
    from repkit.errors import DataError

    head = frame.iloc[:HEAD].reset_index(drop=True)
    try:
        read = _table.build(_sources.frame_grid(head, name=name, sheet=None), kind)
    except DataError:
        return False
    if list(read.frame.columns) != list(frame.columns) or len(read.frame) != len(head):
        return False
    try:
        pd.testing.assert_frame_equal(read.frame, head, check_index_type=False)
    except AssertionError:
        return False
    return True


def _text_column(col: Any) -> tuple[list[Any], np.ndarray]:
    """Distinct values and codes of a dictionary-read text column (nulls: a last None)."""
    import pyarrow as pa

    chunks = col.chunks
    if not chunks:
        return [None], np.zeros(0, dtype=np.int64)
    uniques = chunks[0].dictionary.to_pylist()
    indices = pa.chunked_array([ch.indices for ch in chunks], type=chunks[0].indices.type)
    codes = indices.fill_null(len(uniques)).to_numpy().astype(np.int64, copy=False)
    return [*uniques, None], codes


def _text_arrays(columns: dict[str, Any]) -> dict[str, Any]:
    """Text arrays (pandas) of dictionary-read arrow columns, nulls missing.

    pandas 3: arrow decodes the dictionaries, one column per thread (arrow releases the
    GIL; the decode is most of a typed read's cost), into the "str" dtype without a
    copy. pandas 2: object arrays with NaN for nulls, taken from the distinct values.
    """
    if not columns:
        return {}
    if not _values.PANDAS_3:
        return {c: _values._strings(*_text_column(col)) for c, col in columns.items()}
    import pyarrow as pa

    def decode(col: Any) -> Any:
        return pd.array(col.cast(pa.large_string()), dtype="str")

    workers = min(len(columns), os.cpu_count() or 1)
    if workers == 1:
        return {c: decode(col) for c, col in columns.items()}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(columns, pool.map(decode, columns.values()), strict=True))


def read(path: Path, kind: str, *, name: str) -> _table.Read | None:
    """The canonical table of a typed parquet, or None when the general reader must run."""
    if not _is_parquet(path):
        return None
    from repkit._extras import require

    require("pyarrow.parquet", feature=say("feature.parquet"))
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
        text = [
            f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        ]
        arrow = pq.read_table(path, read_dictionary=text).unify_dictionaries()
    except (pa.ArrowException, OSError):
        return None
    return from_arrow(arrow, kind, name=name, text=text)


def from_arrow(arrow: Any, kind: str, *, name: str, text: list[str], first: int = 1) -> Any:
    """The canonical table of an arrow table (``text`` columns dictionary-encoded), or None.

    ``first``: the row number of the first row (a later chunk of a file starts further).
    """
    table = TABLES[kind]
    names = list(arrow.column_names)
    if not names or arrow.num_rows == 0 or len(set(names)) != len(names):
        return None
    if any(c not in table.columns or table.columns[c] == "list" for c in names):
        return None
    order = [c for c in table.columns if c in names]
    required = (set(table.required) | set(table.key)) & set(order)
    if set(table.required) - set(order) or any(not set(g) & set(order) for g in table.any_of):
        return None
    blank_rows = np.ones(arrow.num_rows, dtype=bool)
    distinct: dict[str, list[Any]] = {}
    for c in order:
        typ, col = table.columns[c], arrow.column(c)
        if c in text:
            if typ not in _TEXT_TYPES and typ not in _CODE_TYPES:
                return None
            uniques = col.chunks[0].dictionary.to_pylist() if col.num_chunks else []
            if not _reads_as_itself(uniques, typ):
                return None
            distinct[c] = uniques
        nulls = col.is_null(nan_is_null=True).to_numpy(zero_copy_only=False)
        if c in required and nulls.any():
            return None
        blank_rows &= nulls
    if blank_rows.any():
        return None
    columns = _text_arrays({c: arrow.column(c) for c in distinct})
    frame = arrow.select([c for c in order if c not in columns]).to_pandas()
    for c, values in columns.items():  # added as blocks: the numbers are not copied again
        frame[c] = values
    frame = frame[order]
    if not _head_matches(frame, kind, name):
        return None
    frame.attrs["dropped"] = ()
    rows = np.arange(first, first + len(frame), dtype=np.int64)
    return _table.Read(frame, rows, {c: c for c in order}, name, None, distinct=distinct)


def _code_types() -> frozenset[str]:
    from repkit.schema import CODE_LISTS

    return frozenset(CODE_LISTS)


_CODE_TYPES = _code_types()
