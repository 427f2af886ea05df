"""Providers' extract layouts, each turned into the store's own (ingest.py) before validation.

One ingest pipeline: ``ingest.ingest_frame(..., fmt=NAME)`` runs the format's adapter, then the one
validation, derivation and atomic, idempotent insert. An adapter maps a provider's columns, codes
and precision onto the store's layout row for row (so line numbers stay the file's) and says, for
the report, which provider column each store column came from.

- ``safestats``: the store's own layout (default).
- ``police-uk``: data.police.uk street-level crime CSV (month precision only).
- ``lfb``: London Fire Brigade incident records CSV (London Datastore).
- ``tfl-bus``: TfL bus safety data CSV (day precision, borough only: no coordinates).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Adapted, adapt_columns_check
from .lfb import LFB
from .police_uk import POLICE_UK
from .safestats import SAFESTATS
from .tfl_bus import TFL_BUS

if TYPE_CHECKING:
    import pandas as pd

    from ..catalogue import Dataset
    from ..synthetic import Geography

FORMATS = {f.name: f for f in (SAFESTATS, POLICE_UK, LFB, TFL_BUS)}
DEFAULT = "safestats"


def adapt(name: str, ds: "Dataset", df: "pd.DataFrame", geography: "Geography") -> Adapted:
    """The provider frame ``df`` in the store's layout (see base.Adapted); ValueError for an unknown
    format or one that does not fit the dataset."""
    fmt = FORMATS.get(name)
    if fmt is None:
        raise ValueError(f"unknown format '{name}'; choose from: {', '.join(FORMATS)}")
    if fmt.datasets and ds.id not in fmt.datasets:
        raise ValueError(f"the {name} layout is for {', '.join(fmt.datasets)}, not {ds.id}")
    problems = adapt_columns_check(fmt, df)
    if problems:
        return Adapted(None, file_problems=problems)
    return fmt.adapt(ds, df, geography)


__all__ = ["FORMATS", "DEFAULT", "Adapted", "adapt"]
