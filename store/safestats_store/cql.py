"""CQL2 filters (OGC API – Features Part 3) compiled to SQLAlchemy Core with bound parameters.

``parse()`` turns ``cql2-text`` (also legacy ``cql-text`` as sent by GDAL) or ``cql2-json`` into
CQL2-JSON using the ``cql2`` library; ``to_sql()`` walks that JSON itself against an allow-list
of :class:`Queryable` s.  Values only ever reach SQL as bound parameters, so the answers are the
same on SQLite (embedded) and PostgreSQL/PostGIS.

Semantics (identical on both backends):

* and / or / not, ``= <> < <= > >=``, ``BETWEEN`` (inclusive), ``IN`` (≤ 1000 items),
  ``IS [NOT] NULL``; SQL three-valued logic (a comparison with a null field is not true, also
  under ``NOT``).  Text ordering is by Unicode code point.
* ``LIKE``: ``%`` any run, ``_`` one character, ``\\`` escapes the next character; always
  case-sensitive.  ``CASEI(x)`` folds **ASCII** letters A–Z only.  ``ACCENTI(x)`` is accepted but
  does not remove accents (identity).
* Date-times: ``TIMESTAMP('…')`` (any offset, converted to UTC) or a plain RFC 3339 string for
  ``cql-text``; ``DATE('…')`` against a date-time field compares at **day precision** (UTC), so
  ``occurred_at <= DATE('2024-01-31')`` includes all of 31 January.  ``T_INTERSECTS``,
  ``T_EQUALS``, ``T_BEFORE``, ``T_AFTER`` and ``T_DURING`` (strictly inside) accept
  ``TIMESTAMP``, ``DATE`` and ``INTERVAL`` (``'..'`` = open end).
* ``S_INTERSECTS`` / ``S_WITHIN`` on ``geometry`` (or ``geom``) with ``POINT``, ``POLYGON``,
  ``MULTIPOLYGON`` or ``BBOX`` literals in ``filter_crs`` (default CRS84); both mean
  "the incident point intersects the literal" (boundary counts as inside).
* Not supported (400): arithmetic, other spatial/temporal/array operators, functions.

Every problem in user input raises :class:`FilterError`, whose message is safe to show.
SQLite needs the functions from :func:`safestats_store.spatial.register_sqlite_functions`.
"""
from __future__ import annotations

import concurrent.futures
import json
import math
import os
import queue
import re
import string
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Callable, Union

import cql2
import numpy as np
import shapely
import sqlalchemy as sa
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy.sql.elements import ColumnElement

from . import spatial

MAX_TEXT_LENGTH = 16_384
MAX_PAREN_DEPTH = 32
MAX_DEPTH = 32
MAX_NODES = 200
MAX_IN_ITEMS = 1000
MAX_VERTICES = 10_000
SPATIAL_PROPERTIES = frozenset({"geometry", "geom"})
QUERYABLE_TYPES = frozenset({"string", "integer", "number", "datetime", "date"})
LANGS = ("cql2-text", "cql-text", "cql2-json")


class FilterError(ValueError):
    """A filter the store cannot run.  The message is safe to show to the user."""


@dataclass(frozen=True)
class Queryable:
    """A property the caller may filter on; ``type`` is one of :data:`QUERYABLE_TYPES`."""

    name: str
    type: str


# ---------------------------------------------------------------------------------------- parsing


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
        _check_shape(obj)
        expr = _run_parser(_parse_json, text)
    else:
        _check_nesting(text)
        if lang_key == "cql-text":
            text = _legacy_to_cql2(text)
        expr = _run_parser(_parse_text, text)
    _check_shape(expr)
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

_TOKEN = re.compile(r"""'(?:[^']|'')*'?|"(?:[^"]|"")*"?|[A-Za-z_][A-Za-z0-9_.:]*|\s+|.""", re.S)


def _check_nesting(text: str) -> None:
    """Cheap pre-parse limits on what makes the parser recurse: brackets, NOT and unary-minus chains."""
    depth = nots = 0
    tokens = [t for t in _TOKEN.findall(text) if not t.isspace()]
    for i, token in enumerate(tokens):
        if token == "(":
            depth += 1
            if depth > MAX_PAREN_DEPTH:
                raise FilterError(f"the filter is nested too deeply (at most {MAX_PAREN_DEPTH} brackets)")
        elif token == ")":
            depth -= 1
        elif token.upper() == "NOT":
            nots += 1
            if nots > MAX_NODES:
                raise FilterError(f"the filter is too complex (at most {MAX_NODES} terms)")
        elif token == "-" and i + 1 < len(tokens) and tokens[i + 1] in ("-", "("):
            raise FilterError("arithmetic is not supported in filters")


def _legacy_to_cql2(text: str) -> str:
    """Rewrite legacy ``name ILIKE 'x'`` (GDAL cql-text) as ``CASEI(name) LIKE CASEI('x')``."""
    tokens = _TOKEN.findall(text)
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


def _check_shape(expr: Any) -> None:
    """Reject ASTs that are too deep or too large before walking them."""
    nodes = 0
    stack: list[tuple[Any, int, bool]] = [(expr, 1, False)]
    while stack:
        node, depth, in_list = stack.pop()
        if depth > MAX_DEPTH:
            raise FilterError("the filter is nested too deeply")
        if isinstance(node, dict):
            nodes += 1
            if "coordinates" in node or "geometries" in node:
                _count_vertices(node)
                continue
            for key, value in node.items():
                if key == "args" and isinstance(value, list):
                    if len(value) > MAX_NODES:
                        raise FilterError(f"the filter is too complex (at most {MAX_NODES} terms)")
                    stack.extend((v, depth + 1, False) for v in value)
                else:
                    stack.append((value, depth + 1, False))
        elif isinstance(node, list):
            if len(node) > MAX_IN_ITEMS:
                raise FilterError(f"too many values in a list (at most {MAX_IN_ITEMS})")
            nodes += 1
            stack.extend((v, depth + 1, True) for v in node)
        elif not in_list:
            nodes += 1
        if nodes > MAX_NODES:
            raise FilterError(f"the filter is too complex (at most {MAX_NODES} terms)")


def _count_vertices(geometry: dict[str, Any]) -> None:
    positions = 0
    stack: list[tuple[Any, int]] = [(geometry, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > 8:
            raise FilterError("a geometry in the filter is nested too deeply")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            if node and not isinstance(node[0], (list, dict)):
                positions += 1  # a coordinate position [x, y(, z)]
                if positions > MAX_VERTICES:
                    raise FilterError(f"a geometry in the filter has too many vertices (at most {MAX_VERTICES})")
            else:
                stack.extend((v, depth + 1) for v in node)


# ----------------------------------------------------------------------------- literal helpers

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](?:(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?)?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


def ascii_lower(value: str) -> str:
    """Lower-case ASCII letters only (the CASEI folding used on both backends)."""
    return value.translate(_ASCII_LOWER)


def parse_instant(text: str) -> tuple[datetime | date, bool]:
    """Parse RFC 3339 (leniently): ``(naive UTC datetime, False)`` or ``(date, True)``.

    A time without an offset is taken as UTC.  Raises :class:`FilterError`.
    """
    m = _DATETIME_RE.match(text.strip()) if isinstance(text, str) else None
    if not m:
        raise FilterError(f"invalid date or time '{str(text)[:40]}' (use e.g. 2024-01-31T18:30:00Z or 2024-01-31)")
    year, month, day, hour, minute, second, frac, offset = m.groups()
    try:
        if hour is None:
            if offset:
                raise ValueError
            return date(int(year), int(month), int(day)), True
        micro = int((frac or "0")[:6].ljust(6, "0"))
        tz = timezone.utc
        if offset and offset not in "Zz":
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))
        value = datetime(int(year), int(month), int(day), int(hour), int(minute or 0), int(second or 0), micro, tz)
        return value.astimezone(timezone.utc).replace(tzinfo=None), False
    except (ValueError, OverflowError):
        raise FilterError(f"invalid date or time '{text[:40]}'") from None


def _checked_text(value: str) -> str:
    """Text literals must be valid UTF-8 without NUL (PostgreSQL cannot store either)."""
    if "\x00" in value:
        raise FilterError("text in the filter must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise FilterError("text in the filter is not valid Unicode") from None
    return value


def _day_start(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def _day_end(d: date) -> datetime:
    """Exclusive end of a UTC day (clamped at datetime.max)."""
    try:
        return _day_start(d) + timedelta(days=1)
    except OverflowError:
        return datetime.max


# ------------------------------------------------------------------------------- AST operands


@dataclass(frozen=True)
class _Prop:
    q: Queryable
    col: ColumnElement[Any]  # possibly CASEI-folded
    raw: ColumnElement[Any]


@dataclass(frozen=True)
class _Geo:
    name: str


@dataclass(frozen=True)
class _Lit:
    value: Any


@dataclass(frozen=True)
class _Exact:
    value: Any


@dataclass(frozen=True)
class _Day:
    start: datetime
    end: datetime  # exclusive


_Operand = Union[_Prop, _Geo, _Lit]
_COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")
_FLIP = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "^", "div"})
_SPATIAL_SUPPORTED = ("s_intersects", "s_within")
_TEMPORAL_SUPPORTED = ("t_intersects", "t_equals", "t_before", "t_after", "t_during")
_GEOMETRY_TYPES = ("Point", "Polygon", "MultiPolygon")


def _short(name: Any) -> str:
    text = str(name)
    return text if len(text) <= 80 else text[:80] + "…"


class _Compiler:
    def __init__(self, table: Any, queryables: dict[str, Queryable], dialect_name: str, filter_crs: str) -> None:
        if dialect_name not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported dialect {dialect_name!r}")
        try:
            spatial.normalise_crs(filter_crs)
        except ValueError as exc:
            raise FilterError(f"unsupported filter-crs: {exc}") from None
        self.table = table
        self.queryables = queryables
        self.pg = dialect_name == "postgresql"
        self.dialect = dialect_name
        self.filter_crs = filter_crs

    # -- predicates

    def predicate(self, node: Any) -> ColumnElement[bool]:
        if isinstance(node, bool):
            return sa.true() if node else sa.false()
        if not isinstance(node, dict) or "op" not in node:
            raise FilterError("the filter must be a condition, e.g. crime_type = 'Robbery'")
        op = self._op_name(node)
        args = node.get("args")
        if not isinstance(args, list):
            raise FilterError(f"operator '{_short(op)}' needs a list of arguments")
        if op in ("and", "or"):
            if not args:
                raise FilterError(f"{op.upper()} needs at least one condition")
            parts = [self.predicate(a) for a in args]
            return sa.and_(*parts) if op == "and" else sa.or_(*parts)
        if op == "not":
            self._arity(op, args, 1)
            return sa.not_(self.predicate(args[0]))
        if op in _COMPARISONS:
            self._arity(op, args, 2)
            return self._compare(op, self.operand(args[0]), self.operand(args[1]))
        if op == "like":
            self._arity(op, args, 2)
            return self._like(self.operand(args[0]), self.operand(args[1]))
        if op == "between":
            self._arity(op, args, 3)
            subject = self.operand(args[0])
            return sa.and_(self._compare(">=", subject, self.operand(args[1])),
                           self._compare("<=", subject, self.operand(args[2])))
        if op == "in":
            self._arity(op, args, 2)
            return self._in(self.operand(args[0]), args[1])
        if op == "isNull":
            self._arity(op, args, 1)
            return self._is_null(self.operand(args[0]))
        if op.startswith("s_"):
            return self._spatial(op, args)
        if op.startswith("t_"):
            return self._temporal(op, args)
        if op in _ARITHMETIC:
            raise FilterError("arithmetic is not supported in filters")
        if op.startswith("a_"):
            raise FilterError("array operators are not supported")
        raise FilterError(f"operator or function '{_short(op)}' is not supported")

    @staticmethod
    def _op_name(node: dict[str, Any]) -> str:
        op = node.get("op")
        if not isinstance(op, str):
            raise FilterError("invalid operator in the filter")
        key = op.lower()
        return "isNull" if key == "isnull" else key

    @staticmethod
    def _arity(op: str, args: list[Any], n: int) -> None:
        if len(args) != n:
            raise FilterError(f"{op.upper() if op.isalpha() else op} needs {n} argument{'s' if n > 1 else ''}")

    # -- operands

    def operand(self, node: Any) -> _Operand:
        if isinstance(node, dict) and "property" in node:
            return self._property(node["property"])
        if isinstance(node, dict) and "op" in node:
            op = self._op_name(node)
            args = node.get("args")
            if op in ("casei", "accenti") and isinstance(args, list) and len(args) == 1:
                inner = self.operand(args[0])
                is_text = isinstance(inner, _Lit) and isinstance(inner.value, str)
                if not (is_text or (isinstance(inner, _Prop) and inner.q.type == "string")):
                    raise FilterError(f"{op.upper()} needs a text queryable or text in single quotes")
                if op == "accenti":
                    return inner  # documented: accents stay significant
                if isinstance(inner, _Lit):
                    return _Lit(ascii_lower(inner.value))
                assert isinstance(inner, _Prop)
                return _Prop(inner.q, self._fold(inner.col), inner.raw)
            if op in _ARITHMETIC:
                raise FilterError("arithmetic is not supported in filters")
            raise FilterError(f"'{_short(op)}' cannot be used as a value here")
        return _Lit(node)

    def _property(self, name: Any) -> _Prop | _Geo:
        if isinstance(name, str) and name in SPATIAL_PROPERTIES:
            return _Geo(name)
        q = self.queryables.get(name) if isinstance(name, str) else None
        if q is None or name not in self.table.c:
            raise FilterError(f"unknown or not permitted queryable '{_short(name)}'")
        if q.type not in QUERYABLE_TYPES:
            raise ValueError(f"queryable {name!r} has unsupported type {q.type!r}")
        col = self.table.c[name]
        return _Prop(q, col, col)

    def _fold(self, col: ColumnElement[Any]) -> ColumnElement[Any]:
        if self.pg:  # lower() under the "C" collation folds ASCII only, like ascii_lower()
            return sa.func.lower(col.collate("C"), type_=sa.String())
        return sa.func.ss_casei(col, type_=sa.String())

    def _text_col(self, col: ColumnElement[Any], ordering: bool) -> ColumnElement[Any]:
        if self.pg:
            return col.collate("C") if ordering else col
        return col.collate("BINARY")

    # -- literal coercion

    def _coerce(self, prop: _Prop, lit: _Lit) -> _Exact | _Day:
        q, value = prop.q, lit.value
        if value is None:
            raise FilterError("compare with NULL using IS NULL or IS NOT NULL")
        if q.type == "string":
            if not isinstance(value, str):
                raise FilterError(f"'{q.name}' is a text queryable: compare it with text in single quotes, "
                                  f"e.g. {q.name} = 'value'")
            return _Exact(_checked_text(value))
        if q.type in ("integer", "number"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise FilterError(f"'{q.name}' is a numeric queryable: compare it with a number")
            if not math.isfinite(value):
                raise FilterError("numbers in the filter must be finite")
            if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
                return _Exact(int(value))
            if isinstance(value, int) and abs(value) >= 2**53:
                return _Exact(float(value))
            return _Exact(value)
        instant = self._instant(value)
        if instant is None:
            example = "TIMESTAMP('2024-01-31T18:30:00Z') or DATE('2024-01-31')" if q.type == "datetime" \
                else "DATE('2024-01-31')"
            raise FilterError(f"'{q.name}' is a {'date-time' if q.type == 'datetime' else 'date'} queryable: "
                              f"compare it with {example}")
        moment, is_date = instant
        if q.type == "date":
            if not is_date:
                raise FilterError(f"'{q.name}' is a date queryable: compare it with DATE('2024-01-31')")
            return _Exact(moment)
        if is_date:
            return _Day(_day_start(moment), _day_end(moment))
        return _Exact(moment)

    @staticmethod
    def _instant(value: Any) -> tuple[datetime | date, bool] | None:
        if isinstance(value, dict) and len(value) == 1 and ("timestamp" in value or "date" in value):
            (kind, text), = value.items()
            if not isinstance(text, str):
                raise FilterError(f"{kind.upper()} needs text in single quotes")
            moment, is_date = parse_instant(text)
            if kind == "date" and not is_date:
                raise FilterError(f"DATE needs a date such as '2024-01-31', not '{text[:40]}'")
            if kind == "timestamp" and is_date:
                moment, is_date = _day_start(moment), False
            return moment, is_date
        if isinstance(value, str):
            return parse_instant(value)  # legacy cql-text (GDAL): plain RFC 3339 strings
        return None

    def _bind(self, prop: _Prop, value: Any) -> ColumnElement[Any]:
        if isinstance(value, str):
            return sa.literal(value, sa.String())
        if isinstance(value, int):
            return sa.literal(value, sa.BigInteger())
        if isinstance(value, float):
            return sa.literal(value, sa.Float())
        if isinstance(value, datetime):
            return sa.literal(value, prop.raw.type if isinstance(prop.raw.type, sa.DateTime) else sa.DateTime())
        return sa.literal(value, prop.raw.type if isinstance(prop.raw.type, sa.Date) else sa.Date())

    # -- comparisons

    def _compare(self, op: str, left: _Operand, right: _Operand) -> ColumnElement[bool]:
        if isinstance(left, _Lit) and isinstance(right, (_Prop, _Geo)):
            left, right, op = right, left, _FLIP[op]
        if isinstance(left, _Geo) or isinstance(right, _Geo):
            raise FilterError("the geometry can only be used with S_INTERSECTS or S_WITHIN")
        if not isinstance(left, _Prop):
            raise FilterError("a comparison needs a queryable on one side, e.g. hour >= 18")
        if isinstance(right, _Prop):
            numeric = {"integer", "number"}
            if left.q.type != right.q.type and not {left.q.type, right.q.type} <= numeric:
                raise FilterError(f"cannot compare '{left.q.name}' ({left.q.type}) with '{right.q.name}' "
                                  f"({right.q.type})")
            a, b = left.col, right.col
            if left.q.type == "string":
                ordering = op not in ("=", "<>")
                a, b = self._text_col(a, ordering), self._text_col(b, ordering)
            return self._apply(op, a, b)
        assert isinstance(right, _Lit)
        return self._cmp(left, op, self._coerce(left, right))

    def _cmp(self, prop: _Prop, op: str, rhs: _Exact | _Day) -> ColumnElement[bool]:
        col = prop.col
        if isinstance(rhs, _Day):
            start, end = self._bind(prop, rhs.start), self._bind(prop, rhs.end)
            return {
                "=": lambda: sa.and_(col >= start, col < end),
                "<>": lambda: sa.or_(col < start, col >= end),
                "<": lambda: col < start,
                "<=": lambda: col < end,
                ">": lambda: col >= end,
                ">=": lambda: col >= start,
            }[op]()
        if prop.q.type == "string":
            col = self._text_col(col, op not in ("=", "<>"))
        return self._apply(op, col, self._bind(prop, rhs.value))

    @staticmethod
    def _apply(op: str, a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[bool]:
        if op == "=":
            return a == b
        if op == "<>":
            return a != b
        if op == "<":
            return a < b
        if op == "<=":
            return a <= b
        if op == ">":
            return a > b
        return a >= b

    def _like(self, subject: _Operand, pattern: _Operand) -> ColumnElement[bool]:
        if not (isinstance(subject, _Prop) and subject.q.type == "string"):
            raise FilterError("LIKE needs a text queryable on the left, e.g. crime_type LIKE 'Theft%'")
        if not (isinstance(pattern, _Lit) and isinstance(pattern.value, str)):
            raise FilterError("LIKE needs a pattern in single quotes, e.g. crime_type LIKE 'Theft%'")
        text = _checked_text(pattern.value)
        if (len(text) - len(text.rstrip("\\"))) % 2 == 1:
            raise FilterError("a LIKE pattern must not end with a single backslash")
        bound = sa.literal(text, sa.String())
        if self.pg:  # PostgreSQL's default LIKE escape character is the backslash
            return subject.col.like(bound)
        return sa.func.ss_like(subject.col, bound) == 1

    def _in(self, subject: _Operand, items: Any) -> ColumnElement[bool]:
        if not isinstance(subject, _Prop):
            raise FilterError("IN needs a queryable on the left, e.g. hour IN (18, 19)")
        if not isinstance(items, list) or not items:
            raise FilterError("IN needs a list of values, e.g. hour IN (18, 19)")
        values: list[_Exact | _Day] = []
        for item in items:
            lit = self.operand(item)
            if not isinstance(lit, _Lit):
                raise FilterError("IN lists may only contain values")
            values.append(self._coerce(subject, lit))
        if all(isinstance(v, _Exact) for v in values):
            col = self._text_col(subject.col, False) if subject.q.type == "string" else subject.col
            return col.in_([self._bind(subject, v.value) for v in values])
        return sa.or_(*(self._cmp(subject, "=", v) for v in values))

    def _is_null(self, subject: _Operand) -> ColumnElement[bool]:
        if isinstance(subject, _Geo):
            return sa.or_(self.table.c.x.is_(None), self.table.c.y.is_(None))
        if not isinstance(subject, _Prop):
            raise FilterError("IS NULL needs a queryable, e.g. outcome IS NULL")
        return subject.raw.is_(None)

    # -- spatial

    def _spatial(self, op: str, args: list[Any]) -> ColumnElement[bool]:
        if op not in _SPATIAL_SUPPORTED:
            raise FilterError(f"spatial operator {op.upper()} is not supported; use S_INTERSECTS or S_WITHIN")
        self._arity(op, args, 2)
        a, b = self.operand(args[0]), self.operand(args[1])
        if isinstance(a, _Geo) and isinstance(b, _Lit):
            literal = b
        elif op == "s_intersects" and isinstance(b, _Geo) and isinstance(a, _Lit):
            literal = a
        else:
            raise FilterError(f"{op.upper()} needs the geometry and a geometry literal, "
                              "e.g. S_INTERSECTS(geometry, BBOX(-0.2,51.45,-0.1,51.55))")
        return spatial.within_geometry(self.table, self._geometry(literal.value), self.dialect)

    def _geometry(self, value: Any) -> BaseGeometry:
        if isinstance(value, dict) and "bbox" in value:
            bbox = value["bbox"]
            if not (isinstance(bbox, list) and len(bbox) in (4, 6)
                    and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in bbox)):
                raise FilterError("BBOX needs 4 (or 6) numbers")
            try:
                return spatial.bbox_to_27700(bbox, self.filter_crs)
            except ValueError as exc:
                raise FilterError(f"invalid BBOX: {exc}") from None
        kind = value.get("type") if isinstance(value, dict) else None
        if kind not in _GEOMETRY_TYPES:
            name = kind if isinstance(kind, str) else "this value"
            raise FilterError(f"{_short(name)} is not supported in spatial filters; use POINT, POLYGON, "
                              "MULTIPOLYGON or BBOX")
        try:
            geom = shapely.force_2d(shape(value))
            finite = bool(np.isfinite(shapely.get_coordinates(geom)).all())
        except Exception:  # noqa: BLE001 - any malformed coordinates
            raise FilterError(f"invalid {kind} in the filter") from None
        if not finite:
            raise FilterError(f"invalid {kind} in the filter: coordinates must be finite")
        if not geom.is_valid:
            raise FilterError(f"the {kind} is not valid: {shapely.is_valid_reason(geom)}")
        try:
            return spatial.to_27700(geom, self.filter_crs)
        except ValueError as exc:
            raise FilterError(f"invalid {kind} in the filter: {exc}") from None

    # -- temporal

    def _temporal(self, op: str, args: list[Any]) -> ColumnElement[bool]:
        if op not in _TEMPORAL_SUPPORTED:
            raise FilterError(f"temporal operator {op.upper()} is not supported; use T_INTERSECTS, T_BEFORE, "
                              "T_AFTER, T_DURING or T_EQUALS")
        self._arity(op, args, 2)
        a, b = self.operand(args[0]), self.operand(args[1])
        if isinstance(a, _Lit) and isinstance(b, _Prop) and op != "t_during":
            a, b = b, a
            op = {"t_before": "t_after", "t_after": "t_before"}.get(op, op)
        if not (isinstance(a, _Prop) and a.q.type in ("datetime", "date") and isinstance(b, _Lit)):
            raise FilterError(f"{op.upper()} needs a date-time queryable and a TIMESTAMP, DATE or INTERVAL, "
                              "e.g. T_INTERSECTS(occurred_at, INTERVAL('2024-01-01','2024-01-31'))")
        lo, hi, hi_open = self._bounds(a, b.value)
        col = a.col
        if op == "t_equals":
            if lo is None or lo != hi or hi_open:
                raise FilterError("T_EQUALS needs a single TIMESTAMP (or DATE for date queryables)")
            return col == self._bind(a, lo)
        if op == "t_before":
            return col < self._bind(a, lo) if lo is not None else col != col
        if op == "t_after":
            if hi is None:
                return col != col  # false, but null stays null
            return col >= self._bind(a, hi) if hi_open else col > self._bind(a, hi)
        if op == "t_during":
            parts = []
            if lo is not None:
                parts.append(col > self._bind(a, lo))
            if hi is not None:
                parts.append(col < self._bind(a, hi))
            return sa.and_(*parts) if parts else col == col
        parts = []  # t_intersects
        if lo is not None:
            parts.append(col >= self._bind(a, lo))
        if hi is not None:
            parts.append(col < self._bind(a, hi) if hi_open else col <= self._bind(a, hi))
        return sa.and_(*parts) if parts else col == col

    def _bounds(self, prop: _Prop, value: Any) -> tuple[Any, Any, bool]:
        """(inclusive start or None, end or None, end is exclusive) of a temporal literal."""
        if isinstance(value, dict) and len(value) == 1 and "interval" in value:
            ends = value["interval"]
            if not (isinstance(ends, list) and len(ends) == 2):
                raise FilterError("INTERVAL needs a start and an end ('..' for open)")
            lo = self._end(prop, ends[0], start=True)
            hi = self._end(prop, ends[1], start=False)
            return (lo[0] if lo else None, hi[0] if hi else None, bool(hi and hi[1]))
        if not (isinstance(value, dict) or isinstance(value, str)):
            raise FilterError(f"{prop.q.name} needs a TIMESTAMP, DATE or INTERVAL")
        coerced = self._coerce(prop, _Lit(value))
        if isinstance(coerced, _Day):
            return coerced.start, coerced.end, True
        return coerced.value, coerced.value, False

    def _end(self, prop: _Prop, value: Any, start: bool) -> tuple[Any, bool] | None:
        if value in ("..", ""):
            return None
        coerced = self._coerce(prop, _Lit(value))
        if isinstance(coerced, _Day):
            return (coerced.start, False) if start else (coerced.end, True)
        return coerced.value, False


def to_sql(expr: Any, table: Any, queryables: dict[str, Queryable], dialect_name: str,
           filter_crs: str = spatial.CRS84) -> ColumnElement[bool]:
    """Compile CQL2-JSON (from :func:`parse`) into a WHERE condition on ``table``.

    ``queryables`` is the allow-list of property name -> :class:`Queryable` the caller may see;
    any other name (whether or not the column exists) gives the same FilterError.  ``geometry``/
    ``geom`` is always the incident point.  ``dialect_name`` is ``"sqlite"`` or ``"postgresql"``.
    Counts-only (aggregate-only) callers never get here: they name cells of a closed table
    (``closed_table``), with no filter language.
    """
    _check_shape(expr)
    return _Compiler(table, queryables, dialect_name, filter_crs).predicate(expr)


# ----------------------------------------------------------------------- SQLite text functions


@lru_cache(maxsize=256)
def _like_program(pattern: str) -> tuple[tuple[re.Pattern[str], int], ...]:
    """Split a LIKE pattern at ``%`` into fixed-length segments compiled as regexes."""
    segments: list[list[str]] = [[]]
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            segments[-1].append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "%":
            segments.append([])
        elif ch == "_":
            segments[-1].append(".")
        else:
            segments[-1].append(re.escape(ch))
        i += 1
    return tuple((re.compile("".join(seg), re.S), len(seg)) for seg in segments)


def like_match(value: str, pattern: str) -> bool:
    """SQL LIKE (case-sensitive, ``\\`` escape) in O(len(value) * len(pattern)), no backtracking."""
    segs = _like_program(pattern)
    first, first_len = segs[0]
    if len(segs) == 1:
        return len(value) == first_len and first.match(value) is not None
    if first.match(value) is None:
        return False
    pos = first_len
    last, last_len = segs[-1]
    tail = len(value) - last_len
    if tail < pos:
        return False
    for rx, n in segs[1:-1]:
        if n == 0:
            continue
        m = rx.search(value, pos, tail)
        if m is None:
            return False
        pos = m.end()
    return last.match(value, tail) is not None


def _sqlite_like(value: Any, pattern: Any) -> int | None:
    if value is None or pattern is None:
        return None
    return 1 if like_match(str(value), str(pattern)) else 0


def _sqlite_casei(value: Any) -> str | None:
    return None if value is None else ascii_lower(str(value))


def sqlite_functions() -> dict[str, tuple[int, Callable[..., Any]]]:
    """The SQLite functions this module's SQL uses (registered by spatial.register_sqlite_functions)."""
    return {"ss_like": (2, _sqlite_like), "ss_casei": (1, _sqlite_casei)}
