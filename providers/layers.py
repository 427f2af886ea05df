"""SafeStats layers in a QGIS project: open, describe, refresh, and keep data out of projects.

A SafeStats layer is an OGR layer on a FlatGeobuf file in the profile's cache, in the
"SafeStats" layer group, carrying:

* custom properties ``safestats/*`` — the query (JSON), dataset, store URL, purpose, time of
  extraction, row count and protective marking — so Refresh can run the query again;
* QGIS layer metadata (dataset, agency, filter, extraction time, purpose, licence,
  attribution, protective marking) and the attribution text;
* temporal properties from ``occurred_at`` so the Temporal Controller animates it.

Projects store the query, never the data. ``ProjectGuard`` rewrites every SafeStats layer in
the project XML being written (``QgsProject.writeMapLayer`` for the layer element and
``writeProject`` for the layer tree; both cover .qgs and .qgz) as an empty in-memory layer of
the same fields, so neither the cache path nor any record is saved. The live layer is not
touched.
When a project is read, its SafeStats layers (empty placeholders, or real files written by
something else) are switched to placeholders and marked *pending*; after sign-in they are
re-fetched with the stored query. On sign-out, loaded layers become placeholders too.
"""
from __future__ import annotations

from datetime import datetime, timezone
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

from qgis.core import (Qgis, QgsAbstractMetadataBase, QgsCoordinateReferenceSystem, QgsDataProvider, QgsDateTimeRange,
                       QgsLayerMetadata, QgsMapLayer, QgsMemoryProviderUtils,
                       QgsProject, QgsReadWriteContext, QgsVectorLayer, QgsVectorLayerTemporalProperties,
                       QgsWkbTypes)
from qgis.PyQt.QtCore import QDateTime, QObject, Qt, pyqtSignal
from qgis.PyQt.QtXml import QDomDocument

from ..governance import marking as gov_marking
from ..governance.keys import (PROP_DATASET, PROP_EXTRACTED,
                               PROP_PURPOSE, PROP_QUERY, PROP_ROWS, PROP_STATE, PROP_STORE, PROP_TITLE, PROP_USER,
                               is_safestats_layer)
from . import errors
from .http import log
from .models import AnyQuery, BoundaryArea, CollectionInfo, Query, query_from_json
from ..governance.i18n import tr

GROUP_NAME = "SafeStats"
STATE_LOADED = "loaded"
STATE_PENDING = "pending"
CRS = "EPSG:27700"


# ------------------------------------------------------------------ queries


def safestats_layers(project: Optional[QgsProject] = None) -> list[QgsVectorLayer]:
    project = project or QgsProject.instance()
    return [lyr for lyr in project.mapLayers().values()
            if isinstance(lyr, QgsVectorLayer) and is_safestats_layer(lyr)]


def query_of(layer: QgsMapLayer) -> AnyQuery:
    text = layer.customProperty(PROP_QUERY, "")
    if not text:
        raise errors.SafeStatsError(tr("This layer was not loaded from SafeStats, so it cannot be refreshed."))
    try:
        return query_from_json(str(text))
    except (ValueError, KeyError, TypeError) as exc:
        raise errors.SafeStatsError(tr("The SafeStats query stored in this layer cannot be read. Load the "
                                       "data again from the SafeStats panel."), detail=str(exc)) from exc


def is_pending(layer: QgsMapLayer) -> bool:
    return layer.customProperty(PROP_STATE, "") == STATE_PENDING


def store_of(layer: QgsMapLayer) -> str:
    return str(layer.customProperty(PROP_STORE, "") or "")


# ------------------------------------------------------------------ opening / describing


def open_fgb(path: str, name: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(path, name, "ogr")
    if not layer.isValid():
        raise errors.DownloadIncomplete(tr("The downloaded file could not be opened. Try loading again."),
                                        detail=path)
    return layer


def describe_layer(layer: QgsVectorLayer, info: CollectionInfo, query: Query, *, store_url: str,
                   purpose: str, user: str, extracted_at: datetime, rows: Optional[int],
                   purpose_label: str = "") -> None:
    """Custom properties, metadata, attribution, marking and temporal settings."""
    layer.setCustomProperty(PROP_QUERY, query.to_json())
    layer.setCustomProperty(PROP_DATASET, info.id)
    layer.setCustomProperty(PROP_TITLE, info.title)
    layer.setCustomProperty(PROP_STORE, store_url)
    layer.setCustomProperty(PROP_PURPOSE, purpose)
    layer.setCustomProperty(PROP_USER, user)
    layer.setCustomProperty(PROP_EXTRACTED, extracted_at.astimezone(timezone.utc).isoformat(timespec="seconds"))
    layer.setCustomProperty(PROP_ROWS, int(rows if rows is not None else layer.featureCount()))
    layer.setCustomProperty(PROP_STATE, STATE_LOADED)
    gov_marking.set_layer_marking(layer, info.protective_marking or gov_marking.DEFAULT_MARKING)
    layer.setMetadata(build_metadata(layer, info, query, store_url=store_url, purpose=purpose_label or purpose,
                                     user=user, extracted_at=extracted_at))
    if hasattr(layer, "setAttribution"):
        layer.setAttribution(info.attribution or f"Source: {info.agency}, via GLA SafeStats")
    set_temporal(layer, info.time_field or "occurred_at")
    layer.setReadOnly(True)


# ------------------------------------------------------------------ names that say what is in them

NAME_SEPARATOR = " · "
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(d: datetime) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def period_text(info: Optional[CollectionInfo], query: Query) -> str:
    """The period a load covers, in words: "1 Mar 2025 – 31 Aug 2025" (or all available dates)."""
    if query.start and query.end:
        return f"{_day(query.start)} – {_day(query.end)}"
    if query.start:
        return f"from {_day(query.start)}"
    if query.end:
        return f"to {_day(query.end)}"
    start = (info.temporal_start or "")[:10] if info is not None else ""
    end = (info.temporal_end or "")[:10] if info is not None else ""
    return f"all available dates ({start} to {end})" if start or end else "all available dates"


def area_text(query: Query) -> str:
    """The area a load covers: the picked boroughs/wards, drawn area or extent, else all of London
    the agreement allows."""
    area = query.area
    if area is None:
        return "all of London the agreement allows"
    label = getattr(area, "label", "") or ""
    if not label and isinstance(area, BoundaryArea):
        codes = (*area.boroughs, *area.wards)
        label = ", ".join(codes[:3]) + (f" and {len(codes) - 3} more" if len(codes) > 3 else "")
    return label or "selected area"


def key_filter_text(query: Query) -> str:
    """The filter that matters most for a name: the categories (one to three named, else how many),
    then days and hours."""
    parts = []
    for values in query.categories.values():
        values = tuple(values)
        if values:
            parts.append(", ".join(values) if len(values) <= 3 else f"{len(values)} categories")
    if query.dow:
        names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        parts.append(",".join(names[d - 1] for d in query.dow))
    if query.hours:
        hours = sorted(query.hours)
        parts.append(f"{hours[0]:02d}–{hours[-1] + 1:02d}h" if hours == list(range(hours[0], hours[-1] + 1))
                     else f"{len(hours)} hours")
    return "; ".join(parts)


def layer_title(info: Optional[CollectionInfo], query: Query) -> str:
    """A layer name that says what is in it: dataset · period · area · key filter (when any), so
    two loads of one dataset never share a name in the Layers panel."""
    title = info.title if info is not None else query.dataset_id
    parts = [title, period_text(info, query) if (query.start or query.end) else "all dates"]
    parts.append(area_text(query) if query.area is not None else "London")
    key = key_filter_text(query)
    if key:
        parts.append(key)
    return NAME_SEPARATOR.join(parts)


def build_metadata(layer: QgsVectorLayer, info: CollectionInfo, query: Query, *, store_url: str,
                   purpose: str, user: str, extracted_at: datetime) -> QgsLayerMetadata:
    md = QgsLayerMetadata()
    stamp = extracted_at.astimezone(timezone.utc).isoformat(timespec="seconds")
    marking = gov_marking.normalise(info.protective_marking) or gov_marking.DEFAULT_MARKING
    md.setIdentifier(f"safestats:{info.id}")
    md.setParentIdentifier(store_url)
    md.setTitle(info.title)
    md.setType("dataset")
    md.setLanguage("en-GB")
    md.setAbstract(
        f"{info.description}\n\nAgency: {info.agency}\nPeriod: {period_text(info, query)}\n"
        f"Area: {area_text(query)}\nFilter: {query.describe()}\n"
        f"Extracted: {stamp} by {user} from {store_url}\nPurpose: {purpose}\n"
        f"Protective marking: {marking}\nLicence: {info.licence}\nAttribution: {info.attribution}")
    md.setKeywords({"SafeStats": ["SafeStats", info.id, info.agency, marking]})
    md.setRights([marking, info.licence, f"Purpose: {purpose}",
                  "For prevention and reduction of crime and disorder only; not for enforcement or prosecution."])
    if info.licence:
        md.setLicenses([info.licence])
    md.setHistory([f"{stamp}: extracted by {user} from {store_url} for {purpose}; filter: {query.describe()}"])
    md.setCrs(QgsCoordinateReferenceSystem(CRS))
    contact = QgsAbstractMetadataBase.Contact(info.agency)
    contact.organization = info.agency
    contact.role = "originator"
    md.addContact(contact)
    extent = QgsLayerMetadata.Extent()
    start = query.start.isoformat() if query.start else info.temporal_start
    end = query.end.isoformat() if query.end else info.temporal_end
    qs = QDateTime.fromString(start, Qt.DateFormat.ISODate) if start else QDateTime()
    qe = QDateTime.fromString(end, Qt.DateFormat.ISODate) if end else QDateTime()
    extent.setTemporalExtents([QgsDateTimeRange(qs, qe)])
    md.setExtent(extent)
    return md


def set_temporal(layer: QgsVectorLayer, field: str = "occurred_at") -> None:
    """Make the Temporal Controller animate the layer by its incident time."""
    idx = layer.fields().indexOf(field)
    if idx < 0:
        return
    props: QgsVectorLayerTemporalProperties = layer.temporalProperties()
    ftype = layer.fields().at(idx).type()
    from qgis.PyQt.QtCore import QVariant
    if ftype in (QVariant.DateTime, QVariant.Date):
        props.setMode(_temporal_mode("FeatureDateTimeInstantFromField"))
        props.setStartField(field)
    else:  # a text timestamp: convert with an expression
        props.setMode(_temporal_mode("FeatureDateTimeStartAndEndFromExpressions"))
        props.setStartExpression(f'to_datetime("{field}")')
        props.setEndExpression(f'to_datetime("{field}")')
    props.setIsActive(True)


def temporal_state(layer: QgsVectorLayer) -> Optional[QDomDocument]:
    """The layer's temporal setup (mode, fields, expressions, on/off) as XML, to put back later."""
    if not isinstance(layer, QgsVectorLayer):
        return None
    doc = QDomDocument("temporal")
    root = doc.createElement("maplayer")
    doc.appendChild(root)
    layer.temporalProperties().writeXml(root, doc, QgsReadWriteContext())
    return doc


def restore_temporal(layer: QgsVectorLayer, state: Optional[QDomDocument]) -> None:
    """Put back a setup taken with :func:`temporal_state`."""
    if state is None or not isinstance(layer, QgsVectorLayer):
        return
    layer.temporalProperties().readXml(state.documentElement(), QgsReadWriteContext())


@contextmanager
def temporal_kept(layer: QgsVectorLayer) -> Iterator[None]:
    """The ONE place a style change is wrapped so the layer stays time-aware: loading a QML (even
    one saved with "Symbology|Rendering" only, on QGIS 3.22) resets the temporal properties, so the
    Temporal Controller would show every record. Whatever the style does, the layer's temporal
    setup afterwards is the one it had before."""
    state = temporal_state(layer)
    try:
        yield
    finally:
        restore_temporal(layer, state)


def _temporal_mode(name: str):  # noqa: ANN202
    """``Qgis.VectorTemporalMode.<name>`` (3.22+ scoped enum) or the older class constant."""
    scoped = getattr(getattr(Qgis, "VectorTemporalMode", None), name, None)
    return scoped if scoped is not None else getattr(QgsVectorLayerTemporalProperties, "Mode" + name)


def pin_datum_transform(project: QgsProject, other: str = "EPSG:4326") -> Optional[str]:
    """Put the most accurate *available* EPSG:27700 ↔ ``other`` operation in the project's transform
    context (OSTN15 when its grid is installed, else the best Helmert fit), unless the user chose one.
    Without it QGIS warns "Cannot use preferred transform between EPSG:27700 and EPSG:4326" on the
    first load wherever the OSTN15 grid is missing. Returns the PROJ string pinned, if any."""
    from qgis.core import QgsDatumTransform

    source, target = QgsCoordinateReferenceSystem(CRS), QgsCoordinateReferenceSystem(other)
    context = project.transformContext()
    if context.hasTransform(source, target):
        return None
    ops = [op for op in QgsDatumTransform.operations(source, target) if op.isAvailable and op.proj]
    if not ops:
        return None
    best = min(ops, key=lambda op: op.accuracy if op.accuracy > 0 else float("inf"))
    context.addCoordinateOperation(source, target, best.proj)
    project.setTransformContext(context)
    return best.proj


def add_to_project(layer: QgsVectorLayer, project: Optional[QgsProject] = None) -> QgsVectorLayer:
    """Add the layer to the top of the "SafeStats" group (created at the top when missing)."""
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    group = root.findGroup(GROUP_NAME)
    if group is None:
        group = root.insertGroup(0, GROUP_NAME)
    if not project.crs().isValid() or not project.mapLayers():
        # the first layer of a project puts it in the British National Grid (the CRS of every SafeStats
        # layer); a project that already holds layers keeps the CRS the user gave it
        pin_datum_transform(project)
        project.setCrs(QgsCoordinateReferenceSystem(CRS))
    project.addMapLayer(layer, False)
    group.insertLayer(0, layer)
    gov_marking.update_project_marking(project)
    return layer


def _provider_options(layer: QgsVectorLayer) -> QgsDataProvider.ProviderOptions:
    options = QgsDataProvider.ProviderOptions()
    project = layer.project() if hasattr(layer, "project") else None
    options.transformContext = (project or QgsProject.instance()).transformContext()
    return options


def replace_source(layer: QgsVectorLayer, path: str) -> None:
    """Point an existing SafeStats layer (loaded or placeholder) at a new file; keeps its style."""
    layer.setReadOnly(False)
    layer.setDataSource(path, layer.name(), "ogr", _provider_options(layer), False)
    if not layer.isValid():
        raise errors.DownloadIncomplete(tr("The downloaded file could not be opened. Try again."), detail=path)


# ------------------------------------------------------------------ placeholders


def placeholder_uri(layer: QgsVectorLayer) -> str:
    """An in-memory, feature-less source with the same geometry type, CRS and fields."""
    wkb = getattr(Qgis, "WkbType", None) or QgsWkbTypes  # scoped enum on QGIS >= 3.30: not an int
    geom = layer.wkbType() if layer.wkbType() != wkb.Unknown else wkb.Point
    mem = QgsMemoryProviderUtils.createMemoryLayer(layer.name(), layer.fields(), geom,
                                                   layer.crs() if layer.crs().isValid()
                                                   else QgsCoordinateReferenceSystem(CRS))
    return mem.source()


def to_placeholder(layer: QgsVectorLayer) -> None:
    """Drop the layer's data (release its cache file) but keep style, query and metadata."""
    if layer.providerType() != "memory":
        uri = placeholder_uri(layer)
        layer.setReadOnly(False)
        layer.setDataSource(uri, layer.name(), "memory", _provider_options(layer), False)
    layer.setCustomProperty(PROP_STATE, STATE_PENDING)
    layer.setReadOnly(True)


def scrub_layer_element(doc: QDomDocument, elem, layer: QgsVectorLayer) -> None:  # noqa: ANN001
    """Rewrite one ``<maplayer>`` element as an empty memory layer of the same schema."""
    _set_child_text(doc, elem, "datasource", placeholder_uri(layer))
    _set_child_text(doc, elem, "provider", "memory")


def scrub_layer_tree(doc: QDomDocument, layers: list[QgsVectorLayer]) -> int:
    """Point ``<layer-tree-layer>`` entries of SafeStats layers at their placeholder too."""
    by_id = {lyr.id(): lyr for lyr in layers}
    changed = 0
    nodes = doc.elementsByTagName("layer-tree-layer")
    for i in range(nodes.count()):
        elem = nodes.at(i).toElement()
        layer = by_id.get(elem.attribute("id"))
        if layer is not None:
            if elem.hasAttribute("source"):
                elem.setAttribute("source", placeholder_uri(layer))
            if elem.hasAttribute("providerKey"):
                elem.setAttribute("providerKey", "memory")
            changed += 1
    return changed


def _set_child_text(doc: QDomDocument, parent, tag: str, text: str) -> None:  # noqa: ANN001
    child = parent.firstChildElement(tag)
    if child.isNull():
        child = doc.createElement(tag)
        parent.appendChild(child)
    _replace_text(doc, child, text)


def _replace_text(doc: QDomDocument, elem, text: str) -> None:  # noqa: ANN001
    while elem.hasChildNodes():
        elem.removeChild(elem.firstChild())
    elem.appendChild(doc.createTextNode(text))


class ProjectGuard(QObject):
    """Keeps SafeStats data out of project files and re-fetches it after a project is read.

    Emits ``pendingChanged(n)`` after a project was read with ``n`` SafeStats layers waiting
    for sign-in (the UI can say "Sign in to fetch n SafeStats layers").

    ``refetch`` is called with the list of pending layers whenever there are some and
    ``can_fetch()`` is true (e.g. right after a project is read while signed in, or at sign-in).
    """

    pendingChanged = pyqtSignal(int)

    def __init__(self, project: Optional[QgsProject] = None,
                 refetch: Optional[Callable[[list[QgsVectorLayer]], None]] = None,
                 can_fetch: Optional[Callable[[], bool]] = None, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.project = project or QgsProject.instance()
        self.refetch = refetch
        self.can_fetch = can_fetch or (lambda: False)
        # QgsProject.write(): writeProject(doc) is emitted early (layer tree already written), then
        # writeMapLayer(layer, elem, doc) for each layer after the layer wrote itself.
        self.project.writeMapLayer.connect(self._on_write_map_layer)
        self.project.writeProject.connect(self._on_write_project)
        self.project.readProject.connect(self._on_read_project)
        self.project.layersRemoved.connect(self._on_layers_removed)

    def detach(self) -> None:
        for signal, slot in ((self.project.writeMapLayer, self._on_write_map_layer),
                             (self.project.writeProject, self._on_write_project),
                             (self.project.readProject, self._on_read_project),
                             (self.project.layersRemoved, self._on_layers_removed)):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass

    def _on_layers_removed(self, _ids: list) -> None:
        gov_marking.update_project_marking(self.project)

    def _on_write_project(self, doc: QDomDocument) -> None:
        scrub_layer_tree(doc, safestats_layers(self.project))

    def _on_write_map_layer(self, layer: QgsMapLayer, elem, doc: QDomDocument) -> None:  # noqa: ANN001
        if isinstance(layer, QgsVectorLayer) and is_safestats_layer(layer):
            scrub_layer_element(doc, elem, layer)
            log(f"project saved with SafeStats layer {layer.name()} as its query only (no data)")

    def _on_read_project(self, _doc: QDomDocument) -> None:
        layers = safestats_layers(self.project)
        for layer in layers:
            to_placeholder(layer)
        gov_marking.update_project_marking(self.project)
        if layers:
            log(f"project has {len(layers)} SafeStats layer(s); they are fetched again after sign-in")
        self.pendingChanged.emit(len(layers))
        self.fetch_pending()

    def pending_layers(self) -> list[QgsVectorLayer]:
        return [lyr for lyr in safestats_layers(self.project) if is_pending(lyr)]

    def release_all(self) -> None:
        """Sign-out: every SafeStats layer lets go of its data (files can then be purged)."""
        for layer in safestats_layers(self.project):
            to_placeholder(layer)

    def fetch_pending(self) -> list[QgsVectorLayer]:
        pending = self.pending_layers()
        if pending and self.refetch is not None and self.can_fetch():
            self.refetch(pending)
        return pending


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


