"""Audit appends are committed together (group commit, issue 16) and still one by one in meaning:
each caller gets its own entry's sequence number only once that entry is committed, the chain
verifies, and a failed transaction fails every caller in it, so no request is answered without
its audit entry."""
from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import event

from conftest import start_server
from safestats_store import audit, db


@pytest.fixture()
def engine(tmp_path: Path) -> Any:
    engine = db.make_engine(str(tmp_path / "audit.sqlite"))
    db.create_schema(engine)
    yield engine
    engine.dispose()


def _append(engine: Any, who: str) -> int:
    return audit.append(engine, "count", username=who, org_id="camden", dataset_id="mps_crime",
                        purpose="crime_prevention", detail={"who": who}, rows=None)


def _run_together(engine: Any, names: list[str]) -> tuple[dict[str, Any], int]:
    """Append ``names`` from one thread each while the writer is held up, so they queue; returns
    each name's result (seq or exception) and the number of commits it took."""
    commits: list[int] = []

    def counted(_conn: Any) -> None:
        commits.append(1)

    event.listen(engine, "commit", counted)
    results: dict[str, Any] = {}

    def one(name: str) -> None:
        try:
            results[name] = _append(engine, name)
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            results[name] = exc

    _append(engine, "warm-up")  # the writer exists and is idle
    commits.clear()
    with audit._sqlite_lock:  # the writer's next transaction waits here ...
        threads = [threading.Thread(target=one, args=(n,)) for n in names]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while audit._writer(engine)._queue.qsize() < len(names) - 1 and time.monotonic() < deadline:
            time.sleep(0.01)  # ... while every other caller queues behind it
    for t in threads:
        t.join(30)
    event.remove(engine, "commit", counted)
    return results, len(commits)


def test_callers_queued_together_share_a_commit_and_each_gets_its_own_entry(engine: Any) -> None:
    names = [f"user{i}" for i in range(40)]
    results, commits = _run_together(engine, names)
    assert all(isinstance(results[n], int) for n in names)
    assert sorted(results.values()) == list(range(2, 42))  # seq 1 was the warm-up
    assert commits <= 3  # one transaction for the first, one (or two) for everyone queued behind it
    with sqlite3.connect(engine.url.database) as conn:
        by_seq = dict(conn.execute("SELECT seq, username FROM audit"))
    assert all(by_seq[results[n]] == n for n in names)  # the seq returned is that caller's own entry
    v = audit.verify(engine)
    assert v.ok and v.entries == 41


def test_a_failed_transaction_fails_every_caller_in_it_and_loses_nothing_else(engine: Any) -> None:
    with sqlite3.connect(engine.url.database) as conn:  # the database refuses one entry: a real failure
        conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON audit WHEN NEW.username = 'poison' "
                     "BEGIN SELECT RAISE(ABORT, 'audit refused'); END")
    names = ["poison", *[f"user{i}" for i in range(10)]]
    results, _ = _run_together(engine, names)
    failed = [n for n in names if isinstance(results[n], Exception)]
    assert "poison" in failed
    assert all("audit refused" in str(results[n]) for n in failed)
    with sqlite3.connect(engine.url.database) as conn:
        stored = {u for (u,) in conn.execute("SELECT username FROM audit")}
    assert not stored & set(failed)  # a caller told it failed has no entry ...
    assert {n for n in names if n not in failed} <= stored  # ... and one told it succeeded has its entry
    assert _append(engine, "after") > 0  # the writer goes on
    assert audit.verify(engine).ok


def test_one_append_alone_is_committed_at_once(engine: Any) -> None:
    t = time.perf_counter()
    seqs = [_append(engine, f"u{i}") for i in range(20)]
    assert seqs == list(range(1, 21))
    assert time.perf_counter() - t < 10
    assert audit.verify(engine).entries == 20


def test_a_request_whose_audit_entry_fails_is_not_answered(demo_db: str, tmp_path: Path) -> None:
    path = tmp_path / "refusing.sqlite"
    shutil.copy(demo_db, path)
    srv = start_server(str(path), tmp_path)
    try:
        api = srv.session("mopac.analyst")
        assert api.get("/collections/mps_crime/count").status_code == 200
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON audit WHEN NEW.action = 'count' "
                         "BEGIN SELECT RAISE(ABORT, 'audit refused'); END")
        r = requests.get(f"{srv.url}/collections/mps_crime/count", headers=api.headers, timeout=60)
        assert r.status_code >= 500 and "numberMatched" not in r.text
        with sqlite3.connect(path) as conn:
            conn.execute("DROP TRIGGER refuse")
        assert api.get("/collections/mps_crime/count").status_code == 200
    finally:
        srv.stop()
