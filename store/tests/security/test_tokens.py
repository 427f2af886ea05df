"""Personal access tokens (tokens.py, routes_tokens.py), attacked through a REAL store process.

The store runs on its own copy of the demo database (these tests publish conditions, expire
agreements and suspend organisations) with its clock shifted through SAFESTATS_CLOCK_OFFSET_FILE
(clock.py), so expiry is tested by moving time, not by waiting.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from conftest import Api, Server, run_cli, start_server

HERE = Path(__file__).parent.parent  # store/tests: the QGIS session helper lives there
UNKNOWN = {"code": "not_authenticated",
           "description": "Sign in to SafeStats first (your token is missing, wrong or revoked)."}


def copy_db(src: str, dst: Path) -> str:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return str(dst)


@pytest.fixture(scope="module")
def store(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("tokens")
    offset = tmp / "clock-offset"
    offset.write_text("0")
    srv = start_server(copy_db(demo_db, tmp / "tokens.sqlite"), tmp, env={
        "SAFESTATS_CLOCK_OFFSET_FILE": str(offset), "SAFESTATS_PAT_ATTEMPTS": "1000"})
    srv.offset = offset  # type: ignore[attr-defined]
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def real_time(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "store" in request.fixturenames:
        travel(request.getfixturevalue("store"), 0)


def travel(srv: Server, seconds: int) -> None:
    srv.offset.write_text(str(seconds))  # type: ignore[attr-defined]


def new_token(api: Api, name: str = "GDAL on my laptop", **extra: Any) -> dict[str, Any]:
    r = requests.post(f"{api.url}/auth/tokens", json={"name": name, **extra}, headers=api.headers, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def basic(user: str, token: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()}


def get(srv: Server, path: str, headers: dict[str, str], **params: Any) -> requests.Response:
    return requests.get(f"{srv.url}{path}", headers=headers, params=params, timeout=60)


def audit(srv: Server) -> list[dict[str, Any]]:
    admin = srv.session("gla.admin")
    return admin.json("/audit", limit=10000)["entries"]


def test_token_is_shown_once_stored_as_a_hash_and_works_as_bearer_and_basic(store: Server) -> None:
    api = store.session("westminster.analyst")
    t = new_token(api)
    secret = t["token"]
    assert secret.startswith("ssp_") and len(secret) >= 40 and t["prefix"] == secret[:12]
    assert t["purpose"] == "crime_prevention" and t["status"] == "active"
    days = (date.fromisoformat(t["expires_at"][:10]) - date.fromisoformat(t["created_at"][:10])).days
    assert days == 30  # the default lifetime
    assert "OAPIF:" in t["usage"]["gdal"] and "Basic" in t["usage"]["qgis"]
    listed = api.json("/auth/tokens")["tokens"]
    assert [x["id"] for x in listed if x["id"] == t["id"]] and secret not in str(listed)
    with sqlite3.connect(store.db) as conn:
        (stored,) = conn.execute("SELECT token_hash FROM personal_tokens WHERE id = ?", (t["id"],)).fetchone()
    assert stored == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.encode() not in Path(store.db).read_bytes()
    for headers in (bearer(secret), basic("westminster.analyst", secret), basic("token", secret)):
        r = get(store, "/collections", headers)
        assert r.status_code == 200, r.text
        assert "mps_crime" in {c["id"] for c in r.json()["collections"]}
    me = get(store, "/auth/me", bearer(secret)).json()
    assert me["username"] == "westminster.analyst" and me["purpose"] == "crime_prevention"
    # another user's name with this token: the same answer as an unknown token
    r = get(store, "/collections", basic("hackney.analyst", secret))
    assert (r.status_code, r.json()) == (401, UNKNOWN)


def test_lifetime_name_and_count_are_bounded(store: Server) -> None:
    api = store.session("camden.analyst")
    for bad in ({"expires_in_days": 91}, {"expires_in_days": 0}, {"expires_in_days": -5}, {"name": ""},
                {"name": "x" * 101}, {"name": "tab\there"}):
        body = {"name": "ok", **bad}
        r = requests.post(f"{store.url}/auth/tokens", json=body, headers=api.headers, timeout=30)
        assert r.status_code == 400, (bad, r.text)
    assert new_token(api, expires_in_days=90)["status"] == "active"
    made = [new_token(api, f"t{i}", expires_in_days=1) for i in range(9)]
    r = requests.post(f"{store.url}/auth/tokens", json={"name": "eleventh"}, headers=api.headers, timeout=30)
    assert r.status_code == 409 and "revoke one" in r.json()["description"]
    assert requests.delete(f"{store.url}/auth/tokens/{made[0]['id']}", headers=api.headers,
                           timeout=30).status_code == 200
    assert new_token(api, "after a revocation")["status"] == "active"


def test_expired_token_stops_with_a_clear_message_and_outlives_the_session(store: Server) -> None:
    api = store.session("islington.analyst")
    secret = new_token(api, "two days", expires_in_days=2)["token"]
    travel(store, 16 * 60)  # beyond the 15-minute access token
    assert api.get("/collections").json()["code"] == "token_expired"
    assert get(store, "/collections", bearer(secret)).status_code == 200
    travel(store, 9 * 3600)  # beyond the 8-hour session
    assert get(store, "/collections/mps_crime/items", bearer(secret), limit=5).status_code == 200
    travel(store, 2 * 86400 + 1)
    r = get(store, "/collections", bearer(secret))
    assert r.status_code == 401 and r.json()["code"] == "token_expired"
    assert "expired on" in r.json()["description"] and "Personal access token" in r.json()["description"]
    travel(store, 0)
    fresh = store.session("islington.analyst")
    assert [t["status"] for t in fresh.json("/auth/tokens")["tokens"]] == ["active"]
    travel(store, 2 * 86400 + 1)
    assert get(store, "/auth/me", bearer(secret)).json()["code"] == "token_expired"


def test_revoked_token_answers_like_an_unknown_one(store: Server) -> None:
    api = store.session("lambeth.analyst")
    t = new_token(api)
    assert get(store, "/collections", bearer(t["token"])).status_code == 200
    r = requests.delete(f"{store.url}/auth/tokens/{t['id']}", headers=api.headers, timeout=30)
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    for headers in (bearer(t["token"]), basic("lambeth.analyst", t["token"])):
        r = get(store, "/collections", headers)
        assert (r.status_code, r.json()) == (401, UNKNOWN)


def test_tokens_of_another_organisation(store: Server) -> None:
    """A token reads its own organisation's grants only; nobody outside it lists or revokes it."""
    hackney, westminster = store.session("hackney.analyst"), store.session("westminster.analyst")
    t = new_token(hackney)
    own = {c["id"] for c in get(store, "/collections", bearer(t["token"])).json()["collections"]}
    assert own == {c["id"] for c in hackney.json("/collections")["collections"]}
    assert t["id"] not in {x["id"] for x in westminster.json("/auth/tokens")["tokens"]}
    other_admin = store.session("westminster.admin")
    assert t["id"] not in {x["id"] for x in other_admin.json("/admin/tokens")["tokens"]}
    for api in (westminster, other_admin):
        for path in (f"/auth/tokens/{t['id']}", f"/admin/tokens/{t['id']}", "/auth/tokens/0",
                     f"/auth/tokens/{2**80}", f"/admin/tokens/{-t['id']}"):
            r = requests.delete(f"{store.url}{path}", headers=api.headers, timeout=30)
            assert r.status_code == 404, (path, r.text)
    assert get(store, "/collections", bearer(t["token"])).status_code == 200  # still alive
    # an analyst has no admin view
    assert westminster.get("/admin/tokens").status_code == 403


def test_admins_revoke_their_organisations_tokens_and_the_cli_too(store: Server) -> None:
    analyst = store.session("westminster.analyst")
    a, b = new_token(analyst, "for the org admin"), new_token(analyst, "for the CLI")
    org_admin = store.session("westminster.admin")
    listed = {x["id"]: x for x in org_admin.json("/admin/tokens")["tokens"]}
    assert listed[a["id"]]["username"] == "westminster.analyst" and "token" not in listed[a["id"]]
    r = requests.delete(f"{store.url}/admin/tokens/{a['id']}", headers=org_admin.headers, timeout=30)
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    assert get(store, "/collections", bearer(a["token"])).status_code == 401
    out = run_cli("tokens", "list", "--db", store.db).stdout
    assert b["prefix"] in out and b["token"] not in out
    run_cli("tokens", "revoke", str(b["id"]), "--db", store.db)
    assert get(store, "/collections", bearer(b["token"])).status_code == 401
    assert run_cli("tokens", "revoke", "999999", "--db", store.db, check=False).returncode == 2
    for bad in ("0", "-1", str(2**80), "abc"):
        r = run_cli("tokens", "revoke", bad, "--db", store.db, check=False)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (bad, r.stderr)
    # the store admin may revoke anyone's
    c = new_token(store.session("hackney.analyst"), "for the store admin")
    gla = store.session("gla.admin")
    assert requests.delete(f"{store.url}/admin/tokens/{c['id']}", headers=gla.headers, timeout=30).status_code == 200


def test_agreement_expiry_stops_tokens_and_suspension_ends_them(store: Server) -> None:
    api = store.session("southwark.analyst")
    secret = new_token(api)["token"]
    with sqlite3.connect(store.db) as conn:
        old = conn.execute("SELECT id, expires_on FROM agreements WHERE org_id = 'southwark'").fetchall()
        conn.execute("UPDATE agreements SET expires_on = ? WHERE org_id = 'southwark'",
                     (str(date.today() - timedelta(days=1)),))
    try:
        for path in ("/collections", "/auth/me", "/collections/mps_crime/items"):
            r = get(store, path, bearer(secret))
            assert r.status_code == 403 and r.json()["code"] == "no_agreement", (path, r.text)
    finally:
        with sqlite3.connect(store.db) as conn:
            conn.executemany("UPDATE agreements SET expires_on = ? WHERE id = ?", [(e, i) for i, e in old])
    assert get(store, "/collections", bearer(secret)).status_code == 200  # a renewal restores it
    # the store's clock passing the agreement's last day stops it too
    with sqlite3.connect(store.db) as conn:
        conn.execute("UPDATE agreements SET expires_on = ? WHERE org_id = 'southwark'",
                     (str(date.today() + timedelta(days=3)),))
    try:
        assert get(store, "/collections", bearer(secret)).status_code == 200
        travel(store, 4 * 86400)
        assert get(store, "/collections", bearer(secret)).json()["code"] == "no_agreement"
    finally:
        travel(store, 0)
        with sqlite3.connect(store.db) as conn:
            conn.executemany("UPDATE agreements SET expires_on = ? WHERE id = ?", [(e, i) for i, e in old])
    run_cli("dsa", "suspend", "southwark", "--db", store.db)
    try:
        r = get(store, "/collections", bearer(secret))
        assert (r.status_code, r.json()) == (401, UNKNOWN)
    finally:
        run_cli("dsa", "resume", "southwark", "--db", store.db)
    r = get(store, "/collections", bearer(secret))  # a suspension revoked it: resuming does not revive it
    assert (r.status_code, r.json()) == (401, UNKNOWN)


def test_password_change_and_disabled_account_end_tokens(store: Server) -> None:
    api = store.session("brent.analyst")
    secret = new_token(api)["token"]
    run_cli("user", "passwd", "brent.analyst", "--db", store.db, "--password-env", "NEW_PW",
            env={"NEW_PW": "another-Password-2026"})
    assert get(store, "/collections", bearer(secret)).status_code == 401
    api = store.session("newham.analyst")
    secret = new_token(api)["token"]
    admin = store.session("gla.admin")
    r = requests.post(f"{store.url}/admin/users/newham.analyst/disable", headers=admin.headers, timeout=30)
    assert r.status_code == 200, r.text
    try:
        assert (get(store, "/collections", bearer(secret)).json()) == UNKNOWN
    finally:
        requests.post(f"{store.url}/admin/users/newham.analyst/enable", headers=admin.headers, timeout=30)


def test_a_token_reads_data_and_nothing_else(store: Server) -> None:
    """Decided: a PAT never creates, lists or revokes tokens, administers users, reads the audit log,
    logs out or refreshes, even an administrator's. 403 before any route runs."""
    admin = store.session("gla.admin")
    secret = new_token(admin, "admin's GDAL")["token"]
    assert get(store, "/collections", bearer(secret)).status_code == 200
    for method, path, body in [("POST", "/auth/tokens", {"name": "child"}), ("GET", "/auth/tokens", None),
                               ("DELETE", "/auth/tokens/1", None), ("GET", "/admin/tokens", None),
                               ("DELETE", "/admin/tokens/1", None), ("GET", "/admin/users", None),
                               ("POST", "/admin/users", {"username": "gla.x", "password": "x" * 12}),
                               ("POST", "/admin/users/camden.analyst/disable", None), ("GET", "/audit", None),
                               ("POST", "/auth/logout", None), ("POST", "/auth/refresh", {"refresh_token": "x"}),
                               ("POST", "/auth/login", {"username": "gla.admin", "password": "x"})]:
        for headers in (bearer(secret), basic("token", secret)):
            r = requests.request(method, f"{store.url}{path}", json=body, headers=headers, timeout=30)
            assert r.status_code == 403 and r.json()["code"] == "forbidden", (method, path, r.text)
            assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert admin.get("/audit").status_code == 200  # the session still can


HAS_QGIS = Path("/usr/bin/python3").exists() and subprocess.run(
    ["/usr/bin/python3", "-c", "import qgis.core"], capture_output=True).returncode == 0
needs_qgis = pytest.mark.skipif(not HAS_QGIS, reason="QGIS (python3-qgis) not installed")


class QgisSession:
    """QGIS's native OAPIF provider in a long-lived process (tests/qgis_oapif_session.py) with a
    Basic authcfg holding a personal access token."""

    def __init__(self, srv: Server, username: str, token: str) -> None:
        self.token = token
        self.proc = subprocess.Popen(["/usr/bin/python3", str(HERE / "qgis_oapif_session.py"), srv.url, username,
                                      token], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.output: list[str] = []
        self._wait("READY")

    def _wait(self, prefix: str) -> str:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)
            if line.startswith(prefix):
                return line
        raise AssertionError("QGIS probe ended: " + "".join(self.output[-30:]))

    def read(self, collection: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"read {collection}\n")
        self.proc.stdin.flush()
        return json.loads(self._wait("RESULT ")[7:])

    def close(self) -> str:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        out = "".join(self.output) + (self.proc.stdout.read() if self.proc.stdout else "")
        assert self.token not in out  # QGIS never logs or prints the token
        return out


@needs_qgis
def test_qgis_native_oapif_keeps_working_past_the_session_and_stops_when_revoked(store: Server) -> None:
    """Done means: a stock QGIS 3.22 OAPIF connection (Basic authcfg: user name + PAT) opens a
    collection, re-reads it after the 15-minute access token and the 8-hour session have ended, and
    stops with the store's message once the token is revoked."""
    api = store.session("westminster.analyst")
    t = new_token(api, "QGIS native connection")
    expected = api.json("/collections/istv_assaults/count")["numberMatched"]
    qgis = QgisSession(store, "westminster.analyst", t["token"])
    try:
        first = qgis.read("istv_assaults")
        assert first["valid"] and first["count"] == expected > 0, first
        travel(store, 16 * 60)
        assert api.get("/collections").json()["code"] == "token_expired"  # a session token would stop here
        again = qgis.read("istv_assaults")
        assert again["valid"] and again["count"] == expected, again
        travel(store, 9 * 3600)  # past the whole 8-hour session
        assert qgis.read("istv_assaults")["count"] == expected
        later = store.session("westminster.analyst")  # signed in again, at the shifted time
        r = requests.delete(f"{store.url}/auth/tokens/{t['id']}", headers=later.headers, timeout=30)
        assert r.status_code == 200
        gone = qgis.read("istv_assaults")
        assert not gone["valid"], gone
        assert any("code=not_authenticated" in m and "revoked" in m for m in gone["log"]), gone
    finally:
        qgis.close()


@needs_qgis
def test_qgis_native_oapif_shows_why_a_counts_only_collection_is_refused(store: Server) -> None:
    """QGIS shows Qt's bare 'server replied: Forbidden' for an HTTP error, except an OWS ExceptionReport
    body: the store sends that to QGIS's own network stack with Basic auth, and QGIS shows its text."""
    api = store.session("tfl.analyst")  # TfL: mps_crime is counts-only, tfl_bus_incidents records
    t = new_token(api, "QGIS counts-only")
    qgis = QgisSession(store, "token", t["token"])
    try:
        assert qgis.read("tfl_bus_incidents")["valid"]
        refused = qgis.read("mps_crime")
        assert not refused["valid"]
        assert any("code=aggregate_only" in m and "aggregate counts" in m for m in refused["log"]), refused
        assert not any("server replied: Forbidden" in m for m in refused["log"]), refused
    finally:
        qgis.close()
    # the plugin (Bearer) and other clients keep the JSON errors of docs/api.md, even via QGIS's stack
    ua = {"User-Agent": "Mozilla/5.0 QGIS/32216"}
    r = requests.get(f"{store.url}/collections/mps_crime/items", headers={**api.headers, **ua}, timeout=30)
    assert r.status_code == 403 and r.json()["code"] == "aggregate_only"
    r = requests.get(f"{store.url}/collections/mps_crime/items", headers={**basic("token", t["token"]), **ua},
                     timeout=30)
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/xml")
    assert 'exceptionCode="aggregate_only"' in r.text
    r = requests.get(f"{store.url}/collections/mps_crime/items", headers=basic("token", t["token"]), timeout=30)
    assert r.json()["code"] == "aggregate_only"  # GDAL, OWSLib: JSON


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="gdal-bin not installed")
def test_gdal_reads_with_a_token_as_basic_password_and_from_a_header_file(store: Server, tmp_path: Path) -> None:
    """GDAL's own OAPIF driver (the system GDAL) with the token: -oo USERPWD=token:<pat>, and a
    GDAL_HTTP_HEADER_FILE holding 'Authorization: Bearer <pat>' (GDAL_HTTP_HEADERS is not sent by OAPIF)."""
    api = store.session("westminster.analyst")
    t = new_token(api, "ogrinfo")
    expected = api.json("/collections/istv_assaults/count")["numberMatched"]
    header_file = tmp_path / "headers.txt"
    header_file.write_text(f"Authorization: Bearer {t['token']}\n")
    runs = [(["-oo", f"USERPWD=token:{t['token']}"], {}), ([], {"GDAL_HTTP_HEADER_FILE": str(header_file)})]
    for extra, env in runs:
        r = subprocess.run(["ogrinfo", "-ro", "-so", "-al", f"OAPIF:{store.url}/collections/istv_assaults",
                            "-oo", "PAGE_SIZE=10000", *extra], capture_output=True, text=True, timeout=300,
                           env={**os.environ, **env})
        assert r.returncode == 0, r.stderr
        assert f"Feature Count: {expected}" in r.stdout, r.stdout[-1500:]
    requests.delete(f"{store.url}/auth/tokens/{t['id']}", headers=api.headers, timeout=30)
    r = subprocess.run(["ogrinfo", "-ro", "-so", f"OAPIF:{store.url}/collections/istv_assaults", "-oo",
                        f"USERPWD=token:{t['token']}"], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0


def test_tokens_stop_when_new_conditions_are_published(store: Server, tmp_path: Path) -> None:
    """The token carries its sign-in's acceptance: new conditions stop it, and a session that accepted
    the old ones cannot create one. Last in this module: it changes the conditions for good."""
    api = store.session("ealing.analyst")
    secret = new_token(api)["token"]
    text = tmp_path / "conditions.txt"
    text.write_text("New conditions of use for the token test.\n")
    run_cli("conditions", "publish", "2099-01", str(text), "--db", store.db)
    r = get(store, "/collections", bearer(secret))
    assert r.status_code == 401 and r.json()["code"] == "token_expired"
    assert "conditions of use" in r.json()["description"]
    r = requests.post(f"{store.url}/auth/tokens", json={"name": "old acceptance"}, headers=api.headers, timeout=30)
    assert r.status_code == 403 and r.json()["code"] == "conditions_required"
    fresh = store.session("ealing.analyst")  # signs in accepting 2099-01
    t = new_token(fresh)
    assert t["conditions_version"] == "2099-01"
    assert get(store, "/collections", bearer(t["token"])).status_code == 200


def test_secrets_never_reach_the_audit_or_the_log(store: Server) -> None:
    api = store.session("hounslow.analyst")
    t = new_token(api)
    assert get(store, "/collections/mps_crime/items", bearer(t["token"]), limit=3).status_code == 200
    requests.delete(f"{store.url}/auth/tokens/{t['id']}", headers=api.headers, timeout=30)
    entries = audit(store)
    mine = [e for e in entries if e["detail"].get("token") == t["id"]]
    actions = {e["action"] for e in mine}
    assert {"token_created", "token_used", "items", "token_revoked"} <= actions, actions
    assert all(e["detail"].get("prefix", t["prefix"]) == t["prefix"] for e in mine)
    assert t["token"] not in str(entries)
    assert t["token"] not in store.log.read_text()
    assert t["token"][12:] not in str(entries)  # not even the part after the shown prefix


def test_guessing_tokens_gets_one_answer_then_429(demo_db: str, tmp_path: Path) -> None:
    srv = start_server(copy_db(demo_db, tmp_path / "guess.sqlite"), tmp_path,
                       env={"SAFESTATS_PAT_ATTEMPTS": "6", "SAFESTATS_PAT_WINDOW": "600"})
    try:
        api = srv.session("westminster.analyst")
        t = new_token(api)
        revoked = new_token(api, "revoked")
        requests.delete(f"{srv.url}/auth/tokens/{revoked['id']}", headers=api.headers, timeout=30)
        guesses = [bearer("ssp_" + "A" * 43), bearer(t["prefix"] + "B" * 35), bearer(revoked["token"]),
                   basic("westminster.analyst", t["prefix"] + "C" * 35), basic("nobody", t["token"]),
                   bearer("not-even-a-pat")]
        answers = {(r.status_code, r.text) for r in (get(srv, "/collections", h) for h in guesses)}
        assert len(answers) == 1 and answers.pop()[0] == 401
        r = get(srv, "/collections", bearer("ssp_" + "D" * 43))  # the 6th PAT-shaped failure (1 was no PAT)
        assert r.status_code == 401
        r = get(srv, "/collections", bearer(t["token"]))  # now even the right token waits
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        assert r.json()["code"] == "too_many_attempts"
        assert api.get("/collections").status_code == 200  # sessions are not PAT attempts
    finally:
        srv.stop()
