"""Call and visit KPIs of seeds 000, 002 and 003, measured on the call log.

Private; reached through :mod:`repkit.activity`. Every KPI is about activity and
adoption, never about a doctor's prescriptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from repkit.activity._norms import _levels, _norm_lookup, norms_table
from repkit.calendar import working_days
from repkit.labels import KPI_LABELS as KPI_LABELS  # the registry's; re-exported here
from repkit.schema import CALL_PURPOSES
from repkit.tiering import TIERS, period_bounds

NOT_EFFECTIVE_RESULTS: frozenset[str] = frozenset(
    {"未见到", "未见面", "未遇到", "未拜访成功", "取消", "not met", "not_met", "cancelled"}
)
"""Call results that do not count as an effective visit (the doctor was not met)."""

KPI_NORMS: dict[str, float] = {
    "visits_per_day": 8.0,
    "coverage": 1.0,
    "frequency": 0.9,
    "development": 1.0,
    "key_doctors": 0.6,
    "attendance": 0.9,
}
"""Norms the KPI table compares with: ≥ 8 effective visits a working day (seed 003),
every tiered doctor visited (seed 000: 一般医生的开发百分之百), 90 % of doctor-months at
their visit norm (repkit default), every target department developed (seed 000: 70 % →
100 %), 60 % of key doctors at rating ≥ 5 (seed 000: 60–80 %), 90 % meeting attendance."""


KPI_DISPLAY_COLUMNS: dict[str, str] = {
    "label": "指标",
    "value": "实际",
    "norm": "规范",
    "unit": "单位",
    "meets": "达标",
    "basis": "依据",
}
"""Chinese headings of :func:`kpi_display`."""


def _kpi_number(value: float, unit: str, digits: int) -> str:
    if pd.isna(value):
        return "–"
    if unit == "%":
        return f"{value * 100:,.{digits}f}%"
    if unit in ("场",):
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def kpi_display(kpis: pd.DataFrame) -> pd.DataFrame:
    """The KPI table as text for a document: rates in %, per-day figures with a decimal.

    Rates (unit ``%``, stored 0–1) print as percentages with one decimal, visits a day
    and days with one decimal, meetings as whole numbers. ``meets`` comes from the
    unrounded value; when a value that misses its norm would print the same as the
    norm, more decimals are shown so the text never contradicts 是/否.

    Parameters
    ----------
    kpis
        Output of :func:`repkit.activity.kpi_table`.

    Returns
    -------
    DataFrame
        Text columns with the Chinese headings of :data:`KPI_DISPLAY_COLUMNS`
        (指标, 实际, 规范, 单位, 达标, 依据); 达标 is 是, 否 or – (no norm).

    Examples
    --------
    >>> k = pd.DataFrame({"label": ["人均每工作日有效拜访", "B类拜访频率达标率"],
    ...                   "value": [7.6, 0.27], "norm": [8.0, 0.9], "unit": ["次/日", "%"],
    ...                   "meets": [False, False], "basis": ["4 名代表", "30 个医生·月"]})
    >>> kpi_display(k)[["实际", "规范", "达标"]].values.tolist()
    [['7.6', '8.0', '否'], ['27.0%', '90.0%', '否']]
    """
    rows = []
    for r in kpis.itertuples(index=False):
        unit = str(r.unit)
        meets = bool(r.meets) if pd.notna(r.meets) else None
        digits = 1
        value = _kpi_number(r.value, unit, digits)
        norm = _kpi_number(r.norm, unit, digits)
        while meets is False and value == norm and digits < 4:
            digits += 1
            value, norm = _kpi_number(r.value, unit, digits), _kpi_number(r.norm, unit, digits)
        rows.append(
            {
                "label": r.label,
                "value": value,
                "norm": norm,
                "unit": unit,
                "meets": "–" if meets is None else ("是" if meets else "否"),
                "basis": r.basis,
            }
        )
    out = pd.DataFrame(rows, columns=list(KPI_DISPLAY_COLUMNS))
    return out.rename(columns=KPI_DISPLAY_COLUMNS)


def effective_calls(calls: pd.DataFrame) -> pd.DataFrame:
    """Calls that count as effective visits: all but those whose result says "not met".

    A call log records visits that happened, so every row counts unless its
    ``result`` is one of :data:`NOT_EFFECTIVE_RESULTS` (未见到, 取消, …).

    Examples
    --------
    >>> c = pd.DataFrame({"result": ["达到目标", "未见到", None]})
    >>> len(rk.activity.effective_calls(c))
    2
    """
    if "result" not in calls.columns or calls.empty:
        return calls
    text = calls["result"].astype("str").str.strip().str.lower()
    return calls[~text.isin(NOT_EFFECTIVE_RESULTS)]


def _calls_in(calls: pd.DataFrame, period: Any) -> tuple[pd.DataFrame, pd.Timestamp, pd.Timestamp]:
    start, end = period_bounds(period)
    if calls.empty:
        return calls.assign(date=pd.to_datetime(calls.get("date", []))), start, end
    c = calls.copy()
    c["date"] = pd.to_datetime(c["date"]).dt.normalize()
    c = c[(c["date"] >= start) & (c["date"] <= end)]
    return effective_calls(c), start, end


def visits_per_day(
    calls: pd.DataFrame,
    *,
    period: Any,
    reps: pd.DataFrame | None = None,
    norm: float = KPI_NORMS["visits_per_day"],
) -> pd.DataFrame:
    """Effective visits per rep per working day against the norm (seed 003: ≥ 8).

    Parameters
    ----------
    calls
        Canonical calls table.
    period
        Period measured (see :func:`repkit.tiering.period_bounds`), e.g. ``"2026H1"``.
    reps
        Reps table: reps without calls are listed with 0; names and roles shown.
    norm
        Effective visits a working day.

    Returns
    -------
    DataFrame
        rep_id, name, role, working_days (of the period, Chinese calendar), visits,
        visits_per_day, days_active, days_at_norm, norm, meets_norm.

    Examples
    --------
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-03-02"] * 8 + ["2026-03-03"] * 4),
    ...                   "rep_id": "R1", "doctor_id": [f"D{i}" for i in range(12)]})
    >>> v = rk.activity.visits_per_day(c, period=("2026-03-02", "2026-03-03"))
    >>> v[["visits", "working_days", "visits_per_day", "days_at_norm", "meets_norm"]]
       visits  working_days  visits_per_day  days_at_norm  meets_norm
    0      12             2             6.0             1       False
    """
    c, start, end = _calls_in(calls, period)
    wd = len(working_days(start.date(), end.date()))
    ids = list(
        dict.fromkeys(
            [
                *(reps["rep_id"].astype(str) if reps is not None else []),
                *sorted(c["rep_id"].astype(str).unique()),
            ]
        )
    )
    per_day = c.groupby([c["rep_id"].astype(str), c["date"]]).size()
    rows = []
    for r in ids:
        days = (
            per_day.loc[r] if r in per_day.index.get_level_values(0) else pd.Series(dtype="int64")
        )
        visits = int(days.sum())
        rows.append(
            {
                "rep_id": r,
                "working_days": wd,
                "visits": visits,
                "visits_per_day": visits / wd if wd else np.nan,
                "days_active": len(days),
                "days_at_norm": int((days >= norm).sum()),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "rep_id",
            "working_days",
            "visits",
            "visits_per_day",
            "days_active",
            "days_at_norm",
        ],
    )
    info = reps.set_index(reps["rep_id"].astype(str)) if reps is not None else pd.DataFrame()
    out.insert(1, "name", out["rep_id"].map(info["name"]) if "name" in info else None)
    out.insert(2, "role", out["rep_id"].map(info["role"]) if "role" in info else None)
    out["norm"] = float(norm)
    out["meets_norm"] = out["visits_per_day"] >= norm
    return out


def _tier_frame(tiers: pd.DataFrame, hospitals: pd.DataFrame | None) -> pd.DataFrame:
    t = pd.DataFrame(
        {
            "doctor_id": tiers["doctor_id"].astype(str).to_numpy(),
            "hospital_id": tiers["hospital_id"].astype(str).to_numpy(),
            "tier": tiers["tier"].to_numpy(),
            "level": _levels(tiers, hospitals).to_numpy(),
        }
    )
    return t


def coverage(
    calls: pd.DataFrame,
    tiers: pd.DataFrame,
    *,
    period: Any,
    by: str | Sequence[str] = "tier",
    hospitals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share of tiered doctors with at least one effective visit in the period.

    Parameters
    ----------
    calls
        Canonical calls table.
    tiers
        Doctors with ``tier`` (see :func:`repkit.tiering.doctor_tiers`).
    period
        Period measured.
    by
        ``"tier"`` or e.g. ``["tier", "level"]`` (level from ``tiers`` or ``hospitals``).
    hospitals
        Hospitals table for the level.

    Returns
    -------
    DataFrame
        (by columns,) doctors, visited, coverage_rate.

    Examples
    --------
    >>> t = pd.DataFrame({"doctor_id": ["D1", "D2", "D3"], "hospital_id": "H1",
    ...                   "tier": ["A", "B", "B"]})
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-03-02"]), "rep_id": "R1",
    ...                   "doctor_id": ["D2"]})
    >>> rk.activity.coverage(c, t, period="2026-03")
      tier  doctors  visited  coverage_rate
    0    A        1        0            0.0
    1    B        2        1            0.5
    2    C        0        0            NaN
    """
    keys = [by] if isinstance(by, str) else list(by)
    c, _, _ = _calls_in(calls, period)
    t = _tier_frame(tiers, hospitals)
    t["visited"] = t["doctor_id"].isin(set(c["doctor_id"].astype(str)))
    g = t.groupby(keys, sort=True)["visited"]
    out = pd.DataFrame({"doctors": g.size(), "visited": g.sum().astype("int64")})
    if keys == ["tier"]:
        out = out.reindex(list(TIERS), fill_value=0)
        out.index.name = "tier"
    out = out.reset_index()
    out["coverage_rate"] = out["visited"] / out["doctors"].where(out["doctors"] > 0)
    return out


def frequency_compliance(
    calls: pd.DataFrame,
    tiers: pd.DataFrame,
    *,
    period: Any,
    norms: Any = None,
    hospitals: pd.DataFrame | None = None,
    by: str | Sequence[str] = "tier",
    detail: bool = False,
) -> pd.DataFrame:
    """Doctor-months at or above their visit norm (tier × hospital level), per tier.

    Parameters
    ----------
    calls
        Canonical calls table.
    tiers
        Doctors with ``tier`` and hospital_id (level from ``level`` or ``hospitals``).
    period
        Period measured; every month it touches counts.
    norms
        Visit norms (see :func:`repkit.activity.norms_table`).
    hospitals
        Hospitals table for the level.
    by
        Grouping of the summary: ``"tier"`` or e.g. ``["tier", "level"]``.
    detail
        Return one row per doctor and month instead (doctor_id, month, tier, level,
        visits, norm, compliant).

    Returns
    -------
    DataFrame
        (by columns,) doctors, doctor_months, compliant, compliance_rate, mean_visits,
        mean_norm.

    Examples
    --------
    >>> t = pd.DataFrame({"doctor_id": ["D1", "D2"], "hospital_id": "H1",
    ...                   "tier": ["B", "B"], "level": "3A"})
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-03-02", "2026-03-09",
    ...                   "2026-03-16", "2026-03-23", "2026-03-04"]), "rep_id": "R1",
    ...                   "doctor_id": ["D1", "D1", "D1", "D1", "D2"]})
    >>> fc = rk.activity.frequency_compliance(c, t, period="2026-03")
    >>> fc.loc[[1], ["tier", "doctor_months", "compliant", "compliance_rate", "mean_visits"]]
      tier  doctor_months  compliant  compliance_rate  mean_visits
    1    B              2          1              0.5          2.5
    """
    keys = [by] if isinstance(by, str) else list(by)
    c, start, end = _calls_in(calls, period)
    months = pd.period_range(start.to_period("M"), end.to_period("M"), freq="M")
    lookup, top = _norm_lookup(norms_table(norms))
    t = _tier_frame(tiers, hospitals)
    t["norm"] = [
        lookup.get((tr, lv), top.get(tr, 0)) for tr, lv in zip(t["tier"], t["level"], strict=True)
    ]
    counts = c.groupby([c["doctor_id"].astype(str), c["date"].dt.to_period("M")]).size()
    grid = pd.MultiIndex.from_product([t["doctor_id"], months], names=["doctor_id", "month"])
    dm = pd.DataFrame(index=grid).reset_index()
    dm["visits"] = counts.reindex(grid, fill_value=0).to_numpy()
    dm = dm.merge(t[["doctor_id", "tier", "level", "norm"]], on="doctor_id", how="left")
    dm["compliant"] = dm["visits"] >= dm["norm"]
    if detail:
        return dm[["doctor_id", "month", "tier", "level", "visits", "norm", "compliant"]]
    g = dm.groupby(keys, sort=True)
    out = pd.DataFrame(
        {
            "doctors": g["doctor_id"].nunique(),
            "doctor_months": g.size(),
            "compliant": g["compliant"].sum().astype("int64"),
            "mean_visits": g["visits"].mean(),
            "mean_norm": g["norm"].mean().astype("float64"),
        }
    )
    if keys == ["tier"]:
        out = out.reindex(list(TIERS))
        out.index.name = "tier"
        out[["doctors", "doctor_months", "compliant"]] = (
            out[["doctors", "doctor_months", "compliant"]].fillna(0).astype("int64")
        )
    out = out.reset_index()
    out.insert(
        len(keys) + 3,
        "compliance_rate",
        out["compliant"] / out["doctor_months"].where(out["doctor_months"] > 0),
    )
    return out


def purpose_mix(
    calls: pd.DataFrame, *, period: Any = None, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Visits by call purpose (seed 000 table H), with shares, optionally per rep.

    Returns
    -------
    DataFrame
        (by columns,) purpose, purpose_label, visits, share; every purpose of
        ``repkit.schema.CALL_PURPOSES`` is listed (0 when unused), unknown codes after.

    Examples
    --------
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-03-02"] * 4), "rep_id": "R1",
    ...                   "doctor_id": "D1",
    ...                   "purpose": ["increase_use", "increase_use", "keep_use", "other"]})
    >>> m = rk.activity.purpose_mix(c)
    >>> m.loc[m["visits"] > 0, ["purpose_label", "visits", "share"]]
      purpose_label  visits  share
    1          增加用量       2   0.50
    2          保持用量       1   0.25
    7            其它       1   0.25
    """
    keys = [by] if isinstance(by, str) else list(by) if by is not None else []
    c = effective_calls(calls) if period is None else _calls_in(calls, period)[0]
    purpose = (
        c["purpose"].astype("object").fillna("other")
        if "purpose" in c
        else pd.Series("other", index=c.index)
    )
    c = c.assign(purpose=purpose)
    codes = list(CALL_PURPOSES) + sorted(set(purpose) - set(CALL_PURPOSES))
    groups = list(c.groupby(keys, sort=True)) if keys else [((), c)]
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        n = part["purpose"].value_counts()
        total = int(n.sum())
        for p in codes:
            row = dict(zip(keys, key, strict=True))
            v = int(n.get(p, 0))
            row.update(
                purpose=p,
                purpose_label=CALL_PURPOSES.get(p, p),
                visits=v,
                share=v / total if total else np.nan,
            )
            rows.append(row)
    return pd.DataFrame(rows, columns=[*keys, "purpose", "purpose_label", "visits", "share"])


def department_development(status: pd.DataFrame) -> pd.DataFrame:
    """Department development rate per hospital (科室开发率; seed 000: 70 % → 100 %).

    Parameters
    ----------
    status
        Output of :func:`repkit.tiering.department_status` (a department is developed
        when it has sales in the window).

    Returns
    -------
    DataFrame
        hospital_id, hospital, level, departments, developed, development_rate; sorted
        by hospital.

    Examples
    --------
    >>> st = pd.DataFrame({"hospital_id": ["H1", "H1", "H1", "H2"], "hospital": ["甲"] * 3 + ["乙"],
    ...                    "level": "3A", "developed": [True, True, False, True]})
    >>> rk.activity.department_development(st)[["hospital_id", "departments", "development_rate"]]
      hospital_id  departments  development_rate
    0          H1            3          0.666667
    1          H2            1          1.000000
    """
    keys = [c for c in ("hospital_id", "hospital", "level") if c in status.columns]
    g = status.groupby(keys, sort=True, dropna=False)["developed"]
    out = pd.DataFrame(
        {"departments": g.size(), "developed": g.sum().astype("int64")}
    ).reset_index()
    out["development_rate"] = out["developed"] / out["departments"]
    return out


def meetings(
    calls: pd.DataFrame, doctors: pd.DataFrame | None = None, *, period: Any = None
) -> pd.DataFrame:
    """In-hospital meetings held and their attendance, from calls with purpose ``hospital_meeting``.

    A meeting is one hospital × department × day; each logged call of that purpose is
    one doctor attending. Attendance = attending doctors ÷ the department's doctors
    in ``doctors`` (norm ≥ 90 %).

    Returns
    -------
    DataFrame
        date, hospital_id, department, reps, attendees, department_doctors,
        attendance_rate.

    Examples
    --------
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-03-05"] * 3), "rep_id": "R1",
    ...                   "doctor_id": ["D1", "D2", "D3"], "hospital_id": "H1",
    ...                   "department": "心内科", "purpose": "hospital_meeting"})
    >>> d = pd.DataFrame({"doctor_id": ["D1", "D2", "D3", "D4"], "hospital_id": "H1",
    ...                   "department": "心内科"})
    >>> rk.activity.meetings(c, d)[["attendees", "department_doctors", "attendance_rate"]]
       attendees  department_doctors  attendance_rate
    0          3                   4             0.75
    """
    cols = [
        "date",
        "hospital_id",
        "department",
        "reps",
        "attendees",
        "department_doctors",
        "attendance_rate",
    ]
    c = effective_calls(calls) if period is None else _calls_in(calls, period)[0]
    if c.empty or "purpose" not in c.columns:
        return pd.DataFrame(columns=cols)
    c = c[c["purpose"] == "hospital_meeting"].copy()
    if c.empty:
        return pd.DataFrame(columns=cols)
    c["date"] = pd.to_datetime(c["date"]).dt.normalize()
    c["hospital_id"] = c["hospital_id"].astype(str)
    c["department"] = c["department"].astype(str)
    g = c.groupby(["date", "hospital_id", "department"], sort=True)
    out = pd.DataFrame(
        {
            "reps": g["rep_id"].agg(lambda s: "、".join(sorted(set(s.astype(str))))),
            "attendees": g["doctor_id"].nunique(),
        }
    ).reset_index()
    if doctors is not None and not doctors.empty:
        size = doctors.groupby(
            [doctors["hospital_id"].astype(str), doctors["department"].astype(str)]
        ).size()
        key = pd.MultiIndex.from_frame(out[["hospital_id", "department"]])
        out["department_doctors"] = size.reindex(key).fillna(0).astype("int64").to_numpy()
    else:
        out["department_doctors"] = 0
    out["attendance_rate"] = out["attendees"] / out["department_doctors"].where(
        out["department_doctors"] > 0
    )
    return out[cols]


def time_to_listing(
    calls: pd.DataFrame, sales: pd.DataFrame, *, reps: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Days from the first call at a hospital to the product's first sales there (进药).

    For each hospital × product not sold there before the first call at the hospital
    by a rep carrying the product (any rep when ``reps`` has no product lists): the
    first call (a ``support_listing`` call when there is one), the first month with
    positive units after it, and the days between that call and the first day of that
    month (0 when listed in the month of the call). Pairs still unsold are
    ``not_listed`` with no days.

    Returns
    -------
    DataFrame
        hospital_id, product, first_call, listed (``Period[M]``), days_to_listing,
        status (``listed`` / ``not_listed``).

    Examples
    --------
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-01-10", "2026-02-01"]),
    ...                   "rep_id": "R1", "doctor_id": "D1", "hospital_id": "H1",
    ...                   "purpose": ["introduce_product", "support_listing"]})
    >>> s = pd.DataFrame({"month": pd.PeriodIndex(["2025-12", "2026-04"], freq="M"),
    ...                   "hospital_id": "H1", "product": ["老药", "新药"], "units": [5.0, 3.0]})
    >>> rk.activity.time_to_listing(c, s)[["product", "listed", "days_to_listing", "status"]]
      product   listed  days_to_listing  status
    0      新药  2026-04               59  listed
    """
    cols = ["hospital_id", "product", "first_call", "listed", "days_to_listing", "status"]
    if calls.empty or sales.empty:
        return pd.DataFrame(columns=cols)
    dates = pd.to_datetime(calls["date"]).dt.normalize()
    purpose = calls["purpose"] if "purpose" in calls.columns else pd.Series("", index=calls.index)
    s = sales[sales["units"] > 0]
    month = s["month"].astype("period[M]")
    sold_from = (  # first month with sales of each hospital × product
        month.groupby([s["hospital_id"].astype(str), s["product"].astype(str)]).min().to_dict()
    )
    all_products = sorted(set(sales["product"].astype(str)))
    carried: dict[str, list[str]] = {}
    if reps is not None and "products" in reps.columns:
        for r, p in zip(reps["rep_id"].astype(str), reps["products"], strict=True):
            listed = isinstance(p, list | tuple | np.ndarray)
            carried[r] = [str(x) for x in p] if listed else all_products
    by = pd.DataFrame(
        {
            "rep_id": calls["rep_id"].astype(str).to_numpy(),
            "hospital_id": calls["hospital_id"].astype(str).to_numpy(),
            "date": dates.to_numpy(),
        }
    )
    listing = by["date"].where((purpose == "support_listing").to_numpy())
    pairs = by.assign(listing=listing).groupby(["rep_id", "hospital_id"]).min()
    first: dict[tuple[str, str], pd.Timestamp] = {}
    first_listing: dict[tuple[str, str], pd.Timestamp] = {}
    for (r, h), d, dl in zip(
        pairs.index, pairs["date"], pairs["listing"], strict=True
    ):  # a rep's first call (and first listing call) at a hospital, for each product
        for p in carried.get(r, all_products):
            key = (h, p)
            if key not in first or d < first[key]:
                first[key] = d
            if pd.notna(dl) and (key not in first_listing or dl < first_listing[key]):
                first_listing[key] = dl
    rows = []
    for key in sorted(first):
        start = first_listing.get(key, first[key])
        sold = sold_from.get(key)
        if sold is not None and sold < start.to_period("M"):
            continue
        if sold is not None:
            days = max(0, (sold.start_time - start).days)
            rows.append((*key, start, sold, days, "listed"))
        else:
            rows.append((*key, start, pd.NaT, np.nan, "not_listed"))
    out = pd.DataFrame(rows, columns=cols)
    out["listed"] = out["listed"].astype("period[M]")
    out["days_to_listing"] = out["days_to_listing"].astype("Int64")
    return out
