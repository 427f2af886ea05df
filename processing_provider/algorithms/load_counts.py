"""Processing algorithm "Load counts (counts-only datasets)": one map of the closed table.

A counts-only agreement publishes cells of one fixed table, so this algorithm asks exactly what
the SafeStats panel asks (``models.CountsQuery``): one period (a calendar month ``YYYY-MM`` or a
financial year ``FYyyyy``), an area unit (boroughs, wards, or hexagons of 500/1000/2000 m),
optionally only within one borough, and optionally one category. Anything else is refused with
what is allowed; the store enforces the same.
"""
from __future__ import annotations

import json
from typing import Any, Optional

from qgis.core import (QgsFeature, QgsProcessingContext, QgsProcessingFeedback,
                       QgsProcessingOutputNumber, QgsProcessingParameterEnum, QgsProcessingParameterFeatureSink,
                       QgsProcessingParameterString, QgsVectorLayer)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ...providers import compat
from ...governance.retention import remove_file
from ...providers import errors, layers
from ...providers.models import CountsQuery, available_periods
from ..context import current_session
from .base import SafeStatsAlgorithm, destination_text, refuse
from .load_incidents import NOT_SIGNED_IN
from ...governance.i18n import tr

#: datasets some agreements give as counts only (the store decides which are counts-only for you)
COUNT_DATASETS = ("mps_crime", "colp_crime", "btp_crime", "las_incidents", "lfb_incidents", "istv_assaults",
                  "tfl_bus_incidents", "rnli_launches", "ndtms_treatment")
UNITS = ("borough", "ward", "hex:500", "hex:1000", "hex:2000")
CLOSED_TABLE = QT_TRANSLATE_NOOP(
    "SafeStats",
    "Counts-only data is a fixed table: one period (a calendar month YYYY-MM or a financial year FYyyyy, "
    "e.g. FY2025 = April 2025 to March 2026), boroughs, wards or hexagons of 500, 1000 or 2000 m (optionally "
    "within one borough, given as its E09 code) and at most one category.")


class LoadCounts(SafeStatsAlgorithm):
    NAME = "loadcounts"
    DISPLAY = QT_TRANSLATE_NOOP("SafeStats", "Load counts (counts-only datasets)")
    GROUP = QT_TRANSLATE_NOOP("SafeStats", "Data")
    GROUP_ID = "data"

    DATASET = "DATASET"
    PERIOD = "PERIOD"
    UNIT = "UNIT"
    WITHIN = "WITHIN"
    CATEGORY = "CATEGORY"
    OUTPUT = "OUTPUT"
    AREAS = "AREAS"

    def help(self) -> str:
        return tr(
            "<p>Loads counts per area of a dataset your organisation's agreement gives as <b>counts only</b>, "
            "as a polygon layer (fields <i>code</i>, <i>name</i>, <i>count</i>, <i>suppressed</i>).</p>"
            "<p>{0}</p>"
            "<p>The values are published with cell-key perturbation: each is moved by a small random amount "
            "(the same every time), counts below 5 are suppressed and the rest rounded to 5. Totals need not "
            "add up. Each run is recorded in your client audit log.</p>").format(tr(CLOSED_TABLE))

    def initAlgorithm(self, config: Optional[dict] = None) -> None:  # noqa: N802
        self.addParameter(QgsProcessingParameterEnum(
            self.DATASET, tr("Dataset"), options=list(COUNT_DATASETS), defaultValue=COUNT_DATASETS[0],
            usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterString(
            self.PERIOD, tr("Period (YYYY-MM or FYyyyy; empty = the latest month)"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.UNIT, tr("Counts by"), options=list(UNITS), defaultValue="ward", usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterString(
            self.WITHIN, tr("Only within this borough (E09 code; empty = your whole agreement area)"),
            optional=True))
        self.addParameter(QgsProcessingParameterString(self.CATEGORY, tr("One category (empty = all)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Counts"),
                                                            compat.SOURCE_VECTOR_POLYGON))
        self.addOutput(QgsProcessingOutputNumber(self.AREAS, tr("Number of areas")))

    def checkParameterValues(self, parameters: dict, context: QgsProcessingContext):  # noqa: N802
        session = current_session()
        if session is None or not session.is_signed_in:
            return False, tr(NOT_SIGNED_IN)
        return super().checkParameterValues(parameters, context)

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict:
        session = current_session()
        if session is None or not session.is_signed_in:
            raise refuse(tr(NOT_SIGNED_IN))
        ds = str(self.parameterAsEnumString(parameters, self.DATASET, context) or "")
        unit, _sep, size = str(self.parameterAsEnumString(parameters, self.UNIT, context) or "ward").partition(":")
        period = self.parameterAsString(parameters, self.PERIOD, context).strip()
        within = self.parameterAsString(parameters, self.WITHIN, context).strip() or None
        category = self.parameterAsString(parameters, self.CATEGORY, context).strip() or None
        path = session.cache.new_path(ds or "counts", ".geojson")
        try:
            info = session.client.collection(ds)
            if not info.aggregate_only:
                raise refuse(tr("Your organisation's agreement gives individual records of {0}: use “Load "
                                     "incidents” and count them with “Count incidents in polygons”.").format(ds))
            periods = available_periods(info)
            period = period or next((p for p in periods if not p.startswith("FY")), "")
            if period not in periods:
                raise refuse(tr("“{0}” is not a period you may ask for. {1} Available: {2}.").format(
                    period, tr(CLOSED_TABLE), ", ".join(periods[:3] + ["…"] + periods[-2:])))
            query = CountsQuery(ds, period, unit=unit, hex_size=int(size) if size else None, within=within,
                                category=category)
            feedback.pushInfo(tr("Loading {0}: {1}").format(info.title, query.describe()))
            data = session.client.aggregates(ds, query.aggregate_params(), feedback)
            path.write_text(json.dumps(data), encoding="utf-8")
        except errors.LoadCancelled:
            return {}
        except errors.SafeStatsError as exc:
            self.audit("load_counts", feedback, dataset=ds, error=exc.code)
            raise refuse(exc.user_message) from exc
        except ValueError as exc:
            raise refuse(f"{exc}. {tr(CLOSED_TABLE)}") from exc
        try:
            layer = QgsVectorLayer(str(path), "counts", "ogr")
            if not layer.isValid():
                raise refuse(errors.DownloadIncomplete.default_message)
            sink, dest = self.output_sink(parameters, self.OUTPUT, context, layer.fields(), layer.wkbType(),
                                              layer.crs())
            n = 0
            for f in layer.getFeatures():
                sink.add(QgsFeature(f))
                n += 1
            del layer
        finally:
            remove_file(path)
        self.audit("load_counts", feedback, dataset=ds, filter=query.to_params(), filter_text=query.describe(),
                   rows=n, areas=n, area_unit=unit, period=period, destination=destination_text(dest, context))
        block = data.get("disclosure") if isinstance(data.get("disclosure"), dict) else {}
        store, purpose = session.store_url or "", session.purpose or ""
        user = session.user.username if session.user else ""

        def describe(layer: Any) -> None:
            if isinstance(layer, QgsVectorLayer):
                layers.describe_layer(layer, info, query, store_url=store, purpose=purpose, user=user,
                                      extracted_at=layers.now_utc(), rows=n)
                md = layer.metadata()
                md.setAbstract(counts_note(block) + "\n\n" + md.abstract())
                layer.setMetadata(md)

        self.hand_off(dest, info.protective_marking or "OFFICIAL-SENSITIVE", {}, info.attribution, describe)
        return {self.OUTPUT: dest, self.AREAS: n}


def counts_note(block: dict) -> str:
    threshold, base = int(block.get("threshold") or 5), int(block.get("rounded_to") or 5)
    return tr("Counts are published with cell-key perturbation: each value is moved by a small random amount (the "
              "same every time), counts below {0} are suppressed and the rest are rounded to the nearest {1}. "
              "Totals need not add up to the sum of their parts.").format(threshold, base)
