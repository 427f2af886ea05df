"""Rows to GeoJSON features and to FlatGeobuf files."""
from __future__ import annotations

import itertools
import os
import tempfile
from datetime import date, datetime
from typing import Any, Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyogrio
from sqlalchemy import Connection, Table, select

from .catalogue import DERIVED_FIELDS, Dataset, Field
from .clock import iso
from .crs import EPSG4326_URI, EPSG27700_URI, PROJ_NAMES, normalise_crs

FGB_BATCH = 25_000


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


def _typed(col: pa.Array, ftype: str) -> pa.Array:
    """One fetched column as the extract's Arrow type. Datetimes are milliseconds (SQLite hands back
    its stored text, PostgreSQL timestamps); integers are 64-bit (ingest never stores an empty one)."""
    if ftype == "datetime":
        if not pa.types.is_timestamp(col.type):
            col = col.cast(pa.string()).cast(pa.timestamp("us"))
        return col.cast(pa.timestamp("ms"), safe=False)
    target = {"integer": pa.int64(), "number": pa.float64(), "date": pa.date32()}.get(ftype, pa.string())
    return col if col.type == target else col.cast(target)


def _sqlite_batches(conn: Connection, stmt: Any) -> Iterator[list[pa.Array]]:
    """SQLite: the store's own sqlite3 connection (it has the Python functions polygon and text
    filters call), its rows turned into Arrow one column at a time. Never a second SQLite library
    (such as the ADBC SQLite driver's) on the same file in this process: POSIX locks are per process,
    and one library closing the file drops the other's locks (sqlite.org/howtocorrupt.html, 2.2)."""
    cursor = conn.execute(stmt).cursor  # sqlite3 steps the statement as rows are fetched
    try:
        while rows := cursor.fetchmany(FGB_BATCH):
            cols = list(zip(*rows))
            del rows
            yield [pa.array(c) if any(v is not None for v in c) else pa.nulls(len(c)) for c in cols]
    finally:
        cursor.close()


def _postgres_batches(conn: Connection, stmt: Any) -> Iterator[list[pa.Array]]:
    import adbc_driver_postgresql.dbapi as adbc_pg
    import psycopg

    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    # psycopg binds the parameters into the statement text client-side (its own quoting): a statement
    # without parameters is read by the ADBC driver as a binary COPY, streamed batch by batch
    sql = psycopg.ClientCursor(conn.connection.driver_connection).mogrify(str(compiled), compiled.params)
    url = conn.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with adbc_pg.connect(url) as adbc, adbc.cursor() as cur:
        cur.adbc_statement.set_options(**{"adbc.postgresql.batch_size_hint_bytes": str(16 << 20)})
        cur.execute(sql)
        for batch in cur.fetch_record_batch():
            if batch.num_rows:
                yield list(batch.columns)


def write_fgb(conn: Connection, ds: Dataset, table: Table, where: Any, props: Sequence[str], crs: str,
              directory: str | None = None) -> tuple[str, int]:
    """Write every matching row to a FlatGeobuf file (with spatial index); returns (path, rows).

    Column-wise, FGB_BATCH rows at a time: PostgreSQL's rows arrive as Arrow batches from the ADBC
    driver's binary COPY (no Python object per row); SQLite's raw sqlite3 tuples (no SQLAlchemy rows,
    no per-value conversion in Python) become Arrow columns. The batches stream into GDAL's FlatGeobuf
    writer (``pyogrio.write_arrow``): memory holds one batch, never the selection.
    """
    cx, cy = coord_columns(table, crs)
    if crs == EPSG4326_URI:  # latitude, longitude
        cx, cy = cy, cx
    fields = _fields_by_name(ds)
    stmt = select(table.c.id, cx, cy, *[table.c[p] for p in props]).where(where).order_by(table.c.id)
    schema = pa.schema([("safestats_id", pa.int64()),
                        *[(p, _typed(pa.array([], pa.null()), fields[p].type).type) for p in props],
                        ("geometry", pa.binary())])
    raw = _sqlite_batches(conn, stmt) if conn.dialect.name == "sqlite" else _postgres_batches(conn, stmt)
    counted = [0]

    def batches() -> Iterator[pa.RecordBatch]:
        for cols in raw:
            counted[0] += len(cols[0])
            xs = cols[1].to_numpy(zero_copy_only=False)
            ys = cols[2].to_numpy(zero_copy_only=False)
            yield pa.record_batch([cols[0].cast(pa.int64()),
                                   *[_typed(cols[3 + i], fields[p].type) for i, p in enumerate(props)],
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
                            geometry_type="Point", crs=PROJ_NAMES[normalise_crs(crs)],
                            layer_options=None if first is None else
                            # features go to a temporary file beside the extract (not memory) until
                            # the index is built
                            {"SPATIAL_INDEX": "YES", "TEMPORARY_DIR": os.path.dirname(path)})
    except BaseException:
        os.unlink(path)  # a failed extract leaves no file behind on the store
        raise
    finally:
        raw.close()
    return path, counted[0]
