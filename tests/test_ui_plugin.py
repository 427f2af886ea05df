"""The plugin loads and unloads cleanly: no errors, no leaked actions, menus, toolbars or docks."""
from __future__ import annotations

from typing import Any, Iterator

import pytest
from qgis.core import QgsApplication
from qgis.PyQt.QtWidgets import QAction, QDockWidget, QToolBar

from test_ui_support import RecordingIface, flush_deletes, process_events


@pytest.fixture()
def iface(qgis_app: Any) -> Iterator[RecordingIface]:
    fake = RecordingIface()
    yield fake
    fake.main_window.close()
    fake.main_window.deleteLater()
    flush_deletes()


@pytest.fixture()
def log_errors() -> Iterator[list]:
    """Collect SafeStats/Python messages of level Warning or worse logged during a test."""
    seen: list = []

    def record(message: str, tag: str, level: Any) -> None:
        if tag in ("SafeStats", "Python error", "Python warning") and int(level) >= 1:
            seen.append((tag, int(level), message))

    QgsApplication.messageLog().messageReceived.connect(record)
    yield seen
    QgsApplication.messageLog().messageReceived.disconnect(record)


def test_metadata_is_complete() -> None:
    import configparser
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    parser = configparser.ConfigParser()
    parser.read(root / "metadata.txt", encoding="utf-8")
    general = parser["general"]
    assert general["name"] == "SafeStats for QGIS"
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["hasProcessingProvider"] == "yes"  # the SafeStats Processing provider is registered
    for key in ("version", "about", "description", "author", "email", "license", "icon", "category", "tags"):
        assert general.get(key), key
    for key in ("tracker", "repository", "homepage"):
        assert general[key].startswith("https://"), key
    assert (root / general["icon"]).is_file()


def test_ui_files_have_no_connections_and_load() -> None:
    from pathlib import Path

    from qgis.PyQt import uic

    ui_dir = Path(__file__).resolve().parent.parent / "ui"
    files = sorted(ui_dir.glob("*.ui"))
    assert {f.name for f in files} >= {"dock.ui", "signin_dialog.ui"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "<connections>" not in text, f"{path.name}: wire signals in Python"
        assert "<header>qgs" not in text, f"{path.name}: use <header>qgis.gui</header>"
        uic.loadUiType(str(path))


def test_load_and_unload_cleanly(iface: RecordingIface, log_errors: list) -> None:
    import safestats

    plugin = safestats.classFactory(iface)
    plugin.initGui()
    process_events()
    assert len(iface.web_menu.get("&SafeStats", [])) == 6  # + "Personal access token…", "Add borough and ward boundaries" (menu only)
    assert "Add borough and ward boundaries" in [a.text() for a in iface.web_menu["&SafeStats"]]
    assert len(iface.toolbars) == 1 and len(iface.toolbars[0].actions()) == 4
    assert len(iface.options_factories) == 1
    registry = QgsApplication.processingRegistry()
    assert registry.providerById("safestats") is not None
    assert len(iface.docks) == 1 and iface.docks[0].objectName() == "SafeStatsDock"
    assert len(iface.layer_type_actions) == 3
    assert plugin.sign_in_action.isEnabled() and not plugin.sign_out_action.isEnabled()
    assert iface.receivers(iface.layerSavedAs) == 1  # the export guard listens to "Save Features As…"

    plugin.unload()
    flush_deletes()
    assert iface.receivers(iface.layerSavedAs) == 0
    left = iface.leftovers()
    assert left["web_menu"] == {}
    assert left["docks"] == [] and left["dock_children"] == []
    assert left["toolbars"] == []
    assert left["layer_type_actions"] == [] and left["layer_actions"] == {}
    assert left["options_factories"] == []
    assert registry.providerById("safestats") is None
    assert not [a for a in iface.main_window.findChildren(QAction) if a.objectName().startswith("SafeStats")]
    assert not [t for t in iface.main_window.findChildren(QToolBar) if t.objectName() == "SafeStatsToolbar"]
    assert not [d for d in iface.main_window.findChildren(QDockWidget) if d.objectName() == "SafeStatsDock"]
    assert log_errors == []


def test_reload_twice(iface: RecordingIface, log_errors: list) -> None:
    import safestats

    for _ in range(2):
        plugin = safestats.classFactory(iface)
        plugin.initGui()
        process_events()
        plugin.unload()
        flush_deletes()
    assert iface.leftovers()["web_menu"] == {}
    assert not [d for d in iface.main_window.findChildren(QDockWidget) if d.objectName() == "SafeStatsDock"]
    assert log_errors == []


def test_signed_in_message_names_the_organisation_once(plugin: Any, store: Any) -> None:
    """"Signed in as Analyst, Westminster Local Authority", not "… (Westminster Local Authority)"."""
    from conftest import sign_in
    from test_ui_support import wait_until
    user = sign_in(plugin.session, store, "westminster")
    wait_until(lambda: any("Signed in as" in m[1] for m in plugin.iface_double.messages), 30, "no sign-in message")
    text = next(m[1] for m in plugin.iface_double.messages if "Signed in as" in m[1])
    organisation = plugin.session.user.organisation_name
    assert user is not None and organisation and text.count(organisation) == 1, text
