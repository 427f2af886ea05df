"""CQL2-JSON (from :func:`safestats_store.cql.parse`) compiled to a SQLAlchemy WHERE condition with
bound parameters, against an allow-list of queryables; the semantics are described in
:mod:`safestats_store.cql`. A new operator goes in ``_Compiler``."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Union

import numpy as np
import shapely
import sqlalchemy as sa
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy.sql.elements import ColumnElement

from .. import spatial
from ..crs import CRS84_CODE, normalise_crs
from .base import QUERYABLE_TYPES, SPATIAL_PROPERTIES, FilterError, Queryable
from .like import ascii_lower
from .limits import check_shape

# ----------------------------------------------------------------------------- literal helpers

_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](?:(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?)?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


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
            normalise_crs(filter_crs)
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
           filter_crs: str = CRS84_CODE) -> ColumnElement[bool]:
    """Compile CQL2-JSON (from :func:`parse`) into a WHERE condition on ``table``.

    ``queryables`` is the allow-list of property name -> :class:`Queryable` the caller may see;
    any other name (whether or not the column exists) gives the same FilterError.  ``geometry``/
    ``geom`` is always the incident point.  ``dialect_name`` is ``"sqlite"`` or ``"postgresql"``.
    Counts-only (aggregate-only) callers never get here: they name cells of a closed table
    (``closed_table``), with no filter language.
    """
    check_shape(expr)
    return _Compiler(table, queryables, dialect_name, filter_crs).predicate(expr)
