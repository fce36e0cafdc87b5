"""Read a 1,000,000-row sales .xlsx: repkit vs python-calamine vs pandas (openpyxl).

Budgets (design.md): read + validate within 2x of python-calamine's raw read; peak
memory under 2 GB. The file is generated once into .bench/ (gitignored) with repkit's
streaming xlsx writer. Every measurement runs in a fresh subprocess so that peak memory
(ru_maxrss) belongs to that step alone.

    python benchmarks/bench_io.py                 # all steps, pandas/openpyxl included
    python benchmarks/bench_io.py --skip-openpyxl # without the slow pandas/openpyxl read
    python benchmarks/bench_io.py --rows 100000   # a smaller file while iterating

The cached re-read uses ``read_sales(path, cache=DIR)`` (see repkit.io._cache: parquet
keyed by the file's content hash, the repkit version and the read options); the cache
folder .bench/cache_<rows> is emptied at the start of each run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"

HEADER = [
    "月份",
    "区域",
    "医院编码",
    "医院名称",
    "科室",
    "品种",
    "代表编码",
    "商业公司",
    "数量",
    "金额",
]


def _rows(n: int):
    import numpy as np

    rng = np.random.default_rng(0)
    regions = ["兰州", "西宁", "银川", "西安", "成都", "重庆"]
    products = [
        "瑞心安片",
        "舒肺宁注射液",
        "泰康铂注射液",
        "益肝泰胶囊",
        "明目清滴眼液",
        "脑络通胶囊",
    ]
    prices = [38.5, 25.0, 420.0, 45.0, 18.0, 56.0]
    depts = ["心内科", "呼吸内科", "肿瘤科", "神经内科", "眼科", "肝病科"]
    n_hosp = 3000
    months = [y * 100 + m for y in (2023, 2024, 2025, 2026) for m in range(1, 13)][6:42]
    hosp = rng.integers(0, n_hosp, n)
    prod = rng.integers(0, len(products), n)
    month = rng.integers(0, len(months), n)
    units = rng.poisson(120, n).astype(float)
    units[rng.random(n) < 0.004] *= -0.1
    yield HEADER
    for i in range(n):
        h = int(hosp[i])
        p = int(prod[i])
        u = float(round(units[i]))
        yield [
            months[int(month[i])],
            regions[h % 6],
            f"{h // 6 % 999 + 1:03d}{h:04d}",
            f"{regions[h % 6]}第{h}医院",
            depts[p],
            products[p],
            f"R{h % 40:04d}",
            f"国药控股{regions[h % 6]}有限公司",
            u,
            round(u * prices[p], 2),
        ]


def ensure_file(rows: int) -> Path:
    """The benchmark workbook, generated once per row count."""
    from repkit.io._xlsx import Sheet, write_xlsx

    BENCH_DIR.mkdir(exist_ok=True)
    path = BENCH_DIR / f"sales_{rows}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        write_xlsx(path, [Sheet("销售明细", _rows(rows))])
        size = path.stat().st_size / 1e6
        print(f"generated {path.name} ({size:.1f} MB) in {time.perf_counter() - t:.1f} s")
    return path


_STEP = r"""
import json, resource, sys, time
path, step, cache = sys.argv[1], sys.argv[2], sys.argv[3]
t = time.perf_counter()
if step == "calamine":
    import python_calamine as pc
    with pc.CalamineWorkbook.from_path(path) as wb:
        rows = wb.get_sheet_by_index(0).to_python()
    n = len(rows) - 1
elif step == "openpyxl":
    import pandas as pd
    n = len(pd.read_excel(path, engine="openpyxl"))
elif step == "pandas_calamine":
    import pandas as pd
    n = len(pd.read_excel(path, engine="calamine"))
else:
    import repkit as rk
    kw = {"cache": cache} if step.startswith("repkit_cache") else {"cache": False}
    df = rk.read_sales(path, **kw)
    n = len(df)
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"rows": n, "seconds": elapsed, "peak_bytes": peak}))
"""


def run_step(path: Path, step: str, cache: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _STEP, str(path), step, str(cache)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-openpyxl", action="store_true", help="skip pandas+openpyxl")
    parser.add_argument("--repeat", type=int, default=2, help="best of N for the main steps")
    args = parser.parse_args(argv)
    path = ensure_file(args.rows)
    cache = BENCH_DIR / f"cache_{args.rows}"
    if cache.exists():
        import shutil

        shutil.rmtree(cache)
    # calamine and repkit alternate so that a busy machine slows both alike
    steps = ["calamine", "repkit"] * args.repeat
    steps += ["repkit_cache_cold", *["repkit_cache_warm"] * args.repeat, "pandas_calamine"]
    if not args.skip_openpyxl:
        steps.append("openpyxl")
    results: dict[str, dict] = {}
    for step in steps:
        r = run_step(path, step, cache)
        print(
            f"  {step:<20} {r['seconds']:8.2f} s  peak {r['peak_bytes'] / 2**30:5.2f} GiB"
            f"  rows {r['rows']:,}",
            flush=True,
        )
        if step not in results or r["seconds"] < results[step]["seconds"]:
            results[step] = r
    base = results["calamine"]["seconds"]
    rk_run = results["repkit"]
    ratio = rk_run["seconds"] / base
    print()
    print(f"{args.rows:,}-row sales .xlsx ({path.stat().st_size / 1e6:.0f} MB)")
    print(f"{'step':<34}{'seconds':>9}{'x calamine':>12}{'peak GiB':>10}")
    labels = {
        "calamine": "python-calamine raw read",
        "repkit": "repkit read_sales (read+validate)",
        "repkit_cache_cold": "repkit, cache cold (read+store)",
        "repkit_cache_warm": "repkit, cache warm (re-read)",
        "pandas_calamine": "pandas.read_excel(calamine)",
        "openpyxl": "pandas.read_excel(openpyxl)",
    }
    for step, r in results.items():
        print(
            f"{labels[step]:<34}{r['seconds']:9.2f}{r['seconds'] / base:12.2f}"
            f"{r['peak_bytes'] / 2**30:10.2f}"
        )
    ok_speed = ratio <= 2.0
    ok_mem = rk_run["peak_bytes"] < 2 * 2**30
    print(f"\nbudget read+validate <= 2x calamine: {'OK' if ok_speed else 'MISSED'} ({ratio:.2f}x)")
    print(
        f"budget peak memory < 2 GB: {'OK' if ok_mem else 'MISSED'} "
        f"({rk_run['peak_bytes'] / 1e9:.2f} GB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
