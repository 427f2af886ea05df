"""Counts-only agreements: a closed table of cells, each published with cell-key perturbation.

A counts-only caller does not query records; it names cells of one fixed table:

- period: a calendar month ``YYYY-MM`` or a financial year ``FYyyyy`` (1 April yyyy to 31 March
  yyyy+1), London time, inside both the agreement's history window and the data's coverage;
- category: optionally one value of the dataset's category field;
- area: ``/count``: nothing (the whole agreement area) or exactly one ``borough:E09…`` or
  ``ward:E05…``; ``/aggregates``: every borough, every ward, or every hexagon of a fixed grid
  (radius 500, 1000 or 2000 m, origin BNG 0,0), optionally only those of one borough (``within``);
  a hexagon's count is always the whole hexagon's.

Every cell has one spelling, so asking again gives the same records, the same cell key and the same
answer; nothing else (CQL2, bbox, datetime, day of week, hour, lists of areas) is accepted. Values are
published through ``disclosure.perturb``; the reasoning is in docs/security.md.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import Connection, ColumnElement, Table, and_, func, select

from . import aggregates, db, disclosure, errors, spatial
from .crs import CRS84_URI, SUPPORTED_CRS_URIS
from .query import rights_clause
from .rights import Grant

LONDON = ZoneInfo("Europe/London")
HEX_SIZES = (500, 1000, 2000)
UNITS = ("borough", "ward", "hex")
COUNT_PARAMS = ("period", "category", "area", "f", "crs", "limit")
AGGREGATE_PARAMS = ("period", "category", "by", "size", "within", "f", "crs", "limit")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_FY = re.compile(r"FY([0-9]{4})")
_AREA = re.compile(r"(borough|ward):(E0[59][0-9]{6})")
_LEVEL_PREFIX = {"borough": "E09", "ward": "E05"}


def _allowed_text(kind: str) -> str:
    if kind == "count":
        return ("period=YYYY-MM or FYyyyy (required), category=<one category> and area=borough:E09… or "
                "ward:E05… (one area; none = your whole agreement area)")
    return ("period=YYYY-MM or FYyyyy (required), category=<one category>, by=borough|ward|hex, "
            f"size={'|'.join(str(s) for s in HEX_SIZES)} (hexagon radius in metres) and within=borough:E09…")


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    first_month: int  # months since year 0 (year * 12 + month - 1), London time
    last_month: int


@dataclass
class CellQuery:
    """One request for cells of the closed table (what the audit log records as ``description``)."""
    where: ColumnElement[bool]
    period: Period
    category: str | None
    area: str | None = None  # /count: "borough:…" / "ward:…" or None (the agreement area)
    by: str | None = None  # /aggregates
    size: int | None = None
    within: str | None = None
    output_crs: str = CRS84_URI
    description: dict = field(default_factory=dict)
    cache_key: tuple | None = None  # what makes the cell's records: data version, agreement scope, cell


def _month_index(dt: datetime) -> int:
    return dt.year * 12 + dt.month - 1


def _month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _utc_start(index: int) -> datetime:
    """The first instant of London month ``index``, as naive UTC (how occurred_at is stored)."""
    local = datetime(index // 12, index % 12 + 1, 1, tzinfo=LONDON)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _london_month(utc_naive: datetime) -> int:
    return _month_index(utc_naive.replace(tzinfo=timezone.utc).astimezone(LONDON))


def _state(conn: Connection, grant: Grant) -> Any:
    return conn.execute(select(db.dataset_state).where(db.dataset_state.c.dataset_id == grant.dataset_id)).first()


def coverage(st: Any, grant: Grant) -> tuple[int, int] | None:
    """(first, last) month index a counts-only caller may ask for, or None when there is none.

    ``st``: the dataset's ``dataset_state`` row. The data's coverage is the dataset's first and last
    incident months (London time); the agreement's history window moves the first month later.
    Months only, as the collection's temporal extent publishes them."""
    if st is None or st.first_at is None or st.last_at is None:
        return None
    first, last = _london_month(st.first_at), _london_month(st.last_at)
    since = grant.history_from()
    if since is not None:
        first = max(first, _month_index(since))
    return (first, last) if first <= last else None


def _periods_text(cov: tuple[int, int] | None) -> str:
    if cov is None:
        return "no period is available to you for this dataset yet"
    first, last = cov
    text = f"a calendar month YYYY-MM from {_month_label(first)} to {_month_label(last)}"
    fy_first = -((3 - first) // 12)  # the first FY whose April is covered: ceil((first - 3) / 12)
    fy_last = (last - 14) // 12  # the last FY whose March is covered
    if fy_first <= fy_last:
        text += f", or a financial year from FY{fy_first} to FY{fy_last} (FY{fy_first} = 1 April {fy_first} " \
                f"to 31 March {fy_first + 1})"
    return text


def parse_period(value: str | None, cov: tuple[int, int] | None) -> Period:
    value = value or ""  # one spelling per period: no padding, ASCII digits only
    m, fy = _MONTH.fullmatch(value), _FY.fullmatch(value)
    if m and 1 <= int(m.group(2)) <= 12:
        first = last = int(m.group(1)) * 12 + int(m.group(2)) - 1
    elif fy:
        first = int(fy.group(1)) * 12 + 3  # April
        last = first + 11
    else:
        what = "period is required" if not value else f"period '{value[:20]}' is not a month or financial year"
        raise errors.BadRequest(f"{what}: counts-only agreements count whole periods; use "
                                f"{_periods_text(cov)}.")
    if cov is None or first < cov[0] or last > cov[1] or first < 12:
        raise errors.BadRequest(f"period {value} is outside the data and the history your agreement allows: use "
                                f"{_periods_text(cov)}.")
    return Period(value, _utc_start(first), _utc_start(last + 1), first, last)


def _check_keys(params: Mapping[str, str], kind: str) -> None:
    allowed = COUNT_PARAMS if kind == "count" else AGGREGATE_PARAMS
    bad = sorted(k for k in params if k not in allowed)
    if bad:
        raise errors.BadRequest(
            f"Your organisation's agreement allows counts only for this dataset: parameter '{bad[0][:40]}' is "
            f"not accepted. A counts-only request names one cell of a fixed table: {_allowed_text(kind)}; "
            f"f, crs and limit are also accepted.")


def _category(grant: Grant, value: str | None) -> str | None:
    if value is None:
        return None
    ds = grant.dataset
    fld = next((f for f in grant.visible_fields() if f.name == ds.category_field), None)
    if fld is None or not fld.categories:
        raise errors.BadRequest("category is not available under your organisation's agreement for this dataset")
    if value not in fld.categories:
        raise errors.BadRequest(f"category must be one of the values of '{fld.name}' listed by /queryables "
                                f"(e.g. '{fld.categories[0]}')")
    return value


def _boundary(conn: Connection, value: str, level: str | None = None) -> tuple[str, str, Any]:
    """(level, code, row) for ``borough:E09…`` / ``ward:E05…`` naming a boundary that exists."""
    m = _AREA.fullmatch(value)
    if not m or not m.group(2).startswith(_LEVEL_PREFIX[m.group(1)]) or (level and m.group(1) != level):
        want = f"{level}:{_LEVEL_PREFIX[level]}…" if level else "borough:E09… or ward:E05…"
        raise errors.BadRequest(f"area must be one {want}")
    row = conn.execute(select(db.boundaries).where(db.boundaries.c.code == m.group(2),
                                                   db.boundaries.c.level == m.group(1))).first()
    if row is None:
        from .boundaries import unknown_area_message, vintage_of
        raise errors.BadRequest(unknown_area_message(m.group(1), m.group(2), vintage_of(conn, m.group(1))))
    return m.group(1), m.group(2), row


def _where(table: Table, grant: Grant, dialect: str, period: Period, category: str | None
           ) -> list[ColumnElement[bool]]:
    clauses = [rights_clause(table, grant, dialect), table.c.occurred_at >= period.start,
               table.c.occurred_at < period.end]
    if category is not None:
        clauses.append(table.c[grant.dataset.category_field] == category)
    return clauses


def parse_count(conn: Connection, grant: Grant, params: Mapping[str, str], dialect: str) -> CellQuery:
    _check_keys(params, "count")
    table = db.incident_tables[grant.dataset_id]
    st = _state(conn, grant)
    period = parse_period(params.get("period"), coverage(st, grant))
    category = _category(grant, params.get("category"))
    clauses = _where(table, grant, dialect, period, category)
    area = params.get("area")
    if area is not None:
        if "," in area:
            raise errors.BadRequest("area names one borough or ward: ask /aggregates for one cell per area "
                                    "(by=ward&within=borough:E09…)")
        level, code, _row = _boundary(conn, area)
        clauses.append((table.c.borough_code if level == "borough" else table.c.ward_code) == code)
        area = f"{level}:{code}"
    desc = {"period": period.label, "category": category, "area": area}
    key = (str(conn.engine.url), grant.dataset_id, st.last_refresh, st.record_count, grant.area_wkt,
           grant.history_from(), period.label, category, area)
    return CellQuery(and_(*clauses), period, category, area=area, description=desc, cache_key=key)


def parse_aggregates(conn: Connection, grant: Grant, params: Mapping[str, str], dialect: str) -> CellQuery:
    _check_keys(params, "aggregates")
    table = db.incident_tables[grant.dataset_id]
    by = params.get("by", "borough")
    if by not in UNITS:
        raise errors.BadRequest("by must be borough, ward or hex")
    size = None
    if by == "hex":
        try:
            size = int(params.get("size", str(HEX_SIZES[0])))
        except ValueError:
            size = -1
        if size not in HEX_SIZES:
            raise errors.BadRequest("size (hexagon radius in metres) must be "
                                    f"{', '.join(str(s) for s in HEX_SIZES)} for a counts-only agreement")
    elif "size" in params:
        raise errors.BadRequest("size is for by=hex only")
    crs = params.get("crs", CRS84_URI)
    if crs not in SUPPORTED_CRS_URIS:
        raise errors.BadRequest(f"crs must be one of {', '.join(SUPPORTED_CRS_URIS)}")
    period = parse_period(params.get("period"), coverage(_state(conn, grant), grant))
    category = _category(grant, params.get("category"))
    within = params.get("within")
    if within is not None:
        within = "borough:" + _boundary(conn, within, "borough")[1]
    desc = {"period": period.label, "category": category, "by": by, "size": size, "within": within}
    return CellQuery(and_(*_where(table, grant, dialect, period, category)), period, category, by=by, size=size,
                     within=within, output_crs=crs, description=desc)


def _measure_sum(table: Table, grant: Grant) -> Any:
    m = grant.dataset.measure_field
    return func.coalesce(func.sum(table.c[m]), 0) if m else func.count()


def _step(grant: Grant) -> int:
    return disclosure.MEASURE_STEP if grant.dataset.measure_field else 1


_CELLS: OrderedDict[tuple, tuple[int, int]] = OrderedDict()
_CELLS_MAX = 50_000
_cells_lock = threading.Lock()


def count(conn: Connection, grant: Grant, cq: CellQuery) -> tuple[int | None, bool]:
    """The published (value, suppressed) of one cell.

    A cell's true value and key sum are kept in a bounded in-process cache keyed by everything that
    decides its records (the dataset's last refresh and record count, the agreement's area and history
    start, the cell): a count preview asks the same cells again and again, and the answer cannot
    change until an ingest updates the dataset's state. Only the published value ever leaves."""
    hit = None
    if cq.cache_key is not None:
        with _cells_lock:
            hit = _CELLS.get(cq.cache_key)
            if hit is not None:
                _CELLS.move_to_end(cq.cache_key)
    if hit is None:
        table = db.incident_tables[grant.dataset_id]
        value, key_sum = conn.execute(select(_measure_sum(table, grant), func.coalesce(func.sum(table.c.rkey), 0))
                                      .select_from(table).where(cq.where)).one()
        hit = (int(value or 0), int(key_sum or 0))
        if cq.cache_key is not None:
            with _cells_lock:
                _CELLS[cq.cache_key] = hit
                while len(_CELLS) > _CELLS_MAX:
                    _CELLS.popitem(last=False)
    return disclosure.publish_one(hit[0], hit[1], aggregates.threshold(), _step(grant))


def cells(conn: Connection, grant: Grant, cq: CellQuery) -> list[aggregates.Cell]:
    """The cells of one aggregates request, with true values and key sums (never output)."""
    table = db.incident_tables[grant.dataset_id]
    within_code = cq.within.split(":")[1] if cq.within else None
    if cq.by == "hex":
        where = cq.where
        region = None
        if within_code is not None:
            region = spatial.parse_wkt(_boundary(conn, cq.within or "", "borough")[2].wkt)
            # every record of a hexagon that touches the borough lies within two radii of it
            minx, miny, maxx, maxy = region.buffer(2 * (cq.size or 0)).bounds
            where = and_(where, table.c.x.between(minx, maxx), table.c.y.between(miny, maxy))
        out = aggregates.by_hex(conn, grant.dataset, table, where, float(cq.size or 0), with_keys=True)
        if region is not None:
            out = [c for c in out if c.geometry.intersects(region)]
        return out
    out = aggregates.by_boundary(conn, grant.dataset, table, cq.where, cq.by or "borough", with_keys=True,
                                 parent_code=within_code if cq.by == "ward" else None)
    if cq.by == "borough" and within_code is not None:
        out = [c for c in out if c.code == within_code]
    if grant.area is not None:
        out = [c for c in out if c.geometry.intersects(grant.area)]
    return out


def feature_collection(grant: Grant, cq: CellQuery, found: list[aggregates.Cell]) -> dict[str, Any]:
    t = aggregates.threshold()
    values, suppressed = disclosure.perturb(np.array([c.count for c in found], dtype=np.int64),
                                            np.array([c.key_sum for c in found], dtype=np.int64), t, _step(grant))
    feats = []
    for c, v, s in zip(found, values.tolist(), suppressed.tolist()):
        if s and cq.by == "hex":  # hexagons: only those with a published value (the grid lists no empty ones)
            continue
        feats.append({"type": "Feature", "id": c.code,
                      "geometry": aggregates.geometry_json(c.shape, c.geometry, cq.output_crs),
                      "properties": {"code": c.code, "name": c.name, "count": None if s else int(v),
                                     "suppressed": bool(s)}})
    return {"type": "FeatureCollection", "features": feats, "numberReturned": len(feats),
            "period": cq.period.label, "category": cq.category, "disclosure": disclosure.block(t)}
