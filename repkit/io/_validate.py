"""pandera schemas of the canonical tables, and the checks across tables.

The readers already refuse cells they cannot read; the schemas state what a canonical
table is (non-blank keys, codes from the code lists, ratings 1–7, unique keys of the
master tables, no negative prices or beds) and catch what only shows on the whole table.
Failures come back as problems with the row numbers of the file.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from repkit.schema import CODE_LISTS, TABLES

UNIQUE_KEYS: dict[str, tuple[str, ...]] = {
    "products": ("product",),
    "hospitals": ("hospital_id",),
    "doctors": ("doctor_id",),
    "reps": ("rep_id",),
    "targets": ("period", "region", "product"),
    "collections": ("month", "region", "distributor"),
}
"""Tables whose key must be unique (sales and calls may repeat a key: several
distributors or departments per month, two visits a day)."""

NON_NEGATIVE = ("price_supply", "price_retail", "beds", "potential")

REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    ("sales", "hospital_id", "hospitals", "hospital_id"),
    ("doctors", "hospital_id", "hospitals", "hospital_id"),
    ("calls", "doctor_id", "doctors", "doctor_id"),
    ("calls", "rep_id", "reps", "rep_id"),
)
"""(table, column, referenced table, referenced column) checked by load_dataset."""

_RULE_OF_CHECK = {
    "not_nullable": "missing_value",
    "isin": "bad_code",
    "in_range": "out_of_range",
    "greater_than_or_equal_to": "out_of_range",
    "multiple_fields_uniqueness": "duplicate_key",
    "field_uniqueness": "duplicate_key",
}


@functools.cache
def schema(kind: str) -> Any:
    """The pandera ``DataFrameSchema`` of a canonical table.

    Examples
    --------
    >>> s = rk.io.schema("doctors")
    >>> sorted(s.columns)[:3]
    ['department', 'doctor_id', 'hospital_id']
    """
    import pandera.pandas as pa

    table = TABLES[kind]
    required = set(table.required) | set(table.key)
    columns = {}
    for name, typ in table.columns.items():
        checks = []
        if typ in CODE_LISTS:
            checks.append(pa.Check.isin(list(CODE_LISTS[typ])))
        if typ == "rating":
            checks.append(pa.Check.in_range(1, 7))
        if name in NON_NEGATIVE:
            checks.append(pa.Check.greater_than_or_equal_to(0))
        columns[name] = pa.Column(
            nullable=name not in required, checks=checks, required=name in table.required
        )
    unique = list(UNIQUE_KEYS.get(kind, ())) or None
    return pa.DataFrameSchema(
        columns, unique=unique, report_duplicates="all", strict=False, name=kind
    )


def validate(
    frame: pd.DataFrame,
    kind: str,
    rows: np.ndarray,
    *,
    file: str,
    sheet: str | None,
    texts: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Problems found by the pandera schema of ``kind`` (empty when the table is valid)."""
    import pandera.pandas as pa

    s = schema(kind)
    checked = frame.set_axis(pd.RangeIndex(len(frame)), axis=0)
    try:
        s.validate(checked, lazy=True)
    except pa.errors.SchemaErrors as err:
        return _problems(err.failure_cases, rows, file=file, sheet=sheet, texts=texts or {})
    return []


def _problems(
    cases: pd.DataFrame,
    rows: np.ndarray,
    *,
    file: str,
    sheet: str | None,
    texts: dict[str, str],
) -> list[dict[str, Any]]:
    out = []
    for case in cases.itertuples(index=False):
        check = str(case.check)
        base = check.split("(")[0]
        rule = _RULE_OF_CHECK.get(base, "out_of_range")
        index = case.index
        row = int(rows[int(index)]) if index is not None and not pd.isna(index) else None
        column = str(case.column) if case.column is not None else None
        value = None if pd.isna(case.failure_case) else str(case.failure_case)
        if rule == "duplicate_key":
            message = f"{column} {value!r} appears more than once"
        elif rule == "missing_value":
            message = f"{column} is blank"
        else:
            message = f"{value!r} fails the check {check}"
        out.append(
            {
                "file": file,
                "sheet": sheet,
                "row": row,
                "column": texts.get(column or "", column),
                "value": value,
                "rule": rule,
                "message": message,
            }
        )
    return out


def _at(value: Any, pos: int) -> Any:
    """A per-table value (file, sheet) or, for stacked files, the one of row ``pos``."""
    return value if value is None or isinstance(value, str) else value[pos]


def cross_check(tables: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Problems between tables: references to hospitals, doctors and reps that do not exist.

    ``tables`` maps kind → {"frame", "rows", "file", "sheet", "texts"}.
    """
    out: list[dict[str, Any]] = []
    for kind, column, ref_kind, ref_column in REFERENCES:
        if kind not in tables or ref_kind not in tables:
            continue
        t, ref = tables[kind], tables[ref_kind]
        frame, ref_frame = t["frame"], ref["frame"]
        if column not in frame or ref_column not in ref_frame:
            continue
        values = frame[column]
        known = set(ref_frame[ref_column].dropna())
        missing = values.notna() & ~values.isin(known) & (values != "")
        if not missing.any():
            continue
        codes, uniques = pd.factorize(values[missing])
        first = {}
        positions = np.flatnonzero(missing.to_numpy())
        for pos, code in zip(positions, codes, strict=True):
            first.setdefault(code, []).append(pos)
        for code, where in first.items():
            value = uniques[code]
            for pos in where[:20]:
                out.append(
                    {
                        "file": _at(t["file"], pos),
                        "sheet": _at(t["sheet"], pos),
                        "row": int(t["rows"][pos]),
                        "column": t["texts"].get(column, column),
                        "value": str(value),
                        "rule": "unknown_reference",
                        "message": f"{column} {value!r} is not in the {ref_kind} table",
                    }
                )
            if len(where) > 20:
                out.append(
                    {
                        "file": _at(t["file"], where[0]),
                        "sheet": _at(t["sheet"], where[0]),
                        "row": None,
                        "column": t["texts"].get(column, column),
                        "value": str(value),
                        "rule": "unknown_reference",
                        "message": f"{len(where) - 20:,} more rows refer to {column} {value!r}",
                    }
                )
    return out
