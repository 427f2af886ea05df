"""Answers that change only at ingest, kept in process.

A record-level ``/count`` is a pure function of the dataset's data, the caller's agreement and the
query. The data changes only at ingest, which sets the dataset's ``dataset_state`` (record count and
``last_refresh``, a new timestamp on every ingest, from whichever process ran it); every lookup
reads that state afresh, so an ingest invalidates every answer about its dataset at once in every
store worker, without any message between processes.

The key holds everything an answer depends on: the database, the dataset and its data version, the
organisation and its grant's terms (access, fields, area, history window as of now), and the
normalised query (parameters sorted, those that cannot change the answer left out). Counts-only
cells are not cached here: ``closed_table`` keeps their true values and publishes every answer
through ``disclosure``, so a cached cell is published exactly as a fresh one.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable, Mapping

from sqlalchemy import Connection, select

from . import db
from .rights import Grant

ANSWERS_MAX = 20_000
#: parameters that never change a count (paging, output CRS and properties, output format)
NOT_IN_COUNT = frozenset({"limit", "offset", "crs", "properties", "f"})


class Answers:
    """A bounded least-recently-used map of answers."""

    def __init__(self, max_entries: int = ANSWERS_MAX) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            self.misses += 1
        value = compute()  # outside the lock: a slow count does not hold up the others
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


ANSWERS = Answers()


def data_version(conn: Connection, dataset_id: str) -> tuple | None:
    """What every ingest of the dataset changes: (record count, last refresh)."""
    st = conn.execute(select(db.dataset_state.c.record_count, db.dataset_state.c.last_refresh)
                      .where(db.dataset_state.c.dataset_id == dataset_id)).first()
    return None if st is None else (st.record_count, st.last_refresh)


def grant_terms(grant: Grant) -> tuple:
    """Everything of an agreement's grant that decides which records it sees."""
    return (grant.dataset_id, grant.access, None if grant.fields is None else tuple(sorted(grant.fields)),
            grant.area_wkt, grant.history_months, grant.history_from())


def count(conn: Connection, org_id: str, grant: Grant, params: Mapping[str, str], compute: Callable[[], int]) -> int:
    """A record-level count for this organisation, grant, query and data version; ``compute()`` when
    it is not known yet. ``params`` must already have been validated (query.build)."""
    key = ("count", str(conn.engine.url), org_id, grant_terms(grant), data_version(conn, grant.dataset_id),
           tuple(sorted((k, v) for k, v in params.items() if k not in NOT_IN_COUNT)))
    return ANSWERS.get_or_compute(key, compute)
