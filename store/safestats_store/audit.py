"""Append-only, hash-chained audit log.

Each entry's hash is sha256(prev_hash + canonical JSON of the entry), so editing, deleting or
reordering any row breaks the chain from that row on; `verify` finds the first broken row.
Appends are serialised (a process lock on SQLite, a transaction-scoped advisory lock on
PostgreSQL so several workers can append safely) and committed before the response is sent.

Group commit: each process has one writer per database. ``append`` hands it the entry and waits
until that entry is committed; entries that arrive while a transaction is being written go
together into the next one (one lock, one read of the chain's head, one commit for all of them).
Alone, an entry is written at once. If a transaction fails, every caller whose entry was in it
gets the error, so no request whose audit entry was lost is answered.
"""
from __future__ import annotations

import hashlib
import json
import os
import queue
import threading
from concurrent.futures import Future
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
    """Append one entry; returns its sequence number once committed (group commit: see above)."""
    return _writer(engine).append((action, username, org_id, dataset_id, purpose, detail or {}, rows))


MAX_BATCH = 100  # entries in one transaction at most
_writers: dict[tuple[int, int], _Writer] = {}
_writers_lock = threading.Lock()


def _writer(engine: Engine) -> _Writer:
    key = (os.getpid(), id(engine))  # a forked child starts its own writer thread
    w = _writers.get(key)
    if w is None or w.engine is not engine:
        with _writers_lock:
            w = _writers.get(key)
            if w is None or w.engine is not engine:
                w = _writers[key] = _Writer(engine)
    return w


class _Writer:
    """A daemon thread that commits queued entries, as many as are waiting, one transaction each."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._queue: queue.SimpleQueue[tuple[tuple, Future[int]]] = queue.SimpleQueue()
        threading.Thread(target=self._run, name="audit-writer", daemon=True).start()

    def append(self, entry: tuple) -> int:
        done: Future[int] = Future()
        self._queue.put((entry, done))
        return done.result()  # the entry's seq once committed, or the transaction's error

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                seqs = _commit(self.engine, [entry for entry, _ in batch])
            except BaseException as exc:  # noqa: BLE001 - handed to every caller in the batch
                for _, done in batch:
                    done.set_exception(exc)
            else:
                for (_, done), seq in zip(batch, seqs):
                    done.set_result(seq)


def _commit(engine: Engine, entries: list[tuple]) -> list[int]:
    """Append ``entries`` in order in one transaction; their sequence numbers once committed."""
    if db.is_postgres(engine):
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY})
            return _append(conn, entries)
    with _sqlite_lock, engine.begin() as conn:
        return _append(conn, entries)


def _append(conn: Connection, entries: list[tuple]) -> list[int]:
    last = conn.execute(select(db.audit.c.seq, db.audit.c.hash).order_by(db.audit.c.seq.desc()).limit(1)).first()
    seq, prev = (0, GENESIS) if last is None else (last.seq, last.hash)
    rows, seqs = [], []
    for action, username, org_id, dataset_id, purpose, detail, n in entries:
        seq += 1
        entry = {"seq": seq, "at": iso(utcnow()), "username": username, "org_id": org_id, "action": action,
                 "dataset_id": dataset_id, "purpose": purpose, "detail": detail, "rows": n}
        prev_hash, prev = prev, entry_hash(prev, entry)
        rows.append(dict(seq=seq, at=entry["at"], username=username, org_id=org_id, action=action,
                         dataset_id=dataset_id, purpose=purpose, detail=_canonical(detail), rows=n,
                         prev_hash=prev_hash, hash=prev))
        seqs.append(seq)
    conn.execute(insert(db.audit), rows)
    return seqs


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
