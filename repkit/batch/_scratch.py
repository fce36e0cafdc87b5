"""Private scratch for a batch run: one 0700 folder, removed on every way out.

The parent process hands its workers a pickle of the whole data set (doctor names
included). It lives in ``<temp>/repkit-<uid>/run-<pid>-<random>/``: the per-user
folder is ``0700`` and must belong to the user (a folder planted by someone else, or a
symbolic link, is refused), the run folder is removed when the run ends normally, with
an exception, on Ctrl-C or on SIGTERM, and the folders of earlier runs whose process
is gone (a killed batch) are removed when the next run starts.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

_PREFIX = "run-"


def scratch_root() -> Path:
    """The user's private scratch folder in the system temp folder (created ``0700``)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    root = Path(tempfile.gettempdir()) / f"repkit-{uid}"
    with contextlib.suppress(FileExistsError):
        root.mkdir(mode=0o700)
    info = os.lstat(root)
    if os.name == "posix" and (
        not stat.S_ISDIR(info.st_mode) or info.st_uid != uid or info.st_mode & 0o077
    ):
        raise RuntimeError(
            f"the scratch folder {root} is not a private folder of this user (a link, "
            "another owner or open permissions); remove it and run again"
        )
    return root


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def remove_stale(root: Path) -> list[Path]:
    """Remove the scratch folders of earlier runs whose process is gone."""
    removed = []
    for path in root.glob(f"{_PREFIX}*"):
        try:
            pid = int(path.name[len(_PREFIX) :].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


_LEGACY_AGE = 12 * 3600


def remove_legacy(tmp: str | Path | None = None, *, age: float = _LEGACY_AGE) -> list[Path]:
    """Remove data-set pickles that repkit before 0700 scratch left in the temp folder.

    Those ``repkit-batch-*`` folders survived killed batches for good; only this user's
    folders older than ``age`` seconds are removed (a running old batch keeps its own).
    """
    removed = []
    now = time.time()
    uid = os.getuid() if hasattr(os, "getuid") else None
    for path in Path(tmp or tempfile.gettempdir()).glob("repkit-batch-*"):
        try:
            info = os.lstat(path)
        except OSError:
            continue
        mine = uid is None or info.st_uid == uid
        if stat.S_ISDIR(info.st_mode) and mine and now - info.st_mtime > age:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def clean_up_earlier_runs() -> None:
    """At a batch's start: remove what killed batches (of any repkit version) left."""
    with contextlib.suppress(RuntimeError, OSError):
        remove_stale(scratch_root())
    with contextlib.suppress(OSError):
        remove_legacy()


@contextlib.contextmanager
def private_scratch() -> Iterator[Path]:
    """A fresh ``0700`` folder for this run, removed on exit (stale ones first)."""
    root = scratch_root()
    remove_stale(root)
    path = root / f"{_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    path.mkdir(mode=0o700)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"stopped by signal {signum}")


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt meanwhile, so clean-up code runs on ``kill``."""
    if threading.current_thread() is not threading.main_thread() or os.name != "posix":
        yield
        return
    old = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)
