"""Tables for plan documents: registry labels, 万元, percentages, thousands separators."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from repkit._escape import html_text, markdown_text
from repkit.labels import COLUMNS, label, label_frame, label_values
from repkit.report.style import completion_css, percent, units, wan

__all__ = [
    "COLUMN_LABELS",
    "completeness_table",
    "display_table",
    "key_figures",
    "label_columns",
]

COLUMN_LABELS = COLUMNS
"""Canonical column → Chinese heading (alias of :data:`repkit.labels.COLUMNS`)."""

_RATE_SUFFIXES = ("_rate", "_share", "share")
_RATE_WORDS_ZH = ("率", "占比")
"""A Chinese heading ending so holds a fraction (到会率, 目标到会率), as in the Excel writer."""
_MONEY_NAMES = ("sales", "sales_prev", "amount")
_PER_UNIT = ("price", "amount_per_call")
_SCORES = ("mase", "rmse", "mae", "bias", "score", "mean_rating", "potential")


def _is_money(name: str) -> bool:
    """Money totals shown in 万元 (not unit prices or per-call amounts)."""
    return name not in _PER_UNIT and (name in _MONEY_NAMES or name.endswith("_amount"))


def _joined(value: object) -> object:
    """A list cell (a hospital's departments, a rep's products) as 心内科、呼吸内科."""
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(str(v) for v in value)
    return value


def _format_for(column: str, series: pd.Series, heading: str | None = None):
    """The display format of a column by its canonical name and the heading shown over it."""
    name = str(column)
    heading = heading or name
    if series.dtype == object and series.map(lambda v: isinstance(v, list | tuple)).any():
        return _joined
    if _is_money(name) and pd.api.types.is_numeric_dtype(series):
        return wan  # run_rate_amount is money, though "_rate_" is in its name
    if name.endswith(_RATE_SUFFIXES) or "_rate_" in name or name.startswith("coverage"):
        return percent
    if heading.endswith(_RATE_WORDS_ZH) and pd.api.types.is_float_dtype(series):
        return percent  # a column shown as …率 holds a fraction, whatever its name
    if pd.api.types.is_bool_dtype(series):
        return lambda v: "是" if v else "否"
    if pd.api.types.is_datetime64_any_dtype(series):
        return _dates(series)
    if not pd.api.types.is_numeric_dtype(series):
        return None
    if name in _SCORES or name in _PER_UNIT:
        return "{:,.2f}"
    if name.endswith("per_day") and pd.api.types.is_float_dtype(series):
        return "{:,.1f}"  # 7.6 visits a day must not print as 8 next to a norm of 8
    return units


def _dates(series: pd.Series):
    """Dates as 2026-06-29; with the time only where some value has one.

    Examples
    --------
    >>> _dates(pd.Series(pd.to_datetime(["2026-06-29"])))(pd.Timestamp("2026-06-29"))
    '2026-06-29'
    >>> t = pd.Series(pd.to_datetime(["2026-06-29 08:30"]))
    >>> _dates(t)(t[0])
    '2026-06-29 08:30'
    """
    values = series.dropna()
    timed = bool(len(values)) and bool((values != values.dt.normalize()).any())
    pattern = "%Y-%m-%d %H:%M" if timed else "%Y-%m-%d"
    return lambda v: v.strftime(pattern)


def _wan_heading(text: str) -> str:
    """The heading of a money column shown in 万元."""
    if "(元)" in text:
        return text.replace("(元)", "(万元)")
    return f"{text}(万元)"


def _kpi_values(frame: pd.DataFrame) -> pd.DataFrame:
    """KPI tables mix rates and counts in one column: format each row by its unit."""
    out = frame.copy()
    is_rate = out["unit"].astype("str").eq("%")
    for col in ("value", "norm"):
        if col in out.columns:
            out[col] = [
                "–" if pd.isna(v) else (percent(v) if rate else f"{v:,.1f}".removesuffix(".0"))
                for v, rate in zip(out[col], is_rate, strict=True)
            ]
    out["unit"] = out["unit"].where(~is_rate, "")
    return out


def label_columns(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The table as people read it: registry headings and labelled codes.

    Use it before writing a table yourself; :func:`display_table` and
    :func:`repkit.report.write_excel` already apply it.

    Examples
    --------
    >>> t = label_columns(pd.DataFrame({"level": ["3A"], "completion_rate": [0.5]}))
    >>> t.columns.tolist(), t.iloc[0, 0]
    (['等级', '完成率'], '三甲')
    """
    return label_frame(frame, labels=labels)


def _index_as_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The named index levels as leading columns (a person cannot read a bare index)."""
    named = [n for n in frame.index.names if n is not None]
    if not named or any(n in frame.columns for n in named):
        return frame
    out = frame.reset_index(level=named)
    return out.reset_index(drop=True)


def display_table(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    max_rows: int = 30,
    highlight: str | None = "completion_rate",
    caption: str | None = None,
    names: bool = False,
):
    """Style a table for a plan document (HTML): the person's view of a canonical table.

    Headings and codes go through the label registry (:mod:`repkit.labels`); money
    totals show in 万元 with one decimal (heading says 万元), units as whole numbers
    with thousands separators, rates as percentages with one decimal.

    Parameters
    ----------
    frame
        Table with canonical column names; rates are fractions (0–1). A named index
        (``month`` of a forecast, the keys of a ``groupby``) is shown as columns; an
        unnamed one (0, 1, 2 …) is not shown.
    labels
        Extra column labels.
    max_rows
        Rows shown; a note says how many more exist (the workbook has all).
    highlight
        A rate column coloured by the completion bands of :mod:`repkit.report.style`
        (red below 80 %, amber below 100 %, green at or above).
    caption
        Caption above the table.
    names
        Also show each canonical column's name under its heading (数量 *units*): the
        name to write in code, for training notebooks.

    Returns
    -------
    pandas Styler

    Examples
    --------
    >>> s = display_table(pd.DataFrame({"product": ["A"], "completion_rate": [0.5]}))
    >>> "50.0%" in s.to_html()
    True
    >>> "<code>units</code>" in display_table(pd.DataFrame({"units": [3]}), names=True).to_html()
    True
    >>> tokens = pd.DataFrame({"doctor_id": ["DR-1A"], "doctor": ["DR-1A"], "rating": [5]})
    >>> display_table(tokens).to_html().count("DR-1A")
    1
    >>> pace = display_table(pd.DataFrame({"run_rate_amount": [3448229.0]})).to_html()
    >>> "344.8" in pace, "%" in pace.split("<tbody>")[1]
    (True, False)
    >>> rate = display_table(pd.DataFrame({"value": [0.8]}), labels={"value": "完成率"})
    >>> "80.0%" in rate.to_html()
    True
    >>> lists = pd.DataFrame({"departments": [["心内科", "眼科"]]})
    >>> "心内科、眼科" in display_table(lists).to_html()
    True
    """
    frame = _index_as_columns(frame)
    if {"doctor_id", "doctor"} <= set(frame.columns) and frame["doctor_id"].equals(
        frame["doctor"]
    ):  # pseudonymised: the token once, not as 医生编码 and 医生 side by side
        frame = frame.drop(columns="doctor_id")
    shown = frame.head(max_rows)
    if "value" in shown.columns and "unit" in shown.columns:
        shown = _kpi_values(shown)
    shown = label_values(shown)
    extra = dict(labels or {})
    formats = {}
    for col in shown.columns:
        fmt = _format_for(col, shown[col], str(extra.get(col) or label(col)))
        if fmt:
            formats[col] = fmt
    styler = (
        shown.style.format(formats, na_rep="–", escape="html")
        .format_index(escape="html", axis="index")
        .hide(axis="index")
        .set_table_styles([{"selector": "td, th", "props": "white-space: nowrap;"}])
    )
    if highlight and highlight in shown.columns:
        styler = styler.map(completion_css, subset=[highlight])
    heads = []
    for c in shown.columns:
        head = extra.get(c) or label(c)
        text = html_text(_wan_heading(head) if formats.get(c) is wan else head)
        if names and head != str(c):
            text = f"{text}<br><code>{html_text(c)}</code>"
        heads.append(text)
    styler = styler.relabel_index(heads, axis="columns")
    more = len(frame) - len(shown)
    text = caption or ""
    if frame.empty:
        text = f"{text}（无）".strip()
    if more > 0:
        text = f"{text}（另有 {more} 行，见 Excel 工作簿）".strip()
    if text:
        styler = styler.set_caption(html_text(text))
    return styler.set_table_attributes('class="rk-table"')


def key_figures(figures: Mapping[str, object]) -> str:
    """Render key figures as a Markdown bullet list (label: value).

    Examples
    --------
    >>> print(key_figures({"完成率": "58%", "差距": "1.2万盒"}))
    - **完成率**：58%
    - **差距**：1.2万盒
    """
    return "\n".join(f"- **{markdown_text(k)}**：{markdown_text(v)}" for k, v in figures.items())


_COMPLETENESS_LABELS = {
    "label": "项目",
    "done": "已完成",
    "total": "应完成",
    "done_rate": "完成率",
    "target_rate": "目标",
    "deadline": "截止日期",
    "met": "达标",
    "late": "逾期后完成",
    "overdue": "逾期",
}


def completeness_table(basics: pd.DataFrame, *, caption: str | None = None):
    """Show :func:`repkit.activity.completeness`: rates as percentages, red below 80 %.

    The measure codes and the seed references are left out (the workbook keeps them).

    Examples
    --------
    >>> c = pd.DataFrame({"measure": ["ward_nurses"], "label": ["C 护士信息"], "done": [7],
    ...     "total": [14], "value": [0.5], "target": [1.0], "deadline": ["2026-01-20"],
    ...     "met": [False], "overdue": [True], "seed": ["兰州区域半年工作计划范本表 C"]})
    >>> html = completeness_table(c).to_html()
    >>> "50.0%" in html, "100.0%" in html, "ward_nurses" in html
    (True, True, False)
    """
    shown = basics.rename(columns={"value": "done_rate", "target": "target_rate"})
    shown = shown[[c for c in _COMPLETENESS_LABELS if c in shown.columns]]
    return display_table(shown, labels=_COMPLETENESS_LABELS, highlight="done_rate", caption=caption)
