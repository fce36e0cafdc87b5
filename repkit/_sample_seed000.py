"""Seed 000's 兰州 region as a small hand-made data set, and its manager's overrides.

Two hospitals: 兰州空军医院 sells about 16万 a month, 兰州市第二人民医院 about 4.4万;
the first half of 2026 reached 21 % of the company target. The overrides are the
figures the regional manager wrote into the plan by hand (hospital milestones and
ranges, product floors, carvedilol from 230 to 1000 boxes a month, department
development rates).
"""

from __future__ import annotations

import pandas as pd

from repkit.dataset import Dataset

AIR, SECOND = "H001", "H002"
"""兰州空军医院 and 兰州市第二人民医院."""

# product, price, department, monthly units at 空军医院, at 二院
PRODUCTS: tuple[tuple[str, float, str, int, int], ...] = (
    ("帮达", 20.0, "内一科", 3000, 600),
    ("氨曲南", 30.0, "呼吸内科", 1500, 400),
    ("卡维地洛", 25.0, "心内科", 230, 0),
    ("瑞丁", 12.5, "内一科", 1200, 0),
    ("多帕菲", 250.0, "肿瘤科", 137, 0),
    ("特苏尼", 40.0, "呼吸内科", 0, 250),
    ("舒亚", 25.0, "肝病科", 0, 400),
)
_MONTHS = pd.period_range("2024-07", "2026-06", freq="M")
_NAMES = {AIR: "兰州空军医院", SECOND: "兰州市第二人民医院"}


def seed000() -> Dataset:
    """Seed 000's 兰州 region: two hospitals, seven products, two years of sales.

    Sales are flat (the same units every month), so every figure of a plan can be
    checked by hand; the 2026H1 company targets are the half's sales ÷ 21 %.

    Examples
    --------
    >>> ds = rk.sample.seed000()
    >>> ds.hospitals["name"].tolist()
    ['兰州空军医院', '兰州市第二人民医院']
    >>> h1 = ds.sales[ds.sales["month"] >= pd.Period("2026-01", "M")]
    >>> h1.groupby("hospital_id")["amount"].sum().div(6).round().tolist()
    [160000.0, 44000.0]
    """
    sales = _sales()
    products = pd.DataFrame(
        {
            "product": [p[0] for p in PRODUCTS],
            "category": "mature",
            "unit": "盒",
            "price_supply": [p[1] for p in PRODUCTS],
            "price_retail": [p[1] * 1.3 for p in PRODUCTS],
        }
    )
    hospitals = pd.DataFrame(
        {
            "hospital_id": [AIR, SECOND],
            "name": [_NAMES[AIR], _NAMES[SECOND]],
            "region": "兰州",
            "city": "兰州",
            "level": ["3A", "3"],
            "beds": [1200.0, 800.0],
            "departments": [
                ["内一科", "呼吸内科", "心内科", "肿瘤科", "干部病房"],
                ["呼吸内科", "肝病科", "眼科"],
            ],
        }
    )
    air = [p[0] for p in PRODUCTS if p[3]]
    second = [p[0] for p in PRODUCTS if p[4]]
    reps = pd.DataFrame(
        {
            "rep_id": ["R1", "R2", "R3", "R4"],
            "name": ["杨明霞", "王海霞", "庞利民", "李代表"],
            "region": "兰州",
            "products": [air, air, second, air],
            "hospitals": [[AIR], [AIR], [SECOND], [AIR, SECOND]],
            "role": ["sales_staff", "sales_staff", "sales_staff", "medical_rep"],
        }
    )
    h1 = sales[sales["month"] >= pd.Period("2026-01", "M")].groupby("product")["units"].sum()
    price = products.set_index("product")["price_supply"]
    units = (h1 / 0.21).round()
    targets = pd.DataFrame(
        {
            "period": "2026H1",
            "region": "兰州",
            "product": units.index,
            "units": units.to_numpy(),
            "amount": (units * price.reindex(units.index)).to_numpy(),
        }
    )
    return Dataset.from_tables(
        sales=sales, products=products, hospitals=hospitals, reps=reps, targets=targets
    )


def _sales() -> pd.DataFrame:
    rows = []
    for m in _MONTHS:
        for name, price, dept, air, second in PRODUCTS:
            for hid, units, rep in ((AIR, air, "R1"), (SECOND, second, "R3")):
                if units:
                    rows.append(
                        (m, "兰州", hid, _NAMES[hid], dept, name, rep, units, units * price)
                    )
    columns = [
        "month",
        "region",
        "hospital_id",
        "hospital",
        "department",
        "product",
        "rep_id",
        "units",
        "amount",
    ]
    sales = pd.DataFrame(rows, columns=columns)
    sales["month"] = sales["month"].astype("period[M]")
    sales["units"] = sales["units"].astype(float)
    return sales


def seed000_overrides() -> pd.DataFrame:
    """The manager's overrides of seed 000 for 2026H2, as he would type them (经理指定).

    Chinese headers, one row per figure: 二院's monthly path 44000 → 60000 → 65000–80000
    (milestones, then floor and cap rows), 空军医院 at 23万–25万 a month from
    September, product floors at 空军医院 (帮达 4000, 氨曲南 2200, 瑞丁 1600 a month,
    written for the half), 卡维地洛 fixed at 6000 boxes for the half (1000 a month) and
    department development rates (二院 50 % in July, 80 % in August; 空军医院 100 %
    in July).

    Examples
    --------
    >>> o = rk.sample.seed000_overrides()
    >>> o.columns.tolist()[:4]
    ['区域', '层级', '医院名称', '品种']
    >>> o["类型"].value_counts().to_dict()
    {'下限': 9, '上限': 6, '里程碑': 5, '固定': 1}
    """
    rows: list[tuple] = [
        ("医院", _NAMES[SECOND], "", "里程碑", "2026-07", None, 44000, None, "第一个月维持44000"),
        ("医院", _NAMES[SECOND], "", "里程碑", "2026-08", None, 60000, None, "8月保持在60000"),
    ]
    for month in ("2026-09", "2026-10"):
        rows.append(("医院", _NAMES[SECOND], "", "下限", month, None, 65000, None, "65000到80000"))
        rows.append(("医院", _NAMES[SECOND], "", "上限", month, None, 80000, None, "65000到80000"))
    for month in ("2026-09", "2026-10", "2026-11", "2026-12"):
        rows.append(
            ("医院", _NAMES[AIR], "", "下限", month, None, 230000, None, "稳定在23万到25万")
        )
        rows.append(
            ("医院", _NAMES[AIR], "", "上限", month, None, 250000, None, "稳定在23万到25万")
        )
    for product, monthly in (("帮达", 4000), ("氨曲南", 2200), ("瑞丁", 1600)):
        rows.append(
            (
                "医院品种",
                _NAMES[AIR],
                product,
                "下限",
                "2026H2",
                monthly * 6,
                None,
                None,
                f"每月{monthly}",
            )
        )
    rows += [
        ("品种", "", "卡维地洛", "固定", "2026H2", 6000, None, None, "230盒上到每月1000盒"),
        ("科室开发", _NAMES[SECOND], "", "里程碑", "2026-07", None, None, 0.5, "科室开发50%以上"),
        ("科室开发", _NAMES[SECOND], "", "里程碑", "2026-08", None, None, 0.8, "科室开发率80%"),
        ("科室开发", _NAMES[AIR], "", "里程碑", "2026-07", None, None, 1.0, "8月前达到百分之百"),
    ]
    columns = ["层级", "医院名称", "品种", "类型", "期间", "数量", "金额", "开发率", "备注"]
    out = pd.DataFrame(rows, columns=columns)
    out.insert(0, "区域", "兰州")
    return out
