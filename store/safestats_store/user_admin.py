"""User administration over HTTP: organisation admins manage their own organisation's users.

Rules (each has a test in tests/test_user_admin.py that tries to break it):
- analysts manage nobody (403);
- an organisation admin sees, creates, unlocks, disables and resets the passwords of users of their
  own organisation only; a user of another organisation answers exactly like a user that does not
  exist (404), so admins cannot discover other organisations' usernames;
- an organisation admin creates analysts and organisation admins, never store admins, and cannot
  disable themselves (an organisation must not lock itself out by accident);
- the store admin does all of it for every organisation;
- usernames created over HTTP are namespaced by organisation: they begin with the organisation's
  id and a dot (``westminster.j.bloggs``). A name in another organisation's namespace is refused by
  that rule alone, before anything is looked up, so an organisation admin gets the same answer for
  ``hackney.analyst`` (which exists) as for ``hackney.nobody`` (which does not); "taken" (409) can
  only ever be said of a name in the admin's own namespace;
- passwords are set by the admin and never returned or logged; a reset ends the user's sessions
  (``accounts.set_password``); every action is an audit entry naming who did what to whom.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from . import accounts, audit, db, errors

ORG_ADMIN_MAY_CREATE = ("analyst", "org_admin")
ACTIONS = ("unlock", "disable", "enable", "password")


def _require_admin(p: accounts.Principal) -> None:
    if p.role not in ("store_admin", "org_admin"):
        raise errors.Forbidden("Only administrators can manage users.")


def _user_json(row: Any) -> dict[str, Any]:
    return {"username": row.username, "display_name": row.display_name, "organisation": row.org_id,
            "role": row.role, "active": bool(row.active), "locked_until": row.locked_until.isoformat() + "Z"
            if row.locked_until else None, "second_factor": bool(row.totp_secret)}


def list_users(engine: Engine, p: accounts.Principal) -> list[dict[str, Any]]:
    _require_admin(p)
    q = select(db.users).order_by(db.users.c.username)
    if p.role != "store_admin":
        q = q.where(db.users.c.org_id == p.org_id)
    with engine.connect() as conn:
        return [_user_json(r) for r in conn.execute(q)]


def _target(conn: Any, p: accounts.Principal, username: str) -> Any:
    row = conn.execute(select(db.users).where(db.users.c.username == username)).first()
    if row is None or (p.role != "store_admin" and row.org_id != p.org_id):
        raise errors.NotFound("No such user in your organisation.")
    if p.role != "store_admin" and row.role == "store_admin":
        raise errors.Forbidden("Only the store administrator can manage a store administrator.")
    return row


def create_user(engine: Engine, p: accounts.Principal, username: str, display_name: str, role: str,
                password: str, organisation: str | None = None) -> dict[str, Any]:
    _require_admin(p)
    org = organisation or p.org_id
    if p.role != "store_admin":
        if org != p.org_id:
            raise errors.Forbidden("You can add users to your own organisation only.")
        if role not in ORG_ADMIN_MAY_CREATE:
            raise errors.Forbidden("Organisation administrators can add analysts and organisation "
                                   "administrators only.")
    if role not in accounts.ROLES:
        raise errors.BadRequest(f"role must be one of {', '.join(accounts.ROLES)}")
    if not username or len(username) > 120 or not all(c.isalnum() or c in "._-" for c in username):
        raise errors.BadRequest("username: use letters, digits, '.', '_' or '-' (at most 120)")
    prefix = f"{org}."
    if not username.startswith(prefix) or len(username) == len(prefix):
        # decided from the name alone: never says whether another organisation has it
        raise errors.BadRequest(f"username: names in organisation '{org}' begin with '{prefix}' "
                                f"(e.g. {prefix}j.bloggs)")
    try:
        with engine.begin() as conn:
            if conn.execute(select(db.organisations.c.id).where(db.organisations.c.id == org)).first() is None:
                raise errors.NotFound("No such organisation.")
            accounts.create_user(conn, username, display_name or username, org, role, password)
            row = conn.execute(select(db.users).where(db.users.c.username == username)).one()
    except ValueError as exc:  # password rules
        raise errors.BadRequest(str(exc)) from exc
    except IntegrityError as exc:
        raise errors.Conflict("That username is taken; choose another.") from exc
    audit.append(engine, "user_created", username=p.username, org_id=p.org_id,
                 detail={"user": username, "organisation": org, "role": role})
    return _user_json(row)


def act(engine: Engine, p: accounts.Principal, username: str, action: str, password: str | None = None
        ) -> dict[str, Any]:
    """unlock | disable | enable | password (a new password, which ends the user's sessions)."""
    _require_admin(p)
    if action not in ACTIONS:
        raise errors.NotFound("No such action.")
    try:
        with engine.begin() as conn:
            row = _target(conn, p, username)
            if action == "disable" and row.username == p.username:
                raise errors.Forbidden("You cannot disable your own account; ask another administrator.")
            if action == "unlock":
                accounts.unlock(conn, username)
            elif action in ("disable", "enable"):
                conn.execute(update(db.users).where(db.users.c.id == row.id).values(active=action == "enable"))
                if action == "disable":
                    conn.execute(update(db.tokens).where(db.tokens.c.user_id == row.id).values(revoked=True))
            else:
                if not password:
                    raise errors.BadRequest("password: give the new password")
                accounts.set_password(conn, username, password)
            row = conn.execute(select(db.users).where(db.users.c.id == row.id)).one()
    except ValueError as exc:  # password rules
        raise errors.BadRequest(str(exc)) from exc
    audit.append(engine, f"user_{action}", username=p.username, org_id=p.org_id,
                 detail={"user": username, "organisation": row.org_id})
    return _user_json(row)
