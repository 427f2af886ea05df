"""HTTP routes for personal access tokens (rules in tokens.py; contract in docs/api.md).

- ``POST /auth/tokens`` ``{"name", "expires_in_days"?}`` → 201 with the secret, once;
- ``GET /auth/tokens`` → the caller's tokens (never the secret); ``DELETE /auth/tokens/{id}`` (or
  ``POST /auth/tokens/{id}/revoke``) revokes;
- ``GET /admin/tokens`` → an admin's view (own organisation, or all for the store admin);
  ``DELETE /admin/tokens/{id}`` revokes any token the admin may manage.

``install(app)`` includes the router, adds the ``PatGate`` middleware and makes sure the table exists.
"""
from __future__ import annotations

import json
import logging
import os
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel

from .. import clock, tokens

log = logging.getLogger("safestats.store")
router = APIRouter()


class NewTokenBody(BaseModel):
    name: str
    expires_in_days: int | None = None


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type="application/json")


def _store(request: Request) -> Any:
    return request.app.state.store


def _usage(request: Request, username: str) -> dict[str, str]:
    """How to use a new token with GDAL and QGIS (shown with it, once)."""
    base = str(request.base_url).rstrip("/")
    return {"gdal": f'GDAL_HTTP_AUTH=BEARER GDAL_HTTP_BEARER=<token> ogrinfo -oo PAGE_SIZE=10000 "OAPIF:{base}"',
            "gdal_basic": f'ogrinfo -oo USERPWD={tokens.BASIC_USERNAME}:<token> -oo PAGE_SIZE=10000 "OAPIF:{base}"',
            "qgis": f"WFS / OGC API - Features connection to {base}, authentication 'Basic': "
                    f"username '{username}' (or '{tokens.BASIC_USERNAME}'), password = the token"}


@router.post("/auth/tokens")
def create_token(body: NewTokenBody, request: Request) -> Response:
    store = _store(request)
    p = store.principal(request)
    out = tokens.create(store.engine, p, body.name, body.expires_in_days)
    return _json({**out, "usage": _usage(request, p.username)}, 201)


@router.get("/auth/tokens")
def own_tokens(request: Request) -> Response:
    store = _store(request)
    return _json({"tokens": tokens.list_own(store.engine, store.principal(request))})


@router.delete("/auth/tokens/{token_id}")
@router.post("/auth/tokens/{token_id}/revoke")  # the same, for clients that send only GET and POST
def revoke_own(token_id: int, request: Request) -> Response:
    store = _store(request)
    return _json(tokens.revoke(store.engine, store.principal(request), token_id))


@router.get("/admin/tokens")
def admin_tokens(request: Request) -> Response:
    store = _store(request)
    return _json({"tokens": tokens.list_admin(store.engine, store.principal(request))})


@router.delete("/admin/tokens/{token_id}")
def admin_revoke(token_id: int, request: Request) -> Response:
    store = _store(request)
    return _json(tokens.revoke(store.engine, store.principal(request), token_id))


def install(app: FastAPI) -> None:
    """Called once from create_app, before the transport middleware is added (so that one stays
    outermost and its security headers reach the gate's refusals too)."""
    tokens.ensure_schema(app.state.store.engine)
    app.include_router(router)
    app.add_middleware(tokens.PatGate)
    if os.environ.get(clock.OFFSET_ENV):
        log.warning("%s is set: this store's clock is shifted (tests only)", clock.OFFSET_ENV)
