"""Synthetic London: borough and ward boundaries and provider extracts for the nine SafeStats datasets.

Nothing here is real data and nothing is downloaded. Everything is generated deterministically from
small hand-written tables:

* Boroughs carry their real GSS codes (E09000001-E09000033) and names. Their polygons are a power
  diagram (weighted Voronoi) of approximate real borough centroids, with weights tuned so each
  borough's area is close to its real area (ONS Standard Area Measurements, rounded, from memory),
  clipped to a hand-drawn outline of Greater London in British National Grid (EPSG:27700; extent
  E 503,500-561,000, N 155,800-200,900 as observed in the LFB incident file, see
  ../shared/reference/safestats-datasets-research.md section 2.4). The City of London is cut as a
  small (~3 km2) polygon around its real position and removed from its neighbours.
* Wards are Voronoi cells (Lloyd-relaxed) of seeded points inside each borough, clipped to it. They
  carry synthetic codes "E059xxxxx" and names of real London places/wards (May 2022 names as far as
  remembered; ~680 wards in total as in the research notes section 3).
* Incidents are drawn from Gaussian clusters at real town centres and stations (coordinates are
  approximate, from memory) over a population-weighted background (Census 2021 borough populations,
  approximate), with seasonal, weekday and hour-of-day profiles per kind of incident.

Every record is a pure function of (dataset, seed, day, index within day, scale): an extract for
[start, end) is exactly the union of the daily extracts it spans, and `source_id` is stable across
extracts ("<dataset>-<seed>-<YYYYMMDD>-<n>"), so overlapping extracts de-duplicate at ingest.

Volumes, category mixes and timing profiles are plausible orders of magnitude (research notes
section 2), not statistics: do not quote them.

The rooms: ``tables`` (reference data), ``geography`` (boroughs, wards, point location),
``randomness`` (counter-based hashes), ``profiles`` (time), ``placement`` (space), ``categories``
(per-dataset mixes and specs) and ``extract`` (records for a date range, NDTMS counts).
"""
from .extract import extract_columns, generate_extract
from .geography import Area, Geography, build_geography, london_outline
from .tables import BUS_ROUTES, RAIL_STATIONS, THAMES
from .categories import MPS_MINOR_TO_CRIME_TYPE

__all__ = ["Area", "BUS_ROUTES", "Geography", "MPS_MINOR_TO_CRIME_TYPE", "RAIL_STATIONS", "THAMES", "build_geography",
           "extract_columns", "generate_extract", "london_outline"]
