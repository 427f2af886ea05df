"""What the OGC routes say about the service and its collections: conformance classes, the
landing page, collection and queryables documents (incident datasets and boundary collections)."""
from __future__ import annotations

from typing import Any

from shapely import wkt as shapely_wkt
from sqlalchemy import func, select

from .. import aggregates, boundaries, db, ingest, openapi, query, rights, spatial
from ..catalogue import AGENCY_ATTRIBUTION, PROTECTIVE_MARKING
from ..clock import iso
from ..crs import CRS84_URI, EPSG4326_URI, EPSG27700_URI
from .deps import GEOJSON, Store

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
FGB = "application/flatgeobuf"
FGB_TYPES = (FGB, "application/flatbuffers")  # docs/api.md documents both
BOUNDARY_COLLECTIONS = {"boroughs": ("borough", "London boroughs"), "wards": ("ward", "London wards")}


def landing(b: str) -> dict[str, Any]:
    return {"title": "SafeStats store",
            "description": "London community-safety incident data for prevention and reduction. "
                           "Sign in via POST /auth/login.",
            "links": [{"rel": "self", "type": "application/json", "href": f"{b}/"},
                      {"rel": "service-desc", "type": OPENAPI_TYPE, "href": f"{b}/api"},
                      {"rel": "conformance", "type": "application/json", "href": f"{b}/conformance"},
                      {"rel": "data", "type": "application/json", "href": f"{b}/collections"}]}


def extent(store: Store, g: rights.Grant) -> tuple[Any, Any, int | None]:
    """(first, last, record count) of the rows the grant can see. The dataset-wide figures in
    dataset_state are used only when the grant has no area or history limit: for a limited
    grant they would disclose how many incidents lie outside its area or window (total minus
    own count) and when the latest incident elsewhere happened."""
    st = store.state(g.dataset_id)
    if g.area is None and g.history_months is None:
        return (st.first_at, st.last_at, st.record_count) if st is not None else (None, None, 0)
    table = db.incident_tables[g.dataset_id]
    with store.engine.connect() as conn:
        n, first, last = conn.execute(
            select(func.count(), func.min(table.c.occurred_at), func.max(table.c.occurred_at))
            .where(query.rights_clause(table, g, store.dialect))).one()
    return first, last, int(n)


def collection_json(store: Store, base: str, g: rights.Grant) -> dict[str, Any]:
    ds, st = g.dataset, store.state(g.dataset_id)
    since = g.history_from()
    start, last_at, record_count = extent(store, g)
    if since is not None and start is not None and start < since:
        start = since
    if g.aggregate_only:  # counts only: the first/last incident's exact time is not published
        start, last_at = query.month_floor(start), query.month_end(last_at)
    area_bounds = g.area.bounds if g.area is not None else None
    bbox27700 = list(area_bounds) if area_bounds else [503000.0, 155000.0, 562000.0, 201000.0]
    bbox84 = list(spatial.from_27700(shapely_wkt.loads(
        f"POLYGON(({bbox27700[0]} {bbox27700[1]},{bbox27700[2]} {bbox27700[1]},{bbox27700[2]} {bbox27700[3]},"
        f"{bbox27700[0]} {bbox27700[3]},{bbox27700[0]} {bbox27700[1]}))"), CRS84_URI).bounds)
    links = [{"rel": "self", "type": "application/json", "href": f"{base}/collections/{ds.id}"},
             {"rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables", "type": "application/schema+json",
              "href": f"{base}/collections/{ds.id}/queryables"}]
    if not g.aggregate_only:
        links += [{"rel": "items", "type": GEOJSON, "href": f"{base}/collections/{ds.id}/items"},
                  {"rel": "items", "type": FGB, "href": f"{base}/collections/{ds.id}/items?f=fgb"}]
    return {
        "id": ds.id, "title": ds.title, "description": ds.description, "itemType": "feature",
        "crs": [CRS84_URI, EPSG27700_URI, EPSG4326_URI], "storageCrs": EPSG27700_URI,
        "extent": {"spatial": {"bbox": [bbox84], "crs": CRS84_URI},
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
            "precision": ingest.precision_summary(st.precision_counts) if st is not None else None,
        },
    }


def boundary_collection_json(store: Store, base: str, cid: str) -> dict[str, Any]:
    level, title = BOUNDARY_COLLECTIONS[cid]
    with store.engine.connect() as conn:
        meta = boundaries.collection_meta(conn, level, title)
    return {"id": cid, "title": meta["title"], "description": meta["description"],
            "itemType": "feature", "crs": [CRS84_URI, EPSG27700_URI, EPSG4326_URI], "storageCrs": EPSG27700_URI,
            "extent": {"spatial": {"bbox": [[-0.52, 51.28, 0.34, 51.70]], "crs": CRS84_URI}},
            "links": [{"rel": "self", "type": "application/json", "href": f"{base}/collections/{cid}"},
                      {"rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                       "type": "application/schema+json", "href": f"{base}/collections/{cid}/queryables"},
                      {"rel": "items", "type": GEOJSON, "href": f"{base}/collections/{cid}/items"}],
            "safestats": {"kind": "boundaries", "level": level, "access": "records",
                          "vintage": meta["vintage"], "attribution": meta["attribution"]}}


def queryables_json(base: str, cid: str, g: rights.Grant | None) -> dict[str, Any]:
    """The queryables of a dataset the grant ``g`` opens, or of a boundary collection (``g`` None)."""
    if g is None:
        props: dict[str, Any] = {name: {"type": "string"} for name in query.BOUNDARY_QUERYABLES}
    else:
        props = {}
        for f in g.visible_fields():
            schema: dict[str, Any] = {"title": f.title, "type": openapi.JSON_TYPES[f.type]}
            if f.type == "datetime":
                schema["format"] = "date-time"
            if f.categories:
                schema["enum"] = list(f.categories)
            props[f.name] = schema
    props["geometry"] = {"$ref": "https://geojson.org/schema/Point.json" if cid not in BOUNDARY_COLLECTIONS
                         else "https://geojson.org/schema/MultiPolygon.json"}
    return {"$schema": "https://json-schema.org/draft/2019-09/schema",
            "$id": f"{base}/collections/{cid}/queryables", "type": "object",
            "title": cid, "properties": props, "additionalProperties": False}
