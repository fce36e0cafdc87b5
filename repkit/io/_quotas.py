"""Quotas (the targets table) by level: region, hospital, department, sales staff.

A targets row is a region quota when none of ``hospital_id``, ``department`` and
``rep_id`` is filled, a hospital quota with ``hospital_id``, a department quota with
``hospital_id`` and ``department``, a sales-staff quota with ``rep_id``. Doctors get no
quota (统方; the reader refuses a doctor column). Periods are halves, quarters or months
(:func:`repkit.calendar.parse_period`); finer periods are summed to the half.

The checks here refuse what cannot be a consistent set of quotas: a row of no level,
the same quota twice or in overlapping periods, a half only partly covered by its
months or quarters, and lower quotas that add up to more than the quota above them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from repkit.calendar import Half, period_months
from repkit.messages import join, say

LEVEL_COLUMNS: tuple[str, ...] = ("hospital_id", "department", "rep_id")
QUOTA_LEVELS: dict[str, list[str]] = {
    "region": [],
    "hospital": ["hospital_id"],
    "department": ["hospital_id", "department"],
    "rep": ["rep_id"],
}
"""Quota levels and the columns (besides region and product) that identify a quota."""
QUOTA_TOLERANCE = 0.01
"""Lower quotas may add up to at most this share more than the quota above them
(rounding in a company's spreadsheet); beyond it the file is refused."""
_KEY = ["region", "product", *LEVEL_COLUMNS]


def _filled(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.zeros(len(frame), dtype=bool)
    values = frame[column]
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    return (text != "").to_numpy()


def quota_levels(frame: pd.DataFrame) -> pd.Series:
    """The level of each targets row (None: a combination that is no level).

    Examples
    --------
    >>> t = pd.DataFrame({"hospital_id": [None, "H1", "H1", None, "H1"],
    ...                   "department": [None, None, "心内科", None, None],
    ...                   "rep_id": [None, None, None, "R1", "R1"]})
    >>> quota_levels(t).tolist()
    ['region', 'hospital', 'department', 'rep', None]
    """
    h, d, r = (_filled(frame, c) for c in LEVEL_COLUMNS)
    level = np.full(len(frame), None, dtype=object)
    level[~h & ~d & ~r] = "region"
    level[h & ~d & ~r] = "hospital"
    level[h & d & ~r] = "department"
    level[~h & ~d & r] = "rep"
    return pd.Series(level, index=frame.index, dtype=object)


def keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """The targets with the level columns present ("" where blank) and a ``level`` column."""
    out = frame.copy()
    for c in LEVEL_COLUMNS:
        filled = _filled(out, c)
        values = out[c].astype(object) if c in out else pd.Series("", index=out.index)
        out[c] = np.where(filled, values.astype(str).str.strip(), "")
    out["level"] = quota_levels(out)
    return out


def half_rows(targets: pd.DataFrame, half: Half) -> pd.DataFrame:
    """The rows of ``targets`` whose period lies inside ``half``, keyed (:func:`keyed`).

    The index is ``targets``' own, so each row still finds its file row
    (:meth:`repkit.dataset.Dataset.source_rows`).

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2026H1", "2026Q3", "2026Q4"], "region": "兰州",
    ...                   "hospital_id": [None, "H1", "H1"], "product": "A",
    ...                   "units": [900.0, 100.0, 120.0]})
    >>> rows = half_rows(t, Half.parse("2026H2"))
    >>> rows.index.tolist(), rows["level"].tolist(), rows["period"].tolist()
    ([1, 2], ['hospital', 'hospital'], ['2026Q3', '2026Q4'])
    """
    if targets.empty or "period" not in targets:
        return targets.iloc[:0].assign(level=pd.Series(dtype=object))
    t = keyed(targets)
    months = set(half.months)
    inside = [
        p is not None and not pd.isna(p) and set(period_months(str(p))) <= months
        for p in t["period"]
    ]
    return t[np.asarray(inside, dtype=bool) & t["level"].notna().to_numpy()]


def half_quotas(targets: pd.DataFrame, half: Half) -> pd.DataFrame:
    """The quotas of one half per level × key × product, finer periods summed.

    Returns
    -------
    DataFrame
        level, region, hospital_id, department, rep_id ("" where not part of the level),
        product, units, amount (NaN where no row of the quota gives it).

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2026H2", "2026Q3", "2026Q4"], "region": "兰州",
    ...                   "rep_id": [None, "R1", "R1"], "product": "A",
    ...                   "units": [900.0, 100.0, 120.0]})
    >>> half_quotas(t, Half.parse("2026H2"))[["level", "rep_id", "units"]]
        level rep_id  units
    0  region         900.0
    1     rep     R1  220.0
    """
    columns = ["level", *_KEY, "units", "amount"]
    if targets.empty or "period" not in targets:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    t = half_rows(targets, half)
    for c in ("units", "amount"):
        t[c] = pd.to_numeric(t[c], errors="coerce") if c in t else np.nan
    keys = ["level", *_KEY]
    out = t.groupby(keys, sort=False)[["units", "amount"]].sum(min_count=1).reset_index()
    return out[columns]


def quota_units(q: pd.DataFrame, price: pd.Series) -> pd.Series:
    """Units of each quota: its units, or its amount at the product's price."""
    units = pd.to_numeric(q["units"], errors="coerce").astype("float64")
    amount = pd.to_numeric(q["amount"], errors="coerce").astype("float64")
    return units.fillna(amount / q["product"].map(price).astype("float64"))


def _at(value: Any, pos: int) -> Any:
    return value if value is None or isinstance(value, str) else value[pos]


def quota_name(rec: Any) -> str:
    """A quota as people name it: 医院 H1 × 品种, from a record with its level and keys."""
    if rec.level == "hospital":
        return say("word.quota_hospital", hospital=rec.hospital_id, product=rec.product)
    if rec.level == "department":
        return say(
            "word.quota_department",
            hospital=rec.hospital_id,
            department=rec.department,
            product=rec.product,
        )
    if rec.level == "rep":
        return say("word.quota_rep", rep=rec.rep_id, product=rec.product)
    return say("word.quota_region", region=rec.region, product=rec.product)


def quota_problems(
    frame: pd.DataFrame,
    rows: np.ndarray,
    *,
    file: Any,
    sheet: Any,
    texts: dict[str, str],
) -> list[dict[str, Any]]:
    """Problems of a targets table as a set of quotas (see the module docstring).

    ``file`` and ``sheet`` are one value, or one per row for files stacked together.
    """
    if frame.empty or "period" not in frame:
        return []
    t = keyed(frame.reset_index(drop=True))
    t["pos"] = np.arange(len(t))

    def ref(pos: int) -> str:
        """A row as the message names it (with its file when files are stacked)."""
        if file is None or isinstance(file, str):
            return say("error.row", row=int(rows[pos]))
        return say("word.file_row", file=file[pos], row=int(rows[pos]))

    def problem(pos: int, column: str | None, value: Any, rule: str, message: str) -> dict:
        return {
            "file": _at(file, pos),
            "sheet": _at(sheet, pos),
            "row": int(rows[pos]),
            "column": texts.get(column, column) if column else None,
            "value": None if value is None else str(value),
            "rule": rule,
            "message": message,
        }

    out = [
        problem(
            int(rec.pos),
            "rep_id" if rec.rep_id else "department",
            rec.rep_id or rec.department,
            "bad_quota_level",
            say("bad_quota_level.rep" if rec.rep_id else "bad_quota_level.department"),
        )
        for rec in t[t["level"].isna()].itertuples()
    ]
    t = t[t["level"].notna() & t["period"].notna()]
    if out or t.empty:
        return out
    long = t.assign(month=[list(period_months(str(p))) for p in t["period"]]).explode("month")
    long["first"] = long.groupby([*_KEY, "month"], sort=False)["pos"].transform("min")
    clash = long[long["first"] != long["pos"]].drop_duplicates("pos")
    for rec in clash.itertuples():
        other = t.loc[t["pos"] == rec.first].iloc[0]
        same = other["period"] == rec.period
        out.append(
            problem(
                int(rec.pos),
                "period",
                rec.period,
                "duplicate_key" if same else "overlapping_quota",
                say(
                    "duplicate_key.quota",
                    what=quota_name(rec),
                    period=rec.period,
                    first=ref(rec.first),
                )
                if same
                else say(
                    "overlapping_quota",
                    what=quota_name(rec),
                    period=rec.period,
                    other=other["period"],
                    first=ref(rec.first),
                    month=rec.month,
                ),
            )
        )
    if out:
        return out
    return _partial(long, problem) or _above_parent(long, ref, problem)


def _halves(months: pd.Series) -> list[str]:
    """``str(Half.of(m))`` of each month, computed once per distinct month."""
    codes, uniques = pd.factorize(months)
    if (codes < 0).any():  # a missing month: as each row would say it
        return [str(Half.of(m)) for m in months]
    names = np.array([str(Half.of(m)) for m in uniques], dtype=object)
    return names[codes].tolist()


def _partial(long: pd.DataFrame, problem: Any) -> list[dict[str, Any]]:
    """Halves only partly covered by a quota's months or quarters."""
    long = long.assign(half=_halves(long["month"]))
    months = long.groupby([*_KEY, "half"], sort=False)["month"].transform("nunique")
    out = []
    for _, g in long[months.ne(6).to_numpy()].groupby([*_KEY, "half"], sort=False):
        rec = next(g.itertuples())
        missing = [str(m) for m in Half.parse(rec.half).months if m not in set(g["month"])]
        given = "、".join(dict.fromkeys(g["period"]))
        out.append(
            problem(
                int(rec.pos),
                "period",
                rec.period,
                "partial_quota_period",
                say(
                    "partial_quota_period",
                    what=quota_name(rec),
                    n=g["month"].nunique(),
                    half=rec.half,
                    given=given,
                    missing=join(missing),
                ),
            )
        )
    return out


def _above_parent(long: pd.DataFrame, ref: Any, problem: Any) -> list[dict[str, Any]]:
    """Lower quotas adding up to more than their parent (beyond the tolerance)."""
    each = long.drop_duplicates("pos")
    each = each.assign(half=_halves(each["month"]))
    for c in ("units", "amount"):
        each[c] = pd.to_numeric(each[c], errors="coerce") if c in each else np.nan
    q = (
        each.groupby(["level", *_KEY, "half"], sort=False)
        .agg(
            units=("units", lambda s: s.sum(min_count=1)),
            amount=("amount", lambda s: s.sum(min_count=1)),
            pos=("pos", "min"),
            rows=("pos", list),
        )
        .reset_index()
    )
    region = q[q["level"] == "region"].set_index(["region", "product", "half"])
    hosp = q[q["level"] == "hospital"]
    dept = q[q["level"] == "department"]
    d_keys = ["region", "hospital_id", "product", "half"]
    h_index = hosp.set_index(d_keys)
    out = _compare(dept, h_index, d_keys, "department", "hospital", ref, problem)
    # a hospital without a quota of its own counts with its departments' quotas
    under = pd.MultiIndex.from_frame(dept[d_keys]).isin(h_index.index) if len(dept) else []
    tree = pd.concat([hosp, dept[~np.asarray(under, dtype=bool)]], ignore_index=True)
    r_keys = ["region", "product", "half"]
    out += _compare(tree, region, r_keys, "hospital_department", "region", ref, problem)
    out += _compare(q[q["level"] == "rep"], region, r_keys, "sales_staff", "region", ref, problem)
    return out


def _compare(
    children: pd.DataFrame,
    parents: pd.DataFrame,
    keys: list[str],
    child: str,
    parent: str,
    ref: Any,
    problem: Any,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if children.empty or parents.empty:
        return out
    for key, g in children.groupby(keys, sort=False):
        if key not in parents.index:
            continue
        up = parents.loc[key]
        where = " × ".join(str(k) for k in key[:-1])
        for measure, unit in (("units", "units"), ("amount", "yuan")):
            total = g[measure].sum(min_count=1)
            limit = up[measure]
            if pd.isna(total) or pd.isna(limit) or total <= limit * (1 + QUOTA_TOLERANCE) + 0.5:
                continue
            lower = [ref(p) for p in sorted(p for ps in g["rows"] for p in ps)]
            out.append(
                problem(
                    int(up["pos"]),
                    measure,
                    f"{limit:g}",
                    "quota_above_parent",
                    say(
                        "quota_above_parent",
                        where=where,
                        half=key[-1],
                        child=say(f"word.level_{child}"),
                        rows=join(lower),
                        total=total,
                        unit=say(f"word.unit_{unit}"),
                        parent=say(f"word.level_{parent}"),
                        limit=limit,
                        tolerance=QUOTA_TOLERANCE,
                    ),
                )
            )
    return out
