"""Boundary files written in the ONS Open Geography Portal schema (generated here, never downloaded).

ONS "Local Authority Districts (December 2022) Boundaries UK BFC": LAD22CD, LAD22NM, LAD22NMW,
BNG_E, BNG_N, LONG, LAT, GlobalID; "Wards (December 2022) Boundaries UK BFC": WD22CD, WD22NM,
WD22NMW, LAD22CD, LAD22NM, BNG_E, BNG_N, LONG, LAT, GlobalID. Both in EPSG:27700.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import pyogrio.raw
import shapely
from pyproj import Transformer
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from safestats_store.synthetic import Geography

DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON"}


def write_ons(path: Path, level: str, rows: Sequence[dict], crs: str = "EPSG:27700") -> Path:
    """rows: {code, name, geometry (EPSG:27700), [parent_code, parent_name]} -> an ONS-schema file."""
    geoms = [shapely.multipolygons([r["geometry"]]) if r["geometry"].geom_type == "Polygon" else r["geometry"]
             for r in rows]
    if crs != "EPSG:27700":
        tr = Transformer.from_crs("EPSG:27700", crs, always_xy=True)
        geoms = [shapely.transform(g, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))) for g in geoms]
    pts = [r["geometry"].representative_point() for r in rows]
    p = "LAD22" if level == "borough" else "WD22"
    fields: dict[str, list] = {f"{p}CD": [r["code"] for r in rows], f"{p}NM": [r["name"] for r in rows],
                               f"{p}NMW": [" " for _ in rows]}
    if level == "ward":
        fields["LAD22CD"] = [r.get("parent_code", "E09000001") for r in rows]
        fields["LAD22NM"] = [r.get("parent_name", "") for r in rows]
    fields["BNG_E"] = [int(pt.x) for pt in pts]
    fields["BNG_N"] = [int(pt.y) for pt in pts]
    fields["GlobalID"] = [f"{{{i:08d}-0000-0000-0000-000000000000}}" for i in range(len(rows))]
    pyogrio.raw.write(path, np.array(shapely.to_wkb(geoms), dtype=object),
                  [np.array(v, dtype=object if isinstance(v[0], str) else np.int64) for v in fields.values()],
                  list(fields), crs=crs, driver=DRIVERS[path.suffix], geometry_type="MultiPolygon")
    return path


def tiny_london() -> tuple[list[dict], list[dict]]:
    """Two boroughs (1 km squares side by side), two wards each; plus a non-London district."""
    b1, b2 = box(530000, 180000, 531000, 181000), box(531000, 180000, 532000, 181000)
    boroughs = [dict(code="E09000001", name="City of London", geometry=b1),
                dict(code="E09000002", name="Barking and Dagenham", geometry=b2),
                dict(code="E06000001", name="Hartlepool", geometry=box(445000, 530000, 446000, 531000))]
    wards = [dict(code="E05009288", name="Aldersgate", geometry=box(530000, 180000, 530500, 181000),
                  parent_code="E09000001", parent_name="City of London"),
             dict(code="E05009289", name="Aldgate", geometry=box(530500, 180000, 531000, 181000),
                  parent_code="E09000001", parent_name="City of London"),
             dict(code="E05014053", name="Abbey", geometry=box(531000, 180000, 531500, 181000),
                  parent_code="E09000002", parent_name="Barking and Dagenham"),
             dict(code="E05014054", name="Alibon", geometry=box(531500, 180000, 532000, 181000),
                  parent_code="E09000002", parent_name="Barking and Dagenham"),
             dict(code="E05008942", name="Burn Valley", geometry=box(445000, 530000, 446000, 531000),
                  parent_code="E06000001", parent_name="Hartlepool")]
    return boroughs, wards


def from_geography(geo: Geography, ward_name: str = "{name} (ONS)") -> tuple[list[dict], list[dict]]:
    """The synthetic London written as if it were the ONS files: real-pattern codes, names marked
    as imported (so a test can tell them from the synthetic ones)."""
    names = {b.code: b.name for b in geo.boroughs}
    boroughs = [dict(code=b.code, name=b.name, geometry=b.geometry) for b in geo.boroughs]
    wards = [dict(code=f"E0501{i:04d}", name=ward_name.format(name=w.name), geometry=w.geometry,
                  parent_code=w.parent_code, parent_name=names[w.parent_code]) for i, w in enumerate(geo.wards)]
    return boroughs, wards


def bowtie(x0: float, y0: float, size: float) -> BaseGeometry:
    """A self-intersecting (invalid) polygon inside the square at (x0, y0)."""
    return shapely.Polygon([(x0, y0), (x0 + size, y0 + size), (x0 + size, y0), (x0, y0 + size), (x0, y0)])
