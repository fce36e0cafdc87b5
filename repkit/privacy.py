"""Pseudonymisation of people: stable doctor tokens, small-group suppression, mode labels.

Doctor-level data (names, tiers, ratings, visit plans) is personal information. Reports
that leave the analyst's machine show doctors as **tokens**: ``DR-`` followed by the
first 10 hex digits of HMAC-SHA256(project key, doctor_id). The same key gives the same
token in every report and every run, so a rep can follow "their" doctor across months,
while nobody without the key can get back from the token to the doctor.

Where the key comes from (first match wins, nothing is ever hard-coded):

1. an explicit ``key=`` (bytes or text) or ``key_file=`` argument;
2. the environment variable ``REPKIT_PRIVACY_KEY`` (64 hex digits, or any text of at
   least 16 characters);
3. the file named by the environment variable ``REPKIT_PRIVACY_KEY_FILE``;
4. a file ``.repkit-privacy-key`` in the working directory or any parent directory
   (the project's key: keep it next to the project, out of version control).

When none exists, :func:`load_key` raises :class:`PrivacyKeyError` with these options,
unless ``create=True`` was passed: then a new random key is written to
``.repkit-privacy-key`` in the working directory (or the given path), readable by the
owner only, and used from then on. Losing that file changes every token; sharing it
lets others re-identify doctors from tokens.

Aggregates of fewer than :data:`MIN_GROUP` people (5) can be suppressed with
:func:`suppress`. Every report states its mode with :attr:`Privacy.label`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
    "tokens",
]

KEY_ENV = "REPKIT_PRIVACY_KEY"
"""Environment variable holding the project key itself."""
KEY_FILE_ENV = "REPKIT_PRIVACY_KEY_FILE"
"""Environment variable naming the project key file."""
KEY_FILE_NAME = ".repkit-privacy-key"
"""Name of the per-project key file searched in the working directory and its parents."""
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


def _read_key_file(path: Path, source: str) -> bytes:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise PrivacyKeyError(f"cannot read the privacy key file {path} ({source}): {err}") from err
    return _key_from_text(text, f"{source} {path}")


def _search_key_file(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / KEY_FILE_NAME
        if candidate.is_file():
            return candidate
    return None


def create_key(path: str | Path = KEY_FILE_NAME) -> Path:
    """Write a new random project key (256 bits, hex) to a file readable by its owner only.

    Parameters
    ----------
    path
        Key file to create (default ``.repkit-privacy-key`` in the working directory).
        Its folder is created if missing.

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
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
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
        path = Path(key_file)
        if path.is_file() or not create:
            return _read_key_file(path, "key_file"), f"file {path}"
        try:
            create_key(path)
            note = " (created now)"
        except FileExistsError:  # created by a parallel run a moment ago
            note = ""
        return _read_key_file(path, "key_file"), f"file {path}{note}"
    env = os.environ.get(KEY_ENV)
    if env:
        return _key_from_text(env, f"${KEY_ENV}"), f"${KEY_ENV}"
    env_file = os.environ.get(KEY_FILE_ENV)
    if env_file:
        return _read_key_file(Path(env_file), f"${KEY_FILE_ENV}"), f"file {env_file}"
    home = Path(project).resolve() if project is not None else Path.cwd()
    found = _search_key_file(home)
    if found is None and project is not None:
        found = _search_key_file(Path.cwd())
    if found is not None:
        return _read_key_file(found, "project key file"), f"file {found}"
    if create:
        try:
            path = create_key(home / KEY_FILE_NAME)
            note = " (created now)"
        except FileExistsError:  # created by a parallel run a moment ago
            path, note = home / KEY_FILE_NAME, ""
        return _read_key_file(path, "project key file"), f"file {path}{note}"
    raise PrivacyKeyError(
        "no privacy key for doctor tokens. Set one of: the environment variable "
        f"{KEY_ENV} (64 hex digits or >= {_MIN_KEY_BYTES} characters); {KEY_FILE_ENV} "
        f"naming a key file; or a file {KEY_FILE_NAME} in this project folder. "
        "Hint: create a key file once with rk.privacy.create_key(), or pass "
        "create_key=True to rk.privacy.setup(); keep the file out of version control."
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
        Create a new key file (``path``, else ``.repkit-privacy-key`` in the working
        directory) when none is found, instead of raising.

    Returns
    -------
    bytes

    Raises
    ------
    PrivacyKeyError
        No key found (and ``create`` is False), or the key is shorter than 16 bytes.

    Examples
    --------
    >>> _ = rk.privacy.create_key("k.key")
    >>> len(rk.privacy.load_key("k.key"))
    32
    """
    return _find_key(key, path, create)[0]


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


def suppress(
    frame: pd.DataFrame,
    *,
    count: str,
    min_group: int = MIN_GROUP,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Blank the figures of rows that aggregate fewer than ``min_group`` people.

    Rows with 1 … ``min_group - 1`` people have ``columns`` (default: every numeric
    column, the count included) set to missing; a boolean column ``suppressed`` says
    which. Rows of 0 people describe nobody and are kept.

    Parameters
    ----------
    frame
        An aggregate table, one row per group.
    count
        Column with the number of people in each row's group.
    min_group
        Smallest group shown (default 5); 0 or 1 turns suppression off.
    columns
        Columns to blank.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> t = pd.DataFrame({"tier": ["A", "B"], "doctors": [3, 12], "mean_rating": [5.3, 4.1]})
    >>> rk.privacy.suppress(t, count="doctors")
      tier  doctors  mean_rating  suppressed
    0    A     <NA>          NaN        True
    1    B       12          4.1       False
    """
    if count not in frame.columns:
        raise ValueError(f"count column {count!r} not in the table; columns: {list(frame.columns)}")
    if min_group < 0:
        raise ValueError(f"min_group must be >= 0, got {min_group}")
    n = pd.to_numeric(frame[count], errors="coerce")
    small = ((n > 0) & (n < min_group)).fillna(False).to_numpy(dtype=bool)
    if columns is None:
        columns = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
        columns = [c for c in columns if not pd.api.types.is_bool_dtype(frame[c])]
    out = frame.copy()
    for col in columns:
        if not small.any():
            break
        if pd.api.types.is_integer_dtype(out[col]):
            out[col] = out[col].astype("Int64")
        elif not pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].astype("object")
        out.loc[small, col] = None
    out["suppressed"] = small
    return out


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
        ``doctor`` holds the name (from ``frame["name"]`` or the ``names`` table with
        doctor_id and name). ``label=False`` leaves out the ``doctor`` column (for
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
        if "name" in out.columns:
            shown = out["name"]
        elif names is not None and "name" in names.columns:
            lookup = names.drop_duplicates(id_column).set_index(id_column)["name"]
            shown = out[id_column].map(lookup)
        else:
            shown = out[id_column]
        out["doctor"] = shown.fillna(out[id_column]).to_numpy()
        return out

    def suppress(
        self, frame: pd.DataFrame, *, count: str, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """:func:`suppress` with this policy's ``min_group``."""
        return suppress(frame, count=count, min_group=self.min_group, columns=columns)


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
        In ``tokens`` mode, create the per-project key file when none is found (see
        the module docstring) instead of raising :class:`PrivacyKeyError`.
    min_group
        Aggregates of fewer people are suppressed (default 5; 0 turns it off).
    project
        The project's folder (e.g. the data folder): the key file is looked for there
        and in its parents before the working directory, and created there. Batch runs
        pass it so that every region and every run uses the same key wherever the
        kernel runs.

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
