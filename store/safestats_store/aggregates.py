"""Counts by borough, ward or hexagon, with small-number suppression.

Record-level callers get exact counts per cell, with 1..t-1 suppressed (t: default 5, env
SAFESTATS_SUPPRESSION_THRESHOLD); they can see the records anyway. Counts-only callers never come
through ``publish``: their cells are published by ``closed_table`` with cell-key perturbation
(``disclosure``), from the same cell builders here (``with_keys=True`` adds each cell's SUM(rkey)).
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Hashable

import numpy as np
from shapely.geometry import Polygon, mapping
from sqlalchemy import Connection, Table, and_, func, literal, select

from . import cache, errors, spatial
from .catalogue import Dataset
from .db import boundaries

SQRT3 = math.sqrt(3.0)


def threshold() -> int:
    return max(1, int(os.environ.get("SAFESTATS_SUPPRESSION_THRESHOLD", "5")))


def publish(count: int, t: int | None = None) -> tuple[int | None, bool]:
    """(published value, suppressed?) of a record-level caller's cell: 1..t-1 is withheld."""
    t = t or threshold()
    if 0 < count < t:
        return None, True
    return count, False


@dataclass
class Cell:
    code: str
    name: str
    geometry: Any  # shapely, EPSG:27700
    count: int
    key_sum: int = 0  # SUM(rkey) of the cell's records (counts-only publication only; never output)
    shape: Hashable = None  # what the geometry is made from (a boundary's WKT, a hexagon's q, r, size)


#: GeoJSON geometries already projected, by what they are made from and the output CRS: a boundary's
#: stored WKT (so an import of new boundaries is new text, never a stale entry) or a hexagon's grid
#: position and size. Shared, never modified: json.dumps only reads them.
GEOMETRIES = cache.Answers(50_000)


def geometry_json(shape: Hashable, geometry: Any, crs: str) -> dict[str, Any]:
    """``mapping(spatial.from_27700(geometry, crs))``, computed once per (shape, crs) in this worker."""
    return GEOMETRIES.get_or_compute((shape, crs), lambda: mapping(spatial.from_27700(geometry, crs)))


def _measure(ds: Dataset, table: Table) -> Any:
    return func.coalesce(func.sum(table.c[ds.measure_field]), 0) if ds.measure_field else func.count()


def count(conn: Connection, ds: Dataset, table: Table, where: Any) -> int:
    return int(conn.execute(select(_measure(ds, table)).select_from(table).where(where)).scalar_one() or 0)


def by_boundary(conn: Connection, ds: Dataset, table: Table, where: Any, level: str, with_keys: bool = False,
                parent_code: str | None = None) -> list[Cell]:
    """Every boundary of ``level`` (of one parent borough if given) with its count (0 when none)."""
    col = table.c.borough_code if level == "borough" else table.c.ward_code
    keys = func.coalesce(func.sum(table.c.rkey), 0) if with_keys else literal(0)
    if parent_code is not None:
        where = and_(where, table.c.borough_code == parent_code)
    counts = {code: (int(n), int(k)) for code, n, k in conn.execute(
        select(col, _measure(ds, table), keys).where(where).group_by(col)) if code is not None}
    q = select(boundaries).where(boundaries.c.level == level)
    if parent_code is not None:
        q = q.where(boundaries.c.parent_code == parent_code)
    cells = []
    for b in conn.execute(q.order_by(boundaries.c.code)):
        n, k = counts.get(b.code, (0, 0))
        cells.append(Cell(b.code, b.name, spatial.parse_wkt(b.wkt), n, k, b.wkt))
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


@lru_cache(maxsize=50_000)
def hex_polygon(q: int, r: int, size: float) -> Polygon:
    cx, cy = size * SQRT3 * (q + r / 2.0), size * 1.5 * r  # pointy-top axial layout, origin at BNG 0,0
    return Polygon([(cx + size * math.cos(math.radians(60 * i - 30)), cy + size * math.sin(math.radians(60 * i - 30)))
                    for i in range(6)])


def by_hex(conn: Connection, ds: Dataset, table: Table, where: Any, size: float, with_keys: bool = False
           ) -> list[Cell]:
    """Occupied hexagons of radius ``size`` (pointy-top grid, origin at BNG 0,0) with their counts."""
    if not 50 <= size <= 10_000:
        raise errors.BadRequest("size (hexagon radius in metres) must be between 50 and 10000")
    cols = [table.c.x, table.c.y, table.c.rkey if with_keys else literal(0),
            table.c[ds.measure_field] if ds.measure_field else literal(1)]
    rows = conn.execute(select(*cols).where(where)).all()
    if not rows:
        return []
    # keys < 4096 and sums < 2**53: exact in float64. Plain tuples: numpy probes a SQLAlchemy Row for
    # the array protocols first, and each failed probe raises inside SQLAlchemy (2.5 s for 42k rows)
    arr = np.array([tuple(r) for r in rows], dtype=np.float64)
    x, y = arr[:, 0], arr[:, 1]
    weights = np.nan_to_num(arr[:, 3])
    q = (SQRT3 / 3 * x - y / 3) / size
    r = (2.0 / 3 * y) / size
    hq, hr = _hex_round(q, r)
    # one int64 per cell that sorts as (q, r) does: a 1-D unique instead of a row-wise one
    q0, r0 = int(hq.min()), int(hr.min())
    span = int(hr.max()) - r0 + 1
    uniq, inv = np.unique((hq - q0) * span + (hr - r0), return_inverse=True)
    sums = np.bincount(inv.ravel(), weights=weights)
    key_sums = np.bincount(inv.ravel(), weights=np.nan_to_num(arr[:, 2]))
    cells = zip((uniq // span + q0).tolist(), (uniq % span + r0).tolist(), sums, key_sums)
    return [Cell(f"hex:{a}:{b}", f"Hexagon {a},{b}", hex_polygon(a, b, size), int(s), int(k), ("hex", a, b, size))
            for a, b, s, k in cells]


def feature_collection(cells: list[Cell], crs: str) -> dict[str, Any]:
    """Record-level callers' cells: exact counts, 1..t-1 suppressed."""
    t = threshold()
    feats = []
    for c in cells:
        value, suppressed = publish(c.count, t)
        feats.append({"type": "Feature", "id": c.code, "geometry": geometry_json(c.shape, c.geometry, crs),
                      "properties": {"code": c.code, "name": c.name, "count": value, "suppressed": suppressed}})
    return {"type": "FeatureCollection", "features": feats, "numberReturned": len(feats),
            "suppression": {"threshold": t, "rounded_to": 1}}
