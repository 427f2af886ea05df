"""Boundary /count, and OWSLib's OGC API - Features client (issue 14) against the real store:
filtered boundaries and paged records, authenticated with a personal access token."""
from __future__ import annotations

import sqlite3

import pytest
import requests
import shapely
from owslib.ogcapi.features import Features

from conftest import Api, Server
from safestats_store import spatial
from safestats_store.crs import CRS84_URI

CRS27700 = {"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/27700"}


@pytest.fixture(scope="module")
def westminster(server: Server) -> Api:
    return server.session("westminster.analyst")


@pytest.fixture(scope="module")
def owslib(server: Server, westminster: Api) -> Features:
    r = requests.post(f"{server.url}/auth/tokens", json={"name": "OWSLib test"}, headers=westminster.headers,
                      timeout=30)
    assert r.status_code == 201, r.text
    return Features(server.url, headers={"Authorization": f"Bearer {r.json()['token']}"})


def _boundaries(server: Server, level: str) -> list[tuple]:
    with sqlite3.connect(server.db) as conn:
        return conn.execute("SELECT code, name, wkt FROM boundaries WHERE level = ? ORDER BY code", (level,)).fetchall()


@pytest.mark.parametrize("cid,level", [("boroughs", "borough"), ("wards", "ward")])
def test_boundary_count_matches_the_items_query(server: Server, westminster: Api, cid: str, level: str) -> None:
    rows = _boundaries(server, level)
    assert westminster.json(f"/collections/{cid}/count")["numberMatched"] == len(rows)
    box = shapely.box(525000, 178000, 531000, 182000)
    expected = sum(1 for r in rows if shapely.from_wkt(r[2]).intersects(box))
    got = westminster.json(f"/collections/{cid}/count", bbox="525000,178000,531000,182000", **CRS27700)
    assert got["numberMatched"] == expected and 0 < expected < len(rows)
    assert westminster.json(f"/collections/{cid}/count", filter=f"name = '{rows[2][1]}'")["numberMatched"] == \
        sum(1 for r in rows if r[1] == rows[2][1])
    for bad in ({"filter": "not cql at all"}, {"datetime": "2025-01-01"}, {"foo": "bar"}, {"limit": "x"}):
        r = westminster.get(f"/collections/{cid}/count", **bad)
        assert r.status_code == 400 and r.json()["description"], (bad, r.text)
    assert requests.get(f"{server.url}/collections/{cid}/count", timeout=30).status_code == 401


def test_owslib_gets_filtered_boundaries(server: Server, owslib: Features) -> None:
    ids = {c["id"] for c in owslib.collections()["collections"]}
    assert {"boroughs", "wards", "mps_crime"} <= ids
    rows = _boundaries(server, "ward")
    box84 = (-0.16, 51.50, -0.12, 51.52)
    wards = owslib.collection_items("wards", bbox=list(box84), limit=10000)
    got = sorted(f["id"] for f in wards["features"])
    # ground truth: the CRS84 box as the store's own reprojection gives it, intersected with each stored polygon
    area = spatial.bbox_to_27700(box84, CRS84_URI)
    expected = sorted(r[0] for r in rows if shapely.from_wkt(r[2]).intersects(area))
    assert got == expected and 0 < len(got) < len(rows)
    assert wards["numberMatched"] == len(got)
    one = owslib.collection_items("boroughs", filter=f"code = '{_boundaries(server, 'borough')[0][0]}'")
    assert [f["id"] for f in one["features"]] == [_boundaries(server, "borough")[0][0]]


def test_owslib_pages_records(westminster: Api, owslib: Features) -> None:
    total = westminster.json("/collections/istv_assaults/count")["numberMatched"]
    assert total > 60
    first = owslib.collection_items("istv_assaults", limit=50)
    second = owslib.collection_items("istv_assaults", limit=50, offset=50)
    assert first["numberMatched"] == second["numberMatched"] == total
    assert len(first["features"]) == 50 and len(second["features"]) == min(50, total - 50)
    assert not {f["id"] for f in first["features"]} & {f["id"] for f in second["features"]}
    assert any(link["rel"] == "next" for link in first["links"])
