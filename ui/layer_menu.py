"""The SafeStats entries of the Layers panel's context menu (SafeStats layers only).

*Style preset ▸* (the presets that suit the layer, the current one ticked), *Refresh from
SafeStats* and *Save style as my preset…*. The plugin gives the callbacks that need the session or
the dock; this module only builds, attaches and removes the actions.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, List, Optional

from qgis.core import Qgis, QgsMessageLog, QgsVectorLayer
from qgis.PyQt.QtCore import QObject
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QMenu

from ..providers.layers import is_safestats_layer
from ..providers import compat
from ..providers import styles as presets
from ..governance import keys
from ..governance.i18n import tr

ICONS = Path(__file__).resolve().parent.parent / "icons"
LOG_TAG = "SafeStats"


def _vector_layer_type() -> Any:
    """The vector layer type enum (Qgis.LayerType on QGIS >= 3.30, QgsMapLayerType before)."""
    return compat.VECTOR_LAYER


class LayerMenu(QObject):
    """``refresh(layer)``, ``info_for(layer) -> CollectionInfo | None`` and ``save_style()`` come
    from the plugin; :meth:`attach` adds the actions to new SafeStats layers; :meth:`unload` removes
    everything it added."""

    def __init__(self, iface: Any, refresh: Callable[[Any], None], info_for: Callable[[Any], Any],
                 save_style: Callable[[], None]) -> None:
        super().__init__()
        self.iface = iface
        self._info_for = info_for
        window = iface.mainWindow()
        self.style_menu: Optional[QMenu] = QMenu(tr("Style preset"), window)
        self.style_menu.aboutToShow.connect(self.fill_style_menu)
        style_action = QAction(QIcon(str(ICONS / "style.svg")), tr("Style preset"), window)
        style_action.setMenu(self.style_menu)
        refresh_action = QAction(QIcon(str(ICONS / "refresh.svg")), tr("Refresh from SafeStats"), window)
        refresh_action.triggered.connect(lambda: refresh(self.iface.activeLayer()))
        save_action = QAction(tr("Save style as my preset…"), window)
        save_action.triggered.connect(save_style)
        self.actions: List[QAction] = [style_action, refresh_action, save_action]
        self._attached: set = set()
        for action in self.actions:
            self.iface.addCustomActionForLayerType(action, tr("SafeStats"), _vector_layer_type(), False)

    def attach(self, layers: List[Any]) -> None:
        """Show the actions on these layers when they are SafeStats layers (once per layer)."""
        for layer in layers:
            if isinstance(layer, QgsVectorLayer) and is_safestats_layer(layer) and layer.id() not in self._attached:
                self._attached.add(layer.id())
                for action in self.actions:
                    self.iface.addCustomActionForLayer(action, layer)

    def fill_style_menu(self) -> None:
        menu = self.style_menu
        if menu is None:
            return
        menu.clear()
        layer = self.iface.activeLayer()
        if not isinstance(layer, QgsVectorLayer) or not is_safestats_layer(layer):
            return
        dataset_id = layer.customProperty(keys.PROP_DATASET) or None
        current = presets.current_preset(layer)
        for preset in presets.presets_for("aggregate" if compat.is_polygons(layer) else "records", dataset_id):
            action = menu.addAction(preset.title)
            action.setCheckable(True)
            action.setChecked(preset.id == current)
            action.setToolTip(preset.description)
            action.triggered.connect(lambda _checked=False, pid=preset.id: self.apply_preset_to_active(pid))

    def apply_preset_to_active(self, preset_id: str) -> None:
        layer = self.iface.activeLayer()
        if not isinstance(layer, QgsVectorLayer):
            return
        ok = presets.apply_dataset_preset(layer, preset_id, self._info_for(layer),
                                          dataset_id=layer.customProperty(keys.PROP_DATASET) or None)
        if ok:
            try:
                self.iface.layerTreeView().refreshLayerSymbology(layer.id())
            except AttributeError:
                pass
        else:
            QgsMessageLog.logMessage(f"preset {preset_id} not applicable to {layer.name()}", LOG_TAG, Qgis.MessageLevel.Info)

    def unload(self) -> None:
        for action in self.actions:
            self.iface.removeCustomActionForLayerType(action)
            action.setParent(None)
            action.deleteLater()
        self.actions.clear()
        self._attached.clear()
        if self.style_menu is not None:
            self.style_menu.setParent(None)
            self.style_menu.deleteLater()
            self.style_menu = None
