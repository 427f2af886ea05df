"""Helpers for the Processing and printing tests: boundary layers and independent reference counts.

The reference counts never use the plugin or QGIS's geometry code: features come straight from
the store's GeoJSON (``store_http``) and point-in-polygon is shapely's.
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from typing import Any, Iterable, Optional
from zoneinfo import ZoneInfo

from shapely.geometry import Point, shape

CRS_URI = {"EPSG:27700": "http://www.opengis.net/def/crs/EPSG/0/27700",
           "EPSG:4326": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}
LONDON = ZoneInfo("Europe/London")


def all_items(store_http: Any, key: str, collection: str, params: dict[str, Any], crs: str) -> list[dict]:
    out: list[dict] = []
    offset = 0
    while True:
        page = store_http.get(key, f"/collections/{collection}/items",
                              dict(params, limit=10000, offset=offset, crs=CRS_URI[crs]))
        feats = page.get("features", [])
        out.extend(feats)
        offset += len(feats)
        if not feats or not any(link.get("rel") == "next" for link in page.get("links", [])):
            return out


def wards_of(store_http: Any, borough_code: Optional[str], crs: str, limit: Optional[int] = None) -> list[dict]:
    feats = all_items(store_http, "mopac", "wards", {}, crs)
    if borough_code:
        feats = [f for f in feats if (f["properties"].get("parent_code") or f["properties"].get("borough_code"))
                 == borough_code]
    feats.sort(key=lambda f: f["properties"]["code"])
    return feats[:limit] if limit else feats


def boundary_layer(features: list[dict], crs: str, name: str = "wards", population: bool = True) -> Any:
    """A memory polygon layer (code, name[, population]) from GeoJSON features in ``crs``."""
    from qgis.core import QgsFeature, QgsField, QgsGeometry, QgsVectorLayer
    from qgis.PyQt.QtCore import QVariant
    from osgeo import ogr

    layer = QgsVectorLayer(f"MultiPolygon?crs={crs}", name, "memory")
    fields = [QgsField("code", QVariant.String), QgsField("name", QVariant.String)]
    if population:
        fields.append(QgsField("population", QVariant.Int))
    layer.dataProvider().addAttributes(fields)
    layer.updateFields()
    feats = []
    for i, f in enumerate(features):
        qf = QgsFeature(layer.fields())
        wkt = ogr.CreateGeometryFromJson(json.dumps(f["geometry"])).ExportToWkt()
        qf.setGeometry(QgsGeometry.fromWkt(wkt))
        attrs = [f["properties"]["code"], f["properties"]["name"]]
        if population:
            attrs.append(population_of(i))
        qf.setAttributes(attrs)
        feats.append(qf)
    layer.dataProvider().addFeatures(feats)
    layer.updateExtents()
    return layer


def patrol_areas(wards: list[dict], n: int = 4) -> list[dict]:
    """``n`` polygons, each the union of a run of consecutive wards (GeoJSON-like features)."""
    from shapely.geometry import mapping
    from shapely.ops import unary_union
    size = -(-len(wards) // n)
    out = []
    for i in range(n):
        group = wards[i * size:(i + 1) * size]
        if group:
            geom = unary_union([shape(w["geometry"]) for w in group])
            out.append({"geometry": mapping(geom), "properties": {"code": f"PA{i + 1}", "name": f"Patrol area {i + 1}"}})
    return out


def population_of(i: int) -> int:
    return 7000 + 613 * i


def month_of(text: str) -> str:
    dt = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
    return dt.astimezone(LONDON).strftime("%Y-%m")


def reference_counts(polygons: list[dict], points: list[dict], key=lambda p: "All") -> dict[str, Counter]:
    """{polygon code: Counter(key -> n)} with shapely ``intersects`` (same rule as documented)."""
    shapes = [(p["properties"]["code"], shape(p["geometry"])) for p in polygons]
    out: dict[str, Counter] = {code: Counter() for code, _ in shapes}
    for pt in points:
        geom = Point(pt["geometry"]["coordinates"][:2])
        for code, poly in shapes:
            if poly.intersects(geom):
                out[code][key(pt["properties"])] += 1
    return out


def recoverable(rows: list[list[Optional[int]]], columns: bool = True) -> bool:
    """True if some line (row, or column when ``columns``; margins included) has exactly one hidden value."""
    lines = rows + ([list(col) for col in zip(*rows)] if columns else [])
    return any(sum(v is None for v in line) == 1 for line in lines)


def features_by(layer: Any, *fields: str) -> dict[tuple, dict]:
    out = {}
    for f in layer.getFeatures():
        attrs = {name: f[name] for name in layer.fields().names()}
        attrs = {k: (None if v is None or (hasattr(v, "isNull") and v.isNull()) else v) for k, v in attrs.items()}
        out[tuple(attrs[x] for x in fields)] = attrs
    return out


def codes(features: Iterable[dict]) -> list[str]:
    return [f["properties"]["code"] for f in features]
