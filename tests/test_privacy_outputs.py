"""Privacy across outputs: `repkit plan` tokens, one small-group rule on every aggregate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import repkit as rk
from repkit import privacy

KEY = "fedcba9876543210" * 4


@pytest.fixture(autouse=True)
def _key(monkeypatch, tmp_path):
    monkeypatch.setenv(privacy.KEY_ENV, KEY)
    monkeypatch.delenv(privacy.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def one_region():
    return rk.sample.generate(seed=0, regions=1)


def test_cli_plan_workbook_has_tokens_not_doctor_ids(one_region, tmp_path):
    rk.plan.run_region(one_region, "兰州", "2026H2", tmp_path / "out", forecast="simple")
    sheets = pd.read_excel(
        tmp_path / "out" / "plan.xlsx", sheet_name=None, header=None, engine="openpyxl"
    )
    cells = {str(v) for t in sheets.values() for v in t.to_numpy().ravel() if pd.notna(v)}
    ids = set(one_region.doctors["doctor_id"].astype(str))
    names = set(one_region.doctors["name"].astype(str)) - set(one_region.reps["name"])
    assert not cells & ids, sorted(cells & ids)[:5]
    assert not cells & names, sorted(cells & names)[:5]
    expected = set(privacy.tokens(one_region.doctors["doctor_id"], key=KEY))
    assert len(cells & expected) == len(ids)  # the template's tokens, every doctor once


PEOPLE = ("doctors", "doctors_visited")


def _small_shown(frame: pd.DataFrame, k: int) -> list[tuple[str, object]]:
    """(column, value) of head counts between 1 and k-1 that a table still shows."""
    found = []
    for col in PEOPLE:
        if col in frame.columns:
            n = pd.to_numeric(frame[col], errors="coerce")
            found += [(col, v) for v in n[(n > 0) & (n < k)]]
    return found


def _aggregates(cp) -> dict[str, pd.DataFrame]:
    return {
        "pyramid": cp.pyramid,
        "departments": cp.departments,
        "kpis": cp.kpis,
        "outcome": cp.outcome.table,
        "shortfall": cp.shortfall,
    }


def test_every_aggregate_of_doctors_hides_small_groups(one_region):
    policy = privacy.setup("tokens")
    raw = rk.activity.call_plan(one_region, "2026-07")
    cp = rk.activity.call_plan(one_region, "2026-07", privacy=policy)
    # the sample has departments of 1-4 doctors and transition cells of 1-4 doctors
    assert _small_shown(raw.departments, 5)
    assert ((raw.transitions > 0) & (raw.transitions < 5)).to_numpy().any()
    for name, table in _aggregates(cp).items():
        assert _small_shown(table, 5) == [], name
    cells = cp.transitions.to_numpy(dtype="float64")
    assert not ((cells > 0) & (cells < 5)).any()
    assert np.isnan(cells).sum() == ((raw.transitions > 0) & (raw.transitions < 5)).sum().sum()
    small = cp.departments["suppressed"].to_numpy()
    assert small.any()
    assert cp.departments.loc[small, "potential"].isna().all()
    big = ~small & (raw.departments["doctors"] >= 5).to_numpy()
    assert (cp.departments.loc[big, "potential"] == raw.departments.loc[big, "potential"]).all()
    assert policy.label.endswith("少于 5 人的汇总不显示。")


def test_kpi_rows_of_small_doctor_groups_are_blanked(one_region):
    policy = privacy.setup("tokens", min_group=15)  # tier A of the sample has 14 doctors
    cp = rk.activity.call_plan(one_region, "2026-07", privacy=policy)
    rows = cp.kpis.set_index("kpi")
    assert pd.isna(rows.loc["coverage_A", "value"])
    assert pd.isna(rows.loc["frequency_A", "value"])
    assert pd.isna(rows.loc["coverage_A", "meets"])
    assert "不显示" in rows.loc["coverage_A", "basis"]
    assert rows.loc["coverage_C", "value"] > 0  # 213 doctors: shown
    assert rows.loc["visits_per_day", "value"] > 0  # reps, not a doctor group


def test_heatmap_marks_suppressed_cells(one_region):
    cp = rk.activity.call_plan(one_region, "2026-07", privacy=privacy.setup("tokens"))
    fig = rk.report.activity_charts.transition_heatmap(cp.transitions)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "<5" in texts
    assert not {"1", "2", "3", "4"} & set(texts)


def test_one_rule_for_rows_and_count_matrices():
    t = pd.DataFrame({"g": ["x", "y", "z"], "doctors": [4, 5, 0], "mean": [1.0, 2.0, 3.0]})
    out = privacy.suppress_small(t, "doctors")
    assert out["suppressed"].tolist() == [True, False, False]
    assert out["mean"].isna().tolist() == [True, False, False]
    two = pd.DataFrame({"a": [3, 9], "b": [9, 9], "v": [1.0, 1.0]})
    assert privacy.suppress_small(two, ["a", "b"])["suppressed"].tolist() == [True, False]
    m = pd.DataFrame({1: [1, 0], 2: [5, 4]})
    assert privacy.suppress_small(m, None).isna().to_numpy().tolist() == [
        [True, False],
        [False, True],
    ]
    assert privacy.suppress_small(m, None, k=0).equals(m)


PEOPLE_HEADINGS = ("医生数", "未达标医生")


def _html_tables(nb) -> list[tuple[list[str], list[list[str]]]]:
    """(headings, rows of cell texts) of every rendered table of an executed notebook."""
    import re

    tables = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            for table in re.findall(r"<table.*?</table>", html, re.S):
                heads = re.findall(r'<th[^>]*class="col_heading[^"]*"[^>]*>([^<]*)</th>', table)
                rows = [
                    re.findall(r"<td[^>]*>([^<]*)</td>", r)
                    for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)
                ]
                tables.append((heads, [r for r in rows if r]))
    return tables


@pytest.mark.notebook
def test_half_year_template_outputs_hide_small_groups_and_ids(tmp_path, one_region):
    import json
    import re
    from pathlib import Path

    import nbformat
    import papermill as pm

    data, out = tmp_path / "data", tmp_path / "out"
    rk.sample.write(one_region, data)
    out.mkdir()
    template = Path(__file__).resolve().parents[1] / "templates" / "half_year_plan.ipynb"
    params = {"data": str(data), "region": "兰州", "out": str(out), "forecast": "simple"}
    pm.execute_notebook(str(template), str(out / "plan.ipynb"), parameters=params)
    nb = nbformat.read(str(out / "plan.ipynb"), as_version=4)
    checked = 0
    for heads, rows in _html_tables(nb):
        for col in (i for i, h in enumerate(heads) if h in PEOPLE_HEADINGS):
            shown = [r[col] for r in rows if col < len(r)]
            checked += len(shown)
            assert not [v for v in shown if v.strip() in {"1", "2", "3", "4"}], heads[col]
    assert checked >= 15  # the department table (its first 15 rows) was scanned
    ids = set(one_region.doctors["doctor_id"].astype(str))
    names = set(one_region.doctors["name"].astype(str)) - set(one_region.reps["name"])
    text = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
    text += (out / "summary.json").read_text(encoding="utf-8")
    assert not set(re.findall(r"D\d{5}", text)) & ids
    for book in [out / "plan.xlsx", *sorted((out / "日程").glob("*.xlsx"))]:
        sheets = pd.read_excel(book, sheet_name=None, header=None, engine="openpyxl")
        cells = {str(v) for t in sheets.values() for v in t.to_numpy().ravel() if pd.notna(v)}
        assert not cells & ids, book.name
        assert not cells & names, book.name
