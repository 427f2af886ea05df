"""The dock against the REAL store: exactly the DSA's datasets per organisation, live count equal to
the store's own count, Load through the core's task with a style preset, Refresh, counts-only."""
from __future__ import annotations

from typing import Any

import pytest
from qgis.core import QgsProject

from conftest import sign_in
from test_ui_support import process_events, wait_until

BOUNDARIES = {"boroughs", "wards"}



def _sign_in(plugin: Any, store: Any, key: str) -> Any:
    sign_in(plugin.session, store, key)
    wait_until(lambda: bool(plugin.dock.datasetsPanel.datasets), 60, "dataset list did not arrive")
    return plugin.dock


def _store_ids(store_http: Any, key: str) -> set:
    payload = store_http.get(key, "/collections")
    return {c["id"] for c in payload["collections"]} - BOUNDARIES


@pytest.mark.parametrize("key, expected", [
    ("mopac", None),
    ("westminster", 6),
    ("tfl", {"tfl_bus_incidents", "btp_crime", "mps_crime"}),
    ("hackney", {"mps_crime", "las_incidents", "ndtms_treatment"}),
])
def test_dock_lists_exactly_the_agreement(plugin: Any, store: Any, store_http: Any, key: str,
                                          expected: Any) -> None:
    dock = _sign_in(plugin, store, key)
    listed = set(dock.datasetsPanel.ids())
    assert listed == _store_ids(store_http, key)
    if expected is None:
        assert len(listed) == 9
    elif isinstance(expected, int):
        assert len(listed) == expected
    else:
        assert listed == expected
    assert not listed & BOUNDARIES
    assert dock.datasetsPanel.datasetList.count() == len(listed)
    # what the agreement limits is shown
    for row in range(dock.datasetsPanel.datasetList.count()):
        dock.datasetsPanel.datasetList.setCurrentRow(row)
        info = dock.current_dataset()
        text = dock.datasetsPanel.datasetDetails.toPlainText()
        assert "Coverage" in text and "Last refresh" in text and "Your agreement" in text
        if info.limits.aggregate_only:
            assert "Counts only" in text
            assert [dock.stylePanel.presetCombo.itemData(i) for i in range(dock.stylePanel.presetCombo.count())][0] == "choropleth"
        if info.limits.area_name:
            assert info.limits.area_name in text
        if info.limits.history_from:
            assert info.limits.history_from in text


def test_westminster_limits_visible(plugin: Any, store: Any) -> None:
    dock = _sign_in(plugin, store, "westminster")
    assert dock.datasetsPanel.select("las_incidents")
    info = dock.current_dataset()
    text = dock.datasetsPanel.datasetDetails.toPlainText()
    assert info.limits.fields_restricted and "withheld" in text
    assert {f.name for f in info.fields}.isdisjoint({"age_band", "gender"})
    assert "Westminster" in text and "History from" in text
    # filter lists never offer withheld fields
    fields = [dock.whatPanel.categoryFieldCombo.itemData(i) for i in range(dock.whatPanel.categoryFieldCombo.count())]
    assert "age_band" not in fields and "gender" not in fields


def test_count_matches_store_and_load_styled_layer(plugin: Any, store: Any, store_http: Any) -> None:
    from safestats.providers.layers import safestats_layers
    from safestats.providers import styles as presets

    dock = _sign_in(plugin, store, "mopac")
    assert dock.datasetsPanel.select("btp_crime")
    dock.whenPanel.set_quick_pick("last_12_months")
    dock.whatPanel.set_categories("crime_type", ["Robbery", "Theft from the person"])
    wait_until(lambda: dock.counter.preview.last_count is not None and not dock.counter.preview.is_busy(), 60, "no count")
    query = dock.build_query()
    expected = store_http.count("mopac", "btp_crime", query.to_params())
    assert dock.counter.preview.last_count.value == expected and f"{expected:,}" in dock.countLabel.text()
    assert expected > 0

    dock.stylePanel.presetCombo.setCurrentIndex(dock.stylePanel.presetCombo.findData(presets.CATEGORISED))
    dock.request_load()
    wait_until(lambda: bool(safestats_layers()) and not plugin.loads.running(), 120, "no layer loaded")
    process_events(0.2)
    layer = safestats_layers()[0]
    assert layer.featureCount() == expected
    assert layer.renderer().type() == "categorizedSymbol"
    colours = {c.value(): c.symbol().color().name() for c in layer.renderer().categories()}
    assert colours["Robbery"] == presets.stable_colour("Robbery").name()
    assert not dock.progressBar.isVisible()
    # layer context menu actions were attached to the new layer
    assert len(plugin.iface_double.layer_actions.get(layer.id(), [])) == 3

    # switch style later from the "layer context menu" path
    plugin.iface_double.setActiveLayer(layer)
    plugin.layer_menu.apply_preset_to_active(presets.HEXAGONS)
    assert presets.current_preset(layer) == presets.HEXAGONS
    plugin.layer_menu.apply_preset_to_active(presets.HEATMAP)
    assert layer.renderer().type() == "heatmapRenderer"

    # Refresh keeps the style and the row count
    plugin.loads.refresh_layer(layer)
    wait_until(lambda: not plugin.loads.running(), 120, "refresh did not finish")
    process_events(0.2)
    assert layer.featureCount() == expected and layer.renderer().type() == "heatmapRenderer"


def test_same_category_same_colour_in_two_loaded_datasets(plugin: Any, store: Any) -> None:
    from safestats.providers.layers import safestats_layers
    from safestats.providers import styles as presets

    dock = _sign_in(plugin, store, "mopac")
    for dataset in ("btp_crime", "colp_crime"):
        assert dock.datasetsPanel.select(dataset)
        dock.whenPanel.set_quick_pick("last_month")
        wait_until(lambda: not dock.counter.preview.is_busy(), 60)
        before = len(safestats_layers())
        dock.stylePanel.presetCombo.setCurrentIndex(dock.stylePanel.presetCombo.findData(presets.CATEGORISED))
        dock.loadRequested.emit(dock.build_query(), dock.current_dataset(), presets.CATEGORISED)
        wait_until(lambda: len(safestats_layers()) > before and not plugin.loads.running(), 120)
    colours = [{c.value(): c.symbol().color().name() for c in layer.renderer().categories()}
               for layer in safestats_layers()]
    shared = set(colours[0]) & set(colours[1]) - {""}
    assert len(shared) >= 10
    for category in shared:
        assert colours[0][category] == colours[1][category], category


def test_counts_only_dataset_loads_choropleth(plugin: Any, store: Any) -> None:
    from safestats.providers.layers import safestats_layers

    dock = _sign_in(plugin, store, "tfl")
    assert dock.datasetsPanel.select("mps_crime")
    assert dock.current_dataset().aggregate_only
    assert dock.stylePanel.selected() == "choropleth"
    dock.whenPanel.set_quick_pick("last_12_months")
    wait_until(lambda: not dock.counter.preview.is_busy(), 60)
    dock.request_load()
    wait_until(lambda: any(l.customProperty("safestats/kind") == "aggregates" for l in safestats_layers()), 120)
    layer = [l for l in safestats_layers() if l.customProperty("safestats/kind") == "aggregates"][0]
    assert layer.renderer().type() == "graduatedSymbol"
    assert layer.featureCount() > 0
    assert "Suppressed" in layer.renderer().ranges()[0].label()
    assert not plugin.loads.running()


def test_cancel_stops_a_counts_load(plugin: Any, store: Any, monkeypatch: Any) -> None:
    """Cancel reaches a counts-per-area load too. The store answers counts in milliseconds, so the
    fetch is held here until it is cancelled (a stand-in for a slow store: the real store cannot be
    made slow on cue); the cancel must reach the task's feedback, add nothing and end the progress."""
    import time as _time

    from safestats.providers.layers import safestats_layers
    from safestats.providers import counts_loader as aggregates

    dock = _sign_in(plugin, store, "tfl")
    assert dock.datasetsPanel.select("mps_crime")
    wait_until(lambda: not dock.counter.preview.is_busy(), 60)
    real_fetch, cancelled = aggregates._fetch, []

    def held(session: Any, query: Any, by: str, path: Any, feedback: Any = None) -> dict:
        deadline = _time.monotonic() + 20
        while not feedback.isCanceled() and _time.monotonic() < deadline:
            _time.sleep(0.02)
        cancelled.append(feedback.isCanceled())
        return real_fetch(session, query, by, path, feedback)  # a cancelled feedback aborts the request

    monkeypatch.setattr(aggregates, "_fetch", held)
    dock.request_load()
    process_events(0.3)
    assert plugin.loads.running() and dock.progressBar.isVisibleTo(dock)
    plugin.loads.cancel()
    wait_until(lambda: not plugin.loads.running(), 30, "the counts load did not stop")
    process_events(0.5)
    assert cancelled == [True]
    assert not [lyr for lyr in safestats_layers() if lyr.customProperty("safestats/kind") == "aggregates"]
    assert not dock.progressBar.isVisibleTo(dock)


def test_sign_out_clears_the_dock(plugin: Any, store: Any) -> None:
    dock = _sign_in(plugin, store, "hackney")
    assert dock.signOutButton.isVisibleTo(dock) and not dock.signInButton.isVisibleTo(dock)
    assert plugin.sign_out_action.isEnabled() and not plugin.sign_in_action.isEnabled()
    plugin.sign_out()
    assert dock.datasetsPanel.datasetList.count() == 0 and not dock.loadButton.isEnabled()
    assert plugin.sign_in_action.isEnabled() and not plugin.sign_out_action.isEnabled()


def test_counts_layer_is_fetched_again_after_project_read(plugin: Any, store: Any) -> None:
    """Projects keep queries, not data: a placeholder counts layer is re-fetched as counts."""
    from safestats.providers import layers as core_layers

    dock = _sign_in(plugin, store, "tfl")
    assert dock.datasetsPanel.select("mps_crime")
    wait_until(lambda: not dock.counter.preview.is_busy(), 60)
    dock.request_load()
    wait_until(lambda: any(l.customProperty("safestats/kind") == "aggregates"
                           for l in core_layers.safestats_layers()), 120)
    layer = [l for l in core_layers.safestats_layers() if l.customProperty("safestats/kind") == "aggregates"][0]
    areas = layer.featureCount()
    core_layers.to_placeholder(layer)          # what reading a saved project does
    assert layer.featureCount() == 0 and core_layers.is_pending(layer)
    plugin.loads.loader.guard.fetch_pending()
    wait_until(lambda: layer.featureCount() == areas, 120, "counts were not fetched again")
    assert layer.providerType() == "ogr" and not core_layers.is_pending(layer)
    assert layer.renderer().type() == "graduatedSymbol"
    assert not [m for m in plugin.iface_double.messages if m[2] in (1, 2)]  # no warning or critical


def test_session_ended_by_the_store_signs_out_here(plugin: Any, store: Any) -> None:
    from safestats.providers import errors

    dock = _sign_in(plugin, store, "westminster")
    plugin.session.client.forget_tokens()      # e.g. the refresh token expired overnight
    dock.counter._on_count_failed(None, errors.NotSignedIn())
    wait_until(lambda: dock.datasetsPanel.datasetList.count() == 0, 10)
    assert not plugin.session.is_signed_in and plugin.sign_in_action.isEnabled()
    assert "Sign in" in dock.countLabel.text()
    assert any(m[0] == "SafeStats" and "Signed out" in m[1] for m in plugin.iface_double.messages)


def test_unload_while_signed_in_leaves_placeholders_not_broken_layers(plugin: Any, store: Any) -> None:
    """Unloading (QGIS closing, a plugin reload) signs out: layers let go of their data first, so the
    purge leaves placeholders that re-fetch after the next sign-in, never layers pointing at nothing."""
    from pathlib import Path

    from safestats.providers import layers as layers_module
    from safestats.providers.layers import safestats_layers

    dock = _sign_in(plugin, store, "hackney")
    assert dock.datasetsPanel.select("las_incidents")
    dock.whenPanel.set_quick_pick("last_month")
    wait_until(lambda: dock.counter.preview.last_count is not None and not dock.counter.preview.is_busy(), 60, "no count")
    dock.request_load()
    wait_until(lambda: bool(safestats_layers()) and not plugin.loads.running(), 120, "no layer loaded")
    process_events(0.2)
    layer = safestats_layers()[0]
    cached = Path(layer.source().split("|")[0])
    assert cached.is_file() and plugin.session.cache.contains(str(cached))
    session = plugin.session
    plugin.unload()
    process_events(0.2)
    assert not session.is_signed_in and not cached.exists()
    assert layers_module.is_pending(layer) and QgsProject.instance().mapLayer(layer.id()) is layer
    assert layer.isValid() and layer.featureCount() == 0  # an empty placeholder, not a broken file path
    assert not session.cache.contains(layer.source().split("|")[0])
    plugin.session = session  # the fixture's teardown signs out and unloads again: harmless twice


# ---------------------------------------------------------------- issue 13 #5: pickers follow the agreement


def _boundaries_listed(dock: Any) -> None:
    dock.filterTabs.setCurrentIndex(2)
    dock.wherePanel.set_area_mode("boundaries")
    wait_until(lambda: dock.wherePanel.boundaryList.count() > 0, 60, "boroughs and wards did not arrive")


def test_area_pickers_offer_what_the_agreement_allows(plugin: Any, store: Any) -> None:
    """A Westminster analyst is offered Westminster's borough and wards only; "St James" finds
    Westminster's St James's (not Kingston's); a London-wide dataset offers every area again."""
    dock = _sign_in(plugin, store, "westminster")
    assert dock.datasetsPanel.select("mps_crime")
    info = dock.current_dataset()
    assert info.limits.area_wkt and "Westminster" in info.limits.area_name
    _boundaries_listed(dock)
    where = dock.wherePanel
    everything = where.boundaries
    from safestats.providers.area import agreement_boroughs
    allowed = {b.code: b.name for b in agreement_boroughs(everything["boroughs"], info.limits.area_wkt)}
    boroughs = [where.boundaryList.item(i).text() for i in range(where.boundaryList.count())]
    assert sorted(boroughs) == sorted(allowed.values()) and "Westminster" in boroughs, boroughs
    assert len(boroughs) < len(everything["boroughs"]) and "Kingston upon Thames" not in boroughs
    assert "Westminster" in where.boundaryHintLabel.text() and where.boundaryHintLabel.isVisibleTo(dock)
    where.boundaryKindCombo.setCurrentIndex(1)
    wards = [where.boundaryList.item(i).text() for i in range(where.boundaryList.count())]
    expected = [w for w in everything["wards"] if w.parent_code in allowed]
    assert len(wards) == len(expected) < len(everything["wards"])
    assert all(text.endswith(tuple(f"({name})" for name in allowed.values())) for text in wards)
    where.boundarySearchEdit.setText("St James")
    shown = [where.boundaryList.item(i).text() for i in range(where.boundaryList.count())
             if not where.boundaryList.item(i).isHidden()]
    assert shown and shown[0].startswith("St James") and shown[0].endswith("(Westminster)"), shown
    westminster_code = next(code for code, name in allowed.items() if name == "Westminster")
    assert any(w.name.startswith("St James") and w.parent_code != westminster_code for w in everything["wards"])


def test_a_zero_caused_by_the_agreement_says_so(plugin: Any, store: Any, monkeypatch: Any) -> None:
    """An area outside the agreement counts 0 at the store: the dock says it is the agreement, and
    Load says so too instead of "Nothing to load … no records match"."""
    from qgis.core import QgsGeometry

    dock = _sign_in(plugin, store, "westminster")
    assert dock.datasetsPanel.select("mps_crime")
    wait_until(lambda: not dock.counter.preview.is_busy(), 60)
    kingston = QgsGeometry.fromWkt("POLYGON((518000 166000, 520000 166000, 520000 168000, 518000 168000, "
                                   "518000 166000))")  # Kingston upon Thames, far from Westminster
    dock.wherePanel.set_drawn_polygon(kingston)
    wait_until(lambda: dock.counter.preview.last_count is not None and not dock.counter.preview.is_busy(), 60,
               "no count")
    assert dock.counter.preview.last_count.known_rows == 0  # the store's answer, not the dock's guess
    assert "outside your organisation's agreement" in dock.countLabel.text()
    assert "Westminster" in dock.countLabel.text() and "0 matching" not in dock.countLabel.text()
    emitted: list = []
    dock.loadRequested.connect(lambda *args: emitted.append(args))
    dock.request_load()
    process_events(0.2)
    assert not emitted
    shown = [m for m in plugin.iface_double.messages if m[0] == "Nothing to load"]
    assert shown and "outside your organisation's agreement" in shown[-1][1]
    # inside the agreement: an ordinary count, no agreement note
    dock.wherePanel.set_area_mode("any")
    wait_until(lambda: dock.counter.preview.last_count is not None and not dock.counter.preview.is_busy(), 60)
    assert "matching records" in dock.countLabel.text() and "agreement" not in dock.countLabel.text()
