"""Personal access tokens (PATs): long-lived, revocable credentials for GDAL scripts and QGIS's
native OAPIF provider, without weakening sign-in.

Rules (each is attacked in tests/security/test_tokens.py):
- Only a signed-in session creates a token, and only while the conditions of use it accepted are
  still the current ones; the token carries that sign-in's purpose and conditions version. A PAT
  never creates, lists or revokes tokens and reaches no administration route (``PatGate``).
- Lifetime bounded: ``SAFESTATS_PAT_DEFAULT_DAYS`` (30) when none is asked for, at most
  ``SAFESTATS_PAT_MAX_DAYS`` (90); at most ``SAFESTATS_PAT_MAX_ACTIVE`` (10) live tokens per user.
- The secret (``ssp_`` + 43 random URL-safe characters, 256 bits) is shown once, at creation; only
  its SHA-256 is stored. Lists, the audit log and the logs name a token by id and prefix (the first
  12 characters), never by the secret.
- Checked at every request: not revoked, not expired, the user still active, the conditions of use
  it was created under still current, and the organisation's agreement in force (an expired or
  suspended agreement stops every token at once). Unknown, revoked and mistyped tokens get the one
  answer an unknown token gets; after ``SAFESTATS_PAT_ATTEMPTS`` (20) failed token attempts from
  one address within ``SAFESTATS_PAT_WINDOW`` seconds (600) that address gets 429 for the window.
- The user lists and revokes their own tokens; an organisation admin revokes their organisation's
  users' tokens, the store admin anyone's. A password change or a disabled account ends them too.
- Every creation, revocation and (at most hourly per token) use is an audit entry; every data read
  made with a token carries ``"token": <id>`` in its audit detail.
- Accepted as ``Authorization: Bearer ssp_…`` or HTTP Basic with the password ``ssp_…`` and the
  username either the user's own name or the fixed word ``token`` (QGIS 3.22's Basic authcfg).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
import time
from collections import deque
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Engine, func, insert, select, update,
)
from sqlalchemy.exc import OperationalError, ProgrammingError

from . import accounts, audit, conditions, db, errors, rights
from .clock import iso, utcnow
from .db import personal_tokens

PREFIX = "ssp_"
BASIC_USERNAME = "token"  # the fixed Basic username, for connections shared in a project
SHOWN = 12  # characters of a token that identify it in lists and the audit log ("ssp_" + 8)
USE_AUDIT_EVERY = timedelta(hours=1)
NAME_MAX = 100



def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def default_days() -> int:
    return min(_env_int("SAFESTATS_PAT_DEFAULT_DAYS", 30), max_days())


def max_days() -> int:
    return _env_int("SAFESTATS_PAT_MAX_DAYS", 90)


def max_active() -> int:
    return _env_int("SAFESTATS_PAT_MAX_ACTIVE", 10)


def ensure_schema(engine: Engine) -> None:
    """Create the table in a database made before PATs existed (safe from several workers)."""
    try:
        personal_tokens.create(engine, checkfirst=True)
    except (OperationalError, ProgrammingError):  # created meanwhile by another worker
        pass


def is_pat(secret: str) -> bool:
    return secret.startswith(PREFIX)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _ref(row: Any) -> dict[str, Any]:
    """How a token is named in the audit log: id and prefix only."""
    return {"token": row.id, "prefix": row.prefix}


def _status(row: Any, now: datetime) -> str:
    return "revoked" if row.revoked else "expired" if row.expires_at <= now else "active"


def _json_row(row: Any, now: datetime, username: str | None = None) -> dict[str, Any]:
    out = {"id": row.id, "prefix": row.prefix, "name": row.name, "purpose": row.purpose,
           "conditions_version": row.conditions_version, "created_at": iso(row.created_at),
           "expires_at": iso(row.expires_at), "last_used_at": iso(row.last_used_at),
           "revoked_at": iso(row.revoked_at), "status": _status(row, now)}
    if username is not None:
        out["username"] = username
    return out


def _require_session(p: accounts.Principal) -> None:
    if p.pat_id is not None:  # PatGate refuses these before any route; this is the second lock
        raise errors.Forbidden("A personal access token cannot manage tokens; sign in to SafeStats.")


def create(engine: Engine, p: accounts.Principal, name: str, days: int | None) -> dict[str, Any]:
    _require_session(p)
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise errors.BadRequest(f"name: give the token a name of 1 to {NAME_MAX} printable characters "
                                "(e.g. 'GDAL on my laptop')")
    days = default_days() if days is None else days
    if not 1 <= days <= max_days():
        raise errors.BadRequest(f"expires_in_days must be between 1 and {max_days()}")
    now = utcnow()
    with engine.begin() as conn:
        current = conditions.current(conn)
        if current is None or current.version != p.conditions_version:
            raise errors.ConditionsRequired(
                "New conditions of use have been published since you signed in. Sign in again and accept "
                "them before creating a token.", extra={"conditions": current.as_json() if current else None})
        if not rights.has_active_agreement(conn, p.org_id):
            raise errors.NoAgreement("Your organisation's Data Sharing Agreement is not active, so no token "
                                     "can be created.")
        live = conn.execute(select(func.count()).select_from(personal_tokens).where(
            personal_tokens.c.user_id == p.user_id, personal_tokens.c.revoked.is_(False),
            personal_tokens.c.expires_at > now)).scalar_one()
        if live >= max_active():
            raise errors.Conflict(f"You already have {live} active tokens (the most allowed); revoke one first.")
        secret = PREFIX + secrets.token_urlsafe(32)
        res = conn.execute(insert(personal_tokens).values(
            token_hash=_hash(secret), prefix=secret[:SHOWN], name=name, user_id=p.user_id, purpose=p.purpose,
            conditions_version=p.conditions_version, created_at=now, expires_at=now + timedelta(days=days),
            revoked=False))
        row = conn.execute(select(personal_tokens).where(
            personal_tokens.c.id == res.inserted_primary_key[0])).one()
    audit.append(engine, "token_created", username=p.username, org_id=p.org_id, purpose=p.purpose,
                 detail={**_ref(row), "name": name, "expires_at": iso(row.expires_at)})
    return {**_json_row(row, now), "token": secret, "username": p.username}


def list_own(engine: Engine, p: accounts.Principal) -> list[dict[str, Any]]:
    _require_session(p)
    now = utcnow()
    with engine.connect() as conn:
        rows = conn.execute(select(personal_tokens).where(personal_tokens.c.user_id == p.user_id)
                            .order_by(personal_tokens.c.id.desc())).all()
    return [_json_row(r, now) for r in rows]


def _admin_scope(p: accounts.Principal) -> str | None:
    """None for the store admin (every organisation), else the admin's organisation."""
    _require_session(p)
    if p.role not in ("store_admin", "org_admin"):
        raise errors.Forbidden("Only administrators can list other users' tokens.")
    return None if p.role == "store_admin" else p.org_id


def list_admin(engine: Engine, p: accounts.Principal) -> list[dict[str, Any]]:
    org = _admin_scope(p)
    return list_all(engine, org)


def list_all(engine: Engine, org_id: str | None = None) -> list[dict[str, Any]]:
    now = utcnow()
    q = (select(personal_tokens, db.users.c.username)
         .join(db.users, db.users.c.id == personal_tokens.c.user_id).order_by(personal_tokens.c.id.desc()))
    if org_id is not None:
        q = q.where(db.users.c.org_id == org_id)
    with engine.connect() as conn:
        return [_json_row(r, now, r.username) for r in conn.execute(q)]


def revoke(engine: Engine, p: accounts.Principal, token_id: int) -> dict[str, Any]:
    """The owner revokes their token; an org admin any token of their organisation's users; the
    store admin any. Someone else's token answers like a missing one (404)."""
    _require_session(p)
    if not 1 <= token_id <= 2**31 - 1:  # beyond any id; larger values overflow the database's integers
        raise errors.NotFound("There is no such token of yours.")
    with engine.connect() as conn:
        row = conn.execute(select(personal_tokens, db.users.c.username, db.users.c.org_id)
                           .join(db.users, db.users.c.id == personal_tokens.c.user_id)
                           .where(personal_tokens.c.id == token_id)).first()
    allowed = row is not None and (row.user_id == p.user_id or p.role == "store_admin"
                                   or (p.role == "org_admin" and row.org_id == p.org_id))
    if not allowed:
        raise errors.NotFound("There is no such token of yours.")
    return revoke_row(engine, row, p.username, p.org_id)


def revoke_row(engine: Engine, row: Any, by: str, by_org: str | None) -> dict[str, Any]:
    now = utcnow()
    if not row.revoked:
        with engine.begin() as conn:
            conn.execute(update(personal_tokens).where(personal_tokens.c.id == row.id).values(
                revoked=True, revoked_at=now, revoked_by=by))
        audit.append(engine, "token_revoked", username=by, org_id=by_org,
                     detail={**_ref(row), "owner": row.username, "owner_org": row.org_id})
    with engine.connect() as conn:
        fresh = conn.execute(select(personal_tokens).where(personal_tokens.c.id == row.id)).one()
    return _json_row(fresh, now, row.username)


UNKNOWN = "Sign in to SafeStats first (your token is missing, wrong or revoked)."  # = accounts' answer


def authenticate(engine: Engine, secret: str, username: str | None = None) -> accounts.Principal:
    """Resolve a PAT to a Principal, checking everything a sign-in checks, at every request."""
    now = utcnow()
    with engine.connect() as conn:
        row = conn.execute(
            select(personal_tokens, db.users.c.username, db.users.c.display_name, db.users.c.org_id,
                   db.users.c.role, db.users.c.active, db.organisations.c.name.label("org_name"))
            .join(db.users, db.users.c.id == personal_tokens.c.user_id)
            .join(db.organisations, db.organisations.c.id == db.users.c.org_id)
            .where(personal_tokens.c.token_hash == _hash(secret))).first()
        if (row is None or row.revoked or not row.active
                or (username is not None and username not in (row.username, BASIC_USERNAME))):
            raise errors.NotAuthenticated(UNKNOWN)
        if row.expires_at <= now:
            raise errors.TokenExpired(f"Your personal access token '{row.name}' ({row.prefix}…) expired on "
                                      f"{iso(row.expires_at)}. Create a new one in SafeStats (Personal access "
                                      "token…) and put it in your connection.")
        current = conditions.current(conn)
        if current is None or current.version != row.conditions_version:
            raise errors.TokenExpired("New conditions of use have been published, so your personal access "
                                      "tokens have stopped. Sign in to SafeStats, accept them and create a "
                                      "new token.")
        if not rights.has_active_agreement(conn, row.org_id):
            raise errors.NoAgreement("Your organisation's Data Sharing Agreement is not active (expired or "
                                     "suspended), so no SafeStats data is available to you.")
    if row.last_used_at is None or now - row.last_used_at >= USE_AUDIT_EVERY:
        with engine.begin() as conn:
            conn.execute(update(personal_tokens).where(personal_tokens.c.id == row.id).values(last_used_at=now))
        audit.append(engine, "token_used", username=row.username, org_id=row.org_id, purpose=row.purpose,
                     detail=_ref(row))
    return accounts.Principal(row.user_id, row.username, row.display_name, row.org_id, row.org_name, row.role,
                              row.purpose, row.conditions_version, row.id, f"pat-{row.id}", pat_id=row.id)


# ---------------------------------------------------------------------------- the gate in front of routes
PAT_METHODS = {"GET", "HEAD"}
PAT_PATHS = ("/", "/conformance", "/api", "/auth/me", "/auth/conditions")
PAT_PREFIXES = ("/collections", "/qgis/")


def pat_may_reach(method: str, path: str) -> bool:
    """A PAT reads data and nothing else: no token management, user administration, audit, logout."""
    return method in PAT_METHODS and (path in PAT_PATHS or path.startswith(PAT_PREFIXES))


def presented_pat(headers: list[tuple[bytes, bytes]]) -> bool:
    """Does the request carry a PAT (Bearer, or as a Basic password)?"""
    for k, v in headers:
        if k.lower() != b"authorization":
            continue
        scheme, _, value = v.decode("latin-1").partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer":
            return is_pat(value)
        if scheme.lower() == "basic":
            try:
                return is_pat(base64.b64decode(value, validate=True).decode().partition(":")[2])
            except (ValueError, UnicodeDecodeError):
                return False
    return False


class AttemptLimiter:
    """Failed PAT attempts per client address in a sliding window (per worker process)."""

    def __init__(self, limit: int, window: float, clock: Any = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str) -> deque[float]:
        q = self._fails.setdefault(client, deque())
        cut = self.clock() - self.window
        while q and q[0] <= cut:
            q.popleft()
        return q

    def blocked_for(self, client: str) -> int:
        """Seconds until ``client`` may try again (0: not blocked)."""
        with self._lock:
            q = self._recent(client)
            if len(q) < self.limit:
                if not q:
                    self._fails.pop(client, None)
                return 0
            return max(1, int(q[-self.limit] + self.window - self.clock()) + 1)

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client).append(self.clock())
            if len(self._fails) > 100_000:  # a flood of addresses: forget the oldest
                self._fails.pop(next(iter(self._fails)))


class PatGate:
    """ASGI middleware for requests that carry a PAT: the route allow-list (``pat_may_reach``) and
    the failed-attempt limit per client address. Requests without a PAT pass untouched."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.limiter = AttemptLimiter(_env_int("SAFESTATS_PAT_ATTEMPTS", 20),
                                      float(_env_int("SAFESTATS_PAT_WINDOW", 600)))

    @staticmethod
    async def _refuse(scope: dict, send: Any, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        hdrs = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        xml = errors.wants_exception_report(hdrs.get(b"user-agent", ""), hdrs.get(b"authorization", ""))
        data = errors.exception_report(body) if xml else json.dumps(body).encode()
        hdrs = [(b"content-type", b"application/xml" if xml else b"application/json"),
                (b"content-length", str(len(data)).encode()),
                *[(k.lower().encode(), v.encode()) for k, v in headers.items()]]
        await send({"type": "http.response.start", "status": status, "headers": hdrs})
        await send({"type": "http.response.body", "body": data})

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not presented_pat(scope.get("headers", [])):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?", 0))[0]
        wait = self.limiter.blocked_for(client)
        if wait:
            await self._refuse(scope, send, 429, errors.TooManyAttempts(
                "Too many failed token attempts from your address; wait and try again.").body(),
                {"Retry-After": str(wait)})
            return
        if not pat_may_reach(scope["method"], scope["path"]):
            await self._refuse(scope, send, 403, errors.Forbidden(
                "A personal access token only reads data (collections, items, counts, aggregates). Sign in "
                "to SafeStats to manage tokens, users or the audit log.").body(), {})
            return
        status, unknown = 0, False

        async def watch(message: dict) -> None:
            nonlocal status, unknown
            if message["type"] == "http.response.start":
                status = message["status"]
            elif status == 401 and message["type"] == "http.response.body":
                # a wrong, unknown or revoked token counts; the owner's expired token does not
                unknown = unknown or b'"not_authenticated"' in message.get("body", b"")
            await send(message)

        await self.app(scope, receive, watch)
        if unknown:
            self.limiter.failed(client)
