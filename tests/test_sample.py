import hashlib

import pandas as pd
import pytest

import repkit as rk
from repkit.calendar import Half
from repkit.schema import CALL_PURPOSES, HOSPITAL_LEVELS, PRODUCT_CATEGORIES, SHEET_NAMES


def _digest(folder):
    """Hashes of the data files (a privacy key or other local files are not data)."""
    names = set(SHEET_NAMES.values())
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.stem in names
    }


def test_same_seed_gives_identical_files(tmp_path):
    ds = rk.sample.generate(seed=3, regions=2, hospitals_per_region=8)
    rk.sample.write(ds, tmp_path / "a")
    rk.sample.write(rk.sample.generate(seed=3, regions=2, hospitals_per_region=8), tmp_path / "b")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_other_seed_gives_other_data():
    a = rk.sample.generate(seed=1, regions=1, hospitals_per_region=8, calls=False)
    b = rk.sample.generate(seed=2, regions=1, hospitals_per_region=8, calls=False)
    assert not a.sales["units"].equals(b.sales["units"])


def test_committed_sample_data_is_what_seed_0_writes(tmp_path, sample_ds, sample_dir):
    rk.sample.write(sample_ds, tmp_path)
    assert _digest(tmp_path) == _digest(sample_dir), "run `make sample` and commit sample_data/"


def test_shape_matches_the_seeds(sample_ds):
    ds = sample_ds
    assert ds.regions == ["兰州", "西宁", "银川", "西安", "成都", "重庆"]
    assert 120 <= len(ds.hospitals) <= 180
    assert set(ds.hospitals["level"]) == set(HOSPITAL_LEVELS)
    assert 1200 <= len(ds.doctors) <= 2000
    assert ds.doctors["rating"].between(1, 7).all()
    assert 18 <= len(ds.reps) <= 26
    assert set(ds.reps["role"]) == {"sales_staff", "medical_rep"}
    assert len(ds.products) == 8
    assert set(ds.products["category"]) == set(PRODUCT_CATEGORIES)
    assert ds.sales["month"].nunique() == 36
    assert not ds.sales.duplicated(["month", "hospital_id", "product"]).any()
    assert set(ds.calls["purpose"]) == set(CALL_PURPOSES)
    assert ds.calls["date"].min() >= pd.Timestamp("2026-01-01")
    assert "兰州空军医院" in set(ds.hospitals["name"])


def test_sales_owners_are_sales_staff_with_the_product(sample_ds):
    reps = sample_ds.reps.set_index("rep_id")
    for row in sample_ds.sales.drop_duplicates(["hospital_id", "product"]).itertuples():
        rep = reps.loc[row.rep_id]
        assert rep.role == "sales_staff"
        assert row.product in rep.products
        assert row.hospital_id in rep.hospitals


def test_spring_festival_dip_moves_with_the_lunar_calendar(sample_ds):
    monthly = sample_ds.sales.groupby("month")["units"].sum()
    # 2025: festival on 29 January -> January is the weaker month; 2026: 17 February.
    jan25, feb25 = monthly[pd.Period("2025-01", "M")], monthly[pd.Period("2025-02", "M")]
    jan26, feb26 = monthly[pd.Period("2026-01", "M")], monthly[pd.Period("2026-02", "M")]
    assert jan25 / feb25 < jan26 / feb26
    assert feb26 < 0.85 * jan26


def test_lanzhou_first_half_falls_short(sample_ds):
    s = sample_ds.sales
    actual = s[s["month"].isin(Half.parse("2026H1").months)].groupby("region")["units"].sum()
    t = sample_ds.targets
    t = t[t["hospital_id"].isna() & t["rep_id"].isna()]  # region × product targets
    target = t[t["period"] == "2026H1"].groupby("region")["units"].sum()
    completion = actual / target
    assert completion["兰州"] < 0.7
    assert (completion.drop("兰州") > 0.8).all()


def test_returns_and_launches_present(sample_ds):
    s = sample_ds.sales
    assert (s["units"] < 0).sum() >= 5
    launch = sample_ds.products.dropna(subset=["launch"]).set_index("product")["launch"]
    for product, month in launch.items():
        assert s.loc[s["product"] == product, "month"].min() >= month


def test_many_regions_for_benchmarks():
    ds = rk.sample.generate(seed=0, regions=9, hospitals_per_region=5, months=12, calls=False)
    assert ds.regions[6:] == ["区域007", "区域008", "区域009"]
    assert ds.calls.empty


@pytest.mark.parametrize("bad", [{"regions": 0}, {"months": 3}])
def test_bad_arguments(bad):
    with pytest.raises(ValueError, match=r"至少|at least"):
        rk.sample.generate(**bad)


def test_write_names_files_after_tables(tmp_path):
    paths = rk.sample.write(
        rk.sample.generate(seed=0, regions=1, hospitals_per_region=5, months=6), tmp_path
    )
    # every table but the manager's overrides (经理指定), which he writes by hand
    assert {p.stem for p in paths} == set(SHEET_NAMES.values()) - {SHEET_NAMES["overrides"]}
    assert not list(tmp_path.glob("*.tmp"))
