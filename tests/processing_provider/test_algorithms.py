"""SafeStats Processing provider against a REAL store: every algorithm's output is checked against
counts computed independently (shapely point-in-polygon over the store's own GeoJSON)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import sign_in
from processing_support import (all_items, boundary_layer, features_by, month_of, patrol_areas, population_of,
                                recoverable, reference_counts, wards_of)

DATASET = "mps_crime"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture()
def provider(qgis_processing, session):
    from safestats.processing_provider import register_processing, unregister_processing
    p = register_processing(session)
    yield p
    unregister_processing(p)


@pytest.fixture()
def signed_provider(provider, session, store):
    sign_in(session, store, "mopac")
    return provider


def run(alg_id, params):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run(alg_id, params, context=context, feedback=QgsProcessingFeedback())


def period(session, days=120, back=0):
    info = session.client.collection(DATASET)
    end = datetime.fromisoformat(info.temporal_end.replace("Z", "+00:00")).date() - timedelta(days=1 + back)
    return end - timedelta(days=days - 1), end


def query(start, end, **extra):
    from safestats.providers.models import Query
    return Query(DATASET, start=datetime(start.year, start.month, start.day, tzinfo=LONDON),
                 end=datetime(end.year, end.month, end.day, 23, 59, 59, tzinfo=LONDON), **extra)


@pytest.fixture(scope="module")
def borough(store_http):
    feats = all_items(store_http, "mopac", "wards", {}, "EPSG:27700")
    return Counter(f["properties"].get("parent_code") for f in feats).most_common(1)[0][0]


def bbox_of(wards_27700):
    from shapely.geometry import shape
    from shapely.ops import unary_union
    return unary_union([shape(f["geometry"]) for f in wards_27700]).bounds


def load_bbox(session, store_http, wards_27700, start, end):
    """Run Load incidents for the wards' bounding box; also return the store's own GeoJSON for it."""
    from safestats.providers.models import BBoxArea
    xmin, ymin, xmax, ymax = bbox_of(wards_27700)
    res = run("safestats:loadincidents", {"DATASET": DATASET, "START": start.isoformat(), "END": end.isoformat(),
                                          "EXTENT": f"{xmin},{xmax},{ymin},{ymax} [EPSG:27700]", "OUTPUT": "memory:"})
    params = query(start, end, area=BBoxArea(xmin, ymin, xmax, ymax)).to_params()
    return res["OUTPUT"], params


# ---------------------------------------------------------------- provider


def test_provider_lists_algorithms_with_help(provider):
    from qgis.core import QgsApplication
    reg = QgsApplication.processingRegistry()
    ids = {a.id() for a in reg.providerById("safestats").algorithms()}
    assert ids == {"safestats:loadincidents", "safestats:loadcounts", "safestats:countinpolygons",
                   "safestats:compareperiods",
                   "safestats:hotspotskde", "safestats:hotspotshexagons"}
    for alg_id in ids:
        alg = reg.algorithmById(alg_id)
        assert len(alg.shortHelpString()) > 200 and "not for enforcement" in alg.shortHelpString()
        assert alg.group() and alg.displayName() and alg.shortDescription()


def test_unregister_removes_provider(qgis_processing, session):
    from qgis.core import QgsApplication
    from safestats import processing_provider as ss_processing
    p = ss_processing.register_processing(session)
    assert ss_processing.current_session() is session
    ss_processing.unregister_processing(p)
    assert QgsApplication.processingRegistry().providerById("safestats") is None
    assert ss_processing.current_session() is None


def test_load_refused_when_signed_out(provider, session):
    from qgis.core import QgsProcessingContext, QgsApplication, QgsProcessingException
    assert not session.is_signed_in
    alg = QgsApplication.processingRegistry().createAlgorithmById("safestats:loadincidents")
    ok, message = alg.checkParameterValues({"DATASET": DATASET, "OUTPUT": "memory:"}, QgsProcessingContext())
    assert not ok and "not signed in" in message and "Sign in" in message
    with pytest.raises(QgsProcessingException, match="not signed in"):
        run("safestats:loadincidents", {"DATASET": DATASET, "OUTPUT": "memory:"})


def test_load_incidents_matches_store_and_is_audited(signed_provider, session, store_http, borough, audit_log):
    from safestats.providers.area import polygon_area
    start, end = period(session)
    wards = wards_of(store_http, borough, "EPSG:4326", limit=6)
    area_layer = boundary_layer(wards, "EPSG:4326")
    cats = ("Violence and sexual offences", "Burglary")
    res = run("safestats:loadincidents", {"DATASET": DATASET, "START": start.isoformat(), "END": end.isoformat(),
                                          "CATEGORIES": "\n".join(cats), "AREA": area_layer, "OUTPUT": "memory:"})
    layer = res["OUTPUT"]
    area = polygon_area([f.geometry() for f in area_layer.getFeatures()], area_layer.crs(), "x").area
    q = query(start, end, categories={"crime_type": cats}, area=area)
    expected = store_http.count("mopac", DATASET, q.to_params())
    assert res["ROWS"] == layer.featureCount() == expected > 0
    assert {f["crime_type"] for f in layer.getFeatures()} <= set(cats)
    assert layer.crs().authid() == "EPSG:27700"
    # the output is a SafeStats layer: marking, query (so a saved project keeps no data), attribution
    assert layer.customProperty("safestats/protective_marking") == "OFFICIAL-SENSITIVE"
    assert layer.customProperty("safestats/dataset") == DATASET and layer.customProperty("safestats/query")
    assert "Metropolitan Police" in layer.attribution()
    entry = audit_log.last("load")
    assert entry["reason"] == "processing: Load incidents" and entry["rows"] == expected
    assert entry["dataset"] == DATASET and entry["purpose"] == session.purpose and "crime_type" in entry["filter"]["filter"]
    # a category the dataset does not have is refused with the list of valid ones
    from qgis.core import QgsProcessingException
    with pytest.raises(QgsProcessingException, match="Not categories"):
        run("safestats:loadincidents", {"DATASET": DATASET, "CATEGORIES": "Jaywalking", "OUTPUT": "memory:"})


@pytest.mark.parametrize("crs", ["EPSG:27700", "EPSG:4326"])
def test_count_in_polygons_matches_reference(signed_provider, session, store_http, borough, audit_log, crs):
    start, end = period(session)
    # the period starts two days before a month: that month's cells are small even in big areas,
    # whatever today's date (a period of whole months left none, and the split test below had nothing
    # to suppress)
    start = start.replace(day=1) - timedelta(days=2)
    wards_bng = wards_of(store_http, borough, "EPSG:27700")
    wards = wards_of(store_http, borough, crs)
    incidents, params = load_bbox(session, store_http, wards_bng, start, end)
    points = all_items(store_http, "mopac", DATASET, params, crs)
    assert len(points) == incidents.featureCount() > 50
    polygons = boundary_layer(wards, crs)

    # --- totals per ward
    out = run("safestats:countinpolygons", {"INCIDENTS": incidents, "POLYGONS": polygons,
                                            "POPULATION_FIELD": "population", "OUTPUT": "memory:"})["OUTPUT"]
    ref = reference_counts(wards, points)
    got = features_by(out, "code")
    assert out.featureCount() == len(wards) and out.crs().authid() == crs
    shown = hidden = 0
    for i, w in enumerate(wards):
        code, true = w["properties"]["code"], ref[w["properties"]["code"]]["All"]
        row = got[(code,)]
        if row["suppressed"]:
            hidden += 1
            assert row["incidents"] is None and row["rate_per_1000"] is None
            assert row["suppressed"] == "suppressed" and row["incidents_label"] == "*"  # one label for all
        else:
            shown += 1
            assert row["incidents"] == true and row["incidents_label"] == str(true)
            assert row["rate_per_1000"] == pytest.approx(round(1000 * true / population_of(i), 2))
    assert shown and out.customProperty("safestats/protective_marking") == "OFFICIAL-SENSITIVE"
    # the grand total is known (the layer's feature count): never exactly one hidden ward
    assert hidden != 1

    # --- splits: every cell vs the reference; primary + secondary suppression
    areas = patrol_areas(wards, 4)  # any polygon layer: unions of wards as "patrol areas"
    cases = [(wards, True, True), (areas, True, False), (areas, False, True)]
    for polys, by_cat, by_month in cases:
        layer = boundary_layer(polys, crs, population=False)
        out = run("safestats:countinpolygons", {"INCIDENTS": incidents, "POLYGONS": layer, "SPLIT_CATEGORY": by_cat,
                                                "SPLIT_MONTH": by_month, "OUTPUT": "memory:"})["OUTPUT"]
        statuses = check_split(out, polys, points, by_cat, by_month)
        assert statuses["suppressed"] > 0 and statuses["small"] > 0
        if polys is areas:  # bigger areas: single small cells in a row need secondary suppression
            assert statuses["suppressed"] > statuses["small"], statuses
    entries = [e for e in audit_log.entries() if e.get("reason") == "processing: Count incidents in polygons"]
    assert len(entries) == 1 + len(cases)
    assert entries[-1]["dataset"] == DATASET and "secondary" in entries[-1]["filter_text"]


def check_split(out, polys, points, by_cat, by_month):
    def key(p):
        return tuple(v for v, on in ((p["crime_type"], by_cat), (month_of(p["occurred_at"]), by_month)) if on)

    ref = reference_counts(polys, points, key=key)
    names = ["code"] + (["category"] if by_cat else []) + (["month"] if by_month else [])
    got = features_by(out, *names)
    cols = sorted({k[1:] for k in got if k[1] != "All"})
    if by_month:
        assert {c[-1] for c in cols} >= {month_of(p["properties"]["occurred_at"]) for p in points}
    statuses, table = Counter(), []
    for poly in polys:
        code = poly["properties"]["code"]
        row = []
        for col in cols + [("All",) * (len(names) - 1)]:
            cell = got[(code, *col)]
            true = sum(ref[code].values()) if col[0] == "All" else ref[code][col]
            statuses[cell["suppressed"]] += 1
            statuses["small"] += 0 < true < 5
            if cell["suppressed"]:
                assert cell["suppressed"] == "suppressed" and cell["incidents"] is None
                assert cell["incidents_label"] == "*" and true != 0  # zeros are never hidden
            else:
                assert cell["incidents"] == true and not 0 < true < 5
            row.append(cell["incidents"])
        table.append(row)
    # each row ends with the area's published total ("All"); no hidden cell is alone in its row
    assert not recoverable(table, columns=False), "a suppressed cell can be worked out from its area's total"
    return statuses




def test_threshold_is_configurable_but_not_below_five(signed_provider, session, store_http, borough):
    from qgis.core import QgsProcessingException
    start, end = period(session, days=60)
    wards_bng = wards_of(store_http, borough, "EPSG:27700")
    incidents, params = load_bbox(session, store_http, wards_bng, start, end)
    points = all_items(store_http, "mopac", DATASET, params, "EPSG:27700")
    polygons = boundary_layer(wards_bng, "EPSG:27700")
    out = run("safestats:countinpolygons", {"INCIDENTS": incidents, "POLYGONS": polygons, "THRESHOLD": 10,
                                            "OUTPUT": "memory:"})["OUTPUT"]
    ref = reference_counts(wards_bng, points)
    for code, row in features_by(out, "code").items():
        true = ref[code[0]]["All"]
        if 0 < true < 10:
            assert row["incidents"] is None and row["incidents_label"] == "*"
    with pytest.raises(QgsProcessingException):
        run("safestats:countinpolygons", {"INCIDENTS": incidents, "POLYGONS": polygons, "THRESHOLD": 3,
                                          "OUTPUT": "memory:"})


def test_compare_periods_matches_reference(signed_provider, session, store_http, borough, audit_log):
    start, end = period(session, days=180)
    a = (start, start + timedelta(days=89))
    b = (start + timedelta(days=90), end)
    wards = wards_of(store_http, borough, "EPSG:4326")
    wards_bng = wards_of(store_http, borough, "EPSG:27700")
    incidents, params = load_bbox(session, store_http, wards_bng, start, end)
    points = all_items(store_http, "mopac", DATASET, params, "EPSG:4326")
    polygons = boundary_layer(wards, "EPSG:4326")
    out = run("safestats:compareperiods", {"INCIDENTS": incidents, "POLYGONS": polygons,
                                           "A_START": a[0].isoformat(), "A_END": a[1].isoformat(),
                                           "B_START": b[0].isoformat(), "B_END": b[1].isoformat(),
                                           "OUTPUT": "memory:"})["OUTPUT"]

    def which(p):
        day = datetime.fromisoformat(p["occurred_at"].replace("Z", "+00:00")).astimezone(LONDON).date()
        return "A" if a[0] <= day <= a[1] else "B" if b[0] <= day <= b[1] else "-"

    ref = reference_counts(wards, points, key=which)
    got = features_by(out, "code")
    table, changes = [], 0
    for w in wards:
        code = w["properties"]["code"]
        row = got[(code,)]
        for p in ("a", "b"):
            true = ref[code][p.upper()]
            if row[f"count_{p}"] is None:
                assert row[f"label_{p}"] == "*" and true != 0
            else:
                assert row[f"count_{p}"] == true and not 0 < true < 5
        if row["count_a"] is None or row["count_b"] is None:
            assert row["change"] is None and row["change_pct"] is None and row["change_label"] == "suppressed"
        else:
            changes += 1
            assert row["change"] == row["count_b"] - row["count_a"]
            if row["count_a"]:
                assert row["change_pct"] == pytest.approx(round(100 * row["change"] / row["count_a"], 1))
        table.append([row["count_a"], row["count_b"]])
    assert changes > 0 and any(None in r for r in table)
    assert not recoverable([r + [None if None in r else sum(r)] for r in table])
    assert audit_log.last("count")["reason"] == "processing: Compare periods"


def test_hotspots_hexagons_and_kernel_density(signed_provider, session, store_http, borough, tmp_path):
    from osgeo import gdal
    start, end = period(session)
    wards_bng = wards_of(store_http, borough, "EPSG:27700")
    incidents, params = load_bbox(session, store_http, wards_bng, start, end)
    n = incidents.featureCount()
    hexes = run("safestats:hotspotshexagons", {"INCIDENTS": incidents, "SIZE": 500, "OUTPUT": "memory:"})["OUTPUT"]
    rows = [dict(zip(hexes.fields().names(), f.attributes())) for f in hexes.getFeatures()]
    shown = [r["incidents"] for r in rows if r["suppressed"] == ""]
    assert all(v >= 5 for v in shown) and any(r["suppressed"] == "suppressed" for r in rows)
    assert sum(1 for r in rows if r["suppressed"]) != 1  # one hidden hexagon = total minus the rest
    # every incident lies in exactly one hexagon: the true counts (shown + hidden) add up to n
    geoms = [f.geometry() for f in hexes.getFeatures()]
    inside = sum(1 for f in incidents.getFeatures() for g in geoms if g.intersects(f.geometry()))
    assert inside >= n  # (points on a shared edge touch two hexagons)
    total_true = sum(sum(1 for p in incidents.getFeatures() if g.contains(p.geometry())) for g in geoms)
    assert total_true <= n and n - total_true < 3

    path = str(tmp_path / "kde.tif")
    res = run("safestats:hotspotskde", {"INCIDENTS": incidents, "RADIUS": 400, "PIXEL_SIZE": 50, "OUTPUT": path})
    ds = gdal.Open(res["OUTPUT"])
    band = ds.GetRasterBand(1)
    data = band.ReadAsArray()
    valid = data[data != band.GetNoDataValue()]
    assert valid.size > 0 and float(valid.min()) >= 5.0
    projection = ds.GetProjection()
    assert projection and ("27700" in projection or "British" in projection)
    # only an extent (the south-west quarter of the wards): the raster covers it plus the radius, no more
    xmin, ymin, xmax, ymax = bbox_of(wards_bng)
    qx, qy = (xmin + xmax) / 2, (ymin + ymax) / 2
    part = run("safestats:hotspotskde", {"INCIDENTS": incidents, "RADIUS": 400, "PIXEL_SIZE": 50,
                                         "EXTENT": f"{xmin},{qx},{ymin},{qy} [EPSG:27700]",
                                         "OUTPUT": str(tmp_path / "kde_part.tif")})
    small = gdal.Open(part["OUTPUT"])
    gx, px, _r1, gy, _r2, py = small.GetGeoTransform()
    right, bottom = gx + px * small.RasterXSize, gy + py * small.RasterYSize
    assert gx >= xmin - 400 - 50 and right <= qx + 400 + 50 and bottom >= ymin - 400 - 50 and gy <= qy + 400 + 50
    assert small.RasterXSize * small.RasterYSize < ds.RasterXSize * ds.RasterYSize


def test_modeler_chains_load_count_compare(signed_provider, session, store_http, borough):
    """A QgsProcessingModelAlgorithm: Load -> Count in polygons -> Compare periods (on Count's output)."""
    from qgis.core import (QgsProcessingModelAlgorithm, QgsProcessingModelChildAlgorithm,
                           QgsProcessingModelChildParameterSource, QgsProcessingModelParameter,
                           QgsProcessingModelOutput, QgsProcessingParameterFeatureSource)
    start, end = period(session, days=180)
    mid = start + timedelta(days=89)
    wards = wards_of(store_http, borough, "EPSG:27700")
    polygons = boundary_layer(wards, "EPSG:27700")
    xmin, ymin, xmax, ymax = bbox_of(wards)

    model = QgsProcessingModelAlgorithm("ward trend", "SafeStats tests")
    model.addModelParameter(QgsProcessingParameterFeatureSource("wards", "Wards"),
                            QgsProcessingModelParameter("wards"))
    S = QgsProcessingModelChildParameterSource

    load = QgsProcessingModelChildAlgorithm("safestats:loadincidents")
    load.setChildId("load")
    load.addParameterSources("DATASET", [S.fromStaticValue(DATASET)])
    load.addParameterSources("START", [S.fromStaticValue(start.isoformat())])
    load.addParameterSources("END", [S.fromStaticValue(end.isoformat())])
    load.addParameterSources("EXTENT", [S.fromStaticValue(f"{xmin},{xmax},{ymin},{ymax} [EPSG:27700]")])
    model.addChildAlgorithm(load)

    count = QgsProcessingModelChildAlgorithm("safestats:countinpolygons")
    count.setChildId("count")
    count.addParameterSources("INCIDENTS", [S.fromChildOutput("load", "OUTPUT")])
    count.addParameterSources("POLYGONS", [S.fromModelParameter("wards")])
    count.addParameterSources("THRESHOLD", [S.fromStaticValue(5)])
    model.addChildAlgorithm(count)

    compare = QgsProcessingModelChildAlgorithm("safestats:compareperiods")
    compare.setChildId("compare")
    compare.addParameterSources("INCIDENTS", [S.fromChildOutput("load", "OUTPUT")])
    compare.addParameterSources("POLYGONS", [S.fromChildOutput("count", "OUTPUT")])
    for name, value in (("A_START", start), ("A_END", mid), ("B_START", mid + timedelta(days=1)), ("B_END", end)):
        compare.addParameterSources(name, [S.fromStaticValue(value.isoformat())])
    compare.addParameterSources("THRESHOLD", [S.fromStaticValue(5)])
    out = QgsProcessingModelOutput("trend", "Ward trend")
    out.setChildOutputName("OUTPUT")
    compare.setModelOutputs({"trend": out})
    model.addChildAlgorithm(compare)
    assert model.dependsOnChildAlgorithms("compare") == {"load", "count"}

    # The model's own name for its output parameter: "compare:trend" on QGIS 3.22, "ward_trend" (from
    # the output's description) on 3.40+. Ask the model, as a caller of any model must.
    model.updateDestinationParameters()
    outputs = [p.name() for p in model.destinationParameterDefinitions()]
    assert len(outputs) == 1, outputs
    res = run(model, {"wards": polygons, outputs[0]: "memory:"})
    trend = res[outputs[0]]
    from qgis.core import QgsProject, QgsVectorLayer
    if not isinstance(trend, QgsVectorLayer):
        trend = QgsProject.instance().mapLayer(trend)
    names = trend.fields().names()
    # Count's fields carried through, Compare's added
    assert {"code", "incidents", "incidents_label", "count_a", "count_b", "change"} <= set(names)
    assert trend.featureCount() == len(wards)
    rows = list(features_by(trend, "code").values())
    assert any(r["count_a"] is not None for r in rows)
    assert all(r[k] is None or r[k] == 0 or r[k] >= 5 for r in rows for k in ("count_a", "count_b", "incidents"))
    # Count's total == A + B where all three are shown (the two periods cover the whole load)
    full = [r for r in rows if None not in (r["incidents"], r["count_a"], r["count_b"])]
    assert full and all(r["incidents"] == r["count_a"] + r["count_b"] for r in full)


# ---------------------------------------------------------------- outputs never lose rows


def to_geopackage(layer, path):
    """``layer`` saved as a GeoPackage and opened again: it now has a ``fid`` field, like any
    analyst's own GeoPackage of polygons."""
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter, QgsVectorLayer
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    err = QgsVectorFileWriter.writeAsVectorFormatV2(layer, str(path), QgsCoordinateTransformContext(), options)
    assert err[0] == QgsVectorFileWriter.WriterError.NoError, err
    out = QgsVectorLayer(str(path), "polygons", "ogr")
    assert out.isValid() and out.fields().indexOf("fid") >= 0
    return out


def test_count_in_polygons_writes_every_row_to_every_format(signed_provider, session, store_http, borough,
                                                             tmp_path):
    """Issue 13: split by category to a GeoPackage wrote 4 of 56 rows ("UNIQUE constraint failed:
    counts_by_cat.fid") and reported success."""
    from qgis.core import QgsVectorLayer
    start, end = period(session)
    wards_bng = wards_of(store_http, borough, "EPSG:27700")
    incidents, _ = load_bbox(session, store_http, wards_bng, start, end)
    polygons = to_geopackage(boundary_layer(patrol_areas(wards_bng, 4), "EPSG:27700", population=False),
                             tmp_path / "patrol_areas.gpkg")
    params = {"INCIDENTS": incidents, "POLYGONS": polygons, "SPLIT_CATEGORY": True}
    memory = run("safestats:countinpolygons", dict(params, OUTPUT="memory:"))["OUTPUT"]
    n = memory.featureCount()
    assert n > 4 * 2  # several rows per polygon
    for out in (tmp_path / "counts_by_cat.gpkg", tmp_path / "counts_by_cat.shp"):
        path = run("safestats:countinpolygons", dict(params, OUTPUT=str(out)))["OUTPUT"]
        written = QgsVectorLayer(path, "out", "ogr")
        assert written.isValid() and written.featureCount() == n, out.suffix
        # the input's feature ids are kept, under a name no writer takes for its own
        assert written.fields().indexOf("source_fid") >= 0
        assert sorted({f["source_fid"] for f in written.getFeatures()}) == [1, 2, 3, 4]
    # and the same for the other algorithms that copy the polygons' fields
    a = (start.isoformat(), (start + timedelta(days=59)).isoformat())
    b = ((start + timedelta(days=60)).isoformat(), end.isoformat())
    path = run("safestats:compareperiods", {"INCIDENTS": incidents, "POLYGONS": polygons, "A_START": a[0],
                                            "A_END": a[1], "B_START": b[0], "B_END": b[1],
                                            "OUTPUT": str(tmp_path / "compare.gpkg")})["OUTPUT"]
    assert QgsVectorLayer(path, "out", "ogr").featureCount() == polygons.featureCount()


def test_a_row_that_cannot_be_written_fails_the_run(signed_provider, session, store_http, borough, monkeypatch):
    from qgis.core import QgsFeatureSink, QgsProcessingException
    from safestats.processing_provider.algorithms import base

    class FullDisk(QgsFeatureSink):
        def __init__(self):
            super().__init__()
            self.rows = 0

        def addFeature(self, feature, flags=None):  # noqa: N802
            self.rows += 1
            return self.rows <= 2

        def addFeatures(self, features, flags=None):  # noqa: N802
            return all(self.addFeature(f) for f in features)

        def lastError(self):  # noqa: N802
            return "No space left on device"

    real = base.SafeStatsAlgorithm.parameterAsSink

    def failing(self, parameters, name, context, fields, wkb, crs):
        sink, dest = real(self, parameters, name, context, fields, wkb, crs)
        failing.keep = (sink, FullDisk())  # keep both alive for the run
        return failing.keep[1], dest

    start, end = period(session, days=30)
    wards_bng = wards_of(store_http, borough, "EPSG:27700")
    incidents, _ = load_bbox(session, store_http, wards_bng, start, end)
    polygons = boundary_layer(wards_bng[:6], "EPSG:27700", population=False)
    monkeypatch.setattr(base.SafeStatsAlgorithm, "parameterAsSink", failing)
    with pytest.raises(QgsProcessingException, match="No space left on device"):
        run("safestats:countinpolygons", {"INCIDENTS": incidents, "POLYGONS": polygons, "OUTPUT": "memory:"})
