"""A seeded, realistic synthetic data set shaped like the seeds' regions.

``generate`` builds the canonical tables in memory; ``write`` saves them as the kind of
files a sales team exports (Excel and CSV with Chinese headers, months as 202407,
Chinese code labels). Same seed, same files, byte for byte.

All names (hospitals, doctors, reps, products) are invented.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from repkit._sample_fieldwork import fieldwork_tables
from repkit._sample_seed000 import seed000, seed000_overrides
from repkit.calendar import Half, festival_days, working_days
from repkit.dataset import Dataset
from repkit.messages import say
from repkit.schema import (
    CALL_PURPOSES,
    CATEGORY_LABELS,
    HEADERS_ZH,
    LEVEL_LABELS,
    LISTING_STATUSES,
    MEETING_TYPES,
    NURSE_TITLES,
    OVERRIDE_KINDS,
    OVERRIDE_SCOPES,
    ROLE_LABELS,
    SHEET_NAMES,
    SWOT_CATEGORIES,
    TABLES,
    TITLE_LABELS,
)

__all__ = [
    "FIRST_MONTH",
    "LAST_MONTH",
    "REGIONS",
    "generate",
    "seed000",
    "seed000_overrides",
    "write",
]

REGIONS: tuple[str, ...] = ("兰州", "西宁", "银川", "西安", "成都", "重庆")
FIRST_MONTH = pd.Period("2023-07", "M")
LAST_MONTH = pd.Period("2026-06", "M")
_CALLS_FROM = dt.date(2026, 1, 1)

# product, category, unit, supply price, retail price, department, base units/month
# (a 3A hospital), seasonal amplitude, seasonal peak month, launch month
_PRODUCTS = [
    ("瑞心安片", "mature", "盒", 38.5, 52.0, "心内科", 420, 0.06, 12, None),
    ("舒肺宁注射液", "mature", "支", 25.0, 33.8, "呼吸内科", 900, 0.28, 1, None),
    ("泰康铂注射液", "mature", "支", 420.0, 560.0, "肿瘤科", 60, 0.04, 3, None),
    ("益肝泰胶囊", "support", "盒", 45.0, 62.0, "肝病科", 260, 0.05, 4, None),
    ("明目清滴眼液", "support", "支", 18.0, 26.0, "眼科", 300, 0.08, 7, None),
    ("脑络通胶囊", "mature", "盒", 56.0, 75.0, "神经内科", 340, 0.07, 12, None),
    ("新活宁注射液", "new", "支", 260.0, 350.0, "心内科", 90, 0.05, 12, "2025-03"),
    ("安泽曲南注射液", "new", "支", 88.0, 120.0, "呼吸内科", 200, 0.20, 1, "2025-09"),
]

_DEPARTMENTS = [
    "心内科",
    "呼吸内科",
    "肿瘤科",
    "神经内科",
    "消化内科",
    "肝病科",
    "眼科",
    "急诊科",
    "内一科",
    "干部病房",
]
_LEVEL_PLAN = [("3A", 3), ("3", 4), ("2", 7), ("1", 5), ("community", 6)]
_LEVEL_DEPTS = {"3A": 8, "3": 6, "2": 4, "1": 2, "community": 2}
_LEVEL_DOCS = {"3A": (3, 6), "3": (2, 4), "2": (2, 3), "1": (1, 2), "community": (1, 2)}
_LEVEL_SCALE = {"3A": 1.0, "3": 0.55, "2": 0.25, "1": 0.08, "community": 0.04}
_LEVEL_CARRY = {"3A": 1.0, "3": 0.9, "2": 0.7, "1": 0.45, "community": 0.35}
_LEVEL_BEDS = {
    "3A": (1200, 2500),
    "3": (600, 1200),
    "2": (250, 600),
    "1": (60, 200),
    "community": (20, 60),
}
_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余")
_GIVEN = list("明华丽军芳伟静敏强磊洋艳勇杰娟涛超霞平刚桂英海燕晓宁志红春梅建国玉兰文斌")
_DISTRICTS = ["城关", "七里河", "安宁", "西固", "新城", "高新", "东岗", "北滩", "南山", "滨河"]
_RESULTS = ["达到目标", "部分达到", "未达到"]
_FOLLOW_UPS = {
    "support_listing": "跟进药剂科进药申请",
    "increase_use": "下周送临床文献，约科室主任",
    "keep_use": "保持拜访频率，了解用量",
    "introduce_product": "安排产品介绍会",
    "hospital_meeting": "确认院内会议时间与参会名单",
    "check_stock": "核对库存，提醒商业补货",
    "solve_problem": "反馈问题至公司，三日内答复",
    "other": "按计划跟进",
}


def _region_names(n: int) -> list[str]:
    if n < 1:
        raise ValueError(say("arg.sample_regions", value=n))
    names = list(REGIONS[:n])
    names += [f"区域{i + 1:03d}" for i in range(len(names), n)]
    return names


def _name(rng: np.random.Generator) -> str:
    k = 1 + int(rng.random() < 0.6)
    return str(rng.choice(_SURNAMES)) + "".join(rng.choice(_GIVEN, size=k))


def _hospitals(rng: np.random.Generator, regions: list[str], per_region: int) -> pd.DataFrame:
    rows = []
    total = sum(n for _, n in _LEVEL_PLAN)
    for r_i, region in enumerate(regions):
        plan = [(lvl, max(1, round(n * per_region / total))) for lvl, n in _LEVEL_PLAN]
        k = 0
        for level, n in plan:
            for j in range(n):
                k += 1
                hid = f"{r_i + 1:03d}{k:03d}"
                if region == "兰州" and level == "3A" and j == 0:
                    name = "兰州空军医院"
                elif region == "兰州" and level == "3" and j == 0:
                    name = "兰州市第二人民医院"
                elif level == "3A":
                    name = f"{region}大学第{j + 1}附属医院" if j else f"{region}市第一人民医院"
                elif level == "3":
                    name = f"{region}市第{j + 3}人民医院" if j else f"{region}市中医医院"
                elif level in ("2", "1"):
                    district = _DISTRICTS[(j + (level == "1") * 5) % len(_DISTRICTS)]
                    suffix = "区人民医院" if level == "2" else "区第二医院"
                    name = f"{region}市{district}{suffix}" + (f"{j // 10 + 1}" if j >= 10 else "")
                else:
                    name = f"{region}市{_DISTRICTS[j % len(_DISTRICTS)]}社区卫生服务中心"
                    name += f"{j // 10 + 1}" if j >= 10 else ""
                lo, hi = _LEVEL_BEDS[level]
                n_dept = _LEVEL_DEPTS[level]
                if level == "community":
                    depts = ["内一科", "心内科"]
                else:
                    others = [d for d in _DEPARTMENTS if d not in ("心内科", "呼吸内科")]
                    pick = rng.choice(others, size=n_dept - 2, replace=False).tolist()
                    depts = ["心内科", "呼吸内科", *sorted(pick, key=_DEPARTMENTS.index)]
                rows.append(
                    {
                        "hospital_id": hid,
                        "name": name,
                        "region": region,
                        "city": region if region in REGIONS else f"{region}市",
                        "level": level,
                        "beds": float(int(rng.integers(lo, hi)) // 10 * 10),
                        "departments": depts,
                    }
                )
    return pd.DataFrame(rows)


def _products() -> pd.DataFrame:
    rows = [
        {
            "product": p[0],
            "category": p[1],
            "unit": p[2],
            "price_supply": p[3],
            "price_retail": p[4],
            "launch": pd.Period(p[9], "M") if p[9] else pd.NaT,
        }
        for p in _PRODUCTS
    ]
    frame = pd.DataFrame(rows)
    frame["launch"] = frame["launch"].astype("period[M]")
    return frame


def _reps(rng: np.random.Generator, hospitals: pd.DataFrame) -> pd.DataFrame:
    rows = []
    all_products = [p[0] for p in _PRODUCTS]
    new_products = [p[0] for p in _PRODUCTS if p[1] == "new"]
    old_products = [p for p in all_products if p not in new_products]
    n = 0
    for region, hosp in hospitals.groupby("region", sort=False):
        ids = hosp["hospital_id"].tolist()
        n_staff = 3 if len(ids) >= 20 else 2 if len(ids) >= 8 else 1
        for s in range(n_staff):
            n += 1
            if n_staff == 1:
                mine, products = ids, all_products
            elif s == 0:
                mine, products = ids, new_products
            else:
                mine, products = ids[s - 1 :: n_staff - 1], old_products
            rows.append(
                {
                    "rep_id": f"R{n:04d}",
                    "name": _name(rng),
                    "region": region,
                    "products": products,
                    "hospitals": mine,
                    "role": "sales_staff",
                }
            )
        n += 1
        big = hosp.loc[hosp["level"].isin(["3A", "3"]), "hospital_id"].tolist() or ids[:2]
        rows.append(
            {
                "rep_id": f"R{n:04d}",
                "name": _name(rng),
                "region": region,
                "products": [*new_products, "泰康铂注射液", "瑞心安片"],
                "hospitals": big,
                "role": "medical_rep",
            }
        )
    return pd.DataFrame(rows)


def _owner_table(reps: pd.DataFrame) -> dict[tuple[str, str], str]:
    owner: dict[tuple[str, str], str] = {}
    for rep in reps[reps["role"] == "sales_staff"].itertuples():
        for h in rep.hospitals:
            for p in rep.products:
                owner.setdefault((h, p), rep.rep_id)
    return owner


def _sales(
    rng: np.random.Generator,
    hospitals: pd.DataFrame,
    reps: pd.DataFrame,
    months: pd.PeriodIndex,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly sales per hospital × product, and the noise-free expectation.

    The expectation runs six months past the history (the half being planned) and leaves
    out 兰州's 2026 slump, so targets are set as a company would have set them.
    """
    history = months
    months = pd.period_range(months[0], months[-1] + 6, freq="M")
    n_m = len(months)
    n_h = len(history)
    t = np.arange(n_m) / 12.0
    cal_month = np.asarray(months.month)
    fest = festival_days(months).to_numpy() / np.asarray(months.days_in_month)
    owner = _owner_table(reps)
    regions = hospitals["region"].unique().tolist()
    growth = {(r, p[0]): rng.normal(0.09, 0.06) for r in regions for p in _PRODUCTS}
    slump = np.where(history >= pd.Period("2026-01", "M"), 0.62, 1.0)
    cols: dict[str, list] = {k: [] for k in ("pos", "meta", "units", "price")}
    expected: dict[tuple[str, str], np.ndarray] = {}
    for h in hospitals.itertuples():
        for p in _PRODUCTS:
            prod, cat, _unit, price, _retail, dept, base, amp, peak, launch = p
            carry = _LEVEL_CARRY[h.level] * (0.6 if cat == "new" else 1.0)
            if prod == "泰康铂注射液" and h.level in ("1", "community"):
                continue
            if rng.random() > carry:
                continue
            scale = _LEVEL_SCALE[h.level] * (h.beds / 1500) ** 0.3 * rng.lognormal(0, 0.45)
            g = growth[(h.region, prod)] + rng.normal(0, 0.03)
            season = 1 + amp * np.cos(2 * np.pi * (cal_month - peak) / 12)
            lam = base * scale * np.exp(g * t) * season * (1 - 0.35 * fest)
            if launch is not None:
                listed = (pd.Period(launch, "M") - months[0]).n + int(rng.integers(0, 10))
                k = np.arange(n_m) - listed
                lam = np.where(k < 0, 0.0, lam * np.minimum(1.0, (k + 1) / 6.0))
            key = (h.region, prod)
            expected[key] = expected.get(key, 0.0) + lam
            lam = lam[:n_h] * (slump if h.region == "兰州" else 1.0)
            units = rng.poisson(lam * rng.lognormal(0, 0.12, n_h)).astype(float)
            returns = (rng.random(n_h) < 0.004) & (lam > 0)
            units[returns] = -np.ceil(rng.random(returns.sum()) * 0.3 * lam[returns] + 1)
            live = np.flatnonzero(lam > 0)
            if not len(live):
                continue
            department = dept if dept in h.departments else h.departments[0]
            owner_id = owner.get((h.hospital_id, prod), "")
            cols["pos"].append(live)
            cols["meta"].append((h.region, h.hospital_id, h.name, department, prod, owner_id))
            cols["units"].append(units[live])
            cols["price"].append(price)
    counts = [len(x) for x in cols["pos"]]
    meta = list(zip(*cols["meta"], strict=True))
    units = np.concatenate(cols["units"])
    sales = pd.DataFrame(
        {
            "month": history[np.concatenate(cols["pos"])],
            **{
                name: np.repeat(np.asarray(values, dtype=object), counts)
                for name, values in zip(
                    ("region", "hospital_id", "hospital", "department", "product", "rep_id"),
                    meta,
                    strict=True,
                )
            },
            "units": units,
            "amount": np.round(units * np.repeat(cols["price"], counts), 2),
        }
    )
    for col in ("region", "hospital_id", "hospital", "department", "product", "rep_id"):
        sales[col] = sales[col].astype("str")
    exp = pd.DataFrame(
        [
            {"month": m, "region": r, "product": p, "expected": v}
            for (r, p), arr in expected.items()
            for m, v in zip(months, arr, strict=True)
        ]
    )
    return sales, exp


def _distributors(region: str) -> list[str]:
    return [f"国药控股{region}有限公司", f"华润医药{region}有限公司", f"九州通{region}医药有限公司"]


def _assign_distributor(rng: np.random.Generator, sales: pd.DataFrame) -> pd.Series:
    pairs = sales[["region", "hospital_id"]].drop_duplicates()
    pick = {
        (r, h): _distributors(r)[int(rng.choice(3, p=[0.5, 0.3, 0.2]))]
        for r, h in pairs.itertuples(index=False)
    }
    return pd.Series(
        [pick[(r, h)] for r, h in zip(sales["region"], sales["hospital_id"], strict=True)],
        index=sales.index,
    )


def _targets(
    rng: np.random.Generator,
    expected: pd.DataFrame,
    products: pd.DataFrame,
    halves: list[Half],
) -> pd.DataFrame:
    exp = expected.copy()
    months = pd.PeriodIndex(exp["month"], freq="M")
    exp["half"] = [
        f"{y}H{1 if m <= 6 else 2}" for y, m in zip(months.year, months.month, strict=True)
    ]
    by = exp.groupby(["half", "region", "product"], sort=False)["expected"].sum()
    price = products.set_index("product")["price_supply"]
    rows = []
    for h in halves:
        for (half, region, product), units in by.items():
            if half != str(h) or units <= 0:
                continue
            ambition = rng.uniform(1.02, 1.15)
            u = float(max(100, round(units * ambition / 100) * 100))
            rows.append(
                {
                    "period": half,
                    "region": region,
                    "product": product,
                    "units": u,
                    "amount": round(u * float(price[product]), 2),
                }
            )
    return pd.DataFrame(rows)


QUOTA_REGION = "西宁"
"""The sample region whose company handed out real quotas below the region (the
reviewed half 2026H1): two hospitals (one by quarter), one department and one sales
staff member (by month). Other regions have region × product targets only."""


def _real_quotas(
    rng: np.random.Generator,
    targets: pd.DataFrame,
    sales: pd.DataFrame,
    reps: pd.DataFrame,
    half: Half,
) -> pd.DataFrame:
    """Hospital, department and sales-staff quotas of :data:`QUOTA_REGION` for ``half``.

    Each quota is the region target × the unit's share of the year before × 0.9–1.0,
    in tens: what a company sets from last year's sales, not what repkit would impute.
    """
    region = QUOTA_REGION
    t = targets[(targets["region"] == region) & (targets["period"] == str(half))]
    before = sales[(sales["region"] == region) & (sales["month"] < half.start)]
    before = before[before["month"] >= half.start - 12]
    hosp = before.groupby("hospital_id")["units"].sum().sort_values(ascending=False)
    staff = reps[(reps["region"] == region) & (reps["role"] == "sales_staff")]["rep_id"]
    if t.empty or len(hosp) < 3 or staff.empty:  # too small a region to show the levels
        return pd.DataFrame(columns=[*targets.columns, "hospital_id", "department", "rep_id"])
    total = t.set_index("product")["units"]
    rows: list[dict] = []

    def add(period: str, share: pd.Series, scale: float, **where: str) -> None:
        for product, units in (share * total).dropna().items():
            u = float(round(units * scale * rng.uniform(0.9, 1.0) / 10) * 10)
            if u > 0:
                rows.append(
                    {"period": period, "region": region, **where, "product": product, "units": u}
                )

    def share_of(mask: pd.Series) -> pd.Series:
        part = before[mask].groupby("product")["units"].sum()
        return (part / before.groupby("product")["units"].sum()).reindex(total.index)

    first, second = hosp.index[0], hosp.index[1]
    for q in half.quarters:  # the biggest hospital: a quota per quarter
        add(
            f"{q.year}Q{q.quarter}",
            share_of(before["hospital_id"] == first),
            0.5,
            hospital_id=first,
        )
    add(str(half), share_of(before["hospital_id"] == second), 1.0, hospital_id=second)
    third = before[before["hospital_id"] == hosp.index[2]]
    dept = third.groupby("department")["units"].sum().idxmax()
    mask = (before["hospital_id"] == hosp.index[2]) & (before["department"] == dept)
    add(str(half), share_of(mask), 1.0, hospital_id=hosp.index[2], department=dept)
    rep = staff.iloc[-1]
    for m in half.months:  # the last sales staff member: a quota per month
        add(str(m), share_of(before["rep_id"] == rep), 1 / 6, rep_id=rep)
    return pd.DataFrame(rows)


def _doctors(rng: np.random.Generator, hospitals: pd.DataFrame) -> pd.DataFrame:
    rows = []
    n = 0
    titles = ["chief", "deputy_chief", "attending", "resident"]
    for h in hospitals.itertuples():
        lo, hi = _LEVEL_DOCS[h.level]
        for dept in h.departments:
            for _ in range(int(rng.integers(lo, hi + 1))):
                n += 1
                p_title = (
                    [0.15, 0.25, 0.4, 0.2] if h.level in ("3A", "3") else [0.05, 0.15, 0.5, 0.3]
                )
                title = str(rng.choice(titles, p=p_title))
                expert = bool(title in ("chief", "deputy_chief") and rng.random() < 0.45)
                rating = int(rng.choice(7, p=[0.05, 0.13, 0.17, 0.22, 0.2, 0.14, 0.09]) + 1)
                outpatients = rng.lognormal(np.log(60 + 4 * _LEVEL_SCALE[h.level] * 100), 0.4)
                share = rng.uniform(0.05, 0.3)
                rows.append(
                    {
                        "doctor_id": f"D{n:05d}",
                        "name": _name(rng),
                        "hospital_id": h.hospital_id,
                        "department": dept,
                        "title": title,
                        "is_expert": expert,
                        "rating": rating,
                        "potential": round(float(outpatients * share), 1),
                    }
                )
    frame = pd.DataFrame(rows)
    frame["rating"] = frame["rating"].astype("Int64")
    return frame


def _calls(
    rng: np.random.Generator, reps: pd.DataFrame, doctors: pd.DataFrame, until: pd.Period
) -> pd.DataFrame:
    start = max(_CALLS_FROM, (until - 5).start_time.date())
    days = working_days(start, until.end_time.date())
    by_hosp = {h: g for h, g in doctors.groupby("hospital_id", sort=False)}
    rating = doctors.set_index("doctor_id")["rating"].astype(int).to_dict()
    purposes = list(CALL_PURPOSES)
    rows = []
    for rep in reps.itertuples():
        pool = pd.concat([by_hosp[h] for h in rep.hospitals if h in by_hosp])
        if pool.empty:
            continue
        weight = (
            1.0
            + 2.0 * pool["is_expert"].to_numpy()
            + pool["title"].isin(["chief", "deputy_chief"]).to_numpy()
            + np.isin(pool["rating"].to_numpy(dtype=int), [3, 4, 5]) * 1.5
        )
        weight = weight / weight.sum()
        ids = pool["doctor_id"].to_numpy()
        hosp = pool["hospital_id"].to_numpy()
        dept = pool["department"].to_numpy()
        pace = rng.uniform(6.0, 9.5)
        for day in days:
            k = int(rng.poisson(pace))
            if k == 0:
                continue
            pick = rng.choice(len(ids), size=min(k, len(ids)), replace=False, p=weight)
            for i in sorted(pick):
                doc = ids[i]
                r = rating[doc]
                if r <= 2:
                    purpose = str(rng.choice(["introduce_product", "solve_problem", "other"]))
                elif r <= 4:
                    purpose = str(
                        rng.choice(
                            [
                                "increase_use",
                                "support_listing",
                                "hospital_meeting",
                                "introduce_product",
                            ],
                            p=[0.5, 0.2, 0.1, 0.2],
                        )
                    )
                else:
                    purpose = str(rng.choice(["keep_use", "check_stock", "increase_use"]))
                move = rng.random()
                if move < (0.07 if 2 <= r <= 5 else 0.02) and r < 7:
                    r += 1
                elif move > 0.99 and r > 1:
                    r -= 1
                rating[doc] = r
                result = _RESULTS[int(rng.choice(3, p=[0.5, 0.35, 0.15]))]
                rows.append(
                    {
                        "date": day,
                        "rep_id": rep.rep_id,
                        "doctor_id": doc,
                        "hospital_id": hosp[i],
                        "department": dept[i],
                        "purpose": purpose,
                        "result": result,
                        "rating_after": r,
                        "follow_up": _FOLLOW_UPS[purpose],
                    }
                )
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["rating_after"] = frame["rating_after"].astype("Int64")
    assert set(frame["purpose"]) <= set(purposes)
    return frame


def _collections(
    rng: np.random.Generator, sales: pd.DataFrame, months: pd.PeriodIndex
) -> pd.DataFrame:
    rows = []
    monthly = sales.groupby(["region", "distributor", "month"])["amount"].sum()
    for (region, distributor), series in monthly.groupby(level=[0, 1], sort=False):
        s = series.droplevel([0, 1]).reindex(months, fill_value=0.0)
        rate = rng.uniform(0.82, 0.97)
        stock_months = rng.uniform(0.8, 2.2)
        shipped = s.to_numpy() * rng.lognormal(0, 0.08, len(s))
        for i, m in enumerate(months):
            collected = rate * (0.6 * shipped[i - 1] + 0.4 * shipped[i - 2]) if i >= 2 else 0.0
            rows.append(
                {
                    "month": m,
                    "region": region,
                    "distributor": distributor,
                    "shipped": round(float(shipped[i]), 2),
                    "collected": round(float(collected), 2),
                    "stock": round(float(s.iloc[i] * stock_months * rng.uniform(0.9, 1.1)), 2),
                }
            )
    return pd.DataFrame(rows)


def generate(
    seed: int = 0,
    regions: int = 6,
    *,
    hospitals_per_region: int = 25,
    months: int = 36,
    calls: bool = True,
) -> Dataset:
    """Generate the synthetic data set.

    Parameters
    ----------
    seed
        Random seed; the same seed gives the same data.
    regions
        Number of regions. The first six are 兰州, 西宁, 银川, 西安, 成都, 重庆; more are
        named 区域007, 区域008, …
    hospitals_per_region
        Hospitals per region across the levels 3A/3/2/1/community (default 25).
    months
        Months of sales history ending June 2026 (default 36: 2023-07 … 2026-06).
    calls
        Whether to generate the call log (January–June 2026).

    Returns
    -------
    Dataset
        Canonical tables. Sales rows are per month × hospital × product with trend,
        seasonality, a Chinese New Year dip that moves between January and February,
        product launches and occasional returns (negative units). 兰州 has a weak first
        half of 2026 (completion well below target), as in seed 000.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0)
    >>> ds.regions
    ['兰州', '西宁', '银川', '西安', '成都', '重庆']
    >>> str(ds.sales["month"].min()), str(ds.sales["month"].max())
    ('2023-07', '2026-06')
    >>> bool((ds.sales["units"] < 0).any())   # returns are kept
    True

    The last few data sets generated are kept in memory: asking again for the same
    arguments returns a fresh copy (changing it does not change the kept one).

    >>> again = rk.sample.generate(seed=0)
    >>> again.sales.equals(ds.sales), again.sales is ds.sales
    (True, False)
    """
    if months < 6:
        raise ValueError(f"months must be at least 6, got {months}")
    return _copy(_generated(seed, regions, hospitals_per_region, months, calls))


def _copy(ds: Dataset) -> Dataset:
    """A copy of ``ds`` whose tables can be changed without touching ``ds``."""
    frames = {
        f.name: getattr(ds, f.name).copy()
        for f in dataclasses.fields(ds)
        if isinstance(getattr(ds, f.name), pd.DataFrame)
    }
    sources = {k: v.copy() for k, v in ds.sources.items()}
    return dataclasses.replace(ds, **frames, sources=sources)


@functools.lru_cache(maxsize=4)
def _generated(
    seed: int, regions: int, hospitals_per_region: int, months: int, calls: bool
) -> Dataset:
    """The data set of :func:`generate` (kept: do not change it, copy it)."""
    rng = np.random.default_rng(seed)
    names = _region_names(regions)
    month_index = pd.period_range(LAST_MONTH - (months - 1), LAST_MONTH, freq="M")
    hospitals = _hospitals(rng, names, hospitals_per_region)
    products = _products()
    reps = _reps(rng, hospitals)
    sales, expected = _sales(rng, hospitals, reps, month_index)
    sales.insert(7, "distributor", _assign_distributor(rng, sales))
    halves = sorted({Half.of(m) for m in month_index})
    halves = [h for h in halves if h.start >= month_index[0]] + [Half.of(LAST_MONTH).next]
    targets = _targets(rng, expected, products, halves)
    if QUOTA_REGION in names:  # their own stream: the tables above stay as they were
        quotas = _real_quotas(
            np.random.default_rng([seed, 16]), targets, sales, reps, Half.of(LAST_MONTH)
        )
        targets = pd.concat([targets, quotas], ignore_index=True)
    # every level column, blank for region targets (as the 指标 entry template has them)
    targets = targets.reindex(columns=list(TABLES["targets"].columns))
    for col in ("hospital_id", "department", "rep_id"):
        targets[col] = targets[col].astype(object)
    doctors = _doctors(rng, hospitals)
    call_log = _calls(rng, reps, doctors, LAST_MONTH) if calls else None
    collections = _collections(rng, sales, month_index)
    tables = {
        "sales": sales,
        "products": products,
        "hospitals": hospitals,
        "doctors": doctors,
        "reps": reps,
        "targets": targets,
        "collections": collections,
    }
    if call_log is not None:
        tables["calls"] = call_log
    # the field-work tables draw from their own stream: the tables above stay as they were
    field_rng = np.random.default_rng([seed, 17])
    departments = {p[0]: p[5] for p in _PRODUCTS}
    tables |= fieldwork_tables(field_rng, hospitals, reps, sales, departments, _name)
    return Dataset.from_tables(**tables)


# ---------------------------------------------------------------------------- writing

_FIXED_TIME = (2026, 1, 1, 0, 0, 0)
_CORE_TIME = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _to_file_frame(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical table → the columns and cell values a company export would have."""
    out = frame.copy()
    if kind == "sales":
        out["month"] = [m.year * 100 + m.month for m in out["month"]]
    if kind == "collections":
        out["month"] = [f"{m.year}年{m.month}月" for m in out["month"]]
    if kind == "products":
        out["category"] = out["category"].map(CATEGORY_LABELS)
        if "launch" in out:
            out["launch"] = [str(m) if not pd.isna(m) else "" for m in out["launch"]]
    if kind == "hospitals":
        out["level"] = out["level"].map(LEVEL_LABELS)
        out["departments"] = ["、".join(v) for v in out["departments"]]
    if kind == "doctors":
        out["title"] = out["title"].map(TITLE_LABELS)
        out["is_expert"] = np.where(out["is_expert"], "是", "否")
        out["rating"] = out["rating"].astype(int)
    if kind == "reps":
        out["role"] = out["role"].map(ROLE_LABELS)
        out["products"] = ["、".join(v) for v in out["products"]]
        out["hospitals"] = ["、".join(v) for v in out["hospitals"]]
    if kind == "calls":
        out["date"] = [f"{d.year}/{d.month}/{d.day}" for d in out["date"]]
        out["purpose"] = out["purpose"].map(CALL_PURPOSES)
        out["rating_after"] = out["rating_after"].astype(int)
    for column in ("recorded_on", "applied_on", "listed_on") + (("date",) * (kind != "calls")):
        if column in out:
            out[column] = [f"{d:%Y-%m-%d}" if not pd.isna(d) else "" for d in out[column]]
    codes = {
        "nurses": NURSE_TITLES,
        "meetings": MEETING_TYPES,
        "listings": LISTING_STATUSES,
        "swot": SWOT_CATEGORIES,
    }
    coded = {"nurses": "title", "meetings": "type", "listings": "status", "swot": "category"}.get(
        kind
    )
    if coded:
        out[coded] = out[coded].map(codes[kind])
    if kind == "listings":
        out["benchmark"] = np.where(out["benchmark"], "是", "否")
    if kind == "overrides":
        out["scope"] = out["scope"].map(OVERRIDE_SCOPES)
        out["kind"] = out["kind"].map(OVERRIDE_KINDS)
        out["products"] = ["、".join(v) if isinstance(v, list) else "" for v in out["products"]]
    return out.rename(columns=HEADERS_ZH[kind])


def _cell(ws: Any, value: Any) -> Any:
    """Text starting with ``=`` stays text (openpyxl would write it as a formula)."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def _write_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for i, col in enumerate(frame.columns, 1):
        longest = frame[col].astype(str).str.len().fillna(0).max()  # 0: a blank column
        width = max(8, min(40, 2 * max(len(str(col)), int(longest))))
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([_cell(ws, v.item() if isinstance(v, np.generic) else v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    _normalise_zip(buf.getvalue(), path)


def fixed_xlsx_bytes(data: bytes) -> bytes:
    """The same xlsx with fixed zip and document timestamps: equal content, equal bytes.

    Used for every generated workbook that is committed (sample data, entry templates).
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _CORE_TIME.sub(rb"\g<1>2026-01-01T00:00:00Z\g<3>", payload)
            member = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, payload)
    return out.getvalue()


def _normalise_zip(data: bytes, path: Path) -> None:
    """Write an xlsx with fixed timestamps, through a temporary file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(fixed_xlsx_bytes(data))
    tmp.replace(path)


_FORMATS = {
    "sales": ("xlsx", None),
    "products": ("xlsx", None),
    "hospitals": ("xlsx", None),
    "doctors": ("xlsx", None),
    "reps": ("xlsx", None),
    "targets": ("xlsx", None),
    "calls": ("csv", "utf-8-sig"),
    "collections": ("csv", "gb18030"),
    "nurses": ("xlsx", None),
    "competitors": ("xlsx", None),
    "meetings": ("csv", "utf-8-sig"),
    "listings": ("xlsx", None),
    "overrides": ("xlsx", None),
    "swot": ("xlsx", None),
}


def write(dataset: Dataset, folder: str | Path) -> list[Path]:
    """Write a data set as company-style files, one per table.

    Excel files for sales, products, hospitals, doctors, reps and targets; the call log
    as UTF-8 CSV (with BOM, as Excel on Windows writes it) and collections as GB18030
    CSV. Headers are Chinese (``repkit.schema.HEADERS_ZH``). Files are written to a
    temporary name and then moved into place.

    Parameters
    ----------
    dataset
        The tables to write (e.g. from :func:`generate`).
    folder
        Target folder; created if missing. Existing files of the same names are replaced.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> paths = rk.sample.write(rk.sample.generate(seed=0, regions=1), "data")
    >>> sorted(p.name for p in paths)[:3]
    ['SWOT分析.xlsx', '产品.xlsx', '代表.xlsx']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, frame in dataset.tables().items():
        if frame.empty:
            continue
        ext, encoding = _FORMATS[kind]
        path = folder / f"{SHEET_NAMES[kind]}.{ext}"
        table = _to_file_frame(kind, frame)
        if ext == "xlsx":
            _write_xlsx(table, path, SHEET_NAMES[kind])
        else:
            tmp = path.with_name(path.name + ".tmp")
            table.to_csv(tmp, index=False, encoding=encoding, lineterminator="\r\n")
            tmp.replace(path)
        written.append(path)
    return written
