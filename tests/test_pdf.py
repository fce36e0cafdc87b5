"""PDF/PNG export through headless Chromium (repkit.report.pdf); no browser needed here."""

from __future__ import annotations

import json

import pytest

from repkit.report import pdf


def test_missing_chromium_is_explained(monkeypatch, tmp_path):
    page = tmp_path / "plan.html"
    page.write_text("<h1>兰州</h1>", encoding="utf-8")
    monkeypatch.setenv("REPKIT_CHROMIUM", "no-such-chromium-binary")
    assert pdf.find_chromium() is None
    with pytest.raises(FileNotFoundError, match="make chromium"):
        pdf.html_to_pdf(page, tmp_path / "plan.pdf")
    assert not (tmp_path / "plan.pdf").exists()


def test_wrong_suffix_and_missing_source_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"\.pdf"):
        pdf.html_to_pdf(tmp_path / "plan.html", tmp_path / "plan.png")
    with pytest.raises(FileNotFoundError, match="没有 HTML 文件"):
        pdf.html_to_png(tmp_path / "missing.html", tmp_path / "plan.png")


def test_cli_pdf_says_how_to_install_chromium(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from repkit.cli import app

    page = tmp_path / "plan.html"
    page.write_text("<h1>兰州</h1>", encoding="utf-8")
    monkeypatch.setenv("REPKIT_CHROMIUM", "no-such-chromium-binary")
    result = CliRunner().invoke(app, ["pdf", str(page)])
    assert result.exit_code == 1
    assert "make chromium" in result.output
    assert not (tmp_path / "plan.pdf").exists()


@pytest.mark.browser
@pytest.mark.skipif(pdf.find_chromium() is None, reason="headless Chromium not installed")
def test_cli_pdf_writes_the_pdf_beside_the_html(tmp_path):
    from typer.testing import CliRunner

    from repkit.cli import app

    page = tmp_path / "plan.html"
    page.write_text('<meta charset="utf-8"><h1>兰州 工作计划</h1>', encoding="utf-8")
    result = CliRunner().invoke(app, ["pdf", str(page)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plan.pdf").read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------------------- repkit batch --pdf


def _batch_args(tmp_path):
    """A one-region data set and a small template, as CLI arguments."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    import repkit as rk

    data = tmp_path / "data"
    ds = rk.sample.generate(seed=0, regions=1, hospitals_per_region=4, months=6, calls=False)
    rk.sample.write(ds, data)
    template = tmp_path / "t.ipynb"
    nb = new_notebook(
        cells=[
            new_code_cell(
                'data = ""\nregion = ""\nout = "."\nhalf = "2026H2"',
                metadata={"tags": ["parameters"]},
            ),
            new_markdown_cell("# 区域计划 Plan"),
            new_code_cell("print(region)"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, str(template))
    return ["batch", "--data", str(data), "--template", str(template), "--workers", "1"]


def test_batch_pdf_without_chromium_plans_and_says_how_to_install(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from repkit.cli import app

    monkeypatch.setenv("REPKIT_CHROMIUM", "no-such-chromium-binary")
    out = tmp_path / "reports"
    result = CliRunner().invoke(app, [*_batch_args(tmp_path), "--out", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert "PDFs not written" in result.output
    assert "make chromium" in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["regions"]["兰州"]["status"] == "ok"
    assert any("make chromium" in n for n in manifest["notes"])
    assert (out / "兰州" / "plan.html").is_file()
    assert not list(out.rglob("*.pdf"))


@pytest.mark.browser
@pytest.mark.skipif(pdf.find_chromium() is None, reason="headless Chromium not installed")
def test_batch_pdf_writes_plan_pdf_per_region_and_links_it(tmp_path):
    from typer.testing import CliRunner

    from repkit.cli import app

    out = tmp_path / "reports"
    args = [*_batch_args(tmp_path), "--out", str(out)]
    first = CliRunner().invoke(app, args)  # without --pdf: no PDF
    assert first.exit_code == 0, first.output
    assert not (out / "兰州" / "plan.pdf").exists()
    second = CliRunner().invoke(app, [*args, "--pdf"])  # unchanged, but its PDF is missing
    assert second.exit_code == 0, second.output
    assert (out / "兰州" / "plan.pdf").read_bytes().startswith(b"%PDF")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["regions"]["兰州"]
    assert entry["status"] == "ok"
    assert entry["warnings"] == []
    assert "plan.pdf" in entry["output"]["files"]
    assert 'href="%E5%85%B0%E5%B7%9E/plan.pdf"' in (out / "index.html").read_text("utf-8")
    third = CliRunner().invoke(app, [*args, "--pdf"])
    assert third.exit_code == 0, third.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["regions"]["兰州"]["status"] == "skipped"
