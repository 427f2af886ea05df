"""The HTTP service: OGC API - Features + SafeStats auth, counts, aggregates, bulk and audit.

Route handlers stay thin: authentication (accounts), rights (rights), query building (query),
output (output, aggregates) and audit (audit) each live in their own module.
"""
from __future__ import annotations

import base64
import ipaddress
import json
import logging
import os
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel
from shapely import wkt as shapely_wkt
from shapely.geometry import mapping
from sqlalchemy import Engine, func, select
from sqlalchemy import exc as sqlalchemy_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.datastructures import MutableHeaders

from . import (
    accounts, aggregates, audit, cache, closed_table, conditions, db, disclosure, errors, extracts, openapi, output, query, rights,
    spatial, user_admin,
)
from .catalogue import AGENCY_ATTRIBUTION, DATASETS, PROTECTIVE_MARKING, Dataset
from .clock import iso, utcnow
from .query import CRS84, EPSG4326, EPSG27700

log = logging.getLogger("safestats.store")

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
]
OPENAPI_TYPE = "application/vnd.oai.openapi+json;version=3.0"
GEOJSON = "application/geo+json"
MAX_OFFSET = 2**53
FGB = "application/flatgeobuf"
FGB_TYPES = (FGB, "application/flatbuffers")  # docs/api.md documents both
BOUNDARY_COLLECTIONS = {"boroughs": ("borough", "London boroughs"), "wards": ("ward", "London wards")}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000",
}


class LoginBody(BaseModel):
    username: str
    password: str
    conditions_version: str | None = None
    purpose: str | None = None
    totp: str | None = None


class RefreshBody(BaseModel):
    refresh_token: str


class NewUserBody(BaseModel):
    username: str
    password: str
    display_name: str = ""
    role: str = "analyst"
    organisation: str | None = None


class UserActionBody(BaseModel):
    password: str | None = None


def _json(body: Any, status: int = 200, media_type: str = "application/json",
          headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type=media_type, headers=headers)


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


class Store:
    """Per-app state and the operations routes call."""

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
            return accounts.authenticate(self.engine, value.strip())
        if scheme.lower() == "basic" and value:
            try:
                user, _, token = base64.b64decode(value.strip(), validate=True).decode().partition(":")
            except (ValueError, UnicodeDecodeError) as exc:
                raise errors.NotAuthenticated("Malformed Basic authorization header.") from exc
            return accounts.authenticate(self.engine, token, username=user)
        raise errors.NotAuthenticated("Sign in to SafeStats first: send 'Authorization: Bearer <access token>'.",
                                      headers={"WWW-Authenticate": 'Bearer, Basic realm="SafeStats"'})

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

    # ---------------------------------------------------------------- descriptions
    def state(self, ds_id: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(select(db.dataset_state).where(db.dataset_state.c.dataset_id == ds_id)).first()

    def extent(self, g: rights.Grant) -> tuple[Any, Any, int | None]:
        """(first, last, record count) of the rows the grant can see. The dataset-wide figures in
        dataset_state are used only when the grant has no area or history limit: for a limited
        grant they would disclose how many incidents lie outside its area or window (total minus
        own count) and when the latest incident elsewhere happened."""
        st = self.state(g.dataset_id)
        if g.area is None and g.history_months is None:
            return (st.first_at, st.last_at, st.record_count) if st is not None else (None, None, 0)
        table = db.incident_tables[g.dataset_id]
        with self.engine.connect() as conn:
            n, first, last = conn.execute(
                select(func.count(), func.min(table.c.occurred_at), func.max(table.c.occurred_at))
                .where(query.rights_clause(table, g, self.dialect))).one()
        return first, last, int(n)

    def collection_json(self, base: str, g: rights.Grant) -> dict[str, Any]:
        ds, st = g.dataset, self.state(g.dataset_id)
        since = g.history_from()
        start, last_at, record_count = self.extent(g)
        if since is not None and start is not None and start < since:
            start = since
        if g.aggregate_only:  # counts only: the first/last incident's exact time is not published
            start, last_at = query.month_floor(start), query.month_end(last_at)
        area_bounds = g.area.bounds if g.area is not None else None
        bbox27700 = list(area_bounds) if area_bounds else [503000.0, 155000.0, 562000.0, 201000.0]
        bbox84 = list(spatial.from_27700(shapely_wkt.loads(
            f"POLYGON(({bbox27700[0]} {bbox27700[1]},{bbox27700[2]} {bbox27700[1]},{bbox27700[2]} {bbox27700[3]},"
            f"{bbox27700[0]} {bbox27700[3]},{bbox27700[0]} {bbox27700[1]}))"), CRS84).bounds)
        links = [{"rel": "self", "type": "application/json", "href": f"{base}/collections/{ds.id}"},
                 {"rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables", "type": "application/schema+json",
                  "href": f"{base}/collections/{ds.id}/queryables"}]
        if not g.aggregate_only:
            links += [{"rel": "items", "type": GEOJSON, "href": f"{base}/collections/{ds.id}/items"},
                      {"rel": "items", "type": FGB, "href": f"{base}/collections/{ds.id}/items?f=fgb"}]
        return {
            "id": ds.id, "title": ds.title, "description": ds.description, "itemType": "feature",
            "crs": [CRS84, EPSG27700, EPSG4326], "storageCrs": EPSG27700,
            "extent": {"spatial": {"bbox": [bbox84], "crs": CRS84},
                       "temporal": {"interval": [[iso(start), iso(last_at)]],
                                    "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}},
            "links": links,
            "safestats": {
                "agency": ds.agency, "access": g.access, "kind": ds.kind,
                "fields": [{"name": f.name, "type": f.type, "title": f.title,
                            **({"categories": list(f.categories)} if f.categories else {})}
                           for f in g.visible_fields()],
                "category_field": ds.category_field, "time_field": "occurred_at",
                "measure_field": ds.measure_field,
                "limits": {"fields_restricted": g.fields is not None, "area": g.area_wkt, "area_name": g.area_name,
                           "history_from": since.date().isoformat() if since else None,
                           "aggregate_only": g.aggregate_only},
                "temporal": {"start": iso(start), "end": iso(last_at)},
                "last_refresh": iso(st.last_refresh) if st is not None else None,
                "licence": ds.licence, "attribution": AGENCY_ATTRIBUTION[ds.id],
                "protective_marking": PROTECTIVE_MARKING,
                "record_count": None if g.aggregate_only else record_count,
                "suppression_threshold": aggregates.threshold(),
            },
        }

    def boundary_collection_json(self, base: str, cid: str) -> dict[str, Any]:
        level, title = BOUNDARY_COLLECTIONS[cid]
        return {"id": cid, "title": title, "description": f"{title} (synthetic boundaries of the demo store)",
                "itemType": "feature", "crs": [CRS84, EPSG27700, EPSG4326], "storageCrs": EPSG27700,
                "extent": {"spatial": {"bbox": [[-0.52, 51.28, 0.34, 51.70]], "crs": CRS84}},
                "links": [{"rel": "self", "type": "application/json", "href": f"{base}/collections/{cid}"},
                          {"rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                           "type": "application/schema+json", "href": f"{base}/collections/{cid}/queryables"},
                          {"rel": "items", "type": GEOJSON, "href": f"{base}/collections/{cid}/items"}],
                "safestats": {"kind": "boundaries", "level": level, "access": "records",
                              "attribution": "Synthetic boundaries generated by SafeStats (demo)"}}

    def audit(self, p: accounts.Principal, action: str, ds: Dataset,
              pq: query.ParsedQuery | closed_table.CellQuery, rows: int | None,
              **extra: Any) -> None:
        audit.append(self.engine, action, username=p.username, org_id=p.org_id, dataset_id=ds.id,
                     purpose=p.purpose, detail={**pq.description, **extra}, rows=rows)


def create_app(db_url: str, allow_http: bool | None = None) -> FastAPI:
    engine = db.make_engine(db_url)
    filled = db.migrate(engine)  # record keys for rows stored before cell-key perturbation
    if filled:
        log.warning("gave %d stored incidents their record keys", filled)
    if allow_http is None:
        allow_http = os.environ.get("SAFESTATS_ALLOW_HTTP", "") == "1"
    store = Store(engine, allow_http)
    app = FastAPI(title="SafeStats store", openapi_url=None, docs_url=None, redoc_url=None)
    app.state.store = store

    @app.exception_handler(errors.ApiError)
    async def _api_error(_req: Request, exc: errors.ApiError) -> Response:
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
                     500, headers=SECURITY_HEADERS)  # runs outside the middleware below, so add them here

    app.add_middleware(TransportMiddleware, allow_http=store.allow_http)
    from .plugin_repo import router as plugin_repository  # GET /qgis/plugins.xml + the zip, no sign-in
    app.include_router(plugin_repository)

    def read(path: str) -> Any:
        """A GET route that answers HEAD too (same status and headers, no body: uvicorn drops it)."""
        return app.api_route(path, methods=["GET", "HEAD"])

    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    def params(request: Request) -> dict[str, str]:
        return {k: v for k, v in request.query_params.items()}

    # ---------------------------------------------------------------- OGC core
    @read("/")
    def landing(request: Request) -> Response:
        b = base(request)
        return _json({"title": "SafeStats store",
                      "description": "London community-safety incident data for prevention and reduction. "
                                     "Sign in via POST /auth/login.",
                      "links": [{"rel": "self", "type": "application/json", "href": f"{b}/"},
                                {"rel": "service-desc", "type": OPENAPI_TYPE, "href": f"{b}/api"},
                                {"rel": "conformance", "type": "application/json", "href": f"{b}/conformance"},
                                {"rel": "data", "type": "application/json", "href": f"{b}/collections"}]})

    @read("/conformance")
    def conformance() -> Response:
        return _json({"conformsTo": CONFORMANCE})

    @read("/api")
    def api(request: Request) -> Response:
        """Generic without a sign-in (no dataset ids or fields); signed in, the caller's own datasets
        and fields. A wrong or expired token is a 401 like everywhere else."""
        if not request.headers.get("authorization"):
            return _json(openapi.document(base(request)), media_type=OPENAPI_TYPE)
        grants = store.grants(store.principal(request))
        return _json(openapi.document(base(request), grants), media_type=OPENAPI_TYPE)

    # ---------------------------------------------------------------- auth
    @read("/auth/conditions")
    def get_conditions() -> Response:
        with engine.connect() as conn:
            c = conditions.current(conn)
        if c is None:
            raise errors.NotFound("No conditions of use have been published.")
        return _json(c.as_json())

    @app.post("/auth/login")
    def login(body: LoginBody) -> Response:
        return _json(accounts.login(engine, body.username, body.password, body.conditions_version, body.purpose,
                                    body.totp, rights.has_active_agreement))

    @app.post("/auth/refresh")
    def refresh(body: RefreshBody) -> Response:
        return _json(accounts.refresh(engine, body.refresh_token, rights.has_active_agreement))

    @app.post("/auth/logout")
    def logout(request: Request) -> Response:
        accounts.logout(engine, store.principal(request))
        return Response(status_code=204)

    @read("/auth/me")
    def me(request: Request) -> Response:
        p = store.principal(request)
        with engine.connect() as conn:
            agreement = rights.active_agreement_id(conn, p.org_id)
            grants = rights.grants_for(conn, p.org_id)
        return _json({"username": p.username, "display_name": p.display_name,
                      "organisation": {"id": p.org_id, "name": p.org_name}, "role": p.role, "purpose": p.purpose,
                      "conditions_version": p.conditions_version,
                      "agreement": {"active": agreement is not None,
                                    "datasets": {k: g.access for k, g in sorted(grants.items())}}})

    # ---------------------------------------------------------------- collections
    @read("/collections")
    def collections(request: Request) -> Response:
        p = store.principal(request)
        grants = store.grants(p)
        b = base(request)
        cols = [store.collection_json(b, grants[k]) for k in DATASETS if k in grants]
        cols += [store.boundary_collection_json(b, cid) for cid in BOUNDARY_COLLECTIONS]
        return _json({"links": [{"rel": "self", "type": "application/json", "href": f"{b}/collections"}],
                      "collections": cols})

    @read("/collections/{cid}")
    def collection(cid: str, request: Request) -> Response:
        p = store.principal(request)
        if cid in BOUNDARY_COLLECTIONS:
            store.grants(p)
            return _json(store.boundary_collection_json(base(request), cid))
        return _json(store.collection_json(base(request), store.grant(p, cid)))

    @read("/collections/{cid}/queryables")
    def queryables(cid: str, request: Request) -> Response:
        p = store.principal(request)
        if cid in BOUNDARY_COLLECTIONS:
            store.grants(p)
            props: dict[str, Any] = {name: {"type": "string"} for name in query.BOUNDARY_QUERYABLES}
        else:
            g = store.grant(p, cid)
            props = {}
            for f in g.visible_fields():
                schema: dict[str, Any] = {"title": f.title, "type": openapi._JSON_TYPES[f.type]}
                if f.type == "datetime":
                    schema["format"] = "date-time"
                if f.categories:
                    schema["enum"] = list(f.categories)
                props[f.name] = schema
        props["geometry"] = {"$ref": "https://geojson.org/schema/Point.json" if cid not in BOUNDARY_COLLECTIONS
                             else "https://geojson.org/schema/MultiPolygon.json"}
        return _json({"$schema": "https://json-schema.org/draft/2019-09/schema",
                      "$id": f"{base(request)}/collections/{cid}/queryables", "type": "object",
                      "title": cid, "properties": props, "additionalProperties": False},
                     media_type="application/schema+json")

    def _limit_offset(prm: dict[str, str]) -> tuple[int, int]:
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

    @read("/collections/{cid}/items")
    def items(cid: str, request: Request) -> Response:
        p = store.principal(request)
        prm = params(request)
        if cid in BOUNDARY_COLLECTIONS:
            store.grants(p)
            return boundary_items(request, cid, prm)
        g = store.grant(p, cid)
        if g.aggregate_only:
            raise errors.AggregateOnly("Your organisation's agreement allows only aggregate counts for this "
                                       "dataset; use /count or /aggregates.")
        ds, table = g.dataset, db.incident_tables[cid]
        fmt = prm.get("f", "")
        if fmt not in ("", "json", "geojson", "fgb"):
            raise errors.BadRequest("f must be json, geojson or fgb")
        accept = request.headers.get("accept", "")
        wants_fgb = fmt == "fgb" or (not fmt and any(t in accept for t in FGB_TYPES))
        limit, offset = _limit_offset(prm)
        pq = query.build(ds, g, {k: v for k, v in prm.items() if k not in ("limit", "offset")}, store.dialect)
        if wants_fgb:
            return fgb_extract(request, p, g, pq, prm)
        cx, cy = output.coord_columns(table, pq.output_crs)
        with engine.connect() as conn:
            matched = conn.execute(select(func.count()).select_from(table).where(pq.where)).scalar_one()
            rows = conn.execute(select(table.c.id, cx.label("_cx"), cy.label("_cy"),
                                       *[table.c[c] for c in pq.properties]).where(pq.where)
                                .order_by(table.c.id).limit(limit).offset(offset)).all()
        store.audit(p, "items", ds, pq, len(rows), offset=offset)
        return _json(page(request, [output.feature(r, pq.properties, pq.output_crs) for r in rows], matched,
                          limit, offset), media_type=GEOJSON, headers={"Content-Crs": f"<{pq.output_crs}>"})

    def fgb_extract(request: Request, p: accounts.Principal, g: rights.Grant, pq: query.ParsedQuery,
                    prm: dict[str, str]) -> Response:
        """The whole selection as FlatGeobuf, with HEAD and single byte ranges (GDAL's /vsicurl/). The
        extract is built once per caller, session, agreement, query and data version, kept a short
        while (extracts.ExtractCache) and audited once, when it is built."""
        ds, table = g.dataset, db.incident_tables[g.dataset_id]
        st = store.state(ds.id)
        key = (p.user_id, p.org_id, p.family, p.purpose, ds.id,
               (g.access, None if g.fields is None else tuple(sorted(g.fields)), g.area_wkt, g.history_months,
                g.history_from()),
               (st.record_count, st.last_refresh) if st is not None else None,
               tuple(sorted((k, v) for k, v in prm.items() if k not in ("limit", "offset"))))

        def build() -> tuple[str, int]:
            with engine.connect() as conn:
                return output.write_fgb(conn, ds, table, pq.where, pq.properties, pq.output_crs)

        ex = store.extracts.get_or_build(key, build)
        if ex.built:
            store.audit(p, "extract_fgb", ds, pq, ex.rows)
        headers = {"Accept-Ranges": "bytes", "X-SafeStats-Count": str(ex.rows),
                   "Content-Disposition": f'attachment; filename="{ds.id}.fgb"', "Content-Crs": f"<{pq.output_crs}>"}
        try:
            rng = extracts.byte_range(request.headers.get("range"), ex.size)
        except ValueError as exc:
            os.close(ex.fd)
            raise errors.RangeNotSatisfiable(f"The extract is {ex.size} bytes long.",
                                             headers={"Content-Range": f"bytes */{ex.size}"}) from exc
        status, (first, last) = (200, (0, ex.size - 1)) if rng is None else (206, rng)
        headers["Content-Length"] = str(last - first + 1)
        if rng is not None:
            headers["Content-Range"] = f"bytes {first}-{last}/{ex.size}"
        if request.method == "HEAD":
            os.close(ex.fd)
            return Response(status_code=status, media_type=FGB, headers=headers)
        return StreamingResponse(extracts.iter_bytes(ex.fd, first, last - first + 1), status_code=status,
                                 media_type=FGB, headers=headers)

    def page(request: Request, feats: list[dict], matched: int, limit: int, offset: int) -> dict[str, Any]:
        links = [{"rel": "self", "type": GEOJSON, "href": str(request.url)}]
        if offset + len(feats) < matched:
            nxt = request.url.include_query_params(offset=offset + limit, limit=limit)
            links.append({"rel": "next", "type": GEOJSON, "href": str(nxt)})
        return {"type": "FeatureCollection", "features": feats, "numberMatched": matched,
                "numberReturned": len(feats), "timeStamp": iso(utcnow()),
                "links": links}

    def boundary_feature(r: Any, crs: str) -> dict[str, Any]:
        return {"type": "Feature", "id": r.code,
                "geometry": mapping(spatial.from_27700(shapely_wkt.loads(r.wkt), crs)),
                "properties": {"code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent_code}}

    def boundary_items(request: Request, cid: str, prm: dict[str, str]) -> Response:
        """Boroughs or wards: filtered (query.build_boundary), exact bbox intersection, then paged."""
        level = BOUNDARY_COLLECTIONS[cid][0]
        bq = query.build_boundary(level, prm, store.dialect)
        limit, offset = _limit_offset(prm)
        with engine.connect() as conn:
            rows = conn.execute(select(db.boundaries).where(bq.where).order_by(db.boundaries.c.code)).all()
        if bq.bbox is not None:
            rows = [r for r in rows if shapely_wkt.loads(r.wkt).intersects(bq.bbox)]
        feats = [boundary_feature(r, bq.output_crs) for r in rows[offset:offset + limit]]
        return _json(page(request, feats, len(rows), limit, offset), media_type=GEOJSON,
                     headers={"Content-Crs": f"<{bq.output_crs}>"})

    def boundary_item(request: Request, cid: str, code: str) -> Response:
        prm = params(request)
        if set(prm) - {"crs", "f"}:
            raise errors.BadRequest("a single boundary takes only the crs and f parameters")
        bq = query.build_boundary(BOUNDARY_COLLECTIONS[cid][0], prm, store.dialect)
        with engine.connect() as conn:
            row = conn.execute(select(db.boundaries).where(bq.where, db.boundaries.c.code == code[:12])).first()
        if row is None:
            raise errors.NotFound(f"There is no {BOUNDARY_COLLECTIONS[cid][0]} '{code[:20]}'.")
        b = base(request)
        feat = {**boundary_feature(row, bq.output_crs), "links": [
            {"rel": "self", "type": GEOJSON, "href": str(request.url)},
            {"rel": "collection", "type": "application/json", "href": f"{b}/collections/{cid}"}]}
        return _json(feat, media_type=GEOJSON, headers={"Content-Crs": f"<{bq.output_crs}>"})

    @read("/collections/{cid}/items/{fid}")
    def item(cid: str, fid: str, request: Request) -> Response:
        p = store.principal(request)
        if cid in BOUNDARY_COLLECTIONS:
            store.grants(p)
            return boundary_item(request, cid, fid)
        g = store.grant(p, cid)
        if g.aggregate_only:
            raise errors.AggregateOnly("Your organisation's agreement allows only aggregate counts for this dataset.")
        if not re.fullmatch(r"[0-9]{1,18}", fid):  # ASCII digits that fit a 64-bit id ("²".isdigit() is True)
            raise errors.NotFound("No such incident.")
        table = db.incident_tables[cid]
        prm = {k: v for k, v in params(request).items() if k == "crs"}
        pq = query.build(g.dataset, g, prm, store.dialect)
        cx, cy = output.coord_columns(table, pq.output_crs)
        with engine.connect() as conn:
            row = conn.execute(select(table.c.id, cx.label("_cx"), cy.label("_cy"),
                                      *[table.c[c] for c in pq.properties])
                               .where(pq.where, table.c.id == int(fid))).first()
        if row is None:
            raise errors.NotFound("No such incident.")
        store.audit(p, "item", g.dataset, pq, 1, id=int(fid))
        b = base(request)
        feat = {**output.feature(row, pq.properties, pq.output_crs), "links": [
            {"rel": "self", "type": GEOJSON, "href": str(request.url)},
            {"rel": "collection", "type": "application/json", "href": f"{b}/collections/{cid}"}]}
        return _json(feat, media_type=GEOJSON, headers={"Content-Crs": f"<{pq.output_crs}>"})

    @read("/collections/{cid}/count")
    def count(cid: str, request: Request) -> Response:
        p = store.principal(request)
        g = store.grant(p, cid)
        ds, table = g.dataset, db.incident_tables[cid]
        if g.aggregate_only:  # one cell of the closed table, perturbed (closed_table, disclosure)
            with engine.connect() as conn:
                cq = closed_table.parse_count(conn, g, params(request), store.dialect)
                value, suppressed = closed_table.count(conn, g, cq)
            store.audit(p, "count", ds, cq, None)
            t = aggregates.threshold()
            return _json({"numberMatched": value, "suppressed": suppressed, "period": cq.period.label,
                          "area": cq.area, "category": cq.category, "disclosure": disclosure.block(t),
                          "rounded_to": t})
        prm = params(request)
        pq = query.build(ds, g, prm, store.dialect)
        with engine.connect() as conn:  # cached until the dataset's next ingest (cache.py)
            n = cache.count(conn, p.org_id, g, prm, lambda: aggregates.count(conn, ds, table, pq.where))
        store.audit(p, "count", ds, pq, None)
        return _json({"numberMatched": n})

    @read("/collections/{cid}/aggregates")
    def aggregate(cid: str, request: Request) -> Response:
        p = store.principal(request)
        g = store.grant(p, cid)
        ds, table = g.dataset, db.incident_tables[cid]
        prm = params(request)
        if g.aggregate_only:
            with engine.connect() as conn:
                cq = closed_table.parse_aggregates(conn, g, prm, store.dialect)
                found = closed_table.cells(conn, g, cq)
            store.audit(p, "aggregates", ds, cq, None)
            return _json(closed_table.feature_collection(g, cq, found), media_type=GEOJSON)
        by = prm.get("by", "borough")
        if by not in ("borough", "ward", "hex"):
            raise errors.BadRequest("by must be borough, ward or hex")
        try:
            size = float(prm.get("size", "500"))
        except ValueError as exc:
            raise errors.BadRequest("size must be a number of metres") from exc
        pq = query.build(ds, g, prm, store.dialect)
        with engine.connect() as conn:
            cells = aggregates.by_hex(conn, ds, table, pq.where, size) if by == "hex" else \
                aggregates.by_boundary(conn, ds, table, pq.where, by)
        if g.area is not None and by != "hex":
            cells = [c for c in cells if c.geometry.intersects(g.area)]
        store.audit(p, "aggregates", ds, pq, None, by=by)
        return _json(aggregates.feature_collection(cells, pq.output_crs), media_type=GEOJSON)

    # ---------------------------------------------------------------- user administration
    @read("/admin/users")
    def users(request: Request) -> Response:
        return _json({"users": user_admin.list_users(engine, store.principal(request))})

    @app.post("/admin/users")
    def add_user(body: NewUserBody, request: Request) -> Response:
        return _json(user_admin.create_user(engine, store.principal(request), body.username, body.display_name,
                                            body.role, body.password, body.organisation), 201)

    @app.post("/admin/users/{username}/{action}")
    def act_on_user(username: str, action: str, request: Request, body: UserActionBody | None = None) -> Response:
        return _json(user_admin.act(engine, store.principal(request), username, action,
                                    body.password if body is not None else None))

    # ---------------------------------------------------------------- audit
    @read("/audit")
    def audit_log(request: Request) -> Response:
        p = store.principal(request)
        if p.role not in ("store_admin", "org_admin"):
            raise errors.Forbidden("Only administrators can read the audit log.")
        limit, offset = _limit_offset(params(request))
        total, entries = audit.listing(engine, None if p.role == "store_admin" else p.org_id, limit, offset)
        return _json({"total": total, "entries": entries})

    return app


def app_from_env() -> FastAPI:
    """uvicorn factory for several workers: the database URL comes from SAFESTATS_DB."""
    return create_app(os.environ["SAFESTATS_DB"])
