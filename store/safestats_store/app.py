"""The HTTP service: wiring only. Builds the per-app state (:class:`routes.deps.Store`), adds the
transport middleware and the exception handlers, and includes the routers, one per concern:

* :mod:`.routes.features`: OGC API - Features (landing, conformance, collections, items, count, aggregates)
* :mod:`.routes.auth`: conditions of use, sign-in and the session (/auth/...)
* :mod:`.routes.admin`: user administration (/admin/users)
* :mod:`.routes.audit`: the audit log (/audit)
* :mod:`.routes.plugin_repo`: the QGIS plugin repository (/qgis/...), no sign-in

Authentication (accounts), rights (rights), query building (query), output (output, aggregates)
and audit (audit) each live in their own module; routes stay thin.
"""
from __future__ import annotations

import ipaddress
import logging
import os
import threading
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy import exc as sqlalchemy_exc
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import admission, boundaries, db, errors, extract_process, query
from .routes import admin, audit, auth, features, plugin_repo
from .routes import tokens as routes_tokens
from .routes.deps import Store
from .routes.deps import json_response as _json

log = logging.getLogger("safestats.store")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000",
}


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class TransportMiddleware:
    """Plain HTTP refused except from loopback (or with --allow-http), and the security headers on
    every response. Pure ASGI (Starlette's BaseHTTPMiddleware costs a task and a stream per request)."""

    def __init__(self, app: Any, allow_http: bool) -> None:
        self.app = app
        self.allow_http = allow_http

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        if (scope.get("scheme") != "https" and not self.allow_http
                and not _is_loopback(client[0] if client else None)):
            response = _json(errors.HttpsRequired("Use https:// - SafeStats refuses plain HTTP except on this "
                                                  "machine (localhost).").body(), 403, headers=SECURITY_HEADERS)
            await response(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in SECURITY_HEADERS.items():
                    if k not in headers:
                        headers[k] = v
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(db_url: str, allow_http: bool | None = None) -> FastAPI:
    engine = db.make_engine(db_url)
    query.AREA_CODES = lambda: boundaries.codes_in_use(engine)  # saved areas naming codes no longer in use
    filled = db.migrate(engine)  # record keys for rows stored before cell-key perturbation
    if filled:
        log.warning("gave %d stored incidents their record keys", filled)
    if allow_http is None:
        allow_http = os.environ.get("SAFESTATS_ALLOW_HTTP", "") == "1"
    store = Store(engine, allow_http)
    # the extract fork server (extract_process) starts beside the worker, so no Load waits for it
    threading.Thread(target=extract_process.warm, name="extract-warm", daemon=True).start()
    app = FastAPI(title="SafeStats store", openapi_url=None, docs_url=None, redoc_url=None)
    app.state.store = store
    _add_exception_handlers(app)
    app.add_middleware(admission.BulkGate, slots=admission.bulk_slots())  # innermost: counts never queue behind bulk
    routes_tokens.install(app)  # PATs: routes + PatGate (before Transport, so its refusals get the headers)
    app.add_middleware(TransportMiddleware, allow_http=store.allow_http)
    for router in (plugin_repo.router, features.router, auth.router, admin.router, audit.router):
        app.include_router(router)
    return app


def _add_exception_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.ApiError)
    async def _api_error(_req: Request, exc: errors.ApiError) -> Response:
        if errors.wants_exception_report(_req.headers.get("user-agent", ""), _req.headers.get("authorization", "")
                                         ):  # QGIS's native provider shows this XML's text to the user
            return Response(errors.exception_report(exc.body()), exc.status, exc.headers, "application/xml")
        return _json(exc.body(), exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", []) if x != "body")
        return _json({"code": "bad_request", "description": f"{where}: {first.get('msg', 'invalid request')}"}, 400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> Response:
        code = "not_found" if exc.status_code == 404 else "bad_request"
        return _json({"code": code, "description": str(exc.detail)}, exc.status_code)

    @app.exception_handler(sqlalchemy_exc.OperationalError)
    @app.exception_handler(sqlalchemy_exc.InterfaceError)
    async def _db_unavailable(_req: Request, exc: Exception) -> Response:
        # the database is down, restarting or locked: say so (503 + Retry-After) rather than a bare 500;
        # the pool (pool_pre_ping) reconnects by itself once it is back
        log.warning("database unavailable: %s", type(exc).__name__)
        return _json({"code": "unavailable", "description": "The store's database is unavailable just now; "
                      "try again in a few seconds."}, 503, headers={**SECURITY_HEADERS, "Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _crash(_req: Request, exc: Exception) -> Response:
        log.exception("unhandled error")
        return _json({"code": "server_error", "description": "The store hit an internal error; it has been logged."},
                     500, headers=SECURITY_HEADERS)  # runs outside TransportMiddleware, so add them here


def app_from_env() -> FastAPI:
    """uvicorn factory for several workers: the database URL comes from SAFESTATS_DB."""
    return create_app(os.environ["SAFESTATS_DB"])
