import datetime as dt
import os
import shutil
import stat
import subprocess

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import repkit as rk
from repkit.report import excel as excel_mod

write_excel = rk.report.write_excel


def _frame():
    return pd.DataFrame(
        {
            "医院名称": ["兰州大学第2附属医院", "兰州市城关区社区卫生服务中心"],
            "目标数量": [1200, 35],
            "目标金额": [123456.5, 1347.5],
            "完成率": [0.56, 1.05],
            "月份": pd.PeriodIndex(["2026-07", "2026-08"], freq="M"),
            "日期": pd.to_datetime(["2026-07-01", "2026-08-03"]),
        }
    )


def test_round_trip_values_and_formats(tmp_path):
    path = write_excel({"表": _frame()}, tmp_path / "a.xlsx")
    back = pd.read_excel(path, engine="calamine")
    assert back["医院名称"].tolist() == _frame()["医院名称"].tolist()
    assert back["目标数量"].tolist() == [1200, 35]
    assert back["月份"].tolist() == ["2026-07", "2026-08"]
    ws = load_workbook(path)["表"]
    assert ws.freeze_panes == "A2"
    assert ws["B2"].number_format == "#,##0"
    assert ws["C2"].number_format == "#,##0"  # money in yuan without cents (issue 15)
    assert ws["D2"].number_format == "0.0%"
    assert ws["F2"].number_format == "yyyy-mm-dd"
    assert ws["A1"].font.bold
    assert list(ws.tables) == ["Table1"]
    assert ws.tables["Table1"].ref == "A1:F3"


def test_column_widths_fit_chinese_and_numbers(tmp_path):
    frame = pd.DataFrame({"品种": ["安泽曲南注射液"], "金额": [12345678.25], "x": [1]})
    ws = load_workbook(write_excel({"s": frame}, tmp_path / "w.xlsx"))["s"]
    # 7 CJK characters need about 14 character widths; '12,345,678' (money, no cents) 10
    assert ws.column_dimensions["A"].width >= 16
    assert ws.column_dimensions["B"].width >= 12
    assert ws["B2"].number_format == "#,##0"
    assert ws.column_dimensions["C"].width >= 6


def test_column_widths_follow_calibri_letter_widths(tmp_path):
    # a six-week month of table D: 23 characters, but W is 1.76 digits wide in Calibri
    # (LibreOffice cut the last week when the width counted one unit per character)
    weeks = "W31/W32/W33/W34/W35/W36"
    frame = pd.DataFrame({"周次": [weeks, "W27/W28"], "代码": ["iiiiiiiiiiiiiiiiiiiiiiii", "x"]})
    ws = load_workbook(write_excel({"s": frame}, tmp_path / "w.xlsx"))["s"]
    assert ws.column_dimensions["A"].width >= 26.4 + 2  # text plus its indent
    assert ws.column_dimensions["B"].width < ws.column_dimensions["A"].width  # narrow i


def test_conditional_colours_on_completion_rate(tmp_path):
    ws = load_workbook(write_excel({"s": _frame()}, tmp_path / "c.xlsx"))["s"]
    ranges = [str(r.sqref) for r in ws.conditional_formatting]
    assert ranges == ["D2:D3"]
    rules = ws.conditional_formatting._cf_rules
    formulas = [rule.formula[0] for rng in rules for rule in rules[rng]]
    assert formulas == [
        "AND(ISNUMBER(D2),D2<0.8)",
        "AND(ISNUMBER(D2),D2>=0.8,D2<1)",
        "AND(ISNUMBER(D2),D2>=1)",
    ]  # blank cells (future quarters) stay uncoloured


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", '=HYPERLINK("x")'])
def test_formula_injection_written_as_text(tmp_path, text):
    frame = pd.DataFrame({"备注": [text]})
    path = write_excel({"s": frame}, tmp_path / "f.xlsx")
    cell = load_workbook(path)["s"]["A2"]
    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix
    assert pd.read_excel(path, engine="calamine")["备注"].tolist() == [text]


def test_unserialisable_value_raises_before_file_is_touched(tmp_path):
    path = tmp_path / "plan.xlsx"
    write_excel({"s": _frame()}, path)
    before = path.read_bytes()
    bad = pd.DataFrame({"a": [{"not": "cell"}]})
    with pytest.raises(TypeError, match="dict"):
        write_excel({"s": _frame(), "bad": bad}, path)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]  # no temp files left
    with pytest.raises(TypeError, match="time zones"):
        write_excel(
            {"s": pd.DataFrame({"t": pd.to_datetime(["2026-01-01"]).tz_localize("UTC")})}, path
        )
    with pytest.raises(ValueError, match="infinity"):
        write_excel({"s": pd.DataFrame({"x": [1.0, np.inf]})}, path)
    assert path.read_bytes() == before


def test_failed_save_keeps_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "plan.xlsx"
    write_excel({"s": _frame()}, path)
    before = path.read_bytes()

    def broken(sheets, header, fh):
        fh.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr("repkit.report._xlsx.write_book", broken)
    with pytest.raises(OSError, match="disk full"):
        write_excel({"s": _frame()}, path)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize(
    ("tables", "match"),
    [
        ({}, "empty"),
        ({"a" * 32: pd.DataFrame({"x": [1]})}, "31"),
        ({"a/b": pd.DataFrame({"x": [1]})}, "contains"),
        ({"A": pd.DataFrame({"x": [1]}), "a": pd.DataFrame({"x": [1]})}, "twice"),
        ({"s": pd.DataFrame([[1, 2]], columns=["x", "x"])}, "twice"),
        ({"s": pd.DataFrame({"": [1]})}, "without a header"),
        ({"s": pd.DataFrame({"x": ["a\x01b"]})}, "control"),
    ],
)
def test_bad_tables_refused(tmp_path, tables, match):
    with pytest.raises(ValueError, match=match):
        write_excel(tables, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"\.xlsx"):
        write_excel({"s": _frame()}, tmp_path / "x.xls")
    with pytest.raises(TypeError, match="DataFrame"):
        write_excel({"s": [1, 2]}, tmp_path / "x.xlsx")
    frame = _frame()
    frame.attrs["excel_charts"] = [{"type": "pie", "x": "月份", "y": ["目标金额"]}]
    with pytest.raises(ValueError, match="bar"):
        write_excel({"s": frame}, tmp_path / "x.xlsx")
    frame.attrs["excel_charts"] = [{"type": "bar", "x": "月份", "y": ["无此列"]}]
    with pytest.raises(ValueError, match="not in the table"):
        write_excel({"s": frame}, tmp_path / "x.xlsx")


def test_lists_joined_and_missing_values_blank(tmp_path):
    frame = pd.DataFrame(
        {
            "科室": [["心内科", "呼吸内科"], []],
            "数量": pd.array([1, None], dtype="Int64"),
            "比率": [np.nan, 0.5],
            "日": [dt.date(2026, 7, 1), None],
            "ok": [True, False],
        }
    )
    ws = load_workbook(write_excel({"s": frame}, tmp_path / "l.xlsx"))["s"]
    assert ws["A2"].value == "心内科、呼吸内科"
    assert ws["B3"].value is None
    assert ws["C2"].value is None
    assert ws["E2"].value is True


def test_stacked_and_side_by_side_tables_and_charts(tmp_path):
    key = pd.DataFrame({"项目": ["区域"], "说明": ["兰州"]})
    beside = pd.DataFrame({"品种": ["A", "B"], "数量": [1, 2]})
    beside.attrs["beside"] = True
    below = pd.DataFrame({"季度": ["2026Q3", "2026Q4"], "目标": [10.0, 20.0], "完成率": [0.5, 1.2]})
    below.attrs["title"] = "季度"
    below.attrs["excel_charts"] = [
        {"type": "bar", "x": "季度", "y": ["目标"], "title": "目标", "y_format": "#,##0"},
        {"type": "line", "x": "季度", "y": ["完成率"], "percent": True},
    ]
    path = write_excel({"s": [key, beside, below]}, tmp_path / "s.xlsx")
    ws = load_workbook(path)["s"]
    refs = sorted(t.ref for t in ws.tables.values())
    assert refs == ["A1:B2", "A7:C9", "D1:E3"]
    assert ws["A6"].value == "季度"
    assert len(ws._charts) == 2


def test_empty_frame_gets_headed_table(tmp_path):
    frame = pd.DataFrame({"拜访日期": pd.Series(dtype=object), "目的": pd.Series(dtype=object)})
    ws = load_workbook(write_excel({"H 代表日程": frame}, tmp_path / "e.xlsx"))["H 代表日程"]
    assert [c.value for c in ws[1]] == ["拜访日期", "目的"]
    assert ws.tables["Table1"].ref == "A1:B2"


def test_replaces_existing_file(tmp_path):
    path = tmp_path / "p.xlsx"
    write_excel({"s": pd.DataFrame({"x": [1]})}, path)
    write_excel({"s": pd.DataFrame({"x": [2]})}, path)
    assert pd.read_excel(path, engine="calamine")["x"].tolist() == [2]


def test_widths_have_no_hash_marks_in_libreoffice_rendering():
    """Widths are computed from the displayed text, so numbers never show as #####."""
    values = [1234567890.5, 0.123, 98765]
    for v, fmt in zip(values, ["#,##0.00", "0.0%", "#,##0"], strict=True):
        shown = excel_mod._shown(v, fmt)
        assert excel_mod._display_width(shown) + 2 <= 60


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_plan_workbook(tmp_path):
    ds = rk.sample.generate(seed=0, regions=1)
    plan = rk.plan.build(ds, "2026H2", forecast="simple")
    path = write_excel(plan.workbook(), tmp_path / "plan.xlsx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / "plan.pdf"
    assert pdf.exists()
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "###" not in text
        assert "季度完成率" in text
        assert "兰州空军医院" in text


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_file_mode_follows_umask(tmp_path, mask, mode):
    old = os.umask(mask)
    try:
        path = write_excel({"s": pd.DataFrame({"x": [1]})}, tmp_path / "m.xlsx")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert not list(tmp_path.glob(".*.tmp"))


def test_canonical_headers_and_codes_are_labelled(tmp_path):
    frame = pd.DataFrame(
        {
            "level": ["3A", "community"],
            "level_label": ["三甲", "社区"],
            "status": ["star", "dormant"],
            "target_amount": [1234567.0, 2.5],
            "completion_rate": [0.5, 1.2],
        }
    )
    frame.attrs["excel_formats"] = {"target_amount": "#,##0.0"}
    ws = load_workbook(write_excel({"s": frame}, tmp_path / "c.xlsx"))["s"]
    header = [c.value for c in ws[1]]
    assert header == ["等级", "状态", "指标金额(元)", "完成率"]
    assert [ws["A2"].value, ws["A3"].value] == ["三甲", "社区"]
    assert ws["B3"].value == rk.labels.STATUS_LABELS["dormant"]
    assert ws["C2"].value == 1234567.0  # a number, formatted by Excel
    assert ws["C2"].number_format == "#,##0.0"


def test_completion_colours_use_the_shared_thresholds(tmp_path, monkeypatch):
    monkeypatch.setattr("repkit.report._xlsx.COMPLETION_MID_FROM", 0.9)
    frame = pd.DataFrame({"完成率": [0.85, 1.0]})
    ws = load_workbook(write_excel({"s": frame}, tmp_path / "t.xlsx"))["s"]
    formulas = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    assert formulas[0] == "AND(ISNUMBER(A2),A2<0.9)"
    assert rk.report.style.COMPLETION_MID_FROM == 0.8  # one definition, used by both


def test_print_setup_on_every_sheet(tmp_path):
    narrow = pd.DataFrame({"品种": ["甲"], "数量": [1]})
    wide = pd.DataFrame({f"列{i}": [i] for i in range(9)})
    path = write_excel({"窄": narrow, "宽": wide}, tmp_path / "p.xlsx", header="兰州 · 2026H2")
    wb = load_workbook(path)
    for ws in wb.worksheets:
        assert ws.print_title_rows == "$1:$1"
        assert ws.page_setup.fitToWidth in (None, 1)  # absent is 1, the OOXML default
        assert ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddHeader.center.text == "&A"
        assert ws.oddHeader.left.text == "兰州 · 2026H2"
        assert "&P" in ws.oddFooter.center.text
        assert "&N" in ws.oddFooter.center.text
    assert wb["窄"].page_setup.orientation == "portrait"
    assert wb["宽"].page_setup.orientation == "landscape"


def test_formulas_and_totals_follow_the_header(tmp_path):
    frame = pd.DataFrame(
        {"target_units": [100, 40], "actual_units": [50.0, None], "completion_rate": np.nan}
    )
    frame.attrs["excel_formulas"] = {
        "completion_rate": 'IF(ISNUMBER({actual_units}),{actual_units}/{target_units},"")'
    }
    frame.attrs["excel_totals"] = ["target_units", "actual_units"]
    below = pd.DataFrame({"x": [1]})
    ws = load_workbook(write_excel({"s": [frame, below]}, tmp_path / "f.xlsx"))["s"]
    assert [c.value for c in ws[1]] == ["指标数量", "实际数量", "完成率"]
    assert ws["C2"].value == '=IF(ISNUMBER(B2),B2/A2,"")'
    assert ws["C3"].value == '=IF(ISNUMBER(B3),B3/A3,"")'
    assert ws["C2"].number_format == "0.0%"
    assert ws["A4"].value == "=SUBTOTAL(109,A2:A3)"  # first column totalled: no label
    assert ws["B4"].value == "=SUBTOTAL(109,B2:B3)"
    assert ws.tables["Table1"].ref == "A1:C3"  # the totals row is outside the Table
    assert ws["A7"].value == "x"  # the next table starts below the totals row
    bad = pd.DataFrame({"a": [1]})
    bad.attrs["excel_formulas"] = {"a": "{b}*2"}
    with pytest.raises(ValueError, match="excel_formulas names unknown columns"):
        write_excel({"s": bad}, tmp_path / "bad.xlsx")
    assert not (tmp_path / "bad.xlsx").exists()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_recalculates_plan_workbook(tmp_path):
    """A manager types actuals into G; LibreOffice recalculates completion, gap, totals."""
    ds = rk.sample.generate(seed=0, regions=1)
    plan = rk.plan.build(ds, "2026H2", forecast="simple")
    book = plan.workbook()
    path = write_excel(book, tmp_path / "plan.xlsx")
    wb = load_workbook(path)
    g = wb["G 周上量分析"]
    head = [c.value for c in g[1]]
    col = {name: head.index(name) + 1 for name in head}
    g.cell(row=2, column=col["本周实际数量"], value=50)
    g.cell(row=3, column=col["本周实际数量"], value=30)
    edited = tmp_path / "edited" / "plan.xlsx"
    edited.parent.mkdir()
    wb.save(edited)
    command = ["soffice", "--headless", "--calc", "--convert-to", "xlsx", "--outdir"]
    subprocess.run(
        [*command, str(tmp_path), str(edited)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    done = load_workbook(tmp_path / "plan.xlsx", data_only=True)
    g = done["G 周上量分析"]
    ours = book["G 周上量分析"]
    for row, actual in ((2, 50), (3, 30)):
        target = int(ours["周目标数量"].iloc[row - 2])
        assert g.cell(row=row, column=col["完成率"]).value == pytest.approx(actual / target)
        assert g.cell(row=row, column=col["本周差距数量"]).value == target - actual
    assert g.cell(row=4, column=col["完成率"]).value in (None, "")  # no actual yet
    total = g.cell(row=len(ours) + 2, column=col["周目标数量"]).value
    assert total == int(ours["周目标数量"].sum()) == plan.summary["target_units"]
    assert g.cell(row=len(ours) + 2, column=col["本周实际数量"]).value == 80
    e, ours_e = done["E 季度目标与差距"], book["E 季度目标与差距"]
    head_e = [c.value for c in e[1]]
    for name in ("同比增长率", "较上半年季均差距", "所需增长率"):
        j = head_e.index(name) + 1
        got = [e.cell(row=i + 2, column=j).value for i in range(len(ours_e))]
        want = ours_e[name].tolist()
        for a, b in zip(got, want, strict=True):
            if pd.isna(b):
                assert a in (None, "")
            else:
                assert a == pytest.approx(b, rel=1e-9, abs=0.01)
    j = head_e.index("目标金额") + 1
    assert e.cell(row=len(ours_e) + 2, column=j).value == pytest.approx(ours_e["目标金额"].sum())
    d, ours_d = done["D 月度品种任务分解"], book["D 月度品种任务分解"]
    j = [c.value for c in d[1]].index("月目标数量") + 1
    assert d.cell(row=len(ours_d) + 2, column=j).value == int(ours_d["月目标数量"].sum())


def test_tables_beside_each_other_print_on_their_own_pages(tmp_path):
    left = pd.DataFrame({"项目": ["区域"], "说明": ["兰州" * 20]})
    right = pd.DataFrame({f"列{i}": [i] for i in range(10)})
    right.attrs["beside"] = True
    ws = load_workbook(write_excel({"概览": [left, right]}, tmp_path / "b.xlsx"))["概览"]
    assert [b.id for b in ws.col_breaks.brk] == [3]  # break after column C (gap column)
    # "fit to pages wide" would make Excel and LibreOffice ignore the break: a fixed scale
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    widths = [7 * ws.column_dimensions[c].width + 5 for c in "DEFGHIJKLM"]
    assert 10 <= ws.page_setup.scale < 100
    assert sum(widths) * ws.page_setup.scale / 100 <= 978  # A4 landscape, 0.75 in margins


def test_money_chart_axes_are_in_wan_like_the_html_charts(tmp_path):
    frame = pd.DataFrame({"季度": ["2026Q3", "2026Q4"], "目标金额": [2_643_607.5, 3_061_321.5]})
    frame.attrs["excel_charts"] = [
        {"type": "bar", "x": "季度", "y": ["目标金额"], "y_title": "元", "y_format": "#,##0"},
        {"type": "bar", "x": "季度", "y": ["目标金额"], "y_title": "盒", "y_format": "#,##0"},
    ]
    ws = load_workbook(write_excel({"F": frame}, tmp_path / "f.xlsx"))["F"]
    money, units = (c.y_axis.numFmt.formatCode for c in ws._charts)
    assert money == rk.report.style.EXCEL_WAN_AXIS == '0\\.0,"万"'
    assert units == "#,##0"
