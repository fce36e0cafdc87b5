"""No raw snake_case heading, raw code or bare integer index in any table people read.

Every template runs once on a small sample (papermill; the run is shared with
``tests/test_notebooks.py`` through the ``executed_notebook`` fixture of
``tests/conftest.py``). Its page, converted as ``rk.batch`` writes plan.html, and every
workbook it writes are walked; so is every table shown by the notebooks of
``notebooks/`` (training lessons and solutions, examples). A table fails on:

- a heading that is a canonical name: snake_case (``^[a-z]+(_[a-z0-9]+)+$``) or a bare
  lowercase English word (``units``, ``mean``);
- a body cell holding a raw code: snake_case, a code of :mod:`repkit.labels` (levels
  such as ``3A``, titles, roles, department and training statuses, scenarios,
  forecast models and their combinations, reasons, table names, KPIs);
- a list printed as it is (``[心内科, 眼科]``);
- an unnamed integer index (0, 1, 2 … down the left edge with no heading).

``ALLOWED`` lists the few ASCII texts that are right as they are, each with its reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from _html_tables import Table, tables_in_html
from openpyxl import load_workbook

import repkit as rk
from repkit import labels
from repkit.errors import RULES

ROOT = Path(__file__).resolve().parent.parent

SNAKE = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")
WORD = re.compile(r"^[a-z][a-z0-9]*$")
MODEL_COMBO = re.compile(r"^[a-z_]+(\+[a-z_]+)+$")
INTEGER = re.compile(r"^-?\d+$")
PY_LIST = re.compile(r"^\[.*\]$")  # a list cell as pandas prints it: [心内科, 眼科]

_CODE_KINDS = (
    "level",
    "category",
    "title",
    "role",
    "purpose",
    "department_status",
    "training_status",
    "scenario",
    "kpi",
    "model",
    "reason",
    "table",
    "calendar",
)
RAW_CODES = {
    str(code)
    for kind in _CODE_KINDS
    for code in labels.CODES[kind]
    if not str(code).isdigit() and str(code) != str(labels.CODES[kind][code])
}
"""Codes whose label differs from the code (``theta`` → Theta stays visible as Theta)."""

LEVEL_DIGITS = {str(code) for code in labels.LEVEL_LABELS if str(code).isdigit()}
LEVEL_HEADINGS = {
    text
    for c in ("level", "level_label", "hospital_level")
    for text in (c, labels.label(c), labels.label(c, lang="en"))
}
"""Hospital levels 3, 2, 1 cannot be told from numbers except in a level column."""

ALLOWED: dict[str, str] = dict.fromkeys(
    RULES,
    "rule code of a DataError problem (rk.errors.RULES): the documented, stable name people "
    "quote and filter err.problems by; the 问题 column beside it explains it in words",
)
"""ASCII texts that are right as they are → why. (Product codes, IDs such as R0001 or
DR-314A2817DA, units such as %, and A/B/C tiers are upper case or not words, so no rule
here matches them.)"""


# ----------------------------------------------------------------------------- walker


def _raw_heading(text: str) -> bool:
    return text not in ALLOWED and bool(SNAKE.match(text) or WORD.match(text))


def _raw_value(text: str, heading: str) -> bool:
    if text in ALLOWED:
        return False
    if heading in LEVEL_HEADINGS and text in LEVEL_DIGITS:
        return True
    return text in RAW_CODES or bool(
        SNAKE.match(text) or MODEL_COMBO.match(text) or PY_LIST.match(text)
    )


def problems_in_table(table: Table) -> list[str]:
    """What a person would read raw in ``table``."""
    found = [
        f"{table.where}: heading {text!r}"
        for row in table.head
        for text in row
        if _raw_heading(text)
    ]
    width = max((len(r) for r in table.head + table.body), default=0)
    headings = [""] * width  # per column: its lowest non-blank heading cell
    for row in table.head:
        for i, text in enumerate(row):
            headings[i] = text or headings[i]
    for row in table.body:
        for i, text in enumerate(row):
            heading = headings[i] if i < len(headings) else ""
            if _raw_value(text, heading):
                found.append(f"{table.where}: {heading or 'cell'} {text!r}")
    n = table.index_width
    if n and table.body and not any(row[j] for row in table.head for j in range(min(n, len(row)))):
        left = [row[0] for row in table.body if row]
        if left and all(INTEGER.match(v) for v in left):
            found.append(f"{table.where}: unnamed integer index {left[:3]}…")
    return sorted(set(found), key=found.index)


def problems_in_html(html: str, where: str) -> list[str]:
    """Problems of every table of a page."""
    return [p for t in tables_in_html(html, where) for p in problems_in_table(t)]


def _html(output) -> str:
    html = output.get("data", {}).get("text/html", "")
    return html if isinstance(html, str) else "".join(html)


def problems_in_notebook(nb, where: str) -> list[str]:
    """Problems of every table a notebook's outputs show (``text/html``)."""
    return [
        p
        for i, cell in enumerate(nb.cells)
        for out in cell.get("outputs", [])
        for p in problems_in_html(_html(out), f"{where} cell {cell.get('id', i)}")
    ]


def problems_in_workbook(path: Path) -> list[str]:
    """Problems of every sheet: its heading row (each Excel table's, else the first
    row) and every text cell below it."""
    found = []
    wb = load_workbook(path, read_only=False)
    for ws in wb.worksheets:
        heads = [ws[t.ref][0] for t in ws.tables.values()] or [next(ws.iter_rows(max_row=1))]
        head_cells = {c.coordinate for row in heads for c in row}
        heading_of = {c.column: str(c.value or "") for row in heads for c in row}
        where = f"{path.name} › {ws.title}"
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str) or c.value.startswith("="):
                    continue
                if c.coordinate in head_cells:
                    if _raw_heading(c.value):
                        found.append(f"{where}: heading {c.value!r} ({c.coordinate})")
                elif _raw_value(c.value, heading_of.get(c.column, "")):
                    found.append(f"{where}: {c.coordinate} {c.value!r}")
    return found


# ----------------------------------------------------------------------------- walker tests


def _raw_frame():
    return pd.DataFrame(
        {
            "sales_rank": [1, 2],
            "units": [10, 20],
            "model": ["snaive+ets_damped", "Theta"],
            "level": ["3A", "3"],
            "role": ["sales_staff", "medical_rep"],
            "departments": [["心内科", "眼科"], ["眼科"]],
        }
    )


def test_walker_fails_on_raw_headings_codes_and_bare_index():
    found = problems_in_html(_raw_frame().to_html(), "raw")
    assert "raw table 1: heading 'sales_rank'" in found
    assert "raw table 1: heading 'units'" in found
    assert "raw table 1: model 'snaive+ets_damped'" in found
    assert "raw table 1: level '3A'" in found
    assert "raw table 1: level '3'" in found  # a level digit, in a level column
    assert "raw table 1: role 'sales_staff'" in found
    assert "raw table 1: departments '[心内科, 眼科]'" in found
    assert any("unnamed integer index" in p for p in found)
    assert not any("Theta" in p for p in found)  # a label, not a code


def test_walker_passes_the_labelled_table_and_a_named_index():
    styled = rk.report.display_table(_raw_frame()).to_html()
    assert tables_in_html(styled, "ok")[0].body  # the walker reads the Styler's cells
    assert problems_in_html(styled, "ok") == []
    named = labels.label_frame(_raw_frame()).set_index("销售排名")
    found = problems_in_html(named.to_html(), "named")
    assert found == ["named table 1: 科室 '[心内科, 眼科]'", "named table 1: 科室 '[眼科]'"]
    assert problems_in_html(named.drop(columns="科室").to_html(), "named") == []
    digits = pd.DataFrame({"床位数": ["3", "2"]}).set_index("床位数").to_html()
    assert problems_in_html(digits, "beds") == []  # digits outside level columns are numbers


def test_walker_reads_every_sheet_heading_and_cell(tmp_path):
    raw = _raw_frame().drop(columns="departments")  # a list is not a cell value
    book = tmp_path / "raw.xlsx"
    with pd.ExcelWriter(book) as writer:
        raw.to_excel(writer, sheet_name="raw", index=False)
        labels.label_frame(raw).to_excel(writer, sheet_name="ok", index=False)
    found = problems_in_workbook(book)
    assert "raw.xlsx › raw: heading 'sales_rank' (A1)" in found
    assert "raw.xlsx › raw: D2 '3A'" in found
    assert "raw.xlsx › raw: E3 'medical_rep'" in found
    assert not [p for p in found if "› ok" in p]
    path = rk.report.write_excel({"表": raw}, tmp_path / "labelled.xlsx")
    assert problems_in_workbook(path) == []


def test_allowed_texts_each_have_a_reason():
    assert all(len(reason) > 20 for reason in ALLOWED.values())
    assert not set(ALLOWED) & RAW_CODES


# ----------------------------------------------------------------------------- outputs

TEMPLATES = sorted((ROOT / "templates").glob("*.ipynb"))
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))  # training and examples


@pytest.mark.notebook
@pytest.mark.xdist_group("notebooks")
@pytest.mark.parametrize("path", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_template_page_and_workbooks_show_no_raw_heading(path, executed_notebook):
    from repkit.report.html import notebook_to_html

    nb, out = executed_notebook(path)
    page = notebook_to_html(nb, title=path.stem)  # what rk.batch writes as plan.html
    tables = tables_in_html(page, path.name)
    assert len(tables) >= 3, "the walker found too few tables: is the parser still right?"
    problems = [p for t in tables for p in problems_in_table(t)]
    books = sorted(out.rglob("*.xlsx"))
    assert books, "every template writes a workbook"
    for book in books:
        problems += problems_in_workbook(book)
    assert problems == []


@pytest.mark.notebook
@pytest.mark.xdist_group("notebooks")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_tables_show_no_raw_heading(path, executed_notebook):
    nb, _ = executed_notebook(path)
    tables = [
        t
        for i, cell in enumerate(nb.cells)
        for out in cell.get("outputs", [])
        for t in tables_in_html(_html(out), f"{path.name} cell {cell.get('id', i)}")
    ]
    assert tables, "every notebook shows a table (training: at least its progress table)"
    assert [p for t in tables for p in problems_in_table(t)] == []
