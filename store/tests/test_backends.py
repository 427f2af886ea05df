"""The embedded SQLite store and the PostgreSQL + PostGIS store give identical answers.

A real PostgreSQL cluster with PostGIS is started by the test (tests/pg.py), the same demo (same
seed and scale) is loaded into both, a store process serves each, and the same requests are
compared byte for byte (after removing request-specific links and timestamps)."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from conftest import Server, make_demo, start_server
from pg import shared_postgis


@pytest.fixture(scope="module")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    pg = shared_postgis(tmp_path_factory)
    db_url = pg.url.replace("postgresql+psycopg://", "postgresql://")
    make_demo(db_url)
    srv = start_server(db_url, tmp_path_factory.mktemp("pgsrv"))
    yield srv
    srv.stop()


def _clean(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: _clean(v) for k, v in body.items() if k not in ("links", "timeStamp", "last_refresh", "$id")}
    if isinstance(body, list):
        return [_clean(v) for v in body]
    if isinstance(body, float):
        return round(body, 6)
    return body


QUERIES = [
    ("/collections", {}),
    ("/collections/mps_crime/count", {}),
    ("/collections/mps_crime/count", {"filter": "crime_type IN ('Robbery','Drugs') AND hour >= 18"}),
    ("/collections/mps_crime/count", {"bbox": "-0.2,51.48,-0.1,51.53"}),
    ("/collections/mps_crime/count", {"filter": "S_INTERSECTS(geometry, POLYGON((-0.2 51.48, -0.1 51.48, "
                                                "-0.15 51.53, -0.2 51.48)))"}),
    ("/collections/mps_crime/count", {"filter": "CASEI(location_desc) LIKE CASEI('on or near high%')"}),
    ("/collections/mps_crime/count", {"filter": "location_desc LIKE 'on or near%'"}),
    ("/collections/mps_crime/count", {"datetime": "2024-04-01/2025-03-31", "dow": "6,7"}),
    ("/collections/mps_crime/items", {"limit": "200", "filter": "crime_type = 'Burglary'", "offset": "10"}),
    ("/collections/lfb_incidents/items", {"limit": "100", "crs": "http://www.opengis.net/def/crs/EPSG/0/27700"}),
    ("/collections/las_incidents/aggregates", {"by": "ward"}),
    ("/collections/mps_crime/aggregates", {"by": "hex", "size": "750", "hour": "2"}),
    ("/collections/ndtms_treatment/aggregates", {"by": "borough"}),
    ("/collections/rnli_launches/items", {"limit": "1000"}),
    # counts only (TfL on MPS): perturbed cells must agree too (same demo seed, same record keys)
    ("/collections/mps_crime/count", {"period": "FY2024"}),
    ("/collections/mps_crime/count", {"period": "2025-01", "category": "Robbery"}),
    ("/collections/mps_crime/count", {"period": "2025-01", "area": "borough:E09000033"}),
    ("/collections/mps_crime/aggregates", {"period": "2025-01", "by": "ward"}),
    ("/collections/mps_crime/aggregates", {"period": "FY2024", "by": "hex", "size": "1000"}),
    ("/collections/mps_crime/aggregates", {"period": "2025-01", "by": "hex", "size": "500",
                                           "within": "borough:E09000033"}),
]


@pytest.mark.parametrize("username", ["mopac.analyst", "westminster.analyst", "tfl.analyst"])
def test_sqlite_and_postgis_answer_identically(server: Server, pg_server: Server, username: str) -> None:
    a, b = server.session(username), pg_server.session(username)
    compared = 0
    for path, params in QUERIES:
        ra, rb = a.get(path, **params), b.get(path, **params)
        assert ra.status_code == rb.status_code, (path, params, ra.text[:200], rb.text[:200])
        if ra.status_code == 200:
            assert _clean(ra.json()) == _clean(rb.json()), (username, path, params)
            compared += 1
        else:
            assert ra.json()["code"] == rb.json()["code"]
    assert compared >= 5


def test_postgis_bulk_extract_matches_sqlite(server: Server, pg_server: Server) -> None:
    a, b = server.session("westminster.analyst"), pg_server.session("westminster.analyst")
    ra = a.get("/collections/mps_crime/items", f="fgb", hour="0,1,2,3")
    rb = b.get("/collections/mps_crime/items", f="fgb", hour="0,1,2,3")
    assert ra.status_code == rb.status_code == 200
    assert ra.headers["X-SafeStats-Count"] == rb.headers["X-SafeStats-Count"] != "0"
