"""load_dataset, check, the cache and `repkit check`: folders read and checked together."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import repkit as rk
from repkit.errors import PROBLEM_COLUMNS
from repkit.io import _table


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    rk.sample.write(rk.sample.generate(seed=0, regions=1), folder)
    return folder


@pytest.fixture
def folder(tmp_path, written):
    target = tmp_path / "data"
    shutil.copytree(written, target)
    return target


def test_tables_found_by_name(written):
    ds = rk.load_dataset(written)
    # every exported table; the manager's overrides (经理指定) are written by hand
    assert all(len(t) for k, t in ds.tables().items() if k != "overrides")
    assert ds.overrides.empty


def test_tables_found_by_headers(folder):
    (folder / "医院.xlsx").rename(folder / "export_01.xlsx")
    (folder / "拜访记录.csv").rename(folder / "visits.csv")
    (folder / "销售明细.xlsx").rename(folder / "2026流向.xlsx")
    ds = rk.load_dataset(folder)
    assert len(ds.hospitals) == 25
    assert len(ds.calls) > 0
    assert len(ds.sales) > 0


def test_files_matching_no_table_are_ignored(folder):
    (folder / "说明.txt").write_text("这是说明文件，不是数据。\n", encoding="utf-8")
    assert len(rk.load_dataset(folder).sales) > 0


def test_several_files_of_one_table_are_stacked(folder):
    sales = rk.read_sales(folder / "销售明细.xlsx")
    first = sales[sales["month"] < pd.Period("2025-01", "M")]
    (folder / "销售明细.xlsx").unlink()
    from repkit.io._xlsx import Sheet, write_xlsx

    headers = [rk.schema.HEADERS_ZH["sales"][c] for c in sales.columns]
    for name, part in (
        ("销售明细2024.xlsx", first),
        ("销售明细2025.xlsx", sales.drop(first.index)),
    ):
        rows = [[*r] for r in part.astype(object).itertuples(index=False)]
        rows = [[str(v) if isinstance(v, pd.Period) else v for v in r] for r in rows]
        write_xlsx(folder / name, [Sheet("销售明细", [headers, *rows])])
    ds = rk.load_dataset(folder)
    assert len(ds.sales) == len(sales)


def test_sales_hospital_missing_from_hospitals(folder):
    hosp = rk.read_table(folder / "医院.xlsx", "hospitals")
    first = hosp["hospital_id"].iloc[0]
    keep = hosp[hosp["hospital_id"] != first]
    out = keep.assign(
        level=keep["level"].map(rk.schema.LEVEL_LABELS),
        departments=keep["departments"].map("、".join),
    ).rename(columns=rk.schema.HEADERS_ZH["hospitals"])
    (folder / "医院.xlsx").unlink()
    out.to_csv(folder / "医院.csv", index=False, encoding="utf-8-sig")
    with pytest.raises(rk.DataError) as err:
        rk.load_dataset(folder)
    p = err.value.problems
    assert set(p["rule"]) == {"unknown_reference"}
    assert set(p["value"]) == {first}
    sales_rows = p[p["file"] == "销售明细.xlsx"]
    assert len(sales_rows) > 0
    assert sales_rows["column"].iloc[0] == "医院编码"
    assert (sales_rows["row"].dropna() > 1).all()
    assert set(p["file"]) >= {"销售明细.xlsx", "医生.xlsx"}


def test_call_doctor_missing_from_doctors(folder):
    path = folder / "拜访记录.csv"
    text = path.read_text(encoding="utf-8-sig").splitlines()
    cells = text[1].split(",")
    cells[2] = "D99999"
    text[1] = ",".join(cells)
    path.write_text("\r\n".join(text) + "\r\n", encoding="utf-8-sig")
    with pytest.raises(rk.DataError) as err:
        rk.load_dataset(folder)
    p = err.value.problems
    assert p[["file", "row", "column", "value", "rule"]].values.tolist() == [
        ["拜访记录.csv", 2, "医生编码", "D99999", "unknown_reference"]
    ]


def test_problems_of_every_file_are_collected(folder):
    (folder / "产品.xlsx").unlink()
    (folder / "产品.csv").write_text("品种,类别\nA,成熟品种\nB,老品种\n", encoding="utf-8")
    path = folder / "回款库存.csv"
    path.write_bytes(path.read_bytes().replace("兰州".encode("gb18030"), b"\x81\x30", 1))
    with pytest.raises(rk.DataError) as err:
        rk.load_dataset(folder)
    p = err.value.problems
    assert set(p["file"]) == {"产品.csv", "回款库存.csv"}


def test_check_file_without_problems_is_empty(written):
    p = rk.io.check(written / "销售明细.xlsx")
    assert p.empty
    assert list(p.columns) == list(PROBLEM_COLUMNS)


def test_check_folder(folder):
    assert rk.io.check(folder).empty
    (folder / "指标.xlsx").unlink()
    (folder / "指标.csv").write_text(
        '期间,区域,品种,指标数量\n2026H1,兰州,A,"12,3"\n', encoding="utf-8"
    )
    p = rk.io.check(folder)
    assert p[["file", "row", "rule"]].values.tolist() == [["指标.csv", 2, "ambiguous_number"]]


def test_check_unrecognised_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert rk.io.check(path)["rule"].tolist() == ["missing_column"]


def test_check_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError):
        rk.io.check(tmp_path / "nope")


def test_cli_check_exit_codes(folder):
    from typer.testing import CliRunner

    from repkit.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["check", str(folder)])
    assert ok.exit_code == 0, ok.output
    (folder / "bad.csv").write_text('月份,医院,品种,数量\n202407,甲,A,"12,3"\n', encoding="utf-8")
    bad = runner.invoke(app, ["check", str(folder)])
    assert bad.exit_code == 1
    assert "ambiguous_number" in bad.output


# ------------------------------------------------------------------------------ cache


def test_cache_serves_an_unchanged_file(written, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = rk.read_table(written / "医院.xlsx", "hospitals", cache=cache)
    assert len(list(cache.glob("*.parquet"))) == 1

    def never(*args, **kwargs):
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(_table, "build", never)
    again = rk.read_table(written / "医院.xlsx", "hospitals", cache=cache)
    pd.testing.assert_frame_equal(first, again)
    assert isinstance(again["departments"].iloc[0], list)
    assert again.attrs["dropped"] == first.attrs["dropped"]


def test_cache_keeps_row_numbers_for_cross_checks(folder, tmp_path):
    cache = tmp_path / "cache"
    rk.load_dataset(folder, cache=cache)
    path = folder / "拜访记录.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    doctors = folder / "医生.xlsx"
    rk.read_table(doctors, "doctors", cache=cache)
    missing = lines[3].split(",")[2]
    doc = rk.read_table(doctors, "doctors")
    kept = doc[doc["doctor_id"] != missing]
    out = kept.assign(
        title=kept["title"].map(rk.schema.TITLE_LABELS),
        is_expert=kept["is_expert"].map({True: "是", False: "否"}),
    ).rename(columns=rk.schema.HEADERS_ZH["doctors"])
    doctors.unlink()
    out.to_csv(folder / "医生.csv", index=False, encoding="utf-8-sig")
    with pytest.raises(rk.DataError) as err:
        rk.load_dataset(folder, cache=cache)
    rows = err.value.problems.query("file == '拜访记录.csv'")["row"].tolist()
    assert 4 in rows


def test_cache_misses_a_changed_file(tmp_path):
    cache = tmp_path / "cache"
    path = tmp_path / "s.csv"
    path.write_text("月份,医院,品种,数量\n202407,甲,A,1\n", encoding="utf-8")
    assert rk.read_sales(path, cache=cache)["units"].tolist() == [1.0]
    path.write_text("月份,医院,品种,数量\n202407,甲,A,2\n", encoding="utf-8")
    assert rk.read_sales(path, cache=cache)["units"].tolist() == [2.0]
    assert len(list(cache.glob("*.parquet"))) == 2


def test_cache_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("REPKIT_CACHE_DIR", str(tmp_path / "envcache"))
    path = tmp_path / "s.csv"
    path.write_text("月份,医院,品种,数量\n202407,甲,A,1\n", encoding="utf-8")
    rk.read_sales(path)
    assert len(list((tmp_path / "envcache").glob("*.parquet"))) == 1
    rk.read_sales(path, cache=False)


def test_refused_files_are_not_cached(tmp_path):
    cache = tmp_path / "cache"
    path = tmp_path / "s.csv"
    path.write_text('月份,医院,品种,数量\n202407,甲,A,"12,3"\n', encoding="utf-8")
    with pytest.raises(rk.DataError):
        rk.read_sales(path, cache=cache)
    assert not list(cache.glob("*.parquet")) if cache.exists() else True


def _write_sales(path, sales):
    from repkit.io._xlsx import Sheet, write_xlsx

    headers = [rk.schema.HEADERS_ZH["sales"][c] for c in sales.columns]
    rows = [[*r] for r in sales.astype(object).itertuples(index=False)]
    rows = [[str(v) if isinstance(v, pd.Period) else v for v in r] for r in rows]
    write_xlsx(path, [Sheet("销售明细", [headers, *rows])])


@pytest.mark.parametrize("copy", ["销售明细 - 副本.xlsx", "销售明细 (1).xlsx"])
def test_a_second_copy_of_an_export_is_refused(folder, copy):
    shutil.copy(folder / "销售明细.xlsx", folder / copy)
    with pytest.raises(rk.DataError) as err:
        rk.load_dataset(folder)
    p = err.value.problems
    assert p["rule"].tolist() == ["duplicate_file"]
    assert (p["file"].iloc[0], p["value"].iloc[0]) == (copy, "销售明细.xlsx")  # the copy named
    assert f"{copy} 是 销售明细.xlsx 的副本" in p["message"].iloc[0]
    assert rk.io.check(folder)["rule"].tolist() == ["duplicate_file"]


def test_files_repeating_some_rows_of_another_are_refused(folder):
    sales = rk.read_sales(folder / "销售明细.xlsx")
    later = sales[sales["month"] >= pd.Period("2026-01", "M")]
    _write_sales(folder / "销售明细2026.xlsx", later)  # a newer export, overlapping
    with pytest.raises(rk.DataError) as err:
        rk.load_dataset(folder)
    p = err.value.problems
    assert p["rule"].tolist() == ["duplicate_file"]
    assert p["file"].iloc[0] == "销售明细2026.xlsx"
    assert p["row"].iloc[0] == 2
    assert f"{len(later):,} 行" in p["message"].iloc[0]


@pytest.mark.parametrize(("column", "value"), [("数量", 1e308), ("数量", 2e7), ("金额", 5e10)])
def test_implausible_values_are_refused(column, value):
    frame = pd.DataFrame(
        {
            "月份": ["2026-01", "2026-02"],
            "医院编码": ["001", "001"],
            "品种": ["A", "A"],
            "数量": [10.0, 12.0],
            "金额": [100.0, 120.0],
        }
    )
    frame.loc[1, column] = value
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(frame)
    p = err.value.problems
    assert p["rule"].tolist() == ["implausible_value"]
    assert p["column"].iloc[0] == column


def test_plausible_ranges_are_configurable(monkeypatch):
    frame = pd.DataFrame({"月份": ["2026-01"], "医院编码": ["001"], "品种": ["A"], "数量": [2e7]})
    monkeypatch.setitem(rk.io.PLAUSIBLE_RANGES, "units", (-1e8, 1e8))
    assert rk.read_sales(frame)["units"].tolist() == [2e7]
    returns = pd.DataFrame({"月份": ["2026-01"], "医院编码": ["001"], "品种": ["A"], "数量": [-30]})
    assert rk.read_sales(returns)["units"].tolist() == [-30.0]


def test_a_region_follows_pandas_string_storage():
    ds = rk.sample.generate(seed=0, regions=2, hospitals_per_region=3, months=6, calls=False)
    region = ds.regions[0]
    arrow = ds.for_region(region)
    with pd.option_context("mode.string_storage", "python"):
        python = ds.for_region(region)
    assert arrow.sales["product"].dtype.storage == "pyarrow"
    assert python.sales["product"].dtype.storage == "python"
    assert ds.sales["product"].dtype.storage == "pyarrow"  # the whole data set is left as is
    for kind, frame in arrow.tables().items():
        pd.testing.assert_frame_equal(frame, python.tables()[kind], check_dtype=False)
    assert python.provenance.equals(arrow.provenance)
