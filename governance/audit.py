"""Client audit log: what was loaded, when, with which filter and purpose.

JSON lines in ``<QGIS profile>/safestats/audit.jsonl``. Only an allow-list of keys is
written, and values are checked so that no token, password or incident record can end up in
the file: the log says *that* 1,234 rows of mps_crime were loaded for crime_prevention with a
filter, never *what* those rows were.
"""
from __future__ import annotations

import json
import re
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional

EVENTS = frozenset({
    "sign_in", "sign_in_failed", "sign_out", "load", "load_failed", "load_cancelled", "refresh",
    "refetch", "export", "purge", "count", "load_counts", "refresh_counts",
})
ALLOWED_KEYS = frozenset({
    "event", "time", "user", "organisation", "store", "dataset", "filter", "filter_text", "purpose",
    "rows", "bytes", "layer", "destination", "reason", "files", "conditions_version", "error",
    "areas", "area_unit", "period",
})
#: the fields of every data-access entry, from the session (who, where from, why)
CONTEXT_KEYS = ("store", "user", "organisation", "purpose")
_SECRET_KEY = re.compile(r"token|password|secret|authorization|totp", re.IGNORECASE)
_JWT_LIKE = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")



def audit_context(session: Any) -> dict[str, Any]:
    """Who, where from and why (``CONTEXT_KEYS``) for an audit entry, from a ``SessionManager``
    (duck-typed: ``user``, ``store_url``, ``purpose``); ``None`` for what is not known (not written)."""
    user = getattr(session, "user", None) if session is not None else None
    return {"store": (getattr(session, "store_url", None) or None) if session is not None else None,
            "user": user.username if user else None,
            "organisation": user.organisation_name if user else None,
            "purpose": (getattr(session, "purpose", None) or None) if session is not None else None}


class AuditError(ValueError):
    pass


def default_path() -> Path:
    from .retention import safestats_dir
    return safestats_dir() / "audit.jsonl"


class AuditLog:
    def __init__(self, path: Optional[Path] = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._lock = threading.Lock()

    def record(self, event: str, **fields: Any) -> dict[str, Any]:
        """Append one entry. Unknown keys, secret-looking keys or token-like values are refused."""
        if event not in EVENTS:
            raise AuditError(f"unknown audit event {event!r}")
        for key in fields:
            if _SECRET_KEY.search(key):
                raise AuditError(f"refusing to audit a secret field {key!r}")
            if key not in ALLOWED_KEYS:
                raise AuditError(f"not an audit field: {key!r}")
        entry: dict[str, Any] = {"event": event,
                                 "time": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        entry.update({k: v for k, v in fields.items() if v is not None})
        line = json.dumps(entry, sort_keys=True, default=str, ensure_ascii=False)
        if _JWT_LIKE.search(line):
            raise AuditError("refusing to audit something that looks like a token")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        return entry

    def record_access(self, event: str, context: dict[str, Any], query: Any, **fields: Any) -> dict[str, Any]:
        """The one way a data access (a load, a refresh, counts) is recorded: who/where/why from
        ``context`` (``CONTEXT_KEYS``), what from ``query`` (its dataset, parameters and plain-English
        description), plus ``fields``. Raises AuditError or OSError when it cannot be written."""
        entry: dict[str, Any] = {k: context.get(k) for k in CONTEXT_KEYS}
        entry.update(dataset=query.dataset_id, filter=query.to_params(), filter_text=query.describe())
        entry.update(fields)
        return self.record(event, **entry)

    def entries(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return iter(())
        with open(self.path, encoding="utf-8") as fh:
            lines = [ln for ln in fh.read().splitlines() if ln.strip()]
        return iter(json.loads(ln) for ln in lines)

    def last(self, event: Optional[str] = None) -> Optional[dict[str, Any]]:
        found = None
        for e in self.entries():
            if event is None or e.get("event") == event:
                found = e
        return found
