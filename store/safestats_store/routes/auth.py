"""Signing in: the conditions of use, login/refresh/logout and who the session belongs to (/auth/...)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from .. import accounts, conditions, errors, rights
from .deps import json_response, read, store

router = APIRouter()


class LoginBody(BaseModel):
    username: str
    password: str
    conditions_version: str | None = None
    purpose: str | None = None
    totp: str | None = None


class RefreshBody(BaseModel):
    refresh_token: str


@read(router, "/auth/conditions")
def get_conditions(request: Request) -> Response:
    with store(request).engine.connect() as conn:
        c = conditions.current(conn)
    if c is None:
        raise errors.NotFound("No conditions of use have been published.")
    return json_response(c.as_json())


@router.post("/auth/login")
def login(body: LoginBody, request: Request) -> Response:
    return json_response(accounts.login(store(request).engine, body.username, body.password, body.conditions_version,
                                        body.purpose, body.totp, rights.has_active_agreement))


@router.post("/auth/refresh")
def refresh(body: RefreshBody, request: Request) -> Response:
    return json_response(accounts.refresh(store(request).engine, body.refresh_token, rights.has_active_agreement))


@router.post("/auth/logout")
def logout(request: Request) -> Response:
    s = store(request)
    accounts.logout(s.engine, s.principal(request))
    return Response(status_code=204)


@read(router, "/auth/me")
def me(request: Request) -> Response:
    s = store(request)
    p = s.principal(request)
    with s.engine.connect() as conn:
        agreement = rights.active_agreement_id(conn, p.org_id)
        grants = rights.grants_for(conn, p.org_id)
    return json_response({"username": p.username, "display_name": p.display_name,
                          "organisation": {"id": p.org_id, "name": p.org_name}, "role": p.role, "purpose": p.purpose,
                          "conditions_version": p.conditions_version,
                          "agreement": {"active": agreement is not None,
                                        "datasets": {k: g.access for k, g in sorted(grants.items())}}})
