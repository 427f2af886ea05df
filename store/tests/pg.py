"""Throwaway PostgreSQL + PostGIS cluster for tests.

``start_postgis(tmp_path_factory)`` starts a private cluster on a free port on 127.0.0.1 (trust
auth, loopback only), creates the ``postgis`` extension in the ``postgres`` database and returns
a :class:`PostGIS` handle (``.url`` is a SQLAlchemy URL, ``.stop()`` shuts it down).  It calls
``pytest.skip`` with a clear reason when PostgreSQL/PostGIS is not installed or cannot start.

Set ``SAFESTATS_TEST_PG_URL`` (``postgresql+psycopg://...``, database with PostGIS available) to
use an existing server instead.

``shared_postgis(tmp_path_factory)`` returns one cluster per test process (started on first use,
stopped at interpreter exit) so several test modules can share it.
"""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

ENV_URL = "SAFESTATS_TEST_PG_URL"


@dataclass
class PostGIS:
    """A running test server: ``url`` for SQLAlchemy; ``stop()`` is idempotent."""

    url: str
    _stop_cmd: list[str] | None = None
    _datadir: str | None = None
    _stopped: bool = field(default=False)

    def stop(self) -> None:
        if self._stopped or self._stop_cmd is None:
            return
        self._stopped = True
        subprocess.run(self._stop_cmd, capture_output=True, timeout=60)
        if self._datadir:
            shutil.rmtree(os.path.dirname(self._datadir), ignore_errors=True)


def _find_bindir() -> str | None:
    for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(path, "initdb")) and os.path.exists(os.path.join(path, "pg_ctl")):
            return path
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_postgis(tmp_path_factory: Any = None) -> PostGIS:
    """Start a throwaway PostGIS server (or use ``SAFESTATS_TEST_PG_URL``); skip if impossible."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed")
    if os.environ.get(ENV_URL):
        return PostGIS(url=os.environ[ENV_URL])
    bindir = _find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb/pg_ctl) not found")
    version = os.path.basename(os.path.dirname(bindir))
    if not glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control") and not glob.glob(
        "/usr/share/postgresql/*/extension/postgis.control"
    ):
        pytest.skip("PostGIS extension is not installed")

    prefix: list[str] = []
    base = tempfile.mkdtemp(prefix="safestats-pg-")
    if os.geteuid() == 0:  # initdb refuses to run as root: run the cluster as 'postgres'
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base, ignore_errors=True)
            pytest.skip("running as root and there is no 'postgres' user to own a test cluster")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        runuser = shutil.which("runuser")
        prefix = [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-s", "/bin/sh", "-c"]
    datadir = os.path.join(base, "data")
    port = _free_port()

    def cmd(args: list[str]) -> list[str]:
        if prefix and prefix[0] == "su":
            return prefix + [" ".join(_shquote(a) for a in args)]
        return prefix + args

    init = subprocess.run(
        cmd([os.path.join(bindir, "initdb"), "-D", datadir, "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8"]),
        capture_output=True, text=True, timeout=120,
    )
    if init.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"initdb failed: {init.stderr.strip()[:300]}")
    opts = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    start = subprocess.run(
        cmd([os.path.join(bindir, "pg_ctl"), "-D", datadir, "-o", opts, "-l", os.path.join(base, "log"),
             "-w", "-t", "60", "start"]),
        capture_output=True, text=True, timeout=120,
    )
    handle = PostGIS(
        url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
        _stop_cmd=cmd([os.path.join(bindir, "pg_ctl"), "-D", datadir, "-m", "immediate", "-w", "stop"]),
        _datadir=datadir,
    )
    if start.returncode != 0:
        handle.stop()
        pytest.skip(f"could not start PostgreSQL: {start.stderr.strip()[:300]}")
    try:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres",
                                     autocommit=True) as conn:
                    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    except Exception as exc:  # pragma: no cover - environment dependent
        handle.stop()
        pytest.skip(f"PostGIS is not usable: {exc}")
    return handle


def _shquote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


_SHARED: PostGIS | None = None
_SKIP_REASON: str | None = None


def shared_postgis(tmp_path_factory: Any = None) -> PostGIS:
    """One server per test process, stopped at exit (skips like :func:`start_postgis`)."""
    global _SHARED, _SKIP_REASON
    if _SKIP_REASON is not None:
        pytest.skip(_SKIP_REASON)
    if _SHARED is None:
        try:
            _SHARED = start_postgis(tmp_path_factory)
        except pytest.skip.Exception as exc:
            _SKIP_REASON = str(exc.msg) if hasattr(exc, "msg") else str(exc)
            raise
        atexit.register(_SHARED.stop)
    return _SHARED
