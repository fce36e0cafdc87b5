"""``python -m repkit``: the ``repkit`` command, for when its script is not on the PATH.

A notebook cell (``!python -m repkit check data``) or a Windows shell whose Scripts
folder is not on the PATH reaches the same commands as ``repkit``.
"""

from repkit.cli import app

app(prog_name="repkit")
