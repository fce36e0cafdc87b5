"""Refusals: every problem of a file in one DataError, located as the user sees it."""

from __future__ import annotations

import pickle

import pytest

import repkit as rk
from repkit.io._xlsx import Error, Formula, Sheet, write_xlsx

HEADER = ["月份", "医院", "品种", "数量", "金额"]


def xlsx(tmp_path, rows, name="s.xlsx"):
    return write_xlsx(tmp_path / name, [Sheet("销售", rows)])


def problems(call):
    with pytest.raises(rk.DataError) as err:
        call()
    return err.value.problems


def test_all_problems_of_a_file_in_one_pass(tmp_path):
    rows = [
        HEADER,
        [202407, "甲", "A", "12,3", 1.0],
        [202407, "乙", "A", Formula("=B3*2"), 2.0],
        [202407, "丙", "A", 5, Error("#DIV/0!")],
        [202407, "", "A", 5, 1.0],
        [202499, "丁", "A", 5, 1.0],
        [202407, "戊", "A", "abc", Error("#N/A")],
    ]
    p = problems(lambda: rk.read_sales(xlsx(tmp_path, rows)))
    got = sorted(p[["row", "column", "rule"]].itertuples(index=False, name=None))
    assert got == [
        (2, "数量", "ambiguous_number"),
        (3, "数量", "uncalculated_formula"),
        (4, "金额", "excel_error"),
        (5, "医院", "missing_value"),
        (6, "月份", "bad_date"),
        (7, "数量", "bad_number"),
        (7, "金额", "excel_error"),
    ]
    assert set(p["file"]) == {"s.xlsx"}
    assert set(p["sheet"]) == {"销售"}


def test_problem_columns_and_message(tmp_path):
    rows = [HEADER, [202407, "甲", "A", "12,3", 1.0]]
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(xlsx(tmp_path, rows))
    assert list(err.value.problems.columns) == [
        "file",
        "sheet",
        "row",
        "column",
        "value",
        "rule",
        "message",
    ]
    assert err.value.problems["value"].tolist() == ["12,3"]
    text = str(err.value)
    assert "s.xlsx › 销售 › 第 2 行，「数量」列" in text
    assert "[ambiguous_number]" in text
    assert "改正方法：把数字写得没有歧义" in text
    assert isinstance(err.value, ValueError)


def test_data_error_pickles(tmp_path):
    rows = [HEADER, [202407, "甲", "A", "12,3", 1.0]]
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(xlsx(tmp_path, rows))
    back = pickle.loads(pickle.dumps(err.value))
    assert back.problems.equals(err.value.problems)


def test_formulas_with_cached_values_are_read(tmp_path):
    rows = [HEADER, [202407, "甲", "A", Formula("=2*3", 6), Formula("=D2*10", 60.0)]]
    df = rk.read_sales(xlsx(tmp_path, rows))
    assert df[["units", "amount"]].values.tolist() == [[6.0, 60.0]]


def test_uncalculated_formula(tmp_path):
    rows = [HEADER, [202407, "甲", "A", 1, 2.0], [202407, "甲", "A", 1, Formula("=SUM(D2:D3)")]]
    p = problems(lambda: rk.read_sales(xlsx(tmp_path, rows)))
    assert p[["row", "column", "rule"]].values.tolist() == [[3, "金额", "uncalculated_formula"]]


@pytest.mark.parametrize("code", ["#DIV/0!", "#N/A", "#VALUE!", "#REF!"])
def test_error_cells(tmp_path, code):
    rows = [HEADER, [202407, "甲", "A", Error(code), 2.0]]
    p = problems(lambda: rk.read_sales(xlsx(tmp_path, rows)))
    assert p[["row", "column", "value", "rule"]].values.tolist() == [
        [2, "数量", code, "excel_error"]
    ]


def test_error_text_in_csv(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("月份,医院,品种,数量\n202407,#N/A,A,1\n202407,甲,A,#DIV/0!\n", encoding="utf-8")
    p = problems(lambda: rk.read_sales(path))
    assert p[["row", "column", "rule"]].values.tolist() == [
        [3, "数量", "excel_error"],
        [2, "医院", "excel_error"],
    ] or sorted(p[["row", "rule"]].values.tolist()) == [[2, "excel_error"], [3, "excel_error"]]


def test_error_cells_in_real_xls(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("销售")
    for j, h in enumerate(["月份", "医院", "品种", "数量"]):
        ws.write(0, j, h)
    for j, v in enumerate([202407, "甲", "A"]):
        ws.write(1, j, v)
    ws.row(1).set_cell_error(3, "#DIV/0!")
    wb.save(str(tmp_path / "s.xls"))
    p = problems(lambda: rk.read_sales(tmp_path / "s.xls"))
    assert p[["row", "column", "value", "rule"]].values.tolist() == [
        [2, "数量", "#DIV/0!", "excel_error"]
    ]


def test_duplicate_headers(tmp_path):
    rows = [["月份", "医院", "品种", "数量", "数量"], [202407, "甲", "A", 1, 2]]
    p = problems(lambda: rk.read_sales(xlsx(tmp_path, rows)))
    assert p[["row", "column", "rule"]].values.tolist() == [[1, "数量", "duplicate_header"]]


def test_two_headers_meaning_the_same_column(tmp_path):
    rows = [["月份", "医院", "品种", "数量", "盒数"], [202407, "甲", "A", 1, 2]]
    p = problems(lambda: rk.read_sales(xlsx(tmp_path, rows)))
    assert p["rule"].tolist() == ["duplicate_header"]
    assert "都表示「数量」" in p["message"].iloc[0]


def test_rating_out_of_range(tmp_path):
    rows = [
        ["医生编码", "医院编码", "科室", "用药评级"],
        ["D1", "H1", "心内科", 5],
        ["D2", "H1", "心内科", 9],
        ["D3", "H1", "心内科", 0],
    ]
    p = problems(lambda: rk.read_table(xlsx(tmp_path, rows), "doctors"))
    assert p[["row", "value", "rule"]].values.tolist() == [
        [3, "9", "out_of_range"],
        [4, "0", "out_of_range"],
    ]


def test_unknown_hospital_level(tmp_path):
    rows = [["医院编码", "医院名称", "区域", "医院等级"], ["H1", "甲", "兰州", "五甲"]]
    p = problems(lambda: rk.read_table(xlsx(tmp_path, rows), "hospitals"))
    assert p[["row", "column", "value", "rule"]].values.tolist() == [
        [2, "医院等级", "五甲", "bad_code"]
    ]
    assert "三甲" in p["message"].iloc[0]


def test_sales_per_doctor_are_refused(tmp_path):
    rows = [["月份", "医院", "医生", "品种", "数量"], [202407, "甲", "王医生", "A", 10]]
    with pytest.raises(rk.DataError, match="统方") as err:
        rk.read_sales(xlsx(tmp_path, rows))
    p = err.value.problems
    assert p[["row", "column", "rule"]].values.tolist() == [[1, "医生", "prescription_by_doctor"]]


@pytest.mark.parametrize("header", ["医生姓名", "医生编码", "处方医生", "Doctor"])
def test_any_doctor_header_in_sales_is_refused(tmp_path, header):
    path = tmp_path / "s.csv"
    path.write_text(f"月份,医院,{header},品种,数量\n202407,甲,x,A,1\n", encoding="utf-8")
    assert problems(lambda: rk.read_sales(path))["rule"].tolist() == ["prescription_by_doctor"]


def test_missing_columns(tmp_path):
    rows = [["月份", "品种", "区域"], [202407, "A", "兰州"]]
    p = problems(lambda: rk.read_sales(xlsx(tmp_path, rows)))
    assert p["rule"].tolist() == ["missing_column", "missing_column"]
    assert "缺少「数量」列" in p["message"].iloc[0]


def test_no_header_at_all(tmp_path):
    rows = [["a", "b"], [1, 2]]
    assert problems(lambda: rk.read_sales(xlsx(tmp_path, rows)))["rule"].tolist() == [
        "missing_column"
    ]


def test_blank_keys(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("月份,医院,品种,数量\n,甲,A,1\n202407,甲,,2\n202407,甲,A,\n", encoding="utf-8")
    p = problems(lambda: rk.read_sales(path))
    assert sorted(p[["row", "column", "rule"]].values.tolist()) == [
        [2, "月份", "missing_value"],
        [3, "品种", "missing_value"],
        [4, "数量", "missing_value"],
    ]


def test_header_without_rows_is_empty(tmp_path):
    p = problems(lambda: rk.read_sales(xlsx(tmp_path, [HEADER])))
    assert p["rule"].tolist() == ["empty"]


def test_only_total_rows_is_empty(tmp_path):
    p = problems(lambda: rk.read_sales(xlsx(tmp_path, [HEADER, ["合计", "", "", 1, 1]])))
    assert p["rule"].tolist() == ["empty"]


def test_empty_file(tmp_path):
    (tmp_path / "e.xlsx").write_bytes(b"")
    assert problems(lambda: rk.read_sales(tmp_path / "e.xlsx"))["rule"].tolist() == ["empty"]


def test_empty_csv(tmp_path):
    (tmp_path / "e.csv").write_text("\n\n", encoding="utf-8")
    assert problems(lambda: rk.read_sales(tmp_path / "e.csv"))["rule"].tolist() == ["empty"]


def test_empty_workbook(tmp_path):
    path = write_xlsx(tmp_path / "e.xlsx", [Sheet("Sheet1", [])])
    assert problems(lambda: rk.read_sales(path))["rule"].tolist() == ["empty"]


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n\x00\x01\x02\x03",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
    ],
)
def test_files_that_are_not_spreadsheets(tmp_path, content):
    path = tmp_path / "data.xlsx"
    path.write_bytes(content)
    assert problems(lambda: rk.read_sales(path))["rule"].tolist() == ["not_a_spreadsheet"]


def test_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "a.xlsx", "w") as z:
        z.writestr("readme.txt", "hello")
    assert problems(lambda: rk.read_sales(tmp_path / "a.xlsx"))["rule"].tolist() == [
        "not_a_spreadsheet"
    ]


def test_many_bad_cells_are_summarised(tmp_path):
    rows = [HEADER] + [[202407, "甲", "A", "12,3", 1.0] for _ in range(1200)]
    p = problems(lambda: rk.read_sales(xlsx(tmp_path, rows)))
    assert len(p) == 1001
    assert p["message"].iloc[-1].startswith("这一列还有 200 个单元格")
    assert "还有 991 个问题，见 err.problems" in str(rk.DataError(p))


def test_duplicate_keys_in_master_tables(tmp_path):
    rows = [
        ["医院编码", "医院名称", "区域", "医院等级"],
        ["H1", "甲", "兰州", "三甲"],
        ["H2", "乙", "兰州", "三甲"],
        ["H1", "丙", "兰州", "二级"],
    ]
    p = problems(lambda: rk.read_table(xlsx(tmp_path, rows), "hospitals"))
    assert p[["row", "column", "value", "rule"]].values.tolist() == [
        [2, "医院编码", "H1", "duplicate_key"],
        [4, "医院编码", "H1", "duplicate_key"],
    ]


def test_negative_beds_fail_the_schema(tmp_path):
    rows = [
        ["医院编码", "医院名称", "区域", "医院等级", "床位数"],
        ["H1", "甲", "兰州", "三甲", -10],
    ]
    p = problems(lambda: rk.read_table(xlsx(tmp_path, rows), "hospitals"))
    assert p[["row", "column", "rule"]].values.tolist() == [[2, "床位数", "out_of_range"]]


def test_pandera_schema_is_public():
    s = rk.io.schema("sales")
    assert {"month", "hospital_id", "units"} <= set(s.columns)
    assert s.columns["month"].nullable is False
