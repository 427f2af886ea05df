"""Organisation admins manage their own organisation's users over HTTP, and nothing more.

Each test tries to get past one rule of safestats_store/user_admin.py: an analyst managing users,
an organisation admin reaching another organisation's users (or learning that they exist), creating
a store admin, disabling themselves; and checks what a real action does (a reset ends sessions,
a disabled user cannot sign in, every action is audited, no password ever comes back).
"""
from __future__ import annotations

import shutil
from typing import Iterator

import pytest
import requests

from conftest import PASSWORD, Api, Server
from safety_support import start_store, stop_store

NEW_PASSWORD = "new-Password-2026"  # test-only


@pytest.fixture(scope="module")
def srv(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A store on a private copy of the demo database (these tests add, disable and reset users)."""
    tmp = tmp_path_factory.mktemp("useradmin")
    copy = tmp / "users.sqlite"
    shutil.copy(demo_db, copy)
    server = start_store(str(copy), tmp)
    yield server
    stop_store(server)


def _post(api: Api, path: str, body: dict | None = None) -> requests.Response:
    return requests.post(f"{api.url}{path}", json=body, headers=api.headers, timeout=30)


def test_analysts_manage_nobody(srv: Server) -> None:
    analyst = srv.session("westminster.analyst")
    assert analyst.get("/admin/users").status_code == 403
    r = _post(analyst, "/admin/users", {"username": "sneaky", "password": NEW_PASSWORD})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert _post(analyst, "/admin/users/westminster.analyst/unlock").status_code == 403
    assert srv.login("sneaky", password=NEW_PASSWORD).status_code == 401


def test_org_admin_sees_only_their_organisation(srv: Server) -> None:
    admin = srv.session("westminster.admin")
    users = admin.json("/admin/users")["users"]
    assert users and {u["organisation"] for u in users} == {"westminster"}
    assert {"westminster.analyst", "westminster.admin"} <= {u["username"] for u in users}
    assert all("password" not in u and "password_hash" not in u and "totp_secret" not in u for u in users)
    everyone = srv.session("gla.admin").json("/admin/users")["users"]
    assert len({u["organisation"] for u in everyone}) > 10  # the store admin sees every organisation


def test_other_organisations_users_look_like_nobody(srv: Server) -> None:
    admin = srv.session("westminster.admin")
    for action in ("unlock", "disable", "enable"):
        other = _post(admin, f"/admin/users/hackney.analyst/{action}")
        missing = _post(admin, f"/admin/users/no.such.user/{action}")
        assert other.status_code == missing.status_code == 404
        assert other.json() == missing.json()  # same answer: no way to learn who exists elsewhere
    r = _post(admin, "/admin/users/hackney.analyst/password", {"password": NEW_PASSWORD})
    assert r.status_code == 404
    assert srv.login("hackney.analyst").status_code == 200  # untouched
    r = _post(admin, "/admin/users", {"username": "planted.analyst", "password": NEW_PASSWORD,
                                      "organisation": "hackney"})
    assert r.status_code == 403
    assert srv.login("planted.analyst", password=NEW_PASSWORD).status_code == 401


def test_org_admin_cannot_make_a_store_admin_or_touch_one(srv: Server) -> None:
    admin = srv.session("westminster.admin")
    r = _post(admin, "/admin/users", {"username": "westminster.root", "password": NEW_PASSWORD,
                                      "role": "store_admin"})
    assert r.status_code == 403
    assert srv.login("westminster.root", password=NEW_PASSWORD).status_code == 401
    assert _post(admin, "/admin/users/gla.admin/disable").status_code == 404  # another organisation
    assert srv.login("gla.admin").status_code == 200
    r = _post(admin, "/admin/users/westminster.admin/disable")  # not themselves either
    assert r.status_code == 403 and admin.get("/admin/users").status_code == 200


def test_create_reset_disable_enable_and_audit(srv: Server) -> None:
    admin = srv.session("westminster.admin")
    r = _post(admin, "/admin/users", {"username": "westminster.newstarter", "display_name": "New Starter",
                                      "password": PASSWORD})
    assert r.status_code == 201, r.text
    assert r.json()["organisation"] == "westminster" and r.json()["role"] == "analyst"
    assert PASSWORD not in r.text
    assert _post(admin, "/admin/users", {"username": "westminster.newstarter",
                                         "password": PASSWORD}).status_code == 409
    assert _post(admin, "/admin/users", {"username": "x y", "password": PASSWORD}).status_code == 400
    assert _post(admin, "/admin/users", {"username": "shortpw", "password": "short"}).status_code == 400
    starter = srv.session("westminster.newstarter")
    assert {c["id"] for c in starter.json("/collections")["collections"]} >= {"mps_crime"}

    r = _post(admin, "/admin/users/westminster.newstarter/password", {"password": NEW_PASSWORD})
    assert r.status_code == 200 and NEW_PASSWORD not in r.text
    assert starter.get("/collections").status_code == 401  # the reset ended the session
    assert srv.login("westminster.newstarter").status_code == 401
    assert srv.login("westminster.newstarter", password=NEW_PASSWORD).status_code == 200
    assert _post(admin, "/admin/users/westminster.newstarter/password", {"password": "short"}).status_code == 400

    again = srv.session("westminster.newstarter", password=NEW_PASSWORD)
    assert _post(admin, "/admin/users/westminster.newstarter/disable").json()["active"] is False
    assert again.get("/collections").status_code == 401
    assert srv.login("westminster.newstarter", password=NEW_PASSWORD).status_code == 401
    assert _post(admin, "/admin/users/westminster.newstarter/enable").json()["active"] is True
    assert srv.login("westminster.newstarter", password=NEW_PASSWORD).status_code == 200

    for _ in range(5):
        srv.login("westminster.newstarter", password="wrong-password-000")
    assert srv.login("westminster.newstarter", password=NEW_PASSWORD).status_code == 423
    assert _post(admin, "/admin/users/westminster.newstarter/unlock").json()["locked_until"] is None
    assert srv.login("westminster.newstarter", password=NEW_PASSWORD).status_code == 200
    assert _post(admin, "/admin/users/westminster.newstarter/promote").status_code == 404

    entries = admin.json("/audit", limit=200)["entries"]
    actions = [e["action"] for e in entries if (e.get("detail") or {}).get("user") == "westminster.newstarter"]
    assert {"user_created", "user_password", "user_disable", "user_enable", "user_unlock"} <= set(actions)
    body = str(entries)
    assert NEW_PASSWORD not in body and PASSWORD not in body


def test_creating_a_user_never_confirms_another_organisations_name(srv: Server) -> None:
    """The enumeration attack of issue 10: an organisation admin tries names of another organisation.
    Existing (hackney.analyst, gla.admin) and free names there get the same refusal, decided from the
    name alone; nothing is created."""
    admin = srv.session("westminster.admin")
    answers = []
    for name in ("hackney.analyst", "hackney.nobody-here", "gla.admin", "gla.nobody-here",
                 "barking-dagenham.analyst", "barking-dagenham.nobody-here"):
        r = _post(admin, "/admin/users", {"username": name, "password": NEW_PASSWORD})
        answers.append((r.status_code, r.json()))
        assert srv.login(name, password=NEW_PASSWORD).status_code == 401
    assert {a[0] for a in answers} == {400}
    assert len({a[1]["description"] for a in answers}) == 1, answers  # identical, taken or not
    assert "westminster." in answers[0][1]["description"]
    # a name outside any namespace is refused the same way; "taken" is only said in one's own namespace
    assert _post(admin, "/admin/users", {"username": "nobody", "password": NEW_PASSWORD}).json() == answers[0][1]
    r = _post(admin, "/admin/users", {"username": "westminster.analyst", "password": NEW_PASSWORD})
    assert r.status_code == 409
    store_admin = srv.session("gla.admin")  # the rule holds for the store admin too: namespaces stay clean
    r = _post(store_admin, "/admin/users", {"username": "westminster.planted", "password": NEW_PASSWORD,
                                            "organisation": "hackney"})
    assert r.status_code == 400 and "hackney." in r.json()["description"]
