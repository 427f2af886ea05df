"""Independent linear-programming audit of published tables (test helper, uses scipy).

For every suppressed cell of a published table, the smallest and largest values consistent with
what is published — the shown cells, the shown totals, and every hidden count being at least 1
(the plugin's zero rule: zeros are always shown, so a reader knows a hidden cell is not 0) — are found with ``scipy.optimize.linprog``. This
does not use the suppression code's own reasoning (rectangles); it only reads what is published.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np
from scipy.optimize import linprog


def intervals(cells: Sequence[Sequence[Optional[int]]], row_totals: Optional[Sequence[Optional[int]]] = None,
              col_totals: Optional[Sequence[Optional[int]]] = None, grand_total: Optional[int] = None,
              lower: float = 1.0) -> dict[tuple, tuple[float, float]]:
    """``{position: (min, max)}`` for every hidden value (``None``) among the published ones.

    Positions: ``(r, c)`` for cells, ``(r, "total")`` for row totals, ``("total", c)`` for column
    totals and ``("total", "total")``. A total passed as ``None`` in a list counts as published but
    hidden; a whole list passed as ``None`` means that margin is not published at all."""
    rows, cols = len(cells), len(cells[0]) if cells else 0
    n = rows * cols

    def var(r: int, c: int) -> int:
        return r * cols + c

    a_eq, b_eq = [], []
    targets: dict[tuple, np.ndarray] = {}

    def publish(coeffs: np.ndarray, value: Optional[int], key: tuple) -> None:
        if value is None:
            targets[key] = coeffs
        else:
            a_eq.append(coeffs)
            b_eq.append(float(value))

    bounds = []
    for r in range(rows):
        for c in range(cols):
            v = np.zeros(n)
            v[var(r, c)] = 1
            if cells[r][c] is None:
                targets[(r, c)] = v
                bounds.append((lower, None))  # ``lower``: what the reader knows of a hidden cell
            else:
                bounds.append((float(cells[r][c]), float(cells[r][c])))
    if row_totals is not None:
        for r in range(rows):
            v = np.zeros(n)
            v[[var(r, c) for c in range(cols)]] = 1
            publish(v, row_totals[r], (r, "total"))
    if col_totals is not None:
        for c in range(cols):
            v = np.zeros(n)
            v[[var(r, c) for r in range(rows)]] = 1
            publish(v, col_totals[c], ("total", c))
    if grand_total is not None or (row_totals is not None and col_totals is not None):
        publish(np.ones(n), grand_total, ("total", "total"))
    A = np.array(a_eq) if a_eq else None
    b = np.array(b_eq) if b_eq else None
    out = {}
    for key, coeffs in targets.items():
        ends = []
        for sense in (1, -1):
            res = linprog(sense * coeffs, A_eq=A, b_eq=b, bounds=bounds, method="highs")
            if res.status == 3:  # unbounded
                ends.append(-math.inf * sense)
            else:
                assert res.status == 0, res.message
                ends.append(sense * res.fun)
        out[key] = (ends[0], ends[1])
    return out


def narrow(found: dict[tuple, tuple[float, float]], threshold: int) -> dict[tuple, tuple[float, float]]:
    """The hidden values a reader can pin to an interval narrower than the threshold."""
    return {k: (lo, hi) for k, (lo, hi) in found.items() if hi - lo < threshold - 1e-6}
