"""The exercise framework of the weekly training notebooks (repkit.training)."""

from __future__ import annotations

import pandas as pd
import pytest

import repkit as rk
from repkit.training import SESSIONS, Feedback
from repkit.training._core import Wrong, choice, integers_summing, members, number, table
from repkit.training._sessions import BUILDERS

REGION = "兰州"
HALF = "2026H1"


@pytest.fixture(scope="module")
def region_ds(sample_ds):
    return sample_ds.for_region(REGION)


@pytest.fixture(scope="module")
def small_ds():
    return rk.sample.generate(seed=3, regions=2, hospitals_per_region=8)


def _namespace(ds, ex, region=REGION):
    """What the notebook has defined before the exercises: parameters, data, setup cell."""
    ns = {"rk": rk, "ds": ds, "region": region, "half": HALF, "ex": ex}
    exec(ex.setup, ns)
    return ns


def _cases():
    return [(n, i) for n in SESSIONS for i in range(1, len(BUILDERS[n]()) + 1)]


def _solve(ds, number_, key, region=REGION):
    ex = rk.training.session(number_, ds, region=region, half=HALF)
    ns = _namespace(ds, ex, region)
    exec(ex.exercises[key].spec.solution, ns)
    return ex, ns["answer"]


@pytest.mark.parametrize(("number_", "i"), _cases())
def test_solution_is_correct_and_blank_is_not_attempted(region_ds, number_, i):
    ex, answer = _solve(region_ds, number_, f"q{i}")
    exercise = ex.exercises[f"q{i}"]
    assert exercise.check(...).status == "not_attempted"
    fb = exercise.check(answer)
    assert fb.status == "correct", str(fb)
    assert exercise.check(object()).status == "incorrect"


@pytest.mark.parametrize("number_", list(SESSIONS))
def test_solutions_hold_on_other_data(small_ds, number_):
    region = small_ds.regions[1]
    ex = rk.training.session(number_, small_ds, region=region, half=HALF)
    for key, exercise in ex.exercises.items():
        ns = _namespace(small_ds.for_region(region), ex, region)
        exec(exercise.spec.solution, ns)
        assert exercise.check(ns["answer"]), (key, str(exercise.last))


def test_every_session_has_three_to_five_exercises_with_hints(region_ds):
    for n in SESSIONS:
        ex = rk.training.session(n, region_ds, half=HALF)
        assert 3 <= len(ex.exercises) <= 5
        for exercise in ex.exercises.values():
            assert exercise.spec.hints
            assert "answer =" in exercise.spec.solution


def test_progress_reports_each_exercise(region_ds):
    ex = rk.training.session(1, region_ds, half=HALF)
    ex.q1.check(len(region_ds.hospitals))
    ex.q2.check(-1)
    ex.q3.check(...)
    progress = ex.progress(codes=True)
    assert progress["status"].tolist() == ["correct", "incorrect", "not_attempted", "not_checked"]


def test_progress_shows_chinese_headings_and_statuses(region_ds):
    ex = rk.training.session(1, region_ds, half=HALF)
    ex.q1.check(len(region_ds.hospitals))
    ex.q2.check(-1)
    ex.q3.check(...)
    shown = ex.progress()
    assert shown.index.name == "练习"
    assert shown.index.tolist() == ["1.1", "1.2", "1.3", "1.4"]
    assert shown.columns.tolist() == ["题目", "状态"]
    assert shown["状态"].tolist() == ["正确", "还不对", "未作答", "未检查"]


def test_percent_instead_of_fraction_is_explained(region_ds):
    ex = rk.training.session(2, region_ds, half=HALF)
    right = ex.q1._expected
    fb = ex.q1.check(right * 100)
    assert fb.status == "incorrect"
    assert "百分数" in fb.message


def test_wrong_table_names_the_missing_rows(region_ds):
    ex = rk.training.session(2, region_ds, half=HALF)
    expected = ex.q2._expected
    fb = ex.q2.check(expected.iloc[1:])
    assert "缺少 1 行" in fb.message
    assert str(expected.index[0]) in fb.message


def test_wrong_value_in_table_names_row_and_values(region_ds):
    ex = rk.training.session(2, region_ds, half=HALF)
    answer = ex.q2._expected.copy()
    answer.iloc[0] = 0.5
    fb = ex.q2.check(answer)
    assert str(answer.index[0]) in fb.message
    assert "0.5" in fb.message


def test_frame_answer_with_key_column_is_accepted(region_ds):
    ex = rk.training.session(1, region_ds, half=HALF)
    frame = ex.q3._expected.reset_index()
    assert ex.q3.check(frame).status == "correct"


def test_string_number_and_one_cell_series_are_explained(region_ds):
    ex = rk.training.session(1, region_ds, half=HALF)
    assert "文字" in ex.q1.check("25").message
    assert ".item()" in ex.q1.check(pd.Series([25])).message


def test_choice_accepts_code_or_label_and_lists_options():
    options = {"increase_use": "增加用量", "keep_use": "保持用量"}
    choice("increase_use", "increase_use", options=options)
    choice("增加用量", "increase_use", options=options)
    with pytest.raises(Wrong, match="不是可选项"):
        choice("多拜访", "increase_use", options=options)
    with pytest.raises(Wrong, match="保持用量"):
        choice("keep_use", "increase_use", options=options)


def test_number_explains_sign_and_wan_slips():
    with pytest.raises(Wrong, match="符号"):
        number(-120.0, 120.0)
    with pytest.raises(Wrong, match="万"):
        number(12.0, 120000.0)
    with pytest.raises(Wrong, match="整数"):
        number(3.5, 3.5000001, integer=True)
    with pytest.raises(Wrong, match="NaN"):
        number(float("nan"), 1.0)


def test_integers_summing_checks_total_and_fractions():
    expected = pd.Series([4, 3, 3], index=pd.Index(["a", "b", "c"], name="k"), name="units")
    integers_summing(expected.copy(), expected)
    with pytest.raises(Wrong, match="合计"):
        integers_summing(pd.Series([4, 3, 4], index=expected.index), expected)
    with pytest.raises(Wrong, match="小数"):
        integers_summing(pd.Series([3.5, 3.5, 3], index=expected.index), expected)


def test_table_detects_duplicates_and_extra_rows():
    expected = pd.Series([1, 2], index=pd.Index(["a", "b"], name="k"), name="n")
    dup = pd.DataFrame({"k": ["a", "a", "b"], "n": [1, 1, 2]})
    with pytest.raises(Wrong, match="groupby"):
        table(dup, expected, value="n")
    with pytest.raises(Wrong, match="多了 1 行"):
        table({"a": 1, "b": 2, "c": 3}, expected, value="n")


def test_members_reports_missing_and_extra():
    with pytest.raises(Wrong, match="少了 1 项：c；多了 1 项：d"):
        members(["a", "b", "d"], ["a", "b", "c"])
    with pytest.raises(Wrong, match="重复"):
        members(["a", "a"], ["a"])


def test_hint_and_solution_are_markdown(region_ds):
    ex = rk.training.session(3, region_ds, half=HALF)
    assert "hint(2)" in ex.q1.hint()._repr_markdown_()
    assert "```python" in ex.q1.solution()._repr_markdown_()
    with pytest.raises(ValueError, match="提示编号是 1 到 2"):
        ex.q1.hint(5)


def test_feedback_renders_html_and_rejects_unknown_status():
    fb = Feedback("1.1", "incorrect", "差 <1>，用 `len()`")
    assert "&lt;1&gt;" in fb._repr_html_()
    assert "<code>len()</code>" in fb._repr_html_()
    assert not fb
    with pytest.raises(ValueError, match="not_attempted"):
        Feedback("1.1", "maybe", "")


def test_session_arguments_are_checked(sample_ds):
    with pytest.raises(ValueError, match="可选：1、2"):
        rk.training.session(99, sample_ds, region=REGION)
    with pytest.raises(ValueError, match="数据中有多个区域（兰州"):
        rk.training.session(1, sample_ds)
    with pytest.raises(ValueError, match="数据中没有区域"):
        rk.training.session(1, sample_ds, region="北京")
    with pytest.raises(AttributeError, match=r"没有练习 .q9.；可选：q1、"):
        _ = rk.training.session(1, sample_ds, region=REGION).q9


def test_choice_accepts_a_word_of_the_label(region_ds):
    ex = rk.training.session(8, region_ds, half=HALF)
    for answer in ("act", "ACT", "处理", "处理 Act", " Act "):
        assert ex.q4.check(answer).status == "correct", answer
    assert "不是“检查 Check”" in ex.q4.check("检查").message


def test_session_5_keeps_eight_a_month_and_eight_a_day_apart(region_ds):
    """Seed 000: key customers ≥ 8 visits a month; seed 002: ≥ 8 visits a rep a day."""
    import json
    from pathlib import Path

    from repkit.activity import NORM_PRESETS, norm_preset

    key = int(norm_preset("seed000").set_index("tier").loc["A", "visits_per_month"].max())
    other = int(rk.activity.default_norms().set_index("tier").loc["C", "visits_per_month"].min())
    per_day = NORM_PRESETS["seed000"]["visits_per_day"]
    assert (key, other, per_day) == (8, 1, 8)
    ex = rk.training.session(5, region_ds, half=HALF)
    q3, q4 = ex.exercises["q3"].spec, ex.exercises["q4"].spec
    assert f"每月至少 {key} 次" in q3.question
    assert "每个工作日" not in q3.question
    assert f"每个工作日 {per_day} 次" in q4.question
    assert "每月至少" not in q4.question
    experts = int(region_ds.doctors["is_expert"].sum())
    visits = key * experts + other * (len(region_ds.doctors) - experts)
    assert ex.exercises["q3"].check(visits).status == "correct"
    old_rule = 4 * experts + 2 * (len(region_ds.doctors) - experts)
    assert ex.exercises["q3"].check(old_rule).status == "incorrect"
    root = Path(__file__).resolve().parents[1] / "notebooks" / "training"
    for name in ("05_call_planning.ipynb", "05_call_planning_solutions.ipynb"):
        text = "".join(
            "".join(c["source"]) for c in json.loads((root / name).read_text("utf-8"))["cells"]
        )
        assert q3.question in text, name
        assert q4.question in text, name
        assert "团队的标准是每人每个工作日" not in text  # the seed's monthly 8 is not a daily norm


def test_a_trainee_reads_wrong_arguments_in_chinese(small_ds, region_ds, monkeypatch):
    monkeypatch.delenv("REPKIT_LANG", raising=False)
    with pytest.raises(ValueError, match="没有第 99 次培训；可选：1、2"):
        rk.training.session(99, region_ds, half=HALF)
    with pytest.raises(ValueError, match="数据中没有区域 '北京'；可选：兰州"):
        rk.training.session(1, small_ds, region="北京", half=HALF)
    with pytest.raises(ValueError, match=r"请用 region=\.\.\. 指定一个"):
        rk.training.session(1, small_ds, half=HALF)
    with pytest.raises(ValueError, match="提示编号是 1 到"):
        rk.training.session(1, region_ds, half=HALF).q1.hint(9)
    monkeypatch.setenv("REPKIT_LANG", "en")
    with pytest.raises(ValueError, match="unknown region '北京'"):
        rk.training.session(1, small_ds, region="北京", half=HALF)
