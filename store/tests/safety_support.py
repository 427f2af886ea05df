"""Helpers shared by the trust tests (test_security_*, test_fuzz_*, test_faults_*, test_load_short):
one PostGIS demo database per test process, and a store process with extra `serve` options
(several workers, another bind address, forwarded-allow-ips)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from conftest import STORE_DIR, Server, free_port, make_demo
from pg import shared_postgis

_PG_DEMO: dict[str, str] = {}


def pg_demo_url(tmp_path_factory: Any = None) -> str:
    """A demo database (same seed/scale as the SQLite one) in the shared test PostGIS cluster, made once
    per process in its own database so it never collides with other modules' demos."""
    if "url" not in _PG_DEMO:
        pg = shared_postgis(tmp_path_factory)
        import psycopg
        base = pg.url.replace("postgresql+psycopg://", "postgresql://")
        dsn = base.replace("postgresql://", "").split("@")[1]
        host_port, dbname = dsn.split("/")
        host, port = host_port.split(":")
        with psycopg.connect(host=host, port=port, user="postgres", dbname=dbname, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS safety_demo")
            conn.execute("CREATE DATABASE safety_demo")
        url = f"postgresql://postgres@{host}:{port}/safety_demo"
        make_demo(url)
        _PG_DEMO["url"] = url
    return _PG_DEMO["url"]


def start_store(db_url: str, tmp: Path, *, host: str = "127.0.0.1", workers: int = 1,
                extra: tuple[str, ...] = (), env: dict[str, str] | None = None,
                connect_host: str = "127.0.0.1", log_level: str = "warning") -> Server:
    """Like conftest.start_server, with `serve` options (workers, bind address, proxy trust...)."""
    port = free_port()
    log = tmp / f"store-{port}.log"
    fh = open(log, "w")  # noqa: SIM115 - the server process writes to it for its whole life
    proc = subprocess.Popen(
        [sys.executable, "-m", "safestats_store.cli", "serve", "--db", db_url, "--host", host, "--port", str(port),
         "--workers", str(workers), "--log-level", log_level, *extra],
        cwd=STORE_DIR, stdout=fh, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
        start_new_session=True)
    url = f"http://{connect_host}:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"store exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(url + "/", timeout=2).status_code in (200, 403):
                return Server(url, db_url, proc, log)
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("store did not start in 90 s")


def stop_store(server: Server) -> None:
    """Stop a store started with start_store, workers included (its own process group)."""
    import signal
    if server.proc.poll() is None:
        os.killpg(server.proc.pid, signal.SIGTERM)
        try:
            server.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(5)
