"""Fault tests: killed workers, hangs, bad data, sys.exit, resume, surviving good outputs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from test_batch import make_template, run, write_data

# module fixtures run batches; keep each module on one xdist worker
pytestmark = pytest.mark.xdist_group("batch_faults")

FAULTS = {
    "西宁": "data",
    "银川": "exit",
    "西安": "hang",
    "成都": "kill_worker_once",
    "重庆": "kill_kernel",
    "区域007": "stop_worker",
}
TIMEOUT = 6


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    """One batch where every region but 兰州 meets a different fault."""
    root = tmp_path_factory.mktemp("faults")
    data = write_data(root / "data", regions=7)
    template = make_template(root / "t.ipynb", faults=FAULTS)
    out = root / "reports"
    t0 = time.monotonic()
    manifest = run(template, data, out, workers=2, timeout=TIMEOUT, retries=1)
    return root, data, template, out, manifest, time.monotonic() - t0


def _entry(faulty, region):
    return faulty[4]["regions"][region]


def test_healthy_region_completes_despite_the_others(faulty):
    _, _, _, out, manifest, _ = faulty
    assert _entry(faulty, "兰州")["status"] == "ok"
    assert (out / "兰州" / "plan.html").is_file()
    assert manifest["counts"] == {"ok": 2, "failed": 3, "timeout": 2}
    assert sorted(manifest["failed"]) == sorted(["西宁", "银川", "西安", "重庆", "区域007"])


def test_killed_worker_is_replaced_and_its_region_retried(faulty):
    entry = _entry(faulty, "成都")
    assert entry["status"] == "ok", entry["error"]
    assert entry["attempts"] == 2
    assert entry["retried"][0]["exception"] == "WorkerLost"
    assert "工作进程意外退出" in entry["retried"][0]["message"]


def test_hung_region_times_out_and_names_its_cell(faulty):
    entry = _entry(faulty, "西安")
    assert entry["status"] == "timeout"
    assert entry["error"]["exception"] == "Timeout"
    assert "运行超过 6 秒" in entry["error"]["message"]
    assert "time.sleep(3600)" in entry["error"]["source"]
    assert entry["attempts"] == 1  # a timeout is not retried
    assert faulty[5] < 120


def test_stuck_worker_is_killed_from_outside(faulty):
    entry = _entry(faulty, "区域007")
    assert entry["status"] == "timeout"
    assert "已终止它的工作进程" in entry["error"]["message"]
    assert entry["error"]["source"].startswith("mode = faults.get(region)")


def test_bad_data_fails_with_the_data_error_and_is_not_retried(faulty):
    entry = _entry(faulty, "西宁")
    assert entry["status"] == "failed"
    assert entry["attempts"] == 1
    err = entry["error"]
    assert err["exception"] == "DataError"
    assert "could be 12.3 or 123" in err["message"]
    assert "raise rk.DataError" in err["source"]
    assert err["problems"][0]["rule"] == "ambiguous_number"
    assert err["problems"][0]["row"] == 7


def test_sys_exit_zero_is_a_failure(faulty):
    _, _, _, out, _, _ = faulty
    entry = _entry(faulty, "银川")
    assert entry["status"] == "failed"
    assert entry["error"]["exception"] == "SystemExit"
    assert not (out / "银川" / "plan.ipynb").exists()
    failed = nbformat.read(str(out / "银川" / "plan.failed.ipynb"), as_version=4)
    assert any(o.get("ename") == "SystemExit" for c in failed.cells for o in c.get("outputs", []))
    assert (out / "银川" / "plan.failed.html").is_file()


def test_dead_kernel_is_retried_then_reported(faulty):
    entry = _entry(faulty, "重庆")
    assert entry["status"] == "failed"
    assert entry["attempts"] == 2
    assert entry["error"]["exception"] == "KernelDied"


def test_failures_are_shown_in_the_index(faulty):
    _, _, _, out, _, _ = faulty
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "could be 12.3 or 123" in page
    assert "超时" in page
    assert "plan.failed.html" in page


def test_resume_runs_only_what_is_missing(faulty, tmp_path):
    _, data, _, out, _, _ = faulty
    copy = tmp_path / "reports"
    shutil.copytree(out, copy)
    shutil.rmtree(copy / "兰州")  # a region whose outputs went missing
    fixed = make_template(tmp_path / "fixed.ipynb")
    manifest = run(fixed, data, copy, workers=2, resume=True)
    status = {r: (e["status"], e.get("reason")) for r, e in manifest["regions"].items()}
    assert status["成都"] == ("skipped", "resume")
    for region in ("兰州", "西宁", "银川", "西安", "重庆", "区域007"):
        assert status[region] == ("ok", None), manifest["regions"][region]["error"]
    assert not (copy / "西宁" / "plan.failed.ipynb").exists()  # failure record cleared
    assert (copy / "西宁" / "plan.ipynb").is_file()


def test_failed_rerun_keeps_the_previous_good_outputs(tmp_path):
    data = write_data(tmp_path / "data", regions=2)
    template = make_template(tmp_path / "t.ipynb", faults={"兰州": "fail_v2"})
    out = tmp_path / "out"
    first = run(template, data, out, params={"label": "v1"})
    assert first["counts"] == {"ok": 2}
    files = ("plan.ipynb", "plan.html", "plan.xlsx", "summary.json")
    before = {f: (out / "兰州" / f).read_bytes() for f in files}
    second = run(template, data, out, params={"label": "v2"})
    entry = second["regions"]["兰州"]
    assert entry["status"] == "failed"
    assert "label v2 is not supported" in entry["error"]["message"]
    assert {f: (out / "兰州" / f).read_bytes() for f in files} == before
    assert (out / "兰州" / "plan.failed.ipynb").is_file()
    assert entry["output"]["fingerprint"] == first["regions"]["兰州"]["fingerprint"]
    assert second["regions"]["西宁"]["summary"]["label"] == "v2"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "链接为上次成功运行" in page
    # back to v1: the good outputs match again, nothing to do
    third = run(template, data, out, params={"label": "v1"})
    assert third["regions"]["兰州"]["status"] == "skipped"


def test_cell_timeout(tmp_path):
    data = write_data(tmp_path / "data", regions=2)
    template = make_template(tmp_path / "t.ipynb", faults={"西宁": "hang"})
    manifest = run(template, data, tmp_path / "out", cell_timeout=3, timeout=60)
    entry = manifest["regions"]["西宁"]
    assert entry["status"] == "timeout"
    assert entry["error"]["exception"] == "CellTimeout"
    assert manifest["regions"]["兰州"]["status"] == "ok"


def test_killed_batch_leaves_no_half_written_outputs(tmp_path):
    data = write_data(tmp_path / "data", regions=4)
    template = make_template(tmp_path / "t.ipynb", "time.sleep(1.5)")
    out = tmp_path / "out"
    script = textwrap.dedent(
        f"""
        import repkit as rk
        if __name__ == "__main__":
            rk.batch.run({str(template)!r}, data={str(data)!r}, out_dir={str(out)!r},
                         workers=1, progress=False)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (out / "兰州" / "plan.ipynb").exists():
        time.sleep(0.2)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert 1 <= len(done) < 4
    for folder in done:
        names = {p.name for p in folder.iterdir()}
        assert names == {"plan.ipynb", "plan.html", "plan.xlsx", "summary.json"}
        nbformat.validate(nbformat.read(str(folder / "plan.ipynb"), as_version=4))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert all(e["status"] == "ok" for e in manifest["regions"].values())
    again = run(template, data, out, resume=True)
    assert again["counts"]["ok"] + again["counts"].get("skipped", 0) == 4
    assert again["counts"].get("skipped", 0) >= 1
    assert not (out / ".staging").exists()
    leftovers = [p for p in Path(out).rglob("*.tmp")]
    assert leftovers == []
