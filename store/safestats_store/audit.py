"""Append-only, hash-chained audit log.

Each entry's hash is sha256(prev_hash + canonical JSON of the entry), so editing, deleting or
reordering any row breaks the chain from that row on; `verify` finds the first broken row.
Appends are serialised (a process lock on SQLite, a transaction-scoped advisory lock on
PostgreSQL so several workers can append safely) and committed before the response is sent.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, text

from . import db
from .clock import iso, utcnow

GENESIS = "0" * 64
_sqlite_lock = threading.Lock()
_ADVISORY_KEY = 727_172_001


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(entry)).encode()).hexdigest()


def _entry_from_row(row: Any) -> dict[str, Any]:
    return {
        "seq": row.seq, "at": row.at, "username": row.username, "org_id": row.org_id, "action": row.action,
        "dataset_id": row.dataset_id, "purpose": row.purpose, "detail": json.loads(row.detail), "rows": row.rows,
    }


def append(engine: Engine, action: str, *, username: str | None = None, org_id: str | None = None,
           dataset_id: str | None = None, purpose: str | None = None, detail: dict[str, Any] | None = None,
           rows: int | None = None) -> int:
    """Append one entry in its own transaction; returns its sequence number once committed."""
    if db.is_postgres(engine):
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY})
            return _append(conn, action, username, org_id, dataset_id, purpose, detail or {}, rows)
    with _sqlite_lock, engine.begin() as conn:
        return _append(conn, action, username, org_id, dataset_id, purpose, detail or {}, rows)


def _append(conn: Connection, action: str, username: str | None, org_id: str | None, dataset_id: str | None,
            purpose: str | None, detail: dict[str, Any], rows: int | None) -> int:
    last = conn.execute(select(db.audit.c.seq, db.audit.c.hash).order_by(db.audit.c.seq.desc()).limit(1)).first()
    seq, prev = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    entry = {"seq": seq, "at": iso(utcnow()), "username": username, "org_id": org_id, "action": action,
             "dataset_id": dataset_id, "purpose": purpose, "detail": detail, "rows": rows}
    conn.execute(insert(db.audit).values(
        seq=seq, at=entry["at"], username=username, org_id=org_id, action=action, dataset_id=dataset_id,
        purpose=purpose, detail=_canonical(detail), rows=rows, prev_hash=prev, hash=entry_hash(prev, entry)))
    return seq


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str = ""
    head: str = ""  # "<seq>:<hash>" of the last entry: keep it outside the database


def verify(engine: Engine, expect_head: str | None = None) -> VerifyResult:
    """Check every link of the chain. ``expect_head`` ("<seq>:<hash>", printed by an earlier verify
    and kept elsewhere) also proves that no entry up to it was cut off the end since."""
    prev, expected_seq, n = GENESIS, 1, 0
    hashes: dict[int, str] = {}
    want_seq, _, want_hash = (expect_head or "").partition(":")
    with engine.connect() as conn:
        for row in conn.execute(select(db.audit).order_by(db.audit.c.seq)):
            n += 1
            if row.seq != expected_seq:
                return VerifyResult(False, n, row.seq, f"sequence gap: expected {expected_seq}")
            if row.prev_hash != prev:
                return VerifyResult(False, n, row.seq, "previous-hash link broken")
            if entry_hash(prev, _entry_from_row(row)) != row.hash:
                return VerifyResult(False, n, row.seq, "entry content does not match its hash")
            if expect_head and str(row.seq) == want_seq:
                hashes[row.seq] = row.hash
            prev, expected_seq = row.hash, expected_seq + 1
    head = f"{expected_seq - 1}:{prev}" if n else ""
    if expect_head:
        if not want_seq.isdigit() or not want_hash:
            return VerifyResult(False, n, None, "the expected head must be <seq>:<hash>", head)
        if int(want_seq) not in hashes:
            return VerifyResult(False, n, int(want_seq), "entries were removed from the end of the log "
                                f"(it ends at {expected_seq - 1}, the recorded head is {want_seq})", head)
        if hashes[int(want_seq)] != want_hash:
            return VerifyResult(False, n, int(want_seq), "the entry at the recorded head was rewritten", head)
    return VerifyResult(True, n, head=head)


def listing(engine: Engine, org_id: str | None, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    q = select(db.audit)
    c = select(func.count()).select_from(db.audit)
    if org_id is not None:
        q, c = q.where(db.audit.c.org_id == org_id), c.where(db.audit.c.org_id == org_id)
    with engine.connect() as conn:
        total = conn.execute(c).scalar_one()
        rows = conn.execute(q.order_by(db.audit.c.seq.desc()).limit(limit).offset(offset)).all()
    return total, [{**_entry_from_row(r), "hash": r.hash} for r in rows]
