"""Small-number suppression (statistical disclosure control), pure Python.

* Primary suppression: a count ``0 < n < threshold`` (default 5) is not shown.
* Secondary suppression for a table published with row and column totals: if a row or column
  (totals included) has exactly one hidden value, it could be recovered by subtraction, so the
  smallest other shown value in that line is hidden too; repeated until no line has exactly
  one hidden value. Totals below the threshold are primary-suppressed as well.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

DEFAULT_THRESHOLD = 5
THRESHOLD_SETTING = "safestats/suppression_threshold"


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
    """``cells[r][c]``; totals included. ``None`` = suppressed."""

    cells: list[list[Optional[int]]]
    row_totals: list[Optional[int]]
    col_totals: list[Optional[int]]
    grand_total: Optional[int]
    primary_count: int
    secondary_count: int


def suppress_table(table: Sequence[Sequence[int]], threshold: int = DEFAULT_THRESHOLD,
                   suppress_zero: bool = False) -> SuppressedTable:
    """Primary + secondary suppression of a 2-D table of counts with margins."""
    rows = len(table)
    cols = len(table[0]) if rows else 0
    if any(len(r) != cols for r in table):
        raise ValueError("table rows must all have the same length")
    # extended grid: (rows+1) x (cols+1); last row/col are totals
    grid = [list(map(int, r)) + [sum(r)] for r in table]
    grid.append([sum(table[r][c] for r in range(rows)) for c in range(cols)] + [sum(map(sum, table))])
    hidden = [[is_disclosive(v, threshold, suppress_zero) for v in row] for row in grid]
    primary_count = sum(map(sum, hidden))

    def lines() -> list[list[tuple[int, int]]]:
        out = []
        for r in range(rows + 1):
            out.append([(r, c) for c in range(cols + 1)])
        for c in range(cols + 1):
            out.append([(r, c) for r in range(rows + 1)])
        return out

    secondary = 0
    changed = True
    while changed:
        changed = False
        for line in lines():
            n_hidden = sum(hidden[r][c] for r, c in line)
            if n_hidden != 1:
                continue
            # hide the smallest shown value, preferring interior non-zero cells over zeros and totals
            candidates = [(r, c) for r, c in line if not hidden[r][c]]
            if not candidates:
                continue
            candidates.sort(key=lambda rc: (rc[0] == rows or rc[1] == cols, grid[rc[0]][rc[1]] == 0,
                                            grid[rc[0]][rc[1]]))
            r, c = candidates[0]
            hidden[r][c] = True
            secondary += 1
            changed = True

    def val(r: int, c: int) -> Optional[int]:
        return None if hidden[r][c] else grid[r][c]

    return SuppressedTable(
        cells=[[val(r, c) for c in range(cols)] for r in range(rows)],
        row_totals=[val(r, cols) for r in range(rows)],
        col_totals=[val(rows, c) for c in range(cols)],
        grand_total=val(rows, cols), primary_count=primary_count, secondary_count=secondary)


def round_to(count: Optional[int], base: int = 5) -> Optional[int]:
    """Round to the nearest ``base`` (as the store does for aggregate-only users)."""
    if count is None:
        return None
    return int(base * round(count / base))
