"""pandera schemas of the canonical tables, and the checks across tables.

The readers already refuse cells they cannot read; the schemas state what a canonical
table is (non-blank keys, codes from the code lists, ratings 1–7, unique keys of the
master tables, no negative prices or beds) and catch what only shows on the whole table.
Failures come back as problems with the row numbers of the file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from repkit._paths import is_safe_id
from repkit.io._quotas import quota_problems
from repkit.labels import OVERRIDE_SCOPES
from repkit.messages import join, language, name_column, name_table, say
from repkit.schema import CODE_LISTS, TABLES

UNIQUE_KEYS: dict[str, tuple[str, ...]] = {
    "products": ("product",),
    "hospitals": ("hospital_id",),
    "doctors": ("doctor_id",),
    "reps": ("rep_id",),
    "collections": ("month", "region", "distributor"),
    "nurses": ("hospital_id", "department", "name"),
    "listings": ("hospital_id", "product"),
    "swot": ("region", "category", "content"),
}
"""Tables whose key must be unique (sales and calls may repeat a key: several
distributors or departments per month, two visits a day; targets are checked as a set
of quotas by level and period in :mod:`repkit.io._quotas`)."""

NON_NEGATIVE = (
    "price_supply",
    "price_retail",
    "beds",
    "potential",
    "price",
    "invited",
    "attended",
    "first_prescribers",
    "rate",
)

PLAUSIBLE_RANGES: dict[str, tuple[float, float]] = {
    "units": (-1e7, 1e7),
    "amount": (-1e10, 1e10),
    "price_supply": (-np.inf, 1e6),  # negatives: out_of_range (NON_NEGATIVE)
    "price_retail": (-np.inf, 1e6),  # negatives: out_of_range (NON_NEGATIVE)
    "beds": (-np.inf, 2e4),  # negatives: out_of_range (NON_NEGATIVE)
    "potential": (-np.inf, 1e9),  # negatives: out_of_range (NON_NEGATIVE)
    "shipped": (-1e10, 1e10),
    "collected": (-1e10, 1e10),
    "stock": (-1e10, 1e10),
    "price": (-np.inf, 1e6),  # negatives: out_of_range (NON_NEGATIVE)
    "invited": (-np.inf, 1e4),  # negatives: out_of_range (NON_NEGATIVE)
    "attended": (-np.inf, 1e4),  # negatives: out_of_range (NON_NEGATIVE)
    "first_prescribers": (-np.inf, 1e4),  # negatives: out_of_range (NON_NEGATIVE)
}
"""Plausible range (low, high, both included) of a number in one row, by column.

A value outside is refused with rule ``implausible_value`` (as are infinities): a
typing slip or a corrupt export, not a sale. Negative units and amounts are returns,
so they are allowed down to minus the limit. Change an entry (e.g.
``rk.io.PLAUSIBLE_RANGES["units"] = (-1e8, 1e8)``) before reading to allow larger rows;
the change applies to every table with that column."""

REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    ("sales", "hospital_id", "hospitals", "hospital_id"),
    ("doctors", "hospital_id", "hospitals", "hospital_id"),
    ("calls", "doctor_id", "doctors", "doctor_id"),
    ("calls", "rep_id", "reps", "rep_id"),
    ("nurses", "hospital_id", "hospitals", "hospital_id"),
    ("competitors", "hospital_id", "hospitals", "hospital_id"),
    ("meetings", "hospital_id", "hospitals", "hospital_id"),
    ("listings", "hospital_id", "hospitals", "hospital_id"),
    ("overrides", "hospital_id", "hospitals", "hospital_id"),
    ("swot", "region", "hospitals", "region"),
    ("swot", "product", "products", "product"),
    ("targets", "hospital_id", "hospitals", "hospital_id"),
    ("targets", "rep_id", "reps", "rep_id"),
)
"""(table, column, referenced table, referenced column) checked by load_dataset."""

ID_COLUMNS = ("rep_id", "hospital_id", "doctor_id", "region")
"""Columns whose values name files or folders (schedules per rep, folders per region):
path characters in them are refused with rule ``unsafe_id``."""

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
    distinct: Mapping[str, Sequence[Any]] | None = None,
) -> list[dict[str, Any]]:
    """Problems found by the pandera schema of ``kind`` (empty when the table is valid).

    ``distinct`` gives the distinct values of text columns when the reader knows them.
    """
    sections = validate_sections(
        frame, kind, rows, file=file, sheet=sheet, texts=texts, distinct=distinct
    )
    return [p for section in sections for p in section]


def validate_sections(
    frame: pd.DataFrame,
    kind: str,
    rows: np.ndarray,
    *,
    file: str,
    sheet: str | None,
    texts: dict[str, str] | None = None,
    distinct: Mapping[str, Sequence[Any]] | None = None,
) -> list[list[dict[str, Any]]]:
    """The problems of :func:`validate`, one list per check (schema, ranges, IDs …)."""
    import pandera.pandas as pa

    s = schema(kind)
    texts = texts or {}
    checked = frame.set_axis(pd.RangeIndex(len(frame)), axis=0)
    where: dict[str, Any] = {"file": file, "sheet": sheet, "texts": texts}
    out = [
        [],
        _implausible(checked, rows, **where),
        _unsafe_ids(checked, rows, distinct=distinct, **where),
        _attendance(checked, rows, **where),
        override_problems(checked, rows, **where) if kind == "overrides" else [],
        quota_problems(checked, rows, **where) if kind == "targets" else [],
    ]
    try:
        s.validate(checked, lazy=True)
    except pa.errors.SchemaErrors as err:
        out[0] = _problems(err.failure_cases, rows, **where)
    return out


ROW_BY_ROW = frozenset(
    k for k in TABLES if k not in UNIQUE_KEYS and k not in ("overrides", "targets")
)
"""Tables whose checks look at one row at a time (no unique key, no repeated override,
no set of quotas): they can be checked in chunks (:func:`merge_sections`)."""


def _section_rank(
    p: dict[str, Any], *, order: list[str], canonical: dict[str, str], schema_check: bool
) -> tuple[int, int]:
    """Where a problem of one check comes in a check of the whole table (column, check)."""
    shown = p.get("column")
    c = canonical.get(shown, shown) if isinstance(shown, str) else shown
    at = order.index(c) if c in order else len(order)
    return at, int(schema_check and p["rule"] != "missing_value")


def merge_sections(
    kind: str, chunks: list[list[list[dict[str, Any]]]], texts: dict[str, str]
) -> list[dict[str, Any]]:
    """The problems of a table checked chunk by chunk, as one check of the whole lists them.

    ``chunks``: :func:`validate_sections` of each chunk, in file order. Every check lists
    its problems column by column (schema: columns in schema order, a blank cell before
    other checks of the column; ranges: :data:`PLAUSIBLE_RANGES` order; IDs:
    :data:`ID_COLUMNS` order), each column's problems by row.
    """
    if kind not in ROW_BY_ROW:
        raise ValueError(f"{kind} has checks across rows; it cannot be checked in chunks")
    canonical = {shown: c for c, shown in texts.items()}
    orders = [list(schema(kind).columns), list(PLAUSIBLE_RANGES), list(ID_COLUMNS)]
    out: list[dict[str, Any]] = []
    for i in range(len(chunks[0]) if chunks else 0):
        merged = [p for chunk in chunks for p in chunk[i]]
        rank = functools.partial(
            _section_rank,
            order=orders[i] if i < len(orders) else [],
            canonical=canonical,
            schema_check=i == 0,
        )
        out += sorted(merged, key=rank)  # stable: rows stay in file order
    return out


def _implausible(
    frame: pd.DataFrame,
    rows: np.ndarray,
    *,
    file: str,
    sheet: str | None,
    texts: dict[str, str],
) -> list[dict[str, Any]]:
    """Numbers outside :data:`PLAUSIBLE_RANGES` (and infinities): rule implausible_value."""
    out = []
    for column, (low, high) in PLAUSIBLE_RANGES.items():
        if column not in frame or not pd.api.types.is_numeric_dtype(frame[column]):
            continue
        values = frame[column].astype("float64")
        bad = values.notna() & (~values.between(low, high) | ~np.isfinite(values))
        for pos in np.flatnonzero(bad.to_numpy()):
            value = float(values.iloc[pos])
            out.append(
                {
                    "file": file,
                    "sheet": sheet,
                    "row": int(rows[pos]),
                    "column": texts.get(column, column),
                    "value": f"{value:g}",
                    "rule": "implausible_value",
                    "message": say(
                        "implausible_value",
                        column=name_column(column),
                        value=value,
                        low=low,
                        high=high,
                    ),
                }
            )
    return out


def _unsafe_ids(
    frame: pd.DataFrame,
    rows: np.ndarray,
    *,
    file: str,
    sheet: str | None,
    texts: dict[str, str],
    distinct: Mapping[str, Sequence[Any]] | None = None,
) -> list[dict[str, Any]]:
    """IDs with path characters (``../``, slashes, NUL…): rule unsafe_id."""
    out = []
    for column in ID_COLUMNS:
        if column not in frame:
            continue
        values = frame[column]
        # IDs repeat (a hospital on every sales row): test each distinct value once
        known = (distinct or {}).get(column)
        uniques = known if known is not None else values.dropna().unique()
        unsafe = {v for v in uniques if isinstance(v, str) and not is_safe_id(v)}
        if not unsafe:
            continue
        bad = values.isin(unsafe).to_numpy(dtype=bool)
        for pos in np.flatnonzero(bad):
            value = str(values.iloc[pos])
            out.append(
                {
                    "file": file,
                    "sheet": sheet,
                    "row": int(rows[pos]),
                    "column": texts.get(column, column),
                    "value": value,
                    "rule": "unsafe_id",
                    "message": say("unsafe_id", column=name_column(column), value=value),
                }
            )
    return out


def _attendance(
    frame: pd.DataFrame,
    rows: np.ndarray,
    *,
    file: str,
    sheet: str | None,
    texts: dict[str, str],
) -> list[dict[str, Any]]:
    """Meetings with more attendees than invitees: rule attended_above_invited."""
    if "attended" not in frame or "invited" not in frame:
        return []
    attended = pd.to_numeric(frame["attended"], errors="coerce").astype("float64")
    invited = pd.to_numeric(frame["invited"], errors="coerce").astype("float64")
    bad = (attended > invited).to_numpy()
    return [
        {
            "file": file,
            "sheet": sheet,
            "row": int(rows[pos]),
            "column": texts.get("attended", "attended"),
            "value": f"{attended.iloc[pos]:g}",
            "rule": "attended_above_invited",
            "message": say(
                "attended_above_invited",
                attended=attended.iloc[pos],
                invited=invited.iloc[pos],
            ),
        }
        for pos in np.flatnonzero(bad)
    ]


_SALES_SCOPES = ("hospital", "hospital_product", "product", "product_line")
_ONE_PRODUCT = ("hospital_product", "product")
_NEEDS_HOSPITAL = ("hospital", "hospital_product", "department_development")


def _blank(value: Any) -> bool:
    return value is None or (not isinstance(value, list | tuple) and pd.isna(value)) or value == ""


def _override_row(rec: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(rule, column, message) of one override row; empty when the row is sound."""
    scope, kind, period = rec.get("scope"), rec.get("kind"), rec.get("period")
    listed: Any = rec.get("products")
    products = [] if _blank(listed) else list(listed)
    hospital = not (_blank(rec.get("hospital_id")) and _blank(rec.get("hospital")))
    given = [c for c in ("units", "amount", "rate") if not _blank(rec.get(c))]
    shown = str(scope) if language() == "en" else OVERRIDE_SCOPES.get(str(scope), str(scope))
    out: list[tuple[str, str, str]] = []
    if scope in _NEEDS_HOSPITAL and not hospital:
        out.append(("override_scope", "hospital_id", say("override_scope.hospital", scope=shown)))
    if scope == "product" and hospital:
        out.append(("override_scope", "hospital_id", say("override_scope.region_wide")))
    if scope in _ONE_PRODUCT and len(products) != 1:
        out.append(("override_scope", "products", say("override_scope.one_product", scope=shown)))
    if scope == "product_line" and not products:
        out.append(("override_scope", "products", say("override_scope.line")))
    if scope in ("hospital", "department_development") and products:
        out.append(("override_scope", "products", say("override_scope.all_products", scope=shown)))
    if scope in _SALES_SCOPES and sorted(given) not in (["units"], ["amount"]):
        out.append(("override_value", "units", say("override_value.one")))
    if scope == "department_development":
        rate: Any = rec.get("rate")
        if given != ["rate"]:
            out.append(("override_value", "rate", say("override_value.rate_only")))
        elif not 0 < float(rate) <= 1:
            out.append(("override_value", "rate", say("override_value.rate", rate=rate)))
        if kind not in ("fixed", "milestone", "floor"):
            out.append(("override_value", "kind", say("override_value.kind")))
    if kind == "milestone" and isinstance(period, str) and "H" in period:
        out.append(("override_period", "period", say("override_period")))
    return out


def override_problems(
    frame: pd.DataFrame,
    rows: np.ndarray,
    *,
    file: str,
    sheet: str | None,
    texts: dict[str, str],
) -> list[dict[str, Any]]:
    """Override rows (经理指定) whose scope, value or period do not fit together.

    Rules ``override_scope`` (which columns a scope needs), ``override_value`` (units
    or amount for sales scopes, a 0–100 % rate for department goals) and
    ``override_period`` (a milestone is one month); exact repeats of a row's scope,
    kind and period are ``duplicate_key``.
    """
    out: list[dict[str, Any]] = []
    if frame.empty:
        return out
    seen: dict[tuple[Any, ...], int] = {}
    for pos, rec in enumerate(frame.to_dict("records")):
        row = int(rows[pos])
        found = _override_row(rec)
        cols = ("region", "scope", "hospital_id", "hospital", "products", "kind", "period")
        key = tuple(str(rec.get(c)) for c in cols)
        if key in seen:
            found.append(("duplicate_key", "period", f"repeats the override of row {seen[key]}"))
        else:
            seen[key] = row
        for rule, column, message in found:
            value = rec.get(column)
            out.append(
                {
                    "file": file,
                    "sheet": sheet,
                    "row": row,
                    "column": texts.get(column, column),
                    "value": None if _blank(value) else str(value),
                    "rule": rule,
                    "message": message,
                }
            )
    return out


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
            message = say("duplicate_key", column=name_column(column), value=value)
        elif rule == "missing_value":
            message = say("missing_value", column=name_column(column))
        elif base == "greater_than_or_equal_to":
            message = say(
                "out_of_range.negative", column=name_column(column), value=value, check=check
            )
        elif rule == "bad_code":
            message = say("bad_code.listed", value=value, check=check)
        else:
            message = say("out_of_range", value=value, check=check)
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


def _hashable(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The frame with list columns (reps' hospitals …) as text, so rows can be hashed."""
    types = TABLES[kind].columns
    lists = [c for c in frame.columns if types.get(c) == "list"]
    return frame.assign(**{c: frame[c].astype(str) for c in lists}) if lists else frame


def _identity(frame: pd.DataFrame, kind: str) -> pd.Series:
    """A hash per row of the columns that say what the row is about (not its numbers)."""
    return pd.util.hash_pandas_object(_hashable(frame[_identity_columns(frame)], kind), index=False)


def overlapping_files(kind: str, parts: list[Any]) -> list[dict[str, Any]]:
    """Problems for files of one table that repeat each other's rows (rule duplicate_file).

    Two files of a table overlap when a row of one is about the same thing as a row of
    the other (equal in every column but the numbers: month, hospital, product,
    distributor …), as when an export is saved twice (``销售明细 - 副本.xlsx``,
    ``销售明细 (1).xlsx``). Stacking them would count those rows twice, so they are
    refused; a file whose rows are all equal to another file's is named as a copy.

    ``parts`` are the reads (frame, rows, file, sheet) of the table's files.
    """
    out: list[dict[str, Any]] = []
    if len(parts) < 2:
        return out
    idents = [_identity(p.frame, kind) for p in parts]
    for j in range(1, len(parts)):
        for i in range(j):
            shared = idents[j].isin(set(idents[i])).to_numpy()
            if not shared.any():
                continue
            a, b = parts[i], parts[j]
            if _looks_like_copy(a.file) and not _looks_like_copy(b.file):
                a, b = b, a
                shared = idents[i].isin(set(idents[j])).to_numpy()
            same = len(a.frame) == len(b.frame) and _same_rows(a.frame, b.frame, kind)
            first = int(np.flatnonzero(shared)[0])
            what = (
                say("duplicate_file.copy", file=b.file, other=a.file, n=len(b.frame))
                if same
                else say(
                    "duplicate_file",
                    file=b.file,
                    other=a.file,
                    n=int(shared.sum()),
                    columns=join(name_column(c) for c in _identity_columns(b.frame)),
                    table=name_table(kind),
                )
            )
            out.append(
                {
                    "file": b.file,
                    "sheet": b.sheet,
                    "row": int(b.rows[first]),
                    "column": None,
                    "value": a.file,
                    "rule": "duplicate_file",
                    "message": what,
                }
            )
    return out


_COPY_NAME = re.compile(r"副本|copy|[(（]\s*\d+\s*[)）]\s*$", re.IGNORECASE)


def _looks_like_copy(name: str) -> bool:
    """Whether a file name reads like a saved copy (``… - 副本``, ``… (1)``, ``Copy of``)."""
    return bool(_COPY_NAME.search(name.rsplit(".", 1)[0]))


def _identity_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if not pd.api.types.is_float_dtype(frame[c])]


def _same_rows(a: pd.DataFrame, b: pd.DataFrame, kind: str) -> bool:
    """Whether two frames hold the same rows, in any order."""
    if list(a.columns) != list(b.columns):
        return False
    ha = pd.util.hash_pandas_object(_hashable(a, kind), index=False)
    hb = pd.util.hash_pandas_object(_hashable(b, kind), index=False)
    return bool((np.sort(ha.to_numpy()) == np.sort(hb.to_numpy())).all())


def _at(value: Any, pos: int) -> Any:
    """A per-table value (file, sheet) or, for stacked files, the one of row ``pos``."""
    return value if value is None or isinstance(value, str) else value[pos]


def cross_check(tables: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Problems between tables: references to hospitals, doctors and reps that do not exist.

    ``tables`` maps kind → {"frame", "rows", "file", "sheet", "texts"}. Targets stacked
    from several files are checked again as one set of quotas, and quotas given to
    registered medical representatives are refused.
    """
    out: list[dict[str, Any]] = []
    if "targets" in tables:
        t = tables["targets"]
        if not isinstance(t["file"], str | None):
            out += quota_problems(
                t["frame"], t["rows"], file=t["file"], sheet=t["sheet"], texts=t["texts"]
            )
        out += _medical_rep_quotas(t, tables.get("reps"))
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
        first: dict[int, list[int]] = {}
        positions = np.flatnonzero(missing.to_numpy()).tolist()
        for pos, code in zip(positions, codes.tolist(), strict=True):
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
                        "message": say(
                            "unknown_reference",
                            column=name_column(column),
                            value=value,
                            table=name_table(ref_kind),
                        ),
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
                        "message": say(
                            "unknown_reference.more",
                            n=len(where) - 20,
                            column=name_column(column),
                            value=value,
                        ),
                    }
                )
    return out


def _medical_rep_quotas(t: dict[str, Any], reps: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Quotas of registered medical representatives: rule quota_for_medical_rep."""
    frame = t["frame"]
    if reps is None or "rep_id" not in frame or "role" not in reps["frame"]:
        return []
    r = reps["frame"]
    medical = set(r.loc[r["role"].astype(str) == "medical_rep", "rep_id"].astype(str))
    bad = frame["rep_id"].astype(object).isin(medical).to_numpy()
    return [
        {
            "file": _at(t["file"], pos),
            "sheet": _at(t["sheet"], pos),
            "row": int(t["rows"][pos]),
            "column": t["texts"].get("rep_id", "rep_id"),
            "value": str(frame["rep_id"].iloc[pos]),
            "rule": "quota_for_medical_rep",
            "message": say("quota_for_medical_rep", rep=frame["rep_id"].iloc[pos]),
        }
        for pos in np.flatnonzero(bad).tolist()
    ]
