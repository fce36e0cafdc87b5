"""Batch of regions: naive papermill loop vs ``repkit batch`` vs the library floor.

Budget (design.md, issue 6), measured side by side in one run on one generated data set
with tiny data per region (so per-region overhead dominates):

- ``repkit batch`` at least 5x faster than ``papermill.execute_notebook`` once per region
  in a sequential loop (a fresh kernel per region: the usual script);
- ``repkit batch`` within 1.5x of calling the library for every region in one process
  without notebooks (the floor: ``repkit.plan.run_region`` on the loaded Dataset).

All three run the real template ``templates/half_year_plan.ipynb`` (or its library
equivalent) with the same parameters. ``repkit batch`` also writes plan.html per region,
manifest.json and index.html; the naive loop writes notebooks only.

    python benchmarks/bench_batch.py                     # 100 regions
    python benchmarks/bench_batch.py --regions 20        # smaller while iterating
    python benchmarks/bench_batch.py --naive 10          # naive loop on 10 regions only,
                                                         # compared per region
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "half_year_plan.ipynb"
WORK = ROOT / ".bench" / "batch"


def make_data(regions: int, *, hospitals: int, months: int) -> Path:
    """Generate (once) and write the data set; returns its folder."""
    import repkit as rk

    folder = WORK / f"data-{regions}r-{hospitals}h-{months}m"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    ds = rk.sample.generate(
        seed=0, regions=regions, hospitals_per_region=hospitals, months=months, calls=True
    )
    rk.sample.write(ds, folder)
    (folder / ".complete").write_text("")
    return folder


def naive_loop(data: Path, regions: list[str], params: dict, out: Path) -> float:
    """papermill.execute_notebook once per region, one after the other."""
    import papermill as pm

    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    for region in regions:
        folder = out / region
        folder.mkdir(parents=True)
        pm.execute_notebook(
            str(TEMPLATE),
            str(folder / "plan.ipynb"),
            parameters={**params, "data": str(data), "region": region, "out": str(folder)},
            progress_bar=False,
            cwd=str(folder),
        )
    return time.perf_counter() - t0


def batch(data: Path, regions: list[str], params: dict, out: Path, workers: int | None) -> float:
    """repkit.batch.run (what ``repkit batch`` calls), from a clean output folder."""
    import repkit as rk

    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    manifest = rk.batch.run(
        TEMPLATE,
        data=data,
        out_dir=out,
        regions=regions,
        params=params,
        workers=workers,
        progress=False,
    )
    took = time.perf_counter() - t0
    bad = {r: e["error"] for r, e in manifest["regions"].items() if e["status"] != "ok"}
    if bad:
        raise SystemExit(f"batch failed for {len(bad)} regions: {next(iter(bad.items()))}")
    return took


def floor(data: Path, regions: list[str], params: dict, out: Path) -> float:
    """repkit.plan.run_region for each region in this process (data loaded once)."""
    import repkit as rk

    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    ds = rk.load_dataset(data)
    run_params = {k: v for k, v in params.items() if k not in ("half", "pseudonymise")}
    for region in regions:
        rk.plan.run_region(ds, region, params["half"], out / region, **run_params)
    return time.perf_counter() - t0


def _template_cells() -> list:
    """The template's code cells (minus parameters), compiled; the last expression apart."""
    import ast
    import json

    nb = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "parameters" in cell["metadata"].get("tags", []):
            continue
        source = "".join(cell["source"])
        tree = ast.parse(source)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        shown = last is not None and not source.rstrip().endswith(";")
        cells.append(
            (
                compile(tree, "<cell>", "exec"),
                None if last is None else compile(last, "<cell>", "eval"),
                shown,
            )
        )
    return cells


def floor_cells(data: Path, regions: list[str], params: dict, out: Path) -> float:
    """The template's code run as plain Python in this process, outputs rendered.

    Same library calls as the notebook, no kernel, papermill or HTML export: figures are
    saved as PNG the way the inline backend does, rich results rendered to HTML/markdown.
    """
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import repkit as rk

    shutil.rmtree(out, ignore_errors=True)
    cells = _template_cells()
    t0 = time.perf_counter()
    ds = rk.load_dataset(data)
    loader = rk.io.load_dataset
    rk.io.load_dataset = lambda folder, **kw: ds  # loaded once, as the batch does
    try:
        for region in regions:
            folder = out / region
            folder.mkdir(parents=True)
            ns = {**params, "data": str(data), "region": region, "out": str(folder)}
            ns.setdefault("scenario", "target")
            ns.setdefault("pseudonymise", True)
            for body, last, shown in cells:
                exec(body, ns)
                value = eval(last, ns) if last is not None else None
                if shown and value is not None:
                    for attr in ("_repr_html_", "_repr_markdown_"):
                        if hasattr(value, attr):
                            getattr(value, attr)()
                            break
                for num in plt.get_fignums():
                    plt.figure(num).savefig(io.BytesIO(), format="png", bbox_inches="tight")
                plt.close("all")
    finally:
        rk.io.load_dataset = loader
    return time.perf_counter() - t0


def _step(name: str, took: float, n: int) -> None:
    load = os.getloadavg()[0]
    print(f"  {name}: {took:.1f}s for {n} regions (load average {load:.1f})", flush=True)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=100, help="regions in the data set")
    parser.add_argument("--naive", type=int, default=None, help="regions for the naive loop")
    parser.add_argument(
        "--workers", type=int, default=None, help="batch workers (default: cores + 1)"
    )
    parser.add_argument("--hospitals", type=int, default=3, help="hospitals per region")
    parser.add_argument("--months", type=int, default=24, help="months of sales history")
    parser.add_argument("--forecast", default="auto", help="template forecast parameter")
    args = parser.parse_args()

    import repkit as rk

    WORK.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    data = make_data(args.regions, hospitals=args.hospitals, months=args.months)
    regions = rk.load_dataset(data).regions
    print(
        f"data: {len(regions)} regions, {args.hospitals} hospitals each, {args.months} months "
        f"({time.perf_counter() - t0:.1f}s to prepare); forecast={args.forecast}; "
        f"cores: {os.cpu_count()}; "
        f"load average: {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    params = {"half": "2026H2", "growth": 0.5, "forecast": args.forecast}
    n_naive = min(args.naive or len(regions), len(regions))

    results = []
    took = naive_loop(data, regions[:n_naive], params, WORK / "naive")
    results.append(("naive papermill loop (sequential)", n_naive, took))
    _step("naive", took, n_naive)
    # one more worker than cores fills the gaps while kernels wait on messages (~10 %)
    workers = args.workers or (os.cpu_count() or 1) + 1
    took = batch(data, regions, params, WORK / "batch", workers)
    results.append((f"repkit batch ({workers} workers)", len(regions), took))
    _step("batch", took, len(regions))
    took = floor(data, regions, params, WORK / "floor")
    results.append(("floor: run_region (plan + workbook)", len(regions), took))
    _step("floor run_region", took, len(regions))
    took = floor_cells(data, regions, params, WORK / "floor-cells")
    results.append(("floor: template code, no notebook", len(regions), took))
    _step("floor template code", took, len(regions))
    t1 = time.perf_counter()
    rk.batch.run(
        TEMPLATE,
        data=data,
        out_dir=WORK / "batch",
        regions=regions,
        params=params,
        workers=workers,
        progress=False,
    )
    rerun = time.perf_counter() - t1

    per = {name: total / n for name, n, total in results}
    naive_s, batch_s, floor_s, cells_s = per.values()
    print()
    print(f"{'method':<40} {'regions':>7} {'total s':>9} {'s/region':>9}")
    for name, n, total in results:
        print(f"{name:<40} {n:>7} {total:>9.1f} {total / n:>9.2f}")
    print(f"{'repkit batch re-run, nothing changed':<40} {len(regions):>7} {rerun:>9.1f}")
    speedup = naive_s / batch_s
    print()
    print(f"naive / batch per region: {speedup:5.2f}x (target >= 5x)   {_verdict(speedup >= 5)}")
    for name, value in (("run_region", floor_s), ("template code", cells_s)):
        ratio = batch_s / value
        verdict = _verdict(ratio <= 1.5)
        print(f"batch / floor ({name}): {ratio:5.2f}x (target <= 1.5x) {verdict}")
    print(
        "The template does more than run_region (charts, call plan, schedule, tables); "
        "'template code' runs the same library calls without a notebook."
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
