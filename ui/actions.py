"""The plugin's actions, its "&SafeStats" Web submenu and its toolbar, and how they are removed again.

``plugin.py`` builds its actions through :class:`PluginActions` and calls :meth:`PluginActions.unload`
from ``unload()``: every action, menu entry and the toolbar it added goes again.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, List, Optional

from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QToolBar

ICONS = Path(__file__).resolve().parent.parent / "icons"
MENU = "&SafeStats"


class PluginActions:
    """Owns the plugin's QActions, their Web-menu entries and the SafeStats toolbar."""

    def __init__(self, iface: Any) -> None:
        self.iface = iface
        self.actions: List[QAction] = []
        self.menu_actions: List[QAction] = []
        self.toolbar: Optional[QToolBar] = None

    def action(self, icon_name: str, text: str, slot: Any = None) -> QAction:
        """A new action parented to QGIS's main window; ``slot`` (if any) gets ``triggered``."""
        action = QAction(QIcon(str(ICONS / icon_name)), text, self.iface.mainWindow())
        action.setObjectName("SafeStats" + "".join(ch for ch in text if ch.isalnum()))
        if slot is not None:
            action.triggered.connect(slot)
        self.actions.append(action)
        return action

    def add_to_menu(self, actions: Iterable[QAction]) -> None:
        for action in actions:
            self.iface.addPluginToWebMenu(MENU, action)
            self.menu_actions.append(action)

    def add_toolbar(self, title: str, actions: Iterable[QAction]) -> QToolBar:
        self.toolbar = self.iface.addToolBar(title)
        self.toolbar.setObjectName("SafeStatsToolbar")
        for action in actions:
            self.toolbar.addAction(action)
        return self.toolbar

    def unload(self) -> None:
        """Remove the menu entries (and an empty submenu), the toolbar and every action."""
        for action in self.menu_actions:
            self.iface.removePluginWebMenu(MENU, action)
        self.menu_actions.clear()
        self._remove_empty_web_submenu()
        # setParent(None) as well as deleteLater(): a plugin reload in the same event-loop pass must
        # not find the old toolbar or actions among the main window's children.
        if self.toolbar is not None:
            self.toolbar.clear()
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.setParent(None)
            self.toolbar.deleteLater()
            self.toolbar = None
        for action in self.actions:
            action.setParent(None)
            action.deleteLater()
        self.actions.clear()

    def _remove_empty_web_submenu(self) -> None:
        """The Web menu must not keep an empty "&SafeStats" submenu once its last action is gone:
        removePluginWebMenu() leaves it behind on some QGIS versions, so remove it here."""
        web_menu = self.iface.webMenu() if hasattr(self.iface, "webMenu") else None
        if web_menu is None:
            return
        for action in list(web_menu.actions()):
            submenu = action.menu()
            if submenu is not None and action.text() == MENU and not submenu.actions():
                web_menu.removeAction(action)
                submenu.deleteLater()
