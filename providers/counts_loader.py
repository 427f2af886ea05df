"""Counts per area (``/collections/{id}/aggregates``) as a polygon layer for counts-only datasets.

A counts-only agreement is a closed table (``providers.models.CountsQuery``): one period, one
area unit (boroughs, wards or fixed hexagons, optionally within one borough) and at most one
category. The store publishes every cell with cell-key perturbation, suppressed below its
threshold and rounded: the layer's name, legend, metadata and the dock say so, and that totals
need not add up. Written here because the core's ``LoadTask`` loads records only; this uses the
core's client, cache and layer helpers and adds no HTTP of its own. The download runs in a
QgsTask; the layer is built on the main thread in the task's callback. Every load and refresh is
written to the client audit log; a failed audit write is a critical log entry and a message.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import QgsProject, QgsVectorLayer

from ..governance import keys
from ..governance.audit import AuditError, audit_context
from ..governance.retention import remove_file
from . import errors, layers, messages
from . import styles as presets
from .models import CRS_27700, CollectionInfo, CountsQuery, Query, period_label
from .tasks import FunctionTask, run_task
from ..governance.i18n import tr

PROP_KIND = keys.PROP_KIND
PROP_BY = keys.PROP_BY
PROP_DISCLOSURE = keys.PROP_DISCLOSURE
KIND_AGGREGATES = keys.KIND_AGGREGATES
COUNTS = "counts"  # the task registry's group of counts loads

Done = Callable[[Optional[QgsVectorLayer], Optional[BaseException]], None]


def aggregate_unit(info: CollectionInfo) -> str:
    """Borough for borough-level sources (NDTMS), else ward."""
    return "borough" if info.kind == "aggregate" else "ward"


def disclosure_note(block: Optional[dict] = None) -> str:
    """What a reader of counts-only values must know (layer abstract, legend and dock)."""
    block = block or {}
    threshold = int(block.get("threshold") or 5)
    base = int(block.get("rounded_to") or 5)
    return tr("Counts are published with cell-key perturbation: each value is moved by a small random "
              "amount (the same every time), counts below {0} are suppressed and the rest are rounded to the "
              "nearest {1}. Totals need not add up to the sum of their parts.").format(threshold, base)


def _params(query: Any, by: str) -> dict:
    if isinstance(query, CountsQuery):
        return query.aggregate_params()
    return dict(query.to_params(), by=by, crs=CRS_27700)  # a layer saved before counts-only became a closed table


def _fetch(session: Any, query: Any, by: str, path: Path, feedback: Any = None) -> dict:
    data = session.client.aggregates(query.dataset_id, _params(query, by), feedback)
    path.write_text(json.dumps(data), encoding="utf-8")
    block = data.get("disclosure") if isinstance(data.get("disclosure"), dict) else {}
    return {"path": str(path), "areas": len(data["features"]), "disclosure": block,
            "period": data.get("period")}


def layer_name(info: CollectionInfo, query: Any, unit: str) -> str:
    if isinstance(query, CountsQuery):
        return tr("{0} — {1} by {2} (perturbed, rounded)").format(
            info.title, period_label(query.period), tr(query.unit_label()))
    return tr("{0} — counts by {1}").format(info.title, unit)


def _describe_counts(layer: QgsVectorLayer, block: dict) -> None:
    """The disclosure note in the layer's abstract, legend (suppressed class) and properties."""
    note = disclosure_note(block)
    layer.setCustomProperty(PROP_DISCLOSURE, json.dumps(block, sort_keys=True))
    md = layer.metadata()
    md.setAbstract(note + "\n\n" + md.abstract())
    layer.setMetadata(md)
    layer.setAbstract(note)
    renderer = layer.renderer()
    if renderer is not None and renderer.type() == "graduatedSymbol" and renderer.ranges():
        threshold = int(block.get("threshold") or 5)
        renderer.updateRangeLabel(0, tr("Suppressed (fewer than {0} after perturbation)").format(threshold))


def load_aggregates(session: Any, query: Any, info: CollectionInfo, done: Done,
                    project: Optional[QgsProject] = None, by: Optional[str] = None,
                    bar: Any = None) -> FunctionTask:
    """Fetch counts per area and add a choropleth layer to the SafeStats group (returns the task)."""
    unit = query.unit if isinstance(query, CountsQuery) else (by or aggregate_unit(info))
    path = session.cache.new_path(query.dataset_id, ".geojson")
    context = audit_context(session)

    def finished(result: Any, error: Optional[BaseException]) -> None:
        if error is not None:
            remove_file(path)
            done(None, error)
            return
        try:
            layer = QgsVectorLayer(result["path"], layer_name(info, query, unit), "ogr")
            if not layer.isValid():
                raise errors.DownloadIncomplete(detail=result["path"])
            layers.describe_layer(layer, info, query, store_url=context["store"] or "",
                                  purpose=context["purpose"] or "", user=context["user"] or "",
                                  extracted_at=layers.now_utc(), rows=layer.featureCount())
            layer.setCustomProperty(PROP_KIND, KIND_AGGREGATES)
            layer.setCustomProperty(PROP_BY, unit)
            presets.apply_preset(layer, presets.CHOROPLETH, dataset_id=info.id)
            _describe_counts(layer, result["disclosure"])
            layers.add_to_project(layer, project)
        except BaseException as exc:  # noqa: BLE001 - goes to the one error-mapping place
            remove_file(path)
            done(None, exc)
            return
        audit(session, "load_counts", query, context, bar, rows=result["areas"], areas=result["areas"],
              area_unit=unit, period=result["period"] or getattr(query, "period", None))
        done(layer, None)

    return run_task(f"SafeStats: counts for {info.title}",
                    lambda feedback: _fetch(session, query, unit, path, feedback), finished, group=COUNTS)


def refresh_aggregates(session: Any, layer: QgsVectorLayer, done: Done, bar: Any = None) -> FunctionTask:
    """Fetch the layer's counts again with its stored query and swap the data in (style kept)."""
    query = layers.query_of(layer)
    unit = str(layer.customProperty(PROP_BY) or "ward")
    path = session.cache.new_path(query.dataset_id, ".geojson")
    layer_id = layer.id()
    context = audit_context(session)

    def finished(result: Any, error: Optional[BaseException]) -> None:
        target = QgsProject.instance().mapLayer(layer_id)
        if error is not None or target is None:
            remove_file(path)
            done(None, error or errors.LoadCancelled())
            return
        try:
            layers.replace_source(target, result["path"])
            target.setReadOnly(True)
            target.setCustomProperty(layers.PROP_STATE, layers.STATE_LOADED)
            target.triggerRepaint()
        except BaseException as exc:  # noqa: BLE001
            done(None, exc)
            return
        audit(session, "refresh_counts", query, context, bar, rows=result["areas"], areas=result["areas"],
              area_unit=unit, period=result["period"] or getattr(query, "period", None))
        done(target, None)

    return run_task("SafeStats: refreshing counts", lambda feedback: _fetch(session, query, unit, path, feedback),
                    finished, group=COUNTS)


def audit(session: Any, event: str, query: Query | CountsQuery, context: dict, bar: Any = None,
          **fields: Any) -> bool:
    """Record the access; a failure is logged as critical and shown in the message bar (``bar``, else
    QGIS's main one). The data has already been loaded: the user is told, not stopped."""
    try:
        session.audit.record_access(event, context, query, **fields)
        return True
    except (AuditError, OSError) as exc:
        error = errors.AuditWriteFailed(detail=f"{event} of {query.dataset_id}: {type(exc).__name__}: {exc}")
        messages.show_error(bar if bar is not None else _main_bar(), error, "client audit")
        return False


def _main_bar() -> Any:
    try:
        from qgis.utils import iface
    except ImportError:  # pragma: no cover - qgis.utils ships with QGIS
        return None
    return iface.messageBar() if iface is not None else None
