"""Printed ward maps: an atlas over any boundary layer, one page per ward (no widgets here).

* ``ui/layouts/ward_map.qpt`` is the A4 landscape template (title, map, legend, scale bar, north
  arrow, period and extraction date, attribution per agency, protective marking top and bottom,
  and the conditions line); edit it in QGIS's layout designer. A3 pages are the same template
  scaled by √2.
* ``PrintJob`` is captured on the main thread (``prepare_job``): copies of the boundary features,
  the incident layers' sources, styles and provenance. ``export_job`` then builds a private
  ``QgsProject`` (the user's project is never touched), counts incidents per ward with
  small-number suppression (a ward with 1–4 incidents prints "<5"), and writes one multi-page
  PDF or one PDF per ward. ``PrintTask`` runs ``export_job`` in QGIS's task manager.
* The map zooms to each ward; neighbouring wards are greyed; incidents are clipped to the page's
  ward (atlas clipping, plus a rule filter ``intersects($geometry, @atlas_geometry)``).
"""
from __future__ import annotations

import math
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import (QgsExpression, QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsExpressionContextUtils,
                       QgsFeature, QgsFeatureRequest, QgsFeedback, QgsFields, QgsField, QgsFillSymbol,
                       QgsGeometry, QgsLayoutExporter, QgsLayoutItemLabel, QgsLayoutItemLegend,
                       QgsLayoutItemMap, QgsLayoutItemPage, QgsLayoutItemScaleBar,
                       QgsLayoutObject, QgsLayoutPoint, QgsLayoutSize, QgsMapClippingRegion, QgsMapLayer, QgsMessageLog, QgsPalLayerSettings, QgsPointClusterRenderer,
                       QgsPrintLayout, QgsProperty,
                       QgsProject, QgsReadWriteContext, QgsRectangle, QgsRuleBasedRenderer, QgsTask,
                       QgsTextFormat, QgsVectorLayer, QgsVectorLayerSimpleLabeling, Qgis)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QVariant, pyqtSignal
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtXml import QDomDocument

from ..governance import disclosure
from ..governance.audit import AuditError, audit_context
from ..governance import marking as gov_marking
from ..governance import keys as K
from . import compat, counting, spatial
from .layers import NAME_SEPARATOR
from .print_legend import fit_legend
from .tasks import REGISTRY
from ..governance.i18n import tr

LOG_TAG = "SafeStats"
TEMPLATE = Path(__file__).resolve().parent.parent / "ui" / "layouts" / "ward_map.qpt"
BNG = QgsCoordinateReferenceSystem("EPSG:27700")
ALL_WARDS_PDF = "all_wards.pdf"  # the multi-page PDF beside the per-ward files
CONDITIONS = QT_TRANSLATE_NOOP("SafeStats", "For crime prevention and reduction only; not for enforcement.")
PAPERS = {"A4": 1.0, "A3": math.sqrt(2)}
COUNT_FIELD = "ss_count"
LABEL_FIELD = "ss_label"
STATUS_FIELD = "ss_suppressed"
NORTH_ARROW = ":/images/north_arrows/layout_default_north_arrow.svg"
ITEM_IDS = ("title", "map", "legend", "scalebar", "north", "period", "extracted", "ward_count", "attribution",
            "marking_top", "marking_bottom", "conditions")


def log(message: str, level: Qgis.MessageLevel = Qgis.MessageLevel.Info) -> None:
    QgsMessageLog.logMessage(message, LOG_TAG, level)


# ================================================================== job


@dataclass
class IncidentSource:
    """One incident layer as it is printed (re-opened from its source in the worker thread)."""

    name: str
    source: str
    provider: str
    subset: str
    crs: str
    style_xml: str
    fields: QgsFields
    features: Optional[list[QgsFeature]] = None  # memory layers: copied
    attribution: str = ""
    marking: str = ""
    period: str = ""
    extracted: str = ""
    dataset: str = ""


@dataclass
class PrintJob:
    boundary_name: str
    boundary_fields: QgsFields
    boundary_crs: str
    boundary_features: list[QgsFeature]
    name_field: str
    incidents: list[IncidentSource]
    output: str
    title: str = ""
    paper: str = "A4"
    per_ward: bool = False
    threshold: int = disclosure.DEFAULT_THRESHOLD
    dpi: int = 200
    extracted: str = ""
    audit: Any = None
    audit_fields: dict[str, Any] = field(default_factory=dict)


def _style_xml(layer: QgsMapLayer) -> str:
    doc = QDomDocument()
    layer.exportNamedStyle(doc, QgsReadWriteContext(), QgsMapLayer.StyleCategory.Symbology | QgsMapLayer.StyleCategory.Rendering)
    return doc.toString()


def _day(dt: datetime) -> str:
    d = dt.astimezone(counting.LONDON).date()
    return f"{d.day} {d:%b %Y}"  # no "%-d": not on Windows


def _incident_source(layer: QgsVectorLayer, preset_id: Optional[str], area: QgsRectangle,
                     area_crs: QgsCoordinateReferenceSystem) -> IncidentSource:
    styled = layer
    if preset_id:
        from . import styles as presets
        styled = compat.clone_layer(layer)
        field_name, categories = presets.layer_category_info(layer)
        if not field_name:
            field_name = next((f for f in counting.CATEGORY_FIELDS if layer.fields().indexOf(f) >= 0), None)
            if field_name:
                categories = sorted(str(v) for v in layer.uniqueValues(layer.fields().indexOf(field_name))
                                    if v not in (None, "") and str(v) != "NULL")
        presets.apply_preset(styled, preset_id, category_field=field_name or None,
                             categories=list(categories or ()) or None,
                             dataset_id=layer.customProperty(K.PROP_DATASET, None) or None)
    features = None
    if layer.providerType() == "memory":
        rect = QgsCoordinateTransform(area_crs, layer.crs(), QgsProject.instance()).transformBoundingBox(area) \
            if area_crs != layer.crs() else area
        features = [QgsFeature(f) for f in layer.getFeatures(QgsFeatureRequest().setFilterRect(rect))]
    period, extracted = "", str(layer.customProperty(K.PROP_EXTRACTED, "") or "")
    try:
        from .layers import query_of
        q = query_of(layer)
        if q.start or q.end:
            a = _day(q.start) if q.start else tr("start")
            b = _day(q.end) if q.end else tr("now")
            period = f"{a} – {b}"
    except Exception:  # noqa: BLE001 - not a SafeStats layer: no stored query
        period = ""
    return IncidentSource(
        name=layer.name(), source=layer.source(), provider=layer.providerType(), subset=layer.subsetString(),
        crs=layer.crs().authid() or layer.crs().toWkt(), style_xml=_style_xml(styled), fields=QgsFields(layer.fields()),
        features=features, attribution=compat.layer_attribution(layer),
        marking=gov_marking.layer_marking(layer), period=period, extracted=extracted[:10],
        dataset=str(layer.customProperty(K.PROP_DATASET, "") or ""))


def prepare_job(boundaries: QgsVectorLayer, name_field: str, incident_layers: list[QgsVectorLayer], output: str, *,
                title: str = "", paper: str = "A4", per_ward: bool = False,
                threshold: int = disclosure.DEFAULT_THRESHOLD, preset_id: Optional[str] = None,
                selected_only: bool = False, dpi: int = 200, session: Any = None) -> PrintJob:
    """Capture everything the export needs, on the main thread."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}")
    if boundaries.fields().indexOf(name_field) < 0:
        raise ValueError(tr("The boundary layer has no field “{0}”.").format(name_field))
    threshold = max(int(threshold), disclosure.DEFAULT_THRESHOLD)
    feats = boundaries.selectedFeatures() if selected_only and boundaries.selectedFeatureCount() else \
        list(boundaries.getFeatures())
    feats = [QgsFeature(f) for f in feats if f.hasGeometry()]
    if not feats:
        raise ValueError(tr("The boundary layer has no areas to print."))
    area = QgsRectangle()
    for f in feats:
        area.combineExtentWith(f.geometry().boundingBox())
    sources = [_incident_source(l, preset_id, area, boundaries.crs()) for l in incident_layers]
    fields: dict[str, Any] = {}
    audit = None
    if session is not None:
        audit = getattr(session, "audit", None)
        if getattr(session, "is_signed_in", False) and session.user:
            fields = audit_context(session)
    return PrintJob(boundary_name=boundaries.name(), boundary_fields=QgsFields(boundaries.fields()),
                    boundary_crs=boundaries.crs().authid() or boundaries.crs().toWkt(), boundary_features=feats,
                    name_field=name_field, incidents=sources, output=output,
                    title=title or tr("Community safety ward map"), paper=paper, per_ward=per_ward, threshold=threshold,
                    dpi=dpi, extracted=max((s.extracted for s in sources), default="") or
                    datetime.now(timezone.utc).date().isoformat(), audit=audit, audit_fields=fields)


# ================================================================== layers of the private project


def _crs(text: str) -> QgsCoordinateReferenceSystem:
    crs = QgsCoordinateReferenceSystem(text)
    return crs if crs.isValid() else QgsCoordinateReferenceSystem.fromWkt(text)


def coverage_layer(job: PrintJob, project: QgsProject) -> QgsVectorLayer:
    """The boundaries in EPSG:27700 with the (suppressed) incident count of each ward."""
    fields = QgsFields(job.boundary_fields)
    for f in (QgsField(COUNT_FIELD, QVariant.Int), QgsField(LABEL_FIELD, QVariant.String),
              QgsField(STATUS_FIELD, QVariant.String)):
        fields.append(f)
    layer = QgsVectorLayer("MultiPolygon?crs=EPSG:27700", job.boundary_name, "memory")
    layer.dataProvider().addAttributes(fields.toList())
    layer.updateFields()
    xform = QgsCoordinateTransform(_crs(job.boundary_crs), BNG, project.transformContext())
    out = []
    for f in job.boundary_features:
        g = QgsGeometry(f.geometry())
        if _crs(job.boundary_crs) != BNG:
            g.transform(xform)
        g.convertToMultiType()
        nf = QgsFeature(layer.fields())
        nf.setGeometry(g)
        nf.setAttributes(list(f.attributes()) + [None, None, None])
        out.append(nf)
    layer.dataProvider().addFeatures(out)
    layer.updateExtents()
    return layer


def incident_layer(src: IncidentSource) -> QgsVectorLayer:
    if src.features is not None:
        layer = QgsVectorLayer(f"Point?crs={src.crs}", src.name, "memory")
        layer.dataProvider().addAttributes(src.fields.toList())
        layer.updateFields()
        layer.dataProvider().addFeatures(src.features)
        layer.updateExtents()
    else:
        layer = QgsVectorLayer(src.source, src.name, src.provider)
        if src.subset:
            layer.setSubsetString(src.subset)
    if not layer.isValid():
        raise RuntimeError(tr("The incident layer “{0}” could not be opened for printing.").format(src.name))
    doc = QDomDocument()
    if src.style_xml and doc.setContent(src.style_xml):
        layer.importNamedStyle(doc)
    return layer


def count_wards(coverage: QgsVectorLayer, incidents: list[QgsVectorLayer], threshold: int,
                project: QgsProject, feedback: Optional[QgsFeedback] = None) -> counting.CountTable:
    """Incidents per ward, suppressed; written into the coverage layer's ss_* fields."""
    table = tally_wards(coverage, incidents, threshold, project, feedback)
    write_counts(coverage, table, threshold)
    return table


def count_job(job: PrintJob, feedback: Optional[QgsFeedback] = None) -> counting.CountTable:
    """The suppressed count table of a job, on layers of its own (any thread; the slow part of a
    print, so ``PrintTask`` runs it in the background)."""
    project = QgsProject()
    coverage = coverage_layer(job, project)
    incidents = [incident_layer(s) for s in job.incidents]
    return tally_wards(coverage, incidents, job.threshold, project, feedback)


def tally_wards(coverage: QgsVectorLayer, incidents: list[QgsVectorLayer], threshold: int,
                project: QgsProject, feedback: Optional[QgsFeedback] = None) -> counting.CountTable:
    polys = spatial.Polygons([QgsFeature(f) for f in coverage.getFeatures()], coverage.crs())
    index = spatial.PolygonIndex(polys)
    assigned: dict[int, list[object]] = {}
    for layer in incidents:
        part, _n = spatial.assign(spatial.iter_points(layer, coverage.crs(), project.transformContext(), feedback),
                                  index, lambda _f: counting.ALL, feedback)
        for fid, keys in part.items():
            assigned.setdefault(fid, []).extend(keys)
    rows = [f.id() for f in polys.features]
    return counting.suppress(counting.tally(assigned), rows, [counting.ALL], threshold)


def write_counts(coverage: QgsVectorLayer, table: counting.CountTable, threshold: int) -> None:
    """Each ward's count, page text and suppression flag into the coverage layer's ss_* fields
    (feature ids of memory layers built from the same job are the same in every thread)."""
    idx = [coverage.fields().indexOf(n) for n in (COUNT_FIELD, LABEL_FIELD, STATUS_FIELD)]
    changes = {}
    for fid in (f.id() for f in coverage.getFeatures()):
        cell = table.cell(fid, counting.ALL)
        label = suppressed_page_text(threshold) if cell.suppressed else cell.label
        changes[fid] = {idx[0]: cell.count, idx[1]: label, idx[2]: cell.flag}
    coverage.dataProvider().changeAttributeValues(changes)


def suppressed_page_text(threshold: int) -> str:
    """What a suppressed ward's page says instead of its count (the same for every hidden ward: a
    page saying "fewer than 5" for some and "withheld" for others would narrow both down)."""
    return tr("not shown (see the note)")


def suppression_note(threshold: int) -> str:
    """The page's note on what is not shown and how points are drawn."""
    return tr("Note: a ward with fewer than {0} incidents, or one withheld so that no count below {0} can be "
              "worked out from other wards and their total, shows no count and no incidents. Incidents at "
              "the same place are drawn as one circle with their number.").format(threshold)


def cluster_points(layer: QgsVectorLayer, tolerance_mm: float = 2.0) -> None:
    """Draw points that stack or touch as one cluster symbol labelled with how many it holds, so the
    dots a reader can count add up to the printed count (points share the anonymising grid)."""
    if not compat.is_points(layer):
        return
    renderer = layer.renderer()
    if renderer is None or renderer.type() in ("heatmapRenderer", "pointCluster"):
        return
    cluster = QgsPointClusterRenderer()
    cluster.setEmbeddedRenderer(renderer.clone())
    cluster.setTolerance(tolerance_mm)
    cluster.setToleranceUnit(compat.RENDER_MILLIMETERS)
    layer.setRenderer(cluster)


def style_coverage(coverage: QgsVectorLayer, name_field: str) -> None:
    """The page's ward: white with a bold outline; neighbours greyed, with grey names."""
    root = QgsRuleBasedRenderer.Rule(None)
    current = QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_color": "35,35,35,255", "outline_width": "0.8"})
    neighbour = QgsFillSymbol.createSimple({"color": "215,215,215,255", "outline_color": "150,150,150,255",
                                            "outline_width": "0.25"})
    r1 = QgsRuleBasedRenderer.Rule(current, 0, 0, "@atlas_featureid = $id", tr("This ward"))
    r2 = QgsRuleBasedRenderer.Rule(neighbour, 0, 0, "", tr("Neighbouring wards"))
    r2.setIsElse(True)
    root.appendChild(r2)
    root.appendChild(r1)
    coverage.setRenderer(QgsRuleBasedRenderer(root))
    labels = QgsPalLayerSettings()
    labels.fieldName = f'if(@atlas_featureid = $id, \'\', "{name_field}")'
    labels.isExpression = True
    fmt = QgsTextFormat()
    fmt.setSize(7)
    fmt.setColor(QColor(110, 110, 110))
    labels.setFormat(fmt)
    coverage.setLabeling(QgsVectorLayerSimpleLabeling(labels))
    coverage.setLabelsEnabled(True)


def clip_to_atlas(layer: QgsVectorLayer) -> None:
    """Draw only incidents inside the page's ward (rule filter on top of the layer's own style)."""
    renderer = layer.renderer()
    if renderer is None or renderer.type() == "heatmapRenderer":
        return  # heatmaps are clipped by the map item's atlas clipping instead
    expr = "intersects($geometry, @atlas_geometry)"
    if layer.crs() != BNG:
        expr = f"intersects(transform($geometry, '{layer.crs().authid()}', 'EPSG:27700'), @atlas_geometry)"
    inner = QgsRuleBasedRenderer.convertFromRenderer(renderer)
    if inner is None:
        return
    # the page's filter goes into each top-level rule (not a parent rule around them: a parent has no
    # symbol, so the legend showed an "In this ward" entry without one); an ELSE rule becomes
    # "in this ward and none of the others"
    children = inner.rootRule().children()
    others = [c.filterExpression() for c in children if not c.isElse() and c.filterExpression()]
    for child in children:
        own = child.filterExpression()
        if child.isElse():
            child.setIsElse(False)
            own = f"NOT (({') OR ('.join(others)}))" if others else ""
        child.setFilterExpression(f"({expr}) AND ({own})" if own else expr)
    layer.setRenderer(inner)


# ================================================================== layout


def load_template(project: QgsProject, paper: str = "A4", path: Path = TEMPLATE) -> QgsPrintLayout:
    doc = QDomDocument()
    if not doc.setContent(path.read_text(encoding="utf-8")):
        raise RuntimeError(tr("The ward map template {0} cannot be read.").format(path.name))
    layout = QgsPrintLayout(project)
    items, ok = layout.loadFromTemplate(doc, QgsReadWriteContext())
    if not ok:
        raise RuntimeError(tr("The ward map template {0} cannot be read.").format(path.name))
    missing = [i for i in ITEM_IDS if layout.itemById(i) is None]
    if missing:
        raise RuntimeError(tr("The ward map template lacks items: {0}").format(", ".join(missing)))
    factor = PAPERS[paper]
    if factor != 1.0:
        _scale(layout, paper, factor)
    return layout


def _scale(layout: QgsPrintLayout, paper: str, factor: float) -> None:
    layout.pageCollection().page(0).setPageSize(paper, QgsLayoutItemPage.Orientation.Landscape)
    for item in layout.items():
        if not hasattr(item, "id") or isinstance(item, QgsLayoutItemPage) or not hasattr(item, "attemptMove"):
            continue
        pos, size = item.positionWithUnits(), item.sizeWithUnits()
        item.attemptMove(QgsLayoutPoint(pos.x() * factor, pos.y() * factor, pos.units()))
        if isinstance(item, QgsLayoutItemScaleBar):
            continue
        item.attemptResize(QgsLayoutSize(size.width() * factor, size.height() * factor, size.units()))
        if isinstance(item, QgsLayoutItemLabel):
            f = item.font()
            f.setPointSizeF(f.pointSizeF() * factor)
            item.setFont(f)


def set_variables(layout: QgsPrintLayout, job: PrintJob) -> None:
    marking = gov_marking.highest(s.marking for s in job.incidents) or gov_marking.DEFAULT_MARKING
    attributions = []
    for s in job.incidents:
        text = s.attribution or (f"Source: {s.name}, via GLA SafeStats" if s.dataset else "")
        if text and text not in attributions:
            attributions.append(text)
    periods = sorted({s.period for s in job.incidents if s.period})
    values = {
        "safestats_title": job.title,
        "safestats_marking": marking,
        "safestats_period": "; ".join(periods) or tr("all dates loaded"),
        "safestats_period_caption": tr("Period"),
        "safestats_extracted": job.extracted,
        "safestats_extracted_caption": tr("Data extracted"),
        "safestats_count_caption": tr("Incidents in this ward"),
        "safestats_attribution": "\n".join([suppression_note(job.threshold)] + attributions
                                           + [tr("Boundaries: {0}").format(job.boundary_name)]),
        "safestats_conditions": tr(CONDITIONS) + " " + tr("Counts below {0} are not shown.").format(job.threshold),
        "safestats_threshold": job.threshold,
    }
    for name, value in values.items():
        QgsExpressionContextUtils.setLayoutVariable(layout, name, value)


def build_layout(job: PrintJob, project: QgsProject, feedback: Optional[QgsFeedback] = None,
                 table: Optional[counting.CountTable] = None
                 ) -> tuple[QgsPrintLayout, QgsVectorLayer, list[QgsVectorLayer], counting.CountTable]:
    """Layers in ``project`` (private), counts (``table`` when ``count_job`` already made them),
    and the atlas layout, ready to export."""
    project.setCrs(BNG)
    coverage = coverage_layer(job, project)
    incidents = [incident_layer(s) for s in job.incidents]
    if table is None:
        table = count_wards(coverage, incidents, job.threshold, project, feedback)
    else:
        write_counts(coverage, table, job.threshold)
    style_coverage(coverage, job.name_field)
    for layer in incidents:
        clip_to_atlas(layer)
        cluster_points(layer)
    taken = {l.name() for l in incidents}
    while coverage.name() in taken:  # names select the layers of each page (see MapLayers below)
        coverage.setName(coverage.name() + " ")
    project.addMapLayers([coverage, *incidents])
    layout = load_template(project, job.paper)
    layout.setName(job.title)
    project.layoutManager().addLayout(layout)
    set_variables(layout, job)
    fit_title(layout.itemById("title"), job)
    m: QgsLayoutItemMap = layout.itemById("map")
    m.setCrs(BNG)
    m.zoomToExtent(coverage.extent())  # sets the extent's ratio to the item's (atlas keeps that ratio)
    m.setLayers([*incidents, coverage])
    m.setKeepLayerSet(True)
    # a ward whose count is suppressed shows no incidents at all (points would give the count away)
    m.dataDefinedProperties().setProperty(QgsLayoutObject.DataDefinedProperty.MapLayers, QgsProperty.fromExpression(
        "if(coalesce(attribute(@atlas_feature, {0}), '') = '', {1}, {2})".format(
            QgsExpression.quotedString(STATUS_FIELD),
            QgsExpression.quotedString("|".join(l.name() for l in [*incidents, coverage])),
            QgsExpression.quotedString(coverage.name()))))
    clip = m.atlasClippingSettings()
    clip.setEnabled(True)
    clip.setFeatureClippingType(QgsMapClippingRegion.FeatureClippingType.ClipPainterOnly)
    clip.setRestrictToLayers(True)
    clip.setLayersToClip(incidents)
    legend: QgsLayoutItemLegend = layout.itemById("legend")
    legend.setAutoUpdateModel(False)
    legend_root = legend.model().rootGroup()
    legend_root.removeAllChildren()
    for layer in incidents:
        node = legend_root.addLayer(layer)
        # the dataset's title: period and area are printed beside the legend already
        node.setCustomProperty("safestats/full-title", layer.name().split(NAME_SEPARATOR)[0])
    legend_root.addLayer(coverage)
    legend.setLinkedMap(m)
    legend.setTitle(tr("Legend"))
    fit_legend(legend)
    atlas = layout.atlas()
    atlas.setCoverageLayer(coverage)
    atlas.setEnabled(True)
    atlas.setHideCoverage(False)
    atlas.setPageNameExpression(f'"{job.name_field}"')
    atlas.setSortFeatures(True)
    atlas.setSortExpression(f'"{job.name_field}"')
    atlas.setFilenameExpression(ward_filename_expression(job))
    return layout, coverage, incidents, table


def fit_title(title: QgsLayoutItemLabel, job: PrintJob) -> None:
    """A smaller title font when the longest page's title would not fit on one line (a wrapped
    title ran into the protective marking above it)."""
    longest = max((len(str(f[job.name_field])) for f in job.boundary_features), default=0)
    chars = len(job.title) + 2 + longest
    font = title.font()
    width_mm = title.sizeWithUnits().width()
    fits = int(width_mm / (font.pointSizeF() * 0.3528 * 0.62))  # bold sans: ~0.62 em per character
    if chars > fits:
        font.setPointSizeF(max(9.0, font.pointSizeF() * fits / chars))
        title.setFont(font)


def ward_filename_expression(job: PrintJob) -> str:
    """``ward_<name>`` per page; with the page number as well when two wards share a name."""
    name = f"'ward_' || regexp_replace(\"{job.name_field}\", '[^A-Za-z0-9]+', '_')"
    names = [str(f[job.name_field]) for f in job.boundary_features]
    return name if len(set(names)) == len(names) else f"{name} || '_' || @atlas_featurenumber"


def export_job(job: PrintJob, feedback: Optional[QgsFeedback] = None,
               table: Optional[counting.CountTable] = None) -> list[str]:
    """Build and export; returns the PDF paths. Call it on the main thread: a layout's text items
    cannot be made in a background thread on QGIS 3.22 (each logs "Cannot load HTML based item label
    in background threads"), which is why QGIS's own atlas export runs on the main thread too."""
    project = QgsProject()
    layout, coverage, incidents, table = build_layout(job, project, feedback, table)
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = job.dpi
    settings.rasterizeWholeImage = False
    settings.forceVectorOutput = False
    settings.exportMetadata = True
    settings.textRenderFormat = compat.TEXT_AS_TEXT  # searchable ward names and figures
    atlas = layout.atlas()
    out = Path(job.output)
    if job.per_ward:
        # printed into a fresh folder first: the paths returned (and audited) are exactly this run's,
        # never PDFs an earlier run left in the folder
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".printing-", dir=out))
        try:
            result, error = QgsLayoutExporter.exportToPdfs(atlas, str(staging / "ward.pdf"), settings, feedback)
            if result == QgsLayoutExporter.ExportResult.Success and not (feedback is not None and feedback.isCanceled()):
                # every ward in one multi-page PDF as well, as without the per-ward option
                result, error = QgsLayoutExporter.exportToPdf(atlas, str(staging / ALL_WARDS_PDF), settings,
                                                              feedback)
            paths = []
            for printed in sorted(staging.glob("*.pdf"), key=lambda p: (p.name != ALL_WARDS_PDF, p.name)):
                target = out / printed.name
                os.replace(printed, target)
                paths.append(str(target))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        result, error = QgsLayoutExporter.exportToPdf(atlas, str(out), settings, feedback)
        paths = [str(out)]
    if feedback is not None and feedback.isCanceled():
        raise InterruptedError(tr("Printing was cancelled."))
    if result != QgsLayoutExporter.ExportResult.Success:
        raise RuntimeError(tr("The ward maps could not be written: {0}").format(error or result))
    _audit(job, paths, table)
    log(f"printed {len(job.boundary_features)} ward map page(s) to {len(paths)} PDF file(s)")
    return paths


def _audit(job: PrintJob, paths: list[str], table: counting.CountTable) -> None:
    if job.audit is None:
        return
    try:
        p, s = table.status_counts([counting.ALL])
        job.audit.record("export", dataset=",".join(sorted({x.dataset for x in job.incidents if x.dataset})) or None,
                         layer="; ".join(x.name for x in job.incidents),
                         destination=paths[0] if len(paths) == 1 else str(Path(paths[0]).parent) if paths else job.output,
                         rows=table.grand_total.true_count, reason=(
                             f"ward maps: {len(job.boundary_features)} pages of {job.boundary_name}, {job.paper}; "
                             f"{p} ward counts below {job.threshold} and {s} more suppressed"),
                         **{k: v for k, v in job.audit_fields.items() if v})
    except (AuditError, OSError) as exc:  # the maps are printed: report loudly, do not lose them
        log(f"client audit write failed for the printed ward maps: {type(exc).__name__}: {exc}", Qgis.MessageLevel.Critical)


# ================================================================== task


class PrintTask(QgsTask):
    """Print a ``PrintJob``: the counts in the background (``run``), then the layout and its PDF
    export on the main thread (``finished``), as QGIS's atlas export does, with the event loop kept
    turning between pages so the dialog stays responsive and can cancel. Signals
    ``done(paths)`` / ``failed(message)``; ``exportProgress(percent)`` while the pages are written."""

    done = pyqtSignal(list)
    failed = pyqtSignal(str)
    exportProgress = pyqtSignal(float)

    def __init__(self, job: PrintJob) -> None:
        super().__init__(tr("SafeStats: printing ward maps"), QgsTask.Flag.CanCancel)
        self.job = job
        self.feedback = QgsFeedback()
        self.feedback.progressChanged.connect(self.setProgress)
        self.paths: list[str] = []
        self.error = ""
        self.table: Optional[counting.CountTable] = None

    def cancel(self) -> None:
        self.feedback.cancel()
        super().cancel()

    def run(self) -> bool:
        try:
            self.table = count_job(self.job, self.feedback)
            return not self.feedback.isCanceled()
        except Exception as exc:  # noqa: BLE001 - reported on the main thread
            self.error = f"{exc}"
            log(f"printing ward maps failed: {type(exc).__name__}: {exc}", Qgis.MessageLevel.Warning)
        return False

    def finished(self, result: bool) -> None:
        if result:
            result = self._export()
        if result:
            self.done.emit(self.paths)
        else:
            self.failed.emit(self.error or tr("Printing was cancelled."))

    def _export(self) -> bool:
        export_feedback = QgsFeedback()
        self.feedback.canceled.connect(export_feedback.cancel)

        def on_progress(percent: float) -> None:
            self.exportProgress.emit(percent)
            QCoreApplication.processEvents()  # like the layout designer's export: redraw, allow Cancel

        export_feedback.progressChanged.connect(on_progress)
        try:
            self.paths = export_job(self.job, export_feedback, self.table)
            return True
        except InterruptedError as exc:
            self.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - reported through failed()
            self.error = f"{exc}"
            log(f"printing ward maps failed: {type(exc).__name__}: {exc}", Qgis.MessageLevel.Warning)
        return False


def start_print(job: PrintJob, on_done: Optional[Callable[[list], None]] = None,
                on_failed: Optional[Callable[[str], None]] = None) -> PrintTask:
    task = PrintTask(job)
    if on_done is not None:
        task.done.connect(on_done)
    if on_failed is not None:
        task.failed.connect(on_failed)
    REGISTRY.start(task, "print")
    return task
