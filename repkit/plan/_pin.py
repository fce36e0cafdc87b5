"""One product's hospital × month targets under fixed cells, totals and bounds.

Private helper of :mod:`repkit.plan._overrides`. A product's cells form a grid of
hospitals × months; constraints fix or bound a cell, a hospital's half (row), a month
across hospitals (column) or the whole half. Fixed cells are pinned, the other cells
share the rest in proportion to the plan without overrides (iterative proportional
fitting over the fixed rows and columns and the pool of free ones), bounds that the
result crosses are pinned at the bound and the fit repeated, and the real values are
rounded to whole units that keep every fixed figure exact (largest remainder; with
fixed rows and columns together, a maximum flow picks the cells that round up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from repkit.messages import say
from repkit.plan._decompose import _round_groups

_TOL = 1e-7
_MAX_ROUNDS = 200


@dataclass
class Con:
    """A unit constraint of one product on a rectangle of its hospital × month cells.

    ``hospital``/``month`` None mean all; ``bound`` is eq, lo or hi; ``rule`` the id of
    the override it comes from.
    """

    hospital: str | None
    month: pd.Period | None
    bound: str
    value: int
    rule: int


@dataclass
class Grid:
    """A product's units (or prices) per hospital (rows) × month (columns)."""

    hospitals: list[str]
    months: list[pd.Period]
    units: np.ndarray
    _rows: dict[str, int] = field(init=False, repr=False)
    _cols: dict[pd.Period, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rows = {h: i for i, h in enumerate(self.hospitals)}
        self._cols = {m: j for j, m in enumerate(self.months)}

    def mask(self, hospital: str | None, month: pd.Period | None) -> np.ndarray:
        """Cells of a hospital (None: all) in a month (None: the half)."""
        out = np.zeros(self.units.shape, dtype=bool)
        if (hospital is not None and hospital not in self._rows) or (
            month is not None and month not in self._cols
        ):
            return out
        rows = slice(None) if hospital is None else self._rows[hospital]
        cols = slice(None) if month is None else self._cols[month]
        out[rows, cols] = True
        return out


class Infeasible(Exception):
    """Constraints that cannot hold: the rule code, the override ids, the excess."""

    def __init__(self, rule: str, rules: Sequence[int], excess: float, message: str):
        super().__init__(message)
        self.rule, self.rules, self.excess, self.message = rule, list(rules), excess, message


def solve(product: str, base: Grid, cons: list[Con]) -> np.ndarray:
    """Whole units of one product's grid under its constraints.

    The product's total is ``base``'s unless a constraint on the whole grid sets or
    bounds it; a product with no units takes the sum of its fixed figures.

    Raises
    ------
    Infeasible
        With the rule code (override_above_target, override_below_target,
        override_floor_above_cap), the overrides involved and the excess.
    """
    return _fit_product(product, base, cons)


def _fit_product(product: str, base: Grid, cons: list[Con]) -> np.ndarray:
    total = int(np.rint(base.units.sum()))
    eq: dict[tuple[Any, Any], Con] = {}
    bounds: list[Con] = []
    whole = [c for c in cons if c.hospital is None and c.month is None]
    fixed_whole = {(c.hospital, c.month): c for c in whole if c.bound == "eq"}
    _check_bounds(product, fixed_whole, [c for c in whole if c.bound != "eq"])
    for c in cons:
        scope = (c.hospital, c.month)
        if scope == (None, None):
            total = _new_total(total, c)
            continue
        if c.bound == "eq":
            if scope in eq and eq[scope].value != c.value:
                raise Infeasible(
                    "override_floor_above_cap",
                    [eq[scope].rule, c.rule],
                    abs(eq[scope].value - c.value),
                    say(
                        "override_floor_above_cap.fixed_twice",
                        product=product,
                        where=_where(scope),
                        first=eq[scope].value,
                        second=c.value,
                    ),
                )
            eq[scope] = c
        else:
            bounds.append(c)
    _check_bounds(product, eq, bounds)
    if total == 0 and not any(c.hospital is None and c.month is None for c in cons):
        total = _pinned_total(eq)
    weights = base.units.astype("float64")
    for _ in range(_MAX_ROUNDS):
        x = _fit(product, weights, base, total, eq)
        add = _crossed(x, base, bounds, eq)
        if not add:
            units = _round(x, base, total, eq)
            add = _crossed(units.astype("float64"), base, bounds, eq)
            if not add:
                return units
        for c in add:
            eq[(c.hospital, c.month)] = Con(c.hospital, c.month, "eq", c.value, c.rule)
    raise AssertionError("bounds did not settle")  # pragma: no cover


def _pinned_total(eq: dict[tuple[Any, Any], Con]) -> int:
    """Units a product without a target must have: its fixed hospitals and cells."""
    rows = {h: c.value for (h, m), c in eq.items() if h is not None and m is None}
    cells = sum(c.value for (h, m), c in eq.items() if m is not None and h not in rows)
    return sum(rows.values()) + (cells if not any(h is None for h, _ in eq) else 0)


def _new_total(total: int, c: Con) -> int:
    """The product's total after a constraint on the whole grid."""
    if c.bound == "eq":
        return c.value
    if c.bound == "lo":
        return max(total, c.value)
    return min(total, c.value)


def _where(scope: tuple[Any, Any]) -> str:
    h, m = scope
    return " ".join(str(v) for v in (h or say("word.whole_region"), m or say("word.whole_half")))


def _check_bounds(product: str, eq: dict[tuple[Any, Any], Con], bounds: list[Con]) -> None:
    """Floors above caps, or fixed figures outside their bounds, on the same cells."""
    by_scope: dict[tuple[Any, Any], dict[str, Con]] = {}
    for c in bounds:
        mine = by_scope.setdefault((c.hospital, c.month), {})
        old = mine.get(c.bound)
        if old is None or (c.value > old.value if c.bound == "lo" else c.value < old.value):
            mine[c.bound] = c
    for scope, b in by_scope.items():
        lo, hi, fixed = b.get("lo"), b.get("hi"), eq.get(scope)
        if lo and hi and lo.value > hi.value:
            raise Infeasible(
                "override_floor_above_cap",
                [lo.rule, hi.rule],
                lo.value - hi.value,
                say(
                    "override_floor_above_cap.floor",
                    product=product,
                    where=_where(scope),
                    floor=lo.value,
                    cap=hi.value,
                    gap=lo.value - hi.value,
                ),
            )
        for bound in (lo, hi):
            if (
                fixed
                and bound
                and (
                    fixed.value < bound.value if bound.bound == "lo" else fixed.value > bound.value
                )
            ):
                gap = abs(fixed.value - bound.value)
                raise Infeasible(
                    "override_floor_above_cap",
                    [fixed.rule, bound.rule],
                    gap,
                    say(
                        "override_floor_above_cap.fixed_below_floor"
                        if bound.bound == "lo"
                        else "override_floor_above_cap.fixed_above_cap",
                        product=product,
                        where=_where(scope),
                        fixed=fixed.value,
                        bound=bound.value,
                        gap=gap,
                    ),
                )


def _crossed(
    x: np.ndarray, base: Grid, bounds: list[Con], eq: dict[tuple[Any, Any], Con]
) -> list[Con]:
    out = []
    for c in bounds:
        if (c.hospital, c.month) in eq:
            continue
        got = float(x[base.mask(c.hospital, c.month)].sum())
        if (c.bound == "lo" and got < c.value - _TOL) or (c.bound == "hi" and got > c.value + _TOL):
            out.append(c)
    return out


def _groups(
    base: Grid, eq: dict[tuple[Any, Any], Con]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fixed-cell mask, row group and column group of every cell (-1: the free pool)."""
    fixed = np.zeros(base.units.shape, dtype=bool)
    row_g = np.full(len(base.hospitals), -1)
    col_g = np.full(len(base.months), -1)
    for h, m in eq:
        if h is not None and m is not None:
            fixed[base._rows[h], base._cols[m]] = True
        elif h is not None:
            row_g[base._rows[h]] = base._rows[h]
        else:
            col_g[base._cols[m]] = base._cols[m]
    return fixed, row_g, col_g


def _margins(
    product: str,
    base: Grid,
    total: int,
    eq: dict[tuple[Any, Any], Con],
    fixed_values: np.ndarray,
    free: np.ndarray,
    groups: np.ndarray,
    axis: int,
) -> dict[int, int]:
    """Units each row (axis 0) or column (axis 1) group must take over its free cells."""
    labels = base.hospitals if axis == 0 else base.months
    pinned = fixed_values.sum(axis=1 - axis)
    out: dict[int, int] = {}
    used = 0
    for i, label in enumerate(labels):
        if groups[i] >= 0:
            c = eq[(label, None) if axis == 0 else (None, label)]
            out[i] = c.value - int(pinned[i])
            used += c.value
            if out[i] < 0:
                cells = [v.rule for k, v in eq.items() if _inside(k, label, axis)]
                raise Infeasible(
                    "override_above_target",
                    [c.rule, *cells],
                    -out[i],
                    say(
                        "override_above_target.cells",
                        product=product,
                        label=label,
                        pinned=int(pinned[i]),
                        excess=-out[i],
                        total=c.value,
                    ),
                )
        else:
            used += int(pinned[i])
    out[-1] = total - used
    if out[-1] < 0:
        raise Infeasible(
            "override_above_target",
            [c.rule for c in eq.values()],
            -out[-1],
            say(
                "override_above_target.product",
                product=product,
                used=used,
                excess=-out[-1],
                total=total,
            ),
        )
    for g, need in out.items():
        if need > 0 and not _group_cells(free, groups, g, axis).any():
            where = say("word.other_cells") if g < 0 else str(labels[g])
            raise Infeasible(
                "override_below_target",
                [c.rule for c in eq.values()],
                need,
                say("override_below_target.nowhere", product=product, need=need, where=where),
            )
    return out


def _group_cells(free: np.ndarray, groups: np.ndarray, g: int, axis: int) -> np.ndarray:
    """Free cells of row group (axis 0) or column group (axis 1) ``g`` (-1: the pool)."""
    member = groups == g if g >= 0 else groups < 0
    return free & (member[:, None] if axis == 0 else member[None, :])


def _inside(scope: tuple[Any, Any], label: Any, axis: int) -> bool:
    h, m = scope
    return h is not None and m is not None and (h == label if axis == 0 else m == label)


def _fixed_values(base: Grid, eq: dict[tuple[Any, Any], Con]) -> np.ndarray:
    values = np.zeros(base.units.shape)
    for (h, m), c in eq.items():
        if h is not None and m is not None:
            values[base._rows[h], base._cols[m]] = c.value
    return values


def _fit(
    product: str,
    weights: np.ndarray,
    base: Grid,
    total: int,
    eq: dict[tuple[Any, Any], Con],
) -> np.ndarray:
    """Real units: fixed cells as given, the rest in proportion to ``weights``.

    The free cells are scaled to the row and column totals (iterative proportional
    fitting over the fixed rows and columns and the pool of the others).
    """
    fixed, row_g, col_g = _groups(base, eq)
    values = _fixed_values(base, eq)
    free = ~fixed
    rows = _margins(product, base, total, eq, values, free, row_g, 0)
    cols = _margins(product, base, total, eq, values, free, col_g, 1)
    x = np.where(free, weights, 0.0)
    for margins, groups, axis in ((rows, row_g, 0), (cols, col_g, 1)):
        for g, need in margins.items():
            sel = _group_cells(free, groups, g, axis)
            if need > 0 and x[sel].sum() <= 0:
                x[sel] = 1.0
    err = 0.0
    for _ in range(1000):
        x = _scale(x, free, row_g, rows, 0)
        x = _scale(x, free, col_g, cols, 1)
        err = max(abs(x[_group_cells(free, row_g, g, 0)].sum() - n) for g, n in rows.items())
        if err <= 1e-9 * max(total, 1):
            return np.where(fixed, values, x)
    raise Infeasible(
        "override_below_target",
        [c.rule for c in eq.values()],
        float(err),
        say("override_below_target.margins", product=product, off=err),
    )


def _scale(
    x: np.ndarray, free: np.ndarray, groups: np.ndarray, need: dict[int, int], axis: int
) -> np.ndarray:
    out = x.copy()
    for g, n in need.items():
        sel = _group_cells(free, groups, g, axis)
        s = out[sel].sum()
        if s > 0:
            out[sel] *= n / s
    return out


def _round(x: np.ndarray, base: Grid, total: int, eq: dict[tuple[Any, Any], Con]) -> np.ndarray:
    """Whole units with every fixed cell, row, column and the total exact.

    Largest remainder within the row groups (or the column groups when only months are
    fixed); with both, a maximum flow chooses which cells round up.
    """
    fixed, row_g, col_g = _groups(base, eq)
    values = _fixed_values(base, eq)
    free = ~fixed
    out = np.where(fixed, values, 0).astype("int64")
    rows = _margins("", base, total, eq, values, free, row_g, 0)
    cols = _margins("", base, total, eq, values, free, col_g, 1)
    idx = np.argwhere(free)
    real = x[free]
    has_rows, has_cols = (row_g >= 0).any(), (col_g >= 0).any()
    if has_rows and has_cols:
        out[free] = _flow_round(real, row_g[idx[:, 0]], col_g[idx[:, 1]], rows, cols)
        return out
    gid = col_g[idx[:, 1]] if has_cols else row_g[idx[:, 0]]
    margins = cols if has_cols else rows
    keys = sorted(margins)
    totals = np.array([margins[k] for k in keys], dtype="int64")
    out[free] = _round_groups(real, np.searchsorted(keys, gid), totals, np.maximum(real, 1e-12))
    return out


def _flow_round(
    real: np.ndarray, rg: np.ndarray, cg: np.ndarray, rows: dict[int, int], cols: dict[int, int]
) -> np.ndarray:
    """Cells rounded up so every row and column group hits its total (maximum flow)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    low = np.floor(real + 1e-9).astype("int64")
    frac = np.clip(real - low, 0.0, None)
    rkeys, ckeys = sorted(rows), sorted(cols)
    r_of = {k: i for i, k in enumerate(rkeys)}
    c_of = {k: i for i, k in enumerate(ckeys)}
    nr, nc = len(rkeys), len(ckeys)
    src, sink = 0, 1 + nr + nc
    cap: dict[tuple[int, int], int] = {}
    for k in rkeys:
        cap[(src, 1 + r_of[k])] = rows[k] - int(low[rg == k].sum())
    for k in ckeys:
        cap[(1 + nr + c_of[k], sink)] = cols[k] - int(low[cg == k].sum())
    up = frac > 1e-9
    for i in np.flatnonzero(up):
        key = (1 + r_of[rg[i]], 1 + nr + c_of[cg[i]])
        cap[key] = cap.get(key, 0) + 1
    keys = list(cap)
    graph = csr_matrix(
        ([max(cap[k], 0) for k in keys], ([k[0] for k in keys], [k[1] for k in keys])),
        shape=(sink + 1, sink + 1),
        dtype=np.int32,
    )
    flow = maximum_flow(graph, src, sink).flow.tocsr()
    out = low.copy()
    for a, b in keys:
        if a == src or b == sink:
            continue
        n = int(flow[a, b])
        cells = np.flatnonzero(up & (rg == rkeys[a - 1]) & (cg == ckeys[b - 1 - nr]))
        order = cells[np.lexsort((cells, -frac[cells]))]
        out[order[:n]] += 1
    return out
