"""The message catalogue: Chinese by default, rule codes kept, English on request."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

import repkit as rk
from repkit import messages
from repkit.errors import RULES, describe
from repkit.messages import FIXES, MESSAGES, placeholders

HAN = re.compile("[\u4e00-\u9fff]")
CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # Han and full-width marks
NAMESPACES = {
    "error", "path", "arg", "feature", "cli", "help", "batch", "word", "none", "problem", "plan",
    "pdf", "training", "index", "forecast", "prefix", "calendar",
}  # fmt: skip


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


# sample fields of the keys that moved into the catalogue from quotas, overrides and plans
MOVED = {
    "bad_quota_level.rep": {},
    "bad_quota_level.department": {},
    "duplicate_key.quota": {"what": "区域 兰州 × A", "period": "2026H2", "first": "第 2 行"},
    "overlapping_quota": {
        "what": "销售人员 R1 × A", "period": "2026Q3", "other": "2026H2", "first": "第 2 行",
        "month": "2026-07",
    },
    "partial_quota_period": {
        "what": "医院 H1 × A", "n": 3, "half": "2026H2", "given": "2026Q3", "missing": "2026-10",
    },
    "quota_above_parent": {
        "where": "兰州", "half": "2026H2", "child": "医院", "rows": "第 3 行", "total": 1200.0,
        "unit": "盒/支", "parent": "区域", "limit": 1000.0, "tolerance": 0.01,
    },
    "quota_for_medical_rep": {"rep": "R0002"},
    "word.quota_region": {"region": "兰州", "product": "A"},
    "word.quota_hospital": {"hospital": "H1", "product": "A"},
    "word.quota_department": {"hospital": "H1", "department": "心内科", "product": "A"},
    "word.quota_rep": {"rep": "R1", "product": "A"},
    "word.file_row": {"file": "指标.csv", "row": 2},
    "override_scope.hospital": {"scope": "医院品种"},
    "override_scope.region_wide": {},
    "override_scope.one_product": {"scope": "医院品种"},
    "override_scope.line": {},
    "override_scope.all_products": {"scope": "医院"},
    "override_value.one": {},
    "override_value.rate_only": {},
    "override_value.rate": {"rate": 80.0},
    "override_value.kind": {},
    "override_period": {},
    "override_unknown.product": {"products": "A", "region": "兰州"},
    "override_unknown.hospital": {"hospital": "H9"},
    "override_below_target.no_products": {"label": "医院 H1"},
    "override_floor_above_cap.fixed_twice": {
        "product": "A", "where": "H1 2026-08", "first": 10, "second": 12,
    },
    "override_floor_above_cap.floor": {
        "product": "A", "where": "全区域 全半年", "floor": 12000, "cap": 11000, "gap": 1000,
    },
    "override_floor_above_cap.fixed_below_floor": {
        "product": "A", "where": "H1 全半年", "fixed": 5, "bound": 8, "gap": 3,
    },
    "override_floor_above_cap.fixed_above_cap": {
        "product": "A", "where": "H1 全半年", "fixed": 9, "bound": 8, "gap": 1,
    },
    "override_above_target.cells": {
        "product": "A", "label": "H1", "pinned": 120, "excess": 20, "total": 100,
    },
    "override_above_target.product": {"product": "A", "used": 1750, "excess": 750, "total": 1000},
    "override_below_target.nowhere": {"product": "A", "need": 30, "where": "H1"},
    "override_below_target.margins": {"product": "A", "off": 2.0},
    "error.overrides_unmatched": {"n": 2},
    "error.overrides_infeasible": {"message": "A"},
    "half_beyond_data": {"half": "2029H1", "ahead": 5, "last": "2026-06", "most": 4},
    "implausible_total": {"product": "A", "limit": 1e12},
    "plan.unknown_region": {"region": "西宁", "regions": "兰州"},
    "plan.one_region": {"regions": "兰州、西宁"},
    "plan.no_sales": {"region": "兰州"},
    "plan.before_history": {"half": "2020H1", "first": "2024-01"},
    "plan.inside_half": {"as_of": "2026-08", "half": "2026H2"},
    "plan.scenario": {"scenarios": "base、target", "value": "dream"},
    "plan.potential_weight": {"value": 2},
    "plan.cap": {"value": -1},
    "plan.no_company_targets": {"half": "2026H2"},
    "plan.nothing_to_plan": {"scenario": "base", "half": "2026H2"},
    "plan.forecast": {"value": "prophet"},
    "plan.forecast_mean": {},
    "plan.growth_missing": {"products": "A"},
    "plan.growth_range": {"values": [-2.0]},
    "plan.procurement_type": {},
    "plan.procurement_keys": {"keys": ["x"], "valid": ["product"]},
    "plan.procurement_needs": {},
    "plan.procurement_product": {"product": "B", "products": "A"},
    "plan.procurement_change": {},
    "plan.as_of_outside": {
        "as_of": "2026-08", "half": "2026H1", "start": "2026-01", "end": "2026-06",
    },
    "plan.no_sales_yet": {"half": "2026H2", "start": "2026-07"},
    "plan.nothing_left": {"as_of": "2026-12"},
    "plan.max_growth": {"value": -1},
    "plan.max_growth_needs_as_of": {},
    "pdf.missing_chromium": {"what": "PDF 导出"},
    "pdf.no_html": {"path": "/tmp/plan.html"},
    "pdf.timeout": {"what": "PDF 导出", "timeout": 60.0},
    "pdf.no_output": {"what": "PDF 导出", "code": 1, "tail": "crash"},
    "pdf.suffix": {"function": "html_to_pdf", "suffix": ".pdf", "name": "plan.png"},
    "word.pdf_export": {},
    "word.screenshot": {},
    "plan.target_below_base": {"planned": "9,000", "base": "9,500"},
    "plan.forecast_fallback": {"auto": 1.5, "naive": 1.2},
    "plan.review_half_partial": {"half": "2026H1", "n": 4, "last": "2026-04"},
    "plan.review_half_absent": {"half": "2026H1", "last": "2025-12"},
    "plan.replan_beyond_growth": {"pace": 0.8, "source": "X", "max_growth": 0.3, "cut": 1200},
    "plan.growth_cap.history": {},
    "plan.growth_cap.given": {},
    "forecast.coverage_part": {"level": 80, "cov": 0.5},
    "forecast.coverage_wide": {"covered": "C"},
    "forecast.coverage_narrow": {"covered": "C", "side": "S"},
    "forecast.coverage_below": {},
    "forecast.coverage_above": {},
    "forecast.loss_worse": {"ratio": 1.3, "worse": 5, "n": 8},
    "forecast.loss_fewer": {"ratio": 0.9, "worse": 5, "n": 8},
    "forecast.loss_advice": {},
    "prefix.where": {"where": "兰州"},
    "plan.no_overrides": {},
    "calendar.unofficial": {"year": 2027, "what": "W", "env": "REPKIT_HOLIDAYS"},
    "calendar.provisional": {},
    "calendar.estimated": {},
    "plan.no_goals": {},
}  # fmt: skip


def test_plan_warnings_follow_the_language(monkeypatch):
    """The plan's own warnings (not only the catalogue's problems) read in English on request."""
    from repkit.forecast._report import coverage_text
    from repkit.plan._coverage import review_coverage

    sales = pd.DataFrame(
        {
            "month": pd.period_range("2025-07", periods=10, freq="M"),
            "product": "A",
            "hospital_id": "H1",
            "units": 10.0,
        }
    )
    half = rk.Half.parse("2026H1")
    zh = review_coverage(sales, half).warnings[0]["message"]
    assert zh.startswith("2026年上半年只有 4 个月的数据（截至 2026-04）")
    zh_cov = coverage_text([(80, 0.24), (95, 0.38)], bias=-5.0, mae=6.0)
    assert "80% 区间覆盖了 24%（应接近 80%），95% 区间覆盖了 38%" in zh_cov
    assert "实际大多低于预测" in zh_cov
    monkeypatch.setenv("REPKIT_LANG", "en")
    en = review_coverage(sales, half).warnings[0]["message"]
    assert en.startswith("2026H1 has data for 4 months only (to 2026-04)")
    en_cov = coverage_text([(80, 0.24), (95, 0.38)], bias=-5.0, mae=6.0)
    assert "the 80% interval covered 24% (should be near 80%), the 95% interval" in en_cov
    assert "mostly below the forecast" in en_cov
    assert not HAN.search(en + en_cov), (en, en_cov)


@pytest.mark.parametrize("key", sorted(MOVED))
def test_moved_messages_render_in_chinese_and_english(key):
    zh = messages.say(key, lang="zh", **MOVED[key])
    en = messages.say(key, lang="en", **MOVED[key])
    assert HAN.search(zh), zh
    assert zh != en
    assert placeholders(MESSAGES[key][0]) == set(MOVED[key])
    for value in MOVED[key].values():
        if isinstance(value, str):
            assert value in zh, (value, zh)
            assert value in en, (value, en)


def test_quota_message_follows_the_language(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    path.write_text(
        "期间,区域,医院编码,科室,代表编码,品种,指标数量\n2026Q3,兰州,H1,,,A,300\n", "utf-8"
    )
    zh = rk.io.check(path)["message"].iloc[0]
    expected = "医院 H1 × A 的指标只覆盖了 2026H2 6 个月中的 3 个月（2026Q3）；"
    assert zh == expected + "缺少 2026-10、2026-11、2026-12"
    monkeypatch.setenv("REPKIT_LANG", "en")
    en = rk.io.check(path)["message"].iloc[0]
    assert en.startswith("the quota of hospital H1 × A covers 3 of the 6 months of 2026H2")
    assert en.endswith("missing 2026-10, 2026-11, 2026-12")


def _user_strings():
    """String constants of repkit that are not docstrings, with file and line."""
    root = Path(rk.__file__).parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        docs = set()
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list):  # docstrings, and strings under an assignment
                for stmt in body:
                    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                        docs.add(id(stmt.value))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
            ):
                yield f"{path.relative_to(root)}:{node.lineno}", node.value


def test_chinese_texts_name_sources_not_internal_numbers():
    """种子 000, 种子计划 mean nothing to a manager: name the plan example or the article."""
    internal = re.compile(r"(?<!随机)种子|seed \d{3}", re.I)
    found = [
        (where, text)
        for where, text in _user_strings()
        if HAN.search(text) and internal.search(text)
    ]
    assert not found, found
