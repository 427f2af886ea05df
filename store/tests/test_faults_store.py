"""Faults on the store side: the process killed during an ingest, PostgreSQL restarted under a
running store, and the store killed while it is answering (and auditing) requests.

- Ingest killed (SIGKILL) part-way through a 180k-row extract, on SQLite and on PostgreSQL: the
  table holds either none or all of the rows (never part), and ingesting again succeeds.
- PostgreSQL stopped under a running store (its own throwaway cluster): requests fail fast with a
  503 JSON answer (never hang, never a bare connection reset), and once PostgreSQL is back the same
  store process (not restarted) answers again, the pool having reconnected (pool_pre_ping).
- Store SIGKILLed while clients hammer it: every request the store acknowledged (HTTP 200) has its
  audit entry after the crash, and `safestats-store audit verify` passes.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

import psycopg
import pytest
import requests

from conftest import PASSWORD, STORE_DIR, Server, make_demo, run_cli
from pg import PostGIS, shared_postgis, start_postgis
from safety_support import start_store, stop_store
from safestats_store import db
from safestats_store.boundaries import save_geography
from safestats_store.catalogue import DATASETS
from safestats_store.synthetic import build_geography, generate_extract


# ----------------------------------------------------------------------------- ingest killed
@pytest.fixture(scope="module")
def big_extract(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    df = generate_extract(DATASETS["mps_crime"], build_geography(), date(2024, 1, 1), date(2025, 1, 1),
                          scale=0.2, seed=11)
    path = tmp_path_factory.mktemp("bigcsv") / "mps_big.csv"
    df.to_csv(path, index=False)
    return path, len(df)


def _empty_store(url: str) -> None:
    engine = db.make_engine(url)
    db.create_schema(engine)
    with engine.begin() as conn:
        save_geography(conn, build_geography())


def _rows(url: str) -> int:
    if "://" not in url:
        with sqlite3.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM ds_mps_crime").fetchone()[0]
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        return conn.execute("SELECT count(*) FROM ds_mps_crime").fetchone()[0]


def _writing(url: str, proc: subprocess.Popen) -> bool:
    """True once the ingest has started writing rows (uncommitted)."""
    if "://" not in url:
        wal = Path(url + "-wal")
        return wal.exists() and wal.stat().st_size > 2_000_000
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        return bool(conn.execute("SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'INSERT INTO ds_mps_crime%' "
                                 "AND state = 'active'").fetchone()[0])


@pytest.fixture(params=["sqlite", "postgis"])
def ingest_target(request: pytest.FixtureRequest, tmp_path: Path,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        url = str(tmp_path / "ingest.sqlite")
    else:
        pg = shared_postgis(tmp_path_factory)
        base = pg.url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS fault_ingest")
            conn.execute("CREATE DATABASE fault_ingest")
        url = base.rsplit("/", 1)[0] + "/fault_ingest"
    _empty_store(url)
    yield url


def test_ingest_killed_midway_leaves_none_or_all_and_reingest_succeeds(ingest_target: str,
                                                                       big_extract: tuple[Path, int]) -> None:
    url = ingest_target
    path, n = big_extract
    proc = subprocess.Popen([sys.executable, "-m", "safestats_store.cli", "ingest", "mps_crime", str(path),
                             "--db", url], cwd=STORE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    killed_while_writing = False
    while time.monotonic() < deadline and proc.poll() is None:
        if _writing(url, proc):
            time.sleep(0.3)  # well inside the batch inserts
            os.kill(proc.pid, signal.SIGKILL)
            killed_while_writing = True
            break
        time.sleep(0.05)
    proc.wait(30)
    assert killed_while_writing, "the ingest finished before it could be killed mid-write"
    assert proc.returncode == -signal.SIGKILL
    assert _rows(url) in (0, n), "a killed ingest left part of the extract"
    again = run_cli("ingest", "mps_crime", str(path), "--db", url)
    assert f"{n} rows read" in again.stdout
    assert _rows(url) == n


# ----------------------------------------------------------------------------- PostgreSQL restarted
def _pg_ctl(pg: PostGIS, action: str) -> None:
    datadir = pg._datadir
    assert datadir, "needs a cluster started by tests/pg.py"
    base = os.path.dirname(datadir)
    port = pg.url.rsplit(":", 1)[1].split("/")[0]
    cmd = list(pg._stop_cmd or [])
    prefix = cmd[:cmd.index(next(c for c in cmd if c.endswith("pg_ctl")))]
    pg_ctl = next(c for c in cmd if c.endswith("pg_ctl"))
    if action == "stop":
        args = [pg_ctl, "-D", datadir, "-m", "immediate", "-w", "stop"]
    else:
        opts = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        args = [pg_ctl, "-D", datadir, "-o", opts, "-l", os.path.join(base, "log"), "-w", "-t", "60", "start"]
    r = subprocess.run(prefix + args, capture_output=True, text=True, timeout=90)
    assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def own_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PostGIS, Server]]:
    pg = start_postgis(tmp_path_factory)
    if pg._datadir is None:
        pytest.skip("needs a throwaway cluster to restart (SAFESTATS_TEST_PG_URL is an external server)")
    url = pg.url.replace("postgresql+psycopg://", "postgresql://")
    make_demo(url)
    srv = start_store(url, tmp_path_factory.mktemp("pgrestart"), workers=2)
    yield pg, srv
    stop_store(srv)
    pg.stop()


def test_postgres_restart_under_the_store_fails_cleanly_and_recovers(own_pg: tuple[PostGIS, Server]) -> None:
    pg, srv = own_pg
    api = srv.session("westminster.analyst")
    paths = ["/collections", "/collections/mps_crime/count", "/collections/mps_crime/items?limit=5",
             "/collections/mps_crime/aggregates?by=borough", "/auth/me"]
    healthy = {p: api.get(p).status_code for p in paths}
    assert set(healthy.values()) == {200}
    _pg_ctl(pg, "stop")
    try:
        for p in paths * 2:
            t0 = time.monotonic()
            r = api.get(p)
            took = time.monotonic() - t0
            assert took < 15, f"{p} took {took:.1f} s with the database down"
            assert r.status_code == 503, (p, r.status_code, r.text[:200])
            assert r.json()["code"] == "unavailable" and r.headers["Retry-After"]
        # sign-in too
        for r in (requests.get(f"{srv.url}/auth/conditions", timeout=20),
                  requests.post(f"{srv.url}/auth/login", json={"username": "mopac.analyst", "password": PASSWORD,
                                                               "purpose": "crime_prevention"}, timeout=20)):
            assert r.status_code == 503 and r.json()["code"] == "unavailable", r.text[:200]
        # the store process itself stayed up
        assert srv.proc.poll() is None
    finally:
        _pg_ctl(pg, "start")
    # recovery without restarting the store: a few requests may still meet a stale connection
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all(api.get(p).status_code == 200 for p in paths):
            break
        time.sleep(0.5)
    assert {p: api.get(p).status_code for p in paths} == healthy
    assert srv.session("mopac.analyst").get("/collections").status_code == 200


# ----------------------------------------------------------------------------- audit survives a crash
def test_audit_log_survives_a_crash_and_verifies(demo_db: str, tmp_path: Path) -> None:
    # a private copy of the demo database: this test kills the store that writes it
    db_path = tmp_path / "crash.sqlite"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(db_path) as dst:
        src.backup(dst)
    srv = start_store(str(db_path), tmp_path)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    tokens = [srv.session(u).tokens["access_token"] for u in ("mopac.analyst", "camden.analyst",
                                                                "tfl.analyst")]

    def client(k: int) -> None:
        day = date(2024, 1, 1) + timedelta(days=k * 300)
        i = 0
        while not stop.is_set():
            d = (day + timedelta(days=i)).isoformat()
            i += 1
            try:
                r = requests.get(f"{srv.url}/collections/mps_crime/count", params={"datetime": d},
                                 headers={"Authorization": f"Bearer {tokens[k]}"}, timeout=10)
            except requests.RequestException:
                return
            if r.status_code == 200:
                with lock:
                    acknowledged.append(d)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    time.sleep(3)
    os.killpg(srv.proc.pid, signal.SIGKILL)  # no shutdown, no flush: a crash
    srv.proc.wait(10)
    stop.set()
    for t in threads:
        t.join(15)
    assert len(acknowledged) >= 20
    with sqlite3.connect(db_path) as conn:
        logged = {r[0] for r in conn.execute("SELECT json_extract(detail, '$.datetime') FROM audit "
                                             "WHERE action = 'count'")}
    missing = [d for d in acknowledged if d not in logged]
    assert not missing, f"{len(missing)} acknowledged requests have no audit entry: {missing[:5]}"
    verify = run_cli("audit", "verify", "--db", str(db_path))
    assert "audit chain OK" in verify.stdout
    # and the store starts again on the same database and keeps auditing
    srv2 = start_store(str(db_path), tmp_path)
    try:
        api = srv2.session("mopac.analyst")
        assert api.get("/collections/mps_crime/count").status_code == 200
    finally:
        stop_store(srv2)
    assert "audit chain OK" in run_cli("audit", "verify", "--db", str(db_path)).stdout


def test_bulk_downloads_leave_no_file_on_the_store_whatever_the_client_does(demo_db: str, tmp_path: Path) -> None:
    """The FlatGeobuf is built in a temporary file whose name is removed before the first byte is
    sent: a client that reads it all, stops half-way or never reads leaves nothing behind."""
    spool = tmp_path / "spool"
    spool.mkdir()
    srv = start_store(demo_db, tmp_path, env={"TMPDIR": str(spool)})
    try:
        api = srv.session("mopac.analyst")
        full = api.get("/collections/mps_crime/items", f="fgb")
        assert full.status_code == 200 and len(full.content) == int(full.headers["Content-Length"]) > 100_000
        for read in (0, 4096):  # never reads / stops half-way
            r = requests.get(f"{srv.url}/collections/mps_crime/items", params={"f": "fgb"}, headers=api.headers,
                             stream=True, timeout=60)
            assert r.status_code == 200
            if read:
                assert len(r.raw.read(read)) == read
            assert not list(spool.iterdir()), "the extract is on the store's disk while it is being sent"
            r.close()
        time.sleep(0.5)
        assert not list(spool.iterdir())
        assert api.get("/collections/mps_crime/count").status_code == 200  # the store is fine
    finally:
        stop_store(srv)
