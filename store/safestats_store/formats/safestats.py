"""The store's own layout (ingest.py): nothing to map."""
from __future__ import annotations

from .base import Adapted, Format

SAFESTATS = Format("safestats", "SafeStats store CSV", (), (), lambda ds, df, geo: Adapted(df))
