"""Counts per area (``/collections/{id}/aggregates``) as a polygon layer for aggregate-only datasets.

Written here because the core's ``LoadTask`` loads records only (it refuses aggregate-only
datasets); this uses the core's client, cache and layer helpers and adds no HTTP of its own.
The download runs in a QgsTask; the layer is built on the main thread in the task's callback.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import QgsProject, QgsVectorLayer

from ..providers import errors, layers
from ..providers.models import CollectionInfo, Query
from . import presets
from .background import FunctionTask, run_task

PROP_KIND = "safestats/kind"
PROP_BY = "safestats/aggregate_by"
KIND_AGGREGATES = "aggregates"

Done = Callable[[Optional[QgsVectorLayer], Optional[BaseException]], None]


def aggregate_unit(info: CollectionInfo) -> str:
    """Borough for borough-level sources (NDTMS), else ward."""
    return "borough" if info.kind == "aggregate" else "ward"


def _fetch(session: Any, query: Query, by: str, path: Path, feedback: Any = None) -> dict:
    params = dict(query.to_params(), by=by)
    data = session.client.get_json(f"/collections/{query.dataset_id}/aggregates", params, feedback)
    if not isinstance(data, dict) or "features" not in data:
        raise errors.InvalidResponse(detail="aggregates answer is not a FeatureCollection")
    path.write_text(json.dumps(data), encoding="utf-8")
    return {"path": str(path), "areas": len(data["features"])}


def load_aggregates(session: Any, query: Query, info: CollectionInfo, done: Done,
                    project: Optional[QgsProject] = None, by: Optional[str] = None) -> FunctionTask:
    """Fetch counts per area and add a choropleth layer to the SafeStats group (returns the task)."""
    unit = by or aggregate_unit(info)
    path = session.cache.new_path(query.dataset_id, ".geojson")
    user = session.user
    context = {"store": session.store_url or "", "purpose": session.purpose or "",
               "user": user.username if user else ""}

    def finished(result: Any, error: Optional[BaseException]) -> None:
        if error is not None:
            path.unlink(missing_ok=True)
            done(None, error)
            return
        try:
            name = f"{info.title} — counts by {unit}"
            layer = QgsVectorLayer(result["path"], name, "ogr")
            if not layer.isValid():
                raise errors.DownloadIncomplete(detail=result["path"])
            layers.describe_layer(layer, info, query, store_url=context["store"], purpose=context["purpose"],
                                  user=context["user"], extracted_at=layers.now_utc(), rows=layer.featureCount())
            layer.setCustomProperty(PROP_KIND, KIND_AGGREGATES)
            layer.setCustomProperty(PROP_BY, unit)
            presets.apply_preset(layer, presets.CHOROPLETH, dataset_id=info.id)
            layers.add_to_project(layer, project)
        except BaseException as exc:  # noqa: BLE001 - goes to the one error-mapping place
            path.unlink(missing_ok=True)
            done(None, exc)
            return
        _audit(session, "load_aggregates", query, context, areas=result["areas"], by=unit)
        done(layer, None)

    return run_task(f"SafeStats: counts for {info.title}",
                    lambda feedback: _fetch(session, query, unit, path, feedback), finished)


def refresh_aggregates(session: Any, layer: QgsVectorLayer, done: Done) -> FunctionTask:
    """Fetch the layer's counts again with its stored query and swap the data in (style kept)."""
    query = layers.query_of(layer)
    unit = str(layer.customProperty(PROP_BY) or "ward")
    path = session.cache.new_path(query.dataset_id, ".geojson")
    layer_id = layer.id()

    def finished(result: Any, error: Optional[BaseException]) -> None:
        target = QgsProject.instance().mapLayer(layer_id)
        if error is not None or target is None:
            path.unlink(missing_ok=True)
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
        done(target, None)

    return run_task("SafeStats: refreshing counts", lambda feedback: _fetch(session, query, unit, path, feedback),
                    finished)


def _audit(session: Any, event: str, query: Query, context: dict, **fields: Any) -> None:
    try:
        session.audit.record(event, store=context["store"], user=context["user"], dataset=query.dataset_id,
                             filter=query.to_params(), filter_text=query.describe(), purpose=context["purpose"],
                             **fields)
    except Exception:  # noqa: BLE001 - auditing never blocks the user
        pass
