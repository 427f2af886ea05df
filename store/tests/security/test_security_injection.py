"""SQL injection attempts through every parameter, on SQLite and on PostgreSQL/PostGIS.

Every query parameter of the data endpoints (the OpenAPI document's, plus every dataset field as a
simple equality parameter, plus an injected parameter *name*), the path parameters, every field of
the sign-in and refresh bodies and the Authorization header get classic payloads (tautologies,
stacked statements, UNION reads of the users table, comment tricks, time-based pg_sleep/
randomblob). Checks: never a 5xx; no database error text or table contents in any answer; a
tautology never matches more than the unfiltered query; sign-in never succeeds; time-based
payloads do not delay the answer; and afterwards the users, tokens and audit tables are intact.
"""
from __future__ import annotations

import base64
import time
from typing import Iterator

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from conftest import Api, Server
from safety_support import pg_demo_url, start_store, stop_store
from safestats_store import db
from safestats_store.catalogue import DATASETS, DERIVED_FIELDS
from safestats_store.openapi import FILTER_PARAMS

PAYLOADS = [
    "' OR '1'='1",
    "1 OR 1=1",
    "x' OR 1=1 --",
    "'; DROP TABLE users; --",
    "1; DELETE FROM audit",
    "' UNION SELECT username, password_hash FROM users --",
    "1) UNION SELECT token_hash FROM tokens --",
    "\" OR \"\"=\"",
    "1' AND (SELECT pg_sleep(3)) IS NULL --",
    "1 AND 1=(SELECT 1 FROM pg_sleep(3))",
    "1' AND randomblob(300000000) --",
    "E09000033') OR ('a'='a",
    "%' OR 1=1 --",
    "\\'; SELECT 1; --",
    "0x27 OR 1=1",
]
LEAK_MARKERS = ["sqlite", "psycopg", "syntax error", "sqlalchemy", "traceback", "operationalerror",
                "programmingerror", "select ", "argon2", "$argon2", "pg_", "unterminated", "near \""]
QUERY_PARAMS = ["limit", "offset", *FILTER_PARAMS, "crs", "f", "properties", "by", "size"]


@pytest.fixture(scope="module", params=["sqlite", "postgis"])
def target(request: pytest.FixtureRequest, server: Server,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Api]]:
    if request.param == "sqlite":
        yield server, server.session("mopac.analyst")  # no area polygon: keeps the SQLite run fast
        return
    srv = start_store(pg_demo_url(tmp_path_factory), tmp_path_factory.mktemp("injpg"))
    try:
        yield srv, srv.session("westminster.analyst")
    finally:
        stop_store(srv)


def _engine(srv: Server):  # noqa: ANN202
    return create_engine(db.normalise_url(srv.db))


def _census(srv: Server) -> dict[str, int]:
    eng = _engine(srv)
    try:
        with eng.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in (db.users, db.organisations, db.agreements, db.grants)}
    finally:
        eng.dispose()


def _clean(r: requests.Response, where: str) -> None:
    assert r.status_code < 500, (where, r.status_code, r.text[:300])
    low = r.text.lower() if "json" in r.headers.get("content-type", "") else ""
    hits = [m for m in LEAK_MARKERS if m in low]
    # the payload itself may be echoed in a refusal ("unknown parameter 'x' OR ...'"); anything else may not
    hits = [m for m in hits if not any(m in p.lower() for p in PAYLOADS)]
    assert not hits, (where, hits, r.text[:300])


def test_query_parameters(target: tuple[Server, Api]) -> None:
    srv, api = target
    before = _census(srv)
    fields = [f.name for f in DERIVED_FIELDS] + list(DATASETS["mps_crime"].field_names)
    baseline = api.json("/collections/mps_crime/count")["numberMatched"]
    slowest = 0.0
    for path in ("/collections/mps_crime/count", "/collections/mps_crime/items", "/collections/mps_crime/aggregates"):
        for name in QUERY_PARAMS + fields:
            for payload in PAYLOADS if path.endswith("count") else PAYLOADS[::4]:
                t0 = time.monotonic()
                r = api.get(path, **{name: payload, **({"limit": "5"} if path.endswith("items") and
                                                        name != "limit" else {})})
                slowest = max(slowest, time.monotonic() - t0)
                _clean(r, f"{path} {name}={payload}")
                if r.status_code == 200 and path.endswith("count"):
                    assert r.json()["numberMatched"] <= baseline, (name, payload)
        # the parameter name itself
        for payload in PAYLOADS[:6]:
            _clean(api.get(path, **{payload: "1"}), f"{path} name {payload}")
    # CQL2 text: payloads as string literals (quotes doubled, as a client library would do) and raw
    for payload in PAYLOADS:
        quoted = payload.replace("'", "''")
        for flt in (f"crime_type = '{quoted}'", f"crime_type LIKE '{quoted}'", f"crime_type IN ('{quoted}', 'x')",
                    f"CASEI(crime_type) = CASEI('{quoted}')", f"crime_type = {payload}", payload):
            r = api.get("/collections/mps_crime/count", filter=flt)
            _clean(r, f"filter {flt}")
            if r.status_code == 200:
                assert r.json()["numberMatched"] <= baseline and (flt == payload or
                                                                  r.json()["numberMatched"] == 0), flt
    assert slowest < 2.5, f"a time-based payload delayed an answer by {slowest:.1f} s"
    assert _census(srv) == before


def test_path_parameters(target: tuple[Server, Api]) -> None:
    srv, api = target
    for payload in PAYLOADS:
        for path in (f"/collections/{payload}", f"/collections/{payload}/items", f"/collections/{payload}/count",
                     f"/collections/mps_crime/items/{payload}", f"/collections/wards/items?parent_code={payload}"):
            r = api.get(path.replace("#", "%23").replace("?", "%3F", path.count("?") - 1))
            _clean(r, path)
            assert r.status_code in (200, 400, 404), (path, r.status_code)
            if "parent_code" in path and r.status_code == 200:
                assert r.json()["numberMatched"] == 0


def test_sign_in_refresh_and_authorization_header(target: tuple[Server, Api]) -> None:
    srv, _api = target
    before = _census(srv)
    version = requests.get(f"{srv.url}/auth/conditions", timeout=10).json()["version"]
    for i, payload in enumerate(PAYLOADS):
        bodies = ({"username": payload, "password": payload},
                  {"username": f"mopac.analyst{payload}", "password": "x" * 12},
                  {"username": "nobody.here", "password": payload, "conditions_version": payload,
                   "purpose": payload, "totp": payload},
                  {"username": "nobody.here", "password": "x" * 12, "conditions_version": version,
                   "purpose": payload})
        for body in bodies if i % 2 == 0 else bodies[:1]:  # every sign-in costs an Argon2 verification
            r = requests.post(f"{srv.url}/auth/login", json=body, timeout=30)
            _clean(r, f"login {body}")
            assert r.status_code in (400, 401, 403, 423) and "access_token" not in r.text, (body, r.text[:200])
        r = requests.post(f"{srv.url}/auth/refresh", json={"refresh_token": payload}, timeout=10)
        _clean(r, f"refresh {payload}")
        assert r.status_code == 401
        for header in (f"Bearer {payload}", "Basic " + base64.b64encode(f"{payload}:{payload}".encode()).decode(),
                       "Basic " + base64.b64encode(f"mopac.analyst:{payload}".encode()).decode()):
            r = requests.get(f"{srv.url}/collections", headers={"Authorization": header.encode("utf-8")}, timeout=10)
            _clean(r, f"auth header {header}")
            assert r.status_code == 401
    assert _census(srv) == before
    eng = _engine(srv)
    try:
        with eng.connect() as conn:  # every table the payloads name is still there and readable
            for t in ("users", "tokens", "audit", "agreements"):
                conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608 - fixed names
    finally:
        eng.dispose()
