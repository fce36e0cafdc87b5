"""Batch building blocks without kernels: folder names, parameters, hashes, commits, HTML."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from repkit.batch import _store, check_params, folder_names, summary_table
from repkit.report.html import index_html, notebook_to_html

RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))}
RESERVED |= {f"LPT{i}" for i in range(1, 10)}


def _safe(name: str) -> None:
    assert name
    assert name not in (".", "..")
    assert not any(c in name for c in '/\\:*?"<>|')
    assert not name.startswith((".", " "))
    assert not name.endswith((".", " "))
    assert name.split(".")[0].strip().upper() not in RESERVED
    assert len(name.encode("utf-8")) <= 100
    assert all(unicodedata.category(c)[0] != "C" for c in name)


# ---------------------------------------------------------------------------- folder names


def test_chinese_names_are_kept_as_they_are():
    assert folder_names(["兰州", "西宁", "区域007", "Xi'an"]) == {
        "兰州": "兰州",
        "西宁": "西宁",
        "区域007": "区域007",
        "Xi'an": "Xi'an",
    }


@pytest.mark.parametrize(
    "region",
    [
        "../etc",
        "..",
        ".",
        "a/../../b",
        "..\\..\\windows",
        "兰州／城关",
        "兰州＼城关",
        "．．／passwd",
        "a∕b",
        "a⁄b",
        "CON",
        "con",
        "Con.txt",
        "LPT1",
        "com9 ",
        "index.html",
        "MANIFEST.JSON",
        " 兰州 ",
        "兰州.",
        "a\x00b",
        "a\nb",
        "a\u202eb",
        "a\u200bb",
        "",
        "西" * 200,
    ],
)
def test_dangerous_names_become_one_safe_component(region, tmp_path):
    folder = folder_names([region])[region]
    _safe(folder)
    path = _store.inside(tmp_path, folder)
    assert path.parent == tmp_path.resolve()


def test_changed_names_stay_readable():
    names = folder_names(["兰州／城关", "西" * 200])
    assert names["兰州／城关"].startswith("兰州_城关-")
    assert names["西" * 200].startswith("西" * 20)


def test_case_and_unicode_collisions_get_distinct_folders():
    regions = ["Xian", "XIAN", "xian", "é", "e\u0301", "a/b", "a_b"]
    names = folder_names(regions)
    keys = {unicodedata.normalize("NFC", n).casefold() for n in names.values()}
    assert len(keys) == len(regions)


def test_folder_of_a_changed_name_does_not_depend_on_the_other_regions():
    alone = folder_names(["../x"])["../x"]
    assert folder_names(["兰州", "../x", "西宁"])["../x"] == alone


@given(st.lists(st.text(min_size=0, max_size=40), min_size=1, max_size=8, unique=True))
def test_folder_names_are_always_safe_and_unique(regions):
    names = folder_names(regions)
    assert set(names) == set(regions)
    for name in names.values():
        _safe(name)
    keys = {unicodedata.normalize("NFC", n).casefold() for n in names.values()}
    assert len(keys) == len(regions)


def test_inside_refuses_to_leave_the_folder(tmp_path):
    for bad in ("..", "../x", "a/b", ""):
        with pytest.raises(ValueError, match="would leave"):
            _store.inside(tmp_path, bad)


# ---------------------------------------------------------------------------- parameters


def test_params_accept_json_scalars_and_lists():
    params = {
        "half": "2026H2",
        "growth": 0.5,
        "n": 3,
        "flag": True,
        "none": None,
        "products": ("A", "B"),
        "grid": [[1, 2], [3]],
        "np_value": np.float64(0.25),
    }
    out = check_params(params)
    assert out["products"] == ["A", "B"]
    assert out["np_value"] == 0.25
    assert type(out["np_value"]) is float
    json.dumps(out)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"1x": 1}, "不是合法的 Python 名称"),
        ({"a-b": 1}, "不是合法的 Python 名称"),
        ({"import os": 1}, "不是合法的 Python 名称"),
        ({"class": 1}, "不是合法的 Python 名称"),
        ({"region": "兰州"}, "由批量运行为每个区域设置"),
        ({"out": "/tmp"}, "由批量运行为每个区域设置"),
        ({"data": "x"}, "由批量运行为每个区域设置"),
        ({"x": {"a": 1}}, "JSON 标量"),
        ({"x": {1, 2}}, "JSON 标量"),
        ({"x": math.nan}, "不是有限的数"),
        ({"x": [1, math.inf]}, "不是有限的数"),
        ({"x": object()}, "JSON 标量"),
        ({"x": b"bytes"}, "JSON 标量"),
    ],
)
def test_bad_params_are_refused(params, match):
    with pytest.raises(ValueError, match=match):
        check_params(params)


def test_unknown_param_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="grwoth：模板没有这个参数；可用：growth"):
        check_params({"grwoth": 0.5}, allowed=["data", "region", "out", "growth"])


def test_all_bad_params_are_reported_at_once():
    with pytest.raises(ValueError, match=r"(?s)1a.*region.*dict"):
        check_params({"1a": 1, "region": "x", "z": {"k": 1}})


def test_params_must_be_a_mapping():
    with pytest.raises(TypeError, match="mapping"):
        check_params([("a", 1)])


# ---------------------------------------------------------------------------- hashes


def test_input_hash_follows_content_not_hidden_files(tmp_path):
    (tmp_path / "a.csv").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.xlsx").write_bytes(b"1")
    first = _store.hash_path(tmp_path)
    (tmp_path / "~$a.xlsx").write_text("excel lock file")
    (tmp_path / ".DS_Store").write_text("finder")
    assert _store.hash_path(tmp_path) == first
    (tmp_path / "sub" / "b.xlsx").write_bytes(b"2")
    assert _store.hash_path(tmp_path) != first


def test_fingerprint_ignores_key_order():
    a = _store.fingerprint(params={"a": 1, "b": 2}, version="1")
    assert a == _store.fingerprint(version="1", params={"b": 2, "a": 1})
    assert a != _store.fingerprint(params={"a": 1, "b": 3}, version="1")


# ---------------------------------------------------------------------------- commits


def _stage(root: Path, files: dict[str, str]) -> Path:
    staging = root / ".staging" / "r.1"
    staging.mkdir(parents=True)
    for name, text in files.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(text)
    return staging


def test_commit_ok_replaces_outputs_and_drops_stale_ones(tmp_path):
    target = tmp_path / "兰州"
    target.mkdir()
    for name in ("plan.ipynb", "old_chart.png", "plan.failed.ipynb", "notes_by_user.txt"):
        (target / name).write_text("old")
    staging = _stage(tmp_path, {"plan.ipynb": "new", "plan.html": "new", "charts/a.png": "new"})
    files = _store.commit_ok(staging, target, previous=["plan.ipynb", "old_chart.png"])
    assert files == ["charts/a.png", "plan.html", "plan.ipynb"]
    assert (target / "plan.ipynb").read_text() == "new"
    assert not (target / "old_chart.png").exists()
    assert not (target / "plan.failed.ipynb").exists()
    assert (target / "notes_by_user.txt").exists()  # not ours: left alone
    assert not staging.exists()


def test_commit_ok_never_deletes_outside_the_region_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    target = tmp_path / "r"
    staging = _stage(tmp_path, {"plan.ipynb": "new"})
    _store.commit_ok(staging, target, previous=["../keep.txt", "/etc/hostname"])
    assert (tmp_path / "keep.txt").exists()


def test_commit_failed_keeps_the_good_outputs(tmp_path):
    target = tmp_path / "兰州"
    target.mkdir()
    (target / "plan.ipynb").write_text("good")
    (target / "plan.xlsx").write_text("good")
    bad = '{"cells": [], "bad": true}'
    staging = _stage(tmp_path, {"plan.ipynb": bad, "plan.html": "bad", "plan.xlsx": "half"})
    kept = _store.commit_failed(staging, target)
    assert kept == ["plan.failed.ipynb", "plan.failed.html"]
    assert (target / "plan.ipynb").read_text() == "good"
    assert (target / "plan.xlsx").read_text() == "good"
    assert (target / "plan.failed.ipynb").read_text() == bad
    assert not staging.exists()


def test_manifest_is_written_atomically_and_read_back(tmp_path):
    _store.write_json(tmp_path / "manifest.json", {"regions": {"兰州": {"status": "ok"}}})
    assert _store.read_manifest(tmp_path)["regions"]["兰州"]["status"] == "ok"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
    (tmp_path / "manifest.json").write_text("{broken")
    assert _store.read_manifest(tmp_path) == {}


def test_lock_refuses_a_second_batch_on_the_same_folder(tmp_path):
    with _store.Lock(tmp_path), pytest.raises(RuntimeError, match="another batch"):
        _store.Lock(tmp_path).__enter__()
    with _store.Lock(tmp_path):
        pass


# ---------------------------------------------------------------------------- HTML


def test_notebook_html_hides_code_and_embeds_images(tmp_path):
    png = tmp_path / "chart.png"
    png.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
    )
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 兰州 计划\n## 1 上半年回顾\n![c](chart.png)\n### 细节"),
            new_code_cell("very_secret_code = 1"),
            new_markdown_cell("## 2 预测"),
        ]
    )
    nb.cells[1].outputs = [new_output("stream", name="stdout", text="visible output")]
    page = notebook_to_html(nb, title="兰州", folder=tmp_path)
    assert "very_secret_code" not in page
    assert "visible output" in page
    assert "data:image/png;base64," in page
    assert "<script src=" not in page
    toc = page.split('<nav class="rk-toc">')[1].split("</nav>")[0]
    assert "1 上半年回顾" in toc
    assert "细节" in toc
    assert "2 预测" in toc
    assert "@media print" in page
    with_code = notebook_to_html(nb, code=True)
    assert "very_secret_code" in with_code


@pytest.mark.parametrize("code", [False, True])
def test_notebook_html_is_as_accessible_as_nbconvert(code):
    from nbconvert import HTMLExporter

    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAIAAAUAAXpeqz8="
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 计划\n## 图"),
            new_code_cell(
                "chart()",
                outputs=[
                    new_output("display_data", data={"image/png": png}),
                    new_output("stream", name="stdout", text="完成"),
                ],
            ),
        ]
    )
    page = notebook_to_html(nb, code=code)
    stock, _ = HTMLExporter(template_name="lab", exclude_input=not code).from_notebook_node(nb)
    for mark in ("<img", " alt=", 'tabindex="0"'):
        assert page.count(mark) == stock.count(mark), mark
    assert page.count('tabindex="0"') >= 2


def test_index_escapes_region_names_and_quotes_links():
    manifest = {
        "counts": {"ok": 1, "failed": 1},
        "regions": {
            "<script>x</script>": {
                "folder": "_script_x_script_-1",
                "status": "failed",
                "error": {"exception": "DataError", "message": "<b>bad</b>", "cell": 3},
                "failure_files": ["plan.failed.html"],
            },
            "兰州 城关": {
                "folder": "兰州 城关",
                "status": "ok",
                "output": {"files": ["plan.html", "plan.xlsx", "plan.ipynb"]},
                "summary": {"completion_rate": 0.5, "target_units": 1234, "half": "2026H2"},
            },
        },
    }
    page = index_html(manifest)
    assert "<script>" not in page
    assert "&lt;b&gt;bad&lt;/b&gt;" in page
    assert 'href="%E5%85%B0%E5%B7%9E%20%E5%9F%8E%E5%85%B3/plan.html"' in page
    assert "50.0%" in page
    assert "1,234" in page
    assert "plan.failed.html" in page


def test_summary_table_lists_failures_first():
    manifest = {
        "duration_s": 3.0,
        "regions": {
            "a": {"status": "ok", "duration_s": 1.0},
            "b": {"status": "timeout", "duration_s": 2.0, "error": {"message": "slow"}},
        },
    }
    text = summary_table(manifest)
    lines = text.splitlines()
    assert lines[1].startswith("b")
    assert lines[-1] == "2 个区域：成功 1，超时 1，用时 3.0 秒"
    assert "超时" in lines[1]


def test_summary_table_aligns_chinese_region_names_by_display_width():
    from repkit.messages import width

    manifest = {
        "regions": {
            "乌鲁木齐": {"status": "ok", "duration_s": 12.5, "summary": {"completion_rate": 0.5}},
            "ab": {"status": "ok", "duration_s": 1.0, "summary": {"completion_rate": 0.25}},
            "兰州x": {"status": "failed", "duration_s": 3.0, "error": {"message": "坏数据"}},
        },
    }
    lines = summary_table(manifest).splitlines()[:4]
    # the status column starts at the same terminal column on every line
    starts = {
        width(line[: line.index(word)])
        for line, word in zip(lines, ["状态", "失败", "成功", "成功"], strict=True)
    }
    assert len(starts) == 1
    assert starts == {width("乌鲁木齐") + 2}
    # and so does the completion column
    rates = [
        width(line[: line.index(rate)])
        for line, rate in zip(lines[2:], ["50.0%", "25.0%"], strict=True)
    ]
    assert rates[0] == rates[1] == width(lines[0][: lines[0].index("完成率")])


def test_summary_table_in_english(monkeypatch):
    monkeypatch.setenv("REPKIT_LANG", "en")
    manifest = {"duration_s": 3.0, "regions": {"a": {"status": "ok", "duration_s": 1.0}}}
    lines = summary_table(manifest).splitlines()
    assert lines[0].split() == ["region", "status", "time", "completion", "note"]
    assert lines[-1] == "1 regions: 1 ok in 3.0s"


def test_read_notebook_written_by_commit_is_valid(tmp_path):
    nb = new_notebook(cells=[new_code_cell("1")])
    staging = _stage(tmp_path, {})
    nbformat.write(nb, str(staging / "plan.ipynb"))
    _store.commit_ok(staging, tmp_path / "r")
    nbformat.validate(nbformat.read(str(tmp_path / "r" / "plan.ipynb"), as_version=4))


def test_index_speaks_the_readers_language_and_gives_the_time_zone(monkeypatch):
    manifest = {
        "finished": "2026-07-01T08:05:09+08:00",
        "counts": {"ok": 1, "timeout": 1},
        "regions": {
            "兰州": {"status": "ok", "output": {"files": ["plan.html"]}},
            "西宁": {"status": "timeout", "error": {"message": "cell 3"}},
        },
    }
    monkeypatch.delenv("REPKIT_LANG", raising=False)
    page = index_html(manifest)
    assert "完成于 2026-07-01 08:05 UTC+08:00" in page
    assert "<th>区域</th>" in page
    assert ">超时<" in page
    assert "超时 1" in page
    assert not re.search(r">[^<]*\b(regions|finished|ok|timeout|Region)\b[^<]*<", page)
    monkeypatch.setenv("REPKIT_LANG", "en")
    page = index_html(manifest)
    assert "finished 2026-07-01 08:05 UTC+08:00" in page
    assert "<th>Region</th>" in page
    assert ">timed out<" in page


def test_index_shows_each_plans_warnings_as_short_labels_with_the_sentences_on_hover():
    warnings = [
        {"code": "forecast_fallback", "message": "回测中自动选择的预测模型不如季节性朴素"},
        {"code": "something_new", "message": "<img src=x onerror=alert(1)>一条新的提示"},
    ]
    manifest = {
        "regions": {
            "兰州": {"status": "ok", "summary": {"warnings": warnings}},
            "西宁": {"status": "ok", "summary": {"warnings": []}},
        }
    }
    page = index_html(manifest)
    assert "⚠ 预测改用去年同月；&lt;img" in page  # unknown codes show their sentence, escaped
    assert 'title="回测中自动选择的预测模型不如季节性朴素' in page
    assert "<img" not in page
    assert page.count("⚠") == 1  # 西宁 has none
