"""Sign-in and transport under attack (extends test_auth.py, which covers conditions, first lockout,
TOTP, access-token expiry, rotation with reuse detection, Basic, logout, and a first secrets check).

Here: the back-off (a second lock is longer than the first, and a success resets it), refresh-token
expiry, token kinds not interchangeable, refresh refused once the agreement has ended, suspension
revoking every session on every endpoint at the next request, no secrets in a debug-level log with
the access log on (wrong passwords, TOTP codes, refresh tokens, Basic headers), plain HTTP refused
for non-loopback clients, and security headers on every kind of response.
"""
from __future__ import annotations

import base64
import re
import shutil
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pyotp
import pytest
import requests
from fastapi.testclient import TestClient

from conftest import PASSWORD, Server, run_cli
from safety_support import start_store, stop_store

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Cache-Control": "no-store",
                    "Referrer-Policy": "no-referrer"}


def _add_user(server: Server, name: str, org: str = "camden", *extra: str) -> str:
    return run_cli("user", "add", name, "--org", org, "--password-env", "PW", *extra, "--db", server.db,
                   env={"PW": PASSWORD}).stdout


def _expire_lock(server: Server, username: str) -> None:
    """Let the lock run out (as if its time had passed) without touching the back-off counter."""
    with sqlite3.connect(server.db) as conn:
        conn.execute("UPDATE users SET locked_until = ? WHERE username = ?",
                     ((datetime.utcnow() - timedelta(seconds=1)).isoformat(sep=" "), username))


def _lock(server: Server, username: str) -> int:
    for _ in range(5):
        assert server.login(username, password="bad-password-123").status_code == 401
    r = server.login(username)
    assert r.status_code == 423 and r.json()["code"] == "account_locked"
    return int(r.headers["Retry-After"])


def test_lockout_back_off_second_lock_is_longer_and_success_resets(server: Server) -> None:
    _add_user(server, "backoff.tester")
    first = _lock(server, "backoff.tester")
    assert 14 * 60 <= first <= 15 * 60
    # while locked even the right password is refused, and so is a wrong one (no oracle)
    assert server.login("backoff.tester", password="bad-password-123").status_code == 423
    _expire_lock(server, "backoff.tester")
    second = _lock(server, "backoff.tester")
    assert second > first and 29 * 60 <= second <= 30 * 60, (first, second)
    _expire_lock(server, "backoff.tester")
    third = _lock(server, "backoff.tester")
    assert third > second
    # a successful sign-in after the lock ends resets the back-off to the first step
    _expire_lock(server, "backoff.tester")
    assert server.login("backoff.tester").status_code == 200
    assert _lock(server, "backoff.tester") <= 15 * 60


def test_unknown_names_lock_exactly_like_real_accounts(server: Server) -> None:
    """Guessing passwords for a name must not tell whether it is an account: the same answers, the
    same lock after five tries, the same Retry-After; and the name tried is not stored in clear."""
    _add_user(server, "real.person")

    def answers(name: str) -> list:
        out = []
        for _ in range(6):
            r = server.login(name, password="bad-password-123")
            body = r.json()
            # the minutes left tick on between the two names: compare the text without them
            out.append((r.status_code, body["code"], re.sub(r"\d+", "N", body["description"]),
                        int(r.headers.get("Retry-After", 0))))
        return out

    real, unknown = answers("real.person"), answers("no.such.person")
    assert [a[:3] for a in real] == [a[:3] for a in unknown], (real, unknown)
    assert [a[0] for a in real] == [401] * 5 + [423]
    assert 14 * 60 <= real[-1][3] <= 15 * 60 and abs(real[-1][3] - unknown[-1][3]) <= 60  # ~15 minutes, both
    with sqlite3.connect(server.db) as conn:
        stored = str(conn.execute("SELECT * FROM unknown_logins").fetchall())
    assert "no.such.person" not in stored and len(stored) > 10


@pytest.fixture(scope="module")
def short_tokens(demo_db: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    srv = start_store(demo_db, tmp_path_factory.mktemp("shortttl"),
                      env={"SAFESTATS_ACCESS_TTL": "2", "SAFESTATS_REFRESH_TTL": "4"})
    yield srv
    stop_store(srv)


def test_refresh_token_expires(short_tokens: Server) -> None:
    api = short_tokens.session("mopac.analyst")
    time.sleep(4.5)
    r = requests.post(f"{short_tokens.url}/auth/refresh", json={"refresh_token": api.tokens["refresh_token"]},
                      timeout=10)
    assert r.status_code == 401 and r.json()["code"] == "token_expired"
    assert api.get("/collections").json()["code"] == "token_expired"


def test_refreshing_never_extends_a_session(short_tokens: Server) -> None:
    """A client that refreshes diligently still has to sign in (and accept the conditions) again
    when the session's lifetime (SAFESTATS_REFRESH_TTL from sign-in, 4 s here) is over."""
    api = short_tokens.session("mopac.analyst")
    started = time.monotonic()
    refresh = api.tokens["refresh_token"]
    refreshed = 0
    while time.monotonic() - started < 6:
        r = requests.post(f"{short_tokens.url}/auth/refresh", json={"refresh_token": refresh}, timeout=10)
        if r.status_code != 200:
            break
        body = r.json()
        assert body["refresh_expires_in"] <= 4 - int(time.monotonic() - started) + 1, body["refresh_expires_in"]
        assert body["expires_in"] <= body["refresh_expires_in"]
        refresh, refreshed = body["refresh_token"], refreshed + 1
        time.sleep(1)
    assert refreshed >= 2, "refresh worked within the session"
    assert 3.5 < time.monotonic() - started < 6, "the session ended at its lifetime, not later"
    assert r.status_code == 401 and r.json()["code"] == "token_expired"


def _private_store(demo_db: str, tmp: Path) -> Server:
    """A store on a copy of the demo database (for tests that change conditions or passwords)."""
    copy = tmp / "private.sqlite"
    shutil.copy(demo_db, copy)
    return start_store(str(copy), tmp)


def test_new_conditions_end_sessions_at_the_next_refresh(demo_db: str, tmp_path: Path) -> None:
    srv = _private_store(demo_db, tmp_path)
    try:
        api = srv.session("hackney.analyst")
        text = tmp_path / "c.txt"
        text.write_text("Revised conditions: prevention and reduction only; never enforcement.")
        run_cli("conditions", "publish", "2099-07", str(text), "--db", srv.db)
        r = requests.post(f"{srv.url}/auth/refresh", json={"refresh_token": api.tokens["refresh_token"]}, timeout=10)
        assert r.status_code == 401 and r.json()["code"] == "token_expired" and "access_token" not in r.text
        assert "conditions" in r.json()["description"]
        # the refused refresh used the token up: presenting it again is reuse, not another try
        again = requests.post(f"{srv.url}/auth/refresh", json={"refresh_token": api.tokens["refresh_token"]},
                              timeout=10)
        assert again.status_code == 401 and again.json()["code"] == "not_authenticated"
        fresh = srv.login("hackney.analyst")  # signing in with the new version works
        assert fresh.status_code == 200 and fresh.json()["conditions_version"] == "2099-07"
    finally:
        stop_store(srv)


def test_a_new_password_ends_every_session_of_the_user(demo_db: str, tmp_path: Path) -> None:
    srv = _private_store(demo_db, tmp_path)
    try:
        first, second = srv.session("camden.analyst"), srv.session("camden.analyst", purpose="evaluation")
        bystander = srv.session("hackney.analyst")
        run_cli("user", "passwd", "camden.analyst", "--password-env", "PW", "--db", srv.db,
                env={"PW": "another-Password-2026"})
        for api in (first, second):
            assert api.get("/collections").status_code == 401
            r = requests.post(f"{srv.url}/auth/refresh", json={"refresh_token": api.tokens["refresh_token"]},
                              timeout=10)
            assert r.status_code == 401 and "access_token" not in r.text
        assert bystander.get("/collections").status_code == 200  # other users are not affected
        assert srv.login("camden.analyst").status_code == 401  # the old password no longer works
        assert srv.login("camden.analyst", password="another-Password-2026").status_code == 200
    finally:
        stop_store(srv)


def test_a_totp_code_is_accepted_once(server: Server) -> None:
    out = _add_user(server, "totp.replay", "camden", "--totp")
    secret = out.split("TOTP secret (add to an authenticator app): ")[1].split()[0]
    totp = pyotp.TOTP(secret)
    code = totp.now()
    assert server.login("totp.replay", totp=code).status_code == 200
    replay = server.login("totp.replay", totp=code)  # e.g. read over the user's shoulder
    assert replay.status_code == 401 and replay.json()["code"] in ("invalid_credentials", "invalid_totp")
    earlier = totp.at(datetime.now() - timedelta(seconds=30))  # a step before the one used: also spent
    assert server.login("totp.replay", totp=earlier).status_code == 401
    following = totp.at(datetime.now() + timedelta(seconds=30))  # a later step's code still works (clock drift)
    assert following != code and server.login("totp.replay", totp=following).status_code == 200


def test_access_and_refresh_tokens_are_not_interchangeable(server: Server) -> None:
    api = server.session("mopac.analyst")
    as_access = requests.get(f"{server.url}/collections",
                             headers={"Authorization": f"Bearer {api.tokens['refresh_token']}"}, timeout=10)
    assert as_access.status_code == 401
    as_refresh = requests.post(f"{server.url}/auth/refresh", json={"refresh_token": api.tokens["access_token"]},
                               timeout=10)
    assert as_refresh.status_code == 401
    assert api.get("/collections").status_code == 200  # neither attempt harmed the real session


def test_suspension_revokes_every_session_on_every_endpoint_at_the_next_request(server: Server) -> None:
    api = server.session("islington.analyst")
    other = server.session("islington.analyst", purpose="evaluation")
    paths = [("/collections", {}), ("/collections/mps_crime", {}), ("/collections/mps_crime/queryables", {}),
             ("/collections/mps_crime/items", {"limit": "1"}), ("/collections/mps_crime/items", {"f": "fgb"}),
             ("/collections/mps_crime/count", {}), ("/collections/mps_crime/aggregates", {}),
             ("/collections/wards/items", {"limit": "1"}), ("/auth/me", {})]
    for p, prm in paths:
        assert api.get(p, **prm).status_code == 200, p
    run_cli("dsa", "suspend", "islington", "--db", server.db)
    try:
        for session in (api, other):
            for p, prm in paths:
                r = session.get(p, **prm)
                assert r.status_code in (401, 403), (p, r.status_code)
                assert "features" not in r.text and "numberMatched" not in r.text
            r = requests.post(f"{server.url}/auth/refresh", json={"refresh_token": session.tokens["refresh_token"]},
                              timeout=10)
            assert r.status_code in (401, 403) and "access_token" not in r.text
        assert server.login("islington.analyst").json()["code"] == "no_agreement"
    finally:
        run_cli("dsa", "resume", "islington", "--db", server.db)
    # resuming does not resurrect revoked sessions: a fresh sign-in is needed
    assert api.get("/collections").status_code == 401
    assert server.session("islington.analyst").get("/collections").status_code == 200


def test_refresh_refused_after_the_agreement_expires(server: Server) -> None:
    api = server.session("lambeth.analyst")
    with sqlite3.connect(server.db) as conn:
        old = conn.execute("SELECT expires_on FROM agreements WHERE org_id = 'lambeth'").fetchone()[0]
        conn.execute("UPDATE agreements SET expires_on = '2020-01-01' WHERE org_id = 'lambeth'")
    try:
        assert api.get("/collections/mps_crime/count").json()["code"] == "no_agreement"
        r = requests.post(f"{server.url}/auth/refresh", json={"refresh_token": api.tokens["refresh_token"]},
                          timeout=10)
        assert r.status_code == 403 and r.json()["code"] == "no_agreement" and "access_token" not in r.text
    finally:
        with sqlite3.connect(server.db) as conn:
            conn.execute("UPDATE agreements SET expires_on = ? WHERE org_id = 'lambeth'", (old,))


@pytest.fixture(scope="module")
def debug_server(demo_db: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    srv = start_store(demo_db, tmp_path_factory.mktemp("debuglog"), extra=("--access-log",), log_level="debug")
    yield srv
    stop_store(srv)


def test_no_secrets_in_a_debug_log_with_access_log(debug_server: Server) -> None:
    srv = debug_server
    out = _add_user(srv, "secret.tester", "camden", "--totp")
    totp_secret = out.split("TOTP secret (add to an authenticator app): ")[1].split()[0]
    secrets_seen = [PASSWORD, totp_secret]
    wrong = "Wrong-Secret-Password-77"
    secrets_seen.append(wrong)
    assert srv.login("secret.tester", password=wrong).status_code == 401
    code = pyotp.TOTP(totp_secret).now()
    r = srv.login("secret.tester", totp=code)
    assert r.status_code == 200
    tokens = r.json()
    secrets_seen += [tokens["access_token"], tokens["refresh_token"]]
    basic = base64.b64encode(f"secret.tester:{tokens['access_token']}".encode()).decode()
    secrets_seen.append(basic)
    assert requests.get(f"{srv.url}/collections", headers={"Authorization": f"Basic {basic}"},
                        timeout=10).status_code == 200
    r2 = requests.post(f"{srv.url}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}, timeout=10)
    secrets_seen += [r2.json()["access_token"], r2.json()["refresh_token"]]
    # a token pasted into the query string by mistake is refused (and so must not be logged either)
    requests.get(f"{srv.url}/collections", params={"access_token": "Qs-Token-Should-Not-Be-Logged"}, timeout=10)
    # a malformed body must not echo the password back in the error
    bad = requests.post(f"{srv.url}/auth/login", json={"username": "secret.tester", "password": 12345678901,
                                                       "purpose": wrong}, timeout=10)
    assert bad.status_code == 400 and "12345678901" not in bad.text
    time.sleep(0.5)
    log = srv.log.read_text()
    assert "GET /collections" in log, "the access log is on, so requests are logged"
    for s in secrets_seen:
        assert s not in log, "a secret reached the log"
    with sqlite3.connect(srv.db) as conn:
        audit = "\n".join(str(r) for r in conn.execute("SELECT * FROM audit"))
    for s in secrets_seen:
        assert s not in audit


# ----------------------------------------------------------------------------- transport
def test_plain_http_refused_for_a_forwarded_non_loopback_client(server: Server) -> None:
    """Real store process. The test cannot connect from a non-loopback address (this sandbox only
    lets tests talk to 127.0.0.0/8), so the client address is supplied the way a reverse proxy on
    this machine does: X-Forwarded-For from 127.0.0.1, which `serve` trusts by default
    (--forwarded-allow-ips 127.0.0.1) and uvicorn turns into the request's client address."""
    far = {"X-Forwarded-For": "203.0.113.9"}
    r = requests.get(f"{server.url}/", headers=far, timeout=10)
    assert r.status_code == 403 and r.json()["code"] == "https_required"
    for k, v in SECURITY_HEADERS.items():
        assert r.headers.get(k) == v
    api = server.session("mopac.analyst")
    r = requests.get(f"{server.url}/collections", headers={**far, **api.headers}, timeout=10)
    assert r.status_code == 403 and "collections" not in r.json()
    r = requests.post(f"{server.url}/auth/login", headers=far, timeout=10,
                      json={"username": "mopac.analyst", "password": PASSWORD})
    assert r.status_code == 403 and "access_token" not in r.text
    # the same client through a TLS-terminating proxy is served
    r = requests.get(f"{server.url}/", headers={**far, "X-Forwarded-Proto": "https"}, timeout=10)
    assert r.status_code == 200
    # a loopback client over plain HTTP is served
    assert requests.get(f"{server.url}/", headers={"X-Forwarded-For": "127.0.0.5"}, timeout=10).status_code == 200


def test_plain_http_middleware_in_process_with_client_addresses(demo_db: str) -> None:
    """In-process (Starlette TestClient sets the ASGI client address directly, no proxy involved):
    only loopback clients may use plain HTTP; --allow-http lifts it; the app itself ignores
    X-Forwarded-Proto (only uvicorn's proxy handling, for trusted proxies, may set the scheme)."""
    from safestats_store.app import create_app
    app = create_app(demo_db, allow_http=False)
    for host, ok in [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("203.0.113.9", False),
                     ("10.1.2.3", False), ("192.168.1.1", False), ("::ffff:203.0.113.9", False),
                     ("localhost", True), ("testclient", False), ("", False)]:
        client = TestClient(app, client=(host, 50000))
        r = client.get("/conformance", headers={"X-Forwarded-Proto": "https"})
        assert (r.status_code == 200) is ok, (host, r.status_code)
        if not ok:
            assert r.json()["code"] == "https_required"
        for k, v in SECURITY_HEADERS.items():
            assert r.headers.get(k) == v, (host, k)
    https = TestClient(app, base_url="https://store.example", client=("203.0.113.9", 50000))
    assert https.get("/conformance").status_code == 200
    allowed = TestClient(create_app(demo_db, allow_http=True), client=("203.0.113.9", 50000))
    assert allowed.get("/conformance").status_code == 200


def test_security_headers_on_every_kind_of_response(server: Server) -> None:
    api = server.session("westminster.analyst")
    responses = [
        requests.get(f"{server.url}/", timeout=10),
        requests.get(f"{server.url}/api", timeout=10),
        requests.get(f"{server.url}/nope", timeout=10),
        requests.get(f"{server.url}/collections", timeout=10),  # 401
        requests.post(f"{server.url}/auth/login", data="{not json", timeout=10),
        api.get("/collections/mps_crime/items", limit="2"),
        api.get("/collections/mps_crime/items", f="fgb", hour="3"),
        api.get("/collections/btp_crime/count"),  # 404: not in the agreement
        api.get("/collections/mps_crime/count", filter="nonsense ((("),
        api.get("/audit"),  # 403
        requests.delete(f"{server.url}/collections", timeout=10),  # 405
    ]
    for r in responses:
        for k, v in SECURITY_HEADERS.items():
            assert r.headers.get(k) == v, (r.request.method, r.request.url, r.status_code, k)
        assert "Content-Security-Policy" in r.headers and "Strict-Transport-Security" in r.headers
        assert r.headers.get("Server", "uvicorn") == "uvicorn"  # no framework/version banner beyond it
        assert "Access-Control-Allow-Origin" not in r.headers  # no CORS: browsers on other sites cannot read data
