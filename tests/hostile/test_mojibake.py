"""A mojibake refusal names the columns where the damaged text was found."""

from __future__ import annotations

import pytest

import repkit as rk

CSV = (
    "月份,医院编码,医院,品种,数量\n"
    "202407,H1,兰州第一医院,瑞心安片,12\n"
    "202408,H1,兰州第一医院,舒肺宁,3\n"
)


def _garbled_gbk(text: str) -> str:
    return text.encode("utf-8").decode("gbk", errors="replace").replace("\ufffd", "?")


def test_garbled_columns_are_named(tmp_path):
    # only the hospital and product columns were damaged (the header was retyped)
    lines = CSV.splitlines()
    body = []
    for line in lines[1:]:
        month, hid, hospital, product, units = line.split(",")
        body.append(",".join([month, hid, _garbled_gbk(hospital), _garbled_gbk(product), units]))
    path = tmp_path / "s.csv"
    path.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(path)
    problems = err.value.problems
    assert problems["rule"].tolist() == ["mojibake"]
    assert problems["column"].iloc[0] == "医院, 品种"
    assert problems["row"].iloc[0] == 2
    assert "医院, 品种" in str(err.value)


def test_latin1_garbled_file_names_columns_by_letter_when_headers_are_garbled(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(CSV.encode("utf-8").decode("latin-1"), encoding="utf-8")
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(path)
    problems = err.value.problems
    assert problems["rule"].tolist() == ["mojibake"]
    # every header is garbled too, so the columns are named by their letters
    assert problems["column"].iloc[0] == "A, B, C, D, E"
