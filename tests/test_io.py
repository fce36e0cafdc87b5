"""Formats: every kind of file a sales team exports is read by its content."""

from __future__ import annotations

import codecs
import datetime as dt
import sqlite3

import numpy as np
import pandas as pd
import pytest

import repkit as rk
from repkit.io._xlsx import Sheet, write_xlsx

HEADER = ["月份", "医院编码", "医院名称", "品种", "数量", "金额"]
ROWS = [
    [202407, "001001", "兰州空军医院", "瑞心安片", 120, 4620.0],
    [202408, "001001", "兰州空军医院", "瑞心安片", -5, -192.5],
    [202407, "000123", "西宁市第一人民医院", "舒肺宁注射液", 900, 22500.0],
]
CSV = "\r\n".join(",".join(str(v) for v in r) for r in [HEADER, *ROWS]) + "\r\n"


def expected() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": pd.PeriodIndex(["2024-07", "2024-08", "2024-07"], freq="M"),
            "hospital_id": ["001001", "001001", "000123"],
            "hospital": ["兰州空军医院", "兰州空军医院", "西宁市第一人民医院"],
            "product": ["瑞心安片", "瑞心安片", "舒肺宁注射液"],
            "units": [120.0, -5.0, 900.0],
            "amount": [4620.0, -192.5, 22500.0],
        }
    )


def same(df: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(df, expected(), check_dtype=False)
    assert str(df["month"].dtype) == "period[M]"
    assert df["units"].dtype == np.float64


@pytest.fixture(scope="module")
def small_ds():
    return rk.sample.generate(seed=0, regions=1)


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory, small_ds):
    folder = tmp_path_factory.mktemp("sample")
    rk.sample.write(small_ds, folder)
    return folder


# ----------------------------------------------------------------------------- sample


def test_sample_folder_round_trips_to_the_generated_tables(sample_folder, small_ds):
    ds = rk.load_dataset(sample_folder)
    for kind, table in small_ds.tables().items():
        got = getattr(ds, kind).reset_index(drop=True)
        want = table[list(got.columns)].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=kind)


def test_sample_folder_dtypes(sample_folder):
    ds = rk.load_dataset(sample_folder)
    assert str(ds.sales["month"].dtype) == "period[M]"
    assert str(ds.collections["month"].dtype) == "period[M]"
    assert ds.sales["hospital_id"].map(type).eq(str).all()
    assert ds.sales["units"].dtype == np.float64
    assert str(ds.doctors["rating"].dtype) == "Int64"
    assert ds.doctors["is_expert"].dtype == bool
    assert isinstance(ds.hospitals["departments"].iloc[0], list)
    assert isinstance(ds.reps["hospitals"].iloc[0], list)
    assert pd.api.types.is_datetime64_any_dtype(ds.calls["date"])
    assert ds.targets["period"].iloc[0] == "2023H2"
    assert set(ds.hospitals["level"]) <= set(rk.schema.HOSPITAL_LEVELS)
    assert set(ds.calls["purpose"]) <= set(rk.schema.CALL_PURPOSES)


def test_read_sales_is_read_table_sales(sample_folder):
    a = rk.read_sales(sample_folder / "销售明细.xlsx")
    b = rk.read_table(sample_folder / "销售明细.xlsx", "sales")
    pd.testing.assert_frame_equal(a, b)


# ----------------------------------------------------------------------------- excel


def test_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("销售", [HEADER, *ROWS])])
    same(rk.read_sales(path))


def test_xlsm_is_read_like_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsm", [Sheet("销售", [HEADER, *ROWS])])
    same(rk.read_sales(path))


def test_openpyxl_written_workbook(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in ROWS:
        ws.append(r)
    wb.save(tmp_path / "s.xlsx")
    same(rk.read_sales(tmp_path / "s.xlsx"))


def test_real_xls(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("销售")
    for i, row in enumerate([HEADER, *ROWS]):
        for j, v in enumerate(row):
            ws.write(i, j, v)
    wb.save(str(tmp_path / "s.xls"))
    same(rk.read_sales(tmp_path / "s.xls"))


def test_xlsx_with_wrong_extension_is_read_by_content(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("销售", [HEADER, *ROWS])])
    renamed = path.rename(tmp_path / "s.csv")
    same(rk.read_sales(renamed))


def test_excel_dates_and_serials(tmp_path):
    rows = [
        ["月份", "医院", "品种", "数量"],
        [dt.date(2024, 7, 1), "甲", "A", 1],
        [dt.datetime(2024, 8, 15, 0, 0), "甲", "A", 2],
        [45566, "甲", "A", 3],  # Excel serial of 2024-10-01 typed as a number
        ["2024年11月", "甲", "A", 4],
    ]
    path = write_xlsx(tmp_path / "d.xlsx", [Sheet("s", rows)])
    df = rk.read_sales(path)
    assert df["month"].astype(str).tolist() == ["2024-07", "2024-08", "2024-10", "2024-11"]


# ------------------------------------------------------------------ html / csv as xls


def test_html_saved_as_xls(tmp_path):
    cells = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in ROWS)
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        "</head><body><table><tr>"
        + "".join(f"<th>{h}</th>" for h in HEADER)
        + f"</tr>{cells}</table></body></html>"
    )
    path = tmp_path / "export.xls"
    path.write_bytes(html.encode("gbk"))
    same(rk.read_sales(path))


def test_html_with_colspan_header(tmp_path):
    html = (
        "<table>"
        '<tr><td colspan="5">兰州区域销售明细</td></tr>'
        '<tr><td rowspan="2">月份</td><td colspan="2">医院</td><td rowspan="2">品种</td>'
        '<td rowspan="2">数量</td></tr>'
        "<tr><td>编码</td><td>名称</td></tr>"
        "<tr><td>2024-07</td><td>001</td><td>甲医院</td><td>A</td><td>1,200</td></tr>"
        "</table>"
    )
    path = tmp_path / "export.xls"
    path.write_text(html, encoding="utf-8")
    df = rk.read_sales(path)
    assert df.to_dict("records") == [
        {
            "month": pd.Period("2024-07", "M"),
            "hospital_id": "001",
            "hospital": "甲医院",
            "product": "A",
            "units": 1200.0,
        }
    ]


def test_csv_saved_as_xls(tmp_path):
    path = tmp_path / "export.xls"
    path.write_bytes(CSV.encode("gb18030"))
    same(rk.read_sales(path))


def test_excel_2003_xml(tmp_path):
    ns = (
        'xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"'
    )

    def cell(v):
        t = "Number" if isinstance(v, int | float) else "String"
        return f'<Cell><Data ss:Type="{t}">{v}</Data></Cell>'

    rows = "".join("<Row>" + "".join(cell(v) for v in r) + "</Row>" for r in [HEADER, *ROWS])
    xml = (
        f'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook {ns}>'
        f'<Worksheet ss:Name="销售"><Table>{rows}</Table></Worksheet></Workbook>'
    )
    path = tmp_path / "s.xls"
    path.write_text(xml, encoding="utf-8")
    same(rk.read_sales(path))


# ------------------------------------------------------------------------ csv encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_detected(tmp_path, encoding):
    path = tmp_path / "s.csv"
    path.write_bytes(CSV.encode(encoding))
    same(rk.read_sales(path))


def test_utf16_tab_separated_unicode_text(tmp_path):
    text = CSV.replace(",", "\t")
    path = tmp_path / "s.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    same(rk.read_sales(path))


def test_utf16_without_bom(tmp_path):
    path = tmp_path / "s.txt"
    path.write_bytes(CSV.replace(",", "\t").encode("utf-16-le"))
    same(rk.read_sales(path))


def test_explicit_encoding(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(CSV.encode("gb18030"))
    same(rk.read_sales(path, encoding="gb18030"))


def test_wrong_explicit_encoding_is_refused_as_mojibake(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(CSV.encode("gbk"))
    with pytest.raises(rk.DataError, match="不是有效的 utf-8 文本") as err:
        rk.read_sales(path, encoding="utf-8")
    assert err.value.problems["rule"].tolist() == ["mojibake"]


def test_utf8_read_as_gbk_and_saved_again_is_mojibake(tmp_path):
    garbled = CSV.encode("utf-8").decode("gbk", errors="replace")
    path = tmp_path / "s.csv"
    path.write_text(garbled.replace("\ufffd", "?"), encoding="utf-8")
    with pytest.raises(rk.DataError, match="乱码") as err:
        rk.read_sales(path)
    assert err.value.problems["rule"].tolist() == ["mojibake"]


def test_utf8_read_as_latin1_is_mojibake(tmp_path):
    garbled = CSV.encode("utf-8").decode("latin-1")
    path = tmp_path / "s.csv"
    path.write_text(garbled, encoding="utf-8")
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(path)
    assert err.value.problems["rule"].tolist() == ["mojibake"]


def test_replacement_characters_are_mojibake(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(CSV.replace("兰州", "\ufffd\ufffd"), encoding="utf-8")
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(path)
    assert err.value.problems["rule"].tolist() == ["mojibake"]


def test_undecodable_bytes_are_mojibake(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(CSV.encode("utf-8") + b"\x81\x20\xff\xfe\x80" * 3)
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(path)
    assert err.value.problems["rule"].tolist() == ["mojibake"]


def test_csv_line_numbers_count_quoted_line_breaks(tmp_path):
    text = '月份,医院,品种,数量\n202407,"甲\n医院",A,1\n202407,乙,A,"12,3"\n'
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(path)
    assert err.value.problems["row"].tolist() == [4]


# ---------------------------------------------------------------- parquet, sql, frames


def test_parquet(tmp_path):
    frame = pd.DataFrame([dict(zip(HEADER, r, strict=True)) for r in ROWS])
    frame["医院编码"] = frame["医院编码"].astype(str)
    frame.to_parquet(tmp_path / "s.parquet")
    same(rk.read_sales(tmp_path / "s.parquet"))


def test_parquet_of_canonical_table(tmp_path):
    expected().to_parquet(tmp_path / "c.parquet")
    same(rk.read_sales(tmp_path / "c.parquet"))


def _sqlite(tmp_path):
    db = tmp_path / "company.db"
    con = sqlite3.connect(db)
    con.execute(
        'create table "销售明细" ("月份" integer, "医院编码" text, "医院名称" text, '
        '"品种" text, "数量" real, "金额" real)'
    )
    con.executemany('insert into "销售明细" values (?,?,?,?,?,?)', ROWS)
    con.execute("create table notes (txt text)")
    con.execute("create table flow (ym text, hospital_code text, sku text, qty real)")
    con.execute("insert into flow values ('2024-07', '001', 'A', 3)")
    con.commit()
    con.close()
    return f"sqlite:///{db}"


def test_sql_table_chosen_by_name(tmp_path):
    url = _sqlite(tmp_path)
    same(rk.read_sales(url))


def test_sql_table_named(tmp_path):
    url = _sqlite(tmp_path)
    df = rk.read_sales(url, sheet="flow")
    assert df.to_dict("list") == {
        "month": [pd.Period("2024-07", "M")],
        "hospital_id": ["001"],
        "product": ["A"],
        "units": [3.0],
    }


def test_sql_query(tmp_path):
    url = _sqlite(tmp_path)
    df = rk.read_sales(url, query='select * from "销售明细" where "数量" > 0')
    assert df["units"].tolist() == [120.0, 900.0]


def test_sql_engine(tmp_path):
    import sqlalchemy as sa

    engine = sa.create_engine(_sqlite(tmp_path))
    try:
        same(rk.read_sales(engine, sheet="销售明细"))
    finally:
        engine.dispose()


def test_sqlite_file_is_read_as_a_database(tmp_path):
    _sqlite(tmp_path)
    same(rk.read_sales(tmp_path / "company.db"))
    df = rk.read_sales(tmp_path / "company.db", query="select * from flow")
    assert df["units"].tolist() == [3.0]


def test_sql_unknown_table(tmp_path):
    with pytest.raises(ValueError, match="tables: "):
        rk.read_sales(_sqlite(tmp_path), sheet="nope")


def test_dataframe_source():
    frame = pd.DataFrame([dict(zip(HEADER, r, strict=True)) for r in ROWS])
    same(rk.read_sales(frame))


# ------------------------------------------------------------------------- arguments


def test_unknown_kind_names_valid_kinds(tmp_path):
    with pytest.raises(ValueError, match="valid kinds: sales, products"):
        rk.read_table(tmp_path / "x.csv", "salez")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        rk.read_sales(tmp_path / "nope.xlsx")


def test_folder_is_not_a_table(tmp_path):
    with pytest.raises(ValueError, match="load_dataset"):
        rk.read_sales(tmp_path)


def test_sheet_that_does_not_exist(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("销售", [HEADER, *ROWS])])
    with pytest.raises(ValueError, match="sheets: 销售"):
        rk.read_sales(path, sheet="汇总")


def test_year_must_be_a_year(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("销售", [HEADER, *ROWS])])
    with pytest.raises(ValueError, match="four-digit year"):
        rk.read_sales(path, year=24)


def test_canonical_tables_normalise_to_themselves(small_ds):
    for kind, table in small_ds.tables().items():
        if table.empty:  # the sample has no manager's overrides (经理指定)
            continue
        got = rk.read_table(table, kind)
        pd.testing.assert_frame_equal(
            got.reset_index(drop=True),
            table[list(got.columns)].reset_index(drop=True),
            check_dtype=False,
            obj=kind,
        )


def test_parquet_with_list_columns(tmp_path, small_ds):
    small_ds.hospitals.to_parquet(tmp_path / "h.parquet")
    df = rk.read_table(tmp_path / "h.parquet", "hospitals")
    assert df["departments"].iloc[0] == small_ds.hospitals["departments"].iloc[0]
