"""Context one click away: the store's boroughs and wards as outline-only, labelled reference layers
(menu action and the ward-map dialog), cached like other downloads, in EPSG:27700."""
from __future__ import annotations

import pytest

from conftest import wait_for_task
from test_ui_support import wait_until


@pytest.fixture()
def clean_project(qgis_app):
    from qgis.core import QgsProject
    QgsProject.instance().clear()
    yield QgsProject.instance()
    QgsProject.instance().clear()


def _features(store_http, kind):
    return store_http.get("mopac", f"/collections/{kind}/items", {"limit": 1000})["features"]


def test_boundaries_become_styled_labelled_reference_layers(signed_in, store_http, clean_project):
    from qgis.core import QgsCoordinateReferenceSystem
    from safestats.providers import reference_layers
    got = {}
    task = reference_layers.start_adding(signed_in, lambda layers, error: got.update(layers=layers, error=error))
    wait_for_task(task)
    assert got["error"] is None, got["error"]
    by_kind = reference_layers.reference_layers(clean_project)
    assert set(by_kind) == {"boroughs", "wards"}
    for kind, layer in by_kind.items():
        expected = _features(store_http, kind)
        assert layer.featureCount() == len(expected) > 0, kind  # every page, nothing more
        assert sorted(f["name"] for f in layer.getFeatures()) == sorted(f["properties"]["name"] for f in expected)
        assert layer.crs() == QgsCoordinateReferenceSystem("EPSG:27700")
        assert layer.readOnly()
        symbol = layer.renderer().symbol()
        assert symbol.symbolLayer(0).brushStyle() == 0  # Qt.NoBrush: outline only, the data stays visible
        assert layer.labelsEnabled()
        settings = layer.labeling().settings()
        assert settings.fieldName == "name" and settings.scaleVisibility and settings.minimumScale > 0
        assert signed_in.cache.contains(layer.source().split("|")[0])
    # London's extent in metres, not degrees
    extent = by_kind["boroughs"].extent()
    assert 480_000 < extent.xMinimum() < extent.xMaximum() < 580_000 and 150_000 < extent.yMinimum() < 210_000
    # the wards lie above the boroughs in their group
    group = clean_project.layerTreeRoot().findGroup(reference_layers.GROUP_NAME)
    assert [n.layer().customProperty(reference_layers.PROP_REFERENCE) for n in group.findLayers()] == \
        ["wards", "boroughs"]
    # a second click re-uses the cached download and adds no second copy
    files = set(signed_in.cache.files())
    task = reference_layers.start_adding(signed_in, lambda layers, error: got.update(layers=layers, error=error))
    wait_for_task(task)
    assert got["error"] is None and set(signed_in.cache.files()) == files
    assert len([l for l in clean_project.mapLayers().values()
                if l.customProperty(reference_layers.PROP_REFERENCE, None)]) == 2


def test_menu_action_adds_the_boundaries(plugin, store, clean_project):
    from conftest import sign_in
    from safestats.providers import reference_layers
    action = plugin.boundaries_action
    assert action.text() == "Add borough and ward boundaries" and not action.isEnabled()  # signed out
    sign_in(plugin.session, store, "westminster")
    wait_until(lambda: action.isEnabled(), 30, "the action stayed disabled after sign-in")
    action.trigger()
    wait_until(lambda: len(reference_layers.reference_layers(clean_project)) == 2, 120, "no boundaries added")


def test_print_dialog_offers_the_stores_wards(qgis_iface, signed_in, clean_project):
    from safestats.providers import reference_layers
    from safestats.ui.print_dialog import PrintWardMapsDialog
    dialog = PrintWardMapsDialog(qgis_iface, signed_in)
    try:
        assert dialog.boundaryLayerCombo.currentLayer() is None and dialog.addWardsButton.isEnabled()
        dialog.addWardsButton.click()
        wait_for_task(dialog.boundaries_task)
        wards = reference_layers.reference_layers(clean_project)["wards"]
        assert dialog.boundaryLayerCombo.currentLayer() is wards
        assert dialog.nameFieldCombo.currentField() == "name"
        assert "Added" in dialog.statusLabel.text()
    finally:
        dialog.close()
        dialog.deleteLater()


def test_first_load_zooms_to_the_data_with_outlines_beneath(plugin, store, clean_project):
    """The first layer of a project: the map zooms to it (in EPSG:27700) and the outlines are added
    beneath it; a second load changes neither."""
    from datetime import timedelta
    from conftest import sign_in
    from qgis.core import QgsCoordinateReferenceSystem
    from safestats.providers import reference_layers
    from safestats.providers.layers import safestats_layers
    from safestats.providers.models import Query
    sign_in(plugin.session, store, "westminster")
    info = plugin.session.client.collection("mps_crime")
    from datetime import datetime
    end = datetime.fromisoformat(info.temporal_end.replace("Z", "+00:00"))
    canvas = plugin.iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
    plugin.loads.load(Query("mps_crime", start=end - timedelta(days=60), end=end), info, "categorised")
    wait_until(lambda: len(safestats_layers()) == 1 and not plugin.loads.running(), 120, "no layer loaded")
    wait_until(lambda: len(reference_layers.reference_layers(clean_project)) == 2, 120, "no outlines added")
    layer = safestats_layers()[0]
    shown, data = canvas.extent(), layer.extent()
    # the data fills the map in one direction (the other follows the canvas's shape)
    assert shown.contains(data) and (shown.width() < data.width() * 1.2 or shown.height() < data.height() * 1.2)
    tree = clean_project.layerTreeRoot()
    order = [n.layer() for n in tree.findLayers()]
    assert order.index(layer) < order.index(reference_layers.reference_layers(clean_project)["wards"])
    canvas.setExtent(layer.extent().buffered(5000))
    before = canvas.extent()
    plugin.loads.load(Query("mps_crime", start=end - timedelta(days=30), end=end), info, "categorised")
    wait_until(lambda: len(safestats_layers()) == 2 and not plugin.loads.running(), 120, "no second layer")
    assert canvas.extent() == before and len(reference_layers.reference_layers(clean_project)) == 2


def test_outlines_survive_a_sign_out_and_refill_for_the_next_user(plugin, store, clean_project, qgis_messages):
    """Sign-out purges the cache: the outline layers let go of their files and stay, empty and styled;
    the next user's "Add borough and ward boundaries" refills the same layers (no 'Cannot reopen
    datasource' bar, no second pair of layers)."""
    from conftest import sign_in
    from safestats.providers import reference_layers
    sign_in(plugin.session, store, "westminster")
    wait_until(lambda: plugin.boundaries_action.isEnabled(), 30, "the action stayed disabled after sign-in")
    plugin.boundaries_action.trigger()
    wait_until(lambda: len(reference_layers.reference_layers(clean_project)) == 2, 120, "no boundaries added")
    first = reference_layers.reference_layers(clean_project)
    files = [layer.source().split("|")[0] for layer in first.values()]
    plugin.sign_out()
    assert not plugin.session.is_signed_in
    from pathlib import Path
    assert not [f for f in files if Path(f).exists()], "the cached boundary files outlived the sign-out"
    for layer in first.values():
        assert layer.providerType() == "memory" and layer.featureCount() == 0 and not reference_layers.is_filled(layer)
    sign_in(plugin.session, store, "tfl")
    wait_until(lambda: plugin.boundaries_action.isEnabled(), 30, "the action stayed disabled after sign-in")
    plugin.boundaries_action.trigger()
    wait_until(lambda: all(reference_layers.is_filled(layer) for layer in first.values()), 120, "not refilled")
    again = reference_layers.reference_layers(clean_project)
    assert {k: l.id() for k, l in again.items()} == {k: l.id() for k, l in first.items()}
    assert again["wards"].featureCount() > 0 and again["boroughs"].featureCount() == 33
    assert not [m for m in qgis_messages if "reopen" in str(m).lower()]
