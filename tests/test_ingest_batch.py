"""A batch over an ingested store: regions read from the store, kernels shut down (Dask)."""

from __future__ import annotations

import json
import logging

import psutil
import pytest
from test_batch import make_template, run, write_data
from typer.testing import CliRunner

import repkit as rk
from repkit.cli import app

pytestmark = pytest.mark.xdist_group("batch_dask")

LOADED = """\
whole = rk.load_dataset(data)
sub = whole.for_region(region)
with open(f"{out}/loaded.json", "w", encoding="utf-8") as fh:
    json.dump({"type": type(whole).__name__, "sales": len(sub.sales),
               "whole_sales_read": "sales" in vars(whole)}, fh)
"""


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("ingest_batch")
    data = write_data(root / "data", regions=2)
    result = CliRunner().invoke(app, ["ingest", str(data)])
    assert result.exit_code == 0, result.output
    assert "2 个区域" in result.output
    expected = {r: len(rk.load_dataset(data).for_region(r).sales) for r in ("兰州", "西宁")}
    return root, data, make_template(root / "t.ipynb", LOADED), expected


def _loaded(out, manifest):
    assert manifest["counts"] == {"ok": 2}, manifest
    return {
        r: json.loads((out / e["folder"] / "loaded.json").read_text(encoding="utf-8"))
        for r, e in manifest["regions"].items()
    }


def test_local_batch_reads_each_region_from_the_store(ingested):
    root, data, template, expected = ingested
    manifest = run(template, data, root / "local", workers=1)
    for region, got in _loaded(root / "local", manifest).items():
        assert got == {
            "type": "StoredDataset",
            "sales": expected[region],
            "whole_sales_read": False,
        }


def test_batch_reads_a_store_given_by_its_url(ingested):
    root, data, template, expected = ingested
    url = (data / ".repkit-store").resolve().as_uri()  # file:///…: the path of an object store
    result = CliRunner().invoke(
        app,
        ["batch", "--data", url, "--out", str(root / "by_url"), "--template", str(template),
         "--half", "2026H2", "--workers", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    manifest = json.loads((root / "by_url" / "manifest.json").read_text(encoding="utf-8"))
    for region, got in _loaded(root / "by_url", manifest).items():
        assert got == {
            "type": "StoredDataset",
            "sales": expected[region],
            "whole_sales_read": False,
        }
    assert manifest["input_hash"].startswith("sha256:")


def test_batch_refuses_a_url_without_a_store(tmp_path, ingested):
    template = ingested[2]
    with pytest.raises(FileNotFoundError, match=r"store\.json"):
        run(template, "memory://nowhere/store", tmp_path / "out")


def test_dask_reads_the_store_and_shuts_its_kernels_down(ingested):
    from distributed import Client, LocalCluster

    root, data, template, expected = ingested
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        manifest = run(
            template, data, root / "dask", workers=2, scheduler=cluster.scheduler_address
        )
        for region, got in _loaded(root / "dask", manifest).items():
            assert got["type"] == "StoredDataset"
            assert got["sales"] == expected[region]
            assert got["whole_sales_read"] is False
        from repkit.batch import _dask

        assert client.run(lambda: len(_dask._RUNNERS)) == dict.fromkeys(client.run(lambda: 0), 0)
        workers = client.run(lambda: __import__("os").getpid()).values()
        kernels = [
            p
            for w in workers
            for p in psutil.Process(w).children(recursive=True)
            if "ipykernel" in " ".join(p.cmdline())
        ]
        assert kernels == []


def test_cli_ingest_reports_problems(tmp_path):
    data = write_data(tmp_path / "data", regions=1)
    (data / "销售明细.xlsx").unlink()
    (data / "销售明细.csv").write_text(
        '月份,医院编码,品种,数量\n202407,999,瑞心安片,"12,3"\n', "utf-8"
    )
    result = CliRunner().invoke(app, ["ingest", str(data), "--out", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert "ambiguous_number" in result.output
    assert not (tmp_path / "store").exists()
