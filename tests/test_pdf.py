"""PDF/PNG export through headless Chromium (repkit.report.pdf); no browser needed here."""

from __future__ import annotations

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
    with pytest.raises(FileNotFoundError, match="no HTML file"):
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
