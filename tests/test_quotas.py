"""Quotas below the region: reading, refusals, and the review against real quotas."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import repkit as rk
from repkit.calendar import Half, parse_period
from repkit.io._quotas import half_quotas, quota_levels
from repkit.plan._decompose import UNASSIGNED
from repkit.plan._quota_targets import level_targets
from repkit.plan._quotas import quota_reviews, target_source_note
from repkit.plan._review import company_targets, prices, review_targets
from repkit.report.document import headline, review_table
from repkit.report.entry import write_entry_templates
from repkit.sample import QUOTA_REGION

HEAD = "期间,区域,医院编码,科室,代表编码,品种,指标数量\n"


def _csv(tmp_path, body: str, name: str = "指标.csv"):
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def _problems(path) -> pd.DataFrame:
    with pytest.raises(rk.DataError) as info:
        rk.read_table(path, "targets")
    return info.value.problems


# --------------------------------------------------------------------------- reading


def test_each_level_and_period_loads(tmp_path):
    path = _csv(
        tmp_path,
        "2026H2,兰州,,,,A,1000\n"
        "2026Q3,兰州,H1,,,A,200\n"
        "2026年第四季度,兰州,H1,,,A,250\n"
        "2026H2,兰州,H2,心内科,,A,300\n"
        + "".join(f"2026-{m:02d},兰州,,,R1,A,50\n" for m in range(7, 13)),
    )
    t = rk.read_table(path, "targets")
    assert (
        quota_levels(t).tolist() == ["region", "hospital", "hospital", "department"] + ["rep"] * 6
    )
    assert t["period"].tolist()[:4] == ["2026H2", "2026Q3", "2026Q4", "2026H2"]
    q = half_quotas(t, Half.parse("2026H2")).set_index("level")["units"]
    assert q.to_dict() == {"region": 1000, "hospital": 450, "department": 300, "rep": 300}


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2026年下半年", "2026H2"),
        ("2026-Q3", "2026Q3"),
        ("2026年3季度", "2026Q3"),
        ("2026年7月", "2026-07"),
        ("202607", "2026-07"),
    ],
)
def test_period_syntaxes(text, period):
    assert parse_period(text) == period


def test_region_targets_read_as_before(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("期间,区域,品种,指标数量\n2026H1,兰州,A,100\n2026H2,兰州,A,120\n", "utf-8")
    t = rk.read_table(path, "targets")
    assert list(t.columns) == ["period", "region", "product", "units"]
    ds = rk.Dataset.from_tables(targets=t)
    assert company_targets(ds, Half.parse("2026H2"), pd.Series({"A": 1.0})).to_dict() == {
        "A": 120.0
    }


# --------------------------------------------------------------------------- refusals


def test_same_quota_twice_is_refused_naming_both_rows(tmp_path):
    p = _problems(
        _csv(tmp_path, "2026H2,兰州,,,,A,1000\n2026H2,兰州,H1,,,A,200\n2026H2,兰州,H1,,,A,250\n")
    )
    assert p[["row", "column", "rule"]].values.tolist() == [[4, "期间", "duplicate_key"]]
    assert "第 3 行" in p["message"].iloc[0]


def test_overlapping_periods_are_refused(tmp_path):
    p = _problems(_csv(tmp_path, "2026H2,兰州,,,R1,A,600\n2026Q3,兰州,,,R1,A,300\n"))
    assert p[["row", "value", "rule"]].values.tolist() == [[3, "2026Q3", "overlapping_quota"]]
    assert "与第 2 行的 2026H2 指标重叠" in p["message"].iloc[0]


def test_half_partly_covered_is_refused(tmp_path):
    p = _problems(_csv(tmp_path, "2026Q3,兰州,H1,,,A,300\n"))
    assert p["rule"].tolist() == ["partial_quota_period"]
    assert "缺少 2026-10、2026-11、2026-12" in p["message"].iloc[0]


@pytest.mark.parametrize(
    ("body", "row", "lower"),
    [
        # hospitals above the region
        (
            "2026H2,兰州,,,,A,1000\n2026H2,兰州,H1,,,A,600\n2026Q3,兰州,H2,,,A,300\n"
            "2026Q4,兰州,H2,,,A,300\n",
            2,
            "第 3 行、第 4 行、第 5 行",
        ),
        # departments above their hospital
        (
            "2026H2,兰州,H1,,,A,500\n2026H2,兰州,H1,心内科,,A,400\n2026H2,兰州,H1,肿瘤科,,A,200\n",
            2,
            "第 3 行、第 4 行",
        ),
        # sales staff above the region
        (
            "2026H2,兰州,,,,A,1000\n2026H2,兰州,,,R1,A,700\n2026H2,兰州,,,R2,A,400\n",
            2,
            "第 3 行、第 4 行",
        ),
    ],
)
def test_lower_quotas_above_their_parent_are_refused(tmp_path, body, row, lower):
    p = _problems(_csv(tmp_path, body))
    assert p[["row", "column", "rule"]].values.tolist() == [[row, "指标数量", "quota_above_parent"]]
    assert f"（{lower}）" in p["message"].iloc[0]


def test_lower_quotas_within_the_tolerance_are_accepted(tmp_path):
    t = rk.read_table(_csv(tmp_path, "2026H2,兰州,,,,A,1000\n2026H2,兰州,,,R1,A,1005\n"), "targets")
    assert len(t) == 2


def test_a_quota_for_a_rep_in_a_hospital_is_no_level(tmp_path):
    p = _problems(_csv(tmp_path, "2026H2,兰州,H1,,R1,A,100\n2026H2,兰州,,心内科,,A,100\n"))
    assert p[["row", "rule"]].values.tolist() == [[2, "bad_quota_level"], [3, "bad_quota_level"]]


def test_doctor_quotas_are_refused_as_prescription_targets(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("期间,区域,医院编码,医生,品种,指标数量\n2026H2,兰州,H1,王明,A,10\n", "utf-8")
    p = _problems(path)
    assert p[["column", "rule"]].values.tolist() == [["医生", "prescription_by_doctor"]]
    assert "统方" in p["message"].iloc[0]


def test_hospital_names_without_codes_are_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("期间,区域,医院名称,品种,指标数量\n2026H2,兰州,一院,A,10\n", "utf-8")
    assert _problems(path)["rule"].tolist() == ["missing_column"]


@pytest.fixture
def entry_folder(tmp_path):
    write_entry_templates(tmp_path)
    (tmp_path / "指标.xlsx").unlink()
    return tmp_path


def test_quota_of_a_medical_rep_is_refused(entry_folder):
    _csv(entry_folder, "2026H1,兰州,,,,瑞心安片,2600\n2026H1,兰州,,,R0002,瑞心安片,100\n")
    p = rk.io.check(entry_folder)
    assert p[["file", "row", "value", "rule"]].values.tolist() == [
        ["指标.csv", 3, "R0002", "quota_for_medical_rep"]
    ]
    assert "R0002 是备案医药代表，不承担销售指标" in p["message"].iloc[0]


def test_quotas_across_files_are_checked_together(entry_folder):
    _csv(entry_folder, "2026H1,兰州,,,,瑞心安片,2600\n")
    _csv(entry_folder, "2026H1,兰州,001001,,,瑞心安片,3000\n", name="医院指标.csv")
    p = rk.io.check(entry_folder)
    assert p[["file", "rule"]].values.tolist() == [["指标.csv", "quota_above_parent"]]
    assert "（医院指标.csv 第 2 行）" in p["message"].iloc[0]


def test_entry_template_holds_every_level_and_passes_check(tmp_path):
    write_entry_templates(tmp_path, kinds=["targets"])
    assert rk.io.check(tmp_path / "指标.xlsx").empty
    t = rk.read_table(tmp_path / "指标.xlsx", "targets")
    assert set(quota_levels(t)) == {"region", "hospital", "department", "rep"}


# --------------------------------------------------------------------------- review


def test_region_without_a_quota_is_reconciled_from_lower_quotas():
    t = pd.DataFrame(
        {
            "period": ["2026H2", "2026H2", "2026H2", "2026H2"],
            "region": "兰州",
            "hospital_id": ["H1", "H2", None, None],
            "rep_id": [None, None, "R1", None],
            "product": ["A", "A", "A", "B"],
            "units": [300.0, 200.0, 450.0, 90.0],
        }
    )
    got = company_targets(rk.Dataset.from_tables(targets=t), Half.parse("2026H2"), pd.Series())
    assert got.to_dict() == {"B": 90.0, "A": 500.0}
    assert got.attrs["reconciled"] == ["A"]


@pytest.fixture(scope="module")
def quota_plan():
    ds = rk.sample.generate(seed=0, regions=2).for_region(QUOTA_REGION)
    return rk.plan.build(ds, "2026H2", forecast="simple")


def test_review_uses_the_real_quotas_and_labels_them(quota_plan):
    t = quota_plan.data.targets
    h1 = t[t["period"].str.startswith("2026") & ~t["period"].str.contains("H2|Q3|Q4")]
    hosp = quota_plan.reviews["hospital"].set_index("hospital_id")
    quarterly = h1[h1["period"].str.contains("Q") & h1["hospital_id"].notna()]
    (hid,) = quarterly["hospital_id"].unique()
    assert hosp.loc[hid, "target_units"] == quarterly["units"].sum()
    assert hosp.loc[hid, "target_source"] == "actual"
    monthly = h1[h1["rep_id"].notna()]
    (rep,) = monthly["rep_id"].unique()
    reps = quota_plan.reviews["rep"].set_index("rep_id")
    assert reps.loc[rep, "target_units"] == monthly["units"].sum()
    assert reps.loc[rep, "target_source"] == "actual"
    dept = h1[h1["department"].notna()]
    d = quota_plan.reviews["department"].set_index(["hospital_id", "department"])
    key = (dept["hospital_id"].iloc[0], dept["department"].iloc[0])
    assert d.loc[key, "target_units"] == dept["units"].sum()
    assert hosp.loc[key[0], "target_source"] == "mixed"  # other departments imputed


def test_imputed_targets_fill_the_rest_of_the_region_target(quota_plan):
    region = quota_plan.reviews["region"]["target_units"].iloc[0]
    for level in ("hospital", "department", "rep"):
        r = quota_plan.reviews[level]
        assert r["target_units"].sum() == region, level
        assert (r["target_source"] == "imputed").sum() >= 2, level
    counts = quota_plan.summary["review_target_sources"]
    assert counts["hospital"] == {"actual": 2, "imputed": 21, "mixed": 1}
    assert counts["rep"]["actual"] == 1


def test_document_and_workbook_say_where_targets_were_imputed(quota_plan):
    text = headline(quota_plan)
    assert "2 家医院、1 个科室、1 名销售人员按实际下达的指标衡量（实际指标）" in text
    assert "推算" in text
    shown = review_table(quota_plan, "hospital")
    assert {"实际指标", "推算", "部分推算"} <= set(shown.data["target_source"])
    assert "指标来源" in shown.to_html()
    book = quota_plan.workbook()
    a = book["A 医院档案"]
    assert set(a["2026H1指标来源"].dropna()) == {"实际指标", "推算", "部分推算"}
    overview = book["概览"][0].set_index("项目")
    assert "实际指标" in overview.loc["复盘指标来源", "说明"]


def test_region_targets_only_are_all_imputed_and_said_so():
    ds = rk.sample.generate(seed=0, regions=1)
    h = Half.parse("2026H1")
    past = review_targets(ds, h, prices(ds, as_of=h.end)["price"])
    reviews, note = quota_reviews(ds, h, past)
    old = rk.plan.review(ds, h, by="hospital", targets=past).set_index("hospital_id")
    new = reviews["hospital"].set_index("hospital_id")
    assert (new["target_source"] == "imputed").all()
    assert (new["target_units"] == old["target_units"].reindex(new.index)).all()
    assert "公司只下达了区域 × 品种指标" in target_source_note(note)


def test_public_review_uses_the_real_quotas_by_default(quota_plan):
    for level in ("hospital", "rep"):
        r = rk.plan.review(quota_plan.data, "2026H1", by=level)
        pd.testing.assert_frame_equal(r, quota_plan.reviews[level])
    assert "target_source" not in rk.plan.review(quota_plan.data, "2026H1", by="product")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=2, max_size=6), st.data())
def test_real_quotas_are_kept_and_imputed_targets_fill_the_rest(weights, data):
    hospitals = [f"H{i}" for i in range(len(weights))]
    reps = [f"R{i % 2}" if i % 3 else UNASSIGNED for i in range(len(weights))]
    cells = pd.DataFrame(
        {
            "month": pd.Period("2026-01", "M"),
            "product": "A",
            "hospital_id": hospitals,
            "department": "内科",
            "rep_id": reps,
            "units": weights,
            "price": 2.0,
        }
    )
    total = sum(weights)
    given_h = data.draw(st.sets(st.sampled_from(hospitals), max_size=len(hospitals) - 1))
    share = total // len(hospitals)
    rows = [("hospital", h, "", data.draw(st.integers(0, share))) for h in sorted(given_h)]
    if data.draw(st.booleans()):
        rows.append(("rep", "", "R1", data.draw(st.integers(0, total))))
    quotas = pd.DataFrame(rows, columns=["level", "hospital_id", "rep_id", "units"])
    quotas = quotas.assign(product="A", department="")
    out = level_targets(cells, quotas, Half.parse("2026H1"))
    for level, key in (("hospital", "hospital_id"), ("rep", "rep_id")):
        got = out[level].set_index(key)
        real = quotas[quotas["level"] == level].set_index(key)["units"]
        assert (got.loc[real.index, "units"] == real).all()
        assert (got.loc[real.index, "target_source"] == "actual").all()
        assert got["units"].sum() == max(total, real.sum())
        assert (got["units"] % 1 == 0).all()
    assert out["department"]["units"].sum() == total


def test_note_says_what_was_reconciled_and_what_falls_short():
    note = {
        "reconciled": ["瑞心安片"],
        "hospital": {"actual": 3, "imputed": 0, "mixed": 0},
        "department": {"actual": 0, "imputed": 4, "mixed": 0},
        "short": {"hospital": 120, "department": 120},
    }
    text = target_source_note(note)
    assert "瑞心安片 没有区域指标，区域指标由下级指标汇总" in text
    assert text.count("少 120 盒/支") == 1
    assert "医院指标合计比区域指标少 120 盒/支" in text
