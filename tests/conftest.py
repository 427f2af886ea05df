"""Shared fixtures for the plugin tests (pytest + pytest-qgis).

* The plugin is imported the way QGIS imports it: package ``safestats`` from a plugins folder
  holding a ``safestats`` link to the checkout (never by the checkout's folder name).
* ``store``: the REAL SafeStats store (store/.venv/bin/safestats-store), demo data at a small
  scale in a temporary SQLite file, served on 127.0.0.1 at a free port for the whole session.
* ``store_http``: a tiny urllib client for asking the store directly (the "store's own
  answer" that plugin results are compared with). urllib is fine here: this is test-driver
  code outside QGIS, never plugin code.
"""
from __future__ import annotations

import atexit
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

REPO = Path(__file__).resolve().parent.parent
STORE_BIN = REPO / "store" / ".venv" / "bin" / "safestats-store"

# ---------------------------------------------------------------- import as QGIS does
_PLUGINS_DIR = Path(tempfile.mkdtemp(prefix="safestats-plugins-"))
(_PLUGINS_DIR / "safestats").symlink_to(REPO, target_is_directory=True)
sys.path.insert(0, str(_PLUGINS_DIR))
atexit.register(shutil.rmtree, _PLUGINS_DIR, True)

DEMO_USERS = {
    "mopac": "mopac.analyst",
    "westminster": "westminster.analyst",
    "tfl": "tfl.analyst",
    "hackney": "hackney.analyst",
    "homeoffice": "homeoffice.analyst",
    "herts": "herts.analyst",
    "westminster_admin": "westminster.admin",
    "gla_admin": "gla.admin",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class StoreProcess:
    url: str
    password: str = field(repr=False)
    users: dict[str, str]
    db_url: str
    workdir: Path
    process: Optional[subprocess.Popen] = field(default=None, repr=False)

    def user(self, key: str) -> str:
        return self.users[key]


def _die_with_parent() -> None:
    """Linux: the store gets SIGTERM if pytest dies (crash, kill), so no server is left behind."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"store exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise RuntimeError("store did not answer GET / in time")


def _start_store(tmp: Path, password: str, scale: str = "0.02", demo_args: tuple[str, ...] = ()) -> StoreProcess:
    if not STORE_BIN.exists():
        pytest.skip(f"store not installed ({STORE_BIN}); run store setup first")
    db_url = f"sqlite:///{tmp / 's.sqlite'}"
    env = dict(os.environ)
    log = open(tmp / "store.log", "wb")
    subprocess.run([str(STORE_BIN), "demo", "--db", db_url, "--scale", scale, "--password", password, *demo_args],
                   check=True, stdout=log, stderr=subprocess.STDOUT, env=env, timeout=600, cwd=tmp,
                   preexec_fn=_die_with_parent)
    port = free_port()
    proc = subprocess.Popen([str(STORE_BIN), "serve", "--db", db_url, "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp, preexec_fn=_die_with_parent)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, proc)
    except Exception:
        proc.kill()
        raise
    return StoreProcess(url=url, password=password, users=dict(DEMO_USERS), db_url=db_url, workdir=tmp,
                        process=proc)


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreProcess]:
    tmp = tmp_path_factory.mktemp("store")
    password = "Tst-" + secrets.token_urlsafe(12)
    sp = _start_store(tmp, password)
    yield sp
    if sp.process is not None:
        sp.process.terminate()
        try:
            sp.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sp.process.kill()


class StoreHttp:
    """Direct HTTP to the store for reference answers (test driver only)."""

    def __init__(self, store: StoreProcess) -> None:
        self.store = store
        self._tokens: dict[tuple[str, str], str] = {}

    def request(self, method: str, path: str, params: Optional[dict[str, Any]] = None,
                body: Any = None, token: Optional[str] = None) -> tuple[int, Any, dict[str, str]]:
        url = self.store.url + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                raw = r.read()
                headers = {k.lower(): v for k, v in r.headers.items()}
                status = r.status
        except urllib.error.HTTPError as e:
            raw = e.read()
            headers = {k.lower(): v for k, v in e.headers.items()}
            status = e.code
        ctype = headers.get("content-type", "")
        payload = json.loads(raw) if raw and "json" in ctype else raw
        return status, payload, headers

    def conditions(self) -> dict[str, Any]:
        return self.request("GET", "/auth/conditions")[1]

    def token(self, key: str, purpose: Optional[str] = None) -> str:
        conditions = self.conditions()
        purpose = purpose or conditions["purposes"][0]["id"]
        cache_key = (key, purpose)
        if cache_key not in self._tokens:
            status, payload, _ = self.request("POST", "/auth/login", body={
                "username": self.store.user(key), "password": self.store.password,
                "conditions_version": conditions["version"], "purpose": purpose})
            assert status == 200, payload
            self._tokens[cache_key] = payload["access_token"]
        return self._tokens[cache_key]

    def get(self, key: str, path: str, params: Optional[dict[str, Any]] = None) -> Any:
        status, payload, _ = self.request("GET", path, params, token=self.token(key))
        assert status == 200, (status, payload)
        return payload

    def count(self, key: str, dataset: str, params: dict[str, str]) -> int:
        return int(self.get(key, f"/collections/{dataset}/count", params)["numberMatched"])


@pytest.fixture(scope="session")
def store_http(store: StoreProcess) -> StoreHttp:
    return StoreHttp(store)


# ---------------------------------------------------------------- QGIS-side fixtures

MASTER_PASSWORD = "test-master-" + secrets.token_hex(4)


@pytest.fixture(scope="session")
def auth_db(qgis_app: Any) -> Any:
    """QGIS's authentication database (in pytest-qgis's temporary profile), unlocked."""
    from qgis.core import QgsApplication
    manager = QgsApplication.authManager()
    assert not manager.isDisabled(), manager.disabledMessage()
    if not manager.masterPasswordIsSet():
        # QGIS 3.22's auth code prints key-derivation debug lines on stderr: keep them out of test output
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        try:
            ok = manager.setMasterPassword(MASTER_PASSWORD, True)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)
        assert ok
    return manager


@pytest.fixture()
def cache_store(tmp_path: Path) -> Any:
    from safestats.governance.retention import CacheStore
    return CacheStore(tmp_path / "cache", days=28)


@pytest.fixture()
def audit_log(tmp_path: Path) -> Any:
    from safestats.governance.audit import AuditLog
    return AuditLog(tmp_path / "audit.jsonl")


@pytest.fixture()
def session(qgis_app: Any, auth_db: Any, cache_store: Any, audit_log: Any) -> Iterator[Any]:
    from safestats.providers.session import SessionManager
    s = SessionManager(cache=cache_store, audit=audit_log)
    yield s
    if s.is_signed_in:
        s.sign_out()
    s.forget_credentials()


def sign_in(session: Any, store: StoreProcess, key: str, purpose: Optional[str] = None,
            remember: bool = False) -> Any:
    conditions = session.fetch_conditions(store.url)
    return session.sign_in(store.url, store.user(key), store.password, conditions=conditions, accepted=True,
                           purpose=purpose or conditions.purposes[0].id, remember=remember)


@pytest.fixture()
def signed_in(session: Any, store: StoreProcess) -> Any:
    """A session signed in as the MOPAC analyst (all datasets, London-wide)."""
    sign_in(session, store, "mopac")
    return session


@pytest.fixture()
def plugin(qgis_app: Any, session: Any, auth_db: Any) -> Iterator[Any]:
    """The real plugin on a recording iface, with the test's session (temporary cache/audit)."""
    from qgis.core import QgsProject
    from safestats.plugin import SafeStatsPlugin
    from test_ui_support import RecordingIface, flush_deletes
    iface = RecordingIface()
    p = SafeStatsPlugin(iface, session=session)
    p.initGui()
    p.iface_double = iface
    yield p
    if session.is_signed_in:
        session.sign_out()
    p.unload()
    QgsProject.instance().removeAllMapLayers()
    QgsProject.instance().layerTreeRoot().removeAllChildren()
    iface.main_window.deleteLater()
    flush_deletes()


def wait_for_task(task: Any, timeout: float = 120.0) -> None:
    """Spin the Qt event loop until a QgsTask is done (finished() runs on this thread)."""
    from qgis.core import QgsApplication, QgsTask
    deadline = time.monotonic() + timeout
    done = {"v": False}
    task.taskCompleted.connect(lambda: done.__setitem__("v", True))
    task.taskTerminated.connect(lambda: done.__setitem__("v", True))
    while not done["v"]:
        if time.monotonic() > deadline:
            raise TimeoutError(f"task {task.description()} did not finish")
        if task.status() in (QgsTask.Complete, QgsTask.Terminated) and done["v"]:
            break
        QgsApplication.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        QgsApplication.processEvents()


@pytest.fixture(scope="session")
def short_ttl_store(store: StoreProcess) -> Iterator[StoreProcess]:
    """A second server on the same database whose access tokens live 3 seconds."""
    env = dict(os.environ, SAFESTATS_ACCESS_TTL="3")
    port = free_port()
    log = open(store.workdir / "store-short-ttl.log", "wb")
    proc = subprocess.Popen([str(STORE_BIN), "serve", "--db", store.db_url, "--host", "127.0.0.1", "--port",
                             str(port)], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=store.workdir,
                            preexec_fn=_die_with_parent)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, proc)
        yield StoreProcess(url=url, password=store.password, users=store.users, db_url=store.db_url,
                           workdir=store.workdir, process=proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture()
def qgis_messages(qgis_app: Any) -> Iterator[list[str]]:
    """Everything written to the QGIS message log during the test."""
    from qgis.core import QgsApplication
    seen: list[str] = []

    def on_message(message: str, tag: str, _level: Any) -> None:
        seen.append(f"[{tag}] {message}")

    QgsApplication.messageLog().messageReceived.connect(on_message)
    yield seen
    QgsApplication.messageLog().messageReceived.disconnect(on_message)


@pytest.fixture(scope="session", autouse=True)
def _keep_pytest_qgis_teardown_working(qgis_app: Any) -> Iterator[None]:
    """pytest-qgis 2.1 ends the session with ``legendLayersAdded.disconnect(app.processEvents)``;
    now and then PyQt no longer finds that connection and the run ends with a teardown ERROR
    although every test passed. Re-make the connection just before so the disconnect succeeds."""
    yield
    from qgis.core import QgsApplication, QgsProject
    project, app = QgsProject.instance(), QgsApplication.instance()
    if app is None:
        return
    try:
        project.legendLayersAdded.disconnect(app.processEvents)
    except TypeError:
        pass
    project.legendLayersAdded.connect(app.processEvents)
