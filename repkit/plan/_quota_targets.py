"""Targets of hospitals, departments and sales staff: real quotas where given, imputed elsewhere.

Private; used by :func:`repkit.plan.review`. Where no quota was given, the target is
imputed: the company's region target decomposed as repkit would have at the start of
the half, scaled so that imputed and real quotas together add up to the region target.
Each target carries ``target_source``: ``actual`` (实际指标), ``imputed`` (推算) or, for
a row summing both, ``mixed`` (部分推算).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from repkit.calendar import Half
from repkit.plan._decompose import UNASSIGNED, allocate

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
    real = real.assign(units=real["units"].astype("float64"))
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
    by_hosp = group_source(source.groupby(level=0))
    by_hosp[by_hosp.index.isin(hq.index)] = "actual"
    return out, source, by_hosp


def group_source(grouped: Any) -> pd.Series:
    """Per group of a grouped ``target_source`` Series: its one source, else mixed."""
    first = grouped.first().astype(object)
    return first.where(grouped.nunique() == 1, "mixed")


def _reps(cells: pd.DataFrame, real: pd.DataFrame, total: float) -> tuple[pd.Series, pd.Series]:
    """Sales-staff targets of one product (real quotas, imputed elsewhere) and sources."""
    imputed = cells.groupby("rep_id")["units"].sum()
    rq = real[real["level"] == "rep"].groupby("rep_id")["units"].sum().astype("float64")
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
    parts: dict[str, list[tuple[pd.Series, pd.Series, str]]] = {
        "hospital": [],
        "department": [],
        "rep": [],
    }
    for product, cells in past_targets.groupby("product", sort=False):
        real = quotas[quotas["product"] == product]
        total = float(cells["units"].sum())
        units, source, by_hosp = _tree(cells, real, total)
        parts["department"].append((units, source, str(product)))
        parts["hospital"].append((units.groupby(level=0).sum(), by_hosp, str(product)))
        parts["rep"].append((*_reps(cells, real, total), str(product)))
    price = past_targets.drop_duplicates("product").set_index("product")["price"]
    out = {}
    for level, found in parts.items():
        if not found:
            continue
        frame = _frame(found)
        frame = frame.assign(month=half.start, price=frame["product"].map(price))
        frame["amount"] = (frame["units"] * frame["price"]).round(2)
        out[level] = frame
    return out


def _frame(parts: list[tuple[pd.Series, pd.Series, str]]) -> pd.DataFrame:
    """One level's targets of every product: product, the key(s), units, target_source."""
    frame = pd.concat([units for units, _, _ in parts]).rename("units").reset_index()
    frame["target_source"] = np.concatenate(
        [source.reindex(units.index).to_numpy() for units, source, _ in parts]
    )
    products = np.array([product for _, _, product in parts], dtype=object)
    frame.insert(0, "product", np.repeat(products, [len(units) for units, _, _ in parts]))
    return frame
