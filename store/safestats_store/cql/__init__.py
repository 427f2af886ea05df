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
SQLite needs the functions from :func:`safestats_store.sqlite_functions.register`.

The rooms: ``base`` (FilterError, Queryable), ``limits`` (input limits), ``parse`` (text/JSON to
CQL2-JSON, parser thread pool), ``compile`` (CQL2-JSON to SQL), ``like`` (LIKE and CASEI in Python).
"""
from .base import QUERYABLE_TYPES, SPATIAL_PROPERTIES, FilterError, Queryable
from .compile import parse_instant, to_sql
from .like import ascii_lower, like_match
from .limits import MAX_DEPTH, MAX_IN_ITEMS, MAX_NODES, MAX_PAREN_DEPTH, MAX_TEXT_LENGTH, MAX_VERTICES
from .parse import LANGS, parse

__all__ = [
    "LANGS", "MAX_DEPTH", "MAX_IN_ITEMS", "MAX_NODES", "MAX_PAREN_DEPTH", "MAX_TEXT_LENGTH", "MAX_VERTICES",
    "QUERYABLE_TYPES", "SPATIAL_PROPERTIES", "FilterError", "Queryable", "ascii_lower", "like_match", "parse",
    "parse_instant", "to_sql",
]
