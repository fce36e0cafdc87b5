"""repkit.forecast: one series, many series, backtests, growth view, charts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import repkit.forecast as fc
from repkit.calendar import festival_days
from repkit.errors import DataError

MONTHS = pd.period_range("2023-07", periods=36, freq="M")


def seasonal(n: int = 36, *, start: str = "2023-07", seed: int = 0, level: float = 500.0):
    rng = np.random.default_rng(seed)
    months = pd.period_range(start, periods=n, freq="M")
    t = np.arange(n)
    values = level * (1 + 0.2 * np.cos(2 * np.pi * (months.month - 1) / 12)) * 1.01**t
    return pd.Series(values * rng.lognormal(0, 0.03, n), index=months)


# ----------------------------------------------------------------------- forecast()
def test_forecast_returns_monthly_frame_with_bounds_and_model():
    y = seasonal()
    out = fc.forecast(y, 6)
    assert list(out.columns) == ["mean", "lo_80", "hi_80", "lo_95", "hi_95"]
    assert isinstance(out.index, pd.PeriodIndex)
    assert out.index.name == "month"
    assert list(out.index.astype(str)) == [f"2026-{m:02d}" for m in range(7, 13)]
    assert out.attrs["kind"] == "regular"
    assert out.attrs["model"]
    assert set(out.attrs["model"].split("+")) <= set(fc.METHODS)


def test_bounds_are_nested_around_the_mean():
    out = fc.forecast(seasonal(seed=3), 12)
    assert (out["lo_95"] <= out["lo_80"]).all()
    assert (out["lo_80"] <= out["mean"]).all()
    assert (out["mean"] <= out["hi_80"]).all()
    assert (out["hi_80"] <= out["hi_95"]).all()


def test_forecast_follows_the_seasonal_pattern():
    y = seasonal()
    out = fc.forecast(y, 12, calendar="none")
    # January is the peak and July the trough of the pattern
    assert out.loc["2027-01", "mean"] > out.loc["2026-07", "mean"] * 1.2


def test_level_sets_the_interval_columns():
    out = fc.forecast(seasonal(), 3, level=(50, 90, 99))
    assert list(out.columns) == ["mean", "lo_50", "hi_50", "lo_90", "hi_90", "lo_99", "hi_99"]
    assert (out["hi_99"] - out["lo_99"] > out["hi_50"] - out["lo_50"]).all()


@pytest.mark.parametrize("how", ["MS", "ME"])
def test_datetime_index_is_accepted(how):
    y = seasonal()
    dated = pd.Series(y.to_numpy(), index=pd.date_range("2023-07-01", periods=36, freq=how))
    out = fc.forecast(dated, 2, method="fast")
    assert str(out.index[0]) == "2026-07"


def test_input_is_not_modified():
    y = seasonal()
    before = y.copy()
    fc.forecast(y, 3, method="fast")
    pd.testing.assert_series_equal(y, before)


def test_missing_month_is_refused_with_its_month():
    y = seasonal().drop(pd.Period("2024-03", "M"))
    with pytest.raises(DataError, match="缺少月份 2024-03") as info:
        fc.forecast(y, 3)
    problems = info.value.problems
    assert problems["rule"].tolist() == ["missing_month"]
    assert problems["value"].tolist() == ["2024-03"]


def test_missing_month_advice_offers_zero_and_interpolation():
    y = seasonal().drop(pd.Period("2024-03", "M"))
    with pytest.raises(DataError, match="missing='interpolate'") as info:
        fc.forecast(y, 3)
    assert "enter 0" not in str(info.value)


@pytest.mark.parametrize("gap", ["absent", "nan"])
def test_missing_month_can_be_interpolated_or_zero(gap):
    y = seasonal()
    month = pd.Period("2024-03", "M")
    y = y.drop(month) if gap == "absent" else y.where(y.index != month)
    out = fc.forecast(y, 3, method="fast", include_history=True, missing="interpolate")
    prev, nxt = seasonal()[month - 1], seasonal()[month + 1]
    assert out.loc[month, "actual"] == pytest.approx((prev + nxt) / 2)
    assert len(out) == 36 + 3
    zero = fc.forecast(y, 3, method="fast", include_history=True, missing="zero")
    assert zero.loc[month, "actual"] == 0.0


def test_missing_policy_is_checked():
    with pytest.raises(ValueError, match="missing must be one of error, zero, interpolate"):
        fc.forecast(seasonal(), 3, missing="drop")


def test_daily_input_is_refused_with_aggregate_advice():
    days = pd.date_range("2024-01-01", periods=400, freq="D")
    y = pd.Series(np.arange(400.0), index=days)
    with pytest.raises(DataError, match="先把数据汇总到月") as info:
        fc.forecast(y, 3)
    assert info.value.problems["rule"].tolist() == ["not_monthly"]
    assert "出现了不止一次" not in str(info.value)


def test_weekly_periods_are_refused_with_aggregate_advice():
    weeks = pd.period_range("2024-01", periods=60, freq="W-SUN")
    with pytest.raises(DataError, match="汇总到月") as info:
        fc.forecast(pd.Series(np.ones(60), index=weeks), 3)
    assert info.value.problems["rule"].tolist() == ["not_monthly"]


def test_repeated_month_is_refused():
    y = seasonal()
    y = pd.concat([y, y.iloc[[4]]])
    with pytest.raises(DataError, match="出现了不止一次") as info:
        fc.forecast(y, 3)
    assert info.value.problems["rule"].tolist() == ["duplicate_key"]
    assert info.value.problems["value"].tolist() == ["2023-11"]


def test_non_numbers_are_refused():
    y = seasonal().astype(object)
    y.iloc[2] = "n/a"
    with pytest.raises(DataError, match="不是数字") as info:
        fc.forecast(y, 3)
    assert info.value.problems["rule"].tolist() == ["bad_number"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "prophet"}, "method 必须是以下之一：auto、fast"),
        ({"calendar": "us"}, "calendar must be one of auto, cn"),
        ({"level": (80, 120)}, "level must be whole percentages"),
        ({"horizon": 0}, "horizon 必须是正整数个月"),
        ({"horizon": 2.5}, "horizon 必须是正整数个月"),
    ],
)
def test_bad_arguments_name_the_valid_choices(kwargs, message):
    args = {"horizon": 3, **kwargs}
    horizon = args.pop("horizon")
    with pytest.raises(ValueError, match=message):
        fc.forecast(seasonal(), horizon, **args)


def test_not_a_series_is_a_type_error():
    with pytest.raises(TypeError, match="pandas Series"):
        fc.forecast([1.0, 2.0, 3.0], 2)


# -------------------------------------------------------------- kinds of series
def test_all_zero_series_forecasts_zero():
    y = pd.Series(0.0, index=MONTHS)
    out = fc.forecast(y, 4)
    assert out.attrs["kind"] == "zero"
    assert out.attrs["model"] == "zero"
    assert (out.to_numpy() == 0).all()


def test_intermittent_series_uses_sparse_demand_models():
    rng = np.random.default_rng(1)
    y = pd.Series(rng.poisson(0.5, 36).astype(float), index=MONTHS)
    out = fc.forecast(y, 6)
    assert out.attrs["kind"] == "intermittent"
    assert set(out.attrs["model"].split("+")) <= {"croston", "tsb", "adida", "ses"}
    assert (out["lo_95"] >= 0).all()
    assert 0.1 < out["mean"].iloc[0] < 1.5
    assert out["hi_95"].iloc[0] >= 1


def test_short_series_gets_non_seasonal_models():
    y = seasonal(15)
    out = fc.forecast(y, 6)
    assert out.attrs["kind"] == "short"
    assert not {"ets_season", "ets_damped", "sarima"} & set(out.attrs["model"].split("+"))


def test_tiny_series_still_forecasts():
    y = pd.Series([10.0, 12.0, 11.0], index=MONTHS[:3])
    out = fc.forecast(y, 3)
    assert out.attrs["kind"] == "tiny"
    assert np.isfinite(out.to_numpy()).all()
    assert 8 < out["mean"].iloc[0] < 14


def test_one_month_series_is_carried_forward():
    y = pd.Series([10.0], index=MONTHS[:1])
    out = fc.forecast(y, 2)
    assert out["mean"].tolist() == [10.0, 10.0]


def test_launch_inside_the_history_drops_leading_zeros():
    ramp = np.r_[np.zeros(20), 30 * np.minimum(np.arange(1, 17), 6)]
    y = pd.Series(ramp, index=MONTHS)
    out = fc.forecast(y, 6)
    assert out.attrs["kind"].endswith("/new")
    # the ramp has levelled off at 180: no explosive extrapolation
    assert 120 < out["mean"].iloc[-1] < 260


def test_named_method_is_used_when_it_fits():
    y = seasonal()
    out = fc.forecast(y, 12, method="snaive", calendar="none")
    assert out.attrs["model"] == "snaive"
    np.testing.assert_allclose(out["mean"].to_numpy(), y.iloc[-12:].to_numpy(), rtol=0.02)


def test_seasonal_method_on_a_short_series_falls_back():
    out = fc.forecast(seasonal(14), 3, method="ets_damped")
    assert "ets_damped" not in out.attrs["model"]


def test_include_history_adds_actual_and_fitted():
    y = seasonal()
    out = fc.forecast(y, 3, include_history=True, method="fast")
    assert list(out.columns[:2]) == ["actual", "fitted"]
    assert len(out) == 39
    np.testing.assert_allclose(out["actual"].iloc[:36].to_numpy(), y.to_numpy())
    assert out["mean"].iloc[:36].isna().all()
    fitted = out["fitted"].iloc[:36].dropna()
    assert len(fitted) >= 24
    assert np.abs(fitted / y.loc[fitted.index] - 1).median() < 0.1


def test_negative_returns_are_allowed():
    y = seasonal()
    y.iloc[5] = -20.0
    out = fc.forecast(y, 3)
    assert np.isfinite(out.to_numpy()).all()


# ------------------------------------------------------------------ calendar
def festival_series(n_years: int = 4, *, seed: int = 0, dip: float = 0.4):
    months = pd.period_range("2021-01", periods=12 * n_years, freq="M")
    share = festival_days(months).to_numpy() / np.asarray(months.days_in_month)
    rng = np.random.default_rng(seed)
    values = 1000 * (1 - dip * share) * rng.lognormal(0, 0.02, len(months))
    return pd.Series(values, index=months)


def test_spring_festival_adjustment_is_found_and_used():
    y = festival_series()
    out = fc.forecast(y, 12, calendar="auto")
    assert out.attrs["calendar"] == "cn"
    # 2025: Jan 29 (window Jan 22 – Feb 12): both months dip; 2026: Feb 17: February dips
    fcast = out["mean"]
    assert fcast["2025-02"] < fcast["2025-04"] * 0.9
    plain = fc.forecast(y, 12, calendar="none")
    share = festival_days(out.index).to_numpy() / np.asarray(out.index.days_in_month)
    truth = 1000 * (1 - 0.4 * share)
    jan_feb = np.isin(out.index.month, [1, 2])
    err_cn = np.abs(fcast.to_numpy() - truth)[jan_feb].mean()
    err_none = np.abs(plain["mean"].to_numpy() - truth)[jan_feb].mean()
    assert err_cn < 0.5 * err_none


def test_calendar_none_switches_the_adjustment_off():
    out = fc.forecast(festival_series(), 3, calendar="none")
    assert out.attrs["calendar"] == "none"


def test_festival_adjustment_reduces_jan_feb_error_across_many_series():
    rng = np.random.default_rng(5)
    months = pd.period_range("2022-07", periods=48, freq="M")
    share = festival_days(months).to_numpy() / np.asarray(months.days_in_month)
    n = 60
    level = rng.lognormal(5, 0.6, n)[:, None]
    dip = rng.uniform(0.2, 0.5, n)[:, None]
    values = rng.poisson(level * (1 - dip * share) * rng.lognormal(0, 0.08, (n, 48)))
    frame = pd.DataFrame(
        {
            "sku": np.repeat([f"s{i:02d}" for i in range(n)], 36),
            "month": np.tile(np.asarray(months[:36]), n),
            "units": values[:, :36].ravel().astype(float),
        }
    )
    actual = values[:, 36:]
    errors = {}
    for cal in ("cn", "none"):
        out = fc.forecast_many(frame, 12, keys=["sku"], calendar=cal, method="fast")
        pred = out.sort_values(["sku", "month"])["mean"].to_numpy().reshape(n, 12)
        rel = np.abs(actual - pred) / level
        errors[cal] = rel[:, np.isin(months[36:].month, [1, 2])].mean()
    assert errors["cn"] < 0.7 * errors["none"]


# ----------------------------------------------------------------- many series
def long_frame():
    rows = []
    for p, y in (("A", seasonal(seed=1)), ("B", seasonal(seed=2, level=80.0))):
        for hospital in ("h1", "h2"):
            rows.append(
                pd.DataFrame(
                    {
                        "product": p,
                        "hospital": hospital,
                        "month": y.index,
                        "units": y.to_numpy() / 2,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def test_forecast_many_sums_rows_per_key_and_month():
    frame = long_frame()
    out = fc.forecast_many(frame, 6, keys=["product"], method="fast")
    assert list(out.columns) == [
        "product",
        "month",
        "mean",
        "lo_80",
        "hi_80",
        "lo_95",
        "hi_95",
        "model",
        "kind",
        "calendar",
    ]
    assert out.groupby("product").size().to_dict() == {"A": 6, "B": 6}
    single = fc.forecast(seasonal(seed=2, level=80.0), 6, method="fast", calendar="none")
    many = fc.forecast_many(frame, 6, keys=["product"], method="fast", calendar="none")
    b = many[many["product"] == "B"]["mean"].to_numpy()
    np.testing.assert_allclose(b, single["mean"].to_numpy(), rtol=1e-9)


def test_forecast_many_with_fill_treats_late_starts_as_launches():
    frame = long_frame()
    late = frame[(frame["product"] == "B") & (frame["month"] >= pd.Period("2025-01", "M"))]
    early = frame[frame["product"] == "A"]
    out = fc.forecast_many(pd.concat([early, late]), 3, keys=["product"], method="fast", fill=True)
    kinds = out.groupby("product")["kind"].first().to_dict()
    assert kinds == {"A": "regular", "B": "short/new"}


def ragged_frame() -> pd.DataFrame:
    """A full, an early-ending and a late-starting series in one table."""
    parts = {
        "full": seasonal(seed=1),
        "ended": seasonal(seed=2, level=80.0).iloc[:28],
        "late": seasonal(seed=3, level=300.0).iloc[20:],
    }
    return pd.concat(
        pd.DataFrame({"product": k, "month": y.index, "units": y.to_numpy()})
        for k, y in parts.items()
    ), parts


def test_forecast_many_forecasts_each_series_from_its_own_months():
    frame, parts = ragged_frame()
    out = fc.forecast_many(frame, 4, keys=["product"], method="fast", calendar="none")
    for key, y in parts.items():
        got = out[out["product"] == key]
        alone = fc.forecast(y, 4, method="fast", calendar="none")
        assert got["month"].tolist() == alone.index.tolist()
        np.testing.assert_allclose(got["mean"], alone["mean"], rtol=1e-9)
        assert got["kind"].iloc[0] == alone.attrs["kind"]
    ended = out[out["product"] == "ended"]
    assert str(ended["month"].iloc[0]) == "2025-11"
    assert ended["mean"].min() > 40  # not forecast from zero-filled months


def test_forecast_many_result_does_not_depend_on_the_other_series():
    frame, _ = ragged_frame()
    kw = {"keys": ["product"], "method": "fast", "calendar": "none"}
    together = fc.forecast_many(frame, 4, **kw)
    for key in ("full", "ended", "late"):
        alone = fc.forecast_many(frame[frame["product"] == key], 4, **kw)
        pd.testing.assert_frame_equal(
            together[together["product"] == key].reset_index(drop=True), alone
        )


def test_forecast_many_fills_gaps_by_the_missing_policy():
    y = seasonal(seed=1)
    frame = pd.DataFrame({"product": "A", "month": y.index, "units": y.to_numpy()})
    frame = frame[frame["month"] != pd.Period("2024-03", "M")]
    with pytest.raises(DataError) as info:
        fc.forecast_many(frame, 3, keys=["product"], missing="error")
    assert info.value.problems["rule"].tolist() == ["missing_month"]
    assert info.value.problems["value"].tolist() == ["2024-03"]
    kw = {"keys": ["product"], "method": "fast", "calendar": "none"}
    interp = fc.forecast_many(frame, 3, missing="interpolate", **kw)
    full = fc.forecast_many(
        pd.DataFrame({"product": "A", "month": y.index, "units": y.to_numpy()}), 3, **kw
    )
    zero = fc.forecast_many(frame, 3, **kw)
    gap_err = {
        name: np.abs(out["mean"].to_numpy() - full["mean"].to_numpy()).mean()
        for name, out in (("interp", interp), ("zero", zero))
    }
    assert gap_err["interp"] < gap_err["zero"]


def test_forecast_many_results_do_not_depend_on_processes(monkeypatch):
    monkeypatch.setattr(fc._api, "_CHUNK", 1)
    frame = long_frame()
    one = fc.forecast_many(frame, 3, keys=["product", "hospital"], method="fast", n_jobs=1)
    two = fc.forecast_many(frame, 3, keys=["product", "hospital"], method="fast", n_jobs=2)
    pd.testing.assert_frame_equal(one, two)


def test_forecast_many_names_missing_columns():
    with pytest.raises(ValueError, match="no column 'units'"):
        fc.forecast_many(long_frame().drop(columns="units"), 3, keys=["product"])


def test_forecast_many_refuses_non_numbers():
    frame = long_frame()
    frame["units"] = frame["units"].astype(object)
    frame.loc[3, "units"] = "abc"
    with pytest.raises(DataError, match="个值不是数字") as info:
        fc.forecast_many(frame, 3, keys=["product"])
    assert info.value.problems["row"].tolist() == [4]


# -------------------------------------------------------------------- backtests
def test_backtest_uses_only_months_before_each_origin():
    y = seasonal(40)
    bt = fc.backtest(y, 6, windows=2, method="fast")
    assert sorted(bt["window"].unique()) == [1, 2]
    auto = bt[(bt["model"] == "auto") & (bt["window"] == 2)]
    origin = auto["origin"].iloc[0]
    again = fc.forecast(y[:origin], 6, method="fast")
    np.testing.assert_allclose(auto["mean"].to_numpy(), again["mean"].to_numpy())
    np.testing.assert_allclose(auto["actual"].to_numpy(), y[origin + 1 : origin + 6].to_numpy())
    assert (auto["error"] == auto["actual"] - auto["mean"]).all()
    assert {"snaive", "theta", "ets_damped"} <= set(bt["model"])


def test_backtest_report_summarises_per_model_and_group():
    frame = long_frame()
    bt = fc.backtest_many(frame, 3, keys=["product"], windows=2, method="fast")
    report = fc.backtest_report(bt)
    assert "auto" in report.index
    assert {"mase", "rmse", "coverage_80", "coverage_95", "n_series"} <= set(report.columns)
    assert report.loc["auto", "n_series"] == 2
    assert report["mase"].is_monotonic_increasing
    by = fc.backtest_report(bt, by=["product"])
    assert by.index.names == ["product", "model"]
    a = bt[(bt["product"] == "A") & (bt["model"] == "auto")]
    expected = np.sqrt((a["error"] ** 2).mean())
    assert by.loc[("A", "auto"), "rmse"] == pytest.approx(expected)


@pytest.mark.parametrize("n", [4, 5])
def test_a_launch_still_ramping_up_is_not_forecast_flat(n):
    rng = np.random.default_rng(3)
    ramp = 40 * np.arange(1, n + 1) * rng.lognormal(0, 0.05, n)
    y = pd.Series(np.r_[np.zeros(30 - n), ramp], index=MONTHS[:30])
    out = fc.forecast(y, 6)
    assert out.attrs["kind"] == "tiny/new"
    # six months on, at least three quarters of the straight continuation (40 a month)
    assert out["mean"].iloc[-1] >= 0.75 * 40 * (n + 6)


def test_backtest_gives_every_series_the_seasonal_naive_yardstick():
    # a product launched 14 months before the end: its pool has no seasonal naive, but
    # the backtest compares auto with it on the same series and windows all the same
    old = seasonal(36, seed=1)
    launch = pd.Series(np.r_[np.zeros(22), np.linspace(50, 400, 14)], index=MONTHS)
    frame = pd.DataFrame(
        {
            "product": ["old"] * 36 + ["new"] * 36,
            "month": list(MONTHS) * 2,
            "units": np.r_[old.to_numpy(), launch.to_numpy()],
        }
    )
    bt = fc.backtest_many(frame, 6, keys=["product"], windows=2)
    for product in ("old", "new"):
        rows = bt[bt["product"] == product]
        assert set(rows.loc[rows["model"] == "auto", "window"]) == set(
            rows.loc[rows["model"] == "snaive", "window"]
        )
    report = fc.backtest_report(bt)
    assert report.loc["snaive", "n_series"] == report.loc["auto", "n_series"] == 2


def test_backtest_report_says_in_chinese_where_auto_loses_to_seasonal_naive():
    bt = pd.DataFrame(
        {
            "product": ["A"] * 4 + ["B"] * 4,
            "window": 1,
            "model": ["auto", "auto", "snaive", "snaive"] * 2,
            "actual": 10.0,
            "mean": [13.0, 7.0, 11.0, 9.0, 10.5, 9.5, 12.0, 8.0],
            "scale": 2.0,
        }
    )
    bt["error"] = bt["actual"] - bt["mean"]
    by = fc.backtest_report(bt, by=["product"]).attrs["warnings"]
    assert len(by) == 1
    assert by[0].startswith("A：")
    assert "季节朴素" in by[0]
    assert "3.00 倍" in by[0]
    assert "1/1 个序列上不如它" in by[0]
    # pooled: one series of two loses, the geometric mean (3 and 1/4) favours auto: the
    # sentence says so instead of "worse on 1/2 ... 0.87 times its error" side by side
    pooled = fc.backtest_report(bt).attrs["warnings"]
    assert len(pooled) == 1
    assert "在 1/2 个序列上不如" in pooled[0]
    assert "平均误差虽只有它的 0.87 倍" in pooled[0]
    assert fc.backtest_report(bt[bt["product"] == "B"]).attrs["warnings"] == []


def test_backtest_of_a_too_short_series_is_refused():
    with pytest.raises(ValueError, match="too few to backtest"):
        fc.backtest(seasonal(4), 6)


# ----------------------------------------------------------------------- growth
def test_growth_compares_the_next_half_with_last_half_and_last_year():
    frame = long_frame()
    g = fc.growth(frame, keys=["product"], method="fast")
    assert g.attrs == {"half": "2026H2", "last_half": "2026H1", "last_year": "2025H2"}
    a = g.set_index("product").loc["A"]
    y = seasonal(seed=1)
    assert a["last_half"] == pytest.approx(y["2026-01":"2026-06"].sum())
    assert a["last_year"] == pytest.approx(y["2025-07":"2025-12"].sum())
    assert a["hoh_rate"] == pytest.approx(a["forecast"] / a["last_half"] - 1)
    assert a["yoy_rate_lo_95"] == pytest.approx(a["lo_95"] / a["last_year"] - 1)
    assert a["lo_95"] < a["lo_80"] < a["forecast"] < a["hi_80"] < a["hi_95"]


def test_growth_interval_is_narrower_than_adding_monthly_bounds():
    frame = long_frame()
    g = fc.growth(frame, "2026H2", keys=["product"], method="fast").set_index("product")
    monthly = fc.forecast_many(frame, 6, keys=["product"], method="fast")
    summed = monthly.groupby("product")[["mean", "hi_95", "lo_95"]].sum()
    assert g.loc["A", "forecast"] == pytest.approx(summed.loc["A", "mean"], rel=1e-6)
    assert (g["hi_95"] <= summed["hi_95"] + 1e-6).all()
    assert (g["lo_95"] >= summed["lo_95"] - 1e-6).all()


def test_growth_counts_months_of_the_half_already_in_the_data():
    frame = long_frame()
    cut = frame[frame["month"] <= pd.Period("2026-03", "M")]
    g = fc.growth(cut, keys=[], method="fast")
    assert g.attrs["half"] == "2026H1"
    done = cut[cut["month"] >= pd.Period("2026-01", "M")]["units"].sum()
    assert g.loc[0, "actual"] == pytest.approx(done)
    assert g.loc[0, "forecast"] > done


def test_growth_refuses_a_half_already_complete():
    with pytest.raises(ValueError, match="already complete"):
        fc.growth(long_frame(), "2026H1", keys=["product"])


# ------------------------------------------------------------------------- charts
def test_forecast_plot_draws_actual_fitted_forecast_and_bands():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from repkit.report.forecast_chart import backtest_plot, forecast_plot

    y = seasonal()
    fig = forecast_plot(y, fc.forecast(y, 6, include_history=True, method="fast"))
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["实际", "拟合", "预测"]
    labels = ax.get_legend_handles_labels()[1]
    assert {"95%区间", "80%区间"} <= set(labels)
    assert "模型" in ax.get_title()
    plt.close(fig)
    bt = fc.backtest(y, 6, windows=2, method="fast")
    fig = backtest_plot(bt, y=y)
    bars = fig.axes[1].patches
    assert len(bars) == bt["model"].nunique()
    plt.close(fig)


def test_intervals_narrow_when_the_backtest_errors_are_small():
    # issue 20: the 0.7 floor kept 80 % intervals too wide on the tuning series (85 %)
    from repkit.forecast import _engine

    prior = _engine._PRIOR_N
    kms, klev = _engine._calibration([np.full((1, 144), 0.1)], 1, (80, 95))
    expect = max(np.sqrt((144 * 0.01 + prior) / (144 + prior)), _engine._K_MIN)
    assert kms[0] == pytest.approx(expect)
    assert kms[0] < 0.6
    np.testing.assert_allclose(klev[80], kms * _engine.CENTRE)
    np.testing.assert_allclose(klev[95], kms * _engine.TAIL)


def test_short_histories_do_not_calibrate_on_their_own_backtests():
    from repkit.forecast import _engine

    z = [np.full((2, 12), 3.0)]
    kms, klev = _engine._calibration(z, 2, (80, 95), short=True)
    np.testing.assert_allclose(kms, 1.0)
    np.testing.assert_allclose(klev[80], _engine._tail(80) * _engine.SHORT_WIDEN)
    np.testing.assert_allclose(klev[95], _engine._tail(95) * _engine.SHORT_WIDEN)
    kms, klev = _engine._calibration(z, 2, (80, 95))
    assert (kms > 1.5).all()
    assert (klev[95] > 1.5).all()


def test_forecast_many_blank_values_are_refused_unless_interpolated():
    y = seasonal(seed=1)
    frame = pd.DataFrame({"product": "A", "month": y.index, "units": y.to_numpy()})
    frame.loc[8, "units"] = np.nan
    with pytest.raises(DataError) as info:
        fc.forecast_many(frame, 3, keys=["product"], method="fast")
    assert info.value.problems["rule"].tolist() == ["blank_value"]
    assert "missing='interpolate'" in str(info.value)  # the advice names the choices
    assert "填 0" in str(info.value)
    frame["units"] = frame["units"].astype(object)
    frame.loc[9, "units"] = "n/a"
    with pytest.raises(DataError) as info:
        fc.forecast_many(frame, 3, keys=["product"], method="fast", missing="interpolate")
    assert info.value.problems["rule"].tolist() == ["bad_number"]  # not blank: not a number
    frame.loc[9, "units"] = frame.loc[10, "units"]
    out = fc.forecast_many(frame, 3, keys=["product"], method="fast", missing="interpolate")
    assert np.isfinite(out["mean"]).all()


def test_forecast_many_point_forecasts_do_not_depend_on_the_other_series():
    rng = np.random.default_rng(0)
    months = pd.period_range("2018-01", periods=72, freq="M")
    rows = []
    for k in range(10):
        t = np.arange(72)
        y = 100 * np.exp(np.cumsum(rng.normal(0.005, 0.05, 72))) * (1 + 0.2 * np.sin(t * np.pi / 6))
        rows.append(pd.DataFrame({"p": f"s{k}", "month": months, "units": y}))
    frame = pd.concat(rows)
    alone = fc.forecast_many(frame[frame["p"] == "s0"], 6, keys=["p"], calendar="none", n_jobs=1)
    together = fc.forecast_many(frame, 6, keys=["p"], calendar="none", n_jobs=1)
    together = together[together["p"] == "s0"].reset_index(drop=True)
    np.testing.assert_allclose(alone["mean"], together["mean"], rtol=1e-12)
    # the pooled backtest errors of ten 72-month series may only widen an interval
    assert (together["hi_95"] >= alone["hi_95"] - 1e-9).all()


def _coverage_backtest(inside: int, n: int, *, windows: int = 6, low: bool = True):
    """A backtest of one auto series: ``inside`` of every ``n`` months inside the 80 % interval."""
    rows = []
    for w in range(1, windows + 1):
        for k in range(n):
            hit = k < inside
            rows.append(
                {
                    "window": w,
                    "model": "auto",
                    "actual": 10.0 if hit else (5.0 if low else 15.0),
                    "mean": 10.0,
                    "scale": 2.0,
                    "lo_80": 8.0,
                    "hi_80": 12.0,
                }
            )
    bt = pd.DataFrame(rows)
    bt["error"] = bt["actual"] - bt["mean"]
    return bt


def test_backtest_report_says_when_intervals_cover_too_little_and_which_way_it_missed():
    notes = fc.backtest_report(_coverage_backtest(1, 4)).attrs["warnings"]
    assert len(notes) == 1
    assert "80% 区间覆盖了 25%（应接近 80%）" in notes[0]
    assert "区间偏窄" in notes[0]
    assert "实际大多低于预测" in notes[0]
    high = fc.backtest_report(_coverage_backtest(1, 4, low=False)).attrs["warnings"]
    assert "实际大多高于预测" in high[0]


def test_backtest_report_says_when_intervals_cover_too_much():
    bt = _coverage_backtest(4, 4, windows=40)
    bt[["lo_80", "hi_80"]] = [0.0, 20.0]
    notes = fc.backtest_report(bt).attrs["warnings"]
    assert len(notes) == 1
    assert "区间偏宽" in notes[0]
    assert "100%" in notes[0]


def test_backtest_report_keeps_quiet_about_coverage_chance_explains():
    # 3 of 4 inside over 6 windows: 75 % against 80 %, within two binomial errors of 6 draws
    assert fc.backtest_report(_coverage_backtest(3, 4)).attrs["warnings"] == []
    # a group breakdown names the group
    bt = pd.concat(
        [_coverage_backtest(1, 4).assign(product="A"), _coverage_backtest(3, 4).assign(product="B")]
    )
    notes = fc.backtest_report(bt, by=["product"]).attrs["warnings"]
    assert len(notes) == 1
    assert notes[0].startswith("A：")
