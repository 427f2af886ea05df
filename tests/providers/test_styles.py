"""Style presets: renderer types, stable colours across datasets and sessions, user presets."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from qgis.core import (QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer)


def _points(field: str, values: list, name: str = "pts") -> QgsVectorLayer:
    layer = QgsVectorLayer(f"Point?crs=EPSG:27700&field={field}:string", name, "memory")
    feats = []
    for i, value in enumerate(values):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(530000 + i * 37, 180000 + (i * 53) % 900)))
        f[field] = value
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    layer.updateExtents()
    return layer


def _colours(layer: QgsVectorLayer) -> dict:
    return {c.value(): c.symbol().color().name() for c in layer.renderer().categories()}


def test_builtin_qml_files_exist(qgis_app: Any) -> None:
    from safestats.providers import styles as presets

    for preset in presets.builtin_presets():
        assert preset.qml is not None and preset.qml.is_file(), preset.id


def test_categorised_has_stable_colours_across_datasets(qgis_app: Any) -> None:
    from safestats.providers import styles as presets

    mps = _points("crime_type", ["Burglary", "Robbery", "Drugs", "Shoplifting"], "mps")
    btp = _points("crime_type", ["Robbery", "Public order", "Drugs"], "btp")
    las = _points("incident_type", ["Assault", "Self harm"], "las")
    tfl = _points("incident_event_type", ["Assault", "Slip Trip Fall", "Brand new category"], "tfl")
    assert presets.apply_preset(mps, presets.CATEGORISED, category_field="crime_type",
                                categories=["Burglary", "Robbery", "Drugs", "Shoplifting"])
    assert presets.apply_preset(btp, presets.CATEGORISED, category_field="crime_type",
                                categories=["Robbery", "Public order", "Drugs"])
    assert presets.apply_preset(las, presets.CATEGORISED, category_field="incident_type",
                                categories=["Assault", "Self harm"])
    assert presets.apply_preset(tfl, presets.CATEGORISED, category_field="incident_event_type",
                                categories=["Assault", "Slip Trip Fall", "Brand new category"])
    for layer in (mps, btp, las, tfl):
        assert layer.renderer().type() == "categorizedSymbol"
        assert presets.current_preset(layer) == presets.CATEGORISED
    a, b, c, d = _colours(mps), _colours(btp), _colours(las), _colours(tfl)
    assert a["Robbery"] == b["Robbery"] and a["Drugs"] == b["Drugs"]
    assert c["Assault"] == d["Assault"]
    assert a["Burglary"] == presets.KNOWN_COLOURS["burglary"]
    # different categories of one dataset are told apart
    assert len({a[k] for k in ("Burglary", "Robbery", "Drugs", "Shoplifting")}) == 4
    # the catch-all class exists
    assert "" in a


def test_colours_do_not_depend_on_the_process() -> None:
    """Python's hash() is salted per process; the palette must not be."""
    root = Path(__file__).resolve().parents[2]
    code = ("import sys, tempfile, pathlib; d = pathlib.Path(tempfile.mkdtemp());"
            "(d / 'safestats').symlink_to({root!r}); sys.path.insert(0, str(d));"
            "from safestats.providers.styles import stable_colour;"
            "print(','.join(stable_colour(t).name() for t in ['Brand new category', 'Zebra crossing', 'X']))")
    outputs = set()
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code.format(root=str(root))],
                             capture_output=True, text=True, env={"PYTHONHASHSEED": seed, "QT_QPA_PLATFORM": "offscreen"},
                             timeout=120)
        assert out.returncode == 0, out.stderr
        outputs.add(out.stdout.strip().splitlines()[-1])
    assert len(outputs) == 1


def test_stable_colour_normalises_text(qgis_app: Any) -> None:
    from safestats.providers.styles import stable_colour

    assert stable_colour("Vehicle crime").name() == stable_colour("  vehicle   CRIME ").name()
    assert stable_colour(None).name() == stable_colour("").name()


def test_heatmap_and_hexagons(qgis_app: Any) -> None:
    from qgis.core import QgsProject

    from safestats.providers import compat, hexbin
    from safestats.providers import styles as presets

    layer = _points("crime_type", ["Drugs"] * 50)
    assert presets.apply_preset(layer, presets.HEATMAP)
    assert layer.renderer().type() == "heatmapRenderer"
    assert presets.apply_preset(layer, presets.HEXAGONS)
    # real binning: a polygon layer of hexagon cells with a count field, graduated (tests/providers/test_hexbin.py)
    cells = hexbin.find_layer(layer, QgsProject.instance())
    assert cells is not None and cells.geometryType() == compat.POLYGON_GEOMETRY
    assert cells.fields().indexOf("count") >= 0 and cells.renderer().type() == "graduatedSymbol"
    assert cells.featureCount() >= 1
    # switch back later: categorised again, the cells go
    assert presets.apply_preset(layer, presets.CATEGORISED, category_field="crime_type", categories=["Drugs"])
    assert layer.renderer().type() == "categorizedSymbol"
    assert hexbin.find_layer(layer, QgsProject.instance()) is None


def test_heatmap_has_a_colour_ramp_legend(qgis_app: Any) -> None:
    """The Heatmap preset shows its colour ramp in the Layers panel and printed legends (QGIS 3.22
    draws no legend for a heatmap by itself); after another preset the legend is that preset's."""
    from qgis.core import QgsColorRampLegendNode, QgsLayerTree, QgsLayerTreeModel, QgsProject

    from safestats.providers import styles as presets

    layer = _points("crime_type", ["Drugs"] * 20 + ["Burglary"] * 5)
    project = QgsProject()
    project.addMapLayer(layer, False)
    root = QgsLayerTree()
    node = root.addLayer(layer)
    model = QgsLayerTreeModel(root)
    assert presets.apply_preset(layer, presets.HEATMAP)
    model.refreshLayerLegend(node)
    nodes = model.layerLegendNodes(node, True)
    assert len(nodes) == 1 and isinstance(nodes[0], QgsColorRampLegendNode)
    assert nodes[0].ramp().color1() == presets.heatmap_ramp().color1()
    assert presets.apply_preset(layer, presets.CATEGORISED, category_field="crime_type",
                                categories=["Burglary", "Drugs"])
    model.refreshLayerLegend(node)
    nodes = model.layerLegendNodes(node, True)
    assert not [n for n in nodes if isinstance(n, QgsColorRampLegendNode)]
    assert {"Burglary", "Drugs"} <= {n.data(0) for n in nodes}


def test_choropleth_on_aggregates_with_suppressed(qgis_app: Any) -> None:
    from safestats.providers import styles as presets

    layer = QgsVectorLayer("Polygon?crs=EPSG:27700&field=code:string&field=count:integer&field=suppressed:boolean",
                           "agg", "memory")
    feats = []
    for i, count in enumerate([None, 5, 10, 35, 80, 150, 400, 20, None, 60]):
        f = QgsFeature(layer.fields())
        x = 530000 + i * 1000
        f.setGeometry(QgsGeometry.fromRect(__import__("qgis.core", fromlist=["QgsRectangle"]).QgsRectangle(
            x, 180000, x + 900, 180900)))
        f["code"] = f"E0500000{i}"
        f["count"] = count
        f["suppressed"] = count is None
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    assert not presets.apply_preset(layer, presets.HEATMAP)  # points-only preset refused on polygons
    assert presets.apply_preset(layer, presets.CHOROPLETH)
    renderer = layer.renderer()
    assert renderer.type() == "graduatedSymbol"
    assert renderer.classAttribute() == presets.CHOROPLETH_EXPRESSION
    ranges = renderer.ranges()
    assert "Suppressed" in ranges[0].label()
    assert ranges[-1].upperValue() >= 400
    assert len(ranges) >= 4


def test_user_preset_saved_in_profile_and_listed(qgis_app: Any, tmp_path: Path) -> None:
    from qgis.core import QgsApplication

    from safestats.providers import styles as presets

    layer = _points("crime_type", ["Drugs", "Robbery"])
    presets.apply_preset(layer, presets.HEATMAP)
    path = presets.save_user_preset(layer, "My heat map!", "mps_crime")
    try:
        assert path.is_file()
        assert Path(QgsApplication.qgisSettingsDirPath()) in path.parents
        plugin_dir = Path(presets.__file__).resolve().parent.parent
        assert plugin_dir not in path.parents
        listed = presets.presets_for("records", "mps_crime")
        user = [p for p in listed if not p.builtin]
        assert [p.title for p in user] == ["My_heat_map"]
        assert not [p for p in presets.presets_for("records", "btp_crime") if not p.builtin]
        other = _points("crime_type", ["Drugs"])
        assert presets.apply_preset(other, user[0].id, dataset_id="mps_crime")
        assert other.renderer().type() == "heatmapRenderer"
        assert presets.current_preset(other) == user[0].id
    finally:
        path.unlink(missing_ok=True)


def test_presets_for_access() -> None:
    from safestats.providers import styles as presets

    records = {p.id for p in presets.presets_for("records", None) if p.builtin}
    aggregate = {p.id for p in presets.presets_for("aggregate", None) if p.builtin}
    assert records == {presets.CATEGORISED, presets.HEATMAP, presets.HEXAGONS}
    assert aggregate == {presets.CHOROPLETH}


# ---------------------------------------------------------------- time stays on (issue 13)

def _timed_points(as_text: bool = False) -> QgsVectorLayer:
    """Points with a category and an incident time, 10 a week for 4 weeks from 2025-01-06."""
    from datetime import datetime, timedelta
    from qgis.core import QgsField
    from qgis.PyQt.QtCore import QDateTime, QVariant
    layer = QgsVectorLayer("Point?crs=EPSG:27700", "timed", "memory")
    layer.dataProvider().addAttributes([QgsField("crime_type", QVariant.String),
                                        QgsField("occurred_at", QVariant.String if as_text else QVariant.DateTime)])
    layer.updateFields()
    feats = []
    for i in range(40):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(530000 + i * 37, 180000 + (i * 53) % 900)))
        when = datetime(2025, 1, 6, 12) + timedelta(days=7 * (i // 10), hours=i % 10)
        f.setAttributes(["Drugs" if i % 2 else "Burglary",
                         when.isoformat() if as_text else QDateTime(when)])
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    layer.updateExtents()
    return layer


def _visible_in_week(layer: QgsVectorLayer, week: int) -> int:
    """Features drawn with the Temporal Controller on ``week`` (0-based): the filter QGIS's vector
    renderer takes from the layer's temporal properties for the map settings' range (none when the
    layer is not time-aware, so every feature is drawn)."""
    from qgis.core import (QgsDateTimeRange, QgsExpressionContext, QgsExpressionContextUtils, QgsFeatureRequest,
                           QgsMapSettings, QgsVectorLayerTemporalContext)
    from qgis.PyQt.QtCore import QDate, QDateTime, QTime
    start = QDateTime(QDate(2025, 1, 6).addDays(7 * week), QTime(0, 0))
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setExtent(layer.extent())
    settings.setIsTemporal(True)
    settings.setTemporalRange(QgsDateTimeRange(start, start.addDays(7), True, False))
    props = layer.temporalProperties()
    if props.isActive() and not props.isVisibleInTemporalRange(settings.temporalRange()):
        return 0
    temporal_context = QgsVectorLayerTemporalContext()
    temporal_context.setLayer(layer)
    expression = props.createFilterString(temporal_context, settings.temporalRange()) if props.isActive() else ""
    request = QgsFeatureRequest()
    if expression:
        context = QgsExpressionContext()
        context.appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
        request.setFilterExpression(expression)
        request.setExpressionContext(context)
    return sum(1 for _ in layer.getFeatures(request))


@pytest.mark.parametrize("as_text", [False, True], ids=["datetime", "text"])
def test_every_preset_keeps_the_layer_time_aware(qgis_app: Any, tmp_path: Path, as_text: bool) -> None:
    """Issue 13: the Heatmap and Hexagon presets turned temporal properties off; stepping week by
    week then showed every record."""
    from qgis.core import QgsMapLayer
    from safestats.providers.layers import set_temporal
    from safestats.providers import styles as presets

    layer = _timed_points(as_text)
    set_temporal(layer, "occurred_at")
    before = layer.temporalProperties()
    mode, start_field, start_expr = before.mode(), before.startField(), before.startExpression()
    assert before.isActive() and _visible_in_week(layer, 1) == 10

    # a user preset saved from another (untimed) layer with every style category
    other = _points("crime_type", ["Drugs"] * 3)
    user_qml = tmp_path / "everything.qml"
    other.saveNamedStyle(str(user_qml), QgsMapLayer.StyleCategory.AllStyleCategories)
    folder = presets.user_styles_dir("_all")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "everything.qml").write_bytes(user_qml.read_bytes())
    user_ids = [p.id for p in presets.user_presets(None)]
    assert user_ids

    for preset_id in [presets.HEATMAP, presets.HEXAGONS, presets.CATEGORISED, *user_ids,
                      presets.HEATMAP, presets.CATEGORISED]:
        assert presets.apply_preset(layer, preset_id, category_field="crime_type",
                                    categories=["Burglary", "Drugs"]), preset_id
        props = layer.temporalProperties()
        assert props.isActive(), preset_id
        assert (props.mode(), props.startField(), props.startExpression()) == (mode, start_field, start_expr), \
            preset_id
        assert [_visible_in_week(layer, w) for w in range(5)] == [10, 10, 10, 10, 0], preset_id


def test_categorised_legend_lists_what_was_loaded(qgis_app: Any) -> None:
    """Issue 13: the categorised legend listed all of the dataset's categories when one was loaded."""
    from safestats.providers import layers
    from safestats.providers.models import CollectionInfo, Query
    from safestats.providers import styles as presets

    info = CollectionInfo.from_json({
        "id": "mps_crime", "title": "Metropolitan Police recorded crime",
        "safestats": {"category_field": "crime_type",
                      "fields": [{"name": "crime_type", "type": "string",
                                  "categories": ["Burglary", "Drugs", "Robbery", "Shoplifting"]}]}})
    assert info.category_field == "crime_type" and len(info.field("crime_type").categories) == 4
    layer = _points("crime_type", ["Drugs"] * 5)
    layer.setCustomProperty(layers.PROP_QUERY, Query("mps_crime", categories={"crime_type": ("Drugs",)}).to_json())
    assert presets.apply_dataset_preset(layer, presets.CATEGORISED, info)
    assert [c for c in _colours(layer) if c] == ["Drugs"]
    # unfiltered: every category the dataset lists, so colours and legend stay the same across loads
    other = _points("crime_type", ["Drugs"] * 5)
    other.setCustomProperty(layers.PROP_QUERY, Query("mps_crime").to_json())
    assert presets.apply_dataset_preset(other, presets.CATEGORISED, info)
    assert [c for c in _colours(other) if c] == ["Burglary", "Drugs", "Robbery", "Shoplifting"]
