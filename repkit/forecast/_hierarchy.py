"""Coherent forecasts for a hierarchy: region → hospital level → product adds up.

Forecasting every node on its own (total, each region, each region × level, …) gives
numbers that do not add up. Reconciliation maps the base forecasts ``ŷ`` of all nodes to
coherent ones ``S P ŷ``, where the summing matrix ``S`` (nodes × bottom series) says which
bottom series make up each node and ``P`` is:

* ``bottom_up`` — keep the bottom forecasts, add them up;
* ``top_down`` — split the total by each bottom series' share of the last twelve months;
* ``ols`` — ``(SᵀS)⁻¹Sᵀ``, the closest coherent forecasts;
* ``wls`` — weighted by each node's in-sample error variance;
* ``mint_shrink`` — MinT (Wickramasuriya, Athanasopoulos & Hyndman 2019) with the
  in-sample error covariance shrunk towards its diagonal (Schäfer–Strimmer).

This is the whole of what hierarchicalforecast does for these methods, in a few lines of
numpy; the dependency (and its polars/numba stack) would not pay. Interval bounds are
moved with the mean (their widths are kept), an approximation stated in the output.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from repkit.forecast._engine import SELECT_WINDOWS

ALL = "(all)"
"""Key value of an aggregated level, e.g. product ``(all)`` in a region's total row."""

RECONCILE_METHODS = ("bottom_up", "top_down", "ols", "wls", "mint_shrink")
"""Valid ``method`` values of :func:`reconcile`."""


def _check_method(method: str) -> None:
    if method not in RECONCILE_METHODS:
        raise ValueError(f"method must be one of {', '.join(RECONCILE_METHODS)}; got {method!r}")


def summing_matrix(bottom: pd.DataFrame, levels: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Nodes of the hierarchy and the summing matrix.

    Parameters
    ----------
    bottom
        The distinct bottom series: one row per combination of ``levels``.
    levels
        Key columns from the top of the hierarchy to the bottom.

    Returns
    -------
    tuple
        Node keys (total first, then each level; aggregated columns hold :data:`ALL`) and
        ``S`` (nodes × bottom series, in the order of the last nodes) of zeros and ones.
    """
    levels = list(levels)
    bottom = bottom[levels].astype(str).drop_duplicates()
    bottom = bottom.sort_values(levels, kind="stable").reset_index(drop=True)
    nodes = []
    rows = []
    for depth in range(len(levels) + 1):
        head = levels[:depth]
        groups = bottom.groupby(head, sort=True).indices if head else {(): np.arange(len(bottom))}
        for key, idx in groups.items():
            key = key if isinstance(key, tuple) else (key,)
            nodes.append(dict(zip(levels, [*key, *[ALL] * (len(levels) - depth)], strict=True)))
            row = np.zeros(len(bottom))
            row[idx] = 1.0
            rows.append(row)
    # the bottom nodes come last, in the order of S's columns
    return pd.DataFrame(nodes, columns=levels), np.array(rows)


def _shrunk_covariance(resid: np.ndarray) -> np.ndarray:
    """Schäfer–Strimmer shrinkage of the error covariance towards its diagonal.

    ``resid`` is months × nodes and may have gaps (series that start later, months
    without a fitted value): variances and correlations use the months each node or pair
    has. The shrinkage intensity is raised until the matrix is positive definite.
    """
    ok = np.isfinite(resid)
    cnt = ok.sum(axis=0)
    mean = np.where(ok, resid, 0.0).sum(axis=0) / np.maximum(cnt, 1)
    x = np.where(ok, resid - mean, 0.0)
    var = (x**2).sum(axis=0) / np.maximum(cnt - 1, 1)
    known = (cnt >= 2) & (var > 0)
    fallback = float(np.max(var[known])) if known.any() else 1.0
    var = np.where(cnt >= 2, var, fallback)
    sd = np.sqrt(np.where(var > 0, var, 1.0))
    xs = x / sd
    pairs = ok.T.astype(float) @ ok
    s1 = xs.T @ xs  # sum over months of w_tij = xs_ti xs_tj
    s2 = (xs**2).T @ (xs**2)  # sum of w_tij squared
    usable = pairs >= 3
    corr = np.where(usable, s1 / np.maximum(pairs - 1, 1), 0.0)
    var_r = np.where(
        usable, pairs / np.maximum(pairs - 1, 1) ** 3 * (s2 - s1**2 / np.maximum(pairs, 1)), 0.0
    )
    off = ~np.eye(len(var), dtype=bool)
    denom = (corr[off] ** 2).sum()
    lam = float(np.clip(var_r[off].sum() / denom, 0.0, 1.0)) if denom > 0 else 1.0
    true_sd = np.sqrt(var)
    while True:
        shrunk = (1 - lam) * corr
        np.fill_diagonal(shrunk, 1.0)
        if lam >= 1.0 or np.linalg.eigvalsh(shrunk).min() > 1e-8:
            return shrunk * np.outer(true_sd, true_sd)
        lam = min(1.0, lam + max(0.05, (1 - lam) / 4))


def _projection(S: np.ndarray, method: str, *, W=None, shares=None) -> np.ndarray:
    """P (bottom × nodes) so that the coherent forecasts are S @ P @ base."""
    n_nodes, n_bottom = S.shape
    if method == "bottom_up":
        P = np.zeros((n_bottom, n_nodes))
        P[:, n_nodes - n_bottom :] = np.eye(n_bottom)
        return P
    if method == "top_down":
        P = np.zeros((n_bottom, n_nodes))
        P[:, 0] = shares
        return P
    if method == "ols":
        W = np.eye(n_nodes)
    W = np.asarray(W, dtype=float)
    scale = float(np.mean(np.abs(np.diag(W)))) or 1.0
    W = W + np.eye(n_nodes) * scale * 1e-8
    Winv_S = np.linalg.solve(W, S)
    return np.linalg.solve(S.T @ Winv_S, Winv_S.T)


def _bottom_order(node_keys: pd.DataFrame, levels: list[str]) -> np.ndarray:
    depth = (node_keys[levels] != ALL).sum(axis=1).to_numpy()
    return np.flatnonzero(depth == len(levels))


def reconcile(
    forecasts: pd.DataFrame,
    *,
    levels: Sequence[str],
    method: str = "mint_shrink",
    residuals: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
    month: str = "month",
    value: str = "units",
) -> pd.DataFrame:
    """Make forecasts of every node of a hierarchy add up.

    Parameters
    ----------
    forecasts
        Base forecasts of every node: the ``levels`` columns (:data:`ALL` where a level
        is aggregated, e.g. product ``(all)`` for a region's total), ``month``, ``mean``
        and optional ``lo_*``/``hi_*`` bounds. Every node must have every month.
    levels
        Key columns from the top of the hierarchy to the bottom, e.g.
        ``["region", "level", "product"]``.
    method
        One of :data:`RECONCILE_METHODS`.
    residuals
        In-sample one-step errors per node (``levels``, ``month``, ``residual``); needed
        by ``wls`` and ``mint_shrink``.
    history
        Bottom-level actuals (``levels``, ``month``, ``value``); needed by ``top_down``
        (shares of the last twelve months).
    month, value
        Column names of the month and, in ``history``, of the sales.

    Returns
    -------
    DataFrame
        ``forecasts`` with ``mean`` reconciled (bounds moved with it) and the original in
        ``base_mean``. Every aggregated node equals the sum of its bottom series.

    Raises
    ------
    ValueError
        Unknown method, missing nodes or months, or missing ``residuals``/``history``.

    Examples
    --------
    >>> ALL = rk.forecast.ALL
    >>> base = pd.DataFrame({
    ...     "region": [ALL, "north", "south"],
    ...     "month": pd.PeriodIndex(["2026-07"] * 3, freq="M"),
    ...     "mean": [100.0, 70.0, 40.0],
    ... })
    >>> out = rk.forecast.reconcile(base, levels=["region"], method="ols")
    >>> out["mean"].round(2).tolist()
    [103.33, 66.67, 36.67]
    """
    _check_method(method)
    levels = list(levels)
    missing = [c for c in (*levels, month, "mean") if c not in forecasts.columns]
    if missing:
        raise ValueError(f"forecasts has no column {missing[0]!r}")
    fc = forecasts.copy()
    for c in levels:
        fc[c] = fc[c].astype(str)
    depth = (fc[levels] != ALL).sum(axis=1)
    bottom = fc.loc[depth == len(levels), levels].drop_duplicates()
    if bottom.empty:
        raise ValueError("forecasts has no bottom-level rows (all levels given)")
    nodes, S = summing_matrix(bottom, levels)
    months = pd.PeriodIndex(sorted(fc[month].unique()), freq="M")
    node_index = pd.MultiIndex.from_frame(nodes)
    key = pd.MultiIndex.from_frame(fc[levels])
    extra = key.difference(node_index)
    if len(extra):
        raise ValueError(
            f"forecasts has rows that are not nodes of the hierarchy: {extra[:3].tolist()}"
        )
    wide = fc.set_index([*levels, month])["mean"].unstack(month)
    wide = wide.reindex(index=node_index, columns=months)
    if wide.isna().any().any():
        gap = wide[wide.isna().any(axis=1)].index[0]
        raise ValueError(
            f"node {dict(zip(levels, gap, strict=True))} has no forecast for some months; "
            "give every node (including totals marked (all)) every month"
        )
    base = wide.to_numpy(dtype="float64")
    W = shares = None
    if method in ("wls", "mint_shrink"):
        if residuals is None:
            raise ValueError(f"method {method!r} needs residuals (levels, month, residual)")
        res = residuals.copy()
        for c in levels:
            res[c] = res[c].astype(str)
        rw = res.set_index([*levels, month])["residual"].unstack(month).reindex(node_index)
        R = rw.to_numpy(dtype="float64").T  # months × nodes
        W = _shrunk_covariance(R)
        if method == "wls":
            W = np.diag(np.diag(W))
        diag = np.diag(W).copy()
        floor = max(float(np.nanmax(diag)) * 1e-6, 1e-12)
        W[np.diag_indices_from(W)] = np.maximum(diag, floor)
    if method == "top_down":
        if history is None:
            raise ValueError("method 'top_down' needs history (levels, month, value)")
        hist = history.copy()
        for c in levels:
            hist[c] = hist[c].astype(str)
        hmonths = pd.PeriodIndex(hist[month], freq="M")
        recent = hist[hmonths > hmonths.max() - 12]
        sums = recent.groupby(levels)[value].sum()
        b = pd.MultiIndex.from_frame(nodes.iloc[_bottom_order(nodes, levels)])
        sums = sums.reindex(b, fill_value=0.0).to_numpy(dtype="float64")
        total = sums.sum()
        shares = sums / total if total != 0 else np.full(len(sums), 1 / len(sums))
    P = _projection(S, method, W=W, shares=shares)
    coherent = S @ (P @ base)
    delta = pd.DataFrame(coherent - base, index=wide.index, columns=months)
    fixed = pd.DataFrame(coherent, index=wide.index, columns=months)
    lookup = pd.MultiIndex.from_frame(fc[levels])
    rows = fixed.reindex(lookup)
    pos = months.get_indexer(pd.PeriodIndex(fc[month], freq="M"))
    new_mean = rows.to_numpy()[np.arange(len(fc)), pos]
    shift = delta.reindex(lookup).to_numpy()[np.arange(len(fc)), pos]
    out = forecasts.copy()
    out["base_mean"] = out["mean"].astype("float64")
    out["mean"] = new_mean
    for c in out.columns:
        if c.startswith(("lo_", "hi_")):
            out[c] = out[c].astype("float64") + shift
    out.attrs["reconcile"] = method
    return out


def forecast_hierarchy(
    frame: pd.DataFrame,
    horizon: int,
    *,
    levels: Sequence[str],
    month: str = "month",
    value: str = "units",
    reconcile_method: str = "mint_shrink",
    method: str = "auto",
    level: Sequence[int] = (80, 95),
    calendar: str = "auto",
    windows: int = SELECT_WINDOWS,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Forecast every node of a hierarchy and reconcile them so that they add up.

    Parameters
    ----------
    frame
        Long sales table with the ``levels`` columns, ``month`` and ``value`` (rows are
        added up per node and month).
    horizon, method, level, calendar, windows, n_jobs
        As in :func:`forecast_many`.
    levels
        Key columns from the top to the bottom, e.g. ``["region", "level", "product"]``.
    reconcile_method
        One of :data:`RECONCILE_METHODS`.

    Returns
    -------
    DataFrame
        One row per node × month: the ``levels`` (:data:`ALL` where aggregated),
        ``month``, ``mean``, bounds, ``base_mean`` (before reconciliation), ``model``,
        ``kind``, ``calendar``. Totals come first, then each level.

    Examples
    --------
    >>> months = pd.period_range("2023-07", periods=36, freq="M")
    >>> t = np.arange(36.0)
    >>> frame = pd.DataFrame({
    ...     "region": ["north"] * 72 + ["south"] * 36,
    ...     "product": ["A"] * 36 + ["B"] * 36 + ["A"] * 36,
    ...     "month": list(months) * 3,
    ...     "units": np.r_[100 + t, 50 + t % 12, 80 - t / 2],
    ... })
    >>> fc = rk.forecast.forecast_hierarchy(frame, 6, levels=["region", "product"],
    ...                                     method="fast")
    >>> total = fc[fc["region"] == rk.forecast.ALL].set_index("month")["mean"]
    >>> bottom = fc[fc["product"] != rk.forecast.ALL].groupby("month")["mean"].sum()
    >>> bool(np.allclose(total, bottom))
    True
    """
    from repkit.forecast import _engine
    from repkit.forecast._api import _check_args, _results_frame, _run_chunks
    from repkit.forecast._input import long_to_series

    _check_method(reconcile_method)
    levels_ = _check_args(horizon, method, level, calendar)
    keys = list(levels)
    missing = [c for c in (*keys, month, value) if c not in frame.columns]
    if missing:
        raise ValueError(
            f"frame has no column {missing[0]!r}; its columns are {list(frame.columns)}"
        )
    parts = []
    base = frame[[*keys, month, value]].copy()
    for c in keys:
        base[c] = base[c].astype(str)
    for depth in range(len(keys) + 1):
        part = base.copy()
        for c in keys[depth:]:
            part[c] = ALL
        parts.append(part)
    stacked = pd.concat(parts, ignore_index=True)
    series = long_to_series(stacked, keys=keys, month=month, value=value, align=True)
    _engine.assign_calendar(series, calendar, pooled=True)
    results = _run_chunks(
        series, int(horizon), n_jobs=n_jobs, method=method, levels=levels_, windows=windows
    )
    fc = _results_frame(results, keys, levels_)
    resid = pd.DataFrame(
        {
            **{
                k: np.concatenate([[r.key[j]] * len(r.history) for r in results])
                for j, k in enumerate(keys)
            },
            month: pd.PeriodIndex(np.concatenate([np.asarray(r.history) for r in results])),
            "residual": np.concatenate(
                [s.y - r.fitted for s, r in zip(series, results, strict=True)]
            ),
        }
    )
    out = reconcile(
        fc,
        levels=keys,
        method=reconcile_method,
        residuals=resid,
        history=base,
        month=month,
        value=value,
    )
    depth = (out[keys] != ALL).sum(axis=1)
    out = out.assign(_d=depth).sort_values(["_d", *keys, month], kind="stable")
    cols = [
        *keys,
        month,
        "mean",
        *[c for c in fc.columns if c.startswith(("lo_", "hi_"))],
        "base_mean",
        "model",
        "kind",
        "calendar",
    ]
    return out.drop(columns="_d")[cols].reset_index(drop=True)
