"""Pseudonymisation of people: stable doctor tokens, small-group suppression, mode labels.

Doctor-level data (names, tiers, ratings, visit plans) is personal information. Reports
that leave the analyst's machine show doctors as **tokens**: ``DR-`` followed by the
first 10 hex digits of HMAC-SHA256(project key, doctor_id). The same key gives the same
token in every report and every run, so a rep can follow "their" doctor across months,
while nobody without the key can get back from the token to the doctor.

Where the key comes from (first match wins; nothing is hard-coded, nothing is searched):

1. an explicit ``key=`` (bytes or text) or ``key_file=`` argument;
2. the environment variable ``REPKIT_PRIVACY_KEY`` (64 hex digits, or any text of at
   least 16 characters);
3. the file named by the environment variable ``REPKIT_PRIVACY_KEY_FILE``;
4. the user's key file ``$XDG_CONFIG_HOME/repkit/key`` (``~/.config/repkit/key`` when
   ``XDG_CONFIG_HOME`` is not set), see :func:`user_key_path`.

The working directory, the data folder and their parents are never searched, and
nothing is ever written into a data folder: a key planted in a shared folder is
ignored, and a read-only data folder works. A key file that its group or other users
may read or write, or that belongs to another user, is refused with
:class:`PrivacyKeyError`.

When no key exists, :func:`load_key` raises :class:`PrivacyKeyError` with these options,
unless ``create=True`` was passed: then a new random key is written to the given path,
else to the user's key file (created ``0600`` in a ``0700`` folder), and used from then
on. Losing that file changes every token; sharing it lets others re-identify doctors
from tokens.

Aggregates of fewer than :data:`MIN_GROUP` people (5) can be suppressed with
:func:`suppress`. Every report states its mode with :attr:`Privacy.label`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "KEY_ENV",
    "KEY_FILE_ENV",
    "KEY_FILE_NAME",
    "MIN_GROUP",
    "MODES",
    "Privacy",
    "PrivacyKeyError",
    "create_key",
    "load_key",
    "pseudonymise",
    "setup",
    "suppress",
    "suppress_small",
    "tokens",
    "user_key_path",
]

KEY_ENV = "REPKIT_PRIVACY_KEY"
"""Environment variable holding the project key itself."""
KEY_FILE_ENV = "REPKIT_PRIVACY_KEY_FILE"
"""Environment variable naming the project key file."""
KEY_FILE_NAME = ".repkit-privacy-key"
"""Former per-project key file name (no longer searched; kept for imports)."""
MIN_GROUP = 5
"""Aggregates of fewer people than this are suppressed."""
MODES: tuple[str, ...] = ("tokens", "names")
"""``tokens``: pseudonymous doctor tokens (default); ``names``: internal use, names shown."""

_MIN_KEY_BYTES = 16
_TOKEN_PREFIX = "DR-"
_TOKEN_HEX = 10


class PrivacyKeyError(ValueError):
    """No usable project key for doctor tokens (the message says how to set one)."""


def _key_from_text(text: str, source: str) -> bytes:
    text = text.strip()
    if len(text) == 64:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    data = text.encode("utf-8")
    if len(data) < _MIN_KEY_BYTES:
        raise PrivacyKeyError(
            f"the privacy key from {source} is too short ({len(data)} bytes); use at least "
            f"{_MIN_KEY_BYTES} characters, or create one with rk.privacy.create_key(path)"
        )
    return data


def user_key_path() -> Path:
    """The user's key file: ``$XDG_CONFIG_HOME/repkit/key`` (default ``~/.config``).

    Examples
    --------
    >>> rk.privacy.user_key_path().parts[-2:]
    ('repkit', 'key')
    """
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "repkit" / "key"


def _check_private(path: Path, source: str) -> None:
    """Refuse a key file that other users may read or change (POSIX permissions)."""
    if os.name != "posix":  # pragma: no cover - Windows: ACLs, not mode bits
        return
    info = path.stat()
    if info.st_mode & 0o077:
        raise PrivacyKeyError(
            f"the privacy key file {path} ({source}) can be read or changed by other users "
            f"(mode {stat.S_IMODE(info.st_mode):o}); anyone who reads it can re-identify "
            f"doctors. Hint: chmod 600 {path}"
        )
    if info.st_uid != os.getuid():
        raise PrivacyKeyError(
            f"the privacy key file {path} ({source}) belongs to another user (uid "
            f"{info.st_uid}); use a key file of your own"
        )


def _read_key_file(path: Path, source: str) -> bytes:
    try:
        _check_private(path, source)
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise PrivacyKeyError(f"cannot read the privacy key file {path} ({source}): {err}") from err
    return _key_from_text(text, f"{source} {path}")


def create_key(path: str | Path | None = None) -> Path:
    """Write a new random project key (256 bits, hex) to a file readable by its owner only.

    Parameters
    ----------
    path
        Key file to create (default: :func:`user_key_path`). A missing folder is
        created readable by its owner only (``0700``).

    Returns
    -------
    Path
        The key file.

    Raises
    ------
    FileExistsError
        The file exists already: an existing key is never overwritten, because every
        token made with it would change.

    Examples
    --------
    >>> p = rk.privacy.create_key("project.key")
    >>> len(p.read_text().strip())
    64
    """
    path = user_key_path() if path is None else Path(path)
    if not path.parent.is_dir():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists():
        raise FileExistsError(f"a privacy key file exists already: {path}")
    # Write a complete temporary file, then link it into place: the link fails if another
    # process created the key meanwhile, and nobody ever reads a half-written key.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)
        except (AttributeError, RuntimeError, PermissionError):  # no hard links here
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(tmp.read_text(encoding="utf-8"))
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _key_at(path: Path, source: str, create: bool) -> tuple[bytes, str]:
    if path.is_file() or not create:
        return _read_key_file(path, source), f"file {path}"
    try:
        create_key(path)
        note = " (created now)"
    except FileExistsError:  # created by a parallel run a moment ago
        note = ""
    return _read_key_file(path, source), f"file {path}{note}"


def _find_key(
    key: bytes | str | None,
    key_file: str | Path | None,
    create: bool,
    project: str | Path | None = None,
) -> tuple[bytes, str]:
    if key is not None:
        if isinstance(key, bytes):
            if len(key) < _MIN_KEY_BYTES:
                raise PrivacyKeyError(f"the privacy key is too short ({len(key)} bytes)")
            return key, "argument"
        return _key_from_text(str(key), "argument"), "argument"
    if key_file is not None:
        return _key_at(Path(key_file), "key_file", create)
    env = os.environ.get(KEY_ENV)
    if env:
        return _key_from_text(env, f"${KEY_ENV}"), f"${KEY_ENV}"
    env_file = os.environ.get(KEY_FILE_ENV)
    if env_file:
        return _read_key_file(Path(env_file), f"${KEY_FILE_ENV}"), f"file {env_file}"
    path = user_key_path()
    if not path.is_file() and project is not None and (Path(project) / KEY_FILE_NAME).exists():
        old = Path(project) / KEY_FILE_NAME
        raise PrivacyKeyError(
            f"found a project key {old}, but repkit no longer reads keys from data folders "
            "(anyone who can read the folder could re-identify doctors). To keep the same "
            f"doctor tokens, move it to your user key file: mkdir -p {path.parent} && "
            f"mv {old} {path} && chmod 600 {path} (or set {KEY_FILE_ENV}); delete it to "
            "start with new tokens"
        )
    if path.is_file() or create:
        return _key_at(path, "user key file", create)
    raise PrivacyKeyError(
        "no privacy key for doctor tokens. Set one of: the environment variable "
        f"{KEY_ENV} (64 hex digits or >= {_MIN_KEY_BYTES} characters); {KEY_FILE_ENV} "
        f"naming a key file; or the user key file {path}. "
        "Hint: create the key once with rk.privacy.create_key(), or pass "
        "create_key=True to rk.privacy.setup(); never put it in a shared or data folder."
    )


def load_key(
    path: str | Path | None = None, *, key: bytes | str | None = None, create: bool = False
) -> bytes:
    """The project key for doctor tokens (see the module docstring for the search order).

    Parameters
    ----------
    path
        A key file to use instead of searching.
    key
        The key itself (bytes, 64 hex digits, or text of at least 16 characters).
    create
        Create a new key file (``path``, else :func:`user_key_path`) when none is
        found, instead of raising.

    Returns
    -------
    bytes

    Raises
    ------
    PrivacyKeyError
        No key found (and ``create`` is False), the key is shorter than 16 bytes, or
        its file may be read by other users.

    Examples
    --------
    >>> _ = rk.privacy.create_key("k.key")
    >>> len(rk.privacy.load_key("k.key"))
    32
    """
    return _find_key(key, path, create)[0]


@functools.lru_cache(maxsize=1 << 16)  # a region's doctors are tokenised by several tables
def _token(key: bytes, value: str, width: int) -> str:
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return _TOKEN_PREFIX + digest[:width].upper()


def tokens(ids: Iterable[object], *, key: bytes | str) -> pd.Series:
    """Pseudonymous tokens for IDs: ``DR-`` + 10 hex digits of HMAC-SHA256(key, id).

    The same key and ID always give the same token. Missing IDs stay missing. In the
    (astronomically rare) case that two different IDs of the input share a token, all
    tokens of the call are made 16 digits long instead, so tokens stay unique.

    Parameters
    ----------
    ids
        Doctor IDs (compared as text, so ``"007"`` and ``"7"`` differ).
    key
        Project key (see :func:`load_key`).

    Returns
    -------
    Series of str
        Indexed like ``ids`` when it is a Series.

    Examples
    --------
    >>> t = rk.privacy.tokens(["D00001", "D00002", "D00001"], key="a project key 1234")
    >>> t[0] == t[2], t[0] != t[1], t[0][:3], len(t[0])
    (True, True, 'DR-', 13)
    """
    if isinstance(key, str):
        key = _key_from_text(key, "argument")
    index = ids.index if isinstance(ids, pd.Series) else None
    values = list(ids)
    text = [
        None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values
    ]
    distinct = {v for v in text if v is not None}
    width = _TOKEN_HEX
    mapping = {v: _token(key, v, width) for v in distinct}
    if len(set(mapping.values())) < len(mapping):
        width = 16
        mapping = {v: _token(key, v, width) for v in distinct}
    out = [None if v is None else mapping[v] for v in text]
    return pd.Series(out, index=index, dtype="object", name="doctor_token")


def pseudonymise(
    frame: pd.DataFrame,
    *,
    key: bytes | str,
    columns: Sequence[str] = ("doctor_id",),
    drop: Sequence[str] = ("name",),
) -> pd.DataFrame:
    """A copy of a table with doctor IDs replaced by tokens and name columns removed.

    Parameters
    ----------
    frame
        Any table with doctor IDs (doctors, calls, a schedule, tier tables).
    key
        Project key (see :func:`load_key`).
    columns
        Columns whose values are replaced by tokens (those missing are skipped).
    drop
        Columns removed (names; those missing are skipped).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> docs = pd.DataFrame({"doctor_id": ["D1", "D2"], "name": ["王明", "李华"]})
    >>> out = rk.privacy.pseudonymise(docs, key="a project key 1234")
    >>> out.columns.tolist(), out["doctor_id"].str.startswith("DR-").all()
    (['doctor_id'], np.True_)
    """
    out = frame.drop(columns=[c for c in drop if c in frame.columns])
    for col in columns:
        if col in out.columns:
            out[col] = tokens(out[col], key=key).to_numpy()
    return out


def suppress_small(
    frame: pd.DataFrame,
    count_cols: str | Sequence[str] | None,
    *,
    k: int = MIN_GROUP,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The one small-group rule: blank every figure that rests on 1 … ``k - 1`` people.

    Every aggregate of doctors that reaches a report goes through this function (the
    pyramid, department status, the rating transition matrix, KPI rows per doctor
    group, outcome and shortfall tables).

    Parameters
    ----------
    frame
        An aggregate table, one row per group; or, with ``count_cols=None``, a table
        of head counts (such as the transition matrix) whose every cell is a group.
    count_cols
        Column(s) with the number of people a row rests on; a row is small when any
        of them is between 1 and ``k - 1``. Rows of 0 people describe nobody and are
        kept. None: each numeric cell is its own count and small cells are blanked.
    k
        Smallest group shown (default 5); 0 or 1 turns suppression off.
    columns
        Columns blanked in small rows (default: every numeric column, the counts
        included). Ignored when ``count_cols`` is None.

    Returns
    -------
    DataFrame
        A copy; with ``count_cols`` given, a boolean column ``suppressed`` says which
        rows were blanked.

    Examples
    --------
    >>> t = pd.DataFrame({"tier": ["A", "B"], "doctors": [3, 12], "mean_rating": [5.3, 4.1]})
    >>> rk.privacy.suppress_small(t, "doctors")
      tier  doctors  mean_rating  suppressed
    0    A     <NA>          NaN        True
    1    B       12          4.1       False
    >>> m = pd.DataFrame({1: [9, 3], 2: [0, 16]}, index=[1, 2])
    >>> rk.privacy.suppress_small(m, None)
         1   2
    1  9.0   0
    2  NaN  16
    """
    if k < 0:
        raise ValueError(f"k (the smallest group shown) must be >= 0, got {k}")
    out = frame.copy()
    if count_cols is None:
        for col in out.columns:
            if pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
                n = pd.to_numeric(out[col], errors="coerce")
                small = ((n > 0) & (n < k)).fillna(False).to_numpy(dtype=bool)
                if small.any():
                    out[col] = out[col].astype("float64").mask(small)
        return out
    counts = [count_cols] if isinstance(count_cols, str) else list(count_cols)
    missing = [c for c in counts if c not in frame.columns]
    if missing:
        raise ValueError(
            f"count column(s) {missing} not in the table; columns: {list(frame.columns)}"
        )
    small = np.zeros(len(frame), dtype=bool)
    for c in counts:
        n = pd.to_numeric(frame[c], errors="coerce")
        small |= ((n > 0) & (n < k)).fillna(False).to_numpy(dtype=bool)
    if columns is None:
        columns = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
        columns = [c for c in columns if not pd.api.types.is_bool_dtype(frame[c])]
    for col in dict.fromkeys([*counts, *columns]) if small.any() else ():
        if pd.api.types.is_integer_dtype(out[col]):
            out[col] = out[col].astype("Int64")
        elif not pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].astype("object")
        out.loc[small, col] = None
    out["suppressed"] = small
    return out


def suppress(
    frame: pd.DataFrame,
    *,
    count: str,
    min_group: int = MIN_GROUP,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """:func:`suppress_small` with one count column (kept for existing callers).

    Examples
    --------
    >>> t = pd.DataFrame({"tier": ["A", "B"], "doctors": [3, 12], "mean_rating": [5.3, 4.1]})
    >>> rk.privacy.suppress(t, count="doctors")["suppressed"].tolist()
    [True, False]
    """
    if min_group < 0:
        raise ValueError(f"min_group must be >= 0, got {min_group}")
    return suppress_small(frame, count, k=min_group, columns=columns)


@dataclass(frozen=True)
class Privacy:
    """How a report shows doctors: the mode, the key and the smallest group shown.

    Build it with :func:`setup`. ``label`` is the sentence a report prints about its mode.

    Attributes
    ----------
    mode
        ``"tokens"`` or ``"names"`` (see :data:`MODES`).
    min_group
        Aggregates of fewer people are suppressed by :meth:`suppress`.
    key_source
        Where the key came from (never the key itself).
    """

    mode: str = "tokens"
    min_group: int = MIN_GROUP
    key: bytes = field(default=b"", repr=False)
    key_source: str = ""

    @property
    def label(self) -> str:
        """Chinese sentence stating the report's privacy mode."""
        small = (
            f"少于 {self.min_group} 人的汇总不显示" if self.min_group > 1 else "汇总未做小组隐藏"
        )
        if self.mode == "names":
            return f"隐私模式：内部版，显示医生姓名（不得外传）；{small}。"
        return f"隐私模式：医生以假名编码显示（HMAC-SHA256，项目密钥）；{small}。"

    def doctors(
        self,
        frame: pd.DataFrame,
        *,
        names: pd.DataFrame | None = None,
        id_column: str = "doctor_id",
        label: bool = True,
    ) -> pd.DataFrame:
        """A copy of ``frame`` ready for a report: a ``doctor`` column, no stray names.

        In ``tokens`` mode ``doctor_id`` becomes the token, ``doctor`` repeats it and any
        ``name`` column is dropped. In ``names`` mode ``doctor_id`` is kept and
        ``doctor`` holds the name: ``frame["name"]`` renamed in its place (so a table
        does not show the name twice), or looked up in the ``names`` table with
        doctor_id and name. ``label=False`` leaves out the ``doctor`` column (for
        doctor cards, whose ``name`` column is kept in ``names`` mode).

        Examples
        --------
        >>> p = rk.privacy.setup("names")
        >>> docs = pd.DataFrame({"doctor_id": ["D1"], "name": ["王明"]})
        >>> p.doctors(pd.DataFrame({"doctor_id": ["D1"]}), names=docs)["doctor"].tolist()
        ['王明']
        """
        if id_column not in frame.columns:
            raise ValueError(
                f"column {id_column!r} not in the table; columns: {list(frame.columns)}"
            )
        out = frame.copy()
        if self.mode == "tokens":
            out = out.drop(columns=[c for c in ("name", "doctor") if c in out.columns])
            out[id_column] = tokens(out[id_column], key=self.key).to_numpy()
            if label:
                out["doctor"] = out[id_column]
            return out
        if not label:
            return out
        if "name" in out.columns:  # the name becomes the doctor column, not a second copy
            if "doctor" in out.columns:
                out = out.drop(columns="doctor")
            out = out.rename(columns={"name": "doctor"})
            out["doctor"] = out["doctor"].fillna(out[id_column])
            return out
        if names is not None and "name" in names.columns:
            lookup = names.drop_duplicates(id_column).set_index(id_column)["name"]
            shown = out[id_column].map(lookup)
        else:
            shown = out[id_column]
        out["doctor"] = shown.fillna(out[id_column]).to_numpy()
        return out

    def suppress(
        self,
        frame: pd.DataFrame,
        *,
        count: str | Sequence[str] | None,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """:func:`suppress_small` with this policy's ``min_group``."""
        return suppress_small(frame, count, k=self.min_group, columns=columns)


def setup(
    mode: str = "tokens",
    *,
    key: bytes | str | None = None,
    key_file: str | Path | None = None,
    create_key: bool = False,
    min_group: int = MIN_GROUP,
    project: str | Path | None = None,
) -> Privacy:
    """The privacy policy for a report.

    Parameters
    ----------
    mode
        ``"tokens"`` (pseudonymous doctor tokens; for anything that leaves the
        analyst's machine) or ``"names"`` (internal use only).
    key, key_file
        The project key or its file; default: the search of :func:`load_key`.
    create_key
        In ``tokens`` mode, create the user key file when none is found (see
        the module docstring) instead of raising :class:`PrivacyKeyError`.
    min_group
        Aggregates of fewer people are suppressed (default 5; 0 turns it off).
    project
        The project's data folder. The key never lives in it and is never read from
        it: every region and run finds the same key in the environment or the user's
        key file, wherever the kernel runs. Only when no key is set up and the folder
        still holds a ``.repkit-privacy-key`` of an older repkit, setup refuses (instead
        of silently making new tokens) and says how to move that key.

    Returns
    -------
    Privacy

    Raises
    ------
    ValueError
        Unknown mode or negative ``min_group``.
    PrivacyKeyError
        ``tokens`` mode without a key (and ``create_key`` False).

    Examples
    --------
    >>> p = rk.privacy.setup("tokens", key="0123456789abcdef-project")
    >>> p.mode, p.key_source
    ('tokens', 'argument')
    >>> p.label
    '隐私模式：医生以假名编码显示（HMAC-SHA256，项目密钥）；少于 5 人的汇总不显示。'
    """
    if mode not in MODES:
        raise ValueError(f"unknown privacy mode {mode!r}; valid modes: {', '.join(MODES)}")
    if min_group < 0:
        raise ValueError(f"min_group must be >= 0, got {min_group}")
    if mode == "names":
        return Privacy(mode="names", min_group=min_group, key=b"", key_source="")
    found, source = _find_key(key, key_file, create_key, project)
    return Privacy(mode="tokens", min_group=min_group, key=found, key_source=source)
