"""The label registry: headings, codes, the English toggle, one vocabulary everywhere.

That no table people read shows a raw heading or code (templates' pages and workbooks,
training notebooks) is checked by ``tests/test_no_raw_headers.py``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from openpyxl import load_workbook

import repkit as rk
from repkit import labels

ROOT = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------- registry


def test_each_label_is_defined_once():
    from repkit import schema
    from repkit.activity import _kpi
    from repkit.plan import _workbook
    from repkit.report import document, forecast_chart, tables

    assert schema.LEVEL_LABELS is labels.LEVEL_LABELS
    assert schema.TITLE_LABELS is labels.TITLE_LABELS
    assert schema.ROLE_LABELS is labels.ROLE_LABELS
    assert schema.RATING_LABELS is labels.RATING_LABELS
    assert rk.tiering.STATUS_LABELS is labels.STATUS_LABELS
    assert rk.tiering.TIER_LABELS is labels.TIER_LABELS
    assert rk.activity.KPI_LABELS is labels.KPI_LABELS is _kpi.KPI_LABELS
    assert tables.COLUMN_LABELS is labels.COLUMNS
    assert document.SCENARIO_LABELS is labels.SCENARIO_LABELS
    assert _workbook._SCENARIO_ZH is labels.SCENARIO_LABELS
    assert forecast_chart.model_label("theta") == labels.MODEL_LABELS["theta"]


def test_labels_and_codes():
    assert labels.label("hoh_rate") == "环比"
    assert labels.label("区域") == "区域"
    assert labels.label_code("snaive+ets_damped", "model") == "季节朴素＋阻尼季节指数平滑"
    assert labels.label_code("incorrect", "status") == "还不对"
    assert labels.label_code("dormant", "status") == labels.STATUS_LABELS["dormant"]
    assert labels.label_code(5, "rating") == "常用"
    assert labels.label_code("unknown", "level") == "unknown"
    with pytest.raises(ValueError, match="valid"):
        labels.label_code("x", "colour")
    s = labels.label_codes(pd.Series(["3A", None, "community"]), "level")
    assert s.tolist()[0] == "三甲"
    assert s.isna().tolist() == [False, True, False]


def test_english_toggle(monkeypatch):
    assert labels.label("completion_rate", lang="en") == "Completion rate"
    assert labels.label_code("deputy_chief", "title", lang="en") == "deputy chief"
    monkeypatch.setenv("REPKIT_LANG", "en")
    df = labels.label_frame(pd.DataFrame({"level": ["3A"], "status": ["not_checked"]}))
    assert df.to_dict("records") == [{"Level": "Grade 3A", "Status": "not checked"}]
    monkeypatch.setenv("REPKIT_LANG", "fr")
    with pytest.raises(ValueError, match="'zh', 'en'"):
        labels.label("level")


def test_redundant_label_columns_fold_into_the_code_column():
    df = pd.DataFrame({"kpi": ["meetings_held"], "label": ["院内会议场次"], "value": [3.0]})
    out = labels.label_frame(df)
    assert out.columns.tolist() == ["指标", "数值"]
    assert out.iloc[0, 0] == "院内会议场次"
    kept = labels.label_frame(pd.DataFrame({"level": ["3A"], "level_label": ["三级甲等"]}))
    assert kept.columns.tolist() == ["等级", "医院等级"]  # differs: both kept


def test_one_scenario_vocabulary_in_html_and_excel(tmp_path):
    ds = rk.sample.generate(seed=0, regions=1)
    plan = rk.plan.build(ds, "2026H2", forecast="simple")
    stretch = labels.SCENARIO_LABELS["stretch"]
    html = rk.report.document.scenario_table(plan).to_html()
    assert stretch in html
    path = rk.report.write_excel(plan.workbook(), tmp_path / "plan.xlsx")
    sheet = pd.read_excel(path, sheet_name="概览", engine="calamine", header=None)
    assert sheet.astype(str).apply(lambda c: c.str.contains(stretch)).any().any()
    for text in (html, sheet.to_string()):
        assert "挑战" not in text
        assert "冲刺情景" not in text


def test_department_status_text_agrees_with_developed_column():
    ds = rk.sample.generate(seed=0, regions=1)
    st = rk.tiering.department_status(ds.hospitals, ds.sales, ds.doctors)
    developed_dormant = st[(st["status"] == "dormant") & st["developed"]]
    assert len(developed_dormant)  # the case the old "休眠（尚未开发）" text got wrong
    assert "未开发" not in labels.STATUS_LABELS["dormant"]
    nb = nbformat.read(ROOT / "templates" / "half_year_plan.ipynb", as_version=4)
    legend = next(c.source for c in nb.cells if c.source.startswith("科室状态"))
    assert "尚未开发" not in legend
    assert "沉睡" in legend


def test_chart_axes_follow_the_number_conventions():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    months = pd.period_range("2025-01", periods=12, freq="M")
    money = pd.Series(range(100_000, 1_300_000, 100_000), index=months, dtype="float64")
    fig = rk.report.charts.monthly_history(money, ylabel="金额(元)")
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert any(t.endswith("万") for t in ticks)
    assert not any(t.replace(",", "").isdigit() and float(t.replace(",", "")) >= 1e5 for t in ticks)
    fig = rk.report.charts.monthly_history(money / 10, ylabel="盒/支")
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert any("," in t for t in ticks)
    assert not any("万" in t for t in ticks)
    frame = pd.DataFrame({"product": ["甲", "乙", "丙"], "completion_rate": [0.5, 0.9, 1.1]})
    fig = rk.report.charts.completion_bars(frame, label="product")
    colors = [matplotlib.colors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches]
    c = rk.report.charts.COLORS
    assert colors == [c["bad"], c["mid"], c["good"]]  # style's 80 % / 100 % bands
    plt.close("all")


def test_plan_workbook_prints_region_and_half(tmp_path):
    ds = rk.sample.generate(seed=0, regions=1)
    plan = rk.plan.build(ds, "2026H2", forecast="simple")
    wb = load_workbook(rk.report.write_excel(plan.workbook(), tmp_path / "plan.xlsx"))
    for ws in wb.worksheets:
        assert ws.oddHeader.left.text == f"{plan.region} · {plan.half.label}"
        assert ws.oddHeader.center.text == "&A"


def test_english_toggle_reaches_html_and_excel(monkeypatch, tmp_path):
    frame = pd.DataFrame({"level": ["3A"], "completion_rate": [0.5]})
    monkeypatch.setenv("REPKIT_LANG", "en")
    html = rk.report.display_table(frame).to_html()
    assert "Completion rate" in html
    assert "Grade 3A" in html
    ws = load_workbook(rk.report.write_excel({"s": frame}, tmp_path / "en.xlsx"))["s"]
    assert [c.value for c in ws[1]] == ["Level", "Completion rate"]


def test_waterfall_steps_use_the_registry():
    from repkit.plan import _explain

    assert _explain.STEP_LABELS["growth_step"] == labels.COLUMNS["growth_step"]


def test_reconciled_forecasts_are_labelled_in_chinese():
    from repkit.labels import label_code

    assert label_code("reconciled (mint_shrink)", "model") == "层级调和（MinT收缩）"
    assert label_code("reconciled (mint_shrink)", "model", lang="en") == "reconciled (mint shrink)"
    assert label_code("ets_trend", "model") != "ets_trend"


def test_completeness_measures_show_their_label_once():
    measure = "doctor_cards"
    assert rk.activity.COMPLETENESS_TARGETS[measure][0] == labels.MEASURE_LABELS[measure]
    df = pd.DataFrame(
        {"measure": [measure], "label": [labels.MEASURE_LABELS[measure]], "done": [3]}
    )
    out = rk.report.tables.label_columns(df, rk.activity.REVIEW_LABELS)
    assert out.columns.tolist() == ["项目", "已完成"]
    assert out.iloc[0, 0] == labels.MEASURE_LABELS[measure]


def test_display_table_shows_a_named_index_and_names_on_request():
    months = pd.PeriodIndex(["2026-07"], freq="M", name="month")
    fc = pd.DataFrame({"mean": [1.0], "lo_80": [0.5]}, index=months)
    html = rk.report.display_table(fc).to_html()
    assert "月份" in html
    assert "2026-07" in html
    assert "<code>" not in html
    html = rk.report.display_table(fc, names=True).to_html()
    assert "<code>lo_80</code>" in html
    assert "80%下限" in html
    clash = pd.DataFrame({"month": [1]}, index=pd.Index([0], name="month"))
    assert "月份" in rk.report.display_table(clash).to_html()  # index left out, not an error


def test_every_canonical_input_column_has_a_heading():
    from repkit import schema

    missing = [
        (kind, col)
        for kind, columns in schema.HEADERS_ZH.items()
        for col in columns
        if col not in labels.COLUMNS
    ]
    assert missing == []


def test_set_language_switches_later_tables(monkeypatch):
    monkeypatch.setenv("REPKIT_LANG", "zh")  # restored after the test
    assert labels.set_language("EN") == "en"
    html = rk.report.display_table(pd.DataFrame({"title": ["resident"]})).to_html()
    assert "Title" in html
    assert "resident" in html
    labels.set_language("zh")
    assert "住院医师" in rk.report.display_table(pd.DataFrame({"title": ["resident"]})).to_html()
    with pytest.raises(ValueError, match="'zh', 'en'"):
        labels.set_language("fr")


def test_every_forecast_model_has_a_chinese_name():
    # a chart subtitle or backtest table must never show a model code such as airline
    from repkit.forecast import _engine

    missing = [m for m in _engine.METHODS if labels.label_code(m, "model") == m]
    assert missing == []
