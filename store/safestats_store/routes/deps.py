"""What every route shares: the per-app state (:class:`Store`), who is calling (principal), what
their organisation's agreement grants them, the audit call, and small request/response helpers.

Routes get the state with ``Depends(store)`` or ``store(request)``; nothing here knows a URL.
"""
from __future__ import annotations

import base64
import json
from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Engine, select

from .. import accounts, audit, closed_table, db, errors, extracts, openapi, query, rights, tokens
from ..catalogue import Dataset

GEOJSON = "application/geo+json"
MAX_OFFSET = 2**53


class Store:
    """Per-app state and the operations routes call (``app.state.store``)."""

    def __init__(self, engine: Engine, allow_http: bool) -> None:
        self.engine = engine
        self.allow_http = allow_http
        self.dialect = engine.dialect.name
        self.extracts = extracts.ExtractCache()

    # ---------------------------------------------------------------- who is calling
    def principal(self, request: Request) -> accounts.Principal:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value:
            return self.authenticate(value.strip())
        if scheme.lower() == "basic" and value:
            try:
                user, _, token = base64.b64decode(value.strip(), validate=True).decode().partition(":")
            except (ValueError, UnicodeDecodeError) as exc:
                raise errors.NotAuthenticated("Malformed Basic authorization header.") from exc
            return self.authenticate(token, username=user)
        raise errors.NotAuthenticated("Sign in to SafeStats first: send 'Authorization: Bearer <access token>'.",
                                      headers={"WWW-Authenticate": 'Bearer, Basic realm="SafeStats"'})

    def authenticate(self, token: str, username: str | None = None) -> accounts.Principal:
        """A session's access token (accounts) or a personal access token (tokens: their own checks)."""
        if tokens.is_pat(token):
            return tokens.authenticate(self.engine, token, username)
        return accounts.authenticate(self.engine, token, username)

    def grants(self, p: accounts.Principal) -> dict[str, rights.Grant]:
        with self.engine.connect() as conn:
            grants = rights.active_grants(conn, p.org_id)
        if grants is None:
            raise errors.NoAgreement("Your organisation's Data Sharing Agreement is not active (expired or "
                                     "suspended), so no SafeStats data is available to you.")
        return grants

    def grant(self, p: accounts.Principal, collection_id: str) -> rights.Grant:
        g = self.grants(p).get(collection_id)
        if g is None:
            raise errors.NotFound(f"There is no collection '{collection_id[:60]}' available to you.")
        return g

    # ---------------------------------------------------------------- dataset state and audit
    def state(self, ds_id: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(select(db.dataset_state).where(db.dataset_state.c.dataset_id == ds_id)).first()

    def audit(self, p: accounts.Principal, action: str, ds: Dataset,
              pq: query.ParsedQuery | closed_table.CellQuery, rows: int | None,
              **extra: Any) -> None:
        audit.append(self.engine, action, username=p.username, org_id=p.org_id, dataset_id=ds.id,
                     purpose=p.purpose, detail={**pq.description, **extra, **p.audit_ref}, rows=rows)


def store(request: Request) -> Store:
    """The app's :class:`Store` (a FastAPI dependency: ``s: Store = Depends(store)``)."""
    return request.app.state.store


def json_response(body: Any, status: int = 200, media_type: str = "application/json",
                  headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type=media_type, headers=headers)


def read(router: APIRouter, path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A GET route that answers HEAD too (same status and headers, no body: uvicorn drops it)."""
    return router.api_route(path, methods=["GET", "HEAD"])


def base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def params(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items()}


def limit_offset(prm: dict[str, str]) -> tuple[int, int]:
    try:
        limit = int(prm.get("limit", openapi.LIMIT_DEFAULT))
        offset = int(prm.get("offset", 0))
    except ValueError as exc:
        raise errors.BadRequest("limit and offset must be whole numbers") from exc
    if limit < 1 or offset < 0:
        raise errors.BadRequest("limit must be at least 1 and offset at least 0")
    if offset > MAX_OFFSET:  # beyond any table; larger values overflow the database's integers
        raise errors.BadRequest(f"offset must be at most {MAX_OFFSET}")
    return min(limit, openapi.LIMIT_MAX), offset
