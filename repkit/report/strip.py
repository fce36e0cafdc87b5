"""Strip outputs and execution counts from notebooks (``make strip``)."""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["strip_notebook"]


def strip_notebook(path: str | Path) -> bool:
    """Remove outputs, execution counts and run metadata from a notebook in place.

    Parameters
    ----------
    path
        The ``.ipynb`` file.

    Returns
    -------
    bool
        True when the file changed.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1+1")])
    >>> nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"})]
    >>> nbformat.write(nb, "a.ipynb")
    >>> strip_notebook("a.ipynb"), strip_notebook("a.ipynb")
    (True, False)
    """
    import nbformat

    path = Path(path)
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "papermill", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
    for key in ("papermill", "widgets"):
        nb.metadata.pop(key, None)
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":  # pragma: no cover - `make strip`
    for root in sys.argv[1:] or ["templates", "notebooks"]:
        for nb_path in sorted(Path(root).rglob("*.ipynb")):
            if ".ipynb_checkpoints" not in nb_path.parts and strip_notebook(nb_path):
                print(f"stripped {nb_path}")
