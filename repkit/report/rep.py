"""One sales owner's month, for the ``rep_plan`` template: targets, weeks, doctors to develop.

Targets exist only for sales staff (reps with role ``sales_staff``): registered medical
representatives carry no sales quota, so for them the month has activity and adoption
goals only, and these functions say so instead of showing zeros. Doctors get adoption
goals (the next rung of the ladder), never units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from repkit._escape import markdown_text
from repkit.schema import RATING_LABELS, ROLE_LABELS

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset
    from repkit.plan._build import Plan

__all__ = ["doctors_to_develop", "headline", "month_targets", "pick_rep", "week_targets"]


def _month(month: str | pd.Period) -> pd.Period:
    return pd.Period(month, freq="M")


def pick_rep(plan: Plan, rep: str | None = None) -> str:
    """The rep to plan: ``rep`` when given (checked), else the sales owner with most units.

    Raises
    ------
    ValueError
        ``rep`` is not a rep of the plan's region (the message lists the valid ones).

    Examples
    --------
    >>> plan = rk.plan.build(rk.sample.generate(seed=0, regions=1), "2026H2", forecast="simple")
    >>> pick_rep(plan)
    'R0002'
    """
    reps = plan.data.reps
    valid = [str(r) for r in reps["rep_id"]]
    if rep:
        if str(rep) not in valid:
            raise ValueError(f"unknown rep {rep!r}; reps of {plan.region}: {', '.join(valid)}")
        return str(rep)
    units = plan.targets.groupby("rep_id")["units"].sum().sort_values(ascending=False)
    units = units[units.index.isin(valid)]
    if len(units):
        return str(units.index[0])
    return valid[0]


def _is_staff(plan: Plan, rep: str) -> bool:
    reps = plan.data.reps.set_index("rep_id")
    return "role" not in reps or str(reps.loc[rep, "role"]) == "sales_staff"


def month_targets(plan: Plan, rep: str, month: str | pd.Period) -> pd.DataFrame:
    """A sales owner's targets of one month by product × hospital (with department).

    Returns
    -------
    DataFrame
        product, hospital, department, units, amount; largest first. Empty for reps
        without a sales role (medical representatives carry no quota).

    Examples
    --------
    >>> plan = rk.plan.build(rk.sample.generate(seed=0, regions=1), "2026H2", forecast="simple")
    >>> t = month_targets(plan, "R0002", "2026-07")
    >>> rows = plan.targets[(plan.targets["rep_id"] == "R0002")
    ...                     & (plan.targets["month"] == pd.Period("2026-07", "M"))]
    >>> int(t["units"].sum()) == int(rows["units"].sum())
    True
    """
    m = _month(month)
    t = plan.targets
    rows = t[(t["rep_id"] == rep) & (t["month"] == m)]
    keys = ["product", "hospital", "department"]
    out = rows.groupby(keys, dropna=False)[["units", "amount"]].sum().reset_index()
    out["units"] = out["units"].astype("int64")
    out["amount"] = out["amount"].round(2)
    return out.sort_values(
        ["units", *keys], ascending=[False, True, True, True], kind="stable"
    ).reset_index(drop=True)


def week_targets(plan: Plan, rep: str, month: str | pd.Period) -> pd.DataFrame:
    """A sales owner's targets of one month by ISO week (rows) × product (columns).

    Weeks that straddle two months hold only this month's part (so the table adds up
    to the month) and are labelled with its dates and ``部分周``. Empty for reps
    without a sales role.

    Examples
    --------
    >>> plan = rk.plan.build(rk.sample.generate(seed=0, regions=1), "2026H2", forecast="simple")
    >>> w = week_targets(plan, "R0002", "2026-07")
    >>> int(w.to_numpy().sum()) == int(month_targets(plan, "R0002", "2026-07")["units"].sum())
    True
    """
    from repkit.calendar import week_label

    m = _month(month)
    w = plan.weekly
    rows = w[(w["rep_id"] == rep) & (w["month"] == m)]
    out = rows.pivot_table(
        index="week", columns="product", values="units", aggfunc="sum", fill_value=0
    )
    out.index = [week_label(x, within=m) for x in out.index]  # dates inside the month
    out.index.name = "周"
    out.columns.name = None
    return out.astype("int64")


def doctors_to_develop(ds: Dataset, rep: str, *, at: Any = None, top: int = 15) -> pd.DataFrame:
    """Doctors in a rep's hospitals whose adoption rating can move up, best chances first.

    Candidates are doctors rated 2–6 (not opposed, not already at "uses fully") in the
    hospitals the rep covers, ordered by tier (A first), then by potential. The goal is
    the next rung of the ladder — an adoption goal, never a prescription figure.

    Parameters
    ----------
    ds
        The region's Dataset.
    rep
        rep_id.
    at
        Rating as of this day or period (see ``rk.tiering.current_rating``); default:
        the latest call.
    top
        Rows returned.

    Returns
    -------
    DataFrame
        doctor_id, name, hospital, department, title, tier, rating, rating_label,
        goal (next rating), goal_label, potential.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> d = doctors_to_develop(ds, "R0002", top=5)
    >>> bool(((d["goal"] - d["rating"]) == 1).all()), len(d)
    (True, 5)
    """
    from repkit import tiering

    reps = ds.reps.set_index("rep_id")
    if rep not in reps.index:
        raise ValueError(f"unknown rep {rep!r}; valid: {', '.join(map(str, reps.index))}")
    hospitals = reps.loc[rep, "hospitals"] if "hospitals" in reps else None
    doctors = ds.doctors
    if isinstance(hospitals, list | tuple) and hospitals:
        doctors = doctors[doctors["hospital_id"].isin([str(h) for h in hospitals])]
    tiers = tiering.doctor_tiers(doctors, sales=ds.sales, hospitals=ds.hospitals)
    current = tiering.current_rating(doctors, ds.calls, at=at).set_index("doctor_id")["rating"]
    out = tiers.drop(columns=[c for c in ("rating",) if c in tiers]).merge(
        current.rename("rating"), left_on="doctor_id", right_index=True, how="left"
    )
    out = out[out["rating"].between(2, 6)].copy()
    out["goal"] = (out["rating"] + 1).astype("int64")
    out["rating"] = out["rating"].astype("int64")
    out["rating_label"] = out["rating"].map(RATING_LABELS)
    out["goal_label"] = out["goal"].map(RATING_LABELS)
    names = ds.hospitals.set_index("hospital_id")["name"]
    out["hospital"] = out["hospital_id"].map(names)
    out = out.sort_values(
        ["tier", "potential", "doctor_id"], ascending=[True, False, True], kind="stable"
    )
    cols = [
        "doctor_id",
        "name",
        "hospital",
        "department",
        "title",
        "tier",
        "rating",
        "rating_label",
        "goal",
        "goal_label",
        "potential",
    ]
    return out[[c for c in cols if c in out]].head(top).reset_index(drop=True)


def headline(plan: Plan, rep: str, month: str | pd.Period) -> str:
    """Key figures of a rep's month as Markdown (role, targets, weeks, working days).

    Examples
    --------
    >>> plan = rk.plan.build(rk.sample.generate(seed=0, regions=1), "2026H2", forecast="simple")
    >>> print(headline(plan, "R0004", "2026-07").splitlines()[-1])
    > 备案医药代表不承担销售指标：本月只设拜访与用药评级目标。
    """
    from repkit.calendar import month_working_days
    from repkit.report.tables import key_figures

    m = _month(month)
    reps = plan.data.reps.set_index("rep_id")
    name = reps.loc[rep, "name"] if "name" in reps else rep
    role = ROLE_LABELS.get(str(reps.loc[rep, "role"]), "") if "role" in reps else ""
    days = int(month_working_days(pd.PeriodIndex([m])).iloc[0])
    who = f"{markdown_text(name)}（{markdown_text(rep)}，{role}）"
    lines = [f"### {who}· {m.year}年{m.month}月 工作计划", ""]
    figures: dict[str, object] = {"工作日": f"{days} 天，拜访能力 {days * 8} 次（每天 8 次）"}
    if _is_staff(plan, rep):
        t = month_targets(plan, rep, m)
        share = t["units"].sum() / max(
            plan.targets.loc[plan.targets["month"] == m, "units"].sum(), 1
        )
        figures["本月指标"] = (
            f"{int(t['units'].sum()):,} 盒/支，¥{t['amount'].sum():,.0f}（占区域 {share:.0%}）"
        )
        figures["品种 / 医院"] = (
            f"{t['product'].nunique()} 个品种，{t['hospital'].nunique()} 家医院"
        )
        lines.append(key_figures(figures))
    else:
        lines.append(key_figures(figures))
        lines += ["", "> 备案医药代表不承担销售指标：本月只设拜访与用药评级目标。"]
    return "\n".join(lines)
