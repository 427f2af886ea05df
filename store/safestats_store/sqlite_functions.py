"""The SafeStats functions SQLite needs (no SpatiaLite), registered on every new connection.

* ``ss_within(x, y, wkb_hex)``: the point intersects the geometry (a cached prepared shapely
  geometry); :func:`safestats_store.spatial.within_geometry` writes the SQL that calls it.
* ``ss_like(value, pattern)`` and ``ss_casei(value)``: LIKE and CASEI of the CQL2 filters
  (:mod:`safestats_store.cql.like`), written by :mod:`safestats_store.cql.compile`.

Use from a SQLAlchemy ``"connect"`` event::

    @sqlalchemy.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):
        register(dbapi_connection)
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

import shapely
from shapely.geometry.base import BaseGeometry

from .cql.like import ascii_lower, like_match

SQLITE_WITHIN_FUNCTION = "ss_within"


@lru_cache(maxsize=128)
def _prepared(wkb_hex: str) -> BaseGeometry:
    geom = shapely.from_wkb(bytes.fromhex(wkb_hex))
    shapely.prepare(geom)
    return geom


def _sqlite_within(x: float | None, y: float | None, wkb_hex: str | None) -> int | None:
    if x is None or y is None or wkb_hex is None:
        return None
    return 1 if shapely.intersects_xy(_prepared(wkb_hex), float(x), float(y)) else 0


def _sqlite_like(value: Any, pattern: Any) -> int | None:
    if value is None or pattern is None:
        return None
    return 1 if like_match(str(value), str(pattern)) else 0


def _sqlite_casei(value: Any) -> str | None:
    return None if value is None else ascii_lower(str(value))


def functions() -> dict[str, tuple[int, Callable[..., Any]]]:
    """Name -> (number of args, implementation) of every SafeStats SQLite function."""
    return {SQLITE_WITHIN_FUNCTION: (3, _sqlite_within), "ss_like": (2, _sqlite_like), "ss_casei": (1, _sqlite_casei)}


def register(dbapi_connection: Any) -> None:
    """Register ``ss_within``, ``ss_like`` and ``ss_casei`` on a ``sqlite3`` connection."""
    for name, (nargs, fn) in functions().items():
        dbapi_connection.create_function(name, nargs, fn, deterministic=True)
