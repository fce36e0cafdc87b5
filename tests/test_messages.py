"""The message catalogue: Chinese by default, rule codes kept, English on request."""

from __future__ import annotations

import re

import pytest

import repkit as rk
from repkit import messages
from repkit.errors import RULES, describe
from repkit.messages import FIXES, MESSAGES, placeholders

HAN = re.compile("[\u4e00-\u9fff]")
CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # Han and full-width marks
NAMESPACES = {"error", "path", "arg", "feature", "cli", "help", "batch", "word", "none", "problem"}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_sentence_has_chinese_and_english_with_the_same_fields(key):
    zh, en = MESSAGES[key]
    assert placeholders(zh) == placeholders(en)
    assert CJK.search(zh) or key == "batch.count", zh


def test_problem_messages_are_named_after_their_rule():
    prefixes = {key.split(".")[0] for key in MESSAGES}
    assert prefixes - NAMESPACES <= set(FIXES)


def test_every_rule_has_a_chinese_fix_and_rules_keeps_its_name():
    assert set(RULES) == set(FIXES)
    assert all(HAN.search(text) for text in RULES.values())
    assert {"prescription_by_doctor", "ambiguous_number", "unsafe_id"} <= set(RULES)


def _check(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return rk.io.check(path)


CASES = [
    ("bad.csv", "月份,医院,品种,数量\n202407,甲,A,\"12,3\"\n", "ambiguous_number", "不止一种读法"),
    ("date.csv", "月份,医院,品种,数量\n2024年13月,甲,A,1\n", "bad_date", "不是有效日期"),
    ("cols.csv", "月份,医院,品种,数量,数量\n202407,甲,A,1,2\n", "duplicate_header", "出现了两次"),
    ("miss.csv", "月份,医院,品种,金额\n202407,甲,A,1\n", "missing_column", "缺少「数量」列"),
    ("doc.csv", "月份,医院,品种,数量,医生\n202407,甲,A,1,王\n", "prescription_by_doctor", "统方"),
    ("w.et", "x", "unsupported_format", "另存为 Excel 工作簿"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "rule", "words"), CASES, ids=[c[2] for c in CASES])
def test_check_findings_are_chinese_with_rule_code_and_place(tmp_path, name, text, rule, words):
    problems = _check(tmp_path, name, text)
    first = problems.iloc[0]
    assert first["rule"] == rule
    assert words in first["message"]
    line = describe(first.to_dict(), 1)
    assert line.startswith(f"1. [{rule}] {name}")
    assert "改正方法：" + RULES[rule] in line
    if name.endswith(".csv"):
        assert f"第 {int(first['row'])} 行" in line


def test_the_cell_is_named_by_file_row_and_header(tmp_path):
    problems = _check(tmp_path, "bad.csv", CASES[0][1])
    line = describe(problems.iloc[0].to_dict(), 1)
    assert "bad.csv › 第 2 行，「数量」列：'12,3'" in line


def test_english_on_request(tmp_path, monkeypatch):
    monkeypatch.setenv("REPKIT_LANG", "en")
    problems = _check(tmp_path, "bad.csv", CASES[0][1])
    line = describe(problems.iloc[0].to_dict(), 1)
    assert "could be read in more than one way" in line
    assert line.startswith("1. [ambiguous_number] bad.csv › row 2, column 数量")
    assert "Fix: Write the number without ambiguity" in line


def test_data_error_text_lists_rule_where_what_fix():
    err = rk.DataError(
        [{"file": "a.xlsx", "sheet": "销售", "row": 14, "column": "数量", "value": "12,3",
          "rule": "ambiguous_number", "message": messages.say("ambiguous_number", value="12,3")}]
    )  # fmt: skip
    head, line = str(err).splitlines()
    assert head == "输入数据中有 1 个问题："
    assert line.startswith("  1. [ambiguous_number] a.xlsx › 销售 › 第 14 行，「数量」列：")


@pytest.mark.parametrize(
    ("text", "columns"),
    [("兰州", 4), ("ab", 2), ("兰州ab", 6), ("（注）", 6), ("é", 1), ("ｅ", 2)],
)
def test_display_width_counts_wide_characters_twice(text, columns):
    assert messages.width(text) == columns
    assert messages.width(messages.pad(text, 8)) == max(8, columns)
