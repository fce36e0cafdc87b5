"""PDF and PNG export of plan documents through headless Chromium (optional).

The HTML plan document is complete on its own; printing it to PDF needs a browser
engine. repkit uses Debian's ``chromium`` (``make chromium`` installs it) or any
Chrome/Chromium named by the ``REPKIT_CHROMIUM`` environment variable. Without one,
the functions raise ``FileNotFoundError`` saying how to install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from repkit.messages import say

__all__ = ["CHROMIUM_NAMES", "chromium_command", "find_chromium", "html_to_pdf", "html_to_png"]

CHROMIUM_NAMES: tuple[str, ...] = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
"""Executables tried in order when ``REPKIT_CHROMIUM`` is not set."""

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
)


def find_chromium() -> str | None:
    """Path of the Chromium executable to use, or None when there is none.

    ``REPKIT_CHROMIUM`` wins when set (an absolute path or a name on ``PATH``);
    otherwise :data:`CHROMIUM_NAMES` are looked up on ``PATH``.

    Examples
    --------
    >>> path = find_chromium()
    >>> path is None or Path(path).exists()
    True
    """
    override = os.environ.get("REPKIT_CHROMIUM")
    if override:
        return shutil.which(override)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_command(user_data_dir: str | Path, *extra: str, what: str = "") -> list[str]:
    """The headless Chromium command line repkit uses (sandbox-free, no network chatter).

    Parameters
    ----------
    user_data_dir
        A temporary profile folder (never the user's own profile).
    extra
        Further arguments (the URL last).
    what
        What the browser is needed for, used in the error message.

    Raises
    ------
    FileNotFoundError
        No Chromium installed; the message says how to install it.

    Examples
    --------
    >>> import unittest.mock as mock
    >>> with mock.patch.dict(os.environ, {"REPKIT_CHROMIUM": "no-such-browser"}):
    ...     chromium_command("/tmp/x", what="PDF 导出")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    FileNotFoundError: PDF 导出需要无界面 Chromium，但没有找到。...
    """
    exe = find_chromium()
    if exe is None:
        raise FileNotFoundError(say("pdf.missing_chromium", what=what or say("word.pdf_export")))
    return [exe, *_FLAGS, f"--user-data-dir={user_data_dir}", *extra]


def _url(source: str | Path) -> str:
    text = str(source)
    if text.startswith(("http://", "https://", "file://", "data:")):
        return text
    path = Path(source).resolve()
    if not path.is_file():
        raise FileNotFoundError(say("pdf.no_html", path=path))
    return path.as_uri()


def _run(args_for: list[str], target: Path, *, timeout: float, what: str) -> Path:
    """Run Chromium writing into a temporary file next to ``target``, then move it in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        with tempfile.TemporaryDirectory(prefix="repkit-chromium-") as profile:
            cmd = chromium_command(
                profile, *[a.replace("{out}", str(tmp)) for a in args_for], what=what
            )
            try:
                proc = subprocess.run(
                    cmd, capture_output=True, text=True, timeout=timeout, check=False
                )
            except subprocess.TimeoutExpired as err:
                raise RuntimeError(say("pdf.timeout", what=what, timeout=timeout)) from err
        if not tmp.exists() or tmp.stat().st_size == 0:
            tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
            raise RuntimeError(say("pdf.no_output", what=what, code=proc.returncode, tail=tail))
        tmp.chmod(0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def html_to_pdf(source: str | Path, target: str | Path, *, timeout: float = 120) -> Path:
    """Print an HTML document (file or URL) to PDF with headless Chromium.

    The page's print stylesheet applies (A4, no browser header or footer). The PDF is
    written to a temporary file and moved into place, so a failure never leaves a
    half-written file.

    Parameters
    ----------
    source
        HTML file (e.g. ``reports/兰州/plan.html``) or URL.
    target
        The ``.pdf`` file to write.
    timeout
        Seconds before giving up.

    Returns
    -------
    Path
        The PDF written.

    Raises
    ------
    FileNotFoundError
        Chromium is not installed (the message says how to install it) or ``source``
        does not exist.
    RuntimeError
        Chromium failed or timed out.
    """
    target = Path(target)
    if target.suffix.lower() != ".pdf":
        raise ValueError(say("pdf.suffix", function="html_to_pdf", suffix=".pdf", name=target.name))
    url = _url(source)
    args = ["--no-pdf-header-footer", "--print-to-pdf={out}", url]
    return _run(args, target, timeout=timeout, what=say("word.pdf_export"))


def html_to_png(
    source: str | Path,
    target: str | Path,
    *,
    width: int = 1280,
    height: int = 1600,
    timeout: float = 120,
) -> Path:
    """Screenshot an HTML document (file or URL) to PNG with headless Chromium.

    Parameters
    ----------
    source
        HTML file or URL.
    target
        The ``.png`` file to write.
    width, height
        Window size in CSS pixels (the screenshot's size).
    timeout
        Seconds before giving up.

    Returns
    -------
    Path
        The PNG written.

    Raises
    ------
    FileNotFoundError
        Chromium is not installed (the message says how) or ``source`` does not exist.
    RuntimeError
        Chromium failed or timed out.
    """
    target = Path(target)
    if target.suffix.lower() != ".png":
        raise ValueError(say("pdf.suffix", function="html_to_png", suffix=".png", name=target.name))
    url = _url(source)
    args = [f"--window-size={width},{height}", "--screenshot={out}", url]
    return _run(args, target, timeout=timeout, what=say("word.screenshot"))
