"""Counts-only (aggregate-only) datasets as a closed table, in the plugin.

* the model: ``CountsQuery`` sends only what the store's counts-only contract allows;
* the client audit: a counts load writes one entry through ``AuditLog.record_access``, and a write
  that fails is a critical log entry plus a message-bar message (never silent);
* against the REAL store (the counts-only closed table of the store-sdc work): the dock shows the
  closed table's choices, a borough's wards load alone, the layer says its values are perturbed
  and rounded and need not add up, the count preview is the store's answer, and free filters are
  refused with the store's explanation.
"""
from __future__ import annotations

from typing import Any

import pytest
from qgis.core import Qgis, QgsApplication, QgsProject

from conftest import sign_in
from test_ui_support import RecordingIface, flush_deletes, process_events, wait_until


# ------------------------------------------------------------------ model (no store)


def test_counts_query_sends_only_the_closed_table():
    from safestats.providers.models import CountsQuery, query_from_json
    q = CountsQuery("mps_crime", "FY2024", unit="hex", hex_size=1000, within="E09000007", category="Burglary")
    assert q.to_params() == {"period": "FY2024", "category": "Burglary", "area": "borough:E09000007"}
    crs = "http://www.opengis.net/def/crs/EPSG/0/27700"  # every SafeStats layer is in EPSG:27700
    assert q.aggregate_params() == {"period": "FY2024", "by": "hex", "size": "1000",
                                    "within": "borough:E09000007", "category": "Burglary", "crs": crs}
    assert query_from_json(q.to_json()) == q
    assert CountsQuery("mps_crime", "2025-03", unit="borough").aggregate_params() == {"period": "2025-03",
                                                                                      "by": "borough", "crs": crs}
    for bad in ({"period": "2025-13"}, {"period": "2025-03-01"}, {"period": "FY25"},
                {"period": "2025-03", "unit": "hex", "hex_size": 750}, {"period": "2025-03", "unit": "lsoa"},
                {"period": "2025-03", "within": "E05000001"}, {"period": "2025-03", "unit": "borough",
                                                               "within": "E09000007"}):
        with pytest.raises(ValueError):
            CountsQuery("mps_crime", **bad)


def test_available_periods_follow_coverage_and_agreement():
    from safestats.providers.models import CollectionInfo, DsaLimits, available_periods
    info = CollectionInfo(id="mps_crime", title="MPS", temporal_start="2023-02-14T00:00:00Z",
                          temporal_end="2025-11-30T00:00:00Z",
                          limits=DsaLimits(aggregate_only=True, history_from="2023-06-01"))
    periods = available_periods(info)
    months = [p for p in periods if not p.startswith("FY")]
    assert months[0] == "2025-11" and months[-1] == "2023-06" and len(months) == 30
    assert [p for p in periods if p.startswith("FY")] == ["FY2024"]  # Apr 2023 not allowed, Mar 2026 not there


def test_match_count_reads_the_disclosure_block():
    from safestats.providers.results import MatchCount
    c = MatchCount.from_json({"numberMatched": 35, "suppressed": False, "period": "2025-03", "area": None,
                              "disclosure": {"threshold": 5, "rounded_to": 5, "method": "cell-key perturbation",
                                             "additive": False}})
    assert c.perturbed and c.rounded_to == 5 and c.threshold == 5 and c.value == 35
    s = MatchCount.from_json({"numberMatched": None, "suppressed": True, "period": "2025-03",
                              "disclosure": {"threshold": 5, "rounded_to": 5, "method": "cell-key perturbation",
                                             "additive": False}})
    assert s.suppressed and s.known_rows == 0


# ------------------------------------------------------------------ client audit (no store)


class _User:
    username = "tfl.analyst"
    organisation_name = "Transport for London"


class _Session:
    """Only what ``aggregates.audit``/``audit_context`` read: the real AuditLog is used."""

    def __init__(self, audit: Any) -> None:
        self.audit = audit
        self.user = _User()
        self.store_url = "http://127.0.0.1:1"
        self.purpose = "crime_prevention"


def test_counts_load_audit_entry(qgis_app, audit_log):
    from safestats.providers.models import CountsQuery
    from safestats.providers import counts_loader as aggregates
    session = _Session(audit_log)
    q = CountsQuery("mps_crime", "2025-03", unit="ward", within="E09000007")
    assert aggregates.audit(session, "load_counts", q, aggregates.audit_context(session), None,
                            rows=18, areas=18, area_unit="ward", period="2025-03")
    entry = audit_log.last("load_counts")
    assert entry["dataset"] == "mps_crime" and entry["filter"] == q.to_params() and entry["areas"] == 18
    assert entry["area_unit"] == "ward" and entry["period"] == "2025-03" and entry["user"] == "tfl.analyst"
    assert entry["organisation"] == "Transport for London" and "within E09000007" in entry["filter_text"]


def test_failed_counts_audit_is_critical_and_shown(qgis_app, tmp_path):
    from safestats.governance.audit import AuditLog
    from safestats.providers.models import CountsQuery
    from safestats.providers import counts_loader as aggregates
    (tmp_path / "audit.jsonl").mkdir()  # the log's file cannot be opened for writing
    session = _Session(AuditLog(tmp_path / "audit.jsonl"))
    iface = RecordingIface()
    logged: list = []

    def on_message(message: str, tag: str, level: Any) -> None:
        logged.append((tag, level, message))

    QgsApplication.messageLog().messageReceived.connect(on_message)
    try:
        ok = aggregates.audit(session, "load_counts", CountsQuery("mps_crime", "2025-03"),
                              aggregates.audit_context(session), iface.messageBar(), rows=3, areas=3,
                              area_unit="ward", period="2025-03")
        process_events(0.1)
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(on_message)
    assert ok is False
    critical = [m for tag, level, m in logged if tag == "SafeStats" and level == Qgis.Critical]
    assert critical and "audit" in critical[0].lower() and "load_counts of mps_crime" in critical[0]
    assert [m for m in iface.messages if m[2] == Qgis.Critical and "audit log" in m[1]]
    iface.main_window.deleteLater()
    flush_deletes()


def test_unknown_audit_keys_are_still_refused(audit_log):
    """The allow-list stays the gate: the fix added the counts keys, it did not open it."""
    from safestats.governance.audit import AuditError
    with pytest.raises(AuditError):
        audit_log.record("load_aggregates", dataset="mps_crime")
    with pytest.raises(AuditError):
        audit_log.record("load_counts", by="ward")


# ------------------------------------------------------------------ against the real store



def _counts_dock(plugin: Any, store: Any) -> Any:
    sign_in(plugin.session, store, "tfl")
    wait_until(lambda: bool(plugin.dock.datasetsPanel.datasets), 60, "dataset list did not arrive")
    dock = plugin.dock
    assert dock.datasetsPanel.select("mps_crime") and dock.current_dataset().aggregate_only
    wait_until(lambda: dock.countsPanel.withinCombo.count() > 1, 60, "the agreement's boroughs did not arrive")
    return dock


def test_dock_offers_the_closed_table_and_loads_one_boroughs_wards(plugin, store, store_http, audit_log, qgis_messages):
    from safestats.providers.layers import safestats_layers
    from safestats.providers.models import CountsQuery, available_periods
    dock = _counts_dock(plugin, store)
    info = dock.current_dataset()
    panel = dock.countsPanel
    assert panel.isVisibleTo(dock) and not dock.filterTabs.isVisibleTo(dock)
    periods = [panel.periodCombo.itemData(i) for i in range(panel.periodCombo.count())]
    assert periods == available_periods(info) and periods
    assert "need not add up" in panel.noteLabel.text()
    borough = panel.withinCombo.itemData(1)
    panel.set_period(periods[1])
    assert panel.set_unit("borough") and not panel.withinCombo.isEnabled()  # boroughs are counted whole
    assert panel.set_unit("ward") and panel.withinCombo.isEnabled()
    panel.set_within(borough)
    wait_until(lambda: dock.counter.preview.last_count is not None and not dock.counter.preview.is_busy(), 60, "no count")
    query = dock.build_query()
    assert isinstance(query, CountsQuery) and query.within == borough and query.period == periods[1]
    answer = store_http.get("tfl", "/collections/mps_crime/count", query.to_params())
    count = dock.counter.preview.last_count
    assert count.perturbed and count.value == answer["numberMatched"] and count.suppressed == answer["suppressed"]
    assert "need not add up" in dock.countLabel.text() or count.suppressed
    dock.request_load()
    wait_until(lambda: any(l.customProperty("safestats/kind") == "aggregates" for l in safestats_layers()), 120)
    wait_until(lambda: not plugin.loads.running(), 60)
    layer = [l for l in safestats_layers() if l.customProperty("safestats/kind") == "aggregates"][0]
    wards = [f for f in store_http.get("tfl", "/collections/wards/items", {"limit": 1000})["features"]
             if f["properties"].get("parent_code") == borough]
    assert sorted(f["code"] for f in layer.getFeatures()) == sorted(w["properties"]["code"] for w in wards)
    assert "perturbed" in layer.name() and "need not add up" in layer.metadata().abstract()
    # the counts stay in the British National Grid, and so does the project (a 4326 layer first left
    # the project in 4326, London squashed, with a datum-transform warning)
    assert layer.crs().authid() == "EPSG:27700" and QgsProject.instance().crs().authid() == "EPSG:27700"
    assert not [m for m in plugin.iface_double.messages + qgis_messages if "transform" in str(m).lower()]
    assert "perturbation" in layer.renderer().ranges()[0].label()
    for f in layer.getFeatures():
        value = None if f["count"] is None or (hasattr(f["count"], "isNull") and f["count"].isNull()) else f["count"]
        assert (value is None) == bool(f["suppressed"]) and (value is None or (value % 5 == 0 and value >= 5))
    entry = audit_log.last("load_counts")
    assert entry["dataset"] == "mps_crime" and entry["filter"] == query.to_params()
    assert entry["area_unit"] == "ward" and entry["areas"] == len(wards) and entry["period"] == periods[1]
    assert not [m for m in plugin.iface_double.messages if m[2] == Qgis.Critical]


def test_hexagons_and_refresh_keep_the_closed_table(plugin, store, audit_log):
    from safestats.providers.layers import query_of, safestats_layers
    dock = _counts_dock(plugin, store)
    from safestats.providers.models import available_periods
    assert dock.countsPanel.set_unit("hex", 1000) and dock.countsPanel.withinCombo.isEnabled()
    periods = available_periods(dock.current_dataset())
    assert dock.countsPanel.set_period(periods[2])
    wait_until(lambda: not dock.counter.preview.is_busy(), 60)
    dock.request_load()
    wait_until(lambda: any(l.customProperty("safestats/kind") == "aggregates" for l in safestats_layers()), 120)
    wait_until(lambda: not plugin.loads.running(), 60)
    layer = [l for l in safestats_layers() if l.customProperty("safestats/kind") == "aggregates"][0]
    assert query_of(layer).aggregate_params()["size"] == "1000" and layer.featureCount() > 0
    plugin.loads.refresh_layer(layer)
    wait_until(lambda: audit_log.last("refresh_counts") is not None, 60, "refresh was not audited")
    assert audit_log.last("refresh_counts")["area_unit"] == "hex"


def test_free_filters_are_refused_with_the_stores_explanation(signed_in_tfl):
    from safestats.providers import errors
    from safestats.providers.models import Query
    client = signed_in_tfl.client
    with pytest.raises(errors.InvalidFilter) as exc:
        client.count(Query("mps_crime", hours=(22, 23)))
    assert "period" in exc.value.user_message


@pytest.fixture()
def signed_in_tfl(session, store):
    sign_in(session, store, "tfl")
    return session


# ------------------------------------------------------------------ Processing: the same closed table


@pytest.fixture()
def tfl_provider(qgis_processing, signed_in_tfl):
    from safestats.processing_provider import register_processing, unregister_processing
    p = register_processing(signed_in_tfl)
    yield p
    unregister_processing(p)


def _run(alg_id, params):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run(alg_id, params, context=context, feedback=QgsProcessingFeedback())


def test_processing_load_counts_follows_the_closed_table(tfl_provider, signed_in_tfl, store_http, audit_log):
    from qgis.core import QgsProcessingException
    from safestats.providers.models import available_periods
    info = signed_in_tfl.client.collection("mps_crime")
    period = available_periods(info)[2]
    boroughs = store_http.get("tfl", "/collections/mps_crime/aggregates", {"period": period, "by": "borough"})
    borough = boroughs["features"][0]["properties"]["code"]
    out = _run("safestats:loadcounts", {"DATASET": "mps_crime", "PERIOD": period, "UNIT": "ward", "WITHIN": borough,
                                        "OUTPUT": "memory:"})
    layer = out["OUTPUT"]
    direct = store_http.get("tfl", "/collections/mps_crime/aggregates",
                            {"period": period, "by": "ward", "within": f"borough:{borough}"})
    assert out["AREAS"] == len(direct["features"]) == layer.featureCount() > 0
    published = {f["properties"]["code"]: f["properties"]["count"] for f in direct["features"]}
    for f in layer.getFeatures():
        value = None if f["count"] is None or (hasattr(f["count"], "isNull") and f["count"].isNull()) else f["count"]
        assert value == published[f["code"]]
    entry = audit_log.last("load_counts")
    assert entry["period"] == period and entry["area_unit"] == "ward" and entry["dataset"] == "mps_crime"
    assert entry["reason"] == "processing: Load counts (counts-only datasets)"
    for bad in ({"PERIOD": "2025-03-01/2025-03-31"}, {"PERIOD": period, "WITHIN": "E05000001"},
                {"PERIOD": period, "CATEGORY": "not a category"}):
        with pytest.raises(QgsProcessingException) as exc:
            _run("safestats:loadcounts", dict({"DATASET": "mps_crime", "UNIT": "ward", "OUTPUT": "memory:"}, **bad))
        text = str(exc.value)
        assert "fixed table" in text or "category" in text, text
    # a free filter through "Load incidents" is refused with the same explanation
    with pytest.raises(QgsProcessingException) as exc:
        _run("safestats:loadincidents", {"DATASET": "mps_crime", "START": "2025-01-01", "END": "2025-01-31",
                                         "OUTPUT": "memory:"})
    assert "fixed table" in str(exc.value) and "period" in str(exc.value)


def test_failed_record_load_audit_is_critical_and_shown(plugin, store, tmp_path):
    """The same for a record load (the core's LoadTask): the layer is loaded, the failure is a critical
    log entry and a message in QGIS's message bar (through ``SessionManager.auditFailed``)."""
    from safestats.governance.audit import AuditLog
    from safestats.providers.layers import safestats_layers
    sign_in(plugin.session, store, "mopac")
    wait_until(lambda: bool(plugin.dock.datasetsPanel.datasets), 60, "dataset list did not arrive")
    dock = plugin.dock
    assert dock.datasetsPanel.select("btp_crime")
    dock.whatPanel.set_categories("crime_type", ["Robbery"])
    (tmp_path / "broken").mkdir()
    plugin.session.audit = AuditLog(tmp_path / "broken")  # a folder: the entry cannot be appended
    logged: list = []

    def on_message(message: str, tag: str, level: Any) -> None:
        logged.append((level, message))

    QgsApplication.messageLog().messageReceived.connect(on_message)
    try:
        wait_until(lambda: dock.counter.preview.last_count is not None and not dock.counter.preview.is_busy(), 60, "no count")
        dock.request_load()
        wait_until(lambda: bool(safestats_layers()) and not plugin.loads.running(), 120, "no layer loaded")
        wait_until(lambda: any(m[2] == Qgis.Critical for m in plugin.iface_double.messages), 10, "no message")
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(on_message)
    assert safestats_layers()[0].featureCount() > 0  # the data was loaded all the same
    assert [m for level, m in logged if level == Qgis.Critical and "client audit write failed: load of btp_crime" in m]
    shown = [m for m in plugin.iface_double.messages if m[2] == Qgis.Critical]
    assert shown[0][0] == "Audit log not written" and "could not be written" in shown[0][1]


def test_within_offers_only_the_agreements_boroughs(qgis_app):
    """An agreement area drawn as "borough B + 1 km" holds B, not the neighbours it overlaps a little."""
    from safestats.providers.area import agreement_boroughs
    from safestats.providers.models import Boundary

    def square(x, y, size=4000):
        return f"POLYGON(({x} {y},{x + size} {y},{x + size} {y + size},{x} {y + size},{x} {y}))"

    boroughs = [Boundary(f"E0900000{i}", f"B{i}", "borough", wkt=square(500000 + 4000 * i, 180000)) for i in range(4)]
    area = "POLYGON((503000 179000,513000 179000,513000 185000,503000 185000,503000 179000))"  # B1 + B2 + 1 km
    assert [b.code for b in agreement_boroughs(boroughs, area)] == ["E09000001", "E09000002"]
    assert agreement_boroughs(boroughs, None) == boroughs
