"""Layouts: title rows, merged and two-row headers, wide months, totals, sheets."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import repkit as rk
from repkit.io._xlsx import Sheet, write_xlsx


def xlsx(tmp_path, rows, name="s.xlsx", **kw):
    return write_xlsx(tmp_path / name, [Sheet("销售", rows, **kw)])


def test_title_rows_above_the_header(tmp_path):
    rows = [
        ["2024年兰州区域销售明细表"],
        ["制表：张三", "", "单位：盒"],
        [],
        ["月份", "医院", "品种", "数量"],
        [202407, "甲医院", "A", 10],
    ]
    df = rk.read_sales(xlsx(tmp_path, rows, merged=["A1:D1"]))
    assert df.to_dict("list") == {
        "month": [pd.Period("2024-07", "M")],
        "hospital": ["甲医院"],
        "product": ["A"],
        "units": [10.0],
    }


def test_merged_two_row_header(tmp_path):
    rows = [
        ["月份", "医院", "", "品种", "销售", ""],
        ["", "编码", "名称", "", "数量", "金额"],
        [202407, "001", "甲医院", "A", 10, 100.5],
    ]
    path = xlsx(tmp_path, rows, merged=["A1:A2", "B1:C1", "D1:D2", "E1:F1"])
    df = rk.read_sales(path)
    assert list(df.columns) == ["month", "hospital_id", "hospital", "product", "units", "amount"]
    assert df.iloc[0].tolist() == [pd.Period("2024-07", "M"), "001", "甲医院", "A", 10.0, 100.5]


def test_problem_rows_count_below_a_two_row_header(tmp_path):
    rows = [
        ["月份", "医院", "", "品种", "数量"],
        ["", "编码", "名称", "", ""],
        [202407, "001", "甲医院", "A", "12,3"],
    ]
    path = xlsx(tmp_path, rows, merged=["A1:A2", "B1:C1", "D1:D2", "E1:E2"])
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(path)
    assert err.value.problems[["row", "column", "rule"]].values.tolist() == [
        [3, "数量", "ambiguous_number"]
    ]


def test_english_and_alias_headers(tmp_path):
    rows = [["Month", "Hospital Code", "SKU", "Qty", "Sales Amount"], ["2024-07", "H1", "A", 3, 9]]
    df = rk.read_sales(xlsx(tmp_path, rows))
    assert list(df.columns) == ["month", "hospital_id", "product", "units", "amount"]


def test_unknown_columns_are_ignored(tmp_path):
    rows = [["月份", "医院", "品种", "数量", "备注"], [202407, "甲", "A", 3, "随便写"]]
    assert "备注" not in rk.read_sales(xlsx(tmp_path, rows)).columns


def test_merged_cells_in_the_data_are_filled_down(tmp_path):
    rows = [
        ["区域", "月份", "医院", "品种", "数量"],
        ["兰州", 202407, "甲", "A", 1],
        ["", 202407, "乙", "A", 2],
        ["", 202407, "丙", "A", 3],
    ]
    df = rk.read_sales(xlsx(tmp_path, rows, merged=["A2:A4"]))
    assert df["region"].tolist() == ["兰州", "兰州", "兰州"]


# --------------------------------------------------------------------------- wide months


def test_wide_months_melt_to_long(tmp_path):
    rows = [
        ["医院", "品种", "2024-07", "2024-08", "2024-09", "合计"],
        ["甲", "A", 10, "", 30, 40],
        ["乙", "A", 5, 6, 7, 18],
    ]
    df = rk.read_sales(xlsx(tmp_path, rows))
    assert list(df.columns) == ["month", "hospital", "product", "units"]
    got = [(str(m), h, u) for m, h, u in zip(df["month"], df["hospital"], df["units"], strict=True)]
    assert got == [
        ("2024-07", "甲", 10.0),
        ("2024-09", "甲", 30.0),
        ("2024-07", "乙", 5.0),
        ("2024-08", "乙", 6.0),
        ("2024-09", "乙", 7.0),
    ]


def test_wide_months_under_a_year_row(tmp_path):
    rows = [
        ["医院", "品种", "2024年", "", ""],
        ["", "", "10月", "11月", "12月"],
        ["甲", "A", 1, 2, 3],
    ]
    path = xlsx(tmp_path, rows, merged=["A1:A2", "B1:B2", "C1:E1"])
    df = rk.read_sales(path)
    assert df["month"].astype(str).tolist() == ["2024-10", "2024-11", "2024-12"]
    assert df["units"].tolist() == [1.0, 2.0, 3.0]


def test_wide_months_with_units_and_amount(tmp_path):
    rows = [
        ["医院", "品种", "2024年7月", "", "2024年8月", ""],
        ["", "", "数量", "金额", "数量", "金额"],
        ["甲", "A", 1, 10.0, 2, 20.0],
    ]
    path = xlsx(tmp_path, rows, merged=["A1:A2", "B1:B2", "C1:D1", "E1:F1"])
    df = rk.read_sales(path)
    assert df[["units", "amount"]].values.tolist() == [[1.0, 10.0], [2.0, 20.0]]
    assert df["month"].astype(str).tolist() == ["2024-07", "2024-08"]


def test_months_without_year_are_refused(tmp_path):
    rows = [["医院", "品种", "1月", "2月"], ["甲", "A", 1, 2]]
    path = xlsx(tmp_path, rows)
    with pytest.raises(rk.DataError, match="没有年份") as err:
        rk.read_sales(path)
    assert err.value.problems["rule"].tolist() == ["bad_date", "bad_date"]
    assert err.value.problems["column"].tolist() == ["1月", "2月"]


def test_months_without_year_with_year_given(tmp_path):
    rows = [["医院", "品种", "1月", "2月"], ["甲", "A", 1, 2]]
    df = rk.read_sales(xlsx(tmp_path, rows), year=2026)
    assert df["month"].astype(str).tolist() == ["2026-01", "2026-02"]


def test_month_cells_without_year_in_long_layout(tmp_path):
    rows = [["月份", "医院", "品种", "数量"], ["7月", "甲", "A", 1]]
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(xlsx(tmp_path, rows))
    assert err.value.problems["rule"].tolist() == ["bad_date"]
    df = rk.read_sales(xlsx(tmp_path, rows), year=2025)
    assert str(df["month"].iloc[0]) == "2025-07"


# ------------------------------------------------------------------- totals and blanks


def test_blank_and_total_rows_are_dropped_and_recorded(tmp_path):
    rows = [
        ["月份", "医院", "品种", "数量"],
        [202407, "甲", "A", 1],
        ["", "", "", ""],
        [202407, "乙", "A", 2],
        ["", "小计", "", 3],
        [202407, "丙", "B", 4],
        ["合计", "", "", 7],
        ["总计：", "", "", 7],
        ["", "兰州 合 计", "", 7],
    ]
    df = rk.read_sales(xlsx(tmp_path, rows))
    assert df["hospital"].tolist() == ["甲", "乙", "丙"]
    dropped = rk.io.dropped_rows(df)
    assert list(dropped.columns) == ["file", "sheet", "row", "reason"]
    assert dropped["row"].tolist() == [3, 5, 7, 8, 9]
    assert dropped["reason"].tolist() == [
        "blank row",
        "total row",
        "total row",
        "total row",
        "total row",
    ]
    assert set(dropped["file"]) == {"s.xlsx"}
    assert set(dropped["sheet"]) == {"销售"}


def test_every_input_row_is_accounted_for(tmp_path):
    rows = [["月份", "医院", "品种", "数量"]] + [
        [202407, f"医院{i}", "A", i] if i % 4 else ["", "", "", ""] for i in range(1, 40)
    ]
    df = rk.read_sales(xlsx(tmp_path, rows))
    assert len(df) + len(rk.io.dropped_rows(df)) == 39


def test_tables_with_dropped_rows_concatenate_and_merge(tmp_path):
    rows = [["月份", "医院", "品种", "数量"], [202407, "甲", "A", 1], ["合计", "", "", 1]]
    a = rk.read_sales(xlsx(tmp_path, rows, name="a.xlsx"))
    b = rk.read_sales(xlsx(tmp_path, rows, name="b.xlsx"))
    assert len(pd.concat([a, b])) == 2
    assert len(a.merge(b, on="hospital")) == 1
    assert len(pd.concat([a, a])) == 2
    assert rk.io.dropped_rows(pd.concat([a, a])).equals(rk.io.dropped_rows(a))  # same attrs


def test_dropped_records_are_plain_json(tmp_path):
    rows = [["月份", "医院", "品种", "数量"], [202407, "甲", "A", 1], ["合计", "", "", 1]]
    df = rk.read_sales(xlsx(tmp_path, rows))
    assert df.attrs["dropped"] == (
        {"file": "s.xlsx", "sheet": "销售", "row": 3, "reason": "total row"},
    )
    assert json.loads(json.dumps(df.attrs)) == {"dropped": [dict(df.attrs["dropped"][0])]}
    assert rk.io.dropped_rows(df).to_dict("records") == [
        {"file": "s.xlsx", "sheet": "销售", "row": 3, "reason": "total row"}
    ]
    assert str(rk.io.dropped_rows(df)["row"].dtype) == "Int64"


def test_read_table_frame_round_trips_through_parquet(tmp_path):
    rows = [["月份", "医院", "品种", "数量"], [202407, "甲", "A", 1], ["", "", "", ""]]
    df = rk.read_sales(xlsx(tmp_path, [*rows, [202408, "乙", "A", 2]]))
    df.to_parquet(tmp_path / "s.parquet")
    back = pd.read_parquet(tmp_path / "s.parquet")
    pd.testing.assert_frame_equal(back, df, check_dtype=False)
    pd.testing.assert_frame_equal(rk.io.dropped_rows(back), rk.io.dropped_rows(df))
    assert rk.io.dropped_rows(back)["reason"].tolist() == ["blank row"]


def test_dropped_is_empty_when_nothing_dropped(tmp_path):
    rows = [["月份", "医院", "品种", "数量"], [202407, "甲", "A", 1]]
    df = rk.read_sales(xlsx(tmp_path, rows))
    assert df.attrs["dropped"] == ()
    dropped = rk.io.dropped_rows(df)
    assert dropped.empty
    assert list(dropped.columns) == ["file", "sheet", "row", "reason"]
    assert rk.io.dropped_rows(pd.DataFrame({"a": [1]})).empty  # a frame not read from a file


# -------------------------------------------------------------------------------- sheets


SALES = [["月份", "医院", "品种", "数量"], [202407, "甲", "A", 1]]


def test_sheet_chosen_by_headers(tmp_path):
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            Sheet("说明", [["本表为2024年销售数据"], ["请勿修改"]]),
            Sheet(
                "医院",
                [["医院编码", "医院名称", "区域", "医院等级"], ["001", "甲", "兰州", "三甲"]],
            ),
            Sheet("Sheet3", SALES),
        ],
    )
    assert rk.read_sales(path)["hospital"].tolist() == ["甲"]
    assert rk.read_table(path, "hospitals")["level"].tolist() == ["3A"]


def test_hidden_sheets_are_ignored_unless_named(tmp_path):
    hidden = [["月份", "医院", "品种", "数量"], [202301, "旧", "A", 9]]
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [Sheet("旧数据", hidden, hidden=True), Sheet("说明", [["说明"]]), Sheet("销售", SALES)],
    )
    assert rk.read_sales(path)["hospital"].tolist() == ["甲"]
    assert rk.read_sales(path, sheet="旧数据")["hospital"].tolist() == ["旧"]


def test_only_hidden_sheets(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("销售", SALES, hidden=True)])
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(path)
    assert err.value.problems["rule"].tolist() == ["empty"]


def test_sheet_by_index(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("说明", [["x"]]), Sheet("销售", SALES)])
    assert len(rk.read_sales(path, sheet=1)) == 1
    with pytest.raises(ValueError, match="out of range"):
        rk.read_sales(path, sheet=5)


def test_total_label_in_a_column_not_read(tmp_path):
    rows = [
        ["序号", "月份", "医院", "品种", "数量"],
        [1, 202407, "甲", "A", 1],
        [2, 202407, "乙", "A", 2],
        ["合计", "", "", "", 3],
    ]
    df = rk.read_sales(xlsx(tmp_path, rows))
    assert len(df) == 2
    assert rk.io.dropped_rows(df)[["row", "reason"]].values.tolist() == [[4, "total row"]]
