"""The review against real quotas where they exist, imputed targets elsewhere.

Private; used by :func:`repkit.plan.build`. The review of a half compares each hospital,
department and sales staff member with the quota they were actually given (hospital,
department or sales-staff rows of the targets table). Where no quota was given, the
target is imputed: the company's region target decomposed as repkit would have at the
start of the half, scaled so that imputed and real quotas together add up to the region
target. Each review row says which it is in ``target_source``: ``actual`` (实际指标),
``imputed`` (推算) or ``mixed`` (部分推算: some products real, some imputed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.calendar import Half
from repkit.io._quotas import half_quotas, quota_units
from repkit.plan._decompose import UNASSIGNED, allocate
from repkit.plan._review import REVIEW_LEVELS, company_targets, prices, review

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset

SOURCES: tuple[str, ...] = ("actual", "imputed", "mixed")
"""Values of ``target_source``: real quota, imputed target, some products of each."""


def _split(left: float, weights: pd.Series) -> pd.Series:
    """``left`` over the weights' keys: whole units when it is whole, else shares."""
    w = weights.clip(lower=0).astype("float64")
    if not len(w):
        return w
    whole = round(left)
    if abs(left - whole) < 1e-6:
        return allocate(int(whole), w).astype("float64")
    share = w / w.sum() if w.sum() > 0 else pd.Series(1.0 / len(w), index=w.index)
    return share * left


def _tree(cells: pd.DataFrame, real: pd.DataFrame, total: float) -> tuple[pd.Series, ...]:
    """Department targets of one product (real quotas, imputed elsewhere) and sources.

    ``cells``: the imputed targets; ``real``: quotas with level, hospital_id, department,
    units; ``total``: the region target. Returns units and source per (hospital_id,
    department), and the source per hospital.
    """
    imputed = cells.groupby(["hospital_id", "department"])["units"].sum()
    hq = real[real["level"] == "hospital"].groupby("hospital_id")["units"].sum()
    dq = real[real["level"] == "department"].groupby(["hospital_id", "department"])["units"].sum()
    keys = imputed.index.union(dq.index)
    for h in hq.index.difference(keys.get_level_values(0)):  # a quota without history
        keys = keys.append(pd.MultiIndex.from_tuples([(h, "未指定")], names=keys.names))
    imputed = imputed.reindex(keys, fill_value=0.0)
    is_real = keys.isin(dq.index)
    hosp = keys.get_level_values(0)
    out = pd.Series(0.0, index=keys)
    out[is_real] = dq.reindex(keys[is_real]).to_numpy()
    for h in hq.index:  # the rest of a hospital quota over its other departments
        free = (hosp == h) & ~is_real
        left = max(float(hq[h]) - float(out[(hosp == h) & is_real].sum()), 0.0)
        out[free] = _split(left, imputed[free]).to_numpy()
    free = ~is_real & ~hosp.isin(hq.index)  # the rest of the region over the others
    left = max(total - float(out[~free].sum()), 0.0)
    out[free] = _split(left, imputed[free]).to_numpy()
    source = pd.Series(np.where(is_real, "actual", "imputed"), index=keys)
    by_hosp = source.groupby(level=0).agg(_one_source)
    by_hosp[by_hosp.index.isin(hq.index)] = "actual"
    return out, source, by_hosp


def _one_source(values: pd.Series) -> str:
    """The one source of all values when they agree, else mixed."""
    return str(values.iloc[0]) if values.nunique() == 1 else "mixed"


def _reps(cells: pd.DataFrame, real: pd.DataFrame, total: float) -> tuple[pd.Series, pd.Series]:
    """Sales-staff targets of one product (real quotas, imputed elsewhere) and sources."""
    imputed = cells.groupby("rep_id")["units"].sum()
    rq = real[real["level"] == "rep"].groupby("rep_id")["units"].sum()
    keys = imputed.index.union(rq.index)
    imputed = imputed.reindex(keys, fill_value=0.0)
    is_real = keys.isin(rq.index) & (keys != UNASSIGNED)
    out = pd.Series(0.0, index=keys)
    out[is_real] = rq.reindex(keys[is_real]).to_numpy()
    left = max(total - float(out[is_real].sum()), 0.0)
    out[~is_real] = _split(left, imputed[~is_real]).to_numpy()
    return out, pd.Series(np.where(is_real, "actual", "imputed"), index=keys)


def level_targets(
    past_targets: pd.DataFrame, quotas: pd.DataFrame, half: Half
) -> dict[str, pd.DataFrame]:
    """Half-year targets per review level with real quotas where given.

    For ``"hospital"``, ``"department"`` and ``"rep"``: one row per key × product, in
    the half's first month (what :func:`review` sums), with units, price, amount and
    ``target_source``. Imputed targets are ``past_targets`` (the region target
    decomposed) scaled so that they and the real quotas add up to the region target.
    """
    parts: dict[str, list[pd.DataFrame]] = {"hospital": [], "department": [], "rep": []}
    for product, cells in past_targets.groupby("product", sort=False):
        real = quotas[quotas["product"] == product]
        total = float(cells["units"].sum())
        units, source, by_hosp = _tree(cells, real, total)
        parts["department"].append(_frame(units, source, product))
        parts["hospital"].append(_frame(units.groupby(level=0).sum(), by_hosp, product))
        parts["rep"].append(_frame(*_reps(cells, real, total), product))
    price = past_targets.drop_duplicates("product").set_index("product")["price"]
    out = {}
    for level, frames in parts.items():
        if not frames:
            continue
        frame = pd.concat(frames, ignore_index=True)
        frame = frame.assign(month=half.start, price=frame["product"].map(price))
        frame["amount"] = (frame["units"] * frame["price"]).round(2)
        out[level] = frame
    return out


def _frame(units: pd.Series, source: pd.Series, product: str) -> pd.DataFrame:
    frame = units.rename("units").reset_index()
    frame["target_source"] = source.reindex(units.index).to_numpy()
    frame.insert(0, "product", product)
    return frame


def quota_reviews(
    ds: Dataset, half: Half, past_targets: pd.DataFrame
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The reviews of :func:`repkit.plan.build` by level, against real quotas where given.

    Returns the reviews (``REVIEW_LEVELS``; the hospital, department and rep reviews with
    a ``target_source`` column) and a note: per level, how many review rows were measured
    against real quotas (``actual``), imputed targets (``imputed``) or both (``mixed``);
    ``reconciled``: products whose region target was summed from lower quotas.
    """
    price = prices(ds, as_of=half.end)["price"]
    counts: dict[str, Any] = {
        "reconciled": list(company_targets(ds, half, price).attrs.get("reconciled", []))
    }
    quotas = half_quotas(ds.targets, half)
    quotas = quotas.assign(units=quota_units(quotas, price))
    by_level = level_targets(past_targets, quotas, half) if len(past_targets) else {}
    reviews = {
        lvl: review(ds, half, by=lvl, targets=past_targets)
        for lvl in REVIEW_LEVELS
        if lvl not in by_level
    }
    for lvl, frame in by_level.items():
        keys = REVIEW_LEVELS[lvl]
        r = review(ds, half, by=lvl, targets=frame)
        source = frame.groupby(keys)["target_source"].agg(_one_source)
        at = pd.MultiIndex.from_frame(r[keys]) if len(keys) > 1 else pd.Index(r[keys[0]])
        values = source.reindex(at).fillna("imputed").to_numpy()
        r.insert(list(r.columns).index("target_units"), "target_source", values)
        reviews[lvl] = r
        rows = r[r["rep_id"] != UNASSIGNED] if lvl == "rep" else r
        counts[lvl] = {s: int((rows["target_source"] == s).sum()) for s in SOURCES}
    return {lvl: reviews[lvl] for lvl in REVIEW_LEVELS}, counts


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
    return text
