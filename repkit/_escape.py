"""Make text from data inert where it is written: HTML, Markdown and CSV cells.

Names of hospitals, departments, products and people come from ERP exports and
hand-edited sheets. They reach browsers (plan.html) and spreadsheets (CSV), so every
writer passes data text through one of these functions.
"""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["html_text", "markdown_text", "neutralise_formulas", "neutralise_text"]

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make Excel, LibreOffice or WPS read a CSV cell as a formula."""


def html_text(value: object) -> str:
    """``str(value)`` with ``& < > " '`` escaped for HTML text and attributes.

    Examples
    --------
    >>> html_text('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(str(value), quote=True)


def markdown_text(value: object) -> str:
    r"""Text from data for Markdown that nbconvert turns into HTML: no tags, no links.

    HTML is escaped (raw HTML passes through Markdown) and the characters that start
    links, images, emphasis and code are backslash-escaped.

    Examples
    --------
    >>> markdown_text("[x](javascript:alert(1)) <b>")
    '\\[x\\](javascript:alert(1)) &lt;b&gt;'
    """
    text = html_text(value)
    for ch in ("\\", "[", "]", "`", "*", "_", "!"):
        text = text.replace(ch, "\\" + ch)
    return text


def neutralise_text(value: object) -> object:
    r"""Prefix a text cell that a spreadsheet would run as a formula with ``'``.

    Non-text values are returned unchanged (a negative number stays a number).

    Examples
    --------
    >>> neutralise_text('=HYPERLINK("http://x")'), neutralise_text("兰州"), neutralise_text(-1)
    ('\'=HYPERLINK("http://x")', '兰州', -1)
    """
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers cannot run as CSV formulas.

    Use before every ``to_csv`` of data that leaves repkit (OWASP "CSV injection").

    Examples
    --------
    >>> df = pd.DataFrame({"hospital": ["=1+1", "@SUM(A1)", "ok"], "units": [-1, 2, 3]})
    >>> neutralise_formulas(df)["hospital"].tolist(), neutralise_formulas(df)["units"].tolist()
    (["'=1+1", "'@SUM(A1)", 'ok'], [-1, 2, 3])
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_text)
    out.columns = [neutralise_text(c) for c in out.columns]
    return out
