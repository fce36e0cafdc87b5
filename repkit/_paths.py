"""File names built from data (rep IDs, regions) that cannot leave their folder."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

__all__ = ["UNSAFE_ID", "inside", "is_safe_id", "safe_filename"]

MAX_NAME = 120
"""Longest file name (characters) :func:`safe_filename` returns, suffix included."""
MAX_NAME_BYTES = 180
"""…and in UTF-8 bytes (file systems allow 255; temp files add a prefix and suffix)."""

UNSAFE_ID = re.compile(r"[/\\\x00-\x1f\x7f:*?\"<>|／＼]|\.\.")
"""Characters (and ``..``) that an ID used in a file name must not contain."""

_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_BAD = re.compile(r"[/\\\x00-\x1f\x7f:*?\"<>|]")


def is_safe_id(value: object) -> bool:
    r"""True when ``value`` can be part of a file name as it is (no path characters).

    Refused: ``/`` ``\`` (also full-width), ``..``, NUL and control characters, the
    characters Windows forbids in names (``: * ? " < > |``) and IDs of only dots or spaces.

    Examples
    --------
    >>> is_safe_id("R0001"), is_safe_id("../R1"), is_safe_id("a\\b"), is_safe_id("兰州／西")
    (True, False, False, False)
    """
    text = str(value)
    return not UNSAFE_ID.search(text) and text.strip(" .") != ""


def safe_filename(text: object, *, suffix: str = "") -> str:
    """One file name (no folders) from data text: path characters replaced, never empty.

    Slashes (also full-width), backslashes, ``..``, NUL and control characters and the
    characters Windows forbids become ``_``; reserved Windows names (``CON``, ``NUL``,
    ``COM1``…) get a ``_`` prefix; leading/trailing dots and spaces are dropped; names
    longer than :data:`MAX_NAME` characters or :data:`MAX_NAME_BYTES` UTF-8 bytes are cut
    and end in a short hash so they stay distinct.

    Parameters
    ----------
    text
        The data-derived part, e.g. ``f"日程_{rep_id}"``.
    suffix
        Extension appended after cleaning, e.g. ``".xlsx"``.

    Examples
    --------
    >>> safe_filename("日程_../../plan", suffix=".xlsx")
    '日程_____plan.xlsx'
    >>> safe_filename("NUL"), safe_filename("a／b＼c"), safe_filename("")
    ('_NUL', 'a_b_c', '_')
    """
    raw = str(text)
    name = unicodedata.normalize("NFC", raw).replace("／", "/").replace("＼", "\\")
    name = _BAD.sub("_", name).replace("..", "_")
    name = name.strip(" .") or "_"
    if _RESERVED.match(name):
        name = "_" + name
    room = MAX_NAME - len(suffix)
    room_bytes = MAX_NAME_BYTES - len(suffix.encode("utf-8", "surrogatepass"))
    if len(name) > room or len(name.encode("utf-8", "surrogatepass")) > room_bytes:
        digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        name = name[: room - 9]
        while len(name.encode("utf-8", "surrogatepass")) > room_bytes - 9:
            name = name[:-1]
        name = name + "~" + digest
    return name + suffix


def inside(folder: str | Path, name: str) -> Path:
    """``folder / name``, refusing a result that resolves outside ``folder``.

    Raises
    ------
    ValueError
        When the path would leave the folder (``..``, absolute names, symlinks out).

    Examples
    --------
    >>> inside("out", "plan.xlsx").name
    'plan.xlsx'
    >>> inside("out", "../x")
    Traceback (most recent call last):
    ValueError: file name '../x' would be written outside the folder out
    """
    base = Path(folder)
    path = base / name
    root = base.resolve()
    target = path.resolve()
    if target == root or root not in target.parents:
        raise ValueError(f"file name {name!r} would be written outside the folder {folder}")
    return path
