"""Real hexagon binning of a loaded points layer: counts per hexagon with small numbers withheld.

The grid is the store's (``store/safestats_store/aggregates.by_hex``): pointy-top hexagons in
EPSG:27700 with the origin at British National Grid 0,0, radius (centre to corner) 500, 1000 or
2000 m (``closed_table.HEX_SIZES``), built with the plugin's one hexagon geometry
(``spatial.hex_cell`` / ``spatial.hex_polygon``, which take the width across flats = radius × √3).
The plugin's hexagons and the store's therefore coincide cell for cell.

A cell with ``0 < count < threshold`` gets a NULL ``count`` (never its true value: an analyst can
open the attribute table) and the label "Fewer than N"; the store does the same for record-level
callers' aggregates. Only occupied cells are written.

What is binned is what was loaded: the hexagon layer does not follow the Temporal Controller (its
name says "whole loaded period"). Re-applying the preset after a new load rebuilds the cells.

Reading the points runs in a QgsTask (``tasks.run_task``) for big layers; the layer is built and
added on the main thread.
"""
from __future__ import annotations

import math
from typing import Callable, Dict, Iterable, Optional, Tuple

from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeature, QgsFeedback,
                       QgsField, QgsProject, QgsVectorLayer, QgsVectorLayerFeatureSource)
from qgis.PyQt.QtCore import QVariant

from . import spatial, tasks
from ..governance import disclosure
from ..governance.i18n import tr

#: the store's hexagon radii (centre to corner, metres): closed_table.HEX_SIZES
HEX_SIZES = (500, 1000, 2000)
BNG = "EPSG:27700"
#: layer custom property on the hexagon layer: id of the points layer it was binned from
PROP_SOURCE = "safestats/hexbin_source"
#: layer custom property: radius of the hexagons in metres
PROP_SIZE = "safestats/hexbin_size"
#: above this many points the binning runs in a background task
TASK_THRESHOLD = 20000
#: about how many hexagons across the data's extent at most
MAX_ACROSS = 40

Cell = Tuple[int, int]
Styler = Callable[[QgsVectorLayer, int], None]


def choose_size(width_m: float) -> int:
    """The smallest store radius giving at most ``MAX_ACROSS`` hexagons across ``width_m``."""
    for size in HEX_SIZES:
        if width_m / (size * math.sqrt(3)) <= MAX_ACROSS:
            return size
    return HEX_SIZES[-1]


def bin_xy(points: Iterable[Tuple[float, float]], size: float) -> Dict[Cell, int]:
    """``{(q, r): count}`` of points (EPSG:27700) in the store's hexagons of radius ``size``."""
    width = size * math.sqrt(3)
    counts: Dict[Cell, int] = {}
    for x, y in points:
        cell = spatial.hex_cell(x, y, width)
        counts[cell] = counts.get(cell, 0) + 1
    return counts


def hexagon(cell: Cell, size: float):
    """The QgsGeometry (EPSG:27700) of a cell: the store's ``hex_polygon(q, r, size)``."""
    return spatial.hex_polygon(cell[0], cell[1], size * math.sqrt(3))


def _reader(layer: QgsVectorLayer, project: QgsProject) -> Callable[[Optional[QgsFeedback]], list]:
    """A function reading the layer's points as EPSG:27700 (x, y), safe in a worker thread."""
    source = QgsVectorLayerFeatureSource(layer)
    target = QgsCoordinateReferenceSystem(BNG)
    xform = None
    if layer.crs().isValid() and layer.crs() != target:
        xform = QgsCoordinateTransform(layer.crs(), target, project.transformContext())

    def read(feedback: Optional[QgsFeedback] = None) -> list:
        out = []
        for f in source.getFeatures():
            if feedback is not None and feedback.isCanceled():
                raise RuntimeError(tr("Hexagon binning cancelled"))
            g = f.geometry()
            if g is None or g.isEmpty():
                continue
            p = g.asPoint() if not g.isMultipart() else g.asMultiPoint()[0]
            if xform is not None:
                p = xform.transform(p)
            out.append((p.x(), p.y()))
        return out

    return read


def layer_name(points: QgsVectorLayer, size: int) -> str:
    return tr("{0} · hexagons {1} m (whole loaded period)").format(points.name(), size)


def new_layer(points: QgsVectorLayer, size: int) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"Polygon?crs={BNG}", layer_name(points, size), "memory")
    layer.dataProvider().addAttributes([QgsField("q", QVariant.Int), QgsField("r", QVariant.Int),
                                        QgsField("count", QVariant.Int), QgsField("label", QVariant.String)])
    layer.updateFields()
    layer.setCustomProperty(PROP_SOURCE, points.id())
    return layer


def fill(layer: QgsVectorLayer, counts: Dict[Cell, int], size: int, threshold: int) -> None:
    """Replace the layer's cells with ``counts`` (below ``threshold``: NULL count, "Fewer than N")."""
    provider = layer.dataProvider()
    provider.truncate()
    hidden = suppressed_label(threshold)
    feats = []
    for cell in sorted(counts):
        n = counts[cell]
        shown = n if not disclosure.is_disclosive(n, threshold) else None
        f = QgsFeature(layer.fields())
        f.setGeometry(hexagon(cell, size))
        f.setAttributes([cell[0], cell[1], shown, str(n) if shown is not None else hidden])
        feats.append(f)
    if feats and not provider.addFeatures(feats)[0]:
        raise OSError(tr("Could not write the hexagon cells: {0}").format("; ".join(provider.errors())))
    layer.setCustomProperty(PROP_SIZE, size)
    layer.updateExtents()


def suppressed_label(threshold: int) -> str:
    return tr("Fewer than {0}").format(threshold)


def find_layer(points: QgsVectorLayer, project: QgsProject) -> Optional[QgsVectorLayer]:
    for layer in project.mapLayers().values():
        if layer.customProperty(PROP_SOURCE) == points.id():
            return layer
    return None


def drop_hexagons(points: QgsVectorLayer, project: QgsProject) -> bool:
    """Remove the hexagon layer of ``points`` (another preset was chosen) and show the points again."""
    cells = find_layer(points, project)
    if cells is None:
        return False
    project.removeMapLayer(cells.id())
    node = project.layerTreeRoot().findLayer(points.id())
    if node is not None:
        node.setItemVisibilityChecked(True)
    return True


def show_hexagons(points: QgsVectorLayer, style: Styler, project: Optional[QgsProject] = None,
                  threshold: Optional[int] = None,
                  on_done: Optional[Callable[[Optional[QgsVectorLayer], Optional[BaseException]], None]] = None
                  ) -> Optional[QgsVectorLayer]:
    """Create or update the hexagon layer of ``points`` in ``project`` (above the points, which stay
    in the project, hidden). Small layers are binned at once and the layer returned; big ones in a
    task (returns None; ``on_done(layer, error)`` is called either way)."""
    project = project or QgsProject.instance()
    threshold = max(int(threshold or disclosure.configured_threshold()), disclosure.DEFAULT_THRESHOLD)
    extent = QgsCoordinateTransform(points.crs(), QgsCoordinateReferenceSystem(BNG),
                                    project.transformContext()).transformBoundingBox(points.extent())
    size = choose_size(max(extent.width(), extent.height()))
    read = _reader(points, project)

    def finish(xy, error):
        layer = None
        if error is None:
            try:
                layer = _publish(points, project, bin_xy(xy, size), size, threshold, style)
            except (OSError, RuntimeError) as exc:  # failed write: said, never silent
                error = exc
        if on_done is not None:
            on_done(layer, error)
        return layer

    if points.featureCount() > TASK_THRESHOLD:
        tasks.run_task(tr("Binning {0} into hexagons").format(points.name()), read, finish, hidden=False)
        return None
    return finish(read(None), None)


def _publish(points: QgsVectorLayer, project: QgsProject, counts: Dict[Cell, int], size: int,
             threshold: int, style: Styler) -> QgsVectorLayer:
    layer = find_layer(points, project)
    if layer is None:
        layer = new_layer(points, size)
        project.addMapLayer(layer, False)
        root = project.layerTreeRoot()
        node = root.findLayer(points.id())
        parent = node.parent() if node is not None else root
        index = parent.children().index(node) if node is not None else 0
        parent.insertLayer(index, layer)
    layer.setName(layer_name(points, size))
    fill(layer, counts, size, threshold)
    style(layer, threshold)
    root = project.layerTreeRoot()
    node = root.findLayer(points.id())
    if node is not None:  # the points stay, hidden and folded; the cells' legend shows
        node.setItemVisibilityChecked(False)
        node.setExpanded(False)
    cells = root.findLayer(layer.id())
    if cells is not None:
        cells.setExpanded(True)
    layer.triggerRepaint()
    return layer
