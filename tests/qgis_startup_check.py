"""Runs INSIDE a real QGIS desktop (``qgis --code tests/qgis_startup_check.py``), started by
tests/test_package.py with a clean profile into which the built plugin zip was unzipped.

Checks that the ``safestats`` plugin was loaded and started by QGIS itself, that its toolbar and
actions exist, that the dock opens, that it unloads and reloads through QGIS's own plugin
machinery, and collects every message QGIS logged (the Log Messages panel, read back, plus
anything logged while this script runs).  Writes a JSON report to ``$SAFESTATS_RESULT`` and
quits QGIS.  Never raises: every failure ends up in the report.
"""
from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Dict, List

from qgis.core import Qgis, QgsApplication, QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QAction, QApplication, QDockWidget, QPlainTextEdit, QTabWidget, QToolBar

RESULT = Path(os.environ.get("SAFESTATS_RESULT", "/tmp/safestats-startup.json"))
live_messages: List[Dict[str, Any]] = []
report: Dict[str, Any] = {"ok": False, "errors": [], "messages": [], "checks": {}}


def on_message(message: str, tag: str, level: Any) -> None:
    live_messages.append({"tag": tag, "level": int(level), "message": message})


QgsApplication.messageLog().messageReceived.connect(on_message)


def logged_before_script() -> List[Dict[str, Any]]:
    """What the Log Messages panel already shows (plugins load before --code scripts run)."""
    found: List[Dict[str, Any]] = []
    from qgis.utils import iface
    for dock in iface.mainWindow().findChildren(QDockWidget):
        if dock.objectName() != "MessageLog":
            continue
        for tabs in dock.findChildren(QTabWidget):
            for index in range(tabs.count()):
                page = tabs.widget(index)
                edits = [page] if isinstance(page, QPlainTextEdit) else page.findChildren(QPlainTextEdit)
                text = "\n".join(edit.toPlainText() for edit in edits)
                if text.strip():
                    found.append({"tag": tabs.tabText(index).split(" (")[0].strip(), "level": -1, "message": text})
    return found


def check(name: str, ok: bool, detail: Any = "") -> None:
    report["checks"][name] = {"ok": bool(ok), "detail": detail if isinstance(detail, (str, int, float, list))
                                else repr(detail)}
    if not ok:
        report["errors"].append(f"{name}: {detail}")


def settle(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QgsApplication.processEvents()
        time.sleep(0.02)


def run() -> None:
    import qgis.utils
    from qgis.utils import iface

    report["qgis_version"] = Qgis.QGIS_VERSION
    report["python"] = sys.version.split()[0]
    plugin = qgis.utils.plugins.get("safestats")
    check("plugin_loaded", plugin is not None, sorted(qgis.utils.plugins))
    check("plugin_active", "safestats" in qgis.utils.active_plugins, list(qgis.utils.active_plugins))
    module = sys.modules.get("safestats")
    where = str(Path(getattr(module, "__file__", "") or "").resolve().parent) if module else ""
    report["plugin_path"] = where
    check("loaded_from_profile", bool(where) and where == str(Path(os.environ["SAFESTATS_PLUGIN_DIR"]).resolve()),
          where)
    check("metadata_version", qgis.utils.pluginMetadata("safestats", "version") == os.environ.get(
        "SAFESTATS_VERSION"), qgis.utils.pluginMetadata("safestats", "version"))
    if plugin is None:
        return
    window = iface.mainWindow()
    toolbars = [t for t in window.findChildren(QToolBar) if t.objectName() == "SafeStatsToolbar"]
    check("toolbar", len(toolbars) == 1, len(toolbars))
    texts = [a.text() for a in toolbars[0].actions()] if toolbars else []
    check("toolbar_actions", len(texts) >= 3 and all(texts), texts)
    sign_in = getattr(plugin, "sign_in_action", None)
    check("sign_in_action", isinstance(sign_in, QAction) and sign_in.isEnabled() and sign_in in
          (toolbars[0].actions() if toolbars else []), texts)
    dock = getattr(plugin, "dock", None)
    check("dock", dock is not None and dock.objectName() == "SafeStatsDock", getattr(dock, "objectName", str)())
    if getattr(plugin, "dock_action", None) is not None:
        plugin.dock_action.setChecked(True)
        settle(0.5)
        check("dock_opens", dock.isVisible(), dock.isVisible())
    web_menu = [a.text() for a in window.findChildren(QAction) if a.text().replace("&", "") == "SafeStats"]
    check("web_menu", bool(web_menu), web_menu)


def unload() -> None:
    """Unload through QGIS's own plugin machinery (what Plugin Manager / Plugin Reloader do)."""
    import qgis.utils
    check("unload", qgis.utils.unloadPlugin("safestats"), "unloadPlugin returned False")


def reload() -> None:
    """After the event loop ran (deferred deletes done): nothing left behind, then start again."""
    import qgis.utils
    from qgis.utils import iface
    window = iface.mainWindow()
    left = [t for t in window.findChildren(QToolBar) if t.objectName() == "SafeStatsToolbar"]
    check("unload_removes_toolbar", not left, len(left))
    docks = [d for d in window.findChildren(QDockWidget) if d.objectName() == "SafeStatsDock"]
    check("unload_removes_dock", not docks, len(docks))
    web = [a.text() for a in iface.webMenu().actions() if a.menu() is not None and a.text() == "&SafeStats"]
    check("unload_removes_web_submenu", not web, web)
    check("reload", bool(qgis.utils.loadPlugin("safestats") and qgis.utils.startPlugin("safestats")),
          "loadPlugin/startPlugin returned False")


def after_reload() -> None:
    import qgis.utils
    from qgis.utils import iface
    again = [t for t in iface.mainWindow().findChildren(QToolBar) if t.objectName() == "SafeStatsToolbar"]
    check("reload_toolbar", len(again) == 1, len(again))
    check("reload_plugin_object", qgis.utils.plugins.get("safestats") is not None, sorted(qgis.utils.plugins))


def is_problem(entry: Dict[str, Any]) -> bool:
    tag = entry["tag"]
    if tag in ("Python error",):
        return True
    if tag == "SafeStats" and entry["level"] >= int(Qgis.Warning):
        return True
    text = entry["message"]
    return "safestats" in text.lower() and ("Traceback" in text or "Error" in text)


def guarded(step: Any) -> None:
    try:
        step()
    except Exception:  # noqa: BLE001 - reported, never raised into QGIS
        report["errors"].append(f"check step {step.__name__} failed:\n" + traceback.format_exc())


STEPS = [run, unload, reload, after_reload]


def next_step() -> None:
    if STEPS:
        guarded(STEPS.pop(0))
        QTimer.singleShot(700, next_step)
    else:
        finish()


def finish() -> None:
    settle(0.5)
    messages = logged_before_script() + live_messages
    dialogs = Path(os.environ.get("SAFESTATS_DIALOGS", "/nonexistent"))
    if dialogs.is_file():  # error dialogs QGIS would have shown (see tests/qgis_startup_hook.py)
        for line in dialogs.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            messages.append({"tag": "Python error", "level": 2, "message": entry["message"] + "\n" + entry["error"]})
    report["messages"] = messages
    problems = [m for m in messages if is_problem(m)]
    for m in problems:
        report["errors"].append(f"QGIS log [{m['tag']}]: {m['message'][:2000]}")
    report["ok"] = not report["errors"]
    RESULT.write_text(json.dumps(report, indent=2), encoding="utf-8")
    QgsProject.instance().setDirty(False)
    for widget in QApplication.topLevelWidgets():
        if widget.isModal() and widget.isVisible():
            widget.close()
    QTimer.singleShot(2000, lambda: os._exit(0))  # if QGIS does not quit on its own
    QgsApplication.exit(0)


# Let QGIS finish starting (the --code script runs just before the main event loop starts).
QTimer.singleShot(1500, next_step)
