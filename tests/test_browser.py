"""Real clients: JupyterLab in headless Chromium, and Chromium rendering a plan document.

Marked ``browser``; skipped with the reason when Chromium is not installed
(``make chromium`` installs Debian's). Chromium is driven through its DevTools
protocol, so the tests can wait for JupyterLab to finish rendering, read the DOM and
ask Chromium which fonts it really used for the Chinese text (a missing font would
show boxes, "tofu", and no CJK font would be reported).

Set ``REPKIT_SCREENSHOTS=docs/img`` to keep the screenshots (the README uses them).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from repkit.report.pdf import chromium_command, find_chromium

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = find_chromium()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless Chromium not installed (run `make chromium` or set REPKIT_CHROMIUM)",
    ),
]

_CJK = re.compile(r"[\u3400-\u9fff]")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keep(png: bytes, name: str) -> None:
    folder = os.environ.get("REPKIT_SCREENSHOTS")
    if folder:
        target = ROOT / folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """Data for the notebooks: the committed sample when keeping screenshots, else a small set."""
    if os.environ.get("REPKIT_SCREENSHOTS"):
        return ROOT / "sample_data"
    import repkit as rk

    folder = tmp_path_factory.mktemp("browser_data")
    rk.sample.write(rk.sample.generate(seed=0, regions=1, hospitals_per_region=8), folder)
    return folder


def _cjk_families() -> set[str]:
    """Font families fontconfig says cover Chinese."""
    if not shutil.which("fc-list"):
        return set()
    out = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}


class DevTools:
    """A minimal Chrome DevTools Protocol client for one headless page."""

    def __init__(self, profile: Path, *, width: int, height: int) -> None:
        import websocket

        profile.mkdir(parents=True, exist_ok=True)
        cmd = chromium_command(
            profile,
            "--remote-debugging-port=0",
            "--remote-allow-origins=*",
            f"--window-size={width},{height}",
            "about:blank",
            what="the browser tests",
        )
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            pages = [t for t in json.load(r) if t["type"] == "page"]
        self.ws = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self._id = 0
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def call(self, method: str, **params):
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def open(self, url: str, *, ready: str, timeout: float = 120) -> None:
        """Navigate and wait until the JavaScript expression ``ready`` is true."""
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while not self.evaluate(ready):
            if time.monotonic() > deadline:
                body = self.evaluate("document.body ? document.body.innerText.slice(0, 500) : ''")
                raise TimeoutError(f"page not ready after {timeout:.0f} s: {ready}\n{body}")
            time.sleep(0.25)

    def screenshot(self, *, full_page: bool = False) -> bytes:
        params = {"format": "png"}
        if full_page:
            metrics = self.call("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": metrics["width"],
                "height": min(metrics["height"], 6000),
                "scale": 1,
            }
            params["captureBeyondViewport"] = True
        return base64.b64decode(self.call("Page.captureScreenshot", **params)["data"])

    def fonts_for(self, selector: str) -> tuple[str, list[dict]]:
        """Text of the first element matching ``selector`` and the fonts that drew it."""
        self.call("DOM.enable")
        self.call("CSS.enable")
        root = self.call("DOM.getDocument", depth=-1)["root"]["nodeId"]
        node = self.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        assert node, f"no element matches {selector!r}"
        text = self.evaluate(f"document.querySelector({json.dumps(selector)}).textContent")
        fonts = self.call("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
        return text, fonts

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def browser(tmp_path):
    def start(width: int = 1400, height: int = 900) -> DevTools:
        tools = DevTools(tmp_path / f"profile{len(opened)}", width=width, height=height)
        opened.append(tools)
        return tools

    opened: list[DevTools] = []
    yield start
    for tools in opened:
        tools.close()


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _distinct_colours(png: bytes) -> int:
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").resize((200, 150))
    return len(image.getcolors(maxcolors=200 * 150) or [])


# --------------------------------------------------------------------------- JupyterLab


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on localhost serving a temporary folder; yields (url, folder)."""
    folder = tmp_path / "lab"
    folder.mkdir()
    settings = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    tracker = tmp_path / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port = _free_port()
    token = secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        "--LabApp.news_url=",
        "--LabApp.extension_manager=readonly",
        "--ServerApp.terminals_enabled=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text())
                time.sleep(0.3)
        yield base, token, folder
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _template() -> Path:
    for name in ("growth_forecast.ipynb", "rep_plan.ipynb", "half_year_plan.ipynb"):
        path = ROOT / "templates" / name
        if path.exists():
            return path
    pytest.skip("no template notebook to open")


def test_jupyterlab_shows_a_template(jupyterlab, browser, data_dir):
    """An analyst's view: a template, run on the sample data, open in JupyterLab."""
    import nbformat
    import papermill as pm

    base, token, folder = jupyterlab
    template = _template()
    title = nbformat.read(template, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
    # the repository's layout, so the template runs with its own default parameters
    (folder / "sample_data").symlink_to(data_dir)
    (folder / "templates").mkdir()
    pm.execute_notebook(
        str(template),
        str(folder / "templates" / template.name),
        cwd=str(folder / "templates"),
        progress_bar=False,
    )
    page = browser(1400, 1000)
    page.open(
        f"{base}/lab/tree/templates/{template.name}?token={token}",
        ready="document.querySelectorAll('.jp-Notebook .jp-Cell').length > 3 && "
        "!!document.querySelector('.jp-Notebook .jp-RenderedMarkdown h1') && "
        "!!document.querySelector('.jp-Notebook .jp-OutputArea-output img')",
    )
    heading = page.evaluate(
        "document.querySelector('.jp-Notebook .jp-RenderedMarkdown h1').textContent"
    )
    assert title.split("·")[0].strip() in heading
    code = page.evaluate(
        "Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeMirrorEditor'))"
        ".map(e => e.textContent).join('\\n')"
    )
    assert "import repkit as rk" in code
    assert "data = " in code, "the parameters cell is shown"
    page.evaluate("document.querySelectorAll('.jp-Notebook .jp-Cell')[1].scrollIntoView()")
    time.sleep(1.5)  # let syntax highlighting and the kernel indicator settle
    png = page.screenshot()
    assert _png_size(png) == (1400, 1000)
    assert _distinct_colours(png) > 20, "the screenshot is blank"
    _keep(png, "analyst_jupyterlab.png")


def test_jupyterlab_shows_exercise_feedback(jupyterlab, browser, data_dir):
    """A learner's wrong answer (a percentage) gets a sentence, unattempted ones a note."""
    import nbformat
    import papermill as pm

    import repkit as rk

    base, token, folder = jupyterlab
    lesson = ROOT / "notebooks" / "training" / "02_review_gap.ipynb"
    if not lesson.exists():
        pytest.skip("training session 2 not written yet")
    nb = nbformat.read(lesson, as_version=4)
    first = next(c for c in nb.cells if c.source.startswith("answer = ...") and "q1" in c.source)
    ds = rk.load_dataset(data_dir).for_region("兰州")
    percent = round(rk.training.session(2, ds, half="2026H1").q1._expected * 100, 1)
    first.source = first.source.replace("answer = ...", f"answer = {percent}", 1)
    (folder / "sample_data").symlink_to(data_dir)
    training = folder / "notebooks" / "training"
    training.mkdir(parents=True)
    draft = training / "draft.ipynb"
    nbformat.write(nb, draft)
    pm.execute_notebook(
        str(draft), str(training / lesson.name), cwd=str(training), progress_bar=False
    )
    draft.unlink()
    page = browser(1400, 900)
    page.open(
        f"{base}/lab/tree/notebooks/training/{lesson.name}?token={token}",
        ready="!!document.querySelector('.jp-Notebook .rk-feedback.rk-incorrect')",
    )
    message = page.evaluate("document.querySelector('.rk-feedback.rk-incorrect').textContent")
    assert "百分数" in message
    assert page.evaluate("document.querySelectorAll('.rk-feedback.rk-not_attempted').length") >= 3
    page.evaluate(
        "document.querySelector('.rk-feedback.rk-incorrect').closest('.jp-Cell')"
        ".previousElementSibling.previousElementSibling.scrollIntoView()"
    )
    time.sleep(1.0)
    png = page.screenshot()
    assert _distinct_colours(png) > 20
    _keep(png, "trainer_exercise.png")


# --------------------------------------------------------------------------- plan document


# --------------------------------------------------------------------------- plan document


def _plan_template() -> Path:
    for name in ("half_year_plan.ipynb", "weekly_review.ipynb"):
        path = ROOT / "templates" / name
        if path.exists():
            return path
    pytest.skip("no plan template to render")


@pytest.fixture(scope="module")
def plan_html(tmp_path_factory, data_dir):
    """A plan document: the half-year template run on the sample data, exported to HTML."""
    import nbformat
    import papermill as pm

    from repkit.report.html import notebook_to_html

    folder = tmp_path_factory.mktemp("plan")
    template = _plan_template()
    declared = pm.inspect_notebook(str(template))
    params = {"data": str(data_dir), "region": "兰州", "out": str(folder)}
    if "forecast" in declared:
        params["forecast"] = "simple"
    executed = folder / "plan.ipynb"
    pm.execute_notebook(
        str(template),
        str(executed),
        parameters={k: v for k, v in params.items() if k in declared},
        cwd=str(template.parent),
        progress_bar=False,
    )
    page = folder / "plan.html"
    html = notebook_to_html(nbformat.read(executed, as_version=4), title="兰州 工作计划")
    page.write_text(html, encoding="utf-8")
    return page


def test_plan_document_renders_chinese_with_a_cjk_font(plan_html, browser):
    page = browser(1280, 1500)
    page.open(plan_html.as_uri(), ready="document.readyState === 'complete'")
    cjk = _cjk_families()
    checked = 0
    for selector in ("h1", "h2", "table.rk-table td, table.dataframe td"):
        text, fonts = page.fonts_for(selector)
        n_cjk = len(_CJK.findall(text))
        if not n_cjk:
            continue
        checked += 1
        drawn_by_cjk = sum(f["glyphCount"] for f in fonts if f["familyName"] in cjk)
        used = {f["familyName"]: f["glyphCount"] for f in fonts}
        assert drawn_by_cjk >= n_cjk, (
            f"{selector}: {n_cjk} Chinese characters in {text[:40]!r} but only "
            f"{drawn_by_cjk} drawn by a CJK font; fonts used: {used}"
        )
    assert checked >= 2, "the plan document should have Chinese headings and table text"
    images = page.evaluate("document.querySelectorAll('img').length")
    assert images >= 1, "charts are embedded as images"
    code_cells = page.evaluate("document.querySelectorAll('.jp-InputArea .jp-Editor').length")
    assert code_cells == 0, "the plan document shows no code"
    png = page.screenshot()
    assert _png_size(png) == (1280, 1500)
    assert _distinct_colours(png) > 20
    _keep(png, "manager_plan.png")


def test_plan_document_prints_to_pdf_with_embedded_cjk_font(plan_html, tmp_path):
    from repkit.report.pdf import html_to_pdf

    pdf = html_to_pdf(plan_html, tmp_path / "plan.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    fonts = set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+_-]+)", data))
    assert any(b"CJK" in f or b"WenQuanYi" in f or b"Hei" in f for f in fonts), fonts


# --------------------------------------------------------------------------- layout and print

_FITS_JS = """(() => {
  const view = document.documentElement.clientWidth;
  const tables = Array.from(document.querySelectorAll('table')).map((t, i) => {
    const r = t.getBoundingClientRect();
    const box = t.parentElement.getBoundingClientRect();
    return {i, left: r.left, right: r.right, boxRight: box.right,
            head: (t.querySelector('th') || t).textContent.trim().slice(0, 20)};
  });
  return {view, scroll: document.documentElement.scrollWidth, tables};
})()"""


def test_plan_tables_fit_a_1366_px_laptop(plan_html, browser):
    """No table of the plan runs past the screen or is cut by its box at 1366 px."""
    page = browser(1366, 768)
    page.open(plan_html.as_uri(), ready="document.readyState === 'complete'")
    layout = page.evaluate(_FITS_JS)
    assert len(layout["tables"]) >= 10, "the plan document shows its tables"
    assert layout["scroll"] <= layout["view"], "the page scrolls sideways"
    too_wide = [
        t
        for t in layout["tables"]
        if t["left"] < 0 or t["right"] > layout["view"] or t["right"] > t["boxRight"] + 1
    ]
    assert not too_wide, f"tables wider than the 1366 px screen or their box: {too_wide}"
    png = page.screenshot()
    assert _png_size(png) == (1366, 768)
    _keep(png, "plan_1366_top.png")
    widest = max(layout["tables"], key=lambda t: t["right"] - t["left"])["i"]
    page.evaluate(f"document.querySelectorAll('table')[{widest}].scrollIntoView()")
    time.sleep(0.3)
    _keep(page.screenshot(), "plan_1366_schedule.png")  # the widest: the visit schedule


class _Headings(HTMLParser):
    """The heading texts of each table's last heading row (what a reader must find)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._head = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "thead":
            self._head = True
        elif tag == "tr" and self._head:
            self._row = []
        elif tag == "th" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "th" and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1] = [h for h in self._row if h.strip()]
            self._row = None
        elif tag == "thead":
            self._head = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _printed(pdf: Path) -> tuple[str, list[tuple[float, float, float, str]]]:
    """The PDF's text as laid out; each word's left and right edge, page width, text."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed (poppler-utils; `make chromium` installs it)")
    layout = subprocess.run(
        [tool, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    boxes = subprocess.run(
        [tool, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words, width = [], 0.0
    for line in boxes.splitlines():
        if m := re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line):
            width = float(m.group(1))
        elif m := re.search(
            r'xMin="([\d.-]+)" yMin="[\d.-]+" xMax="([\d.-]+)".*>(.*)</word>', line
        ):
            words.append((float(m.group(1)), float(m.group(2)), width, m.group(3)))
    return layout, words


def _check_every_column_printed(html_text: str, pdf: Path) -> int:
    parser = _Headings()
    parser.feed(html_text)
    layout, words = _printed(pdf)
    text = _squash(layout)
    tables = [t for t in parser.tables if t]
    for headings in tables:
        row = _squash("".join(headings))  # the heading row prints on one line, in order
        assert row in text, f"a column of the table {headings} is missing from the PDF"
    outside = [w for w in words if w[0] < 0 or w[1] > w[2]]
    assert not outside, f"{len(outside)} words printed past the page edge"
    return len(tables)


def test_plan_pdf_shows_every_column_of_every_table(plan_html, tmp_path):
    """兰州's plan printed to PDF: every heading of every table, nothing past the edge."""
    from repkit.report.pdf import html_to_pdf

    page = plan_html.read_text(encoding="utf-8")
    pdf = html_to_pdf(plan_html, tmp_path / "plan.pdf")
    assert _check_every_column_printed(page, pdf) >= 10
    for heading in ("模型", "可行", "拜访后评级", "少于5人已隐藏"):  # last columns of wide tables
        assert heading in _squash(_printed(pdf)[0])


def _table_page(tmp_path, frame) -> tuple[str, Path]:
    """A plan document holding one table output, and its PDF."""
    import nbformat.v4 as v4

    from repkit.report.html import notebook_to_html
    from repkit.report.pdf import html_to_pdf

    table = v4.new_output("execute_result", data={"text/html": frame.to_html(index=False)})
    nb = v4.new_notebook(
        cells=[v4.new_markdown_cell("# 宽表 Wide"), v4.new_code_cell("t", outputs=[table])]
    )
    page = notebook_to_html(nb, title="宽表")
    source = tmp_path / "wide.html"
    source.write_text(page, encoding="utf-8")
    return page, html_to_pdf(source, tmp_path / "wide.pdf")


def test_wide_long_table_prints_on_landscape_pages(tmp_path):
    """Too wide for portrait: landscape at 6.5 pt; long: the headings repeat on each page."""
    import pandas as pd

    frame = pd.DataFrame(
        {f"第{c}列金额(万元)": [f"{r * c:,}" for r in range(1, 91)] for c in range(1, 13)}
    )
    page, pdf = _table_page(tmp_path, frame)
    assert "rk-wider" in page
    assert _check_every_column_printed(page, pdf) == 1
    layout, words = _printed(pdf)
    assert {round(w) for _, _, w, text in words if "列" in text} == {842}, "landscape pages"
    assert layout.count("第12列金额(万元)") >= 2, "the heading row repeats on each page"


def test_table_too_wide_for_any_page_wraps_its_headings(tmp_path):
    """Even wider than landscape at 6.5 pt: headings wrap too, and every column prints."""
    import pandas as pd

    frame = pd.DataFrame({f"第{c}列金额(万元)": [f"{c}X{r}" for r in range(3)] for c in range(30)})
    page, pdf = _table_page(tmp_path, frame)
    assert "rk-wrap-head" in page
    layout, words = _printed(pdf)
    printed = set(layout.split())
    assert {f"{c}X2" for c in range(30)} <= printed, "a column is missing from the PDF"
    assert not [w for w in words if w[0] < 0 or w[1] > w[2]], "words past the page edge"
