"""Users, passwords, sign-in, tokens.

- Passwords: Argon2id (argon2-cffi), rehashed on login when parameters change.
- Lockout: after MAX_FAILURES consecutive failures the account locks; each further lock doubles
  the lock time (back-off), capped at a day. Unknown users and wrong passwords get the same answer,
  and a name that is no (active) account locks exactly like a real one (``unknown_logins``), so the
  423 answer does not tell which usernames exist.
- Optional TOTP second factor (pyotp); each code is accepted once (no replay within its window).
- Sign-in requires accepting the *current* conditions version with a permitted purpose, every time.
- Tokens are opaque random strings; only their SHA-256 is stored, so a database leak does not leak
  usable tokens. Access tokens are short-lived; refresh tokens rotate, and presenting a rotated
  (already used) refresh token revokes its whole family (reuse detection).
- A session (one token family) ends SAFESTATS_REFRESH_TTL after sign-in, however often it is
  refreshed, and as soon as new conditions of use are published: the user signs in again and
  accepts them. Changing a password ends every session of that user.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Engine, delete, insert, inspect, select, update

from . import audit, conditions, db, errors
from .clock import utcnow

MAX_FAILURES = 5
BASE_LOCK = timedelta(minutes=15)
MAX_LOCK = timedelta(hours=24)
ROLES = ("analyst", "org_admin", "store_admin")

_hasher = PasswordHasher()
# A real hash to verify against for unknown users, so timing does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def access_ttl() -> timedelta:
    return timedelta(seconds=int(os.environ.get("SAFESTATS_ACCESS_TTL", "900")))


def refresh_ttl() -> timedelta:
    return timedelta(seconds=int(os.environ.get("SAFESTATS_REFRESH_TTL", "28800")))


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise ValueError("passwords must be at least 10 characters")
    return _hasher.hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling, established from a valid access token."""
    user_id: int
    username: str
    display_name: str
    org_id: str
    org_name: str
    role: str
    purpose: str
    conditions_version: str
    token_id: int
    family: str
    pat_id: int | None = None  # set when the caller used a personal access token (tokens.py)

    @property
    def audit_ref(self) -> dict:
        """What an audit entry adds about the credential: a PAT's id, never its secret."""
        return {} if self.pat_id is None else {"token": self.pat_id}


def create_user(conn: Connection, username: str, display_name: str, org_id: str, role: str, password: str,
                totp_secret: str | None = None) -> int:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    res = conn.execute(insert(db.users).values(
        username=username, display_name=display_name, org_id=org_id, role=role,
        password_hash=hash_password(password), failed_attempts=0, lock_count=0, totp_secret=totp_secret,
        active=True, created_at=utcnow()))
    return int(res.inserted_primary_key[0])


def set_password(conn: Connection, username: str, password: str) -> None:
    """New password; every session of the user ends (a stolen session dies with the old password)."""
    n = conn.execute(update(db.users).where(db.users.c.username == username).values(
        password_hash=hash_password(password), failed_attempts=0, locked_until=None)).rowcount
    if not n:
        raise KeyError(username)
    ids = select(db.users.c.id).where(db.users.c.username == username)
    conn.execute(update(db.tokens).where(db.tokens.c.user_id.in_(ids)).values(revoked=True))
    revoke_personal_tokens(conn, conn.execute(ids).scalar_one(), "password change")  # ... and every PAT


def _totp_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side), if not used already."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(time.time())  # a Unix time: pyotp reads naive datetimes as local time
    for step in (now, now - 1, now + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def unlock(conn: Connection, username: str) -> None:
    conn.execute(update(db.users).where(db.users.c.username == username).values(
        failed_attempts=0, lock_count=0, locked_until=None))


def _issue(conn: Connection, user_id: int, family: str, purpose: str, version: str,
           session_end: datetime | None = None) -> dict:
    """New access + refresh tokens. ``session_end``: when the session (family) ends; a sign-in starts
    one of SAFESTATS_REFRESH_TTL, a refresh keeps it (tokens never outlive it)."""
    now = utcnow()
    session_end = session_end or now + refresh_ttl()
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    conn.execute(insert(db.tokens), [
        dict(token_hash=_token_hash(access), kind="access", user_id=user_id, family=family, purpose=purpose,
             conditions_version=version, created_at=now, expires_at=min(now + access_ttl(), session_end),
             revoked=False),
        dict(token_hash=_token_hash(refresh), kind="refresh", user_id=user_id, family=family, purpose=purpose,
             conditions_version=version, created_at=now, expires_at=session_end, revoked=False),
    ])
    return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
            "expires_in": int((min(now + access_ttl(), session_end) - now).total_seconds()),
            "refresh_expires_in": int((session_end - now).total_seconds())}


def _user_json(conn: Connection, user: object) -> dict:
    org = conn.execute(select(db.organisations).where(db.organisations.c.id == user.org_id)).one()  # type: ignore[attr-defined]
    return {"username": user.username, "display_name": user.display_name,  # type: ignore[attr-defined]
            "organisation": {"id": org.id, "name": org.name}, "role": user.role}  # type: ignore[attr-defined]


def _after_failure(failed_attempts: int, lock_count: int, now: datetime) -> dict:
    """Counter values after one more failed sign-in: the MAX_FAILURES-th locks, each lock twice as long."""
    failures = failed_attempts + 1
    if failures < MAX_FAILURES:
        return {"failed_attempts": failures}
    return {"failed_attempts": 0, "lock_count": lock_count + 1,
            "locked_until": now + min(BASE_LOCK * (2 ** lock_count), MAX_LOCK)}


def _locked(until: datetime, now: datetime) -> errors.AccountLocked:
    wait = int((until - now).total_seconds())
    return errors.AccountLocked(
        f"This account is locked after too many failed sign-ins. Try again in {max(1, wait // 60)} "
        "minute(s) or ask your organisation's SafeStats administrator to unlock it.",
        extra={"retry_after": wait}, headers={"Retry-After": str(wait)})


def _unknown_failure(conn: Connection, username: str, now: datetime) -> datetime | None:
    """A sign-in for a name that is no active account: counted and locked like a real account.
    Returns the lock's end when that name is locked now (the attempt then counts for nothing)."""
    key = _token_hash(username)
    conn.execute(delete(db.unknown_logins).where(db.unknown_logins.c.last_attempt < now - MAX_LOCK * 2))
    row = conn.execute(select(db.unknown_logins).where(db.unknown_logins.c.username_hash == key)).first()
    if row is not None and row.locked_until and row.locked_until > now:
        return row.locked_until
    if row is None:
        conn.execute(insert(db.unknown_logins).values(username_hash=key, failed_attempts=0, lock_count=0,
                                                      last_attempt=now))
        row = conn.execute(select(db.unknown_logins).where(db.unknown_logins.c.username_hash == key)).one()
    conn.execute(update(db.unknown_logins).where(db.unknown_logins.c.username_hash == key).values(
        last_attempt=now, **_after_failure(row.failed_attempts, row.lock_count, now)))
    return None


def login(engine: Engine, username: str, password: str, conditions_version: str | None, purpose: str | None,
          totp: str | None, has_active_agreement: callable) -> dict:  # type: ignore[valid-type]
    """Check credentials, second factor, agreement and conditions; issue tokens. Raises ApiError."""
    now = utcnow()
    with engine.begin() as conn:
        user = conn.execute(select(db.users).where(db.users.c.username == username)).first()
        if user is None or not user.active:
            try:
                _hasher.verify(_DUMMY_HASH, password)
            except VerificationError:
                pass
            locked_until = _unknown_failure(conn, username, now)
    if user is None or not user.active:
        if locked_until is not None:
            raise _locked(locked_until, now)
        raise errors.InvalidCredentials("The username or password is not correct. Check them and try again.")
    with engine.begin() as conn:
        if user.locked_until and user.locked_until > now:
            raise _locked(user.locked_until, now)
        try:
            _hasher.verify(user.password_hash, password)
            ok = True
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if ok and user.totp_secret:
            if not totp:
                raise errors.TotpRequired("Enter the six-digit code from your authenticator app.")
            step = _totp_step(user.totp_secret, str(totp), user.totp_last_step)
            if step is None:
                ok = False  # wrong, expired or already used
            else:
                conn.execute(update(db.users).where(db.users.c.id == user.id).values(totp_last_step=step))
        if not ok:
            conn.execute(update(db.users).where(db.users.c.id == user.id).values(
                **_after_failure(user.failed_attempts, user.lock_count, now)))
    if not ok:
        audit.append(engine, "login_failed", username=username, org_id=user.org_id)
        raise errors.InvalidCredentials("The username or password is not correct. Check them and try again.")

    with engine.begin() as conn:
        conn.execute(update(db.users).where(db.users.c.id == user.id).values(failed_attempts=0, lock_count=0,
                                                                                 locked_until=None))
        if _hasher.check_needs_rehash(user.password_hash):
            conn.execute(update(db.users).where(db.users.c.id == user.id).values(
                password_hash=_hasher.hash(password)))
    with engine.connect() as conn:
        if not has_active_agreement(conn, user.org_id):
            audit.append(engine, "login_refused", username=username, org_id=user.org_id,
                         detail={"reason": "no_agreement"})
            raise errors.NoAgreement(
                "Your organisation has no active SafeStats Data Sharing Agreement (it has expired or is "
                "suspended). Contact your information governance lead or safestats@london.gov.uk.")
        current = conditions.current(conn)
    if current is None:
        raise errors.ApiError("The store has no conditions of use published; an administrator must publish them.")
    if purpose in conditions.REFUSED_PURPOSES or (purpose and not conditions.purpose_is_permitted(purpose)):
        raise errors.PurposeNotPermitted(
            "SafeStats data may be used only for prevention and reduction, never for enforcement or "
            "prosecution. Choose one of the listed purposes.", extra={"conditions": current.as_json()})
    if conditions_version != current.version or not purpose:
        raise errors.ConditionsRequired(
            "You must read and accept the current conditions of use, and declare your purpose, to sign in.",
            extra={"conditions": current.as_json()})

    with engine.begin() as conn:
        conn.execute(insert(db.acceptances).values(user_id=user.id, conditions_version=current.version,
                                                   purpose=purpose, accepted_at=utcnow()))
        body = _issue(conn, user.id, secrets.token_hex(16), purpose, current.version)
        body.update(user=_user_json(conn, user), purpose=purpose, conditions_version=current.version)
    audit.append(engine, "login", username=username, org_id=user.org_id, purpose=purpose,
                 detail={"conditions_version": current.version})
    return body


def refresh(engine: Engine, refresh_token: str, has_active_agreement: callable | None = None) -> dict:  # type: ignore[valid-type]
    """Rotate a refresh token. The presented token is used up whatever the outcome (committed before
    any check that can refuse), and the new tokens end when the session does."""
    now = utcnow()
    with engine.begin() as conn:
        tok = conn.execute(select(db.tokens).where(db.tokens.c.token_hash == _token_hash(refresh_token),
                                                   db.tokens.c.kind == "refresh")).first()
        if tok is None:
            raise errors.NotAuthenticated("Your session is no longer valid. Please sign in again.")
        if tok.revoked:
            # A rotated refresh token presented again: assume theft, revoke the whole family.
            conn.execute(update(db.tokens).where(db.tokens.c.family == tok.family).values(revoked=True))
        elif tok.expires_at > now:
            conn.execute(update(db.tokens).where(db.tokens.c.family == tok.family, db.tokens.c.kind == "access")
                         .values(revoked=True))
            conn.execute(update(db.tokens).where(db.tokens.c.id == tok.id).values(revoked=True))
    if tok.revoked:
        audit.append(engine, "refresh_reuse_detected", detail={"family": tok.family})
        raise errors.NotAuthenticated("Your session is no longer valid. Please sign in again.")
    if tok.expires_at <= now:
        raise errors.TokenExpired("Your session has expired. Please sign in again.")
    with engine.begin() as conn:
        user = conn.execute(select(db.users).where(db.users.c.id == tok.user_id)).one()
        if not user.active:
            raise errors.NotAuthenticated("Your account is disabled.")
        # like sign-in: an organisation whose agreement has expired gets no new session
        # (suspension already revokes every token of the organisation)
        if has_active_agreement is not None and not has_active_agreement(conn, user.org_id):
            raise errors.NoAgreement("Your organisation's Data Sharing Agreement is not active (expired or "
                                     "suspended), so your session cannot be renewed.")
        current = conditions.current(conn)
        if current is None or current.version != tok.conditions_version:
            raise errors.TokenExpired("New conditions of use have been published. Sign in again to read and "
                                      "accept them.")
        body = _issue(conn, user.id, tok.family, tok.purpose, tok.conditions_version, session_end=tok.expires_at)
        body.update(user=_user_json(conn, user), purpose=tok.purpose, conditions_version=tok.conditions_version)
    return body


def logout(engine: Engine, principal: Principal) -> None:
    with engine.begin() as conn:
        conn.execute(update(db.tokens).where(db.tokens.c.family == principal.family).values(revoked=True))
    audit.append(engine, "logout", username=principal.username, org_id=principal.org_id, purpose=principal.purpose)


def authenticate(engine: Engine, token: str, username: str | None = None) -> Principal:
    """Resolve an access token (Bearer, or Basic password with `username`) to a Principal."""
    now = utcnow()
    with engine.connect() as conn:
        row = conn.execute(
            select(db.tokens, db.users.c.username, db.users.c.display_name, db.users.c.org_id, db.users.c.role,
                   db.users.c.active, db.organisations.c.name.label("org_name"))
            .join(db.users, db.users.c.id == db.tokens.c.user_id)
            .join(db.organisations, db.organisations.c.id == db.users.c.org_id)
            .where(db.tokens.c.token_hash == _token_hash(token), db.tokens.c.kind == "access")).first()
    if row is None or row.revoked or not row.active or (username is not None and username != row.username):
        raise errors.NotAuthenticated("Sign in to SafeStats first (your token is missing, wrong or revoked).")
    if row.expires_at <= now:
        raise errors.TokenExpired("Your session token has expired. Refresh it or sign in again.")
    return Principal(row.user_id, row.username, row.display_name, row.org_id, row.org_name, row.role,
                     row.purpose, row.conditions_version, row.id, row.family)


def revoke_organisation_tokens(conn: Connection, org_id: str) -> None:
    ids = select(db.users.c.id).where(db.users.c.org_id == org_id)
    conn.execute(update(db.tokens).where(db.tokens.c.user_id.in_(ids)).values(revoked=True))
    for (user_id,) in conn.execute(ids).all():  # ... and its personal access tokens (a suspension ends them)
        revoke_personal_tokens(conn, user_id, "agreement suspended")


def revoke_personal_tokens(conn: Connection, user_id: int, by: str) -> None:
    """Every token of one user (password change, suspension): inside the caller's transaction."""
    if not inspect(conn).has_table(db.personal_tokens.name):  # a database no store has opened since PATs came
        return
    conn.execute(update(db.personal_tokens).where(db.personal_tokens.c.user_id == user_id,
                                               db.personal_tokens.c.revoked.is_(False))
                 .values(revoked=True, revoked_at=utcnow(), revoked_by=by))
