"""The cheaper aggregates (issue 16) give exactly the answers of the code they replaced.

``aggregates.by_hex`` now converts rows to plain tuples before numpy, finds occupied hexagons with a
1-D ``np.unique`` and reuses cached hexagon polygons; boundary cells reuse parsed WKT; every cell's
projected GeoJSON geometry is cached by what it is made from; an agreement's area reaches SQL
through facts worked out once per text (``spatial.within_area``). The reference below is the code
before that change, kept here verbatim in substance, and both run on the demo database.
"""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
import shapely
import shapely.affinity
from shapely import wkt as shapely_wkt
from shapely.geometry import Polygon, mapping
from sqlalchemy import func, literal, select

from safestats_store import aggregates, closed_table, db, query, rights, spatial
from safestats_store.crs import CRS84_URI, SUPPORTED_CRS_URIS

SQRT3 = math.sqrt(3.0)


# ------------------------------------------------------------------ the code before issue 16 (reference)
def _old_hex_polygon(q: int, r: int, size: float) -> Polygon:
    cx, cy = size * SQRT3 * (q + r / 2.0), size * 1.5 * r
    return Polygon([(cx + size * math.cos(math.radians(60 * i - 30)), cy + size * math.sin(math.radians(60 * i - 30)))
                    for i in range(6)])


def _old_by_hex(conn: Any, ds: Any, table: Any, where: Any, size: float, with_keys: bool = False) -> list[tuple]:
    cols = [table.c.x, table.c.y, table.c.rkey if with_keys else literal(0),
            table.c[ds.measure_field] if ds.measure_field else literal(1)]
    rows = conn.execute(select(*cols).where(where)).all()
    if not rows:
        return []
    arr = np.array(rows, dtype=np.float64)
    x, y = arr[:, 0], arr[:, 1]
    weights = np.nan_to_num(arr[:, 3])
    hq, hr = aggregates._hex_round((SQRT3 / 3 * x - y / 3) / size, (2.0 / 3 * y) / size)
    uniq, inv = np.unique(np.stack([hq, hr], axis=1), axis=0, return_inverse=True)
    sums = np.bincount(inv.ravel(), weights=weights)
    key_sums = np.bincount(inv.ravel(), weights=np.nan_to_num(arr[:, 2]))
    return [(f"hex:{int(a)}:{int(b)}", f"Hexagon {int(a)},{int(b)}", _old_hex_polygon(int(a), int(b), size), int(s),
             int(k)) for (a, b), s, k in zip(uniq, sums, key_sums)]


def _old_geometry(geom: Any, crs: str) -> str:
    return json.dumps(mapping(spatial.from_27700(geom, crs)))


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def engine(demo_db: str) -> Any:
    return db.make_engine(demo_db)


@pytest.fixture(scope="module")
def grants(engine: Any) -> dict[str, rights.Grant]:
    with engine.connect() as conn:
        return {org: rights.active_grants(conn, org)["mps_crime"] for org in ("mopac", "camden", "tfl")}


def _where(grant: rights.Grant, params: dict[str, str]) -> Any:
    return query.build(grant.dataset, grant, params, "sqlite").where


# ------------------------------------------------------------------ tests
@pytest.mark.parametrize("size", [50.0, 500.0, 1000.0, 2000.0])
@pytest.mark.parametrize("with_keys", [False, True])
def test_hexagon_cells_equal_the_reference(engine: Any, grants: dict, size: float, with_keys: bool) -> None:
    g = grants["mopac"]
    table = db.incident_tables["mps_crime"]
    for params in ({}, {"hour": "18,19,20"}, {"area": "borough:E09000033"}):
        where = _where(g, params)
        with engine.connect() as conn:
            new = aggregates.by_hex(conn, g.dataset, table, where, size, with_keys=with_keys)
            old = _old_by_hex(conn, g.dataset, table, where, size, with_keys=with_keys)
        assert len(new) > 0 and len(new) == len(old)
        for c, (code, name, geom, n, k) in zip(new, old):
            assert (c.code, c.name, c.count, c.key_sum) == (code, name, n, k)
            assert c.geometry.equals_exact(geom, 0) and shapely.to_wkb(c.geometry) == shapely.to_wkb(geom)


def test_hexagon_cells_of_nothing(engine: Any, grants: dict) -> None:
    g = grants["mopac"]
    where = _where(g, {"datetime": "1990-01-01/1990-01-31"})
    with engine.connect() as conn:
        assert aggregates.by_hex(conn, g.dataset, db.incident_tables["mps_crime"], where, 500.0) == []


@pytest.mark.parametrize("crs", SUPPORTED_CRS_URIS)
def test_record_level_collections_equal_the_reference(engine: Any, grants: dict, crs: str) -> None:
    """The published GeoJSON, byte for byte, for hexagons, wards and boroughs, with and without an area limit."""
    table = db.incident_tables["mps_crime"]
    for org in ("mopac", "camden"):
        g = grants[org]
        where = _where(g, {})
        with engine.connect() as conn:
            for by in ("hex", "ward", "borough"):
                cells = (aggregates.by_hex(conn, g.dataset, table, where, 1000.0) if by == "hex"
                         else aggregates.by_boundary(conn, g.dataset, table, where, by))
                for _ in range(2):  # computed, then from the caches
                    got = aggregates.feature_collection(cells, crs)
                    assert len(got["features"]) == len(cells) > 0
                    for feat, c in zip(got["features"], cells):
                        assert json.dumps(feat["geometry"]) == _old_geometry(c.geometry, crs)
                        assert feat["properties"]["count"] == aggregates.publish(c.count)[0]


def test_boundary_cells_follow_the_stored_text(engine: Any, grants: dict) -> None:
    """A boundary's geometry is cached by its stored WKT: new text for the same code (a boundary import)
    is a new geometry, never the old one."""
    g = grants["mopac"]
    with engine.connect() as conn:
        cells = aggregates.by_boundary(conn, g.dataset, db.incident_tables["mps_crime"], _where(g, {}), "borough")
    c = cells[0]
    assert spatial.parse_wkt(c.shape) is c.geometry  # the stored text, parsed once
    before = aggregates.feature_collection([c], CRS84_URI)["features"][0]["geometry"]
    moved = shapely.affinity.translate(c.geometry, 1000, 0)
    other = aggregates.Cell(c.code, c.name, moved, c.count, 0, moved.wkt)
    after = aggregates.feature_collection([other], CRS84_URI)["features"][0]["geometry"]
    assert after != before and json.dumps(after) == _old_geometry(moved, CRS84_URI)


@pytest.mark.parametrize("by", ["hex", "ward", "borough"])
def test_counts_only_collections_equal_the_reference(engine: Any, grants: dict, by: str) -> None:
    g = grants["tfl"]
    prm = {"period": "2025-03", "by": by, **({"size": "1000"} if by == "hex" else {})}
    with engine.connect() as conn:
        cq = closed_table.parse_aggregates(conn, g, prm, "sqlite")
        found = closed_table.cells(conn, g, cq)
    got = closed_table.feature_collection(g, cq, found)
    by_code = {c.code: c for c in found}
    assert got["features"]
    for feat in got["features"]:
        assert json.dumps(feat["geometry"]) == _old_geometry(by_code[feat["id"]].geometry, cq.output_crs)


def test_agreement_area_reaches_sql_as_before(engine: Any, grants: dict) -> None:
    """within_area (facts cached per text) builds the same SQL, with the same parameters, as
    within_geometry on the parsed area, and counts the same records."""
    g = grants["camden"]
    assert g.area_wkt is not None
    table = db.incident_tables["mps_crime"]
    for dialect in ("sqlite", "postgresql"):
        a = spatial.within_area(table, g.area_wkt, dialect)
        b = spatial.within_geometry(table, shapely_wkt.loads(g.area_wkt), dialect)
        ca, cb = a.compile(), b.compile()
        assert str(ca) == str(cb) and ca.params == cb.params
    with engine.connect() as conn:
        via_area = conn.execute(select(func.count()).select_from(table).where(
            spatial.within_area(table, g.area_wkt, "sqlite"))).scalar_one()
        via_geom = conn.execute(select(func.count()).select_from(table).where(
            spatial.within_geometry(table, shapely_wkt.loads(g.area_wkt), "sqlite"))).scalar_one()
        everything = conn.execute(select(func.count()).select_from(table)).scalar_one()
    assert 0 < via_area == via_geom < everything
    empty = spatial.within_geometry(table, shapely.Polygon(), "sqlite")
    assert str(empty.compile()) == str(spatial.within_area(table, "POLYGON EMPTY", "sqlite").compile())
    with pytest.raises(ValueError, match="unsupported dialect"):
        spatial.within_area(table, g.area_wkt, "mysql")
