"""repkit: half-year work plans and growth forecasts for pharmaceutical sales teams.

``import repkit as rk`` does no work: submodules and functions load on first use.

Examples
--------
>>> import repkit as rk
>>> rk.plan.allocate(10, [1, 1, 1]).tolist()
[4, 3, 3]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from repkit._version import __version__ as __version__

__all__ = [
    # functions
    "load_dataset",
    "read_sales",
    "read_table",
    # classes
    "Dataset",
    "Half",
    # errors
    "DataError",
    "PlanError",
    # submodules
    "activity",
    "batch",
    "calendar",
    "forecast",
    "io",
    "labels",
    "plan",
    "privacy",
    "report",
    "sample",
    "schema",
    "tiering",
    "training",
]

_ATTRS = {
    "load_dataset": ("repkit.io", "load_dataset"),
    "read_sales": ("repkit.io", "read_sales"),
    "read_table": ("repkit.io", "read_table"),
    "DataError": ("repkit.errors", "DataError"),
    "PlanError": ("repkit.errors", "PlanError"),
    "Dataset": ("repkit.dataset", "Dataset"),
    "Half": ("repkit.calendar", "Half"),
}
_SUBMODULES = {name for name in __all__ if name.islower() and name not in _ATTRS}

if TYPE_CHECKING:  # pragma: no cover
    from repkit import (
        activity,
        batch,
        calendar,
        forecast,
        io,
        labels,
        plan,
        privacy,
        report,
        sample,
        schema,
        tiering,
        training,
    )
    from repkit.calendar import Half
    from repkit.dataset import Dataset
    from repkit.errors import DataError, PlanError
    from repkit.io import load_dataset, read_sales, read_table


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"repkit.{name}")
    if name in _ATTRS:
        module, attr = _ATTRS[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'repkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
