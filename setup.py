"""Build hook: ship templates, notebooks and sample data inside the wheel.

The folders stay at the top of the repository (design.md fixes that layout); at build
time they are copied into ``repkit/_data/`` so a pip-installed repkit finds them through
``importlib.resources`` (``repkit._resources``). An editable install reads them from the
checkout instead, so nothing is copied there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("templates", "notebooks/training", "notebooks/examples", "notebooks/data", "sample_data")
SKIP = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc", ".*")


class BuildWithData(build_py):
    """``build_py`` that also copies the shipped folders into ``repkit/_data``."""

    def run(self) -> None:
        """Build the package, then copy the data folders (not for editable installs)."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "repkit" / "_data"
        for rel in SHIPPED:
            source = HERE / rel
            if not source.is_dir():
                raise FileNotFoundError(f"cannot build repkit: {source} is missing")
            shutil.rmtree(target / rel, ignore_errors=True)
            shutil.copytree(source, target / rel, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithData})
