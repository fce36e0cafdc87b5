"""repkit ingest in chunks: the store and the problems are those of one read of each file."""

from __future__ import annotations

import codecs
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

import repkit as rk
from repkit.io import _sources, _stream, _table
from repkit.io._ingest import ingest
from repkit.schema import HEADERS_ZH

CHUNK = 40
"""Rows per chunk in these tests (the smallest chunk holds the 31 rows searched for the
header), so a file of a few hundred rows is read in many chunks."""


@pytest.fixture(autouse=True)
def small_files_stream(monkeypatch):
    """CSV files from 1 kB on take the pyarrow path (and so are read in chunks)."""
    monkeypatch.setattr(_sources, "FAST_CSV_BYTES", 1024)


@pytest.fixture(scope="module")
def sample():
    return rk.sample.generate(seed=0, regions=2, hospitals_per_region=3, months=12, calls=False)


@pytest.fixture(scope="module")
def with_calls():
    return rk.sample.generate(seed=0, regions=2, hospitals_per_region=3, months=12)


def _sales_csv(sales, path, *, bom=True, extra=None):
    """Sales as the company's CSV: title rows, Chinese headers, blank and total rows."""
    frame = sales.assign(month=sales["month"].astype(str)).rename(columns=HEADERS_ZH["sales"])
    lines = frame.to_csv(index=False, lineterminator="\n").splitlines()
    width = len(frame.columns)
    body = lines[1:]
    for at in (5, 39, 40, 41, 120):  # blank and total rows, some on chunk boundaries
        body.insert(at, "," * (width - 1) if at % 2 else "合计" + "," * (width - 1))
    for at, line in (extra or {}).items():
        body[at] = line
    text = "\n".join(["2025年销售明细" + "," * (width - 1), lines[0], *body]) + "\n"
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
    return path


def _folder(sample, folder, **kw):
    rk.sample.write(sample, folder)
    (folder / "销售明细.xlsx").unlink()
    _sales_csv(sample.sales, folder / "销售明细.csv", **kw)
    return folder


def _same(stored, files):
    for kind in ("sales", "calls", "hospitals", "doctors"):
        pd.testing.assert_frame_equal(getattr(stored, kind), getattr(files, kind), obj=kind)
        pd.testing.assert_frame_equal(stored.source_rows(kind), files.source_rows(kind))
    pd.testing.assert_frame_equal(stored.provenance, files.provenance)
    for region in files.regions:
        a, b = stored.for_region(region), files.for_region(region)
        pd.testing.assert_frame_equal(a.sales, b.sales, obj=region)
        pd.testing.assert_frame_equal(a.source_rows("calls"), b.source_rows("calls"))


def test_a_store_written_in_chunks_is_the_store_of_whole_files(sample, tmp_path):
    data = _folder(sample, tmp_path / "data")
    chunked = ingest(data, tmp_path / "chunked", chunk_rows=CHUNK)
    whole = ingest(data, tmp_path / "whole")
    files = rk.load_dataset(data)
    _same(rk.load_dataset(tmp_path / "chunked"), files)
    _same(rk.load_dataset(tmp_path / "whole"), files)
    for key in ("regions", "last_sales_month", "partitioned", "files", "tables"):
        assert chunked[key] == whole[key], key
    dropped = chunked["tables"]["sales"][0]["dropped"]
    assert [d["row"] for d in dropped] == [8, 42, 43, 44, 123]  # line numbers of the file
    assert {d["reason"] for d in dropped} == {"blank row", "total row"}
    part = pq.ParquetFile(tmp_path / "chunked" / chunked["tables"]["sales"][0]["path"])
    one = pq.ParquetFile(tmp_path / "whole" / whole["tables"]["sales"][0]["path"])
    assert one.num_row_groups == len(files.regions)  # one chunk: one row group a region
    assert part.num_row_groups > 3 * len(files.regions)  # a row group a region and chunk


def test_csv_without_bom_and_calls_are_read_in_chunks(with_calls, tmp_path, monkeypatch):
    sample = with_calls
    data = _folder(sample, tmp_path / "data", bom=False)
    seen = []
    piece = _stream.Chunks._piece

    def counted(self, *args):
        seen.append(self.file)
        return piece(self, *args)

    monkeypatch.setattr(_stream.Chunks, "_piece", counted)
    ingest(data, tmp_path / "store", chunk_rows=400)
    assert seen.count("销售明细.csv") == -(-(len(sample.sales) + 7) // 400)
    assert seen.count("拜访记录.csv") == -(-len(sample.calls) // 400)
    _same(rk.load_dataset(tmp_path / "store"), rk.load_dataset(data))


def _problems(data, tmp_path, chunk_rows=CHUNK):
    with pytest.raises(rk.DataError) as expected:
        rk.load_dataset(data)
    for size in (chunk_rows, None):
        with pytest.raises(rk.DataError) as got:
            ingest(data, tmp_path / "store", chunk_rows=size)
        pd.testing.assert_frame_equal(got.value.problems, expected.value.problems)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # nothing written
    return expected.value.problems


def test_cell_problems_across_chunks_are_those_of_one_read(sample, tmp_path, monkeypatch):
    monkeypatch.setattr(_table, "MAX_PER_RULE", 3)  # the cap counts over the whole file
    width = len(sample.sales.columns)
    bad = {
        3: "2025-01,兰州,001001,,心内科,瑞心安片,R0001,,十二,5",
        50: "2025-13,兰州,001001,,心内科,瑞心安片,R0001,,1,5",
        90: "2025-02,兰州,,,心内科,瑞心安片,R0001,,1,5",
        **{at: "2025-03,兰州,001001,,心内科,瑞心安片,R0001,,abc,5" for at in (60, 100, 140, 180)},
    }
    assert width == 10
    data = _folder(sample, tmp_path / "data", extra=bad)
    problems = _problems(data, tmp_path)
    assert set(problems["rule"]) >= {"bad_number", "bad_date", "missing_value"}
    assert problems["message"].str.contains("2").any()
    capped = problems[(problems["rule"] == "bad_number") & problems["row"].isna()]
    assert len(capped) == 1  # five bad numbers: three listed, one row counting the rest


def test_row_checks_across_chunks_are_those_of_one_read(sample, tmp_path):
    bad = {
        10: "2025-01,兰州,001001,,心内科,瑞心安片,R0001,,99999999,5",
        70: "2025-01,兰州,../x,,心内科,瑞心安片,R0001,,1,5",
        150: "2025-01,兰州,001001,,心内科,瑞心安片,R0001,,1,99999999999",
        200: "2025-01,兰州,001001,,心内科,瑞心安片,R0001,,99999999,5",
    }
    data = _folder(sample, tmp_path / "data", extra=bad)
    problems = _problems(data, tmp_path)
    assert problems["rule"].tolist() == [
        "implausible_value",
        "implausible_value",
        "implausible_value",
        "unsafe_id",
    ]
    assert problems["row"].tolist()[:3] == [13, 203, 153]  # units, then amount; by row


def test_call_checks_of_the_schema_across_chunks(with_calls, tmp_path):
    data = _folder(with_calls, tmp_path / "data")
    calls = (data / "拜访记录.csv").read_bytes()
    enc = "gb18030" if not calls.startswith(codecs.BOM_UTF8) else "utf-8-sig"
    frame = pd.read_csv(data / "拜访记录.csv", encoding=enc, dtype=str)
    frame.iloc[30, frame.columns.get_loc("用药评级")] = "9"
    frame.iloc[400, frame.columns.get_loc("用药评级")] = "0"
    frame.iloc[200, frame.columns.get_loc("目的")] = "吃饭"
    frame.to_csv(data / "拜访记录.csv", index=False, encoding="utf-8-sig")
    problems = _problems(data, tmp_path, chunk_rows=200)
    assert problems["rule"].tolist() == ["bad_code", "out_of_range", "out_of_range"]
    assert problems["row"].tolist() == [202, 32, 402]  # by column in schema order, then row


def test_parquet_typed_and_general_chunks(sample, tmp_path):
    data = tmp_path / "data"
    rk.sample.write(sample, data)
    (data / "销售明细.xlsx").unlink()
    sales = sample.sales.copy()
    sales.loc[150, "department"] = " 心内科 "  # this chunk takes the general reader
    sales.to_parquet(data / "销售明细.parquet", row_group_size=64)
    ingest(data, tmp_path / "store", chunk_rows=CHUNK)
    _same(rk.load_dataset(tmp_path / "store"), rk.load_dataset(data))


def test_a_quoted_line_break_reads_the_file_whole(sample, tmp_path, monkeypatch):
    extra = {7: '2025-01,兰州,001001,"甲\n医院",心内科,瑞心安片,R0001,,1,5'}
    data = _folder(sample, tmp_path / "data", extra=extra)
    grids = []
    pieces = _stream._grid_pieces
    monkeypatch.setattr(_stream, "_grid_pieces", lambda *a: grids.append(a[0].name) or pieces(*a))
    ingest(data, tmp_path / "store", chunk_rows=CHUNK)
    assert grids == ["销售明细.csv"]  # pyarrow's rows did not match the lines: csv module
    _same(rk.load_dataset(tmp_path / "store"), rk.load_dataset(data))


def test_a_failed_ingest_keeps_the_good_store(sample, tmp_path):
    data = _folder(sample, tmp_path / "data")
    ingest(data, tmp_path / "store", chunk_rows=CHUNK)
    before = (tmp_path / "store" / "store.json").read_text(encoding="utf-8")
    _sales_csv(sample.sales, data / "销售明细.csv", extra={100: "2025-01,兰州,001001"})
    with pytest.raises(rk.DataError):
        ingest(data, tmp_path / "store", chunk_rows=CHUNK)
    assert (tmp_path / "store" / "store.json").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "store"]
    manifest = json.loads(before)
    assert len(rk.load_dataset(tmp_path / "store").for_region(manifest["regions"][0]).sales)


def test_chunk_rows_must_be_positive(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(ValueError, match="chunk_rows"):
        ingest(tmp_path / "data", tmp_path / "store", chunk_rows=0)


def test_tables_checked_across_rows_are_never_chunked(tmp_path):
    with pytest.raises(ValueError, match="across rows"):
        _stream.Chunks(tmp_path / "医院.csv", "hospitals")


def _sales_xlsx(sales, path, *, cells=None):
    """Sales as an .xlsx sheet: a merged title, blank and total rows, odd cells."""
    from repkit.io._xlsx import Sheet, write_xlsx

    frame = sales.assign(month=sales["month"].astype(str)).rename(columns=HEADERS_ZH["sales"])
    body = [list(r) for r in frame.astype(object).where(frame.notna(), None).to_numpy()]
    for at in (5, 39, 40, 41, 120):
        body.insert(at, [None] * len(frame.columns) if at % 2 else ["合计"])
    for (r, c), value in (cells or {}).items():
        body[r][c] = value
    title = ["2025年销售明细"]
    write_xlsx(path, [Sheet("销售", [title, list(frame.columns), *body], merged=["A1:D1"])])
    return path


def test_an_excel_sheet_is_checked_in_chunks(sample, tmp_path):
    data = tmp_path / "data"
    rk.sample.write(sample, data)
    _sales_xlsx(sample.sales, data / "销售明细.xlsx")
    ingest(data, tmp_path / "store", chunk_rows=CHUNK)
    _same(rk.load_dataset(tmp_path / "store"), rk.load_dataset(data))


def test_error_cells_of_a_sheet_in_later_chunks(sample, tmp_path, monkeypatch):
    from repkit.io._xlsx import Error, Formula

    data = tmp_path / "data"
    rk.sample.write(sample, data)
    cells = {(150, 8): Error("#DIV/0!"), (260, 9): Formula("A1*2"), (300, 8): "abc"}
    _sales_xlsx(sample.sales, data / "销售明细.xlsx", cells=cells)
    pieces = []
    cut = _stream._cut
    monkeypatch.setattr(_stream, "_cut", lambda *a: pieces.append(a[1:]) or cut(*a))
    problems = _problems(data, tmp_path)
    assert len(pieces) > 5  # read in chunks
    assert problems["row"].tolist() == [153, 263, 303]  # Excel rows: title, header, data
    assert problems["sheet"].unique().tolist() == ["销售"]
