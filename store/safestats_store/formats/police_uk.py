"""data.police.uk street-level crime CSV (``YYYY-MM-street.csv``), for the three police datasets.

Columns: Crime ID, Month, Reported by, Falls within, Longitude, Latitude, Location, LSOA code,
LSOA name, Crime type, Last outcome category, Context.

- Month only (``2025-03``): stored as the 1st of the month, 00:00 London time, with time precision
  'month'; day of week and hour are NULL ("not recorded"), never invented.
- Crime ID is empty for anti-social behaviour: those rows get a content id (formats.base.content_ids).
- Longitude/Latitude (WGS84, anonymised map points) as the store's own police layout.
- The MPS major/minor categories are not in police.uk files: left empty.
- Location (e.g. "On or near Charterhouse Street") -> location_desc (station for BTP).
- Falls within must be the dataset's force (a file of another force is refused).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import MONTH, Adapted, Format, canonical, clean, content_ids

COLUMNS = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code",
           "LSOA name", "Crime type", "Last outcome category", "Context")
FORCE = {"mps_crime": "Metropolitan Police Service", "colp_crime": "City of London Police",
         "btp_crime": "British Transport Police"}


def _adapt(ds, df: pd.DataFrame, _geo) -> Adapted:  # noqa: ANN001
    c = {col: clean(df, col) for col in COLUMNS}
    problems: list[tuple[int, str, str]] = []
    month = pd.to_datetime(c["Month"], format="%Y-%m", errors="coerce")
    for i in np.flatnonzero(month.isna().to_numpy()):
        problems.append((int(i), "Month", "is not a month like 2025-03"))
    force = FORCE[ds.id]
    for i in np.flatnonzero((c["Falls within"] != force).to_numpy()):
        problems.append((int(i), "Falls within", f"is '{c['Falls within'].iloc[i][:60]}', not {force} ({ds.id})"))
    sid = c["Crime ID"].where(c["Crime ID"] != "", content_ids(
        "police-uk", df, ["Month", "Reported by", "Longitude", "Latitude", "Location", "LSOA code", "Crime type"]))
    out = pd.DataFrame({"source_id": sid,
                        "occurred_at": month.dt.strftime("%Y-%m-%dT00:00:00").fillna(""),
                        "longitude": c["Longitude"], "latitude": c["Latitude"]})
    mapping = {"source_id": "Crime ID", "occurred_at": "Month", "longitude": "Longitude", "latitude": "Latitude"}
    place = "station" if "station" in ds.field_names else "location_desc"
    sources = {"crime_type": "Crime type", "outcome": "Last outcome category", place: "Location"}
    for f in ds.fields:
        col = sources.get(f.name)
        out[f.name] = canonical(c[col], f.categories) if col else ""  # e.g. MPS major/minor: not published
        if col:
            mapping[f.name] = col
    return Adapted(out, time_precision=np.full(len(df), MONTH, dtype=object), columns=mapping, problems=problems)


POLICE_UK = Format("police-uk", "police.uk street-level crime CSV", COLUMNS, tuple(FORCE), _adapt)
