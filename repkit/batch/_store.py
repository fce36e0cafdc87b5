"""The batch's files: folder names, input hashes, parameters, manifest, atomic commits."""

from __future__ import annotations

import contextlib
import hashlib
import json
import keyword
import math
import os
import re
import shutil
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from repkit.messages import join, say

SET_BY_BATCH = ("data", "region", "out")
"""Template parameters the batch fills in itself; users cannot pass them."""

MANIFEST = "manifest.json"
INDEX = "index.html"
STAGING = ".staging"
LOCK = ".repkit-batch.lock"
NOTEBOOK = "plan.ipynb"
HTML = "plan.html"
PDF = "plan.pdf"
FAILED_NOTEBOOK = "plan.failed.ipynb"
FAILED_HTML = "plan.failed.html"

_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in "123456789¹²³"),
    *(f"LPT{i}" for i in "123456789¹²³"),
}
_OWN_NAMES = {INDEX, MANIFEST}
_FORBIDDEN = set('/\\:*?"<>|')
_MAX_BYTES = 80


# ---------------------------------------------------------------------------- folder names


def _clean(name: str) -> str:
    """Replace everything that could leave the folder, confuse a file system or hide."""
    out = []
    for ch in name:
        norm = unicodedata.normalize("NFKC", ch)
        cat = unicodedata.category(ch)
        if cat[0] == "C" or cat in ("Zl", "Zp"):
            out.append("_")  # control, format (bidi, zero-width), unassigned, private use
        elif _FORBIDDEN & set(norm) or (norm != ch and "." in norm):
            out.append("_")  # separators and their look-alikes (／ ＼ ． ∕ ⁄ …)
        elif ch.isspace():
            out.append(" ")
        else:
            out.append(ch)
    text = re.sub(r" {2,}", " ", "".join(out)).strip(" .")
    if text.split(".")[0].strip().upper() in _WINDOWS_RESERVED or text.casefold() in _OWN_NAMES:
        text = "_" + text
    while len(text.encode("utf-8")) > _MAX_BYTES:
        text = text[:-1].rstrip(" .")
    return text


def _tag(region: str) -> str:
    return hashlib.sha1(region.encode("utf-8")).hexdigest()[:8]


def _key(folder: str) -> str:
    """Names that one file system may treat as the same (case, Unicode normal form)."""
    return unicodedata.normalize("NFC", folder).casefold()


def folder_names(regions: Iterable[str]) -> dict[str, str]:
    """Safe, unique and readable folder names for region names.

    Chinese and other letters are kept. Path separators and their full-width look-alikes,
    control characters, leading/trailing dots and spaces, Windows reserved names and very
    long names are made harmless; a name that had to change gets a short stable tag
    (from the region name) so two regions never share a folder, also on file systems
    that ignore case.

    Parameters
    ----------
    regions
        Region names as they appear in the data.

    Returns
    -------
    dict
        ``{region: folder name}``; each folder is a single path component.

    Examples
    --------
    >>> names = rk.batch.folder_names(["兰州", "../etc", "CON", "Xian", "XIAN"])
    >>> names["兰州"]
    '兰州'
    >>> "/" in names["../etc"] or names["../etc"].startswith(".")
    False
    >>> names["CON"].upper() != "CON"
    True
    >>> len({n.casefold() for n in names.values()})
    5
    """
    regions = list(dict.fromkeys(str(r) for r in regions))
    names: dict[str, str] = {}
    for region in regions:
        clean = _clean(region)
        if clean != region or not clean:
            clean = f"{clean or 'region'}-{_tag(region)}"
        names[region] = clean
    groups: dict[str, list[str]] = {}
    for region, folder in names.items():
        groups.setdefault(_key(folder), []).append(region)
    for members in groups.values():
        if len(members) > 1:
            for region in members:
                names[region] = f"{names[region]}-{_tag(region)}"
    seen: set[str] = set()
    for region in regions:
        folder, n = names[region], 1
        while _key(folder) in seen:
            n += 1
            folder = f"{names[region]}-{n}"
        names[region] = folder
        seen.add(_key(folder))
    return names


def inside(root: Path, folder: str) -> Path:
    """``root / folder``, refusing anything that would resolve outside ``root``."""
    base = root.resolve()
    path = (base / folder).resolve()
    if path.parent != base or folder in ("", ".", ".."):
        raise ValueError(f"folder name {folder!r} would leave the output folder {base}")
    return path


# ---------------------------------------------------------------------------- parameters


def _check_value(name: str, value: Any, problems: list[str], depth: int = 0) -> Any:
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, str) and type(value) is not str:
        value = str.__str__(value)  # a subclass's own __str__ may raise or lie
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            problems.append(say("batch.param_infinite", name=name, value=value))
        return value
    if isinstance(value, (list, tuple)) and depth < 4:
        return [_check_value(name, v, problems, depth + 1) for v in value]
    try:
        shown = repr(value)
    except Exception:  # a value whose repr()/str() raises is still reported clearly
        shown = f"<unprintable {type(value).__name__}>"
    problems.append(say("batch.param_type", name=name, shown=shown, type=type(value).__name__))
    return None


def check_params(
    params: Mapping[str, Any] | None, *, allowed: Iterable[str] | None = None
) -> dict[str, Any]:
    """Check template parameters before any kernel starts.

    Parameters
    ----------
    params
        ``{name: value}``; names must be Python identifiers that the template's
        ``parameters`` cell defines, values JSON scalars or (nested) lists of them.
    allowed
        The template's parameter names; None accepts any identifier.

    Returns
    -------
    dict
        The parameters with tuples turned into lists and NumPy scalars into Python ones.

    Raises
    ------
    ValueError
        Listing every bad name or value; ``data``, ``region`` and ``out`` are set by the
        batch and refused here.

    Examples
    --------
    >>> rk.batch.check_params({"growth": 0.5, "products": ("A", "B")})
    {'growth': 0.5, 'products': ['A', 'B']}
    >>> rk.batch.check_params({"os.system('x')": 1})
    Traceback (most recent call last):
    ...
    ValueError: 批量参数有误："os.system('x')"：不是合法的 Python 名称
    """
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of name to value, got {type(params).__name__}")
    valid = None if allowed is None else sorted(set(allowed) - set(SET_BY_BATCH))
    problems: list[str] = []
    out: dict[str, Any] = {}
    for name, value in params.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            problems.append(say("batch.param_name", name=name))
            continue
        if name in SET_BY_BATCH:
            problems.append(say("batch.param_reserved", name=name))
            continue
        if valid is not None and name not in valid:
            shown = join(valid) or say("none")
            problems.append(say("batch.param_unknown", name=name, valid=shown))
            continue
        out[name] = _check_value(name, value, problems)
    if problems:
        raise ValueError(say("batch.params", problems=join(problems, word=say("word.semicolon"))))
    return out


# ---------------------------------------------------------------------------- hashes


def _ignored(rel: Path) -> bool:
    return any(part.startswith((".", "~$")) for part in rel.parts)


def hash_path(path: str | Path) -> str:
    """Content hash of a file or of every (non-hidden) file under a folder.

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("d").mkdir(); _ = Path("d/a.csv").write_text("x")
    >>> a = rk.batch._store.hash_path("d"); _ = Path("d/a.csv").write_text("y")
    >>> a == rk.batch._store.hash_path("d")
    False
    """
    root = Path(path)
    digest = hashlib.sha256()
    if root.is_file():
        files = [(root, root.name)]
    else:
        files = sorted(
            (p, p.relative_to(root).as_posix())
            for p in root.rglob("*")
            if p.is_file() and not _ignored(p.relative_to(root))
        )
    for file, rel in files:
        digest.update(f"{rel}\0{file.stat().st_size}\0".encode())
        with open(file, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def code_hash() -> str:
    """Content hash of repkit's own Python source, part of a region's fingerprint.

    A plan made by other code is not "unchanged", even where the version number stayed
    (an editable install, a patched release).

    Examples
    --------
    >>> code_hash() == code_hash(), code_hash().startswith("sha256:")
    (True, True)
    """
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for file in sorted(root.rglob("*.py")):
        rel = file.relative_to(root)
        if not _ignored(rel) and "__pycache__" not in rel.parts:
            digest.update(f"{rel.as_posix()}\0".encode())
            digest.update(file.read_bytes())
    return "sha256:" + digest.hexdigest()


def hash_bytes(data: bytes) -> str:
    """Content hash of bytes, in the form used by the manifest."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def fingerprint(**parts: Any) -> str:
    """A stable hash of JSON-ready parts (template hash, input hash, parameters, version)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------- files


def _write_atomic(path: Path, text: str, *, sync: bool) -> None:
    """Write a temporary file beside ``path``, then replace; no temporary file survives."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temporary file, fsync, replace)."""
    _write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1, default=str), sync=True)


def write_text(path: Path, text: str) -> None:
    """Write text atomically (temporary file next to the target, then replace)."""
    _write_atomic(path, text, sync=False)


def hash_files(folder: Path, files: Iterable[str]) -> dict[str, str]:
    """Content hash of each of a region's output files (missing files are left out)."""
    out = {}
    for rel in files:
        path = folder / rel
        if path.is_file():
            out[rel] = hash_path(path)
    return out


def outputs_intact(folder: Path, output: Mapping[str, Any]) -> bool:
    """Whether a region's folder holds exactly the outputs its manifest entry records.

    A batch killed between the moves of a region's files leaves new and old files side
    by side; their hashes no longer match the entry, so the region is run again. An
    entry without hashes (written by an older repkit) is not trusted either.
    """
    files, hashes = output.get("files") or [], output.get("hashes")
    if not files or not isinstance(hashes, dict) or set(hashes) != set(files):
        return False
    return hash_files(folder, files) == hashes


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The previous manifest, or an empty one when missing or unreadable."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("regions"), dict) else {}


def _staged_files(staging: Path) -> list[str]:
    return sorted(
        p.relative_to(staging).as_posix()
        for p in staging.rglob("*")
        if p.is_file() and not _ignored(p.relative_to(staging))
    )


def _last(rel: str) -> tuple[bool, str]:
    return (rel in (NOTEBOOK, HTML), rel)


def commit_ok(staging: Path, target: Path, *, previous: Iterable[str] = ()) -> list[str]:
    """Move a successful region's files into its folder, each with an atomic replace.

    The notebook and its HTML move last, so a folder never shows a new notebook next to
    old side outputs. Files of the previous good run that the new run did not make, and
    any failure record, are removed afterwards.
    """
    files = sorted(_staged_files(staging), key=_last)
    target.mkdir(parents=True, exist_ok=True)
    for rel in files:
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, dest)
    base = target.resolve()
    for rel in {*previous, FAILED_NOTEBOOK, FAILED_HTML} - set(files):
        old = (target / rel).resolve()
        if old.is_relative_to(base) and old != base and old.is_file():
            old.unlink()
    shutil.rmtree(staging, ignore_errors=True)
    return files


def _readable(path: Path) -> bool:
    """Not empty and, for a notebook, valid JSON (a full disk leaves 0-byte files)."""
    try:
        if path.stat().st_size == 0:
            return False
        if path.suffix == ".ipynb":
            json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return True


def commit_failed(staging: Path | None, target: Path) -> list[str]:
    """Record a failure beside the region's outputs, never touching a previous good run."""
    kept = []
    if staging is not None and staging.is_dir():
        for src, dest in ((NOTEBOOK, FAILED_NOTEBOOK), (HTML, FAILED_HTML)):
            if (staging / src).is_file() and _readable(staging / src):
                target.mkdir(parents=True, exist_ok=True)
                os.replace(staging / src, target / dest)
                kept.append(dest)
        shutil.rmtree(staging, ignore_errors=True)
    return kept


class Lock:
    """An exclusive lock on an output folder, so two batches never write into one."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / LOCK
        self._fh: Any = None

    def __enter__(self) -> Lock:
        self._fh = open(self.path, "a+")
        try:
            if os.name == "nt":  # pragma: no cover - Windows
                import msvcrt

                msvcrt.locking(self._fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl

                fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            self._fh.close()
            raise RuntimeError(
                f"another batch is writing to {self.path.parent}; wait for it or use another --out"
            ) from err
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()
