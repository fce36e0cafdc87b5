"""The plan's reviews against real quotas where they exist, and the sentence saying so.

Private; used by :func:`repkit.plan.build` and the plan document. The review of a half
compares each hospital, department and sales staff member with the quota they were
actually given (hospital, department or sales-staff rows of the targets table), an
imputed target elsewhere (see :mod:`repkit.plan._quota_targets`). Each review row says
which in ``target_source``: ``actual`` (实际指标), ``imputed`` (推算) or ``mixed``
(部分推算: some products real, some imputed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from repkit.calendar import Half
from repkit.messages import say
from repkit.plan._decompose import UNASSIGNED
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


def unbound_quotas(
    ds: Dataset, half: Half, targets: pd.DataFrame, price: pd.Series
) -> list[dict[str, str]]:
    """A warning when the company gave the planned half quotas below the region.

    The plan decomposes its region × product totals by its own rules (forecast or
    history shares, hospital potential, manager's figures); hospital, department and
    sales-staff quotas of the planned half do not bind it. The warning counts the quotas
    the plan departs from, names the largest difference and says how to make a hospital's
    quota hold (a fixed figure in 经理指定.xlsx).

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
    """
    from repkit.io._quotas import half_quotas, quota_name, quota_units

    q = half_quotas(ds.targets, half)
    lower = q[q["level"].isin(list(_QUOTA_KEYS))]
    if lower.empty:
        return []
    lower = lower.assign(quota=quota_units(lower, price)).dropna(subset=["quota"])
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
    return [
        {
            "code": "quotas_not_binding",
            "message": say(
                "plan.quotas_not_binding",
                n=len(gaps),
                off=len(off),
                what=quota_name(rec),
                quota=f"{rec.quota:,.0f}",
                plan=f"{plan_units:,.0f}",
            ),
        }
    ]
