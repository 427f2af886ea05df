"""cql/ (parse, limits, compile, like): CQL2 text/JSON -> SQLAlchemy, checked on real SQLite and real PostGIS against a
pure-Python reference evaluation of the same CQL2-JSON.

Every filter in FILTERS runs on both backends; each must return exactly the ids the reference
returns, so the two backends are identical too.  The PostgreSQL half is skipped (with the reason)
when PostgreSQL/PostGIS is not installed.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, shape

from safestats_store import cql, spatial, sqlite_functions
from safestats_store.cql import FilterError, Queryable

try:
    from .pg import shared_postgis  # tests as a package
except ImportError:
    from pg import shared_postgis

STORE_DIR = Path(__file__).resolve().parents[2]

# ------------------------------------------------------------------------------- fixture table

metadata = sa.MetaData()
incidents = sa.Table(
    "cql_incidents", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source_id", sa.String),
    sa.Column("occurred_at", sa.DateTime),
    sa.Column("x", sa.Float), sa.Column("y", sa.Float),
    sa.Column("lon", sa.Float), sa.Column("lat", sa.Float),
    sa.Column("borough_code", sa.String), sa.Column("borough_name", sa.String),
    sa.Column("ward_code", sa.String), sa.Column("ward_name", sa.String),
    sa.Column("dow", sa.Integer), sa.Column("hour", sa.Integer),
    sa.Column("crime_type", sa.String), sa.Column("outcome", sa.String),
    sa.Column("score", sa.Float), sa.Column("victims", sa.Integer),
    sa.Column("report_date", sa.Date),
    sa.Column("secret", sa.String),  # exists, but never a queryable
)

QUERYABLES = {q.name: q for q in [
    Queryable("crime_type", "string"), Queryable("outcome", "string"), Queryable("borough_name", "string"),
    Queryable("ward_code", "string"), Queryable("hour", "integer"), Queryable("dow", "integer"),
    Queryable("victims", "integer"), Queryable("score", "number"), Queryable("occurred_at", "datetime"),
    Queryable("report_date", "date"),
]}

CRIME_TYPES = [
    "Robbery", "robbery", "ROBBERY", "Burglary", "Theft from the person", "Other theft", "Émile", "émile",
    "ÉMILE", "100% legit", "a_b", "a%b", "axb", "back\\slash", "O'Brien", "x'; DROP TABLE cql_incidents; --",
    "semi;colon /* c */", "", "Ünïcödé ß", "tab\there", "new\nline", "Zebra", "zebra", "Robbery ",
]
OUTCOMES = ["Under investigation", "Local resolution", None, "under investigation", None]
BOROUGHS = ["Westminster", "Camden", "City of London", "Lambeth"]
TIMES = [
    datetime(2024, 1, 30, 12, 0), datetime(2024, 1, 31, 0, 0), datetime(2024, 1, 31, 23, 59, 59, 999999),
    datetime(2024, 2, 1, 0, 0), datetime(2024, 2, 1, 0, 0, 0, 1), datetime(2024, 2, 1, 18, 30),
    datetime(2024, 2, 2, 6, 15, 30, 250000), datetime(2023, 12, 31, 23, 0), datetime(2024, 3, 1, 9, 0), None,
]
# EPSG:27700 square used for exact-boundary tests: 529800..530200 x 179400..179800
SQUARE = (529800.0, 179400.0, 530200.0, 179800.0)


def make_rows() -> list[dict[str, Any]]:
    rows = []
    for i in range(72):
        # a 9 x 8 grid, 100 m apart, whose lines run exactly along the SQUARE's edges
        x = 529600.0 + 100.0 * (i % 9)
        y = 179200.0 + 100.0 * (i // 9)
        lon, lat = spatial.from_27700(Point(x, y), "CRS84").coords[0]
        t = TIMES[i % len(TIMES)]
        rows.append({
            "id": i + 1, "source_id": f"S{i:03d}", "occurred_at": t, "x": x, "y": y, "lon": lon, "lat": lat,
            "borough_code": f"E0900{i % 4:04d}", "borough_name": BOROUGHS[i % 4],
            "ward_code": f"E05{i % 7:06d}", "ward_name": f"Ward {i % 7}",
            "dow": (i % 7) + 1, "hour": (i * 7 + i // 9) % 24,
            "crime_type": CRIME_TYPES[i % len(CRIME_TYPES)], "outcome": OUTCOMES[i % len(OUTCOMES)],
            "score": None if i % 6 == 0 else round((i % 11) * 0.5 - 1.0, 2),
            "victims": None if i % 5 == 0 else i % 4,
            "report_date": None if i % 8 == 0 else date(2024, 1, 29) + timedelta(days=i % 5),
            "secret": f"secret-{i % 3}",
        })
    rows[24]["outcome"], rows[48]["outcome"], rows[25]["outcome"] = "Robbery", "ROBBERY", "ROBBERY"
    return rows


ROWS = make_rows()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        eng = sa.create_engine(f"sqlite:///{tmp_path_factory.mktemp('cql') / 'cql.db'}")
        sa.event.listen(eng, "connect", lambda conn, _rec: sqlite_functions.register(conn))
    else:
        eng = sa.create_engine(shared_postgis(tmp_path_factory).url)
    metadata.drop_all(eng)
    metadata.create_all(eng)
    if request.param == "postgresql":
        with eng.begin() as conn:
            conn.execute(sa.text(
                "ALTER TABLE cql_incidents ADD COLUMN geom geometry(Point, 27700) "
                "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(x, y), 27700)) STORED"))
            conn.execute(sa.text("CREATE INDEX ix_cql_incidents_geom ON cql_incidents USING gist (geom)"))
    with eng.begin() as conn:
        conn.execute(incidents.insert(), ROWS)
    yield eng
    if request.param == "postgresql":
        metadata.drop_all(eng)
    eng.dispose()


def run(engine: sa.Engine, text: str, lang: str = "cql2-text", crs: str = "CRS84") -> list[int]:
    expr = cql.parse(text, lang)
    cond = cql.to_sql(expr, incidents, QUERYABLES, engine.dialect.name, crs)
    with engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(sa.select(incidents.c.id).where(cond)))


# ------------------------------------------------------------------- pure-Python reference

def _lower(s: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def _ts(s: str) -> datetime:
    value = datetime.fromisoformat(s.replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _instant(v: Any) -> datetime | date | None:
    """Temporal literal -> datetime (instant) or date (whole UTC day); None for '..'."""
    if isinstance(v, dict) and "timestamp" in v:
        return _ts(v["timestamp"])
    if isinstance(v, dict) and "date" in v:
        return date.fromisoformat(v["date"])
    if v in ("..", ""):
        return None
    if isinstance(v, str):
        return _ts(v.rstrip("T")) if "T" in v.rstrip("T") or " " in v else date.fromisoformat(v.rstrip("T"))
    raise AssertionError(f"not temporal: {v!r}")


def _value(node: Any, row: dict[str, Any]) -> tuple[bool, Any]:
    """(is_property, value) of an operand."""
    if isinstance(node, dict) and "property" in node:
        name = node["property"]
        if name in ("geometry", "geom"):
            return True, None if row["x"] is None else Point(row["x"], row["y"])
        return True, row[name]
    if isinstance(node, dict) and node.get("op") in ("casei", "accenti"):
        is_prop, v = _value(node["args"][0], row)
        return is_prop, (_lower(v) if v is not None and node["op"] == "casei" else v)
    if isinstance(node, dict) and ("timestamp" in node or "date" in node):
        return False, _instant(node)
    return False, node


def _cmp(op: str, a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    if isinstance(a, datetime) and isinstance(b, str):
        b = _instant(b)
    if isinstance(a, datetime) and not isinstance(b, datetime) and isinstance(b, date):
        a = a.date()  # DATE literal: day precision
    return {"=": a == b, "<>": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _like(value: str, pattern: str) -> bool:
    rx, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            rx += re.escape(pattern[i + 1])
            i += 2
            continue
        rx += ".*" if c == "%" else "." if c == "_" else re.escape(c)
        i += 1
    return re.fullmatch(rx, value, re.S) is not None


def _temporal(op: str, p: datetime | date | None, lit: Any) -> bool | None:
    """Instant ``p`` against a TIMESTAMP (instant), DATE (whole day) or INTERVAL of those."""
    if p is None:
        return None
    if isinstance(lit, dict) and "interval" in lit:
        s, e = (_instant(v) for v in lit["interval"])
    else:
        s = e = _instant(lit)
    on_day = isinstance(p, datetime)  # date-time field: DATE bounds cover the whole day
    pd = p.date() if on_day else p

    def after_start(strict: bool) -> bool:
        if s is None:
            return True
        if isinstance(s, datetime):
            return p > s if strict else p >= s
        if on_day:
            return p > datetime(s.year, s.month, s.day) if strict else pd >= s
        return p > s if strict else p >= s

    def before_end(strict: bool) -> bool:
        if e is None:
            return True
        if isinstance(e, datetime):
            return p < e if strict else p <= e
        if on_day:
            return pd <= e
        return p < e if strict else p <= e

    if op == "t_intersects":
        return after_start(False) and before_end(False)
    if op == "t_equals":
        return p == s
    if op == "t_before":
        return False if s is None else (p < s if isinstance(s, datetime) else pd < s)
    if op == "t_after":
        return False if e is None else (p > e if isinstance(e, datetime) else pd > e)
    if op == "t_during":
        return after_start(True) and before_end(True)
    raise AssertionError(op)


def _geometry(lit: dict[str, Any], crs: str) -> Any:
    if "bbox" in lit:
        return spatial.bbox_to_27700(lit["bbox"], crs)
    return spatial.to_27700(shape(lit), crs)


def reference(node: Any, row: dict[str, Any], crs: str = "CRS84") -> bool | None:
    """Three-valued evaluation of CQL2-JSON over one fixture row."""
    if isinstance(node, bool):
        return node
    op, args = node["op"], node["args"]
    if op in ("and", "or"):
        vals = [reference(a, row, crs) for a in args]
        decisive = False if op == "and" else True
        if decisive in vals:
            return decisive
        return None if None in vals else not decisive
    if op == "not":
        v = reference(args[0], row, crs)
        return None if v is None else not v
    if op in ("=", "<>", "<", "<=", ">", ">="):
        (pa, a), (_pb, b) = _value(args[0], row), _value(args[1], row)
        if not pa:
            flip = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
            return _cmp(flip.get(op, op), b, a)
        return _cmp(op, a, b)
    if op == "like":
        (_, a), (_, b) = _value(args[0], row), _value(args[1], row)
        return None if a is None else _like(a, b)
    if op == "between":
        v = _value(args[0], row)[1]
        lo, hi = _cmp(">=", v, _value(args[1], row)[1]), _cmp("<=", v, _value(args[2], row)[1])
        return False if False in (lo, hi) else None if None in (lo, hi) else True
    if op == "in":
        v = _value(args[0], row)[1]
        if v is None:
            return None
        return any(_cmp("=", v, _value(item, row)[1]) for item in args[1])
    if op == "isNull":
        return _value(args[0], row)[1] is None
    if op in ("s_intersects", "s_within"):
        geom = _geometry(args[1] if "property" in args[0] else args[0], crs)
        return geom.intersects(Point(row["x"], row["y"]))
    if op.startswith("t_"):
        if "property" in args[0]:
            return _temporal(op, row[args[0]["property"]], args[1])
        swapped = {"t_before": "t_after", "t_after": "t_before"}.get(op, op)
        return _temporal(swapped, row[args[1]["property"]], args[0])
    raise AssertionError(f"reference cannot evaluate {op}")


def expected(text: str, lang: str = "cql2-text", crs: str = "CRS84") -> list[int]:
    expr = cql.parse(text, lang)
    return sorted(r["id"] for r in ROWS if reference(expr, r, crs) is True)


# ----------------------------------------------------------------------------------- filters

LON, LAT = spatial.from_27700(Point(530000, 179600), "CRS84").coords[0]

FILTERS = [
    # comparisons
    "crime_type = 'Robbery'", "crime_type <> 'Robbery'", "crime_type < 'R'", "crime_type >= 'a'",
    "crime_type > 'Z'", "crime_type <= 'Émile'", "'Robbery' = crime_type", "'M' > crime_type",
    "crime_type = ''", "crime_type = 'Robbery '", "crime_type = 'O''Brien'",
    "hour = 10", "hour <> 10", "hour < 5", "hour <= 5.0", "hour > 17.5", "hour >= 18", "10 < hour",
    "score = 0.5", "score < 0", "score >= 1.5", "score <> 1", "victims = 2", "victims <> 2",
    "hour = dow", "hour > dow", "score < victims", "crime_type = outcome", "crime_type < borough_name",
    # boolean logic and 3-valued NOT
    "crime_type = 'Robbery' AND hour >= 2", "crime_type = 'Robbery' OR hour > 20",
    "NOT (outcome = 'Local resolution')", "NOT (victims = 1)", "NOT (score > 1) AND NOT (victims < 2)",
    "(hour < 3 OR hour > 20) AND NOT (dow IN (6, 7))", "TRUE", "FALSE", "NOT FALSE AND hour = 0",
    "TRUE AND victims = 3", "hour = 0 OR FALSE",
    # like / casei / accenti
    "crime_type LIKE 'R%'", "crime_type LIKE 'r%'", "crime_type LIKE '%bbery'", "crime_type LIKE '_obbery'",
    "crime_type LIKE '%'", "crime_type LIKE ''", "crime_type LIKE 'a\\%b'", "crime_type LIKE 'a\\_b'",
    "crime_type LIKE 'a_b'", "crime_type LIKE 'back\\\\slash'", "crime_type LIKE '%''%'",
    "crime_type LIKE '%;%'", "crime_type LIKE '%--%'", "crime_type LIKE '%\n%'", "crime_type LIKE '%e%e%'",
    "crime_type NOT LIKE 'R%'", "outcome LIKE '%investigation'", "NOT outcome LIKE 'U%'",
    "CASEI(crime_type) = CASEI('ROBBERY')", "CASEI(crime_type) = 'robbery'", "CASEI(crime_type) LIKE CASEI('rob%')",
    "CASEI(crime_type) = CASEI('émile')", "CASEI(crime_type) = CASEI('ÉMILE')", "CASEI(crime_type) < 'c'",
    "CASEI(crime_type) IN (CASEI('ZEBRA'), 'o''brien')", "ACCENTI(crime_type) = ACCENTI('Émile')",
    "CASEI(outcome) = CASEI(crime_type)", "CASEI(crime_type) = CASEI('Ünïcödé SS')",
    # between / in / null
    "hour BETWEEN 5 AND 10", "hour NOT BETWEEN 5 AND 10", "score BETWEEN -0.5 AND 1.5", "hour BETWEEN 10 AND 5",
    "crime_type BETWEEN 'B' AND 'S'", "hour IN (0, 5, 10)", "hour NOT IN (0, 5, 10)", "hour IN (5.0, 7.5)",
    "crime_type IN ('Robbery', 'robbery', 'nope')", "outcome NOT IN ('Local resolution')",
    "outcome IS NULL", "outcome IS NOT NULL", "score IS NULL", "NOT score IS NULL", "occurred_at IS NULL",
    "report_date IS NULL", "geometry IS NULL",
    # date-times: TIMESTAMP exact, DATE at day precision
    "occurred_at = TIMESTAMP('2024-02-01T00:00:00Z')", "occurred_at > TIMESTAMP('2024-02-01T00:00:00Z')",
    "occurred_at >= TIMESTAMP('2024-02-01T01:00:00+01:00')", "occurred_at < TIMESTAMP('2024-01-31T23:59:59.999999Z')",
    "occurred_at <= TIMESTAMP('2024-01-31T23:59:59.999999Z')", "occurred_at <> TIMESTAMP('2024-01-30T12:00:00Z')",
    "occurred_at = DATE('2024-01-31')", "occurred_at <> DATE('2024-01-31')", "occurred_at < DATE('2024-02-01')",
    "occurred_at <= DATE('2024-01-31')", "occurred_at > DATE('2024-01-31')", "occurred_at >= DATE('2024-02-01')",
    "occurred_at BETWEEN DATE('2024-01-31') AND DATE('2024-02-01')",
    "occurred_at BETWEEN TIMESTAMP('2024-01-31T00:00:00Z') AND TIMESTAMP('2024-02-01T00:00:00Z')",
    "occurred_at IN (DATE('2024-01-31'), TIMESTAMP('2024-02-01T18:30:00Z'))",
    "occurred_at IN (TIMESTAMP('2024-01-30T12:00:00Z'), TIMESTAMP('2024-02-01T18:30:00Z'))",
    "DATE('2024-01-31') >= occurred_at",
    "report_date = DATE('2024-01-30')", "report_date > DATE('2024-01-30')", "report_date IN (DATE('2024-01-29'))",
    # temporal operators
    "T_INTERSECTS(occurred_at, TIMESTAMP('2024-02-01T18:30:00Z'))", "T_INTERSECTS(occurred_at, DATE('2024-02-01'))",
    "T_INTERSECTS(occurred_at, INTERVAL('2024-01-31', '2024-02-01'))",
    "T_INTERSECTS(occurred_at, INTERVAL('2024-01-31T00:00:00Z', '2024-02-01T00:00:00Z'))",
    "T_INTERSECTS(occurred_at, INTERVAL('..', '2024-01-31'))", "T_INTERSECTS(occurred_at, INTERVAL('2024-02-01', '..'))",
    "T_INTERSECTS(occurred_at, INTERVAL('..', '..'))", "NOT T_INTERSECTS(occurred_at, INTERVAL('..', '..'))",
    "T_INTERSECTS(INTERVAL('2024-02-01', '..'), occurred_at)",
    "T_EQUALS(occurred_at, TIMESTAMP('2024-02-01T00:00:00Z'))",
    "T_BEFORE(occurred_at, DATE('2024-01-31'))", "T_BEFORE(occurred_at, TIMESTAMP('2024-01-31T00:00:00Z'))",
    "T_BEFORE(occurred_at, INTERVAL('2024-02-01', '..'))", "T_BEFORE(occurred_at, INTERVAL('..', '2024-02-01'))",
    "NOT T_BEFORE(occurred_at, INTERVAL('..', '2024-02-01'))",
    "T_AFTER(occurred_at, DATE('2024-01-31'))", "T_AFTER(occurred_at, TIMESTAMP('2024-02-01T00:00:00Z'))",
    "T_AFTER(occurred_at, INTERVAL('..', '2024-01-31T23:59:59.999999Z'))", "T_AFTER(occurred_at, INTERVAL('2024-01-31', '..'))",
    "T_AFTER(DATE('2024-02-01'), occurred_at)",
    "T_DURING(occurred_at, INTERVAL('2024-01-31', '2024-02-01'))",
    "T_DURING(occurred_at, INTERVAL('2024-01-31T00:00:00Z', '2024-02-01T00:00:00Z'))",
    "T_DURING(occurred_at, INTERVAL('2024-02-01', '..'))", "T_DURING(occurred_at, DATE('2024-02-01'))",
    "T_INTERSECTS(report_date, INTERVAL('2024-01-30', '2024-01-31'))", "T_BEFORE(report_date, DATE('2024-01-30'))",
    # spatial (CRS84 literals)
    f"S_INTERSECTS(geometry, BBOX({LON - 0.003}, {LAT - 0.002}, {LON + 0.003}, {LAT + 0.002}))",
    f"S_WITHIN(geometry, BBOX({LON - 0.003}, {LAT - 0.002}, {LON + 0.003}, {LAT + 0.002}))",
    f"S_INTERSECTS(BBOX({LON - 0.003}, {LAT - 0.002}, {LON + 0.003}, {LAT + 0.002}), geometry)",
    f"S_INTERSECTS(geom, POLYGON(({LON - 0.004} {LAT - 0.003}, {LON + 0.004} {LAT - 0.003}, {LON} {LAT + 0.004}, "
    f"{LON - 0.004} {LAT - 0.003})))",
    f"S_INTERSECTS(geometry, MULTIPOLYGON((({LON - 0.004} {LAT - 0.003}, {LON} {LAT - 0.003}, {LON} {LAT}, "
    f"{LON - 0.004} {LAT - 0.003})), (({LON + 0.001} {LAT}, {LON + 0.005} {LAT}, {LON + 0.005} {LAT + 0.004}, "
    f"{LON + 0.001} {LAT}))))",
    f"NOT S_INTERSECTS(geometry, BBOX({LON - 0.003}, {LAT - 0.002}, {LON + 0.003}, {LAT + 0.002})) AND hour < 12",
    "S_INTERSECTS(geometry, BBOX(-180, -90, 180, 90))", "S_INTERSECTS(geometry, BBOX(100, 10, 120, 20))",
    "S_INTERSECTS(geometry, POINT(0 0))",
]

# filters evaluated with filter-crs EPSG:27700 (exact boundaries on the grid)
FILTERS_27700 = [
    f"S_INTERSECTS(geometry, BBOX({', '.join(str(v) for v in SQUARE)}))",
    "S_INTERSECTS(geometry, POLYGON((529800 179400, 530200 179400, 530000 179800, 529800 179400)))",
    "S_WITHIN(geometry, POLYGON((529800 179400, 530200 179400, 530200 179800, 529800 179800, 529800 179400), "
    "(529900 179500, 530100 179500, 530100 179700, 529900 179700, 529900 179500)))",
    "S_INTERSECTS(geometry, POINT(530000 179600))", "S_INTERSECTS(geometry, POINT(530000.5 179600))",
    "S_INTERSECTS(geometry, MULTIPOLYGON(((529600 179200, 529700 179200, 529600 179300, 529600 179200)), "
    "((530400 179900, 530500 179900, 530500 180000, 530400 179900))))",
]

# GDAL's legacy cql-text, QGIS's CQL2 style, and CQL2-JSON
FILTERS_OTHER_LANGS = [
    ("cql-text", "crime_type = 'Robbery'"), ("cql-text", "(crime_type = 'Robbery') AND (hour > 3)"),
    ("cql-text", "(outcome IS NULL)"), ("cql-text", "NOT ((hour = 0))"), ("cql-text", "(hour >= 5) OR (score = 1.5)"),
    ("cql-text", "crime_type ILIKE 'rob%'"), ("cql-text", "(crime_type ILIKE 'O''b%') OR (outcome ILIKE 'local%')"),
    ("cql-text", "occurred_at >= '2024-02-01T00:00:00Z'"), ("cql-text", "occurred_at > '2024-01-31T'"),
    ("cql-text", "(occurred_at >= '2024-01-31T') AND (occurred_at <= '2024-02-01T18Z')"),
    ("cql-text", "occurred_at = '2024-02-01T18:30Z'"), ("cql-text", "score = 1.5"), ("cql-text", "crime_type <> 'x'"),
    ("cql2-text", '("crime_type" = \'Robbery\')'), ("cql2-text", '(("hour" IS NOT NULL) AND ("hour" >= 18))'),
    ("cql2-text", "\"occurred_at\" >= TIMESTAMP('2024-02-01T00:00:00Z')"),
    ("cql2-text", "CASEI(\"crime_type\") LIKE CASEI('%ROB%')"), ("cql2-text", "(\"report_date\" = DATE('2024-01-30'))"),
    ("cql2-text", f"S_INTERSECTS(\"geometry\",BBOX({LON - 0.003},{LAT - 0.002},{LON + 0.003},{LAT + 0.002}))"),
    ("cql2-json", '{"op": "=", "args": [{"property": "crime_type"}, "Robbery"]}'),
    ("cql2-json", '{"op": "and", "args": [{"op": ">", "args": [{"property": "hour"}, 3]}, '
                  '{"op": "isNull", "args": [{"property": "outcome"}]}]}'),
    ("cql2-json", '{"op": "in", "args": [{"property": "victims"}, [1, 2]]}'),
    ("cql2-json", '{"op": "t_before", "args": [{"property": "occurred_at"}, {"timestamp": "2024-02-01T00:00:00Z"}]}'),
    ("cql2-json", '{"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [%s, %s, %s, %s]}]}'
                  % (LON - 0.003, LAT - 0.002, LON + 0.003, LAT + 0.002)),
    ("cql2-json", "true"),
]


@pytest.mark.parametrize("text", FILTERS)
def test_filter_matches_reference(engine: sa.Engine, text: str) -> None:
    assert run(engine, text) == expected(text)


@pytest.mark.parametrize("text", FILTERS_27700)
def test_spatial_filter_27700_exact_boundaries(engine: sa.Engine, text: str) -> None:
    crs = "http://www.opengis.net/def/crs/EPSG/0/27700"
    got = run(engine, text, crs=crs)
    assert got == expected(text, crs=crs)
    assert bool(got) != ("530000.5" in text)  # grid points, many exactly on the boundary; one miss


@pytest.mark.parametrize("lang,text", FILTERS_OTHER_LANGS)
def test_other_languages_match_reference(engine: sa.Engine, lang: str, text: str) -> None:
    assert run(engine, text, lang) == expected(text, lang)


def test_filters_are_selective() -> None:
    """Guard against a vacuous suite: most filters select some but not all rows."""
    sizes = [len(expected(t)) for t in FILTERS]
    partial = [s for s in sizes if 0 < s < len(ROWS)]
    assert len(partial) > 0.8 * len(FILTERS)


def test_filter_crs_variants_agree(engine: sa.Engine) -> None:
    bbox84 = (LON - 0.003, LAT - 0.002, LON + 0.003, LAT + 0.002)
    a = run(engine, "S_INTERSECTS(geometry, BBOX(%s, %s, %s, %s))" % bbox84)
    b = run(engine, "S_INTERSECTS(geometry, BBOX(%s, %s, %s, %s))" % (bbox84[1], bbox84[0], bbox84[3], bbox84[2]),
            crs="http://www.opengis.net/def/crs/EPSG/0/4326")
    assert a == b and 0 < len(a) < len(ROWS)


def test_casei_folds_ascii_only_on_both_backends(engine: sa.Engine) -> None:
    ids = run(engine, "CASEI(crime_type) = CASEI('ÉMILE')")
    names = {ROWS[i - 1]["crime_type"] for i in ids}
    assert names == {"ÉMILE", "Émile"}  # 'É' is not folded, 'MILE' is


# ------------------------------------------------------------------------ allow-list / errors

FORBIDDEN_FORMS = [
    "{n} = 'x'", "{n} IS NULL", "CASEI({n}) = 'x'", "{n} LIKE '%'", "hour = {n}", "{n} IN (1, 2)",
    "NOT ({n} > 3)", "{n} BETWEEN 1 AND 2", "T_BEFORE({n}, DATE('2024-01-01'))", "crime_type = 'x' OR {n} = 1",
]


@pytest.mark.parametrize("form", FORBIDDEN_FORMS)
@pytest.mark.parametrize("name", ["secret", "no_such_field", "x", "id", "lon", "source_id"])
def test_forbidden_and_unknown_fields_give_the_same_message(form: str, name: str) -> None:
    with pytest.raises(FilterError) as err:
        cql.to_sql(cql.parse(form.format(n=name)), incidents, QUERYABLES, "sqlite")
    assert str(err.value) == f"unknown or not permitted queryable '{name}'"


def test_forbidden_field_message_does_not_depend_on_existence() -> None:
    msgs = set()
    for name in ("secret", "secreT", "nothing_here"):
        with pytest.raises(FilterError) as err:
            cql.to_sql(cql.parse(f"{name} = 'secret-1'"), incidents, QUERYABLES, "postgresql")
        msgs.add(str(err.value).replace(name, "NAME"))
    assert msgs == {"unknown or not permitted queryable 'NAME'"}


@pytest.mark.parametrize("text,fragment", [
    ("hour = 'x'", "'hour' is a numeric queryable"),
    ("hour = TRUE", "'hour' is a numeric queryable"),
    ("crime_type = 3", "'crime_type' is a text queryable"),
    ("crime_type > TIMESTAMP('2024-01-01T00:00:00Z')", "'crime_type' is a text queryable"),
    ("occurred_at = 5", "'occurred_at' is a date-time queryable"),
    ("occurred_at = 'yesterday'", "invalid date or time"),
    ("occurred_at = DATE('2024-02-30')", "invalid date or time"),
    ("occurred_at = TIMESTAMP('2024-13-01T00:00:00Z')", "invalid date or time"),
    ("report_date = TIMESTAMP('2024-01-01T10:00:00Z')", "'report_date' is a date queryable"),
    ("hour LIKE '1%'", "LIKE needs a text queryable"),
    ("crime_type LIKE crime_type", "LIKE needs a pattern"),
    ("crime_type LIKE 'abc\\'", "must not end with a single backslash"),
    ("CASEI(hour) = 3", "CASEI needs a text"),
    ("hour = NULL", "IS NULL"),
    ("hour = dow + 1", "arithmetic is not supported"),
    ("hour * 2 > 3", "arithmetic is not supported"),
    ("-hour = 1", "arithmetic is not supported"),
    ("hour % 2 = 0", "arithmetic is not supported"),
    ("hour = crime_type", "cannot compare 'hour' (integer) with 'crime_type' (string)"),
    ("1 = 1", "needs a queryable on one side"),
    ("hour", "must be a condition"),
    ("'text'", "must be a condition"),
    ("hour = 1e400", "must be finite"),
    ("S_CONTAINS(geometry, POINT(0 51))", "S_CONTAINS is not supported"),
    ("S_CROSSES(geometry, POINT(0 51))", "not supported"),
    ("S_WITHIN(POINT(0 51), geometry)", "needs the geometry and a geometry literal"),
    ("S_INTERSECTS(geometry, LINESTRING(0 51, 1 52))", "LineString is not supported"),
    ("S_INTERSECTS(geometry, ENVELOPE(0, 51, 1, 52))", "cannot be used as a value"),
    ("S_INTERSECTS(geometry, POLYGON((0 51, 1 52, 1 51, 0 52, 0 51)))", "is not valid"),
    ("S_INTERSECTS(geometry, POLYGON((0 51, 1 52)))", "invalid Polygon"),
    ("S_INTERSECTS(geometry, BBOX(1, 51, 0, 52))", "invalid BBOX"),
    ("S_INTERSECTS(crime_type, BBOX(0, 51, 1, 52))", "needs the geometry"),
    ("geometry = 'x'", "geometry can only be used with S_INTERSECTS"),
    ("T_MEETS(occurred_at, INTERVAL('2024-01-01', '..'))", "T_MEETS is not supported"),
    ("T_EQUALS(occurred_at, DATE('2024-01-01'))", "T_EQUALS needs a single TIMESTAMP"),
    ("T_BEFORE(hour, DATE('2024-01-01'))", "needs a date-time queryable"),
    ("T_DURING(INTERVAL('2024-01-01', '..'), occurred_at)", "needs a date-time queryable"),
    ("A_CONTAINS(crime_type, ('x'))", "array operators are not supported"),
    ("FOO(crime_type) = 1", "'foo' cannot be used as a value"),
    ("occurred_at = INTERVAL('2024-01-01', '..')", "'occurred_at' is a date-time queryable"),
    ("crime_type = 'x' OR", "invalid CQL2 filter at column 20"),
    ("crime_type == 'x'", "invalid CQL2 filter at column"),
    ("crime_type ILIKE 'x'", "invalid CQL2 filter"),  # ILIKE is only read as legacy cql-text
    ("   ", "the filter is empty"),
])
def test_errors_are_filter_errors_with_clear_messages(text: str, fragment: str) -> None:
    with pytest.raises(FilterError) as err:
        for dialect in ("sqlite", "postgresql"):
            cql.to_sql(cql.parse(text), incidents, QUERYABLES, dialect)
    assert fragment in str(err.value), str(err.value)


def test_languages() -> None:
    assert cql.parse("hour = 1", "CQL2-TEXT") == cql.parse("hour = 1", "cql-text")
    assert cql.parse('{"op":"=","args":[{"property":"hour"},1]}', "cql2-json")["op"] == "="
    for bad_lang in ("ecql", "sql", "json-filter-expr", ""):
        if bad_lang == "":
            continue  # empty means the default
        with pytest.raises(FilterError, match="unsupported filter-lang"):
            cql.parse("hour = 1", bad_lang)
    for bad_json in ("{", '{"x": 1}', '{"op": "=", "args": "no"}', "[" * 5000 + "]" * 5000):
        with pytest.raises(FilterError):
            cql.to_sql(cql.parse(bad_json, "cql2-json"), incidents, QUERYABLES, "sqlite")
    with pytest.raises(FilterError, match="unsupported filter-crs"):
        cql.to_sql(cql.parse("hour = 1"), incidents, QUERYABLES, "sqlite", "EPSG:3857")


def test_gdal_legacy_strings_parse() -> None:
    for text in ["crime_type = 'Robbery'", "(a = 'x') AND (b > 3)", "(a IS NULL)", "NOT (a = 'x')",
                 "(a = 'x') OR (b <> 2.5)", "a ILIKE 'x%'", "a LIKE 'x%'", "a >= '2024-01-01T00:00:00Z'",
                 "(a = 'it''s ILIKE') AND (b ILIKE 'y')"]:
        expr = cql.parse(text, "cql-text")
        assert isinstance(expr, dict)
    # ILIKE inside a string literal is left alone
    assert cql.parse("(a = 'it''s ILIKE') AND (b ILIKE 'y')", "cql-text")["args"][0]["args"][1] == "it's ILIKE"


# ---------------------------------------------------------------------------------- limits

def test_size_limits() -> None:
    with pytest.raises(FilterError, match="too long"):
        cql.parse("hour = 1 AND " * 2000 + "hour = 1")
    with pytest.raises(FilterError, match="too complex"):
        cql.parse(" OR ".join(f"hour = {i}" for i in range(120)))
    assert cql.parse("hour IN (" + ", ".join(str(i) for i in range(1000)) + ")")
    with pytest.raises(FilterError, match="too many values"):
        cql.parse("hour IN (" + ", ".join(str(i) for i in range(1001)) + ")")
    with pytest.raises(FilterError, match="nested too deeply"):
        cql.parse("(" * 40 + "hour = 1" + ")" * 40)
    with pytest.raises(FilterError, match="nested too deeply"):
        cql.parse("NOT " * 100 + "hour = 1")
    assert cql.parse("(" * 20 + "hour = 1" + ")" * 20)
    ring = ", ".join(f"{i} 0" for i in range(10_001))
    with pytest.raises(FilterError, match="too many vertices"):
        cql.parse(f"S_INTERSECTS(geometry, POLYGON(({ring})))", "cql2-text") if len(ring) < 16_000 else \
            cql.to_sql({"op": "s_intersects", "args": [{"property": "geometry"}, {
                "type": "Polygon", "coordinates": [[[i, 0] for i in range(10_001)]]}]}, incidents, QUERYABLES, "sqlite")


def test_pathological_input_cannot_crash_the_process() -> None:
    """cql2's recursive parser segfaults on deep input on a small stack; parse() must not."""
    script = textwrap.dedent("""
        import threading
        from safestats_store import cql
        bad = ["(" * 8000 + "a=1" + ")" * 8000, "NOT " * 4000 + "a=1", "a = " + "-" * 16000 + "1",
               "a = " + "- " * 8000 + "1", " AND ".join(["a=1"] * 2700), "a = " + "+".join(["1"] * 8000),
               "casei(" * 2000 + "a)", "a_contains(a, " + "(" * 5000 + "1" + ")" * 5000 + ")",
               "s_intersects(g, " + "GEOMETRYCOLLECTION(" * 700 + "POINT(0 0)" + ")" * 700 + ")"]
        results = []
        def work():
            for text in bad:
                try:
                    cql.parse(text[:cql.MAX_TEXT_LENGTH])
                    results.append("parsed")
                except cql.FilterError:
                    results.append("error")
        threading.stack_size(256 * 1024)   # a small web-server worker stack
        t = threading.Thread(target=work)
        t.start(); t.join()
        print(len(results))
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=STORE_DIR, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "9"


# ------------------------------------------------------------------------------- injection

INJECTION_VALUES = [
    "x'; DROP TABLE cql_incidents; --", "semi;colon /* c */", "O'Brien", "' OR '1'='1", "\\'; SELECT 1; --",
    "Robbery' --", "%' OR 1=1 --", "\"quoted\"", "$$ $1 ?", "%(evil)s", ":name",
]


@pytest.mark.parametrize("value", INJECTION_VALUES)
def test_injection_in_literals_is_inert(engine: sa.Engine, value: str) -> None:
    literal = "'" + value.replace("'", "''") + "'"
    for text in (f"crime_type = {literal}", f"crime_type LIKE {literal}", f"crime_type IN ({literal}, 'x')",
                 f"CASEI(crime_type) = CASEI({literal})"):
        assert run(engine, text) == expected(text)
        for dialect in (sqlite.dialect(), postgresql.psycopg.dialect()):
            cond = cql.to_sql(cql.parse(text), incidents, QUERYABLES, dialect.name)
            assert value not in str(cond.compile(dialect=dialect))
    assert run(engine, "crime_type = 'x''; DROP TABLE cql_incidents; --'") == [
        r["id"] for r in ROWS if r["crime_type"] == "x'; DROP TABLE cql_incidents; --"]
    with engine.connect() as conn:  # still there, still complete
        assert conn.execute(sa.select(sa.func.count()).select_from(incidents)).scalar_one() == len(ROWS)


@pytest.mark.parametrize("name", [
    'crime_type; DROP TABLE cql_incidents; --', "crime_type' OR '1'='1", 'crime_type" OR "1"="1',
    "crime_type/**/", "crime_type--", "cql_incidents.secret", "secret\u0000", "",
])
def test_injection_in_property_names_is_rejected(name: str) -> None:
    quoted = '"' + name.replace('"', '""') + '"'
    for text, lang in ((f"{quoted} = 'x'", "cql2-text"),
                       ('{"op": "=", "args": [{"property": %s}, "x"]}' % json.dumps(name), "cql2-json")):
        try:
            expr = cql.parse(text, lang)
        except FilterError:
            continue
        with pytest.raises(FilterError, match="unknown or not permitted queryable"):
            cql.to_sql(expr, incidents, QUERYABLES, "postgresql")


# ------------------------------------------------------------------------------ like_match

@given(st.text(alphabet="ab%_\\\n", max_size=8), st.text(alphabet="ab%_\n", max_size=8))
@settings(max_examples=500, deadline=None)
def test_like_match_agrees_with_regex_reference(pattern: str, value: str) -> None:
    if (len(pattern) - len(pattern.rstrip("\\"))) % 2 == 1:
        pattern += "a"
    assert cql.like_match(value, pattern) == _like(value, pattern)


def test_like_match_is_not_exponential() -> None:
    import time

    start = time.perf_counter()
    assert not cql.like_match("a" * 5000, "%a" * 40 + "%b")
    assert time.perf_counter() - start < 1.0


# ------------------------------------------------------------------------------ hypothesis

TOKENS = [
    "crime_type", "hour", "score", "occurred_at", "report_date", "geometry", "secret", '"hour"', "(", ")", ",",
    "=", "<>", "<", ">=", "AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL", "TRUE", "CASEI(", "ACCENTI(",
    "'Robbery'", "'R%'", "'%'", "'\\'", "''", "'", "\"", "1", "-1", "2.5", "1e400", "-", "+", "*", "/",
    "TIMESTAMP('2024-02-01T00:00:00Z')", "DATE('2024-01-31')", "DATE('2024-02-30')", "INTERVAL('2024-01-31','..')",
    "T_INTERSECTS(", "T_BEFORE(", "T_MEETS(", "S_INTERSECTS(", "S_WITHIN(", "BBOX(-0.14,51.49,-0.13,51.5)",
    "POINT(-0.13 51.5)", "POLYGON((0 0, 1 0, 1 1, 0 0))", "POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))", "LINESTRING(0 0,1 1)",
    "ILIKE", ";", "--", "/*", "DROP TABLE cql_incidents", "\x00", "é",
]


def _run_untrusted(engine: sa.Engine, text: str) -> None:
    for lang in ("cql2-text", "cql-text", "cql2-json"):
        try:
            cond = cql.to_sql(cql.parse(text, lang), incidents, QUERYABLES, engine.dialect.name)
        except FilterError:
            continue
        with engine.connect() as conn:
            conn.execute(sa.select(sa.func.count()).select_from(incidents).where(cond)).scalar_one()


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    eng = sa.create_engine(f"sqlite:///{tmp_path_factory.mktemp('cqlh') / 'h.db'}")
    sa.event.listen(eng, "connect", lambda conn, _rec: sqlite_functions.register(conn))
    metadata.create_all(eng)
    with eng.begin() as conn:
        conn.execute(incidents.insert(), ROWS)
    yield eng
    eng.dispose()


@given(st.text(max_size=300))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_text_only_raises_filter_error(sqlite_engine: sa.Engine, text: str) -> None:
    _run_untrusted(sqlite_engine, text)


@given(st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join))
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_token_soup_only_raises_filter_error(sqlite_engine: sa.Engine, text: str) -> None:
    _run_untrusted(sqlite_engine, text)


@given(st.one_of(st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join), st.text(max_size=100)))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_untrusted_text_on_both_backends_only_raises_filter_error(engine: sa.Engine, text: str) -> None:
    _run_untrusted(engine, text)


@pytest.mark.parametrize("expr", [
    {"op": "=", "args": [{"property": "crime_type"}, "nul\x00byte"]},
    {"op": "like", "args": [{"property": "crime_type"}, "%\x00"]},
    {"op": "=", "args": [{"property": "crime_type"}, "lone \ud800 surrogate"]},
])
def test_text_postgres_cannot_store_is_a_filter_error(expr: dict[str, Any]) -> None:
    with pytest.raises(FilterError):
        cql.to_sql(expr, incidents, QUERYABLES, "postgresql")


# Random well-typed ASTs: SQLite and PostgreSQL must both equal the reference.

def _strategy_for(q: Queryable) -> st.SearchStrategy[Any]:
    values = [r[q.name] for r in ROWS if r[q.name] is not None]
    if q.type == "string":
        return st.one_of(st.sampled_from(values), st.text(alphabet="aRbo É'%", max_size=5))
    if q.type in ("integer", "number"):
        return st.one_of(st.sampled_from(values), st.integers(-2, 25), st.floats(-2, 25, allow_nan=False))
    if q.type == "datetime":
        return st.one_of(
            st.sampled_from(values).map(lambda v: {"timestamp": v.isoformat() + "Z"}),
            st.sampled_from(values).map(lambda v: {"date": v.date().isoformat()}),
        )
    return st.sampled_from(values).map(lambda v: {"date": v.isoformat()})


def _comparison(draw: Any) -> dict[str, Any]:
    q = draw(st.sampled_from(list(QUERYABLES.values())))
    prop: Any = {"property": q.name}
    lit = draw(_strategy_for(q))
    kind = draw(st.sampled_from(["cmp", "in", "between", "null", "like", "casei", "temporal", "spatial"]))
    if kind == "null":
        return {"op": "isNull", "args": [prop]}
    if kind == "in":
        return {"op": "in", "args": [prop, draw(st.lists(_strategy_for(q), min_size=1, max_size=4))]}
    if kind == "between":
        return {"op": "between", "args": [prop, lit, draw(_strategy_for(q))]}
    if kind in ("like", "casei") and q.type == "string":
        pattern = draw(st.text(alphabet="aRbo%_É", max_size=5))
        if kind == "casei":
            return {"op": draw(st.sampled_from(["like", "=", "<"])),
                    "args": [{"op": "casei", "args": [prop]}, {"op": "casei", "args": [pattern]}]}
        return {"op": "like", "args": [prop, pattern]}
    if kind == "temporal" and q.type in ("datetime", "date"):
        other = draw(_strategy_for(q))
        ends = sorted([next(iter(lit.values()))[:10], next(iter(other.values()))[:10]])
        target = draw(st.sampled_from([lit, {"interval": [draw(st.sampled_from([ends[0], ".."])),
                                                          draw(st.sampled_from([ends[1], ".."]))]}]))
        if "timestamp" in target and q.type == "date":
            target = {"date": target["timestamp"][:10]}
        op = draw(st.sampled_from(["t_intersects", "t_before", "t_after", "t_during"]))
        return {"op": op, "args": [prop, target]}
    if kind == "spatial":
        x0 = draw(st.integers(529500, 530400))
        y0 = draw(st.integers(179100, 180000))
        w, h = draw(st.integers(0, 500)), draw(st.integers(0, 500))
        if draw(st.booleans()):
            lit_geom: dict[str, Any] = {"bbox": [x0, y0, x0 + w, y0 + h]}
        else:
            lit_geom = {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + w + 1, y0], [x0, y0 + h + 1], [x0, y0]]]}
        return {"op": draw(st.sampled_from(["s_intersects", "s_within"])), "args": [{"property": "geometry"}, lit_geom]}
    return {"op": draw(st.sampled_from(["=", "<>", "<", "<=", ">", ">="])), "args": [prop, lit]}


@st.composite
def filters(draw: Any, depth: int = 0) -> dict[str, Any]:
    if depth >= 3 or draw(st.integers(0, 2)) == 0:
        return _comparison(draw)
    op = draw(st.sampled_from(["and", "or", "not"]))
    if op == "not":
        return {"op": "not", "args": [draw(filters(depth + 1))]}
    return {"op": op, "args": draw(st.lists(filters(depth + 1), min_size=2, max_size=3))}


CRS27700 = "http://www.opengis.net/def/crs/EPSG/0/27700"


@given(filters())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_filters_match_reference(engine: sa.Engine, expr: dict[str, Any]) -> None:
    cond = cql.to_sql(expr, incidents, QUERYABLES, engine.dialect.name, CRS27700)
    with engine.connect() as conn:
        got = sorted(r[0] for r in conn.execute(sa.select(incidents.c.id).where(cond)))
    assert got == sorted(r["id"] for r in ROWS if reference(expr, r, CRS27700) is True), expr
