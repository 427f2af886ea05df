"""The OpenAPI 3.0 document (rel=service-desc), generated from the catalogue.

Written by hand rather than FastAPI's generated 3.1 document because OGC clients read specific
parts of it: QGIS takes `components.parameters.limit.schema.{default,maximum}` for its page size
and per-collection simple query parameters; GDAL sends legacy `cql-text` only when the
`filter-lang` enum lists it.
"""
from __future__ import annotations

from typing import Any

from . import __version__
from .catalogue import DATASETS
from .rights import Grant

LIMIT_DEFAULT = 1000
LIMIT_MAX = 10000
JSON_TYPES = {"string": "string", "integer": "integer", "number": "number", "datetime": "string", "date": "string"}


def _err(desc: str) -> dict[str, Any]:
    return {"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _p(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


COMMON_ERRORS = {"400": _err("Bad request"), "401": _err("Not signed in"), "403": _err("Not permitted"),
                 "404": _err("Not found")}
FILTER_PARAMS = ["bbox", "bbox-crs", "datetime", "filter", "filter-lang", "filter-crs", "dow", "hour", "area"]


def _token_paths() -> dict[str, Any]:
    """Personal access tokens (routes/tokens.py): managed by a signed-in session, never by a token."""
    ok = {"description": "Token(s), never the secret except at creation", "content": {
        "application/json": {"schema": {"type": "object"}}}}
    tid = [{"name": "tokenId", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}]
    return {
        "/auth/tokens": {
            "get": {"summary": "The caller's personal access tokens", "operationId": "listTokens",
                    "responses": {"200": ok, **COMMON_ERRORS}},
            "post": {"summary": "Create a personal access token (shown once)", "operationId": "createToken",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {
                         "type": "object", "required": ["name"],
                         "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100},
                                        "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 90}}}}}},
                     "responses": {"201": ok, "409": _err("Too many live tokens"), **COMMON_ERRORS}}},
        "/auth/tokens/{tokenId}": {"delete": {"summary": "Revoke one of the caller's tokens",
                                              "operationId": "revokeToken", "parameters": tid,
                                              "responses": {"200": ok, **COMMON_ERRORS}}},
        "/auth/tokens/{tokenId}/revoke": {"post": {"summary": "Revoke one of the caller's tokens (POST form)",
                                                   "operationId": "revokeTokenPost", "parameters": tid,
                                                   "responses": {"200": ok, **COMMON_ERRORS}}},
        "/admin/tokens": {"get": {"summary": "Tokens of the admin's organisation (store admin: all)",
                                  "operationId": "listAllTokens", "responses": {"200": ok, **COMMON_ERRORS}}},
        "/admin/tokens/{tokenId}": {"delete": {"summary": "Revoke a token the admin may manage",
                                               "operationId": "adminRevokeToken", "parameters": tid,
                                               "responses": {"200": ok, **COMMON_ERRORS}}},
    }


def _collection_items_path(grant: Grant | None) -> dict[str, Any]:
    params = [_p("limit"), _p("offset"), *[_p(n) for n in FILTER_PARAMS], _p("crs"), _p("f"), _p("properties")]
    ds_id = grant.dataset_id if grant is not None else None
    if grant is None:
        params.insert(0, _p("collectionId"))
    else:
        named = {"limit", "offset", "crs", "f", "properties", *FILTER_PARAMS}
        for f in grant.visible_fields():
            if f.type in ("datetime", "date") or f.name in named:  # dow/hour are declared once, above
                continue
            schema: dict[str, Any] = {"type": JSON_TYPES[f.type]}
            params.append({"name": f.name, "in": "query", "required": False, "style": "form", "explode": False,
                           "description": f.title, "schema": schema})
    return {"get": {
        "summary": "Incidents (GeoJSON pages, or the whole selection as FlatGeobuf with f=fgb)",
        "operationId": f"getItems_{ds_id or 'any'}", "parameters": params,
        "responses": {"200": {"description": "Features", "content": {
            "application/geo+json": {"schema": {"type": "object"}},
            "application/flatgeobuf": {"schema": {"type": "string", "format": "binary"}}}}, **COMMON_ERRORS}}}


def document(base_url: str, grants: dict[str, Grant] | None = None) -> dict[str, Any]:
    """The service description. Without a sign-in (``grants`` None) it is generic: it names no
    dataset and no field. Signed in, it adds a path per dataset the caller may read record by record,
    with the simple query parameters of the fields the agreement allows (QGIS reads them)."""
    paths: dict[str, Any] = {**_data_paths(), **_account_paths()}
    for ds_id in DATASETS:
        g = (grants or {}).get(ds_id)
        if g is not None and not g.aggregate_only:
            paths[f"/collections/{ds_id}/items"] = _collection_items_path(g)
    return {
        "openapi": "3.0.3",
        "info": {"title": "SafeStats store", "version": __version__,
                 "description": "OGC API - Features for London community-safety incident data. Access under a "
                                "Data Sharing Agreement only; for prevention and reduction, never enforcement."},
        "servers": [{"url": base_url.rstrip("/")}],
        "security": [{"bearer": []}, {"basic": []}],
        "paths": paths,
        "components": _components(),
    }


def _data_paths() -> dict[str, Any]:
    """The generic OGC data paths (no dataset named)."""
    return {
        "/": {"get": {"summary": "Landing page", "operationId": "getLandingPage", "security": [],
                      "responses": {"200": {"description": "Landing page",
                                            "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/conformance": {"get": {"summary": "Conformance classes", "operationId": "getConformance", "security": [],
                                 "responses": {"200": {"description": "Conformance", "content": {
                                     "application/json": {"schema": {"type": "object"}}}}}}},
        "/collections": {"get": {"summary": "Collections your organisation may see", "operationId": "getCollections",
                                 "responses": {"200": {"description": "Collections", "content": {
                                     "application/json": {"schema": {"type": "object"}}}}, **COMMON_ERRORS}}},
        "/collections/{collectionId}": {"get": {
            "summary": "One collection", "operationId": "describeCollection", "parameters": [_p("collectionId")],
            "responses": {"200": {"description": "Collection", "content": {
                "application/json": {"schema": {"type": "object"}}}}, **COMMON_ERRORS}}},
        "/collections/{collectionId}/queryables": {"get": {
            "summary": "Queryables (JSON Schema)", "operationId": "getQueryables", "parameters": [_p("collectionId")],
            "responses": {"200": {"description": "Queryables", "content": {
                "application/schema+json": {"schema": {"type": "object"}}}}, **COMMON_ERRORS}}},
        "/collections/{collectionId}/items": _collection_items_path(None),
        "/collections/{collectionId}/items/{featureId}": {"get": {
            "summary": "One incident", "operationId": "getFeature",
            "parameters": [_p("collectionId"), {"name": "featureId", "in": "path", "required": True,
                                                "schema": {"type": "string"}}, _p("crs")],
            "responses": {"200": {"description": "Feature", "content": {
                "application/geo+json": {"schema": {"type": "object"}}}}, **COMMON_ERRORS}}},
        "/collections/{collectionId}/count": {"get": {
            "summary": "Number of matching incidents. Counts-only agreements: one cell of a closed table, "
                       "only period (required), category and area, published with cell-key perturbation",
            "operationId": "getCount",
            "parameters": [_p("collectionId"), *[_p(n) for n in FILTER_PARAMS], _p("period"), _p("category")],
            "responses": {"200": {"description": "Count", "content": {
                "application/json": {"schema": {"type": "object"}}}}, **COMMON_ERRORS}}},
        "/collections/{collectionId}/aggregates": {"get": {
            "summary": "Counts by borough, ward or hexagon with small-number suppression. Counts-only "
                       "agreements: only period (required), category, by, size (500, 1000 or 2000) and within",
            "operationId": "getAggregates",
            "parameters": [_p("collectionId"), *[_p(n) for n in FILTER_PARAMS], _p("crs"), _p("period"),
                           _p("category"),
                           {"name": "within", "in": "query", "description": "counts-only: borough:E09…",
                            "schema": {"type": "string"}},
                           {"name": "by", "in": "query", "schema": {"type": "string",
                                                                   "enum": ["borough", "ward", "hex"]}},
                           {"name": "size", "in": "query", "schema": {"type": "number", "minimum": 50,
                                                                     "maximum": 10000}}],
            "responses": {"200": {"description": "Polygons with counts", "content": {
                "application/geo+json": {"schema": {"type": "object"}}}}, **COMMON_ERRORS}}},
    }


def _account_paths() -> dict[str, Any]:
    """Sign-in, user administration and audit paths."""
    return {
        "/auth/conditions": {"get": {"summary": "Current conditions of use and purposes", "security": [],
                                     "operationId": "getConditions",
                                     "responses": {"200": {"description": "Conditions", "content": {
                                         "application/json": {"schema": {"type": "object"}}}}}}},
        "/auth/login": {"post": {
            "summary": "Sign in (accept the current conditions and declare a purpose)", "security": [],
            "operationId": "login",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Login"}}}},
            "responses": {"200": {"description": "Tokens", "content": {
                "application/json": {"schema": {"type": "object"}}}}, "401": _err("Wrong credentials"),
                "403": _err("Conditions not accepted or no agreement"), "423": _err("Locked")}}},
        "/auth/refresh": {"post": {
            "summary": "Rotate the refresh token", "security": [], "operationId": "refresh",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["refresh_token"],
                "properties": {"refresh_token": {"type": "string"}}}}}},
            "responses": {"200": {"description": "Tokens", "content": {
                "application/json": {"schema": {"type": "object"}}}}, "401": _err("Invalid")}}},
        "/auth/logout": {"post": {"summary": "Sign out", "operationId": "logout",
                                  "responses": {"204": {"description": "Signed out"}, "401": _err("Not signed in")}}},
        "/auth/me": {"get": {"summary": "Who am I", "operationId": "me",
                             "responses": {"200": {"description": "User", "content": {
                                 "application/json": {"schema": {"type": "object"}}}}, "401": _err("Not signed in")}}},
        "/admin/users": {
            "get": {"summary": "Users (store admin: all; organisation admin: own organisation)",
                    "operationId": "listUsers",
                    "responses": {"200": {"description": "Users", "content": {
                        "application/json": {"schema": {"type": "object"}}}}, **COMMON_ERRORS}},
            "post": {"summary": "Add a user (organisation admin: to own organisation, not a store admin)",
                     "operationId": "createUser",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {
                         "type": "object", "required": ["username", "password"],
                         "properties": {"username": {"type": "string"}, "display_name": {"type": "string"},
                                        "role": {"type": "string", "enum": ["analyst", "org_admin", "store_admin"]},
                                        "password": {"type": "string", "minLength": 10},
                                        "organisation": {"type": "string"}}}}}},
                     "responses": {"201": {"description": "User", "content": {
                         "application/json": {"schema": {"type": "object"}}}}, **COMMON_ERRORS}}},
        "/admin/users/{username}/{action}": {"post": {
            "summary": "unlock, disable, enable or password (a new password; ends the user's sessions)",
            "operationId": "actOnUser",
            "parameters": [{"name": "username", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "action", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": ["unlock", "disable", "enable", "password"]}}],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "properties": {"password": {"type": "string", "minLength": 10}}}}}},
            "responses": {"200": {"description": "User", "content": {
                "application/json": {"schema": {"type": "object"}}}}, **COMMON_ERRORS}}},
        **_token_paths(),
        "/audit": {"get": {"summary": "Audit log (store admin: all; organisation admin: own organisation)",
                           "operationId": "getAudit", "parameters": [_p("limit"), _p("offset")],
                           "responses": {"200": {"description": "Entries", "content": {
                               "application/json": {"schema": {"type": "object"}}}}, **COMMON_ERRORS}}},
    }


def _components() -> dict[str, Any]:
    return {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                            "basic": {"type": "http", "scheme": "basic",
                                      "description": "username and an access token as the password"}},
        "schemas": {
            "Error": {"type": "object", "required": ["code", "description"],
                      "properties": {"code": {"type": "string"}, "description": {"type": "string"}}},
            "Login": {"type": "object", "required": ["username", "password"], "properties": {
                "username": {"type": "string"}, "password": {"type": "string"},
                "conditions_version": {"type": "string"}, "purpose": {"type": "string"},
                "totp": {"type": "string"}}},
        },
        "parameters": {
            "collectionId": {"name": "collectionId", "in": "path", "required": True, "schema": {"type": "string"}},
            "limit": {"name": "limit", "in": "query", "required": False, "style": "form", "explode": False,
                      "schema": {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "default": LIMIT_DEFAULT}},
            "offset": {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
            "bbox": {"name": "bbox", "in": "query", "style": "form", "explode": False,
                     "schema": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}},
            "bbox-crs": {"name": "bbox-crs", "in": "query", "schema": {"type": "string", "format": "uri"}},
            "datetime": {"name": "datetime", "in": "query", "schema": {"type": "string"}},
            "filter": {"name": "filter", "in": "query", "schema": {"type": "string"}},
            "filter-lang": {"name": "filter-lang", "in": "query",
                            "schema": {"type": "string", "enum": ["cql2-text", "cql-text", "cql2-json"],
                                       "default": "cql2-text"}},
            "filter-crs": {"name": "filter-crs", "in": "query", "schema": {"type": "string", "format": "uri"}},
            "crs": {"name": "crs", "in": "query", "schema": {"type": "string", "format": "uri"}},
            "f": {"name": "f", "in": "query", "schema": {"type": "string", "enum": ["json", "geojson", "fgb"]}},
            "properties": {"name": "properties", "in": "query", "style": "form", "explode": False,
                           "schema": {"type": "array", "items": {"type": "string"}}},
            "dow": {"name": "dow", "in": "query", "description": "ISO weekdays, Monday=1 (London time)",
                    "style": "form", "explode": False,
                    "schema": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 7}}},
            "hour": {"name": "hour", "in": "query", "description": "Hours of day 0-23 (London time)",
                     "style": "form", "explode": False,
                     "schema": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 23}}},
            "period": {"name": "period", "in": "query",
                       "description": "counts-only: a calendar month YYYY-MM or a financial year FYyyyy",
                       "schema": {"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}|FY[0-9]{4})$"}},
            "category": {"name": "category", "in": "query",
                         "description": "counts-only: one value of the dataset's category field",
                         "schema": {"type": "string"}},
            "area": {"name": "area", "in": "query",
                     "description": "Boundaries, e.g. borough:E09000033,ward:E05000001",
                     "schema": {"type": "string"}},
        },
    }
