"""Provenance on the Dataset: files, rows read and dropped, hashes, source rows."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace

import pandas as pd
import pytest

import repkit as rk
from repkit.io._xlsx import Sheet, write_xlsx


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Two regions' sample data; the sales file ends with a 合计 row."""
    target = tmp_path_factory.mktemp("prov")
    rk.sample.write(rk.sample.generate(seed=0, regions=2), target)
    sales = rk.read_sales(target / "销售明细.xlsx")
    headers = [rk.schema.HEADERS_ZH["sales"][c] for c in sales.columns]
    rows = [[*r] for r in sales.astype(object).itertuples(index=False)]
    rows = [[str(v) if isinstance(v, pd.Period) else v for v in r] for r in rows]
    total = ["合计"] + [None] * (len(headers) - 1)
    write_xlsx(target / "销售明细.xlsx", [Sheet("销售明细", [headers, *rows, total])])
    return target


@pytest.fixture(scope="module")
def ds(folder):
    return rk.load_dataset(folder)


def test_load_dataset_records_files_rows_dropped_and_hashes(ds, folder):
    p = ds.provenance.set_index("table")
    assert set(p.index) >= {"sales", "hospitals", "doctors", "calls", "targets"}
    sales = p.loc["sales"]
    assert sales["file"] == "销售明细.xlsx"
    assert sales["sheet"] == "销售明细"
    assert sales["rows_read"] == len(ds.sales) == sales["rows"]
    assert sales["rows_dropped"] == 1
    assert sales["dropped_reasons"] == "total row ×1"
    digest = hashlib.sha256((folder / "销售明细.xlsx").read_bytes()).hexdigest()
    assert sales["sha256"] == digest


def test_source_rows_trace_a_sales_row_to_its_file_row(ds, folder):
    src = ds.source_rows("sales")
    assert src["file"].eq("销售明细.xlsx").all()
    pick = len(ds.sales) // 2
    row = int(src["row"].iloc[pick])
    raw = pd.read_excel(folder / "销售明细.xlsx", header=None, dtype=str, engine="calamine")
    assert float(raw.iloc[row - 1][list(raw.iloc[0]).index("数量")]) == ds.sales["units"].iloc[pick]


def test_provenance_follows_for_region_and_the_plan(ds):
    sub = ds.for_region("兰州")
    p = sub.provenance.set_index("table")
    assert p.loc["sales", "rows"] == len(sub.sales) < p.loc["sales", "rows_read"]
    plan = rk.plan.build(sub, "2026H2", forecast="simple")
    shown = rk.report.provenance.provenance_table(plan).set_index("数据表")
    assert "销售明细.xlsx" in rk.report.document.provenance(plan).to_html()
    assert shown.loc["销售明细", "文件"] == "销售明细.xlsx"
    assert shown.loc["销售明细", "剔除行数"] == 1
    assert shown.loc["销售明细", "剔除原因"] == "合计/小计行 1 行"
    assert shown.loc["销售明细", "本文档使用行数"] == len(sub.sales)
    assert len(shown.loc["销售明细", "文件校验码（SHA-256 前 12 位）"]) == 12


def test_relabelled_rows_are_untraceable_not_mistraced(ds):
    shuffled = ds.sales.sample(frac=1.0, random_state=0).reset_index(drop=True)
    moved = replace(ds, sales=shuffled)
    src = moved.source_rows("sales")
    original = ds.source_rows("sales")
    same = shuffled.index[src["row"].notna()]
    # only rows whose label still holds a row with the same key keep a source
    assert src["row"].notna().sum() < len(shuffled)
    keys = ["month", "hospital_id", "product"]
    for label in same[:50]:
        assert src.loc[label, "row"] == original.loc[label, "row"]
        assert (shuffled.loc[label, keys] == ds.sales.loc[label, keys]).all()
    assert moved.provenance.set_index("table").loc["sales", "rows"] == len(same)


def test_from_tables_records_in_memory_sources():
    sales = pd.DataFrame(
        {
            "month": pd.PeriodIndex(["2026-01"], freq="M"),
            "hospital_id": ["H1"],
            "product": ["A"],
            "units": [1.0],
        }
    )
    ds = rk.Dataset.from_tables(sales=sales)
    p = ds.provenance
    assert p["table"].tolist() == ["sales"]
    assert p["file"].tolist() == ["<in memory>"]
    assert p["rows"].tolist() == [1]
    assert ds.source_rows("sales")["row"].isna().all()
    text = rk.report.provenance.provenance_table(ds)
    assert text["文件"].tolist() == ["（内存中的表）"]


def test_batch_copies_keep_the_provenance(ds):
    from repkit.batch._kernel import _fresh

    assert _fresh(ds).provenance.equals(ds.provenance)


def test_holiday_file_is_listed(folder, tmp_path):
    from repkit import calendar

    target = tmp_path / "d"
    shutil.copytree(folder, target)
    (target / "holidays.csv").write_text("date,name,is_workday\n2027-02-22,公司假,0\n")
    try:
        p = rk.load_dataset(target).provenance.set_index("table")
    finally:
        calendar.use_holidays(None)
    assert p.loc["holidays", "file"] == "holidays.csv"
    assert p.loc["holidays", "rows_read"] == 1
