"""Counting incidents per area with small-number suppression — pure Python (no QGIS).

The spatial part (which point falls in which polygon) lives in ``spatial.py``; this module
turns "polygon id -> list of keys" into published cells:

* a table of polygons (rows) by split keys (columns: category, month or both), with the row
  totals ("All" per polygon) and column totals that a reader could add up themselves;
* primary and secondary suppression from ``governance.disclosure.suppress_table``, so no
  suppressed value can be narrowed to an interval shorter than the threshold from the shown
  cells and totals (the module doc there has the rules, the zero rule included);
* labels ("12", "*") and rates per 1,000 people that are withheld with their counts (a rate
  times the population would give the count back). Every hidden cell has the same label and the
  same ``suppressed`` flag: telling "below 5" from "hidden to protect another" would narrow it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Hashable, Iterable, Optional, Sequence
from zoneinfo import ZoneInfo

from ..governance import disclosure

#: category fields of the SafeStats datasets (first one found is the default)
CATEGORY_FIELDS = ("crime_type", "incident_type", "incident_group", "assault_method", "incident_event_type",
                   "reason_for_launch", "substance_group", "category")

LONDON = ZoneInfo("Europe/London")
ALL = "All"
NO_VALUE = "(none)"
PRIMARY = "primary"
SECONDARY = "secondary"
#: what a published table says for every hidden cell (value of the ``suppressed`` output field)
SUPPRESSED = "suppressed"
SUPPRESSED_LABEL = "*"


def suppressed_label(threshold: int) -> str:
    """The printed label of a hidden cell: the same for every hidden cell, whatever its reason."""
    return SUPPRESSED_LABEL


# ------------------------------------------------------------------ keys


def to_utc(value: object) -> Optional[datetime]:
    """A field value (datetime, ISO text, or anything with ``toSecsSinceEpoch``) as UTC."""
    if value is None:
        return None
    if hasattr(value, "isNull") and value.isNull():  # QDateTime / QVariant NULL
        return None
    if hasattr(value, "toSecsSinceEpoch"):
        if hasattr(value, "isValid") and not value.isValid():
            return None
        return datetime.fromtimestamp(int(value.toSecsSinceEpoch()), tz=timezone.utc)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=LONDON).astimezone(timezone.utc)
    text = str(value).strip()
    if not text or text.upper() == "NULL":
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.astimezone(timezone.utc) if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def month_key(value: object) -> Optional[str]:
    """``YYYY-MM`` of an incident time, in London local time (as the store's ``dow``/``hour``)."""
    dt = to_utc(value)
    if dt is None:
        return None
    return dt.astimezone(LONDON).strftime("%Y-%m")


def months_between(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last`` inclusive (so empty months show as 0)."""
    y, m = (int(p) for p in first.split("-"))
    ly, lm = (int(p) for p in last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out


def day_bounds(start: Optional[date], end: Optional[date]) -> tuple[Optional[datetime], Optional[datetime]]:
    """Whole London days ``start``..``end`` (inclusive) as UTC instants [from, to)."""
    a = datetime(start.year, start.month, start.day, tzinfo=LONDON).astimezone(timezone.utc) if start else None
    b = None
    if end:
        nxt = end + timedelta(days=1)
        b = datetime(nxt.year, nxt.month, nxt.day, tzinfo=LONDON).astimezone(timezone.utc)
    return a, b


def in_period(dt: Optional[datetime], bounds: tuple[Optional[datetime], Optional[datetime]]) -> bool:
    if dt is None:
        return False
    a, b = bounds
    return (a is None or dt >= a) and (b is None or dt < b)


# ------------------------------------------------------------------ cells


@dataclass(frozen=True)
class Cell:
    """One published number. ``count`` is None when suppressed (``status`` says why)."""

    true_count: int = field(repr=False)
    count: Optional[int]
    status: str = field(repr=False)  # "" | "primary" | "secondary": for the analyst's log, never published
    label: str

    @property
    def suppressed(self) -> bool:
        return self.count is None

    @property
    def flag(self) -> str:
        """What the published ``suppressed`` field says: "suppressed" or empty."""
        return SUPPRESSED if self.count is None else ""


def rate_per_1000(cell: Cell, population: Optional[float]) -> Optional[float]:
    """Rate for a shown count and a positive population; withheld with a suppressed count."""
    if cell.count is None or population is None:
        return None
    try:
        pop = float(population)
    except (TypeError, ValueError):
        return None
    if pop <= 0:
        return None
    return round(1000.0 * cell.count / pop, 2)


@dataclass
class CountTable:
    """Suppressed counts: ``cells[row][col]``, ``row_totals[row]``, ``col_totals[col]``."""

    rows: list[Hashable]
    cols: list[Hashable]
    cells: dict[Hashable, dict[Hashable, Cell]]
    row_totals: dict[Hashable, Cell]
    col_totals: dict[Hashable, Cell]
    grand_total: Cell
    threshold: int
    primary_count: int = 0
    secondary_count: int = 0

    def cell(self, row: Hashable, col: Hashable) -> Cell:
        return self.row_totals[row] if col == ALL else self.cells[row][col]

    def status_counts(self, cols: Sequence[Hashable]) -> tuple[int, int]:
        """(primary, secondary) suppressed cells among the published ``cols`` of every row."""
        statuses = [self.cell(r, c).status for r in self.rows for c in cols]
        return statuses.count(PRIMARY), statuses.count(SECONDARY)


def _cell(true: int, shown: Optional[int], threshold: int) -> Cell:
    if shown is not None:
        return Cell(true, shown, "", str(shown))
    status = PRIMARY if disclosure.is_disclosive(true, threshold) else SECONDARY
    return Cell(true, None, status, suppressed_label(threshold))


def suppress(counts: dict[Hashable, dict[Hashable, int]], rows: Sequence[Hashable], cols: Sequence[Hashable],
             threshold: int = disclosure.DEFAULT_THRESHOLD) -> CountTable:
    """Primary + secondary suppression of ``counts[row][col]`` with both margins.

    Every hidden cell, primary or secondary, is labelled ``*``; none is ever shown as 0."""
    rows, cols = list(rows), list(cols)
    table = [[int(counts.get(r, {}).get(c, 0)) for c in cols] for r in rows]
    if not rows or not cols:
        empty = Cell(0, 0, "", "0")
        return CountTable(rows, cols, {r: {} for r in rows}, {r: empty for r in rows}, {c: empty for c in cols},
                          empty, threshold)
    result = disclosure.suppress_table(table, threshold)
    cells = {r: {c: _cell(table[i][j], result.cells[i][j], threshold) for j, c in enumerate(cols)}
             for i, r in enumerate(rows)}
    row_totals = {r: _cell(sum(table[i]), result.row_totals[i], threshold) for i, r in enumerate(rows)}
    col_totals = {c: _cell(sum(table[i][j] for i in range(len(rows))), result.col_totals[j], threshold)
                  for j, c in enumerate(cols)}
    grand = _cell(sum(map(sum, table)), result.grand_total, threshold)
    return CountTable(rows, cols, cells, row_totals, col_totals, grand, threshold,
                      result.primary_count, result.secondary_count)


def tally(keys_by_row: dict[Hashable, Iterable[Hashable]]) -> dict[Hashable, dict[Hashable, int]]:
    """``{row: [key, key, ...]}`` -> ``{row: {key: n}}``."""
    out: dict[Hashable, dict[Hashable, int]] = {}
    for row, keys in keys_by_row.items():
        bucket = out.setdefault(row, {})
        for k in keys:
            bucket[k] = bucket.get(k, 0) + 1
    return out


def change_cells(a: Cell, b: Cell) -> tuple[Optional[int], Optional[float], str]:
    """Change from period A to B: (difference, percent, label). Withheld when either count is
    suppressed — otherwise the difference and the shown count would give the hidden one back."""
    if a.count is None or b.count is None:
        return None, None, "suppressed"
    diff = b.count - a.count
    pct = round(100.0 * diff / a.count, 1) if a.count else None
    sign = "+" if diff > 0 else ""
    label = f"{sign}{diff}" + (f" ({sign}{pct:g}%)" if pct is not None else "")
    return diff, pct, label
