"""A short-lived, bounded cache of built FlatGeobuf extracts, so one extract answers HEAD and the
many `Range` requests GDAL's /vsicurl/ and QGIS make to read a file in place.

An entry is keyed by who asks (user, organisation, sign-in session, purpose), what their agreement
allows (the grant), what they asked (the query) and the dataset's data version (record count and
last refresh, both changed by every ingest): a cached extract is never served to another caller,
another session or agreement, or after new data arrived. Entries live ``ttl`` seconds from when
they were built; the cache holds at most ``max_entries`` extracts and ``max_bytes`` in total (an
extract larger than that is served once and not kept).

Files are unlinked as soon as they are opened: the cache holds only open descriptors, each
response reads through its own duplicate, so nothing is left on disk when an entry is evicted, a
client disconnects or the store is killed.
"""
from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from typing import Callable, Hashable, Iterable

EXTRACT_TTL_S = 300.0
EXTRACT_CACHE_BYTES = 512 * 1024 * 1024
EXTRACT_CACHE_ENTRIES = 32


@dataclass
class Extract:
    """A view of an extract for one response: its own descriptor (close it, or let ``iter_bytes``
    close it), the file size and the number of features."""
    fd: int
    size: int
    rows: int
    built: bool  # True when this request built it (and must audit it), False for a cache hit


@dataclass
class _Entry:
    fd: int
    size: int
    rows: int
    created: float


class ExtractCache:
    def __init__(self, ttl: float = EXTRACT_TTL_S, max_bytes: int = EXTRACT_CACHE_BYTES,
                 max_entries: int = EXTRACT_CACHE_ENTRIES, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.max_bytes, self.max_entries, self.clock = ttl, max_bytes, max_entries, clock
        self._entries: dict[Hashable, _Entry] = {}
        self._lock = threading.Lock()

    def _drop(self, key: Hashable) -> None:
        os.close(self._entries.pop(key).fd)

    def _expire(self, now: float) -> None:
        for key in [k for k, e in self._entries.items() if now - e.created >= self.ttl]:
            self._drop(key)

    def get_or_build(self, key: Hashable, build: Callable[[], tuple[str, int]]) -> Extract:
        """The extract for ``key``: a cached one if still fresh, else ``build()`` → (path, rows)."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            hit = self._entries.get(key)
            if hit is not None:
                return Extract(os.dup(hit.fd), hit.size, hit.rows, built=False)
        path, rows = build()  # outside the lock: other callers are not held up by a long extract
        fd = os.open(path, os.O_RDONLY)
        try:
            os.unlink(path)
            size = os.fstat(fd).st_size
            mine = os.dup(fd)
        except BaseException:
            os.close(fd)
            raise
        with self._lock:
            if size > self.max_bytes:
                os.close(fd)
            else:
                if key in self._entries:
                    self._drop(key)
                self._entries[key] = _Entry(fd, size, rows, self.clock())
                while len(self._entries) > self.max_entries or \
                        sum(e.size for e in self._entries.values()) > self.max_bytes:
                    self._drop(min(self._entries, key=lambda k: self._entries[k].created))
        return Extract(mine, size, rows, built=True)

    def clear(self) -> None:
        with self._lock:
            for key in list(self._entries):
                self._drop(key)


def iter_bytes(fd: int, start: int, length: int, chunk: int = 1 << 20) -> Iterable[bytes]:
    """``length`` bytes of ``fd`` from ``start`` (positional reads: descriptors shared with the
    cache keep no position), closing ``fd`` at the end or when the client goes away."""
    try:
        end = start + length
        while start < end:
            data = os.pread(fd, min(chunk, end - start), start)
            if not data:
                break
            start += len(data)
            yield data
    finally:
        os.close(fd)


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) byte of a single-range ``Range: bytes=…`` header, or None to send the whole
    file (no header, another unit, several ranges or bad syntax: RFC 9110 lets a server ignore
    those). Raises ValueError when the range lies wholly beyond the file (416)."""
    if not header:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    m = re.fullmatch(r"([0-9]*)-([0-9]*)", spec.strip())  # ASCII digits ("²".isdigit() is True)
    if m is None:
        return None
    first_s, last_s = m.groups()
    if first_s == last_s == "":
        return None
    if first_s == "":  # suffix: the last N bytes
        if last_s == "" or int(last_s) == 0:
            raise ValueError("empty suffix range")
        return max(0, size - int(last_s)), size - 1
    first = int(first_s)
    last = size - 1 if last_s == "" else min(int(last_s), size - 1)
    if last_s != "" and int(last_s) < first:
        return None
    if first >= size:
        raise ValueError("range starts beyond the end")
    return first, last
