"""A raw grid → one canonical table: header, layout, values, dropped rows, problems."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from repkit.errors import DataError
from repkit.io import _values
from repkit.io._grid import (
    HEADER_SCAN,
    Grid,
    cell_text,
    column_letter,
    data_block,
    fill_merged,
)
from repkit.messages import join, name_column, name_table, problem, say
from repkit.schema import _SHARED_ALIASES, ALIASES, TABLES, _norm

MAX_PER_RULE = 1000
"""Problems listed per column and rule; the rest are counted in one summary row."""

_TOTAL = re.compile(
    r"^(.{0,30}?)(合计|小计|总计|总合计|累计|total|subtotal|grandtotal)[:：]?$", re.IGNORECASE
)
_DOCTOR_HEADERS = frozenset(_norm(h) for h in _SHARED_ALIASES["doctor_id"])
"""Headers that name a doctor; in a sales file they mean prescription data (统方)."""
_HOSPITAL_NAMES = frozenset(_norm(h) for h in _SHARED_ALIASES["hospital"])
"""Headers of hospital names; a targets file needs the hospital codes instead."""
_SPENDING_WORDS = (
    "费用",
    "讲课费",
    "劳务费",
    "餐费",
    "礼品",
    "赞助",
    "报销",
    "cost",
    "fee",
    "spend",
)
"""Header words of spending; a meetings file with such a column is refused."""
_YEAR = re.compile(r"^(\d{4})\s*年?(度)?$")
DROPPED_COLUMNS = ("file", "sheet", "row", "reason")
WIDE_KINDS = ("sales",)


def dropped_records(rows: Any) -> tuple[dict[str, Any], ...]:
    """``df.attrs["dropped"]``: the rows left out on purpose, as JSON-safe records.

    One plain dict per row with keys file, sheet, row, reason (text, or None for the
    sheet of a text file; ``row`` an int), so that pandas can write the frame to
    parquet (it stores attrs as JSON), compare attrs with ``==`` when it concatenates,
    and copy them cheaply. ``rows``: records or a DataFrame with those columns.
    :func:`dropped_rows` gives them back as a table.
    """
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    return tuple(
        {
            "file": _plain_text(r.get("file")),
            "sheet": _plain_text(r.get("sheet")),
            "row": None if _missing(r.get("row")) else int(r["row"]),
            "reason": _plain_text(r.get("reason")),
        }
        for r in rows or ()
    )


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def _plain_text(value: Any) -> str | None:
    return None if _missing(value) else str(value)


def dropped_rows(frame: pd.DataFrame) -> pd.DataFrame:
    r"""The rows :func:`repkit.read_table` left out of ``frame``: file, sheet, row, reason.

    Blank rows and 合计/小计/总计 rows, with the file, sheet and row number as the user
    sees them; an empty table with those columns when none was left out (or ``frame``
    was not read from a file). Reads ``frame.attrs["dropped"]``, which survives
    ``df.to_parquet`` / ``pd.read_parquet``.

    Examples
    --------
    >>> _ = open("s.csv", "w", encoding="utf-8").write(
    ...     "月份,医院编码,品种,数量\n202407,001,瑞心安片,5\n,,,\n合计,,,5\n")
    >>> rk.io.dropped_rows(rk.read_table("s.csv", "sales"))
        file sheet  row     reason
    0  s.csv  None    3  blank row
    1  s.csv  None    4  total row
    """
    records = dropped_records(frame.attrs.get("dropped"))
    out = pd.DataFrame(list(records), columns=list(DROPPED_COLUMNS))
    out["row"] = out["row"].astype("Int64")
    for c in ("file", "sheet", "reason"):
        out[c] = out[c].astype(object)
    return out


@dataclass
class Read:
    """One table as read: the frame, the file row of each frame row, the header texts."""

    frame: pd.DataFrame
    rows: np.ndarray
    texts: dict[str, str]
    file: str
    sheet: str | None
    distinct: dict[str, list[Any]] | None = None
    """Distinct values of text columns, when the reader knows them (typed parquet)."""


@dataclass
class Header:
    """The header of a grid: where it is and what each column means."""

    row: int
    """Grid index of the last header row (data start below it)."""
    texts: list[str]
    """Header text as written (two-row headers joined with a space)."""
    columns: list[str | None]
    """Canonical column per grid column (None: not used)."""
    months: list[Any]
    """Per grid column: the month this column holds in a wide layout ("no-year": a month
    without its year), else None."""
    measures: list[str | None]
    """Per month column: which value it holds (units/amount) when a header row says so."""
    score: int
    double: bool = False


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value == int(value):
            return str(int(value))
    return str(value).strip()


def _month_header(value: Any, year: int | None) -> Any:
    """The month a header cell names (2024-07, 2024年7月, 202407, a date), else None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float) and not (190001 <= value <= 210012):
        return None
    try:
        return _values.parse_month(value, year=year)
    except _values.MissingYear:
        return "no-year"
    except _values._Refuse:
        return None


def _candidate(top: list[Any], bottom: list[Any] | None, kind: str, year: int | None) -> Header:
    aliases = ALIASES[kind]
    width = max(len(top), len(bottom or []))
    texts: list[str] = []
    columns: list[str | None] = []
    months: list[Any] = []
    measures: list[str | None] = []
    seen: set[str] = set()
    for j in range(width):
        raw_t = top[j] if j < len(top) else ""
        raw_b = bottom[j] if bottom is not None and j < len(bottom) else ""
        t, b = _text(raw_t), _text(raw_b)
        if bottom is None:
            col = aliases.get(_norm(t)) if t else None
            text = t
        else:
            col = None
            text = t if t == b else " ".join(x for x in (t, b) if x)
        month: Any = None
        measure = None
        if bottom is None:
            if col is None:
                month = _month_header(raw_t, year)
        elif aliases.get(_norm(t)) in (None, "units", "amount"):
            for raw, other in ((raw_b, t), (raw_t, b)):
                month = _month_header(raw, year)
                y = _YEAR.match(_values.normalise_text(other)) if other else None
                if month == "no-year" and y:
                    month = _month_header(raw, int(y.group(1)))
                if month is not None:
                    measure = aliases.get(_norm(other)) if other else None
                    break
        if bottom is not None and month is None:
            for c in (f"{t}{b}", b, t):
                if c and aliases.get(_norm(c)):
                    col = aliases[_norm(c)]
                    break
        texts.append(text)
        columns.append(col)
        months.append(month)
        measures.append(measure if measure in ("units", "amount") else None)
        if col:
            seen.add(col)
    mapped = [c for c in columns if c]
    score = len(seen) - (len(mapped) - len(seen))
    if any(isinstance(m, pd.Period) for m in months):
        score += 2
    elif any(m is not None for m in months):
        score += 1
    score += 1 if any(measures) else 0
    return Header(-1, texts, columns, months, measures, score, bottom is not None)


def _header_like(row: list[Any]) -> bool:
    cells = [v for v in row if _text(v)]
    return bool(cells) and all(
        (isinstance(v, str) and not _is_number_text(v)) or _month_header(v, None) is not None
        for v in cells
    )


def _is_number_text(s: str) -> bool:
    try:
        _values.parse_number(s)
    except _values._Refuse:
        return False
    return True


def find_header(rows: list[list[Any]], kind: str, *, year: int | None = None) -> Header | None:
    """Locate the header row (or the two rows of a two-row header) among the first rows."""
    best: tuple[tuple[int, int, int], Header] | None = None
    head = rows[:HEADER_SCAN]
    for r, row in enumerate(head):
        if not any(_text(v) for v in row):
            continue
        cands = [_candidate(row, None, kind, year)]
        cands[0].row = r
        if r + 1 < len(head) and _header_like(head[r + 1]):
            double = _candidate(row, head[r + 1], kind, year)
            double.row = r + 1
            cands.append(double)
        for h in cands:
            key = (h.score, -int(h.double), -r)
            if best is None or key > best[0]:
                best = (key, h)
    if best is None or best[1].score == 0:
        return None
    return best[1]


def score(grid: Grid, kind: str) -> int:
    """How well a grid's header matches a table kind (0: not at all)."""
    h = find_header(grid.rows[:HEADER_SCAN], kind)
    if h is None:
        return 0
    table = TABLES[kind]
    cols = {c for c in h.columns if c}
    if any(isinstance(m, pd.Period) for m in h.months) and kind in WIDE_KINDS:
        cols |= {"month", "units"}
    missing: list[object] = [c for c in table.required if c not in cols]
    missing += [g for g in table.any_of if not cols & set(g)]
    return max(0, h.score * 10 - 5 * len(missing))


class _Problems:
    """Problems of one grid; caps repeats of a rule per column."""

    def __init__(self, file: str, sheet: str | None):
        self.where = {"file": file, "sheet": sheet}
        self.rows: list[dict[str, Any]] = []
        self.counts: dict[tuple[str, str | None], int] = {}
        self.section: tuple[int, ...] = (0,)
        """Stage and column of the checks running now: a table read in chunks lists its
        problems in the order one read of the whole table gives (stage, column, row)."""
        self.sections: list[tuple[int, ...]] = []

    def add(self, rule: str, message: str, **kw: Any) -> None:
        """Record a problem; ``rule`` may be a message key (``empty.no_rows``)."""
        rule = rule.split(".")[0]
        key = (rule, kw.get("column"))
        n = self.counts.get(key, 0)
        self.counts[key] = n + 1
        if n < MAX_PER_RULE:
            self.rows.append({**self.where, "rule": rule, "message": message, **kw})
            self.sections.append(self.section)

    def close(self) -> list[dict[str, Any]]:
        order = sorted(range(len(self.rows)), key=self.sections.__getitem__)  # stable
        out = [self.rows[i] for i in order]
        for (rule, column), n in self.counts.items():
            if n > MAX_PER_RULE:
                out.append(
                    {
                        **self.where,
                        "rule": rule,
                        "column": column,
                        "message": say("problem.more", n=n - MAX_PER_RULE),
                    }
                )
        return out

    def raise_if_any(self) -> None:
        if self.rows:
            raise DataError(self.close())

    def __bool__(self) -> bool:
        return bool(self.rows)


@dataclass
class _Layout:
    """Where a grid's table is: the header, the data block and the user's row numbers."""

    header: Any
    hrow: int
    texts: list[str]
    block: np.ndarray
    numbers: np.ndarray
    by_col: dict[str, int]
    wide: list[int]
    is_wide: bool
    start: int = 0
    """Grid row of ``block``'s first row (below the header; 0 in a later chunk)."""


def _locate(grid: Grid, kind: str, probs: _Problems, *, year: int | None) -> _Layout:
    """Find the header row and the data block below it; refuse a sheet without either."""
    table = TABLES[kind]
    where = probs.where
    rows = grid.rows
    if grid.block is None and not any(any(_text(v) for v in row) for row in rows):
        raise DataError([problem("empty.no_cells", where=where)])
    if grid.merged:
        fill_merged(rows, grid.merged)
    header = find_header(rows, kind, year=year)
    if header is None:
        wanted = join(name_column(c) for c in table.required)
        fields = {"table": name_table(kind), "wanted": wanted, "scan": HEADER_SCAN}
        raise DataError([problem("missing_column.no_header", where=where, **fields)])
    hrow = grid.first_row + header.row
    block = data_block(grid, header.row + 1)
    if grid.line_numbers is not None:
        numbers = np.asarray(grid.line_numbers[header.row + 1 :], dtype=np.int64)
    else:
        numbers = np.arange(block.shape[0], dtype=np.int64) + hrow + 1
    return _Layout(header, hrow, header.texts, block, numbers, {}, [], False, header.row + 1)


def _check_headers(lay: _Layout, kind: str, probs: _Problems) -> None:
    """Duplicate headers, doctor columns in sales (统方), spending in meetings; fills by_col."""
    texts, hrow, header = lay.texts, lay.hrow, lay.header
    # -- header problems
    seen: dict[str, int] = {}
    for j, t in enumerate(texts):
        if not t:
            continue
        if _norm(t) in seen:
            probs.add(
                "duplicate_header",
                say(
                    "duplicate_header",
                    header=t,
                    first=column_letter(seen[_norm(t)]),
                    second=column_letter(j),
                ),
                row=hrow,
                column=t,
                value=t,
            )
        else:
            seen[_norm(t)] = j
    by_col: dict[str, int] = {}
    for j, c in enumerate(header.columns):
        if c is None:
            continue
        if c not in by_col:
            by_col[c] = j
        elif _norm(texts[by_col[c]]) != _norm(texts[j]):
            probs.add(
                "duplicate_header",
                say(
                    "duplicate_header.same_meaning",
                    first=texts[by_col[c]],
                    second=texts[j],
                    column=name_column(c),
                ),
                row=hrow,
                column=texts[j],
                value=texts[j],
            )
    if kind in ("sales", "targets", "overrides"):
        key = "prescription_by_doctor" + ("" if kind == "sales" else f".{kind}")
        for t in texts:
            parts = {_norm(t), *(_norm(p) for p in t.split())}
            if t and parts & _DOCTOR_HEADERS:
                probs.add(
                    "prescription_by_doctor",
                    say(key, header=t),
                    row=hrow,
                    column=t,
                    value=t,
                )
    if kind == "targets" and "hospital_id" not in by_col:
        for t in texts:
            if t and _norm(t) in _HOSPITAL_NAMES:
                probs.add(
                    "missing_column",
                    say("missing_column.hospital_names", header=t),
                    row=hrow,
                    column=t,
                    value=t,
                )
    if kind == "meetings":
        for t in texts:
            if t and any(w in _norm(t) for w in _SPENDING_WORDS):
                probs.add(
                    "meeting_spending",
                    say("meeting_spending", header=t),
                    row=hrow,
                    column=t,
                    value=t,
                )
    lay.by_col = by_col


def _check_columns(lay: _Layout, kind: str, probs: _Problems) -> None:
    """Wide month columns, required columns and data rows; raises what makes reading moot."""
    table = TABLES[kind]
    texts, hrow, header, by_col = lay.texts, lay.hrow, lay.header, lay.by_col
    wide = [j for j, m in enumerate(header.months) if m is not None]
    is_wide = bool(wide) and "month" not in by_col and kind in WIDE_KINDS
    if is_wide:
        for j in wide:
            if header.months[j] == "no-year":
                probs.add(
                    "bad_date",
                    say("bad_date.month_column", header=texts[j]),
                    row=hrow,
                    column=texts[j],
                    value=texts[j],
                )
        wide = [j for j in wide if isinstance(header.months[j], pd.Period)]
        if not wide:
            probs.raise_if_any()
    present = set(by_col)
    if is_wide:
        present |= {"month", "units", *(header.measures[j] or "units" for j in wide)}
    for c in table.required:
        if c not in present:
            found = join(t for t in texts if t) or say("none")
            message = say("missing_column", column=name_column(c), found=found)
            probs.add("missing_column", message, row=hrow)
    for group in table.any_of:
        if not present & set(group):
            columns = join((name_column(c) for c in group), word=say("word.or"))
            probs.add("missing_column", say("missing_column.any_of", columns=columns), row=hrow)
    refused = ("missing_column", "prescription_by_doctor", "meeting_spending")
    if any(p["rule"] in refused for p in probs.rows):
        probs.raise_if_any()
    if lay.block.shape[0] == 0:
        probs.add("empty", say("empty.no_rows"), row=hrow)
        probs.raise_if_any()
    lay.wide, lay.is_wide = wide, is_wide


def _is_total(u: Any) -> bool:
    """A 合计/小计/total label (a plain number never is: the common case, decided fast)."""
    if not isinstance(u, str) or _values._SIMPLE_NUMBER.fullmatch(u):
        return False
    return bool(_TOTAL.match(_norm(u)))


def _drop_rows(grid: Grid, lay: _Layout, kind: str) -> tuple[dict, np.ndarray, list, Any]:
    """Read the used columns; drop blank and total rows (recorded with their reason)."""
    table = TABLES[kind]
    block, numbers, by_col = lay.block, lay.numbers, lay.by_col
    wide, is_wide = lay.wide, lay.is_wide
    n = block.shape[0]
    used = sorted(set(by_col.values()) | (set(wide) if is_wide else set()))
    width = block.shape[1]
    cols: dict[int, _values.Column] = {}
    for j in used:
        raw = np.ascontiguousarray(block[:, j]) if j < width else np.full(n, "", dtype=object)
        if grid.columns is not None and j < width:  # already factorised by the CSV reader
            codes, uniques = grid.columns[j]
            cols[j] = _values.Column.of_codes(raw, codes[lay.start :], uniques)
        else:
            cols[j] = _values.Column(raw)
    blank = np.ones(n, dtype=bool)
    for col in cols.values():
        blank &= col.blank
    total = np.zeros(n, dtype=bool)
    for col in cols.values():
        if col.kind in ("string", "mixed", "mixed-integer"):
            total |= col.matches(_is_total, numbers=False)
    total &= ~blank
    # a total row often carries its label in a column repkit does not read (序号, 备注)
    keys = [by_col[c] for c in (*table.required, *table.key) if c in by_col]
    unlabeled = ~blank & ~total & np.logical_or.reduce([cols[j].blank for j in keys] or [blank])
    if unlabeled.any():
        others = [j for j in range(block.shape[1]) if j not in cols]
        for i in np.flatnonzero(unlabeled):
            row = block[i]
            if any(isinstance(row[j], str) and _TOTAL.match(_norm(row[j])) for j in others):
                total[i] = True
    drop = blank | total
    keep = np.flatnonzero(~drop)
    dropped = [
        {
            "file": grid.file,
            "sheet": grid.sheet,
            "row": int(numbers[i]),
            "reason": "blank row" if blank[i] else "total row",
        }
        for i in np.flatnonzero(drop)
    ]
    if len(keep) < n:
        cols = {j: c.take(keep) for j, c in cols.items()}
        numbers = numbers[keep]
        kept_grid_rows = keep + lay.start
    else:
        kept_grid_rows = None
    return cols, numbers, dropped, kept_grid_rows


def _mark_issues(grid: Grid, lay: _Layout, cols: dict, numbers, kept_grid_rows, probs) -> None:
    """Error cells and uncalculated formulas the fast reader shows as blank."""
    texts = lay.texts
    probs.section = (1,)
    if grid.issues is not None:
        suspect = np.zeros(len(numbers), dtype=bool)
        for col in cols.values():
            suspect |= col.blank
        if suspect.any():
            where_rows = np.flatnonzero(suspect)
            grid_rows = (
                kept_grid_rows[where_rows] if kept_grid_rows is not None else where_rows + lay.start
            )
            pos = {int(g): int(i) for g, i in zip(grid_rows, where_rows, strict=True)}
            for r, c, rule, message, value in grid.issues(set(pos), set(cols)):
                probs.add(rule, message, row=grid.first_row + r, column=texts[c], value=value)
                cols[c].raw[pos[r]] = "\x00issue"
                cols[c] = _values.Column(cols[c].raw)


def _typed(lay: _Layout, kind: str, cols: dict, numbers, probs, *, year) -> dict[str, Any]:
    """Typed values of every column, with their problems and blank key cells."""
    table = TABLES[kind]
    by_col, texts = lay.by_col, lay.texts
    out: dict[str, Any] = {}
    blanks: dict[str, np.ndarray] = {}
    for k, (c, j) in enumerate(by_col.items()):
        probs.section = (2, k)
        col = cols[j]
        typed, bad = _values.to_column(col, table.columns[c], year=year)
        for i, value, rule, message in bad:
            if value == "\x00issue":
                continue
            probs.add(rule, message, row=int(numbers[i]), column=texts[j], value=cell_text(value))
        out[c] = typed
        blanks[c] = col.blank
    required = (set(table.required) | set(table.key)) & set(out)
    for k, c in enumerate(sorted(required, key=list(table.columns).index)):
        probs.section = (3, k)
        for r in np.flatnonzero(blanks[c]):
            probs.add(
                "missing_value",
                say("missing_value", column=name_column(c)),
                row=int(numbers[r]),
                column=texts[by_col[c]],
                value=None,
            )
    for k, group in enumerate(table.any_of):
        probs.section = (4, k)
        have = [c for c in group if c in out and c not in required]
        if len(have) == len([c for c in group if c in out]) and have:
            both = np.logical_and.reduce([blanks[c] for c in have])
            for r in np.flatnonzero(both):
                probs.add(
                    "missing_value",
                    say("missing_value.all", columns=join(name_column(c) for c in have)),
                    row=int(numbers[r]),
                    column=texts[by_col[have[0]]],
                    value=None,
                )
    return out


def layout(grid: Grid, kind: str, probs: _Problems, *, year: int | None = None) -> _Layout:
    """Header and columns of a grid; raises the problems that make its rows moot."""
    lay = _locate(grid, kind, probs, year=year)
    _check_headers(lay, kind, probs)
    _check_columns(lay, kind, probs)
    return lay


def continued(lay: _Layout, grid: Grid, first: int) -> _Layout:
    """The layout of a later chunk of a table.

    ``grid`` holds only data rows (no header), numbered from ``first`` (the line or row
    number of its first row) unless the grid gives its line numbers.
    """
    block = data_block(grid, 0)
    if grid.line_numbers is not None:
        numbers = np.asarray(grid.line_numbers, dtype=np.int64)
    else:
        numbers = np.arange(block.shape[0], dtype=np.int64) + first
    return replace(lay, block=block, numbers=numbers, start=0)


def read_rows(
    grid: Grid, lay: _Layout, kind: str, probs: _Problems, *, year: int | None = None
) -> tuple[pd.DataFrame | None, np.ndarray, list[dict[str, Any]]]:
    """The canonical rows of a grid's data block, the file row of each, the rows dropped.

    Problems go to ``probs`` (nothing is raised); the frame is None when every row was
    dropped (blank or total rows).
    """
    table = TABLES[kind]
    cols, numbers, dropped, kept_grid_rows = _drop_rows(grid, lay, kind)
    if len(numbers) == 0:
        return None, numbers, dropped
    _mark_issues(grid, lay, cols, numbers, kept_grid_rows, probs)
    out = _typed(lay, kind, cols, numbers, probs, year=year)
    if lay.is_wide:
        frame, numbers = _melt(out, lay.header, lay.wide, cols, numbers, probs)
    else:
        frame = pd.DataFrame(out)
    return frame[[c for c in table.columns if c in frame.columns]], numbers, dropped


def column_names(lay: _Layout) -> dict[str, str]:
    """Canonical column → the header text of the file (``Read.texts``)."""
    names = {c: lay.texts[j] for c, j in lay.by_col.items()}
    if lay.is_wide:
        names["month"] = "/".join(lay.texts[j] for j in lay.wide[:1]) + "…"
    return names


def no_month_values(probs: _Problems) -> None:
    """A wide table whose month columns hold no value at all (rule empty)."""
    probs.section = (6,)
    probs.add("empty", "no month column holds a value")


def build(grid: Grid, kind: str, *, year: int | None = None) -> Read:
    """Turn one grid into a canonical table (with ``attrs["dropped"]``).

    Raises DataError with every problem found.
    """
    probs = _Problems(grid.file, grid.sheet)
    lay = layout(grid, kind, probs, year=year)
    frame, numbers, dropped = read_rows(grid, lay, kind, probs, year=year)
    if frame is None:
        probs.section = (6,)
        probs.add("empty", say("empty.no_rows"), row=lay.hrow)
        probs.raise_if_any()
        raise AssertionError  # pragma: no cover - raise_if_any raised
    if lay.is_wide and not len(frame):  # rows were kept, but no month holds a value
        no_month_values(probs)
    probs.raise_if_any()
    frame.attrs["dropped"] = dropped_records(dropped)
    return Read(frame, numbers, column_names(lay), grid.file, grid.sheet)


def _melt(
    out: dict[str, Any],
    header: Header,
    wide: list[int],
    cols: dict[int, _values.Column],
    numbers: np.ndarray,
    probs: _Problems,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Months as columns → one row per row × month (blank cells are no row)."""
    months: dict[pd.Period, dict[str, np.ndarray]] = {}
    for k, j in enumerate(wide):
        probs.section = (5, k)
        values, bad = _values.to_number(cols[j])
        for i, value, rule, message in bad:
            probs.add(
                rule, message, row=int(numbers[i]), column=header.texts[j], value=cell_text(value)
            )
        measure = header.measures[j] or "units"
        values = np.where(cols[j].blank, np.nan, values)
        months.setdefault(header.months[j], {})[measure] = values
    measures = sorted({m for d in months.values() for m in d}, key=["units", "amount"].index)
    pieces_idx: list = []
    pieces_month: list = []
    pieces_val: dict[str, list] = {m: [] for m in measures}
    for month, d in months.items():
        stacked = [d[m] for m in measures if m in d]
        has = np.logical_or.reduce([~np.isnan(v) for v in stacked])
        idx = np.flatnonzero(has)
        pieces_idx.append(idx)
        pieces_month.append(np.full(len(idx), month.ordinal, dtype=np.int64))
        for m in measures:
            pieces_val[m].append(d[m][idx] if m in d else np.full(len(idx), np.nan))
    idx = np.concatenate(pieces_idx) if pieces_idx else np.zeros(0, dtype=np.int64)
    order = np.lexsort((np.concatenate(pieces_month), idx)) if len(idx) else idx
    take = idx[order]
    frame = pd.DataFrame(
        {c: (v[take] if not isinstance(v, list) else [v[i] for i in take]) for c, v in out.items()}
    )
    frame["month"] = pd.PeriodIndex.from_ordinals(np.concatenate(pieces_month)[order], freq="M")
    for m in measures:
        frame[m] = np.concatenate(pieces_val[m])[order]
    return frame, numbers[take]
