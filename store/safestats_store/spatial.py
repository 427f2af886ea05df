"""Spatial helpers shared by the CQL2 filter, ``bbox`` and ``area`` parameters.

All spatial tests run in EPSG:27700 (British National Grid, metres), where the stored ``x``/``y``
columns live.  The predicate is **intersects** on both backends (a point on a polygon's boundary
counts as inside) and geometries only ever reach SQL as bound parameters:

* SQLite (no SpatiaLite): ``ss_within(x, y, wkb_hex)`` — a deterministic Python function backed by
  a cached prepared shapely geometry.  Call :func:`safestats_store.sqlite_functions.register` on
  every new DBAPI connection (SQLAlchemy ``"connect"`` event); it also registers the text helpers
  used by :mod:`safestats_store.cql` (``ss_like``, ``ss_casei``).
* PostgreSQL + PostGIS: ``ST_Intersects(geom, ST_GeomFromWKB(:wkb, 27700))`` on the table's
  ``geom`` column (``table.c.geom`` if the Table declares it, else ``<table>.geom``).

Every predicate is ANDed with a ``x BETWEEN .. AND y BETWEEN ..`` prefilter taken from the
geometry's bounds; for points and axis-aligned rectangles that prefilter alone is exact.

Precision note: GEOS (shapely) decides point-in-polygon with exact arithmetic, PostGIS's
point-in-polygon shortcut with plain doubles.  They agree for points on edges whose coordinates
are exactly representable (grid/integer data, axis-aligned edges) and for anything more than
~1e-9 m from an edge; only points within floating-point noise of a slanted edge can differ.

CRS names (:mod:`safestats_store.crs`): CRS84 (lon/lat), EPSG:4326 (lat/lon, also for the bare ``EPSG:4326`` code) and
EPSG:27700, as OGC URIs, URNs or ``AUTH:CODE``.
"""
from __future__ import annotations

import math
import threading
from functools import lru_cache
from typing import Any

import numpy as np
import pyproj
import shapely
import sqlalchemy as sa
from shapely import wkt as shapely_wkt
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from sqlalchemy.sql.elements import ColumnElement

from .crs import CRS84_CODE, EPSG4326_CODE, EPSG27700_CODE, PROJ_NAMES, normalise_crs

# Geographic input is clipped to a generous box around Great Britain before projecting, so a
# world-wide bbox cannot produce infinities.  Stored points are all in London, far inside it.
_CLIP_LON = (-12.0, 5.0)
_CLIP_LAT = (47.0, 63.0)
_DENSIFY_DEGREES = 0.01  # ~1 km: straight edges in lon/lat stay faithful after projection


_local = threading.local()


def _transformer(kind: str, inverse: bool = False) -> pyproj.Transformer:
    """Per-thread transformer ``kind`` -> EPSG:27700 (or back), in authority axis order.

    CRS84 is (lon, lat); EPSG:4326 is (lat, lon) as OGC API Part 2 requires for its URI.
    """
    cache = getattr(_local, "transformers", None)
    if cache is None:
        cache = _local.transformers = {}
    key = (kind, inverse)
    if key not in cache:
        src, dst = PROJ_NAMES[kind], PROJ_NAMES[EPSG27700_CODE]
        cache[key] = pyproj.Transformer.from_crs(dst, src) if inverse else pyproj.Transformer.from_crs(src, dst)
    return cache[key]


@lru_cache(maxsize=4096)
def parse_wkt(wkt: str) -> BaseGeometry:
    """A stored WKT (agreement areas, boundaries) parsed once per text: shapely geometries are
    immutable, so one parsed object serves every request and thread."""
    return shapely_wkt.loads(wkt)


def _apply(geom: BaseGeometry, tr: pyproj.Transformer) -> BaseGeometry:
    def project(coords: np.ndarray) -> np.ndarray:
        a, b = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([a, b])

    out = shapely.transform(geom, project)
    if not np.isfinite(shapely.get_coordinates(out)).all():
        raise ValueError("geometry could not be projected")
    return out


def _clip_box(kind: str) -> Polygon:
    if kind == CRS84_CODE:
        return box(_CLIP_LON[0], _CLIP_LAT[0], _CLIP_LON[1], _CLIP_LAT[1])
    return box(_CLIP_LAT[0], _CLIP_LON[0], _CLIP_LAT[1], _CLIP_LON[1])  # lat, lon axis order


def to_27700(geom: BaseGeometry, crs: str) -> BaseGeometry:
    """Return ``geom`` (coordinates in ``crs`` axis order) projected to EPSG:27700.

    Geographic geometries are clipped to a box around Great Britain and densified (~1 km) before
    projecting.  Raises ValueError for an unknown CRS or non-finite results.
    """
    kind = normalise_crs(crs)
    geom = shapely.force_2d(geom)
    if kind == EPSG27700_CODE or geom.is_empty:
        return geom
    clip = _clip_box(kind)
    if not clip.contains(geom):
        try:
            geom = geom.intersection(clip)
        except shapely.errors.GEOSException as exc:
            raise ValueError(f"invalid geometry: {exc}") from None
        if geom.is_empty:
            return geom
    return _apply(shapely.segmentize(geom, _DENSIFY_DEGREES), _transformer(kind))


def from_27700(geom: BaseGeometry, crs: str) -> BaseGeometry:
    """Project an EPSG:27700 geometry to ``crs`` (CRS84 lon/lat, EPSG:4326 lat/lon, or 27700).

    Vertices are transformed as they are (no densification).  ValueError for an unknown CRS.
    """
    kind = normalise_crs(crs)
    geom = shapely.force_2d(geom)
    if kind == EPSG27700_CODE or geom.is_empty:
        return geom
    return _apply(geom, _transformer(kind, inverse=True))


def bbox_to_27700(bbox: tuple[float, ...] | list[float], crs: str) -> BaseGeometry:
    """A bbox (4 or 6 numbers, in ``crs`` axis order) as an EPSG:27700 polygon.

    For CRS84 that is (min lon, min lat, max lon, max lat); for EPSG:4326 (min lat, min lon,
    max lat, max lon).  Edges are densified before projecting.  Degenerate boxes become a line or
    point.  ValueError for wrong length, non-finite numbers, min > max or latitudes outside ±90.
    """
    values = [float(v) for v in bbox]
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    if len(values) != 4:
        raise ValueError("a bbox needs 4 numbers (or 6 with heights)")
    if not all(math.isfinite(v) for v in values):
        raise ValueError("bbox values must be finite numbers")
    minx, miny, maxx, maxy = values
    if minx > maxx or miny > maxy:
        raise ValueError("bbox minimum is greater than its maximum (boxes crossing the antimeridian are not supported)")
    kind = normalise_crs(crs)
    lats = (miny, maxy) if kind == CRS84_CODE else (minx, maxx) if kind == EPSG4326_CODE else None
    if lats and (lats[0] < -90 or lats[1] > 90):
        raise ValueError("bbox latitude outside -90..90")
    if minx == maxx and miny == maxy:
        shape: BaseGeometry = Point(minx, miny)
    elif minx == maxx or miny == maxy:
        shape = shapely.LineString([(minx, miny), (maxx, maxy)])
    else:
        shape = box(minx, miny, maxx, maxy)
    return to_27700(shape, kind)


def _is_rectangle(geom: BaseGeometry) -> bool:
    """True for points and polygons equal to their own axis-aligned bounds."""
    if isinstance(geom, Point):
        return True
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.area <= 0:
        return False
    return bool(geom.equals(box(*geom.bounds)))


def _geom_column(table: Any) -> ColumnElement[Any]:
    if "geom" in table.c:
        return table.c.geom
    from sqlalchemy.dialects import postgresql

    return sa.literal_column(postgresql.dialect().identifier_preparer.format_table(table) + ".geom")


def within_geometry(table: Any, geom_27700: BaseGeometry, dialect_name: str) -> ColumnElement[bool]:
    """SQL condition: the row's point (x, y in EPSG:27700) intersects ``geom_27700``.

    Boundary points count as inside on both backends.  The geometry is only sent as a bound
    parameter (WKB).  Empty geometries match nothing.
    """
    return _within(table, _shape_facts(geom_27700), dialect_name)


def within_area(table: Any, wkt_27700: str, dialect_name: str) -> ColumnElement[bool]:
    """:func:`within_geometry` for a stored area (an agreement's): its bounds, shape test and WKB
    are worked out once per text, not on every request."""
    return _within(table, _stored_facts(wkt_27700), dialect_name)


@lru_cache(maxsize=256)
def _stored_facts(wkt: str) -> tuple[bool, tuple[float, ...], bool, bytes]:
    return _shape_facts(parse_wkt(wkt))


def _shape_facts(geom: BaseGeometry) -> tuple[bool, tuple[float, ...], bool, bytes]:
    """(empty?, bounds, axis-aligned rectangle or point?, 2-D WKB) of a geometry."""
    if geom.is_empty:
        return True, (), False, b""
    return False, geom.bounds, _is_rectangle(geom), shapely.to_wkb(geom, hex=False, output_dimension=2)


def _within(table: Any, facts: tuple[bool, tuple[float, ...], bool, bytes], dialect_name: str
            ) -> ColumnElement[bool]:
    if dialect_name not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported dialect {dialect_name!r}")
    empty, bounds, rectangle, wkb = facts
    if empty:
        return sa.false()
    minx, miny, maxx, maxy = bounds
    x, y = table.c.x, table.c.y
    prefilter = sa.and_(
        x.between(sa.literal(minx, sa.Float()), sa.literal(maxx, sa.Float())),
        y.between(sa.literal(miny, sa.Float()), sa.literal(maxy, sa.Float())),
    )
    if rectangle:
        return prefilter
    if dialect_name == "sqlite":
        exact = sa.func.ss_within(x, y, sa.literal(wkb.hex(), sa.String())) == 1
    else:
        literal = sa.func.ST_GeomFromWKB(sa.literal(wkb, sa.LargeBinary()), sa.literal_column("27700"))
        exact = sa.func.ST_Intersects(_geom_column(table), literal)
    return sa.and_(prefilter, exact)
