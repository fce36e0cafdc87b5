"""Every notebook in templates/ and notebooks/: well formed, stripped, and it runs.

Execution uses papermill with small parameters (a two-region, eight-hospital sample
data set written once per test session; the ``executed_notebook`` fixture of conftest,
whose runs ``test_no_raw_headers`` walks too) and is marked ``notebook``. Training
notebooks must leave every exercise "not attempted"; their ``_solutions`` twins must
make every check say "correct".
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from repkit.training import SESSIONS
from repkit.training._sessions import BUILDERS

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(
    p
    for folder in ("templates", "notebooks")
    for p in (ROOT / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)
TRAINING = ROOT / "notebooks" / "training"

_STATUS = re.compile(r"^\[(correct|incorrect|not_attempted)\] 练习 (\d+\.\d+)", re.M)


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def _text_outputs(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            elif "data" in out:
                parts.append(str(out["data"].get("text/plain", "")))
            elif out.get("output_type") == "error":
                parts.append("\n".join(out.get("traceback", [])))
    return "\n".join(parts)


@pytest.mark.notebook
@pytest.mark.xdist_group("notebooks")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs(path, executed_notebook):
    nb, _ = executed_notebook(path)
    text = _text_outputs(nb)
    statuses = _STATUS.findall(text)
    if path.parent == TRAINING:
        number = int(path.name[:2])
        expected = {f"{number}.{i}" for i in range(1, len(BUILDERS[number]()) + 1)}
        if path.stem.endswith("_solutions"):
            wrong = [(s, e) for s, e in statuses if s != "correct"]
            assert not wrong, f"solutions that do not pass their check: {wrong}\n{text}"
            assert {e for s, e in statuses} == expected
        else:
            assert {s for s, _ in statuses} == {"not_attempted"}, text
            assert {e for _, e in statuses} == expected


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_stripped_and_well_formed(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), (
        f"{path.name} has outputs: run `make strip`"
    )
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert first.source.lstrip().startswith("# "), "first cell: a markdown title"
    params = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert params == [1], "the second cell, and only it, is tagged `parameters`"
    for line in nb.cells[1].source.splitlines():
        if line.strip():
            assert "#" in line, f"parameter without a comment: {line!r}"
    assert "import repkit as rk" in nb.cells[2].source
    for cell in code[1:]:  # the parameters cell may be longer
        assert not re.search(r"^\s*(def|class)\s", cell.source, re.M), cell.source
        assert "http://" not in cell.source
        assert "https://" not in cell.source
        assert len(cell.source.splitlines()) <= 6, f"cell too long:\n{cell.source}"


INTERNAL_SOURCE = re.compile(r"(?<!随机)种子|\bseed \d{3}\b", re.I)
"""An internal document number (种子 000, 种子计划, seed 000); 随机种子 is the random seed."""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_names_its_sources_not_internal_numbers(path):
    nb = nbformat.read(path, as_version=4)
    found = [m.group(0) for c in nb.cells for m in INTERNAL_SOURCE.finditer(c.source)]
    assert not found, f"{path.name}: say 兰州区域半年工作计划范本 / 计划范本 / …范文: {found}"


def test_curriculum_has_every_session_with_solutions():
    for number, info in SESSIONS.items():
        lesson = TRAINING / f"{info.stem}.ipynb"
        solutions = TRAINING / f"{info.stem}_solutions.ipynb"
        assert lesson.exists(), lesson
        assert solutions.exists(), solutions
        specs = BUILDERS[number]()
        lesson_src = "\n".join(c.source for c in nbformat.read(lesson, as_version=4).cells)
        solved_src = "\n".join(c.source for c in nbformat.read(solutions, as_version=4).cells)
        for i, spec in enumerate(specs, 1):
            assert f"ex.q{i}.check(answer)" in lesson_src
            assert spec.solution.strip() in solved_src, f"{solutions.name}: q{i} solution"
        if info.setup:
            assert info.setup.strip() in lesson_src
    assert len(SESSIONS) >= 8


TEMPLATES = sorted((ROOT / "templates").glob("*.ipynb"))


@pytest.mark.notebook
@pytest.mark.parametrize("path", TEMPLATES, ids=_ids(TEMPLATES))
def test_template_runs_in_english(path, small_data, tmp_path, monkeypatch):
    """REPKIT_LANG=en (head office's reports) runs every template to the end.

    The half-year plan once failed in English at its money sheets ("excel_formats names
    unknown columns ['库存月数']"): a format keyed by the Chinese heading. English covers
    messages and the tables of canonical columns; the templates' narrative, the review
    tables and the workbook's management tables stay Chinese (README, "Languages").
    """
    from conftest import run_notebook

    monkeypatch.setenv("REPKIT_LANG", "en")
    nb = run_notebook(path, small_data, tmp_path)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
