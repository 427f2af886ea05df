"""HTTP routes for personal access tokens (rules in tokens.py; contract in docs/api.md).

- ``POST /auth/tokens`` ``{"name", "expires_in_days"?}`` → 201 with the secret, once;
- ``GET /auth/tokens`` → the caller's tokens (never the secret); ``DELETE /auth/tokens/{id}`` (or
  ``POST /auth/tokens/{id}/revoke``) revokes;
- ``GET /admin/tokens`` → an admin's view (own organisation, or all for the store admin);
  ``DELETE /admin/tokens/{id}`` revokes any token the admin may manage.

``install(app)`` includes the router, adds the ``PatGate`` middleware and makes sure the table exists.
"""
from __future__ import annotations

import logging
import os

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel

from .. import clock, tokens
from .deps import base, json_response, read, store

log = logging.getLogger("safestats.store")
router = APIRouter()


class NewTokenBody(BaseModel):
    name: str
    expires_in_days: int | None = None


def _usage(request: Request, username: str) -> dict[str, str]:
    """How to use a new token with GDAL and QGIS (shown with it, once)."""
    b = base(request)
    return {"gdal": f'GDAL_HTTP_AUTH=BEARER GDAL_HTTP_BEARER=<token> ogrinfo -oo PAGE_SIZE=10000 "OAPIF:{b}"',
            "gdal_basic": f'ogrinfo -oo USERPWD={tokens.BASIC_USERNAME}:<token> -oo PAGE_SIZE=10000 "OAPIF:{b}"',
            "qgis": f"WFS / OGC API - Features connection to {b}, authentication 'Basic': "
                    f"username '{username}' (or '{tokens.BASIC_USERNAME}'), password = the token"}


@router.post("/auth/tokens")
def create_token(body: NewTokenBody, request: Request) -> Response:
    s = store(request)
    p = s.principal(request)
    out = tokens.create(s.engine, p, body.name, body.expires_in_days)
    return json_response({**out, "usage": _usage(request, p.username)}, 201)


@read(router, "/auth/tokens")
def own_tokens(request: Request) -> Response:
    s = store(request)
    return json_response({"tokens": tokens.list_own(s.engine, s.principal(request))})


@router.delete("/auth/tokens/{token_id}")
@router.post("/auth/tokens/{token_id}/revoke")  # the same, for clients that send only GET and POST
def revoke_own(token_id: int, request: Request) -> Response:
    s = store(request)
    return json_response(tokens.revoke(s.engine, s.principal(request), token_id))


@read(router, "/admin/tokens")
def admin_tokens(request: Request) -> Response:
    s = store(request)
    return json_response({"tokens": tokens.list_admin(s.engine, s.principal(request))})


@router.delete("/admin/tokens/{token_id}")
def admin_revoke(token_id: int, request: Request) -> Response:
    s = store(request)
    return json_response(tokens.revoke(s.engine, s.principal(request), token_id))


def install(app: FastAPI) -> None:
    """Called once from create_app, before the transport middleware is added (so that one stays
    outermost and its security headers reach the gate's refusals too)."""
    tokens.ensure_schema(app.state.store.engine)
    app.include_router(router)
    app.add_middleware(tokens.PatGate)
    if os.environ.get(clock.OFFSET_ENV):
        log.warning("%s is set: this store's clock is shifted (tests only)", clock.OFFSET_ENV)
