"""Large CSVs parsed by pyarrow give the very table, dropped rows and problems of ``csv``."""

from __future__ import annotations

import pandas as pd
import pytest

import repkit as rk
from repkit.io import _sources

HEAD = "月份,医院编码,品种,数量,金额\n"
GOOD = [
    '202407,001,瑞心安片,"1,200",30.5',
    "202407, 002 ,瑞心安片,15,—",
    ",,,,",
    "202408,001,瑞心安片,7,",
    "合计,,,1222,",
    "202408,003,瑞心安片,８,12",
]


def _read(path, *, fast: bool, monkeypatch):
    monkeypatch.setattr(_sources, "FAST_CSV_BYTES", 0 if fast else 1 << 62)
    try:
        return rk.read_table(path, "sales", cache=False), None
    except rk.DataError as err:
        return None, err.problems


def _both(tmp_path, monkeypatch, text: str, encoding: str = "utf-8"):
    path = tmp_path / "销售.csv"
    path.write_bytes(text.encode(encoding))
    return _read(path, fast=True, monkeypatch=monkeypatch), _read(
        path, fast=False, monkeypatch=monkeypatch
    )


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "\n".join(GOOD * 3) + "\n",
        "\ufeff" + HEAD + "\r\n".join(GOOD),  # BOM, CRLF, no last line break
        "\ufeff" + '"月份","医院编码","品种","数量","金额"\n' + "\n".join(GOOD),  # quoted
        "销售明细 2024,,,,\n" + HEAD + "\n".join(GOOD) + "\n",  # a title row above the header
        HEAD + "\n\n".join(GOOD) + "\n",  # blank lines (a row of blank cells either way)
        HEAD + "\n".join([*GOOD, "202409,001,瑞心安片,12.3.4,5", "2024-13,x,瑞心安片,1,1"]),
    ],
)
def test_fast_csv_reads_as_the_csv_module(tmp_path, monkeypatch, text):
    (fast, fast_problems), (slow, slow_problems) = _both(tmp_path, monkeypatch, text)
    if slow is None:
        assert fast is None
        pd.testing.assert_frame_equal(fast_problems, slow_problems)
        return
    pd.testing.assert_frame_equal(fast, slow)
    pd.testing.assert_frame_equal(rk.io.dropped_rows(fast), rk.io.dropped_rows(slow))


@pytest.mark.parametrize(
    "text",
    [
        HEAD + '202407,001,"瑞心\n安片",1,1\n202407,001,瑞心安片,1,1\n',  # quoted line break
        HEAD + '202407,001,瑞心"安片,1,1\n',  # a stray quote
        HEAD + '202407,001,"瑞心安片"x,1,1\n',  # text after a closing quote (csv refuses)
        HEAD + "202407,001,瑞心安片,1\n",  # a short row
    ],
)
def test_lines_pyarrow_would_read_otherwise_go_to_the_csv_module(tmp_path, text):
    assert _sources._csv_columns(text, ",", text.encode()) is None


def test_fast_csv_keeps_the_columns_as_codes(tmp_path):
    text = HEAD + "\n".join(GOOD) + "\n"
    rows, columns = _sources._csv_columns(text, ",", text.encode())
    assert rows[0] == HEAD.strip().split(",")
    codes, uniques = columns[2]
    assert [uniques[c] for c in codes] == [
        "品种",
        "瑞心安片",
        "瑞心安片",
        "",
        "瑞心安片",
        "",
        "瑞心安片",
    ]


def test_plain_numbers_found_alike_by_pyarrow_and_re():
    from repkit.io import _values

    edge = ["1", "-2.5", "1e3", " 3", "3 ", "１２", "١٢", "1.", ".5", "-", "1" * 15, "1" * 16]
    values = [*edge, "1.2.3", "合计", "", None, *(f"{i}.{i % 7}" for i in range(1200))]
    fast = _values._simple_numbers(values)  # > 1000 values: pyarrow's regex
    slow = _values._simple_numbers(values[:20]).tolist()  # a few: Python's re
    assert fast[:20].tolist() == slow
    assert slow[:12] == [True, True, False, False, False, False, False, False, False, False,
                         True, False]  # fmt: skip
    assert fast[20:].all()


def test_numbers_parse_the_same_with_many_distinct_values():
    from repkit.io import _values

    texts = [f"{i * 1.37:.2f}" for i in range(3000)] + ["1,200", "12.3.4", "—", ""]
    values, problems = _values.to_number(texts)
    assert values[:3000].tolist() == [float(f"{i * 1.37:.2f}") for i in range(3000)]
    assert values[3000] == 1200.0
    assert all(v != v for v in values[3001:])
    assert [p[0] for p in problems] == [3001]


def test_a_quoted_utf8_file_with_bom_takes_the_fast_path():
    data = ("\ufeff" + '"月份","医院编码"\n"202407","001"\n').encode()
    grid = _sources._fast_utf8(data, "销售.csv")
    assert grid is not None
    assert grid.rows == [["月份", "医院编码"], ["202407", "001"]]
