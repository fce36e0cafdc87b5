"""The manager's overrides (经理指定): fixed figures, floors, caps, milestones, goals.

Private; the public entry is ``rk.plan.build(..., overrides=...)`` and the 经理指定
table of a data folder.

What an override does to the targets
------------------------------------
The plan is first decomposed by the existing rules (forecast or growth, hospital
shares, seasonality, 带量采购). Overrides then act on the product × hospital × month
cells of that plan:

* a product's **region total stays**: pinning a hospital, a hospital × product or a
  month moves units between the product's other cells, which share the rest in
  proportion to the plan without overrides. Only an override of a product's
  region-wide half (层级 品种, 期间 the half) changes the product's total; a product
  without a target takes the sum of its fixed figures. The region total is always
  the sum of the products' totals.
* fixed figures and milestones hold exactly (units to the unit; money to within the
  price of one unit of the products concerned, since targets are whole units);
  floors and caps hold as bounds, binding only where the plan without them would
  cross them.
* overrides over several products (a hospital's total, a product line) in money or
  units are shared among their products in proportion to the plan as it stands.
* combinations that cannot hold are refused with :class:`repkit.errors.PlanError`
  naming the override row, the product, hospital and month, and the excess.

With ``scenario="company"``, :func:`repkit.plan.build` adds the company's hospital ×
product quotas of the half as fixed figures for the half (see
:func:`repkit.plan._quotas.bind_quotas`): the same rules, labelled 公司下达 instead of
经理指定 (:data:`QUOTA_SOURCE`); :func:`failure` tells beforehand whether a set of
rules can hold.

Department development goals (科室开发) become activity goals (``Plan.goals``): the
number of a hospital's target departments to have developed by a month. They never
become sales figures, and no override reaches below department: doctors get visits
and adoption goals only (统方 is forbidden).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.calendar import Half
from repkit.errors import DataError, PlanError
from repkit.labels import OVERRIDE_KINDS, OVERRIDE_SCOPES, label, label_frame
from repkit.messages import join, say
from repkit.plan._decompose import _round_groups
from repkit.plan._pin import Con, Grid, Infeasible, solve
from repkit.schema import TABLES

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset

__all__ = [
    "OVERRIDE_COLUMNS",
    "QUOTA_SOURCE",
    "Rule",
    "apply_overrides",
    "department_goals",
    "failure",
    "manager_sheet",
    "override_labels",
    "quota_rule",
    "read_overrides",
]

OVERRIDE_COLUMNS = (
    "override",
    "label",
    "scope",
    "kind",
    "hospital_id",
    "products",
    "period",
    "measure",
    "value",
    "achieved",
    "difference",
    "binding",
)
"""Columns of ``Plan.overrides``: each override with its value and what the plan holds."""

MANAGER_SOURCE = "经理指定"
QUOTA_SOURCE = "公司下达"
"""How a rule's label starts: the manager's override, or a company quota bound as one."""

_TOL = 1e-7


@dataclass(frozen=True)
class Rule:
    """One sales override, resolved against the region's data."""

    id: int
    label: str
    file: str | None
    row: int | None
    scope: str
    kind: str
    hospital_id: str | None
    products: tuple[str, ...]
    month: pd.Period | None
    period: str
    measure: str
    value: float
    sheet: str | None = None

    @property
    def bound(self) -> str:
        """eq, lo or hi."""
        return {"floor": "lo", "cap": "hi"}.get(self.kind, "eq")


# ------------------------------------------------------------------------------ reading


def read_overrides(
    overrides: Any, ds: Dataset, half: Half, region: str, products: Sequence[str]
) -> tuple[list[Rule], pd.DataFrame]:
    """The sales rules and the department goal rows of the overrides for one half.

    ``overrides`` is None (the Dataset's 经理指定 table), a DataFrame (canonical or
    Chinese headers) or a list of dicts. Rows of other regions and halves are left
    out; unknown hospitals or products are refused (rule ``override_unknown``).
    """
    frame, where = _frame(overrides, ds, region)
    frame = frame.reindex(columns=list(TABLES["overrides"].columns))
    if frame.empty:
        return [], frame
    frame = frame.assign(
        _file=where["file"].to_numpy(),
        _sheet=where["sheet"].to_numpy() if "sheet" in where else None,
        _row=where["row"].to_numpy(),
    )
    frame = frame[frame["region"].isna() | (frame["region"].astype(str) == region)]
    frame = frame[frame["period"].map(lambda p: _in_half(str(p), half))]
    ids, problems = _resolve_hospitals(frame, ds)
    frame = frame.assign(hospital_id=ids)
    known = set(products)
    names = dict(zip(ds.hospitals["hospital_id"], ds.hospitals["name"], strict=True))
    rules: list[Rule] = []
    goals = frame[frame["scope"] == "department_development"]
    for rec in frame[frame["scope"] != "department_development"].to_dict("records"):
        prods = tuple(rec["products"]) if isinstance(rec["products"], list | tuple) else ()
        missing = [p for p in prods if p not in known]
        if missing:
            problems.append(
                _problem(
                    rec,
                    "products",
                    ", ".join(missing),
                    "override_unknown",
                    say("override_unknown.product", products=join(missing), region=region),
                )
            )
            continue
        if rec["scope"] == "hospital":
            prods = ()  # every product of the hospital
        rules.append(_rule(len(rules), rec, prods, names))
    if problems:
        raise DataError(problems, say("error.overrides_unmatched", n=len(problems)))
    return rules, goals


def _frame(overrides: Any, ds: Dataset, region: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical override rows and, for each, the file, sheet and row it came from."""
    from repkit.dataset import IN_MEMORY
    from repkit.io import read_table

    if overrides is None:
        frame = ds.overrides
        where = ds.source_rows("overrides")[["file", "sheet", "row"]] if len(frame) else None
        if where is not None:
            where = where.assign(file=where["file"].fillna(IN_MEMORY))
            where["row"] = where["row"].where(where["row"].notna(), np.arange(1, len(frame) + 1))
        return frame.reset_index(drop=True), _reset(where, len(frame))
    if isinstance(overrides, Mapping):
        overrides = [overrides]
    if isinstance(overrides, list | tuple):
        if not overrides:
            return ds.overrides.iloc[:0], _reset(None, 0)
        bad = [i for i, o in enumerate(overrides, 1) if not isinstance(o, Mapping)]
        if bad:
            raise TypeError(f"overrides must be dicts (entries {bad[:5]} are not)")
        overrides = pd.DataFrame([dict(o) for o in overrides])
    if not isinstance(overrides, pd.DataFrame):
        raise TypeError(
            "overrides must be a DataFrame, a list of dicts or None, got "
            f"{type(overrides).__name__}"
        )
    if overrides.empty:
        return ds.overrides.iloc[:0], _reset(None, 0)
    given = overrides.copy()
    named = [c for c in given.columns if str(c) in ("region", "区域")]
    if named:
        given[named[0]] = given[named[0]].astype(object).where(given[named[0]].notna(), region)
    else:
        given.insert(0, "region", region)
    if "product" in given.columns and "products" not in given.columns:
        given = given.rename(columns={"product": "products"})
    frame = read_table(given, "overrides").reset_index(drop=True)
    where = pd.DataFrame({"file": "overrides", "row": np.arange(1, len(frame) + 1)})
    return frame, where


def _reset(where: pd.DataFrame | None, n: int) -> pd.DataFrame:
    if where is None:
        return pd.DataFrame({"file": ["overrides"] * n, "row": np.arange(1, n + 1)})
    return where.reset_index(drop=True)


def _in_half(period: str, half: Half) -> bool:
    if "H" in period:
        return period == str(half)
    return pd.Period(period, freq="M") in set(half.months)


def _problem(rec: Mapping[str, Any], column: str, value: Any, rule: str, message: str) -> dict:
    row = rec.get("_row")
    return {
        "file": rec.get("_file"),
        "sheet": _text_or_none(rec.get("_sheet")),
        "row": None if row is None or pd.isna(row) else int(row),
        "column": column,
        "value": str(value),
        "rule": rule,
        "message": message,
    }


def _text_or_none(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _resolve_hospitals(frame: pd.DataFrame, ds: Dataset) -> tuple[list[Any], list[dict]]:
    """Hospital ids of the rows (by id, else by name); unknown ones as problems."""
    hosp = ds.hospitals
    ids = set(hosp["hospital_id"].astype(str))
    by_name = dict(zip(hosp["name"].astype(str), hosp["hospital_id"].astype(str), strict=True))
    if "hospital" in ds.sales:
        sold = ds.sales.dropna(subset=["hospital"]).drop_duplicates("hospital")
        by_name.update(
            dict(zip(sold["hospital"].astype(str), sold["hospital_id"].astype(str), strict=True))
        )
        ids |= set(ds.sales["hospital_id"].dropna().astype(str))
    out: list[Any] = []
    problems: list[dict] = []
    for rec in frame.to_dict("records"):
        hid, name = rec.get("hospital_id"), rec.get("hospital")
        if hid is not None and not pd.isna(hid) and str(hid) != "":
            found = str(hid) if str(hid) in ids else None
            shown = hid
        elif name is not None and not pd.isna(name) and str(name) != "":
            found = by_name.get(str(name))
            shown = name
        else:
            out.append(None)
            continue
        if found is None:
            problems.append(
                _problem(
                    rec,
                    "hospital_id",
                    shown,
                    "override_unknown",
                    say("override_unknown.hospital", hospital=shown),
                )
            )
        out.append(found)
    return out, problems


def _rule(
    i: int, rec: Mapping[str, Any], products: tuple[str, ...], names: Mapping[str, str]
) -> Rule:
    period = str(rec["period"])
    month = None if "H" in period else pd.Period(period, freq="M")
    measure = "amount" if not pd.isna(rec.get("amount")) else "units"
    hospital = rec.get("hospital_id")
    hospital = None if hospital is None or pd.isna(hospital) else str(hospital)
    row = rec.get("_row")
    row = None if row is None or pd.isna(row) else int(row)
    shown = names.get(hospital, hospital) if hospital else None
    label = _label(rec["scope"], rec["kind"], shown, products, period, measure, rec[measure])
    return Rule(
        id=i,
        label=label,
        file=rec.get("_file"),
        row=row,
        scope=str(rec["scope"]),
        kind=str(rec["kind"]),
        hospital_id=hospital,
        products=products,
        month=month,
        period=period,
        measure=measure,
        value=float(rec[measure]),
        sheet=_text_or_none(rec.get("_sheet")),
    )


def _label(
    scope: str,
    kind: str,
    hospital: str | None,
    products: Sequence[str],
    period: str,
    measure: str,
    value: float,
    *,
    by: str = MANAGER_SOURCE,
) -> str:
    """``经理指定：医院 兰州市第二人民医院 2026-08 里程碑 金额 60,000`` (a trace step's name).

    ``by``: who set the figure, :data:`QUOTA_SOURCE` for a company quota.
    """
    what = [OVERRIDE_SCOPES[scope]]
    if hospital:
        what.append(str(hospital))
    if products:
        what.append("、".join(products))
    unit = "金额" if measure == "amount" else "数量"
    return f"{by}：{' '.join(what)} {period} {OVERRIDE_KINDS[kind]} {unit} {value:,.0f}"


def quota_rule(
    id: int,
    hospital_id: str,
    hospital: str,
    product: str,
    half: Half,
    units: int,
    file: str | None = None,
    row: int | None = None,
    sheet: str | None = None,
) -> Rule:
    """A company quota of a hospital × product for the half as a fixed figure (公司下达).

    ``hospital`` is the name shown in the label; ``units`` whole units; ``file`` and
    ``row`` and ``sheet`` the targets file, the (first) row and the sheet the quota was read
    from.

    Examples
    --------
    >>> r = quota_rule(3, "H001", "兰州空军医院", "帮达", Half.parse("2026H2"), 25000)
    >>> r.label, r.bound, r.month
    ('公司下达：医院品种 兰州空军医院 帮达 2026H2 固定 数量 25,000', 'eq', None)
    """
    period = str(half)
    label = _label(
        "hospital_product", "fixed", hospital, [product], period, "units", units, by=QUOTA_SOURCE
    )
    return Rule(
        id=id,
        label=label,
        file=file,
        row=row,
        scope="hospital_product",
        kind="fixed",
        hospital_id=hospital_id,
        products=(product,),
        month=None,
        period=period,
        measure="units",
        value=float(units),
        sheet=sheet,
    )


def override_labels(applied: pd.DataFrame | None, goals: pd.DataFrame) -> tuple[str, ...]:
    """One line per override, for ``Plan.params`` (and so :func:`repkit.plan.diff`).

    ``applied`` is ``Plan.overrides`` (None without overrides): the manager's rules, then
    the company quotas that bound the plan (公司下达), so that a plan made after the
    company revised a hospital's quota names the change.

    Examples
    --------
    >>> rule = quota_rule(0, "H1", "甲院", "A", Half.parse("2026H2"), 75)
    >>> applied = pd.DataFrame({"label": [rule.label]})
    >>> override_labels(applied, pd.DataFrame(columns=["hospital_id", "period", "rate"]))
    ('公司下达：医院品种 甲院 A 2026H2 固定 数量 75',)
    """
    lines = [] if applied is None else applied["label"].astype(str).tolist()
    for rec in goals.to_dict("records"):
        lines.append(
            f"经理指定：科室开发 {rec['hospital_id']} {rec['period']} 开发率 {rec['rate']:.0%}"
        )
    return tuple(lines)


# ------------------------------------------------------------------------------ solving

Grids = dict[str, Grid]
"""Product → its hospital × month grid."""


def apply_overrides(
    monthly: pd.DataFrame, rules: Sequence[Rule], half: Half
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Targets per product × hospital × month that honour the rules.

    ``monthly`` has product, hospital_id, quarter, month, units (int) and price: the
    plan without overrides. Returns the new monthly table (same columns; new rows for
    hospitals or products only the overrides name), the step of each rule per cell
    (override, product, hospital_id, month, units; rules applied one after another,
    so the steps add up to the change) and the rule table (:data:`OVERRIDE_COLUMNS`).

    Raises
    ------
    PlanError
        Rules that cannot hold together, naming the rule rows and the excess.
    """
    base, price = _grids(monthly, rules, list(half.months))
    final, active = _solve_all(base, rules, price)
    steps = _steps(base, final, rules, price)
    cols = ["override", "product", "hospital_id", "month", "units"]
    step = pd.DataFrame(steps, columns=cols).astype({"units": "int64"})
    if len(step):
        step["month"] = step["month"].astype("period[M]")
    return _monthly(monthly, final, price), step, _report(rules, final, price, active)


def failure(monthly: pd.DataFrame, rules: Sequence[Rule], half: Half) -> PlanError | None:
    """The :class:`PlanError` :func:`apply_overrides` would raise, None when the rules hold.

    The same solve without the steps and the report: a cheap test of a set of rules.

    Examples
    --------
    >>> half = Half.parse("2026H2")
    >>> monthly = pd.DataFrame({"product": "A", "hospital_id": ["H1", "H2"] * 6,
    ...     "month": [m for m in half.months for _ in range(2)], "units": 10, "price": 2.0})
    >>> def fixed(h, units):
    ...     return Rule(0, f"H{h}", None, None, "hospital_product", "fixed", f"H{h}", ("A",),
    ...                 None, "2026H2", "units", units)
    >>> failure(monthly, [fixed(1, 100.0)], half) is None
    True
    >>> failure(monthly, [fixed(1, 130.0)], half).problems["rule"].tolist()
    ['override_above_target']
    """
    base, price = _grids(monthly, rules, list(half.months))
    try:
        _solve_all(base, rules, price)
    except PlanError as err:
        return err
    return None


def _steps(base: Grids, final: Grids, rules: Sequence[Rule], price: Grids) -> list[tuple]:
    """What each rule moved: the rules applied one after another, each step the change.

    Rules that set a product's region total go first. A rule that cannot hold until a
    later one joins it (a hospital fixed above the product's target before the target
    is raised) shares its step with that later rule.
    """
    order = sorted(rules, key=lambda r: (not (r.scope == "product" and r.month is None), r.id))
    out = []
    current = base
    for k, r in enumerate(order):
        if k == len(order) - 1:
            new = final
        else:
            try:
                new, _ = _solve_all(base, order[: k + 1], price)
            except PlanError:
                continue
        for p, grid in new.items():
            diff = grid.units - current[p].units
            for i, j in np.argwhere(diff != 0):
                out.append((r.id, p, grid.hospitals[i], grid.months[j], int(diff[i, j])))
        current = new
    return out


def _grids(
    monthly: pd.DataFrame, rules: Sequence[Rule], months: list[pd.Period]
) -> tuple[Grids, Grids]:
    """Units and prices per product as grids; rows added for hospitals the rules name."""
    units: Grids = {}
    prices: Grids = {}
    named: dict[str, list[str]] = {}
    for r in rules:
        for p in r.products:
            named.setdefault(p, [])
            if r.hospital_id is not None and r.hospital_id not in named[p]:
                named[p].append(r.hospital_id)
    products = list(dict.fromkeys([*monthly["product"], *named]))
    by_product = dict(tuple(monthly.groupby("product", sort=False)))
    mean_price = monthly.groupby("product")["price"].mean()
    for p in products:
        part = by_product.get(p, monthly.iloc[:0])
        hospitals = list(dict.fromkeys([*part["hospital_id"], *named.get(p, [])]))
        u = part.pivot_table(
            index="hospital_id", columns="month", values="units", aggfunc="sum"
        ).reindex(index=hospitals, columns=months)
        c = part.pivot_table(
            index="hospital_id", columns="month", values="price", aggfunc="mean"
        ).reindex(index=hospitals, columns=months)
        fallback = float(mean_price.get(p, np.nan))
        units[p] = Grid(hospitals, months, u.fillna(0).to_numpy(dtype="int64"))
        prices[p] = Grid(hospitals, months, c.fillna(fallback).to_numpy(dtype="float64"))
    return units, prices


def _monthly(monthly: pd.DataFrame, cells: Grids, price: Grids) -> pd.DataFrame:
    """The grids back as the monthly table (cells of the plan, plus new non-zero ones)."""
    present = set(zip(monthly["product"], monthly["hospital_id"], strict=True))
    rows = []
    for p, grid in cells.items():
        for i, h in enumerate(grid.hospitals):
            if (p, h) not in present and not grid.units[i].any():
                continue
            for j, m in enumerate(grid.months):
                rows.append((p, h, m, int(grid.units[i, j]), float(price[p].units[i, j])))
    long = pd.DataFrame(rows, columns=["product", "hospital_id", "month", "units", "price"])
    long["month"] = long["month"].astype("period[M]")
    long["quarter"] = long["month"].dt.asfreq("Q-DEC")
    long["units"] = long["units"].astype("int64")
    cols = [c for c in monthly.columns if c in long.columns]
    return (
        long[cols]
        .sort_values(["product", "hospital_id", "month"], kind="stable")
        .reset_index(drop=True)
    )


def _solve_all(base: Grids, rules: Sequence[Rule], price: Grids) -> tuple[Grids, set[int]]:
    """Every product's grid under the rules, and the ids of the rules that bind.

    Rules on one product become its unit constraints directly (money at the product's
    price); rules over several products are shared out among them (fixed ones at
    once, floors and caps when the plan crosses them).
    """
    direct: dict[str, list[Con]] = {}
    shared: list[Rule] = []
    for r in rules:
        if len(r.products) == 1:
            p = r.products[0]
            unit = 1.0 if r.measure == "units" else _unit_price(price[p], r)
            direct.setdefault(p, []).append(_con(r, r.value / unit, r.bound))
        else:
            shared.append(r)
    active = [r for r in shared if r.bound == "eq"]
    current = base
    for _ in range(len(shared) + 2):
        cons = {p: list(c) for p, c in direct.items()}
        for r in active:
            for p, con in _share(r, current, price):
                cons.setdefault(p, []).append(con)
        out = dict(base)
        for p, group in cons.items():
            units = _solve_product(p, base[p], group, rules)
            out[p] = Grid(base[p].hospitals, base[p].months, units)
        violated = [r for r in shared if r not in active and _violates(r, out, price)]
        if not violated:
            return out, _binding(rules, out, price, active)
        active += violated
        current = out
    raise AssertionError("active set did not settle")  # pragma: no cover


def _binding(rules: Sequence[Rule], cells: Grids, price: Grids, active: list[Rule]) -> set[int]:
    """Rules that shape the plan: fixed ones, and bounds the plan sits on."""
    out = {r.id for r in active}
    for r in rules:
        if r.bound == "eq" or abs(_measure(r, cells, price) - r.value) < _step_of(r, price):
            out.add(r.id)
    return out


def _step_of(r: Rule, price: Grids) -> float:
    """The smallest move of a rule's measure: one unit, or the dearest unit price."""
    if r.measure == "units":
        return 1.0
    prods = list(r.products) or list(price)
    return max(float(price[p].units.max()) for p in prods if price[p].units.size) or 1.0


def _con(r: Rule, value: float, bound: str) -> Con:
    """A rule as a unit constraint (a floor rounds up, a cap down, a fixed value to nearest)."""
    return Con(r.hospital_id, r.month, bound, _con_value(value, bound), r.id)


def _unit_price(price: Grid, r: Rule) -> float:
    """A product's unit price in a rule's scope (mean over the cells; 带量采购 aside)."""
    vals = price.units[price.mask(r.hospital_id, r.month)]
    return float(vals.mean()) if len(vals) else float(price.units.mean())


def _products(r: Rule, cells: Grids) -> list[str]:
    if r.products:
        return list(r.products)
    return [p for p, g in cells.items() if r.hospital_id in g.hospitals]


def _measure(r: Rule, cells: Grids, price: Grids) -> float:
    """What the cells hold in a rule's scope: units, or amount at the cells' prices."""
    total = 0.0
    for p in _products(r, cells):
        mask = cells[p].mask(r.hospital_id, r.month)
        units = cells[p].units[mask].astype("float64")
        total += float(
            (units * price[p].units[mask]).sum() if r.measure == "amount" else units.sum()
        )
    return total


def _violates(r: Rule, cells: Grids, price: Grids) -> bool:
    got = _measure(r, cells, price)
    return got < r.value - _TOL if r.bound == "lo" else got > r.value + _TOL


def _share(r: Rule, cells: Grids, price: Grids) -> list[tuple[str, Con]]:
    """A rule over several products as one fixed unit constraint per product.

    The value is shared in proportion to what each product holds in the rule's scope
    in ``cells`` (equally when none holds anything) and turned into whole units: the
    units of the products add up to a units rule; for money, the amount comes as
    close as whole units allow (at least a floor, at most a cap).
    """
    prods = _products(r, cells)
    if not prods:
        message = say("override_below_target.no_products", label=r.label)
        raise PlanError([_rule_problem(r, "override_below_target", r.value, message)])
    held = np.array(
        [float(cells[p].units[cells[p].mask(r.hospital_id, r.month)].sum()) for p in prods]
    )
    c = np.array([_unit_price(price[p], r) if r.measure == "amount" else 1.0 for p in prods])
    w = held * c
    w = w if w.sum() > 0 else np.ones(len(prods))
    units = _whole(r.value * w / w.sum() / c, c, r.value, r.bound, w)
    return [
        (p, Con(r.hospital_id, r.month, "eq", int(u), r.id))
        for p, u in zip(prods, units, strict=True)
    ]


def _whole(real: np.ndarray, c: np.ndarray, value: float, bound: str, w: np.ndarray) -> np.ndarray:
    """Whole units close to ``real`` whose Σ c·units is as close to ``value`` as can be."""
    if np.all(c == 1.0):
        total = _con_value(value, bound)
        return _round_groups(real, np.zeros(len(real), dtype="int64"), np.array([total]), w)
    units = np.floor(real + 1e-9).astype("int64")
    frac = real - units
    for j in np.lexsort((np.arange(len(real)), -w, -frac)):
        left = value - float((units * c).sum())
        if left >= c[j] / 2 or (bound == "lo" and left > _TOL):
            units[j] += 1
    if bound == "lo":
        while float((units * c).sum()) < value - _TOL:
            units[int(np.argmin(c))] += 1
    if bound == "hi":
        while float((units * c).sum()) > value + _TOL and units.sum() > 0:
            units[int(np.argmax(np.where(units > 0, c, -np.inf)))] -= 1
    return units


def _con_value(value: float, bound: str) -> int:
    if bound == "lo":
        return int(np.ceil(value - _TOL))
    if bound == "hi":
        return int(np.floor(value + _TOL))
    return int(np.round(value))


def _rule_problem(r: Rule, rule: str, excess: float, message: str) -> dict[str, Any]:
    return {
        "file": r.file,
        "sheet": r.sheet,
        "row": r.row,
        "column": {"amount": "金额", "units": "数量"}[r.measure],
        "value": r.label,
        "rule": rule,
        "message": message,
        "excess": float(excess),
    }


def _solve_product(product: str, base: Grid, cons: list[Con], rules: Sequence[Rule]) -> np.ndarray:
    """One product's units; infeasible constraints as a PlanError naming the rules."""
    try:
        return solve(product, base, cons)
    except Infeasible as err:
        by_id = {r.id: r for r in rules}
        problems = [
            _rule_problem(by_id[rid], err.rule, err.excess, err.message)
            for rid in dict.fromkeys(err.rules)
        ]
        raise PlanError(problems, say("error.overrides_infeasible", message=err.message)) from None


# ------------------------------------------------------------------------------ report


def _report(rules: Sequence[Rule], cells: Grids, price: Grids, binding: set[int]) -> pd.DataFrame:
    rows = []
    for r in rules:
        got = _measure(r, cells, price)
        rows.append(
            {
                "override": r.id,
                "label": r.label,
                "scope": r.scope,
                "kind": r.kind,
                "hospital_id": r.hospital_id,
                "products": "、".join(r.products),
                "period": r.period,
                "measure": r.measure,
                "value": r.value,
                "achieved": round(got, 2),
                "difference": round(got - r.value, 2),
                "binding": r.id in binding,
            }
        )
    return pd.DataFrame(rows, columns=list(OVERRIDE_COLUMNS))


def manager_sheet(overrides: pd.DataFrame, goals: pd.DataFrame) -> list[pd.DataFrame]:
    """The workbook's 经理指定 sheet: each override and what the plan holds, then goals.

    An empty table is one row saying where to give its entries (经理指定.xlsx), not a
    bare heading: the plan document shows the same tables.

    Examples
    --------
    >>> plan = rk.plan.build(rk.sample.seed000(), "2026H2", forecast="simple",
    ...     overrides=rk.sample.seed000_overrides())
    >>> [t.columns[0] for t in plan.workbook()["经理指定"]]
    ['说明', '医院']
    >>> no_goals = manager_sheet(plan.overrides, plan.goals.iloc[:0])[1]
    >>> no_goals.columns.tolist(), no_goals.iloc[0, 0].startswith("本计划没有科室开发目标")
    (['说明'], True)
    """
    cols = ["label", "measure", "value", "achieved", "difference", "binding"]
    if len(overrides):
        first = label_frame(overrides[cols].assign(binding=overrides["binding"].map(_YES_NO)))
    else:
        first = pd.DataFrame({label("label"): [say("plan.no_overrides")]})
    cols = ["hospital", "month", "target_departments", "goal_rate", "departments_to_develop"]
    if len(goals):
        second = goals.reindex(columns=[*cols, "notes"]).assign(month=goals["month"].astype(str))
        return [first, label_frame(second)]
    return [first, pd.DataFrame({label("label"): [say("plan.no_goals")]})]


_YES_NO = {True: "是", False: "否"}


# ------------------------------------------------------------------------------ goals


def department_goals(goals: pd.DataFrame, ds: Dataset, half: Half) -> pd.DataFrame:
    """Department development goals (科室开发) as activity goals per hospital and month.

    The target departments of a hospital are its ``departments`` in the hospitals
    table (else the departments its sales name). The goal of a month is the number of
    them to have developed by then: ``ceil(rate × target departments)``. A goal for
    the half applies to its last month; goals never fall from one month to the next.

    Returns
    -------
    DataFrame
        hospital_id, hospital, month, target_departments, goal_rate,
        departments_to_develop, override (row of the goal), notes.
    """
    cols = [
        "hospital_id",
        "hospital",
        "month",
        "target_departments",
        "goal_rate",
        "departments_to_develop",
        "override",
        "notes",
    ]
    if goals.empty:
        return pd.DataFrame(columns=cols)
    hosp = ds.hospitals.set_index("hospital_id")
    rows = []
    for rec in goals.to_dict("records"):
        hid = str(rec["hospital_id"])
        depts = _departments(ds, hid)
        period = str(rec["period"])
        month = half.months[-1] if "H" in period else pd.Period(period, freq="M")
        rate = float(rec["rate"])
        rows.append(
            {
                "hospital_id": hid,
                "hospital": hosp["name"].get(hid, hid) if "name" in hosp else hid,
                "month": month,
                "target_departments": len(depts),
                "goal_rate": rate,
                "departments_to_develop": int(np.ceil(rate * len(depts) - 1e-9)),
                "override": rec.get("_row"),
                "notes": rec.get("notes"),
            }
        )
    out = pd.DataFrame(rows, columns=cols).sort_values(["hospital_id", "month"], kind="stable")
    out["departments_to_develop"] = out.groupby("hospital_id")["departments_to_develop"].cummax()
    out["month"] = out["month"].astype("period[M]")
    return out.reset_index(drop=True)


def _departments(ds: Dataset, hospital_id: str) -> list[str]:
    hosp = ds.hospitals
    if "departments" in hosp:
        listed = hosp.loc[hosp["hospital_id"] == hospital_id, "departments"]
        if len(listed) and isinstance(listed.iloc[0], list | tuple) and listed.iloc[0]:
            return [str(d) for d in listed.iloc[0]]
    sales = ds.sales[ds.sales["hospital_id"] == hospital_id]
    return sorted(sales["department"].dropna().astype(str).unique())
