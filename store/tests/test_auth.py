"""Sign-in: conditions at every login, purposes, lockout with back-off, TOTP, token expiry,
refresh rotation with reuse detection, Basic-with-token, logout, and no secrets in the log."""
from __future__ import annotations

import base64
import sqlite3
import time

import pyotp
import pytest
import requests

from conftest import PASSWORD, Server, run_cli, start_server


def _acceptances(server: Server, username: str) -> list[tuple[str, str]]:
    with sqlite3.connect(server.db) as conn:
        return conn.execute("SELECT a.conditions_version, a.purpose FROM acceptances a JOIN users u ON u.id = a.user_id "
                            "WHERE u.username = ? ORDER BY a.id", (username,)).fetchall()


def test_conditions_are_public_and_list_purposes_without_enforcement(server: Server) -> None:
    c = requests.get(f"{server.url}/auth/conditions", timeout=10).json()
    assert c["version"] and "prevention" in c["text"] and "enforcement" in c["text"]
    ids = {p["id"] for p in c["purposes"]}
    assert "crime_prevention" in ids and not ids & {"enforcement", "prosecution"}


def test_conditions_must_be_accepted_at_every_sign_in(server: Server) -> None:
    before = len(_acceptances(server, "mopac.analyst"))
    r = server.login("mopac.analyst", accept=False)
    assert r.status_code == 403 and r.json()["code"] == "conditions_required"
    assert "prevention" in r.json()["conditions"]["text"]  # the text to show comes with the refusal
    r = requests.post(f"{server.url}/auth/login", json={"username": "mopac.analyst", "password": PASSWORD,
                                                        "conditions_version": "2019-01", "purpose": "evaluation"},
                      timeout=10)
    assert r.status_code == 403 and r.json()["code"] == "conditions_required"
    r = server.login("mopac.analyst", purpose="")
    assert r.status_code == 403 and r.json()["code"] == "conditions_required"
    for purpose in ["enforcement", "prosecution", "made-up"]:
        r = server.login("mopac.analyst", purpose=purpose)
        assert r.status_code == 403 and r.json()["code"] == "purpose_not_permitted", purpose
    assert len(_acceptances(server, "mopac.analyst")) == before  # refusals record nothing
    assert server.login("mopac.analyst", purpose="violence_reduction").status_code == 200
    assert server.login("mopac.analyst", purpose="evaluation").status_code == 200
    after = _acceptances(server, "mopac.analyst")
    assert len(after) == before + 2 and after[-2:][0][1] == "violence_reduction" and after[-1][1] == "evaluation"


def test_new_conditions_version_forces_acceptance(server: Server, tmp_path) -> None:  # noqa: ANN001
    old = requests.get(f"{server.url}/auth/conditions", timeout=10).json()["version"]
    text = tmp_path / "c.txt"
    text.write_text("Revised conditions: prevention and reduction only; never enforcement.")
    run_cli("conditions", "publish", "2099-01", str(text), "--db", server.db)
    r = requests.post(f"{server.url}/auth/login", json={"username": "mopac.analyst", "password": PASSWORD,
                                                        "conditions_version": old, "purpose": "evaluation"}, timeout=10)
    assert r.status_code == 403 and r.json()["conditions"]["version"] == "2099-01"
    assert server.login("mopac.analyst").status_code == 200  # accepting the new version works


def test_wrong_password_and_unknown_user_look_the_same(server: Server) -> None:
    a = server.login("mopac.analyst", password="wrong-password-xx")
    b = server.login("nobody.at.all", password="wrong-password-xx")
    assert a.status_code == b.status_code == 401 and a.json() == b.json()


def test_lockout_backoff_and_unlock(server: Server) -> None:
    run_cli("user", "add", "lock.tester", "--org", "camden", "--password-env", "PW", "--db", server.db,
            env={"PW": PASSWORD})
    for _ in range(5):
        assert server.login("lock.tester", password="bad-password-123").status_code == 401
    r = server.login("lock.tester")  # correct password, but locked now
    assert r.status_code == 423 and r.json()["code"] == "account_locked"
    assert int(r.headers["Retry-After"]) > 600 and r.json()["retry_after"] > 600
    run_cli("user", "unlock", "lock.tester", "--db", server.db)
    assert server.login("lock.tester").status_code == 200


def test_totp_second_factor(server: Server) -> None:
    out = run_cli("user", "add", "totp.tester", "--org", "camden", "--totp", "--password-env", "PW",
                  "--db", server.db, env={"PW": PASSWORD}).stdout
    secret = out.split("TOTP secret (add to an authenticator app): ")[1].split()[0]
    r = server.login("totp.tester")
    assert r.status_code == 401 and r.json()["code"] == "totp_required"
    assert server.login("totp.tester", totp="000000").status_code == 401
    assert server.login("totp.tester", totp=pyotp.TOTP(secret).now()).status_code == 200


def test_bearer_basic_and_logout(server: Server) -> None:
    api = server.session("hackney.analyst")
    token = api.tokens["access_token"]
    basic = base64.b64encode(f"hackney.analyst:{token}".encode()).decode()
    assert requests.get(f"{server.url}/collections", headers={"Authorization": f"Basic {basic}"},
                        timeout=10).status_code == 200
    wrong_user = base64.b64encode(f"mopac.analyst:{token}".encode()).decode()
    assert requests.get(f"{server.url}/collections", headers={"Authorization": f"Basic {wrong_user}"},
                        timeout=10).status_code == 401
    assert requests.post(f"{server.url}/auth/logout", headers=api.headers, timeout=10).status_code == 204
    r = api.get("/collections")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    r = requests.post(f"{server.url}/auth/refresh", json={"refresh_token": api.tokens["refresh_token"]}, timeout=10)
    assert r.status_code == 401


@pytest.fixture(scope="module")
def short_lived(demo_db: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    srv = start_server(demo_db, tmp_path_factory.mktemp("ttl"), env={"SAFESTATS_ACCESS_TTL": "2"})
    yield srv
    srv.stop()


def test_token_expiry_refresh_rotation_and_reuse_detection(short_lived: Server) -> None:
    api = short_lived.session("mopac.analyst")
    assert api.get("/collections").status_code == 200
    time.sleep(3)
    r = api.get("/collections")
    assert r.status_code == 401 and r.json()["code"] == "token_expired"
    first_refresh = api.tokens["refresh_token"]
    r = requests.post(f"{short_lived.url}/auth/refresh", json={"refresh_token": first_refresh}, timeout=10)
    assert r.status_code == 200
    new = r.json()
    assert new["refresh_token"] != first_refresh and new["purpose"] == "crime_prevention"
    hdr = {"Authorization": f"Bearer {new['access_token']}"}
    assert requests.get(f"{short_lived.url}/collections", headers=hdr, timeout=10).status_code == 200
    # presenting the rotated refresh token again = theft: the whole family is revoked
    r = requests.post(f"{short_lived.url}/auth/refresh", json={"refresh_token": first_refresh}, timeout=10)
    assert r.status_code == 401
    assert requests.get(f"{short_lived.url}/collections", headers=hdr, timeout=10).status_code == 401
    r = requests.post(f"{short_lived.url}/auth/refresh", json={"refresh_token": new["refresh_token"]}, timeout=10)
    assert r.status_code == 401


def test_no_secrets_in_store_log_or_database(server: Server) -> None:
    api = server.session("mopac.analyst")
    api.get("/collections")
    log = server.log.read_text()
    assert PASSWORD not in log and api.tokens["access_token"] not in log
    with sqlite3.connect(server.db) as conn:
        dump = "\n".join(conn.iterdump())
    assert PASSWORD not in dump
    assert api.tokens["access_token"] not in dump and api.tokens["refresh_token"] not in dump


def test_security_headers_and_query_string_tokens_refused(server: Server) -> None:
    r = requests.get(f"{server.url}/", timeout=10)
    assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Cache-Control"] == "no-store"
    api = server.session("mopac.analyst")
    r = requests.get(f"{server.url}/collections", params={"access_token": api.tokens["access_token"]}, timeout=10)
    assert r.status_code == 401
