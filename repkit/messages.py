"""The one catalogue of sentences repkit says to people: data problems, fixes, CLI and batch.

Every sentence has a Chinese and an English template; Chinese is the default and
``REPKIT_LANG=en`` (see :func:`repkit.labels.language`) switches to English for head-office
readers. A problem's message key starts with its rule code (``too_large.member`` is a
``too_large`` problem), so the code stays searchable whatever the language; the fix of
each rule is in :data:`FIXES`. The wording itself lives in two data modules:
``_problem_texts.py`` (problems and fixes) and ``_ui_texts.py`` (errors, CLI, help, batch).

Examples
--------
>>> say("ambiguous_number", value="12,3")
"'12,3' 有不止一种读法（小数逗号还是千位分隔符）"
>>> say("ambiguous_number", value="12,3", lang="en")[:35]
"'12,3' could be read in more than o"
>>> fix("bad_date")
'月份写成 2024-07、202407 或 2024年7月。'
>>> width("兰州ab"), pad("兰州", 6) + "|"
(6, '兰州  |')
"""

from __future__ import annotations

import errno
import os
import string
import unicodedata
from collections.abc import Iterable
from typing import Any

from repkit._problem_texts import FIXES, PROBLEMS
from repkit._ui_texts import SENTENCES

__all__ = [
    "FIXES",
    "MESSAGES",
    "fix",
    "join",
    "language",
    "name_column",
    "name_table",
    "os_reason",
    "pad",
    "placeholders",
    "problem",
    "say",
    "width",
]

MESSAGES: dict[str, tuple[str, str]] = {**PROBLEMS, **SENTENCES}
"""Message key → (Chinese template, English template), in :meth:`str.format` syntax."""


def language(lang: str | None = None) -> str:
    """The message language, as :func:`repkit.labels.language`: ``lang``, ``REPKIT_LANG``, zh.

    Read here without importing the labels module (it imports pandas, and ``repkit
    --help`` should start quickly); an invalid choice gets the registry's error.
    """
    chosen = (lang or os.environ.get("REPKIT_LANG") or "zh").strip().lower()
    if chosen not in ("zh", "en"):
        from repkit.labels import language as checked

        return checked(lang)
    return chosen


_OS_REASONS: dict[int, str] = {
    errno.ENOENT: "找不到文件或文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许的操作",
    errno.ENOSPC: "磁盘空间不足",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.ENOTDIR: "不是文件夹",
    errno.EEXIST: "已经存在",
    errno.EROFS: "只读文件系统",
    errno.ENAMETOOLONG: "文件名太长",
}


def _pick(pair: tuple[str, str], lang: str | None) -> str:
    return pair[1] if language(lang) == "en" else pair[0]


def say(key: str, /, *, lang: str | None = None, **fields: Any) -> str:
    """The sentence ``key`` of :data:`MESSAGES` in the user's language, filled in.

    Examples
    --------
    >>> say("empty.file"), say("empty.file", lang="en")
    ('文件是空的', 'the file is empty')
    """
    return _pick(MESSAGES[key], lang).format(**fields)


def fix(rule: str, *, lang: str | None = None) -> str:
    """How to fix a problem of ``rule`` (empty for an unknown rule).

    Examples
    --------
    >>> fix("empty", lang="en")
    'The file has no data rows; export it again with the data.'
    """
    pair = FIXES.get(str(rule))
    return _pick(pair, lang) if pair else ""


def problem(key: str, /, *, where: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A problem (rule code from ``key``, message from the catalogue) at ``where``.

    ``where`` holds the problem's file, sheet, row, column and value.

    Examples
    --------
    >>> p = problem("too_large.archive", where={"file": "a.xlsx"}, size=2**33)
    >>> p["rule"], p["message"]
    ('too_large', '压缩包解压后总共将达 8,589,934,592 字节')
    """
    return {**(where or {}), "rule": key.split(".")[0], "message": say(key, **fields)}


def name_column(column: str | None, *, lang: str | None = None) -> str:
    """A canonical column as people read it (its heading; English: the name).

    Examples
    --------
    >>> name_column("units"), name_column("units", lang="en")
    ('数量', 'units')
    """
    if column is None:
        return ""
    if language(lang) == "en":
        return str(column)
    from repkit.labels import COLUMNS

    return COLUMNS.get(str(column), str(column))


def name_table(kind: str, *, lang: str | None = None) -> str:
    """A table kind as people read it (销售, 医院 …).

    Examples
    --------
    >>> name_table("hospitals")
    '医院'
    """
    if language(lang) == "en":
        return kind
    from repkit.labels import CODES

    return str(CODES["table"].get(kind, kind))


def join(items: Iterable[Any], *, lang: str | None = None, word: str = "") -> str:
    """Items as a list in the user's language (、 in Chinese); ``word`` joins the last two.

    Examples
    --------
    >>> join(["a", "b"]), join(["a", "b"], lang="en"), join(["a", "b"], word="或")
    ('a、b', 'a, b', 'a或b')
    """
    parts = [str(i) for i in items]
    if word:
        return word.join(parts)
    return (", " if language(lang) == "en" else "、").join(parts)


def os_reason(err: OSError) -> str:
    """Why a file operation failed, in the user's language (the system's words in English)."""
    if language() != "en" and err.errno in _OS_REASONS:
        return _OS_REASONS[err.errno]
    return str(err.strerror or err)


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal: Chinese (east-asian wide) characters take two.

    Examples
    --------
    >>> width("兰州"), width("ok"), width("（")
    (4, 2, 2)
    """
    total = 0
    for ch in str(text):
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (see :func:`width`)."""
    return str(text) + " " * max(0, columns - width(text))


def placeholders(template: str) -> set[str]:
    """The field names of a template (for the catalogue's own tests)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
