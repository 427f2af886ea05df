"""Network failures give plain messages: unreachable store, unknown host, TLS, proxy.

These need endpoints the real store cannot play (a closed port, a self-signed TLS server, a
broken proxy), so small real sockets on 127.0.0.1 stand in; nothing is mocked inside QGIS.
"""
import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from safestats.providers import errors
from safestats.providers.client import StoreClient

from conftest import free_port


def test_unreachable_port(qgis_app):
    with pytest.raises(errors.StoreUnreachable) as exc:
        StoreClient(f"http://127.0.0.1:{free_port()}").conditions()
    assert "Nothing answered" in exc.value.user_message and "store URL" in exc.value.user_message


def test_unknown_host(qgis_app):
    with pytest.raises(errors.StoreUnreachable) as exc:
        StoreClient("https://safestats.invalid").conditions()
    assert "could not be found" in exc.value.user_message


def test_bad_url(qgis_app):
    with pytest.raises(errors.StoreUnreachable) as exc:
        StoreClient("safestats.london.gov.uk").conditions()
    assert "must start with https://" in exc.value.user_message


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = b'{"version":"x","purposes":[]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture()
def tls_server(tmp_path):
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    if shutil.which("openssl"):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                        str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    else:  # python3-cryptography (a QGIS dependency on Debian)
        import datetime
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID
        pk = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = datetime.datetime.now(datetime.timezone.utc)
        crt = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(pk.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now)
               .not_valid_after(now + datetime.timedelta(days=1)).sign(pk, hashes.SHA256()))
        key.write_bytes(pk.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()))
        cert.write_bytes(crt.public_bytes(serialization.Encoding.PEM))
    server = HTTPServer(("127.0.0.1", 0), _Hello)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert), str(key))
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_untrusted_certificate(qgis_app, tls_server):
    with pytest.raises(errors.TlsError) as exc:
        StoreClient(tls_server).conditions()
    assert "certificate" in exc.value.user_message and "Certificate Manager" in exc.value.user_message


def test_untrusted_certificate_from_a_task(qgis_app, tls_server):
    """The way the UI calls the store: in a QgsTask (QGIS's SSL handler runs on the main thread)."""
    from qgis.core import QgsApplication, QgsTask
    from conftest import wait_for_task
    caught = []

    def work(_task):
        try:
            StoreClient(tls_server).conditions()
        except errors.SafeStatsError as exc:
            caught.append(exc)
        return True

    task = QgsTask.fromFunction("tls", work)
    QgsApplication.taskManager().addTask(task)
    wait_for_task(task, timeout=60)
    assert len(caught) == 1 and isinstance(caught[0], errors.TlsError)


def test_https_to_plain_http_port(qgis_app):
    server = HTTPServer(("127.0.0.1", 0), _Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # sanity: the same server answers over plain HTTP
        assert StoreClient(f"http://127.0.0.1:{server.server_address[1]}").http.request(
            "GET", "/auth/conditions").status == 200
        with pytest.raises(errors.TlsError):
            StoreClient(f"https://127.0.0.1:{server.server_address[1]}").conditions()
    finally:
        server.shutdown()


@pytest.fixture()
def qgis_proxy(qgis_app):
    """Set QGIS's proxy (Options > Network) like a user would, restore afterwards."""
    from qgis.core import QgsNetworkAccessManager, QgsSettings
    keys = ("proxy/proxyEnabled", "proxy/proxyType", "proxy/proxyHost", "proxy/proxyPort")
    settings = QgsSettings()
    saved = {k: settings.value(k) for k in keys}

    def set_proxy(port: int) -> None:
        settings.setValue("proxy/proxyEnabled", True)
        settings.setValue("proxy/proxyType", "HttpProxy")
        settings.setValue("proxy/proxyHost", "127.0.0.1")
        settings.setValue("proxy/proxyPort", str(port))
        QgsNetworkAccessManager.instance().setupDefaultProxyAndCache()

    yield set_proxy
    for k, v in saved.items():
        if v is None:
            settings.remove(k)
        else:
            settings.setValue(k, v)
    settings.setValue("proxy/proxyEnabled", False)
    QgsNetworkAccessManager.instance().setupDefaultProxyAndCache()


def test_proxy_not_answering(qgis_proxy):
    qgis_proxy(free_port())
    with pytest.raises(errors.ProxyError) as exc:
        StoreClient("http://store.example.org").conditions()
    assert "proxy" in exc.value.user_message and "Settings > Options > Network" in exc.value.user_message


def test_proxy_wants_credentials(qgis_proxy):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    stop = threading.Event()

    def serve():
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n"
                         b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    qgis_proxy(sock.getsockname()[1])
    try:
        with pytest.raises(errors.ProxyError) as exc:
            StoreClient("http://store.example.org").conditions()
        assert "proxy user name and password" in exc.value.user_message
    finally:
        stop.set()
        sock.close()


def _one_shot_server(response: bytes, seen: list | None = None):
    """Answer every connection with ``response`` then close (a store that breaks off mid-body).
    Each request received is appended to ``seen`` when given."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    stop = threading.Event()

    def serve():
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            request = conn.recv(65536)
            if seen is not None:
                seen.append(request)
            conn.sendall(response)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return sock, stop


def test_truncated_download_leaves_no_file(qgis_app, tmp_path):
    body = b"\x66\x67\x62\x03" + b"x" * 5000
    sock, stop = _one_shot_server(b"HTTP/1.1 200 OK\r\nContent-Type: application/flatbuffers\r\n"
                                  b"Content-Length: 20000\r\nX-SafeStats-Count: 10\r\n\r\n" + body)
    try:
        client = StoreClient(f"http://127.0.0.1:{sock.getsockname()[1]}")
        with pytest.raises(errors.DownloadIncomplete) as exc:
            client.http.download("/collections/mps_crime/items", tmp_path / "dl" / "x.fgb", params={"f": "fgb"},
                                 token="not-a-real-token")
        assert "stopped before it was complete" in exc.value.user_message
        assert list((tmp_path / "dl").iterdir()) == []
    finally:
        stop.set()
        sock.close()


def test_download_error_body_is_mapped(qgis_app, tmp_path):
    payload = b'{"code": "aggregate_only", "description": "counts only"}'
    sock, stop = _one_shot_server(b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: "
                                  + str(len(payload)).encode() + b"\r\n\r\n" + payload)
    try:
        client = StoreClient(f"http://127.0.0.1:{sock.getsockname()[1]}")
        with pytest.raises(errors.AggregateOnly):
            client.http.download("/collections/mps_crime/items", tmp_path / "dl" / "x.fgb")
        assert list((tmp_path / "dl").iterdir()) == []
    finally:
        stop.set()
        sock.close()


def test_bearer_only_for_the_store_origin(qgis_app):
    from safestats.providers.http import HttpTransport
    t = HttpTransport("http://127.0.0.1:8765/")
    assert t.base_url == "http://127.0.0.1:8765"
    assert t.is_store_url("http://127.0.0.1:8765/collections?x=1")
    for other in ("http://127.0.0.1:8766/", "https://127.0.0.1:8765/", "http://localhost:8765/",
                  "http://evil.example/http://127.0.0.1:8765/"):
        assert not t.is_store_url(other)
    assert bytes(t._request(t.url("/auth/me"), "tok", "application/json").rawHeader(b"Authorization")) == b"Bearer tok"
    assert not t._request("http://evil.example/x", "tok", "application/json").hasRawHeader(b"Authorization")
    # parameters are percent-encoded once; the token never goes into a URL
    url = t.url("/collections/x/items", {"filter": "crime_type = 'A&B'", "dow": "1,2"})
    assert "filter=crime_type%20%3D%20%27A%26B%27" in url and "dow=1,2" in url and "tok" not in url


@pytest.mark.parametrize("where", ["main_thread", "task"])
def test_redirect_is_not_followed(qgis_app, where):
    """A redirect is reported with its target, and the token never reaches the other address.
    Main thread (QgsNetworkAccessManager, whose default policy follows such redirects on QGIS 3.40,
    Authorization header included): not followed at all. QgsTask (QgsBlockingNetworkRequest, which
    follows GET redirects by itself, without that header, on every version): its answer is refused."""
    from qgis.core import QgsApplication, QgsTask
    from conftest import wait_for_task
    elsewhere: list = []
    other, stop_other = _one_shot_server(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                         b"Content-Length: 2\r\n\r\n{}", elsewhere)
    target = f"http://localhost:{other.getsockname()[1]}/auth/conditions"  # http -> http: "no less safe"
    sock, stop = _one_shot_server(b"HTTP/1.1 301 Moved Permanently\r\nLocation: " + target.encode() +
                                  b"\r\nContent-Length: 0\r\n\r\n")
    caught: list = []

    def ask(_task=None):
        client = StoreClient(f"http://127.0.0.1:{sock.getsockname()[1]}")
        try:
            client.http.request("GET", "/auth/conditions", token="tok-must-stay-home")
        except errors.SafeStatsError as exc:
            caught.append(exc)
        return True

    try:
        if where == "task":
            task = QgsTask.fromFunction("redirect", ask)
            QgsApplication.taskManager().addTask(task)
            wait_for_task(task, timeout=60)
        else:
            ask()
        assert len(caught) == 1 and isinstance(caught[0], errors.StoreUnreachable), caught
        assert f"redirects elsewhere ({target})" in caught[0].user_message
        if where == "main_thread":
            assert elsewhere == [], elsewhere  # not even asked
        assert not any(b"tok-must-stay-home" in r for r in elsewhere), elsewhere
    finally:
        for event, s in ((stop, sock), (stop_other, other)):
            event.set()
            s.close()
