"""Counts by borough, ward or hexagon, with small-number suppression.

Disclosure rule (also in README): a count below the threshold t (default 5, env
SAFESTATS_SUPPRESSION_THRESHOLD) is never published: it is null and marked suppressed. For callers
whose agreement is aggregate-only, every published number (cells and the /count total) is also
rounded to the nearest multiple of t. Any sum or difference of published numbers is then a multiple
of t, and a suppressed value lies in 1..t-1, so no combination of queries (differencing two areas,
two date ranges, or cells against totals) can recover it exactly.

Counts-only callers also get no answer that tells "none" from "a few": a true 0 is suppressed like
1..t-1, and hexagons below t are left out entirely (the grid lists only occupied hexagons, so a
listed-but-suppressed hexagon would say "something happened here"). Their hexagons are at least
COUNTS_ONLY_MIN_HEX metres across the radius, and their periods are whole calendar months
(``query.whole_months``), so narrowing a query cell by cell or second by second finds no incident.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
from shapely import wkt as shapely_wkt
from shapely.geometry import Polygon, mapping
from sqlalchemy import Connection, Table, func, select

from . import errors, spatial
from .catalogue import Dataset
from .db import boundaries

SQRT3 = math.sqrt(3.0)
#: smallest hexagon radius (m) for counts-only callers: about a third of a London ward's area
COUNTS_ONLY_MIN_HEX = 500.0


def threshold() -> int:
    return max(1, int(os.environ.get("SAFESTATS_SUPPRESSION_THRESHOLD", "5")))


def publish(count: int, rounded: bool, t: int | None = None) -> tuple[int | None, bool]:
    """(published value, suppressed?) for a true count."""
    t = t or threshold()
    if 0 < count < t or (rounded and count < t):
        return None, True
    if rounded:
        return ((count + t // 2) // t) * t, False
    return count, False


@dataclass
class Cell:
    code: str
    name: str
    geometry: Any  # shapely, EPSG:27700
    count: int


def _measure(ds: Dataset, table: Table) -> Any:
    return func.coalesce(func.sum(table.c[ds.measure_field]), 0) if ds.measure_field else func.count()


def count(conn: Connection, ds: Dataset, table: Table, where: Any) -> int:
    return int(conn.execute(select(_measure(ds, table)).select_from(table).where(where)).scalar_one() or 0)


def by_boundary(conn: Connection, ds: Dataset, table: Table, where: Any, level: str) -> list[Cell]:
    col = table.c.borough_code if level == "borough" else table.c.ward_code
    counts = {code: int(n) for code, n in conn.execute(
        select(col, _measure(ds, table)).where(where).group_by(col)) if code is not None}
    cells = []
    for b in conn.execute(select(boundaries).where(boundaries.c.level == level).order_by(boundaries.c.code)):
        cells.append(Cell(b.code, b.name, shapely_wkt.loads(b.wkt), counts.get(b.code, 0)))
    return cells


def _hex_round(q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, z = q, r
    y = -x - z
    rx, ry, rz = np.round(x), np.round(y), np.round(z)
    dx, dy, dz = np.abs(rx - x), np.abs(ry - y), np.abs(rz - z)
    fix_x = (dx > dy) & (dx > dz)
    fix_z = ~fix_x & ~(dy > dz)
    rx = np.where(fix_x, -ry - rz, rx)
    rz = np.where(fix_z, -rx - ry, rz)
    return rx.astype(np.int64), rz.astype(np.int64)


def hex_polygon(q: int, r: int, size: float) -> Polygon:
    cx, cy = size * SQRT3 * (q + r / 2.0), size * 1.5 * r  # pointy-top axial layout, origin at BNG 0,0
    return Polygon([(cx + size * math.cos(math.radians(60 * i - 30)), cy + size * math.sin(math.radians(60 * i - 30)))
                    for i in range(6)])


def by_hex(conn: Connection, ds: Dataset, table: Table, where: Any, size: float, counts_only: bool = False
           ) -> list[Cell]:
    smallest = COUNTS_ONLY_MIN_HEX if counts_only else 50
    if not smallest <= size <= 10_000:
        raise errors.BadRequest(f"size (hexagon radius in metres) must be between {smallest:g} and 10000"
                                + (" for a counts-only agreement" if counts_only else ""))
    cols = [table.c.x, table.c.y] + ([table.c[ds.measure_field]] if ds.measure_field else [])
    rows = conn.execute(select(*cols).where(where)).all()
    if not rows:
        return []
    arr = np.array(rows, dtype=np.float64)
    x, y = arr[:, 0], arr[:, 1]
    weights = arr[:, 2] if ds.measure_field else np.ones(len(x))
    q = (SQRT3 / 3 * x - y / 3) / size
    r = (2.0 / 3 * y) / size
    hq, hr = _hex_round(q, r)
    keys = np.stack([hq, hr], axis=1)
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    sums = np.bincount(inv.ravel(), weights=weights)
    return [Cell(f"hex:{int(a)}:{int(b)}", f"Hexagon {int(a)},{int(b)}", hex_polygon(int(a), int(b), size), int(s))
            for (a, b), s in zip(uniq, sums)]


def feature_collection(cells: list[Cell], rounded: bool, crs: str, drop_suppressed: bool = False
                       ) -> dict[str, Any]:
    """``drop_suppressed``: leave suppressed cells out (hexagons for counts-only callers)."""
    t = threshold()
    feats = []
    for c in cells:
        value, suppressed = publish(c.count, rounded, t)
        if suppressed and drop_suppressed:
            continue
        geom = spatial.from_27700(c.geometry, crs)
        feats.append({"type": "Feature", "id": c.code, "geometry": mapping(geom),
                      "properties": {"code": c.code, "name": c.name, "count": value, "suppressed": suppressed}})
    return {"type": "FeatureCollection", "features": feats, "numberReturned": len(feats),
            "suppression": {"threshold": t, "rounded_to": t if rounded else 1}}
