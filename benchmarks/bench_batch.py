"""Batch of regions: naive papermill loop vs ``repkit batch`` vs the library floor.

Budget (design.md, issues 6 and 19), measured side by side in one run on one generated
data set of realistic regions: ``rk.sample.generate(seed=1, regions=24)``, 25 hospitals
and ~280 doctors per region, 36 months of sales, a call log (``--small`` gives the old
set of 100 regions of 3 hospitals, where kernel start-up dominates):

- ``repkit batch`` at least 5x faster than ``papermill.execute_notebook`` once per region
  in a sequential loop (a fresh kernel per region: the usual script);
- ``repkit batch`` within 1.5x of the floor: the same library calls for every region in
  one process without notebooks (the template's code cells run as plain Python on the
  data set loaded once, charts rendered to PNG and tables to HTML as the notebook does);
- the template's own work at most 3 s of CPU per realistic region (the floor's CPU).

All run the real template ``templates/half_year_plan.ipynb`` with the same parameters.
``repkit batch`` also writes plan.html per region, manifest.json and index.html; the naive
loop writes notebooks only. Wall time per region decides; CPU seconds per region (this
process and its children) show what the notebook machinery costs on top of the floor.
The floor's CPU is split by stage (statement of the template); the batch's HTML export
per region comes from its manifest. ``rk.plan.run_region`` (plan and workbook only) is
printed for reference.

    python benchmarks/bench_batch.py                     # 24 realistic regions (~15 min)
    python benchmarks/bench_batch.py --regions 8         # fewer while iterating
    python benchmarks/bench_batch.py --small             # 100 regions of 3 hospitals
    python benchmarks/bench_batch.py --naive 10          # naive loop on 10 regions only,
                                                         # compared per region
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "half_year_plan.ipynb"
WORK = ROOT / ".bench" / "batch"


def cpu_seconds() -> float:
    """CPU time of this process plus its finished children (workers, kernels)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def make_data(regions: int, *, hospitals: int, months: int, seed: int) -> Path:
    """Generate (once) and write the data set; returns its folder."""
    import repkit as rk

    folder = WORK / f"data-s{seed}-{regions}r-{hospitals}h-{months}m"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    ds = rk.sample.generate(
        seed=seed, regions=regions, hospitals_per_region=hospitals, months=months, calls=True
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


STAGES: dict[str, float] = {}
"""CPU seconds of the floor by stage of the template, summed over its regions."""

_CHART = re.compile(r"(\w+(?:chart|bars|heatmap))\(")


def _stage(source: str) -> str:
    """The stage of the plan a statement of the template belongs to."""
    chart = _CHART.search(source)
    for word, stage in (
        ("load_dataset", "load (region of the data set)"),
        ("rk.plan.build", "plan build (review, forecast, targets)"),
        ("call_plan", "call plan"),
        ("privacy.setup", "call plan"),
        ("write_files", "workbook plan.xlsx + summary.json"),
        (".export(", "per-rep schedule files"),
    ):
        if word in source:
            return stage
    if chart and source.rstrip().endswith(";"):
        return f"chart {chart[1]}"
    return "tables and text (rendered to HTML)"


def _template_statements() -> list:
    """The template's code (minus parameters) as compiled statements with their stage.

    Each item: (stage, code, shown): ``code`` is ``exec`` code, or ``eval`` code when
    the statement is a cell's last expression, which the notebook displays unless the
    cell ends with ``;`` (``shown``).
    """
    import ast
    import json

    nb = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "parameters" in cell["metadata"].get("tags", []):
            continue
        source = "".join(cell["source"])
        body = ast.parse(source).body
        for k, node in enumerate(body):
            text = ast.get_source_segment(source, node) or ""
            last = k == len(body) - 1 and isinstance(node, ast.Expr)
            if last:
                code = compile(ast.Expression(node.value), "<cell>", "eval")
                shown = not source.rstrip().endswith(";")
                stage = _stage(text + (";" if not shown else ""))
            else:
                code = compile(ast.Module([node], type_ignores=[]), "<cell>", "exec")
                shown, stage = False, _stage(text)
            out.append((stage, code, shown))
    return out


def floor_cells(data: Path, regions: list[str], params: dict, out: Path) -> float:
    """The template's code run as plain Python in this process, outputs rendered.

    Same library calls as the notebook, no kernel, papermill or HTML export: figures are
    saved as PNG the way the inline backend does (the figure's dpi, tight bounding box),
    rich results rendered to HTML/markdown. Before each region the garbage collector
    runs and freezes what lives on, as the batch kernel's reset does, and new text
    columns hold Python strings, as in the batch kernel. CPU per stage goes
    to :data:`STAGES`.
    """
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import repkit as rk

    shutil.rmtree(out, ignore_errors=True)
    statements = _template_statements()
    STAGES.clear()
    t0 = time.perf_counter()
    c0 = time.process_time()
    ds = rk.load_dataset(data)
    STAGES["load the data set (once for all regions)"] = time.process_time() - c0
    import pandas as pd

    pd.set_option("mode.string_storage", "python")  # as the batch kernel's warm() does
    loader = rk.io.load_dataset
    rk.io.load_dataset = lambda folder, **kw: ds  # loaded once, as the batch does
    try:
        for region in regions:
            c = time.process_time()
            gc.collect()  # as the batch kernel's reset does (repkit.batch._kernel.settle)
            gc.freeze()
            STAGES["kernel reset (garbage collector)"] = (
                STAGES.get("kernel reset (garbage collector)", 0.0) + time.process_time() - c
            )
            folder = out / region
            folder.mkdir(parents=True)
            ns = {**params, "data": str(data), "region": region, "out": str(folder)}
            ns.setdefault("scenario", "target")
            ns.setdefault("pseudonymise", True)
            ns.setdefault("replan_as_of", None)
            for stage, code, shown in statements:
                c = time.process_time()
                value = eval(code, ns)
                if shown and value is not None:
                    for attr in ("_repr_html_", "_repr_markdown_"):
                        if hasattr(value, attr):
                            getattr(value, attr)()
                            break
                for num in plt.get_fignums():
                    fig = plt.figure(num)
                    fig.savefig(io.BytesIO(), format="png", bbox_inches="tight", dpi=fig.dpi)
                plt.close("all")
                STAGES[stage] = STAGES.get(stage, 0.0) + time.process_time() - c
    finally:
        rk.io.load_dataset = loader
        gc.unfreeze()
        pd.reset_option("mode.string_storage")
    return time.perf_counter() - t0


def html_seconds(out: Path) -> float | None:
    """Mean wall seconds per region of the batch's HTML export (from its manifest)."""
    import json

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    times = [e.get("timings", {}).get("html") for e in manifest["regions"].values()]
    times = [t for t in times if t is not None]
    return sum(times) / len(times) if times else None


def _step(name: str, took: float, n: int) -> None:
    load = os.getloadavg()[0]
    print(f"  {name}: {took:.1f}s for {n} regions (load average {load:.1f})", flush=True)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--small",
        action="store_true",
        help="the old set: 100 regions of 3 hospitals, 24 months, seed 0 (start-up dominates)",
    )
    parser.add_argument("--regions", type=int, default=None, help="regions (24; --small 100)")
    parser.add_argument("--naive", type=int, default=None, help="regions for the naive loop")
    parser.add_argument("--workers", type=int, default=None, help="batch workers (default: cores)")
    parser.add_argument("--hospitals", type=int, default=None, help="per region (25; --small 3)")
    parser.add_argument("--months", type=int, default=None, help="of sales (36; --small 24)")
    parser.add_argument("--forecast", default="auto", help="template forecast parameter")
    args = parser.parse_args()
    size = (100, 3, 24, 0) if args.small else (24, 25, 36, 1)  # regions, hospitals, months, seed
    n_regions, hospitals, months, seed = (
        given if given is not None else default
        for given, default in zip(
            (args.regions, args.hospitals, args.months, None), size, strict=True
        )
    )

    import repkit as rk

    WORK.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    data = make_data(n_regions, hospitals=hospitals, months=months, seed=seed)
    regions = rk.load_dataset(data).regions
    print(
        f"data: {len(regions)} regions (seed {seed}), {hospitals} hospitals each, "
        f"{months} months ({time.perf_counter() - t0:.1f}s to prepare); forecast={args.forecast}; "
        f"cores: {os.cpu_count()}; "
        f"load average: {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    params = {"half": "2026H2", "growth": 0.5, "forecast": args.forecast}
    n_naive = min(args.naive or len(regions), len(regions))

    results = []

    def measure(name: str, n: int, step, *step_args) -> None:
        c0 = cpu_seconds()
        took = step(*step_args)
        results.append((name, n, took, cpu_seconds() - c0))
        _step(name, took, n)

    # repkit's default: one worker per core (one more measured slower on 2 cores)
    workers = args.workers or min(os.cpu_count() or 1, len(regions))
    naive_args = (data, regions[:n_naive], params, WORK / "naive")
    measure("naive papermill loop (sequential)", n_naive, naive_loop, *naive_args)
    batch_args = (data, regions, params, WORK / "batch", workers)
    measure(f"repkit batch ({workers} workers)", len(regions), batch, *batch_args)
    cells_args = (data, regions, params, WORK / "floor-cells")
    measure("floor: template code, one process", len(regions), floor_cells, *cells_args)
    core_args = (data, regions, params, WORK / "floor")
    measure("(plan + workbook only, one process)", len(regions), floor, *core_args)
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

    per = {name: total / n for name, n, total, _ in results}
    naive_s, batch_s, cells_s, _core_s = per.values()
    print()
    print(f"{'method':<40} {'regions':>7} {'wall s':>8} {'s/region':>9} {'CPU s/region':>13}")
    for name, n, total, cpu in results:
        print(f"{name:<40} {n:>7} {total:>8.1f} {total / n:>9.2f} {cpu / n:>13.2f}")
    print(f"{'repkit batch re-run, nothing changed':<40} {len(regions):>7} {rerun:>8.1f}")
    speedup = naive_s / batch_s
    ratio = batch_s / cells_s
    print()
    print(
        f"naive loop / repkit batch, per region: {speedup:5.2f}x (target >= 5x)   "
        f"{_verdict(speedup >= 5)}"
    )
    print(
        f"repkit batch / floor, per region:      {ratio:5.2f}x (target <= 1.5x) "
        f"{_verdict(ratio <= 1.5)}"
    )
    cpu = {name: c / n for name, n, _, c in results}
    naive_c, batch_c, cells_c, _ = cpu.values()
    print(
        f"CPU per region: naive {naive_c:.2f}s, batch {batch_c:.2f}s, floor {cells_c:.2f}s "
        f"(batch costs {batch_c / cells_c:.2f}x the floor's CPU: kernel, papermill, HTML)"
    )
    print(
        f"template's own work (floor CPU) per region: {cells_c:.2f}s (target <= 3 s)      "
        f"{_verdict(cells_c <= 3)}"
    )
    print(
        "The floor runs the template's code cells as plain Python in this process (data "
        "loaded once, charts rendered to PNG, tables to HTML); the last row is the plan "
        "and workbook alone, without charts, call plan or tables, for reference."
    )
    _print_stages(len(regions), html_seconds(WORK / "batch"))
    sys.stdout.flush()


def _print_stages(n: int, html: float | None) -> None:
    """The floor's CPU per region by stage, largest first; the batch's HTML export."""
    print()
    print(f"{'stage (floor, CPU s per region)':<48} {'CPU s':>7} {'share':>6}")
    once = {k: v for k, v in STAGES.items() if "once" in k}
    per = {k: v / n for k, v in STAGES.items() if k not in once}
    total = sum(per.values())
    for stage, cpu in sorted(per.items(), key=lambda kv: -kv[1]):
        print(f"{stage:<48} {cpu:>7.3f} {cpu / total:>6.1%}")
    print(f"{'total':<48} {total:>7.3f}")
    for stage, cpu in once.items():
        print(f"{stage:<48} {cpu:>7.3f}")
    if html is not None:
        print(f"{'HTML export in the batch (wall s per region)':<48} {html:>7.3f}")


if __name__ == "__main__":
    main()
