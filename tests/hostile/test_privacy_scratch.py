"""The batch's scratch (a pickle of the whole data set) and its cluster stay private."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from test_batch import make_template, write_data

from repkit.batch import _dask, _runner

pytestmark = pytest.mark.xdist_group("hostile_scratch")


def _pickles(tmp: Path) -> list[Path]:
    return sorted(tmp.rglob("*.pickle"))


def _batch_script(template: Path, data: Path, out: Path) -> str:
    return textwrap.dedent(
        f"""
        import repkit as rk
        rk.batch.run({str(template)!r}, data={str(data)!r}, out_dir={str(out)!r},
                     workers=1, progress=False)
        """
    )


def _start(tmp_path: Path, script: str, tmp: Path) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.Popen([sys.executable, "-c", script], env=env, start_new_session=True)


def _wait_for(predicate, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.2)
    assert predicate()


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_sigterm_removes_the_data_set_pickle(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    data = write_data(tmp_path / "data", regions=3)
    template = make_template(tmp_path / "t.ipynb", "time.sleep(2)")
    out = tmp_path / "out"
    proc = _start(tmp_path, _batch_script(template, data, out), tmp)
    _wait_for(lambda: bool(_pickles(tmp)))
    (scratch,) = _pickles(tmp)
    if hasattr(os, "getuid"):
        assert stat.S_IMODE(scratch.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(scratch.stat().st_mode) == 0o600
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=60)
    assert _pickles(tmp) == []
    assert not (out / ".staging").exists()


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_scratch_of_a_killed_batch_is_removed_by_the_next_run(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    data = write_data(tmp_path / "data", regions=2)
    template = make_template(tmp_path / "t.ipynb", "time.sleep(2)")
    proc = _start(tmp_path, _batch_script(template, data, tmp_path / "a"), tmp)
    _wait_for(lambda: bool(_pickles(tmp)))
    os.killpg(proc.pid, signal.SIGKILL)  # no clean-up code can run
    proc.wait(timeout=60)
    assert _pickles(tmp)
    quick = make_template(tmp_path / "q.ipynb")
    second = _start(tmp_path, _batch_script(quick, data, tmp_path / "b"), tmp)
    assert second.wait(timeout=300) == 0
    assert _pickles(tmp) == []


def test_scratch_root_refuses_a_folder_others_can_read(tmp_path, monkeypatch):
    from repkit.batch import _scratch

    monkeypatch.setattr(_scratch.tempfile, "gettempdir", lambda: str(tmp_path))
    root = _scratch.scratch_root()
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    root.chmod(0o755)
    with pytest.raises(RuntimeError, match="not a private folder"):
        _scratch.scratch_root()
    root.chmod(0o700)
    stale = root / "run-999999999-dead"
    stale.mkdir()
    with _scratch.private_scratch() as mine:
        assert mine.is_dir()
        assert not stale.exists()
    assert not mine.exists()


def test_local_cluster_listens_on_localhost_only(monkeypatch):
    import distributed

    seen = {}

    class Stop(Exception):
        pass

    def fake_cluster(**kwargs):
        seen.update(kwargs)
        raise Stop

    monkeypatch.setattr(distributed, "LocalCluster", fake_cluster)
    with pytest.raises(Stop):
        _dask.run_dask(
            [], {}, scheduler="local", workers=1, retries=0, new_staging=str, on_result=print
        )
    assert seen["host"] == "127.0.0.1"
    assert seen["dashboard_address"].startswith("127.0.0.1:")


def test_kernel_start_waits_longer_under_load(monkeypatch):
    monkeypatch.setattr(_runner.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(_runner.os, "getloadavg", lambda: (1.0, 1.0, 1.0))
    assert _runner.start_timeout(60) == 60
    monkeypatch.setattr(_runner.os, "getloadavg", lambda: (8.0, 1.0, 1.0))
    assert _runner.start_timeout(60) == 240
    monkeypatch.setattr(_runner.os, "getloadavg", lambda: (80.0, 1.0, 1.0))
    assert _runner.start_timeout(60) == 600


def test_dask_path_retries_infrastructure_failures_like_the_local_pool(monkeypatch):
    """A kernel that died before replying to kernel_info is retried and recorded."""
    import distributed

    class Future:
        def __init__(self, fn, args):
            self.fn, self.args = fn, args

        def result(self):
            return self.fn(*self.args)

    class Client:
        def __init__(self, *a, **k):
            pass

        def submit(self, fn, *args, **kwargs):
            return Future(fn, args)

        def close(self):
            pass

    class AsCompleted:
        def __init__(self):
            self.queue = []

        def add(self, fut):
            self.queue.append(fut)

        def __iter__(self):
            while self.queue:
                yield self.queue.pop(0)

    calls = []

    def run_task(config, task):
        calls.append(task["region"])
        if len(calls) == 1:
            raise _runner.InfraError("Kernel died before replying to kernel_info")
        return {"region": task["region"], "status": "ok", "error": None, "timings": {}}

    monkeypatch.setattr(distributed, "Client", Client)
    monkeypatch.setattr(distributed, "as_completed", AsCompleted)
    monkeypatch.setattr(_dask, "run_task", run_task)
    results = []
    task = {"region": "兰州", "folder": "兰州", "attempt": 1, "retried": []}
    _dask.run_dask(
        [task],
        {},
        scheduler="tcp://127.0.0.1:1",
        workers=1,
        retries=1,
        new_staging=lambda t: f"/nonexistent/{t['attempt']}",
        on_result=lambda t, r: results.append((dict(t), r)),
    )
    assert calls == ["兰州", "兰州"]
    ((done, result),) = results
    assert result["status"] == "ok"
    assert done["attempt"] == 2
    assert "kernel_info" in done["retried"][0]["message"]


def test_pickles_left_by_older_versions_are_removed(tmp_path):
    from repkit.batch import _scratch

    old = tmp_path / "repkit-batch-abc123"
    old.mkdir()
    (old / "dataset.pickle").write_bytes(b"names")
    fresh = tmp_path / "repkit-batch-running"
    fresh.mkdir()
    long_ago = time.time() - 2 * 86400
    os.utime(old, (long_ago, long_ago))
    assert _scratch.remove_legacy(tmp_path) == [old]
    assert not old.exists()
    assert fresh.exists()  # may belong to a batch still running
