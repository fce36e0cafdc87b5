"""Excel entry templates (templates/*.xlsx) written by repkit.report.entry."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import repkit as rk
from repkit.report.entry import EXAMPLES, entry_template_bytes, write_entry_templates
from repkit.schema import HEADERS_ZH, SHEET_NAMES

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.parametrize("kind", list(HEADERS_ZH))
def test_committed_template_is_what_the_code_writes(kind):
    committed = TEMPLATES / f"{SHEET_NAMES[kind]}.xlsx"
    assert committed.exists(), "run rk.report.entry.write_entry_templates('templates')"
    assert committed.read_bytes() == entry_template_bytes(kind), (
        f"{committed.name} is stale: regenerate with rk.report.entry.write_entry_templates"
    )


@pytest.mark.parametrize("kind", list(HEADERS_ZH))
def test_template_has_chinese_headers_comments_and_examples(kind, tmp_path):
    (path,) = write_entry_templates(tmp_path, kinds=[kind])
    ws = openpyxl.load_workbook(path).active
    assert ws.title == SHEET_NAMES[kind]
    header = [c.value for c in ws[1]]
    assert header == list(HEADERS_ZH[kind].values())
    assert all(c.comment is not None and c.comment.text for c in ws[1])
    assert ws.max_row == 1 + len(EXAMPLES[kind])
    assert ws.freeze_panes == "A2"


def _validations(kind, tmp_path):
    (path,) = write_entry_templates(tmp_path, kinds=[kind])
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[1]]
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            column = header[rng.min_col - 1]
            out[column] = dv
    return out


def test_level_and_title_are_drop_down_lists(tmp_path):
    dv = _validations("hospitals", tmp_path)["医院等级"]
    assert dv.type == "list"
    assert dv.formula1 == '"三甲,三级,二级,一级,社区"'
    dv = _validations("doctors", tmp_path)["职称"]
    assert "主治医师" in dv.formula1


def test_ratings_are_whole_numbers_from_one_to_seven(tmp_path):
    for kind, column in (("doctors", "用药评级"), ("calls", "用药评级")):
        dv = _validations(kind, tmp_path)[column]
        assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", "1", "7")
        assert dv.showErrorMessage


def test_call_purposes_list_every_purpose(tmp_path):
    dv = _validations("calls", tmp_path)["目的"]
    for label in rk.schema.CALL_PURPOSES.values():
        assert label in dv.formula1
    assert len(dv.formula1) <= 257  # Excel's limit for inline lists is 255 characters


def test_ids_keep_leading_zeros(tmp_path):
    (path,) = write_entry_templates(tmp_path, kinds=["hospitals"])
    ws = openpyxl.load_workbook(path).active
    assert ws["A2"].value == "001001"
    assert ws["A2"].data_type == "s"


def test_unknown_kind_names_valid_kinds():
    with pytest.raises(ValueError, match="valid kinds: sales"):
        entry_template_bytes("orders")


def test_repkit_check_accepts_the_templates_unchanged(tmp_path):
    write_entry_templates(tmp_path)
    problems = rk.io.check(tmp_path)
    assert problems.empty, problems.to_string()
    assert rk.io.check(TEMPLATES).empty


def test_templates_load_as_one_consistent_dataset(tmp_path):
    write_entry_templates(tmp_path)
    ds = rk.load_dataset(tmp_path)
    for kind, rows in EXAMPLES.items():
        assert len(getattr(ds, kind)) == len(rows), kind
    assert ds.regions == ["兰州"]
    assert ds.hospitals["level"].tolist() == ["3A", "community"]
    assert ds.calls["purpose"].tolist() == ["introduce_product", "check_stock", "support_listing"]
    assert (ds.sales["units"] < 0).sum() == 1  # the example return is kept
    assert ds.reps.set_index("rep_id").loc["R0002", "role"] == "medical_rep"
