"""User administration over HTTP (/admin/users): the rules live in :mod:`safestats_store.user_admin`."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from .. import user_admin
from .deps import json_response, read, store

router = APIRouter()


class NewUserBody(BaseModel):
    username: str
    password: str
    display_name: str = ""
    role: str = "analyst"
    organisation: str | None = None


class UserActionBody(BaseModel):
    password: str | None = None


@read(router, "/admin/users")
def users(request: Request) -> Response:
    s = store(request)
    return json_response({"users": user_admin.list_users(s.engine, s.principal(request))})


@router.post("/admin/users")
def add_user(body: NewUserBody, request: Request) -> Response:
    s = store(request)
    return json_response(user_admin.create_user(s.engine, s.principal(request), body.username, body.display_name,
                                                body.role, body.password, body.organisation), 201)


@router.post("/admin/users/{username}/{action}")
def act_on_user(username: str, action: str, request: Request, body: UserActionBody | None = None) -> Response:
    s = store(request)
    return json_response(user_admin.act(s.engine, s.principal(request), username, action,
                                        body.password if body is not None else None))
