"""What every part of the filter language shares: the error it raises and the queryable allow-list."""
from __future__ import annotations

from dataclasses import dataclass

SPATIAL_PROPERTIES = frozenset({"geometry", "geom"})
QUERYABLE_TYPES = frozenset({"string", "integer", "number", "datetime", "date"})


class FilterError(ValueError):
    """A filter the store cannot run.  The message is safe to show to the user."""


@dataclass(frozen=True)
class Queryable:
    """A property the caller may filter on; ``type`` is one of :data:`QUERYABLE_TYPES`."""

    name: str
    type: str
