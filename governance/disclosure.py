"""Small-number suppression (statistical disclosure control), pure Python.

Rules for every table the plugin publishes from record-level data (Processing counts, compare
periods, the ward atlas):

* **Primary suppression**: a count ``0 < n < threshold`` (default 5) is not shown. Totals are
  cells like any other: a total below the threshold is suppressed too.
* **Secondary (complementary) suppression**: a reader who knows the shown cells and totals can
  bound a hidden cell by linear programming. Every primary cell is therefore hidden together with
  three more cells that form a rectangle with it in the table with its margins (same row, same
  column, and the opposite corner; a corner may be a total). Moving ``d`` incidents round such a
  rectangle (+d, −d, +d, −d) keeps every row and column sum, so every value from
  ``true − down`` to ``true + up`` is consistent with what is published. A rectangle is only taken
  when ``up + down ≥ threshold``; the reader's interval for each of its four cells is then at least
  the threshold wide. Rectangles of interior cells are preferred to ones using totals, the grand
  total is used last; the three totals of a cell's row, column and table always work.
* **Zero rule**: a true zero is not disclosive and is always shown as 0; a zero is never hidden,
  not even as a complementary cell. A reader therefore knows that every hidden cell is at least 1,
  and the protection is worked out with that bound: a rectangle's "down" room at a cell is its
  value minus 1. The linear-programming audit (``tests/test_disclosure_audit.py``) gives the reader
  the same knowledge (hidden cells ≥ 1). This is what the old rule got wrong: with zeros shown and
  four hidden cells in a row whose total was 5, each could only be 1 or 2.
* **One label for every hidden cell** (primary or complementary alike): a "<5" label would itself
  tell the reader that the cell is 1–4.

The table is checked as if all its margins were published (row totals, column totals and the
grand total), even where an output leaves some out: a reader may know them from elsewhere.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence
from . import keys

DEFAULT_THRESHOLD = 5
THRESHOLD_SETTING = keys.SUPPRESSION_THRESHOLD
#: how many of the best shown cells of a row/column are tried as complementary cells first
_CANDIDATES = 8


def configured_threshold() -> int:
    """The threshold set in Options ▸ SafeStats (never below DEFAULT_THRESHOLD)."""
    try:
        from qgis.core import QgsSettings
        value = int(QgsSettings().value(THRESHOLD_SETTING, DEFAULT_THRESHOLD))
    except (ImportError, TypeError, ValueError):
        value = DEFAULT_THRESHOLD
    return max(DEFAULT_THRESHOLD, value)


def is_disclosive(count: Optional[int], threshold: int = DEFAULT_THRESHOLD, suppress_zero: bool = False) -> bool:
    if count is None:
        return False
    if count == 0:
        return suppress_zero
    return 0 < count < threshold


def primary(counts: Sequence[Optional[int]], threshold: int = DEFAULT_THRESHOLD,
            suppress_zero: bool = False) -> list[Optional[int]]:
    """Counts with disclosive values replaced by ``None``."""
    return [None if is_disclosive(c, threshold, suppress_zero) else c for c in counts]


@dataclass
class SuppressedTable:
    """``cells[r][c]``; totals included. ``None`` = suppressed.

    ``primary_cells``/``secondary_cells`` hold ``(row, col)`` positions in the table extended by its
    margins (``row == rows`` is the column-total row, ``col == cols`` the row-total column); they
    are for the analyst's log, never for the published output."""

    cells: list[list[Optional[int]]]
    row_totals: list[Optional[int]]
    col_totals: list[Optional[int]]
    grand_total: Optional[int]
    primary_count: int
    secondary_count: int
    primary_cells: frozenset = frozenset()
    secondary_cells: frozenset = frozenset()


class _Grid:
    """The table with its margins as one (rows+1) x (cols+1) grid.

    With ``sign`` -1 on the row and column totals (+1 on interior cells and the grand total) every
    row and every column of ``sign * value`` sums to zero; moving round a rectangle keeps that."""

    def __init__(self, table: Sequence[Sequence[int]]) -> None:
        self.rows = len(table)
        self.cols = len(table[0]) if self.rows else 0
        self.v = [list(map(int, r)) + [sum(map(int, r))] for r in table]
        self.v.append([sum(int(table[r][c]) for r in range(self.rows)) for c in range(self.cols)]
                      + [sum(sum(map(int, r)) for r in table)])

    def interior(self, r: int, c: int) -> bool:
        return r < self.rows and c < self.cols

    def sign(self, r: int, c: int) -> int:
        return -1 if (r == self.rows) != (c == self.cols) else 1

    def width(self, t: tuple[int, int], r2: int, c2: int) -> float:
        """How far the value of ``t`` can move (down + up) round the rectangle t, (r2, c2)."""
        r1, c1 = t
        corners = ((r1, c1, 1), (r1, c2, -1), (r2, c1, -1), (r2, c2, 1))
        total = 0.0
        for direction in (1, -1):
            step = self.sign(r1, c1) * direction  # change of sign*value at t per incident
            cap = math.inf
            for r, c, parity in corners:
                change = self.sign(r, c) * parity * step  # change of the value at (r, c)
                if change < 0 and self.interior(r, c):
                    cap = min(cap, self.v[r][c] - 1)  # a hidden cell is known to be at least 1
            total += cap
        return total

    def cost(self, cells: list[tuple[int, int]]) -> tuple:
        """Information lost by hiding ``cells``: how many, how many totals, the grand total, their sum."""
        margins = sum(1 for r, c in cells if not self.interior(r, c))
        grand = sum(1 for r, c in cells if r == self.rows and c == self.cols)
        return (grand, margins, len(cells), sum(self.v[r][c] for r, c in cells))


def _line_candidates(grid: _Grid, hidden: list[list[bool]], cells: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Hidden cells of a line first, then its smallest shown interior values, then its total."""
    hid = [rc for rc in cells if hidden[rc[0]][rc[1]]]
    shown = sorted((rc for rc in cells if not hidden[rc[0]][rc[1]] and grid.interior(*rc)
                    and grid.v[rc[0]][rc[1]] > 0), key=lambda rc: grid.v[rc[0]][rc[1]])
    # values of at least the threshold protect on their own; a few small ones may combine
    margin = [rc for rc in cells if not grid.interior(*rc)]
    return hid[:_CANDIDATES] + shown[:_CANDIDATES] + margin


def _protect(grid: _Grid, hidden: list[list[bool]], t: tuple[int, int], threshold: int,
             exhaustive: bool) -> list[tuple[int, int]]:
    """The cheapest rectangle through ``t`` whose width is at least ``threshold`` (its 4 corners)."""
    r1, c1 = t
    if exhaustive:
        rows = [r for r in range(grid.rows + 1) if r != r1]
        cols = [c for c in range(grid.cols + 1) if c != c1]
    else:
        rows = [r for r, _c in _line_candidates(grid, hidden, [(r, c1) for r in range(grid.rows + 1) if r != r1])]
        cols = [c for _r, c in _line_candidates(grid, hidden, [(r1, c) for c in range(grid.cols + 1) if c != c1])]
    best: Optional[tuple[tuple, list[tuple[int, int]]]] = None
    for r2 in rows:
        for c2 in cols:
            corners = [t, (r1, c2), (r2, c1), (r2, c2)]
            new = [rc for rc in corners if not hidden[rc[0]][rc[1]]]
            if any(grid.v[r][c] == 0 for r, c in new):
                continue  # zero rule: zeros are never hidden
            if grid.width(t, r2, c2) < threshold:
                continue
            key = grid.cost(new)
            if best is None or key < best[0]:
                best = (key, corners)
    return best[1] if best is not None else []


def suppress_table(table: Sequence[Sequence[int]], threshold: int = DEFAULT_THRESHOLD,
                   suppress_zero: bool = False) -> SuppressedTable:
    """Primary + secondary suppression of a 2-D table of counts with margins (see the module doc)."""
    grid = _Grid(table)
    rows, cols = grid.rows, grid.cols
    if any(len(r) != cols for r in table):
        raise ValueError("table rows must all have the same length")
    if threshold < 1:
        raise ValueError("the threshold must be at least 1")
    hidden = [[is_disclosive(v, threshold, suppress_zero) for v in row] for row in grid.v]
    primaries = [(r, c) for r in range(rows + 1) for c in range(cols + 1) if hidden[r][c]]
    secondaries: set[tuple[int, int]] = set()
    protected: set[tuple[int, int]] = set()
    if rows and cols:
        # the smallest first: they need the widest rectangles
        for t in sorted(primaries, key=lambda rc: grid.v[rc[0]][rc[1]]):
            if t in protected:
                continue
            corners = _protect(grid, hidden, t, threshold, exhaustive=False) or \
                _protect(grid, hidden, t, threshold, exhaustive=True)
            if not corners:  # cannot happen: row, column and grand totals always work
                raise RuntimeError("no complementary suppression found")
            for r, c in corners:
                if not hidden[r][c]:
                    hidden[r][c] = True
                    secondaries.add((r, c))
                protected.add((r, c))

    def val(r: int, c: int) -> Optional[int]:
        return None if hidden[r][c] else grid.v[r][c]

    return SuppressedTable(
        cells=[[val(r, c) for c in range(cols)] for r in range(rows)],
        row_totals=[val(r, cols) for r in range(rows)],
        col_totals=[val(rows, c) for c in range(cols)],
        grand_total=val(rows, cols), primary_count=len(primaries), secondary_count=len(secondaries),
        primary_cells=frozenset(primaries), secondary_cells=frozenset(secondaries))


def round_to(count: Optional[int], base: int = 5) -> Optional[int]:
    """Round to the nearest ``base`` (as the store does for aggregate-only users)."""
    if count is None:
        return None
    return int(base * round(count / base))
