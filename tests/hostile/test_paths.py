"""File names from data stay inside their folder; check refuses IDs with path characters."""

from __future__ import annotations

import dataclasses
import os

import pytest

import repkit as rk
from repkit._paths import inside, is_safe_id, safe_filename

from .conftest import PAYLOADS

HOSTILE_NAMES = [
    *PAYLOADS,
    "..",
    ".",
    "",
    "   ",
    "/etc/passwd",
    "C:\\Windows\\x",
    "a\nb\r\x1b",
    "nul.txt",
    "COM1",
    "LPT9.xlsx",
    "a／b＼c",
    "x" * 5000,
    "长" * 100,
]


@pytest.mark.parametrize("text", HOSTILE_NAMES)
def test_safe_filename_is_one_harmless_name(tmp_path, text):
    name = safe_filename(f"日程_{text}", suffix=".xlsx")
    assert name.endswith(".xlsx")
    assert len(name) <= 120
    assert len(name.encode("utf-8", "surrogatepass")) <= 180
    assert not any(ch in name for ch in '/\\\x00:*?"<>|／＼')
    assert ".." not in name
    assert all(ord(ch) >= 32 for ch in name)
    path = inside(tmp_path, name)
    assert path.parent == tmp_path


def test_overlong_names_stay_distinct():
    assert safe_filename("x" * 500 + "a") != safe_filename("x" * 500 + "b")


def test_inside_refuses_escaping_names(tmp_path):
    for name in ("../x", "/etc/passwd", "a/../../x", ".."):
        with pytest.raises(ValueError, match="outside the folder"):
            inside(tmp_path, name)


def _with_rep_id(ds, old, new):
    changes = {}
    for table in ("reps", "sales", "calls"):
        frame = getattr(ds, table).copy()
        frame["rep_id"] = frame["rep_id"].replace(old, new)
        changes[table] = frame
    return dataclasses.replace(ds, **changes)


def _files(root):
    return {os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs}


@pytest.mark.parametrize("rep_id", ["../../victim", "..\\..\\victim", "a/b", "／etc", "x:y*"])
def test_export_schedule_never_leaves_its_folder(small_ds, tmp_path, rep_id):
    ds = _with_rep_id(small_ds, small_ds.reps["rep_id"].iloc[0], rep_id)
    calls = rk.activity.call_plan(ds, "2026-07")
    out = tmp_path / "a" / "b" / "out"
    paths = rk.activity.export_schedule(calls.schedule, out, reps=ds.reps)
    assert _files(tmp_path) == {str(p) for p in paths}
    assert all(p.parent == out for p in paths)
    assert len(paths) == calls.schedule["rep_id"].nunique()


def test_two_ids_that_clean_to_one_name_keep_two_files(small_ds, tmp_path):
    reps = small_ds.reps["rep_id"].tolist()
    ds = _with_rep_id(small_ds, reps[0], "R/1")
    ds = _with_rep_id(ds, reps[1], "R_1")
    calls = rk.activity.call_plan(ds, "2026-07")
    paths = rk.activity.export_schedule(calls.schedule, tmp_path, reps=ds.reps)
    assert len({p.name for p in paths}) == len(paths) == calls.schedule["rep_id"].nunique()


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("reps", "rep_id", "../../兰州/plan"),
        ("hospitals", "hospital_id", "H\\01"),
        ("doctors", "doctor_id", "D/7"),
        ("hospitals", "region", "兰州／西"),
        ("reps", "rep_id", ".."),
    ],
)
def test_check_refuses_ids_with_path_characters(small_ds, tmp_path, table, column, value):
    frame = getattr(small_ds, table).copy()
    frame.loc[frame.index[0], column] = value
    rk.sample.write(dataclasses.replace(small_ds, **{table: frame}), tmp_path)
    problems = rk.io.check(tmp_path)
    hits = problems[problems["rule"] == "unsafe_id"]
    assert len(hits) == 1
    assert hits["value"].iloc[0] == value
    assert hits["row"].iloc[0] == 2  # first data row under the header
    assert "unsafe_id" in rk.errors.RULES


def test_is_safe_id_accepts_ordinary_ids(small_ds):
    for column in ("rep_id",):
        assert small_ds.reps[column].map(is_safe_id).all()
    assert small_ds.hospitals["hospital_id"].map(is_safe_id).all()
    assert small_ds.hospitals["region"].map(is_safe_id).all()
