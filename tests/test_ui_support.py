"""Helpers for the UI tests (no tests here): a QGIS interface double that records what a plugin
adds (menus, toolbars, docks, layer actions) so unload can be checked for leaks, and event-loop
helpers.  Real widgets are used (QMainWindow, QgsMapCanvas, QgsMessageBar): only the parts of
QgisInterface the plugin calls are implemented."""
from __future__ import annotations

import time
from typing import Any, Callable, Dict, List, Optional

from qgis.core import QgsApplication, QgsMapLayer, QgsProject
from qgis.gui import QgsMapCanvas, QgsMessageBar
from qgis.PyQt.QtCore import QObject, pyqtSignal
from qgis.PyQt.QtWidgets import QAction, QDockWidget, QMainWindow, QMenu, QToolBar


class RecordingIface(QObject):
    currentLayerChanged = pyqtSignal(object)
    layerSavedAs = pyqtSignal(object, str)  # QgisInterface: "Save Features As…" finished

    def __init__(self) -> None:
        super().__init__()
        self.main_window = QMainWindow()
        self.canvas = QgsMapCanvas(self.main_window)
        self.canvas.resize(800, 600)
        self.main_window.setCentralWidget(self.canvas)
        self.bar = QgsMessageBar(self.main_window)
        self.web_menu_widget = QMenu("&Web", self.main_window)
        self.toolbars: List[QToolBar] = []
        self.docks: List[QDockWidget] = []
        self.layer_type_actions: List[QAction] = []
        self.layer_actions: Dict[str, List[QAction]] = {}
        self._active: Optional[str] = None
        self.messages: List[tuple] = []
        self.options_factories: List[Any] = []
        self.bar.widgetAdded.connect(self._record_message)

    def _record_message(self, item: Any) -> None:
        from qgis.gui import QgsMessageBarItem
        from qgis.PyQt import sip

        item = sip.cast(item, QgsMessageBarItem)
        self.messages.append((item.title(), item.text(), item.level()))

    # -- windows
    def mainWindow(self) -> QMainWindow:  # noqa: N802
        return self.main_window

    def mapCanvas(self) -> QgsMapCanvas:  # noqa: N802
        return self.canvas

    def messageBar(self) -> QgsMessageBar:  # noqa: N802
        return self.bar

    def addToolBar(self, name: str) -> QToolBar:  # noqa: N802
        toolbar = self.main_window.addToolBar(name)
        self.toolbars.append(toolbar)
        return toolbar

    def addDockWidget(self, area: Any, dock: QDockWidget) -> None:  # noqa: N802
        self.main_window.addDockWidget(area, dock)
        self.docks.append(dock)

    def removeDockWidget(self, dock: QDockWidget) -> None:  # noqa: N802
        self.main_window.removeDockWidget(dock)
        self.docks.remove(dock)

    # -- menus: a real Web menu holding one submenu per plugin menu name, as QgisApp's getWebMenu()
    # creates them. Removing the last action leaves the (empty) submenu in place, as the issue saw
    # in QGIS: unloading must remove it itself.
    def webMenu(self) -> QMenu:  # noqa: N802
        return self.web_menu_widget

    def _web_submenu(self, name: str, create: bool) -> Optional[QMenu]:
        for action in self.web_menu_widget.actions():
            if action.menu() is not None and action.text() == name:
                return action.menu()
        return self.web_menu_widget.addMenu(name) if create else None

    def addPluginToWebMenu(self, menu: str, action: QAction) -> None:  # noqa: N802
        self._web_submenu(menu, create=True).addAction(action)

    def removePluginWebMenu(self, menu: str, action: QAction) -> None:  # noqa: N802
        submenu = self._web_submenu(menu, create=False)
        assert submenu is not None and action in submenu.actions(), f"{action.text()} is not in {menu}"
        submenu.removeAction(action)

    @property
    def web_menu(self) -> Dict[str, List[QAction]]:
        """Web submenus (empty ones included) by title, with their actions."""
        return {a.text(): a.menu().actions() for a in self.web_menu_widget.actions() if a.menu() is not None}

    def addCustomActionForLayerType(self, action: QAction, menu: str, layer_type: Any,  # noqa: N802
                                    all_layers: bool) -> None:
        self.layer_type_actions.append(action)

    def addCustomActionForLayer(self, action: QAction, layer: QgsMapLayer) -> None:  # noqa: N802
        self.layer_actions.setdefault(layer.id(), []).append(action)

    def removeCustomActionForLayerType(self, action: QAction) -> bool:  # noqa: N802
        self.layer_type_actions.remove(action)
        for actions in self.layer_actions.values():
            while action in actions:
                actions.remove(action)
        return True

    # -- options pages
    def registerOptionsWidgetFactory(self, factory: Any) -> None:  # noqa: N802
        self.options_factories.append(factory)

    def unregisterOptionsWidgetFactory(self, factory: Any) -> None:  # noqa: N802
        self.options_factories.remove(factory)

    # -- layers
    def activeLayer(self) -> Optional[QgsMapLayer]:  # noqa: N802
        return QgsProject.instance().mapLayer(self._active) if self._active else None

    def setActiveLayer(self, layer: Optional[QgsMapLayer]) -> bool:  # noqa: N802
        self._active = layer.id() if layer is not None else None
        self.currentLayerChanged.emit(layer)
        return True

    def layerTreeView(self) -> Any:  # noqa: N802
        class _View:
            def refreshLayerSymbology(self, layer_id: str) -> None:  # noqa: N802
                pass

        return _View()

    # -- leak report
    def leftovers(self) -> Dict[str, Any]:
        live_docks = [d for d in self.main_window.findChildren(QDockWidget) if d.isVisibleTo(self.main_window)
                      or d.parent() is self.main_window]
        live_toolbars = [t for t in self.main_window.findChildren(QToolBar)
                         if t.parent() is self.main_window and t.objectName() == "SafeStatsToolbar"]
        return {"web_menu": dict(self.web_menu), "docks": list(self.docks), "toolbars": live_toolbars,
                "layer_type_actions": list(self.layer_type_actions),
                "layer_actions": {k: v for k, v in self.layer_actions.items() if v},
                "options_factories": list(self.options_factories),
                "dock_children": [d for d in live_docks if d.objectName() == "SafeStatsDock"]}


def process_events(seconds: float = 0.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        QgsApplication.processEvents()
        if time.monotonic() >= deadline:
            break
        time.sleep(0.01)
    QgsApplication.sendPostedEvents(None, 0)  # deleteLater


def wait_until(predicate: Callable[[], bool], timeout: float = 60.0, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(message or "condition not met in time")
        QgsApplication.processEvents()
        time.sleep(0.01)
    QgsApplication.processEvents()


def flush_deletes() -> None:
    from qgis.PyQt.QtCore import QCoreApplication, QEvent

    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
        QgsApplication.processEvents()
