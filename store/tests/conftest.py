"""Shared fixtures: a demo database and a REAL store process on 127.0.0.1 (uvicorn subprocess).

Every HTTP test talks to that process with `requests`, exactly as an outside client would.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

STORE_DIR = Path(__file__).resolve().parents[1]
PASSWORD = "test-Password-2026"  # demo password used only by the test stores
TEST_SCALE = os.environ.get("SAFESTATS_TEST_SCALE", "0.01")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "safestats_store.cli", *args], cwd=STORE_DIR, text=True,
                          capture_output=True, env={**os.environ, **(env or {})}, check=check, timeout=900)


def make_demo(db_url: str) -> None:
    run_cli("demo", "--db", db_url, "--scale", TEST_SCALE, "--password", PASSWORD)


@dataclass
class Server:
    url: str
    db: str
    proc: subprocess.Popen
    log: Path

    def login(self, username: str, password: str = PASSWORD, purpose: str = "crime_prevention",
              accept: bool = True, **extra: Any) -> requests.Response:
        version = requests.get(f"{self.url}/auth/conditions", timeout=10).json()["version"] if accept else None
        return requests.post(f"{self.url}/auth/login", json={
            "username": username, "password": password, "conditions_version": version, "purpose": purpose, **extra},
            timeout=30)

    def session(self, username: str, **kw: Any) -> "Api":
        r = self.login(username, **kw)
        assert r.status_code == 200, r.text
        return Api(self.url, r.json())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@dataclass
class Api:
    url: str
    tokens: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(f"{self.url}{path}", params=params, headers=self.headers, timeout=120)

    def json(self, path: str, **params: Any) -> Any:
        r = self.get(path, **params)
        assert r.status_code == 200, f"{path} {params} -> {r.status_code} {r.text[:300]}"
        return r.json()


def start_server(db_url: str, tmp: Path, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    log = tmp / f"store-{port}.log"
    fh = open(log, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "safestats_store.cli", "serve", "--db", db_url, "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=STORE_DIR, stdout=fh, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"store exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(url + "/", timeout=1).status_code == 200:
                return Server(url, db_url, proc, log)
        except requests.ConnectionError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("store did not start in 60 s")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    make_demo(str(path))
    return str(path)


@pytest.fixture(scope="session")
def server(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(demo_db, tmp_path_factory.mktemp("srv"))
    yield srv
    srv.stop()
