"""Rows to GeoJSON features and to FlatGeobuf files."""
from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Iterator, Sequence

import pyarrow as pa
import pyproj
from shapely.geometry import box
from sqlalchemy import Connection, Table, literal, literal_column, select, union_all

from . import extract_process, fgb, spatial, sqlite_functions
from .catalogue import DERIVED_FIELDS, Dataset, Field
from .clock import iso
from .crs import EPSG4326_URI, EPSG27700_URI, PROJ_NAMES, normalise_crs

FGB_BATCH = 32_768  # rows per fetched batch


def coord_columns(table: Table, crs: str) -> tuple[Any, Any]:
    return (table.c.x, table.c.y) if crs == EPSG27700_URI else (table.c.lon, table.c.lat)


def _json_value(v: Any) -> Any:
    if isinstance(v, datetime):
        return iso(v)
    if isinstance(v, date):
        return v.isoformat()
    return v


def feature(row: Any, props: Sequence[str], crs: str) -> dict[str, Any]:
    a, b = row._cx, row._cy
    coords = [b, a] if crs == EPSG4326_URI else [a, b]  # EPSG:4326 is latitude, longitude
    return {"type": "Feature", "id": row.id, "geometry": {"type": "Point", "coordinates": coords},
            "properties": {p: _json_value(getattr(row, p)) for p in props}}


def _fields_by_name(ds: Dataset) -> dict[str, Field]:
    return {f.name: f for f in (*DERIVED_FIELDS, *ds.fields)}


_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime in SQLite (and binds it)


def _sqlite_param(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.strftime(_SQLITE_DATETIME)
    if isinstance(v, date):
        return v.isoformat()
    return int(v) if isinstance(v, bool) else v


def _placeholder_row(stmt: Any, fields: dict[str, Field]) -> Any:
    """A first row of non-empty values of each column's type (dropped again): the ADBC SQLite driver
    infers a column's type from the values of the first batch, and a batch whose text column is
    empty throughout would otherwise make it integers and fail on the first text."""
    defaults = {"string": "", "datetime": "", "date": "", "integer": 0, "number": 0.0}
    cols = [literal_column("-1"), literal_column("0.0"), literal_column("0.0")]
    cols += [literal(defaults[fields[c.name].type]) for c in list(stmt.selected_columns)[3:]]
    return select(*cols)


def _sqlite_rows(conn: Connection, stmt: Any) -> Iterator[list[pa.Array]]:
    """The store's own sqlite3 connection (it has the Python functions polygon and text filters
    call), its rows turned into Arrow one column at a time."""
    cursor = conn.execute(stmt).cursor  # sqlite3 steps the statement as rows are fetched
    try:
        while rows := cursor.fetchmany(FGB_BATCH):
            cols = list(zip(*rows))
            del rows
            yield [pa.array(c) if any(v is not None for v in c) else pa.nulls(len(c)) for c in cols]
    finally:
        cursor.close()


def _sqlite_sql(conn: Connection, stmt: Any) -> tuple[str, tuple[Any, ...]]:
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    return str(compiled), tuple(_sqlite_param(params[k]) for k in compiled.positiontup or ())


def _postgres_sql(conn: Connection, stmt: Any) -> str:
    import psycopg

    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    # psycopg binds the parameters into the statement text client-side (its own quoting): a statement
    # without parameters is read by the ADBC driver as a binary COPY, streamed batch by batch
    return psycopg.ClientCursor(conn.connection.driver_connection).mogrify(str(compiled), compiled.params)


#: Greater London with a margin, in EPSG:27700: where an extract's Hilbert curve is laid (ingest
#: keeps every incident inside a London borough; a point outside still gets the nearest cell)
LONDON_27700 = (495_000.0, 145_000.0, 570_000.0, 210_000.0)


@lru_cache(maxsize=None)
def curve_extent(crs: str) -> tuple[float, float, float, float]:
    """LONDON_27700 in the extract's coordinates and axis order (EPSG:4326: latitude, longitude)."""
    return spatial.from_27700(box(*LONDON_27700), crs).bounds


@lru_cache(maxsize=None)
def fgb_crs(crs: str) -> fgb.Crs:
    """The FlatGeobuf header's CRS, as GDAL writes it: authority and code, name and WKT2."""
    proj = pyproj.CRS.from_user_input(PROJ_NAMES[normalise_crs(crs)])
    org, code = proj.to_authority() or ("", "0")
    return fgb.Crs(org, int(code) if code.isdigit() else 0, proj.name, proj.to_wkt("WKT2_2019"))


def write_fgb(conn: Connection, ds: Dataset, table: Table, where: Any, props: Sequence[str], crs: str,
              directory: str | None = None, stats: dict[str, float] | None = None) -> tuple[str, int]:
    """Write every matching row to a FlatGeobuf file (with spatial index); returns (path, rows).

    Column-wise and in a process of its own (``extract_process``): the child reads Arrow batches
    through the ADBC driver of the backend and writes them with ``fgb.write_points``. SQLite
    statements that call the store's Python functions are read here, from the store's sqlite3
    connection, through the same writer. A failed extract leaves no file behind. ``stats`` (when
    given) receives the child's CPU seconds and peak RSS.
    """
    cx, cy = coord_columns(table, crs)
    if crs == EPSG4326_URI:  # latitude, longitude
        cx, cy = cy, cx
    fields = _fields_by_name(ds)
    stmt = select(table.c.id, cx, cy, *[table.c[p] for p in props]).where(where).order_by(table.c.id)
    types = tuple((p, fields[p].type) for p in props)
    fd, path = tempfile.mkstemp(suffix=".fgb", dir=directory)
    os.close(fd)
    try:
        box = curve_extent(crs)
        if conn.dialect.name == "sqlite":
            if any(f"{name}(" in _sqlite_sql(conn, stmt)[0] for name in sqlite_functions.functions()):
                return path, extract_process.write_rows(path, _sqlite_rows(conn, stmt), types, fgb_crs(crs), ds.id,
                                                        box)
            union = union_all(_placeholder_row(stmt, fields), stmt.order_by(None)).order_by(literal_column("1"))
            sql, params = _sqlite_sql(conn, union)
            job = extract_process.Job("sqlite", str(conn.engine.url.database), sql, params, box, types,
                                      fgb_crs(crs), ds.id, path, FGB_BATCH, skip_first_row=True)
        else:
            url = conn.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            job = extract_process.Job("postgresql", url, _postgres_sql(conn, stmt), (), box, types, fgb_crs(crs),
                                      ds.id, path, FGB_BATCH)
        return path, extract_process.run_in_child(job, stats)
    except BaseException:
        if os.path.exists(path):
            os.unlink(path)  # a failed extract leaves no file behind on the store
        raise
