"""Reports: charts with Chinese labels, Excel management tables, HTML documents.

Examples
--------
>>> "write_excel" in rk.report.__all__
True
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["charts", "display_table", "document", "style", "tables", "write_excel"]

_ATTRS = {
    "write_excel": ("repkit.report.excel", "write_excel"),
    "display_table": ("repkit.report.tables", "display_table"),
}


def __getattr__(name: str) -> Any:
    if name in _ATTRS:
        module, attr = _ATTRS[name]
        return getattr(importlib.import_module(module), attr)
    try:
        return importlib.import_module(f"repkit.report.{name}")
    except ModuleNotFoundError as err:
        raise AttributeError(f"module 'repkit.report' has no attribute {name!r}") from err
