"""Turn what the user picked on the map into a ``Query`` area in EPSG:27700.

* canvas extent (any CRS) -> ``BBoxArea``
* selected features of any polygon layer, or a drawn polygon -> ``PolygonArea``; the union is
  transformed to EPSG:27700, coordinates rounded to 1 m and, when very detailed, simplified
  just enough for the WKT to fit in a URL (the filter travels as a GET parameter). The
  tolerance used is reported so the UI can say "boundary simplified to within N m".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsGeometry, QgsProject,
                       QgsRectangle, QgsVectorLayer)

from . import compat
from .errors import InvalidFilter
from .models import BBoxArea, Boundary, PolygonArea
from ..governance.i18n import tr

EPSG_27700 = QgsCoordinateReferenceSystem("EPSG:27700")
MAX_WKT_CHARS = 6000


@dataclass(frozen=True)
class AreaResult:
    area: PolygonArea
    simplified_m: float  # 0 when the boundary is exact (to 1 m)


def _to_27700(crs: QgsCoordinateReferenceSystem, project: Optional[QgsProject]) -> Optional[QgsCoordinateTransform]:
    if crs == EPSG_27700 or not crs.isValid():  # no CRS set: taken as British National Grid already
        return None
    return QgsCoordinateTransform(crs, EPSG_27700, (project or QgsProject.instance()).transformContext())


def bbox_area(extent: QgsRectangle, crs: QgsCoordinateReferenceSystem, label: str = "Map extent",
              project: Optional[QgsProject] = None) -> BBoxArea:
    xform = _to_27700(crs, project)
    rect = xform.transformBoundingBox(extent) if xform else QgsRectangle(extent)
    return BBoxArea(rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum(), label=label)


def polygon_area(geometries: Iterable[QgsGeometry], crs: QgsCoordinateReferenceSystem, label: str,
                 project: Optional[QgsProject] = None, max_chars: int = MAX_WKT_CHARS) -> AreaResult:
    geoms = [QgsGeometry(g) for g in geometries
             if g is not None and not g.isEmpty() and g.type() == compat.POLYGON_GEOMETRY]
    if not geoms:
        raise InvalidFilter(tr("Choose at least one polygon (an area), not points or lines."))
    union = QgsGeometry.unaryUnion(geoms) if len(geoms) > 1 else geoms[0]
    xform = _to_27700(crs, project)
    if xform is not None:
        union.transform(xform)
    if not union.isGeosValid():
        union = union.makeValid()
    union = QgsGeometry(union.constGet().segmentize()) if union.constGet().hasCurvedSegments() else union
    tolerance = 0.0
    wkt = union.asWkt(0)
    candidate = union
    while len(wkt) > max_chars:
        tolerance = 5.0 if tolerance == 0 else tolerance * 2
        candidate = union.simplify(tolerance)
        if candidate.isEmpty():
            raise InvalidFilter(tr("The area is too detailed to send. Choose fewer or simpler polygons."))
        wkt = candidate.asWkt(0)
        if tolerance > 5000:
            raise InvalidFilter(tr("The area is too detailed to send. Choose fewer or simpler polygons."))
    return AreaResult(PolygonArea(wkt, label=label), tolerance)


def selected_features_area(layer: QgsVectorLayer, project: Optional[QgsProject] = None,
                           max_chars: int = MAX_WKT_CHARS, label: Optional[str] = None) -> AreaResult:
    if layer.geometryType() != compat.POLYGON_GEOMETRY:
        raise InvalidFilter(tr("“{0}” is not a polygon layer. Pick a layer of areas.").format(layer.name()))
    feats = layer.selectedFeatures()
    if not feats:
        raise InvalidFilter(tr("No features are selected in “{0}”. Select one or more areas first.").format(
            layer.name()))
    if label is None:
        label = f"{len(feats)} selected feature{'s' if len(feats) != 1 else ''} of {layer.name()}"
    return polygon_area((f.geometry() for f in feats), layer.crs(), label, project, max_chars)


def agreement_boroughs(boroughs: Iterable[Boundary], area_wkt: Optional[str], share: float = 0.5) -> list[Boundary]:
    """The boroughs an agreement's area (WKT, EPSG:27700) holds: at least ``share`` of each borough's
    own area lies inside it (an area drawn as "Camden + 1 km" holds Camden, not its neighbours).
    Without an area restriction, every borough."""
    boroughs = list(boroughs)
    if not area_wkt:
        return boroughs
    area = QgsGeometry.fromWkt(area_wkt)
    if area.isNull() or area.isEmpty():
        return boroughs
    out = []
    for b in boroughs:
        geom = QgsGeometry.fromWkt(b.wkt) if b.wkt else None
        if geom is None or geom.isNull() or geom.area() <= 0:
            continue
        if geom.intersection(area).area() >= share * geom.area():
            out.append(b)
    return out
