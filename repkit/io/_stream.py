"""A large file read in chunks of rows, checked with the rules and messages of ``read_table``.

``repkit ingest`` writes the large tables (sales, calls) chunk by chunk, so its memory is
set by the chunk size, not by the largest file. :class:`Chunks` reads one file:

- **CSV/TSV/TXT** of at least 1 MB in UTF-8 (with or without BOM): pyarrow's streaming
  CSV reader over the file, each chunk's columns as codes into their distinct texts, as
  ``_sources._csv_columns`` reads a whole file, and under the same proof that this gives
  ``csv.reader``'s cells (no stray quote, no lone CR, one row per line), checked in one
  pass over the file's bytes in blocks. When the proof fails only at the end (a quoted
  line break), :class:`Restart` asks the caller for the general reader. Nothing of the
  file is held but the chunk.
- **parquet** with more rows than a chunk: by record batches; a typed batch takes
  ``_typed``'s fast path, any other the general reader, with the header of the file.
- **Excel** (.xlsx/.xls/.ods), HTML and Excel 2003 XML, and text that is not UTF-8
  (GB18030, UTF-16): the reader's grid of the whole sheet, then checked and typed in
  chunks (``_cut``). python-calamine holds a sheet whole in any case (its row iterator
  trims the empty area, so row numbers would need a proof of their own), and a sheet
  stops at 1,048,576 rows; the typed rows, the larger part, are a chunk at a time.
  A sheet whose merged cells reach below the first chunk is checked whole.

Every chunk is checked as ``read_table`` checks a whole file: the header once, then
each chunk's rows (blank and total rows, cell values, blank keys) with row numbers of
the file; problems of the rows are capped per rule and column over the whole file and
listed in the order one read of the whole file lists them; ``_validate``'s checks,
which look at one row at a time for these tables, run per chunk and are merged in the
same order (``_validate.merge_sections``). The problems are raised (DataError) after
the last chunk; chunks with problems are not handed on.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from repkit.errors import DataError
from repkit.io import _safety, _sources, _table, _typed, _validate
from repkit.io._grid import HEADER_SCAN, Grid
from repkit.messages import say

CHUNK_ROWS = 250_000
"""Rows read, checked and written at a time by ``ingest`` (``chunk_rows=`` changes it)."""

_BLOCK = 1 << 20
"""Bytes pyarrow parses at a time (its batches are gathered into chunks)."""


class Restart(Exception):
    """pyarrow cannot stream the file after all: read it with the general reader."""


class Chunks:
    """The rows of one file of table ``kind``, ``size`` rows at a time (iterate once).

    Iterating yields a ``_table.Read`` per chunk holding rows (a chunk of dropped rows
    only yields nothing) and raises DataError after the last chunk when the file has
    problems, or :class:`Restart` (then read the file again with ``stream=False``: the
    general reader's grid, checked in chunks). Afterwards ``dropped`` holds the rows
    left out of the whole file, ``texts`` the header texts, ``rows`` the rows read.
    """

    def __init__(self, path: Path, kind: str, size: int = CHUNK_ROWS, *, stream: bool = True):
        if kind not in _validate.ROW_BY_ROW:
            raise ValueError(f"{kind} has checks across rows; it cannot be read in chunks")
        self.path, self.kind, self.size = path, kind, max(int(size), HEADER_SCAN + 2)
        self.file: str = path.name
        self.sheet: str | None = None
        self.probs = _table._Problems(self.file, None)
        self.layout: Any = None
        self.sections: list[list[list[dict[str, Any]]]] = []
        self.dropped: list[dict[str, Any]] = []
        self.texts: dict[str, str] = {}
        self.kept = self.rows = 0  # chunks with rows; rows read
        self.stream, self.failed = stream, False

    def __iter__(self) -> Iterator[_table.Read]:
        with open(self.path, "rb") as fh:
            fmt = _sources.sniff(fh.read(8192))
        pieces = None
        if fmt == "text" and self.stream:
            pieces = _csv_pieces(self.path, self.size)
        elif fmt == "parquet":
            pieces = _parquet_pieces(self.path, self.kind, self.size)
        if pieces is None and fmt in _GRID_FORMATS:
            pieces = _grid_pieces(self.path, self.kind, self.size)
        if pieces is None:  # read whole: the general reader and its messages
            from repkit.io._load import _read

            whole = _read(self.path, self.kind)
            self.dropped = list(_table.dropped_records(whole.frame.attrs.get("dropped")))
            self.texts, self.rows, self.sheet = whole.texts, len(whole.frame), whole.sheet
            yield whole
            return
        for piece in pieces:
            read = self._piece(*piece)
            if read is not None:
                yield read
        self._finish()

    def _piece(self, grid: Grid | None, typed: Any, first: int) -> _table.Read | None:
        """One chunk, from a grid or a typed read.

        ``first``: the number of the chunk's first row; 0 for the file's first chunk.
        """
        if typed is not None:
            frame, numbers = typed.frame, typed.rows
            dropped: list[dict[str, Any]] = []
            texts, distinct = typed.texts, typed.distinct
        else:
            assert grid is not None
            if self.layout is None:
                self.sheet = self.probs.where["sheet"] = grid.sheet
                self.layout = _table.layout(grid, self.kind, self.probs)  # header problems raise
            lay = self.layout if first == 0 else _table.continued(self.layout, grid, first)
            frame, numbers, dropped = _table.read_rows(grid, lay, self.kind, self.probs)
            texts, distinct = _table.column_names(self.layout), None
        self.texts = self.texts or texts
        self.dropped += dropped
        if frame is None:
            return None
        self.kept += 1
        self.rows += len(frame)
        if self.probs:  # cells the reader refuses: as for a whole file, no schema checks
            return None
        sections = _validate.validate_sections(
            frame,
            self.kind,
            numbers,
            file=self.file,
            sheet=self.sheet,
            texts=texts,
            distinct=distinct,
        )
        self.sections.append(sections)
        self.failed |= any(sections)
        if self.failed:  # nothing more is handed on: the file will be refused
            return None
        frame.attrs["dropped"] = _table.dropped_records(dropped)
        return _table.Read(frame, numbers, texts, self.file, self.sheet, distinct=distinct)

    def _finish(self) -> None:
        probs = self.probs
        if not self.kept:
            probs.section = (6,)
            probs.add("empty", say("empty.no_rows"), row=self.layout.hrow if self.layout else 0)
        elif self.layout is not None and self.layout.is_wide and not self.rows:
            _table.no_month_values(probs)
        if probs:
            raise DataError(probs.close())
        problems = _validate.merge_sections(self.kind, self.sections, self.texts)
        if problems:
            raise DataError(problems)


# ------------------------------------------------------------------------------- CSV


_READ = 1 << 24
"""Bytes read at a time by the checks that pass over the whole file."""


def _csv_pieces(path: Path, size: int) -> Iterator[tuple[Grid | None, Any, int]] | None:
    """Chunks of a large UTF-8 CSV as grids of codes, or None to read the file whole.

    One pass over the file (in blocks, never held whole) checks that it is UTF-8 and
    that pyarrow gives ``csv.reader``'s cells, and counts its lines.
    """
    if path.stat().st_size < _sources.FAST_CSV_BYTES:
        return None
    with open(path, "rb") as fh:
        first = fh.read(_READ)
        start = len(codecs.BOM_UTF8) if first.startswith(codecs.BOM_UTF8) else 0
        if start and first.startswith(codecs.BOM_UTF8 * 2):
            return None
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            head = decoder.decode(first[start:])[: _sources._HEAD_BYTES]
        except UnicodeDecodeError:
            return None  # GB18030, UTF-16 or garbled: decode_text decides
        if not head:
            return None
        _safety.refuse_mojibake(head, name=path.name)
        delimiter = _sources._delimiter(head)
        proof = _csv_proof(fh, first[start:], decoder, head, delimiter)
    if proof is None:
        return None
    return _csv_chunks(path, start, delimiter, size, *proof)


def _csv_proof(
    fh: Any, block: bytes, decoder: Any, head: str, delimiter: str
) -> tuple[int, int] | None:
    """(width, lines) when pyarrow will give ``csv.reader``'s cells; else None.

    ``block``: the file's first bytes after the BOM (already decoded); the rest is read
    from ``fh``. Each block is searched with the last bytes of the one before, so that a
    quote or CR on a block's edge is seen with its neighbours.
    """
    d = re.escape(delimiter).encode()
    stray = re.compile(b'"(?=[^' + d + b'\r\n"])(?<=[^' + d + b'\r\n"]")')
    lone_cr = re.compile(b"\r(?!\n)")
    lines, tail, last = 0, b"", b""
    while block:
        following = fh.read(_READ)
        try:
            decoder.decode(following, final=not following)
        except UnicodeDecodeError:
            return None
        window = tail + block
        if stray.search(window):
            return None
        cr = lone_cr.search(window)
        if cr is not None and (not following or cr.start() < len(window) - 1):
            return None  # (a CR ending the block is looked at again with the next one)
        lines += block.count(b"\n")
        tail, last, block = window[-3:], block[-1:], following
    lines += 0 if last in (b"\n", b"") else 1
    first = head.split("\n", 1)[0]
    width = len(next(csv.reader([first.rstrip("\r")], delimiter=delimiter), []))
    return (width, lines) if width else None


def _csv_chunks(
    path: Path, start: int, delimiter: str, size: int, width: int, lines: int
) -> Iterator[tuple[Grid | None, Any, int]]:
    import pyarrow as pa
    import pyarrow.csv as pv

    names = [f"c{j}" for j in range(width)]
    source = pa.OSFile(str(path))  # read, not mapped: pages read are not held
    source.seek(start)
    try:
        reader = pv.open_csv(
            source,
            read_options=pv.ReadOptions(column_names=names, block_size=_BLOCK),
            parse_options=pv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
        done = 0
        for table in _gathered(reader, size):
            yield _csv_grid(table, path.name, done), None, (done + 1 if done else 0)
            done += table.num_rows
    except (pa.ArrowInvalid, ValueError) as err:
        raise Restart(str(err)) from err
    finally:
        source.close()
        pa.default_memory_pool().release_unused()
    if done != lines:
        raise Restart(f"{done} rows for {lines} lines")


def _gathered(reader: Any, size: int) -> Iterator[Any]:
    """The reader's batches as tables of ``size`` rows (the last one shorter)."""
    import pyarrow as pa

    batches: list[Any] = []
    held = 0
    for batch in reader:
        batches.append(batch)
        held += batch.num_rows
        while held >= size:
            table = pa.Table.from_batches(batches)
            yield table.slice(0, size)
            rest = table.slice(size)
            batches, held = rest.to_batches(), rest.num_rows
    if held:
        yield pa.Table.from_batches(batches)


def _csv_grid(table: Any, name: str, done: int) -> Grid:
    """One chunk as a grid of codes (the first one with the rows searched for the header)."""
    columns = []
    for column in table.columns:
        encoded = column.combine_chunks().dictionary_encode()
        columns.append(
            (encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist())
        )
    rows: list[list[Any]] = []
    if not done:
        n_head = min(table.num_rows, HEADER_SCAN + 1)
        rows = [[u[int(c[i])] for c, u in columns] for i in range(n_head)]
        if not rows or not any(rows[0]):
            raise Restart("a blank first line")  # the general reader explains
    return Grid(name, None, rows, first_row=1, columns=columns)


# ------------------------------------------------------------------ other sheets, whole

_GRID_FORMATS = ("zip", "ole", "text", "html", "xml")
"""Formats read whole into a grid (Excel, other text, HTML, Excel 2003 XML), then
checked in chunks of rows: the reader's cells are held, the typed rows are not."""


def _grid_pieces(path: Path, kind: str, size: int) -> Iterator[Any] | None:
    """A sheet read whole, cut into grids of ``size`` rows (None: a table from a frame).

    One piece when it has no more rows than a chunk, when merged cells reach below the
    first chunk (they are filled in from the rows above), or when the first chunk is
    blank.
    """
    from repkit.io._load import _open

    grid = _open(path, kinds=(kind,), sheet=None, encoding=None, query=None)
    if grid.block is not None:
        return None
    n = len(grid.columns[0][0]) if grid.columns else len(grid.rows)
    head = _cut(grid, 0, size)
    whole = n <= size or any(r1 >= size for (_, _), (r1, _) in grid.merged)
    if whole or (head.columns is None and not any(any(map(_table._text, r)) for r in head.rows)):
        return iter([(grid, None, 0)])
    return (
        (_cut(grid, s, min(n, s + size)), None, s and grid.first_row + s) for s in range(0, n, size)
    )


def _cut(grid: Grid, start: int, stop: int) -> Grid:
    """Rows ``start:stop`` of a grid, numbered as in the whole grid."""
    part = Grid(grid.file, grid.sheet, [], first_row=grid.first_row + start, merged=grid.merged)
    if grid.columns is not None:
        part.columns = [(codes[start:stop], uniques) for codes, uniques in grid.columns]
        if not start:
            part.rows = grid.rows
    else:
        part.rows = grid.rows[start:stop]
    if grid.line_numbers is not None:
        part.line_numbers = grid.line_numbers[start:stop]
    if grid.issues is not None:
        part.issues = _Shifted(grid.issues, start)
    return part


class _Shifted:
    """A grid's ``issues`` for a cut of its rows (rows counted from ``offset``)."""

    def __init__(self, issues: Any, offset: int):
        self.issues, self.offset = issues, offset

    def __call__(self, rows: set[int], cols: set[int]) -> list[Any]:
        found = self.issues({r + self.offset for r in rows}, cols)
        return [(r - self.offset, *rest) for r, *rest in found]


# --------------------------------------------------------------------------- parquet


def _parquet_pieces(path: Path, kind: str, size: int) -> Iterator[Any] | None:
    """Record batches of a parquet with more rows than a chunk, or None to read it whole."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        if pf.metadata.num_rows <= size:
            return None
        schema = pf.schema_arrow
    except (pa.ArrowException, OSError):
        return None  # the general reader names the problem
    text = [
        f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
    ]
    return _parquet_chunks(pf, kind, size, text, path.name)


def _parquet_chunks(pf: Any, kind: str, size: int, text: list[str], name: str) -> Iterator[Any]:
    import pyarrow as pa

    done = 0
    for batch in pf.iter_batches(batch_size=size):
        table = pa.Table.from_batches([batch])
        encoded = table
        for c in text:
            i = encoded.schema.get_field_index(c)
            encoded = encoded.set_column(i, c, encoded.column(c).dictionary_encode())
        typed = _typed.from_arrow(encoded, kind, name=name, text=text, first=done + 1)
        if typed is not None:
            yield None, typed, done + 1
        else:
            grid = _sources.frame_grid(table.to_pandas(), name=name, sheet=None)
            yield grid, None, (done + 1 if done else 0)
        done += table.num_rows
