"""PYQGIS_STARTUP script for tests/test_demo.py: runs inside the QGIS desktop that
``scripts/demo.sh`` starts (before the main window and the plugins exist).

It waits until QGIS has finished starting (``qgis.utils.iface`` set, main window shown, plugins
started), then writes what QGIS itself says to ``$SAFESTATS_RESULT`` (JSON): the active plugins,
the profile folder QGIS uses, where ``safestats`` was imported from, its toolbar, and the Web menu
entry. Then it quits QGIS, so demo.sh goes on (stops its store) and ends by itself.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Dict

from qgis.core import Qgis, QgsApplication, QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QToolBar

RESULT = Path(os.environ["SAFESTATS_RESULT"])
WAIT_S = float(os.environ.get("SAFESTATS_DEMO_WAIT_S", "90"))
_started = time.monotonic()
_state: Dict[str, Any] = {"ready_at": None}


def _report() -> Dict[str, Any]:
    import qgis.utils
    iface = qgis.utils.iface
    module = sys.modules.get("safestats")
    window = iface.mainWindow() if iface is not None else None
    toolbars = [t.objectName() for t in window.findChildren(QToolBar)] if window is not None else []
    web_menu = [a.text() for a in iface.webMenu().actions()] if iface is not None else []
    return {
        "qgis_version": Qgis.QGIS_VERSION,
        "active_plugins": list(qgis.utils.active_plugins),
        "profile_dir": QgsApplication.qgisSettingsDirPath(),
        "plugin_file": str(Path(module.__file__).resolve()) if module is not None and module.__file__ else "",
        "toolbars": toolbars,
        "web_menu": web_menu,
        "seconds": round(time.monotonic() - _started, 1),
    }


def _quit() -> None:
    QgsProject.instance().setDirty(False)
    for widget in QApplication.topLevelWidgets():
        if widget.isModal() and widget.isVisible():
            widget.close()
    QTimer.singleShot(5000, lambda: os._exit(3))  # QGIS did not quit on its own: the test sees exit 3
    QgsApplication.exit(0)


def _poll() -> None:
    import qgis.utils
    iface = qgis.utils.iface
    ready = iface is not None and iface.mainWindow() is not None and iface.mainWindow().isVisible()
    if ready and _state["ready_at"] is None:
        _state["ready_at"] = time.monotonic()
    # plugins start while the main window is built: give QGIS a moment after it shows
    settled = _state["ready_at"] is not None and time.monotonic() - _state["ready_at"] > 2.0
    timed_out = time.monotonic() - _started > WAIT_S
    if settled or timed_out:
        report = _report()
        report["timed_out"] = bool(timed_out and not settled)
        RESULT.write_text(json.dumps(report, indent=2), encoding="utf-8")
        _quit()
        return
    QTimer.singleShot(250, _poll)


QTimer.singleShot(250, _poll)
