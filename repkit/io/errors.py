"""Alias of :mod:`repkit.errors`, kept for code that imports ``repkit.io.errors``."""

from __future__ import annotations

from repkit.errors import PROBLEM_COLUMNS, RULES, DataError, Problem

__all__ = ["PROBLEM_COLUMNS", "RULES", "DataError", "Problem"]
