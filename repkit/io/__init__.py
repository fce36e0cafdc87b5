"""Readers for the files sales teams export: Excel, CSV, HTML-as-xls, parquet, SQL.

``read_table`` returns one canonical table (design.md) or raises :class:`DataError`
listing every problem of the file; ``load_dataset`` reads a folder and checks the
tables against each other; ``check`` collects the problems without raising; ``ingest``
checks a folder once into a region-partitioned parquet store that ``load_dataset`` then
reads one region at a time.

Formats are recognised by content, not by extension: .xlsx/.xlsm (python-calamine),
real .xls (BIFF), HTML tables and CSV saved as .xls, Excel 2003 XML, CSV/TSV/TXT in
UTF-8 (with or without BOM), GB18030/GBK and UTF-16, parquet, and SQL databases through
a SQLAlchemy URL.
"""

from __future__ import annotations

from repkit.errors import (
    RULES,
    DataError,
)
from repkit.io._ingest import ingest
from repkit.io._load import (
    check,
    load_dataset,
    read_sales,
    read_table,
)
from repkit.io._table import dropped_rows
from repkit.io._validate import PLAUSIBLE_RANGES, schema

__all__ = [
    "PLAUSIBLE_RANGES",
    "DataError",
    "RULES",
    "check",
    "dropped_rows",
    "ingest",
    "load_dataset",
    "read_sales",
    "read_table",
    "schema",
]
