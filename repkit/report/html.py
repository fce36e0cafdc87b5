"""HTML reports that work offline: a plan notebook without code, and the batch index.

:func:`notebook_to_html` converts an executed notebook with nbconvert (JupyterLab look,
code cells hidden, a table of contents, print-friendly CSS). Charts are already inline
PNG data in the notebook and local images in markdown are embedded, and no script is
loaded from the network, so the file opens on a laptop without internet.
:func:`index_html` renders the overview page of a batch from its manifest.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from repkit.messages import MESSAGES, language, say

__all__ = ["index_html", "notebook_to_html"]

PRINT_CSS = """
body.jp-Notebook { max-width: 1200px; margin: 0 auto; padding: 0 1.5rem 3rem; }
nav.rk-toc { border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem 1rem;
  margin: 1rem 0 1.5rem; background: #f6f8fa; font-size: 14px;
  font-family: var(--jp-content-font-family, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif); }
nav.rk-toc b { display: block; margin-bottom: .3rem; }
nav.rk-toc ul { margin: 0; padding-left: .2rem; list-style: none; }
nav.rk-toc li.rk-l3 { margin-left: 1.4rem; font-size: 13px; color: #57606a; }
.jp-RenderedImage img { max-width: 100%; height: auto; }
.jp-OutputArea-child { display: block; overflow: visible; }
.jp-OutputArea-output { display: block; width: auto; max-width: 100%; overflow-x: auto; }
.jp-RenderedHTMLCommon table { font-size: 13px; margin-left: 0; }
.jp-RenderedHTMLCommon table th { white-space: nowrap !important; }
.jp-RenderedHTMLCommon table td { white-space: normal !important; overflow-wrap: break-word; }
.jp-RenderedHTMLCommon table td, .jp-RenderedHTMLCommon table th { padding: .4em .5em; }
.jp-RenderedHTMLCommon table caption { text-align: left; caption-side: top; }
table.dataframe { border-collapse: collapse; font-size: 13px; }
.rk-meta { color: #57606a; font-size: 12px; margin-top: 1rem; }
.rk-nb { white-space: nowrap; }
@media screen { .rk-nw { white-space: nowrap; } }
@page { size: A4; margin: 12mm 10mm; }
@page rk-wide { size: A4 landscape; margin: 10mm; }
@media print {
  body.jp-Notebook { max-width: none; padding: 0; font-size: 10.5pt; }
  nav.rk-toc { background: none; }
  a.anchor-link, .jp-Collapser, .jp-OutputPrompt, .jp-InputPrompt { display: none !important; }
  h1, h2, h3, caption { break-after: avoid; }
  .jp-Cell-outputWrapper, .jp-OutputArea-child, .jp-OutputArea-output { break-inside: auto; }
  .jp-OutputArea-output { overflow: visible !important; max-width: none; margin: 0 !important; }
  .jp-Cell, .jp-OutputArea { padding: 0 !important; margin: 0 !important; }
  .jp-RenderedHTMLCommon table, table.dataframe { font-size: 8pt; }
  .jp-RenderedHTMLCommon table td, .jp-RenderedHTMLCommon table th { padding: .2em .35em; }
  thead { display: table-header-group; }
  tr, img, figure, table.rk-short { break-inside: avoid; }
  .jp-RenderedHTMLCommon table.rk-small { font-size: 7pt; }
  .jp-OutputArea-output:has(table.rk-wide) { page: rk-wide; }
  .jp-RenderedHTMLCommon table.rk-wider { font-size: 6.5pt; }
  .jp-RenderedHTMLCommon table.rk-wrap-head th { white-space: normal !important; }
  a { color: inherit; text-decoration: none; }
}
"""
"""Page styles: tables wrap their cells (never their headings) to fit the page; on
screen a table still too wide scrolls inside its own box; in print tables use 8 pt,
keep rows whole and repeat their heading row on every page. :func:`_mark_tables`
sizes each table for print: ``rk-small`` prints at 7 pt, ``rk-wide`` on A4 landscape
pages of its own, ``rk-wider`` there at 6.5 pt and ``rk-wrap-head`` also wraps its
headings, so no column is cut off."""

_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_css -%}<style type="text/css">{{ resources.repkit_css }}</style>
{%- endblock html_head_css -%}
{%- block body_header -%}{{ super() }}<!--repkit-toc-->{%- endblock body_header -%}
"""

_HEADING = re.compile(r'<h([1-3]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAGS = re.compile(r"<[^>]+>")
_EXPORTERS: dict[bool, Any] = {}
_LOCK = threading.Lock()


# Only the images nbconvert writes (inline data of chart outputs and embedded markdown
# images) get an alt text; text from data is escaped, so it never holds a real <img>,
# and this pass must not touch anything else.
_IMG_NO_ALT = re.compile(
    r'<img(?=\s+src="data:image/(?:png|jpeg|gif|svg\+xml);base64,)(?![^>]*\salt=)'
)
_FOCUSABLE = re.compile(
    r'<div class="([^"]*(?<![\w-])(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?![\w-])[^"]*)"'
)


def _exporter_class() -> type:
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class Exporter(HTMLExporter):  # type: ignore[misc]
        """nbconvert's lab HTML without its BeautifulSoup pass (a third of the time).

        ``HTMLExporter.from_notebook_node`` re-parses the whole page to add alt texts to
        images and tabindex to cells; the same is done here with two regular expressions
        on the page nbconvert's own template wrote.
        """

        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            if not hasattr(self, "_nb_metadata") or not hasattr(self, "_init_resources"):
                return super().from_notebook_node(nb, resources, **kw)  # other nbconvert
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", data_type)
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            page = _IMG_NO_ALT.sub('<img alt="图表 chart"', page)
            page = _FOCUSABLE.sub(r'<div tabindex="0" class="\1"', page)
            return page, resources

    return Exporter


def _exporter(code: bool) -> Any:
    from jinja2 import DictLoader

    with _LOCK:
        if code not in _EXPORTERS:
            _EXPORTERS[code] = _exporter_class()(
                template_name="lab",
                extra_loaders=[DictLoader({"repkit.html.j2": _TEMPLATE})],
                template_file="repkit.html.j2",
                exclude_input=not code,
                exclude_input_prompt=not code,
                exclude_output_prompt=True,
                embed_images=True,
                optimistic_validation=True,  # validate once, not after each preprocessor
            )
        return _EXPORTERS[code]


_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.S)
_THEAD = re.compile(r"<thead\b.*?</thead>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t([hd])\b[^>]*>(.*?)</t[hd]>", re.S)
_CLASS = re.compile(r'\bclass="([^"]*)"')
_SPLIT_TAGS = re.compile(r"(<[^>]*>)")
_SHORT_TEXT = 10
"""Cells of at most this many characters do not wrap on screen."""
_SHORT_CELL = re.compile(r"(<td\b[^>]*>)([^<]+)(</td>)")
_CODE = re.compile(r"(?<![\w&#;.-])(\w[\w.]*(?:[-/]\w[\w.]*)+)(?![\w-])", re.ASCII)
_PORTRAIT_EM = 65.0
"""Widest table (in ems of its 8 pt print font) for A4 portrait (190 mm = 67 em)."""
_SMALL_EM = 74.0
"""Widest table printed on a portrait page at 7 pt (``rk-small``; 77 em at 8 pt)."""
_LANDSCAPE_EM = 95.0
"""Widest table for A4 landscape (277 mm = 98 em) at 8 pt; wider ones print at 6.5 pt."""
_WIDEST_EM = 116.0
"""Widest table for A4 landscape at 6.5 pt (120 em at 8 pt); wider ones wrap headings."""
_SHORT_ROWS = 20
"""Tables with at most this many rows are kept on one page when printed."""


_NARROW = dict.fromkeys(".,:;'|!", 0.32) | dict.fromkeys("-()[] ", 0.4) | {"%": 0.95}


def _em(text: str, *, bold: bool = False) -> float:
    """Width of text in ems: Chinese (wide) characters 1, digits and letters about 0.65.

    0.65 is DejaVu Sans, the widest common sans-serif; bold is a little wider.
    """
    width = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            width += 1.0
        else:
            base = _NARROW.get(ch, 0.72 if ch.isupper() else 0.64)
            width += base * (1.1 if bold else 1.0)
    return width


def _min_em(text: str, *, bold: bool = False) -> float:
    """Narrowest width of a wrapped cell in ems.

    Text wraps at spaces and between Chinese characters, so its longest run of other
    characters counts (short cells wrap in print too, see :func:`_keep_codes`).
    """
    runs = re.split(r"\s+|[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]", text)
    return max([_em(r, bold=bold) for r in runs] + [1.0 if text.strip() else 0.0])


def _table_classes(inner: str) -> list[str]:
    """Print classes of one table, from its text.

    ``rk-short`` (few rows: keep on one page), ``rk-small`` (7 pt: too wide for 8 pt,
    or its text would be squeezed into narrow columns), ``rk-wide`` (landscape page),
    ``rk-wider`` (also 6.5 pt), ``rk-wrap-head`` (also headings wrap).
    """
    head = _THEAD.search(inner)
    head_rows = _ROW.findall(head.group(0)) if head else []
    body_rows = _ROW.findall(_THEAD.sub("", inner))
    widths: list[list[float]] = []  # per column: narrowest (headings unwrapped), one line
    for row in head_rows + body_rows:
        for i, (kind, cell) in enumerate(_CELL.findall(row)):
            text = html.unescape(_TAGS.sub("", cell)).strip()
            line = _em(text, bold=kind == "h")
            need = [line if kind == "h" else _min_em(text), line]
            if i == len(widths):
                widths.append(need)
            else:
                widths[i] = [max(a, b) for a, b in zip(widths[i], need, strict=True)]
    pad = 0.7 * len(widths)  # cell padding
    least, most = (sum(w[k] for w in widths) + pad for k in range(2))
    classes = ["rk-short"] if len(body_rows) <= _SHORT_ROWS else []
    squeezed = least > 0.8 * _PORTRAIT_EM and most > _PORTRAIT_EM
    if least > _SMALL_EM:
        classes.append("rk-wide")
    elif least > _PORTRAIT_EM or squeezed:
        classes.append("rk-small")
    if least > _LANDSCAPE_EM:
        classes.append("rk-wider")
    if least > _WIDEST_EM:
        classes.append("rk-wrap-head")
    return classes


def _keep_codes(inner: str) -> str:
    """Keep codes on one line, and short cells on screen.

    Codes have hyphens or slashes (2026-07-01, DR-7E8B); short cells are names,
    departments, levels, hospitals (唐玉兰, 呼吸内科), kept whole on screen but
    allowed to wrap on a narrow printed page. Text between tags is escaped data; such
    text is wrapped in a span.
    """
    inner = _SHORT_CELL.sub(_nowrap_short, inner)
    parts = _SPLIT_TAGS.split(inner)
    for i in range(0, len(parts), 2):
        if "-" in parts[i] or "/" in parts[i]:
            parts[i] = _CODE.sub(r'<span class="rk-nb">\1</span>', parts[i])
    return "".join(parts)


def _nowrap_short(m: re.Match[str]) -> str:
    text = m.group(2)
    if len(html.unescape(text).strip()) > _SHORT_TEXT:
        return m.group(0)
    return f'{m.group(1)}<span class="rk-nw">{text}</span>{m.group(3)}'


def _mark_tables(page: str) -> str:
    """Add the print classes of :func:`_table_classes` to every table of the page.

    Only the ``class`` attribute of ``<table>`` tags and codes in cells
    (:func:`_keep_codes`) are touched; text from data is escaped, so it holds no
    ``<table`` of its own.
    """

    def mark(m: re.Match[str]) -> str:
        attrs, inner = m.group(1), _keep_codes(m.group(2))
        extra = " ".join(_table_classes(inner))
        if not extra:
            return f"<table{attrs}>{inner}</table>"
        if _CLASS.search(attrs):
            attrs = _CLASS.sub(lambda c: f'class="{c.group(1)} {extra}"', attrs, count=1)
        else:
            attrs = f'{attrs} class="{extra}"'
        return f"<table{attrs}>{inner}</table>"

    return _TABLE.sub(mark, page)


def _toc(body: str) -> str:
    items = []
    for level, anchor, inner in _HEADING.findall(body):
        text = html.unescape(_TAGS.sub("", inner)).replace("¶", "").strip()
        if level == "1" or not text:
            continue
        items.append(
            f'<li class="rk-l{level}"><a href="#{html.escape(anchor)}">{html.escape(text)}</a></li>'
        )
    if not items:
        return ""
    return f'<nav class="rk-toc"><b>目录 Contents</b><ul>{"".join(items)}</ul></nav>'


def notebook_to_html(
    nb: Any, *, code: bool = False, title: str | None = None, folder: str | Path | None = None
) -> str:
    r"""Convert an executed notebook to one self-contained HTML page.

    Parameters
    ----------
    nb
        A notebook (``nbformat.NotebookNode``), e.g. the output of papermill.
    code
        Show code cells (default False: readers see narrative, tables and charts only).
    title
        The page title; defaults to the notebook's ``metadata.title`` or "Notebook".
    folder
        Where images linked from markdown (``![](chart.png)``) are found; they are
        embedded as data. Default: the current folder.

    Returns
    -------
    str
        HTML with inline CSS and images, a table of contents built from the level-2 and
        level-3 headings, and print styles (A4; each table sized to fit the page, see
        :data:`PRINT_CSS`; no page break inside a chart, a table row or a short table).

    Examples
    --------
    >>> import nbformat.v4 as v4
    >>> nb = v4.new_notebook(cells=[v4.new_markdown_cell("# 计划\n## 1 回顾"),
    ...                             v4.new_code_cell("secret_code = 1")])
    >>> page = rk.report.html.notebook_to_html(nb, title="兰州")
    >>> "<title>兰州</title>" in page, "secret_code" in page, 'class="rk-toc"' in page
    (True, False, True)
    >>> "<script src=" in page
    False
    """
    import copy

    if title is not None:
        nb = copy.copy(nb)
        nb.metadata = copy.deepcopy(nb.metadata)
        nb.metadata["title"] = title
    resources = {
        "repkit_css": PRINT_CSS,
        "metadata": {"path": str(folder or "."), "name": "Notebook"},
    }
    body, _ = _exporter(code).from_notebook_node(nb, resources=resources)
    return _mark_tables(body.replace("<!--repkit-toc-->", _toc(body), 1))


# ---------------------------------------------------------------------------- index

_STATUS = {  # status → (catalogue key of its label, colour)
    "ok": ("index.ok", "#1a7f37"),
    "skipped": ("index.skipped", "#57606a"),
    "failed": ("index.failed", "#cf222e"),
    "timeout": ("index.timeout", "#bc4c00"),
}


def _error_line(err: Mapping[str, Any]) -> str:
    """A failed region's error for the reader: the kind of failure in words, then the message.

    Examples
    --------
    >>> _error_line({"exception": "DataError", "message": "销售表第 5 行：月份不是日期"})
    '输入数据有问题：销售表第 5 行：月份不是日期'
    >>> _error_line({"exception": "KeyError", "message": "'x'"})
    "程序错误（KeyError）：'x'"
    """
    name = str(err.get("exception") or "")
    key = f"index.err.{name}"
    kind = say(key) if key in MESSAGES else say("index.err.other", name=name) if name else ""
    sep = ": " if language() == "en" else "："
    return sep.join(x for x in (kind, str(err.get("message") or "")) if x)


def _status(status: str) -> tuple[str, str]:
    key, colour = _STATUS.get(status, ("", "#57606a"))
    return (say(key) if key else status), colour


def _when(stamp: object) -> str:
    """An ISO time as people read it: ``2026-07-01 08:00 UTC+08:00``."""
    text = str(stamp or "")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text[:16]
    offset = moment.strftime("%z")
    zone = f" UTC{offset[:3]}:{offset[3:]}" if offset else ""
    return f"{moment:%Y-%m-%d %H:%M}{zone}"


_INDEX_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
  margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
.meta { color: #57606a; font-size: 13px; margin-bottom: 1rem; }
.counts span { display: inline-block; margin-right: 1rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border-bottom: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f6f8fa; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.st { font-weight: 600; white-space: nowrap; }
.err { color: #cf222e; font-size: 12px; max-width: 28rem; }
.note { color: #57606a; font-size: 12px; }
td.warn { color: #9a6700; font-size: 13px; }
a { color: #0969da; }
@media print { body { margin: 0; max-width: none; } th { position: static; }
  a { color: inherit; text-decoration: none; } tr { break-inside: avoid; } }
"""


def _num(value: Any, kind: str) -> str:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    if value != value:  # NaN
        return ""
    if kind == "rate":
        return f"{value:.1%}"
    if kind == "wan":
        return f"{value / 1e4:,.1f}"
    if kind == "amount":
        return f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.0f}"


_INDEX_COLUMNS = (
    "region",
    "status",
    "completion",
    "units",
    "amount",
    "growth",
    "warnings",
    "time",
    "files",
)


def _warnings_cell(warnings: Any) -> str:
    """The plan's warnings as short labels; the full sentences in the cell's tooltip."""
    items = [w for w in warnings or [] if isinstance(w, Mapping)]
    if not items:
        return ""
    labels = []
    for w in items:
        code, message = str(w.get("code", "")), str(w.get("message", ""))
        key = f"index.warn.{code}"
        labels.append(say(key) if key in MESSAGES else message[:24])
    full = "\n".join(str(w.get("message", "")) for w in items)
    text = "⚠ " + "；".join(labels)
    return f'<span title="{html.escape(full)}">{html.escape(text)}</span>'


def _link(folder: str, name: str, label: str) -> str:
    return f'<a href="{quote(folder)}/{quote(name)}">{label}</a>'


def _index_row(region: str, e: Mapping[str, Any]) -> tuple[str, str]:
    """One region's row of :func:`index_html`, and the half it planned."""
    folder = str(e.get("folder", region))
    status = str(e.get("status", ""))
    label, colour = _status(status)
    output = e.get("output") or {}
    files = set(output.get("files") or e.get("files") or [])
    summary = e.get("summary") or output.get("summary") or {}
    half = summary.get("half") or (e.get("params") or {}).get("half")
    name = html.escape(region)
    cell = _link(folder, "plan.html", name) if "plan.html" in files else name
    links = [
        _link(folder, f, t)
        for f, t in (
            ("plan.pdf", "PDF"),
            ("plan.xlsx", "Excel"),
            ("plan.ipynb", say("index.notebook")),
        )
        if f in files
    ]
    extra = ""
    err = e.get("error") or {}
    if status in ("failed", "timeout"):
        msg = _error_line(err)
        where = "" if err.get("cell") is None else say("batch.cell", cell=err["cell"])
        extra = f'<div class="err">{html.escape(msg[:300])}{html.escape(where)}</div>'
        failed = (
            ("plan.failed.html", "index.failed_run"),
            ("plan.failed.ipynb", "index.notebook"),
        )
        for f, t in ((f, say(k)) for f, k in failed):
            if f in set(e.get("failure_files") or []):
                links.append(_link(folder, f, t))
        if files:
            note = say("index.last_good", when=_when(output.get("finished")))
            extra += f'<div class="note">{html.escape(note)}</div>'
    rate = summary.get("completion_rate")
    return str(half or ""), (
        "<tr>"
        f"<td>{cell}{extra}</td>"
        f'<td class="st" style="color:{colour}">{html.escape(label)}</td>'
        f'<td class="num">{_num(rate, "rate")}</td>'
        f'<td class="num">{_num(summary.get("target_units"), "units")}</td>'
        f'<td class="num">{_num(summary.get("target_amount"), "wan")}</td>'
        f'<td class="num">{_num(summary.get("target_growth_rate"), "rate")}</td>'
        f'<td class="warn">{_warnings_cell(summary.get("warnings"))}</td>'
        f'<td class="num">{_num(e.get("duration_s"), "amount")}</td>'
        f"<td>{' · '.join(links)}</td>"
        "</tr>"
    )


def index_html(manifest: Mapping[str, Any]) -> str:
    """The overview page of a batch: every region with status, key figures and links.

    Parameters
    ----------
    manifest
        The dict returned by ``repkit.batch.run`` (also in ``manifest.json``).

    Returns
    -------
    str
        Self-contained HTML (inline CSS, relative links, no scripts).

    Examples
    --------
    >>> m = {"finished": "2026-07-01T08:00:00", "counts": {"ok": 1}, "regions": {
    ...     "兰州": {"folder": "兰州", "status": "ok", "duration_s": 3.2,
    ...            "files": ["plan.html", "plan.xlsx"],
    ...            "summary": {"completion_rate": 0.21, "target_units": 1200,
    ...                        "target_amount": 56000.0, "half": "2026H2"}}}}
    >>> page = rk.report.html.index_html(m)
    >>> "21.0%" in page, 'href="%E5%85%B0%E5%B7%9E/plan.html"' in page
    (True, True)
    """
    regions: Mapping[str, Any] = manifest.get("regions", {})
    rows = []
    halves = set()
    for region, e in regions.items():
        half, row = _index_row(region, e)
        rows.append(row)
        if half:
            halves.add(half)
    counts = manifest.get("counts", {})
    count_html = "".join(
        f'<span style="color:{_status(k)[1]}">{html.escape(_status(k)[0])} {v}</span>'
        for k, v in counts.items()
    )
    half = " / ".join(sorted(halves))
    meta = " · ".join(
        html.escape(str(x))
        for x in (
            say("index.regions", n=len(regions)),
            say("index.finished", when=_when(manifest.get("finished"))),
            f"repkit {manifest.get('repkit_version', '')}",
            say("index.input", hash=str(manifest.get("input_hash", ""))[:19]),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(say('index.title', half=half))}</title>"
        f"<style>{_INDEX_CSS}</style></head><body>"
        f"<h1>{html.escape(say('index.title', half=half))}</h1>"
        f'<div class="meta">{meta}</div><div class="counts">{count_html}</div>'
        "<table><thead><tr>"
        + "".join(f"<th>{html.escape(say(f'index.col.{c}'))}</th>" for c in _INDEX_COLUMNS)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + f'</tbody></table><p class="meta">{html.escape(say("index.footer"))}</p></body></html>\n'
    )
