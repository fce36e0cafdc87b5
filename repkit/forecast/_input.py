"""Checking forecast inputs: one monthly series, or a long table of many."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from repkit.errors import DataError
from repkit.forecast._engine import Series


def _as_months(index: pd.Index, *, where: str) -> pd.PeriodIndex:
    if isinstance(index, pd.PeriodIndex):
        if index.freqstr != "M":
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


def _problem(value, rule: str, message: str) -> dict:
    return {"column": "month", "value": str(value), "rule": rule, "message": message}


def check_series(y: pd.Series) -> pd.Series:
    """One monthly series with consecutive, unique months and finite numbers.

    Raises
    ------
    DataError
        Repeated months (``duplicate_key``), missing months (``missing_value``) or values
        that are not finite numbers (``bad_number``), all listed at once.
    TypeError
        ``y`` is not a pandas Series.
    """
    if not isinstance(y, pd.Series):
        raise TypeError(f"y must be a pandas Series indexed by month, got {type(y).__name__}")
    if len(y) == 0:
        raise ValueError("y is empty; give at least one month of sales")
    months = _as_months(y.index, where="y's index")
    values = pd.to_numeric(pd.Series(y.to_numpy(), index=months), errors="coerce")
    problems = []
    dup = months[months.duplicated()]
    problems += [
        _problem(m, "duplicate_key", f"month {m} appears more than once in the series")
        for m in dup.unique()
    ]
    order = months.sort_values()
    if not len(dup):
        full = pd.period_range(order[0], order[-1], freq="M")
        problems += [
            _problem(
                m,
                "missing_value",
                f"month {m} is missing (the months must be "
                "consecutive; enter 0 for a month without sales)",
            )
            for m in full.difference(order)
        ]
    bad = np.flatnonzero(~np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan)))
    problems += [
        {
            "column": str(y.name or "value"),
            "value": str(y.iloc[i]),
            "rule": "bad_number",
            "message": f"the value of {months[i]} is not a number",
        }
        for i in bad
    ]
    if problems:
        raise DataError(problems, summary="the series cannot be forecast")
    return values.sort_index().astype("float64")


def long_to_series(
    frame: pd.DataFrame, *, keys: Sequence[str], month: str, value: str, align: bool = False
) -> list[Series]:
    """Series per key of a long table; rows per key × month summed, gaps as zero.

    Each series runs from its first month (the table's first month when ``align``) to the
    table's last month.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a DataFrame, got {type(frame).__name__}")
    missing = [c for c in (*keys, month, value) if c not in frame.columns]
    if missing:
        raise ValueError(
            f"frame has no column {missing[0]!r}; its columns are {list(frame.columns)}"
        )
    if frame.empty:
        raise ValueError("frame has no rows")
    months = _as_months(pd.Index(frame[month]), where=f"column {month!r}")
    values = pd.to_numeric(frame[value], errors="coerce")
    bad = ~np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))
    if bad.any():
        rows = np.flatnonzero(bad)
        raise DataError(
            [
                {
                    "row": int(r) + 1,
                    "column": value,
                    "value": str(frame[value].iloc[r]),
                    "rule": "bad_number",
                    "message": f"{value} is not a number",
                }
                for r in rows
            ],
            summary=f"{len(rows)} values of {value!r} are not numbers",
        )
    pos = (months.asi8 - months.asi8.min()).astype(np.int64)
    first_month = pd.Period(ordinal=int(months.asi8.min()), freq="M")
    n_months = int(pos.max()) + 1
    if keys:
        codes, uniques = pd.MultiIndex.from_frame(frame[list(keys)]).factorize(sort=True)
        key_list = list(uniques)
    else:
        codes, key_list = np.zeros(len(frame), dtype=np.int64), [()]
    matrix = np.zeros((len(key_list), n_months))
    np.add.at(matrix, (codes, pos), values.to_numpy(dtype="float64"))
    starts = np.full(len(key_list), n_months)
    np.minimum.at(starts, codes, pos)
    out = []
    for i, key in enumerate(key_list):
        start = 0 if align else int(starts[i])
        idx = pd.period_range(first_month + start, periods=n_months - start, freq="M")
        out.append(Series(key if isinstance(key, tuple) else (key,), matrix[i, start:], idx))
    return out
