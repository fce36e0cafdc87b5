"""Code that runs inside a batch kernel: warm start, data cache and state reset.

The batch keeps one kernel per worker alive across regions. :func:`warm` runs once when
the kernel starts (imports of the template, the data set loaded once and served from
memory to ``repkit.load_dataset``); :func:`reset` runs before every region and gives the
notebook a fresh namespace, no open figures, the region's working folder and execution
counts that start at 1.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import pickle
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset

_STATE: dict[str, Any] = {}


def _fresh(ds: Dataset) -> Any:
    """A Dataset whose tables are copy-on-write views: mutations never reach the cache.

    A data set read from an ingested store (``StoredDataset``) keeps its large tables
    unread: each region's ``for_region`` reads only that region's rows from the store.
    """
    from dataclasses import replace

    detached = getattr(ds, "detached", None)
    if detached is not None:
        return detached()
    tables = {k: v.copy(deep=False) for k, v in ds.tables().items()}
    return replace(ds, **tables)  # keeps the provenance of the cached data set


def _is_store(location: str) -> bool:
    from repkit.io._stored import is_url

    return is_url(location) or Path(location).is_dir()


def _install_cache(key: str, ds: Dataset) -> None:
    from repkit.io._load import serve_from_memory

    _STATE.setdefault("datasets", {})[key] = ds
    serve_from_memory(key, functools.partial(_fresh, ds))


def _single_draw() -> bool:
    """Draw each figure once per cell, not twice, with the inline backend.

    pyplot registers a post-execute hook that draws every stale figure on its Agg canvas;
    the inline backend's own hook then renders each figure to PNG (which draws it again)
    and closes it. With ``close_figures`` on (the default) the first draw is never seen,
    so it is removed: about a third of the cost of a chart cell. Returns whether it was.
    """
    if "matplotlib.pyplot" not in sys.modules:
        return False
    from IPython import get_ipython

    ip = get_ipython()
    pyplot = sys.modules["matplotlib.pyplot"]
    hook = getattr(pyplot, "_draw_all_if_interactive", None)
    callbacks = ip.events.callbacks.get("post_execute", []) if ip is not None else []
    try:
        from matplotlib_inline.backend_inline import InlineBackend, flush_figures
    except ImportError:
        return False
    inline = flush_figures in callbacks and InlineBackend.instance().close_figures
    if hook is None or hook not in callbacks or not inline:
        return False
    ip.events.unregister("post_execute", hook)
    return True


def _python_strings() -> None:
    """New text columns hold Python strings, not pyarrow arrays, in this kernel.

    pandas 3 keeps text in pyarrow arrays by default. A region's plan runs thousands of
    groupbys, merges and filters on frames of a few thousand rows, where pyarrow's cost
    per call outweighs its speed per row: Python strings cut a realistic region's
    template by 10–15 % of its CPU (benchmarks/bench_batch.py). The values, missing
    values and the ``str`` dtype's behaviour are the same; ``Dataset.for_region`` moves
    the region's rows to Python strings as well, while the cached data set itself stays
    in pyarrow (compact). Set after the data set is loaded.
    """
    import pandas as pd

    pd.set_option("mode.string_storage", "python")


def warm(
    data: str | None, *, cache: str | None = None, imports: tuple[str, ...] | list[str] = ()
) -> None:
    """Import what the template imports and load the data set once.

    Parameters
    ----------
    data
        The data folder the regions read; its Dataset is served from memory afterwards.
    cache
        A pickle of that Dataset written by the batch (faster than reading Excel again),
        or the location of its ingested store (a folder or fsspec URL the workers can
        read: the Dask path), whose regions are then read one at a time.
    imports
        Import statements of the template; failures are left for the notebook to report.
    """
    for statement in imports:
        with contextlib.suppress(Exception):  # the notebook reports it in its own cell
            exec(statement, {})
    if data is not None:
        try:
            if cache is not None and _is_store(cache):
                from repkit.io._stored import open_store

                ds = open_store(cache)
            elif cache is not None:
                with open(cache, "rb") as fh:
                    ds = pickle.load(fh)  # written by this batch into a private folder
            else:
                import repkit.io as rio

                ds = rio.load_dataset(data)
            _install_cache(str(Path(data).resolve()), ds)
        except Exception:  # the notebook loads (and reports) the data itself
            _STATE.pop("datasets", None)
    _python_strings()
    _STATE["filters"] = list(warnings.filters)
    _STATE["environ"] = dict(os.environ)
    _STATE["path"] = list(sys.path)


def reset(cwd: str) -> None:
    """Give the next region a clean kernel: namespace, figures, cwd, counters, warnings."""
    from IPython import get_ipython

    os.chdir(cwd)  # first: the previous region's folder is gone
    ip = get_ipython()
    ip.reset(new_session=False)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if "filters" in _STATE:
        warnings.filters[:] = _STATE["filters"]  # type: ignore[index]
        sys.path[:] = _STATE["path"]
        os.environ.clear()
        os.environ.update(_STATE["environ"])
    ip.execution_count = 1
    _single_draw()  # pyplot may have been imported since the last region
    settle()


def settle() -> None:
    """Collect the last region's garbage, then freeze what lives on for the next regions.

    What is left between regions (modules, the cached data set, font and label caches)
    lives as long as the kernel. Frozen, the cyclic garbage collector no longer walks it
    on every full collection while a region runs: on a realistic region ~0.3 s of CPU
    (eight full collections over ~260 000 objects per three regions). Only the objects
    made since the last freeze are collected here, which is quick.
    """
    gc.collect()
    gc.freeze()


def last_problems(limit: int = 50) -> str:
    """JSON of the last exception's ``problems`` table (a DataError), or ``null``."""
    err = getattr(sys, "last_value", None)
    problems = getattr(err, "problems", None)
    if problems is None or not hasattr(problems, "to_dict"):
        return "null"
    rows = problems.head(limit).astype(object).where(problems.head(limit).notna(), None)
    return json.dumps(rows.to_dict("records"), ensure_ascii=False, default=str)
