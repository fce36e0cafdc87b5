"""The Dask distributed backend: the same warm runners, scheduled by Dask.

Each Dask worker process keeps one :class:`~repkit.batch._runner.Runner` per thread
(a warm kernel) across tasks. A region's time limit is kept by the runner's watchdog,
which kills the kernel from outside it. Infrastructure failures (a kernel that died or
did not start, a lost worker) raise in the task and are retried from here up to
``retries`` times, each attempt recorded in the manifest as the local pool does; a
region whose notebook failed returns normally and is never retried. Kernel start
waits longer on a loaded machine (:func:`repkit.batch._runner.start_timeout`). A
``LocalCluster`` listens on 127.0.0.1 only, its dashboard included. Paths (template,
output folder) must be visible to the workers under the same names. The data need not
be: when it was ingested (``repkit ingest``), workers get the store's location (or
``REPKIT_STORE_URL``, an fsspec URL) and read only their region's rows from it. Every
worker's kernels are shut down when the batch ends.
"""

from __future__ import annotations

import atexit
import json
import logging
import shutil
import threading
import uuid
from collections.abc import Callable
from typing import Any

from repkit.messages import say

_RUNNERS: dict[tuple[str, int], Any] = {}
_LOCK = threading.Lock()


def _close_all() -> list[int]:
    """Close this worker's warm runners (their kernels); returns the kernel pids closed."""
    with _LOCK:
        runners = list(_RUNNERS.values())
        _RUNNERS.clear()
    pids = []
    for runner in runners:
        pid = runner.kernel_pid
        runner.close()
        if pid is not None:
            pids.append(pid)
    return pids


def store_location(data: str) -> str | None:
    """Where Dask workers read the data from: an ingested store, or None (the files).

    ``REPKIT_STORE_URL`` (an fsspec URL such as ``s3://bucket/store``, or a path every
    worker sees) wins; else the store found for ``data`` (``load_dataset`` rules).
    """
    import os

    from repkit.io._load import _sources_of
    from repkit.io._stored import find

    return os.environ.get("REPKIT_STORE_URL") or find(data, _sources_of)


def _shut_down(client: Any) -> None:
    """Close every worker's kernels: a long-lived cluster keeps no kernel after the run."""
    import contextlib

    with contextlib.suppress(Exception):  # a lost worker has no kernel left to close
        client.run(_close_all)


def run_task(config: dict[str, Any], task: dict[str, Any]) -> dict[str, Any]:
    """Run one region on this worker's warm runner (a Dask task)."""
    from repkit.batch._runner import InfraError, Runner

    key = (json.dumps(config, sort_keys=True, default=str), threading.get_ident())
    with _LOCK:
        runner = _RUNNERS.get(key)
        if runner is None:
            if not _RUNNERS:
                atexit.register(_close_all)
            runner = _RUNNERS[key] = Runner(config)
    result = runner.run(task)
    if result["status"] == "infra":
        shutil.rmtree(result["staging"], ignore_errors=True)
        raise InfraError(result["error"]["message"])
    return result


def _lost(task: dict[str, Any], err: BaseException) -> dict[str, Any]:
    return {
        "region": task["region"],
        "status": "infra",
        "staging": task["staging"],
        "error": {"cell": None, "exception": type(err).__name__, "message": str(err)[:2000]},
        "timings": {},
        "summary": None,
    }


def run_dask(
    tasks: list[dict[str, Any]],
    config: dict[str, Any],
    *,
    scheduler: str,
    workers: int,
    retries: int,
    new_staging: Callable[[dict[str, Any]], str],
    on_result: Callable[[dict[str, Any], dict[str, Any]], None],
) -> str:
    """Submit every task to a Dask cluster and report results as they complete.

    ``scheduler`` is an address (``tcp://host:8786``) or ``"local"`` for a
    ``LocalCluster`` of ``workers`` single-threaded processes on this machine.
    Returns a description of the cluster for the manifest.
    """
    from repkit._extras import require

    require("distributed", feature=say("feature.dask"))
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",  # scheduler, workers and dashboard: this machine only
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
        where = f"dask LocalCluster ({workers} workers)"
    else:
        client = Client(scheduler, timeout=60)
        where = f"dask {scheduler}"
    store = store_location(config["data"]) if config.get("data") else None
    if store is not None:  # workers read their region from the store, not the whole set
        config = {**config, "data_cache": store}
    try:
        pending = as_completed()
        futures: dict[Any, dict[str, Any]] = {}

        def submit(task: dict[str, Any]) -> None:
            task["staging"] = new_staging(task)
            fut = client.submit(
                run_task, config, task, key=f"repkit-region-{uuid.uuid4().hex}", pure=False
            )
            futures[fut] = task
            pending.add(fut)

        for task in tasks:
            submit(task)
        for fut in pending:
            task = futures.pop(fut)
            try:
                result = fut.result()
            except Exception as err:  # InfraError, KilledWorker, lost scheduler
                result = _lost(task, err)
            if result["status"] == "infra" and task["attempt"] <= retries:
                # as the local pool does: another attempt, recorded in the manifest
                task["retried"].append(result["error"])
                task["attempt"] += 1
                submit(task)
                continue
            on_result(task, result)
    finally:
        _shut_down(client)
        client.close()
        if cluster is not None:
            cluster.close()
    return where
