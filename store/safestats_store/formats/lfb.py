"""London Fire Brigade incident records CSV (London Datastore), for lfb_incidents.

Columns used: IncidentNumber, DateOfCall (``01 Jan 2019``; also ``2019-01-01`` or ``01/01/2019``),
TimeOfCall (``HH:MM:SS``), IncidentGroup, StopCodeDescription, SpecialServiceType,
PropertyCategory, Easting_rounded, Northing_rounded (always filled, 50 m; Easting_m/Northing_m are
empty for dwellings and not used), NumPumpsAttending. The other columns of the file (PropertyType,
postcodes, UPRN, ward/borough codes, station grounds, attendance times, cost…) are not stored:
borough and ward come from the store's own boundaries. ``NULL`` reads as empty.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import Adapted, Format, canonical, clean, parse_dates

REQUIRED = ("IncidentNumber", "DateOfCall", "TimeOfCall", "HourOfCall", "IncidentGroup", "StopCodeDescription",
            "SpecialServiceType", "PropertyCategory", "Easting_rounded", "Northing_rounded", "NumPumpsAttending")
FIELDS = {"incident_group": "IncidentGroup", "stop_code": "StopCodeDescription",
          "property_category": "PropertyCategory", "special_service_type": "SpecialServiceType",
          "pumps_attending": "NumPumpsAttending"}


def _adapt(ds, df: pd.DataFrame, _geo) -> Adapted:  # noqa: ANN001
    c = {col: clean(df, col, ("NULL",)) for col in REQUIRED}
    problems: list[tuple[int, str, str]] = []
    day = parse_dates(c["DateOfCall"], ("%d %b %Y", "%Y-%m-%d", "%d/%m/%Y"))
    for i in np.flatnonzero(day.isna().to_numpy()):
        problems.append((int(i), "DateOfCall", "is not a date like 01 Jan 2019"))
    tod = pd.to_timedelta(c["TimeOfCall"].where(c["TimeOfCall"].str.fullmatch(r"\d{1,2}:\d{2}:\d{2}"), None),
                          errors="coerce")
    bad_time = tod.isna() | (tod >= pd.Timedelta(days=1))
    for i in np.flatnonzero(bad_time.to_numpy()):
        problems.append((int(i), "TimeOfCall", "is not a time like 21:05:00"))
    hour = pd.to_numeric(c["HourOfCall"], errors="coerce")
    mismatch = ~bad_time & hour.notna() & (hour != tod.dt.components.hours)
    for i in np.flatnonzero(mismatch.to_numpy()):
        problems.append((int(i), "HourOfCall", "does not match TimeOfCall"))
    when = (day + tod.where(~bad_time)).dt.strftime("%Y-%m-%dT%H:%M:%S").fillna("")
    out = pd.DataFrame({"source_id": c["IncidentNumber"], "occurred_at": when,
                        "easting": c["Easting_rounded"], "northing": c["Northing_rounded"]})
    for f in ds.fields:
        out[f.name] = canonical(c[FIELDS[f.name]], f.categories)
    mapping = {"source_id": "IncidentNumber", "occurred_at": "DateOfCall", "easting": "Easting_rounded",
               "northing": "Northing_rounded", **FIELDS}
    return Adapted(out, columns=mapping, problems=problems)


LFB = Format("lfb", "LFB incident records CSV", REQUIRED, ("lfb_incidents",), _adapt)
