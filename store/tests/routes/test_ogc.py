"""OGC API - Features behaviour: landing, conformance, OpenAPI, paging, CRS, filters, counts,
bulk, aggregates and error messages. Expected answers are computed independently (pandas on the
full FlatGeobuf extract) and compared with what the store says."""
from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pandas as pd
import pyogrio
import pytest
import requests
import shapely

from conftest import Api, Server

BNG = "http://www.opengis.net/def/crs/EPSG/0/27700"


@pytest.fixture(scope="module")
def mopac(server: Server) -> Api:
    return server.session("mopac.analyst")


@pytest.fixture(scope="module")
def mps(mopac: Api) -> pd.DataFrame:
    """Every MPS record as a DataFrame, from the bulk path."""
    r = mopac.get("/collections/mps_crime/items", f="fgb", crs=BNG)
    assert r.status_code == 200
    with tempfile.NamedTemporaryFile(suffix=".fgb") as fh:
        fh.write(r.content)
        fh.flush()
        meta, _fids, geoms, fields = pyogrio.raw.read(fh.name)
    df = pd.DataFrame({name: col for name, col in zip(meta["fields"], fields)})
    pts = shapely.from_wkb(geoms)
    df["x"], df["y"] = shapely.get_x(pts), shapely.get_y(pts)
    assert int(r.headers["X-SafeStats-Count"]) == len(df) > 1000
    return df


def test_landing_conformance_openapi(server: Server) -> None:
    landing = requests.get(server.url + "/", timeout=10).json()
    rels = {link["rel"]: link for link in landing["links"]}
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert {"data", "conformance"} <= set(rels)
    conf = requests.get(server.url + "/conformance", timeout=10).json()["conformsTo"]
    for cls in ["ogcapi-features-3/1.0/conf/filter", "ogcapi-features-3/1.0/conf/features-filter",
                "cql2/1.0/conf/cql2-text", "cql2/1.0/conf/basic-cql2", "ogcapi-features-2/1.0/conf/crs"]:
        assert any(c.endswith(cls) for c in conf), cls
    r = requests.get(server.url + "/api", timeout=10)
    assert r.headers["content-type"].startswith("application/vnd.oai.openapi+json;version=3.0")
    doc = r.json()
    assert doc["openapi"].startswith("3.0")
    limit = doc["components"]["parameters"]["limit"]["schema"]
    assert limit["default"] == 1000 and limit["maximum"] == 10000
    assert "cql-text" in doc["components"]["parameters"]["filter-lang"]["schema"]["enum"]


def test_paging_follows_next_links_to_every_feature(mopac: Api) -> None:
    first = mopac.json("/collections/rnli_launches/items", limit=37)
    total, seen, page = first["numberMatched"], [], first
    while True:
        seen += [f["id"] for f in page["features"]]
        nxt = [link["href"] for link in page["links"] if link["rel"] == "next"]
        if not nxt:
            break
        page = requests.get(nxt[0], headers=mopac.headers, timeout=30).json()
    assert len(seen) == len(set(seen)) == total > 37


def test_crs_output(mopac: Api) -> None:
    f84 = mopac.json("/collections/mps_crime/items", limit=5)["features"][0]
    fbng = mopac.json(f"/collections/mps_crime/items/{f84['id']}", crs=BNG)
    lon, lat = f84["geometry"]["coordinates"]
    e, n = fbng["geometry"]["coordinates"]
    assert -0.6 < lon < 0.4 and 51.2 < lat < 51.8
    assert 500_000 < e < 565_000 and 150_000 < n < 205_000
    f4326 = mopac.json(f"/collections/mps_crime/items/{f84['id']}", crs="http://www.opengis.net/def/crs/EPSG/0/4326")
    assert f4326["geometry"]["coordinates"] == [lat, lon]


def _london(ts: pd.Series) -> pd.Series:
    return pd.to_datetime(ts).dt.tz_localize("UTC").dt.tz_convert(ZoneInfo("Europe/London"))


def test_filters_match_an_independent_computation(mopac: Api, mps: pd.DataFrame) -> None:
    local = _london(mps["occurred_at"])
    cases = [
        ({"datetime": "2024-01-01T00:00:00Z/2024-12-31T23:59:59Z"},
         (pd.to_datetime(mps["occurred_at"]) >= "2024-01-01") & (pd.to_datetime(mps["occurred_at"]) <= "2024-12-31 23:59:59")),
        ({"dow": "5,6"}, local.dt.day_of_week.isin([4, 5])),
        ({"hour": "22,23,0,1"}, local.dt.hour.isin([22, 23, 0, 1])),
        ({"filter": "crime_type IN ('Robbery','Burglary')"}, mps["crime_type"].isin(["Robbery", "Burglary"])),
        ({"crime_type": "Drugs"}, mps["crime_type"] == "Drugs"),
        ({"area": "borough:E09000033"}, mps["borough_code"] == "E09000033"),
        ({"bbox": "528000,179000,532000,182000", "bbox-crs": BNG},
         mps["x"].between(528000, 532000) & mps["y"].between(179000, 182000)),
        ({"filter": "S_INTERSECTS(geometry, POLYGON((528000 179000, 532000 179000, 532000 182000, 528000 179000)))",
          "filter-crs": BNG},
         None),
        ({"filter": "minor_category LIKE 'Violence%' AND NOT (hour BETWEEN 6 AND 17)"},
         mps["minor_category"].str.startswith("Violence") & ~local.dt.hour.between(6, 17)),
    ]
    for params, mask in cases:
        count = mopac.json("/collections/mps_crime/count", **params)["numberMatched"]
        items = mopac.json("/collections/mps_crime/items", limit=1, **params)["numberMatched"]
        assert count == items, params
        if mask is not None:
            assert count == int(mask.sum()), params
            assert 0 < count < len(mps), params
        else:
            from shapely.geometry import Point, Polygon
            tri = Polygon([(528000, 179000), (532000, 179000), (532000, 182000)])
            expect = sum(tri.intersects(Point(x, y)) for x, y in zip(mps["x"], mps["y"]))
            assert count == expect > 0


def test_bulk_matches_count_for_a_filter(mopac: Api) -> None:
    params = {"filter": "crime_type = 'Robbery'", "hour": "20,21,22"}
    r = mopac.get("/collections/mps_crime/items", f="fgb", **params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/flatgeobuf")
    assert int(r.headers["X-SafeStats-Count"]) == mopac.json("/collections/mps_crime/count", **params)["numberMatched"]


@pytest.mark.parametrize("params, needle", [
    ({"filter": "crime_type = "}, "filter"),
    ({"filter": "crime_type = 'x' AND"}, "filter"),
    ({"filter": "nosuchfield = 1"}, "nosuchfield"),
    ({"filter": "hour = 'three'"}, "hour"),
    ({"filter": "crime_type = 'x'; DROP TABLE users; --"}, "filter"),
    ({"filter-lang": "sql", "filter": "1=1"}, "filter"),
    ({"bbox": "1,2,3"}, "bbox"),
    ({"bbox": "a,b,c,d"}, "bbox"),
    ({"datetime": "yesterday"}, "datetime"),
    ({"dow": "8"}, "dow"),
    ({"hour": "x"}, "hour"),
    ({"area": "borough:'; --"}, "area"),
    ({"crs": "EPSG:3857"}, "crs"),
    ({"limit": "-1"}, "limit"),
    ({"bogus": "1"}, "bogus"),
])
def test_malformed_requests_get_400_with_a_message(mopac: Api, params: dict, needle: str) -> None:
    r = mopac.get("/collections/mps_crime/items", **params)
    assert r.status_code == 400, (params, r.status_code, r.text[:200])
    body = r.json()
    assert body["code"] in ("invalid_filter", "invalid_parameter") and needle in body["description"]


def test_aggregates(mopac: Api, mps: pd.DataFrame) -> None:
    agg = mopac.json("/collections/mps_crime/aggregates", by="borough")
    assert len(agg["features"]) == 33
    by_code = mps.groupby("borough_code").size()
    for f in agg["features"]:
        true = int(by_code.get(f["properties"]["code"], 0))
        expect = None if 0 < true < 5 else true
        assert f["properties"]["count"] == expect
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
    hexes = mopac.json("/collections/mps_crime/aggregates", by="hex", size=1000)
    published = sum(f["properties"]["count"] or 0 for f in hexes["features"])
    suppressed = [f for f in hexes["features"] if f["properties"]["suppressed"]]
    assert published + 4 * len(suppressed) >= len(mps) >= published


def test_queryables_are_json_schema(mopac: Api) -> None:
    q = mopac.json("/collections/mps_crime/queryables")
    assert q["properties"]["occurred_at"]["format"] == "date-time"
    assert q["properties"]["geometry"]["$ref"].startswith("https://geojson.org/schema/")
    assert "Robbery" in q["properties"]["crime_type"]["enum"]


def test_collection_metadata(mopac: Api) -> None:
    c = mopac.json("/collections/lfb_incidents")
    s = c["safestats"]
    assert s["agency"] == "London Fire Brigade" and s["protective_marking"] == "OFFICIAL-SENSITIVE"
    assert s["temporal"]["start"] < s["temporal"]["end"] and s["last_refresh"]
    assert datetime.fromisoformat(s["last_refresh"].rstrip("Z")) <= datetime.now(timezone.utc).replace(tzinfo=None)
    assert "False Alarm" in next(f for f in s["fields"] if f["name"] == "incident_group")["categories"]
