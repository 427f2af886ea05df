"""The extract process: jobs run in children of the worker's fork server, several at once; a child
that dies mid-way or a fork server that died is a clear failure or a restart, never a hang, and no
file is left behind."""
from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import psutil
import pyogrio
import pytest

from safestats_store import extract_process, output
from safestats_store.crs import EPSG27700_URI

PROPS = (("name", "string"), ("n", "integer"))


def _database(tmp_path: Path, rows: int) -> str:
    path = str(tmp_path / "points.sqlite")
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, x REAL, y REAL, name TEXT, n INTEGER)")
        conn.executemany("INSERT INTO p VALUES (?, ?, ?, ?, ?)",
                         [(i, 530_000 + i % 997, 180_000 + i % 991, f"point {i}", i % 7) for i in range(1, rows + 1)])
    return path


def _job(database: str, out: Path, sql: str = "SELECT id, x, y, name, n FROM p ORDER BY id") -> extract_process.Job:
    return extract_process.Job("sqlite", database, sql, (), (530_000.0, 180_000.0, 531_000.0, 181_000.0),
                               PROPS, output.fgb_crs(EPSG27700_URI), "points", str(out), 1000)


def test_several_extracts_at_once_each_get_their_own_file(tmp_path: Path) -> None:
    database = _database(tmp_path, 5_000)
    results: dict[int, int] = {}

    def one(i: int) -> None:
        results[i] = extract_process.run_in_child(_job(database, tmp_path / f"{i}.fgb"))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results == {i: 5_000 for i in range(6)}
    for i in range(6):
        _m, _f, _g, (ids, names, _n) = pyogrio.raw.read(tmp_path / f"{i}.fgb")
        assert sorted(ids) == list(range(1, 5_001)) and f"point {ids[0]}" == names[0]


def test_a_child_that_dies_mid_way_is_a_failure_and_leaves_no_file(tmp_path: Path) -> None:
    database = _database(tmp_path, 10)
    extract_process.warm()
    server = psutil.Process(extract_process._SERVER.proc.pid)
    slow = ("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c LIMIT 1000000000000) "
            "SELECT max(i), 0.0, 0.0, 'x', 1 FROM c")
    out = tmp_path / "killed.fgb"
    out.write_bytes(b"")  # as output.write_fgb leaves it: created, then filled by the child

    def kill_the_child() -> None:
        for _ in range(6000):  # the query never ends by itself: wait for its child, up to a minute
            children = server.children()
            if children:
                time.sleep(0.2)  # let it start reading
                children[0].kill()
                return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_the_child)
    killer.start()
    with pytest.raises(extract_process.ExtractFailed, match="ended without an answer"):
        extract_process.run_in_child(_job(database, out, slow))
    killer.join()
    assert not out.exists()
    assert extract_process.run_in_child(_job(database, tmp_path / "after.fgb")) == 10  # the server still serves


def test_a_dead_fork_server_is_started_again(tmp_path: Path) -> None:
    database = _database(tmp_path, 10)
    extract_process.warm()
    old = extract_process._SERVER.proc
    old.kill()
    old.wait(10)
    assert extract_process.run_in_child(_job(database, tmp_path / "a.fgb")) == 10
    assert extract_process._SERVER.proc.pid != old.pid


def test_a_failing_query_says_why(tmp_path: Path) -> None:
    database = _database(tmp_path, 10)
    job = _job(database, tmp_path / "bad.fgb", "SELECT id, x, y, nope, n FROM p")
    with pytest.raises(extract_process.ExtractFailed, match="nope"):
        extract_process.run_in_child(job)
    assert not (tmp_path / "bad.fgb").exists()


def test_a_writer_that_stops_early_never_waits_for_the_reader() -> None:
    """The writer fails after the first batch while the reader has already queued the last one:
    closing the read-ahead must not wait for room in a queue no one reads any more."""
    batches = extract_process._prefetched(iter([["first"], ["last"]]))
    assert next(batches) == ["first"]
    time.sleep(0.3)  # the reader queues "last" and reaches the end of its batches
    closer = threading.Thread(target=batches.close)
    closer.start()
    closer.join(10)
    assert not closer.is_alive()
