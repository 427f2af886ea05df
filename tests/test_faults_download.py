"""Fault: the store process is killed (SIGKILL) in the middle of an f=fgb download.

The plugin must report it, leave no layer and no file, and a retry after the store is back must
succeed. A real store process serves a copy of the test store's database; between it and QGIS
sits a small forwarding proxy that passes bytes at a limited rate (test infrastructure only, so
the download is reliably still running when the store is killed; nothing of the plugin or the
store is mocked)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import STORE_BIN, free_port, sign_in, wait_for_task


class ThrottlingProxy:
    """Forwards 127.0.0.1:<port> to the store at `rate` bytes/s; survives the store dying."""

    def __init__(self, upstream_port: int, rate: int = 2_000_000) -> None:
        self.upstream_port, self.rate = upstream_port, rate
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30)
        except OSError:
            client.close()
            return
        threading.Thread(target=self._pipe, args=(client, upstream, None), daemon=True).start()
        self._pipe(upstream, client, self.rate)

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket, rate: int | None) -> None:
        try:
            while True:
                data = src.recv(16384)
                if not data:
                    break
                dst.sendall(data)
                if rate:
                    time.sleep(len(data) / rate)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self) -> None:
        self.stopped = True
        self.sock.close()


def _serve(db_url: str, port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen([str(STORE_BIN), "serve", "--db", db_url, "--host", "127.0.0.1", "--port", str(port)],
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("store did not start")


@pytest.fixture()
def killable_store(store, tmp_path):  # noqa: ANN001, ANN201
    db = tmp_path / "copy.sqlite"
    src = Path(store.db_url.removeprefix("sqlite:///"))
    subprocess.run(["sqlite3", str(src), f".backup '{db}'"], check=True) if shutil.which("sqlite3") else \
        shutil.copy(src, db)
    port = free_port()
    state = {"proc": _serve(f"sqlite:///{db}", port, tmp_path / "store.log"), "port": port,
             "db": f"sqlite:///{db}", "log": tmp_path / "store.log"}
    proxy = ThrottlingProxy(port)
    yield state, proxy
    proxy.close()
    if state["proc"].poll() is None:
        state["proc"].kill()


def test_store_killed_mid_download_leaves_nothing_and_retry_succeeds(session, store, killable_store,
                                                                      cache_store, qgis_new_project):
    from qgis.core import QgsProject

    from safestats.providers import errors
    from safestats.providers.layers import safestats_layers
    from safestats.providers.load_task import LayerLoader
    from safestats.providers.models import Query

    state, proxy = killable_store
    url = f"http://127.0.0.1:{proxy.port}"
    store_at_proxy = type(store)(url=url, password=store.password, users=store.users, db_url=state["db"],
                                 workdir=store.workdir)
    sign_in(session, store_at_proxy, "mopac")
    loader = LayerLoader(session, QgsProject.instance())
    query = Query("mps_crime")
    expected = session.client.count(query).value
    assert expected > 10_000  # a download of several MB: still running at the proxy's rate

    failed, loaded, progress = [], [], []
    task = loader.load(query)
    task.failed.connect(failed.append)
    task.loaded.connect(loaded.append)
    task.progressChanged.connect(progress.append)
    deadline = time.monotonic() + 60
    from qgis.core import QgsApplication
    while not [p for p in progress if p > 2] and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.01)
    assert progress and max(progress) < 100, "the download should be under way"
    state["proc"].kill()  # SIGKILL: no goodbye from the store
    wait_for_task(task, timeout=120)

    assert not loaded and len(failed) == 1
    error = failed[0]
    assert isinstance(error, (errors.DownloadIncomplete, errors.StoreUnreachable)), error
    assert error.user_message
    assert safestats_layers(QgsProject.instance()) == []
    assert list(cache_store.directory.glob("*")) == []  # no .fgb, no .part

    # the store comes back (same port, same database): the same load now works
    state["proc"] = _serve(state["db"], state["port"], state["log"])
    proxy.rate = 200_000_000
    task = loader.load(query)
    task.loaded.connect(loaded.append)
    wait_for_task(task, timeout=180)
    assert len(loaded) == 1 and loaded[0].featureCount() == expected
    loader.unload()
