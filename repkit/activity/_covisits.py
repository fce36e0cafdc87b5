"""Manager co-visits (协访) and night ward visits (夜访) as schedule entries.

Private; reached through :mod:`repkit.activity` (``co_visits``, ``night_visits``).
Seed 002: the regional manager co-visits at least 12 days a month; seed 000: night
visits to the inpatient and emergency wards, coordinated so that every evening someone
of the team is in the key hospital.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from repkit.calendar import working_days

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset

CO_VISIT_DAYS = 12
"""Co-visit days a month of the regional manager (seed 002: 不少于12天)."""
NIGHT_WARDS = ("急诊科", "住院部")
"""Wards of the night visits (seed 000: 加强急诊科室和住院部的夜访工作)."""
_LEVEL_RANK = {"3A": 0, "3": 1, "2": 2, "1": 3, "community": 4}


def _staff(ds: Dataset) -> pd.DataFrame:
    reps = ds.reps
    if "role" in reps.columns and (reps["role"] == "sales_staff").any():
        reps = reps[reps["role"] == "sales_staff"]
    if reps.empty:
        raise ValueError("the data set has no reps to schedule")
    return reps.sort_values("rep_id", kind="stable")


def _key_hospitals(ds: Dataset, ids: list[str]) -> list[str]:
    """The rep's hospitals, biggest first (level, then beds, then id)."""
    h = ds.hospitals[ds.hospitals["hospital_id"].isin(ids)]
    if h.empty:
        return list(ids)
    order = h.assign(
        _r=h["level"].map(_LEVEL_RANK).fillna(9),
        _b=-pd.to_numeric(h.get("beds"), errors="coerce").fillna(0),
    )
    return order.sort_values(["_r", "_b", "hospital_id"], kind="stable")["hospital_id"].tolist()


def _days(month: Any) -> pd.DatetimeIndex:
    p = pd.Period(month, freq="M")
    return working_days(p.start_time.date(), p.end_time.date())


def _names(ds: Dataset) -> tuple[pd.Series, pd.Series]:
    reps = ds.reps.set_index("rep_id")["name"] if "name" in ds.reps else pd.Series(dtype=str)
    hosp = ds.hospitals.set_index("hospital_id")["name"]
    return reps, hosp


def co_visits(
    ds: Dataset, month: Any, *, days: int = CO_VISIT_DAYS, manager: str = "区域经理"
) -> pd.DataFrame:
    """The manager's co-visit days of a month: one sales owner a day, in turn.

    Days are spread evenly over the month's working days; sales owners take turns
    (each gets ``days`` ÷ owners days, ±1) and are visited at their biggest hospitals
    in turn. The day's visits still count in the owner's capacity.

    Parameters
    ----------
    ds
        Dataset of one region (reps, hospitals).
    month
        The month, e.g. ``"2026-07"``.
    days
        Co-visit days (default 12, seed 002).
    manager
        Who co-visits (shown in the schedule).

    Returns
    -------
    DataFrame
        date, type (协访), manager, rep_id, rep, hospital_id, hospital.

    Raises
    ------
    ValueError
        More days than the month's working days, or a region without reps.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> cv = rk.activity.co_visits(ds, "2026-07")
    >>> len(cv), cv["date"].nunique(), cv["rep_id"].value_counts().tolist()
    (12, 12, [4, 4, 4])
    """
    work = _days(month)
    if not 0 <= days <= len(work):
        raise ValueError(f"days must be 0–{len(work)} (working days of {month}); got {days}")
    staff = _staff(ds)
    picks = [work[(i * len(work)) // days] for i in range(days)] if days else []
    rep_names, hosp_names = _names(ds)
    rows: list[dict[str, Any]] = []
    turn: dict[Any, int] = {}
    for i, day in enumerate(picks):
        rep = staff.iloc[i % len(staff)]
        hospitals = _key_hospitals(ds, list(rep["hospitals"]))
        k = turn.get(rep["rep_id"], 0)
        turn[rep["rep_id"]] = k + 1
        hid = hospitals[k % len(hospitals)] if hospitals else ""
        rows.append(
            {
                "date": day,
                "type": "协访",
                "manager": manager,
                "rep_id": rep["rep_id"],
                "rep": rep_names.get(rep["rep_id"], ""),
                "hospital_id": hid,
                "hospital": hosp_names.get(hid, hid),
            }
        )
    cols = ["date", "type", "manager", "rep_id", "rep", "hospital_id", "hospital"]
    return pd.DataFrame(rows, columns=cols)


def night_visits(ds: Dataset, month: Any, *, hospitals: list[str] | None = None) -> pd.DataFrame:
    """Night ward visits of a month: someone of the team at a key hospital every evening.

    Each working day's evening one sales owner (in turn) visits the emergency
    department and the inpatient wards of a key hospital (seed 000). Night visits come
    after the day's visits, so they do not use the daytime capacity.

    Parameters
    ----------
    ds
        Dataset of one region.
    month
        The month, e.g. ``"2026-07"``.
    hospitals
        Hospitals to cover, in turn (default: the region's 3A hospitals, else its
        biggest hospital).

    Returns
    -------
    DataFrame
        date, type (夜访), rep_id, rep, hospital_id, hospital, wards (急诊科、住院部).

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> nv = rk.activity.night_visits(ds, "2026-07")
    >>> len(nv) == len(rk.calendar.working_days("2026-07-01", "2026-07-31"))
    True
    >>> nv["wards"].iloc[0]
    '急诊科、住院部'
    """
    staff = _staff(ds)
    if hospitals is None:
        h = ds.hospitals
        top = h.loc[h["level"] == "3A", "hospital_id"].tolist()
        hospitals = top or _key_hospitals(ds, h["hospital_id"].tolist())[:1]
    if not hospitals:
        raise ValueError("no hospital for night visits")
    rep_names, hosp_names = _names(ds)
    rows = []
    for i, day in enumerate(_days(month)):
        rep = staff.iloc[i % len(staff)]
        hid = hospitals[i % len(hospitals)]
        rows.append(
            {
                "date": day,
                "type": "夜访",
                "rep_id": rep["rep_id"],
                "rep": rep_names.get(rep["rep_id"], ""),
                "hospital_id": hid,
                "hospital": hosp_names.get(hid, hid),
                "wards": "、".join(NIGHT_WARDS),
            }
        )
    return pd.DataFrame(
        rows, columns=["date", "type", "rep_id", "rep", "hospital_id", "hospital", "wards"]
    )
