"""Filter widgets of the dock produce the expected core ``Query`` (no store needed here)."""
from __future__ import annotations

import threading
from datetime import datetime
from typing import Any, Iterator, List

import pytest
from qgis.core import (QgsCoordinateReferenceSystem, QgsFeature, QgsGeometry, QgsPointXY, QgsProject,
                       QgsRectangle, QgsVectorLayer)
from qgis.PyQt.QtCore import QDateTime, Qt

from test_ui_support import RecordingIface, flush_deletes, process_events, wait_until


class StubClient:
    def __init__(self) -> None:
        self.counted: List[Any] = []
        self.threads: List[str] = []

    def count(self, query: Any, feedback: Any = None) -> Any:
        from safestats.providers.results import MatchCount
        self.counted.append(query)
        self.threads.append(threading.current_thread().name)
        return MatchCount(1234)


class StubSession:
    is_signed_in = True
    purpose = "crime_prevention"
    store_url = "http://127.0.0.1:1"
    conditions = None

    def __init__(self) -> None:
        self.client = StubClient()


def _info(**kw: Any) -> Any:
    from safestats.providers.models import CollectionInfo
    data = {
        "id": "mps_crime", "title": "Metropolitan Police recorded crime",
        "description": "Crimes.", "safestats": {
            "agency": "Metropolitan Police Service", "access": "records", "category_field": "crime_type",
            "fields": [
                {"name": "crime_type", "type": "string", "title": "Crime type",
                 "categories": ["Burglary", "Drugs", "Robbery"]},
                {"name": "outcome", "type": "string", "title": "Outcome", "categories": ["Under investigation"]},
                {"name": "location_desc", "type": "string", "title": "Location"},
            ],
            "limits": {"fields_restricted": False, "area": None, "area_name": None, "history_from": None,
                       "aggregate_only": False},
            "temporal": {"start": "2023-01-01T00:00:00Z", "end": "2026-10-31T23:00:00Z"},
            "last_refresh": "2026-11-01T02:00:00Z", "protective_marking": "OFFICIAL-SENSITIVE",
            "record_count": 54000}}
    data.update(kw)
    return CollectionInfo.from_json(data)


@pytest.fixture()
def dock(qgis_app: Any) -> Iterator[Any]:
    from safestats.ui.dock import SafeStatsDock
    iface = RecordingIface()
    session = StubSession()
    widget = SafeStatsDock(iface, session)
    widget.set_datasets([_info()])
    widget.iface_double = iface
    yield widget
    widget.release()
    widget.deleteLater()
    iface.main_window.deleteLater()
    flush_deletes()


def test_default_query_is_last_12_months(dock: Any) -> None:
    from safestats.providers import daterange
    query = dock.build_query()
    assert query.dataset_id == "mps_crime"
    assert (query.start, query.end) == daterange.last_12_months()
    assert query.dow == () and query.hours == () and query.categories == {} and query.area is None


def test_quick_picks_and_custom_range(dock: Any) -> None:
    from safestats.providers import daterange
    dock.whenPanel.set_quick_pick("last_month")
    assert (dock.build_query().start, dock.build_query().end) == daterange.last_month()
    dock.whenPanel.set_quick_pick("last_financial_year")
    start, end = dock.build_query().start, dock.build_query().end
    assert (start.month, start.day, end.month, end.day) == (4, 1, 3, 31)
    dock.whenPanel.set_quick_pick("all")
    assert dock.build_query().start is None and dock.build_query().end is None
    dock.whenPanel.set_quick_pick("last_month")
    dock.whenPanel.fromEdit.setDateTime(QDateTime(2025, 6, 1, 0, 0, 0))  # editing switches to "Custom"
    dock.whenPanel.toEdit.setDateTime(QDateTime(2025, 6, 30, 23, 59, 59))
    assert dock.whenPanel.quickPickCombo.currentData() == "custom"
    query = dock.build_query()
    assert query.start == datetime(2025, 6, 1, tzinfo=daterange.LONDON)
    assert query.end == datetime(2025, 6, 30, 23, 59, 59, tzinfo=daterange.LONDON)
    assert query.to_params()["datetime"] == "2025-05-31T23:00:00Z/2025-06-30T22:59:59Z"
    dock.whenPanel.fromEdit.setDateTime(QDateTime(2025, 7, 1, 0, 0, 0))
    with pytest.raises(ValueError):
        dock.build_query()


def test_days_and_hours(dock: Any) -> None:
    for day in (2, 3, 4, 7):
        getattr(dock.whenPanel, f"dow{day}Check").setChecked(False)
    dock.whenPanel.anyHourCheck.setChecked(False)
    dock.whenPanel.hourFromSpin.setValue(22)
    dock.whenPanel.hourToSpin.setValue(2)
    query = dock.build_query()
    assert query.dow == (1, 5, 6)
    assert query.hours == (0, 1, 2, 22, 23)
    params = query.to_params()
    assert params["dow"] == "1,5,6" and params["hour"] == "0,1,2,22,23"
    for day in (1, 5, 6):
        getattr(dock.whenPanel, f"dow{day}Check").setChecked(False)
    with pytest.raises(ValueError):
        dock.build_query()


def test_hour_range_helper() -> None:
    from safestats.ui.panels.when import hour_range
    assert hour_range(18, 23) == (18, 19, 20, 21, 22, 23)
    assert hour_range(23, 0) == (23, 0)
    assert hour_range(0, 23) == ()


def test_categories_multi_select(dock: Any) -> None:
    assert [dock.whatPanel.categoryFieldCombo.itemData(i) for i in range(dock.whatPanel.categoryFieldCombo.count())] == \
        ["crime_type", "outcome"]
    assert [dock.whatPanel.categoryList.item(i).text() for i in range(dock.whatPanel.categoryList.count())] == \
        ["Burglary", "Drugs", "Robbery"]
    dock.whatPanel.categoryList.item(0).setCheckState(Qt.Checked)
    dock.whatPanel.categoryList.item(2).setCheckState(Qt.Checked)
    assert dock.build_query().categories == {"crime_type": ("Burglary", "Robbery")}
    dock.whatPanel.categoryFieldCombo.setCurrentIndex(1)
    dock.whatPanel.categoryList.item(0).setCheckState(Qt.Checked)
    query = dock.build_query()
    assert query.categories == {"crime_type": ("Burglary", "Robbery"), "outcome": ("Under investigation",)}
    assert "crime_type = 'Burglary' OR crime_type = 'Robbery'" in query.to_params()["filter"]
    dock.whatPanel.check_all(False)
    assert dock.build_query().categories == {"crime_type": ("Burglary", "Robbery")}


def test_area_canvas_extent(dock: Any) -> None:
    canvas = dock.canvas
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
    canvas.setExtent(QgsRectangle(525000, 175000, 535000, 185000))
    dock.wherePanel.set_area_mode("extent")
    area = dock.build_query().area
    assert area.kind == "bbox"
    assert area.xmin <= 525000 and area.xmax >= 535000 and area.ymin <= 175000 + 1 and area.ymax >= 185000 - 1
    assert dock.build_query().to_params()["bbox-crs"].endswith("27700")


def test_area_boroughs_and_wards(dock: Any) -> None:
    from safestats.providers.models import Boundary
    dock.set_boundaries({
        "boroughs": [Boundary("E09000033", "Westminster", "borough"), Boundary("E09000012", "Hackney", "borough")],
        "wards": [Boundary("E05000644", "St James's", "ward", "E09000033")]})
    dock.wherePanel.set_area_mode("boundaries")
    with pytest.raises(ValueError):
        dock.build_query()  # nothing ticked yet
    items = {dock.wherePanel.boundaryList.item(i).text(): dock.wherePanel.boundaryList.item(i) for i in range(dock.wherePanel.boundaryList.count())}
    items["Hackney"].setCheckState(Qt.Checked)
    dock.wherePanel.boundaryKindCombo.setCurrentIndex(1)
    dock.wherePanel.boundaryList.item(0).setCheckState(Qt.Checked)
    query = dock.build_query()
    assert query.area.boroughs == ("E09000012",) and query.area.wards == ("E05000644",)
    assert query.to_params()["area"] == "borough:E09000012,ward:E05000644"


def test_area_selected_polygons_of_any_layer(dock: Any) -> None:
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326&field=name:string", "my wards", "memory")
    feats = []
    for i, (x, y) in enumerate(((-0.14, 51.50), (-0.10, 51.52))):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromRect(QgsRectangle(x, y, x + 0.01, y + 0.01)))
        f["name"] = f"p{i}"
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(layer)
    try:
        dock.wherePanel.polygonLayerCombo.setLayer(layer)
        dock.wherePanel.set_area_mode("layer")
        with pytest.raises(ValueError):
            dock.build_query()  # no selection yet
        layer.selectAll()
        process_events()
        query = dock.build_query()
        assert query.area.kind == "polygon"
        assert query.area.wkt.upper().startswith(("MULTIPOLYGON", "POLYGON"))
        geom = QgsGeometry.fromWkt(query.area.wkt)
        assert 520000 < geom.centroid().asPoint().x() < 540000  # transformed to British National Grid
        assert "S_INTERSECTS(geometry, MULTIPOLYGON(" in query.to_params()["filter"] or \
            "S_INTERSECTS(geometry, POLYGON(" in query.to_params()["filter"]
        assert dock.wherePanel.selectionLabel.text().startswith("2")
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_area_drawn_polygon_with_map_tool(dock: Any) -> None:
    from safestats.ui.map_tools import PolygonDrawTool
    canvas = dock.canvas
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
    dock.wherePanel.set_area_mode("draw")
    with pytest.raises(ValueError):
        dock.build_query()
    dock.wherePanel.drawButton.setChecked(True)
    tool = canvas.mapTool()
    assert isinstance(tool, PolygonDrawTool)
    for x, y in ((530000, 180000), (531000, 180000), (531000, 181000), (530000, 181000)):
        tool.add_point(QgsPointXY(x, y))
    tool.finish()
    assert canvas.mapTool() is not tool and not dock.wherePanel.drawButton.isChecked()
    query = dock.build_query()
    assert query.area.kind == "polygon"
    assert QgsGeometry.fromWkt(query.area.wkt).area() == pytest.approx(1_000_000, rel=1e-6)
    assert "1.00 km²" in dock.wherePanel.drawnLabel.text()


def test_count_is_debounced_and_off_the_ui_thread(dock: Any) -> None:
    client = dock.session.client
    client.counted.clear()
    for day in (1, 2, 3):  # three quick changes -> one count
        getattr(dock.whenPanel, f"dow{day}Check").setChecked(False)
    wait_until(lambda: len(client.counted) >= 1 and not dock.counter.preview.is_busy(), 10)
    process_events(0.6)
    assert len(client.counted) == 1
    assert client.counted[0].dow == (4, 5, 6, 7)
    assert threading.main_thread().name not in client.threads
    assert "1,234" in dock.countLabel.text()


def test_aggregate_only_dataset_offers_choropleth(dock: Any) -> None:
    info = _info(id="ndtms_treatment", title="NDTMS")
    from dataclasses import replace
    from safestats.providers.models import DsaLimits
    agg = replace(info, access="aggregate", limits=DsaLimits(aggregate_only=True))
    dock.set_datasets([_info(), agg])
    dock.datasetsPanel.select("ndtms_treatment")
    assert [dock.stylePanel.presetCombo.itemData(i) for i in range(dock.stylePanel.presetCombo.count())
            if not str(dock.stylePanel.presetCombo.itemData(i)).startswith("user:")] == ["choropleth"]
    assert "counts only" in dock.datasetsPanel.datasetList.currentItem().text()
    assert "Counts only" in dock.datasetsPanel.datasetDetails.toPlainText()


def test_counts_only_dataset_takes_boroughs_or_wards_only(dock: Any) -> None:
    """The store refuses map extents and polygons for counts-only agreements: the dock never offers them."""
    from dataclasses import replace
    from safestats.providers.models import DsaLimits
    from safestats.providers.results import MatchCount
    agg = replace(_info(id="ndtms_treatment", title="NDTMS"), access="aggregate",
                  limits=DsaLimits(aggregate_only=True))
    dock.set_datasets([_info(), agg])
    dock.splitter.setEnabled(True)  # as when signed in
    dock.datasetsPanel.select("mps_crime")
    dock.wherePanel.set_area_mode("extent")
    dock.datasetsPanel.select("ndtms_treatment")
    assert dock.wherePanel.area_mode() == "any"
    for radio in (dock.wherePanel.areaExtentRadio, dock.wherePanel.areaLayerRadio, dock.wherePanel.areaDrawRadio):
        assert not radio.isEnabled() and "boroughs or wards" in radio.toolTip()
    assert dock.wherePanel.areaBoundaryRadio.isEnabled() and dock.wherePanel.areaAnyRadio.isEnabled()
    assert "too few to publish" in dock.counter.count_text(MatchCount(None, suppressed=True, rounded_to=5))
    text = dock.counter.count_text(MatchCount(1235, rounded_to=5, period="2025-04-01/2026-03-31"))
    assert "About <b>1,235</b>" in text and "nearest 5" in text and "2025-04-01/2026-03-31" in text
    dock.datasetsPanel.select("mps_crime")  # record-level again: every area choice is back
    assert all(r.isEnabled() for r in (dock.wherePanel.areaExtentRadio, dock.wherePanel.areaLayerRadio, dock.wherePanel.areaDrawRadio))


def test_load_pressed_before_the_count_waits_for_it_and_still_asks(dock: Any, monkeypatch: Any) -> None:
    from qgis.core import QgsSettings
    from qgis.PyQt.QtWidgets import QMessageBox
    QgsSettings().setValue("safestats/large_load_rows", 1000)  # the stub store counts 1,234
    try:
        dock.counter.preview.request(None)  # nothing counted yet
        asked: list = []
        emitted: list = []
        dock.loadRequested.connect(lambda *args: emitted.append(args))
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.No)
        dock.request_load()
        assert not asked and not emitted and "before loading" in dock.countLabel.text()
        wait_until(lambda: asked, 10)
        assert emitted == [] and "1,234" in asked[0][2]
        # the same with a count that fails: no load, the error is shown
        from safestats.providers.errors import StoreUnreachable

        def broken(query: Any, feedback: Any = None) -> Any:
            raise StoreUnreachable("Nothing answered.")
        monkeypatch.setattr(dock.session.client, "count", broken)
        dock.counter.preview.request(None)
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked after a failed count"))
        dock.request_load()
        wait_until(lambda: "Nothing answered" in dock.countLabel.text(), 10)
        process_events(0.3)
        assert emitted == []
    finally:
        QgsSettings().remove("safestats/large_load_rows")


def test_very_large_load_asks_first(dock: Any, monkeypatch: Any) -> None:
    from qgis.PyQt.QtWidgets import QMessageBox
    from safestats.providers.results import MatchCount
    from safestats.providers.load_task import large_load_rows

    from qgis.core import QgsSettings
    QgsSettings().setValue("safestats/large_load_rows", 250_000)
    query = dock.build_query()
    dock.counter.preview.last_query, dock.counter.preview.last_count = query, MatchCount(large_load_rows() + 1)
    asked: list = []
    emitted: list = []
    dock.loadRequested.connect(lambda *args: emitted.append(args))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.No)
    dock.request_load()
    assert len(asked) == 1 and emitted == []
    assert "250,000" in asked[0][2] or "250000" in asked[0][2].replace(",", "")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    dock.request_load()
    assert len(emitted) == 1 and emitted[0][0] == query
    # below the threshold: no question
    dock.counter.preview.last_count = MatchCount(10)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked for a small load"))
    dock.request_load()
    assert len(emitted) == 2
    QgsSettings().remove("safestats/large_load_rows")


def test_default_preset_follows_the_options_page(dock: Any) -> None:
    from qgis.core import QgsSettings
    settings = QgsSettings()
    settings.setValue("safestats/default_preset/records", "heatmap")
    try:
        dock.stylePanel.set_dataset(dock.current_dataset())
        assert dock.stylePanel.selected() == "heatmap"
        settings.setValue("safestats/default_preset/records", "choropleth")  # does not suit records
        dock.stylePanel.set_dataset(dock.current_dataset())
        assert dock.stylePanel.selected() == "categorised"
    finally:
        settings.remove("safestats/default_preset/records")


# ---------------------------------------------------------------- issue 13 #9: a dock that reads well


@pytest.mark.parametrize("width, height", [(1366, 768), (1600, 1000)])
def test_dock_reads_well_at_laptop_sizes(dock: Any, width: int, height: int) -> None:
    """Names elided at the end with the full text in a tooltip, every dataset row and the whole
    details text visible, a ward list of 8 rows, and a dock that never makes QGIS taller than the screen."""
    from dataclasses import replace

    from safestats.providers.models import Boundary
    long_title = "London Ambulance Service assault dispatches to licensed premises and the night-time economy"
    infos = [_info()] + [replace(_info(), id=f"d{i}", title=f"{long_title} {i}") for i in range(6)]
    dock.set_datasets(infos)
    dock.set_boundaries({"boroughs": [Boundary("E09000033", "Westminster", "borough")],
                         "wards": [Boundary(f"E0500{i:04d}", f"Ward {i}", "ward", "E09000033") for i in range(30)]})
    window = dock.iface_double.main_window
    window.addDockWidget(Qt.RightDockWidgetArea, dock)
    window.resize(width, height)
    window.show()
    dock.splitter.setEnabled(True)  # as when signed in
    assert dock.datasetsPanel.select("d3")
    process_events(0.3)
    # the dock scrolls rather than squashing its lists: it never forces the window past a laptop screen
    assert dock.minimumSizeHint().height() < 768 - 200, dock.minimumSizeHint()
    assert window.height() <= height
    listed = dock.datasetsPanel.datasetList
    assert listed.textElideMode() == Qt.ElideRight
    for row in range(listed.count()):
        item = listed.item(row)
        assert item.toolTip().startswith(item.text())  # the full name, whatever the list shows
    assert listed.viewport().height() >= listed.count() * listed.sizeHintForRow(0)  # every dataset row
    details = dock.datasetsPanel.datasetDetails
    assert details.verticalScrollBar().maximum() == 0, "the details box cuts its text"
    assert "Full history" in details.toPlainText()
    dock.filterTabs.setCurrentIndex(2)
    dock.wherePanel.set_area_mode("boundaries")
    dock.wherePanel.boundaryKindCombo.setCurrentIndex(1)
    process_events(0.2)
    wards = dock.wherePanel.boundaryList
    assert wards.viewport().height() >= 8 * wards.sizeHintForRow(0)  # more than 4 rows of wards
    window.hide()


def test_all_available_dates_show_the_coverage(dock: Any) -> None:
    """Greyed From/To under "All available dates" show what "all" means, not last year's dates."""
    from dataclasses import replace

    from safestats.providers.models import DsaLimits
    dock.splitter.setEnabled(True)  # as when signed in
    dock.whenPanel.set_quick_pick("all")
    edits = (dock.whenPanel.fromEdit, dock.whenPanel.toEdit)
    assert not any(e.isEnabled() for e in edits)
    assert [e.date().toString("yyyy-MM-dd") for e in edits] == ["2023-01-01", "2026-10-31"]
    assert dock.build_query().start is None and dock.build_query().end is None
    # an agreement with a history limit: "all" starts there; another dataset updates the dates
    limited = replace(_info(id="las", title="LAS"), limits=DsaLimits(history_from="2024-04-01"),
                      temporal_end="2025-12-31T23:00:00Z")
    dock.set_datasets([_info(), limited])
    dock.datasetsPanel.select("las")
    assert [e.date().toString("yyyy-MM-dd") for e in edits] == ["2024-04-01", "2025-12-31"]
    dock.whenPanel.set_quick_pick("custom")  # the custom range starts from what was shown
    assert all(e.isEnabled() for e in edits) and dock.build_query().start.year == 2024
