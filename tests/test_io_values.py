"""Values: numbers, months and dates in every form companies write them; exact IDs."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import repkit as rk
from repkit.io import _values
from repkit.io._xlsx import Sheet, write_xlsx


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234", 1234.0),
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("1.2万", 12000.0),
        ("3亿", 3e8),
        ("¥1,234.50", 1234.5),
        ("￥1,234.50", 1234.5),
        ("RMB 88", 88.0),
        ("1234.5元", 1234.5),
        ("(1,000)", -1000.0),
        ("（1,000）", -1000.0),
        ("-5", -5.0),
        ("−5", -5.0),
        ("+7", 7.0),
        ("１２３", 123.0),
        ("１，２３４．５", 1234.5),
        ("12%", 0.12),
        ("12.5％", 0.125),
        (" 42 ", 42.0),
        ("4\u3000", 4.0),
        ("1.5e3", 1500.0),
        (".5", 0.5),
        ("-¥3", -3.0),
    ],
)
def test_parse_number(text, value):
    assert _values.parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["12,3", "1,23", "1.234,5", "1,2345", "12,34,567"])
def test_ambiguous_numbers(text):
    with pytest.raises(_values._Refuse) as err:
        _values.parse_number(text)
    assert err.value.rule == "ambiguous_number"


@pytest.mark.parametrize("text", ["abc", "1.2.3", "12-3", "万", "N/A", "1 2"])
def test_not_numbers(text):
    with pytest.raises(_values._Refuse) as err:
        _values.parse_number(text)
    assert err.value.rule == "bad_number"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_thousands_formatting_round_trips(x):
    assert _values.parse_number(f"{x:,.2f}") == pytest.approx(round(x, 2), abs=0.006)


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_accounting_negatives_round_trip(n):
    text = f"({abs(n):,})" if n < 0 else f"{n:,}"
    assert _values.parse_number(text) == n


@pytest.mark.parametrize(
    "value",
    [
        202407,
        202407.0,
        "202407",
        "2024-07",
        "2024/07",
        "2024.7",
        "2024年7月",
        "2024年07月份",
        "2024-07-01",
        "2024/7/1",
        "2024年7月15日",
        "20240715",
        "2024-07-01 00:00:00",
        "Jul-2024",
        "Jul 24",
        45474,  # Excel serial of 2024-07-01
        "45474",
        dt.date(2024, 7, 1),
        dt.datetime(2024, 7, 31, 23, 59),
        pd.Timestamp("2024-07-05"),
        pd.Period("2024-07", "M"),
        "２０２４年７月",
    ],
)
def test_every_month_form_is_july_2024(value):
    assert _values.parse_month(value) == pd.Period("2024-07", "M")


def test_202407_is_never_1970():
    month, problems = _values.to_month([202407, 202408])
    assert problems == []
    assert [str(m) for m in month] == ["2024-07", "2024-08"]
    assert all(m.year == 2024 for m in month)


@pytest.mark.parametrize("value", ["2024-13", "202413", "1899-01", "hello", 12, True, "2024年"])
def test_bad_months(value):
    with pytest.raises(_values._Refuse) as err:
        _values.parse_month(value)
    assert err.value.rule == "bad_date"


@given(st.integers(min_value=1950, max_value=2099), st.integers(min_value=1, max_value=12))
def test_yyyymm_numbers_round_trip(y, m):
    assert _values.parse_month(y * 100 + m) == pd.Period(year=y, month=m, freq="M")
    assert _values.parse_month(f"{y}年{m}月") == pd.Period(year=y, month=m, freq="M")


@pytest.mark.parametrize(
    ("value", "half"),
    [
        ("2026H1", "2026H1"),
        ("2026h2", "2026H2"),
        ("2026年上半年", "2026H1"),
        ("2026年下半年", "2026H2"),
        ("2026-H1", "2026H1"),
        ("2026 H2", "2026H2"),
    ],
)
def test_half_years(value, half):
    assert _values.parse_half(value) == half


@pytest.mark.parametrize(
    ("value", "flag"),
    [("是", True), ("否", False), ("Y", True), ("no", False), (1, True), (0, False), ("√", True)],
)
def test_flags(value, flag):
    assert _values.parse_bool(value) is flag


def test_lists():
    assert _values.parse_list("心内科、呼吸内科，肿瘤科; 眼科") == [
        "心内科",
        "呼吸内科",
        "肿瘤科",
        "眼科",
    ]


def test_ratings_from_numbers_and_labels():
    assert _values.parse_rating(5) == 5
    assert _values.parse_rating("常用") == 5
    assert _values.parse_rating("７") == 7
    with pytest.raises(_values._Refuse):
        _values.parse_rating(8)


# -------------------------------------------------------------------------- via files


def test_numbers_stored_as_text_in_excel(tmp_path):
    rows = [
        ["月份", "医院", "品种", "数量", "金额"],
        ["202407", "甲", "A", "1,200", "¥1,234.50"],
        ["2024年8月", "甲", "A", "（30）", "1.2万"],
        ["2024-09", "甲", "A", "１２", "12%"],
    ]
    df = rk.read_sales(write_xlsx(tmp_path / "s.xlsx", [Sheet("s", rows)]))
    assert df["units"].tolist() == [1200.0, -30.0, 12.0]
    assert df["amount"].tolist() == pytest.approx([1234.5, 12000.0, 0.12])
    assert df["month"].astype(str).tolist() == ["2024-07", "2024-08", "2024-09"]


def test_ids_stay_exact_strings(tmp_path):
    long_id = "110101199003077777"
    rows = [
        ["医院编码", "医院名称", "区域", "医院等级"],
        ["000123", "甲", "兰州", "三甲"],
        [long_id, "乙", "兰州", "二级"],
        [4521, "丙", "兰州", "社区"],
    ]
    df = rk.read_table(write_xlsx(tmp_path / "h.xlsx", [Sheet("s", rows)]), "hospitals")
    assert df["hospital_id"].tolist() == ["000123", long_id, "4521"]
    assert df["level"].tolist() == ["3A", "2", "community"]


def test_ids_in_csv_keep_leading_zeros(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("医院编码,医院名称,区域,医院等级\n000123,甲,兰州,三级\n", encoding="utf-8")
    assert rk.read_table(path, "hospitals")["hospital_id"].tolist() == ["000123"]


def test_long_ids_stored_as_numbers_are_refused(tmp_path):
    rows = [
        ["医院编码", "医院名称", "区域", "医院等级"],
        [110101199003077777, "甲", "兰州", "三甲"],
    ]
    with pytest.raises(rk.DataError, match="15 位有效数字") as err:
        rk.read_table(write_xlsx(tmp_path / "h.xlsx", [Sheet("s", rows)]), "hospitals")
    assert err.value.problems["rule"].tolist() == ["inexact_id"]


def test_negative_units_are_kept_as_returns(tmp_path):
    rows = [["月份", "医院", "品种", "数量"], [202407, "甲", "A", -12], [202407, "甲", "A", "-3"]]
    df = rk.read_sales(write_xlsx(tmp_path / "s.xlsx", [Sheet("s", rows)]))
    assert df["units"].tolist() == [-12.0, -3.0]


def test_blank_optional_numbers_are_nan_not_zero(tmp_path):
    rows = [
        ["月份", "医院", "品种", "数量", "金额"],
        [202407, "甲", "A", 1, ""],
        [202407, "乙", "A", 2, "-"],
    ]
    df = rk.read_sales(write_xlsx(tmp_path / "s.xlsx", [Sheet("s", rows)]))
    assert df["amount"].isna().tolist() == [True, True]


def test_call_dates(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(
        "拜访日期,代表编码,医生编码,目的,用药评级\n"
        "2026/1/5,R1,D1,增加用量,5\n2026-01-06,R1,D1,其他,常用\n20260107,R1,D1,other,3\n",
        encoding="utf-8-sig",
    )
    df = rk.read_table(path, "calls")
    assert df["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-05", "2026-01-06", "2026-01-07"]
    assert df["purpose"].tolist() == ["increase_use", "other", "other"]
    assert df["rating_after"].tolist() == [5, 5, 3]
    assert str(df["rating_after"].dtype) == "Int64"


def test_collections_months_in_chinese(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes("月份,区域,商业公司,回款金额\n2026年1月,兰州,国药,1.5万\n".encode("gb18030"))
    df = rk.read_table(path, "collections")
    assert str(df["month"].iloc[0]) == "2026-01"
    assert df["collected"].tolist() == [15000.0]


def test_targets_periods(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "期间,区域,品种,指标数量\n2026年上半年,兰州,A,100\n2026H2,兰州,A,120\n", encoding="utf-8"
    )
    assert rk.read_table(path, "targets")["period"].tolist() == ["2026H1", "2026H2"]
