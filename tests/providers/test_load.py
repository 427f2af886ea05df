"""Loading layers in a background QgsTask: layer shape, cancel, refresh, project save/reopen."""
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from safestats.providers import errors, layers
from safestats.providers.load_task import LayerLoader, LoadTask
from safestats.providers.models import BoundaryArea, Query

from conftest import sign_in, wait_for_task


@pytest.fixture()
def loader(signed_in, qgis_new_project):
    from qgis.core import QgsProject
    ld = LayerLoader(signed_in, QgsProject.instance())
    yield ld
    ld.unload()
    QgsProject.instance().clear()


def _recent(session, dataset, days=120, **kw):
    info = session.client.collection(dataset)
    end = datetime.fromisoformat(info.temporal_end.replace("Z", "+00:00"))
    return Query(dataset, start=end - timedelta(days=days), end=end, **kw), info


def _run(loader, task):
    """Wait for a load; a load that failed says why (a flake once seen on QGIS 3.44 only said 'None')."""
    wait_for_task(task)
    if task.layer is None and task.error is not None:
        print(f"load of {task.query.dataset_id} failed: {task.error.code}: {task.error}")
    return task


def test_load_layer_with_metadata_temporal_and_audit(loader, store_http, cache_store):
    from qgis.core import (QgsDateTimeRange, QgsExpressionContextUtils, QgsFeatureRequest, QgsProject,
                           QgsVectorLayerTemporalContext, QgsVectorLayerTemporalProperties)
    from qgis.PyQt.QtCore import QDateTime, Qt
    session = loader.session
    q, info = _recent(session, "las_incidents", categories={"incident_type": ("Assault", "Alcohol related")})
    expected = store_http.count("mopac", "las_incidents", q.to_params())
    got, failed = [], []
    task = loader.load(q, info)
    task.loaded.connect(got.append)
    task.failed.connect(failed.append)
    progress = []
    task.progressChanged.connect(progress.append)
    _run(loader, task)
    assert not failed and len(got) == 1
    layer = got[0]
    project = QgsProject.instance()
    assert project.mapLayer(layer.id()) is layer
    group = project.layerTreeRoot().findGroup("SafeStats")
    assert group is not None and group.findLayer(layer.id()) is not None
    assert layer.providerType() == "ogr" and cache_store.contains(layer.source().split("|")[0])
    assert layer.featureCount() == expected > 0
    assert progress and max(progress) > 0
    # query kept for Refresh / re-fetch
    assert Query.from_json(layer.customProperty("safestats/query")) == q
    assert layer.customProperty("safestats/purpose") == session.purpose
    assert layer.customProperty("safestats/rows") == expected
    # metadata
    md = layer.metadata()
    assert md.title() == info.title and "Filter:" in md.abstract() and q.describe() in md.abstract()
    # the purpose as the store words it, not its id (issue 13)
    assert session.purpose_label and session.purpose_label != session.purpose
    assert f"Purpose: {session.purpose_label}" in md.abstract() and "Extracted:" in md.abstract()
    assert f"Purpose: {session.purpose}\n" not in md.abstract()
    assert f"Period: {layers.period_text(info, q)}" in md.abstract()
    assert "Area: all of London the agreement allows" in md.abstract()
    assert "OFFICIAL-SENSITIVE" in md.rights() and md.licenses() == [info.licence]
    assert md.contacts()[0].organization == info.agency and md.history()
    assert layer.attribution() == info.attribution
    # protective marking for layouts
    assert QgsExpressionContextUtils.projectScope(project).variable("safestats_marking") == "OFFICIAL-SENSITIVE"
    # temporal: instant from occurred_at, and a one-week window selects a strict subset
    props = layer.temporalProperties()
    assert props.isActive() and props.mode() == QgsVectorLayerTemporalProperties.ModeFeatureDateTimeInstantFromField
    assert props.startField() == "occurred_at"
    start = QDateTime.fromString((q.end - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"), Qt.ISODate)
    window = QgsDateTimeRange(start, start.addDays(7))
    ctx = QgsVectorLayerTemporalContext()
    ctx.setLayer(layer)
    expr = props.createFilterString(ctx, window)
    in_week = sum(1 for _ in layer.getFeatures(QgsFeatureRequest().setFilterExpression(expr)))
    assert 0 < in_week < layer.featureCount()
    # audit: what/when/filter/purpose/rows, never records or tokens
    entry = session.audit.last("load")
    assert entry["dataset"] == "las_incidents" and entry["rows"] == expected
    assert entry["purpose"] == session.purpose and entry["filter"] == q.to_params()
    text = session.audit.path.read_text()
    assert session.client._access not in text and "occurred_at" not in text


def test_cancel_mid_download_direct(signed_in, tmp_path):
    from qgis.core import QgsFeedback
    feedback = QgsFeedback()
    seen = []

    def progress(received, total):
        seen.append((received, total))
        feedback.cancel()

    with pytest.raises(errors.LoadCancelled):
        signed_in.client.download_fgb(Query("mps_crime"), tmp_path / "dl" / "all.fgb", feedback=feedback,
                                      progress=progress)
    assert seen and seen[0][1] and seen[0][0] < seen[0][1], "cancel must happen before the end of the body"
    assert list((tmp_path / "dl").iterdir()) == []


def test_cancel_load_task_leaves_nothing(loader, cache_store):
    from qgis.core import QgsApplication, QgsProject
    project = QgsProject.instance()
    before = set(project.mapLayers())
    task = LoadTask(loader.session, Query("mps_crime"), project=project)
    first = {"done": False}
    original = task._on_progress

    def cancel_on_first_chunk(received, total):  # cancel from the worker thread, mid-stream
        original(received, total)
        if not first["done"] and total and received < total:
            first["done"] = True
            task.cancel()

    task._on_progress = cancel_on_first_chunk
    failed = []
    task.failed.connect(failed.append)
    QgsApplication.taskManager().addTask(task)
    wait_for_task(task)
    assert first["done"], "the download finished before it could be cancelled"
    assert set(project.mapLayers()) == before
    assert [f for f in cache_store.files()] == []
    assert failed and isinstance(failed[0], errors.LoadCancelled), [(f, f.detail) for f in failed]
    assert loader.session.audit.last("load_cancelled")["dataset"] == "mps_crime"


def test_refresh_keeps_style_swaps_file(loader, cache_store):
    from qgis.PyQt.QtGui import QColor
    q, info = _recent(loader.session, "lfb_incidents", days=60)
    task = _run(loader, loader.load(q, info))
    layer = task.layer
    layer.renderer().symbol().setColor(QColor("#123456"))
    old_path = layer.source().split("|")[0]
    old_stamp = layer.customProperty("safestats/extracted_at")
    n = layer.featureCount()
    refreshed = _run(loader, loader.refresh(layer))
    assert refreshed.layer is layer and refreshed.error is None
    new_path = layer.source().split("|")[0]
    assert new_path != old_path and not Path(old_path).exists() and Path(new_path).exists()
    assert layer.featureCount() == n
    assert layer.renderer().symbol().color().name() == "#123456"
    assert layer.customProperty("safestats/extracted_at") >= old_stamp
    assert loader.session.audit.last("refresh")["dataset"] == "lfb_incidents"
    assert len(cache_store.files()) == 1


def _text_of(path: Path) -> str:
    if path.suffix == ".qgz":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return path.read_text()


def test_project_stores_query_not_data_and_refetches(loader, store, store_http, tmp_path):
    from qgis.core import QgsProject
    session = loader.session
    failures = []  # why a load failed, for the assertion messages (seen once on QGIS 3.44: 'memory' after reopening)
    loader.failed.connect(lambda error: failures.append(f"{type(error).__name__}: {error}"))
    westminster = next(b.code for b in session.client.boundaries("boroughs") if b.name == "Westminster")
    q, info = _recent(session, "mps_crime", days=60, area=BoundaryArea(boroughs=(westminster,)))
    expected = store_http.count("mopac", "mps_crime", q.to_params())
    layer = _run(loader, loader.load(q, info)).layer
    cache_file = layer.source().split("|")[0]
    places = {f["location_desc"] for f in layer.getFeatures() if f["location_desc"]}
    assert places and layer.featureCount() == expected
    project = QgsProject.instance()
    for name in ("p.qgs", "p.qgz"):
        path = tmp_path / name
        assert project.write(str(path))
        text = _text_of(path)
        assert "safestats/query" in text
        assert cache_file not in text and ".fgb" not in text
        leaked = [p for p in places if p in text]
        assert not leaked, f"incident data in the project file: {leaked[:3]}"
        assert store.password not in text and session.client._access not in text
        assert layer.providerType() == "ogr" and layer.featureCount() == expected  # live layer untouched
    # reopen while signed out: the layer is an empty placeholder until sign-in
    session.sign_out()
    assert layer.featureCount() == 0 and not Path(cache_file).exists()
    project.clear()
    assert project.read(str(tmp_path / "p.qgz"))
    reopened = layers.safestats_layers(project)
    assert len(reopened) == 1
    placeholder = reopened[0]
    assert placeholder.providerType() == "memory" and placeholder.featureCount() == 0
    assert layers.is_pending(placeholder) and loader.guard.pending_layers() == [placeholder]
    assert placeholder.temporalProperties().isActive()
    # sign in: re-fetched in the background with the stored query
    sign_in(session, store, "mopac")
    assert loader.tasks, "sign-in should start the re-fetch"
    for task in list(loader.tasks):
        wait_for_task(task)
    assert placeholder.providerType() == "ogr" and placeholder.featureCount() == expected, failures
    assert not layers.is_pending(placeholder)
    assert session.audit.last("refetch")["rows"] == expected
    # reopen while signed in: fetched straight away
    project.clear()
    assert project.read(str(tmp_path / "p.qgs"))
    assert loader.tasks
    for task in list(loader.tasks):
        wait_for_task(task)
    again = layers.safestats_layers(project)[0]
    assert again.providerType() == "ogr" and again.featureCount() == expected, failures


def test_load_refused_when_not_signed_in(session):
    with pytest.raises(errors.NotSignedIn):
        LoadTask(session, Query("mps_crime"))


def test_sign_out_during_load_loads_nothing(loader, cache_store):
    import time
    from qgis.core import QgsApplication, QgsProject
    project = QgsProject.instance()
    task = LoadTask(loader.session, Query("mps_crime"), project=project)
    done, failed = [], []
    task.failed.connect(failed.append)
    task.taskCompleted.connect(lambda: done.append("completed"))
    task.taskTerminated.connect(lambda: done.append("terminated"))
    started = []
    original = task._on_progress
    task._on_progress = lambda r, t: (started.append(r), original(r, t))
    loader._start(task)
    deadline = time.monotonic() + 60
    while not started and not done and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.005)
    loader.session.sign_out()  # on the main thread while the task downloads
    while not done and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        QgsApplication.processEvents()
    assert done == ["terminated"]
    assert failed and isinstance(failed[0], (errors.LoadCancelled, errors.NotSignedIn))
    assert layers.safestats_layers(project) == [] and cache_store.files() == []


def test_marking_follows_layers(loader):
    from qgis.core import QgsExpressionContextUtils, QgsProject
    q, info = _recent(loader.session, "rnli_launches", days=365)
    layer = _run(loader, loader.load(q, info)).layer
    project = QgsProject.instance()
    assert QgsExpressionContextUtils.projectScope(project).variable("safestats_marking") == "OFFICIAL-SENSITIVE"
    project.removeMapLayer(layer.id())
    assert not QgsExpressionContextUtils.projectScope(project).hasVariable("safestats_marking")


def test_a_dataset_outside_the_agreement_loads_from_nowhere(loader, store, cache_store, tmp_path, qgis_processing):
    """Westminster's agreement has no RNLI launches: a direct load, a Processing run and a project made
    by MOPAC (who may see them) and reopened by a Westminster analyst all get a plain refusal and leave
    no layer data and no file."""
    from qgis.core import (QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback, QgsProject)

    import processing  # after pytest-qgis's qgis_processing fixture has made it importable
    session = loader.session
    rnli, _info = _recent(session, "rnli_launches", days=365)  # MOPAC sees it
    mopac_layer = _run(loader, loader.load(rnli)).layer
    assert mopac_layer is not None and mopac_layer.featureCount() > 0
    project = QgsProject.instance()
    assert project.write(str(tmp_path / "mopac.qgz"))
    session.sign_out()

    sign_in(session, store, "westminster")
    assert "rnli_launches" not in {c.id for c in session.client.collections()}
    failed = []
    task = loader.load(Query("rnli_launches"))
    task.failed.connect(failed.append)
    _run(loader, task)
    assert len(failed) == 1 and isinstance(failed[0], errors.DatasetNotAvailable)
    assert "agreement" in failed[0].user_message or "not available" in failed[0].user_message
    assert not list(cache_store.directory.rglob("*.fgb*"))

    from safestats.processing_provider import register_processing, unregister_processing
    provider = register_processing(session)
    try:
        context = QgsProcessingContext()
        context.setProject(project)
        with pytest.raises(QgsProcessingException) as exc:
            processing.run("safestats:loadincidents", {"DATASET": "rnli_launches", "OUTPUT": "memory:"},
                           context=context, feedback=QgsProcessingFeedback())
        assert "not available" in str(exc.value).lower() or "agreement" in str(exc.value).lower(), str(exc.value)
    finally:
        unregister_processing(provider)

    project.clear()
    assert project.read(str(tmp_path / "mopac.qgz"))  # signed in as Westminster: the re-fetch is refused
    for t in list(loader.tasks):
        wait_for_task(t)
    reopened = layers.safestats_layers(project)
    assert len(reopened) == 1 and reopened[0].featureCount() == 0 and layers.is_pending(reopened[0])
    assert not list(cache_store.directory.rglob("*.fgb*"))


def test_layer_names_say_what_is_in_them(loader, store, cache_store):
    """Issue 13: every load was called "Metropolitan Police recorded crime"; names now read
    dataset · period · area · key filter, and the metadata states period and area."""
    from safestats.providers.models import BBoxArea
    session = loader.session
    q1, info = _recent(session, "mps_crime", days=60)
    end = q1.end
    q2 = Query("mps_crime", start=end - timedelta(days=30), end=end,
               categories={info.category_field: ("Burglary",)},
               area=BBoxArea(527000, 178000, 531000, 182000, label="Map extent"))
    got = []
    for q in (q1, q2):
        task = loader.load(q, info)
        task.loaded.connect(got.append)
        _run(loader, task)
    assert len(got) == 2
    one, two = (layer.name() for layer in got)
    assert one != two
    assert one.startswith(info.title + " · ") and one.endswith(" · London")
    assert layers.period_text(info, q1) in one
    assert two == " · ".join([info.title, layers.period_text(info, q2), "Map extent", "Burglary"])
    md = got[1].metadata()
    assert f"Period: {layers.period_text(info, q2)}" in md.abstract() and "Area: Map extent" in md.abstract()
    assert md.title() == info.title  # the dataset's title stays the metadata title


def test_name_parts(qgis_app):
    from zoneinfo import ZoneInfo
    from safestats.providers.models import CollectionInfo
    london = ZoneInfo("Europe/London")
    q = Query("mps_crime", start=datetime(2025, 3, 1, tzinfo=london), end=datetime(2025, 8, 31, 23, 59, 59, tzinfo=london),
              categories={"crime_type": ("Burglary", "Robbery", "Drugs", "Shoplifting")},
              area=BoundaryArea(("E09000033",), (), label="Westminster"), dow=(6, 7), hours=(20, 21, 22, 23))
    info = CollectionInfo.from_json({"id": "mps_crime", "title": "Metropolitan Police recorded crime"})
    name = layers.layer_title(info, q)
    assert name.split(" · ") == ["Metropolitan Police recorded crime", "1 Mar 2025 – 31 Aug 2025", "Westminster",
                                  "4 categories; Sat,Sun; 20–24h"]
    assert layers.area_text(Query("mps_crime", area=BoundaryArea(("E09000033", "E09000001"), ()))) \
        == "E09000033, E09000001"
