"""Rows to GeoJSON features and to FlatGeobuf files."""
from __future__ import annotations

import itertools
import os
import tempfile
import uuid
from datetime import date, datetime
from typing import Any, Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyogrio
from sqlalchemy import Connection, Table, select

from .catalogue import DERIVED_FIELDS, Dataset, Field
from .clock import iso
from .query import CRS84, EPSG4326, EPSG27700

CRS_TO_EPSG = {CRS84: "OGC:CRS84", EPSG4326: "EPSG:4326", EPSG27700: "EPSG:27700"}
FGB_BATCH = 100_000


def coord_columns(table: Table, crs: str) -> tuple[Any, Any]:
    return (table.c.x, table.c.y) if crs == EPSG27700 else (table.c.lon, table.c.lat)


def _json_value(v: Any) -> Any:
    if isinstance(v, datetime):
        return iso(v)
    if isinstance(v, date):
        return v.isoformat()
    return v


def feature(row: Any, props: Sequence[str], crs: str) -> dict[str, Any]:
    a, b = row._cx, row._cy
    coords = [b, a] if crs == EPSG4326 else [a, b]  # EPSG:4326 is latitude, longitude
    return {"type": "Feature", "id": row.id, "geometry": {"type": "Point", "coordinates": coords},
            "properties": {p: _json_value(getattr(row, p)) for p in props}}


def _fields_by_name(ds: Dataset) -> dict[str, Field]:
    return {f.name: f for f in (*DERIVED_FIELDS, *ds.fields)}


def _point_wkb(x: np.ndarray, y: np.ndarray) -> pa.Array:
    """ISO WKB points as one Arrow binary array built from two buffers (no Python object per row)."""
    n = len(x)
    buf = np.zeros((n, 21), dtype=np.uint8)
    buf[:, 0] = 1  # little endian
    buf[:, 1] = 1  # wkbPoint
    buf[:, 5:13] = np.ascontiguousarray(x, dtype="<f8").view(np.uint8).reshape(n, 8)
    buf[:, 13:21] = np.ascontiguousarray(y, dtype="<f8").view(np.uint8).reshape(n, 8)
    offsets = np.arange(0, 21 * (n + 1), 21, dtype=np.int32)
    return pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(buf)])


def _arrow_column(values: Sequence[Any], ftype: str) -> pa.Array:
    """One column of a batch of raw database values as Arrow. Datetimes are milliseconds (SQLite hands
    back its stored text, PostgreSQL datetimes), integers 64-bit (ingest never stores an empty one)."""
    if ftype == "datetime":
        if values and any(isinstance(v, str) for v in values):
            return pa.array(values, pa.string()).cast(pa.timestamp("us")).cast(pa.timestamp("ms"), safe=False)
        return pa.array(values, pa.timestamp("us")).cast(pa.timestamp("ms"), safe=False)
    if ftype == "integer":
        return pa.array(values, pa.int64())
    if ftype == "number":
        return pa.array(values, pa.float64())
    if ftype == "date":
        return pa.array(values, pa.date32())
    return pa.array(values, pa.string())


def _raw_cursor(conn: Connection, stmt: Any) -> Any:
    """A DBAPI cursor running ``stmt`` that reads rows only as they are fetched.

    SQLite: sqlite3 steps the statement as rows are fetched (the connection's Python functions for
    polygon and text filters are there). PostgreSQL: a named (server-side) psycopg cursor, the
    statement compiled by SQLAlchemy with its parameters bound by psycopg; SQLAlchemy's own streaming
    result would read a row ahead into its buffer."""
    if conn.dialect.name == "sqlite":
        return conn.execute(stmt).cursor
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    cursor = conn.connection.driver_connection.cursor(name=f"ss_fgb_{uuid.uuid4().hex}")
    cursor.execute(str(compiled), compiled.params)
    return cursor


def write_fgb(conn: Connection, ds: Dataset, table: Table, where: Any, props: Sequence[str], crs: str,
              directory: str | None = None) -> tuple[str, int]:
    """Write every matching row to a FlatGeobuf file (with spatial index); returns (path, rows).

    Columnar: the database cursor's raw values (no SQLAlchemy rows, no per-value conversion in
    Python) are fetched FGB_BATCH rows at a time (a server-side cursor on PostgreSQL), turned into
    Arrow columns and streamed into GDAL's FlatGeobuf writer (``pyogrio.write_arrow``): memory holds
    one batch, never the selection.
    """
    cx, cy = coord_columns(table, crs)
    if crs == EPSG4326:  # latitude, longitude
        cx, cy = cy, cx
    fields = _fields_by_name(ds)
    stmt = select(table.c.id, cx, cy, *[table.c[p] for p in props]).where(where).order_by(table.c.id)
    schema = pa.schema([("safestats_id", pa.int64()),
                        *[(p, _arrow_column([], fields[p].type).type) for p in props],
                        ("geometry", pa.binary())])
    cursor = _raw_cursor(conn, stmt)  # plain tuples, none of SQLAlchemy's result processing
    counted = [0]

    def batches() -> Iterator[pa.RecordBatch]:
        while rows := cursor.fetchmany(FGB_BATCH):
            cols = list(zip(*rows))
            del rows
            counted[0] += len(cols[0])
            xs = np.fromiter(cols[1], np.float64, len(cols[1]))
            ys = np.fromiter(cols[2], np.float64, len(cols[2]))
            yield pa.record_batch([pa.array(cols[0], pa.int64()),
                                   *[_arrow_column(cols[3 + i], fields[p].type)
                                     for i, p in enumerate(props)],
                                   _point_wkb(xs, ys)], schema=schema)

    stream = batches()
    first = next(stream, None)
    fd, path = tempfile.mkstemp(suffix=".fgb", dir=directory)
    os.close(fd)
    try:
        if first is None:
            reader = pa.RecordBatchReader.from_batches(schema, [])
        else:
            reader = pa.RecordBatchReader.from_batches(schema, itertools.chain([first], stream))
        pyogrio.write_arrow(reader, path, layer=ds.id, driver="FlatGeobuf", geometry_name="geometry",
                            geometry_type="Point", crs=CRS_TO_EPSG[crs],
                            layer_options={"SPATIAL_INDEX": "YES"} if first is not None else None)
    except BaseException:
        os.unlink(path)  # a failed extract leaves no file behind on the store
        raise
    finally:
        cursor.close()
    return path, counted[0]
