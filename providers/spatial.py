"""Which incident falls in which polygon (QGIS geometry engine + spatial index).

Points are transformed into the polygons' CRS, so a boundary layer in any CRS (EPSG:27700,
EPSG:4326, ...) is tested in its own coordinates. A point on a shared edge counts in every
polygon it touches (``intersects``), as for overlapping areas such as estates inside wards.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional

from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsCoordinateTransformContext,
                       QgsFeature, QgsFeatureRequest, QgsFeatureSource, QgsFeedback, QgsGeometry,
                       QgsPointXY, QgsRectangle, QgsSpatialIndex)

KeyFunc = Callable[[QgsFeature], object]


@dataclass
class Polygons:
    """Polygon features kept for counting and output (geometry in ``crs``)."""

    features: list[QgsFeature]
    crs: QgsCoordinateReferenceSystem


def read_polygons(source: QgsFeatureSource, feedback: Optional[QgsFeedback] = None) -> Polygons:
    feats = []
    for f in source.getFeatures():
        if feedback is not None and feedback.isCanceled():
            break
        feats.append(QgsFeature(f))
    return Polygons(feats, source.sourceCrs())


def iter_points(source: QgsFeatureSource, target_crs: QgsCoordinateReferenceSystem,
                context: QgsCoordinateTransformContext, feedback: Optional[QgsFeedback] = None,
                request: Optional[QgsFeatureRequest] = None) -> Iterator[tuple[QgsFeature, QgsGeometry]]:
    """Every point feature with its geometry in ``target_crs`` (multipoints: first part)."""
    xform = None
    if source.sourceCrs().isValid() and target_crs.isValid() and source.sourceCrs() != target_crs:
        xform = QgsCoordinateTransform(source.sourceCrs(), target_crs, context)
    for f in source.getFeatures(request or QgsFeatureRequest()):
        if feedback is not None and feedback.isCanceled():
            return
        g = f.geometry()
        if g is None or g.isEmpty():
            continue
        g = QgsGeometry(g)
        if xform is not None:
            g.transform(xform)
        yield f, g


class PolygonIndex:
    """Spatial index + prepared geometry engines over ``Polygons``."""

    def __init__(self, polygons: Polygons) -> None:
        self.index = QgsSpatialIndex()
        self.engines = {}
        self.geoms = {}
        for f in polygons.features:
            g = f.geometry()
            if g is None or g.isEmpty():
                continue
            self.index.addFeature(f.id(), g.boundingBox())
            engine = QgsGeometry.createGeometryEngine(g.constGet())
            engine.prepareGeometry()
            self.engines[f.id()] = engine
            self.geoms[f.id()] = g

    def containing(self, point: QgsGeometry) -> list[int]:
        p = point.asPoint() if not point.isMultipart() else point.asMultiPoint()[0]
        candidates = self.index.intersects(QgsRectangle(p.x(), p.y(), p.x(), p.y()))
        pg = QgsGeometry.fromPointXY(QgsPointXY(p))
        return [fid for fid in candidates if self.engines[fid].intersects(pg.constGet())]


def assign(points: Iterable[tuple[QgsFeature, QgsGeometry]], index: PolygonIndex, key: KeyFunc,
           feedback: Optional[QgsFeedback] = None, total: int = 0) -> tuple[dict[int, list[object]], int]:
    """``{polygon id: [key(point), ...]}`` and the number of points read."""
    out: dict[int, list[object]] = {}
    n = 0
    for feat, geom in points:
        n += 1
        if feedback is not None and total and n % 500 == 0:
            feedback.setProgress(min(90.0, 90.0 * n / total))
        for fid in index.containing(geom):
            out.setdefault(fid, []).append(key(feat))
    return out, n


# ------------------------------------------------------------------ hexagons


def hex_cell(x: float, y: float, width: float) -> tuple[int, int]:
    """Axial (q, r) of the pointy-top hexagon of flat-to-flat ``width`` holding (x, y)."""
    size = width / math.sqrt(3)  # centre to corner
    q = (math.sqrt(3) / 3 * x - y / 3) / size
    r = (2 / 3 * y) / size
    # cube rounding
    cx, cz = q, r
    cy = -cx - cz
    rx, ry, rz = round(cx), round(cy), round(cz)
    dx, dy, dz = abs(rx - cx), abs(ry - cy), abs(rz - cz)
    if dx > dy and dx > dz:
        rx = -ry - rz
    elif dy > dz:
        ry = -rx - rz
    else:
        rz = -rx - ry
    return int(rx), int(rz)


def hex_polygon(q: int, r: int, width: float) -> QgsGeometry:
    size = width / math.sqrt(3)
    cx = size * math.sqrt(3) * (q + r / 2)
    cy = size * 1.5 * r
    pts = []
    for i in range(6):
        angle = math.radians(60 * i - 30)
        pts.append(QgsPointXY(cx + size * math.cos(angle), cy + size * math.sin(angle)))
    pts.append(pts[0])
    return QgsGeometry.fromPolygonXY([pts])
