"""Hostile moments for `repkit batch`: a kill between moves, a full disk, too many workers."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from test_batch import make_template, run, write_data

from repkit.batch import _run, _store

pytestmark = pytest.mark.xdist_group("hostile_crash")

FULL = """\
if label == "full" and region == "西宁":
    open(f"{out}/plan.xlsx", "wb").write(b"PK half")
    raise OSError(28, "No space left on device")
"""


def _label(folder: Path) -> tuple[str, str]:
    """The label of a region's summary.json and the label its plan.ipynb ran with."""
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    nb = nbformat.read(str(folder / "plan.ipynb"), as_version=4)
    return summary["label"], nb.metadata.papermill.parameters["label"]


def _debris(out: Path) -> list[str]:
    bad = [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name == ".staging"]
    bad += [p for p in out.rglob("*.ipynb") if p.stat().st_size == 0]
    return sorted(str(p.relative_to(out)) for p in bad)


def test_kill_between_moves_is_redone_not_skipped(tmp_path):
    data = write_data(tmp_path / "data", regions=1)
    template = make_template(tmp_path / "t.ipynb")
    out = tmp_path / "out"
    first = run(template, data, out, params={"half": "2026H2", "label": "v1"})
    assert first["regions"]["兰州"]["status"] == "ok"
    # a second run with other parameters dies (like SIGKILL) after two of its moves
    script = textwrap.dedent(
        f"""
        import os
        import repkit as rk
        real, moves = os.replace, []
        def replace(src, dst):
            if "/.staging/" in str(src):
                moves.append(dst)
                if len(moves) == 3:
                    os._exit(9)
            return real(src, dst)
        os.replace = replace
        rk.batch.run({str(template)!r}, data={str(data)!r}, out_dir={str(out)!r}, workers=1,
                     progress=False, params={{"half": "2026H2", "label": "v2"}})
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], timeout=300, check=False)
    assert proc.returncode == 9
    assert _label(out / "兰州") == ("v2", "v1")  # the half state a kill leaves
    again = run(template, data, out, params={"half": "2026H2", "label": "v1"})
    entry = again["regions"]["兰州"]
    assert entry["status"] == "ok"  # not "skipped" on top of mixed outputs
    assert _label(out / "兰州") == ("v1", "v1")
    assert set(entry["output"]["hashes"]) == set(entry["output"]["files"])
    assert run(template, data, out, params={"half": "2026H2", "label": "v1"})["counts"] == {
        "skipped": 1
    }


@pytest.fixture
def disk(monkeypatch, tmp_path):
    """A write wrapper for the batch's own files: half a write, then ENOSPC.

    ``state["mode"]``: "ok", "full" (always), or "until_freed" (full while the
    staging folder, the batch's big scratch, still exists).
    """
    real_open = open
    state = {"mode": "ok", "out": None, "refused": 0}

    def full_open(file, mode="r", *args, **kwargs):
        fh = real_open(file, mode, *args, **kwargs)
        full = state["mode"] == "full" or (
            state["mode"] == "until_freed" and (Path(state["out"]) / ".staging").exists()
        )
        if "w" in mode and full:
            fh.write("{")
            fh.close()
            state["refused"] += 1
            raise OSError(errno.ENOSPC, "No space left on device", str(file))
        return fh

    monkeypatch.setattr(_store, "open", full_open, raising=False)
    return state


def test_disk_full_ends_clearly_with_an_honest_manifest_and_no_debris(tmp_path, disk, capsys):
    data = write_data(tmp_path / "data", regions=2)
    template = make_template(tmp_path / "t.ipynb", FULL, faults={"银川": "data"})
    out = tmp_path / "out"
    first = run(template, data, out, params={"half": "2026H2", "label": "v1"})
    assert first["counts"] == {"ok": 2}
    good = (out / "西宁" / "plan.xlsx").read_bytes()

    # the disk stays full: a clear error, no stale "ok" manifest, no debris
    disk["mode"] = "full"
    with pytest.raises(RuntimeError, match="No space left") as err:  # the CLI prints these
        run(template, data, out, params={"half": "2026H2", "label": "full"})
    assert type(err.value).__name__ == "BatchWriteError"
    assert "manifest.json" in str(err.value)
    assert "西宁: 失败" in str(err.value)
    assert not (out / "manifest.json").exists()
    assert not (out / "index.html").exists()
    assert _debris(out) == []
    assert (out / "西宁" / "plan.xlsx").read_bytes() == good  # the last good outputs stay

    # space comes back once the batch frees its staging: the manifest says what failed
    disk.update(mode="until_freed", out=str(out), refused=0)
    m = run(template, data, out, params={"half": "2026H2", "label": "full"}, progress=True)
    assert disk["refused"] >= 1
    assert m["regions"]["西宁"]["status"] == "failed"
    assert m["regions"]["西宁"]["error"]["exception"] == "OSError"
    assert "No space left" in m["regions"]["西宁"]["error"]["message"]
    assert m["regions"]["兰州"]["status"] == "ok"
    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["failed"] == ["西宁"]
    assert _debris(out) == []
    assert (out / "西宁" / "plan.xlsx").read_bytes() == good
    assert "Traceback" not in capsys.readouterr().err


def test_truncated_failed_notebook_is_not_kept(tmp_path):
    target = tmp_path / "兰州"
    for content in (b"", b'{"cells": [{"cell_ty'):
        staging = tmp_path / "staging"
        staging.mkdir()
        (staging / "plan.ipynb").write_bytes(content)
        assert _store.commit_failed(staging, target) == []
        assert not (target / "plan.failed.ipynb").exists()
        assert not staging.exists()


def test_workers_are_capped_by_cores_and_memory(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(_run.os, "cpu_count", lambda: 1)
    data = write_data(tmp_path / "data", regions=2)
    template = make_template(tmp_path / "t.ipynb")
    m = run(template, data, tmp_path / "out", workers=8, progress=True)
    assert m["workers"] == 1
    assert m["counts"] == {"ok": 2}
    assert "并行数限制为 1（要求 8）" in capsys.readouterr().err
    monkeypatch.setattr(_run.os, "cpu_count", lambda: 64)
    monkeypatch.setattr(_run, "_available_memory", lambda: 3 * _run._WORKER_MEMORY + 1)
    n, note = _run.worker_count(64, 100)
    assert n == 3
    assert "64 个 CPU 核" in note
    assert _run.worker_count(None, 100) == (3, None)
    assert _run.worker_count(2, 100) == (2, None)


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs (skipped where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    cmd = ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        pytest.skip("cannot mount a tmpfs here")
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=20, check=False)


def test_really_full_disk(tmp_path, small_disk):
    data = write_data(tmp_path / "data", regions=4)
    big = "open(f'{out}/big.bin', 'wb').write(os.urandom(900_000))"
    template = make_template(tmp_path / "t.ipynb", big)
    out = small_disk / "out"
    m = run(template, data, out)
    statuses = {r: e["status"] for r, e in m["regions"].items()}
    assert sorted(statuses.values()) == ["failed", "failed", "ok", "ok"]
    for region, status in statuses.items():
        entry = m["regions"][region]
        if status == "failed":
            assert entry["error"]["exception"] == "DiskFull"
            assert entry["attempts"] == 1  # a full disk is not a dead kernel: no retry
    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(on_disk["failed"]) == sorted(r for r, s in statuses.items() if s == "failed")
    assert _debris(out) == []
    for region, status in statuses.items():
        folder = out / m["regions"][region]["folder"]
        assert folder.is_dir() == (status == "ok")
