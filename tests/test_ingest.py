"""repkit ingest: the region-partitioned store reads as the files do, region by region."""

from __future__ import annotations

import os
import pickle

import pandas as pd
import pytest

import repkit as rk
from repkit.io import _stored
from repkit.io._ingest import DEFAULT_FOLDER, ingest


def _split_sales(ds, folder, *, region_column=True):
    """Write the data set with its sales in two files (halves of the history)."""
    rk.sample.write(ds, folder)
    (folder / "销售明细.xlsx").unlink()
    sales = ds.sales if region_column else ds.sales.drop(columns=["region"])
    cut = sales["month"] < pd.Period("2025-01", "M")
    sales[cut].reset_index(drop=True).to_parquet(folder / "销售明细_1.parquet")
    sales[~cut].reset_index(drop=True).to_parquet(folder / "销售明细_2.parquet")
    return folder


@pytest.fixture(scope="module")
def sample():
    return rk.sample.generate(seed=0, regions=3, hospitals_per_region=5, months=24)


@pytest.fixture(scope="module")
def data(sample, tmp_path_factory):
    folder = _split_sales(sample, tmp_path_factory.mktemp("ingest") / "data")
    ingest(folder, folder.parent / "store")
    return folder


def _same_region(a, b):
    for kind, frame in a.tables().items():
        pd.testing.assert_frame_equal(getattr(b, kind), frame, obj=kind)
        pd.testing.assert_frame_equal(b.source_rows(kind), a.source_rows(kind), obj=kind)
    pd.testing.assert_frame_equal(b.provenance, a.provenance)


@pytest.mark.parametrize("region_column", [True, False])
def test_every_region_reads_as_from_the_files(sample, tmp_path, region_column):
    data = _split_sales(sample, tmp_path / "data", region_column=region_column)
    manifest = ingest(data, tmp_path / "store")
    files = rk.load_dataset(data)
    stored = rk.load_dataset(tmp_path / "store")
    assert isinstance(stored, _stored.StoredDataset)
    assert stored.regions == files.regions == manifest["regions"]
    for region in files.regions:
        _same_region(files.for_region(region), stored.for_region(region))
    pd.testing.assert_frame_equal(stored.provenance, files.provenance)
    pd.testing.assert_frame_equal(stored.sales, files.sales)  # the whole table on demand
    pd.testing.assert_frame_equal(stored.source_rows("sales"), files.source_rows("sales"))


def test_a_region_plan_is_the_same_from_the_store(data):
    files = rk.load_dataset(data).for_region("西宁")
    stored = rk.load_dataset(data.parent / "store").for_region("西宁")
    a = rk.plan.build(files, "2026H2", forecast="simple")
    b = rk.plan.build(stored, "2026H2", forecast="simple")
    assert b.summary == a.summary
    pd.testing.assert_frame_equal(b.targets, a.targets)
    pd.testing.assert_frame_equal(b.weekly, a.weekly)
    assert b.summary["target_units"] > 0
    product = a.targets["product"].iloc[0]
    rows_a = rk.plan.trace(a, {"product": product}).rows
    rows_b = rk.plan.trace(b, {"product": product}).rows
    pd.testing.assert_frame_equal(rows_b, rows_a)  # still the input files' rows
    assert set(rows_b["file"]) <= {"销售明细_1.parquet", "销售明细_2.parquet"}
    assert rows_b["row"].notna().all()


def test_a_region_reads_only_its_row_groups(data):
    import pyarrow.parquet as pq

    store = data.parent / "store"
    meta = pq.ParquetFile(store / "sales" / "000.parquet").metadata
    col = meta.schema.names.index("__region__")
    groups = [meta.row_group(i).column(col).statistics for i in range(meta.num_row_groups)]
    assert meta.num_row_groups == 3
    assert all(s.min == s.max for s in groups)  # one region per row group: pushdown
    ds = rk.load_dataset(store)
    for kind in ("sales", "calls", "doctors", "hospitals", "targets"):
        assert kind not in ds.__dict__  # not read until asked for
    assert len(ds.products) == 8  # shared by every region: read at once
    sub = ds.for_region("兰州")
    assert set(sub.sales["region"]) == {"兰州"}
    assert "sales" not in ds.__dict__
    again = pickle.loads(pickle.dumps(ds))  # what the batch sends its kernels
    assert "sales" not in again.__dict__
    assert again.regions == ds.regions


def test_unknown_region_names_the_valid_ones(data):
    with pytest.raises(ValueError, match="西宁"):
        rk.load_dataset(data.parent / "store").for_region("拉萨")


def test_a_url_reads_the_store(data):
    url = (data.parent / "store").resolve().as_uri()
    ds = rk.load_dataset(url)
    assert ds.location == url
    files = rk.load_dataset(data).for_region("银川")
    _same_region(files, ds.for_region("银川"))


def test_the_default_store_is_used_while_the_files_are_unchanged(sample, tmp_path):
    data = _split_sales(sample, tmp_path / "data")
    ingest(data)
    assert (data / DEFAULT_FOLDER / "store.json").is_file()
    assert isinstance(rk.load_dataset(data), _stored.StoredDataset)
    part = data / "销售明细_2.parquet"
    os.utime(part, ns=(part.stat().st_atime_ns, part.stat().st_mtime_ns + 10**9))
    assert not isinstance(rk.load_dataset(data), _stored.StoredDataset)


def test_bad_data_gives_the_problems_load_dataset_gives(sample, tmp_path):
    data = _split_sales(sample, tmp_path / "data")
    sales = pd.read_parquet(data / "销售明细_2.parquet")
    sales.loc[3, "hospital_id"] = "999999"
    sales.to_parquet(data / "销售明细_2.parquet")
    with pytest.raises(rk.DataError) as expected:
        rk.load_dataset(data)
    with pytest.raises(rk.DataError) as got:
        ingest(data, tmp_path / "store")
    pd.testing.assert_frame_equal(got.value.problems, expected.value.problems)
    assert set(got.value.problems["rule"]) == {"unknown_reference"}
    assert got.value.problems["file"].iloc[0] == "销售明细_2.parquet"
    assert str(got.value) == str(expected.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # nothing written


def test_a_copied_file_is_refused_as_load_dataset_refuses_it(sample, tmp_path):
    data = _split_sales(sample, tmp_path / "data")
    (data / "销售明细_3.parquet").write_bytes((data / "销售明细_2.parquet").read_bytes())
    with pytest.raises(rk.DataError) as expected:
        rk.load_dataset(data)
    with pytest.raises(rk.DataError) as got:
        ingest(data, tmp_path / "store")
    pd.testing.assert_frame_equal(got.value.problems, expected.value.problems)
    assert set(got.value.problems["rule"]) == {"duplicate_file"}


def _company_db(tmp_path, sales):
    import sqlite3

    from repkit.schema import HEADERS_ZH

    db = tmp_path / "company.db"
    frame = sales.assign(month=sales["month"].astype(str)).rename(columns=HEADERS_ZH["sales"])
    with sqlite3.connect(db) as con:
        frame.to_sql("销售明细", con, index=False)
        con.execute("create table flow (ym text, hospital_code text, sku text, qty real)")
    return f"sqlite:///{db}"


def test_sql_reads_one_region_filtered_by_the_database(sample, tmp_path):
    import sqlalchemy as sa

    url = _company_db(tmp_path, sample.sales)
    engine = sa.create_engine(url)
    statements = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    got = rk.read_table(engine, "sales", region="西宁")
    whole = rk.read_table(url, "sales")
    expected = whole[whole["region"] == "西宁"].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)
    assert any("WHERE" in s and "区域" in s for s in statements)


def test_region_needs_a_database_with_a_region_column(sample, tmp_path):
    url = _company_db(tmp_path, sample.sales)
    with pytest.raises(ValueError, match="ym, hospital_code"):
        rk.read_table(url, "sales", sheet="flow", region="西宁")
    sample.sales.to_csv(tmp_path / "s.csv", index=False)
    with pytest.raises(ValueError, match="region="):
        rk.read_table(tmp_path / "s.csv", "sales", region="西宁")


def test_an_existing_folder_that_is_not_a_store_is_never_replaced(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("x")
    with pytest.raises(ValueError, match="不是 repkit 数据仓"):
        ingest(data, tmp_path / "mine")
    with pytest.raises(ValueError, match="不是 repkit 数据仓"):
        ingest(data, tmp_path)  # the data folder's parent
    assert (tmp_path / "mine" / "keep.txt").read_text() == "x"
