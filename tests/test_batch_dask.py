"""The Dask backend produces the same outputs as the local worker pool."""

from __future__ import annotations

import json
import logging

import nbformat
import openpyxl
import pytest
from test_batch import make_template, run, write_data

# module fixtures run batches; keep each module on one xdist worker
pytestmark = pytest.mark.xdist_group("batch_dask")

FAULTS = {"西宁": "data", "银川": "exit", "西安": "hang"}


def _texts(path):
    nb = nbformat.read(str(path), as_version=4)
    return [
        (o.get("output_type"), o.get("text") or o.get("ename") or json.dumps(o.get("data", {})))
        for c in nb.cells
        for o in c.get("outputs", [])
    ]


def _cells(path):
    book = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _comparable(entry):
    err = entry.get("error") or {}
    summary = dict(entry.get("summary") or {})
    summary.pop("pid", None)
    return (
        entry["status"],
        entry["folder"],
        entry["fingerprint"],
        entry["params"],
        sorted((entry.get("output") or {}).get("files", [])),
        sorted(entry.get("failure_files", [])),
        summary,
        err.get("exception"),
        err.get("message"),
        err.get("source"),
    )


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    ) as c:
        yield c


def test_dask_outputs_match_the_local_pool(tmp_path, cluster):
    data = write_data(tmp_path / "data", regions=4)
    template = make_template(tmp_path / "t.ipynb", faults=FAULTS)
    local = run(template, data, tmp_path / "local", workers=2, timeout=8)
    dask = run(
        template, data, tmp_path / "dask", workers=2, timeout=8, scheduler=cluster.scheduler_address
    )
    assert dask["backend"] == f"dask {cluster.scheduler_address}"
    assert local["backend"] == "local"
    assert list(dask["regions"]) == list(local["regions"])
    for region in local["regions"]:
        assert _comparable(dask["regions"][region]) == _comparable(local["regions"][region])
    assert dask["regions"]["西安"]["status"] == "timeout"
    assert dask["regions"]["西宁"]["error"]["problems"][0]["rule"] == "ambiguous_number"
    a, b = tmp_path / "local" / "兰州", tmp_path / "dask" / "兰州"
    assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
    assert _texts(a / "plan.ipynb") == _texts(b / "plan.ipynb")
    assert _cells(a / "plan.xlsx") == _cells(b / "plan.xlsx")
    assert _texts(tmp_path / "local" / "银川" / "plan.failed.ipynb") == _texts(
        tmp_path / "dask" / "银川" / "plan.failed.ipynb"
    )


def test_dask_rerun_skips_unchanged_regions(tmp_path, cluster):
    data = write_data(tmp_path / "data", regions=2)
    template = make_template(tmp_path / "t.ipynb")
    first = run(template, data, tmp_path / "out", scheduler=cluster.scheduler_address)
    assert first["counts"] == {"ok": 2}
    again = run(template, data, tmp_path / "out", scheduler=cluster.scheduler_address)
    assert again["counts"] == {"skipped": 2}


@pytest.mark.slow
def test_dask_local_cluster_from_the_batch(tmp_path):
    data = write_data(tmp_path / "data", regions=2)
    template = make_template(tmp_path / "t.ipynb")
    manifest = run(template, data, tmp_path / "out", scheduler="local", workers=1)
    assert manifest["counts"] == {"ok": 2}
    assert manifest["backend"] == "dask LocalCluster (1 workers)"
