"""Processing algorithm "Load incidents": the plugin's load path, as a toolbox/model step."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Optional

from qgis.core import (QgsFeature, QgsProcessingContext,
                       QgsProcessingFeedback, QgsProcessingOutputNumber, QgsProcessingParameterDateTime,
                       QgsProcessingParameterEnum, QgsProcessingParameterExtent,
                       QgsProcessingParameterFeatureSink, QgsProcessingParameterFeatureSource,
                       QgsProcessingParameterString, QgsVectorLayer)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ...providers import compat
from ...providers import area as area_helpers
from ...governance.retention import remove_download
from ...providers import errors, layers
from ...providers.models import Area, Query
from ..context import current_session
from ...providers.counting import LONDON
from .base import SafeStatsAlgorithm, destination_text, input_layer, refuse
from ...governance.i18n import tr

#: datasets of the SafeStats catalogue with individual records (docs/api.md); the store
#: decides which of them the signed-in user's organisation may load
KNOWN_DATASETS = ("mps_crime", "colp_crime", "btp_crime", "las_incidents", "lfb_incidents",
                  "istv_assaults", "tfl_bus_incidents", "rnli_launches")
NOT_SIGNED_IN = QT_TRANSLATE_NOOP(
    "SafeStats",
    "You are not signed in to SafeStats. Sign in from the SafeStats toolbar (accepting the "
                 "conditions of use and choosing your purpose), then run this algorithm again.")


def split_categories(text: str) -> tuple[str, ...]:
    """One category per line, or several separated by "|" (category names may hold commas)."""
    parts = []
    for line in (text or "").replace("|", "\n").splitlines():
        line = line.strip()
        if line and line not in parts:
            parts.append(line)
    return tuple(parts)


def dataset_id(value: Any) -> str:
    """The id from an enum value ("mps_crime" or an index into KNOWN_DATASETS)."""
    if isinstance(value, int):
        return KNOWN_DATASETS[value]
    text = str(value or "").strip()
    if text.isdigit() and int(text) < len(KNOWN_DATASETS):
        return KNOWN_DATASETS[int(text)]
    return text.split()[0] if text else ""


class LoadIncidents(SafeStatsAlgorithm):
    NAME = "loadincidents"
    DISPLAY = QT_TRANSLATE_NOOP("SafeStats", "Load incidents")
    GROUP = QT_TRANSLATE_NOOP("SafeStats", "Data")
    GROUP_ID = "data"

    DATASET = "DATASET"
    START = "START"
    END = "END"
    CATEGORIES = "CATEGORIES"
    AREA = "AREA"
    EXTENT = "EXTENT"
    OUTPUT = "OUTPUT"
    ROWS = "ROWS"

    def help(self) -> str:
        return tr(
            "<p>Loads incident records from the SafeStats store you are signed in to, with the same filters "
            "as the SafeStats panel, as a point layer in British National Grid (EPSG:27700).</p>"
            "<p><b>Dataset</b>: one of the SafeStats datasets (mps_crime, colp_crime, btp_crime, las_incidents, "
            "lfb_incidents, istv_assaults, tfl_bus_incidents, rnli_launches); your organisation's data sharing "
            "agreement decides which you may load, which fields you see, the area and how far back.</p>"
            "<p><b>From / to date</b>: whole days in London time, both included; leave empty for all dates.</p>"
            "<p><b>Categories</b>: values of the dataset's category field (e.g. crime type), one per line or "
            "separated by “|”; empty for all.</p>"
            "<p><b>Area layer</b> (any polygon layer, any CRS; tick “Selected features only” to use a "
            "selection) and/or <b>extent</b>: only incidents inside.</p>"
            "<p>You must be signed in: the algorithm is refused otherwise. Each run is recorded in your "
            "client audit log (dataset, filter, purpose and row count — never the records). If you save "
            "the output to a file, keep it only as long as your work needs it.</p>")

    def initAlgorithm(self, config: Optional[dict] = None) -> None:  # noqa: N802
        self.addParameter(QgsProcessingParameterEnum(
            self.DATASET, tr("Dataset"), options=list(KNOWN_DATASETS), defaultValue=KNOWN_DATASETS[0],
            usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterDateTime(
            self.START, tr("From date (London time, included)"), compat.DATETIME_DATE,
            optional=True))
        self.addParameter(QgsProcessingParameterDateTime(
            self.END, tr("To date (London time, included)"), compat.DATETIME_DATE,
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.CATEGORIES, tr("Categories (one per line, or separated by |)"), multiLine=True,
            optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.AREA, tr("Only incidents inside these polygons"), [compat.SOURCE_VECTOR_POLYGON],
            optional=True))
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("Only incidents inside this extent"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Incidents"),
                                                            compat.SOURCE_VECTOR_POINT))
        self.addOutput(QgsProcessingOutputNumber(self.ROWS, tr("Number of incidents loaded")))

    def checkParameterValues(self, parameters: dict, context: QgsProcessingContext):  # noqa: N802
        session = current_session()
        if session is None or not session.is_signed_in:
            return False, tr(NOT_SIGNED_IN)
        return super().checkParameterValues(parameters, context)

    # -------------------------------------------------------------- run

    def _date(self, parameters: dict, name: str, context: QgsProcessingContext) -> Optional[date]:
        if parameters.get(name) in (None, ""):
            return None
        qd = self.parameterAsDateTime(parameters, name, context)
        if qd is None or not qd.isValid():
            return None
        d = qd.date()
        return date(d.year(), d.month(), d.day())

    def _area(self, parameters: dict, context: QgsProcessingContext) -> Optional[Area]:
        source = self.parameterAsSource(parameters, self.AREA, context) if parameters.get(self.AREA) else None
        if source is not None:
            geoms = [f.geometry() for f in source.getFeatures()]
            lyr = input_layer(self, parameters, self.AREA, context)
            label = tr("{0} polygon(s) of {1}").format(len(geoms), lyr.name() if lyr else tr("the area layer"))
            return area_helpers.polygon_area(geoms, source.sourceCrs(), label, context.project()).area
        if parameters.get(self.EXTENT):
            rect = self.parameterAsExtent(parameters, self.EXTENT, context)
            if rect is not None and not rect.isEmpty():
                crs = self.parameterAsExtentCrs(parameters, self.EXTENT, context)
                return area_helpers.bbox_area(rect, crs, tr("Extent"), context.project())
        return None

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict:
        session = current_session()
        if session is None or not session.is_signed_in:
            raise refuse(tr(NOT_SIGNED_IN))
        ds = dataset_id(self.parameterAsEnumString(parameters, self.DATASET, context)
                        if hasattr(self, "parameterAsEnumString") else parameters.get(self.DATASET))
        start, end = self._date(parameters, self.START, context), self._date(parameters, self.END, context)
        if start and end and start > end:
            raise refuse(tr("The “from” date is after the “to” date."))
        cats = split_categories(self.parameterAsString(parameters, self.CATEGORIES, context))
        try:
            client = session.client
            info = client.collection(ds)
            if info.aggregate_only:
                raise errors.AggregateOnly()
            categories: dict[str, tuple[str, ...]] = {}
            if cats:
                field = info.field(info.category_field or "")
                if field is None:
                    raise errors.InvalidFilter(tr("The dataset {0} has no category field to filter on.").format(ds))
                unknown = [c for c in cats if field.categories and c not in field.categories]
                if unknown:
                    raise errors.InvalidFilter(tr("Not categories of {0} ({1}): {2}. Choose from: {3}").format(
                        info.title, field.name, "; ".join(unknown), "; ".join(field.categories or ())))
                categories = {field.name: cats}
            query = Query(ds, start=datetime(start.year, start.month, start.day, tzinfo=LONDON) if start else None,
                          end=(datetime(end.year, end.month, end.day, tzinfo=LONDON) + timedelta(days=1)
                               - timedelta(seconds=1)) if end else None,
                          categories=categories, area=self._area(parameters, context))
            feedback.pushInfo(tr("Loading {0}: {1}").format(info.title, query.describe()))
            path = session.cache.new_path(ds)

            def progress(received: int, total: Optional[int]) -> None:
                if total:
                    feedback.setProgress(min(80.0, 80.0 * received / total))

            result = client.download_fgb(query, path, feedback=feedback, progress=progress)
        except errors.LoadCancelled:
            return {}
        except errors.SafeStatsError as exc:
            self.audit("load", feedback, dataset=ds, error=exc.code)
            raise refuse(exc.user_message) from exc
        except ValueError as exc:
            raise refuse(str(exc)) from exc
        try:
            rows, dest = self._copy(path, parameters, context, feedback, result.rows)
        finally:
            remove_download(path)
        self.audit("load", feedback, dataset=ds, filter=query.to_params(), filter_text=query.describe(),
                   rows=rows, bytes=result.bytes, destination=destination_text(dest, context))
        store, purpose = session.store_url or "", session.purpose or ""
        purpose_label = getattr(session, "purpose_label", "") or ""
        user = session.user.username if session.user else ""

        def describe(layer: Any) -> None:
            if isinstance(layer, QgsVectorLayer):
                layers.describe_layer(layer, info, query, store_url=store, purpose=purpose, user=user,
                                      extracted_at=layers.now_utc(), rows=rows, purpose_label=purpose_label)
                if not layer.name() or layer.name() in ("output", "Incidents"):
                    layer.setName(layers.layer_title(info, query))

        self.hand_off(dest, info.protective_marking or "OFFICIAL-SENSITIVE", {}, info.attribution, describe)
        return {self.OUTPUT: dest, self.ROWS: rows}

    def _copy(self, path: Path, parameters: dict, context: QgsProcessingContext, feedback: QgsProcessingFeedback,
              expected: Optional[int]) -> tuple[int, str]:
        layer = QgsVectorLayer(str(path), "incidents", "ogr")
        if not layer.isValid():
            raise refuse(errors.DownloadIncomplete.default_message)
        sink, dest = self.output_sink(parameters, self.OUTPUT, context, layer.fields(), layer.wkbType(),
                                          layer.crs())
        total = max(1, layer.featureCount())
        n = 0
        for f in layer.getFeatures():
            if feedback.isCanceled():
                break
            sink.add(QgsFeature(f))
            n += 1
            if n % 1000 == 0:
                feedback.setProgress(80 + 20.0 * n / total)
        del layer
        if expected is not None and n != expected and not feedback.isCanceled():
            raise refuse(errors.DownloadIncomplete.default_message)
        return n, dest
