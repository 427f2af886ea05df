"""Shared plumbing of the SafeStats algorithms: translation, help, audit, output marking."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from qgis.core import (Qgis, QgsCoordinateReferenceSystem, QgsExpressionContextUtils, QgsFeature, QgsFeatureSink,
                       QgsField, QgsFields, QgsGeometry, QgsMapLayer, QgsProcessingAlgorithm, QgsProcessingContext,
                       QgsProcessingException, QgsProcessingFeedback, QgsProcessingLayerPostProcessorInterface,
                       QgsProcessingUtils)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP
from qgis.PyQt.QtGui import QIcon

from ...governance import audit as gov_audit
from ...governance import disclosure
from ...governance import marking as gov_marking
from ...providers.http import log
from ..context import current_session
from ...governance import keys
from ...governance.i18n import tr

ICON = Path(__file__).resolve().parents[3] / "icons" / "safestats.svg"
CONDITIONS_LINE = QT_TRANSLATE_NOOP("SafeStats", "SafeStats data is for crime prevention and reduction only; "
                                                "not for enforcement or prosecution.")
PROP_DERIVED = keys.PROP_DERIVED


def suppression_help(threshold: int = disclosure.DEFAULT_THRESHOLD) -> str:
    return tr(
        "<p><b>Small-number suppression.</b> Counts from 1 to one less than the threshold (default {0}) are "
        "not shown: the count is empty (NULL, never 0). So that no hidden count can be worked out, or "
        "narrowed to fewer than {0} possible values, from the shown counts and totals, each one is hidden "
        "with three more cells that form a rectangle with it (same area, same category or month, and a "
        "total where needed). Every hidden cell reads “*” and its <i>suppressed</i> field “suppressed”, "
        "whatever the reason it is hidden. A zero is shown as 0 unless it is hidden to protect another "
        "cell, so “*” never says that a count is above 0. Rates are withheld with their counts.</p>"
    ).format(threshold)


class SafeStatsAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set NAME, DISPLAY, GROUP_ID and implement help()."""

    NAME = ""
    DISPLAY = ""
    GROUP = QT_TRANSLATE_NOOP("SafeStats", "Analysis")
    GROUP_ID = "analysis"

    def __init__(self) -> None:
        super().__init__()
        self._post: Optional[dict[str, Any]] = None  # what postProcessAlgorithm does with the output

    def createInstance(self) -> "SafeStatsAlgorithm":  # noqa: N802 - QGIS API
        return type(self)()

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:  # noqa: N802
        return tr(self.DISPLAY)

    def group(self) -> str:
        return tr(self.GROUP)

    def groupId(self) -> str:  # noqa: N802
        return self.GROUP_ID

    def icon(self) -> QIcon:
        return QIcon(str(ICON))

    def svgIconPath(self) -> str:  # noqa: N802
        return str(ICON)

    def help(self) -> str:
        return ""

    def shortHelpString(self) -> str:  # noqa: N802
        return self.help() + "<p><i>" + tr(CONDITIONS_LINE) + "</i></p>"

    def shortDescription(self) -> str:  # noqa: N802
        text = self.help()
        return text.split("</p>")[0].replace("<p>", "") if text else ""

    # -------------------------------------------------------------- output hand-off

    def hand_off(self, dest: str, marking: str, properties: Optional[dict[str, Any]] = None,
                 attribution: str = "", describe: Any = None) -> None:
        """Say (in processAlgorithm) how the output ``dest`` is to be described once Processing has
        loaded it: protective marking, custom properties, attribution and an optional ``describe(layer)``.
        ``postProcessAlgorithm`` (main thread) does it."""
        self._post = {"dest": dest, "marking": marking, "properties": properties or {},
                      "attribution": attribution, "describe": describe}

    def hand_off_derived(self, dest: str, source: Optional[QgsMapLayer]) -> None:
        """The hand-off of an output derived from the SafeStats layer ``source`` (its marking and attribution)."""
        self.hand_off(dest, marking_of(source), {PROP_DERIVED: self.id()}, attribution_of(source))

    def postProcessAlgorithm(self, context: QgsProcessingContext, feedback: QgsProcessingFeedback) -> dict:  # noqa: N802
        post, self._post = self._post, None
        if post:
            describe_output(post["dest"], context, post["marking"], post["properties"], post["attribution"],
                            post["describe"])
        return {}

    # -------------------------------------------------------------- audit

    def output_sink(self, parameters: dict, name: str, context: QgsProcessingContext, fields: QgsFields,
                    wkb_type: Any, crs: QgsCoordinateReferenceSystem) -> tuple["OutputSink", str]:
        """The ONE way a SafeStats algorithm opens a feature sink: the fields are made safe for every
        output format (see :func:`sink_fields`) and every row written is checked (see :class:`OutputSink`)."""
        safe = sink_fields(fields)
        sink, dest = self.parameterAsSink(parameters, name, context, safe, wkb_type, crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, name))
        return OutputSink(sink, safe), dest

    def audit(self, kind: str, feedback: Optional[QgsProcessingFeedback], *, layer: Optional[QgsMapLayer] = None,
              **fields: Any) -> None:
        """One client audit entry per run, like a load: who, what dataset, what was done.

        ``kind`` is "load" for algorithms that fetch data, else "count"; a dedicated
        "processing" event is used when the audit log knows one."""
        session = current_session()
        event = "processing" if "processing" in gov_audit.EVENTS else kind
        entry: dict[str, Any] = {"reason": f"processing: {self.displayName()}"}
        if session is not None and getattr(session, "is_signed_in", False):
            entry.update(gov_audit.audit_context(session))
        elif layer is not None:
            entry.update(store=layer.customProperty(keys.PROP_STORE, None) or None,
                         purpose=layer.customProperty(keys.PROP_PURPOSE, None) or None,
                         user=layer.customProperty(keys.PROP_USER, None) or None)
        if layer is not None and "dataset" not in fields:
            entry["dataset"] = layer.customProperty(keys.PROP_DATASET, None) or None
        entry.update(fields)
        log_target = session.audit if session is not None and getattr(session, "audit", None) else None
        try:
            (log_target or gov_audit.AuditLog()).record(event, **{k: v for k, v in entry.items() if v is not None})
        except (gov_audit.AuditError, OSError) as exc:  # the work is done: report it loudly, do not undo it
            if session is not None and hasattr(session, "report_audit_failure"):
                session.report_audit_failure(event, str(entry.get("dataset") or ""), exc)
            else:
                log(f"client audit write failed for {event} ({self.displayName()}): {type(exc).__name__}: {exc}",
                    Qgis.MessageLevel.Critical)
            if feedback is not None:
                feedback.reportError(tr("The client audit log could not be written: {0}").format(exc))


def input_layer(alg: QgsProcessingAlgorithm, parameters: dict, name: str,
                context: QgsProcessingContext) -> Optional[QgsMapLayer]:
    try:
        return alg.parameterAsVectorLayer(parameters, name, context)
    except Exception:  # noqa: BLE001 - a file path or feature source definition
        return None


def attribution_of(layer: Optional[QgsMapLayer]) -> str:
    return layer.attribution() if layer is not None and hasattr(layer, "attribution") else ""


def as_multi(geometry: Optional[QgsGeometry]) -> Optional[QgsGeometry]:
    """A multi-part copy of ``geometry`` (polygon outputs are declared multi), or None when empty."""
    if geometry is None or geometry.isEmpty():
        return None
    geom = geometry.__class__(geometry)
    geom.convertToMultiType()
    return geom


def marking_of(layer: Optional[QgsMapLayer]) -> str:
    if layer is None:
        return gov_marking.DEFAULT_MARKING
    return gov_marking.layer_marking(layer) or gov_marking.DEFAULT_MARKING


def destination_text(dest_id: str, context: QgsProcessingContext) -> str:
    """A file the output was written to, or "temporary layer"."""
    layer = context.temporaryLayerStore().mapLayer(dest_id) if dest_id else None
    if layer is not None or not dest_id or dest_id.startswith("memory:"):
        return "temporary layer"
    return str(dest_id).split("|")[0]


# ------------------------------------------------------------------ output layers

_KEEP: list[QgsProcessingLayerPostProcessorInterface] = []


class OutputDescriber(QgsProcessingLayerPostProcessorInterface):
    """Marks an output layer (protective marking, provenance) once QGIS has loaded it."""

    def __init__(self, marking: str, properties: dict[str, Any], attribution: str = "",
                 describe: Optional[Any] = None) -> None:
        super().__init__()
        self.marking = marking
        self.properties = properties
        self.attribution = attribution
        self.describe = describe

    def postProcessLayer(self, layer: QgsMapLayer, context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> None:
        apply_description(layer, self.marking, self.properties, self.attribution, self.describe)
        project = context.project()
        if project is not None:
            gov_marking.update_project_marking(project)


def apply_description(layer: QgsMapLayer, marking: str, properties: dict[str, Any], attribution: str = "",
                      describe: Optional[Any] = None) -> None:
    if describe is not None:
        describe(layer)
    for key, value in properties.items():
        layer.setCustomProperty(key, value)
    gov_marking.set_layer_marking(layer, marking)
    QgsExpressionContextUtils.setLayerVariable(layer, "safestats_conditions", CONDITIONS_LINE)
    if attribution and hasattr(layer, "setAttribution"):
        layer.setAttribution(attribution)


def describe_output(dest_id: str, context: QgsProcessingContext, marking: str, properties: dict[str, Any],
                    attribution: str = "", describe: Optional[Any] = None) -> None:
    """Call from ``postProcessAlgorithm`` (main thread): describe a temporary output now, and any
    output QGIS will load into the project when it is loaded."""
    if not dest_id:
        return
    layer = QgsProcessingUtils.mapLayerFromString(dest_id, context, False)
    if layer is not None:
        apply_description(layer, marking, properties, attribution, describe)
    if context.willLoadLayerOnCompletion(dest_id):
        processor = OutputDescriber(marking, properties, attribution, describe)
        _KEEP.append(processor)
        del _KEEP[:-50]
        context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(processor)


# ------------------------------------------------------------------ sinks

FID_FIELD = "fid"          # the GeoPackage (and other OGR) writers use a field of this name as the feature id
SOURCE_FID = "source_fid"  # ≤ 10 characters: fits a Shapefile column name


def sink_fields(fields: QgsFields) -> QgsFields:
    """``fields`` safe for every output format. A field called ``fid`` (any case), e.g. from a
    GeoPackage of polygons, becomes the feature id of a GeoPackage output: an algorithm that writes
    several rows per input feature (a row per category or month) would write the same id again and
    the writer would refuse all but the first ("UNIQUE constraint failed: ….fid"). Its values are
    kept, as ``source_fid``."""
    names = {f.name().lower() for f in fields}
    out = QgsFields()
    for f in fields:
        g = QgsField(f)
        if f.name().lower() == FID_FIELD:
            name, i = SOURCE_FID, 2
            while name.lower() in names:
                name, i = f"{SOURCE_FID[:8]}{i}", i + 1
            names.add(name.lower())
            g.setName(name)
            if not g.alias():
                g.setAlias(tr("Feature id in the input"))
        out.append(g)
    return out


class OutputSink:
    """A Processing feature sink whose every write is checked: a row that cannot be written fails
    the algorithm with the writer's reason, never a log line and a "successful" run."""

    def __init__(self, sink: QgsFeatureSink, fields: Optional[QgsFields] = None) -> None:
        self.sink = sink
        self.fields = fields
        self.written = 0

    def add(self, feature: QgsFeature) -> None:
        if self.fields is not None:
            feature.setFields(self.fields, False)
        if not self.sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert):
            reason = self.sink.lastError() if hasattr(self.sink, "lastError") else ""
            raise refuse(tr("A row could not be written to the output ({0} written before it): {1}").format(
                self.written, reason or tr("the output gave no reason")))
        self.written += 1


def refuse(message: str) -> QgsProcessingException:
    log(message)
    return QgsProcessingException(message)
