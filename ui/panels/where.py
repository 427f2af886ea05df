"""The "Where" panel: anywhere the agreement allows, the map extent, boroughs or wards, selected
polygons of a layer, or a polygon drawn on the map (its map tool and rubber band live here).

Boroughs and wards are offered as the agreement allows: with an area limit only the agreement's
boroughs and their wards are listed.  A zero count caused by the agreement (an area outside it)
is explained by :meth:`WherePanel.agreement_note`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Set

from qgis.core import QgsGeometry, QgsRectangle, QgsVectorLayer
from qgis.gui import QgsRubberBand
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QListWidgetItem, QWidget

from ...providers import area as area_helpers
from ...providers import compat
from ...providers.errors import InvalidFilter
from ...providers.models import BoundaryArea, CollectionInfo, vintage_suffix
from ..map_tools import BNG, PolygonDrawTool, area_rubber_band
from . import fit_rows, form, icon
from ...governance.i18n import tr

ROLE_CODE = Qt.ItemDataRole.UserRole + 2
#: area modes a counts-only (aggregate-only) agreement accepts: the store refuses geometry there
COUNTS_ONLY_AREA_MODES = ("any", "boundaries")
#: rows the borough/ward list grows to before it scrolls
BOUNDARY_ROWS = 8


class WherePanel(QWidget, form("where.ui")):
    """``area()`` of the filter (None = anywhere the agreement allows); ``changed`` on every edit;
    ``boundariesWanted`` when the borough/ward list is needed and not loaded yet."""

    changed = pyqtSignal()
    boundariesWanted = pyqtSignal()

    def __init__(self, canvas: Any, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self.canvas = canvas
        self.info: Optional[CollectionInfo] = None
        self.boundaries: Dict[str, List[Any]] = {}
        self._checked: Dict[str, Set[str]] = {"boroughs": set(), "wards": set()}
        self._offered: Dict[str, List[Any]] = {"boroughs": [], "wards": []}
        self._drawn: Optional[QgsGeometry] = None
        self._band: Optional[QgsRubberBand] = None
        self._draw_tool: Optional[PolygonDrawTool] = None
        self._previous_tool: Any = None
        self._watched_layer: Optional[QgsVectorLayer] = None
        self.drawButton.setIcon(icon("draw_polygon.svg"))
        self.boundaryKindCombo.addItem(tr("Boroughs"), "boroughs")
        self.boundaryKindCombo.addItem(tr("Wards"), "wards")
        self.polygonLayerCombo.setFilters(compat.POLYGON_LAYER_FILTER)
        self.polygonLayerCombo.setAllowEmptyLayer(True)
        self.polygonLayerCombo.setLayer(None)
        fit_rows(self.boundaryList, 3)
        self._update_panels()
        for radio in (self.areaAnyRadio, self.areaExtentRadio, self.areaBoundaryRadio, self.areaLayerRadio,
                      self.areaDrawRadio):
            radio.toggled.connect(self._on_area_mode)
        self.boundaryKindCombo.currentIndexChanged.connect(self._fill_boundary_list)
        self.boundarySearchEdit.textChanged.connect(self._filter_boundary_list)
        self.boundaryList.itemChanged.connect(self._on_boundary_item_changed)
        self.polygonLayerCombo.layerChanged.connect(self._on_polygon_layer_changed)
        self.drawButton.toggled.connect(self._on_draw_toggled)
        if self.canvas is not None:
            self.canvas.extentsChanged.connect(self._on_extent_changed)

    def release(self) -> None:
        """Disconnect from QGIS objects and remove canvas items (plugin unload)."""
        self._watch_layer(None)
        if self.canvas is not None:
            try:
                self.canvas.extentsChanged.disconnect(self._on_extent_changed)
            except (TypeError, RuntimeError):
                pass
        self.stop_drawing()
        if self._draw_tool is not None:
            self._draw_tool.release()
            self._draw_tool = None
        self._remove_band()

    # ---------------------------------------------------------------- dataset and mode

    def set_dataset(self, info: Optional[CollectionInfo]) -> None:
        """Counts-only datasets take boroughs/wards only; an area-limited agreement lists only its areas."""
        self.info = info
        counts_only = info is not None and info.aggregate_only
        why = tr("Your organisation's agreement gives counts only for this dataset: choose boroughs or "
                      "wards.") if counts_only else ""
        for radio in (self.areaExtentRadio, self.areaLayerRadio, self.areaDrawRadio):
            radio.setEnabled(not counts_only)
            radio.setToolTip(why)
        if counts_only and self.area_mode() not in COUNTS_ONLY_AREA_MODES:
            self.set_area_mode("any")
        self._offer_boundaries()

    def area_mode(self) -> str:
        for mode, radio in (("extent", self.areaExtentRadio), ("boundaries", self.areaBoundaryRadio),
                            ("layer", self.areaLayerRadio), ("draw", self.areaDrawRadio)):
            if radio.isChecked():
                return mode
        return "any"

    def set_area_mode(self, mode: str) -> None:
        {"any": self.areaAnyRadio, "extent": self.areaExtentRadio, "boundaries": self.areaBoundaryRadio,
         "layer": self.areaLayerRadio, "draw": self.areaDrawRadio}[mode].setChecked(True)

    def _update_panels(self) -> None:
        mode = self.area_mode()
        self.boundaryPanel.setEnabled(mode == "boundaries")
        self.layerPanel.setEnabled(mode == "layer")
        self.drawPanel.setEnabled(mode == "draw")
        if mode != "draw":
            self.stop_drawing()

    def _on_area_mode(self, checked: bool) -> None:
        if not checked:
            return
        self._update_panels()
        mode = self.area_mode()
        if mode == "boundaries" and not self.boundaries:
            self.boundariesWanted.emit()
        self._watch_layer(self.polygonLayerCombo.currentLayer() if mode == "layer" else None)
        self._show_area_band()
        self.changed.emit()

    def _on_extent_changed(self) -> None:
        if self.area_mode() == "extent":
            self.changed.emit()

    # ---------------------------------------------------------------- boroughs and wards

    def set_boundaries(self, boundaries: Dict[str, List[Any]]) -> None:
        self.boundaries = boundaries
        for i, kind in enumerate(("boroughs", "wards")):  # "Wards (2022 boundaries)": the vintage in use
            self.boundaryKindCombo.setItemText(i, (tr("Boroughs"), tr("Wards"))[i]
                                               + vintage_suffix(boundaries.get(kind, [])))
        self._offer_boundaries()

    def agreement_boroughs(self) -> List[Any]:
        """The boroughs the current dataset's agreement covers (every borough without an area limit)."""
        area_wkt = self.info.limits.area_wkt if self.info is not None else None
        return area_helpers.agreement_boroughs(self.boundaries.get("boroughs", []), area_wkt)

    def _offer_boundaries(self) -> None:
        """Only what the agreement allows: its boroughs and the wards inside them (ticks elsewhere drop)."""
        boroughs = self.agreement_boroughs()
        limited = bool(self.info is not None and self.info.limits.area_wkt and boroughs)
        codes = {b.code for b in boroughs}
        wards = [w for w in self.boundaries.get("wards", []) if not limited or w.parent_code in codes]
        self._offered = {"boroughs": boroughs if limited else list(self.boundaries.get("boroughs", [])),
                         "wards": wards}
        for kind, offered in self._offered.items():
            self._checked[kind] &= {b.code for b in offered}
        name = (self.info.limits.area_name if self.info is not None else None) or tr("your agreement area")
        self.boundaryHintLabel.setText(
            tr("Your agreement covers {0}: only its boroughs and wards are listed.").format(name)
            if limited else "")
        self.boundaryHintLabel.setVisible(limited)
        self._fill_boundary_list()

    def _boundary_kind(self) -> str:
        return str(self.boundaryKindCombo.currentData() or "boroughs")

    def _fill_boundary_list(self) -> None:
        kind = self._boundary_kind()
        names = {b.code: b.name for b in self.boundaries.get("boroughs", [])}
        self.boundaryList.blockSignals(True)
        self.boundaryList.clear()
        for boundary in self._offered.get(kind, []):
            label = boundary.name
            if kind == "wards" and boundary.parent_code:
                label = f"{boundary.name} ({names.get(boundary.parent_code, boundary.parent_code)})"
            item = QListWidgetItem(label)
            item.setData(ROLE_CODE, boundary.code)
            item.setToolTip(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if boundary.code in self._checked[kind]
                               else Qt.CheckState.Unchecked)
            self.boundaryList.addItem(item)
        self.boundaryList.blockSignals(False)
        fit_rows(self.boundaryList, min(self.boundaryList.count(), BOUNDARY_ROWS), minimum_rows=3)
        self._filter_boundary_list()
        for row in range(self.boundaryList.count()):
            if self.boundaryList.item(row).checkState() == Qt.CheckState.Checked:
                self.boundaryList.scrollToItem(self.boundaryList.item(row))
                break

    def _filter_boundary_list(self) -> None:
        text = self.boundarySearchEdit.text().strip().lower()
        for row in range(self.boundaryList.count()):
            item = self.boundaryList.item(row)
            item.setHidden(bool(text) and text not in item.text().lower())

    def _on_boundary_item_changed(self, item: QListWidgetItem) -> None:
        chosen = self._checked[self._boundary_kind()]
        code = str(item.data(ROLE_CODE))
        if item.checkState() == Qt.CheckState.Checked:
            chosen.add(code)
        else:
            chosen.discard(code)
        self.changed.emit()

    def set_boundary_codes(self, kind: str, codes: List[str]) -> None:
        self._checked[kind] = set(codes) & {b.code for b in self._offered.get(kind, [])}
        self.boundaryKindCombo.setCurrentIndex(self.boundaryKindCombo.findData(kind))
        self._fill_boundary_list()
        self.changed.emit()

    def checked_codes(self, kind: str) -> tuple:
        return tuple(sorted(self._checked[kind]))

    def _boundary_label(self) -> str:
        names = {b.code: b.name for kind in ("boroughs", "wards") for b in self.boundaries.get(kind, [])}
        codes = list(self.checked_codes("boroughs")) + list(self.checked_codes("wards"))
        label = ", ".join(names.get(c, c) for c in codes[:3])
        return label + (tr(" and {0} more").format(len(codes) - 3) if len(codes) > 3 else "")

    # ---------------------------------------------------------------- polygon layer

    def _on_polygon_layer_changed(self, layer: Any) -> None:
        if self.area_mode() == "layer":
            self._watch_layer(layer)
        self.changed.emit()

    def _watch_layer(self, layer: Optional[QgsVectorLayer]) -> None:
        if self._watched_layer is not None:
            try:
                self._watched_layer.selectionChanged.disconnect(self._on_selection_changed)
            except (TypeError, RuntimeError):
                pass
        self._watched_layer = layer if isinstance(layer, QgsVectorLayer) else None
        if self._watched_layer is not None:
            self._watched_layer.selectionChanged.connect(self._on_selection_changed)
        self._update_selection_label()

    def _on_selection_changed(self, *_args: Any) -> None:
        self._update_selection_label()
        self.changed.emit()

    def _update_selection_label(self) -> None:
        layer = self._watched_layer
        self.selectionLabel.setText(tr("{0} selected").format(layer.selectedFeatureCount())
                                    if layer is not None else "")

    # ---------------------------------------------------------------- drawing

    def _on_draw_toggled(self, checked: bool) -> None:
        if checked:
            self._start_drawing()
        else:
            self.stop_drawing()

    def _start_drawing(self) -> None:
        if self.canvas is None:
            return
        if self._draw_tool is None:
            self._draw_tool = PolygonDrawTool(self.canvas)
            self._draw_tool.polygonDrawn.connect(self.set_drawn_polygon)
            self._draw_tool.cancelled.connect(self.stop_drawing)
        self._previous_tool = self.canvas.mapTool()
        self.canvas.setMapTool(self._draw_tool)
        self.drawnLabel.setText(tr("Click to add corners; right-click or double-click to finish, "
                                        "Esc to cancel."))

    def stop_drawing(self) -> None:
        """Give the map back its previous tool (the drawn polygon stays)."""
        if self.canvas is not None and self._draw_tool is not None and self.canvas.mapTool() is self._draw_tool:
            self.canvas.unsetMapTool(self._draw_tool)
            if self._previous_tool is not None:
                try:
                    self.canvas.setMapTool(self._previous_tool)
                except RuntimeError:
                    pass
        self._previous_tool = None
        if self.drawButton.isChecked():
            self.drawButton.blockSignals(True)
            self.drawButton.setChecked(False)
            self.drawButton.blockSignals(False)
        self._update_drawn_label()

    def set_drawn_polygon(self, geometry_bng: QgsGeometry) -> None:
        """The drawn area, in EPSG:27700 (also callable from tests)."""
        self._drawn = QgsGeometry(geometry_bng) if geometry_bng is not None else None
        if self.area_mode() != "draw":
            self.areaDrawRadio.setChecked(True)
        self.stop_drawing()
        self._show_area_band()
        self.changed.emit()

    def _update_drawn_label(self) -> None:
        self.drawnLabel.setText(tr("No polygon drawn yet.") if self._drawn is None else
                                tr("Polygon of {0:.2f} km²").format(self._drawn.area() / 1e6))

    def _show_area_band(self) -> None:
        if self.canvas is None:
            return
        if self.area_mode() != "draw" or self._drawn is None:
            self._remove_band()
            return
        if self._band is None:
            self._band = area_rubber_band(self.canvas)
        self._band.setToGeometry(self._drawn, BNG)

    def _remove_band(self) -> None:
        if self._band is not None and self.canvas is not None:
            self._band.reset()
            self.canvas.scene().removeItem(self._band)
        self._band = None

    # ---------------------------------------------------------------- the area

    def area(self) -> Any:
        """The area filter as a core ``Area`` (None = anywhere the DSA allows); ValueError if incomplete."""
        try:
            return self._area()
        except InvalidFilter as exc:
            raise ValueError(exc.user_message) from exc

    def _area(self) -> Any:
        mode = self.area_mode()
        if mode == "extent":
            if self.canvas is None or self.canvas.extent().isEmpty():
                raise ValueError(tr("The map has no extent yet."))
            return area_helpers.bbox_area(self.canvas.extent(), self.canvas.mapSettings().destinationCrs(),
                                          label=tr("Map extent"))
        if mode == "boundaries":
            boroughs, wards = self.checked_codes("boroughs"), self.checked_codes("wards")
            if not boroughs and not wards:
                raise ValueError(tr("Tick at least one borough or ward."))
            return BoundaryArea(boroughs, wards, label=self._boundary_label())
        if mode == "layer":
            layer = self.polygonLayerCombo.currentLayer()
            if not isinstance(layer, QgsVectorLayer) or layer.selectedFeatureCount() == 0:
                raise ValueError(tr("Select one or more features of a polygon layer."))
            label = tr("{0} selected in {1}").format(layer.selectedFeatureCount(), layer.name())
            return area_helpers.selected_features_area(layer, label=label).area
        if mode == "draw":
            if self._drawn is None:
                raise ValueError(tr("Draw a polygon on the map first."))
            return area_helpers.polygon_area([self._drawn], BNG, tr("Drawn area")).area
        return None

    def agreement_note(self, area: Any) -> str:
        """Why ``area`` (of the query on screen) holds no records: it lies outside the agreement's area."""
        limits = self.info.limits if self.info is not None else None
        if area is None or limits is None or not limits.area_wkt or area.kind not in ("bbox", "polygon"):
            return ""
        allowed = QgsGeometry.fromWkt(limits.area_wkt)
        chosen = QgsGeometry.fromWkt(area.wkt) if area.kind == "polygon" else \
            QgsGeometry.fromRect(QgsRectangle(area.xmin, area.ymin, area.xmax, area.ymax))
        if allowed.isNull() or chosen.isNull() or chosen.intersects(allowed):
            return ""
        return tr("This area is outside your organisation's agreement ({0}): it gives you no records "
                       "there.").format(limits.area_name or tr("a restricted area"))
