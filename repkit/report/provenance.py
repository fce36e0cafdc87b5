"""附录 数据来源: where every table of a plan comes from, in Chinese, for documents.

Reads :attr:`repkit.Dataset.provenance` (kept on the Dataset through ``for_region`` and
the plan's transformations) and labels it for the plan's appendix, the workbook's
概览 and the manifest.
"""

from __future__ import annotations

import weakref
from typing import Any

import pandas as pd

from repkit.dataset import IN_MEMORY
from repkit.schema import SHEET_NAMES

__all__ = ["PROVENANCE_LABELS", "provenance_records", "provenance_table"]

PROVENANCE_LABELS: dict[str, str] = {
    "table": "数据表",
    "file": "文件",
    "sheet": "工作表",
    "rows_read": "读入行数",
    "rows": "本文档使用行数",
    "rows_dropped": "剔除行数",
    "dropped_reasons": "剔除原因",
    "sha256": "文件校验码（SHA-256 前 12 位）",
}
"""Chinese headings of :func:`provenance_table`."""

_REASONS = {"total row": "合计/小计行", "blank row": "空行"}
_TABLE_NAMES = {**SHEET_NAMES, "holidays": "节假日"}


def _dataset(source: Any) -> Any:
    """A Dataset, or the ``data`` of a plan (the property is not evaluated here)."""
    data = getattr(source, "data", None)
    return data if data is not None and hasattr(type(data), "provenance") else source


_LAST: list[tuple[weakref.ref[Any], pd.DataFrame]] = []


def _provenance(source: Any) -> pd.DataFrame:
    """``Dataset.provenance`` of the source, computed once per Dataset object.

    A plan's workbook, summary and appendix all show it; the Dataset is frozen, so the
    last one's frame is kept (a weak reference: nothing is kept alive).
    """
    ds = _dataset(source)
    if _LAST and _LAST[0][0]() is ds:
        return _LAST[0][1]
    frame = ds.provenance
    try:
        _LAST[:] = [(weakref.ref(ds), frame)]
    except TypeError:  # an object without weak references: not kept
        _LAST.clear()
    return frame


def _reasons(text: str) -> str:
    if not text:
        return ""
    parts = []
    for part in str(text).split("; "):
        reason, _, n = part.rpartition(" ×")
        parts.append(f"{_REASONS.get(reason, reason)} {n} 行" if reason else part)
    return "；".join(parts)


def provenance_records(source: Any) -> list[dict[str, Any]]:
    """The provenance as JSON-ready records (full SHA-256), for manifests and summary.json.

    Parameters
    ----------
    source
        A :class:`repkit.Dataset` or a plan (its ``data``).

    Examples
    --------
    >>> ds = rk.sample.generate(seed=0, regions=1)
    >>> provenance_records(ds)[0]["file"]
    '<in memory>'
    """
    frame = _provenance(source)
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


def provenance_table(source: Any) -> pd.DataFrame:
    """附录 数据来源: each input file of each table, with Chinese headings.

    Parameters
    ----------
    source
        A :class:`repkit.Dataset` or a plan (its ``data``).

    Returns
    -------
    DataFrame
        数据表, 文件, 工作表, 读入行数, 本文档使用行数 (a region's share of the file),
        剔除行数, 剔除原因, 文件校验码 — one row per file, tables in canonical order.

    Examples
    --------
    >>> _ = rk.sample.write(rk.sample.generate(seed=0, regions=2), "data")
    >>> ds = rk.load_dataset("data").for_region("兰州")
    >>> t = provenance_table(ds)
    >>> t.iloc[0][["数据表", "文件"]].tolist()
    ['销售明细', '销售明细.xlsx']
    >>> bool(t.iloc[0]["本文档使用行数"] < t.iloc[0]["读入行数"])
    True
    """
    frame = _provenance(source)
    order = {k: i for i, k in enumerate(_TABLE_NAMES)}
    frame = frame.assign(_order=frame["table"].map(order).fillna(len(order)))
    frame = frame.sort_values(["_order", "file"], kind="stable").drop(columns="_order")
    out = pd.DataFrame(
        {
            "table": frame["table"].map(lambda k: _TABLE_NAMES.get(k, k)),
            "file": frame["file"].map(lambda f: "（内存中的表）" if f == IN_MEMORY else f),
            "sheet": frame["sheet"].fillna(""),
            "rows_read": frame["rows_read"],
            "rows": frame["rows"],
            "rows_dropped": frame["rows_dropped"],
            "dropped_reasons": frame["dropped_reasons"].fillna("").map(_reasons),
            "sha256": frame["sha256"].map(lambda h: h[:12] if isinstance(h, str) else ""),
        }
    )
    return out.rename(columns=PROVENANCE_LABELS).reset_index(drop=True)
