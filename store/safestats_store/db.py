"""Database schema and engine creation for both backends (SQLite file, PostgreSQL + PostGIS).

One SQLAlchemy Core metadata describes everything. Incident tables are generated from the
catalogue, one per dataset, so a dataset's columns are declared once (in catalogue.py).
Geometry is stored as EPSG:27700 x/y plus WGS84 lon/lat columns on both backends; PostgreSQL
also gets a generated PostGIS point column with a GiST index for exact polygon tests.
"""
from __future__ import annotations

import os
from functools import lru_cache

from sqlalchemy import (
    Boolean, Column, Date, DateTime, Engine, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text,
    create_engine, event, inspect, text,
)
from sqlalchemy.exc import OperationalError, ProgrammingError

from . import sqlite_functions
from .catalogue import DATASETS, Dataset

metadata = MetaData()

organisations = Table(
    "organisations", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),  # borough | police | agency | government | county
    Column("borough_code", String(9)),
)

agreements = Table(
    "agreements", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_id", String(64), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("suspended", Boolean, nullable=False, default=False),
)

grants = Table(
    "agreement_grants", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agreement_id", Integer, ForeignKey("agreements.id"), nullable=False, index=True),
    Column("dataset_id", String(40), nullable=False),
    Column("access", String(12), nullable=False),  # records | aggregate
    Column("fields", Text),  # JSON list of permitted dataset fields; NULL = all
    Column("area_wkt", Text),  # EPSG:27700 polygon; NULL = all London
    Column("area_name", String(200)),
    Column("history_months", Integer),  # NULL = full history
)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(120), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("org_id", String(64), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("role", String(20), nullable=False),  # analyst | org_admin | store_admin
    Column("password_hash", String(200), nullable=False),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("lock_count", Integer, nullable=False, default=0),
    Column("locked_until", DateTime),
    Column("totp_secret", String(64)),
    Column("totp_last_step", Integer),  # last TOTP time step used: a code is accepted once
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
)

conditions = Table(
    "conditions", metadata,
    Column("version", String(40), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("published_at", DateTime, nullable=False),
)

acceptances = Table(
    "acceptances", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("conditions_version", String(40), ForeignKey("conditions.version"), nullable=False),
    Column("purpose", String(60), nullable=False),
    Column("accepted_at", DateTime, nullable=False),
)

tokens = Table(
    "tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),  # access | refresh
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("family", String(32), nullable=False, index=True),
    Column("purpose", String(60), nullable=False),
    Column("conditions_version", String(40), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

personal_tokens = Table(  # personal access tokens (tokens.py): only the hash of the secret is kept
    "personal_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the whole token
    Column("prefix", String(12), nullable=False),  # "ssp_" + 8: what names a token in lists and the audit log
    Column("name", String(100), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("purpose", String(60), nullable=False),
    Column("conditions_version", String(40), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("last_used_at", DateTime),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("revoked_at", DateTime),
    Column("revoked_by", String(120)),
)

unknown_logins = Table(  # failed sign-ins for names that are no (active) account: locked like real ones
    "unknown_logins", metadata,
    Column("username_hash", String(64), primary_key=True),  # SHA-256 of the name tried, never the name
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("lock_count", Integer, nullable=False, default=0),
    Column("locked_until", DateTime),
    Column("last_attempt", DateTime, nullable=False, index=True),
)

audit = Table(
    "audit", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),  # ISO 8601 UTC, part of the hashed content
    Column("username", String(120)),
    Column("org_id", String(64), index=True),
    Column("action", String(40), nullable=False),
    Column("dataset_id", String(40)),
    Column("purpose", String(60)),
    Column("detail", Text, nullable=False),  # canonical JSON
    Column("rows", Integer),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

boundaries = Table(
    "boundaries", metadata,
    Column("code", String(12), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(10), nullable=False, index=True),  # borough | ward
    Column("parent_code", String(12)),
    Column("wkt", Text, nullable=False),  # EPSG:27700
    Column("minx", Float, nullable=False),
    Column("miny", Float, nullable=False),
    Column("maxx", Float, nullable=False),
    Column("maxy", Float, nullable=False),
)

boundary_vintages = Table(  # which boundaries are in use per level (boundary_import.py); one row per import
    "boundary_vintages", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("level", String(10), nullable=False),  # borough | ward
    Column("vintage", String(20), nullable=False),  # e.g. "2022"; "synthetic" for the demo's own
    Column("source", String(300), nullable=False),  # file name and the code/name columns used
    Column("file_sha256", String(64), nullable=False),
    Column("features", Integer, nullable=False),
    Column("imported_at", DateTime, nullable=False),
    Column("in_use", Boolean, nullable=False, default=False),
)

dataset_state = Table(
    "dataset_state", metadata,
    Column("dataset_id", String(40), primary_key=True),
    Column("record_count", Integer, nullable=False, default=0),
    Column("first_at", DateTime),
    Column("last_at", DateTime),
    Column("last_refresh", DateTime),
    # JSON {"time": {"month": n, "day": n}, "location": {"borough": n}}: records stored with less than
    # exact precision (formats/), counted at each ingest; NULL or {} = every record exact
    Column("precision_counts", Text),
)

ingests = Table(
    "ingests", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset_id", String(40), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("rows_in_file", Integer, nullable=False),
    Column("rows_added", Integer, nullable=False),
    Column("at", DateTime, nullable=False),
)

_SQL_TYPES = {"string": lambda: String(200), "integer": Integer, "number": Float, "datetime": DateTime, "date": Date}


def _incident_table(ds: Dataset) -> Table:
    cols = [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("source_id", String(80), nullable=False, unique=True),
        Column("occurred_at", DateTime, nullable=False),
        Column("x", Float, nullable=False),
        Column("y", Float, nullable=False),
        Column("lon", Float, nullable=False),
        Column("lat", Float, nullable=False),
        Column("borough_code", String(9)),
        Column("borough_name", String(60)),
        Column("ward_code", String(9)),
        Column("ward_name", String(80)),
        # NULL when the provider gives no time of day (time_precision 'month'): never invented
        Column("dow", Integer),
        Column("hour", Integer),
        # 'month' for month-only dates (police.uk): occurred_at is the 1st of that month, 00:00 London
        # time; NULL = exact date and time (every layout but police.uk's)
        Column("time_precision", String(8)),
        # 'borough' when the provider gives only a borough (TfL bus): the borough's representative
        # point, no ward; NULL = a real point
        Column("location_precision", String(8)),
        # cell-key perturbation (disclosure.py): random, set once at ingest, never output or queryable
        Column("rkey", Integer),
    ]
    cols += [Column(f.name, _SQL_TYPES[f.type]()) for f in ds.fields]
    t = Table(ds.table_name, metadata, *cols)
    cat = t.c[ds.category_field]
    Index(f"ix_{ds.id}_xy", t.c.x, t.c.y)
    # Covering indexes for the counts-only cells (closed_table): COUNT(*) and SUM(rkey) of a period,
    # optionally one category and one borough or ward, read from the index alone. Each also serves
    # every query its first column served as a single-column index (time, category, borough, ward).
    Index(f"ix_{ds.id}_cell_time", t.c.occurred_at, cat, t.c.borough_code, t.c.ward_code, t.c.rkey)
    Index(f"ix_{ds.id}_cell_cat", cat, t.c.occurred_at, t.c.rkey)
    Index(f"ix_{ds.id}_cell_borough", t.c.borough_code, t.c.occurred_at, cat, t.c.rkey)
    Index(f"ix_{ds.id}_cell_ward", t.c.ward_code, t.c.occurred_at, cat, t.c.rkey)
    return t


#: single-column indexes of databases made before the covering cell indexes (dropped by ``migrate``)
OLD_INDEXES = ("time", "cat", "borough", "ward")


incident_tables: dict[str, Table] = {ds.id: _incident_table(ds) for ds in DATASETS.values()}


def normalise_url(url: str) -> str:
    """Accept a plain file path, sqlite:///path or postgresql://... and return a SQLAlchemy URL."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("postgresql+"):
        return url
    if url.startswith("sqlite:"):
        return url
    return "sqlite:///" + os.path.abspath(url)


@lru_cache(maxsize=8)
def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
            sqlite_functions.register(dbapi_conn)
    else:
        # connect_timeout: a database host that does not answer fails the request in seconds, never hangs it
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                               connect_args={"connect_timeout": 5})
    return engine


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def create_schema(engine: Engine) -> None:
    if is_postgres(engine):
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    metadata.create_all(engine)
    migrate(engine)
    if is_postgres(engine):
        with engine.begin() as conn:
            for ds in DATASETS.values():
                t = ds.table_name
                conn.execute(text(
                    f"ALTER TABLE {t} ADD COLUMN IF NOT EXISTS geom geometry(Point, 27700) "
                    f"GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(x, y), 27700)) STORED"))
                conn.execute(text(f"CREATE INDEX IF NOT EXISTS ix_{ds.id}_geom ON {t} USING gist (geom)"))


def migrate(engine: Engine) -> int:
    """Bring an existing database up to this schema; returns the number of record keys backfilled.

    Incident tables made before cell-key perturbation get their ``rkey`` column, every row without a
    key gets a random one (once: later runs find none missing), and the covering cell indexes replace
    the single-column ones they extend. The keys are drawn by the
    database (SQLite's ``random()``, PostgreSQL's ``random()``), so a backfill of millions of rows is
    one UPDATE per table. Safe to run from several workers at once: a column another worker added
    first is not an error, and only rows still without a key are written.
    """
    from .disclosure import KEY_RANGE

    filled = 0
    insp = inspect(engine)
    if insp.has_table("dataset_state") and "precision_counts" not in {
            c["name"] for c in insp.get_columns("dataset_state")}:
        try:
            with engine.begin() as conn:
                conn.execute(text("ALTER TABLE dataset_state ADD COLUMN precision_counts TEXT"))
        except (OperationalError, ProgrammingError):  # added meanwhile by another worker
            pass
    for ds in DATASETS.values():
        t = ds.table_name  # from the catalogue, never from input
        if not insp.has_table(t):
            continue
        if "rkey" not in {c["name"] for c in insp.get_columns(t)}:
            try:
                with engine.begin() as conn:
                    conn.execute(text(f"ALTER TABLE {t} ADD COLUMN rkey INTEGER"))
            except (OperationalError, ProgrammingError):  # added meanwhile by another worker
                pass
        if "time_precision" not in {c["name"] for c in insp.get_columns(t)}:
            for col in ("time_precision", "location_precision"):
                try:
                    with engine.begin() as conn:
                        conn.execute(text(f"ALTER TABLE {t} ADD COLUMN {col} VARCHAR(8)"))
                except (OperationalError, ProgrammingError):  # added meanwhile by another worker
                    pass
            if is_postgres(engine):  # dow/hour may be NULL (month-only dates); SQLite: see docs/admin.md
                with engine.begin() as conn:
                    conn.execute(text(f"ALTER TABLE {t} ALTER COLUMN dow DROP NOT NULL, ALTER COLUMN hour DROP NOT NULL"))
        draw = (f"CAST(floor(random() * {KEY_RANGE}) AS INTEGER)" if is_postgres(engine)
                else f"(abs(random()) % {KEY_RANGE})")
        # the table name comes from the catalogue and the draw is a constant expression
        sql = f"UPDATE {t} SET rkey = {draw} WHERE rkey IS NULL"  # nosec B608
        with engine.begin() as conn:
            filled += conn.execute(text(sql)).rowcount or 0
        for idx in incident_tables[ds.id].indexes:
            try:
                with engine.begin() as conn:
                    idx.create(conn, checkfirst=True)
            except (OperationalError, ProgrammingError):  # created meanwhile by another worker
                pass
        with engine.begin() as conn:
            for old in OLD_INDEXES:
                conn.execute(text(f"DROP INDEX IF EXISTS ix_{ds.id}_{old}"))
    return filled
