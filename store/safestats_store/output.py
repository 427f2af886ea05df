"""Rows to GeoJSON features and to FlatGeobuf files."""
from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from typing import Any, Iterable, Sequence

import numpy as np
import pyogrio.raw
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


def _point_wkb(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    n = len(x)
    buf = np.zeros((n, 21), dtype=np.uint8)
    buf[:, 0] = 1  # little endian
    buf[:, 1] = 1  # wkbPoint
    buf[:, 5:13] = x.astype("<f8").view(np.uint8).reshape(n, 8)
    buf[:, 13:21] = y.astype("<f8").view(np.uint8).reshape(n, 8)
    out = np.empty(n, dtype=object)
    out[:] = [r.tobytes() for r in buf]
    return out


def _column_array(values: list[Any], ftype: str) -> np.ndarray:
    if ftype == "datetime":
        return np.array(values, dtype="datetime64[ms]")  # None becomes NaT
    if ftype == "integer":
        if any(v is None for v in values):
            return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
        return np.array(values, dtype=np.int64)
    if ftype == "number":
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr


def write_fgb(conn: Connection, ds: Dataset, table: Table, where: Any, props: Sequence[str], crs: str,
              directory: str | None = None) -> tuple[str, int]:
    """Write every matching row to a FlatGeobuf file (with spatial index); returns (path, rows)."""
    cx, cy = coord_columns(table, crs)
    fields = _fields_by_name(ds)
    stmt = select(table.c.id, cx.label("_cx"), cy.label("_cy"), *[table.c[p] for p in props]).where(where) \
        .order_by(table.c.id)
    rows = conn.execute(stmt).all()
    fd, path = tempfile.mkstemp(suffix=".fgb", dir=directory)
    os.close(fd)
    os.unlink(path)
    n = len(rows)
    xs = np.fromiter((r[1] for r in rows), dtype=np.float64, count=n)
    ys = np.fromiter((r[2] for r in rows), dtype=np.float64, count=n)
    if crs == EPSG4326:
        xs, ys = ys, xs
    columns = [np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)]
    for i, p in enumerate(props):
        columns.append(_column_array([r[3 + i] for r in rows], fields[p].type))
    pyogrio.raw.write(
        path, _point_wkb(xs, ys), columns, ["safestats_id", *props], driver="FlatGeobuf", geometry_type="Point",
        crs=CRS_TO_EPSG[crs], layer=ds.id, layer_options={"SPATIAL_INDEX": "YES"} if n else None)
    return path, n


def iter_file(path: str, chunk: int = 1 << 20) -> Iterable[bytes]:
    try:
        with open(path, "rb") as fh:
            while True:
                data = fh.read(chunk)
                if not data:
                    break
                yield data
    finally:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
