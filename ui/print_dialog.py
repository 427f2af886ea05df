""""Print ward maps…": pick a boundary layer, its name field, the incidents (usually the loaded
SafeStats layer), a style preset and the paper; export one multi-page PDF (or one PDF per ward)
in a background task. Thin: the layout and disclosure control live in ``providers.print_job``.

Entry point for the plugin: ``open_print_dialog(iface, session)``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from qgis.core import Qgis, QgsProject, QgsSettings, QgsVectorLayer
from qgis.gui import QgsFileWidget
from qgis.PyQt import uic
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QWidget

from ..governance import disclosure
from ..providers.layers import is_safestats_layer, safestats_layers
from ..governance import keys
from ..providers import compat, messages, reference_layers
from ..providers import print_job as atlas, styles as presets
from ..governance.i18n import tr

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).with_name("print_dialog.ui")))
LAST_DIR_SETTING = keys.PRINT_DIR  # a folder path only
KEEP_STYLE = ""
NAME_FIELDS = ("name", "ward_name", "wd22nm", "WD22NM", "lsoa_name", "LSOA21NM", "NAME")


def boundary_vintage_suffix(layer: Any) -> str:
    """' (2022 boundaries)' for a layer of the store's boroughs/wards (their ``vintage`` field)."""
    if not isinstance(layer, QgsVectorLayer) or layer.fields().indexOf("vintage") < 0:
        return ""
    values = {str(v) for v in layer.uniqueValues(layer.fields().indexOf("vintage")) if v not in (None, "")}
    values = {v for v in values if v != "NULL"}
    return f" ({', '.join(sorted(values))} boundaries)" if values else ""


class PrintWardMapsDialog(QDialog, FORM_CLASS):
    def __init__(self, iface: Any, session: Any = None, parent: Optional[QWidget] = None,
                 project: Optional[QgsProject] = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self.iface = iface
        self.session = session
        self.project = project or QgsProject.instance()
        self.task: Optional[atlas.PrintTask] = None
        self.paths: list[str] = []
        self.error = ""
        self.dpi = 200
        self.print_button = self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        self.print_button.setText(tr("Print"))
        self.close_button = self.buttonBox.button(QDialogButtonBox.StandardButton.Close)
        self.buttonBox.accepted.connect(self.start)
        self.buttonBox.rejected.connect(self._close_or_cancel)

        self.boundaryLayerCombo.setFilters(compat.POLYGON_LAYER_FILTER)
        self.incidentsLayerCombo.setFilters(compat.POINT_LAYER_FILTER)
        self.boundaryLayerCombo.layerChanged.connect(self._on_boundary_changed)
        self.incidentsLayerCombo.layerChanged.connect(self._fill_presets)
        for paper in atlas.PAPERS:
            self.paperCombo.addItem(paper, paper)
        self.thresholdSpin.setMinimum(disclosure.DEFAULT_THRESHOLD)
        self.thresholdSpin.setValue(disclosure.configured_threshold())
        self.titleEdit.setText(tr("Community safety ward map"))
        self.outputWidget.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.outputWidget.setFilter(tr("PDF files (*.pdf)"))
        self.outputWidget.setDialogTitle(tr("Save ward maps as"))
        last = QgsSettings().value(LAST_DIR_SETTING, "") or str(Path.home())
        self.outputWidget.setDefaultRoot(str(last))
        self.perWardCheck.toggled.connect(self._on_per_ward)
        self.addWardsButton.clicked.connect(self.add_store_wards)
        self.addWardsButton.setEnabled(bool(session is not None and getattr(session, "is_signed_in", False)))
        self._pick_defaults()

    # ---------------------------------------------------------------- defaults

    def _pick_defaults(self) -> None:
        active = self.iface.activeLayer() if self.iface is not None else None
        if isinstance(active, QgsVectorLayer) and active.geometryType() == compat.POINT_GEOMETRY:
            self.incidentsLayerCombo.setLayer(active)
        else:
            loaded = [l for l in safestats_layers(self.project) if l.geometryType() == compat.POINT_GEOMETRY]
            if loaded:
                self.incidentsLayerCombo.setLayer(loaded[0])
        if isinstance(active, QgsVectorLayer) and active.geometryType() == compat.POLYGON_GEOMETRY:
            self.boundaryLayerCombo.setLayer(active)
        elif "wards" in reference_layers.reference_layers(self.project):
            self.boundaryLayerCombo.setLayer(reference_layers.reference_layers(self.project)["wards"])
        self._on_boundary_changed(self.boundaryLayerCombo.currentLayer())
        self._fill_presets(self.incidentsLayerCombo.currentLayer())

    def _on_boundary_changed(self, layer: Any) -> None:
        self.nameFieldCombo.setLayer(layer)
        self.areasGroup.setTitle(tr("Areas (one page each)") + boundary_vintage_suffix(layer))
        if isinstance(layer, QgsVectorLayer):
            for name in NAME_FIELDS:
                if layer.fields().indexOf(name) >= 0:
                    self.nameFieldCombo.setField(name)
                    break

    def _fill_presets(self, layer: Any) -> None:
        self.presetCombo.clear()
        self.presetCombo.addItem(tr("Keep the layer's style"), KEEP_STYLE)
        dataset = layer.customProperty(keys.PROP_DATASET, None) if isinstance(layer, QgsVectorLayer) else None
        for preset in presets.presets_for("records", dataset or None):
            self.presetCombo.addItem(preset.title, preset.id)

    def _on_per_ward(self, on: bool) -> None:
        self.outputWidget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory if on else QgsFileWidget.StorageMode.SaveFile)
        self.outputWidget.setDialogTitle(tr("Folder for the ward PDFs") if on else tr("Save ward maps as"))

    def add_store_wards(self) -> None:
        """Boroughs and wards from the store as reference layers; the wards become the boundary layer."""
        self.addWardsButton.setEnabled(False)
        self._status(tr("Adding the store's borough and ward boundaries…"))

        def done(added: list, error: Optional[BaseException]) -> None:
            self.addWardsButton.setEnabled(True)
            if error is not None:
                self._status(messages.message_for(error).text, error=True)
                return
            wards = reference_layers.reference_layers(self.project).get("wards")
            if wards is not None:
                self.boundaryLayerCombo.setLayer(wards)
            self._status(tr("Added the store's boroughs and wards."))

        self.boundaries_task = reference_layers.start_adding(self.session, done, self.project)

    # ---------------------------------------------------------------- printing

    def _validate(self) -> Optional[str]:
        if self.boundaryLayerCombo.currentLayer() is None:
            return tr("Choose a boundary layer (polygons, e.g. wards).")
        if not self.nameFieldCombo.currentField():
            return tr("Choose the field holding the area names.")
        if self.incidentsLayerCombo.currentLayer() is None:
            return tr("Choose the incidents layer (load a SafeStats dataset first).")
        if not self.outputWidget.filePath().strip():
            return tr("Choose where to save the PDF.")
        return None

    def output_path(self) -> str:
        path = self.outputWidget.filePath().strip()
        if not self.perWardCheck.isChecked() and not path.lower().endswith(".pdf"):
            path += ".pdf"
        return path

    def build_job(self) -> atlas.PrintJob:
        incidents = self.incidentsLayerCombo.currentLayer()
        return atlas.prepare_job(
            self.boundaryLayerCombo.currentLayer(), self.nameFieldCombo.currentField(), [incidents],
            self.output_path(), title=self.titleEdit.text().strip(), paper=self.paperCombo.currentData(),
            per_ward=self.perWardCheck.isChecked(), threshold=self.thresholdSpin.value(),
            preset_id=self.presetCombo.currentData() or None, selected_only=self.selectedOnlyCheck.isChecked(),
            dpi=self.dpi, session=self.session)

    def start(self) -> None:
        problem = self._validate()
        if problem:
            self._status(problem, error=True)
            return
        layer = self.incidentsLayerCombo.currentLayer()
        if not is_safestats_layer(layer):
            self._status(tr("Note: “{0}” is not a SafeStats layer; its own attribution is printed.").format(
                layer.name()))
        try:
            job = self.build_job()
        except (ValueError, RuntimeError) as exc:
            self._status(str(exc), error=True)
            return
        QgsSettings().setValue(LAST_DIR_SETTING, str(Path(job.output).parent if not job.per_ward else job.output))
        self.paths, self.error = [], ""
        self._set_running(True)
        self.task = atlas.start_print(job, self._on_done, self._on_failed)
        self.task.progressChanged.connect(lambda p: self.progressBar.setValue(int(p) // 2))  # counting
        self.task.exportProgress.connect(lambda p: self.progressBar.setValue(50 + int(p) // 2))  # pages

    def _on_done(self, paths: list) -> None:
        self.paths = list(paths)
        self._set_running(False)
        self.progressBar.setValue(100)
        where = paths[0] if len(paths) == 1 else str(Path(paths[0]).parent) if paths else ""
        text = tr("Printed {0} file(s): {1}").format(len(paths), where)
        self._status(text)
        if self.iface is not None and hasattr(self.iface, "messageBar"):
            try:
                self.iface.messageBar().pushMessage(tr("SafeStats"), text, Qgis.MessageLevel.Success, 6)
            except Exception:  # noqa: BLE001 - a test iface may have no message bar
                pass

    def _on_failed(self, message: str) -> None:
        self.error = message
        self._set_running(False)
        self._status(message, error=True)

    def _set_running(self, running: bool) -> None:
        self.progressBar.setVisible(running or self.progressBar.value() > 0)
        if running:
            self.progressBar.setValue(0)
        self.print_button.setEnabled(not running)
        self.close_button.setText(tr("Cancel") if running else tr("Close"))
        for widget in (self.areasGroup, self.dataGroup, self.pageGroup):
            widget.setEnabled(not running)

    def _close_or_cancel(self) -> None:
        if self.task is not None and self.error == "" and not self.paths and self.print_button.isEnabled() is False:
            self.task.cancel()
            return
        self.reject()

    def _status(self, text: str, error: bool = False) -> None:
        self.statusLabel.setText(text)
        self.statusLabel.setStyleSheet("color: #b00020;" if error else "")


_OPEN: list[PrintWardMapsDialog] = []


def open_print_dialog(iface: Any, session: Any = None) -> PrintWardMapsDialog:
    """Show the "Print ward maps…" dialog (non-modal; printing runs in the background)."""
    parent = iface.mainWindow() if iface is not None and hasattr(iface, "mainWindow") else None
    dialog = PrintWardMapsDialog(iface, session, parent)
    _OPEN.append(dialog)
    dialog.finished.connect(lambda _r: _OPEN.remove(dialog) if dialog in _OPEN else None)
    dialog.show()
    return dialog


def add_boundaries(iface: Any, session: Any) -> Any:
    """"Add borough and ward boundaries" (SafeStats menu): the store's outlines as reference layers."""
    bar = iface.messageBar() if iface is not None and hasattr(iface, "messageBar") else None

    def done(added: list, error: Optional[BaseException]) -> None:
        if error is not None:
            if bar is not None:
                messages.show_error(bar, error, "add borough and ward boundaries")
            return
        if bar is not None:
            messages.show_info(bar, tr("SafeStats"), tr("Added {0}.").format(", ".join(l.name() for l in added)))

    return reference_layers.start_adding(session, done)
