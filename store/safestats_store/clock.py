"""The store's notion of 'now': naive UTC datetimes everywhere in the database.

Tests travel in time through ``SAFESTATS_CLOCK_OFFSET_FILE``: when that variable names a file,
its content (a whole number of seconds, e.g. ``1000``) is added to every ``utcnow()``, re-read
whenever the file changes, so a test moves a running store's clock forward without restarting it
(token and session expiry, agreement end dates). Production never sets it; the store logs a warning at start when it is set.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

OFFSET_ENV = "SAFESTATS_CLOCK_OFFSET_FILE"
_offset_file = os.environ.get(OFFSET_ENV) or None
_cached: tuple[float, timedelta] = (-1.0, timedelta(0))


def _offset() -> timedelta:
    global _cached
    try:
        mtime = os.stat(_offset_file).st_mtime_ns  # type: ignore[arg-type]
    except OSError:
        return timedelta(0)
    if mtime != _cached[0]:
        with open(_offset_file, encoding="ascii") as fh:  # type: ignore[arg-type]
            text = fh.read().strip()
        _cached = (mtime, timedelta(seconds=int(text or "0")))
    return _cached[1]


def utcnow() -> datetime:
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    return now + _offset() if _offset_file else now


def iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.strftime("%Y-%m-%dT%H:%M:%SZ")
