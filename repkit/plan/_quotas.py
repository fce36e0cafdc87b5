"""The plan and the company's quotas below the region: binding, warnings, reviews.

Private; used by :func:`repkit.plan.build` and the plan document. With
``scenario="company"`` the hospital × product quotas of the planned half bind the plan
as fixed figures through the manager's override machinery (:func:`bind_quotas`, labelled
公司下达); :func:`unbound_quotas` warns about the quotas that do not bind (department and
sales-staff quotas always, hospital quotas in the other scenarios), the ones the
manager's own rules replace and products whose quotas cannot hold. The review of a half
compares each hospital, department and sales staff member with the quota they were
actually given (hospital, department or sales-staff rows of the targets table), an
imputed target elsewhere (see :mod:`repkit.plan._quota_targets`). Each review row says
which in ``target_source``: ``actual`` (实际指标), ``imputed`` (推算) or ``mixed``
(部分推算: some products real, some imputed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from repkit.calendar import Half
from repkit.errors import PlanError, where
from repkit.io._quotas import half_quotas, half_rows, quota_name, quota_units
from repkit.messages import join, say
from repkit.plan._decompose import UNASSIGNED
from repkit.plan._overrides import Rule, failure, quota_rule
from repkit.plan._quota_targets import SOURCES
from repkit.plan._review import (
    QUOTA_REVIEW_LEVELS,
    REVIEW_LEVELS,
    against_quotas,
    company_targets,
    prices,
    quota_targets,
    review,
)
from repkit.plan._scenario import round_half_up

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset


def quota_reviews(
    ds: Dataset,
    half: Half,
    past_targets: pd.DataFrame,
    *,
    price: pd.Series | None = None,
    company: pd.Series | None = None,
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The reviews of :func:`repkit.plan.build` by level, against real quotas where given.

    Returns the reviews (``REVIEW_LEVELS``; the hospital, department and rep reviews with
    a ``target_source`` column) and a note: per level, how many review rows were measured
    against real quotas (``actual``), imputed targets (``imputed``) or both (``mixed``);
    ``reconciled``: products whose region target was summed from lower quotas;
    ``short``: per level, units by which its targets fall short of the region target
    (real quotas given to every unit but adding up to less). ``price`` (the prices at
    the end of the half) and ``company`` (:func:`company_targets` of the half at those
    prices) are computed unless the caller has them.
    """
    if price is None:
        price = prices(ds, as_of=half.end)["price"]
    if company is None:
        company = company_targets(ds, half, price)
    note: dict[str, Any] = {"reconciled": list(company.attrs.get("reconciled", []))}
    reviews = {}
    levels = quota_targets(ds, half, past_targets, price) if len(past_targets) else {}
    for lvl in REVIEW_LEVELS:
        if lvl not in QUOTA_REVIEW_LEVELS or not len(past_targets):
            reviews[lvl] = review(ds, half, by=lvl, targets=past_targets)
            continue
        r = against_quotas(ds, half, lvl, past_targets, price, levels=levels)
        reviews[lvl] = r
        rows = r[r["rep_id"] != UNASSIGNED] if lvl == "rep" else r
        note[lvl] = {s: int((rows["target_source"] == s).sum()) for s in SOURCES}
        short = float(reviews["region"]["target_units"].sum() - r["target_units"].sum())
        if short >= 0.5:
            note.setdefault("short", {})[lvl] = round(short)
    return reviews, note


_UNITS = {"hospital": "家医院", "department": "个科室", "rep": "名销售人员"}


def target_source_note(note: dict[str, Any]) -> str:
    """One Chinese sentence: which reviewed targets were given and which imputed.

    ``note`` is ``Plan.summary["review_target_sources"]``.

    Examples
    --------
    >>> note = target_source_note({"hospital": {"actual": 2, "imputed": 5, "mixed": 0}})
    >>> for part in note.split("；"):
    ...     print(part)
    复盘指标来源：2 家医院按实际下达的指标衡量（实际指标）
    其余 5 家医院没有下达指标，由区域指标减去实际指标后按半年初数据推算（推算）。
    """
    levels = [lvl for lvl in _UNITS if lvl in note]
    if not levels:
        return ""

    def count(kind: str) -> str:
        parts = [f"{note[lvl][kind]} {_UNITS[lvl]}" for lvl in levels if note[lvl][kind]]
        return "、".join(parts)

    given, mixed, imputed = count("actual"), count("mixed"), count("imputed")
    reconciled = note.get("reconciled") or []
    if not given and not mixed:
        text = (
            "复盘指标来源：公司只下达了区域 × 品种指标，医院、科室和销售人员的指标均为 "
            "repkit 按半年初数据分解的推算值（标为“推算”），可能与实际下达给各人的数字不同。"
        )
    else:
        text = f"复盘指标来源：{given or '没有单位'}按实际下达的指标衡量（实际指标）"
        if mixed:
            text += f"；{mixed}部分品种有实际指标、其余推算（部分推算）"
        if imputed:
            text += (
                f"；其余 {imputed}没有下达指标，由区域指标减去实际指标后按半年初数据推算（推算）"
            )
        text += "。"
    if reconciled:
        text += f"{'、'.join(reconciled)} 没有区域指标，区域指标由下级指标汇总。"
    short = dict(note.get("short") or {})
    if "hospital" in short:
        short.pop("department", None)  # the departments add up to their hospitals
    for lvl, units in short.items():
        what = _UNITS[lvl].lstrip("家个名")
        text += (
            f"{what}指标合计比区域指标少 {units:,} 盒/支：实际指标已覆盖全部{what}，差额未再分配。"
        )
    return text


_QUOTA_KEYS = {
    "hospital": ["hospital_id", "product"],
    "department": ["hospital_id", "department", "product"],
    "rep": ["rep_id", "product"],
}
BIND_COLUMNS = ("hospital_id", "product", "quota", "status", "reason", "detail")
"""Columns of :func:`bind_quotas`' table. ``status``: ``bound`` (fixed as 公司下达),
``manager`` (the manager's own rule on the cell wins) or ``not_held`` (the product's
quotas cannot hold: ``reason`` ``target``, not even alone with the product's region
target, or ``manager``, not with the manager's rules; ``detail`` the solver's words)."""


def bind_quotas(
    monthly: pd.DataFrame, rules: Sequence[Rule], ds: Dataset, half: Half, price: pd.Series
) -> tuple[list[Rule], pd.DataFrame]:
    """The manager's rules plus the hospital × product quotas of the half that can hold.

    What :func:`repkit.plan.build` does with ``scenario="company"``: each hospital ×
    product quota of the half (months and quarters summed; money at ``price``, the
    plan's prices, rounded to whole units) becomes a fixed figure for the hospital ×
    product × half, as if the manager had entered it in 经理指定 (labelled 公司下达).
    A cell the manager already fixed, floored or capped for the whole half keeps the
    manager's rule. The quotas of one product are added only if they hold with the
    manager's rules and the quotas already added (:func:`failure`); otherwise the
    product is decomposed as without them. Hospitals not in the data and products not
    in the plan are left out (the quotas-not-binding warning counts them).

    Parameters
    ----------
    monthly
        The plan without overrides per product × hospital × month (see
        :func:`apply_overrides`).
    rules
        The manager's rules of the half (:func:`read_overrides`).
    ds, half, price
        The region's data, the half planned and the plan's price per product.

    Returns
    -------
    rules : list of Rule
        ``rules`` followed by the quotas that bind.
    quotas : DataFrame
        One row per hospital quota considered (:data:`BIND_COLUMNS`).

    Examples
    --------
    >>> half = Half.parse("2026H2")
    >>> monthly = pd.DataFrame({"product": "A", "hospital_id": ["H1", "H2"] * 6,
    ...     "month": [m for m in half.months for _ in range(2)], "units": 10, "price": 2.0})
    >>> t = pd.DataFrame({"period": "2026H2", "region": "兰州", "hospital_id": ["H1"],
    ...     "product": "A", "units": [None], "amount": [150.0]})
    >>> ds = type("D", (), {"targets": t, "sales": monthly,
    ...     "hospitals": pd.DataFrame({"hospital_id": ["H1", "H2"], "name": ["甲", "乙"]})})()
    >>> rules, quotas = bind_quotas(monthly, [], ds, half, pd.Series({"A": 2.0}))
    >>> [r.label for r in rules]
    ['公司下达：医院品种 甲 A 2026H2 固定 数量 75']
    >>> quotas[["hospital_id", "quota", "status"]].to_dict("records")
    [{'hospital_id': 'H1', 'quota': 75, 'status': 'bound'}]
    """
    q = half_quotas(ds.targets, half)
    q = q[q["level"] == "hospital"]
    q = q.assign(units=quota_units(q, price)).dropna(subset=["units"])
    hosp = ds.hospitals
    names = dict(zip(hosp["hospital_id"], hosp["name"], strict=True)) if "name" in hosp else {}
    names.update((h, h) for h in hosp["hospital_id"] if pd.isna(names.get(h)))
    known = set(names) | set(ds.sales["hospital_id"].dropna().astype(str))
    q = q[q["hospital_id"].isin(known) & q["product"].isin(set(monthly["product"]))]
    table = pd.DataFrame(
        {
            "hospital_id": q["hospital_id"].astype(str).to_numpy(),
            "product": q["product"].astype(str).to_numpy(),
            "quota": round_half_up(q["units"].to_numpy(dtype="float64")).astype("int64"),
            "status": "bound",
            "reason": None,
            "detail": None,
        },
        columns=list(BIND_COLUMNS),
    )
    mine = {
        (r.hospital_id, r.products[0])
        for r in rules
        if r.hospital_id is not None and len(r.products) == 1 and r.month is None
    }
    cells = zip(table["hospital_id"], table["product"], strict=True)
    table.loc[[cell in mine for cell in cells], "status"] = "manager"
    kept = list(rules)
    broken = failure(monthly, kept, half) if kept and len(table) else None
    if broken is not None:  # the manager's own rules fail: apply_overrides raises
        table.loc[table["status"] == "bound", ["status", "reason", "detail"]] = [
            "not_held",
            "manager",
            _first(broken),
        ]
    if table.empty or broken is not None:
        return kept, table
    next_id = max((r.id for r in kept), default=-1) + 1
    sources = _quota_sources(ds, half)
    for product in dict.fromkeys(table["product"]):
        rows = table.index[(table["product"] == product) & (table["status"] == "bound")]
        group = [
            quota_rule(
                next_id + k,
                table.at[i, "hospital_id"],
                names.get(table.at[i, "hospital_id"], table.at[i, "hospital_id"]),
                product,
                half,
                int(table.at[i, "quota"]),
                *sources.get((table.at[i, "hospital_id"], product), (None, None, None)),
            )
            for k, i in enumerate(rows)
        ]
        err = failure(monthly, [*kept, *group], half) if group else None
        if err is None:
            kept += group
            next_id += len(group)
            continue
        alone = failure(monthly, group, half) if rules else err
        table.loc[rows, "status"] = "not_held"
        table.loc[rows, "reason"] = "target" if alone is not None else "manager"
        table.loc[rows, "detail"] = _first(err if alone is None else alone)
    return kept, table


def _quota_sources(ds: Dataset, half: Half) -> dict[tuple[str, str], tuple[str, int, str | None]]:
    """The file, first row and sheet of each hospital × product quota of the half."""
    rows = half_rows(ds.targets, half)
    rows = rows[rows["level"] == "hospital"]
    source_rows = getattr(ds, "source_rows", None)
    if rows.empty or source_rows is None:
        return {}
    src = source_rows("targets").reindex(rows.index)
    out: dict[tuple[str, str], tuple[str, int, str | None]] = {}
    for key, file, row, sheet in zip(
        zip(rows["hospital_id"], rows["product"].astype(str), strict=True),
        src["file"],
        src["row"],
        src["sheet"],
        strict=True,
    ):
        if pd.notna(row) and key not in out:
            out[key] = (str(file), int(row), None if pd.isna(sheet) else str(sheet))
    return out


def _first(err: PlanError) -> str:
    """The first problem of an infeasible set of rules, as the solver words it.

    Prefixed with the file row of its rule (the 指标 row of a quota, the 经理指定 row of
    the manager's rule) where the rule was read from a file.
    """
    first = err.problems.iloc[0]
    message = str(first["message"])
    if pd.isna(first.get("file")) or not first.get("file"):
        return message
    return say("prefix.where", where=where(first.to_dict())) + message


def unbound_quotas(
    ds: Dataset,
    half: Half,
    targets: pd.DataFrame,
    price: pd.Series,
    *,
    bound: pd.DataFrame | None = None,
) -> list[dict[str, str]]:
    """Warnings on the company's quotas below the region that the plan does not follow.

    Department and sales-staff quotas never bind the plan (overrides stop at the
    hospital); hospital quotas bind only with ``scenario="company"`` (``bound``: the
    table of :func:`bind_quotas`). Warnings:

    * ``quotas_not_binding``: the quotas that do not bind and differ from the plan,
      counted, the largest difference named, with what would make a hospital's quota
      hold (the company scenario, or a fixed figure in 经理指定.xlsx) where that applies;
    * ``quotas_overridden``: hospital quotas where the manager's own rule wins;
    * ``quotas_not_held``: per product whose hospital quotas cannot hold, and why.

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2026H2"], "region": ["兰州"], "hospital_id": ["H1"],
    ...     "department": [None], "rep_id": [None], "product": ["A"], "units": [120.0],
    ...     "amount": [None]})
    >>> ds = type("D", (), {"targets": t})()
    >>> plan = pd.DataFrame({"hospital_id": ["H1"], "department": ["心内科"], "rep_id": ["R1"],
    ...     "product": ["A"], "units": [100]})
    >>> w = unbound_quotas(ds, Half.parse("2026H2"), plan, pd.Series({"A": 10.0}))
    >>> w[0]["code"], "公司 120 / 计划 100" in w[0]["message"]
    ('quotas_not_binding', True)

    With the company scenario the quota bound; the manager's rule won here:

    >>> held = pd.DataFrame({"hospital_id": ["H1"], "product": ["A"], "quota": [120],
    ...     "status": ["manager"], "reason": [None], "detail": [None]})
    >>> w = unbound_quotas(ds, Half.parse("2026H2"), plan, pd.Series({"A": 10.0}), bound=held)
    >>> [x["code"] for x in w]
    ['quotas_overridden']
    """
    q = half_quotas(ds.targets, half)
    lower = q[q["level"].isin(list(_QUOTA_KEYS))]
    if lower.empty:
        return []
    planned = targets.groupby(["hospital_id", "product"])["units"].sum()
    out = []
    if bound is not None and len(bound):
        out += _overridden(bound[bound["status"] == "manager"], planned)
        out += _not_held(bound[bound["status"] == "not_held"])
        done = pd.MultiIndex.from_frame(bound[["hospital_id", "product"]])
        hosp = lower["level"] == "hospital"
        lower = lower[~(hosp & pd.MultiIndex.from_frame(lower[_QUOTA_KEYS["hospital"]]).isin(done))]
    lower = lower.assign(quota=quota_units(lower, price)).dropna(subset=["quota"])
    return _not_binding(lower, targets, half, company=bound is not None) + out


def _overridden(rows: pd.DataFrame, planned: pd.Series) -> list[dict[str, str]]:
    """The warning naming the hospital quotas the manager's own rules replace."""
    if rows.empty:
        return []
    items = [
        say(
            "plan.quotas_overridden.item",
            what=say("word.quota_hospital", hospital=rec.hospital_id, product=rec.product),
            quota=f"{rec.quota:,.0f}",
            plan=f"{planned.get((rec.hospital_id, rec.product), 0):,.0f}",
        )
        for rec in rows.itertuples(index=False)
    ]
    message = say("plan.quotas_overridden", n=len(items), items=join(items))
    return [{"code": "quotas_overridden", "message": message}]


def _not_held(rows: pd.DataFrame) -> list[dict[str, str]]:
    """One warning per product whose hospital quotas cannot hold, saying why."""
    out = []
    for product, part in rows.groupby("product", sort=False):
        rec = part.iloc[0]
        message = say(
            f"plan.quotas_not_held.{rec['reason']}",
            product=product,
            n=len(part),
            reason=rec["detail"],
        )
        out.append({"code": "quotas_not_held", "message": message})
    return out


def _not_binding(
    lower: pd.DataFrame, targets: pd.DataFrame, half: Half, *, company: bool
) -> list[dict[str, str]]:
    """The warning on the quotas that do not bind the plan and differ from it."""
    gaps = []  # (|plan - quota|, quota record, plan units); one record per level x key
    for level, part in lower.groupby("level", sort=False):
        keys = _QUOTA_KEYS[str(level)]
        planned = targets.groupby(keys)["units"].sum()
        got = planned.reindex(pd.MultiIndex.from_frame(part[keys])).fillna(0.0)
        gaps += [
            (abs(units - rec.quota), rec, units)
            for rec, units in zip(part.itertuples(index=False), got.to_numpy(), strict=True)
        ]
    off = [g for g in gaps if g[0] >= 0.5]
    if not off:
        return []
    _, rec, plan_units = max(off, key=lambda g: g[0])
    key = "plan.quotas_not_binding"
    if not (lower["level"] == "hospital").any():
        key += ".lower"
    elif company:
        key += ".company"
    message = say(
        key,
        half=half,
        n=len(gaps),
        off=len(off),
        what=quota_name(rec),
        quota=f"{rec.quota:,.0f}",
        plan=f"{plan_units:,.0f}",
    )
    return [{"code": "quotas_not_binding", "message": message}]
