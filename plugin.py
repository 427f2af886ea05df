"""SafeStats for QGIS: wires actions, menu, toolbar, dock, layer context menu and signals.

Thin on purpose: sessions, network, loading and layers live in ``providers``; governance rules
in ``governance``; widgets in ``ui``.  ``unload()`` removes everything ``initGui()`` added.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from qgis.core import Qgis, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication, QObject, Qt, QTimer
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QToolBar

from .providers import errors, reference_layers
from .providers.layers import is_safestats_layer
from .providers.load_task import LayerLoader
from .governance import retention
from .governance.audit import audit_context
from .governance.export_guard import ExportGuard
from .providers.session import SessionManager
from .providers import styles as presets, tasks as background
from .providers.counts_loader import COUNTS
from .providers import messages
from .governance import keys

PLUGIN_DIR = Path(__file__).resolve().parent
ICONS = PLUGIN_DIR / "icons"
MENU = "&SafeStats"
LOG_TAG = "SafeStats"


def _icon(name: str) -> QIcon:
    return QIcon(str(ICONS / name))


class SafeStatsPlugin(QObject):
    def __init__(self, iface: Any, session: Optional[SessionManager] = None) -> None:
        """``session``: an existing SessionManager (tests give one with a temporary cache and audit log)."""
        super().__init__()
        self.iface = iface
        self._given_session = session
        self.session: Optional[SessionManager] = None
        self.loader: Optional[LayerLoader] = None
        self.dock: Any = None
        self.toolbar: Optional[QToolBar] = None
        self.actions: List[QAction] = []
        self.menu_actions: List[QAction] = []
        self.layer_menu: Any = None
        self._preset_for: Dict[str, str] = {}
        self._connections: List[Tuple[Any, Any]] = []
        self.options_factory: Any = None
        self.processing_provider: Any = None

    def tr(self, text: str) -> str:  # noqa: D102
        return QCoreApplication.translate("SafeStatsPlugin", text)

    # ================================================================ init

    def initGui(self) -> None:  # noqa: N802 - QGIS API
        from .ui import i18n

        i18n.install_translator()  # before any text is created
        from .ui.dock import SafeStatsDock

        self.session = self._given_session or SessionManager(parent=self)
        self.session.auditFailed.connect(lambda error: messages.push(self.iface.messageBar(), error))
        self._optional("the cache clean-up", lambda: retention.purge_at_startup(self.session.cache))
        self.loader = LayerLoader(self.session, style_callback=self._style_new_layer, parent=self)
        self.export_guard = ExportGuard(self.session.audit, context=self._audit_context)
        self.export_guard.on_warning = self._on_export_warning
        self._optional("the export guard", lambda: self.export_guard.attach_iface(self.iface))
        self.loader.guard.refetch = self._refetch_pending  # counts layers go through providers.counts_loader

        self.sign_in_action = self._action("signin.svg", self.tr("Sign in to SafeStats…"), self.open_sign_in)
        self.sign_out_action = self._action("signout.svg", self.tr("Sign out of SafeStats"), self.sign_out)
        self.dock = SafeStatsDock(self.iface, self.session, self.iface.mainWindow())
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.dock_action = self._action("dock.svg", self.tr("SafeStats panel"), None)
        self.dock_action.setCheckable(True)
        self.dock_action.toggled.connect(self.dock.setUserVisible)
        self.dock.visibilityChanged.connect(self.dock_action.setChecked)

        self.print_action = self._action("print.svg", self.tr("Print ward maps…"), self.open_print_dialog)
        self.boundaries_action = self._action("draw_polygon.svg", self.tr("Add borough and ward boundaries"),
                                              self.add_boundaries)

        self.toolbar = self.iface.addToolBar(self.tr("SafeStats"))
        self.toolbar.setObjectName("SafeStatsToolbar")
        for action in (self.sign_in_action, self.sign_out_action, self.dock_action, self.print_action):
            self.toolbar.addAction(action)
        for action in (self.sign_in_action, self.sign_out_action, self.dock_action, self.print_action,
                       self.boundaries_action):
            self.iface.addPluginToWebMenu(MENU, action)
            self.menu_actions.append(action)

        from .ui.tokens_dialog import open_tokens_dialog  # personal access tokens (GDAL, QGIS's own OAPIF)
        self.tokens_action = self._action("signin.svg", self.tr("Personal access token…"),
                                          lambda: open_tokens_dialog(self.iface, self.session))
        self.iface.addPluginToWebMenu(MENU, self.tokens_action)
        self.menu_actions.append(self.tokens_action)
        self.options_factory = self._optional("the Options page", self._register_options)
        self.processing_provider = self._optional("the Processing provider", self._register_processing)

        from .ui.layer_menu import LayerMenu

        self.layer_menu = LayerMenu(self.iface, refresh=self.refresh_layer,
                                    info_for=lambda layer: self.dock.info_for_layer(layer) if self.dock else None,
                                    save_style=lambda: self.dock.save_style_of_current_layer() if self.dock else None)
        self._connect(self.session.signedIn, self._on_signed_in)
        self._connect(self.session.signedOut, self._on_signed_out)
        self._connect(self.dock.signInRequested, self.open_sign_in)
        self._connect(self.dock.signOutRequested, self.sign_out)
        self._connect(self.dock.loadRequested, self.load)
        self._connect(self.dock.refreshRequested, self.refresh_layer)
        self._connect(self.dock.cancelRequested, self.cancel_loads)
        self._connect(self.dock.sessionEnded, self._on_session_ended)
        self._connect(self.loader.loaded, self._on_loaded)
        self._connect(self.loader.pendingChanged, self._on_pending_changed)
        self._connect(self.loader.failed, self._on_failed)
        self._connect(QgsProject.instance().layersAdded, self._on_layers_added)
        self._on_layers_added(list(QgsProject.instance().mapLayers().values()))
        self._update_actions()

    def _optional(self, what: str, start: Any) -> Any:
        """Start an add-on part (Options page, Processing); a failure is logged, never fatal."""
        try:
            return start()
        except Exception as exc:  # noqa: BLE001 - the core plugin must still work
            messages.log_error(exc, f"starting {what}")
            return None

    def _register_options(self) -> Any:
        from .ui import settings_page

        return settings_page.register(self.iface)

    def _register_processing(self) -> Any:
        from .processing_provider import register_processing

        return register_processing(self.session)

    def open_print_dialog(self) -> None:
        from .ui.print_dialog import open_print_dialog

        try:
            open_print_dialog(self.iface, self.session)
        except Exception as exc:  # noqa: BLE001 - shown through the one mapping place
            messages.show_error(self.iface.messageBar(), exc, "print ward maps")

    def add_boundaries(self) -> None:
        from .ui.print_dialog import add_boundaries

        add_boundaries(self.iface, self.session)

    def _action(self, icon_name: str, text: str, slot: Any) -> QAction:
        action = QAction(_icon(icon_name), text, self.iface.mainWindow())
        action.setObjectName("SafeStats" + "".join(ch for ch in text if ch.isalnum()))
        if slot is not None:
            action.triggered.connect(slot)
        self.actions.append(action)
        return action

    def _connect(self, signal: Any, slot: Any) -> None:
        signal.connect(slot)
        self._connections.append((signal, slot))

    # ================================================================ unload

    def unload(self) -> None:
        background.cancel_all()
        if getattr(self, "export_guard", None) is not None:
            self.export_guard.detach_iface()
            self.export_guard = None
        if getattr(self, "processing_provider", None) is not None:
            from .processing_provider import unregister_processing

            unregister_processing(self.processing_provider)
            self.processing_provider = None
        if getattr(self, "options_factory", None) is not None:
            from .ui import settings_page

            settings_page.unregister(self.iface, self.options_factory)
            self.options_factory = None
        for signal, slot in self._connections:
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self._connections.clear()
        # sign out while the loader still listens: its before-sign-out hook turns every SafeStats layer
        # into a placeholder before the cache is purged (no layer is left pointing at a deleted file)
        if self.session is not None and self.session.is_signed_in:
            try:
                self.session.sign_out()
            except Exception as exc:  # noqa: BLE001 - unloading must finish
                messages.log_error(exc, "sign-out at unload")
        if self.loader is not None:
            self.cancel_loads()
            self.loader.unload()
        if self.layer_menu is not None:
            self.layer_menu.unload()
            self.layer_menu = None
        for action in self.menu_actions:
            self.iface.removePluginWebMenu(MENU, action)
        self.menu_actions.clear()
        self._remove_empty_web_submenu()
        # setParent(None) as well as deleteLater(): a plugin reload in the same event-loop pass must
        # not find the old toolbar, dock or actions among the main window's children.
        if self.toolbar is not None:
            self.toolbar.clear()
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.setParent(None)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.dock is not None:
            self.dock.release()
            self.iface.removeDockWidget(self.dock)
            self.dock.setParent(None)
            self.dock.deleteLater()
            self.dock = None
        for action in self.actions:
            action.setParent(None)
            action.deleteLater()
        self.actions.clear()
        self.loader = None
        self.session = None
        from .ui import i18n

        i18n.remove_translator()

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

    # ================================================================ sign in / out

    def open_sign_in(self) -> None:
        from .ui.signin_dialog import SignInDialog

        dialog = SignInDialog(self.session, self.iface.mainWindow())
        dialog.exec()
        dialog.deleteLater()

    def sign_out(self) -> None:
        if self.session is None or not self.session.is_signed_in:
            return
        try:
            self.session.sign_out()
        except Exception as exc:  # noqa: BLE001 - shown through the one mapping place
            messages.show_error(self.iface.messageBar(), exc, "sign-out")

    def _audit_context(self) -> Dict[str, Any]:
        return audit_context(self.session)

    def _on_export_warning(self, text: str) -> None:
        messages.show_info(self.iface.messageBar(), self.tr("SafeStats export"), text, Qgis.MessageLevel.Warning, 15)

    def _on_pending_changed(self, count: int) -> None:
        if count and not self.session.is_signed_in:
            messages.show_info(self.iface.messageBar(), self.tr("SafeStats"),
                               self.tr("This project has {0} SafeStats layer(s) without data: sign in to "
                                       "fetch them again.").format(count), Qgis.MessageLevel.Info, 10)

    def _on_signed_in(self, user: Any) -> None:
        self.dock.set_signed_in(user)
        self.dock.setUserVisible(True)
        self._update_actions()
        messages.show_info(self.iface.messageBar(), self.tr("SafeStats"),
                           self.tr("Signed in as {0} ({1}).").format(user.display_name, user.organisation_name),
                           Qgis.MessageLevel.Success, 4)
        if getattr(self.session, "warning", None):
            messages.show_info(self.iface.messageBar(), self.tr("SafeStats"), self.session.warning, Qgis.MessageLevel.Warning, 10)

    def _on_signed_out(self) -> None:
        self.dock.set_signed_in(None)
        self._update_actions()
        messages.show_info(self.iface.messageBar(), self.tr("SafeStats"),
                           self.tr("Signed out. Downloaded SafeStats data was removed from this computer."),
                           Qgis.MessageLevel.Info, 4)

    def _update_actions(self) -> None:
        signed_in = bool(self.session and self.session.is_signed_in)
        self.sign_in_action.setEnabled(not signed_in)
        self.sign_out_action.setEnabled(signed_in)
        self.boundaries_action.setEnabled(signed_in)

    # ================================================================ load / refresh

    def load(self, query: Any, info: Any, preset_id: str) -> None:
        if info is not None and info.aggregate_only:
            from .providers.counts_loader import load_aggregates

            self.dock.set_loading(True, self.tr("Loading counts"))
            load_aggregates(self.session, query, info, self._on_aggregates_done, bar=self.iface.messageBar())
            return
        if info is not None and preset_id:
            self._preset_for[info.id] = preset_id
        try:
            task = self.loader.load(query, info)
        except errors.SafeStatsError as exc:
            messages.show_error(self.iface.messageBar(), exc, "load")
            return
        self._track(task, self.tr("Loading"))

    def refresh_layer(self, layer: Any) -> None:
        if not isinstance(layer, QgsVectorLayer) or not is_safestats_layer(layer):
            return
        if layer.customProperty(keys.PROP_KIND) == keys.KIND_AGGREGATES:
            from .providers.counts_loader import refresh_aggregates

            refresh_aggregates(self.session, layer, self._on_aggregates_done, bar=self.iface.messageBar())
            return
        try:
            task = self.loader.refresh(layer)
        except errors.SafeStatsError as exc:
            messages.show_error(self.iface.messageBar(), exc, "refresh")
            return
        self._track(task, self.tr("Refreshing"))

    def _refetch_pending(self, pending: List[QgsVectorLayer]) -> list:
        """After sign-in / project read: fetch every pending SafeStats layer again."""
        from .providers.counts_loader import KIND_AGGREGATES, PROP_KIND, refresh_aggregates

        counts = [layer for layer in pending if layer.customProperty(PROP_KIND) == KIND_AGGREGATES]
        for layer in counts:
            refresh_aggregates(self.session, layer, self._on_aggregates_done)
        records = [layer for layer in pending if layer not in counts]
        return self.loader.refetch(records) if records and self.loader is not None else []

    def _track(self, task: Any, text: str) -> None:
        self.dock.set_loading(True, text)
        task.progressChanged.connect(self.dock.set_progress)

    def cancel_loads(self) -> None:
        """Cancel every running load: records (the loader's tasks) and counts per area."""
        background.REGISTRY.cancel(COUNTS)
        if self.loader is None:
            return
        for task in list(self.loader.tasks):
            task.cancel()

    def _loads_running(self) -> bool:
        registry = background.REGISTRY
        return bool(registry.running(COUNTS)) or bool(self.loader and self.loader.running())

    def _style_new_layer(self, layer: QgsVectorLayer, info: Any) -> None:
        preset_id = self._preset_for.get(info.id) or presets.preferred_preset_id(
            "aggregate" if info.aggregate_only else "records")
        presets.apply_dataset_preset(layer, preset_id, info)

    def _sync_loading(self) -> None:
        """After a task ended (its taskCompleted comes after finished()): hide the progress if idle."""
        if self.dock is not None:
            self.dock.set_loading(self._loads_running())

    def _on_loaded(self, layer: Any) -> None:
        QTimer.singleShot(0, self._sync_loading)
        if layer is None:
            return
        rows = layer.featureCount()
        messages.show_info(self.iface.messageBar(), self.tr("SafeStats"),
                           self.tr("Loaded {0:,} records into “{1}”.").format(rows, layer.name()), Qgis.MessageLevel.Success, 5)
        self.iface.setActiveLayer(layer)
        reference_layers.context_on_first_load(self.iface.mapCanvas(), self.session, layer)

    def _on_failed(self, error: Any) -> None:
        QTimer.singleShot(0, self._sync_loading)
        messages.show_error(self.iface.messageBar(), error, "load")
        if isinstance(error, (errors.NotSignedIn, errors.TokenExpired)):
            self._on_session_ended(error)
        elif isinstance(error, errors.DatasetNotAvailable) and self.dock is not None:
            self.dock.refresh_datasets()

    def _on_session_ended(self, _error: Any = None) -> None:
        """The store ended the session (refresh token expired or revoked): sign out cleanly here too."""
        if self.session is not None and self.session.store_url:
            try:
                self.session.sign_out()
            except Exception as exc:  # noqa: BLE001
                messages.log_error(exc, "sign-out after the session ended")

    def _on_aggregates_done(self, layer: Any, error: Optional[BaseException]) -> None:
        QTimer.singleShot(0, self._sync_loading)
        if error is not None:
            messages.show_error(self.iface.messageBar(), error, "counts")
            return
        self._on_layers_added([layer])
        reference_layers.context_on_first_load(self.iface.mapCanvas(), self.session, layer)
        messages.show_info(self.iface.messageBar(), self.tr("SafeStats"),
                           self.tr("Loaded counts for {0:,} areas into “{1}”.").format(layer.featureCount(),
                                                                                        layer.name()),
                           Qgis.MessageLevel.Success, 5)

    # ================================================================ layer context menu

    def _on_layers_added(self, layers: List[Any]) -> None:
        if self.layer_menu is not None:
            self.layer_menu.attach(layers)


__all__ = ["SafeStatsPlugin"]
