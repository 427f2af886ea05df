"""OGC API - Features: landing page, conformance, OpenAPI, collections, queryables, items (GeoJSON
pages or a FlatGeobuf extract), one item, and the SafeStats /count and /aggregates.

A new OGC route goes here; what the documents say lives in :mod:`.describe`, query building in
:mod:`safestats_store.query`, output in :mod:`safestats_store.output` and
:mod:`safestats_store.aggregates`.
"""
from __future__ import annotations

import os
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import func, select

from .. import accounts, aggregates, boundaries, cache, closed_table, db, disclosure, errors, extracts, openapi, output, query, rights, spatial
from ..catalogue import DATASETS
from ..clock import iso, utcnow
from . import describe
from .describe import BOUNDARY_COLLECTIONS, FGB, FGB_TYPES, OPENAPI_TYPE
from .deps import GEOJSON, Store, base, json_response, limit_offset, params, read, store

router = APIRouter()


@read(router, "/")
def landing(request: Request) -> Response:
    return json_response(describe.landing(base(request)))


@read(router, "/conformance")
def conformance() -> Response:
    return json_response({"conformsTo": describe.CONFORMANCE})


@read(router, "/api")
def api(request: Request) -> Response:
    """Generic without a sign-in (no dataset ids or fields); signed in, the caller's own datasets
    and fields. A wrong or expired token is a 401 like everywhere else."""
    if not request.headers.get("authorization"):
        return json_response(openapi.document(base(request)), media_type=OPENAPI_TYPE)
    s = store(request)
    grants = s.grants(s.principal(request))
    return json_response(openapi.document(base(request), grants), media_type=OPENAPI_TYPE)


@read(router, "/collections")
def collections(request: Request) -> Response:
    s = store(request)
    grants = s.grants(s.principal(request))
    b = base(request)
    cols = [describe.collection_json(s, b, grants[k]) for k in DATASETS if k in grants]
    cols += [describe.boundary_collection_json(s, b, cid) for cid in BOUNDARY_COLLECTIONS]
    return json_response({"links": [{"rel": "self", "type": "application/json", "href": f"{b}/collections"}],
                          "collections": cols})


@read(router, "/collections/{cid}")
def collection(cid: str, request: Request) -> Response:
    s = store(request)
    p = s.principal(request)
    if cid in BOUNDARY_COLLECTIONS:
        s.grants(p)
        return json_response(describe.boundary_collection_json(s, base(request), cid))
    return json_response(describe.collection_json(s, base(request), s.grant(p, cid)))


@read(router, "/collections/{cid}/queryables")
def queryables(cid: str, request: Request) -> Response:
    s = store(request)
    p = s.principal(request)
    if cid in BOUNDARY_COLLECTIONS:
        s.grants(p)
        g = None
    else:
        g = s.grant(p, cid)
    return json_response(describe.queryables_json(base(request), cid, g), media_type="application/schema+json")


@read(router, "/collections/{cid}/items")
def items(cid: str, request: Request) -> Response:
    s = store(request)
    p = s.principal(request)
    prm = params(request)
    if cid in BOUNDARY_COLLECTIONS:
        s.grants(p)
        return _boundary_items(s, request, cid, prm)
    g = s.grant(p, cid)
    if g.aggregate_only:
        raise errors.AggregateOnly("Your organisation's agreement allows only aggregate counts for this "
                                   "dataset; use /count or /aggregates.")
    ds, table = g.dataset, db.incident_tables[cid]
    fmt = prm.get("f", "")
    if fmt not in ("", "json", "geojson", "fgb"):
        raise errors.BadRequest("f must be json, geojson or fgb")
    accept = request.headers.get("accept", "")
    wants_fgb = fmt == "fgb" or (not fmt and any(t in accept for t in FGB_TYPES))
    limit, offset = limit_offset(prm)
    pq = query.build(ds, g, {k: v for k, v in prm.items() if k not in ("limit", "offset")}, s.dialect)
    if wants_fgb:
        return _fgb_extract(s, request, p, g, pq, prm)
    cx, cy = output.coord_columns(table, pq.output_crs)
    with s.engine.connect() as conn:
        matched = conn.execute(select(func.count()).select_from(table).where(pq.where)).scalar_one()
        rows = conn.execute(select(table.c.id, cx.label("_cx"), cy.label("_cy"),
                                   *[table.c[c] for c in pq.properties]).where(pq.where)
                            .order_by(table.c.id).limit(limit).offset(offset)).all()
    s.audit(p, "items", ds, pq, len(rows), offset=offset)
    return json_response(_page(request, [output.feature(r, pq.properties, pq.output_crs) for r in rows], matched,
                               limit, offset), media_type=GEOJSON, headers={"Content-Crs": f"<{pq.output_crs}>"})


def _fgb_extract(s: Store, request: Request, p: accounts.Principal, g: rights.Grant, pq: query.ParsedQuery,
                 prm: dict[str, str]) -> Response:
    """The whole selection as FlatGeobuf, with HEAD and single byte ranges (GDAL's /vsicurl/). The
    extract is built once per caller, session, agreement, query and data version, kept a short
    while (extracts.ExtractCache) and audited once, when it is built."""
    ds, table = g.dataset, db.incident_tables[g.dataset_id]
    st = s.state(ds.id)
    key = (p.user_id, p.org_id, p.family, p.purpose, ds.id,
           (g.access, None if g.fields is None else tuple(sorted(g.fields)), g.area_wkt, g.history_months,
            g.history_from()),
           (st.record_count, st.last_refresh) if st is not None else None,
           tuple(sorted((k, v) for k, v in prm.items() if k not in ("limit", "offset"))))

    def build() -> tuple[str, int]:
        with s.engine.connect() as conn:
            return output.write_fgb(conn, ds, table, pq.where, pq.properties, pq.output_crs)

    ex = s.extracts.get_or_build(key, build)
    if ex.built:
        s.audit(p, "extract_fgb", ds, pq, ex.rows)
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


def _page(request: Request, feats: list[dict], matched: int, limit: int, offset: int) -> dict[str, Any]:
    links = [{"rel": "self", "type": GEOJSON, "href": str(request.url)}]
    if offset + len(feats) < matched:
        nxt = request.url.include_query_params(offset=offset + limit, limit=limit)
        links.append({"rel": "next", "type": GEOJSON, "href": str(nxt)})
    return {"type": "FeatureCollection", "features": feats, "numberMatched": matched,
            "numberReturned": len(feats), "timeStamp": iso(utcnow()),
            "links": links}


def _boundary_feature(r: Any, crs: str, vintage: str | None = None) -> dict[str, Any]:
    return {"type": "Feature", "id": r.code,
            "geometry": aggregates.geometry_json(r.wkt, spatial.parse_wkt(r.wkt), crs),
            "properties": {"code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent_code,
                           "vintage": vintage}}


def _boundary_rows(s: Store, cid: str, prm: dict[str, str]) -> tuple[Any, list[Any], str | None]:
    """Boroughs or wards matching the query (filtered by query.build_boundary, exact bbox intersection)
    and the boundary vintage in use."""
    level = BOUNDARY_COLLECTIONS[cid][0]
    bq = query.build_boundary(level, prm, s.dialect)
    with s.engine.connect() as conn:
        rows = conn.execute(select(db.boundaries).where(bq.where).order_by(db.boundaries.c.code)).all()
        vintage = boundaries.vintage_of(conn, level)
    if bq.bbox is not None:
        rows = [r for r in rows if spatial.parse_wkt(r.wkt).intersects(bq.bbox)]
    return bq, rows, vintage


def _boundary_items(s: Store, request: Request, cid: str, prm: dict[str, str]) -> Response:
    """Boroughs or wards: matching rows (_boundary_rows), then paged."""
    limit, offset = limit_offset(prm)
    bq, rows, vintage = _boundary_rows(s, cid, prm)
    feats = [_boundary_feature(r, bq.output_crs, vintage) for r in rows[offset:offset + limit]]
    return json_response(_page(request, feats, len(rows), limit, offset), media_type=GEOJSON,
                         headers={"Content-Crs": f"<{bq.output_crs}>"})


def _boundary_item(s: Store, request: Request, cid: str, code: str) -> Response:
    prm = params(request)
    if set(prm) - {"crs", "f"}:
        raise errors.BadRequest("a single boundary takes only the crs and f parameters")
    bq = query.build_boundary(BOUNDARY_COLLECTIONS[cid][0], prm, s.dialect)
    with s.engine.connect() as conn:
        row = conn.execute(select(db.boundaries).where(bq.where, db.boundaries.c.code == code[:12])).first()
        vintage = boundaries.vintage_of(conn, BOUNDARY_COLLECTIONS[cid][0])
    if row is None:
        raise errors.NotFound(f"There is no {BOUNDARY_COLLECTIONS[cid][0]} '{code[:20]}'.")
    b = base(request)
    feat = {**_boundary_feature(row, bq.output_crs, vintage), "links": [
        {"rel": "self", "type": GEOJSON, "href": str(request.url)},
        {"rel": "collection", "type": "application/json", "href": f"{b}/collections/{cid}"}]}
    return json_response(feat, media_type=GEOJSON, headers={"Content-Crs": f"<{bq.output_crs}>"})


@read(router, "/collections/{cid}/items/{fid}")
def item(cid: str, fid: str, request: Request) -> Response:
    s = store(request)
    p = s.principal(request)
    if cid in BOUNDARY_COLLECTIONS:
        s.grants(p)
        return _boundary_item(s, request, cid, fid)
    g = s.grant(p, cid)
    if g.aggregate_only:
        raise errors.AggregateOnly("Your organisation's agreement allows only aggregate counts for this dataset.")
    if not re.fullmatch(r"[0-9]{1,18}", fid):  # ASCII digits that fit a 64-bit id ("²".isdigit() is True)
        raise errors.NotFound("No such incident.")
    table = db.incident_tables[cid]
    prm = {k: v for k, v in params(request).items() if k == "crs"}
    pq = query.build(g.dataset, g, prm, s.dialect)
    cx, cy = output.coord_columns(table, pq.output_crs)
    with s.engine.connect() as conn:
        row = conn.execute(select(table.c.id, cx.label("_cx"), cy.label("_cy"),
                                  *[table.c[c] for c in pq.properties])
                           .where(pq.where, table.c.id == int(fid))).first()
    if row is None:
        raise errors.NotFound("No such incident.")
    s.audit(p, "item", g.dataset, pq, 1, id=int(fid))
    b = base(request)
    feat = {**output.feature(row, pq.properties, pq.output_crs), "links": [
        {"rel": "self", "type": GEOJSON, "href": str(request.url)},
        {"rel": "collection", "type": "application/json", "href": f"{b}/collections/{cid}"}]}
    return json_response(feat, media_type=GEOJSON, headers={"Content-Crs": f"<{pq.output_crs}>"})


@read(router, "/collections/{cid}/count")
def count(cid: str, request: Request) -> Response:
    s = store(request)
    p = s.principal(request)
    if cid in BOUNDARY_COLLECTIONS:  # the number of boroughs/wards matching: items' numberMatched
        s.grants(p)
        limit_offset(params(request))  # validated as for items, then irrelevant
        return json_response({"numberMatched": len(_boundary_rows(s, cid, params(request))[1])})
    g = s.grant(p, cid)
    ds, table = g.dataset, db.incident_tables[cid]
    if g.aggregate_only:  # one cell of the closed table, perturbed (closed_table, disclosure)
        with s.engine.connect() as conn:
            cq = closed_table.parse_count(conn, g, params(request), s.dialect)
            value, suppressed = closed_table.count(conn, g, cq)
        s.audit(p, "count", ds, cq, None)
        t = aggregates.threshold()
        return json_response({"numberMatched": value, "suppressed": suppressed, "period": cq.period.label,
                              "area": cq.area, "category": cq.category, "disclosure": disclosure.block(t),
                              "rounded_to": t})
    prm = params(request)
    pq = query.build(ds, g, prm, s.dialect)
    with s.engine.connect() as conn:  # cached until the dataset's next ingest (cache.py)
        n = cache.count(conn, p.org_id, g, prm, lambda: aggregates.count(conn, ds, table, pq.where))
    s.audit(p, "count", ds, pq, None)
    return json_response({"numberMatched": n})


@read(router, "/collections/{cid}/aggregates")
def aggregate(cid: str, request: Request) -> Response:
    s = store(request)
    p = s.principal(request)
    g = s.grant(p, cid)
    ds, table = g.dataset, db.incident_tables[cid]
    prm = params(request)
    if g.aggregate_only:
        with s.engine.connect() as conn:
            cq = closed_table.parse_aggregates(conn, g, prm, s.dialect)
            found = closed_table.cells(conn, g, cq)
        s.audit(p, "aggregates", ds, cq, None)
        return json_response(closed_table.feature_collection(g, cq, found), media_type=GEOJSON)
    by = prm.get("by", "borough")
    if by not in ("borough", "ward", "hex"):
        raise errors.BadRequest("by must be borough, ward or hex")
    try:
        size = float(prm.get("size", "500"))
    except ValueError as exc:
        raise errors.BadRequest("size must be a number of metres") from exc
    pq = query.build(ds, g, prm, s.dialect)
    with s.engine.connect() as conn:
        cells = aggregates.by_hex(conn, ds, table, pq.where, size) if by == "hex" else \
            aggregates.by_boundary(conn, ds, table, pq.where, by)
        vintage = boundaries.vintage_of(conn, by) if by != "hex" else None
    if g.area is not None and by != "hex":
        cells = [c for c in cells if c.geometry.intersects(g.area)]
    s.audit(p, "aggregates", ds, pq, None, by=by)
    return json_response({**aggregates.feature_collection(cells, pq.output_crs), "boundaryVintage": vintage},
                         media_type=GEOJSON)
