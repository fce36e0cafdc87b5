"""The plan object and its builder: ``build``, ``run_region``, ``Plan``."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from repkit.calendar import Half
from repkit.dataset import Dataset
from repkit.errors import DataError
from repkit.messages import join, say
from repkit.plan._coverage import review_coverage, review_to_date
from repkit.plan._decompose import (
    UNASSIGNED,
    decompose,
    month_weights,
    seasonality,
    split_owners,
    split_weeks,
)
from repkit.plan._explain import build_waterfall, feasibility
from repkit.plan._forecast import check_backtest, product_forecast, reconciled_forecast
from repkit.plan._overrides import (
    OVERRIDE_COLUMNS,
    Rule,
    apply_overrides,
    department_goals,
    override_labels,
    read_overrides,
)
from repkit.plan._quotas import bind_quotas, quota_reviews, unbound_quotas
from repkit.plan._review import (
    attach_amount,
    company_targets,
    complete_sales,
    money,
    prices,
    review_targets,
)
from repkit.plan._scenario import (
    SCENARIOS,
    apply_procurement,
    procurement_events,
    resolve_forecaster,
    round_half_up,
    scenario_totals,
)

_COLLECTION_TARGET = 0.9
MAX_HALVES_AHEAD = 4
"""Plans reach at most this many halves beyond the half of the last month of sales."""
MAX_UNITS = 1e12
"""Half-year units per product above this are refused as implausible."""


@dataclass(repr=False)
class Plan:
    """A region's half-year plan: every table of the method, as DataFrames.

    Attributes
    ----------
    region, half, review_half, scenario
        What was planned: the region, the half planned, the half reviewed (the one
        before) and the scenario used for the targets.
    params
        The options :func:`build` was called with (for :func:`diff`).
    summary
        Key figures (plain Python values, JSON-ready): review completion, targets,
        scenario totals, collections, feasibility.
    reviews
        Review of ``review_half`` by level: ``"region"``, ``"product"``,
        ``"hospital"``, ``"department"``, ``"rep"`` (see :func:`review`). Hospitals,
        departments and sales staff are measured against the quotas they were given
        where the targets table holds them, imputed targets elsewhere; their
        ``target_source`` says which (``actual``, ``imputed``, ``mixed``).
    scenarios
        Units and amount per scenario × product: ``last`` (review half actual, or its
        run rate when the half is only partly in the data), ``base`` (the reconciled
        forecast), ``target``, ``stretch``, ``company`` and, with 带量采购,
        ``procurement``; ``selected`` marks the plan's scenario.
    forecast
        Monthly forecast per product (mean and 80/95 % intervals): the product rows of
        ``forecast_nodes``.
    forecast_nodes
        The one reconciled forecast of the plan: every node of product × hospital level
        × hospital → region per month (see :mod:`repkit.plan._forecast`); each node is
        exactly the sum of its hospitals.
    targets
        Long table: month, quarter, product, hospital_id, hospital, department, rep_id,
        rep, units, price, amount. Integers add up exactly at every level.
    weekly
        The same split into ISO weeks (column ``week``) by working days.
    steps
        How each target was built (see :func:`waterfall`).
    capacity
        Visits needed against capacity per sales owner (see :func:`feasibility`).
    cash
        Shipments, collections within 60 days and channel stock (see :func:`money`).
    price_table
        Price structure per product (see :func:`prices`).
    warnings
        What the reader must know to trust the figures: a list of dicts with ``code``
        and a Chinese ``message`` (partial review half, forecast accuracy, …).
    data
        The region's Dataset the plan was built from.
    history_targets
        The reviewed half's company targets decomposed like ``targets`` (the targets
        the region and product reviews compare with).
    overrides
        The manager's overrides (经理指定) of the half: override (number), label,
        scope, kind, hospital_id, products, period, measure (units or amount), value,
        achieved (what the targets hold), difference, binding. With
        ``scenario="company"`` also the company's hospital × product quotas that bind
        the plan, as fixed figures whose label starts with 公司下达 instead of 经理指定.
        Empty without either.
    override_steps
        What each override moved: override, product, hospital_id, month, units
        (overrides applied one after another, so the steps add up to the change).
    goals
        Department development goals (科室开发) as activity goals: hospital_id,
        hospital, month, target_departments, goal_rate, departments_to_develop,
        override, notes.
    """

    region: str
    half: Half
    review_half: Half
    scenario: str
    params: dict[str, Any]
    summary: dict[str, Any]
    reviews: dict[str, pd.DataFrame]
    scenarios: pd.DataFrame
    forecast: pd.DataFrame
    targets: pd.DataFrame
    weekly: pd.DataFrame
    steps: pd.DataFrame
    capacity: pd.DataFrame
    cash: pd.DataFrame
    price_table: pd.DataFrame
    data: Dataset = field(repr=False)
    history_targets: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    forecast_nodes: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    warnings: list[dict[str, str]] = field(default_factory=list)
    overrides: pd.DataFrame = field(
        repr=False, default_factory=lambda: pd.DataFrame(columns=list(OVERRIDE_COLUMNS))
    )
    override_steps: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    goals: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """A derived table of this plan, computed once; a copy each call.

        The document and the workbook both show the field work and the SWOT items; the
        copy lets callers change what they get. A plan made with ``dataclasses.replace``
        starts with nothing remembered.
        """
        if key not in self._memo:
            self._memo[key] = compute()
        return _copied(self._memo[key])

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"Plan({self.region} {self.half}, scenario={self.scenario}, "
            f"{s['target_units']:,} units, ¥{s['target_amount']:,.2f})"
        )

    def workbook(
        self,
        *,
        doctors: pd.DataFrame | None = None,
        schedule: pd.DataFrame | None = None,
        nurse_names: bool = False,
    ) -> dict[str, pd.DataFrame | list[pd.DataFrame]]:
        """The management workbook of seed 000 as sheet name → table(s).

        Sheets: ``概览`` (a list of two tables: key figures, then scenarios by product),
        ``A 医院档案``, ``B 医生档案``, ``C 护士信息`` (table C's progress per inpatient
        hospital against its 20-day deadline, then the nurses recorded),
        ``D 月度品种任务分解``, ``E 季度目标与差距``, ``F 完成率图`` (with native line
        and bar charts), ``G 周上量分析``, ``H 代表日程``, then the field work of the
        reviewed half: ``基础工作完成度`` (tables A, B, C, H and CRM against their
        targets), ``竞品动态``, ``科室会议`` and ``新品进院``; with the manager's overrides
        also ``经理指定`` (each override and what the plan holds, then the department
        development goals). Write it with :func:`repkit.report.write_excel`.

        Parameters
        ----------
        doctors
            Doctor cards for sheet B (canonical doctors columns), already
            pseudonymised by the caller if the file leaves the analyst's machine. None
            gives a correctly headed empty sheet.
        schedule
            Rep call schedule for sheet H (canonical calls columns: date, rep_id,
            doctor_id, hospital_id, department, purpose, result, rating_after,
            follow_up). None gives a correctly headed empty sheet.
        nurse_names
            Show the nurses' names on sheet C (the internal version); by default the
            sheet lists wards and titles only.

        Examples
        --------
        >>> ds = rk.sample.generate(seed=0, regions=1)
        >>> plan = rk.plan.build(ds, "2026H2", forecast="simple")
        >>> list(plan.workbook())[:3]
        ['概览', 'A 医院档案', 'B 医生档案']
        """
        from repkit.plan._overrides import manager_sheet
        from repkit.plan._workbook import workbook

        book = workbook(self, doctors=doctors, schedule=schedule, nurse_names=nurse_names)
        if len(self.overrides) or len(self.goals):
            book["经理指定"] = manager_sheet(self.overrides, self.goals)
        return book


def _copied(value: Any) -> Any:
    """A copy of a DataFrame (attrs included) or of each frame of a list."""
    if isinstance(value, pd.DataFrame):
        return value.copy()
    if isinstance(value, list):
        return [_copied(v) for v in value]
    return value


def _json_value(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _region_of(ds: Dataset) -> str:
    regions = ds.regions
    if len(regions) != 1:
        raise ValueError(say("plan.one_region", regions=join(regions)))
    return regions[0]


def _sales_for(ds: Dataset, h: Half, region: str) -> tuple[Dataset, pd.Period]:
    """The data completed for planning ``h`` and the last month of data to use.

    Refuses a region without sales, a half before the history or too far after it,
    and implausible unit totals.
    """
    if ds.sales.empty:
        raise ValueError(say("plan.no_sales", region=region))
    ds = complete_sales(ds)
    sales = ds.sales
    if sales.empty:
        raise ValueError(say("plan.no_sales", region=region))
    as_of = _check_horizon(sales, h)
    if not (sales["month"] <= as_of).any():
        raise ValueError(say("plan.before_history", half=h, first=sales["month"].min()))
    _check_units(sales)
    return ds, as_of


def build(
    ds: Dataset,
    half: str | Half,
    *,
    growth: float | Mapping[str, float] = 0.5,
    scenario: str = "target",
    forecast: str | Callable[[pd.Series, int], pd.DataFrame] | None = None,
    stretch: float = 0.4,
    procurement: Mapping[str, Any] | list[Mapping[str, Any]] | None = None,
    cap: float | None = None,
    potential_weight: float = 0.2,
    visits_per_day: float = 8.0,
    within_days: int = 60,
    overrides: Any = None,
) -> Plan:
    """Build a region's plan for a half-year from its data.

    Parameters
    ----------
    ds
        The Dataset of one region (``dataset.for_region(region)``).
    half
        The half-year to plan, e.g. ``"2026H2"``; the half before it is reviewed.
    growth
        Growth of the ``target`` scenario over the reviewed half's actual units:
        one rate for all products (0.5 = +50 %; seed 000 plans +40 % to +60 %) or a
        dict product → rate.
    scenario
        Which scenario becomes the targets: ``"base"`` (the forecast),
        ``"target"`` (last half × (1 + growth)), ``"stretch"`` (target ×
        (1 + stretch)) or ``"company"`` (the company's targets of the half, top-down:
        its region × product totals, and its hospital × product quotas of the half as
        fixed figures, labelled 公司下达 in ``Plan.overrides``, unless the manager's
        overrides fix, floor or cap the same hospital × product for the half; a
        product whose hospital quotas cannot hold with its region target or the
        manager's overrides is decomposed without them, with a warning). Department and
        sales-staff quotas never bind; a warning names those the plan departs from.
    forecast
        ``None``/``"auto"``: ``repkit.forecast.forecast(y, h, method="auto")`` when
        available, else a seasonal-naive × trend forecast; ``"simple"``: always the
        latter; or a function ``f(y, horizon) -> DataFrame`` with a ``mean`` column
        indexed by month.
    stretch
        Extra growth of the stretch scenario over the target (seed 001: 70万 → 100万
        boxes ≈ +40 %). Default 0.4.
    procurement
        带量采购 events, a dict or a list of dicts with ``product``, ``start`` (first
        month, e.g. ``"2026-09"``), ``volume_change`` (e.g. 1.0 = volume doubles after
        winning the tender, -0.8 = loses 80 %), optional ``price_change`` (e.g. -0.5)
        and ``hospitals`` (ids; default all). Applied to the chosen scenario.
    cap
        At most this many times a hospital's best month (last 12 months) per month of
        the half; the excess goes to the other hospitals. None (default): no cap.
    potential_weight
        Weight of potential (doctors' potential in the product's departments, else
        hospital level) against history when splitting over hospitals. Default 0.2.
    visits_per_day
        Effective visits a sales owner can make per working day (seed 000: 8).
    within_days
        Payment window for the collection rate (seed 001: 60 days, target ≥ 90 %).
    overrides
        The manager's fixed figures (经理指定): a DataFrame or a list of dicts with
        the columns of the 经理指定 table — scope (医院, 医院品种, 品种, 品种线,
        科室开发), hospital_id or hospital, products, kind (固定, 下限, 上限, 里程碑),
        period (a month such as ``"2026-08"`` or the half), units or amount (or rate
        for 科室开发), notes. None (default): the Dataset's 经理指定 table. Fixed
        figures and milestones hold exactly, floors and caps as bounds; each product's
        region total stays and its other cells share the rest by the rules above
        (see :mod:`repkit.plan._overrides`). Rows of other regions and halves are
        left out; rows without a region apply to the region planned. ``[]`` ignores
        the table.

    Returns
    -------
    Plan
        All tables of the plan; ``plan.workbook()`` gives the management workbook.

    Raises
    ------
    ValueError
        More than one region, an unknown scenario, no company targets for the
        ``company`` scenario, caps that cannot hold the target, products without a
        price.
    repkit.errors.PlanError
        Overrides that cannot hold together or with the target (the problems name
        the override row, the product, hospital and month, and the excess).

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> plan = rk.plan.build(ds, "2026H2", scenario="company", forecast="simple")
    >>> company = ds.targets.query("period == '2026H2'")["units"].sum()
    >>> plan.summary["target_units"] == int(company)
    True

    The manager fixes carvedilol at 6000 boxes for the half (seed 000: 1000 a month):

    >>> fixed = {"scope": "product", "product": "卡维地洛", "kind": "fixed",
    ...          "period": "2026H2", "units": 6000}
    >>> plan = rk.plan.build(rk.sample.seed000(), "2026H2", forecast="simple", overrides=[fixed])
    >>> int(plan.targets.query("product == '卡维地洛'")["units"].sum())
    6000

    With the company scenario, the company's quota of a hospital × product holds:

    >>> quota = pd.DataFrame({"period": ["2026H2"], "region": ["兰州"],
    ...     "hospital_id": ["001001"], "product": ["瑞心安片"], "units": [4000.0]})
    >>> from dataclasses import replace
    >>> given = replace(ds, targets=pd.concat([ds.targets, quota], ignore_index=True))
    >>> plan = rk.plan.build(given, "2026H2", scenario="company", forecast="simple")
    >>> int(plan.targets.query("hospital_id == '001001' and product == '瑞心安片'")["units"].sum())
    4000
    >>> plan.overrides["label"].str.startswith("公司下达").tolist()
    [True]
    """
    h, forecaster, method = _check_options(half, scenario, potential_weight, cap, forecast)
    region = _region_of(ds)
    ds, as_of = _sales_for(ds, h, region)
    sales = ds.sales
    p = h.previous
    price_table = prices(ds, as_of=as_of)
    price = price_table["price"]
    nodes, method, checked, fc_warnings = _forecast(ds, h, as_of, forecaster, method)
    fc = product_forecast(nodes)
    cover = review_coverage(sales, p)
    company = company_targets(ds, h, price)
    totals = scenario_totals(
        cover.last,
        fc.groupby("product")["mean"].sum(),
        company if len(company) else None,
        growth=growth,
        stretch=stretch,
    )
    _check_scenario_totals(totals, scenario, h, bool(len(company)))
    units = _chosen_units(totals, scenario, h)
    events = procurement_events(procurement, list(units.index))
    rules, goal_rows = read_overrides(overrides, ds, h, region, list(price.index))
    base = fc if scenario == "base" else None
    targets, weekly, hosp, proc_delta, moved = _decompose_targets(
        units, ds, h, as_of, base, price, events, cap=cap, potential_weight=potential_weight,
        rules=rules, company=scenario == "company",
    )  # fmt: skip
    past_price = prices(ds, as_of=p.end)["price"]
    past_company = company_targets(ds, p, past_price)
    past_targets = review_targets(ds, p, past_price, totals=past_company)
    reviews, quota_counts = quota_reviews(
        ds, p, past_targets, price=past_price, company=past_company
    )
    wf = build_waterfall(totals, scenario, hosp, targets, proc_delta, cover.last_cells, moved)
    feas = feasibility(targets, ds, h, p, visits_per_day=visits_per_day)
    cash = money(ds, p, within_days=within_days)
    scen = _scenario_table(totals, price, scenario, targets, bool(events))
    params = _params(
        growth=growth, scenario=scenario, forecast=method, reconcile=nodes.attrs.get("reconcile"),
        backtest=checked, stretch=stretch, procurement=procurement, cap=cap,
        potential_weight=potential_weight, visits_per_day=visits_per_day,
        within_days=within_days, overrides=override_labels(moved.get("report"), goal_rows),
    )  # fmt: skip
    warnings = [
        *cover.warnings,
        *fc_warnings,
        *_below_base(totals, scenario),
        *unbound_quotas(ds, h, targets, price, bound=moved.get("quotas")),
    ]
    summary = _summary(region, h, p, scenario, params, reviews["region"], targets, scen, feas, cash)
    _review_summary(summary, review_to_date(cover, sales, past_targets))
    summary.update(review_target_sources=quota_counts, warnings=warnings)
    return Plan(
        region=region,
        half=h,
        review_half=p,
        scenario=scenario,
        params=params,
        summary=summary,
        reviews=reviews,
        scenarios=scen,
        forecast=fc,
        forecast_nodes=nodes,
        targets=targets,
        weekly=weekly,
        steps=wf,
        capacity=feas,
        cash=cash,
        price_table=price_table.reset_index(),
        data=ds,
        history_targets=past_targets,
        warnings=warnings,
        **_override_fields(moved, department_goals(goal_rows, ds, h)),
    )


def _override_fields(moved: dict[str, pd.DataFrame], goals: pd.DataFrame) -> dict[str, Any]:
    """The Plan's override tables: what each override achieved and moved, the goals."""
    return {
        "overrides": moved.get("report", pd.DataFrame(columns=list(OVERRIDE_COLUMNS))),
        "override_steps": moved.get("steps", pd.DataFrame()),
        "goals": goals,
    }


def _forecast(
    ds: Dataset,
    h: Half,
    as_of: pd.Period,
    forecaster: Callable[[pd.Series, int], pd.DataFrame],
    method: str,
) -> tuple[pd.DataFrame, str, dict[str, float], list[dict[str, str]]]:
    """The reconciled forecast; auto is backtested first and may fall back to snaive."""
    how = "custom"
    checked: dict[str, float] = {}
    warnings: list[dict[str, str]] = []
    if method == "repkit.forecast(auto)":
        how, checked, warnings = check_backtest(ds.sales, as_of=as_of, horizon=6)
        method = "repkit.forecast(snaive)" if how == "snaive" else method
    nodes = reconciled_forecast(
        ds.sales, ds.hospitals, h, as_of=as_of, forecaster=forecaster, method=how
    )
    return nodes, method, checked, warnings


def _below_base(totals: pd.DataFrame, scenario: str) -> list[dict[str, str]]:
    """A warning when a growth scenario plans less than the forecast."""
    if scenario not in ("target", "stretch"):
        return []
    # whole units per product, as the scenario table and the headline show them
    planned = int(round_half_up(totals[scenario].to_numpy(dtype=float)).sum())
    base = int(round_half_up(totals["base"].to_numpy(dtype=float)).sum())
    if planned >= base:
        return []
    return [
        {
            "code": "target_below_base",
            "message": say("plan.target_below_base", planned=f"{planned:,}", base=f"{base:,}"),
        }
    ]


def _params(**options: Any) -> dict[str, Any]:
    """The options of a plan as recorded in ``Plan.params`` (growth dicts copied)."""
    growth = options["growth"]
    return {**options, "growth": dict(growth) if isinstance(growth, Mapping) else growth}


def _review_summary(summary: dict[str, Any], to_date: dict[str, Any]) -> None:
    """Review figures of a partly covered review half; target growth over its run rate."""
    summary.update(to_date)
    run_rate = summary.pop("review_run_rate_amount", None)
    if run_rate:
        summary["target_growth_rate"] = summary["target_amount"] / run_rate - 1


def _check_options(
    half: str | Half, scenario: str, potential_weight: float, cap: float | None, forecast: Any
) -> tuple[Half, Callable[[pd.Series, int], pd.DataFrame], str]:
    h = Half.parse(half)
    if scenario not in SCENARIOS:
        raise ValueError(say("plan.scenario", scenarios=join(SCENARIOS), value=scenario))
    if not 0 <= potential_weight <= 1:
        raise ValueError(say("plan.potential_weight", value=potential_weight))
    if cap is not None and cap <= 0:
        raise ValueError(say("plan.cap", value=cap))
    forecaster, method = resolve_forecaster(forecast)
    return h, forecaster, method


def _check_horizon(sales: pd.DataFrame, h: Half) -> pd.Period:
    """The last month of data used; refuses halves inside or far beyond the data."""
    last = sales["month"].max()
    as_of = min(last, h.start - 1)
    if (h.end - as_of).n < 6:
        raise ValueError(say("plan.inside_half", as_of=as_of, half=h))
    ahead = (h.start - Half.of(last).start).n // 6
    if ahead > MAX_HALVES_AHEAD:
        raise DataError(
            [
                {
                    "column": "month",
                    "value": str(h),
                    "rule": "half_beyond_data",
                    "message": say(
                        "half_beyond_data", half=h, ahead=ahead, last=last, most=MAX_HALVES_AHEAD
                    ),
                }
            ]
        )
    return as_of


def _check_scenario_totals(totals: pd.DataFrame, scenario: str, h: Half, company: bool) -> None:
    if scenario == "company" and not company:
        raise ValueError(say("plan.no_company_targets", half=h))
    values = totals[["last", "base", "target", "stretch"]].to_numpy(dtype="float64")
    bad = ~np.isfinite(values) | (np.abs(values) > MAX_UNITS)
    if bad.any():
        _refuse_units(str(totals.iloc[int(np.argwhere(bad)[0][0])]["product"]))


def _check_units(sales: pd.DataFrame) -> None:
    """Refuses monthly units per product that are not finite or beyond belief."""
    monthly = sales.groupby(["product", "month"])["units"].sum()
    bad = monthly[~np.isfinite(monthly) | (monthly.abs() > MAX_UNITS / 6)]
    if len(bad):
        _refuse_units(str(bad.index[0][0]))


def _refuse_units(product: str) -> None:
    raise DataError(
        [
            {
                "column": "units",
                "value": product,
                "rule": "implausible_total",
                "message": say("implausible_total", product=product, limit=MAX_UNITS),
            }
        ]
    )


def _chosen_units(totals: pd.DataFrame, scenario: str, h: Half) -> pd.Series:
    chosen = totals.set_index("product")[scenario].fillna(0.0)
    units = pd.Series(round_half_up(chosen.to_numpy()), index=chosen.index)
    units = units[units > 0]
    if units.empty:
        raise ValueError(say("plan.nothing_to_plan", scenario=scenario, half=h))
    return units


def _decompose_targets(
    units: pd.Series,
    ds: Dataset,
    h: Half,
    as_of: pd.Period,
    shape: pd.DataFrame | None,
    price: pd.Series,
    events: list[dict[str, Any]],
    *,
    cap: float | None,
    potential_weight: float,
    rules: list[Rule],
    company: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame]]:
    """Targets per month × hospital × department × owner, weeks, hospital shares.

    With overrides, the last element holds ``steps`` (units each override moved per
    product × hospital × month) and ``report`` (each override and what it achieved);
    with ``company``, ``quotas`` (the hospital quotas bound or not, :func:`bind_quotas`).
    """
    season = seasonality(ds.sales, as_of=as_of)
    mw = month_weights(list(units.index), h, season)
    if shape is not None and len(shape):
        by_month = shape.set_index(["product", "month"])["mean"]
        key = pd.MultiIndex.from_frame(mw[["product", "month"]])
        fc_w = by_month.reindex(key).to_numpy()
        mw["weight"] = np.where(np.isnan(fc_w), mw["weight"], fc_w)
    monthly, hosp = decompose(
        units, ds, h, as_of=as_of, month_weight=mw, cap=cap, potential_weight=potential_weight
    )
    monthly["price"] = monthly["product"].map(price).astype("float64")
    monthly, delta = apply_procurement(monthly, events)
    proc_delta = monthly[["product", "hospital_id"]].assign(delta=delta.to_numpy())
    moved: dict[str, pd.DataFrame] = {}
    if company:
        rules, moved["quotas"] = bind_quotas(monthly, rules, ds, h, price)
    if rules:
        monthly, moved["steps"], moved["report"] = apply_overrides(monthly, rules, h)
    long = split_owners(
        monthly[["product", "hospital_id", "quarter", "month", "units"]], ds, as_of=as_of
    )
    cell_price = monthly.set_index(["product", "hospital_id", "month"])["price"]
    key = pd.MultiIndex.from_frame(long[["product", "hospital_id", "month"]])
    long["price"] = cell_price.reindex(key).to_numpy()
    targets = _label_targets(attach_amount(long, price), ds)
    weekly = split_weeks(
        targets[["month", "product", "hospital_id", "department", "rep_id", "units", "price"]]
    )
    weekly["amount"] = (weekly["units"] * weekly["price"]).round(2)
    return targets, weekly.drop(columns="price"), hosp, proc_delta, moved


def _label_targets(targets: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    hosp = ds.hospitals.set_index("hospital_id")["name"] if "name" in ds.hospitals else {}
    names = ds.reps.set_index("rep_id")["name"] if "name" in ds.reps else {}
    out = targets.copy()
    ids = out["hospital_id"].astype(object)
    name = ids.map(hosp).astype(object)
    if "hospital" in ds.sales:
        fallback = ds.sales.drop_duplicates("hospital_id").set_index("hospital_id")["hospital"]
        name = name.where(name.notna(), ids.map(fallback).astype(object))
    out.insert(4, "hospital", name.where(name.notna(), ids))
    rep_ids = out["rep_id"].astype(object)
    rep = rep_ids.map(names).astype(object)
    rep = rep.where(rep.notna(), rep_ids)
    out.insert(7, "rep", rep.where(rep_ids != UNASSIGNED, "未分配（科室）"))
    out["units"] = out["units"].astype("int64")
    order = ["month", "product", "hospital_id", "department", "rep_id"]
    return out.sort_values(order, kind="stable").reset_index(drop=True)


def _scenario_table(
    totals: pd.DataFrame, price: pd.Series, scenario: str, targets: pd.DataFrame, vbp: bool
) -> pd.DataFrame:
    names = ["last", "base", "target", "stretch", "company"]
    rows = []
    for name in names:
        for rec in totals.itertuples(index=False):
            value = getattr(rec, name)
            if value is None or not np.isfinite(value):
                continue
            units = int(round_half_up(value))
            rows.append((name, rec.product, units, round(units * float(price[rec.product]), 2)))
    if vbp:
        got = targets.groupby("product")[["units", "amount"]].sum()
        for product, rec in got.iterrows():
            rows.append(("procurement", product, int(rec["units"]), round(float(rec["amount"]), 2)))
    out = pd.DataFrame(rows, columns=["scenario", "product", "units", "amount"])
    last = out[out["scenario"] == "last"].set_index("product")["units"]
    base = out["product"].map(last)
    out["growth_rate"] = out["units"] / base.where(base > 0) - 1
    out["selected"] = out["scenario"] == ("procurement" if vbp else scenario)
    return out


def _summary(
    region: str,
    h: Half,
    p: Half,
    scenario: str,
    params: dict[str, Any],
    region_review: pd.DataFrame,
    targets: pd.DataFrame,
    scen: pd.DataFrame,
    feas: pd.DataFrame,
    cash: pd.DataFrame,
) -> dict[str, Any]:
    r = region_review.iloc[0] if len(region_review) else None
    totals = scen.groupby("scenario")[["units", "amount"]].sum()
    target_amount = round(float(targets["amount"].sum()), 2)
    actual_amount = float(r["actual_amount"]) if r is not None else 0.0
    due = cash["due"].sum()
    collection = float(cash["collected"].sum() / due) if due > 0 else None
    last_month = cash["month"].max() if len(cash) else None
    stock_months = None
    if last_month is not None:
        latest = cash[cash["month"] == last_month]
        sell = (latest["stock"] / latest["stock_months"]).sum()
        stock_months = float(latest["stock"].sum() / sell) if sell > 0 else None
    out = {
        "region": region,
        "half": str(h),
        "review_half": str(p),
        "scenario": scenario,
        "growth": params["growth"],
        "forecast": params["forecast"],
        "review_target_amount": None if r is None else _json_value(r["target_amount"]),
        "review_actual_amount": round(actual_amount, 2),
        "completion_rate": None if r is None else _json_value(r["completion_rate"]),
        "review_growth_rate": None if r is None else _json_value(r["growth_rate"]),
        "target_units": int(targets["units"].sum()),
        "target_amount": target_amount,
        "target_growth_rate": _json_value(target_amount / actual_amount - 1)
        if actual_amount > 0
        else None,
        "unassigned_units": int(targets.loc[targets["rep_id"] == UNASSIGNED, "units"].sum()),
        "reps_with_targets": int((feas["rep_id"] != UNASSIGNED).sum()),
        "reps_over_capacity": int((~feas["feasible"] & (feas["rep_id"] != UNASSIGNED)).sum()),
        "collection_rate_60d": collection,
        "collection_ok": None if collection is None else bool(collection >= _COLLECTION_TARGET),
        "stock_months": stock_months,
    }
    for name in ("base", "target", "stretch", "company", "procurement"):
        if name in totals.index:
            out[f"scenario_{name}_units"] = int(totals.loc[name, "units"])
            out[f"scenario_{name}_amount"] = round(float(totals.loc[name, "amount"]), 2)
    return {k: _json_value(v) for k, v in out.items()}


def run_region(
    data: str | Path | Dataset,
    region: str,
    half: str | Half,
    out: str | Path,
    **params: Any,
) -> dict[str, Any]:
    """Make one region's plan without a notebook: ``plan.xlsx`` and ``summary.json``.

    What the half-year template does, as one call: load the data folder, build the
    region's plan, write the workbook (doctor cards as pseudonymous tokens, without
    names, with the key of :func:`repkit.privacy.setup`) and the key figures.

    Parameters
    ----------
    data
        Data folder (read with ``repkit.load_dataset``) or a Dataset.
    region
        Region to plan; must be in the data.
    half
        The half-year to plan, e.g. ``"2026H2"``.
    out
        Output folder; created if missing.
    **params
        Options of :func:`build` (growth, scenario, forecast, stretch, procurement,
        cap, …).

    Returns
    -------
    dict
        The summary written to ``summary.json``: region, half, review_half,
        completion_rate (of the reviewed half), target_units, target_amount, scenario,
        and the other key figures of ``Plan.summary``; plus ``files``.

    Raises
    ------
    ValueError
        An unknown region (the message lists the valid ones) or bad options.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> s = rk.plan.run_region(ds, "兰州", "2026H2", "out", forecast="simple")
    >>> s["region"], s["half"], sorted(s["files"])
    ('兰州', '2026H2', ['plan.xlsx', 'summary.json'])
    """
    from repkit.activity._calls import call_plan
    from repkit.plan._files import write_files
    from repkit.privacy import setup

    if isinstance(data, Dataset):
        ds = data
    else:
        from repkit.io import load_dataset

        ds = load_dataset(data)
    sub = ds.for_region(region)
    plan = build(sub, half, **params)
    # the same doctor tokens as the template's workbook (the user's key; see privacy)
    privacy = setup("tokens", create_key=True)
    calls = call_plan(sub, plan.half.start, privacy=privacy)
    return write_files(plan, out, calls=calls, privacy_mode=privacy.mode)
