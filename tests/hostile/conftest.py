"""Hostile data: payloads in every text cell people type, and an HTML scanner."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><iframe src=javascript:alert(1)>",
    "[x](javascript:alert(1))",
    '=HYPERLINK("http://x","y")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "../../x",
    "..\\x",
    "a\x00b",
    "／etc／passwd",
    "CON",
    "长" * 300,
]
"""Strings an attacker or an unlucky export puts into names."""

# Columns holding names people type, per table of a Dataset; lists are mapped item-wise.
TEXT_COLUMNS = {
    "sales": ("region", "hospital", "department", "product", "distributor"),
    "products": ("product", "unit"),
    "hospitals": ("name", "region", "city", "departments"),
    "doctors": ("name", "department", "tier"),
    "reps": ("name", "region", "products"),
    "calls": ("department", "result", "follow_up"),
    "targets": ("region", "product", "department"),
    "collections": ("region", "distributor"),
    "nurses": ("department", "name"),
    "competitors": ("department", "product", "competitor_product", "activity", "notes"),
    "meetings": ("department", "product"),
    "listings": ("product",),
    "overrides": ("region", "hospital", "products", "notes"),
    "swot": ("region", "product", "content", "action"),
}
"""Every free-text column of every input table (tests/hostile/test_fuzz.py checks the
list against repkit.schema, so a new text column cannot be left out)."""

ID_COLUMNS = ("hospital_id", "doctor_id", "rep_id", "hospitals")  # reps.hospitals: a list of IDs
"""IDs are not free text: the loaders refuse < > " / \\ : * ? | and control characters in
them (rule unsafe_id, tests/hostile/test_paths.py); rep IDs are still fuzzed in memory."""


def inject(ds, payload: str, *, tag: str = "", regions: bool = True):
    """A copy of ``ds`` whose regions, hospitals, departments, products and people
    carry ``payload`` (the same value maps to the same new name everywhere).

    ``regions=False`` leaves regions alone (they name folders, so ``check`` refuses
    path characters in them: rule unsafe_id)."""

    def spoil(value):
        if isinstance(value, str):
            return f"{payload}{tag}{value}"
        if isinstance(value, (list, tuple)):
            return type(value)(spoil(v) for v in value)
        return value

    changes = {}
    for table, columns in TEXT_COLUMNS.items():
        frame = getattr(ds, table).copy()
        for col in columns:
            if col in frame and (regions or col != "region"):
                frame[col] = frame[col].map(spoil)
        changes[table] = frame
    return dataclasses.replace(ds, **changes)


_ALLOWED_TAGS = {
    "table", "thead", "tbody", "tr", "th", "td", "caption", "style", "div", "p", "ul", "ol",
    "li", "strong", "em", "h1", "h2", "h3", "h4", "blockquote", "br", "code", "pre", "span",
    "a", "img", "nav", "b", "html", "head", "body", "meta", "title", "hr", "main", "link",
}  # fmt: skip


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _ALLOWED_TAGS:
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"<{tag} {name}={value!r}>")
            if tag == "img" and name == "src" and not (value or "").startswith("data:image/"):
                self.bad.append(f"<img src={value!r}>")


def scan_html(page: str) -> list[str]:
    """Tags and attributes in ``page`` that could run script (empty when clean)."""
    parser = _Scanner()
    parser.feed(page)
    parser.close()
    return parser.bad


@pytest.fixture(scope="session")
def small_ds():
    """The sample data set of seed 0 with one region (do not mutate)."""
    import repkit as rk

    return rk.sample.generate(seed=0, regions=1)


def write_ods(frame, path, sheet: str) -> None:
    """A minimal OpenDocument spreadsheet (what LibreOffice/WPS save), without odfpy."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(v):
        if isinstance(v, bool) or v is None or v != v:
            return "<table:table-cell/>"
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"/>'
        text = f"<text:p>{escape(str(v))}</text:p>"
        return f'<table:table-cell office:value-type="string">{text}</table:table-cell>'

    rows = [list(frame.columns), *frame.itertuples(index=False)]
    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(sheet)}">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
