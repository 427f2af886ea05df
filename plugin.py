"""SafeStats for QGIS: wires actions, menu, toolbar, dock, layer context menu and signals.

Thin on purpose: sessions, network, loading and layers live in ``providers``; governance rules
in ``governance``; widgets in ``ui``.  ``unload()`` removes everything ``initGui()`` added.
"""
from __future__ import annotations

from typing import Any, List, Optional

from qgis.core import Qgis, QgsProject
from qgis.PyQt.QtCore import QObject, Qt

from .governance import i18n, retention
from .governance.audit import audit_context
from .governance.export_guard import ExportGuard
from .governance.i18n import tr
from .providers import messages
from .providers import tasks as background
from .providers.session import SessionManager
from .ui.connections import Connections


class SafeStatsPlugin(QObject):
    def __init__(self, iface: Any, session: Optional[SessionManager] = None) -> None:
        """``session``: an existing SessionManager (tests give one with a temporary cache and audit log)."""
        super().__init__()
        self.iface = iface
        self._given_session = session
        self.session: Optional[SessionManager] = None
        self.loads: Any = None  # ui.load_controller.LoadController
        self.menus: Any = None  # ui.actions.PluginActions
        self.dock: Any = None
        self.layer_menu: Any = None
        self._connections = Connections()
        self.options_factory: Any = None
        self.processing_provider: Any = None

    # ================================================================ init

    def initGui(self) -> None:  # noqa: N802 - QGIS API
        i18n.install_translator()  # before any text is created
        from .ui.actions import PluginActions
        from .ui.dock import SafeStatsDock
        from .ui.layer_menu import LayerMenu
        from .ui.load_controller import LoadController
        from .ui.tokens_dialog import open_tokens_dialog  # personal access tokens (GDAL, QGIS's own OAPIF)

        self.session = self._given_session or SessionManager(parent=self)
        self.session.auditFailed.connect(lambda error: messages.push(self.iface.messageBar(), error))
        self._optional("the cache clean-up", lambda: retention.purge_at_startup(self.session.cache))
        self.export_guard = ExportGuard(self.session.audit, context=lambda: audit_context(self.session))
        self.export_guard.on_warning = self._on_export_warning
        self._optional("the export guard", lambda: self.export_guard.attach_iface(self.iface))

        self.menus = menus = PluginActions(self.iface)
        self.sign_in_action = menus.action("signin.svg", tr("Sign in to SafeStats…"), self.open_sign_in)
        self.sign_out_action = menus.action("signout.svg", tr("Sign out of SafeStats"), self.sign_out)
        self.dock = SafeStatsDock(self.iface, self.session, self.iface.mainWindow())
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.dock_action = menus.action("dock.svg", tr("SafeStats panel"))
        self.dock_action.setCheckable(True)
        self.dock_action.toggled.connect(self.dock.setUserVisible)
        self.dock.visibilityChanged.connect(self.dock_action.setChecked)
        self.loads = LoadController(self.iface, self.session, self.dock, self._on_layers_added, parent=self)

        self.print_action = menus.action("print.svg", tr("Print ward maps…"), self.open_print_dialog)
        self.boundaries_action = menus.action("draw_polygon.svg", tr("Add borough and ward boundaries"),
                                              self.add_boundaries)
        menus.add_toolbar(tr("SafeStats"), (self.sign_in_action, self.sign_out_action, self.dock_action,
                                            self.print_action))
        self.tokens_action = menus.action("signin.svg", tr("Personal access token…"),
                                          lambda: open_tokens_dialog(self.iface, self.session))
        menus.add_to_menu((self.sign_in_action, self.sign_out_action, self.dock_action, self.print_action,
                           self.boundaries_action, self.tokens_action))
        self.options_factory = self._optional("the Options page", self._register_options)
        self.processing_provider = self._optional("the Processing provider", self._register_processing)

        self.layer_menu = LayerMenu(self.iface, refresh=self.loads.refresh_layer,
                                    info_for=lambda layer: self.dock.info_for_layer(layer) if self.dock else None,
                                    save_style=lambda: self.dock.save_style_of_current_layer() if self.dock else None)
        self._connect(self.session.signedIn, self._on_signed_in)
        self._connect(self.session.signedOut, self._on_signed_out)
        self._connect(self.dock.signInRequested, self.open_sign_in)
        self._connect(self.dock.signOutRequested, self.sign_out)
        self._connect(self.dock.loadRequested, self.loads.load)
        self._connect(self.dock.refreshRequested, self.loads.refresh_layer)
        self._connect(self.dock.cancelRequested, self.loads.cancel)
        self._connect(self.dock.sessionEnded, self.loads.end_session)
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

    def _connect(self, signal: Any, slot: Any) -> None:
        self._connections.connect(signal, slot)

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
        self._connections.disconnect_all()
        if self.loads is not None:
            self.loads.stop_listening()
        # sign out while the loader still listens: its before-sign-out hook turns every SafeStats layer
        # into a placeholder before the cache is purged (no layer is left pointing at a deleted file)
        if self.session is not None and self.session.is_signed_in:
            try:
                self.session.sign_out()
            except Exception as exc:  # noqa: BLE001 - unloading must finish
                messages.log_error(exc, "sign-out at unload")
        if self.loads is not None:
            self.loads.unload()
            self.loads = None
        if self.layer_menu is not None:
            self.layer_menu.unload()
            self.layer_menu = None
        # setParent(None) as well as deleteLater(): a plugin reload in the same event-loop pass must
        # not find the old dock among the main window's children.
        if self.dock is not None:
            self.dock.release()
            self.iface.removeDockWidget(self.dock)
            self.dock.setParent(None)
            self.dock.deleteLater()
            self.dock = None
        if self.menus is not None:
            self.menus.unload()  # menu entries, toolbar, actions
            self.menus = None
        self.session = None
        i18n.remove_translator()

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

    def _on_export_warning(self, text: str) -> None:
        messages.show_info(self.iface.messageBar(), tr("SafeStats export"), text, Qgis.MessageLevel.Warning, 15)

    def _on_signed_in(self, user: Any) -> None:
        self.dock.set_signed_in(user)
        self.dock.setUserVisible(True)
        self._update_actions()
        who = user.display_name if user.organisation_name in (user.display_name or "") else \
            tr("{0} ({1})").format(user.display_name, user.organisation_name)  # the organisation once
        messages.show_info(self.iface.messageBar(), tr("SafeStats"), tr("Signed in as {0}.").format(who),
                           Qgis.MessageLevel.Success, 4)
        if getattr(self.session, "warning", None):
            messages.show_info(self.iface.messageBar(), tr("SafeStats"), self.session.warning, Qgis.MessageLevel.Warning, 10)

    def _on_signed_out(self) -> None:
        self.dock.set_signed_in(None)
        self._update_actions()
        messages.show_info(self.iface.messageBar(), tr("SafeStats"),
                           tr("Signed out. Downloaded SafeStats data was removed from this computer."),
                           Qgis.MessageLevel.Info, 4)

    def _update_actions(self) -> None:
        signed_in = bool(self.session and self.session.is_signed_in)
        self.sign_in_action.setEnabled(not signed_in)
        self.sign_out_action.setEnabled(signed_in)
        self.boundaries_action.setEnabled(signed_in)

    # ================================================================ layer context menu

    def _on_layers_added(self, layers: List[Any]) -> None:
        if self.layer_menu is not None:
            self.layer_menu.attach(layers)


__all__ = ["SafeStatsPlugin"]
