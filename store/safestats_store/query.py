"""Turn request parameters plus the caller's grant into one SQL WHERE clause.

Every data path (items, f=fgb, count, aggregates) goes through `build`, so a rights rule is
written once: the agreement's area and history are ANDed into every query, and only fields the
agreement allows can be filtered on, returned or named in an error.
"""
from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Mapping

from shapely.geometry.base import BaseGeometry
from sqlalchemy import ColumnElement, Table, and_, or_, true

from . import cql, errors, spatial
from .catalogue import Dataset
from .crs import CRS84_URI, SUPPORTED_CRS_URIS
from .db import boundaries, incident_tables
from .rights import Grant


# Parameters with a meaning of their own; anything else must be a permitted field (simple equality).
RESERVED = {"limit", "offset", "bbox", "bbox-crs", "datetime", "filter", "filter-lang", "filter-crs", "crs", "f",
            "properties", "dow", "hour", "area", "by", "size", "sortby"}
_CODE = re.compile(r"^E0[59]\d{6}$")


@dataclass
class ParsedQuery:
    where: ColumnElement[bool]
    output_crs: str
    properties: list[str]
    description: dict = field(default_factory=dict)  # what was asked, for the audit log


def _parse_instant(text: str, end: bool = False) -> datetime:
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            d = date.fromisoformat(text)
            dt = datetime(d.year, d.month, d.day)
            if end:
                return datetime.max if d == date.max else dt + timedelta(days=1) - timedelta(microseconds=1)
            return dt
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        if dt.tzinfo is not None:
            dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError) as exc:  # OverflowError: year 1 / 9999 shifted past the calendar
        raise errors.BadRequest(f"datetime '{text[:40]}' is not an RFC 3339 date or date-time") from exc
    return dt


def datetime_clause(table: Table, value: str) -> ColumnElement[bool]:
    col = table.c.occurred_at
    if "/" not in value:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return and_(col >= _parse_instant(value), col <= _parse_instant(value, end=True))
        return col == _parse_instant(value)
    parts = value.split("/")
    if len(parts) != 2:
        raise errors.BadRequest("datetime interval must be 'start/end' (use '..' for an open end)")
    start, end = parts
    if start in ("", "..") and end in ("", ".."):
        raise errors.BadRequest("datetime interval must have at least one end ('../..' is not an interval)")
    clauses = []
    if start not in ("", ".."):
        clauses.append(col >= _parse_instant(start))
    if end not in ("", ".."):
        clauses.append(col <= _parse_instant(end, end=True))
    if start not in ("", "..") and end not in ("", "..") and _parse_instant(start) > _parse_instant(end, True):
        raise errors.BadRequest("datetime interval starts after it ends")
    return and_(true(), *clauses)


def month_floor(dt: datetime | None) -> datetime | None:
    return None if dt is None else datetime(dt.year, dt.month, 1)


def month_end(dt: datetime | None) -> datetime | None:
    """The last second of ``dt``'s calendar month."""
    if dt is None:
        return None
    return datetime(dt.year, dt.month, calendar.monthrange(dt.year, dt.month)[1], 23, 59, 59)


def _int_list(name: str, value: str, lo: int, hi: int) -> list[int]:
    try:
        out = sorted({int(v) for v in value.split(",") if v.strip() != ""})
    except ValueError as exc:
        raise errors.BadRequest(f"'{name}' must be a comma-separated list of whole numbers {lo}-{hi}") from exc
    if not out or any(v < lo or v > hi for v in out):
        raise errors.BadRequest(f"'{name}' values must be between {lo} and {hi}")
    return out


def _bbox(value: str, crs: str) -> BaseGeometry:
    try:
        nums = [float(v) for v in value.split(",")]
    except ValueError as exc:
        raise errors.BadRequest("bbox must be four numbers: minx,miny,maxx,maxy") from exc
    if len(nums) != 4 or nums[0] > nums[2] or nums[1] > nums[3]:
        raise errors.BadRequest("bbox must be four numbers: minx,miny,maxx,maxy (min before max)")
    if crs not in SUPPORTED_CRS_URIS:
        raise errors.BadRequest(f"bbox-crs must be one of {', '.join(SUPPORTED_CRS_URIS)}")
    try:
        return spatial.bbox_to_27700(tuple(nums), crs)
    except ValueError as exc:
        raise errors.BadRequest(str(exc)) from exc


def _simple_literal(name: str, qtype: str, value: str) -> object:
    """The literal for a simple `field=value` parameter, checked so the database never sees a value
    it cannot bind (integers beyond 64 bits, NaN/inf, NUL characters): those are 400s, not 500s."""
    if qtype in ("integer", "number"):
        try:
            num: float | int = int(value) if qtype == "integer" else float(value)
        except ValueError as exc:
            raise errors.BadRequest(f"parameter '{name}' must be a number") from exc
        if isinstance(num, float) and not math.isfinite(num):
            raise errors.BadRequest(f"parameter '{name}' must be a finite number")
        if isinstance(num, int) and abs(num) >= 2**53:  # matches no stored value; compare as a float
            return float(num)
        return num
    if "\x00" in value:
        raise errors.BadRequest(f"parameter '{name}' must not contain NUL characters")
    return value


def queryables(grant: Grant) -> dict[str, cql.Queryable]:
    return {f.name: cql.Queryable(f.name, f.type) for f in grant.visible_fields()}


def rights_clause(table: Table, grant: Grant, dialect: str) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    since = grant.history_from()
    if since is not None:
        clauses.append(table.c.occurred_at >= since)
    if grant.area_wkt is not None:
        clauses.append(spatial.within_area(table, grant.area_wkt, dialect))
    return and_(true(), *clauses)


def build(ds: Dataset, grant: Grant, params: Mapping[str, str], dialect: str) -> ParsedQuery:
    table = incident_tables[ds.id]
    allowed = queryables(grant)
    clauses: list[ColumnElement[bool]] = [rights_clause(table, grant, dialect)]
    desc: dict = {}

    if grant.aggregate_only:  # counts only: a closed table of cells, never a query (closed_table)
        raise errors.AggregateOnly("Your organisation's agreement allows only counts for this dataset.")
    for name, value in params.items():
        if name in RESERVED:
            continue
        if name not in allowed:
            raise errors.BadRequest(f"unknown or not permitted parameter '{name[:60]}'")
        qtype = allowed[name].type
        literal = _simple_literal(name, qtype, value)
        if qtype in ("datetime", "date"):
            clauses.append(datetime_clause(table, value))
        else:
            clauses.append(table.c[name] == literal)
        desc[name] = value

    if params.get("datetime"):
        clauses.append(datetime_clause(table, params["datetime"]))
        desc["datetime"] = params["datetime"]
    if params.get("bbox"):
        geom = _bbox(params["bbox"], params.get("bbox-crs", CRS84_URI))
        clauses.append(spatial.within_geometry(table, geom, dialect))
        desc["bbox"] = params["bbox"]
    if params.get("dow"):
        days = _int_list("dow", params["dow"], 1, 7)
        clauses.append(table.c.dow.in_(days))
        desc["dow"] = days
    if params.get("hour"):
        hours = _int_list("hour", params["hour"], 0, 23)
        clauses.append(table.c.hour.in_(hours))
        desc["hour"] = hours
    if params.get("area"):
        clauses.append(_area_clause(table, params["area"]))
        desc["area"] = params["area"]
    if params.get("filter"):
        lang = params.get("filter-lang", "cql2-text")
        try:
            expr = cql.parse(params["filter"], lang)
            clauses.append(cql.to_sql(expr, table, allowed, dialect, params.get("filter-crs", CRS84_URI)))
        except cql.FilterError as exc:
            raise errors.InvalidFilter(f"filter: {exc}") from exc
        desc["filter"] = params["filter"][:2000]

    crs = params.get("crs", CRS84_URI)
    if crs not in SUPPORTED_CRS_URIS:
        raise errors.BadRequest(f"crs must be one of {', '.join(SUPPORTED_CRS_URIS)}")
    visible = [f.name for f in grant.visible_fields()]
    props = visible
    if params.get("properties"):
        props = [p for p in params["properties"].split(",") if p]
        bad = [p for p in props if p not in visible]
        if bad:
            raise errors.BadRequest(f"unknown or not permitted property '{bad[0][:60]}'")
    return ParsedQuery(and_(*clauses), crs, props, desc)


#: level -> (vintage, codes) of the boundaries in use; set by app.create_app (None: codes unchecked)
AREA_CODES: Callable[[], dict[str, tuple[str | None, set[str]]]] | None = None


def _area_clause(table: Table, value: str) -> ColumnElement[bool]:
    boroughs, wards = [], []
    known = AREA_CODES() if AREA_CODES is not None else None
    for item in value.split(","):
        level, _, code = item.strip().partition(":")
        if level not in ("borough", "ward") or not _CODE.match(code):
            raise errors.BadRequest("area must be a list like borough:E09000033,ward:E05000001")
        if known is not None and code not in known.get(level, (None, set()))[1]:
            from .boundaries import unknown_area_message
            raise errors.BadRequest(unknown_area_message(level, code, known.get(level, (None, set()))[0]))
        (boroughs if level == "borough" else wards).append(code)
    ors = []
    if boroughs:
        ors.append(table.c.borough_code.in_(boroughs))
    if wards:
        ors.append(table.c.ward_code.in_(wards))
    return or_(*ors)


# Boundary collections (boroughs, wards): no time, no incident fields; these are their parameters.
BOUNDARY_QUERYABLES = {n: cql.Queryable(n, "string") for n in ("code", "name", "parent_code")}
BOUNDARY_PARAMS = {"limit", "offset", "bbox", "bbox-crs", "filter", "filter-lang", "crs", "f", *BOUNDARY_QUERYABLES}


@dataclass
class BoundaryQuery:
    where: ColumnElement[bool]
    output_crs: str
    bbox: BaseGeometry | None  # EPSG:27700; the where clause holds only its envelope test


def _mentions_geometry(expr: object) -> bool:
    if isinstance(expr, dict):
        if expr.get("property") in cql.SPATIAL_PROPERTIES:
            return True
        return any(_mentions_geometry(v) for v in expr.values())
    if isinstance(expr, list):
        return any(_mentions_geometry(v) for v in expr)
    return False


def build_boundary(level: str, params: Mapping[str, str], dialect: str) -> BoundaryQuery:
    """The WHERE clause for a boundary collection's items: simple equality on code, name and
    parent_code, a CQL2 filter on those, and bbox (envelope here, exact intersection by the caller).
    Any other parameter, ``datetime`` included (boundaries have no time), is a 400."""
    t = boundaries
    unknown = sorted(set(params) - BOUNDARY_PARAMS)
    if unknown:
        raise errors.BadRequest(f"unknown parameter '{unknown[0][:60]}' for a boundary collection (allowed: "
                                f"{', '.join(sorted(BOUNDARY_PARAMS))})")
    if params.get("f", "") not in ("", "json", "geojson"):
        raise errors.BadRequest("boundary collections are served as GeoJSON only (f=json or f=geojson)")
    clauses: list[ColumnElement[bool]] = [t.c.level == level]
    for name in BOUNDARY_QUERYABLES:
        if name in params:
            clauses.append(t.c[name] == _simple_literal(name, "string", params[name]))
    if params.get("filter"):
        try:
            expr = cql.parse(params["filter"], params.get("filter-lang", "cql2-text"))
            if _mentions_geometry(expr):
                raise cql.FilterError("boundary filters name code, name or parent_code; use bbox for space")
            clauses.append(cql.to_sql(expr, t, BOUNDARY_QUERYABLES, dialect))
        except cql.FilterError as exc:
            raise errors.InvalidFilter(f"filter: {exc}") from exc
    geom = None
    if params.get("bbox"):
        geom = _bbox(params["bbox"], params.get("bbox-crs", CRS84_URI))
        minx, miny, maxx, maxy = geom.bounds
        clauses += [t.c.maxx >= minx, t.c.minx <= maxx, t.c.maxy >= miny, t.c.miny <= maxy]
    crs = params.get("crs", CRS84_URI)
    if crs not in SUPPORTED_CRS_URIS:
        raise errors.BadRequest(f"crs must be one of {', '.join(SUPPORTED_CRS_URIS)}")
    return BoundaryQuery(and_(*clauses), crs, geom)
