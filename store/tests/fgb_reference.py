"""The f=fgb writer as it was before issue 16 (``output.write_fgb`` of commit 41d753a: SQLAlchemy rows,
numpy columns, ``pyogrio.raw.write``), kept only as the reference the columnar writer is compared
against (test_extracts.py) and measured against (bench/bench_fgb_memory.py). Not used by the store."""
from __future__ import annotations

import os
import tempfile
from typing import Any, Sequence

import numpy as np
import pyogrio.raw
from sqlalchemy import Connection, Table, select

from safestats_store.catalogue import Dataset
from safestats_store.crs import PROJ_NAMES, normalise_crs
from safestats_store.output import _fields_by_name, coord_columns
from safestats_store.crs import EPSG4326_URI as EPSG4326

FGB_BATCH = 100_000


def _point_wkb(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    n = len(x)
    buf = np.zeros((n, 21), dtype=np.uint8)
    buf[:, 0] = 1
    buf[:, 1] = 1
    buf[:, 5:13] = x.astype("<f8").view(np.uint8).reshape(n, 8)
    buf[:, 13:21] = y.astype("<f8").view(np.uint8).reshape(n, 8)
    out = np.empty(n, dtype=object)
    out[:] = [r.tobytes() for r in buf]
    return out


def _column_array(values: list[Any], ftype: str) -> np.ndarray:
    if ftype == "datetime":
        return np.array(values, dtype="datetime64[ms]")
    if ftype == "integer":
        if any(v is None for v in values):
            return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
        return np.array(values, dtype=np.int64)
    if ftype == "number":
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr


def write_fgb_rows(conn: Connection, ds: Dataset, table: Table, where: Any, props: Sequence[str], crs: str,
                   directory: str | None = None) -> tuple[str, int]:
    cx, cy = coord_columns(table, crs)
    fields = _fields_by_name(ds)
    stmt = select(table.c.id, cx.label("_cx"), cy.label("_cy"), *[table.c[p] for p in props]).where(where) \
        .order_by(table.c.id)
    parts: list[list[np.ndarray]] = []
    shared: list[dict[Any, Any]] = [{} for _ in props]
    for batch in conn.execution_options(yield_per=FGB_BATCH).execute(stmt).partitions():
        cols = [np.array([r[0] for r in batch], dtype=np.int64), np.array([r[1] for r in batch], dtype=np.float64),
                np.array([r[2] for r in batch], dtype=np.float64)]
        for i, p in enumerate(props):
            values = [r[3 + i] for r in batch]
            if fields[p].type not in ("datetime", "integer", "number"):
                values = [shared[i].setdefault(v, v) for v in values]
            cols.append(_column_array(values, fields[p].type))
        parts.append(cols)
        del batch
    n = sum(len(c[0]) for c in parts)
    width = 3 + len(props)
    merged = [np.concatenate([c[k] for c in parts]) if parts else np.empty(0) for k in range(width)]
    parts.clear()
    ids, xs, ys = merged[0].astype(np.int64), merged[1].astype(np.float64), merged[2].astype(np.float64)
    if crs == EPSG4326:
        xs, ys = ys, xs
    columns = [ids]
    for i, p in enumerate(props):
        columns.append(merged[3 + i] if len(merged[3 + i]) else _column_array([], fields[p].type))
    fd, path = tempfile.mkstemp(suffix=".fgb", dir=directory)
    os.close(fd)
    try:
        pyogrio.raw.write(
            path, _point_wkb(xs, ys), columns, ["safestats_id", *props], driver="FlatGeobuf", geometry_type="Point",
            crs=PROJ_NAMES[normalise_crs(crs)], layer=ds.id, layer_options={"SPATIAL_INDEX": "YES"} if n else None)
    except BaseException:
        os.unlink(path)
        raise
    return path, n
