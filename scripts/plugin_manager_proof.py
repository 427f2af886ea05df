"""Runs INSIDE a real QGIS desktop (``qgis --code``), started by scripts/plugin_manager_proof.sh.

What a borough analyst does: Plugins ▸ Manage and Install Plugins with the store's repository
configured (the profile's QGIS3.ini holds ``app/plugin_repositories/SafeStats store/url``), finds
SafeStats under "All", clicks "Install Plugin". Steps, each on the event loop:

1. open the Plugin Manager through QGIS's own installer (it fetches every enabled repository);
2. search "SafeStats", select it, take a screenshot of the screen (SAFESTATS_SCREENSHOT);
3. click the dialog's Install button (QGIS downloads the zip from the store and starts it);
4. write a JSON report (SAFESTATS_REPORT): repository state, listed plugin, installed folder,
   active plugins, and a second screenshot after the install; then quit QGIS.
"""
import json
import os
import traceback

import qgis.utils
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDialog, QLineEdit, QPushButton
from qgis.utils import iface

REPORT = os.environ["SAFESTATS_REPORT"]
SHOT = os.environ["SAFESTATS_SCREENSHOT"]
report = {"steps": [], "errors": []}


def save() -> None:
    with open(REPORT, "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2)


def guarded(step):
    def run() -> None:
        try:
            report["steps"].append(step.__name__)
            step()
        except Exception:  # noqa: BLE001 - reported, then QGIS quits
            report["errors"].append(traceback.format_exc())
            finish()
    return run


def manager_dialog():
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible() and widget.findChild(QLineEdit, "leFilter"):
            return widget
    return None


def screen_shot(path: str) -> None:
    pixmap = QApplication.primaryScreen().grabWindow(0)
    pixmap.save(path)
    report.setdefault("screenshots", []).append({"path": path, "size": [pixmap.width(), pixmap.height()]})


@guarded
def open_manager() -> None:
    # no window manager under Xvfb: place the main window over the whole 1366x768 screen ourselves
    iface.mainWindow().setGeometry(QApplication.primaryScreen().availableGeometry())
    import pyplugin_installer
    from pyplugin_installer.installer_data import repositories
    QTimer.singleShot(4000, guarded(select_safestats))
    # SafeStats 0.1.0 is experimental. QGIS 3.22 reads app/plugin_installer/allowExperimental (set in the
    # profile by plugin_manager_proof.sh); QGIS 3.30+ reads the settings tree's plugin-manager node instead
    try:
        from qgis.core import QgsSettingsTree
    except ImportError:
        QgsSettingsTree = None
    if QgsSettingsTree is not None and QgsSettingsTree.node("plugin-manager") is not None:
        QgsSettingsTree.node("plugin-manager").childSetting("allow-experimental").setValue(True)
    installer = pyplugin_installer.instance()
    # what the menu entry does: fetch the repositories, then show the dialog (modal: the timers run in it)
    installer.fetchAvailablePlugins(reloadMode=True)
    report["repositories"] = {k: {"url": v["url"], "enabled": v["enabled"], "state": v["state"],
                                  "error": v.get("error", "")} for k, v in repositories.all().items()}
    installer.showPluginManagerWhenReady(0)  # 0 = the "All" tab


@guarded
def select_safestats() -> None:
    dialog = manager_dialog()
    if dialog is None:
        raise RuntimeError("the Plugin Manager dialog is not open")
    screen = QApplication.primaryScreen().availableGeometry()
    dialog.resize(min(1100, screen.width() - 60), min(640, screen.height() - 60))
    dialog.move(screen.center() - dialog.rect().center())
    # what the open dialog lists (read here, not right after fetching: QGIS 3.40+ rebuilds the plugin
    # list from the fetched repositories only when the manager is shown)
    from pyplugin_installer.installer_data import plugins
    found = plugins.all().get("safestats")
    report["listed"] = None if not found else {k: found.get(k) for k in (
        "name", "version_available", "zip_repository", "download_url", "status", "experimental")}
    dialog.findChild(QLineEdit, "leFilter").setText("SafeStats")
    QApplication.processEvents()
    view = dialog.findChild(object, "vwPlugins")
    model = view.model()
    report["rows_for_search"] = model.rowCount()
    if model.rowCount():
        view.setCurrentIndex(model.index(0, 0))
        view.clicked.emit(model.index(0, 0))
    QTimer.singleShot(2500, guarded(shoot_and_install))


@guarded
def shoot_and_install() -> None:
    screen_shot(SHOT)
    dialog = manager_dialog()
    buttons = [dialog.findChild(QPushButton, name) for name in ("buttonInstall", "buttonInstallExperimental")]
    report["install_buttons"] = [{"text": b.text(), "enabled": b.isEnabled(), "visible": b.isVisible()}
                                 for b in buttons]
    # SafeStats 0.1.0 is marked experimental: QGIS offers "Install Experimental Plugin" for it
    button = next((b for b in buttons if b.isEnabled() and b.isVisible()), buttons[0])
    QTimer.singleShot(15000, guarded(after_install))
    button.click()  # opens QGIS's own "installing" dialog, which downloads from the store


@guarded
def after_install() -> None:
    # the profile's plugin folder (qgis.utils.home_plugin_path exists on 3.22, not on 3.40+)
    path = os.path.join(QgsApplication.qgisSettingsDirPath(), "python", "plugins", "safestats")
    report["installed_dir"] = path if os.path.isdir(path) else None
    report["installed_metadata"] = os.path.isfile(os.path.join(path, "metadata.txt"))
    report["active"] = "safestats" in qgis.utils.active_plugins
    report["toolbar"] = bool(iface.mainWindow().findChild(object, "SafeStatsToolbar"))
    base, ext = os.path.splitext(SHOT)
    screen_shot(f"{base}-installed{ext}")
    finish()


def finish() -> None:
    save()
    dialog = manager_dialog()
    if dialog is not None:
        dialog.reject()
    QTimer.singleShot(500, iface.actionExit().trigger)


QTimer.singleShot(3000, open_manager)
