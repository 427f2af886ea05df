"""Borough and ward boundaries held by the store (EPSG:27700), used to derive each incident's
borough and ward at ingest, for area filters and for aggregates."""
from __future__ import annotations

from shapely import wkt as shapely_wkt
from sqlalchemy import Connection, delete, insert, select

from . import db
from .synthetic import Area, Geography


def save_geography(conn: Connection, geography: Geography, vintage: str = "synthetic") -> None:
    """Replace every boundary with ``geography`` (the demo's synthetic London), recorded as ``vintage``.
    Official files go through boundary_import.py instead (validation, one level at a time)."""
    from .boundary_import import record_vintage

    conn.execute(delete(db.boundaries))
    rows = []
    for a in [*geography.boroughs, *geography.wards]:
        minx, miny, maxx, maxy = a.geometry.bounds
        rows.append(dict(code=a.code, name=a.name, level=a.level, parent_code=a.parent_code,
                         wkt=a.geometry.wkt, minx=minx, miny=miny, maxx=maxx, maxy=maxy))
    conn.execute(insert(db.boundaries), rows)
    for level, areas in (("borough", geography.boroughs), ("ward", geography.wards)):
        record_vintage(conn, level, vintage, "synthetic boundaries of the demo store", "", len(areas))


def vintage_label(info: dict | None) -> str:
    """'2022 boundaries', 'synthetic boundaries' or 'boundaries of unrecorded vintage'."""
    if not info:
        return "boundaries of unrecorded vintage"
    return f"{info['vintage']} boundaries"


_cache: dict[int, tuple[tuple, Geography]] = {}


def load_geography(conn: Connection) -> Geography:
    rows = conn.execute(select(db.boundaries).order_by(db.boundaries.c.code)).all()
    if not rows:
        raise RuntimeError("the store has no boundaries yet: run 'safestats-store demo' or load boundaries first")
    key = tuple((r.code, len(r.wkt)) for r in rows)
    cached = _cache.get(0)
    if cached and cached[0] == key:
        return cached[1]
    areas = [Area(r.code, r.name, r.level, r.parent_code, shapely_wkt.loads(r.wkt)) for r in rows]
    geo = Geography([a for a in areas if a.level == "borough"], [a for a in areas if a.level == "ward"])
    _cache[0] = (key, geo)
    return geo
