"""The store's boroughs and wards as reference layers: context one click away.

``fetch_boundaries`` downloads a boundary collection (``/collections/boroughs|wards/items``, every
page, in EPSG:27700) through the plugin's client into the cache folder, where it is reused until
the cache's retention period removes it (like every other download; sign-out purges it).
``reference_layer`` opens it as an outline-only, labelled, read-only layer; ``add_reference_layers``
puts boroughs and wards at the bottom of a "Boundaries" group under the SafeStats layers, so the data
stays on top. ``start_adding`` does the download in a QgsTask and adds the layers on the main thread.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from qgis.core import (QgsFillSymbol, QgsPalLayerSettings, QgsProject, QgsSingleSymbolRenderer,
                       QgsTextBufferSettings, QgsTextFormat, QgsVectorLayer, QgsVectorLayerSimpleLabeling)
from qgis.PyQt.QtGui import QColor

from . import compat, errors
from .client import GEOJSON_CRS_27700
from .models import BOUNDARY_COLLECTIONS, CRS_27700
from ..governance.i18n import tr

KINDS = ("boroughs", "wards")
GROUP_NAME = "Boundaries"
PROP_REFERENCE = "safestats/reference"  # "boroughs" or "wards" on a reference layer
CACHE_PREFIX = "boundaries_"
PAGE = 1000
#: outline, outline width (mm), label size (pt), largest scale denominator at which labels show
STYLE = {"boroughs": ("60,60,60,255", "0.6", 9.0, 250_000),
         "wards": ("120,120,120,255", "0.2", 7.0, 40_000)}


def title(kind: str) -> str:
    return tr("London boroughs") if kind == "boroughs" else tr("London wards")


def cached_file(cache: Any, kind: str) -> Optional[Path]:
    """The newest cached download of ``kind`` still inside the retention period, if any."""
    now = time.time()
    limit = now - cache.days * 86400
    found = [p for p in cache.files() if p.name.startswith(CACHE_PREFIX + kind + "-") and p.suffix == ".geojson"
             and p.stat().st_mtime >= limit]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def fetch_boundaries(client: Any, cache: Any, kind: str, feedback: Any = None) -> Path:
    """Every feature of the ``kind`` collection in EPSG:27700, as one GeoJSON file in the cache."""
    if kind not in BOUNDARY_COLLECTIONS:
        raise ValueError(f"kind must be one of {BOUNDARY_COLLECTIONS}")
    cached = cached_file(cache, kind)
    if cached is not None:
        return cached
    features: list[dict] = []
    offset = 0
    while True:
        if feedback is not None and feedback.isCanceled():
            raise errors.LoadCancelled()
        page = client.get_json(f"/collections/{kind}/items", {"limit": PAGE, "offset": offset, "crs": CRS_27700},
                               feedback)
        if not isinstance(page, dict) or not isinstance(page.get("features"), list):
            raise errors.InvalidResponse(detail=f"{kind}: the answer is not a FeatureCollection")
        feats = page["features"]
        features.extend(feats)
        offset += len(feats)
        if not feats or not any(link.get("rel") == "next" for link in page.get("links", [])):
            break
    if not features:
        raise errors.InvalidResponse(detail=f"the store has no {kind}")
    path = cache.new_path(CACHE_PREFIX + kind, ".geojson")
    part = path.with_name(path.name + ".part")
    # a named CRS member so GDAL reads EPSG:27700 (RFC 7946 GeoJSON would be WGS 84)
    part.write_text(json.dumps({"type": "FeatureCollection",
                                "crs": GEOJSON_CRS_27700,
                                "features": features}), encoding="utf-8")
    part.replace(path)
    return path


def style_reference(layer: QgsVectorLayer, kind: str) -> None:
    """Outline only (no fill hides the data underneath), names labelled from a sensible scale."""
    colour, width, size, max_scale = STYLE[kind]
    symbol = QgsFillSymbol.createSimple({"style": "no", "outline_color": colour, "outline_width": width})
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    labels = QgsPalLayerSettings()
    labels.fieldName = "name"
    fmt = QgsTextFormat()
    fmt.setSize(size)
    fmt.setColor(QColor(40, 40, 40))
    buffer = QgsTextBufferSettings()
    buffer.setEnabled(True)
    buffer.setSize(0.8)
    buffer.setColor(QColor(255, 255, 255, 220))
    fmt.setBuffer(buffer)
    labels.setFormat(fmt)
    labels.scaleVisibility = True
    labels.maximumScale = 0  # no lower bound: labels show however far you zoom in
    labels.minimumScale = max_scale
    layer.setLabeling(QgsVectorLayerSimpleLabeling(labels))
    layer.setLabelsEnabled(True)


def reference_layer(path: Path, kind: str, attribution: str = "") -> QgsVectorLayer:
    layer = QgsVectorLayer(str(path), title(kind), "ogr")
    if not layer.isValid():
        raise errors.DownloadIncomplete(detail=str(path))
    layer.setReadOnly(True)
    layer.setCustomProperty(PROP_REFERENCE, kind)
    style_reference(layer, kind)
    if attribution:
        compat.set_layer_attribution(layer, attribution)
    return layer


def reference_layers(project: Optional[QgsProject] = None) -> dict[str, QgsVectorLayer]:
    project = project or QgsProject.instance()
    return {str(l.customProperty(PROP_REFERENCE)): l for l in project.mapLayers().values()
            if l.customProperty(PROP_REFERENCE, None) in KINDS}


def add_reference_layers(paths: dict[str, Path], project: Optional[QgsProject] = None,
                         attributions: Optional[dict[str, str]] = None) -> list[QgsVectorLayer]:
    """Add (or keep) the boundary layers at the bottom of the layer tree, wards above boroughs."""
    project = project or QgsProject.instance()
    existing = reference_layers(project)
    root = project.layerTreeRoot()
    group = root.findGroup(tr(GROUP_NAME))
    if group is None:
        group = root.addGroup(tr(GROUP_NAME))
    out = []
    for kind in KINDS:
        if kind not in paths:
            continue
        layer = existing.get(kind)
        if layer is None:
            layer = reference_layer(paths[kind], kind, (attributions or {}).get(kind, ""))
            project.addMapLayer(layer, False)
            group.insertLayer(0 if kind == "wards" else len(group.children()), layer)
        elif not is_filled(layer):  # released at a sign-out (or its file purged): the new file, same style
            layer.setDataSource(str(paths[kind]), layer.name(), "ogr")
            style_reference(layer, kind)
        out.append(layer)
    return out


def is_filled(layer: QgsVectorLayer) -> bool:
    """Does the reference layer read a file that is still there?"""
    if layer.providerType() != "ogr" or not layer.isValid():
        return False
    return Path(layer.source().split("|")[0]).is_file()


def release(project: Optional[QgsProject] = None) -> None:
    """Sign-out: the reference layers let go of their cached files (which the sign-out purges) and
    stay in the project, empty, in place and styled, until boundaries are next added or a first
    load after sign-in refills them."""
    for layer in reference_layers(project).values():
        if layer.providerType() != "memory":
            layer.setDataSource("Polygon?crs=EPSG:27700", layer.name(), "memory")


def fetch_all(session: Any, kinds: Iterable[str] = KINDS, feedback: Any = None) -> dict[str, Any]:
    """Blocking: the cached files and the collections' attributions (any thread)."""
    paths, attributions = {}, {}
    for kind in kinds:
        paths[kind] = fetch_boundaries(session.client, session.cache, kind, feedback)
        try:
            attributions[kind] = session.client.collection(kind).attribution or ""
        except errors.SafeStatsError:
            attributions[kind] = ""
    return {"paths": paths, "attributions": attributions}


def start_adding(session: Any, done: Callable[[list, Optional[BaseException]], None],
                 project: Optional[QgsProject] = None, kinds: Iterable[str] = KINDS) -> Any:
    """Download in a QgsTask; add the layers on the main thread; ``done(layers, error)``."""
    from .tasks import run_task
    wanted = tuple(kinds)

    def finished(result: Any, error: Optional[BaseException]) -> None:
        if error is not None:
            done([], error)
            return
        try:
            added = add_reference_layers(result["paths"], project, result["attributions"])
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's one error place
            done([], exc)
            return
        done(added, None)

    return run_task(tr("SafeStats: borough and ward boundaries"), lambda feedback: fetch_all(session, wanted, feedback),
                    finished)


def context_on_first_load(canvas: Any, session: Any, layer: QgsVectorLayer,
                          project: Optional[QgsProject] = None) -> Optional[Any]:
    """The first SafeStats layer of a project: zoom the map to it and add the borough and ward
    outlines beneath it (no white canvas with coloured dots). Later loads change neither."""
    project = project or QgsProject.instance()
    from .layers import safestats_layers
    if [l for l in safestats_layers(project) if l.id() != layer.id()]:
        return None
    if canvas is not None and not layer.extent().isEmpty():
        from qgis.core import QgsCoordinateTransform
        extent = QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(), project) \
            .transformBoundingBox(layer.extent()) if canvas.mapSettings().destinationCrs() != layer.crs() \
            else layer.extent()
        extent.scale(1.05)
        canvas.setExtent(extent)
        canvas.refresh()
    existing = reference_layers(project)
    if (existing and all(is_filled(l) for l in existing.values())) or session is None \
            or not getattr(session, "is_signed_in", False):
        return None

    def done(_added: list, error: Optional[BaseException]) -> None:
        if error is not None:  # context is a nicety: the data is loaded; say why it is missing in the log
            from .http import log
            log(f"the borough and ward outlines were not added: {type(error).__name__}: {error}")

    return start_adding(session, done, project)
