"""TfL bus safety data CSV (tfl.gov.uk "Bus safety data"), for tfl_bus_incidents.

Columns: Year, Date Of Incident, Route, Operator, Group Name, Bus Garage, Borough, Injury Result
Description, Incident Event Type, Victim Category, Victims Sex, Victims Age.

- No time of day: stored with time precision 'day' (hour NULL, "not recorded"; day of week kept).
- No coordinates: each incident is placed at its borough's representative point (a point inside
  the borough, the one NDTMS uses) with location precision 'borough' and **no ward**, so it counts
  in borough figures and never in ward figures or ward maps. "None London Borough" rows are refused
  (the store holds London only): remove them from the file first.
- No incident id: a content id (formats.base.content_ids).
- Operator is the operating group (``Group Name``: Arriva London, Go-Ahead London, Metroline…);
  the subsidiary in ``Operator`` is not stored. Dashes and spacing of coded values are normalised
  (``Taken to Hospital – Reported…`` -> ``Taken to Hospital - Reported…``).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .base import BOROUGH, DAY, Adapted, Format, canonical, clean, content_ids, parse_dates

COLUMNS = ("Year", "Date Of Incident", "Route", "Operator", "Group Name", "Bus Garage", "Borough",
           "Injury Result Description", "Incident Event Type", "Victim Category", "Victims Sex", "Victims Age")
FIELDS = {"incident_event_type": "Incident Event Type", "injury_result": "Injury Result Description",
          "victim_category": "Victim Category", "victims_sex": "Victims Sex", "victims_age": "Victims Age",
          "route": "Route", "operator": "Group Name"}


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.casefold().replace("&", "and"))


def _adapt(ds, df: pd.DataFrame, geo) -> Adapted:  # noqa: ANN001
    c = {col: clean(df, col) for col in COLUMNS}
    problems: list[tuple[int, str, str]] = []
    day = parse_dates(c["Date Of Incident"], ("%d-%m-%y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%y"))
    for i in np.flatnonzero(day.isna().to_numpy()):
        problems.append((int(i), "Date Of Incident", "is not a date like 01-01-15 (day-month-year)"))
    year = pd.to_numeric(c["Year"], errors="coerce")
    for i in np.flatnonzero((day.notna() & (year != day.dt.year)).to_numpy()):
        problems.append((int(i), "Year", "does not match Date Of Incident"))
    by_name = {_key(b.name): b for b in geo.boroughs}
    found = [by_name.get(_key(n)) for n in c["Borough"]]
    for i, b in enumerate(found):
        if b is None:
            problems.append((i, "Borough", f"'{c['Borough'].iloc[i][:60]}' is not a London borough of the store"))
    pts = [b.geometry.representative_point() if b is not None else None for b in found]
    out = pd.DataFrame({
        "source_id": content_ids("tfl-bus", df, list(COLUMNS)),
        "occurred_at": day.dt.strftime("%Y-%m-%dT00:00:00").fillna(""),
        "easting": [f"{p.x:.2f}" if p is not None else "" for p in pts],
        "northing": [f"{p.y:.2f}" if p is not None else "" for p in pts]})
    for f in ds.fields:
        out[f.name] = canonical(c[FIELDS[f.name]], f.categories)
    mapping = {"occurred_at": "Date Of Incident", "easting": "Borough", "northing": "Borough", **FIELDS}
    return Adapted(out, time_precision=np.full(len(df), DAY, dtype=object),
                   location_precision=np.full(len(df), BOROUGH, dtype=object), columns=mapping, problems=problems)


TFL_BUS = Format("tfl-bus", "TfL bus safety data CSV", COLUMNS, ("tfl_bus_incidents",), _adapt)
