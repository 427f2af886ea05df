"""Filter text (cql2-text, legacy cql-text, cql2-json) to CQL2-JSON with the ``cql2`` library,
on a pool of big-stack parser threads so deep input cannot crash the process."""
from __future__ import annotations

import concurrent.futures
import json
import os
import queue
import re
import threading
from typing import Any, Callable

import cql2

from .base import FilterError
from .limits import MAX_TEXT_LENGTH, TOKEN, check_nesting, check_shape

LANGS = ("cql2-text", "cql-text", "cql2-json")


def parse(text: str, lang: str = "cql2-text") -> Any:
    """Parse a filter into CQL2-JSON (a dict, or a bare boolean for ``TRUE``/``FALSE``).

    ``lang``: ``cql2-text`` (default), ``cql-text`` (legacy, as sent by GDAL; ``x ILIKE 'y'`` is
    read as ``CASEI(x) LIKE CASEI('y')``) or ``cql2-json``.  Raises :class:`FilterError`.
    """
    lang_key = (lang or "cql2-text").strip().lower()
    if lang_key not in LANGS:
        raise FilterError("unsupported filter-lang; use cql2-text or cql2-json")
    if not isinstance(text, str):
        raise FilterError("the filter must be text")
    if len(text) > MAX_TEXT_LENGTH:
        raise FilterError(f"the filter is too long (at most {MAX_TEXT_LENGTH} characters)")
    if not text.strip():
        raise FilterError("the filter is empty")
    if lang_key == "cql2-json":
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError):
            raise FilterError("the filter is not valid JSON") from None
        check_shape(obj)
        expr = _run_parser(_parse_json, text)
    else:
        check_nesting(text)
        if lang_key == "cql-text":
            text = _legacy_to_cql2(text)
        expr = _run_parser(_parse_text, text)
    check_shape(expr)
    return expr


def _parse_text(text: str) -> Any:
    try:
        return cql2.parse_text(text).to_json()
    except cql2.ParseError as exc:
        raise FilterError(_describe_parse_error(str(exc))) from None


def _parse_json(text: str) -> Any:
    try:
        return cql2.parse_json(text).to_json()
    except cql2.ParseError:
        raise FilterError("the filter is not valid CQL2-JSON") from None


def _describe_parse_error(message: str) -> str:
    """'invalid CQL2 filter at column 11: expected …' from a pest error message."""
    where = re.search(r"-->\s*(\d+):(\d+)", message)
    expected = re.search(r"^\s*=\s*(.+)$", message, re.M)
    detail = expected.group(1).strip() if expected else message.strip().splitlines()[0] if message.strip() else ""
    text = "invalid CQL2 filter"
    if where:
        line, col = where.groups()
        text += f" at column {col}" if line == "1" else f" at line {line}, column {col}"
    if detail:
        text += f": {detail}"
    return text[:300]


def _run_parser(fn: Callable[[str], Any], text: str) -> Any:
    try:
        return _RUNNER.run(fn, text)
    except FilterError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - includes pyo3 PanicException (a BaseException)
        raise FilterError("the filter could not be parsed") from None


class _BigStackRunner:
    """Run the cql2 parser on worker threads with a large stack.

    cql2's (Rust, recursive-descent) parser overflows the default stack and crashes the whole
    process on deeply nested input; text length and bracket depth are limited too, but this keeps
    a wide safety margin whatever thread the web server calls us from.
    """

    def __init__(self, workers: int = 2, stack_size: int = 256 * 1024 * 1024) -> None:
        self.workers = workers
        self.stack_size = stack_size
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[Any] | None = None
        self._pid: int | None = None
        self._inline = False

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self._lock:
            if self._pid != os.getpid():
                self._start()
        if self._inline or self._queue is None:
            return fn(*args)
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._queue.put((fn, args, future))
        return future.result()

    def _start(self) -> None:
        self._pid = os.getpid()
        work: queue.SimpleQueue[Any] = queue.SimpleQueue()
        old = threading.stack_size()
        self._queue, self._inline = None, True  # if no big stack is possible, parse inline
        try:
            for size in (self.stack_size, self.stack_size // 4, self.stack_size // 16):
                try:
                    threading.stack_size(size)
                    for i in range(self.workers):
                        threading.Thread(target=self._work, args=(work,), name=f"cql2-parser-{i}",
                                         daemon=True).start()
                except (ValueError, RuntimeError):
                    continue
                self._queue, self._inline = work, False
                break
        finally:
            threading.stack_size(old)

    @staticmethod
    def _work(work: queue.SimpleQueue[Any]) -> None:
        while True:
            fn, args, future = work.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                future.set_exception(exc)


_RUNNER = _BigStackRunner()


def _legacy_to_cql2(text: str) -> str:
    """Rewrite legacy ``name ILIKE 'x'`` (GDAL cql-text) as ``CASEI(name) LIKE CASEI('x')``."""
    tokens = TOKEN.findall(text)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.upper() == "ILIKE":
            j = len(out) - 1
            while j >= 0 and out[j].isspace():
                j -= 1
            k = i + 1
            while k < len(tokens) and tokens[k].isspace():
                k += 1
            if j >= 0 and k < len(tokens) and tokens[k].startswith("'") and (out[j][0].isalpha() or out[j][0] in '_"'):
                out[j] = f"CASEI({out[j]})"
                out.append(f" LIKE CASEI({tokens[k]})")
                i = k + 1
                continue
        out.append(tok)
        i += 1
    return "".join(out)
