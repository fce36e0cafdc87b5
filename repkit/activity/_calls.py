"""Call plans, activity outcome and the KPI table, over the private KPI/norm/schedule modules."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.activity import _kpi
from repkit.activity._kpi import (
    KPI_LABELS,
    KPI_NORMS,
    coverage,
    department_development,
    effective_calls,
    frequency_compliance,
    meetings,
    purpose_mix,
    time_to_listing,
    visits_per_day,
)
from repkit.activity._norms import (
    norms_table,
)
from repkit.activity._schedule import plan_visits
from repkit.schema import CALL_PURPOSES, RATING_LABELS
from repkit.tiering import (
    TIER_LABELS,
    current_rating,
    department_status,
    doctor_tiers,
    hospital_tiers,
    key_doctor_share,
    period_bounds,
    pyramid,
    rating_moves,
)
from repkit.tiering._ladder import _matrix

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset
    from repkit.privacy import Privacy

_LEVELS = ("department", "hospital")
_COMPARE = ("previous", "last_year")


# ----------------------------------------------------------------------------- KPI table


def kpi_table(
    calls: pd.DataFrame,
    tiers: pd.DataFrame,
    *,
    period: Any,
    reps: pd.DataFrame | None = None,
    doctors: pd.DataFrame | None = None,
    hospitals: pd.DataFrame | None = None,
    status: pd.DataFrame | None = None,
    sales: pd.DataFrame | None = None,
    norms: Any = None,
    kpi_norms: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The activity KPIs of the seeds in one table, each against its norm.

    Parameters
    ----------
    calls
        Canonical calls table.
    tiers
        Doctors with ``tier`` and current ``rating`` (see
        :func:`repkit.tiering.doctor_tiers`).
    period
        Period measured, e.g. ``"2026H1"``.
    reps, doctors, hospitals, sales
        Canonical tables (reps for the per-rep rate; doctors for meeting attendance;
        hospitals for levels; sales for time to listing).
    status
        :func:`repkit.tiering.department_status` for the development rate.
    norms
        Visit norms by tier and level (see :func:`norms_table`).
    kpi_norms
        Overrides of :data:`KPI_NORMS`.

    Returns
    -------
    DataFrame
        kpi (code), label (Chinese), value, norm, unit, meets (True/False, missing
        when there is no norm or no value), basis (how many reps/doctors/meetings
        the value rests on).

    Examples
    --------
    >>> t = pd.DataFrame({"doctor_id": ["D1", "D2"], "hospital_id": "H1", "level": "3A",
    ...                   "tier": ["A", "C"], "rating": [6, 3]})
    >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-03-02"] * 8), "rep_id": "R1",
    ...                   "doctor_id": ["D1"] * 2 + ["D2"] * 6, "hospital_id": "H1",
    ...                   "department": "心内科", "purpose": "increase_use"})
    >>> k = rk.activity.kpi_table(c, t, period=("2026-03-02", "2026-03-02"))
    >>> k.loc[[0, 1, 7], ["kpi", "value", "norm", "meets"]]
                         kpi  value  norm  meets
    0         visits_per_day    8.0   8.0   True
    1             coverage_A    1.0   1.0   True
    7  key_doctors_developed    1.0   0.6   True
    """
    kn = {**KPI_NORMS, **(dict(kpi_norms) if kpi_norms else {})}
    rows = [
        *_visit_kpis(calls, tiers, period, kn, reps=reps, hospitals=hospitals, norms=norms),
        *_development_kpis(tiers, status, kn),
        *_meeting_kpis(calls, doctors, period, kn),
        *_listing_kpis(calls, sales, period, reps=reps),
    ]
    out = pd.DataFrame(rows)
    out["meets"] = out["meets"].astype("boolean")
    return out


def _kpi_row(kpi: str, value: Any, norm: float | None, unit: str, basis: str) -> dict[str, Any]:
    """One row of the KPI table; ``meets`` compares the unrounded value with the norm."""
    ok = None
    if norm is not None and value is not None and pd.notna(value):
        ok = bool(value >= norm - 1e-12)
    return {
        "kpi": kpi,
        "label": KPI_LABELS[kpi],
        "value": float(value) if value is not None and pd.notna(value) else np.nan,
        "norm": float(norm) if norm is not None else np.nan,
        "unit": unit,
        "meets": ok,
        "basis": basis,
    }


def _visit_kpis(calls, tiers, period, kn, *, reps, hospitals, norms) -> list[dict[str, Any]]:
    """Visits per rep-day, coverage and frequency compliance per tier."""
    v = visits_per_day(calls, period=period, reps=reps, norm=kn["visits_per_day"])
    wd = int(v["working_days"].iloc[0]) if len(v) else 0
    rate = v["visits"].sum() / (len(v) * wd) if len(v) and wd else np.nan
    rows = [
        _kpi_row(
            "visits_per_day",
            rate,
            kn["visits_per_day"],
            "次/日",
            f"{len(v)} 名代表 × {wd} 个工作日",
        )
    ]
    cov = coverage(calls, tiers, period=period, hospitals=hospitals).set_index("tier")
    rows += [
        _kpi_row(
            f"coverage_{t}",
            cov.loc[t, "coverage_rate"],
            kn["coverage"],
            "%",
            f"{int(cov.loc[t, 'doctors'])} 名医生",
        )
        for t in ("A", "B", "C")
    ]
    fc = frequency_compliance(
        calls, tiers, period=period, norms=norms, hospitals=hospitals
    ).set_index("tier")
    rows += [
        _kpi_row(
            f"frequency_{t}",
            fc.loc[t, "compliance_rate"],
            kn["frequency"],
            "%",
            f"{int(fc.loc[t, 'doctor_months'])} 个医生·月",
        )
        for t in ("A", "B", "C")
    ]
    return rows


def _development_kpis(tiers, status, kn) -> list[dict[str, Any]]:
    """Departments developed and key doctors developed."""
    rows = []
    if status is not None and len(status):
        dev = department_development(status)
        n_dep = int(dev["departments"].sum())
        rows.append(
            _kpi_row(
                "development_rate",
                dev["developed"].sum() / n_dep if n_dep else np.nan,
                kn["development"],
                "%",
                f"{n_dep} 个科室",
            )
        )
    key = key_doctor_share(tiers)
    rows.append(
        _kpi_row(
            "key_doctors_developed",
            key["developed_share"].iloc[0],
            kn["key_doctors"],
            "%",
            f"{int(key['key_doctors'].iloc[0])} 名重点医生",
        )
    )
    return rows


def _meeting_kpis(calls, doctors, period, kn) -> list[dict[str, Any]]:
    """Department meetings held and their attendance."""
    m = meetings(calls, doctors, period=period)
    invited = m["department_doctors"].sum() if len(m) else 0
    att = m["attendees"].sum() / invited if invited else np.nan
    return [
        _kpi_row("meetings_held", len(m), None, "场", f"{len(m)} 场"),
        _kpi_row("meeting_attendance", att, kn["attendance"], "%", f"{int(invited)} 人次应到"),
    ]


def _listing_kpis(calls, sales, period, *, reps) -> list[dict[str, Any]]:
    """Median days from the first listing call to the first sale (needs sales)."""
    if sales is None or sales.empty:
        return []
    start, end = period_bounds(period)
    c = calls[
        (pd.to_datetime(calls["date"]) >= start)
        & (pd.to_datetime(calls["date"]) <= end + pd.Timedelta(days=1))
    ]
    lst = time_to_listing(c, sales, reps=reps)
    listed = lst[lst["status"] == "listed"]
    days = float(listed["days_to_listing"].astype("float64").median()) if len(listed) else np.nan
    not_listed = int((lst["status"] == "not_listed").sum())
    return [
        _kpi_row(
            "days_to_listing",
            days,
            None,
            "天",
            f"{len(listed)} 个医院×品种进药，{not_listed} 个未进",
        )
    ]


# ----------------------------------------------------------------------------- outcome


@dataclass(frozen=True)
class Outcome:
    """Activity against sales change for departments or hospitals, with its caveats.

    Attributes
    ----------
    table
        One row per department (or hospital): visits, doctors_visited, sales,
        sales_before, change, change_rate.
    correlation
        Spearman rank correlation of visits with the sales change rate (NaN when
        fewer than 5 units have sales in both periods).
    caveats
        Sentences (Chinese) the report must print next to the figures.
    level, period, compare
        What was compared.
    """

    table: pd.DataFrame
    correlation: float
    caveats: list[str]
    level: str
    period: tuple[pd.Timestamp, pd.Timestamp]
    compare: str


def activity_outcome(
    calls: pd.DataFrame,
    sales: pd.DataFrame,
    *,
    period: Any,
    level: str = "department",
    compare: str = "previous",
    hospitals: pd.DataFrame | None = None,
    min_visits: int = 5,
) -> Outcome:
    """Sales change of departments or hospitals next to the visits they received.

    Only ``department`` and ``hospital`` levels exist: doctors' individual
    prescription figures (统方) are not compiled. The result is a correlation, not an
    effect, and says so in ``caveats``.

    Parameters
    ----------
    calls, sales
        Canonical tables.
    period
        Period of activity and sales, e.g. ``"2026H1"``.
    level
        ``"department"`` (hospital × department) or ``"hospital"``.
    compare
        ``"previous"`` (the period of equal length just before) or ``"last_year"``
        (the same months a year earlier, free of seasonality).
    hospitals
        Hospitals table for names.
    min_visits
        Units with fewer visits are counted in the small-numbers caveat.

    Returns
    -------
    Outcome

    Raises
    ------
    ValueError
        Unknown level (``"doctor"`` included, with the reason) or compare.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> o = rk.activity.activity_outcome(ds.calls, ds.sales, period="2026H1",
    ...                                  compare="last_year")
    >>> o.level, len(o.caveats) >= 3, -1 <= o.correlation <= 1
    ('department', True, True)
    """
    if level == "doctor":
        raise ValueError(
            "activity vs outcome is measured for departments or hospitals only: sales per "
            "doctor are prescription figures (统方), which Chinese rules forbid compiling; "
            "valid levels: department, hospital"
        )
    if level not in _LEVELS:
        raise ValueError(f"unknown level {level!r}; valid levels: {', '.join(_LEVELS)}")
    if compare not in _COMPARE:
        raise ValueError(f"unknown compare {compare!r}; valid: {', '.join(_COMPARE)}")
    start, end = period_bounds(period)
    months = pd.period_range(start.to_period("M"), end.to_period("M"), freq="M")
    before = months - 12 if compare == "last_year" else months - len(months)
    keys = ["hospital_id", "department"] if level == "department" else ["hospital_id"]
    c = effective_calls(calls)
    c = c[(pd.to_datetime(c["date"]) >= start) & (pd.to_datetime(c["date"]) <= end)]
    c = c.assign(**{k: c[k].astype(str) for k in keys})
    g = c.groupby(keys, sort=True)
    act = pd.DataFrame({"visits": g.size(), "doctors_visited": g["doctor_id"].nunique()})
    col = "amount" if "amount" in sales.columns and sales["amount"].notna().any() else "units"
    sm = pd.PeriodIndex(sales["month"], freq="M")
    s = sales.assign(**{k: sales[k].astype(str) for k in keys if k in sales.columns})
    if level == "department" and "department" not in sales.columns:
        raise ValueError("sales has no department column; use level='hospital'")
    now = s[np.asarray(sm.isin(months))].groupby(keys)[col].sum().rename("sales")
    old = s[np.asarray(sm.isin(before))].groupby(keys)[col].sum().rename("sales_before")
    table = pd.concat([act, now, old], axis=1).sort_index()
    table[["visits", "doctors_visited"]] = (
        table[["visits", "doctors_visited"]].fillna(0).astype("int64")
    )
    table[["sales", "sales_before"]] = table[["sales", "sales_before"]].fillna(0.0)
    table["change"] = table["sales"] - table["sales_before"]
    table["change_rate"] = table["change"] / table["sales_before"].where(table["sales_before"] > 0)
    table = table.reset_index()
    if hospitals is not None and "name" in hospitals.columns:
        names = hospitals.set_index(hospitals["hospital_id"].astype(str))["name"]
        table.insert(1, "hospital", table["hospital_id"].map(names))
    both = table[table["change_rate"].notna()]
    corr = (
        float(both["visits"].corr(both["change_rate"], method="spearman"))
        if len(both) >= 5 and both["visits"].nunique() > 1 and both["change_rate"].nunique() > 1
        else np.nan
    )
    unit = "科室" if level == "department" else "医院"
    few = int((table["visits"] < min_visits).sum())
    caveats = [
        "相关不等于因果：拜访多的地方销售变化大，也可能是代表本来就常去销量好或正在增长的"
        f"{unit}（反向因果），或同期有进药、集采、竞品变化等其他原因。",
        f"样本小：共 {len(table)} 个{unit}，其中 {few} 个拜访少于 {min_visits} 次、"
        f"{len(table) - len(both)} 个缺少比较期销售，相关系数"
        + (f"（Spearman {corr:+.2f}）" if np.isfinite(corr) else "无法计算")
        + "只作参考，不作考核依据。",
        f"只到{unit}层面：不按医生统计处方量（统方被禁止），医生只看拜访与用药评级。",
        (
            "比较期为去年同期，季节相同；但两年间的医院结构和价格变化会混入。"
            if compare == "last_year"
            else "比较期为上一个同长度期间，季节与春节因素会混入变化，宜改用去年同期比较。"
        ),
        "销售数据含退货与商业调拨，月度数据有滞后；拜访记录只含已录入的有效拜访。",
    ]
    return Outcome(
        table=table,
        correlation=corr,
        caveats=caveats,
        level=level,
        period=(start, end),
        compare=compare,
    )


# ----------------------------------------------------------------------------- call plan


@dataclass(frozen=True)
class CallPlan:
    """Everything the call-plan part of the half-year report shows, for one month.

    Attributes
    ----------
    month
        The month planned.
    review
        (start, end) of the period the KPIs and transitions were measured on.
    norms
        Visit norms by tier and hospital level.
    tiers
        Doctors with score, tier (manual where given), pyramid level, current rating.
    hospitals
        Hospital tiers by level and sales.
    departments
        Department status (star / potential / dormant) and development.
    pyramid
        The pyramid view per tier. With a privacy policy, this and every other
        aggregate of doctors has its groups of fewer than 5 doctors blanked.
    transitions
        Adoption-ladder transition matrix (first half of the review vs the second).
    moves
        Per-doctor rating before/after with up/same/down.
    kpis
        KPI table against the norms.
    visits
        Effective visits per rep per working day.
    purposes
        Purpose mix of the review period.
    outcome
        Activity vs sales change by department, with caveats.
    goals, load, shortfall, schedule
        The month's visit plan (see :func:`plan_visits`).
    privacy_label
        The privacy mode sentence for the report.
    """

    month: pd.Period
    review: tuple[pd.Timestamp, pd.Timestamp]
    norms: pd.DataFrame
    tiers: pd.DataFrame
    hospitals: pd.DataFrame
    departments: pd.DataFrame
    pyramid: pd.DataFrame
    transitions: pd.DataFrame
    moves: pd.DataFrame
    kpis: pd.DataFrame
    visits: pd.DataFrame
    purposes: pd.DataFrame
    outcome: Outcome
    goals: pd.DataFrame
    load: pd.DataFrame
    shortfall: pd.DataFrame
    schedule: pd.DataFrame
    privacy_label: str = ""
    reps: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def feasible(self) -> bool:
        """Whether the month's schedule meets every visit norm."""
        return self.shortfall.empty

    def __repr__(self) -> str:
        reps = self.schedule["rep_id"].nunique()
        short = int(self.shortfall["shortfall"].sum()) if len(self.shortfall) else 0
        state = "feasible" if self.feasible else f"shortfall {short} visits"
        return f"CallPlan({self.month}, {len(self.schedule):,} visits by {reps} reps, {state})"

    def for_rep(self, rep_id: str) -> pd.DataFrame:
        """The schedule of one rep.

        Raises
        ------
        ValueError
            Unknown rep (the message lists the reps in the plan).
        """
        known = sorted(self.load["rep_id"].astype(str))
        if str(rep_id) not in known:
            raise ValueError(f"unknown rep {rep_id!r}; reps in the plan: {', '.join(known)}")
        return self.schedule[self.schedule["rep_id"] == str(rep_id)].reset_index(drop=True)

    def doctor_cards(self) -> pd.DataFrame:
        """Doctor cards for the workbook's sheet B: the doctors table with tier and rating.

        Doctors are shown as the plan's privacy policy made them (tokens or names);
        the internal score columns are left out.
        """
        cols = [
            "doctor_id",
            "doctor",
            "hospital_id",
            "department",
            "title",
            "is_expert",
            "rating",
            "rated_on",
            "potential",
            "tier",
            "tier_source",
            "pyramid",
        ]
        return self.tiers[[c for c in cols if c in self.tiers.columns]].copy()

    def export(self, folder: str | Path) -> list[Path]:
        """Write one Excel schedule per rep (see :func:`export_schedule`)."""
        return export_schedule(self.schedule, folder, reps=self.reps)


def _tokenise(
    frame: pd.DataFrame, privacy: Privacy | None, names: pd.DataFrame | None
) -> pd.DataFrame:
    if privacy is None or "doctor_id" not in frame.columns:
        return frame
    return privacy.doctors(frame, names=names)


def _tiers_of(
    ds: Dataset, past: pd.DataFrame, period: tuple[Any, Any], *, shares: tuple[float, float]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Doctor tiers (with current rating, level, rating date), hospital tiers, departments."""
    start, end = period
    ratings = current_rating(ds.doctors, past)
    docs = ds.doctors.copy()
    docs["rating"] = ratings["rating"].iloc[: len(docs)].to_numpy()
    sales_months = pd.period_range(start.to_period("M"), end.to_period("M"), freq="M")
    tiers = doctor_tiers(
        docs, sales=ds.sales, hospitals=ds.hospitals, shares=shares, months=sales_months
    )
    levels = ds.hospitals.set_index(ds.hospitals["hospital_id"].astype(str))["level"]
    tiers["level"] = tiers["hospital_id"].astype(str).map(levels).to_numpy()
    tiers["rated_on"] = ratings["rated_on"].iloc[: len(docs)].to_numpy()
    hosp = hospital_tiers(ds.hospitals, ds.sales, months=sales_months)
    depts = department_status(ds.hospitals, ds.sales, ds.doctors, months=sales_months)
    return tiers, hosp, depts


def _review_activity(
    ds: Dataset,
    past: pd.DataFrame,
    tiers: pd.DataFrame,
    depts: pd.DataFrame,
    period: tuple[Any, Any],
    *,
    norms: Any,
    kpi_norms: Mapping[str, float] | None,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Rating moves and the aggregates of the review period (pyramid, KPIs, outcome …)."""
    start, end = period
    mid = start + (end - start) / 2
    first_half = (start, mid.normalize())
    second_half = (mid.normalize() + pd.Timedelta(days=1), end)
    moves = rating_moves(past, before=first_half, after=second_half, doctors=ds.doctors)
    kpis = kpi_table(
        past,
        tiers,
        period=(start, end),
        reps=ds.reps,
        doctors=ds.doctors,
        hospitals=ds.hospitals,
        status=depts,
        sales=ds.sales,
        norms=norms,
        kpi_norms=kpi_norms,
    )
    compare = (
        "last_year"
        if len(ds.sales) and pd.Period(ds.sales["month"].min(), "M") <= start.to_period("M") - 12
        else "previous"
    )
    outcome = activity_outcome(
        past, ds.sales, period=(start, end), compare=compare, hospitals=ds.hospitals
    )
    shown = {
        "pyramid": pyramid(tiers),
        "departments": depts,
        "transitions": _matrix(moves),
        "kpis": kpis,
        "outcome": outcome,
    }
    return moves, shown


def call_plan(
    ds: Dataset,
    month: Any,
    *,
    norms: Any = None,
    review: Any = None,
    visits_per_day: float = 8,
    fill: bool = True,
    shares: tuple[float, float] = (0.05, 0.20),
    privacy: Privacy | None = None,
    kpi_norms: Mapping[str, float] | None = None,
) -> CallPlan:
    """Tiers, KPIs, adoption transitions and next month's call schedule for one region.

    Parameters
    ----------
    ds
        One region's data (``rk.load_dataset(folder).for_region(region)``); doctors,
        hospitals, reps and calls are needed, sales for department shares and
        outcomes.
    month
        The month to schedule, e.g. ``"2026-07"`` (``rk.Half.parse(half).start`` for the
        first month of a half-year).
    norms
        Visit norms by tier and hospital level (see :func:`norms_table`).
    review
        Period the KPIs measure (default: the six months before ``month``).
    visits_per_day
        Effective visits a rep can make a working day (capacity and KPI norm).
    fill
        Fill spare capacity with extra visits to doctors whose rating can move.
    shares
        Shares of doctors in tiers A and B (see :func:`repkit.tiering.doctor_tiers`).
    privacy
        A :func:`repkit.privacy.setup` policy: doctor IDs in doctor-level tables
        become tokens (or names in ``names`` mode), and every aggregate of doctors
        (pyramid, department status, transition matrix, KPI rows per tier, outcome,
        shortfall) blanks groups of fewer than ``privacy.min_group`` doctors with
        :func:`repkit.privacy.suppress_small`. None keeps the internal IDs and all
        figures (for the analyst's machine).
    kpi_norms
        Overrides of :data:`KPI_NORMS`.

    Returns
    -------
    CallPlan

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> cp = rk.activity.call_plan(ds, "2026-07")
    >>> cp.tiers["tier"].value_counts().to_dict()
    {'C': 213, 'B': 57, 'A': 14}
    >>> cp.transitions.shape, cp.load["max_per_day"].max() <= 8
    ((7, 7), np.True_)
    """
    month = pd.Period(month, freq="M")
    if review is None:
        review = (month - 6).start_time, (month - 1).end_time.normalize()
    start, end = period_bounds(review)
    calls = ds.calls
    past = calls[pd.to_datetime(calls["date"]) <= end] if len(calls) else calls
    tiers, hosp, depts = _tiers_of(ds, past, (start, end), shares=shares)
    moves, shown = _review_activity(
        ds, past, tiers, depts, (start, end), norms=norms, kpi_norms=kpi_norms
    )
    visits = _kpi.visits_per_day(past, period=(start, end), reps=ds.reps, norm=visits_per_day)
    purposes = purpose_mix(past, period=(start, end))
    plan = plan_visits(
        tiers,
        ds.reps,
        month,
        hospitals=ds.hospitals,
        norms=norms,
        visits_per_day=visits_per_day,
        fill=fill,
        calls=past,
        sales=ds.sales,
        departments=depts,
    )
    shown["shortfall"] = plan.shortfall
    label = ""
    if privacy is not None:
        shown = _suppress_aggregates(shown, tiers, privacy)
        label = privacy.label
    names = ds.doctors[["doctor_id", "name"]] if "name" in ds.doctors.columns else None
    return CallPlan(
        month=month,
        review=(start, end),
        norms=norms_table(norms),
        tiers=_tokenise(tiers, privacy, names),
        hospitals=hosp,
        moves=_tokenise(moves, privacy, names),
        visits=visits,
        purposes=purposes,
        goals=_tokenise(plan.goals, privacy, names),
        load=plan.load,
        schedule=_tokenise(plan.schedule, privacy, names),
        privacy_label=label,
        reps=ds.reps,
        **shown,
    )


def _suppress_aggregates(
    shown: dict[str, Any], tiers: pd.DataFrame, privacy: Privacy
) -> dict[str, Any]:
    """Blank the groups of fewer than ``privacy.min_group`` doctors in every aggregate.

    One rule for all: :func:`repkit.privacy.suppress_small`.
    """
    out = dict(shown)
    out["pyramid"] = privacy.suppress(shown["pyramid"], count="doctors")
    out["departments"] = privacy.suppress(
        shown["departments"],
        count="doctors",
        columns=["potential", "potential_share"],
    )
    out["transitions"] = privacy.suppress(shown["transitions"], count=None)
    kpis = shown["kpis"].copy()
    sizes = tiers["tier"].astype(str).value_counts()
    groups = {f"{kind}_{t}": sizes.get(t, 0) for kind in ("coverage", "frequency") for t in "ABC"}
    groups["key_doctors_developed"] = int(tiers["tier"].astype(str).isin(["A", "B"]).sum())
    kpis["_people"] = kpis["kpi"].map(groups).fillna(0).astype("int64")
    kpis = privacy.suppress(kpis, count="_people", columns=["value"])
    kpis.loc[kpis["suppressed"], "meets"] = pd.NA
    kpis.loc[kpis["suppressed"], "basis"] = f"少于 {privacy.min_group} 名医生，不显示"
    out["kpis"] = kpis.drop(columns=["_people"])
    table = shown["outcome"].table
    if "doctors_visited" in table.columns:
        table = privacy.suppress(table, count="doctors_visited", columns=["visits"])
        out["outcome"] = dataclasses.replace(shown["outcome"], table=table)
    short = shown["shortfall"]
    if len(short) and "doctors" in short.columns:
        out["shortfall"] = privacy.suppress(short, count="doctors", columns=["doctors_short"])
    return out


# ----------------------------------------------------------------------------- export


def schedule_sheet(schedule: pd.DataFrame, *, reps: pd.DataFrame | None = None) -> pd.DataFrame:
    """A schedule with Chinese headings, as a rep fills it in (seed 000 table H).

    Blank 结果 and 拜访后评级 columns are left for the rep; 下一步 is the planned next
    step.

    Returns
    -------
    DataFrame
        日期, 代表编码, 代表, 医院, 科室, 医生, 分级, 用药评级, 目的, 下一步, 第几次,
        结果, 拜访后评级.

    Examples
    --------
    >>> t = pd.DataFrame({"doctor_id": ["D1"], "hospital_id": "H1", "department": "心内科",
    ...                   "tier": ["B"], "rating": [4], "level": "3A"})
    >>> reps = pd.DataFrame({"rep_id": ["R1"], "name": ["王明"], "hospitals": [["H1"]]})
    >>> p = rk.activity.plan_visits(t, reps, "2026-07", fill=False)
    >>> rk.activity.schedule_sheet(p.schedule, reps=reps).columns[:4].tolist()
    ['日期', '代表编码', '代表', '医院']
    """
    names = (
        reps.set_index(reps["rep_id"].astype(str))["name"]
        if reps is not None and "name" in reps.columns
        else pd.Series(dtype="object")
    )
    doctor = schedule["doctor"] if "doctor" in schedule.columns else schedule["doctor_id"]
    hospital = (
        schedule["hospital"].fillna(schedule["hospital_id"])
        if "hospital" in schedule
        else schedule["hospital_id"]
    )
    rating = schedule["rating"].map(
        lambda r: f"{int(r)} {RATING_LABELS[int(r)]}" if pd.notna(r) else ""
    )
    return pd.DataFrame(
        {
            "日期": pd.to_datetime(schedule["date"]).dt.date,
            "代表编码": schedule["rep_id"],
            "代表": schedule["rep_id"].map(names) if len(names) else schedule["rep_id"],
            "医院": hospital,
            "科室": schedule["department"],
            "医生": doctor,
            "分级": schedule["tier"].map(TIER_LABELS),
            "用药评级": rating,
            "目的": schedule["purpose"].map(lambda p: CALL_PURPOSES.get(p, p)),
            "下一步": schedule["follow_up"],
            "第几次": schedule.get("visit", ""),
            "结果": "",
            "拜访后评级": "",
        }
    )


def export_schedule(
    schedule: pd.DataFrame, folder: str | Path, *, reps: pd.DataFrame | None = None
) -> list[Path]:
    """Write one Excel schedule per rep: ``<folder>/日程_<rep_id>.xlsx``.

    The file name goes through ``repkit._paths.safe_filename``: path characters in a
    rep ID become ``_``, so every file stays inside ``folder``.

    Each file has one sheet per week of the month plus ``全月``, with the columns of
    :func:`schedule_sheet`. Doctor IDs are written as they are in ``schedule``:
    pseudonymise it first (``call_plan(..., privacy=...)``) when the files leave the
    analyst's machine.

    Returns
    -------
    list of Path
        The files written, in rep order.

    Examples
    --------
    >>> t = pd.DataFrame({"doctor_id": ["D1"], "hospital_id": "H1", "department": "心内科",
    ...                   "tier": ["B"], "rating": [4], "level": "3A"})
    >>> reps = pd.DataFrame({"rep_id": ["R1"], "name": ["王明"], "hospitals": [["H1"]]})
    >>> p = rk.activity.plan_visits(t, reps, "2026-07", fill=False)
    >>> [f.name for f in rk.activity.export_schedule(p.schedule, "out", reps=reps)]
    ['日程_R1.xlsx']
    """
    from repkit._paths import inside, safe_filename
    from repkit.report.excel import write_excel

    folder = Path(folder)
    paths = []
    names: set[str] = set()
    for rep_id, part in schedule.groupby("rep_id", sort=True):
        name = safe_filename(f"日程_{rep_id}", suffix=".xlsx")
        if name in names:  # two IDs that differ only in path characters
            name = safe_filename(f"日程_{rep_id}~{len(names)}", suffix=".xlsx")
        names.add(name)
        sheet = schedule_sheet(part, reps=reps)
        weeks = pd.to_datetime(part["date"]).dt.to_period("W-SUN")
        tables: dict[str, pd.DataFrame] = {"全月": sheet}
        for w in sorted(weeks.unique()):
            tables[f"{w.start_time:%m-%d}至{w.end_time:%m-%d}"] = sheet[(weeks == w).to_numpy()]
        paths.append(write_excel(tables, inside(folder, name)))
    return paths
