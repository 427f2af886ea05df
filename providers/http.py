"""The ONE place in the plugin that does HTTP.

Everything goes through QGIS's own network stack (``QgsBlockingNetworkRequest`` and
``QgsNetworkAccessManager``) so the user's proxy settings, QGIS's certificate store / TLS
error handling and the network logger all apply. Works on the main thread and inside a
``QgsTask`` (each thread gets its own ``QgsNetworkAccessManager``).

* ``Authorization: Bearer`` is added only to requests for the store's own scheme/host/port.
* HTTP and JSON errors and ``QNetworkReply`` errors become the typed errors of ``errors.py``.
* Log lines (QgsMessageLog, tag "SafeStats") name method, path, status and time — never
  headers, request bodies, tokens or passwords.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import quote, urlencode, urlsplit

from qgis.core import (Qgis, QgsBlockingNetworkRequest, QgsFeedback, QgsMessageLog,
                       QgsNetworkAccessManager)
from qgis.PyQt.QtCore import QByteArray, QCoreApplication, QEventLoop, QThread, QTimer, QUrl
from qgis.PyQt.QtNetwork import QNetworkReply, QNetworkRequest

from ..governance.retention import remove_file
from . import errors
from ..governance.i18n import tr

LOG_TAG = "SafeStats"
USER_AGENT = b"SafeStats-QGIS-plugin"

_NE = QNetworkReply.NetworkError
_PROXY_ERRORS = {
    _NE.ProxyConnectionRefusedError, _NE.ProxyConnectionClosedError, _NE.ProxyNotFoundError,
    _NE.ProxyTimeoutError, _NE.ProxyAuthenticationRequiredError, _NE.UnknownProxyError,
}
_UNREACHABLE_ERRORS = {
    _NE.ConnectionRefusedError, _NE.RemoteHostClosedError, _NE.HostNotFoundError, _NE.TimeoutError,
    _NE.TemporaryNetworkFailureError, _NE.NetworkSessionFailedError, _NE.UnknownNetworkError,
    _NE.TooManyRedirectsError, _NE.InsecureRedirectError,
}


def log(message: str, level: Qgis.MessageLevel = Qgis.MessageLevel.Info) -> None:
    QgsMessageLog.logMessage(message, LOG_TAG, level)


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8")) if self.body else None
        except (UnicodeDecodeError, ValueError) as exc:
            raise errors.InvalidResponse(detail=f"not JSON: {exc}") from exc


ProgressCallback = Callable[[int, Optional[int]], None]


def _reply_headers(reply: Any) -> dict[str, str]:
    """The one header reader: lower-case names to values, from a QNetworkReply or QgsNetworkReplyContent."""
    return {bytes(name).decode("latin-1").lower(): bytes(reply.rawHeader(name)).decode("latin-1")
            for name in reply.rawHeaderList()}


def _wait_for_reply(reply: QNetworkReply, feedback: Optional[QgsFeedback], on_finished: Callable[[], None]) -> None:
    """The one event-loop scaffolding: wait in a local loop (no user input) until ``reply`` finishes
    or is deleted, aborting it when ``feedback`` is cancelled (checked every 100 ms).

    ``on_finished`` reads what is needed while the reply is certainly alive: after the loop returns,
    Qt may already have deleted it (seen on QGIS 3.22 in worker threads, about one download in twenty
    under test load: "wrapped C/C++ object ... has been deleted")."""
    loop = QEventLoop()

    def finished() -> None:  # a Qt slot: an escaping exception would abort QGIS (PyQt5 calls qFatal)
        try:
            on_finished()
        except Exception:  # noqa: BLE001 - a slot must never raise
            pass
        finally:
            loop.quit()

    def check_cancel() -> None:
        try:
            if feedback is not None and feedback.isCanceled() and reply.isRunning():
                reply.abort()
        except RuntimeError:  # already deleted
            pass

    reply.finished.connect(finished)
    reply.destroyed.connect(loop.quit)  # never wait for a reply that is gone
    timer = QTimer()
    timer.setInterval(100)
    timer.timeout.connect(check_cancel)
    timer.start()
    try:
        if reply.isFinished():
            finished()
        else:
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    finally:
        timer.stop()


def _redirect_error(target: str, status: Optional[int]) -> errors.SafeStatsError:
    """The store answered with a redirect: never followed, the user is told where it points."""
    text = (tr("The store address redirects elsewhere ({0}).").format(target) if target
            else tr("The store address redirects elsewhere."))
    return errors.StoreUnreachable(
        text + " " + tr("Check the store URL (for example https:// instead of http://) and use the address your "
                        "SafeStats team gave you."), status=status)


def _network_error(code: int, message: str, url: str, cancelled: bool) -> errors.SafeStatsError:
    """Map a QNetworkReply error (no usable HTTP answer) to a typed error."""
    host = urlsplit(url).netloc
    if code == _NE.OperationCanceledError:
        if cancelled:
            return errors.LoadCancelled(detail=message)
        # QgsNetworkAccessManager aborts requests that pass the QGIS network timeout
        return errors.StoreUnreachable(
            tr("The SafeStats store at {0} did not answer in time. Try again; if it keeps happening, "
               "raise the network timeout in QGIS (Settings > Options > Network) or check your connection.")
            .format(host), detail=message)
    if code == _NE.SslHandshakeFailedError or (code < 100 and "ssl" in message.lower()):
        return errors.TlsError(detail=message)
    if code in _PROXY_ERRORS:
        return errors.ProxyError(detail=message)
    proxy = proxy_in_use()
    if proxy and code in _UNREACHABLE_ERRORS:
        # Qt reports a dead HTTP proxy as a plain "connection refused"/"host not found"
        return errors.ProxyError(
            tr("The SafeStats store could not be reached through the network proxy {0} set in QGIS. "
               "Check the proxy settings (Settings > Options > Network) or ask your IT team; if you should "
               "not use a proxy for this address, add it to the proxy exclusions.").format(proxy), detail=message)
    if code == _NE.HostNotFoundError:
        return errors.StoreUnreachable(
            tr("The store address {0} could not be found. Check the spelling of the store URL and "
               "that you are connected to the network (or VPN).").format(host), detail=message)
    if code == _NE.ConnectionRefusedError:
        return errors.StoreUnreachable(
            tr("Nothing answered at {0}: the SafeStats store may be down or the address/port is wrong. "
               "Check the store URL, or try again later.").format(host), detail=message)
    return errors.StoreUnreachable(detail=message)


def on_main_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() == app.thread()


def proxy_in_use() -> str:
    """``host:port`` of the proxy QGIS is set to use (Options > Network), or ""."""
    from qgis.core import QgsSettings
    settings = QgsSettings()
    if not settings.value("proxy/proxyEnabled", False, type=bool):
        return ""
    kind = str(settings.value("proxy/proxyType", "") or "")
    if kind in ("DefaultProxy", "NoProxy"):
        return "(system proxy)" if kind == "DefaultProxy" else ""
    return f"{settings.value('proxy/proxyHost', '')}:{settings.value('proxy/proxyPort', '')}"


class HttpTransport:
    """Blocking HTTP to one store. Safe to use from a worker thread."""

    def __init__(self, base_url: str) -> None:
        base = base_url.strip().rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise errors.StoreUnreachable(
                tr("The store address must start with https:// (or http:// for a store on this computer), "
                   "for example https://safestats.london.gov.uk."))
        self.base_url = base
        self._origin = (parts.scheme, parts.hostname, parts.port)

    # ------------------------------------------------------------------ helpers

    def url(self, path: str, params: Optional[dict[str, Any]] = None) -> str:
        if path.startswith("http://") or path.startswith("https://"):
            url = path
        else:
            url = self.base_url + (path if path.startswith("/") else "/" + path)
        if params:
            query = urlencode({k: v for k, v in params.items() if v is not None}, quote_via=quote, safe=",:")
            url += ("&" if "?" in url else "?") + query
        return url

    def is_store_url(self, url: str) -> bool:
        p = urlsplit(url)
        return (p.scheme, p.hostname, p.port) == self._origin

    def _request(self, url: str, token: Optional[str], accept: str, content_type: Optional[str] = None
                 ) -> QNetworkRequest:
        req = QNetworkRequest(QUrl.fromEncoded(QByteArray(url.encode("ascii"))))
        req.setRawHeader(b"Accept", accept.encode("ascii"))
        req.setRawHeader(b"User-Agent", USER_AGENT)
        if content_type:
            req.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, content_type)
        if token and self.is_store_url(url):
            req.setRawHeader(b"Authorization", b"Bearer " + token.encode("ascii"))
        # the store's answers are per-user and sensitive: never take them from, or put them in, a cache
        req.setAttribute(QNetworkRequest.Attribute.CacheLoadControlAttribute, QNetworkRequest.CacheLoadControl.AlwaysNetwork)
        req.setAttribute(QNetworkRequest.Attribute.CacheSaveControlAttribute, False)
        # Never follow a redirect: the token must not travel to another address. Said on every
        # request because QgsNetworkAccessManager's default changed: QGIS 3.22 leaves Qt's manual
        # policy, QGIS 3.40 sets NoLessSafeRedirectPolicy, under which Qt follows http -> https or
        # same-scheme redirects to any host, Authorization header included.
        req.setAttribute(QNetworkRequest.Attribute.RedirectPolicyAttribute,
                         QNetworkRequest.RedirectPolicy.ManualRedirectPolicy)
        return req

    # ------------------------------------------------------------------ small requests

    def request(self, method: str, path: str, *, params: Optional[dict[str, Any]] = None,
                json_body: Any = None, token: Optional[str] = None, accept: str = "application/json",
                feedback: Optional[QgsFeedback] = None, timeout_ms: Optional[int] = None) -> HttpResponse:
        """Send one request and return the 2xx response; anything else raises a typed error.

        ``timeout_ms`` shortens the wait below QGIS's network timeout (e.g. sign-out at exit).

        In a worker thread (QgsTask) this uses ``QgsBlockingNetworkRequest``. On the main thread
        it sends through ``QgsNetworkAccessManager`` and waits in a local event loop that
        excludes user input: QGIS 3.22's blocking request on the main thread hands the request
        to a helper thread, and with a TLS certificate error that hand-over can hang for good
        (seen here with an untrusted certificate).
        """
        if feedback is not None and feedback.isCanceled():
            raise errors.LoadCancelled()  # never send a request that was cancelled before it left
        url = self.url(path, params)
        req = self._request(url, token, accept, "application/json" if json_body is not None else None)
        if timeout_ms and hasattr(req, "setTransferTimeout"):  # Qt >= 5.15
            req.setTransferTimeout(int(timeout_ms))
        method = method.upper()
        if method not in ("GET", "POST"):
            raise ValueError(f"unsupported method {method}")
        data = None
        if method == "POST":
            data = QByteArray(json.dumps(json_body if json_body is not None else {}).encode("utf-8"))
        started = time.monotonic()
        if on_main_thread():
            status, headers, body, err, err_text = self._send_with_event_loop(method, req, data, feedback)
        else:
            status, headers, body, err, err_text = self._send_blocking(method, req, data, feedback)
        ms = int((time.monotonic() - started) * 1000)
        log_path = urlsplit(url).path
        if not status:
            cancelled = bool(feedback is not None and feedback.isCanceled())
            log(f"{method} {log_path} failed after {ms} ms: {err_text}", Qgis.MessageLevel.Warning)
            raise _network_error(err, err_text, url, cancelled)
        response = HttpResponse(status, headers, body)
        log(f"{method} {log_path} -> {status} ({ms} ms)", Qgis.MessageLevel.Info if status < 400 else Qgis.MessageLevel.Warning)
        if status >= 300:
            raise self._http_error(response)
        return response

    @staticmethod
    def _send_blocking(method: str, req: QNetworkRequest, data: Optional[QByteArray],
                       feedback: Optional[QgsFeedback]) -> tuple[int, dict[str, str], bytes, int, str]:
        blocking = QgsBlockingNetworkRequest()
        if method == "GET":
            blocking.get(req, True, feedback)
        else:
            blocking.post(req, data, True, feedback)
        reply = blocking.reply()
        if reply.request().url() != req.url():
            # QgsBlockingNetworkRequest follows redirects itself (any policy, every QGIS version)
            raise _redirect_error(reply.request().url().toString(), None)
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        return (int(status or 0), _reply_headers(reply), bytes(reply.content()), int(reply.error()),
                reply.errorString() or blocking.errorMessage())

    @staticmethod
    def _send_with_event_loop(method: str, req: QNetworkRequest, data: Optional[QByteArray],
                              feedback: Optional[QgsFeedback]) -> tuple[int, dict[str, str], bytes, int, str]:
        nam = QgsNetworkAccessManager.instance()
        reply = nam.get(req) if method == "GET" else nam.post(req, data)
        answer: list = []

        def on_finished() -> None:
            status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
            answer.append((int(status or 0), _reply_headers(reply), bytes(reply.readAll()), int(reply.error()),
                           reply.errorString()))

        try:
            _wait_for_reply(reply, feedback, on_finished)
            if not answer:  # the reply went away before it finished
                return 0, {}, b"", int(_NE.UnknownNetworkError), "the network reply ended without finishing"
            return answer[0]
        finally:
            try:
                reply.deleteLater()
            except RuntimeError:  # already deleted
                pass

    def _http_error(self, response: HttpResponse) -> errors.SafeStatsError:
        try:
            body = json.loads(response.body.decode("utf-8")) if response.body else None
        except (UnicodeDecodeError, ValueError):
            body = None
        if response.status == 407:
            return errors.ProxyError(detail="proxy authentication required", status=407)
        if 300 <= response.status < 400:
            # never followed: the Authorization header must not travel to another address
            return _redirect_error(response.headers.get("location", ""), response.status)
        if body is None and response.status in (502, 503, 504):
            return errors.StoreUnreachable(
                tr("The SafeStats store is not answering just now (the server in front of it said "
                   "{0}). Try again in a few minutes.").format(response.status), status=response.status)
        return errors.error_from_store(response.status, body, response.headers.get("retry-after"))

    # ------------------------------------------------------------------ streaming download

    def download(self, path: str, dest: Path, *, params: Optional[dict[str, Any]] = None,
                 token: Optional[str] = None, accept: str = "application/flatbuffers",
                 feedback: Optional[QgsFeedback] = None,
                 progress: Optional[ProgressCallback] = None) -> HttpResponse:
        """Stream a GET response body into ``dest`` + ".part", verify it, then rename to ``dest``.

        On any failure or cancel the ``.part`` file is removed and nothing is left at ``dest``.
        Returns the response with an empty body (headers and status kept).
        """
        url = self.url(path, params)
        dest = Path(dest)
        part = dest.with_name(dest.name + ".part")
        req = self._request(url, token, accept)
        started = time.monotonic()
        part.parent.mkdir(parents=True, exist_ok=True)
        stream = _Stream(open(part, "wb"), feedback, progress)
        reply = QgsNetworkAccessManager.instance().get(req)
        try:
            stream.attach(reply)
            _wait_for_reply(reply, feedback, stream.on_finished)
            stream.fh.close()
            self._check_download(stream, url, feedback, started)
            os.replace(part, dest)
            log(f"GET {urlsplit(url).path} -> {stream.status}, {stream.written} bytes "
                f"({int((time.monotonic() - started) * 1000)} ms)")
            return HttpResponse(int(stream.status or 0), stream.headers, b"")
        except BaseException:
            if not stream.fh.closed:
                stream.fh.close()
            try:
                if reply.isRunning():
                    reply.abort()
            except RuntimeError:  # already deleted
                pass
            remove_file(part)
            raise
        finally:
            try:
                # deleted when this thread next runs an event loop (the next request here, at the latest)
                reply.deleteLater()
            except RuntimeError:  # already deleted
                pass

    def _check_download(self, stream: "_Stream", url: str, feedback: Optional[QgsFeedback], started: float) -> None:
        """Raise the typed error for a download that did not arrive whole (cancelled, disk, network, HTTP, size)."""
        log_path = urlsplit(url).path
        ms = int((time.monotonic() - started) * 1000)
        if feedback is not None and feedback.isCanceled():
            log(f"GET {log_path} cancelled after {stream.written} bytes ({ms} ms)")
            raise errors.LoadCancelled()
        if stream.failed is not None:
            raise errors.DownloadIncomplete(
                tr("The download could not be written to disk ({0}). Free some disk space and try again.")
                .format(stream.failed), detail=str(stream.failed))
        if stream.status is None:  # the reply went away before it finished
            log(f"GET {log_path} broke off after {stream.written} bytes (reply gone)", Qgis.MessageLevel.Warning)
            raise errors.DownloadIncomplete(detail="the network reply ended without finishing")
        if stream.status == 0:
            log(f"GET {log_path} failed after {ms} ms: {stream.error_text}", Qgis.MessageLevel.Warning)
            raise _network_error(stream.error, stream.error_text, url, False)
        if stream.status >= 300:
            log(f"GET {log_path} -> {stream.status} ({ms} ms)", Qgis.MessageLevel.Warning)
            raise self._http_error(HttpResponse(stream.status, stream.headers, stream.error_body))
        if stream.error != _NE.NoError:
            log(f"GET {log_path} broke off after {stream.written} bytes: {stream.error_text}", Qgis.MessageLevel.Warning)
            raise errors.DownloadIncomplete(detail=stream.error_text)
        expected = stream.headers.get("content-length")
        encoded = stream.headers.get("content-encoding", "identity").lower() not in ("", "identity")
        if expected is not None and not encoded and int(expected) != stream.written:
            log(f"GET {log_path}: got {stream.written} of {expected} bytes", Qgis.MessageLevel.Warning)
            raise errors.DownloadIncomplete(detail=f"{stream.written} of {expected} bytes")


class _Stream:
    """A download's body on its way into the ``.part`` file.

    Its methods run as Qt slots: an exception escaping one would abort the whole QGIS process
    (PyQt5 calls qFatal), so every failure is recorded in ``failed`` and the download aborted."""

    def __init__(self, fh: Any, feedback: Optional[QgsFeedback], progress: Optional[ProgressCallback]) -> None:
        self.fh = fh
        self.feedback = feedback
        self.progress = progress
        self.reply: Any = None
        self.written = 0
        self.error_body = b""
        self.failed: Optional[BaseException] = None
        self.status: Optional[int] = None  # set when the reply finished
        self.headers: dict[str, str] = {}
        self.error, self.error_text = 0, ""

    def attach(self, reply: QNetworkReply) -> None:
        self.reply = reply
        reply.readyRead.connect(self.on_ready_read)
        reply.downloadProgress.connect(self.on_progress)

    def _status_code(self) -> int:
        s = self.reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        return int(s) if s else 0

    def on_ready_read(self) -> None:
        reply = self.reply
        try:
            if self.feedback is not None and self.feedback.isCanceled():
                if reply.isRunning():
                    reply.abort()
                return
            chunk = bytes(reply.readAll())
            if self._status_code() >= 300:
                self.error_body += chunk[: 65536]
                return
            if self.fh.closed:
                return
            self.fh.write(chunk)
            self.written += len(chunk)
        except Exception as exc:  # noqa: BLE001 - disk full, permissions, a deleted reply...
            self.failed = exc
            try:
                reply.abort()
            except RuntimeError:
                pass

    def on_progress(self, received: int, total: int) -> None:
        try:
            if self.progress is not None:
                self.progress(received, total if total > 0 else None)
        except Exception as exc:  # noqa: BLE001 - progress display must never break a download
            log(f"progress callback failed: {type(exc).__name__}", Qgis.MessageLevel.Warning)

    def on_finished(self) -> None:
        try:
            self.on_ready_read()  # whatever is left in the buffer
            status = self._status_code()
            self.headers = _reply_headers(self.reply)
            self.error, self.error_text = int(self.reply.error()), self.reply.errorString()
            self.status = status
        except Exception as exc:  # noqa: BLE001 - a slot must never raise
            self.failed = self.failed or exc
