"""One FlatGeobuf extract built in a process of its own.

A store worker hands the extract's SQL to a child process, which reads the rows as Arrow batches
through an ADBC driver (SQLite: the ADBC SQLite driver; PostgreSQL: the ADBC PostgreSQL driver's
binary COPY) and writes them with ``fgb.write_points``. Why a process:

- The ADBC SQLite driver is the fastest way from SQLite rows to Arrow (2.5 CPU s for 1M rows, against
  ~9 through the sqlite3 module's tuples), but it carries its own copy of the SQLite library, and two
  SQLite libraries on one file in one process break SQLite's POSIX locks (sqlite.org/howtocorrupt.html
  §2.2: one library closing its descriptor drops the other's locks; the store writes its audit log
  from other threads while an extract is read). In a process of its own the driver owns its locks.
- The extract's memory (the selection as Arrow columns, ~100 MiB for 1M points) is returned to the
  system when the child exits, not kept by the worker's allocator.
- The worker's interpreter lock stays free for the other requests it serves meanwhile.

Children are forked from a fork server (``serve``) that has imported only this module (numpy,
pyarrow, the writer): starting one costs milliseconds, not an interpreter start-up. (Not
``multiprocessing``'s forkserver: it re-imports the worker's ``__main__`` — the whole store — in
every child.) Jobs and answers are JSON over private socket pairs: nothing in the file system, so
no other process can reach the server. Nothing is written to logs; a
failure comes back as ``ExtractFailed`` with the child's message, and the partial file is removed.

SQLite statements that call the store's Python functions (polygon and text filters) cannot run on
the ADBC driver's connection; ``write_rows`` writes those from the store's own sqlite3 connection in
the worker, through the same writer.
"""
from __future__ import annotations

import dataclasses
import json
import os
import resource
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from queue import Full, Queue
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

import pyarrow as pa

from . import fgb

_ARROW_TYPES = {"integer": pa.int64(), "number": pa.float64(), "date": pa.date32(),
                "datetime": pa.timestamp("ms")}


class ExtractFailed(RuntimeError):
    """The extract process failed or ended without an answer."""


@dataclass(frozen=True)
class Job:
    """Everything the child needs. ``database`` is the SQLite file or the PostgreSQL URL (with its
    credentials: it travels over the fork server's private socket pair, never through a log or a
    command line)."""
    backend: str  # "sqlite" or "postgresql"
    database: str
    sql: str  # selects id, x, y, then ``props`` in order
    params: tuple[Any, ...]
    extent: tuple[float, float, float, float]  # where the Hilbert curve is laid (output.curve_extent)
    props: tuple[tuple[str, str], ...]  # (name, catalogue field type)
    crs: fgb.Crs
    name: str
    path: str
    batch_rows: int
    skip_first_row: bool = False  # SQLite: a placeholder row fixes the driver's column types


def schema(props: Sequence[tuple[str, str]]) -> pa.Schema:
    return pa.schema([("x", pa.float64()), ("y", pa.float64()), ("safestats_id", pa.int64()),
                      *[(p, _ARROW_TYPES.get(t, pa.string())) for p, t in props]])


def typed(col: pa.Array, ftype: str) -> pa.Array:
    """One fetched column as the extract's Arrow type. Datetimes are milliseconds (SQLite hands back
    its stored text, PostgreSQL timestamps); integers are 64-bit."""
    if ftype == "datetime":
        if not pa.types.is_timestamp(col.type):
            col = col.cast(pa.string()).cast(pa.timestamp("us"))
        return col.cast(pa.timestamp("ms"), safe=False)
    target = _ARROW_TYPES.get(ftype, pa.string())
    return col if col.type == target else col.cast(target)


def typed_batches(raw: Iterable[Sequence[pa.Array]], props: Sequence[tuple[str, str]]) -> Iterator[pa.RecordBatch]:
    """Fetched columns (id, x, y, properties…) as the writer's batches (x, y, id, properties…)."""
    out = schema(props)
    for cols in raw:
        yield pa.record_batch([cols[1].cast(pa.float64()), cols[2].cast(pa.float64()), cols[0].cast(pa.int64()),
                               *[typed(c, t) for c, (_p, t) in zip(cols[3:], props)]], schema=out)


def write_rows(path: str, raw: Iterable[Sequence[pa.Array]], props: Sequence[tuple[str, str]], crs: fgb.Crs,
               name: str, extent: fgb.Extent) -> int:
    """Write fetched columns to ``path`` in this process, the Hilbert curve laid over ``extent``."""
    return fgb.write_points(path, typed_batches(raw, props), schema(props), name, crs, extent)


def _connect(job: Job) -> tuple[Any, dict[str, str]]:
    if job.backend == "sqlite":
        import adbc_driver_sqlite.dbapi as driver
        conn = driver.connect(job.database)
        with conn.cursor() as cur:  # as patient as the store's own connections (db.make_engine)
            cur.execute("PRAGMA busy_timeout = 30000")
        return conn, {"adbc.sqlite.query.batch_rows": str(job.batch_rows)}
    import adbc_driver_postgresql.dbapi as pg_driver
    return pg_driver.connect(job.database), {"adbc.postgresql.batch_size_hint_bytes": str(16 << 20)}


def _batches(conn: Any, job: Job, options: dict[str, str]) -> Iterator[Sequence[pa.Array]]:
    with conn.cursor() as cur:
        cur.adbc_statement.set_options(**options)
        cur.execute(job.sql, job.params or None)
        first = job.skip_first_row
        for batch in cur.fetch_record_batch():
            if first:
                batch, first = batch.slice(1), False
            if batch.num_rows:
                yield list(batch.columns)


def _prefetched(batches: Iterator[Sequence[pa.Array]], depth: int = 1) -> Iterator[Sequence[pa.Array]]:
    """The batches, read ahead by a thread of their own: the driver fetches the next batch (without
    the interpreter lock) while this thread encodes the last one, so an extract uses both cores."""
    queue: Queue[Any] = Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def offer(item: Any) -> bool:
        """Queue ``item`` unless the consumer has stopped (it may never take another)."""
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def read() -> None:
        try:
            for batch in batches:
                if not offer(batch):
                    return
            offer(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            offer(exc)

    reader = threading.Thread(target=read, name="extract-read", daemon=True)
    reader.start()
    try:
        while (item := queue.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def run(job: Job) -> int:
    """Build the extract in this process (the child's work); returns the number of features."""
    conn, options = _connect(job)
    with conn:
        return write_rows(job.path, _prefetched(_batches(conn, job, options)), job.props, job.crs, job.name,
                          job.extent)


def _job_from(data: dict[str, Any]) -> Job:
    return Job(**{**data, "params": tuple(data["params"]), "extent": tuple(data["extent"]),
                  "props": tuple(tuple(p) for p in data["props"]), "crs": fgb.Crs(**data["crs"])})


def _send(sock: socket.socket, message: dict[str, Any]) -> None:
    body = json.dumps(message).encode()
    sock.sendall(struct.pack(">I", len(body)) + body)


def _receive(sock: socket.socket) -> dict[str, Any] | None:
    """One message, or None when the other side closed the connection first."""
    def exactly(n: int) -> bytes | None:
        data = b""
        while len(data) < n:
            part = sock.recv(n - len(data))
            if not part:
                return None
            data += part
        return data
    head = exactly(4)
    body = None if head is None else exactly(struct.unpack(">I", head)[0])
    return None if body is None else json.loads(body)


def _serve_one(conn: socket.socket) -> None:
    """A forked child: one job in, one answer out."""
    data = _receive(conn)
    if data is None:
        return
    try:
        rows = run(_job_from(data))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        answer = {"rows": rows, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mib": usage.ru_maxrss / 1024}
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the worker
        answer = {"error": f"{type(exc).__name__}: {exc}"}
    _send(conn, answer)


def _prepare_children() -> None:
    """What every child would otherwise do first, done once in the server: import both drivers and
    run the writer's kernels on one point (Arrow's function registry, numpy's casts)."""
    import adbc_driver_postgresql.dbapi  # noqa: F401
    import adbc_driver_sqlite.dbapi  # noqa: F401

    props = (("occurred_at", "datetime"), ("name", "string"), ("n", "integer"))
    raw = [[pa.array([1]), pa.array([1.0]), pa.array([2.0]), pa.array(["2025-01-01 00:00:00.000000"]),
            pa.array(["a"]), pa.array([1])]]
    with tempfile.TemporaryDirectory() as tmp:
        write_rows(os.path.join(tmp, "warm.fgb"), raw, props, fgb.Crs("EPSG", 27700, "warm-up"), "warm",
                   (1.0, 2.0, 1.0, 2.0))


def serve(control_fd: int) -> None:
    """The fork server: a process that has imported only this module. The store worker that
    started it sends, over a private socket pair (``control_fd``), one end of a new socket pair per
    extract; a forked child serves that job on it. No socket exists in the file system, so nothing
    else can reach the server. It ends when the worker closes its end (or dies)."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children
    _prepare_children()
    control = socket.socket(fileno=control_fd)
    control.sendall(b"r")  # ready
    while True:
        message, fds, _flags, _addr = socket.recv_fds(control, 1, 1)
        if not message:
            break
        for fd in fds:
            conn = socket.socket(fileno=fd)
            if os.fork() == 0:
                code = 0
                try:
                    control.close()
                    _serve_one(conn)
                except BaseException:  # noqa: BLE001 - the worker sees a closed connection
                    code = 1
                finally:
                    os._exit(code)
            conn.close()


class _Server:
    """This store worker's fork server (started once, restarted if it died)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None
        self.control: socket.socket | None = None

    def _start(self) -> None:
        mine, theirs = socket.socketpair()
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1",
               "PYTHONPATH": os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")])}
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", __name__, str(theirs.fileno())],
                                         pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL)
        finally:
            theirs.close()
        if mine.recv(1) != b"r":
            mine.close()
            raise ExtractFailed("the extract server did not start")
        self.control = mine

    def connect(self) -> socket.socket:
        """A new connection to a child of the fork server (started first if need be)."""
        mine, theirs = socket.socketpair()
        try:
            with self.lock:
                if self.proc is None or self.proc.poll() is not None or self.control is None:
                    self._start()
                assert self.control is not None
                socket.send_fds(self.control, [b"j"], [theirs.fileno()])
        except BaseException:
            mine.close()
            raise
        finally:
            theirs.close()
        return mine


_SERVER = _Server()


def warm() -> None:
    """Start the fork server now (an interpreter importing this module, ~0.3 s), not on the first
    extract: the store calls this at start-up."""
    with _SERVER.lock:
        if _SERVER.proc is None or _SERVER.proc.poll() is not None:
            _SERVER._start()


def run_in_child(job: Job, stats: dict[str, float] | None = None) -> int:
    """Build the extract in a child process; returns the number of features (and puts the child's
    CPU seconds and peak RSS into ``stats`` when given). Raises ExtractFailed (and leaves no file at
    ``job.path``) when the child fails or dies."""
    with _SERVER.connect() as sock:
        _send(sock, dataclasses.asdict(job))
        answer = _receive(sock)
    if answer is None or "error" in answer:
        if os.path.exists(job.path):
            os.unlink(job.path)
        raise ExtractFailed(answer["error"] if answer is not None else "the extract process ended without an answer")
    if stats is not None:
        stats.update(cpu_s=answer["cpu_s"], peak_rss_mib=answer["peak_rss_mib"])
    return int(answer["rows"])


if __name__ == "__main__":
    serve(int(sys.argv[1]))
