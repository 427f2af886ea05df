"""Processing algorithm "Compare periods": change in incidents per polygon between two date ranges."""
from __future__ import annotations

from datetime import date
from typing import Optional

from qgis.core import (QgsFeature, QgsProcessingContext, QgsProcessingFeedback,
                       QgsProcessingParameterDateTime, QgsProcessingParameterFeatureSink, QgsWkbTypes)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ...providers import compat
from ...providers import counting, spatial
from .base import (SafeStatsAlgorithm, as_multi, destination_text, input_layer, refuse,
                   suppression_help)
from .common import (TIME_FIELD, date_field_parameter, field_name, incidents_parameter, int_field,
                     output_fields, pick_field, polygons_parameter, real_field, text_field, threshold_parameter)
from ...governance.i18n import tr

A, B = "A", "B"


class ComparePeriods(SafeStatsAlgorithm):
    NAME = "compareperiods"
    DISPLAY = QT_TRANSLATE_NOOP("SafeStats", "Compare periods")

    INCIDENTS = "INCIDENTS"
    POLYGONS = "POLYGONS"
    DATE_FIELD = "DATE_FIELD"
    A_START, A_END, B_START, B_END = "A_START", "A_END", "B_START", "B_END"
    THRESHOLD = "THRESHOLD"
    OUTPUT = "OUTPUT"

    def help(self) -> str:
        return tr(
            "<p>Counts incidents in each polygon in two periods — A (e.g. last year) and B (e.g. this year) — "
            "and the change from A to B. Periods are whole days in London time, both ends included; the "
            "incidents layer must cover both (load it with a date range spanning them).</p>"
            "<p>Output fields: <i>count_a</i>, <i>count_b</i> and their printed labels, <i>change</i>, "
            "<i>change_pct</i> (percent of A), <i>change_label</i> and <i>suppressed</i>.</p>"
            "<p>The change is withheld whenever either count is suppressed: otherwise the change and the "
            "shown count would give the hidden count back.</p>") + suppression_help()

    def initAlgorithm(self, config: Optional[dict] = None) -> None:  # noqa: N802
        self.addParameter(incidents_parameter(self.INCIDENTS))
        self.addParameter(polygons_parameter(self.POLYGONS))
        self.addParameter(date_field_parameter(self.INCIDENTS, self.DATE_FIELD))
        for name, text in ((self.A_START, QT_TRANSLATE_NOOP("SafeStats", "Period A: from date")),
                           (self.A_END, QT_TRANSLATE_NOOP("SafeStats", "Period A: to date")),
                           (self.B_START, QT_TRANSLATE_NOOP("SafeStats", "Period B: from date")),
                           (self.B_END, QT_TRANSLATE_NOOP("SafeStats", "Period B: to date"))):
            self.addParameter(QgsProcessingParameterDateTime(name, tr(text), compat.DATETIME_DATE))
        self.addParameter(threshold_parameter(self.THRESHOLD))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Change between periods"),
                                                            compat.SOURCE_VECTOR_POLYGON))

    def _date(self, parameters: dict, name: str, context: QgsProcessingContext) -> date:
        qdt = self.parameterAsDateTime(parameters, name, context)
        if qdt is None or not qdt.isValid():
            raise refuse(tr("Enter a date for “{0}”.").format(self.parameterDefinition(name).description()))
        d = qdt.date()
        return date(d.year(), d.month(), d.day())

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict:
        incidents = self.parameterAsSource(parameters, self.INCIDENTS, context)
        polygons_source = self.parameterAsSource(parameters, self.POLYGONS, context)
        in_layer = input_layer(self, parameters, self.INCIDENTS, context)
        threshold = self.parameterAsInt(parameters, self.THRESHOLD, context)
        a = (self._date(parameters, self.A_START, context), self._date(parameters, self.A_END, context))
        b = (self._date(parameters, self.B_START, context), self._date(parameters, self.B_END, context))
        for start, end in (a, b):
            if start > end:
                raise refuse(tr("A period's “from” date ({0}) is after its “to” date ({1}).").format(start, end))
        bounds = {A: counting.day_bounds(*a), B: counting.day_bounds(*b)}
        date_field = pick_field(incidents.fields(), field_name(self, parameters, self.DATE_FIELD, context),
                                (TIME_FIELD,), tr("date/time"))
        date_idx = incidents.fields().indexOf(date_field)

        polys = spatial.read_polygons(polygons_source, feedback)
        index = spatial.PolygonIndex(polys)

        def key(f: QgsFeature) -> tuple[str, ...]:
            dt = counting.to_utc(f.attribute(date_idx))
            return tuple(p for p in (A, B) if counting.in_period(dt, bounds[p]))

        points = spatial.iter_points(incidents, polys.crs, context.transformContext(), feedback)
        assigned, n_points = spatial.assign(points, index, key, feedback, incidents.featureCount())
        if feedback.isCanceled():
            return {}
        flat = {fid: [p for keys in lists for p in keys] for fid, lists in assigned.items()}
        rows = [f.id() for f in polys.features]
        table = counting.suppress(counting.tally(flat), rows, [A, B], threshold)

        extra = [int_field("count_a", tr("Incidents in period A ({0} to {1})").format(*a)),
                 text_field("label_a", tr("Period A (as printed)")),
                 int_field("count_b", tr("Incidents in period B ({0} to {1})").format(*b)),
                 text_field("label_b", tr("Period B (as printed)")),
                 int_field("change", tr("Change A to B")),
                 real_field("change_pct", tr("Change A to B (% of A)")),
                 text_field("change_label", tr("Change (as printed)")),
                 text_field("suppressed", tr("Suppressed"))]
        out_fields = output_fields(polygons_source.fields(), extra)
        sink, dest = self.output_sink(parameters, self.OUTPUT, context, out_fields,
                                          QgsWkbTypes.multiType(polygons_source.wkbType()), polys.crs)
        for feat in polys.features:
            ca, cb = table.cell(feat.id(), A), table.cell(feat.id(), B)
            diff, pct, label = counting.change_cells(ca, cb)
            status = ca.flag or cb.flag
            out = QgsFeature(out_fields)
            geom = as_multi(feat.geometry())
            if geom is not None:
                out.setGeometry(geom)
            out.setAttributes(list(feat.attributes()) + [ca.count, ca.label, cb.count, cb.label, diff, pct, label,
                                                         status])
            sink.add(out)
        feedback.setProgress(100)
        self.audit("count", feedback, layer=in_layer, rows=n_points,
                   filter_text=tr("{0} areas; period A {1} to {2}; period B {3} to {4}; threshold {5}; "
                                       "{6} primary and {7} secondary suppressed").format(
                       len(rows), a[0], a[1], b[0], b[1], threshold, *table.status_counts([A, B])),
                   destination=destination_text(dest, context))
        self.hand_off_derived(dest, in_layer)
        return {self.OUTPUT: dest}
