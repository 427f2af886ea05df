"""spatial.py: CRS handling and point-in-geometry SQL, identical on SQLite and PostGIS.

The PostgreSQL half runs against a throwaway PostGIS cluster (tests/pg.py) and is skipped with a
reason when PostgreSQL/PostGIS is not installed.
"""
from __future__ import annotations

import itertools
import math
import sqlite3
from typing import Any, Iterator

import numpy as np
import pytest
import shapely
import shapely.affinity
import sqlalchemy as sa
from shapely.geometry import MultiPolygon, Point, Polygon, box

from safestats_store import crs as crs_names, spatial, sqlite_functions

try:
    from .pg import shared_postgis  # tests as a package
except ImportError:
    from pg import shared_postgis

WESTMINSTER_LONLAT = (-0.1357, 51.4995)  # Parliament Square area
CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326_URI = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG27700_URI = "http://www.opengis.net/def/crs/EPSG/0/27700"

# A non-rectangular polygon with a hole, slanted edges with exactly representable points on them.
OUTER = [(530000.0, 180000.0), (530400.0, 180000.0), (530400.0, 180200.0), (530200.0, 180300.0),
         (530000.0, 180200.0), (530000.0, 180000.0)]
HOLE = [(530100.0, 180050.0), (530300.0, 180050.0), (530200.0, 180150.0), (530100.0, 180050.0)]
POLY = Polygon(OUTER, [HOLE])
MULTI = MultiPolygon([POLY, Polygon([(531000.0, 181000.0), (531100.0, 181000.0), (531050.0, 181100.0)])])


def edge_points(geom: Any) -> list[tuple[float, float]]:
    """Vertices, points on edges and points just off them (both sides) plus a coarse grid."""
    pts: list[tuple[float, float]] = []
    polys = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            coords = list(ring.coords)
            for (x0, y0), (x1, y1) in zip(coords, coords[1:]):
                pts.append((x0, y0))
                length = math.hypot(x1 - x0, y1 - y0)
                nx, ny = -(y1 - y0) / length, (x1 - x0) / length
                for t in (0.25, 0.5, 0.75):
                    mx, my = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
                    pts.append((mx, my))
                    for d in (1e-6, 1e-3, 0.5):
                        pts.append((mx + d * nx, my + d * ny))
                        pts.append((mx - d * nx, my - d * ny))
                for d in (1e-6, 0.01):  # around the vertex
                    pts += [(x0 + d, y0), (x0 - d, y0), (x0, y0 + d), (x0, y0 - d)]
    minx, miny, maxx, maxy = geom.bounds
    for gx, gy in itertools.product(np.linspace(minx - 10, maxx + 10, 17), np.linspace(miny - 10, maxy + 10, 17)):
        pts.append((float(gx), float(gy)))
    return pts


# ------------------------------------------------------------------------------------- fixtures

metadata = sa.MetaData()
points = sa.Table(
    "spatial_points", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("x", sa.Float, index=True),
    sa.Column("y", sa.Float, index=True),
)


def _load(engine: sa.Engine, pts: list[tuple[float, float]]) -> None:
    with engine.begin() as conn:
        conn.execute(points.delete())
        conn.execute(points.insert(), [{"id": i, "x": x, "y": y} for i, (x, y) in enumerate(pts)])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        eng = sa.create_engine(f"sqlite:///{tmp_path_factory.mktemp('spatial') / 'points.db'}")
        sa.event.listen(eng, "connect", lambda conn, _rec: sqlite_functions.register(conn))
        metadata.create_all(eng)
    else:
        eng = sa.create_engine(shared_postgis(tmp_path_factory).url)
        with eng.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS spatial_points"))
        metadata.create_all(eng)
        with eng.begin() as conn:
            conn.execute(sa.text(
                "ALTER TABLE spatial_points ADD COLUMN geom geometry(Point, 27700) "
                "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(x, y), 27700)) STORED"))
            conn.execute(sa.text("CREATE INDEX ix_spatial_points_geom ON spatial_points USING gist (geom)"))
    yield eng
    if request.param == "postgresql":
        with eng.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS spatial_points"))
    eng.dispose()


def _matching(engine: sa.Engine, geom: Any) -> set[int]:
    cond = spatial.within_geometry(points, geom, engine.dialect.name)
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.select(points.c.id).where(cond))}


def _expected(pts: list[tuple[float, float]], geom: Any) -> set[int]:
    return {i for i, (x, y) in enumerate(pts) if geom.intersects(Point(x, y))}


# ---------------------------------------------------------------------------------- within_geometry


@pytest.mark.parametrize("name,geom", [
    ("polygon with hole", POLY),
    ("multipolygon", MULTI),
    ("triangle", Polygon([(530000.0, 180000.0), (530300.0, 180100.0), (530050.0, 180250.0)])),
    ("rectangle", box(530000.0, 180000.0, 530400.0, 180300.0)),
    ("rotated square", shapely.affinity.rotate(box(530000.0, 180000.0, 530400.0, 180400.0), 30)),
])
def test_within_geometry_matches_shapely_on_and_near_edges(engine: sa.Engine, name: str, geom: Any) -> None:
    pts = edge_points(geom)
    _load(engine, pts)
    expected = _expected(pts, geom)
    got = _matching(engine, geom)
    assert got == expected, f"{name}: extra {sorted(got - expected)[:5]} missing {sorted(expected - got)[:5]}"
    # boundary counts as inside: every vertex matches
    vertices = {i for i, p in enumerate(pts) if Point(p).intersects(geom.boundary)}
    assert vertices <= got


def test_point_geometry_is_exact_equality(engine: sa.Engine) -> None:
    pts = [(530000.0, 180000.0), (530000.0, 180000.0 + 1e-9), (530000.5, 180000.0)]
    _load(engine, pts)
    assert _matching(engine, Point(530000.0, 180000.0)) == {0}


def test_empty_geometry_matches_nothing(engine: sa.Engine) -> None:
    _load(engine, [(530000.0, 180000.0)])
    assert _matching(engine, Polygon()) == set()


def test_rectangle_uses_bbox_only_and_includes_boundary() -> None:
    cond = spatial.within_geometry(points, box(1, 2, 3, 4), "sqlite")
    from sqlalchemy.dialects import sqlite

    sql = str(cond.compile(dialect=sqlite.dialect()))
    assert "ss_within" not in sql and "BETWEEN" in sql


def test_geometry_is_only_a_bound_parameter() -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    for dialect in (sqlite.dialect(), postgresql.psycopg.dialect()):
        compiled = spatial.within_geometry(points, POLY, dialect.name).compile(dialect=dialect)
        sql = str(compiled)
        wkb = shapely.to_wkb(POLY)
        assert wkb.hex() not in sql.lower() and "530000" not in sql and "POLYGON" not in sql.upper()
        assert any(v in (wkb, wkb.hex()) for v in compiled.params.values())


def test_postgis_uses_declared_geom_column_when_present() -> None:
    from sqlalchemy.dialects import postgresql

    t = sa.Table("with_geom", sa.MetaData(), sa.Column("id", sa.Integer), sa.Column("x", sa.Float),
                 sa.Column("y", sa.Float), sa.Column("geom", sa.LargeBinary))
    sql = str(spatial.within_geometry(t, POLY, "postgresql").compile(dialect=postgresql.psycopg.dialect()))
    assert "ST_Intersects(with_geom.geom" in sql
    sql = str(spatial.within_geometry(points, POLY, "postgresql").compile(dialect=postgresql.psycopg.dialect()))
    assert "ST_Intersects(spatial_points.geom" in sql


def test_unknown_dialect_rejected() -> None:
    with pytest.raises(ValueError):
        spatial.within_geometry(points, POLY, "mysql")


def test_register_sqlite_functions() -> None:
    conn = sqlite3.connect(":memory:")
    sqlite_functions.register(conn)
    wkb = shapely.to_wkb(box(0, 0, 10, 10)).hex()
    assert conn.execute("select ss_within(5, 5, ?), ss_within(10, 0, ?), ss_within(11, 5, ?), ss_within(NULL, 5, ?)",
                        (wkb, wkb, wkb, wkb)).fetchone() == (1, 1, 0, None)
    assert conn.execute("select ss_like('Abc', 'A%'), ss_like('abc', 'A%'), ss_casei('ÉA b')").fetchone() == (
        1, 0, "Éa b")


# ------------------------------------------------------------------------------------- CRS


def test_crs_aliases() -> None:
    for alias in ("CRS84", CRS84_URI, "https://www.opengis.net/def/crs/OGC/1.3/CRS84", "OGC:CRS84"):
        assert crs_names.normalise_crs(alias) == crs_names.CRS84_CODE == "CRS84"
    for alias in ("EPSG:4326", EPSG4326_URI, "urn:ogc:def:crs:EPSG::4326"):
        assert crs_names.normalise_crs(alias) == crs_names.EPSG4326_CODE == "EPSG:4326"
    for alias in ("EPSG:27700", EPSG27700_URI):
        assert crs_names.normalise_crs(alias) == crs_names.EPSG27700_CODE == "EPSG:27700"
    for bad in ("EPSG:3857", "http://www.opengis.net/def/crs/EPSG/0/3857", "", "CRS83"):
        with pytest.raises(ValueError):
            spatial.to_27700(Point(0, 0), bad)


def test_westminster_bbox_contains_westminster_point() -> None:
    lon, lat = WESTMINSTER_LONLAT
    p27700 = spatial.to_27700(Point(lon, lat), "CRS84")
    assert 529000 < p27700.x < 530500 and 179000 < p27700.y < 180000  # Parliament Square ~ (530000, 179600)
    for crs, bbox in [("CRS84", (lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)),
                      (CRS84_URI, (lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)),
                      (EPSG4326_URI, (lat - 0.01, lon - 0.01, lat + 0.01, lon + 0.01))]:  # lat/lon axis order
        poly = spatial.bbox_to_27700(bbox, crs)
        assert poly.contains(p27700), crs
        assert 1000 < poly.bounds[2] - poly.bounds[0] < 1500  # ~0.02 degrees of longitude at 51.5N
    # the same point in EPSG:4326 axis order
    assert spatial.to_27700(Point(lat, lon), EPSG4326_URI).distance(p27700) < 1e-6
    # a lon/lat bbox wrongly sent as EPSG:4326 does not contain it
    assert not spatial.bbox_to_27700((lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01), EPSG4326_URI).contains(p27700)


def test_bbox_27700_is_exact_rectangle_and_degenerates() -> None:
    assert spatial.bbox_to_27700((1, 2, 3, 4), EPSG27700_URI).equals(box(1, 2, 3, 4))
    assert spatial.bbox_to_27700((1, 2, 0, 3, 4, 9), "EPSG:27700").equals(box(1, 2, 3, 4))
    assert spatial.bbox_to_27700((1, 2, 1, 2), "EPSG:27700").equals(Point(1, 2))
    assert spatial.bbox_to_27700((1, 2, 1, 4), "EPSG:27700").geom_type == "LineString"


def test_bbox_edges_are_densified() -> None:
    poly = spatial.bbox_to_27700((-0.5, 51.3, 0.3, 51.7), "CRS84")
    assert len(poly.exterior.coords) > 100
    # a mid-edge point of the lon/lat box lies on the projected (curved) edge within a millimetre
    mid = spatial.to_27700(Point(-0.1, 51.7), "CRS84")
    assert poly.exterior.distance(mid) < 1e-3


@pytest.mark.parametrize("bbox,crs", [
    ((1, 2, 3), "CRS84"), ((3, 2, 1, 4), "CRS84"), ((0, 0, float("nan"), 1), "CRS84"),
    ((0, -91, 1, 0), "CRS84"), ((-91, 0, 0, 1), EPSG4326_URI), ((0, 0, 1, 1), "EPSG:3857"),
])
def test_bbox_rejects_bad_input(bbox: tuple[float, ...], crs: str) -> None:
    with pytest.raises(ValueError):
        spatial.bbox_to_27700(bbox, crs)


def test_world_bbox_is_clipped_not_infinite() -> None:
    world = spatial.bbox_to_27700((-180, -90, 180, 90), "CRS84")
    assert np.isfinite(shapely.get_coordinates(world)).all()
    assert world.contains(spatial.to_27700(Point(*WESTMINSTER_LONLAT), "CRS84"))
    assert spatial.bbox_to_27700((100, 10, 120, 20), "CRS84").is_empty  # far away: matches nothing


def test_from_27700_round_trip() -> None:
    p = spatial.to_27700(Point(*WESTMINSTER_LONLAT), "CRS84")
    back = spatial.from_27700(p, CRS84_URI)
    assert back.distance(Point(*WESTMINSTER_LONLAT)) < 1e-6
    lat_lon = spatial.from_27700(p, EPSG4326_URI)
    assert abs(lat_lon.x - WESTMINSTER_LONLAT[1]) < 1e-6 and abs(lat_lon.y - WESTMINSTER_LONLAT[0]) < 1e-6
    assert spatial.from_27700(p, EPSG27700_URI).equals(p)
