"""Real hexagon binning (issue 13): the Hexagon preset bins the loaded points into the store's
hexagons, counts below the small-number threshold are withheld (NULL, "Fewer than N"), and the
legend lists count classes that never show a number below the threshold."""
import re
from datetime import datetime, timedelta

from pathlib import Path

import numpy as np
from shapely import wkt as shapely_wkt
from shapely.geometry import Point
from shapely.prepared import prep

from safestats.providers import hexbin
from safestats.providers import styles as presets
from safestats.providers.models import Query

from conftest import wait_for_task
import test_load

THRESHOLD = 5
loader = test_load.loader  # the one loader fixture


def _load(loader, dataset="mps_crime", days=45):
    info = loader.session.client.collection(dataset)
    end = datetime.fromisoformat(info.temporal_end.replace("Z", "+00:00"))
    query = Query(dataset, start=end - timedelta(days=days), end=end)
    got = []
    task = loader.load(query, info)
    task.loaded.connect(got.append)
    wait_for_task(task)
    assert len(got) == 1
    return got[0], query


def _legend_labels(layer):
    from qgis.core import QgsLayerTree, QgsLayerTreeModel
    root = QgsLayerTree()
    node = root.addLayer(layer)
    model = QgsLayerTreeModel(root)
    model.refreshLayerLegend(node)
    return [n.data(0) for n in model.layerLegendNodes(node, True)]


def test_hexagon_cells_are_the_stores_with_true_counts(loader, store_http):
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject

    points, query = _load(loader)
    n = points.featureCount()
    assert n > 50
    assert presets.apply_preset(points, presets.HEXAGONS)
    project = QgsProject.instance()
    cells = hexbin.find_layer(points, project)
    assert cells is not None and project.mapLayer(cells.id()) is cells
    size = int(cells.customProperty(hexbin.PROP_SIZE))
    assert size in hexbin.HEX_SIZES and f"{size} m" in cells.name() and "loaded period" in cells.name()
    # the points stay in the project, hidden, below the cells
    tree = project.layerTreeRoot()
    assert not tree.findLayer(points.id()).itemVisibilityChecked()
    assert tree.findLayer(cells.id()).itemVisibilityChecked()
    assert presets.current_preset(points) == presets.HEXAGONS

    # truth: shapely point-in-polygon of every loaded point against every cell
    xform = QgsCoordinateTransform(points.crs(), QgsCoordinateReferenceSystem("EPSG:27700"),
                                   project.transformContext())
    xy = []
    for f in points.getFeatures():
        p = xform.transform(f.geometry().asPoint())
        xy.append((p.x(), p.y()))
    arr = np.array(xy)
    seen, hidden, shown = 0, 0, 0
    plugin_cells = {}
    for f in cells.getFeatures():
        polygon = shapely_wkt.loads(f.geometry().asWkt())
        minx, miny, maxx, maxy = polygon.bounds
        near = arr[(arr[:, 0] >= minx) & (arr[:, 0] <= maxx) & (arr[:, 1] >= miny) & (arr[:, 1] <= maxy)]
        inside = prep(polygon)
        truth = sum(1 for x, y in near if inside.contains(Point(x, y)))
        assert truth >= 1  # only occupied cells are written
        seen += truth
        count = f["count"]
        if truth < THRESHOLD:
            hidden += 1
            assert count is None or (hasattr(count, "isNull") and count.isNull()), (truth, count)
            assert f["label"] == f"Fewer than {THRESHOLD}"
            plugin_cells[f"hex:{f['q']}:{f['r']}"] = None
        else:
            shown += 1
            assert int(count) == truth and f["label"] == str(truth)
            plugin_cells[f"hex:{f['q']}:{f['r']}"] = truth
    assert seen == n  # every point is in exactly one cell
    assert hidden and shown  # the data exercise both branches

    # the store's hexagons for the same query coincide cell for cell, with the same published counts
    params = {**query.to_params(), "by": "hex", "size": str(size), "limit": "10000"}
    store = store_http.get("mopac", "/collections/mps_crime/aggregates", params)
    assert store["suppression"]["threshold"] == THRESHOLD
    assert {f["id"]: f["properties"]["count"] for f in store["features"]} == plugin_cells


def test_hexagon_legend_says_fewer_than_and_never_a_small_number(loader):
    from qgis.core import QgsProject

    points, _query = _load(loader)
    assert presets.apply_preset(points, presets.HEXAGONS)
    cells = hexbin.find_layer(points, QgsProject.instance())
    assert cells.renderer().type() == "graduatedSymbol"
    labels = _legend_labels(cells)
    assert len(labels) >= 2 and labels[0] == f"Fewer than {THRESHOLD}"
    numbers = [int(x.replace(",", "")) for label in labels[1:] for x in re.findall(r"[\d,]+", label)]
    assert numbers and min(numbers) >= THRESHOLD
    # every cell falls in a legend class: withheld ones in "Fewer than", the rest in a count class
    renderer = cells.renderer()
    for f in cells.getFeatures():
        value = -1 if f["label"].startswith("Fewer") else int(f["count"])
        assert renderer.rangeForValue(value) is not None, value
    # another preset: the cells go and the points show again
    assert presets.apply_preset(points, presets.HEATMAP)
    assert hexbin.find_layer(points, QgsProject.instance()) is None
    assert QgsProject.instance().layerTreeRoot().findLayer(points.id()).itemVisibilityChecked()


def test_hexagon_renderer_drops_classes_below_the_threshold(qgis_app):
    from safestats.providers import styles as presets

    renderer = presets.build_hexbin_renderer([2, 4, 9, 30, 120], 5)
    labels = [r.label() for r in renderer.ranges()]
    assert labels == ["Fewer than 5", "5 – 9", "10 – 30", "31 – 120"]
    assert renderer.rangeForValue(10).label() == "10 – 30" and renderer.rangeForValue(9).label() == "5 – 9"
    assert renderer.rangeForValue(-1).label() == "Fewer than 5"


def test_hexagon_sizes_are_the_stores():
    source = (Path(__file__).resolve().parents[2] / "store" / "safestats_store" / "closed_table.py").read_text()
    sizes = re.search(r"^HEX_SIZES = \(([\d, ]+)\)", source, re.M).group(1)
    assert hexbin.HEX_SIZES == tuple(int(x) for x in sizes.split(","))
    assert hexbin.choose_size(8000) == 500 and hexbin.choose_size(50000) == 1000
    assert hexbin.choose_size(200000) == 2000
