import datetime as dt

import pandas as pd
import pytest

from repkit.calendar import Half, festival_days, is_working_day, spring_festival, weeks_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026H1", Half(2026, 1)), ("2026-h2", Half(2026, 2)), ("2025年下半年", Half(2025, 2))],
)
def test_half_parse(text, expected):
    assert Half.parse(text) == expected


@pytest.mark.parametrize("text", ["2026H3", "H1", "2026", "2026 Q1"])
def test_half_parse_refuses(text):
    with pytest.raises(ValueError, match="2026H1"):
        Half.parse(text)


def test_half_navigation():
    h = Half.parse("2026H1")
    assert h.previous == Half(2025, 2)
    assert h.next == Half(2026, 2)
    assert h.same_last_year == Half(2025, 1)
    assert list(h.quarters.astype(str)) == ["2026Q1", "2026Q2"]
    assert Half.of(pd.Period("2026-07", "M")) == Half(2026, 2)
    assert h.label == "2026年上半年"


def test_adjusted_working_weekend_and_holidays():
    assert not is_working_day(dt.date(2026, 2, 17))  # Spring Festival
    assert is_working_day(dt.date(2026, 2, 14))  # Saturday made a working day
    assert not is_working_day(dt.date(2026, 2, 15))  # plain Sunday


def test_years_beyond_the_official_table_still_know_the_festival():
    assert not is_working_day(dt.date(2027, 2, 8))
    assert spring_festival(2027) == dt.date(2027, 2, 6)


def test_festival_window_moves_between_january_and_february():
    months = pd.period_range("2025-01", "2026-03", freq="M")
    fd = festival_days(months)
    assert fd[pd.Period("2025-01", "M")] > 0
    assert fd[pd.Period("2026-01", "M")] == 0
    assert fd.sum() == 2 * 22
    assert (fd[fd.index.month > 3] == 0).all()


def test_weeks_of_a_month_cover_its_working_days():
    weeks = weeks_of(pd.Period("2026-02", "M"))
    assert weeks["working_days"].sum() == 16  # 2026: 15–23 Feb off, 14 and 28 Feb worked
    assert weeks["start"].min() == pd.Timestamp("2026-02-01")


@pytest.fixture
def own_calendar():
    """Forget any user holiday calendar a test registers."""
    from repkit import calendar

    yield calendar
    calendar.use_holidays(None)


def test_2027_spring_festival_week_is_off_and_marked_provisional():
    from repkit import calendar

    # Spring Festival 2027 is Saturday 6 Feb; repkit's provisional arrangement keeps
    # 5-13 Feb off (like 2026's nine days) and works Sun 31 Jan and Sat 20 Feb
    assert spring_festival(2027) == dt.date(2027, 2, 6)
    week = [dt.date(2027, 2, 8) + dt.timedelta(days=i) for i in range(7)]
    assert not any(is_working_day(d) for d in week)
    assert not is_working_day(dt.date(2027, 2, 5))
    assert is_working_day(dt.date(2027, 1, 31))
    assert is_working_day(dt.date(2027, 2, 20))
    assert calendar.is_provisional(2027)
    assert not calendar.is_provisional(2026)
    assert calendar.calendar_status(2031) == "estimated"
    warn = calendar.calendar_warnings("2027H1")
    assert warn["year"].tolist() == [2027]
    assert "暂定" in warn["message"].iloc[0]
    assert calendar.calendar_warnings(pd.period_range("2026-01", "2026-12", freq="M")).empty


def test_2027_spring_festival_week_gets_no_weekly_target(sample_ds):
    import repkit as rk

    ds = sample_ds.for_region("兰州")
    plan = rk.plan.build(ds, "2027H1", scenario="target", forecast="simple")
    by_week = plan.weekly.groupby("week")["units"].sum()
    assert by_week.get(pd.Period("2027-02-10", "W-SUN"), 0) == 0
    assert by_week.get(pd.Period("2027-02-03", "W-SUN"), 0) > 0


def test_own_holiday_file_overrides_and_is_not_provisional(own_calendar, tmp_path):
    path = tmp_path / "节假日.csv"
    path.write_text(
        "日期,名称,是否上班\n2027-02-15,春节延长,否\n2027-02-21,调休上班,是\n", encoding="utf-8"
    )
    got = own_calendar.use_holidays(path)
    assert got["is_workday"].tolist() == [False, True]
    assert not is_working_day(dt.date(2027, 2, 15))
    assert is_working_day(dt.date(2027, 2, 21))  # a Sunday worked
    assert own_calendar.calendar_status(2027) == "user"
    assert not own_calendar.is_provisional(2027)
    own_calendar.use_holidays(None)
    assert is_working_day(dt.date(2027, 2, 15))
    assert own_calendar.is_provisional(2027)


def test_holiday_file_from_the_environment(own_calendar, tmp_path, monkeypatch):
    path = tmp_path / "h.csv"
    path.write_text("date,name,is_workday\n2026-03-02,公司年会,0\n", encoding="utf-8")
    monkeypatch.setenv(own_calendar.HOLIDAYS_ENV, str(path))
    own_calendar.use_holidays(None)  # re-read the environment
    assert not is_working_day(dt.date(2026, 3, 2))
    monkeypatch.delenv(own_calendar.HOLIDAYS_ENV)
    own_calendar.use_holidays(None)
    assert is_working_day(dt.date(2026, 3, 2))


def test_bad_holiday_file_is_refused_with_rule_codes(own_calendar, tmp_path):
    from repkit.errors import DataError

    path = tmp_path / "holidays.csv"
    path.write_text("date,name,is_workday\nsoon,x,0\n2027-01-04,y,maybe\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"holidays\.csv") as err:
        own_calendar.use_holidays(path)
    assert err.value.problems["rule"].tolist() == ["bad_date", "bad_code"]
    assert err.value.problems["row"].tolist() == [2, 3]


def test_load_dataset_reads_the_holiday_file_of_the_data_folder(own_calendar, sample_dir, tmp_path):
    import shutil

    import repkit as rk

    for f in sample_dir.iterdir():
        shutil.copy(f, tmp_path / f.name)
    pd.DataFrame({"日期": ["2027-02-22"], "名称": ["公司假"], "是否上班": ["否"]}).to_excel(
        tmp_path / "节假日.xlsx", index=False
    )
    ds = rk.load_dataset(tmp_path)
    assert len(ds.sales)
    assert not is_working_day(dt.date(2027, 2, 22))


def test_years_without_lunar_dates_have_no_festival_effect():
    from repkit.forecast._calendar import regressors

    months = pd.period_range("1948-11", "1951-03", freq="M")
    fd = festival_days(months)
    assert (fd[fd.index.year < 1950] == 0).all()
    assert fd[pd.Period("1950-02", "M")] > 0
    assert spring_festival(1949) is None
    assert regressors(months, "cn").shape == (len(months), 2)


def _bad_holiday_file(tmp_path):
    path = tmp_path / "假日.csv"
    path.write_text("日期,名称,是否上班\n2026-03-02,年会,否\n下周一,调休,是\n", encoding="utf-8")
    return path


def _series(months):
    import numpy as np

    t = np.arange(len(months))
    return pd.Series(100 + t + 10 * np.sin(t / 1.9), index=months)


def test_bad_holiday_file_in_the_environment_stops_the_calendar(
    own_calendar, tmp_path, monkeypatch
):
    # the forecasts' calendar once fell back to plain weekdays in silence (first month
    # only; the next months forgot the file and used the official calendar)
    from repkit.errors import DataError
    from repkit.forecast._calendar import regressors

    monkeypatch.setenv(own_calendar.HOLIDAYS_ENV, str(_bad_holiday_file(tmp_path)))
    own_calendar.use_holidays(None)
    months = pd.period_range("2024-01", "2026-06", freq="M")
    with pytest.raises(DataError, match=r"假日\.csv") as err:
        regressors(months, "cn")
    p = err.value.problems
    assert p[["file", "row", "column", "rule"]].values.tolist() == [
        ["假日.csv", 3, "日期", "bad_date"]  # the file's own heading, not repkit's name
    ]
    with pytest.raises(DataError, match="bad_date"):  # and again, not forgotten
        is_working_day(dt.date(2026, 3, 2))


@pytest.mark.parametrize("calendar", ["cn", "auto"])
def test_forecast_refuses_a_bad_holiday_file(own_calendar, tmp_path, monkeypatch, calendar):
    import repkit as rk
    from repkit.errors import DataError

    monkeypatch.setenv(own_calendar.HOLIDAYS_ENV, str(_bad_holiday_file(tmp_path)))
    own_calendar.use_holidays(None)
    y = _series(pd.period_range("2023-01", periods=36, freq="M"))
    with pytest.raises(DataError, match="bad_date"):
        rk.forecast.forecast(y, 3, calendar=calendar)


def test_missing_holiday_file_in_the_environment_is_not_ignored(
    own_calendar, tmp_path, monkeypatch
):
    from repkit.forecast._calendar import regressors

    monkeypatch.setenv(own_calendar.HOLIDAYS_ENV, str(tmp_path / "没有这个文件.csv"))
    own_calendar.use_holidays(None)
    with pytest.raises(FileNotFoundError, match="没有这个文件") as err:
        regressors(pd.period_range("2025-01", "2025-12", freq="M"), "cn")
    assert own_calendar.HOLIDAYS_ENV in str(err.value)  # says where the path came from


def test_weekdays_calendar_does_not_read_the_holiday_file(own_calendar, tmp_path, monkeypatch):
    import numpy as np

    import repkit as rk
    from repkit.forecast._calendar import regressors

    months = pd.period_range("2023-01", periods=36, freq="M")
    plain = regressors(months, "weekdays").copy()
    y = _series(months)
    want = rk.forecast.forecast(y, 3, calendar="weekdays")
    monkeypatch.setenv(own_calendar.HOLIDAYS_ENV, str(_bad_holiday_file(tmp_path)))
    own_calendar.use_holidays(None)
    assert np.array_equal(regressors(months, "weekdays"), plain)
    got = rk.forecast.forecast(y, 3, calendar="weekdays")
    assert np.array_equal(got.to_numpy(), want.to_numpy())


@pytest.mark.parametrize(
    ("start", "end"), [("1600-01", "1603-12"), ("1946-01", "1949-12"), ("2101-01", "2300-12")]
)
def test_years_without_lunar_dates_are_plain_weekdays_without_festival(start, end):
    # no crash and no fallback needed: before 1950 and after 2100 the holidays package
    # knows no Chinese holidays, so working days are the weekdays
    import numpy as np

    from repkit.forecast._calendar import regressors

    months = pd.period_range(start, end, freq="M")
    cn, wd = regressors(months, "cn"), regressors(months, "weekdays")
    assert np.array_equal(cn[:, 0], wd[:, 0])
    assert (cn[:, 1] == 0).all()


def test_holiday_csv_saved_as_gbk_is_read(own_calendar, tmp_path):
    # Excel on Chinese Windows saves CSV as GBK; this raised UnicodeDecodeError
    path = tmp_path / "节假日.csv"
    path.write_bytes("日期,名称,是否上班\n2026-03-02,公司年会,否\n".encode("gbk"))
    got = own_calendar.use_holidays(path)
    assert got["name"].tolist() == ["公司年会"]
    assert not is_working_day(dt.date(2026, 3, 2))


@pytest.mark.parametrize(
    ("file", "content", "rule", "row"),
    [
        ("holidays.xlsx", b"PK\x03\x04 not a workbook", "not_a_spreadsheet", None),
        ("holidays.csv", b"", "empty", None),
        ("holidays.csv", b"date,name,is_workday\n2026-03-02,a,0\n2026-03-03,b,0,x,y\n", None, 3),
        ("holidays.csv", b"date,name,is_workday\n\xff\xfe\xfd\x81\x00,a,0\n", "mojibake", None),
    ],
)
def test_unreadable_holiday_file_is_a_data_error(own_calendar, tmp_path, file, content, rule, row):
    # these raised pandas', python-calamine's or the codec's own errors, in English
    from repkit.errors import DataError

    path = tmp_path / file
    path.write_bytes(content)
    with pytest.raises(DataError, match=file.replace(".", r"\.")) as err:
        own_calendar.use_holidays(path)
    p = err.value.problems
    assert p["file"].tolist() == [file]
    assert p["rule"].tolist() == [rule or "not_a_spreadsheet"]
    assert p["row"].tolist() == [row if row is not None else pd.NA]


# -- the holiday file is read like every data file (repkit.io's readers and guards)

HOLIDAY_ROWS = [["日期", "名称", "是否上班"], ["2026-03-02", "公司年会", "否"]]
HOLIDAY_CSV = "日期,名称,是否上班\n2026-03-02,公司年会,否\n"


def _problems_of(calendar, path):
    from repkit.errors import DataError

    with pytest.raises(DataError, match=path.name.replace(".", r"\.")) as err:
        calendar.use_holidays(path)
    p = err.value.problems
    assert p["file"].tolist() == [path.name] * len(p)  # every problem names the file
    return p


def test_holiday_workbook_declaring_a_huge_member_is_refused_unopened(
    own_calendar, tmp_path, monkeypatch
):
    import python_calamine
    from test_io_safety import _patch_declared_size

    from repkit.io._xlsx import Sheet, write_xlsx

    path = write_xlsx(tmp_path / "节假日.xlsx", [Sheet("节假日", HOLIDAY_ROWS)])
    _patch_declared_size(path, "xl/worksheets/sheet1.xml", 3 * 2**30)

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", never)
    p = _problems_of(own_calendar, path)
    assert p[["rule", "column"]].values.tolist() == [["too_large", "xl/worksheets/sheet1.xml"]]


def test_holiday_zip_bomb_is_refused(own_calendar, tmp_path):
    import zipfile

    path = tmp_path / "holidays.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b"0" * (12 * 2**20) + b">")
    p = _problems_of(own_calendar, path)
    assert p["rule"].tolist() == ["too_large"]
    assert "压缩比" in p["message"].iloc[0]


def test_holiday_sheet_with_a_stray_cell_at_xfd1048576_is_refused_not_allocated(
    own_calendar, tmp_path
):
    import zipfile

    from test_io_safety import _with_member

    from repkit.io._xlsx import Sheet, write_xlsx

    path = write_xlsx(tmp_path / "节假日.xlsx", [Sheet("节假日", HOLIDAY_ROWS)])
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    with zipfile.ZipFile(path) as src:
        sheet = src.read("xl/worksheets/sheet1.xml").replace(b"</sheetData>", far)
    _with_member(path, "xl/worksheets/sheet1.xml", sheet)
    p = _problems_of(own_calendar, path)
    assert p[["rule", "sheet"]].values.tolist() == [["too_large", "节假日"]]


def _xml_2003(rows):
    cells = "".join(
        "<Row>" + "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>' for v in r) + "</Row>"
        for r in rows
    )
    return (
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="节假日">'
        f"<Table>{cells}</Table></Worksheet></Workbook>"
    ).encode()


def _html(rows):
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in rows)
    return f'<html><meta charset="utf-8"><table>{body}</table></html>'.encode()


@pytest.mark.parametrize(
    ("file", "content"),
    [
        ("holidays.xlsx", HOLIDAY_CSV.encode("utf-8")),  # a CSV named .xlsx
        ("节假日.xlsx", HOLIDAY_CSV.encode("gbk")),  # ... saved by Excel on Chinese Windows
        ("节假日.csv", HOLIDAY_CSV.encode("utf-16")),
        ("节假日.csv", HOLIDAY_CSV.replace(",", "\t").encode("gb18030")),  # tab-separated
        ("节假日.xls", _html(HOLIDAY_ROWS)),  # a web system's "Excel" export
        ("节假日.xls", _xml_2003(HOLIDAY_ROWS)),  # Excel 2003 XML
    ],
    ids=["csv-as-xlsx", "gbk-csv-as-xlsx", "utf16-csv", "gb18030-tsv", "html-as-xls", "xml2003"],
)
def test_holiday_file_is_read_by_its_content_not_its_extension(
    own_calendar, tmp_path, file, content
):
    path = tmp_path / file
    path.write_bytes(content)
    got = own_calendar.use_holidays(path)
    assert got.values.tolist() == [[dt.date(2026, 3, 2), "公司年会", False]]
    assert not is_working_day(dt.date(2026, 3, 2))


def test_holiday_file_as_parquet(own_calendar, tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "holidays.xlsx"  # the extension lies; parquet is told by its bytes
    pd.DataFrame({"日期": pd.to_datetime(["2026-03-02"]), "是否上班": [0]}).to_parquet(path)
    got = own_calendar.use_holidays(path)
    assert got[["date", "is_workday"]].values.tolist() == [[dt.date(2026, 3, 2), False]]


@pytest.mark.parametrize(
    ("file", "content"),
    [("holidays.xlsx", b""), ("节假日.csv", b" \r\n\r\n"), ("节假日.xls", b"\x00" * 64)],
)
def test_empty_holiday_file_is_refused_by_name(own_calendar, tmp_path, file, content):
    path = tmp_path / file
    path.write_bytes(content)
    p = _problems_of(own_calendar, path)
    assert p["rule"].tolist() == ["empty"]


def test_holiday_sheet_is_chosen_by_its_headers(own_calendar, tmp_path):
    from repkit.io._xlsx import Sheet, write_xlsx

    notes = Sheet("说明", [["本表由人事部维护"], ["修改请联系张三"]])
    path = write_xlsx(tmp_path / "节假日.xlsx", [notes, Sheet("2026", HOLIDAY_ROWS)])
    assert own_calendar.use_holidays(path)["name"].tolist() == ["公司年会"]


def test_holiday_sheet_blank_rows_and_merged_cells(own_calendar, tmp_path):
    from repkit.io._xlsx import Sheet, write_xlsx

    rows = [
        [],
        ["日期", "名称", "是否上班", "备注"],
        ["2027-02-15", "春节延长", "否", "人事部通知"],
        ["2027-02-16", None, None],
        [],
        ["2027-02-21", "调休上班", "是"],
    ]
    path = write_xlsx(tmp_path / "节假日.xlsx", [Sheet("节假日", rows, merged=["B3:B4", "C3:C4"])])
    got = own_calendar.use_holidays(path)
    assert got.values.tolist() == [
        [dt.date(2027, 2, 15), "春节延长", False],
        [dt.date(2027, 2, 16), "春节延长", False],  # the merged 名称 and 是否上班 cells
        [dt.date(2027, 2, 21), "调休上班", True],
    ]


def test_holiday_problems_name_the_file_row_after_blank_lines(own_calendar, tmp_path):
    path = tmp_path / "节假日.csv"
    path.write_text("日期,名称,是否上班\n\n2026-03-02,a,否\n\n下周一,b,否\n", encoding="utf-8")
    p = _problems_of(own_calendar, path)
    assert p[["row", "column", "value", "rule"]].values.tolist() == [
        [5, "日期", "下周一", "bad_date"]
    ]


def test_holiday_header_written_twice_is_refused(own_calendar, tmp_path):
    path = tmp_path / "节假日.csv"
    path.write_text("日期,日期,是否上班\n2026-03-02,2026-03-03,否\n", encoding="utf-8")
    p = _problems_of(own_calendar, path)
    assert p[["row", "column", "rule"]].values.tolist() == [[1, "日期", "duplicate_header"]]


def test_holiday_csv_row_wider_than_its_header_names_each_line(own_calendar, tmp_path):
    path = tmp_path / "节假日.csv"
    path.write_text(
        "日期,名称,是否上班\n2026-03-02,春节,除夕,否\n2026-03-03,b,否,,\n2026-03-04,c,否,x\n",
        encoding="utf-8",
    )
    p = _problems_of(own_calendar, path)
    assert p[["row", "rule"]].values.tolist() == [
        [2, "not_a_spreadsheet"],
        [4, "not_a_spreadsheet"],
    ]
    assert "未加引号的逗号" in p["message"].iloc[0]


def test_holiday_headers_meaning_the_same_column_are_refused(own_calendar, tmp_path):
    """日期 and date are both the date column: refused by name, not a pandas ValueError."""
    path = tmp_path / "节假日.csv"
    path.write_text("\n日期,date,是否上班\n2026-10-01,2026-10-01,否\n", encoding="utf-8")
    p = _problems_of(own_calendar, path)
    assert p[["row", "column", "rule"]].values.tolist() == [[2, "date", "duplicate_header"]]
    assert "'日期' 和 'date' 都表示" in p["message"].iloc[0]


def test_holiday_without_a_name_is_named_blank_not_nan(own_calendar, tmp_path):
    path = tmp_path / "节假日.csv"
    path.write_text("日期,名称,是否上班\n2026-10-01,,否\n2026-10-02, 国庆 ,否\n", encoding="utf-8")
    table = own_calendar.use_holidays(path)
    assert table["name"].tolist() == ["", "国庆"]


def test_holiday_workbook_error_cell_is_an_excel_error_with_its_sheet(own_calendar, tmp_path):
    """A #N/A in the date column is named as the error it is, not as "不是日期" of a blank."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "放假"
    ws.append(["日期", "名称", "是否上班"])
    ws.append(["2026-10-01", "国庆", "否"])
    ws.append(["2026-10-02", "国庆", "否"])
    ws["A3"].value = "#N/A"
    ws["A3"].data_type = "e"
    path = tmp_path / "节假日.xlsx"
    wb.save(path)
    p = _problems_of(own_calendar, path)
    assert p[["sheet", "row", "column", "value", "rule"]].values.tolist() == [
        ["放假", 3, "日期", "#N/A", "excel_error"]
    ]


def test_holiday_problems_name_the_sheet(own_calendar, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "放假"
    ws.append(["日期", "是否上班"])
    ws.append(["十月一日", "否"])
    path = tmp_path / "节假日.xlsx"
    wb.save(path)
    p = _problems_of(own_calendar, path)
    assert p[["sheet", "row", "rule"]].values.tolist() == [["放假", 2, "bad_date"]]
