"""Names from data never become markup in plan documents (issue 14, stored XSS)."""

from __future__ import annotations

import pandas as pd
import pytest

import repkit as rk

from ._render import markdown_html, plan_outputs
from .conftest import inject, scan_html

XSS = "<img src=x onerror=alert(1)>"


def test_display_table_escapes_cells_headers_and_caption():
    frame = pd.DataFrame({"hospital": [XSS + "空军医院"], "<b>x</b>": ["<script>1</script>"]})
    page = rk.report.display_table(frame, caption="<svg onload=alert(1)>").to_html()
    assert scan_html(page) == []
    assert "&lt;img src=x onerror=alert(1)&gt;空军医院" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "&lt;svg onload=alert(1)&gt;" in page


def test_key_figures_escape_markdown_and_html():
    text = rk.report.tables.key_figures({"医院": XSS, "<b>k</b>": "[x](javascript:alert(1))"})
    page = markdown_html(text)
    assert scan_html(page) == []
    assert "<a " not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("payload", [XSS, '"><svg onload=alert(1)>', "<script>alert(1)</script>"])
def test_every_plan_output_is_escaped(small_ds, payload):
    pages = plan_outputs(inject(small_ds, payload))
    assert len(pages) >= 20
    dirty = {name: scan_html(page) for name, page in pages.items() if scan_html(page)}
    assert dirty == {}
    # the payload is shown as text, not dropped
    assert any(
        "onload=alert(1)" in p or "onerror=alert(1)" in p or "alert(1)" in p for p in pages.values()
    )


def test_post_processor_only_decorates_nbconvert_images():
    import nbformat.v4 as v4

    from repkit.report.html import notebook_to_html

    injected = '<img src="x" onerror="alert(1)">'
    png = "iVBORw0KGgo="
    nb = v4.new_notebook(
        cells=[
            v4.new_code_cell(
                "x",
                outputs=[
                    v4.new_output("display_data", data={"text/html": injected}),
                    v4.new_output("display_data", data={"image/png": png}),
                ],
            )
        ]
    )
    page = notebook_to_html(nb)
    assert injected in page  # raw HTML outputs are the notebook's own; left untouched
    assert '<img alt="图表 chart" src="data:image/png;base64,' in page
