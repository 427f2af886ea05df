"""The SafeStats dock: datasets the organisation may see, filters, live count, style, Load/Refresh.

Widgets come from ``dock.ui``; this class wires them.  It never talks HTTP itself: the session's
``StoreClient`` is called inside QgsTasks (``ui.background``), loading goes through the core's
load task (``providers``), and every error is shown through ``ui.messages``.
"""
from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Set

from qgis.core import QgsGeometry, QgsMapLayerProxyModel, QgsVectorLayer
from qgis.gui import QgsDockWidget, QgsRubberBand
from qgis.PyQt import uic
from qgis.PyQt.QtCore import QCoreApplication, QDateTime, Qt, QTimer, pyqtSignal
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QInputDialog, QListWidgetItem, QMessageBox, QWidget

from ..providers import area as area_helpers
from ..providers.models import CountsQuery, period_label
from ..providers import daterange
from ..providers.errors import DatasetNotAvailable, InvalidFilter, NotSignedIn, TokenExpired
from ..providers.load_task import large_load_rows
from ..providers.models import BoundaryArea, CollectionInfo, MatchCount, Query, vintage_suffix
from ..providers import compat
from . import messages, presets
from .background import FunctionTask, run_task
from .count_preview import CountPreview
from .counts_panel import CountsPanel
from .map_tools import BNG, PolygonDrawTool, area_rubber_band

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).with_name("dock.ui")))
ICONS = Path(__file__).resolve().parent.parent / "icons"

ROLE_INFO = Qt.ItemDataRole.UserRole + 1
ROLE_CODE = Qt.ItemDataRole.UserRole + 2
#: area modes a counts-only (aggregate-only) agreement accepts: the store refuses geometry there
COUNTS_ONLY_AREA_MODES = ("any", "boundaries")

QUICK_ALL = "all"
QUICK_CUSTOM = "custom"


def tr(text: str) -> str:
    """For module-level text (pylupdate5 files it under @default; the translator falls back there)."""
    return QCoreApplication.translate("SafeStatsDock", text)


def icon(name: str) -> QIcon:
    return QIcon(str(ICONS / name))


class SafeStatsDock(QgsDockWidget, FORM_CLASS):
    """Dataset picker + filters.  ``loadRequested(query, info, preset_id)`` asks the plugin to load."""

    loadRequested = pyqtSignal(object, object, str)
    refreshRequested = pyqtSignal(object)  # a SafeStats layer
    signInRequested = pyqtSignal()
    signOutRequested = pyqtSignal()
    cancelRequested = pyqtSignal()
    datasetsLoaded = pyqtSignal(list)
    sessionEnded = pyqtSignal(object)  # the NotSignedIn/TokenExpired error that showed it
    queryChanged = pyqtSignal(object)

    def __init__(self, iface: Any, session: Any, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self.setObjectName("SafeStatsDock")
        self.iface = iface
        self.session = session
        self.canvas = iface.mapCanvas() if iface is not None else None
        self.datasets: List[CollectionInfo] = []
        self.boundaries: Dict[str, List[Any]] = {}
        self._boundary_checked: Dict[str, Set[str]] = {"boroughs": set(), "wards": set()}
        self._category_checked: Dict[str, Set[str]] = {}
        self._drawn: Optional[QgsGeometry] = None
        self._band: Optional[QgsRubberBand] = None
        self._draw_tool: Optional[PolygonDrawTool] = None
        self._previous_tool: Any = None
        self._tasks: List[FunctionTask] = []
        self._watched_layer: Optional[QgsVectorLayer] = None
        self._loading = False
        self.filter_error: Optional[str] = None
        self._load_after_count: Optional[tuple] = None  # (query, info) of a Load waiting for its count

        self.counter = CountPreview(self._count, self)
        self.counter.counting.connect(self._on_counting)
        self.counter.countReady.connect(self._on_count)
        self.counter.countFailed.connect(self._on_count_failed)

        self._setup_widgets()
        self._connect()
        self.set_signed_in(None)

    # ================================================================ setup

    def _setup_widgets(self) -> None:
        self.setWindowIcon(icon("dock.svg"))
        self.signInButton.setIcon(icon("signin.svg"))
        self.signOutButton.setIcon(icon("signout.svg"))
        self.loadButton.setIcon(icon("load.svg"))
        self.refreshButton.setIcon(icon("refresh.svg"))
        self.drawButton.setIcon(icon("draw_polygon.svg"))
        self.applyStyleButton.setIcon(icon("style.svg"))
        self.refreshDatasetsButton.setIcon(icon("refresh.svg"))
        self.quickPickCombo.addItem(self.tr("All available dates"), QUICK_ALL)
        for key, (label, _fn) in daterange.QUICK_PICKS.items():
            self.quickPickCombo.addItem(self.tr(label), key)
        self.quickPickCombo.addItem(self.tr("Custom range"), QUICK_CUSTOM)
        self.quickPickCombo.setCurrentIndex(self.quickPickCombo.findData("last_12_months"))
        self._apply_quick_pick()
        self.boundaryKindCombo.addItem(self.tr("Boroughs"), "boroughs")
        self.boundaryKindCombo.addItem(self.tr("Wards"), "wards")
        self.polygonLayerCombo.setFilters(compat.POLYGON_LAYER_FILTER)
        self.polygonLayerCombo.setAllowEmptyLayer(True)
        self.polygonLayerCombo.setLayer(None)
        self.progressBar.hide()
        self.cancelButton.hide()
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 400])
        self.datasetList.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.datasetList.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self._update_area_panels()
        self._update_hours()
        # counts-only datasets: the closed table's cells instead of the free filters
        self.countsPanel = CountsPanel(self)
        self.splitter.insertWidget(self.splitter.indexOf(self.filterTabs) + 1, self.countsPanel)
        self.countsPanel.hide()
        self.countsPanel.changed.connect(self.filters_changed)

    def _connect(self) -> None:
        self.signInButton.clicked.connect(self.signInRequested)
        self.signOutButton.clicked.connect(self.signOutRequested)
        self.datasetList.currentItemChanged.connect(self._on_dataset_changed)
        self.refreshDatasetsButton.clicked.connect(self.refresh_datasets)
        self.quickPickCombo.currentIndexChanged.connect(self._on_quick_pick)
        self.fromEdit.dateTimeChanged.connect(self._on_dates_edited)
        self.toEdit.dateTimeChanged.connect(self._on_dates_edited)
        for day in range(1, 8):
            getattr(self, f"dow{day}Check").toggled.connect(self.filters_changed)
        self.anyHourCheck.toggled.connect(self._update_hours)
        self.hourFromSpin.valueChanged.connect(self.filters_changed)
        self.hourToSpin.valueChanged.connect(self.filters_changed)
        self.categoryFieldCombo.currentIndexChanged.connect(self._fill_category_list)
        self.categoryList.itemChanged.connect(self._on_category_item_changed)
        self.categoryAllButton.clicked.connect(lambda: self._check_all_categories(True))
        self.categoryNoneButton.clicked.connect(lambda: self._check_all_categories(False))
        for radio in (self.areaAnyRadio, self.areaExtentRadio, self.areaBoundaryRadio, self.areaLayerRadio,
                      self.areaDrawRadio):
            radio.toggled.connect(self._on_area_mode)
        self.boundaryKindCombo.currentIndexChanged.connect(self._fill_boundary_list)
        self.boundarySearchEdit.textChanged.connect(self._filter_boundary_list)
        self.boundaryList.itemChanged.connect(self._on_boundary_item_changed)
        self.polygonLayerCombo.layerChanged.connect(self._on_polygon_layer_changed)
        self.drawButton.toggled.connect(self._on_draw_toggled)
        self.loadButton.clicked.connect(self.request_load)
        self.refreshButton.clicked.connect(self.request_refresh)
        self.cancelButton.clicked.connect(self.cancelRequested)
        self.applyStyleButton.clicked.connect(self.apply_style_to_current_layer)
        self.saveStyleButton.clicked.connect(self.save_style_of_current_layer)
        if self.canvas is not None:
            self.canvas.extentsChanged.connect(self._on_extent_changed)
        if self.iface is not None:
            self.iface.currentLayerChanged.connect(self._update_buttons)
            self.iface.currentLayerChanged.connect(self._sync_preset_from_layer)

    def release(self) -> None:
        """Disconnect from QGIS objects and remove canvas items (plugin unload)."""
        self.counter.stop()
        for task in self._tasks:
            task.detach()
        self._tasks.clear()
        self._watch_layer(None)
        if self.canvas is not None:
            try:
                self.canvas.extentsChanged.disconnect(self._on_extent_changed)
            except (TypeError, RuntimeError):
                pass
        if self.iface is not None:
            for slot in (self._update_buttons, self._sync_preset_from_layer):
                try:
                    self.iface.currentLayerChanged.disconnect(slot)
                except (TypeError, RuntimeError):
                    pass
        self._stop_drawing()
        if self._draw_tool is not None:
            self._draw_tool.release()
            self._draw_tool = None
        self._remove_band()

    # ================================================================ session / datasets

    def set_signed_in(self, user: Any) -> None:
        """Update for a sign-in (``user`` a UserInfo) or sign-out (None)."""
        signed_in = user is not None
        if signed_in:
            purpose = self.session.purpose or ""
            conditions = getattr(self.session, "conditions", None)
            if conditions is not None:
                purpose = conditions.purpose_label(purpose)
            self.sessionLabel.setText(
                self.tr("<b>{0}</b> · {1}<br/><span style='color:#555'>Purpose: {2}</span>")
                .format(html.escape(user.username), html.escape(user.organisation_name), html.escape(purpose)))
            self.sessionLabel.setToolTip(self.session.store_url or "")
        else:
            self.sessionLabel.setText(self.tr("Not signed in."))
            self.sessionLabel.setToolTip("")
            self.datasets = []
            self.boundaries = {}
            self.datasetList.clear()
            self.datasetDetails.clear()
            self.boundaryList.clear()
            self.counter.request(None)
        self.signInButton.setVisible(not signed_in)
        self.signOutButton.setVisible(signed_in)
        self.splitter.setEnabled(signed_in)
        self.countLabel.setText(self.tr("Loading the datasets your organisation may see…") if signed_in
                                else self.tr("Sign in to see the datasets your organisation may see."))
        self._update_buttons()
        if signed_in:
            self.refresh_datasets()

    def refresh_datasets(self) -> None:
        session = self.session
        if session is None or not session.is_signed_in:
            return

        def work(feedback: Any) -> List[CollectionInfo]:
            return session.client.datasets()

        self._run(self.tr("SafeStats: listing datasets"), work, self._datasets_done)

    def _datasets_done(self, datasets: Any, error: Optional[BaseException]) -> None:
        if error is not None:
            self.countLabel.setText(messages.message_for(error).text)
            messages.show_error(self._bar(), error, "dataset list")
            self._check_session_ended(error)
            return
        self.set_datasets(datasets)

    def set_datasets(self, datasets: List[CollectionInfo]) -> None:
        """Fill the list with exactly the datasets the store offered for this organisation."""
        current = self.current_dataset()
        self.datasets = sorted(datasets, key=lambda d: d.title.lower())
        self.datasetList.blockSignals(True)
        self.datasetList.clear()
        for info in self.datasets:
            item = QListWidgetItem(info.title)
            item.setData(ROLE_INFO, info)
            if info.aggregate_only:
                item.setText(self.tr("{0}  (counts only)").format(info.title))
                item.setIcon(icon("style.svg"))
            else:
                item.setIcon(icon("dock.svg"))
            item.setToolTip(f"{info.agency}\n{info.limits.describe()}")
            self.datasetList.addItem(item)
        self.datasetList.blockSignals(False)
        if not self.datasets:
            self.countLabel.setText(self.tr("Your organisation's agreement does not include any dataset."))
        index = 0
        if current is not None:
            ids = [d.id for d in self.datasets]
            index = ids.index(current.id) if current.id in ids else 0
        if self.datasets:
            self.datasetList.setCurrentRow(index)
        self.datasetsLoaded.emit(list(self.datasets))
        self._update_buttons()

    def dataset_ids(self) -> List[str]:
        return [d.id for d in self.datasets]

    def current_dataset(self) -> Optional[CollectionInfo]:
        item = self.datasetList.currentItem()
        return item.data(ROLE_INFO) if item is not None else None

    def select_dataset(self, dataset_id: str) -> bool:
        for row in range(self.datasetList.count()):
            if self.datasetList.item(row).data(ROLE_INFO).id == dataset_id:
                self.datasetList.setCurrentRow(row)
                return True
        return False

    def _on_dataset_changed(self, *_args: Any) -> None:
        info = self.current_dataset()
        self.datasetDetails.setHtml(dataset_html(info) if info else "")
        self._fill_category_fields(info)
        self._fill_presets(info)
        self._update_date_bounds(info)
        self._limit_area_modes(info)
        self._show_counts_panel(info)
        self.filters_changed()

    def _show_counts_panel(self, info: Optional[CollectionInfo]) -> None:
        """Counts-only: period, area unit, within-borough and category replace the free filters."""
        counts_only = info is not None and info.aggregate_only
        self.filterTabs.setVisible(not counts_only)
        self.countsPanel.setVisible(counts_only)
        self.countsPanel.set_dataset(info if counts_only else None)
        if counts_only:
            if self.boundaries:
                self._fill_counts_boroughs()
            elif self.session is not None and self.session.is_signed_in:
                self.load_boundaries()

    def _fill_counts_boroughs(self) -> None:
        info = self.current_dataset()
        if info is None or not info.aggregate_only:
            return
        self.countsPanel.set_boroughs(area_helpers.agreement_boroughs(self.boundaries.get("boroughs", []),
                                                                      info.limits.area_wkt))

    def _fill_presets(self, info: Optional[CollectionInfo]) -> None:
        self.presetCombo.blockSignals(True)
        self.presetCombo.clear()
        if info is not None:
            access = "aggregate" if info.aggregate_only else "records"
            for preset in presets.presets_for(access, info.id):
                self.presetCombo.addItem(preset.title, preset.id)
                self.presetCombo.setItemData(self.presetCombo.count() - 1, preset.description, Qt.ItemDataRole.ToolTipRole)
            self.presetCombo.setCurrentIndex(max(0, self.presetCombo.findData(presets.preferred_preset_id(access))))
        self.presetCombo.blockSignals(False)

    def _sync_preset_from_layer(self, *_args: Any) -> None:
        """Selecting a SafeStats layer of the dataset on screen shows its current style in the dock
        (the filters are left alone: they describe the next load, not the layer)."""
        layer = self.current_safestats_layer() if self.iface is not None else None
        current = self.current_dataset()
        if layer is None or current is None or layer.customProperty("safestats/dataset") != current.id:
            return
        preset_id = presets.current_preset(layer)
        index = self.presetCombo.findData(preset_id) if preset_id else -1
        if index >= 0:
            self.presetCombo.setCurrentIndex(index)

    def selected_preset(self) -> str:
        return str(self.presetCombo.currentData() or "")

    # ================================================================ filters: when

    def _apply_quick_pick(self) -> None:
        key = self.quickPickCombo.currentData()
        if key in (QUICK_ALL, QUICK_CUSTOM, None):
            enabled = key == QUICK_CUSTOM
            self.fromEdit.setEnabled(enabled or key == QUICK_CUSTOM)
            self.toEdit.setEnabled(enabled or key == QUICK_CUSTOM)
            return
        start, end = daterange.quick_pick(str(key))
        for edit, value in ((self.fromEdit, start), (self.toEdit, end)):
            edit.blockSignals(True)
            edit.setDateTime(QDateTime(value.year, value.month, value.day, value.hour, value.minute,
                                       value.second))
            edit.blockSignals(False)
        self.fromEdit.setEnabled(True)
        self.toEdit.setEnabled(True)

    def _on_quick_pick(self) -> None:
        self._apply_quick_pick()
        self.filters_changed()

    def _on_dates_edited(self) -> None:
        custom = self.quickPickCombo.findData(QUICK_CUSTOM)
        if self.quickPickCombo.currentIndex() != custom:
            self.quickPickCombo.blockSignals(True)
            self.quickPickCombo.setCurrentIndex(custom)
            self.quickPickCombo.blockSignals(False)
        self.filters_changed()

    def _update_date_bounds(self, info: Optional[CollectionInfo]) -> None:
        hint = ""
        if info is not None:
            hint = self.tr("Data covers {0}.").format(info.coverage())
            if info.limits.history_from:
                hint += " " + self.tr("Your agreement allows records from {0}.").format(info.limits.history_from)
        self.quickPickCombo.setToolTip(hint)
        self.fromEdit.setToolTip(hint)

    def _set_quick_pick(self, key: str) -> None:
        self.quickPickCombo.setCurrentIndex(self.quickPickCombo.findData(key))

    def date_range(self) -> tuple:
        key = self.quickPickCombo.currentData()
        if key == QUICK_ALL:
            return None, None
        if key not in (QUICK_CUSTOM, None):
            return daterange.quick_pick(str(key))
        start = _to_london(self.fromEdit.dateTime())
        end = _to_london(self.toEdit.dateTime())
        return start, end

    def _update_hours(self) -> None:
        custom = not self.anyHourCheck.isChecked()
        for widget in (self.hourFromSpin, self.hourToSpin, self.hourFromLabel, self.hourToLabel):
            widget.setEnabled(custom)
        self.filters_changed()

    def days(self) -> tuple:
        checked = [d for d in range(1, 8) if getattr(self, f"dow{d}Check").isChecked()]
        return () if len(checked) == 7 else tuple(checked)

    def hours(self) -> tuple:
        if self.anyHourCheck.isChecked():
            return ()
        return hour_range(self.hourFromSpin.value(), self.hourToSpin.value())

    # ================================================================ filters: what

    def _fill_category_fields(self, info: Optional[CollectionInfo]) -> None:
        self.categoryFieldCombo.blockSignals(True)
        self.categoryFieldCombo.clear()
        self._category_checked = {}
        if info is not None:
            for field in info.category_fields():
                self.categoryFieldCombo.addItem(field.title, field.name)
                self._category_checked[field.name] = set()
        self.categoryFieldCombo.blockSignals(False)
        self._fill_category_list()

    def _category_field(self) -> Optional[Any]:
        info = self.current_dataset()
        name = self.categoryFieldCombo.currentData()
        return info.field(name) if info is not None and name else None

    def _fill_category_list(self) -> None:
        field = self._category_field()
        self.categoryList.blockSignals(True)
        self.categoryList.clear()
        if field is not None:
            checked = self._category_checked.get(field.name, set())
            for value in field.categories or ():
                item = QListWidgetItem(value)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if value in checked else Qt.CheckState.Unchecked)
                item.setIcon(_swatch(value))
                self.categoryList.addItem(item)
        self.categoryList.blockSignals(False)
        self._update_category_summary()

    def _on_category_item_changed(self, item: QListWidgetItem) -> None:
        field = self._category_field()
        if field is None:
            return
        chosen = self._category_checked.setdefault(field.name, set())
        if item.checkState() == Qt.CheckState.Checked:
            chosen.add(item.text())
        else:
            chosen.discard(item.text())
        self._update_category_summary()
        self.filters_changed()

    def _check_all_categories(self, checked: bool) -> None:
        field = self._category_field()
        if field is None:
            return
        self._category_checked[field.name] = set(field.categories or ()) if checked else set()
        self._fill_category_list()
        self.filters_changed()

    def set_categories(self, field_name: str, values: List[str]) -> None:
        """Programmatic selection (tests, saved filters)."""
        self._category_checked[field_name] = set(values)
        index = self.categoryFieldCombo.findData(field_name)
        if index >= 0:
            self.categoryFieldCombo.setCurrentIndex(index)
        self._fill_category_list()
        self.filters_changed()

    def _update_category_summary(self) -> None:
        field = self._category_field()
        chosen = self._category_checked.get(field.name, set()) if field is not None else set()
        if field is None or not chosen:
            text = self.tr("All categories")
        else:
            text = self.tr("{0} of {1} ticked").format(len(chosen), len(field.categories or ()))
        others = sum(1 for name, values in self._category_checked.items()
                     if values and (field is None or name != field.name))
        if others:
            text += self.tr(" (+ {0} other field filter)").format(others)
        self.categorySummaryLabel.setText(text)

    def categories(self) -> Dict[str, tuple]:
        return {name: tuple(sorted(values)) for name, values in self._category_checked.items() if values}

    # ================================================================ filters: where

    def area_mode(self) -> str:
        for mode, radio in (("extent", self.areaExtentRadio), ("boundaries", self.areaBoundaryRadio),
                            ("layer", self.areaLayerRadio), ("draw", self.areaDrawRadio)):
            if radio.isChecked():
                return mode
        return "any"

    def set_area_mode(self, mode: str) -> None:
        {"any": self.areaAnyRadio, "extent": self.areaExtentRadio, "boundaries": self.areaBoundaryRadio,
         "layer": self.areaLayerRadio, "draw": self.areaDrawRadio}[mode].setChecked(True)

    def _update_area_panels(self) -> None:
        mode = self.area_mode()
        self.boundaryPanel.setEnabled(mode == "boundaries")
        self.layerPanel.setEnabled(mode == "layer")
        self.drawPanel.setEnabled(mode == "draw")
        if mode != "draw":
            self._stop_drawing()

    def _on_area_mode(self, checked: bool) -> None:
        if not checked:
            return
        self._update_area_panels()
        mode = self.area_mode()
        if mode == "boundaries" and self.session.is_signed_in and not self.boundaries:
            self.load_boundaries()
        self._watch_layer(self.polygonLayerCombo.currentLayer() if mode == "layer" else None)
        self._show_area_band()
        self.filters_changed()

    def load_boundaries(self) -> None:
        session = self.session

        def work(feedback: Any) -> Dict[str, List[Any]]:
            client = session.client
            return {"boroughs": client.boundaries("boroughs"), "wards": client.boundaries("wards")}

        def done(result: Any, error: Optional[BaseException]) -> None:
            if error is not None:
                messages.show_error(self._bar(), error, "boroughs and wards")
                return
            self.set_boundaries(result)

        self._run(self.tr("SafeStats: reading boroughs and wards"), work, done)

    def set_boundaries(self, boundaries: Dict[str, List[Any]]) -> None:
        self.boundaries = boundaries
        for i, kind in enumerate(("boroughs", "wards")):  # "Wards (2022 boundaries)": the vintage in use
            self.boundaryKindCombo.setItemText(i, (self.tr("Boroughs"), self.tr("Wards"))[i]
                                               + vintage_suffix(boundaries.get(kind, [])))
        self._fill_boundary_list()
        self._fill_counts_boroughs()

    def _boundary_kind(self) -> str:
        return str(self.boundaryKindCombo.currentData() or "boroughs")

    def _fill_boundary_list(self) -> None:
        kind = self._boundary_kind()
        names = {b.code: b.name for b in self.boundaries.get("boroughs", [])}
        self.boundaryList.blockSignals(True)
        self.boundaryList.clear()
        for boundary in self.boundaries.get(kind, []):
            label = boundary.name
            if kind == "wards" and boundary.parent_code:
                label = f"{boundary.name} ({names.get(boundary.parent_code, boundary.parent_code)})"
            item = QListWidgetItem(label)
            item.setData(ROLE_CODE, boundary.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if boundary.code in self._boundary_checked[kind] else Qt.CheckState.Unchecked)
            self.boundaryList.addItem(item)
        self.boundaryList.blockSignals(False)
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
        chosen = self._boundary_checked[self._boundary_kind()]
        code = str(item.data(ROLE_CODE))
        if item.checkState() == Qt.CheckState.Checked:
            chosen.add(code)
        else:
            chosen.discard(code)
        self.filters_changed()

    def set_boundary_codes(self, kind: str, codes: List[str]) -> None:
        self._boundary_checked[kind] = set(codes)
        self.boundaryKindCombo.setCurrentIndex(self.boundaryKindCombo.findData(kind))
        self._fill_boundary_list()
        self.filters_changed()

    def _boundary_label(self) -> str:
        names = {b.code: b.name for kind in ("boroughs", "wards") for b in self.boundaries.get(kind, [])}
        codes = sorted(self._boundary_checked["boroughs"]) + sorted(self._boundary_checked["wards"])
        label = ", ".join(names.get(c, c) for c in codes[:3])
        return label + (self.tr(" and {0} more").format(len(codes) - 3) if len(codes) > 3 else "")

    def _on_polygon_layer_changed(self, layer: Any) -> None:
        if self.area_mode() == "layer":
            self._watch_layer(layer)
        self.filters_changed()

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
        self.filters_changed()

    def _update_selection_label(self) -> None:
        layer = self._watched_layer
        count = layer.selectedFeatureCount() if layer is not None else 0
        self.selectionLabel.setText(self.tr("{0} selected").format(count) if layer is not None else "")

    # -- drawing

    def _on_draw_toggled(self, checked: bool) -> None:
        if checked:
            self._start_drawing()
        else:
            self._stop_drawing()

    def _start_drawing(self) -> None:
        if self.canvas is None:
            return
        if self._draw_tool is None:
            self._draw_tool = PolygonDrawTool(self.canvas)
            self._draw_tool.polygonDrawn.connect(self.set_drawn_polygon)
            self._draw_tool.cancelled.connect(self._stop_drawing)
        self._previous_tool = self.canvas.mapTool()
        self.canvas.setMapTool(self._draw_tool)
        self.drawnLabel.setText(self.tr("Click to add corners; right-click or double-click to finish, "
                                        "Esc to cancel."))

    def _stop_drawing(self) -> None:
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
        self._stop_drawing()
        self._show_area_band()
        self.filters_changed()

    def _update_drawn_label(self) -> None:
        if self._drawn is None:
            self.drawnLabel.setText(self.tr("No polygon drawn yet."))
        else:
            self.drawnLabel.setText(self.tr("Polygon of {0:.2f} km²").format(self._drawn.area() / 1e6))

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

    def _on_extent_changed(self) -> None:
        if self.area_mode() == "extent":
            self.filters_changed()

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
                raise ValueError(self.tr("The map has no extent yet."))
            return area_helpers.bbox_area(self.canvas.extent(), self.canvas.mapSettings().destinationCrs(),
                                          label=self.tr("Map extent"))
        if mode == "boundaries":
            boroughs = tuple(sorted(self._boundary_checked["boroughs"]))
            wards = tuple(sorted(self._boundary_checked["wards"]))
            if not boroughs and not wards:
                raise ValueError(self.tr("Tick at least one borough or ward."))
            return BoundaryArea(boroughs, wards, label=self._boundary_label())
        if mode == "layer":
            layer = self.polygonLayerCombo.currentLayer()
            if not isinstance(layer, QgsVectorLayer) or layer.selectedFeatureCount() == 0:
                raise ValueError(self.tr("Select one or more features of a polygon layer."))
            label = self.tr("{0} selected in {1}").format(layer.selectedFeatureCount(), layer.name())
            return area_helpers.selected_features_area(layer, label=label).area
        if mode == "draw":
            if self._drawn is None:
                raise ValueError(self.tr("Draw a polygon on the map first."))
            return area_helpers.polygon_area([self._drawn], BNG, self.tr("Drawn area")).area
        return None

    def _limit_area_modes(self, info: Optional[CollectionInfo]) -> None:
        """Counts-only datasets take boroughs/wards only: the other area choices are disabled."""
        counts_only = info is not None and info.aggregate_only
        why = self.tr("Your organisation's agreement gives counts only for this dataset: choose boroughs or "
                      "wards.") if counts_only else ""
        for radio in (self.areaExtentRadio, self.areaLayerRadio, self.areaDrawRadio):
            radio.setEnabled(not counts_only)
            radio.setToolTip(why)
        if counts_only and self.area_mode() not in COUNTS_ONLY_AREA_MODES:
            self.set_area_mode("any")

    # ================================================================ query + count

    def build_query(self) -> Query | CountsQuery:
        """The Query for the filters on screen; raises ValueError with a plain message if incomplete."""
        info = self.current_dataset()
        if info is None:
            raise ValueError(self.tr("Choose a dataset."))
        if info.aggregate_only:
            return self.countsPanel.build_query()
        days = self.days()
        if not days and not any(getattr(self, f"dow{d}Check").isChecked() for d in range(1, 8)):
            raise ValueError(self.tr("Tick at least one day of the week."))
        start, end = self.date_range()
        if start is not None and end is not None and start > end:
            raise ValueError(self.tr("The start date is after the end date."))
        return Query(dataset_id=info.id, start=start, end=end, dow=days, hours=self.hours(),
                     categories=self.categories(), area=self.area())

    def filters_changed(self, *_args: Any) -> None:
        """Any filter changed: validate and schedule a debounced count."""
        if not hasattr(self, "counter"):
            return
        if not self.session.is_signed_in or self.current_dataset() is None:
            self.counter.request(None)
            self._update_buttons()
            return
        try:
            query = self.build_query()
        except ValueError as exc:
            self.filter_error = str(exc)
            self.counter.request(None)
            self.countLabel.setText(f"<span style='color:#b7791f'>{html.escape(str(exc))}</span>")
            self._update_buttons()
            return
        self.filter_error = None
        if query != self.counter.last_query or self.counter.last_count is None:
            self.countLabel.setText(self.tr("Updating the count…"))
        self.counter.request(query)
        self.queryChanged.emit(query)
        self._update_buttons()

    def _count(self, query: Query, feedback: Any) -> MatchCount:
        return self.session.client.count(query, feedback)

    def _on_counting(self) -> None:
        self.countLabel.setText(self.tr("Counting matching records…"))

    def _on_count(self, query: Query, count: MatchCount) -> None:
        self.countLabel.setText(self.count_text(count))
        self._update_buttons()
        pending, self._load_after_count = self._load_after_count, None
        if pending is not None and pending[0] == query:
            self._load(query, pending[1], count)

    def count_text(self, count: MatchCount) -> str:
        """What the count label says: exact records, or the rounded/suppressed counts-only answer."""
        if count.suppressed:
            text = self.tr("Fewer than <b>{0}</b> matching records: too few to publish (counts only)").format(
                count.threshold or count.rounded_to)  # the store rounds to its suppression threshold
        elif count.perturbed:
            text = self.tr("About <b>{0:,}</b> incidents (counts only: perturbed and rounded to the nearest {1}; "
                           "totals need not add up)").format(count.known_rows, count.rounded_to)
        elif count.rounded:
            text = self.tr("About <b>{0:,}</b> matching records (rounded to the nearest {1}; counts only)").format(
                count.known_rows, count.rounded_to)
        else:
            text = self.tr("<b>{0:,}</b> matching records").format(count.known_rows)
        if count.period and count.perturbed:
            text += "<br/>" + self.tr("Period: {0}").format(html.escape(period_label(count.period)))
        elif count.period:
            text += "<br/>" + self.tr("Counted in whole months: {0}").format(html.escape(count.period))
        if count.known_rows > large_load_rows() and not count.rounded:
            text += "<br/><span style='color:#b7791f'>" + self.tr(
                "That is a very large load; consider narrowing the filter.") + "</span>"
        return text

    def _on_count_failed(self, query: Query, error: BaseException) -> None:
        self._load_after_count = None  # a load waiting for this count does not start
        message = messages.log_error(error, "count")
        self.countLabel.setText(f"<span style='color:#c53030'>{html.escape(message.text)}</span>")
        self._update_buttons()
        self._check_session_ended(error)
        if isinstance(error, DatasetNotAvailable):
            self.refresh_datasets()  # the agreement changed: show what is allowed now

    def _check_session_ended(self, error: BaseException) -> None:
        if isinstance(error, (NotSignedIn, TokenExpired)):
            self.sessionEnded.emit(error)

    # ================================================================ load / refresh / style

    def current_safestats_layer(self) -> Optional[QgsVectorLayer]:
        layer = self.iface.activeLayer() if self.iface is not None else None
        from ..providers.layers import is_safestats_layer

        return layer if isinstance(layer, QgsVectorLayer) and is_safestats_layer(layer) else None

    def _update_buttons(self, *_args: Any) -> None:
        signed_in = bool(self.session is not None and self.session.is_signed_in)
        ready = signed_in and self.current_dataset() is not None and self.filter_error is None
        self.loadButton.setEnabled(ready and not self._loading)
        layer = self.current_safestats_layer() if self.iface is not None else None
        self.refreshButton.setEnabled(signed_in and layer is not None and not self._loading)
        self.applyStyleButton.setEnabled(layer is not None)
        self.saveStyleButton.setEnabled(layer is not None)

    def request_load(self) -> None:
        """Load the filter on screen. Record loads need its count first (to warn before a very large
        one): when the count is not in yet, the load waits for it; a failed count cancels it."""
        info = self.current_dataset()
        try:
            query = self.build_query()
        except ValueError as exc:
            messages.show_error(self._bar(), exc, "load")
            return
        if info is not None and info.aggregate_only:
            self.loadRequested.emit(query, info, self.selected_preset())  # counts per area: small
            return
        count = self.counter.last_count if self.counter.last_query == query else None
        if count is None:
            self._load_after_count = (query, info)
            self.countLabel.setText(self.tr("Counting matching records before loading…"))
            if not self.counter.is_counting(query):
                self.counter.request(query)
            return
        self._load(query, info, count)

    def _load(self, query: Query, info: Optional[CollectionInfo], count: MatchCount) -> None:
        rows = count.known_rows
        if rows > large_load_rows() and not self._confirm_large(rows):
            return
        if rows == 0:
            messages.show_info(self._bar(), self.tr("Nothing to load"),
                               self.tr("No records match this filter."))
            return
        self.loadRequested.emit(query, info, self.selected_preset())

    def _confirm_large(self, count: int) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Large load"),
            self.tr("This filter matches {0:,} records (more than {1:,}). Loading that many takes a while "
                    "and uses a lot of memory. Load anyway?").format(count, large_load_rows()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def request_refresh(self) -> None:
        layer = self.current_safestats_layer()
        if layer is not None:
            self.refreshRequested.emit(layer)

    def set_loading(self, loading: bool, text: str = "") -> None:
        self._loading = loading
        self.progressBar.setVisible(loading)
        self.cancelButton.setVisible(loading)
        self.progressBar.setValue(0)
        if text:
            self.progressBar.setFormat(text + "  %p%")
        self._update_buttons()

    def set_progress(self, value: float) -> None:
        self.progressBar.setValue(int(value))

    def apply_style_to_current_layer(self) -> None:
        layer = self.current_safestats_layer()
        if layer is None:
            return
        preset_id = self.selected_preset()
        info = self.info_for_layer(layer)
        if not presets.apply_dataset_preset(layer, preset_id, info):
            messages.show_info(self._bar(), self.tr("Style"),
                               self.tr("That style does not suit this layer."), level=1)
        elif self.iface is not None:
            self.iface.layerTreeView().refreshLayerSymbology(layer.id())

    def save_style_of_current_layer(self) -> None:
        layer = self.current_safestats_layer()
        if layer is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("Save style as preset"),
                                        self.tr("Name of your preset:"))
        if not ok or not name.strip():
            return
        dataset_id = layer.customProperty("safestats/dataset") or None
        try:
            path = presets.save_user_preset(layer, name.strip(), dataset_id)
        except OSError as exc:
            messages.show_error(self._bar(), exc, "save preset")
            return
        messages.show_info(self._bar(), self.tr("Style saved"),
                           self.tr("Saved as your preset “{0}” ({1}).").format(name.strip(), path))
        self._fill_presets(self.current_dataset())

    def info_for_layer(self, layer: QgsVectorLayer) -> Optional[CollectionInfo]:
        dataset_id = layer.customProperty("safestats/dataset")
        for info in self.datasets:
            if info.id == dataset_id:
                return info
        return None

    # ================================================================ misc

    def _run(self, description: str, fn: Callable[[Any], Any],
             done: Callable[[Any, Optional[BaseException]], None]) -> None:
        def wrapped(result: Any, error: Optional[BaseException]) -> None:
            self._tasks[:] = [t for t in self._tasks if t is not task]
            done(result, error)

        task = run_task(description, fn, wrapped)
        self._tasks.append(task)

    def _bar(self) -> Any:
        return self.iface.messageBar() if self.iface is not None else None

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self._stop_drawing()
        super().closeEvent(event)


# ==================================================================== helpers


def hour_range(first: int, last: int) -> tuple:
    """Hours from ``first`` to ``last`` inclusive, wrapping past midnight (22→3 = 22,23,0,1,2,3)."""
    if first <= last:
        hours = tuple(range(first, last + 1))
    else:
        hours = tuple(range(first, 24)) + tuple(range(0, last + 1))
    return () if len(hours) == 24 else hours


def _to_london(value: QDateTime) -> datetime:
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second(), tzinfo=daterange.LONDON)


def _swatch(value: str) -> QIcon:
    from qgis.PyQt.QtGui import QPixmap

    pixmap = QPixmap(12, 12)
    pixmap.fill(presets.stable_colour(value))
    return QIcon(pixmap)


def _fmt_date(text: Optional[str]) -> str:
    if not text:
        return "—"
    return str(text)[:10]


def dataset_html(info: CollectionInfo) -> str:
    """Description, coverage, last refresh and what the DSA limits, as compact HTML."""
    e = html.escape
    limits = info.limits
    rows = []
    rows.append((tr("Agency"), e(info.agency or "—")))
    rows.append((tr("Coverage"), e(info.coverage())))
    rows.append((tr("Last refresh"), e(_fmt_date(info.last_refresh))))
    if info.record_count is not None:
        rows.append((tr("Records"), f"{int(info.record_count):,}"))
    rows += [(tr("Not recorded"), e(info.precision_note))] if info.precision_note else []  # month-only dates…
    limit_items = []
    limit_items.append(tr("<b>Counts only</b> — no individual records") if limits.aggregate_only
                       else tr("Individual records"))
    limit_items.append(tr("Area: {0}").format(e(limits.area_name)) if limits.area_name else
                       (tr("Area: restricted") if limits.area_wkt else tr("Area: London-wide")))
    limit_items.append(tr("History from {0}").format(e(limits.history_from)) if limits.history_from
                       else tr("Full history"))
    if limits.fields_restricted:
        shown = ", ".join(e(f.title) for f in info.fields)
        limit_items.append(tr("Some fields withheld (you get: {0})").format(shown))
    else:
        limit_items.append(tr("All fields"))
    table = "".join(f"<tr><td style='color:#555;padding-right:6px'>{k}</td><td>{v}</td></tr>" for k, v in rows)
    marking = f"<div style='color:#9b2c2c;font-weight:bold'>{e(info.protective_marking)}</div>" \
        if info.protective_marking else ""
    return (f"{marking}<div>{e(info.description)}</div><table>{table}</table>"
            "<div style='margin-top:4px'><b>" + tr("Your agreement:") + "</b><ul style='margin:0'>"
            + "".join(f"<li>{item}</li>" for item in limit_items) + "</ul></div>")
