"""The "Print ward maps…" dialog: defaults from the project, validation, and a background print."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import wait_for_task
from processing_support import boundary_layer, wards_of
from test_print_atlas import loaded  # noqa: F401,F811 - fixture: the plugin's way of loading a layer


@pytest.fixture(autouse=True)
def private_settings(qgis_app, tmp_path):
    """QgsSettings written by the dialog (its last folder) go to a temporary folder, never to the
    machine's QGIS profile, even when pytest is run without scripts/test-plugin.sh."""
    from qgis.PyQt.QtCore import QSettings
    from qgis.core import QgsSettings
    before = QSettings().fileName()
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, str(tmp_path / "settings"))
    assert str(tmp_path) in QgsSettings().fileName(), QgsSettings().fileName()
    yield
    home = str(Path(before).parent.parent) if before else ""
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, home)


def test_print_dialog_prints_in_background(loaded, qgis_iface, signed_in, store_http, tmp_path):  # noqa: F811
    from qgis.core import QgsProject
    from safestats.ui.print_dialog import PrintWardMapsDialog, open_print_dialog
    layer, _q = loaded
    wards = wards_of(store_http, None, "EPSG:27700")[:2]
    boundaries = boundary_layer(wards, "EPSG:27700", name="Wards")
    QgsProject.instance().addMapLayer(boundaries)
    qgis_iface.setActiveLayer(layer)
    dialog = open_print_dialog(qgis_iface, signed_in)
    try:
        assert isinstance(dialog, PrintWardMapsDialog) and dialog.isVisible()
        assert dialog.incidentsLayerCombo.currentLayer() is layer  # the loaded SafeStats layer
        dialog.boundaryLayerCombo.setLayer(boundaries)
        assert dialog.nameFieldCombo.currentField() == "name"
        assert dialog.thresholdSpin.minimum() == 5 and dialog.thresholdSpin.value() == 5
        assert [dialog.paperCombo.itemData(i) for i in range(dialog.paperCombo.count())] == ["A4", "A3"]
        assert dialog.presetCombo.count() > 1
        # nothing to save to yet: a plain message, no task
        dialog.start()
        assert "Choose where to save" in dialog.statusLabel.text() and dialog.task is None
        dialog.outputWidget.setFilePath(str(tmp_path / "maps"))
        dialog.dpi = 72
        dialog.start()
        assert not dialog.print_button.isEnabled() and dialog.close_button.text() == "Cancel"
        wait_for_task(dialog.task, timeout=120)
        assert not dialog.error, dialog.error
        assert dialog.paths == [str(tmp_path / "maps.pdf")] and Path(dialog.paths[0]).stat().st_size > 5000
        assert dialog.progressBar.value() == 100 and "Printed 1 file" in dialog.statusLabel.text()
        assert dialog.print_button.isEnabled()
        from qgis.core import QgsSettings
        assert QgsSettings().value("safestats/print_dir") == str(tmp_path)
        assert str(tmp_path) in QgsSettings().fileName()
    finally:
        dialog.close()
