"""Safety: declared sizes, zip bombs, XML entities, macros — files cannot hurt the reader."""

from __future__ import annotations

import struct
import time
import zipfile

import pytest

import repkit as rk
from repkit.io import _safety
from repkit.io._xlsx import Sheet, write_xlsx

ROWS = [["月份", "医院", "品种", "数量"]] + [[202407, f"医院{i}", "A", i] for i in range(10)]


def test_huge_declared_dimension_reads_instantly(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("销售", ROWS, dimension="A1:XFD1048576")])
    start = time.perf_counter()
    df = rk.read_sales(path)
    assert time.perf_counter() - start < 5
    assert len(df) == 10


def _patch_declared_size(path, member: str, size: int) -> None:
    """Rewrite the central-directory uncompressed size of one member (content unchanged)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            raise AssertionError(f"{member} not in central directory")
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46 : pos + 46 + n]) == name:
            struct.pack_into("<I", data, pos + 24, size)
            break
        pos += 4
    path.write_bytes(bytes(data))


def test_member_declaring_more_than_1_gib_is_refused_before_decompression(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("销售", ROWS)])
    _patch_declared_size(path, "xl/worksheets/sheet1.xml", 3 * 2**30)

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    import python_calamine

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", never)
    with pytest.raises(rk.DataError, match="已在解压前拒绝") as err:
        rk.read_sales(path)
    p = err.value.problems
    assert p["rule"].tolist() == ["too_large"]
    assert p["column"].tolist() == ["xl/worksheets/sheet1.xml"]


def test_zip_bomb_ratio_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b"0" * (12 * 2**20) + b">")
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(path)
    assert err.value.problems["rule"].tolist() == ["too_large"]
    assert "压缩比" in err.value.problems["message"].iloc[0]


def test_limits_are_configurable(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("销售", ROWS)])
    _safety.check_archive(path, name="s.xlsx")
    with pytest.raises(rk.DataError) as err:
        _safety.check_archive(path, name="s.xlsx", max_bytes=100)
    assert set(err.value.problems["rule"]) == {"too_large"}


def test_real_workbooks_pass_the_archive_check(tmp_path):
    rows = [["月份", "医院", "品种", "数量"]] + [[202407, "同一家医院", "A", 1]] * 20000
    path = write_xlsx(tmp_path / "big.xlsx", [Sheet("销售", rows)], compresslevel=9)
    assert len(rk.read_sales(path)) == 20000


def _with_member(path, member: str, payload: bytes) -> None:
    src = zipfile.ZipFile(path)
    items = [(i, src.read(i.filename)) for i in src.infolist()]
    src.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            z.writestr(info, payload if info.filename == member else data)


def test_xml_entities_are_refused(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("销售", ROWS)])
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>&lol2;</t></si></sst>"
    )
    _with_member(path, "xl/sharedStrings.xml", laughs)
    with pytest.raises(rk.DataError, match="声明了 XML 实体") as err:
        rk.read_sales(path)
    assert err.value.problems["rule"].tolist() == ["not_a_spreadsheet"]


def test_excel_2003_xml_entities_are_refused(tmp_path):
    xml = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="s"><Table><Row><Cell><Data ss:Type="String">&a;</Data></Cell>'
        "</Row></Table></Worksheet></Workbook>"
    )
    path = tmp_path / "s.xls"
    path.write_text(xml, encoding="utf-8")
    with pytest.raises(rk.DataError) as err:
        rk.read_sales(path)
    assert err.value.problems["rule"].tolist() == ["not_a_spreadsheet"]


def test_macros_are_never_run(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsm", [Sheet("销售", ROWS)])
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/vbaProject.bin", b'\xd0\xcf\x11\xe0 Auto_Open Shell("calc.exe")')
    assert len(rk.read_sales(path)) == 10


def test_formula_text_is_data_not_code(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        '月份,医院,品种,数量\n202407,"=HYPERLINK(""http://x"")",A,1\n', encoding="utf-8"
    )
    assert rk.read_sales(path)["hospital"].tolist() == ['=HYPERLINK("http://x")']


def test_a_stray_cell_at_xfd1048576_is_refused_not_allocated(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("销售", ROWS)])
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    src = zipfile.ZipFile(path)
    sheet = src.read("xl/worksheets/sheet1.xml").replace(b"</sheetData>", far)
    src.close()
    _with_member(path, "xl/worksheets/sheet1.xml", sheet)
    with pytest.raises(rk.DataError, match="XFD1048576") as err:
        rk.read_sales(path)
    assert err.value.problems["rule"].tolist() == ["too_large"]


def test_stray_cell_within_limits_is_read(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("销售", ROWS)])
    far = b'<row r="200"><c r="AB200" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    src = zipfile.ZipFile(path)
    sheet = src.read("xl/worksheets/sheet1.xml").replace(b"</sheetData>", far)
    src.close()
    _with_member(path, "xl/worksheets/sheet1.xml", sheet)
    df = rk.read_sales(path)
    assert len(df) == 10
    assert rk.io.dropped_rows(df)["reason"].unique().tolist() == ["blank row"]


def test_sheet_extent_limit_is_configurable(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [Sheet("销售", ROWS)])
    _safety.check_sheet_extent(path, "xl/worksheets/sheet1.xml", name="s", sheet="销售")
    with pytest.raises(rk.DataError):
        _safety.check_sheet_extent(
            path, "xl/worksheets/sheet1.xml", name="s", sheet="销售", max_cells=20
        )
