"""Optional dependencies: one check that names the pip extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["EXTRAS", "require"]

EXTRAS = {
    "pyarrow": "parquet",
    "sqlalchemy": "sql",
    "dask": "dask",
    "distributed": "dask",
    "jupyterlab": "lab",
}
"""Top-level module → the repkit extra that installs it."""


def require(module: str, *, feature: str) -> ModuleType:
    """Import an optional module, or say which extra installs it.

    Parameters
    ----------
    module
        Module to import, e.g. ``"pyarrow.parquet"``; its top-level package must be in
        ``EXTRAS``.
    feature
        What needs it, in words (``"reading parquet files"``), for the message.

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    ImportError
        The module is not installed; the message gives the ``pip install "repkit[…]"``
        command. The original error is kept as the cause.

    Examples
    --------
    >>> from repkit._extras import require
    >>> require("sqlalchemy", feature="reading databases").__name__
    'sqlalchemy'
    """
    top = module.partition(".")[0]
    extra = EXTRAS[top]
    try:
        return importlib.import_module(module)
    except ImportError as err:
        from repkit.messages import say

        message = say("arg.extra", feature=feature, package=top, extra=extra)
        raise ImportError(message, name=top) from err
