"""Enum spellings that moved between QGIS 3.22 and 3.40 (scoped ``Qgis.*`` enums since 3.30/3.34).

Use these names instead of ``QgsWkbTypes.PointGeometry`` & co. so the same code runs on the
Debian 12 QGIS (3.22) and the Debian 13 one (3.40), where scoped enums are Python enums that no
longer compare equal to plain integers.
"""
from __future__ import annotations

from typing import Any

from qgis.core import Qgis, QgsMapLayerProxyModel, QgsSymbolLayer, QgsUnitTypes, QgsWkbTypes


def _pick(new: Any, *path: str) -> Any:
    value = new
    for name in path:
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


POINT_GEOMETRY = _pick(Qgis, "GeometryType", "Point") or QgsWkbTypes.PointGeometry
LINE_GEOMETRY = _pick(Qgis, "GeometryType", "Line") or QgsWkbTypes.LineGeometry
POLYGON_GEOMETRY = _pick(Qgis, "GeometryType", "Polygon") or QgsWkbTypes.PolygonGeometry
RENDER_MILLIMETERS = _pick(Qgis, "RenderUnit", "Millimeters") or QgsUnitTypes.RenderMillimeters
FILL_SYMBOL = _pick(Qgis, "SymbolType", "Fill")  # Qgis.SymbolType exists since 3.20
PROPERTY_FILL_COLOR = _pick(QgsSymbolLayer, "Property", "FillColor") or QgsSymbolLayer.PropertyFillColor
POLYGON_LAYER_FILTER = _pick(Qgis, "LayerFilter", "PolygonLayer") or QgsMapLayerProxyModel.PolygonLayer


def is_points(layer: Any) -> bool:
    return layer.geometryType() == POINT_GEOMETRY


def is_polygons(layer: Any) -> bool:
    return layer.geometryType() == POLYGON_GEOMETRY
