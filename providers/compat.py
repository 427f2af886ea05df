"""What differs between the QGIS versions SafeStats supports (3.22 on Debian 12, 3.40 on Debian 13,
3.44 LTR from trixie-backports): the ONE place for it.

* Enum spellings that moved (scoped ``Qgis.*`` enums since 3.30/3.34). Use these names instead of
  ``QgsWkbTypes.PointGeometry`` & co.: on 3.40 scoped enums are Python enums that no longer compare
  equal to plain integers.
* Defaults that changed behind the same API (see each name's comment).
"""
from __future__ import annotations

from typing import Any

from qgis.core import Qgis, QgsMapLayerProxyModel, QgsRenderContext, QgsSymbolLayer, QgsUnitTypes, QgsWkbTypes


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


# ---- enums that moved into Qgis.* after 3.22 (QGIS 4 drops the old spellings; scripts/check_qt6.py
# --pyqgis flags the old ones anywhere else). `is not None`, not `or`: a new value may be 0.


def _new_or_old(new: Any, old_owner: Any, old_name: str) -> Any:
    return new if new is not None else getattr(old_owner, old_name)


def _core(name: str) -> Any:
    import qgis.core

    return getattr(qgis.core, name, None)


# Text in exported PDFs as real, searchable text. The export default is "always outlines" on every
# version, but 3.22 drew layout labels as text regardless; from 3.3x layout labels go through
# QgsTextRenderer, which obeys that default, so a 3.40 PDF had no extractable text at all.
TEXT_AS_TEXT = _new_or_old(_pick(Qgis, "TextRenderFormat", "AlwaysText"), QgsRenderContext, "TextFormatAlwaysText")
WKB_POLYGON = _new_or_old(_pick(Qgis, "WkbType", "Polygon"), QgsWkbTypes, "Polygon")  # 3.30
LAYOUT_MILLIMETERS = _new_or_old(_pick(Qgis, "LayoutUnit", "Millimeters"), QgsUnitTypes, "LayoutMillimeters")
DISTANCE_METERS = _new_or_old(_pick(Qgis, "DistanceUnit", "Meters"), QgsUnitTypes, "DistanceMeters")
DISTANCE_KILOMETERS = _new_or_old(_pick(Qgis, "DistanceUnit", "Kilometers"), QgsUnitTypes, "DistanceKilometers")
POINT_LAYER_FILTER = _new_or_old(_pick(Qgis, "LayerFilter", "PointLayer"), QgsMapLayerProxyModel, "PointLayer")
VECTOR_LAYER = _pick(Qgis, "LayerType", "Vector")  # 3.30; QgsMapLayerType before
if VECTOR_LAYER is None:
    VECTOR_LAYER = _core("QgsMapLayerType").VectorLayer
LEGEND_TITLE = _new_or_old(_pick(Qgis, "LegendComponent", "Title"), _core("QgsLegendStyle"), "Title")
LEGEND_GROUP = _new_or_old(_pick(Qgis, "LegendComponent", "Group"), _core("QgsLegendStyle"), "Group")
LEGEND_SUBGROUP = _new_or_old(_pick(Qgis, "LegendComponent", "Subgroup"), _core("QgsLegendStyle"), "Subgroup")
LEGEND_SYMBOL_LABEL = _new_or_old(_pick(Qgis, "LegendComponent", "SymbolLabel"), _core("QgsLegendStyle"),
                                  "SymbolLabel")
SCALEBAR_FIT_WIDTH = _new_or_old(_pick(Qgis, "ScaleBarSegmentSizeMode", "FitWidth"), _core("QgsScaleBarSettings"),
                                 "SegmentSizeFitWidth")


def layer_attribution(layer: Any) -> str:
    """The layer's attribution: in its server properties since QGIS 3.38 (``QgsMapLayer.attribution()``
    is deprecated there), on the layer itself before."""
    props = layer.serverProperties() if hasattr(layer, "serverProperties") else None
    if props is not None and hasattr(props, "attribution"):
        return props.attribution() or ""
    return (layer.attribution() if hasattr(layer, "attribution") else "") or ""


def set_layer_attribution(layer: Any, text: str) -> None:
    props = layer.serverProperties() if hasattr(layer, "serverProperties") else None
    if props is not None and hasattr(props, "setAttribution"):
        props.setAttribution(text)
    elif hasattr(layer, "setAttribution"):
        layer.setAttribution(text)


def clone_layer(layer: Any) -> Any:
    """``layer.clone()`` that keeps the attribution on the original and the copy. QGIS 3.40.6's
    clone() EMPTIES the original layer's server properties (where the attribution lives since 3.38)
    and gives the copy none, so printing a user's layer wiped its attribution (3.22 and 3.44 keep it)."""
    attribution = layer_attribution(layer)
    copy = layer.clone()
    for target in (layer, copy):
        if layer_attribution(target) != attribution:
            set_layer_attribution(target, attribution)
    return copy

#: tasks kept out of the task manager's list: QGIS >= 3.26 only (None on 3.22)
TASK_HIDDEN = _pick(_core("QgsTask"), "Flag", "Hidden")


# ---- Processing enums (moved into Qgis.* in 3.36)
def _processing(new_enum: str, new_name: str, old_class: str, old_name: str) -> Any:
    return _new_or_old(_pick(Qgis, new_enum, new_name), _core(old_class), old_name)


SOURCE_VECTOR_POINT = _processing("ProcessingSourceType", "VectorPoint", "QgsProcessing", "TypeVectorPoint")
SOURCE_VECTOR_POLYGON = _processing("ProcessingSourceType", "VectorPolygon", "QgsProcessing", "TypeVectorPolygon")
NUMBER_INTEGER = _processing("ProcessingNumberParameterType", "Integer", "QgsProcessingParameterNumber", "Integer")
FIELD_ANY = _processing("ProcessingFieldParameterDataType", "Any", "QgsProcessingParameterField", "Any")
FIELD_NUMERIC = _processing("ProcessingFieldParameterDataType", "Numeric", "QgsProcessingParameterField", "Numeric")
DATETIME_DATE = _processing("ProcessingDateTimeParameterDataType", "Date", "QgsProcessingParameterDateTime", "Date")


# ---- heatmap legend: the renderer draws its colour ramp in the legend since QGIS 3.28
#      (QgsHeatmapRenderer.setLegendSettings); on 3.22 the layer gets a legend object that does it
def _heatmap_legend_class() -> Any:
    from qgis.core import QgsColorRampLegendNode, QgsMapLayerLegend
    from qgis.PyQt import sip

    class HeatmapLegend(QgsMapLayerLegend):
        """The layer's default legend, with the heatmap's colour ramp while a heatmap draws it."""

        def __init__(self, low: str, high: str) -> None:
            super().__init__()
            self.low, self.high = low, high

        def createLayerTreeModelLegendNodes(self, node: Any) -> list:  # noqa: N802 - Qt override
            layer = node.layer()
            renderer = layer.renderer() if layer is not None else None
            if renderer is not None and renderer.type() == "heatmapRenderer" and renderer.colorRamp():
                nodes = [QgsColorRampLegendNode(node, renderer.colorRamp().clone(),
                                                heatmap_legend_settings(self.low, self.high), 0, 1)]
            else:
                self._default = QgsMapLayerLegend.defaultVectorLegend(layer)
                nodes = self._default.createLayerTreeModelLegendNodes(node)
            for item in nodes:  # the layer tree model owns the nodes, not Python
                sip.transferto(item, None)
            return nodes

    return HeatmapLegend


def heatmap_legend_settings(low: str, high: str) -> Any:
    from qgis.core import QgsColorRampLegendNodeSettings
    settings = QgsColorRampLegendNodeSettings()
    settings.setMinimumLabel(low)
    settings.setMaximumLabel(high)
    return settings


def set_heatmap_legend(layer: Any, low: str, high: str) -> None:
    """A colour-ramp legend ("low" to "high") for a layer drawn by a heatmap renderer."""
    renderer = layer.renderer()
    if hasattr(renderer, "setLegendSettings"):  # QGIS >= 3.28: the renderer's own legend
        renderer.setLegendSettings(heatmap_legend_settings(low, high))
    else:
        legend = _heatmap_legend_class()(low, high)
        layer.setLegend(legend)  # the layer owns it (Transfer)
