"""Map tool to draw the filter polygon on the canvas.

Left click adds a vertex, moving the mouse previews the next edge, right click or double click
finishes (three vertices at least), Backspace removes the last vertex, Esc cancels.  The finished
polygon is emitted in EPSG:27700 (the store's CRS), whatever the project CRS.
"""
from __future__ import annotations

from typing import List, Optional

from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsGeometry,
                       QgsPointXY, QgsProject)
from qgis.gui import QgsMapCanvas, QgsMapMouseEvent, QgsMapTool, QgsRubberBand
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor, QKeyEvent

from ..providers.compat import POLYGON_GEOMETRY

BNG = QgsCoordinateReferenceSystem("EPSG:27700")


def area_rubber_band(canvas: QgsMapCanvas) -> QgsRubberBand:
    """The look of a SafeStats filter area on the canvas (blue, translucent, dashed outline)."""
    band = QgsRubberBand(canvas, POLYGON_GEOMETRY)
    band.setColor(QColor(43, 108, 176, 220))
    band.setFillColor(QColor(43, 108, 176, 40))
    band.setWidth(2)
    band.setLineStyle(Qt.PenStyle.DashLine)
    return band


def to_bng(geometry: QgsGeometry, source_crs: QgsCoordinateReferenceSystem) -> QgsGeometry:
    """A copy of ``geometry`` transformed from ``source_crs`` to EPSG:27700."""
    out = QgsGeometry(geometry)
    if source_crs.isValid() and source_crs != BNG:
        out.transform(QgsCoordinateTransform(source_crs, BNG, QgsProject.instance()))
    return out


class PolygonDrawTool(QgsMapTool):
    """Draw one polygon; emits ``polygonDrawn(QgsGeometry)`` in EPSG:27700."""

    polygonDrawn = pyqtSignal(object)
    cancelled = pyqtSignal()

    def __init__(self, canvas: QgsMapCanvas) -> None:
        super().__init__(canvas)
        self._canvas = canvas
        self._points: List[QgsPointXY] = []
        self._band: Optional[QgsRubberBand] = None
        self.setCursor(Qt.CursorShape.CrossCursor)

    # ---------------------------------------------------------------- helpers

    def points(self) -> List[QgsPointXY]:
        return list(self._points)

    def _ensure_band(self) -> QgsRubberBand:
        if self._band is None:
            self._band = area_rubber_band(self._canvas)
        return self._band

    def _redraw(self, hover: Optional[QgsPointXY] = None) -> None:
        band = self._ensure_band()
        band.reset(POLYGON_GEOMETRY)
        for point in self._points + ([hover] if hover is not None else []):
            band.addPoint(point, False)
        band.show()
        band.updatePosition()
        band.update()

    def _clear(self) -> None:
        self._points = []
        if self._band is not None:
            self._band.reset(POLYGON_GEOMETRY)

    # ---------------------------------------------------------------- finishing

    def finish(self) -> Optional[QgsGeometry]:
        """Close the polygon (also usable from tests); None if fewer than three vertices."""
        if len(self._points) < 3:
            return None
        geometry = QgsGeometry.fromPolygonXY([self._points + [self._points[0]]])
        if not geometry.isGeosValid():
            geometry = geometry.makeValid()
        crs = self._canvas.mapSettings().destinationCrs()
        bng = to_bng(geometry, crs)
        self._clear()
        self.polygonDrawn.emit(bng)
        return bng

    def add_point(self, point: QgsPointXY) -> None:
        self._points.append(QgsPointXY(point))
        self._redraw()

    # ---------------------------------------------------------------- QgsMapTool events

    def canvasMoveEvent(self, event: QgsMapMouseEvent) -> None:  # noqa: N802
        if self._points:
            self._redraw(event.mapPoint())

    def canvasReleaseEvent(self, event: QgsMapMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.add_point(event.mapPoint())
        elif event.button() == Qt.MouseButton.RightButton:
            self.finish()

    def canvasDoubleClickEvent(self, event: QgsMapMouseEvent) -> None:  # noqa: N802
        self.finish()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self._clear()
            self.cancelled.emit()
            event.accept()
        elif event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete) and self._points:
            self._points.pop()
            self._redraw()
            event.accept()
        else:
            event.ignore()

    def deactivate(self) -> None:
        self._clear()
        super().deactivate()

    def release(self) -> None:
        """Remove the rubber band from the canvas (plugin unload)."""
        self._clear()
        if self._band is not None:
            self._canvas.scene().removeItem(self._band)
            self._band = None
