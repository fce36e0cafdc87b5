"""The field-work tables (nurses, competitors, meetings, listings) read from messy files."""

from __future__ import annotations

import pytest

import repkit as rk
from repkit.io._xlsx import Sheet, write_xlsx

FIELD_KINDS = ("nurses", "competitors", "meetings", "listings")


def xlsx(tmp_path, rows, name="f.xlsx", sheet="Sheet1"):
    return write_xlsx(tmp_path / name, [Sheet(sheet, rows)])


def problems(call):
    with pytest.raises(rk.DataError) as err:
        call()
    return err.value.problems


def where(p):
    return sorted(p[["row", "column", "rule"]].itertuples(index=False, name=None))


def test_nurses_from_a_titled_sheet_with_alias_headers(tmp_path):
    rows = [
        ["住院部和急诊科护士信息（表C）"],
        ["医院代码", "护理单元", "姓名", "护理职称", "录入日期"],
        ["001001", "急诊科", "赵敏", "护士长", "2026/1/8"],
        ["001001", "心内科病区", "孙丽", "主管护士", "2026-01-12"],
        ["001001", "心内科病区", "周洁", "实习护士", "2026年1月12日"],
    ]
    t = rk.read_table(xlsx(tmp_path, rows), "nurses")
    assert t["title"].tolist() == ["head_nurse", "charge_nurse", "intern_nurse"]
    assert t["department"].tolist() == ["急诊科", "心内科病区", "心内科病区"]
    assert t["recorded_on"].dt.day.tolist() == [8, 12, 12]


def test_nurse_title_outside_the_list_is_refused_with_its_cell(tmp_path):
    rows = [
        ["护士信息"],
        ["医院编码", "病区", "护士姓名", "职称"],
        ["001001", "急诊科", "赵敏", "护士长"],
        ["001001", "急诊科", "孙丽", "主任医师"],
    ]
    p = problems(lambda: rk.read_table(xlsx(tmp_path, rows), "nurses"))
    assert where(p) == [(4, "职称", "bad_code")]


def test_a_nurse_listed_twice_is_a_duplicate_key(tmp_path):
    rows = [
        ["医院编码", "病区", "护士姓名", "职称"],
        ["001001", "急诊科", "赵敏", "护士长"],
        ["001001", "急诊科", "赵敏", "护士"],
    ]
    p = problems(lambda: rk.read_table(xlsx(tmp_path, rows), "nurses"))
    assert set(p["rule"]) == {"duplicate_key"}
    assert set(p["row"]) == {2, 3}


def test_competitors_from_a_gbk_csv_with_a_bad_price(tmp_path):
    text = (
        "竞品周报 2026年1月\n"
        "调查日期,医院编码,科室,本品,竞品名称,动态,价格,对策\n"
        "2026/1/9,001001,心内科,瑞心安片,心脉宁片,降价投标,45.0,上报公司\n"
        "2026/1/16,001001,心内科,新活宁注射液,心活素注射液,科室会推广,,加开科室会\n"
        "2026/1/23,001002,内一科,瑞心安片,心脉宁片,降价投标,四十元,\n"
    )
    path = tmp_path / "竞品.csv"
    path.write_bytes(text.encode("gb18030"))
    p = problems(lambda: rk.read_table(path, "competitors"))
    assert where(p) == [(5, "价格", "bad_number")]
    path.write_bytes(text.replace("四十元", "40").encode("gb18030"))
    t = rk.read_table(path, "competitors")
    assert t["competitor_product"].tolist() == ["心脉宁片", "心活素注射液", "心脉宁片"]
    assert t["price"].isna().tolist() == [False, True, False]
    assert t["notes"].iloc[0] == "上报公司"


def test_negative_competitor_price_is_out_of_range(tmp_path):
    rows = [
        ["日期", "医院编码", "竞品", "竞品活动", "竞品价格"],
        ["2026-01-09", "001001", "心脉宁片", "降价投标", -5],
    ]
    p = problems(lambda: rk.read_table(xlsx(tmp_path, rows), "competitors"))
    assert where(p) == [(2, "竞品价格", "out_of_range")]


def test_meetings_with_labels_and_a_bad_type(tmp_path):
    rows = [
        ["科室会记录"],
        [],
        ["开会日期", "医院编码", "科室", "会议形式", "品种", "应到人数", "实到人数"],
        ["2026-01-20", "001001", "心内科", "科室会议", "新活宁注射液", 20, 18],
        ["2026-02-26", "001001", "呼吸内科", "学术会", "瑞心安片", 60, 55],
        ["2026-03-02", "001001", "呼吸内科", "茶话会", "瑞心安片", 10, 9],
    ]
    p = problems(lambda: rk.read_table(xlsx(tmp_path, rows), "meetings"))
    assert where(p) == [(6, "会议形式", "bad_code")]
    rows[-1][3] = "院内会"
    t = rk.read_table(xlsx(tmp_path, rows, name="ok.xlsx"), "meetings")
    assert t["type"].tolist() == ["department", "academic", "hospital"]
    assert t["attended"].sum() == 82


def test_more_attendees_than_invitees_is_refused(tmp_path):
    rows = [
        ["会议日期", "医院编码", "科室", "会议类型", "品种", "邀请人数", "到会人数"],
        ["2026-01-20", "001001", "心内科", "科室会", "新活宁注射液", 20, 18],
        ["2026-01-27", "001001", "心内科", "科室会", "新活宁注射液", 20, 25],
    ]
    p = problems(lambda: rk.read_table(xlsx(tmp_path, rows), "meetings"))
    assert where(p) == [(3, "到会人数", "attended_above_invited")]


@pytest.mark.parametrize("header", ["人均费用", "讲课费", "会议费用(元)"])
def test_a_meetings_file_with_spending_is_refused(tmp_path, header):
    rows = [
        ["会议日期", "医院编码", "会议类型", "品种", "邀请人数", "到会人数", header],
        ["2026-01-20", "001001", "科室会", "新活宁注射液", 20, 18, 300],
    ]
    p = problems(lambda: rk.read_table(xlsx(tmp_path, rows), "meetings"))
    assert set(p["rule"]) == {"meeting_spending"}
    assert p["column"].tolist() == [header]
    assert "meeting_spending" in rk.errors.RULES


def test_listings_with_labels_dates_and_a_blank_status(tmp_path):
    rows = [
        ["新品进院进度"],
        ["医院编码", "品种", "准入状态", "提交日期", "准入日期", "标杆医院", "首批处方人数"],
        ["001001", "新活宁注射液", "已进院", "2025-03-02", "2025-06-18", "是", 3],
        ["001002", "新活宁注射液", "临采", "2026-01-15", None, "否", None],
        ["001003", "新活宁注射液", None, "2026-02-01", None, "否", None],
    ]
    p = problems(lambda: rk.read_table(xlsx(tmp_path, rows), "listings"))
    assert where(p) == [(5, "准入状态", "missing_value")]
    t = rk.read_table(xlsx(tmp_path, rows[:-1], name="ok.xlsx"), "listings")
    assert t["status"].tolist() == ["listed", "temporary"]
    assert t["benchmark"].tolist() == [True, False]
    assert t["first_prescribers"].iloc[0] == 3


def test_a_listing_without_status_column_is_a_missing_column(tmp_path):
    rows = [["医院编码", "品种"], ["001001", "新活宁注射液"]]
    p = problems(lambda: rk.read_table(xlsx(tmp_path, rows), "listings"))
    assert set(p["rule"]) == {"missing_column"}


def test_field_tables_refer_to_known_hospitals(tmp_path):
    ds = rk.sample.generate(seed=0, regions=1, calls=False)
    rk.sample.write(ds, tmp_path)
    rows = [["医院编码", "病区", "护士姓名", "职称"], ["999999", "急诊科", "赵敏", "护士长"]]
    (tmp_path / "护士.xlsx").unlink()
    xlsx(tmp_path, rows, name="护士.xlsx")
    p = problems(lambda: rk.load_dataset(tmp_path))
    assert set(p["rule"]) == {"unknown_reference"}
    assert p["file"].tolist() == ["护士.xlsx"]
    assert p["row"].tolist() == [2]


def test_sample_field_tables_load_back_for_every_region(tmp_path):
    ds = rk.sample.generate(seed=0)
    rk.sample.write(ds, tmp_path)
    back = rk.load_dataset(tmp_path)
    for kind in FIELD_KINDS:
        assert len(getattr(back, kind)) == len(getattr(ds, kind)) > 0, kind
        for region in ds.regions:
            assert len(getattr(back.for_region(region), kind)) > 0, (kind, region)
    assert set(back.meetings["type"]) == {"department", "academic"}
    assert (back.meetings["attended"] <= back.meetings["invited"]).all()
    assert set(back.listings["status"]) >= {"listed", "applied", "not_listed"}


def test_sample_meetings_hold_no_spending_column():
    ds = rk.sample.generate(seed=0, regions=1)
    assert set(ds.meetings.columns) == set(rk.schema.TABLES["meetings"].columns)
    assert not any("cost" in c or "fee" in c for c in ds.meetings.columns)


def test_for_region_keeps_only_the_regions_hospitals():
    ds = rk.sample.generate(seed=0, regions=2)
    sub = ds.for_region("西宁")
    ids = set(sub.hospitals["hospital_id"])
    for kind in FIELD_KINDS:
        assert set(getattr(sub, kind)["hospital_id"]) <= ids
