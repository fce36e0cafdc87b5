""".ods and .xlsb are read like .xlsx; .et and other spreadsheet formats are refused by name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import repkit as rk
from repkit import sample

from .conftest import write_ods

DATA = Path(__file__).parent / "data"


@pytest.fixture
def folder(small_ds, tmp_path):
    rk.sample.write(small_ds, tmp_path)
    return tmp_path


def test_ods_in_a_data_folder_is_read(small_ds, folder):
    (folder / "产品.xlsx").unlink()
    write_ods(sample._to_file_frame("products", small_ds.products), folder / "产品.ods", "产品")
    assert rk.io.check(folder).empty
    ds = rk.load_dataset(folder)
    pd.testing.assert_frame_equal(
        ds.products[["product", "category", "price_supply"]].reset_index(drop=True),
        small_ds.products[["product", "category", "price_supply"]].reset_index(drop=True),
    )
    assert rk.read_table(folder / "产品.ods", "products")["product"].tolist() == (
        small_ds.products["product"].tolist()
    )


def test_xlsb_in_a_data_folder_is_read(small_ds, folder):
    # tests/hostile/data/产品.xlsb: the products of seed 0 written by pyxlsbwriter 0.1.0
    (folder / "产品.xlsx").unlink()
    shutil.copy(DATA / "产品.xlsb", folder / "产品.xlsb")
    assert rk.io.check(folder).empty
    ds = rk.load_dataset(folder)
    assert ds.products["product"].tolist() == small_ds.products["product"].tolist()
    assert ds.products["price_supply"].tolist() == small_ds.products["price_supply"].tolist()


@pytest.mark.parametrize("ext", [".et", ".ett", ".numbers", ".xltx", ".gnumeric", ".ET"])
def test_unsupported_spreadsheets_are_refused_by_name(folder, ext):
    shutil.copy(folder / "医院.xlsx", folder / f"医院2{ext}")
    problems = rk.io.check(folder)
    hit = problems[problems["rule"] == "unsupported_format"]
    assert hit["file"].tolist() == [f"医院2{ext}"]
    assert "unsupported_format" in rk.errors.RULES
    with pytest.raises(rk.DataError) as err:
        rk.read_table(folder / f"医院2{ext}", "hospitals")
    assert err.value.problems["rule"].tolist() == ["unsupported_format"]


def test_a_folder_without_data_files_is_a_problem(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"x")
    problems = rk.io.check(tmp_path)
    assert problems["rule"].tolist() == ["no_data_files"]
