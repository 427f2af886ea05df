"""OGC API - Features details that clients nobody here wrote rely on (issue 14): a valid OpenAPI
document, HEAD wherever GET works, Range on the FlatGeobuf extract (GDAL's /vsicurl/), single
features with links and Content-Crs, Accept negotiation and strict datetime validation."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest
import requests
import shapely
from openapi_spec_validator import validate

from conftest import Api, Server

COUNTS_ONLY = "mps_crime"  # tfl.analyst's agreement: counts only


@pytest.fixture(scope="module")
def westminster(server: Server) -> Api:
    return server.session("westminster.analyst")


def test_openapi_document_validates_without_and_with_sign_in(server: Server, westminster: Api) -> None:
    anonymous = requests.get(server.url + "/api", timeout=30)
    assert anonymous.status_code == 200
    validate(anonymous.json())
    signed_in = westminster.json("/api")
    assert "/collections/mps_crime/items" in signed_in["paths"]  # the per-caller paths are there too
    validate(signed_in)
    for path, item in signed_in["paths"].items():
        names = [(p.get("name"), p.get("in")) if "name" in p else p["$ref"] for p in item.get("get", {}).get(
            "parameters", [])]
        assert len(names) == len(set(names)), path


def _audit_count(server: Server, username: str, action: str) -> int:
    with sqlite3.connect(server.db) as conn:
        return conn.execute("SELECT count(*) FROM audit WHERE username = ? AND action = ?",
                            (username, action)).fetchone()[0]


@pytest.mark.parametrize("path", ["/", "/conformance", "/api", "/collections", "/collections/mps_crime",
                                  "/collections/mps_crime/queryables", "/collections/mps_crime/items?limit=3",
                                  "/collections/boroughs", "/collections/boroughs/items?limit=2"])
def test_head_answers_like_get_without_a_body(westminster: Api, path: str) -> None:
    got = requests.get(westminster.url + path, headers=westminster.headers, timeout=60)
    head = requests.head(westminster.url + path, headers=westminster.headers, timeout=60)
    assert got.status_code == head.status_code == 200, (head.status_code, head.text)
    assert head.content == b""
    for name in ("content-type", "content-crs", "cache-control", "x-content-type-options"):
        assert head.headers.get(name) == got.headers.get(name), name
    assert int(head.headers["content-length"]) > 0


def test_head_of_a_single_feature_and_refusals(server: Server, westminster: Api) -> None:
    fid = westminster.json("/collections/mps_crime/items", limit=1)["features"][0]["id"]
    head = requests.head(f"{server.url}/collections/mps_crime/items/{fid}", headers=westminster.headers, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert requests.head(server.url + "/collections", timeout=30).status_code == 401
    assert requests.head(f"{server.url}/collections/rnli_launches/items", headers=westminster.headers,
                         timeout=30).status_code == 404  # not in the agreement: HEAD tells no more than GET


def test_fgb_head_and_ranges_read_the_same_bytes_and_audit_once(server: Server) -> None:
    api = server.session("westminster.analyst")
    url = f"{server.url}/collections/mps_crime/items"
    q = {"f": "fgb", "filter": "crime_type = 'Burglary'"}
    before = _audit_count(server, "westminster.analyst", "extract_fgb")
    head = requests.head(url, params=q, headers=api.headers, timeout=120)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["accept-ranges"] == "bytes"
    size = int(head.headers["content-length"])
    whole = requests.get(url, params=q, headers=api.headers, timeout=120)
    assert whole.status_code == 200 and len(whole.content) == size > 100
    assert whole.content[:8] == b"fgb\x03fgb\x01"
    part = requests.get(url, params=q, headers={**api.headers, "Range": "bytes=4-99"}, timeout=120)
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 4-99/{size}" and part.headers["content-length"] == "96"
    assert part.content == whole.content[4:100]
    tail = requests.get(url, params=q, headers={**api.headers, "Range": "bytes=-10"}, timeout=120)
    assert tail.status_code == 206 and tail.content == whole.content[-10:]
    head_range = requests.head(url, params=q, headers={**api.headers, "Range": f"bytes={size - 5}-"}, timeout=120)
    assert head_range.status_code == 206 and head_range.headers["content-length"] == "5"
    beyond = requests.get(url, params=q, headers={**api.headers, "Range": f"bytes={size}-"}, timeout=120)
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{size}"
    # one extract, one audit entry, however many requests read it
    assert _audit_count(server, "westminster.analyst", "extract_fgb") == before + 1
    # another query is another extract (and another audit entry)
    other = requests.get(url, params={"f": "fgb", "filter": "crime_type = 'Robbery'"},
                         headers={**api.headers, "Range": "bytes=0-7"}, timeout=120)
    assert other.status_code == 206 and other.content == b"fgb\x03fgb\x01"
    assert _audit_count(server, "westminster.analyst", "extract_fgb") == before + 2


def test_cached_extract_is_never_served_to_another_caller(server: Server) -> None:
    """Westminster's agreement covers Westminster only; MOPAC's all of London. Same query, same
    moment: each gets an extract of its own rights, never the other's cached file."""
    q = {"f": "fgb", "crs": "http://www.opengis.net/def/crs/EPSG/0/27700"}
    url = f"{server.url}/collections/mps_crime/items"
    west, mopac = server.session("westminster.analyst"), server.session("mopac.analyst")
    a = requests.get(url, params=q, headers=west.headers, timeout=120)
    b = requests.get(url, params=q, headers=mopac.headers, timeout=120)
    c = requests.head(url, params=q, headers=west.headers, timeout=120)
    assert int(a.headers["x-safestats-count"]) == west.json("/collections/mps_crime/count")["numberMatched"]
    assert int(b.headers["x-safestats-count"]) == mopac.json("/collections/mps_crime/count")["numberMatched"]
    assert int(b.headers["x-safestats-count"]) > int(a.headers["x-safestats-count"])
    assert c.headers["content-length"] == a.headers["content-length"]
    # counts-only callers still get no items, by HEAD or by Range
    tfl = server.session("tfl.analyst")
    for method in ("get", "head"):
        r = requests.request(method, f"{server.url}/collections/{COUNTS_ONLY}/items", params={"f": "fgb"},
                             headers={**tfl.headers, "Range": "bytes=0-99"}, timeout=60)
        assert r.status_code == 403, r.status_code


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="gdal-bin not installed")
def test_gdal_vsicurl_reads_the_fgb_extract_in_place(server: Server, westminster: Api) -> None:
    env = {**os.environ, "GDAL_HTTP_AUTH": "BASIC",
           "GDAL_HTTP_USERPWD": f"westminster.analyst:{westminster.tokens['access_token']}",
           "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR"}
    r = subprocess.run(["ogrinfo", "-ro", "-so", "-al", f"/vsicurl/{server.url}/collections/mps_crime/items?f=fgb"],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    expected = westminster.json("/collections/mps_crime/count")["numberMatched"]
    assert f"Feature Count: {expected}" in r.stdout, r.stdout[-1500:]
    assert expected > 0


@pytest.mark.parametrize("accept", ["application/flatgeobuf", "application/flatbuffers"])
def test_accept_header_negotiates_flatgeobuf(westminster: Api, accept: str) -> None:
    r = requests.get(f"{westminster.url}/collections/mps_crime/items", timeout=120,
                     headers={**westminster.headers, "Accept": accept, "Range": "bytes=0-7"})
    assert r.status_code == 206 and r.headers["content-type"] == "application/flatgeobuf"
    assert r.content == b"fgb\x03fgb\x01"


@pytest.mark.parametrize("value", ["../..", "/", "../", "/.."])
def test_datetime_without_any_end_is_refused(westminster: Api, value: str) -> None:
    for path in ("/collections/mps_crime/items", "/collections/mps_crime/count"):
        r = westminster.get(path, datetime=value)
        assert r.status_code == 400 and r.json()["code"] == "invalid_parameter", (path, r.text)


@pytest.mark.parametrize("crs", [None, "http://www.opengis.net/def/crs/EPSG/0/27700"])
def test_single_feature_has_links_and_content_crs(westminster: Api, crs: str | None) -> None:
    extra = {"crs": crs} if crs else {}
    fid = westminster.json("/collections/mps_crime/items", limit=1)["features"][0]["id"]
    r = westminster.get(f"/collections/mps_crime/items/{fid}", **extra)
    assert r.status_code == 200
    expected_crs = crs or "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    assert r.headers["content-crs"] == f"<{expected_crs}>"
    links = {link["rel"]: link for link in r.json()["links"]}
    assert links["self"]["href"] == r.url and links["self"]["type"] == "application/geo+json"
    assert links["collection"]["href"] == f"{westminster.url}/collections/mps_crime"
    assert westminster.json(links["collection"]["href"].removeprefix(westminster.url))["id"] == "mps_crime"


def _boundaries(server: Server) -> dict[str, list[tuple]]:
    with sqlite3.connect(server.db) as conn:
        rows = conn.execute("SELECT code, name, level, parent_code, wkt FROM boundaries ORDER BY code").fetchall()
    return {level: [r for r in rows if r[2] == level] for level in ("borough", "ward")}


@pytest.mark.parametrize("cid,level", [("boroughs", "borough"), ("wards", "ward")])
def test_boundary_collections_honour_the_query(server: Server, westminster: Api, cid: str, level: str) -> None:
    rows = _boundaries(server)[level]
    first = rows[3]
    r = westminster.json(f"/collections/{cid}/items", filter=f"name = '{first[1]}'")
    assert [f["id"] for f in r["features"]] == [r_[0] for r_ in rows if r_[1] == first[1]] and r["numberMatched"] >= 1
    r = westminster.json(f"/collections/{cid}/items", filter=f"code IN ('{rows[0][0]}','{rows[1][0]}')", limit=1)
    assert r["numberMatched"] == 2 and [f["id"] for f in r["features"]] == [rows[0][0]]
    assert westminster.json(f"/collections/{cid}/items", code=first[0])["numberMatched"] == 1
    # bbox: exactly the boundaries whose polygon intersects it (computed here with shapely)
    box = shapely.box(525000, 178000, 531000, 182000)
    expected = [r_[0] for r_ in rows if shapely.from_wkt(r_[4]).intersects(box)]
    got = westminster.json(f"/collections/{cid}/items", bbox="525000,178000,531000,182000",
                           **{"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/27700"}, limit=10000)
    assert [f["id"] for f in got["features"]] == expected and 0 < len(expected) < len(rows)
    # ids from the store's own list open as single features, with links and Content-Crs
    one = westminster.get(f"/collections/{cid}/items/{first[0]}")
    assert one.status_code == 200 and one.json()["properties"]["name"] == first[1]
    assert one.headers["content-crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    assert {link["rel"] for link in one.json()["links"]} == {"self", "collection"}
    assert westminster.get(f"/collections/{cid}/items/E09999999").status_code == 404
    rels = {link["rel"] for link in westminster.json(f"/collections/{cid}")["links"]}
    assert {"self", "items", "http://www.opengis.net/def/rel/ogc/1.0/queryables"} <= rels
    # what a boundary collection cannot do is a 400 with a message, never all the boundaries
    for bad in ({"filter": "this is not cql"}, {"bbox": "1,2,3"}, {"foo": "bar"}, {"datetime": "2025-01-01"},
                {"f": "fgb"}, {"filter": "S_INTERSECTS(geometry, BBOX(-0.2,51.4,-0.1,51.5))"},
                {"filter": "crime_type = 'Robbery'"}):
        r = westminster.get(f"/collections/{cid}/items", **bad)
        assert r.status_code == 400 and r.json()["description"], (bad, r.status_code, r.text[:200])
    assert requests.get(f"{server.url}/collections/{cid}/items/{first[0]}", timeout=30).status_code == 401
