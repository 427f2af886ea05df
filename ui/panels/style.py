"""The style row: the preset the next load gets, and Apply/Save for the selected SafeStats layer."""
from __future__ import annotations

from typing import Any, Callable, Optional

from qgis.core import QgsVectorLayer
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QInputDialog, QWidget

from ...governance.keys import PROP_DATASET, is_safestats_layer
from ...providers.models import CollectionInfo
from ...providers import messages
from ...providers import styles as presets
from . import form, icon
from ...governance.i18n import tr


def active_safestats_layer(iface: Any) -> Optional[QgsVectorLayer]:
    """The layer selected in the Layers panel when it is a SafeStats layer."""
    layer = iface.activeLayer() if iface is not None else None
    return layer if isinstance(layer, QgsVectorLayer) and is_safestats_layer(layer) else None


class StylePanel(QWidget, form("style.ui")):
    """``selected()`` preset id; ``info_for(layer)`` gives the dataset of a layer (for its presets)."""

    def __init__(self, iface: Any, info_for: Callable[[Any], Optional[CollectionInfo]],
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self.iface = iface
        self.info_for = info_for
        self.info: Optional[CollectionInfo] = None
        self.applyStyleButton.setIcon(icon("style.svg"))
        self.applyStyleButton.clicked.connect(self.apply_to_current_layer)
        self.saveStyleButton.clicked.connect(self.save_current_layer)

    def set_dataset(self, info: Optional[CollectionInfo]) -> None:
        """The presets that suit the dataset, the Options page's default selected."""
        self.info = info
        self.presetCombo.blockSignals(True)
        self.presetCombo.clear()
        if info is not None:
            access = "aggregate" if info.aggregate_only else "records"
            for preset in presets.presets_for(access, info.id):
                self.presetCombo.addItem(preset.title, preset.id)
                self.presetCombo.setItemData(self.presetCombo.count() - 1, preset.description,
                                             Qt.ItemDataRole.ToolTipRole)
            self.presetCombo.setCurrentIndex(max(0, self.presetCombo.findData(presets.preferred_preset_id(access))))
        self.presetCombo.blockSignals(False)

    def selected(self) -> str:
        return str(self.presetCombo.currentData() or "")

    def sync_from_layer(self, *_args: Any) -> None:
        """Selecting a SafeStats layer of the dataset on screen shows its current style here
        (the filters are left alone: they describe the next load, not the layer)."""
        layer = active_safestats_layer(self.iface)
        if layer is None or self.info is None or layer.customProperty(PROP_DATASET) != self.info.id:
            return
        preset_id = presets.current_preset(layer)
        index = self.presetCombo.findData(preset_id) if preset_id else -1
        if index >= 0:
            self.presetCombo.setCurrentIndex(index)

    def update_buttons(self, *_args: Any) -> None:
        layer = active_safestats_layer(self.iface)
        self.applyStyleButton.setEnabled(layer is not None)
        self.saveStyleButton.setEnabled(layer is not None)

    def apply_to_current_layer(self) -> None:
        layer = active_safestats_layer(self.iface)
        if layer is None:
            return
        if not presets.apply_dataset_preset(layer, self.selected(), self.info_for(layer)):
            messages.show_info(self._bar(), tr("Style"), tr("That style does not suit this layer."),
                               level=1)
        elif self.iface is not None:
            self.iface.layerTreeView().refreshLayerSymbology(layer.id())

    def save_current_layer(self) -> None:
        layer = active_safestats_layer(self.iface)
        if layer is None:
            return
        name, ok = QInputDialog.getText(self, tr("Save style as preset"), tr("Name of your preset:"))
        if not ok or not name.strip():
            return
        try:
            path = presets.save_user_preset(layer, name.strip(), layer.customProperty(PROP_DATASET) or None)
        except OSError as exc:
            messages.show_error(self._bar(), exc, "save preset")
            return
        messages.show_info(self._bar(), tr("Style saved"),
                           tr("Saved as your preset “{0}” ({1}).").format(name.strip(), path))
        self.set_dataset(self.info)

    def _bar(self) -> Any:
        return self.iface.messageBar() if self.iface is not None else None
