"""Checking forecast inputs: one monthly series, or a long table of many."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from repkit.errors import DataError
from repkit.forecast._engine import Series
from repkit.messages import join, say

MISSING = ("error", "zero", "interpolate")
"""Policies for months without a value: refuse, count as no sales, or interpolate."""

_FINER = ("D", "B", "W", "h", "H", "min", "s", "T", "S")


def _not_monthly(where: str, freq: str) -> DataError:
    return DataError(
        [
            {
                "column": "month",
                "value": freq,
                "rule": "not_monthly",
                "message": say("not_monthly", where=where, freq=freq),
            }
        ],
        summary=say("error.not_monthly"),
    )


def _as_months(index: pd.Index, *, where: str) -> pd.PeriodIndex:
    if isinstance(index, pd.PeriodIndex):
        if index.freqstr != "M":
            if index.freqstr.startswith(_FINER):
                raise _not_monthly(where, f"{index.freqstr} (daily or weekly)")
            raise ValueError(f"{where} must be monthly periods, got frequency {index.freqstr!r}")
        return index
    if isinstance(index, pd.DatetimeIndex):
        return index.to_period("M")
    try:
        return pd.PeriodIndex(index, freq="M")
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"{where} must be monthly: a PeriodIndex[M] or a DatetimeIndex of months"
        ) from err


def _finer_than_months(index: pd.Index) -> bool:
    """Several distinct dates fall in one month (daily or weekly data)."""
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        return False
    return index.normalize().nunique() > index.to_period("M").nunique()


def _check_missing(missing: str) -> None:
    if missing not in MISSING:
        raise ValueError(f"missing must be one of {', '.join(MISSING)}; got {missing!r}")


def _problem(value, rule: str, message: str) -> dict:
    return {"column": "month", "value": str(value), "rule": rule, "message": message}


def _fill(values: pd.Series, missing: str) -> pd.Series:
    """Months without a value (absent or NaN) filled by the ``missing`` policy."""
    full = pd.period_range(values.index.min(), values.index.max(), freq="M")
    values = values.reindex(full)
    if missing == "zero":
        return values.fillna(0.0)
    return values.interpolate(method="linear", limit_area="inside")


def check_series(y: pd.Series, *, missing: str = "error") -> pd.Series:
    """One monthly series with consecutive, unique months and finite numbers.

    ``missing`` says what a month without a value (absent, or NaN) means: ``"error"``
    refuses it, ``"zero"`` counts it as no sales, ``"interpolate"`` draws a straight line
    between its neighbours (levels such as prices or stock).

    Raises
    ------
    DataError
        Daily or weekly data (``not_monthly``), repeated months (``duplicate_key``),
        missing months (``missing_month``) or values that are not numbers
        (``bad_number``), all listed at once.
    TypeError
        ``y`` is not a pandas Series.
    """
    if not isinstance(y, pd.Series):
        raise TypeError(f"y must be a pandas Series indexed by month, got {type(y).__name__}")
    _check_missing(missing)
    if len(y) == 0:
        raise ValueError("y is empty; give at least one month of sales")
    if _finer_than_months(y.index):
        raise _not_monthly(say("word.series_index"), say("word.daily_weekly"))
    months = _as_months(y.index, where="y's index")
    raw = pd.Series(y.to_numpy(), index=months)
    values = pd.to_numeric(raw, errors="coerce")
    problems = []
    dup = months[months.duplicated()]
    problems += [
        _problem(m, "duplicate_key", say("duplicate_key.month", month=m)) for m in dup.unique()
    ]
    blank = raw.isna().to_numpy()
    bad = np.flatnonzero(~np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan)) & ~blank)
    problems += [
        {
            "column": str(y.name or "value"),
            "value": str(y.iloc[i]),
            "rule": "bad_number",
            "message": say("bad_number.month", month=months[i]),
        }
        for i in bad
    ]
    order = months[~blank].sort_values()
    if not len(dup) and missing == "error" and len(order):
        full = pd.period_range(order[0], order[-1], freq="M")
        problems += [
            _problem(m, "missing_month", say("missing_month", month=m))
            for m in full.difference(order)
        ]
    if problems:
        raise DataError(problems, summary=say("error.series"))
    values = values[~blank].sort_index().astype("float64")
    if not len(values):
        raise ValueError("y has no values; give at least one month of sales")
    return _fill(values, missing) if missing != "error" else values


def long_to_series(
    frame: pd.DataFrame,
    *,
    keys: Sequence[str],
    month: str,
    value: str,
    align: bool = False,
    missing: str = "zero",
) -> list[Series]:
    """Series per key of a long table; rows per key × month summed.

    Each series runs from its own first to its own last month, or over the table's whole
    span when ``align``. Months of that span without rows are filled by ``missing``:
    ``"zero"`` (no sales), ``"interpolate"`` (a straight line between the neighbours;
    months outside the series' own span stay zero) or ``"error"`` (refused, rule
    ``missing_month``). Blank values count as months without rows for ``"interpolate"``
    and are refused otherwise (``blank_value``, whose advice names the choices; values
    that are not numbers: ``bad_number``).
    """
    _check_missing(missing)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a DataFrame, got {type(frame).__name__}")
    missing_cols = [c for c in (*keys, month, value) if c not in frame.columns]
    if missing_cols:
        raise ValueError(
            f"frame has no column {missing_cols[0]!r}; its columns are {list(frame.columns)}"
        )
    if frame.empty:
        raise ValueError("frame has no rows")
    months = _as_months(pd.Index(frame[month]), where=f"column {month!r}")
    values = pd.to_numeric(frame[value], errors="coerce")
    # blank values are months without a value only for interpolation; a blank sales cell
    # is refused rather than silently read as zero
    empty = frame[value].isna().to_numpy()
    blank = empty & (missing == "interpolate")
    bad = ~np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan)) & ~blank
    if bad.any():
        rows = np.flatnonzero(bad)
        raise DataError(
            [
                {
                    "row": int(r) + 1,
                    "column": value,
                    "value": str(frame[value].iloc[r]),
                    "rule": "blank_value" if empty[r] else "bad_number",
                    "message": say(
                        "blank_value" if empty[r] else "bad_number.column", column=value
                    ),
                }
                for r in rows
            ],
            summary=say(
                "error.blank_values" if empty[rows].any() else "error.not_numbers",
                column=value,
                n=len(rows),
            ),
        )
    pos = (months.asi8 - months.asi8.min()).astype(np.int64)
    first_month = pd.Period(ordinal=int(months.asi8.min()), freq="M")
    n_months = int(pos.max()) + 1
    if keys:
        codes, uniques = pd.MultiIndex.from_frame(frame[list(keys)]).factorize(sort=True)
        key_list = list(uniques)
    else:
        codes, key_list = np.zeros(len(frame), dtype=np.int64), [()]
    ok = ~blank
    matrix = np.zeros((len(key_list), n_months))
    np.add.at(matrix, (codes[ok], pos[ok]), values.to_numpy(dtype="float64")[ok])
    seen = np.zeros((len(key_list), n_months), dtype=bool)
    seen[codes[ok], pos[ok]] = True
    starts = np.full(len(key_list), n_months)
    np.minimum.at(starts, codes[ok], pos[ok])
    ends = np.full(len(key_list), -1)
    np.maximum.at(ends, codes[ok], pos[ok])
    out, problems = [], []
    for i, key in enumerate(key_list):
        key = key if isinstance(key, tuple) else (key,)
        own = ends[i] >= 0 and not align  # a key with only blank values: zeros throughout
        lo, hi = (int(starts[i]), int(ends[i]) + 1) if own else (0, n_months)
        row, has = matrix[i, lo:hi].copy(), seen[i, lo:hi]
        inside = np.arange(lo, hi)
        gap = ~has & (inside > starts[i]) & (inside < ends[i])
        if gap.any() and missing == "interpolate":
            row[gap] = np.interp(inside[gap], inside[has], row[has])
        elif gap.any() and missing == "error":
            problems += [
                {
                    "column": month,
                    "value": str(first_month + int(p)),
                    "rule": "missing_month",
                    "message": say("missing_month.key", key=join(key), month=first_month + int(p)),
                }
                for p in inside[gap]
            ]
        idx = pd.period_range(first_month + lo, periods=hi - lo, freq="M")
        out.append(Series(key, row, idx))
    if problems:
        raise DataError(problems, summary=say("error.months_without_row", n=len(problems)))
    return out
