"""The adoption ladder (seed 000: 7 uses fully … 1 opposes) read from the call log.

Private; reached through :mod:`repkit.tiering` (``current_rating``, ``rating_moves``,
``transition_matrix``, ``key_doctor_share``, ``period_bounds``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from repkit.calendar import Half
from repkit.schema import RATING_LABELS


def period_bounds(spec: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a period given as a half, quarter, month, date range.

    Parameters
    ----------
    spec
        ``"2026H1"`` / :class:`~repkit.calendar.Half`, ``"2026Q2"``, ``"2026-03"``, any
        ``pd.Period``, a year ``"2026"``, or a ``(start, end)`` pair of dates.

    Returns
    -------
    tuple of Timestamp
        Start and end day, both included (midnight).

    Examples
    --------
    >>> [str(d.date()) for d in rk.tiering.period_bounds("2026Q2")]
    ['2026-04-01', '2026-06-30']
    >>> [str(d.date()) for d in rk.tiering.period_bounds("2026H1")]
    ['2026-01-01', '2026-06-30']
    """
    if isinstance(spec, tuple | list) and len(spec) == 2:
        start, end = (pd.Timestamp(x).normalize() for x in spec)
        if end < start:
            raise ValueError(f"period ends before it starts: {spec!r}")
        return start, end
    if isinstance(spec, Half):
        return spec.start.start_time, spec.end.end_time.normalize()
    if isinstance(spec, pd.Period):
        return spec.start_time, spec.end_time.normalize()
    if isinstance(spec, dt.date):
        day = pd.Timestamp(spec).normalize()
        return day, day
    text = str(spec).strip()
    try:
        return period_bounds(Half.parse(text))
    except ValueError:
        pass
    try:
        period = pd.Period(text, freq="Q-DEC") if "q" in text.lower() else pd.Period(text)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"cannot read period {spec!r}; write it like '2026H1', '2026Q2', '2026-03' or "
            "give a (start, end) pair of dates"
        ) from err
    return period.start_time, period.end_time.normalize()


def _ratings_until(calls: pd.DataFrame, end: pd.Timestamp | None) -> pd.DataFrame:
    """Latest non-missing rating_after per doctor on or before ``end`` (last row wins)."""
    if calls.empty or "rating_after" not in calls.columns:
        return pd.DataFrame({"doctor_id": [], "rating": [], "rated_on": []})
    c = calls[["date", "doctor_id", "rating_after"]].copy()
    c["date"] = pd.to_datetime(c["date"]).dt.normalize()
    c["rating_after"] = pd.to_numeric(c["rating_after"], errors="coerce")
    c = c[c["rating_after"].notna()]
    if end is not None:
        c = c[c["date"] <= end]
    c["_pos"] = np.arange(len(c))
    c = c.sort_values(["date", "_pos"], kind="mergesort")
    last = c.groupby(c["doctor_id"].astype(str), sort=False).tail(1)
    return pd.DataFrame(
        {
            "doctor_id": last["doctor_id"].astype(str).to_numpy(),
            "rating": last["rating_after"].astype("int64").to_numpy(),
            "rated_on": last["date"].to_numpy(),
        }
    )


def current_rating(doctors: pd.DataFrame, calls: pd.DataFrame, *, at: Any = None) -> pd.DataFrame:
    """Each doctor's adoption rating (1–7) from the latest call, else from the doctor card.

    Parameters
    ----------
    doctors
        Canonical doctors table (doctor_id, rating).
    calls
        Canonical calls table (date, doctor_id, rating_after).
    at
        Only calls on or before this day (or before the end of this period, e.g.
        ``"2026-06"``); default: all calls.

    Returns
    -------
    DataFrame
        doctor_id, rating (Int64), rating_label, rated_on (date of the call, NaT for
        card ratings), source (``call``, ``card`` or missing); one row per doctor of
        ``doctors`` in its order, then doctors only seen in calls.

    Examples
    --------
    >>> d = pd.DataFrame({"doctor_id": ["D1", "D2"], "rating": [3, 4]})
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-01-05", "2026-02-03"]),
    ...                   "doctor_id": ["D1", "D1"], "rating_after": [4, 5]})
    >>> rk.tiering.current_rating(d, c)[["doctor_id", "rating", "source"]]
      doctor_id  rating source
    0        D1       5   call
    1        D2       4   card
    """
    end = None if at is None else period_bounds(at)[1]
    latest = _ratings_until(calls, end).set_index("doctor_id")
    ids = doctors["doctor_id"].astype(str) if "doctor_id" in doctors.columns else pd.Series([])
    extra = sorted(set(latest.index) - set(ids))
    all_ids = [*ids.tolist(), *extra]
    card = (
        pd.to_numeric(doctors.set_index(ids)["rating"], errors="coerce")
        if "rating" in doctors.columns
        else pd.Series(dtype="float64")
    )
    card = card[~card.index.duplicated()]
    out = pd.DataFrame({"doctor_id": all_ids})
    from_call = (
        out["doctor_id"].map(latest["rating"])
        if len(latest)
        else pd.Series(np.nan, index=out.index)
    )
    from_card = out["doctor_id"].map(card) if len(card) else pd.Series(np.nan, index=out.index)
    rating = from_call.astype("float64").where(from_call.notna(), from_card.astype("float64"))
    out["rating"] = rating.round().astype("Int64")
    out["rating_label"] = out["rating"].map(
        lambda r: RATING_LABELS.get(int(r)) if pd.notna(r) else None
    )
    out["rated_on"] = (
        pd.to_datetime(out["doctor_id"].map(latest["rated_on"])) if len(latest) else pd.NaT
    )
    out["source"] = np.where(
        from_call.notna(), "call", np.where(from_card.notna(), "card", np.array(None, dtype=object))
    )
    return out


def rating_moves(
    calls: pd.DataFrame,
    *,
    before: Any,
    after: Any,
    doctors: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each doctor's rating at the end of two periods and whether they moved up or slid back.

    The rating at the end of a period is the latest ``rating_after`` recorded on or
    before its last day (so a doctor not called in the second period keeps their
    rating). ``doctors`` (with ``rating``) supplies the starting (card) rating of
    doctors not called by the end of the first period; without it they are left out.
    Doctors never rated by a call up to the end of the second period are left out:
    nothing was observed about them.

    Parameters
    ----------
    calls
        Canonical calls table.
    before, after
        Periods (see :func:`period_bounds`), e.g. ``"2026Q1"`` and ``"2026Q2"``.
    doctors
        Optional doctors table for starting ratings.

    Returns
    -------
    DataFrame
        doctor_id, rating_before, rating_after, change, move (``up``/``same``/``down``).

    Examples
    --------
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-01-10", "2026-05-03", "2026-02-01"]),
    ...                   "doctor_id": ["D1", "D1", "D2"], "rating_after": [3, 5, 4]})
    >>> rk.tiering.rating_moves(c, before="2026Q1", after="2026Q2")
      doctor_id  rating_before  rating_after  change  move
    0        D1              3             5       2    up
    1        D2              4             4       0  same
    """
    end_1 = period_bounds(before)[1]
    end_2 = period_bounds(after)[1]
    if end_2 < end_1:
        raise ValueError(f"period 'after' ({after}) ends before 'before' ({before})")
    r1 = _ratings_until(calls, end_1).set_index("doctor_id")["rating"]
    r2 = _ratings_until(calls, end_2).set_index("doctor_id")["rating"]
    if doctors is not None and "rating" in doctors.columns:
        card = pd.to_numeric(
            doctors.set_index(doctors["doctor_id"].astype(str))["rating"], errors="coerce"
        )
        card = card[~card.index.duplicated()].dropna().astype("int64")
        r1 = r1.combine_first(card)
    ids = sorted(set(r1.index) & set(r2.index))
    out = pd.DataFrame(
        {
            "doctor_id": ids,
            "rating_before": r1.reindex(ids).astype("int64").to_numpy(),
            "rating_after": r2.reindex(ids).astype("int64").to_numpy(),
        }
    )
    out["change"] = out["rating_after"] - out["rating_before"]
    out["move"] = np.select([out["change"] > 0, out["change"] < 0], ["up", "down"], "same")
    return out


def transition_matrix(
    calls: pd.DataFrame,
    *,
    before: Any,
    after: Any,
    doctors: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Adoption-ladder transitions between two periods: doctors by rating before × after.

    Counts of :func:`rating_moves`; above the diagonal moved up, below slid back.

    Returns
    -------
    DataFrame
        7 × 7 counts, index ``rating_before`` 1–7, columns ``rating_after`` 1–7.
        ``attrs`` holds ``up``, ``same``, ``down`` and ``doctors`` counts.

    Examples
    --------
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-01-10", "2026-05-03", "2026-02-01"]),
    ...                   "doctor_id": ["D1", "D1", "D2"], "rating_after": [3, 5, 4]})
    >>> m = rk.tiering.transition_matrix(c, before="2026Q1", after="2026Q2")
    >>> int(m.loc[3, 5]), int(m.loc[4, 4]), m.attrs["up"]
    (1, 1, 1)
    """
    moves = rating_moves(calls, before=before, after=after, doctors=doctors)
    return _matrix(moves)


def _matrix(moves: pd.DataFrame) -> pd.DataFrame:
    """7 × 7 transition counts from :func:`rating_moves`."""
    levels = list(range(1, 8))
    m = pd.crosstab(moves["rating_before"], moves["rating_after"])
    m = m.reindex(index=levels, columns=levels, fill_value=0).astype("int64")
    m.index.name = "rating_before"
    m.columns.name = "rating_after"
    counts = moves["move"].value_counts()
    m.attrs.update(
        up=int(counts.get("up", 0)),
        same=int(counts.get("same", 0)),
        down=int(counts.get("down", 0)),
        doctors=len(moves),
    )
    return m


def key_doctor_share(
    tiers: pd.DataFrame,
    *,
    threshold: int = 5,
    key: Iterable[str] = ("A", "B"),
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of key doctors (tiers A and B) rated at or above ``threshold`` (seed 000: 60–80 %).

    Parameters
    ----------
    tiers
        Doctors with ``tier`` and ``rating`` (e.g. :func:`doctor_tiers` on doctors whose
        rating was updated by :func:`current_rating`).
    threshold
        Rating that counts as developed (5 = uses regularly).
    key
        Tiers that count as key doctors.
    by
        Optional column(s) to break down by (e.g. ``"hospital_id"``).

    Returns
    -------
    DataFrame
        (by columns,) key_doctors, developed, developed_share.

    Examples
    --------
    >>> t = pd.DataFrame({"tier": ["A", "B", "B", "C"], "rating": [6, 5, 3, 7]})
    >>> rk.tiering.key_doctor_share(t)
       key_doctors  developed  developed_share
    0            3          2         0.666667
    """
    if not 1 <= threshold <= 7:
        raise ValueError(f"threshold must be a rating 1–7, got {threshold}")
    keys = [by] if isinstance(by, str) else list(by) if by is not None else []
    k = tiers[tiers["tier"].isin(list(key))].copy()
    k["_dev"] = pd.to_numeric(k["rating"], errors="coerce") >= threshold
    if keys:
        g = k.groupby(keys, sort=True)["_dev"]
        out = pd.DataFrame({"key_doctors": g.size(), "developed": g.sum().astype("int64")})
        out = out.reset_index()
    else:
        out = pd.DataFrame({"key_doctors": [len(k)], "developed": [int(k["_dev"].sum())]})
    out["developed_share"] = np.where(
        out["key_doctors"] > 0,
        out["developed"] / out["key_doctors"].where(out["key_doctors"] > 0, 1),
        np.nan,
    )
    return out
