"""The money side of a plan: 回款/铺底 split of the task, 扣率 table, channel stock warnings.

Seed 001 states each region's half-year task as what the distributors pay for and what
the company places in the channel on credit (下半年销售任务 52,800 盒 = 实际回款
45,600 盒 + 公司铺底 7,200 盒), quotes prices as a discount on retail (相当于19—23扣)
and watches channel stock. Private; the public names live in :mod:`repkit.plan`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.messages import say
from repkit.plan._decompose import allocate
from repkit.plan._scenario import round_half_up

if TYPE_CHECKING:  # pragma: no cover
    from repkit.plan._build import Plan

STOCK_LOW_MONTHS = 1.0
"""Channel stock below this many months of sales is flagged ``low`` (risk of running out
at the distributor before the next delivery)."""
STOCK_HIGH_MONTHS = 3.0
"""Channel stock above this many months of sales is flagged ``high`` (stock pushed into
the channel: returns, expiry and cross-region selling 冲货/窜货 become likely)."""

SPLIT_COLUMNS = [
    "product",
    "task_units",
    "collection_units",
    "placement_units",
    "placement_share",
]


def estimate_placement_share(cash: pd.DataFrame) -> float | None:
    """Share of the task placed in the channel on credit (铺底), from collections history.

    What distributors did not pay for when it fell due is the credit the company
    carried — the stock it placed (铺底): share = 1 − collected ÷ due, where ``due`` is
    what was shipped one payment window earlier (:func:`repkit.plan.money`); rows
    without ``due`` compare with ``shipped`` of the same rows. Kept within 0–1 (old debts
    recovered count as no placement).

    Parameters
    ----------
    cash
        :func:`repkit.plan.money` of the reviewed half (``Plan.cash``), or collections
        rows with ``shipped`` and ``collected``.

    Returns
    -------
    float or None
        The share, or None without shipments (no history: give the share or the
        placement yourself to :func:`split_task`).

    Examples
    --------
    >>> cash = pd.DataFrame({"shipped": [100.0, 120.0], "collected": [90.0, 100.0]})
    >>> round(estimate_placement_share(cash), 4)
    0.1364
    """
    if cash.empty or "collected" not in cash:
        return None
    base = "due" if "due" in cash and cash["due"].notna().any() else "shipped"
    if base not in cash:
        return None
    rows = cash[cash[base].notna()]
    owed = float(pd.to_numeric(rows[base], errors="coerce").fillna(0.0).sum())
    paid = float(pd.to_numeric(rows["collected"], errors="coerce").fillna(0.0).sum())
    if owed <= 0:
        return None
    return float(np.clip(1 - paid / owed, 0.0, 1.0))


def _task_series(task: Any) -> pd.Series:
    if isinstance(task, pd.Series):
        s = task.copy()
    elif isinstance(task, dict):
        s = pd.Series(task, dtype="float64")
    else:
        s = pd.Series([task], index=["合计"], dtype="float64")
    values = pd.to_numeric(s, errors="coerce")
    if values.isna().any() or (values < 0).any() or (values % 1 != 0).any():
        raise ValueError(say("arg.task", value=task))
    return values.astype("int64")


def split_task(
    task: Any,
    *,
    placement_share: float | None = None,
    placement_units: int | None = None,
) -> pd.DataFrame:
    """Split a task into what distributors pay for (回款) and what is placed on credit (铺底).

    Give the placement either as a share of the task (e.g. the history's, from
    :func:`estimate_placement_share`) or as a number of units (seed 001: 7,200 boxes a region).
    Per product the placement is shared out in proportion to the task, in integers that
    add up exactly; collection = task − placement.

    Parameters
    ----------
    task
        Units: one whole number, or one per product (Series or dict).
    placement_share
        Share of the task placed in the channel on credit, 0–1.
    placement_units
        Units placed on credit (at most the task).

    Returns
    -------
    DataFrame
        product (``合计`` for a single number), task_units, collection_units (回款),
        placement_units (铺底) and placement_share.

    Raises
    ------
    ValueError
        Neither or both of ``placement_share`` and ``placement_units``, a share outside
        0–1, a placement larger than the task, or a task that is not whole units.

    Examples
    --------
    >>> split_task(52800, placement_units=7200)   # seed 001
      product  task_units  collection_units  placement_units  placement_share
    0      合计       52800             45600             7200         0.136364
    >>> t = split_task({"甲": 30000, "乙": 22800}, placement_share=0.1364)
    >>> t["placement_units"].tolist(), int(t["collection_units"].sum())
    ([4092, 3110], 45598)
    """
    if (placement_share is None) == (placement_units is None):
        raise ValueError(say("arg.placement_one"))
    units = _task_series(task)
    total = int(units.sum())
    if placement_share is not None:
        if not 0 <= placement_share <= 1:
            raise ValueError(say("arg.placement_share", value=placement_share))
        placed = int(round_half_up(np.array([total * placement_share]))[0])
    else:
        placed = int(placement_units)  # type: ignore[arg-type]
        if placed != placement_units or not 0 <= placed <= total:
            raise ValueError(say("arg.placement_units", total=total, value=placement_units))
    by_product = allocate(placed, units, cap=units) if len(units) else units
    out = pd.DataFrame(
        {
            "product": units.index.astype(str),
            "task_units": units.to_numpy(),
            "collection_units": (units - by_product).to_numpy(),
            "placement_units": by_product.to_numpy(),
        }
    )
    out["placement_share"] = out["placement_units"] / out["task_units"].where(out["task_units"] > 0)
    return out[SPLIT_COLUMNS]


def task_split(
    plan: Plan,
    *,
    placement_share: float | None = None,
    placement_units: int | None = None,
) -> pd.DataFrame:
    """The plan's targets split into 回款 and 铺底 per product, in units and money.

    Without ``placement_share`` or ``placement_units`` the share is the reviewed half's
    (:func:`estimate_placement_share` of ``Plan.cash``); without collections history nothing is
    placed, and ``attrs["basis"]`` says so.

    Returns
    -------
    DataFrame
        product, unit, price, task_units, collection_units, placement_units,
        placement_share, task_amount, collection_amount, placement_amount; a last row
        ``合计``. ``attrs["basis"]``: where the share came from (Chinese).

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H2", forecast="simple")
    >>> t = rk.plan.task_split(plan)
    >>> total = t.iloc[-1]
    >>> int(total["collection_units"] + total["placement_units"]) == plan.summary["target_units"]
    True
    """
    if placement_share is None and placement_units is None:
        share = estimate_placement_share(plan.cash)
        if share is None:
            share, basis = 0.0, "无回款历史：未设铺底，可用 placement_share 或 placement_units 指定"
        else:
            basis = f"按{plan.review_half.label}到期未回款占比 {share:.1%} 估算铺底"
        split = split_task(_plan_units(plan), placement_share=share)
    else:
        split = split_task(
            _plan_units(plan), placement_share=placement_share, placement_units=placement_units
        )
        basis = (
            f"指定铺底 {placement_units:,} 盒/支"
            if placement_units is not None
            else f"指定铺底占比 {placement_share:.1%}"
        )
    info = plan.price_table.set_index("product")
    split.insert(1, "unit", split["product"].map(info["unit"]))
    price = plan.targets.groupby("product")["amount"].sum() / plan.targets.groupby("product")[
        "units"
    ].sum().replace(0, np.nan)
    split.insert(2, "price", split["product"].map(price).round(2))
    for kind in ("task", "collection", "placement"):
        split[f"{kind}_amount"] = (split[f"{kind}_units"] * split["price"]).round(2)
    total = split.drop(columns=["product", "unit", "price"]).sum(numeric_only=True)
    total["placement_share"] = (
        total["placement_units"] / total["task_units"] if total["task_units"] else np.nan
    )
    split = pd.concat([split, total.to_frame().T.assign(product="合计")], ignore_index=True)
    for col in ("task_units", "collection_units", "placement_units"):
        split[col] = split[col].astype("int64")
    split.attrs["basis"] = basis
    return split


def _plan_units(plan: Plan) -> pd.Series:
    return plan.targets.groupby("product", sort=True)["units"].sum().astype("int64")


def discounts(plan_or_prices: Plan | pd.DataFrame) -> pd.DataFrame:
    """Price structure as discounts on the retail price (扣率), with net prices.

    The retail (list) price is the reference; 扣率 is the supply price as a share of it
    (seed 001: 供货价 3–3.60 元 on 18 元 retail ≈ 19–23 扣 where n 扣 = n % of retail).
    The realised price (sales amount ÷ units) shows the discount actually achieved.

    Parameters
    ----------
    plan_or_prices
        A plan (its ``price_table``) or :func:`repkit.plan.prices` output.

    Returns
    -------
    DataFrame
        product, unit, price_retail (零售价), price_supply (供货价),
        discount_rate (供货扣率 = supply ÷ retail), discount_label (e.g. ``74扣``),
        price_realised (实际均价), realised_discount_rate (realised ÷ retail),
        net_price (price the plan values targets at).

    Examples
    --------
    >>> p = pd.DataFrame({"product": ["甲"], "unit": ["盒"], "price_supply": [3.6],
    ...     "price_retail": [18.0], "price_realised": [3.42], "price": [3.6]})
    >>> d = discounts(p)
    >>> d["discount_label"].iloc[0], round(float(d["realised_discount_rate"].iloc[0]), 2)
    ('20扣', 0.19)
    """
    table = plan_or_prices if isinstance(plan_or_prices, pd.DataFrame) else None
    if table is None:
        table = plan_or_prices.price_table  # type: ignore[union-attr]
    t = table.reset_index() if "product" not in table else table
    retail = pd.to_numeric(t.get("price_retail"), errors="coerce")
    retail = retail.where(retail > 0)
    supply = pd.to_numeric(t.get("price_supply"), errors="coerce")
    realised = pd.to_numeric(t.get("price_realised"), errors="coerce")
    out = pd.DataFrame(
        {
            "product": t["product"].astype(str),
            "unit": t.get("unit"),
            "price_retail": retail,
            "price_supply": supply,
        }
    )
    out["discount_rate"] = supply / retail
    out["discount_label"] = [
        f"{rate * 100:.0f}扣" if pd.notna(rate) else None for rate in out["discount_rate"]
    ]
    out["price_realised"] = realised
    out["realised_discount_rate"] = realised / retail
    out["net_price"] = pd.to_numeric(t["price"], errors="coerce") if "price" in t else supply
    return out.reset_index(drop=True)


def stock_warnings(
    cash: pd.DataFrame | Plan,
    *,
    low: float = STOCK_LOW_MONTHS,
    high: float = STOCK_HIGH_MONTHS,
) -> pd.DataFrame:
    """Channel stock in months of sales per distributor, flagged against thresholds.

    The latest month of each distributor is judged: below ``low`` months of sales the
    distributor may run out (``low``), above ``high`` stock has been pushed into the
    channel (``high``: returns, expiry, 冲货/窜货), in between ``ok``.

    Parameters
    ----------
    cash
        :func:`repkit.plan.money` output, or a plan (the half of its data's latest
        collections month, so a plan under way shows this month's stock).
    low, high
        Thresholds in months of sales (defaults :data:`STOCK_LOW_MONTHS` = 1,
        :data:`STOCK_HIGH_MONTHS` = 3).

    Returns
    -------
    DataFrame
        distributor, month, stock, stock_months, stock_status (``low``, ``ok``,
        ``high`` or ``unknown`` without sales to compare with), hint (Chinese advice);
        the flagged distributors first.

    Examples
    --------
    >>> cash = pd.DataFrame({"month": pd.PeriodIndex(["2026-06"] * 3, freq="M"),
    ...     "distributor": ["甲", "乙", "丙"], "stock": [50.0, 200.0, 900.0],
    ...     "stock_months": [0.5, 2.0, 4.5]})
    >>> stock_warnings(cash)[["distributor", "stock_status"]].values.tolist()
    [['丙', 'high'], ['甲', 'low'], ['乙', 'ok']]
    """
    if not isinstance(cash, pd.DataFrame):
        cash = _latest_cash(cash)
    if not (0 <= low < high):
        raise ValueError(say("arg.stock_months", low=low, high=high))
    cols = ["distributor", "month", "stock", "stock_months", "stock_status", "hint"]
    if cash.empty:
        return pd.DataFrame(columns=cols)
    latest = cash.sort_values("month", kind="stable").groupby("distributor").tail(1).copy()
    months = latest["stock_months"].astype("float64")
    status = np.select(
        [months.isna(), months < low, months > high], ["unknown", "low", "high"], "ok"
    )
    latest["stock_status"] = status
    notes = {
        "low": f"低于 {low:g} 个月销量：提醒商业公司及时补货，防止断货",
        "high": f"高于 {high:g} 个月销量：暂停压货，消化库存，警惕冲货窜货与近效期退货",
        "ok": f"在 {low:g}–{high:g} 个月之间：正常",
        "unknown": "无对应销售，无法折算月数",
    }
    latest["hint"] = latest["stock_status"].map(notes)
    order = latest["stock_status"].map({"high": 0, "low": 1, "unknown": 2, "ok": 3})
    latest = latest.assign(_o=order).sort_values(["_o", "distributor"], kind="stable")
    return latest[cols].reset_index(drop=True)


def _latest_cash(plan: Plan) -> pd.DataFrame:
    from repkit.calendar import Half
    from repkit.plan._review import money

    col = plan.data.collections
    if col.empty:
        return plan.cash
    return money(plan.data, Half.of(col["month"].max()))


def money_sheets(
    plan: Plan,
    *,
    placement_share: float | None = None,
    placement_units: int | None = None,
    stock_low: float = STOCK_LOW_MONTHS,
    stock_high: float = STOCK_HIGH_MONTHS,
) -> dict[str, pd.DataFrame]:
    """Workbook sheets of the money side, headed in Chinese through the label registry.

    ``回款与铺底`` (:func:`task_split`), ``扣率与价格`` (:func:`discounts`) and
    ``渠道库存`` (:func:`stock_warnings`).
    """
    from repkit.labels import label, label_frame

    def formats(frame: pd.DataFrame, test: Callable[[str], bool], fmt: str) -> dict[str, str]:
        """Formats of the columns whose Chinese heading passes ``test``, by shown heading."""
        return {label(c): fmt for c in frame.columns if test(label(c, lang="zh"))}

    split = task_split(plan, placement_share=placement_share, placement_units=placement_units)
    basis = split.attrs["basis"]
    split_formats = formats(split, lambda h: "占比" in h, "0.0%")
    split = label_frame(split)
    split.attrs["title"] = f"{plan.half.label}任务 = 回款 + 铺底（{basis}）"
    split.attrs["excel_formats"] = split_formats
    price = discounts(plan)
    price_formats = formats(price, lambda h: h.endswith("扣率"), "0.0%")
    price = label_frame(price)
    price.attrs["title"] = "价格与扣率（n扣 = 零售价的 n%）"
    price.attrs["excel_formats"] = price_formats
    stock = label_frame(
        stock_warnings(plan, low=stock_low, high=stock_high).assign(
            month=lambda f: f["month"].astype(str)
        )
    )
    stock.attrs["title"] = (
        f"渠道库存预警（低于 {stock_low:g} 个月或高于 {stock_high:g} 个月销量提示）"
    )
    stock.attrs["excel_formats"] = {label("stock_months"): "0.0"}
    return {"回款与铺底": split, "扣率与价格": price, "渠道库存": stock}
