"""The field-work tables of the sample data: nurses, competitors, meetings, listings.

Drawn from their own random stream after the other tables, so adding them left every
other sample table unchanged. Head counts only: no spending, no prescriptions per
person (first prescribers are a count per hospital and product).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from repkit.calendar import working_days
from repkit.schema import TABLES

_HALF_START = dt.date(2026, 1, 1)
_HALF_END = dt.date(2026, 6, 30)

# our product → an invented competitor product
_COMPETITOR_OF = {
    "瑞心安片": "心脉宁片",
    "舒肺宁注射液": "肺清宁注射液",
    "泰康铂注射液": "铂立康注射液",
    "益肝泰胶囊": "肝复康胶囊",
    "明目清滴眼液": "亮睛滴眼液",
    "脑络通胶囊": "脑安通胶囊",
    "新活宁注射液": "心活素注射液",
    "安泽曲南注射液": "曲美南注射液",
}
# activity, whether a price is noted, countermeasure noted by the rep
_ACTIVITIES = [
    ("降价投标", True, "上报公司价格部，评估跟进"),
    ("科室会推广", False, "本月加开一场科室会"),
    ("新增代表驻点", False, "增加重点医生拜访频次"),
    ("申请进院", False, "跟进药剂科，了解药事会时间"),
    ("学术资料投放", False, "送临床文献和指南解读"),
    ("断货", False, "保证我方库存，争取替换"),
]
_ACTIVITY_P = [0.25, 0.25, 0.15, 0.1, 0.15, 0.1]
_INPATIENT = ("3A", "3", "2")


def fieldwork_tables(
    rng: np.random.Generator,
    hospitals: pd.DataFrame,
    reps: pd.DataFrame,
    sales: pd.DataFrame,
    product_departments: dict[str, str],
    names: Any,
) -> dict[str, pd.DataFrame]:
    """The four field-work tables for the sample hospitals (``names(rng)`` makes a name)."""
    owner = _owners(reps)
    tables = {
        "nurses": _nurses(rng, hospitals, owner, names),
        "competitors": _competitors(rng, hospitals, owner, product_departments),
        "meetings": _meetings(rng, hospitals, owner, product_departments),
        "listings": _listings(rng, hospitals, sales),
        "swot": _swot(hospitals),
    }
    for t in tables.values():
        for column in t.columns[t.dtypes.map(pd.api.types.is_datetime64_any_dtype)]:
            t[column] = t[column].astype("datetime64[ns]")
    return {k: t[list(TABLES[k].columns)] for k, t in tables.items()}


_SWOT_LINES = (
    ("strength", None, "{top}心内科关系稳定，科室主任支持我们的学术推广", "保持每月一次高层拜访"),
    ("weakness", None, "部分代表日均有效拜访不足 8 次，夜访安排不固定", "经理协访，每周一复盘日程"),
    ("opportunity", "新活宁注射液", "医保目录调整后新品进院的窗口打开", "药事会前备齐申请材料"),
    ("threat", "瑞心安片", "竞品降价投标，带量采购压低中标价", "突出临床价值，不打价格战"),
    ("targeting", None, "三级医院的心内科、呼吸内科和二级医院的相关科室", None),
    ("positioning", "瑞心安片", "长期治疗获益和安全性，以价值营销取胜", None),
)
"""The manager's lines of each sample region (no random draw: the other tables stay)."""


def _swot(hospitals: pd.DataFrame) -> pd.DataFrame:
    """The SWOT/STP lines a manager of each region writes in the entry template."""
    rows = []
    for region, hosp in hospitals.groupby("region", sort=False):
        top = str(hosp.sort_values("hospital_id")["name"].iloc[0])
        for category, product, content, action in _SWOT_LINES:
            rows.append((region, category, product, content.format(top=top), action))
    return pd.DataFrame(rows, columns=["region", "category", "product", "content", "action"])


def _owners(reps: pd.DataFrame) -> dict[str, str]:
    """Hospital → the first sales rep covering it."""
    out: dict[str, str] = {}
    for rep in reps.itertuples():
        for h in rep.hospitals:
            out.setdefault(h, rep.rep_id)
    return out


def _nurses(
    rng: np.random.Generator, hospitals: pd.DataFrame, owner: dict[str, str], names: Any
) -> pd.DataFrame:
    titles = ["head_nurse", "charge_nurse", "senior_nurse", "nurse", "intern_nurse"]
    rows = []
    for h in hospitals[hospitals["level"].isin(_INPATIENT)].itertuples():
        # 兰州 is behind on table C, as the seed's region: a quarter of its wards wait
        late = 0.45 if h.region == "兰州" else 0.12
        wards = ["急诊科", *(f"{d}病区" for d in h.departments[:3] if d != "急诊科")]
        for ward in wards:
            if rng.random() < 0.08:
                continue  # not collected at all yet
            day = int(rng.integers(25, 60)) if rng.random() < late else int(rng.integers(2, 20))
            recorded = _HALF_START + dt.timedelta(days=day)
            for _ in range(int(rng.integers(2, 5))):
                rows.append(
                    {
                        "hospital_id": h.hospital_id,
                        "department": ward,
                        "name": names(rng),
                        "title": str(rng.choice(titles, p=[0.15, 0.25, 0.25, 0.25, 0.1])),
                        "rep_id": owner.get(h.hospital_id, ""),
                        "recorded_on": recorded,
                    }
                )
    frame = pd.DataFrame(rows).drop_duplicates(["hospital_id", "department", "name"])
    frame["recorded_on"] = pd.to_datetime(frame["recorded_on"])
    return frame.reset_index(drop=True)


def _competitors(
    rng: np.random.Generator,
    hospitals: pd.DataFrame,
    owner: dict[str, str],
    product_departments: dict[str, str],
) -> pd.DataFrame:
    days = working_days(_HALF_START, _HALF_END)
    weeks = sorted({d - dt.timedelta(days=d.weekday()) for d in days})
    products = list(product_departments)
    rows = []
    for _region, hosp in hospitals.groupby("region", sort=False):
        big = hosp[hosp["level"].isin(_INPATIENT)]
        for monday in weeks:
            for _ in range(int(rng.integers(1, 4))):
                h = big.iloc[int(rng.integers(len(big)))]
                product = products[int(rng.integers(len(products)))]
                k = int(rng.choice(len(_ACTIVITIES), p=_ACTIVITY_P))
                activity, priced, note = _ACTIVITIES[k]
                day = min(
                    monday + dt.timedelta(days=int(rng.integers(0, 5))), pd.Timestamp(_HALF_END)
                )
                rows.append(
                    {
                        "date": day,
                        "hospital_id": h["hospital_id"],
                        "department": product_departments[product],
                        "product": product,
                        "competitor_product": _COMPETITOR_OF[product],
                        "activity": activity,
                        "price": round(float(rng.uniform(20, 400)), 1) if priced else np.nan,
                        "rep_id": owner.get(h["hospital_id"], ""),
                        "notes": note,
                    }
                )
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _meetings(
    rng: np.random.Generator,
    hospitals: pd.DataFrame,
    owner: dict[str, str],
    product_departments: dict[str, str],
) -> pd.DataFrame:
    days = working_days(_HALF_START, _HALF_END)
    rows = []
    for _region, hosp in hospitals.groupby("region", sort=False):
        for h in hosp[hosp["level"].isin(("3A", "3"))].itertuples():
            mine = [p for p, d in product_departments.items() if d in h.departments]
            n = int(rng.integers(3, 5))  # seed 002: 3–4 department meetings per hospital
            for day in sorted(rng.choice(len(days), size=n, replace=False)):
                product = mine[int(rng.integers(len(mine)))]
                invited = int(rng.integers(8, 25))
                rows.append(
                    _meeting(days[int(day)], h, product, "department", invited, rng, owner)
                    | {"department": product_departments[product]}
                )
        top = hosp.sort_values("beds", ascending=False, kind="stable").iloc[0]
        for quarter_day in (days[20], days[80]):
            product = list(product_departments)[int(rng.integers(len(product_departments)))]
            rows.append(
                _meeting(
                    quarter_day, top, product, "academic", int(rng.integers(40, 80)), rng, owner
                )
                | {"department": product_departments[product]}
            )
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.drop_duplicates(["date", "hospital_id", "department", "type"]).reset_index(
        drop=True
    )


def _meeting(
    day: dt.date,
    h: Any,
    product: str,
    kind: str,
    invited: int,
    rng: np.random.Generator,
    owner: dict[str, str],
) -> dict[str, Any]:
    rate = rng.uniform(0.7, 1.0)
    return {
        "date": day,
        "hospital_id": h.hospital_id,
        "type": kind,
        "product": product,
        "rep_id": owner.get(h.hospital_id, ""),
        "invited": float(invited),
        "attended": float(min(invited, round(invited * rate))),
    }


def _listings(
    rng: np.random.Generator, hospitals: pd.DataFrame, sales: pd.DataFrame
) -> pd.DataFrame:
    new = ["新活宁注射液", "安泽曲南注射液"]
    sold = sales[sales["product"].isin(new) & (sales["units"] > 0)]
    first = sold.groupby(["hospital_id", "product"])["month"].min()
    rows = []
    for h in hospitals[hospitals["level"].isin(_INPATIENT)].itertuples():
        for product in new:
            month = first.get((h.hospital_id, product))
            row: dict[str, Any] = {"hospital_id": h.hospital_id, "product": product}
            if month is not None:
                listed = month.start_time.date() - dt.timedelta(days=int(rng.integers(5, 25)))
                applied = listed - dt.timedelta(days=int(rng.integers(40, 160)))
                row |= {
                    "status": "listed",
                    "applied_on": applied,
                    "listed_on": listed,
                    "first_prescribers": float(rng.integers(1, 6)),
                }
            else:
                status = str(rng.choice(["not_listed", "applied", "committee"], p=[0.4, 0.4, 0.2]))
                applied = (
                    _HALF_START + dt.timedelta(days=int(rng.integers(0, 150)))
                    if status != "not_listed"
                    else None
                )
                row |= {"status": status, "applied_on": applied, "listed_on": None}
                row["first_prescribers"] = np.nan
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame["applied_on"] = pd.to_datetime(frame["applied_on"])
    frame["listed_on"] = pd.to_datetime(frame["listed_on"])
    frame["benchmark"] = False
    listed = frame[frame["status"] == "listed"].merge(
        hospitals[["hospital_id", "region", "beds"]], on="hospital_id"
    )
    best = listed.sort_values(["beds", "hospital_id"], ascending=[False, True], kind="stable")
    picks = best.drop_duplicates(["region", "product"])[["hospital_id", "product"]]
    key = pd.MultiIndex.from_frame(frame[["hospital_id", "product"]])
    frame["benchmark"] = key.isin(pd.MultiIndex.from_frame(picks))
    return frame[
        [
            "hospital_id",
            "product",
            "status",
            "applied_on",
            "listed_on",
            "benchmark",
            "first_prescribers",
        ]
    ]
