"""Print sizing of plan tables (repkit.report.html); the browser checks are in test_browser."""

from __future__ import annotations

import re

import nbformat.v4 as v4
import pandas as pd

from repkit.report import html as rh


def _page(*frames: pd.DataFrame) -> str:
    cells = [v4.new_markdown_cell("# 计划")]
    for frame in frames:
        out = v4.new_output("execute_result", data={"text/html": frame.to_html(index=False)})
        cells.append(v4.new_code_cell("t", outputs=[out]))
    return rh.notebook_to_html(v4.new_notebook(cells=cells), title="计划")


def _classes(page: str) -> list[set[str]]:
    return [set(c.split()) for c in re.findall(r'<table[^>]*class="([^"]*)"', page)]


def _wide(columns: int, rows: int = 3) -> pd.DataFrame:
    return pd.DataFrame({f"第{c}列金额(万元)": range(rows) for c in range(columns)})


def test_tables_are_sized_for_the_printed_page():
    page = _page(_wide(3), _wide(3, rows=40), _wide(8), _wide(10), _wide(13), _wide(30))
    short, long, small, wide, wider, widest = _classes(page)
    assert short == {"dataframe", "rk-short"}
    assert long == {"dataframe"}  # long tables may break between rows
    assert "rk-small" in small
    assert "rk-wide" not in small
    assert "rk-wide" in wide
    assert "rk-wider" not in wide
    assert {"rk-wide", "rk-wider"} <= wider
    assert "rk-wrap-head" not in wider
    assert {"rk-wide", "rk-wider", "rk-wrap-head"} <= widest


def test_squeezed_text_columns_print_smaller():
    words = "送最新临床文献，约定下次学术沟通" * 2
    frame = pd.DataFrame({f"列{c}": ["2026-07-01"] * 3 for c in range(9)}).assign(说明=words)
    (classes,) = _classes(_page(frame))
    assert "rk-small" in classes


def test_print_css_has_landscape_pages_and_repeated_headings():
    css = rh.PRINT_CSS
    assert re.search(r"@page rk-wide \{ size: A4 landscape", css)
    assert "page: rk-wide" in css
    assert "display: table-header-group" in css
    assert re.search(r"\.jp-OutputArea-output \{[^}]*overflow-x: auto", css)  # screen: scroll


def test_dates_and_codes_stay_on_one_line_and_text_stays_escaped():
    frame = pd.DataFrame(
        {"日期": ["2026-07-01"], "医生": ["DR-7E8BD7C855"], "备注": ["<b>x-1</b> &"]}
    )
    page = _page(frame)
    assert '<span class="rk-nb">2026-07-01</span>' in page
    assert '<span class="rk-nb">DR-7E8BD7C855</span>' in page
    short = rh._keep_codes(
        "<td>唐玉兰</td><td>兰州大学第3附属医院</td><td>送最新临床文献，约定下次学术沟通</td>"
    )
    assert short.count('class="rk-nw"') == 2  # names stay whole on screen, sentences wrap
    assert re.search(r"@media screen \{ \.rk-nw \{ white-space: nowrap", rh.PRINT_CSS)
    assert "&lt;b&gt;" in page
    assert "<b>x-1</b>" not in page
    assert rh._keep_codes("-11.0%") == "-11.0%"  # a minus sign is not a code


def test_width_estimate_counts_chinese_wider_than_digits():
    assert rh._em("金额") == 2.0
    assert 2.4 < rh._em("2026") < 2.8
    assert rh._min_em("送最新临床文献") == 1.0  # wraps between any two characters
    assert rh._min_em("兰州大学 DR-7E8BD7C855") == rh._em("DR-7E8BD7C855")
