"""The :class:`Dataset`: every canonical table of one company (or one region)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import pandas as pd

from repkit.schema import TABLES

__all__ = ["Dataset"]


def _empty(kind: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in TABLES[kind].columns})


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

    @classmethod
    def from_tables(cls, **tables: pd.DataFrame) -> Dataset:
        """Build a Dataset; missing tables become empty canonical frames."""
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise ValueError(f"unknown tables {sorted(unknown)}; valid: {', '.join(TABLES)}")
        return cls(**{k: tables.get(k, _empty(k)) for k in TABLES})

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
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def for_region(self, region: str) -> Dataset:
        """The part of the data set that belongs to one region.

        Raises
        ------
        ValueError
            If the region is not in the data (the message lists the valid regions).
        """
        if region not in self.regions:
            raise ValueError(f"unknown region {region!r}; valid regions: {', '.join(self.regions)}")
        hosp = self.hospitals[self.hospitals["region"] == region]
        ids = set(hosp["hospital_id"])
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
        )

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v):,}" for k, v in self.tables().items())
        return f"Dataset({sizes})"
