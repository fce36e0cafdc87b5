"""A national data set: 10 M sales rows × 200 regions, ingested once, planned region by region.

Measured side by side in one run (every step in a fresh subprocess, so peak memory —
VmHWM, or the largest resident size psutil saw of each process of a batch — belongs to
that step alone):

- **typed parquet**: ``rk.read_table(path, "sales")`` against ``pandas.read_parquet``
  of the same already-typed file, best of three each (goal ≤ 1.5×);
- **ingest**: ``repkit.io.ingest`` of the company files against pandas (+ python-calamine
  for the Excel files) reading the same files without any checks;
- **region load**: ``rk.load_dataset(store).for_region(region)``, per region, and the
  peak memory of a process doing it for several regions (goal < 500 MB);
- **batch**: ``repkit batch`` of the half-year template on 2 cores, local pool and a Dask
  ``LocalCluster`` with 2 workers, over a subset of the regions (``--batch-regions``;
  the template costs seconds per region, so the 200 regions would take an hour): wall
  time and the peak resident memory of every worker and kernel process.

The data set is ``rk.sample.generate(seed=1, regions=R)`` (25 hospitals a region, 36
months) with each monthly sales row split into invoice lines until the sales reach
``--rows`` (the monthly totals stay those of the generator). Files as a company exports
them: sales as one UTF-8 CSV per half-year (six files of ~1.7 M rows; an .xlsx sheet
holds at most 1,048,576 rows and nobody exports 10 M rows to Excel), the other tables
as the sample writes them (.xlsx, call log and collections as CSV). Data and store are
generated into .bench/scale_<rows>_<regions>/ (gitignored) and reused.

    python benchmarks/bench_scale.py                              # 10 M rows, 200 regions
    python benchmarks/bench_scale.py --rows 300000 --regions 20   # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
HALF = "2026H2"


def _split_sales(sales, rows: int, seed: int):
    """Each monthly row as k invoice lines (units and amount shared), about ``rows`` in all."""
    import numpy as np

    k = max(1, -(-rows // len(sales)))
    rng = np.random.default_rng(seed)
    share = rng.dirichlet(np.ones(k), size=len(sales)).ravel()
    idx = np.repeat(np.arange(len(sales)), k)
    out = sales.iloc[idx].reset_index(drop=True)
    out["units"] = np.round(sales["units"].to_numpy()[idx] * share, 2)
    out["amount"] = np.round(sales["amount"].to_numpy()[idx] * share, 2)
    return out


def _write_csv(frame, path: Path) -> None:
    """A UTF-8 CSV with BOM and the Chinese headers, as Excel on Windows saves it."""
    import pyarrow as pa
    import pyarrow.csv as pv

    from repkit.schema import HEADERS_ZH

    frame = frame.assign(month=frame["month"].astype(str))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.rename_columns([HEADERS_ZH["sales"][c] for c in table.column_names])
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        fh.write("\ufeff".encode())
        pv.write_csv(table, fh)
    tmp.replace(path)


def ensure_data(rows: int, regions: int) -> Path:
    """The generated company folder (written once, reused)."""
    import pandas as pd

    import repkit as rk

    folder = BENCH_DIR / f"scale_{rows}_{regions}" / "data"
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    ds = rk.sample.generate(seed=1, regions=regions)
    sales = _split_sales(ds.sales, rows, seed=1)
    rk.sample.write(rk.Dataset.from_tables(**{**ds.tables(), "sales": sales.iloc[:0]}), folder)
    month = sales["month"].dt
    halves = month.year.astype(str) + "H" + ((month.month > 6) + 1).astype(str)
    for half in sorted(pd.unique(halves)):
        _write_csv(sales[halves == half].reset_index(drop=True), folder / f"销售明细_{half}.csv")
    done.write_text(str(len(sales)))
    seconds = time.perf_counter() - t0
    print(f"generated {len(sales):,} sales rows × {regions} regions in {seconds:.0f} s")
    return folder


def _child(code: str, timeout: float = 3600) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line (plus ``peak``)."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forking parent
    prelude = (
        "import json, sys, time\n"
        "def peak():\n"
        "    with open('/proc/self/status') as fh:\n"
        "        hwm = [l for l in fh if l.startswith('VmHWM:')][0]\n"
        "    return int(hwm.split()[1]) * 1024\n"
        "def cpu():\n"  # CPU seconds: the ratio holds on a machine shared with other work
        "    import resource\n"
        "    r = resource.getrusage(resource.RUSAGE_SELF)\n"
        "    return r.ru_utime + r.ru_stime\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def step_typed(folder: Path, rows: int) -> dict:
    """rk.read_table of a typed parquet against pandas.read_parquet of it."""
    target = folder.parent / "typed_sales.parquet"
    return _child(
        f"""
        import pandas as pd, repkit as rk
        from pathlib import Path
        target = Path({str(target)!r})
        if not target.exists():
            files = sorted(Path({str(folder)!r}).glob("销售明细_*.csv"))
            sales = rk.read_table(files[0], "sales")
            sales = sales.iloc[: {min(rows, 2_000_000)}]
            sales.to_parquet(target)
        rk.read_table(target, "sales")  # warm: imports (pandera) and the page cache
        pandas_s = repkit_s = float("inf")
        for _ in range(3):  # best of three each, alternating (a shared machine is noisy)
            t = time.perf_counter(); a = pd.read_parquet(target)
            pandas_s = min(pandas_s, time.perf_counter() - t); n = len(a); del a
            t = time.perf_counter(); b = rk.read_table(target, "sales")
            repkit_s = min(repkit_s, time.perf_counter() - t); assert len(b) == n; del b
        print(json.dumps({{"rows": n, "pandas_s": pandas_s, "repkit_s": repkit_s}}))
        """
    )


def step_pandas(folder: Path) -> dict:
    """pandas (read_csv) + python-calamine (read_excel) reading the files, no checks."""
    return _child(
        f"""
        import pandas as pd
        from pathlib import Path
        t = time.perf_counter(); c = cpu(); rows = 0; frames = []
        for p in sorted(Path({str(folder)!r}).iterdir()):
            if p.suffix == ".csv":
                enc = "gb18030" if "回款" in p.name else "utf-8-sig"
                frames.append(pd.read_csv(p, encoding=enc))
            elif p.suffix == ".xlsx":
                frames.append(pd.read_excel(p, engine="calamine"))
            else:
                continue
            rows += len(frames[-1])
        print(json.dumps({{"seconds": time.perf_counter() - t, "cpu": cpu() - c, "rows": rows,
                          "peak": peak()}}))
        """
    )


def step_ingest(folder: Path, store: Path, chunk_rows: int | None = None) -> dict:
    return _child(
        f"""
        import repkit as rk
        t = time.perf_counter(); c = cpu()
        m = rk.io.ingest({str(folder)!r}, {str(store)!r}, chunk_rows={chunk_rows!r})
        rows = sum(p["rows"] for parts in m["tables"].values() for p in parts)
        print(json.dumps({{"seconds": time.perf_counter() - t, "cpu": cpu() - c, "rows": rows,
                          "regions": len(m["regions"]), "peak": peak()}}))
        """
    )


def step_regions(store: Path, regions: list[str]) -> dict:
    """Open the store and read several regions in one process, as a batch worker does."""
    return _child(
        f"""
        import repkit as rk, repkit.io  # imports apart from the time to open the store
        t = time.perf_counter(); ds = rk.load_dataset({str(store)!r})
        open_s = time.perf_counter() - t
        times, rows = [], []
        for region in {regions!r}:
            t = time.perf_counter(); sub = ds.for_region(region)
            times.append(time.perf_counter() - t)
            rows.append(len(sub.sales))
        print(json.dumps({{"open_s": open_s, "times": times, "rows": rows, "peak": peak()}}))
        """
    )


def step_duckdb(store: Path, regions: list[str]) -> dict | None:
    """One region's sales rows from the store: pyarrow filters against DuckDB's SQL.

    Both read the same parquet files and return a pandas DataFrame; best of three per
    region, in a fresh process. None when duckdb is not installed (it is a benchmark
    dependency only, installed by ``make bench``).
    """
    import importlib.util

    if importlib.util.find_spec("duckdb") is None:
        return None
    return _child(
        f"""
        import duckdb, pyarrow.parquet as pq
        from pathlib import Path
        files = sorted(str(p) for p in (Path({str(store)!r}) / "sales").glob("*.parquet"))
        con = duckdb.connect()
        sql = "SELECT * FROM read_parquet(?) WHERE __region__ = ?"
        arrow_s, duck_s = [], []
        for region in {regions!r}:
            a = d = float("inf")
            for _ in range(3):
                t = time.perf_counter()
                x = pq.read_table(files, filters=[("__region__", "==", region)]).to_pandas()
                a = min(a, time.perf_counter() - t)
                t = time.perf_counter(); y = con.execute(sql, [files, region]).df()
                d = min(d, time.perf_counter() - t)
                assert len(x) == len(y)
            arrow_s.append(a); duck_s.append(d)
        print(json.dumps({{"pyarrow": sorted(arrow_s), "duckdb": sorted(duck_s),
                          "rows": len(x), "version": duckdb.__version__}}))
        """
    )


class _Sampler:
    """Peak resident memory of every process below this one (batch workers, kernels)."""

    def __init__(self) -> None:
        import threading

        import psutil

        self.me = psutil.Process()
        self.peaks: dict[int, tuple[int, str]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self.stop.wait(0.2):
            for p in self.me.children(recursive=True):
                try:
                    rss = p.memory_info().rss
                    name = " ".join(p.cmdline())
                except psutil.Error:
                    continue
                if rss > self.peaks.get(p.pid, (0, ""))[0]:
                    self.peaks[p.pid] = (rss, "kernel" if "ipykernel" in name else "worker")

    def __enter__(self) -> _Sampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def step_batch(store: Path, regions: list[str], out: Path, scheduler: str | None) -> dict:
    """repkit batch of the half-year template (forecast="simple") on 2 workers."""
    import shutil

    import repkit as rk
    from repkit._resources import template_path

    shutil.rmtree(out, ignore_errors=True)
    cluster = None
    if scheduler == "local":
        import logging

        from distributed import LocalCluster

        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
            silence_logs=logging.ERROR,
        )  # fmt: skip
        scheduler = cluster.scheduler_address
    try:
        with _Sampler() as sampler:
            t = time.perf_counter()
            manifest = rk.batch.run(
                template_path(),
                data=store,
                out_dir=out,
                regions=regions,
                params={"half": HALF, "forecast": "simple"},
                workers=2,
                scheduler=scheduler,
                progress=False,
                timeout=900,
            )
            wall = time.perf_counter() - t
    finally:
        if cluster is not None:
            cluster.close()
    kernels = [rss for rss, kind in sampler.peaks.values() if kind == "kernel"]
    workers = [rss for rss, kind in sampler.peaks.values() if kind == "worker"]
    return {
        "wall_s": wall,
        "counts": manifest["counts"],
        "kernel_peak": max(kernels, default=0),
        "worker_peak": max(workers, default=0),
        "kernels": len(kernels),
    }


def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="sales rows (default 10 M)")
    ap.add_argument("--regions", type=int, default=200, help="regions (default 200)")
    ap.add_argument("--batch-regions", type=int, default=8, help="regions the batches plan")
    ap.add_argument("--skip-dask", action="store_true", help="no LocalCluster batch")
    ap.add_argument("--skip-batch", action="store_true", help="no batch at all")
    ap.add_argument("--chunk-rows", type=int, default=None, help="ingest's chunk_rows")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    folder = Path(
        _child(  # generated in a child: this process stays small for the batches it starts
            f"""
            sys.path.insert(0, {str(Path(__file__).parent)!r})
            from bench_scale import ensure_data
            print(json.dumps(str(ensure_data({args.rows}, {args.regions}))))
            """
        )
    )
    store = folder.parent / "store"
    typed = step_typed(folder, args.rows)
    ratio = typed["repkit_s"] / typed["pandas_s"]
    print(
        f"typed parquet ({typed['rows']:,} rows): rk.read_table {typed['repkit_s']:.2f} s, "
        f"pandas.read_parquet {typed['pandas_s']:.2f} s: {ratio:.2f}× (goal ≤ 1.5×)"
    )
    base = step_pandas(folder)
    ing = step_ingest(folder, store, args.chunk_rows)
    chunk = f"{args.chunk_rows:,}" if args.chunk_rows else "250,000 (default)"
    print(
        f"ingest of {ing['rows']:,} rows, {ing['regions']} regions, chunks of {chunk} rows: "
        f"{ing['seconds']:.1f} s, "
        f"peak {_mb(ing['peak'])}; pandas+calamine reading the same files (no checks): "
        f"{base['seconds']:.1f} s, peak {_mb(base['peak'])}: "
        f"{ing['seconds'] / base['seconds']:.1f}×; CPU time {ing['cpu']:.1f} s vs "
        f"{base['cpu']:.1f} s: {ing['cpu'] / base['cpu']:.1f}×"
    )
    names = json.loads((store / "store.json").read_text(encoding="utf-8"))["regions"]
    picked = names[:: max(1, len(names) // 10)][:10]
    reg = step_regions(store, picked)
    times = sorted(reg["times"])
    print(
        f"region load ({len(picked)} regions, ~{sum(reg['rows']) // len(picked):,} sales rows "
        f"each): median {times[len(times) // 2]:.2f} s, max {times[-1]:.2f} s "
        f"(store opened in {reg['open_s']:.2f} s); peak {_mb(reg['peak'])} per process"
    )
    duck = step_duckdb(store, picked)
    if duck is None:
        print("duckdb not installed: no DuckDB comparison (make bench installs it)")
    else:
        a, d = duck["pyarrow"], duck["duckdb"]
        print(
            f"region's sales rows from the store (~{duck['rows']:,} rows), median: pyarrow "
            f"filters {a[len(a) // 2]:.3f} s, DuckDB {duck['version']} SQL "
            f"{d[len(d) // 2]:.3f} s ({d[len(d) // 2] / a[len(a) // 2]:.2f}×)"
        )
    ok = reg["peak"] < 500 * 2**20
    if not args.skip_batch:
        subset = names[: args.batch_regions]
        runs = [("local pool", None)] + ([] if args.skip_dask else [("dask", "local")])
        for label, sched in runs:
            b = step_batch(store, subset, folder.parent / f"reports_{sched or 'pool'}", sched)
            ok &= b["kernel_peak"] < 500 * 2**20
            print(
                f"batch, {label}, 2 workers, {len(subset)} of {len(names)} regions: "
                f"{b['wall_s']:.1f} s wall ({b['wall_s'] / len(subset):.1f} s a region), "
                f"{b['counts']}; peak kernel {_mb(b['kernel_peak'])}, "
                f"peak worker {_mb(b['worker_peak'])}"
            )
    print("memory goal (< 500 MB per worker):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
