"""Tables for plan documents: Chinese column labels, percentages, thousands separators."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from repkit._escape import html_text, markdown_text

__all__ = ["COLUMN_LABELS", "display_table", "key_figures", "label_columns"]

COLUMN_LABELS: dict[str, str] = {
    "region": "区域",
    "hospital_id": "医院编码",
    "hospital": "医院",
    "name": "名称",
    "level": "等级",
    "department": "科室",
    "product": "品种",
    "category": "类别",
    "rep_id": "代表编码",
    "rep": "代表",
    "role": "岗位",
    "month": "月份",
    "quarter": "季度",
    "week": "周",
    "half": "半年",
    "period": "期间",
    "units": "数量",
    "amount": "金额(元)",
    "actual_units": "实际数量",
    "actual_amount": "实际金额(元)",
    "target_units": "指标数量",
    "target_amount": "指标金额(元)",
    "completion_rate": "完成率",
    "gap_units": "差距数量",
    "gap_amount": "差距金额(元)",
    "growth_rate": "增长率",
    "share": "占比",
    "run_rate_units": "按当前进度全期数量",
    "run_rate_amount": "按进度全期金额(元)",
    "last_year_amount": "去年同期金额(元)",
    "last_units": "上半年数量",
    "gap_rank": "差距排名",
    "visits_needed": "所需拜访",
    "working_days": "工作日",
    "capacity": "拜访能力",
    "utilisation_rate": "能力占用率",
    "shortfall_visits": "拜访缺口",
    "feasible": "可行",
    "final_units": "最终指标",
    "last_amount": "上半年金额(元)",
    "last_calls": "上半年拜访",
    "amount_per_call": "每次拜访金额(元)",
    "share_step": "份额调整",
    "forecast_step": "预测调整",
    "growth_step": "增长",
    "company_step": "公司调整",
    "procurement_step": "带量采购",
    "rounding_step": "取整",
    "sales": "销售额(元)",
    "sales_prev": "上期销售额(元)",
    "sales_share": "销售占比",
    "doctors": "医生数",
    "potential": "潜力",
    "potential_share": "潜力占比",
    "developed": "已开发",
    "doctors_short": "未达标医生",
    "required": "应拜访",
    "planned": "已排拜访",
    "shortfall": "缺口",
    "reason": "原因",
    "hint": "建议",
    "table": "数据表",
    "source": "来源",
    "rows": "行数",
    "dropped": "剔除行数",
    "last_year_units": "去年同期数量",
    "scenario": "情景",
    "mean": "预测",
    "lo_80": "80%下限",
    "hi_80": "80%上限",
    "lo_95": "95%下限",
    "hi_95": "95%上限",
    "doctor": "医生",
    "doctor_id": "医生编码",
    "tier": "分级",
    "rating": "用药评级",
    "title": "职称",
    "visits": "拜访次数",
    "date": "日期",
    "purpose": "目的",
    "next_step": "下一步",
    "status": "状态",
}
"""Canonical column → Chinese heading used in documents."""

_RATE_SUFFIXES = ("_rate", "_share", "share")
_MONEY = ("amount",)


def label_columns(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Rename canonical columns to their Chinese headings (unknown columns kept).

    Examples
    --------
    >>> label_columns(pd.DataFrame({"product": ["A"], "completion_rate": [0.5]})).columns.tolist()
    ['品种', '完成率']
    """
    names = {**COLUMN_LABELS, **(labels or {})}
    return frame.rename(columns=lambda c: names.get(c, c))


def _whole(value: float) -> str:
    """Thousands separators, no decimals, and never '-0'."""
    text = f"{value:,.0f}"
    return "0" if text == "-0" else text


def _format_for(column: str, series: pd.Series):
    name = str(column)
    if name.endswith(_RATE_SUFFIXES) or "_rate_" in name or name.startswith("coverage"):
        return "{:.1%}"
    if name in ("mase", "rmse", "mae", "bias", "score"):
        return "{:,.2f}"
    if name.endswith("per_day") and pd.api.types.is_float_dtype(series):
        return "{:,.1f}"  # 7.6 visits a day must not print as 8 next to a norm of 8
    if pd.api.types.is_bool_dtype(series):
        return lambda v: "是" if v else "否"
    if pd.api.types.is_float_dtype(series):
        return "{:,.2f}" if any(m in str(column) for m in _MONEY) else _whole
    if pd.api.types.is_integer_dtype(series):
        return "{:,}"
    return None


def display_table(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    max_rows: int = 30,
    highlight: str | None = "completion_rate",
    caption: str | None = None,
):
    """Style a table for a plan document (HTML): Chinese headings, %, separators.

    Parameters
    ----------
    frame
        Table with canonical column names; rates are fractions (0–1).
    labels
        Extra column labels.
    max_rows
        Rows shown; a note says how many more exist (the workbook has all).
    highlight
        A rate column to colour red below 100 % and green at or above.
    caption
        Caption above the table.

    Returns
    -------
    pandas Styler

    Examples
    --------
    >>> s = display_table(pd.DataFrame({"product": ["A"], "completion_rate": [0.5]}))
    >>> "50.0%" in s.to_html()
    True
    """
    shown = frame.head(max_rows)
    formats = {}
    for col in shown.columns:
        fmt = _format_for(col, shown[col])
        if fmt:
            formats[col] = fmt
    styler = (
        shown.style.format(formats, na_rep="–", escape="html")
        .format_index(escape="html", axis="index")
        .hide(axis="index")
        .set_table_styles([{"selector": "td, th", "props": "white-space: nowrap;"}])
    )
    if highlight and highlight in shown.columns:
        styler = styler.map(
            lambda v: "" if pd.isna(v) else ("color:#c00000" if v < 1 else "color:#548235"),
            subset=[highlight],
        )
    names = {**COLUMN_LABELS, **(labels or {})}
    headers = [html_text(names.get(c, c)) for c in shown.columns]
    styler = styler.relabel_index(headers, axis="columns")
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
