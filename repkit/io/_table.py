"""A raw grid → one canonical table: header, layout, values, dropped rows, problems."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from repkit.io import _values
from repkit.io._sources import Grid
from repkit.io.errors import DataError
from repkit.schema import ALIASES, TABLES, _norm

HEADER_SCAN = 30
"""Rows searched for the header (title rows above it are skipped)."""

_TOTAL = re.compile(
    r"^(.{0,30}?)(合计|小计|总计|总合计|累计|total|subtotal|grandtotal)[:：]?$", re.IGNORECASE
)
_DOCTOR_HEADERS = frozenset(
    _norm(h)
    for h in (
        "医生",
        "医生姓名",
        "医生编码",
        "医生代码",
        "医师",
        "处方医生",
        "doctor",
        "doctor_id",
        "doctor_name",
        "physician",
    )
)
DROPPED_COLUMNS = ("file", "sheet", "row", "reason")


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


class DroppedRows(pd.DataFrame):
    """``df.attrs["dropped"]``: rows left out on purpose, with the reason.

    Equality with ``==`` answers one bool (same rows), so that pandas can compare the
    attrs of two read tables when concatenating or merging them.
    """

    @property
    def _constructor(self):
        return pd.DataFrame

    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return isinstance(other, pd.DataFrame) and bool(pd.DataFrame(self).equals(other))

    def __ne__(self, other: object) -> bool:  # type: ignore[override]
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]


def dropped_frame(rows: list[dict[str, Any]]) -> DroppedRows:
    """A :class:`DroppedRows` table from dicts with keys file, sheet, row, reason."""
    frame = pd.DataFrame(rows, columns=list(DROPPED_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return DroppedRows(frame)


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
    """Per grid column: the month this column holds in a wide layout, else None."""
    measures: list[str | None]
    """Per grid column of a wide layout: which value it holds (units/amount)."""
    score: int


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value).strip()


def _fill_merged(rows: list[list[Any]], merged, upto: int | None = None) -> None:
    """Copy the top-left value of each merged range into its other cells (in place)."""
    for (r0, c0), (r1, c1) in merged:
        if upto is not None and r0 > upto:
            continue
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if r != r0 or c != c0:
                    row[c] = value


def _month_header(text: Any, year: int | None) -> Any:
    """The month a header cell names (2024-07, 2024年7月, 202407, a date), else None."""
    if text is None or text == "":
        return None
    try:
        if isinstance(text, int | float) and not (190001 <= text <= 210012):
            return None
        return _values.parse_month(text, year=year)
    except _values.MissingYear:
        return "no-year"
    except _values._Refuse:
        return None


def _header_candidates(
    top: list[Any], bottom: list[Any] | None, kind: str, year: int | None
) -> Header | None:
    aliases = ALIASES[kind]
    width = max(len(top), len(bottom or []))
    texts, columns, months, measures = [], [], [], []
    seen: set[str] = set()
    score = 0
    for j in range(width):
        t = _text(top[j]) if j < len(top) else ""
        b = _text(bottom[j]) if bottom is not None and j < len(bottom) else ""
        choices = [f"{t}{b}", b, t] if bottom is not None else [t]
        col = None
        for c in choices:
            if c:
                col = aliases.get(_norm(c))
                if col:
                    break
        text = " ".join(x for x in ((t, b) if bottom is not None else (t,)) if x)
        month = None
        measure = None
        if col is None:
            raw_top = top[j] if j < len(top) else ""
            raw_bottom = bottom[j] if bottom is not None and j < len(bottom) else ""
            for raw, other in (
                ((raw_bottom, t), (raw_top, b)) if bottom is not None else ((raw_top, ""),)
            ):
                month = _month_header(raw, year)
                if month == "no-year" and other:
                    y = re.match(r"^(\d{4})\s*年?$", _values.normalise_text(str(other)))
                    month = _month_header(raw, int(y.group(1))) if y else "no-year"
                if month is not None:
                    measure = aliases.get(_norm(other)) if other else None
                    break
            if month is None and bottom is not None and t and b:
                month = _month_header(f"{t}{b}", year)
                if month is not None and not isinstance(month, pd.Period):
                    month = None
        texts.append(text)
        columns.append(col)
        months.append(month)
        measures.append(measure if measure in ("units", "amount") else None)
        if col and col not in seen:
            seen.add(col)
            score += 1
    if any(m is not None for m in months):
        score += 1
    return Header(-1, texts, columns, months, measures, score)


def find_header(grid: Grid, kind: str, *, year: int | None = None) -> Header | None:
    """Locate the header row (or two rows) among the first rows of a grid."""
    rows = grid.rows[:HEADER_SCAN]
    best: Header | None = None
    for r, row in enumerate(rows):
        if not any(_text(v) for v in row):
            continue
        single = _header_candidates(row, None, kind, year)
        if single is None:
            continue
        single.row = r
        cands = [single]
        if r + 1 < len(rows):
            nxt = rows[r + 1]
            if _looks_like_header(nxt):
                double = _header_candidates(row, nxt, kind, year)
                if double is not None:
                    double.row = r + 1
                    cands.append(double)
        for h in cands:
            if best is None or h.score > best.score:
                best = h
    if best is None or best.score == 0:
        return None
    return best


def _looks_like_header(row: list[Any]) -> bool:
    texts = [v for v in row if _text(v)]
    if not texts:
        return False
    return all(isinstance(v, str) and not _is_number_text(v) for v in texts) or all(
        isinstance(v, str) or _month_header(v, None) is not None for v in texts
    )


def _is_number_text(s: str) -> bool:
    try:
        _values.parse_number(s)
    except _values._Refuse:
        return False
    return True


def score_grid(grid: Grid, kind: str) -> int:
    """How well a grid's header matches a table kind (0: not at all)."""
    h = find_header(grid, kind)
    if h is None:
        return 0
    table = TABLES[kind]
    cols = set(c for c in h.columns if c)
    missing = [c for c in table.required if c not in cols]
    if "month" in missing and any(m is not None for m in h.months):
        missing.remove("month")
        if "units" in missing:
            missing.remove("units")
    return h.score * 10 - 5 * len(missing)


def build(grid: Grid, kind: str, *, year: int | None = None) -> pd.DataFrame:
    """Turn one grid into a canonical table; raise DataError with every problem found."""
    table = TABLES[kind]
    where = {"file": grid.file, "sheet": grid.sheet}
    problems: list[dict[str, Any]] = []

    def problem(rule: str, message: str, **kw: Any) -> None:
        problems.append({**where, "rule": rule, "message": message, **kw})

    rows = grid.rows
    if not any(any(_text(v) for v in row) for row in rows[:HEADER_SCAN]) and not any(
        any(_text(v) for v in row) for row in rows
    ):
        raise DataError([{**where, "rule": "empty", "message": "the file has no cells at all"}])
    if grid.merged:
        _fill_merged(rows, grid.merged)
    header = find_header(grid, kind, year=year)
    if header is None:
        wanted = ", ".join(table.required)
        raise DataError(
            [
                {
                    **where,
                    "rule": "missing_column",
                    "message": f"no header row with the {kind} columns ({wanted}) was found in the "
                    f"first {HEADER_SCAN} rows",
                }
            ]
        )
    first = grid.first_row
    header_row_number = first + header.row
    line_numbers = getattr(grid, "line_numbers", None)

    def row_number(i: int) -> int:
        """Number the user sees for data row ``i`` (0 = first row below the header)."""
        if line_numbers is not None:
            return int(line_numbers[header.row + 1 + i])
        return first + header.row + 1 + i

    # Header problems: duplicates, prescription data, missing columns.
    seen_text: dict[str, int] = {}
    for j, t in enumerate(header.texts):
        if not t:
            continue
        key = _norm(t)
        if key in seen_text:
            problem(
                "duplicate_header",
                f"the header {t!r} appears twice (columns "
                f"{column_letter(seen_text[key] + grid.first_col)} and "
                f"{column_letter(j + grid.first_col)})",
                row=header_row_number,
                column=t,
                value=t,
            )
        else:
            seen_text[key] = j
    by_col: dict[str, int] = {}
    for j, c in enumerate(header.columns):
        if c is None:
            continue
        if c in by_col and _norm(header.texts[by_col[c]]) != _norm(header.texts[j]):
            problem(
                "duplicate_header",
                f"the headers {header.texts[by_col[c]]!r} and "
                f"{header.texts[j]!r} both mean {c}; keep one",
                row=header_row_number,
                column=header.texts[j],
                value=header.texts[j],
            )
        elif c not in by_col:
            by_col[c] = j
    if kind == "sales":
        for t in header.texts:
            if t and (
                _norm(t) in _DOCTOR_HEADERS
                or any(_norm(p) in _DOCTOR_HEADERS for p in t.split(" "))
            ):
                problem(
                    "prescription_by_doctor",
                    f"the sales file has a doctor column {t!r}: sales per doctor are "
                    "prescription figures (统方) that repkit does not read",
                    row=header_row_number,
                    column=t,
                    value=t,
                )
    wide = [j for j, m in enumerate(header.months) if m is not None]
    no_year = [j for j in wide if header.months[j] == "no-year"]
    for j in no_year:
        problem(
            "bad_date",
            f"the month column {header.texts[j]!r} has no year; write 2024年7月 or pass year=",
            row=header_row_number,
            column=header.texts[j],
            value=header.texts[j],
        )
    is_wide = bool(wide) and "month" not in by_col and kind in ("sales", "collections")
    present = set(by_col)
    if is_wide:
        present |= {"month"} | {header.measures[j] or "units" for j in wide}
    for c in table.required:
        if c not in present:
            problem(
                "missing_column",
                f"no column for {c} (headers found: "
                f"{', '.join(t for t in header.texts if t) or 'none'})",
                row=header_row_number,
            )
    for group in table.any_of:
        if not present & set(group):
            problem(
                "missing_column",
                f"needs one of the columns {' or '.join(group)}",
                row=header_row_number,
            )
    if problems and any(
        p["rule"] in ("missing_column", "prescription_by_doctor") for p in problems
    ):
        raise DataError(problems)

    data = rows[header.row + 1 :]
    width = len(header.texts)
    n = len(data)
    if n == 0:
        problems.append(
            {
                **where,
                "rule": "empty",
                "row": header_row_number,
                "message": "the sheet has a header but no data rows",
            }
        )
        raise DataError(problems)
    used = sorted(set(by_col.values()) | set(wide))
    columns: dict[int, np.ndarray] = {}
    for j in used:
        col = np.empty(n, dtype=object)
        if all(len(r) > j for r in data[: min(n, 1000)]) and all(len(r) > j for r in data):
            col[:] = [r[j] for r in data]
        else:
            col[:] = [r[j] if j < len(r) else "" for r in data]
        columns[j] = col

    # Blank and total rows.
    blank = np.ones(n, dtype=bool)
    total = np.zeros(n, dtype=bool)
    for j in used:
        codes, uniques = _values._factorize_fast(columns[j])
        u_blank = np.fromiter(
            (_values.is_blank(u) for u in uniques), dtype=bool, count=len(uniques)
        )
        blank &= u_blank[codes] if len(uniques) else True
        u_total = np.fromiter(
            (isinstance(u, str) and bool(_TOTAL.match(_norm(u))) for u in uniques),
            dtype=bool,
            count=len(uniques),
        )
        if u_total.any():
            total |= u_total[codes]
    if len(data) and width:
        # a row may be blank in the used columns but hold text elsewhere; treat as blank
        pass
    total &= ~blank
    drop = blank | total
    dropped_rows = []
    if drop.any():
        for i in np.flatnonzero(drop):
            dropped_rows.append(
                {
                    "file": grid.file,
                    "sheet": grid.sheet,
                    "row": row_number(int(i)),
                    "reason": "blank row" if blank[i] else "total row",
                }
            )
    keep = np.flatnonzero(~drop)
    if len(keep) == 0:
        problems.append(
            {
                **where,
                "rule": "empty",
                "row": header_row_number,
                "message": "the sheet has a header but no data rows",
            }
        )
        raise DataError(problems)
    if len(keep) < n:
        columns = {j: c[keep] for j, c in columns.items()}
    row_numbers = (
        np.asarray(line_numbers, dtype=np.int64)[header.row + 1 :][keep]
        if line_numbers is not None
        else keep.astype(np.int64) + first + header.row + 1
    )

    # Cells holding formulas without cached values.
    if grid.formulas:
        pos = {int(r): i for i, r in enumerate(keep + header.row + 1)}
        for r, c in grid.formulas:
            if r in pos and c in columns:
                problem(
                    "uncalculated_formula",
                    "the cell holds a formula whose result was never calculated",
                    row=first + r,
                    column=header.texts[c],
                    value=None,
                )
                columns[c][pos[r]] = ""

    out: dict[str, Any] = {}
    blanks: dict[str, np.ndarray] = {}
    for c, j in by_col.items():
        typed, bad, is_blank = _values.to_column(columns[j], table.columns[c], year=year)
        for i, value, rule, message in bad:
            problem(
                rule, message, row=int(row_numbers[i]), column=header.texts[j], value=_show(value)
            )
        out[c] = typed
        blanks[c] = is_blank
    required = set(table.required) | set(table.key)
    for c in required & set(out):
        missing = np.flatnonzero(blanks[c])
        for i in missing[:1000]:
            problem(
                "missing_value",
                f"{c} is blank",
                row=int(row_numbers[i]),
                column=header.texts[by_col[c]],
                value=None,
            )
    for group in table.any_of:
        have = [c for c in group if c in out]
        if have and len(have) == 1 and have[0] not in required:
            for i in np.flatnonzero(blanks[have[0]])[:1000]:
                problem(
                    "missing_value",
                    f"{have[0]} is blank",
                    row=int(row_numbers[i]),
                    column=header.texts[by_col[have[0]]],
                    value=None,
                )
        elif len(have) > 1:
            both = np.logical_and.reduce([blanks[c] for c in have])
            for i in np.flatnonzero(both)[:1000]:
                problem(
                    "missing_value",
                    f"{' and '.join(have)} are all blank",
                    row=int(row_numbers[i]),
                    value=None,
                )

    if is_wide:
        frame, row_numbers = _melt(
            out, header, wide, columns, row_numbers, problems, where, year=year
        )
    else:
        frame = pd.DataFrame(out)
    if problems:
        raise DataError(problems)
    frame = _canonical_order(frame, kind)
    frame.attrs["dropped"] = dropped_frame(dropped_rows)
    frame.attrs["source"] = {"file": grid.file, "sheet": grid.sheet}
    return frame, row_numbers


def _show(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if value is None:
        return None
    return str(value)


def _melt(out, header, wide, columns, row_numbers, problems, where, *, year):
    n = len(row_numbers)
    id_frame = pd.DataFrame(out)
    pieces = []
    rows_out = []
    for j in wide:
        month = header.months[j]
        if not isinstance(month, pd.Period):
            continue
        measure = header.measures[j] or "units"
        typed, bad, is_blank = _values.to_number(columns[j])
        for i, value, rule, message in bad:
            problems.append(
                {
                    **where,
                    "rule": rule,
                    "message": message,
                    "row": int(row_numbers[i]),
                    "column": header.texts[j],
                    "value": _show(value),
                }
            )
        piece = id_frame.copy()
        piece["month"] = pd.PeriodIndex([month] * n, freq="M")
        piece["_measure"] = measure
        piece["_value"] = typed
        piece["_blank"] = is_blank
        pieces.append(piece)
        rows_out.append(row_numbers)
    long = pd.concat(pieces, ignore_index=True)
    rows = np.concatenate(rows_out)
    keys = [c for c in long.columns if c not in ("_measure", "_value", "_blank")]
    long = long.assign(_row=rows)
    both = long.pivot_table(
        index=[*keys, "_row"],
        columns="_measure",
        values="_value",
        aggfunc="first",
        dropna=False,
        observed=True,
        sort=False,
    )
    blank = long.groupby([*keys, "_row"], sort=False, observed=True)["_blank"].all()
    both = both[~blank.reindex(both.index).to_numpy()].reset_index()
    rows = both.pop("_row").to_numpy()
    both.columns.name = None
    return both, rows


def _canonical_order(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    cols = [c for c in TABLES[kind].columns if c in frame.columns]
    return frame[cols]
