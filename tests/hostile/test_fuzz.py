"""Seeded fuzz: payload names in every text column people type, through the real renderers.

Each payload goes into the regions, hospitals, departments, products, people and rep IDs
of the sample data set; every table and Markdown output of the plan, rep and weekly documents is
rendered and scanned for markup that could run, and every file the plan writes (workbook,
summary, per-rep schedules with the payload as rep ID) must land inside its folder.
"""

from __future__ import annotations

import dataclasses
import os
import random

import pytest

import repkit as rk

from ._render import plan_outputs
from .conftest import ID_COLUMNS, PAYLOADS, TEXT_COLUMNS, inject, scan_html

FRAGMENTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "</td></tr></table><iframe src=javascript:alert(1)>",
    "<style>body{display:none}</style>",
    "&lt;b&gt;",
    "[x](javascript:alert(1))",
    "![x](http://x/y.png)",
    '=HYPERLINK("http://x")',
    "+1",
    "@SUM(A1)",
    "../../x",
    "..\\x",
    "\x00",
    "{}{0}{x}",
    "*_`",
    "空军医院",
]


def _payloads(seed: int = 14, extra: int = 2) -> list[str]:
    rng = random.Random(seed)
    mixed = ["".join(rng.sample(FRAGMENTS, rng.randint(2, 4))) for _ in range(extra)]
    return [*PAYLOADS, *mixed]


ALL = _payloads()


def _with_rep_ids(ds, payload: str):
    ids = {r: f"{payload}{i}" for i, r in enumerate(ds.reps["rep_id"])}
    changes = {}
    for table in ("reps", "sales", "calls"):
        frame = getattr(ds, table).copy()
        frame["rep_id"] = frame["rep_id"].map(lambda r: ids.get(r, r))
        changes[table] = frame
    return dataclasses.replace(ds, **changes)


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(ALL)))
def test_no_payload_becomes_markup_or_leaves_the_folder(small_ds, tmp_path, index):
    payload = ALL[index]
    out = tmp_path / "deep" / "out"
    out.mkdir(parents=True)
    ds = _with_rep_ids(inject(small_ds, payload, tag=f"#{index}"), payload)
    pages = plan_outputs(ds, out)
    dirty = {name: scan_html(page) for name, page in pages.items() if scan_html(page)}
    assert dirty == {}, repr(payload)
    assert len(pages) == 31

    written = [os.path.join(d, f) for d, _, fs in os.walk(tmp_path) for f in fs]
    assert written
    assert all(os.path.commonpath([str(out), w]) == str(out) for w in written), written


def test_fuzz_counts():
    """The numbers quoted in SECURITY.md: 18 payloads × 31 HTML outputs = 558 scans."""
    assert len(ALL) == 18
    assert len(FRAGMENTS) >= 15


@pytest.mark.slow
@pytest.mark.notebook
def test_real_plan_html_from_hostile_files(small_ds, tmp_path):
    """One real papermill run of half_year_plan.ipynb on files with payload names."""
    from repkit._resources import template_path

    payload = '<img src=x onerror=alert(1)>"><svg onload=alert(1)>[x](javascript:alert(1))'
    rk.sample.write(inject(small_ds, payload, regions=False), tmp_path / "data")
    out = tmp_path / "out"
    manifest = rk.batch.run(
        template_path("half_year_plan.ipynb"),
        data=tmp_path / "data",
        out_dir=out,
        params={"half": "2026H2", "forecast": "simple"},
        workers=1,
    )
    entry = next(iter(manifest["regions"].values()))
    assert entry["status"] == "ok", entry.get("error")
    pages = [p for p in out.rglob("*.html")]
    assert {p.name for p in pages} >= {"plan.html", "index.html"}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert scan_html(text) == [], page
    assert "onerror=alert(1)" in (out / entry["folder"] / "plan.html").read_text(encoding="utf-8")
    written = [os.path.join(d, f) for d, _, fs in os.walk(tmp_path) for f in fs]
    assert all(w.startswith(str(tmp_path / "data")) or w.startswith(str(out)) for w in written)


def test_every_text_column_of_every_input_table_is_fuzzed():
    from repkit.schema import TABLES

    text_types = {"str", "list", "code"}
    missing = [
        f"{name}.{column}"
        for name, table in TABLES.items()
        for column, kind in table.columns.items()
        if kind in text_types
        and column not in ID_COLUMNS
        and column not in TEXT_COLUMNS.get(name, ())
    ]
    assert missing == []
