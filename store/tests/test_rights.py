"""Every rights rule on every path, for organisations with different agreements, each test trying
to get past the rule (through items, bulk, counts, queryables, filters, aggregates and audit)."""
from __future__ import annotations

import tempfile
from datetime import datetime

import pyogrio
import shapely
import pytest
from shapely import wkt as shapely_wkt

from conftest import Api, Server, run_cli

INCIDENT_DATASETS = {"mps_crime", "colp_crime", "btp_crime", "las_incidents", "lfb_incidents", "istv_assaults",
                     "tfl_bus_incidents", "rnli_launches", "ndtms_treatment"}
EXPECTED = {
    "mopac.analyst": {d: "records" for d in INCIDENT_DATASETS},
    "westminster.analyst": {d: "records" for d in ["mps_crime", "colp_crime", "lfb_incidents", "las_incidents",
                                                   "istv_assaults", "tfl_bus_incidents"]},
    "tfl.analyst": {"tfl_bus_incidents": "records", "btp_crime": "records", "mps_crime": "aggregate"},
    "hackney.analyst": {"mps_crime": "records", "las_incidents": "records", "ndtms_treatment": "aggregate"},
}


@pytest.fixture(scope="module")
def sessions(server: Server) -> dict[str, Api]:
    return {u: server.session(u) for u in EXPECTED}


def _fgb(api: Api, cid: str, **params: str) -> tuple[list[str], list, object]:
    r = api.get(f"/collections/{cid}/items", f="fgb", **params)
    assert r.status_code == 200, r.text[:300]
    assert int(r.headers["Content-Length"]) == len(r.content)
    with tempfile.NamedTemporaryFile(suffix=".fgb") as fh:
        fh.write(r.content)
        fh.flush()
        meta, _fids, geoms, fields = pyogrio.raw.read(fh.name)
    return list(meta["fields"]), fields, geoms


@pytest.mark.parametrize("username", list(EXPECTED))
def test_collections_list_exactly_the_agreement(sessions: dict[str, Api], username: str) -> None:
    body = sessions[username].json("/collections")
    got = {c["id"]: c["safestats"]["access"] for c in body["collections"] if c["safestats"]["kind"] != "boundaries"}
    assert got == EXPECTED[username]


@pytest.mark.parametrize("username", ["westminster.analyst", "tfl.analyst", "hackney.analyst"])
def test_forbidden_dataset_is_not_found_on_every_path(sessions: dict[str, Api], username: str) -> None:
    api = sessions[username]
    for cid in sorted(INCIDENT_DATASETS - set(EXPECTED[username])):
        for path in ["", "/items", "/items/1", "/queryables", "/count", "/aggregates"]:
            r = api.get(f"/collections/{cid}{path}", **({"f": "fgb"} if path == "/items" else {}))
            assert r.status_code == 404, (cid, path, r.status_code)
            assert r.json()["code"] == "not_found"
            # the same answer as for a collection that does not exist at all: nothing leaks
            assert r.json()["description"].replace(cid, "X") == api.get(
                f"/collections/nosuch{path}").json()["description"].replace("nosuch", "X")


def test_area_limit_applies_to_items_bulk_and_count(sessions: dict[str, Api], server: Server) -> None:
    wm = sessions["westminster.analyst"]
    col = wm.json("/collections/mps_crime")
    area = shapely_wkt.loads(col["safestats"]["limits"]["area"])
    names, _fields, geoms = _fgb(wm, "mps_crime", crs="http://www.opengis.net/def/crs/EPSG/0/27700")
    assert len(geoms) > 0
    pts = [shapely.from_wkb(g) for g in geoms]
    assert all(area.buffer(0.01).contains(p) for p in pts)
    # London-wide there are many more, so the limit really cut something
    total = sessions["mopac.analyst"].json("/collections/mps_crime/count")["numberMatched"]
    mine = wm.json("/collections/mps_crime/count")["numberMatched"]
    assert mine == len(geoms) < total
    # asking explicitly for a far-away bbox (Havering) returns nothing rather than leaking
    far = wm.json("/collections/mps_crime/items", bbox="0.15,51.55,0.25,51.60")
    assert far["numberMatched"] == 0 and far["features"] == []
    far_filter = wm.json("/collections/mps_crime/count",
                         filter="S_INTERSECTS(geometry, BBOX(0.15,51.55,0.25,51.60))")
    assert far_filter["numberMatched"] == 0


def test_history_limit(sessions: dict[str, Api]) -> None:
    wm = sessions["westminster.analyst"]
    col = wm.json("/collections/mps_crime")
    since = datetime.fromisoformat(col["safestats"]["limits"]["history_from"])
    page = wm.json("/collections/mps_crime/items", datetime="2000-01-01/..", limit=10000)
    assert page["features"]
    assert min(datetime.fromisoformat(f["properties"]["occurred_at"].rstrip("Z"))
               for f in page["features"]) >= since
    old = wm.json("/collections/mps_crime/count", datetime=f"2020-01-01/{since.date().replace(day=1)}T00:00:00Z")
    assert old["numberMatched"] <= 31 * 24  # nothing before the window, beyond its first instant
    old_filter = wm.json("/collections/mps_crime/count", filter="occurred_at < TIMESTAMP('2023-01-01T00:00:00Z')")
    assert old_filter["numberMatched"] == 0
    assert sessions["mopac.analyst"].json(
        "/collections/mps_crime/count", filter="occurred_at < TIMESTAMP('2023-01-01T00:00:00Z')")["numberMatched"] > 0


def test_forbidden_fields_never_come_back(sessions: dict[str, Api]) -> None:
    wm = sessions["westminster.analyst"]
    hidden = {"age_band", "gender"}
    col = wm.json("/collections/las_incidents")
    assert not hidden & {f["name"] for f in col["safestats"]["fields"]}
    assert col["safestats"]["limits"]["fields_restricted"] is True
    assert not hidden & set(wm.json("/collections/las_incidents/queryables")["properties"])
    page = wm.json("/collections/las_incidents/items", limit=50)
    assert page["features"] and not hidden & set(page["features"][0]["properties"])
    names, _f, _g = _fgb(wm, "las_incidents")
    assert not hidden & set(names)
    for params in [{"filter": "age_band = '18-24'"}, {"filter": "gender IS NULL"}, {"age_band": "18-24"},
                   {"properties": "age_band"}, {"filter": "CASEI(gender) LIKE 'm%'"}]:
        for path in ["/items", "/count", "/aggregates"]:
            r = wm.get(f"/collections/las_incidents{path}", **params)
            assert r.status_code == 400, (params, path, r.text)
            body = r.json()
            # the message names the field the caller wrote but never a value from the data
            assert "Male" not in r.text and "Female" not in r.text and body["code"] in (
                "invalid_filter", "invalid_parameter")
    # MOPAC can see them, so the field exists: the refusal is the agreement, not a typo
    assert "age_band" in sessions["mopac.analyst"].json("/collections/las_incidents/queryables")["properties"]


def test_aggregate_only_dataset(sessions: dict[str, Api]) -> None:
    tfl = sessions["tfl.analyst"]
    for params in [{}, {"f": "fgb"}]:
        r = tfl.get("/collections/mps_crime/items", **params)
        assert r.status_code == 403 and r.json()["code"] == "aggregate_only"
    assert tfl.get("/collections/mps_crime/items/1").status_code == 403
    assert tfl.get("/collections/mps_crime/count").status_code == 400  # a period is required
    n = tfl.json("/collections/mps_crime/count", period="FY2024")["numberMatched"]
    assert n % 5 == 0 and n > 0
    agg = tfl.json("/collections/mps_crime/aggregates", by="ward", period="FY2024")
    values = [f["properties"]["count"] for f in agg["features"]]
    assert all(v is None or (v % 5 == 0 and v >= 5) for v in values)  # a true 0 is suppressed too
    col = tfl.json("/collections/mps_crime")
    assert col["safestats"]["record_count"] is None
    assert not [link for link in col["links"] if link["rel"] == "items"]


def test_audit_visibility(server: Server, sessions: dict[str, Api]) -> None:
    assert sessions["westminster.analyst"].get("/audit").status_code == 403
    org_admin = server.session("westminster.admin")
    entries = org_admin.json("/audit", limit=10000)["entries"]
    assert entries and {e["org_id"] for e in entries} == {"westminster"}
    store_admin = server.session("gla.admin")
    orgs = {e["org_id"] for e in store_admin.json("/audit", limit=10000)["entries"]}
    assert {"westminster", "tfl", "mopac"} <= orgs
    # an extraction is audited with who, dataset, purpose and row count
    sessions["hackney.analyst"].json("/collections/mps_crime/count", hour="12")
    last = [e for e in store_admin.json("/audit", limit=50)["entries"] if e["org_id"] == "hackney"][0]
    assert last["action"] == "count" and last["dataset_id"] == "mps_crime" and last["purpose"] == "crime_prevention"
    assert last["detail"]["hour"] == [12]


def test_no_agreement_organisations_cannot_sign_in(server: Server) -> None:
    for user in ["homeoffice.analyst", "herts.analyst"]:
        r = server.login(user)
        assert r.status_code == 403 and r.json()["code"] == "no_agreement", r.text
        assert "Data Sharing Agreement" in r.json()["description"]


def test_suspension_takes_effect_on_next_request(server: Server) -> None:
    api = server.session("camden.analyst")
    assert api.get("/collections").status_code == 200
    run_cli("dsa", "suspend", "camden", "--db", server.db)
    try:
        r = api.get("/collections/mps_crime/count")
        assert r.status_code in (401, 403), r.text
        assert server.login("camden.analyst").json()["code"] == "no_agreement"
    finally:
        run_cli("dsa", "resume", "camden", "--db", server.db)
    assert server.login("camden.analyst").status_code == 200


def test_boundaries_need_sign_in(server: Server) -> None:
    import requests
    assert requests.get(f"{server.url}/collections/wards/items", timeout=10).status_code == 401
    assert requests.get(f"{server.url}/collections", timeout=10).status_code == 401
    assert requests.get(f"{server.url}/collections/mps_crime/items?access_token=x", timeout=10).status_code == 401


def test_several_agreements_in_force_add_up_and_a_renewal_supersedes(demo_db: str, tmp_path) -> None:  # noqa: ANN001
    """The admin guide's workflow: `dsa add` twice (records for some datasets, counts only for
    another) gives the organisation both; a later-ending renewal with narrower terms replaces the
    older terms for its dataset; an expired agreement adds nothing."""
    import shutil

    from conftest import PASSWORD
    from safety_support import start_store, stop_store

    db_path = tmp_path / "dsas.sqlite"
    shutil.copy(demo_db, db_path)
    db = str(db_path)
    run_cli("org", "add", "newtown", "Newtown Community Safety Partnership", "--db", db)
    run_cli("user", "add", "newtown.analyst", "--org", "newtown", "--password-env", "PW", "--db", db,
            env={"PW": PASSWORD})
    run_cli("dsa", "add", "newtown", "--datasets", "mps_crime,lfb_incidents", "--expires-on", "2030-03-31", "--db", db)
    run_cli("dsa", "add", "newtown", "--datasets", "ndtms_treatment", "--access", "aggregate",
            "--expires-on", "2030-03-31", "--db", db)
    run_cli("dsa", "add", "newtown", "--datasets", "rnli_launches", "--signed-on", "2019-01-01",
            "--expires-on", "2020-01-01", "--db", db)  # long expired
    srv = start_store(db, tmp_path)
    try:
        api = srv.session("newtown.analyst")
        access = {c["id"]: c["safestats"]["access"] for c in api.json("/collections")["collections"]
                  if c["id"] not in ("boroughs", "wards")}
        assert access == {"mps_crime": "records", "lfb_incidents": "records", "ndtms_treatment": "aggregate"}
        assert api.get("/collections/rnli_launches/count").status_code == 404
        run_cli("dsa", "add", "newtown", "--datasets", "mps_crime", "--access", "aggregate",
                "--expires-on", "2031-03-31", "--db", db)  # the renewal: counts only from now on
        assert api.json("/collections/mps_crime")["safestats"]["access"] == "aggregate"
        assert api.get("/collections/mps_crime/items", limit="1").status_code == 403
        assert api.json("/collections/lfb_incidents")["safestats"]["access"] == "records"  # untouched
    finally:
        stop_store(srv)
