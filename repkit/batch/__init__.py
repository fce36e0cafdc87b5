"""Run a parameterised notebook for every region: warm workers, timeouts, manifest, resume.

``run`` is the dependable way to make every region's plan: papermill notebooks executed
on warm kernels (imports and the data set loaded once per worker), in parallel, each
region with a hard time limit, outputs moved into place atomically, a ``manifest.json``
and an offline ``index.html``, and incremental re-runs.

Where the time goes: ``manifest.json`` records per region the kernel start, execution and
HTML seconds; with ``REPKIT_BATCH_PROFILE=<folder>`` each local worker process also writes
a cProfile of itself there (``python -m pstats <file>``).

Examples
--------
>>> sorted(rk.batch.__all__)
['check_params', 'folder_names', 'run', 'summary_table']
"""

from __future__ import annotations

from repkit.batch._run import (
    run,
    summary_table,
)
from repkit.batch._store import (
    check_params,
    folder_names,
)

__all__ = [
    "check_params",
    "folder_names",
    "run",
    "summary_table",
]
