"""The :class:`Dataset`: every canonical table of one company (or one region).

Provenance lives on the Dataset, not in ``df.attrs`` (which pandas operations drop):
:attr:`Dataset.provenance` lists each input file of each table (sheet, rows read,
rows left out and why, SHA-256 of the file) and :meth:`Dataset.source_rows` gives the
file and row of every table row. Both follow the tables through ``for_region`` and any
``dataclasses.replace`` that keeps the row labels of a table (filters, ``copy``, added
columns): a row is matched to its source by index label *and* by a hash of its key
columns, so a relabelled row is reported untraceable rather than traced wrongly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from repkit.messages import join, say
from repkit.schema import TABLES

__all__ = ["IN_MEMORY", "PROVENANCE_COLUMNS", "Dataset"]

IN_MEMORY = "<in memory>"
"""The ``file`` of tables given as DataFrames (``Dataset.from_tables``, ``rk.sample``)."""

PROVENANCE_COLUMNS = (
    "table",
    "file",
    "sheet",
    "rows_read",
    "rows_dropped",
    "dropped_reasons",
    "sha256",
    "rows",
)
"""Columns of :attr:`Dataset.provenance`."""

_FILE_COLUMNS = PROVENANCE_COLUMNS[:-1]


def _empty(kind: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in TABLES[kind].columns})


def key_hash(frame: pd.DataFrame, kind: str) -> pd.Series:
    """A hash per row of the table's key columns (what the row is about)."""
    cols = [c for c in TABLES[kind].key if c in frame.columns] if kind in TABLES else []
    if not cols:
        cols = [c for c in frame.columns if not pd.api.types.is_float_dtype(frame[c])]
    if not cols or frame.empty:
        return pd.Series(0, index=frame.index, dtype="uint64")
    return pd.util.hash_pandas_object(frame[cols].astype(str), index=False)


def dropped_reasons(dropped: Any) -> str:
    """``"total row ×2; blank row ×1"`` from ``attrs["dropped"]`` records (empty when none).

    ``dropped``: the records (dicts with a ``reason``) or a table with a reason column.
    """
    if isinstance(dropped, pd.DataFrame):
        reasons = dropped["reason"].tolist() if "reason" in dropped else []
    else:
        reasons = [r.get("reason") for r in dropped or () if isinstance(r, Mapping)]
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[str(reason)] = counts.get(str(reason), 0) + 1
    return "; ".join(f"{reason} ×{n}" for reason, n in counts.items())


def _in_memory(kind: str, frame: pd.DataFrame) -> dict[str, Any]:
    dropped = frame.attrs.get("dropped")
    return {
        "table": kind,
        "file": IN_MEMORY,
        "sheet": None,
        "rows_read": len(frame),
        "rows_dropped": len(dropped) if isinstance(dropped, tuple | list | pd.DataFrame) else 0,
        "dropped_reasons": dropped_reasons(dropped),
        "sha256": None,
    }


@dataclass(frozen=True)
class Dataset:
    """Canonical tables of design.md, one attribute per table.

    Tables a folder does not contain are empty DataFrames with the canonical columns.

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0)
    >>> ds.regions[:3]
    ['兰州', '西宁', '银川']
    >>> sub = ds.for_region("兰州")
    >>> sorted(sub.hospitals["region"].unique())
    ['兰州']
    """

    sales: pd.DataFrame
    products: pd.DataFrame
    hospitals: pd.DataFrame
    doctors: pd.DataFrame
    reps: pd.DataFrame
    calls: pd.DataFrame
    targets: pd.DataFrame
    collections: pd.DataFrame
    files: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    """Input files per table (see :attr:`provenance`); kept by ``replace``."""
    sources: Mapping[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)
    """Per table: file, sheet, row and key hash of each row label (see :meth:`source_rows`)."""
    nurses: pd.DataFrame = field(default_factory=lambda: _empty("nurses"), repr=False)
    """Nurses of the inpatient and emergency wards (seed 000 table C)."""
    competitors: pd.DataFrame = field(default_factory=lambda: _empty("competitors"), repr=False)
    """Competitor observations (weekly survey of seed 000 table F)."""
    meetings: pd.DataFrame = field(default_factory=lambda: _empty("meetings"), repr=False)
    """Department and academic meetings with head counts (no spending)."""
    listings: pd.DataFrame = field(default_factory=lambda: _empty("listings"), repr=False)
    """Admission status (进院) of each product in each hospital."""
    overrides: pd.DataFrame = field(default_factory=lambda: _empty("overrides"), repr=False)
    """The manager's fixed figures, floors, caps, milestones and department goals (经理指定)."""
    swot: pd.DataFrame = field(default_factory=lambda: _empty("swot"), repr=False)
    """The manager's SWOT/STP lines per region (free text for the plan document)."""

    @classmethod
    def from_tables(cls, **tables: pd.DataFrame) -> Dataset:
        """Build a Dataset; missing tables become empty canonical frames.

        Tables given are recorded in :attr:`provenance` as ``<in memory>`` sources.
        """
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise ValueError(f"unknown tables {sorted(unknown)}; valid: {', '.join(TABLES)}")
        records = [_in_memory(kind, frame) for kind, frame in tables.items()]
        files = pd.DataFrame(records, columns=list(_FILE_COLUMNS))
        return cls(**{k: tables.get(k, _empty(k)) for k in TABLES}, files=files)

    @property
    def provenance(self) -> pd.DataFrame:
        """Where each table came from: one row per input file (and sheet) of a table.

        Returns
        -------
        DataFrame
            table, file (``<in memory>`` for DataFrames given directly), sheet,
            rows_read (canonical rows the file gave), rows_dropped (rows left out on
            purpose: blank, 合计 …), dropped_reasons (``"total row ×2"``), sha256 (of
            the file's bytes), rows (rows of this Dataset that trace to the file: for
            a region, the region's rows).

        Examples
        --------
        >>> ds = rk.sample.generate(seed=0, regions=1)
        >>> p = ds.provenance.set_index("table")
        >>> p.loc["sales", "file"], int(p.loc["sales", "rows"]) == len(ds.sales)
        ('<in memory>', True)
        """
        files = self.files
        if files is None or files.empty:
            return pd.DataFrame(columns=list(PROVENANCE_COLUMNS))
        used = []
        traced: dict[str, pd.DataFrame] = {}  # per table: the source records of its rows
        for rec in files.itertuples(index=False):
            if rec.table not in TABLES:  # the holiday file
                used.append(rec.rows_read)
                continue
            if rec.table not in self.sources:  # given in memory: every row is its own
                used.append(len(getattr(self, rec.table)))
                continue
            if rec.table not in traced:
                src, labels = self._traced(rec.table)
                traced[rec.table] = src.loc[labels, ["file", "sheet"]]
            src = traced[rec.table]
            mine = src["file"] == rec.file
            if rec.sheet is not None and not pd.isna(rec.sheet):
                mine &= src["sheet"] == rec.sheet
            used.append(int(mine.sum()))
        out = files.assign(rows=used)
        for col in ("rows_read", "rows_dropped", "rows"):
            out[col] = out[col].astype("int64")
        return out[list(PROVENANCE_COLUMNS)].reset_index(drop=True)

    def source_rows(self, table: str) -> pd.DataFrame:
        """File, sheet and row (as Excel numbers it, CSV: line) of each row of a table.

        Parameters
        ----------
        table
            Table name (``"sales"`` …).

        Returns
        -------
        DataFrame
            Indexed like ``getattr(ds, table)``: file, sheet, row. Tables given in
            memory have file ``<in memory>`` and no row; rows added by a computation,
            or whose label no longer holds the row read, have neither.

        Examples
        --------
        >>> _ = rk.sample.write(rk.sample.generate(seed=0, regions=1), "data")
        >>> ds = rk.load_dataset("data")
        >>> src = ds.source_rows("sales")
        >>> src.iloc[0]["file"], int(src.iloc[0]["row"])
        ('销售明细.xlsx', 2)
        """
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}; valid: {', '.join(TABLES)}")
        frame = getattr(self, table)
        src = self.sources.get(table)
        out = pd.DataFrame(
            {"file": None, "sheet": None, "row": pd.array([pd.NA] * len(frame), dtype="Int64")},
            index=frame.index,
        )
        if src is None:
            files = self.files
            if (
                files is not None
                and ((files["table"] == table) & (files["file"] == IN_MEMORY)).any()
            ):
                out["file"] = IN_MEMORY
            return out
        src, labels = self._traced(table)
        if not len(labels):
            return out
        out.loc[labels, "file"] = src.loc[labels, "file"].to_numpy()
        out.loc[labels, "sheet"] = src.loc[labels, "sheet"].to_numpy()
        out.loc[labels, "row"] = src.loc[labels, "row"].to_numpy()
        return out

    def _traced(self, table: str) -> tuple[pd.DataFrame, pd.Index]:
        """A table's source records and the labels of its rows that still hold them.

        A row traces to its record when its label is in the records and the hash of its
        key columns is the one read (a computation may have reused the label).
        """
        frame = getattr(self, table)
        src = self.sources[table]
        if src.empty or frame.empty or not frame.index.is_unique:
            return src, src.index[:0]
        common = frame.index.intersection(src.index)
        if not len(common):
            return src, common
        keys = src.loc[common, "key"].to_numpy(dtype="uint64")
        same = keys == key_hash(frame.loc[common], table).to_numpy(dtype="uint64")
        return src, common[same]

    @property
    def regions(self) -> list[str]:
        """Region names, in the order they first appear in hospitals (then sales)."""
        seen: dict[str, None] = {}
        for frame in (self.hospitals, self.sales, self.targets, self.reps):
            if "region" in frame:
                seen.update(dict.fromkeys(str(v) for v in frame["region"].dropna().unique()))
        return list(seen)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables as a dict, in canonical order."""
        return {k: getattr(self, k) for k in TABLES}

    def for_region(self, region: str) -> Dataset:
        """The part of the data set that belongs to one region.

        The provenance is kept: :attr:`provenance` counts the region's rows of each
        file in ``rows`` and :meth:`source_rows` still traces them. When pandas'
        ``mode.string_storage`` is ``"python"`` (as in a batch kernel), the region's text
        columns are held as Python strings too.

        Raises
        ------
        ValueError
            If the region is not in the data (the message lists the valid regions).
        """
        self._check_region(region)
        hosp = self.hospitals[self.hospitals["region"] == region]
        ids = set(hosp["hospital_id"])
        part = self._region_rows(region, hosp, ids)
        if pd.get_option("mode.string_storage") != "python":
            return part
        return replace(part, **{k: _python_text(v) for k, v in part.tables().items()})

    def _check_region(self, region: str) -> None:
        """ValueError naming the valid regions when ``region`` is not in the data."""
        if region not in self.regions:
            raise ValueError(say("plan.unknown_region", region=region, regions=join(self.regions)))

    def _region_rows(self, region: str, hosp: pd.DataFrame, ids: set[str]) -> Dataset:
        """The rows of every table that belong to ``region`` (see :meth:`for_region`)."""
        reps = self.reps[self.reps["region"] == region]
        sales = self.sales
        if "region" in sales:
            sales = sales[sales["region"] == region]
        else:
            sales = sales[sales["hospital_id"].isin(ids)]
        return replace(
            self,
            sales=sales,
            hospitals=hosp,
            doctors=self.doctors[self.doctors["hospital_id"].isin(ids)],
            reps=reps,
            calls=self.calls[self.calls["rep_id"].isin(set(reps["rep_id"]))],
            targets=self.targets[self.targets["region"] == region],
            collections=self.collections[self.collections["region"] == region],
            **{
                k: getattr(self, k)[getattr(self, k)["hospital_id"].isin(ids)]
                for k in ("nurses", "competitors", "meetings", "listings")
            },
            overrides=self.overrides[self.overrides["region"] == region]
            if "region" in self.overrides
            else self.overrides,
            swot=self.swot[self.swot["region"] == region],
        )

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v):,}" for k, v in self.tables().items())
        return f"Dataset({sizes})"


def _python_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its pyarrow-backed text columns held as Python strings (same values)."""
    cols = [
        c
        for c, dt in frame.dtypes.items()
        if isinstance(dt, pd.StringDtype) and dt.storage == "pyarrow"
    ]
    if not cols:
        return frame
    out = frame.copy(deep=False)
    for c in cols:
        out[c] = out[c].astype(pd.StringDtype("python", na_value=frame[c].dtype.na_value))
    return out
