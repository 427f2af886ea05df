"""Processing algorithm "Count incidents in polygons" with small-number suppression."""
from __future__ import annotations

from typing import Hashable, Optional

from qgis.core import (QgsFeature, QgsProcessingContext, QgsProcessingFeedback,
                       QgsProcessingParameterBoolean, QgsProcessingParameterFeatureSink,
                       QgsProcessingParameterField, QgsWkbTypes)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ...providers import compat
from ...providers import counting, spatial
from .base import SafeStatsAlgorithm, as_multi, destination_text, input_layer, suppression_help
from .common import (TIME_FIELD, date_field_parameter, field_name, incidents_parameter,
                     int_field, layer_category_field, output_fields, pick_field, polygons_parameter, real_field,
                     text_field, threshold_parameter, value_text)
from ...governance.i18n import tr


class CountInPolygons(SafeStatsAlgorithm):
    NAME = "countinpolygons"
    DISPLAY = QT_TRANSLATE_NOOP("SafeStats", "Count incidents in polygons")

    INCIDENTS = "INCIDENTS"
    POLYGONS = "POLYGONS"
    SPLIT_CATEGORY = "SPLIT_CATEGORY"
    CATEGORY_FIELD = "CATEGORY_FIELD"
    SPLIT_MONTH = "SPLIT_MONTH"
    DATE_FIELD = "DATE_FIELD"
    POPULATION_FIELD = "POPULATION_FIELD"
    THRESHOLD = "THRESHOLD"
    OUTPUT = "OUTPUT"

    def help(self) -> str:
        return tr(
            "<p>Counts incidents (points) in each polygon of any area layer — wards, LSOAs, estates, patrol "
            "areas — in any CRS. A point on a shared boundary counts in every area it touches.</p>"
            "<p>Optionally split the counts by category (e.g. crime type) and/or by calendar month (London "
            "time). The output has one feature per area, or, when split, one per area and category/month "
            "plus an “All” feature with the area's total. Fields: <i>category</i>, <i>month</i>, "
            "<i>incidents</i> (the count), <i>incidents_label</i> (what to print), <i>suppressed</i> "
            "(“suppressed” or empty).</p>"
            "<p>With a <b>population field</b> of the area layer, <i>rate_per_1000</i> is incidents per "
            "1,000 people.</p>") + suppression_help()

    def initAlgorithm(self, config: Optional[dict] = None) -> None:  # noqa: N802
        self.addParameter(incidents_parameter(self.INCIDENTS))
        self.addParameter(polygons_parameter(self.POLYGONS))
        self.addParameter(QgsProcessingParameterBoolean(self.SPLIT_CATEGORY, tr("Split by category"), False))
        self.addParameter(QgsProcessingParameterField(
            self.CATEGORY_FIELD, tr("Category field (default: the dataset's category field)"), None,
            self.INCIDENTS, compat.FIELD_ANY, optional=True))
        self.addParameter(QgsProcessingParameterBoolean(self.SPLIT_MONTH, tr("Split by month"), False))
        self.addParameter(date_field_parameter(self.INCIDENTS, self.DATE_FIELD))
        self.addParameter(QgsProcessingParameterField(
            self.POPULATION_FIELD, tr("Population field of the areas (for a rate per 1,000)"), None,
            self.POLYGONS, compat.FIELD_NUMERIC, optional=True))
        self.addParameter(threshold_parameter(self.THRESHOLD))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Counts"),
                                                            compat.SOURCE_VECTOR_POLYGON))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict:
        incidents = self.parameterAsSource(parameters, self.INCIDENTS, context)
        polygons_source = self.parameterAsSource(parameters, self.POLYGONS, context)
        in_layer = input_layer(self, parameters, self.INCIDENTS, context)
        split_cat = self.parameterAsBoolean(parameters, self.SPLIT_CATEGORY, context)
        split_month = self.parameterAsBoolean(parameters, self.SPLIT_MONTH, context)
        threshold = self.parameterAsInt(parameters, self.THRESHOLD, context)
        pop_field = field_name(self, parameters, self.POPULATION_FIELD, context)
        fields = incidents.fields()
        cat_field = date_field = ""
        if split_cat:
            cat_field = pick_field(fields, field_name(self, parameters, self.CATEGORY_FIELD, context)
                                   or layer_category_field(in_layer), counting.CATEGORY_FIELDS, tr("category"))
        if split_month:
            date_field = pick_field(fields, field_name(self, parameters, self.DATE_FIELD, context),
                                    (TIME_FIELD,), tr("date/time"))
        cat_idx = fields.indexOf(cat_field) if cat_field else -1
        date_idx = fields.indexOf(date_field) if date_field else -1

        polys = spatial.read_polygons(polygons_source, feedback)
        index = spatial.PolygonIndex(polys)
        categories: set[str] = set()
        months: set[str] = set()

        def key(f: QgsFeature) -> Hashable:
            parts = []
            if cat_idx >= 0:
                c = value_text(f.attribute(cat_idx)) or counting.NO_VALUE
                categories.add(c)
                parts.append(c)
            if date_idx >= 0:
                m = counting.month_key(f.attribute(date_idx)) or counting.NO_VALUE
                months.add(m)
                parts.append(m)
            return tuple(parts) if parts else counting.ALL

        points = spatial.iter_points(incidents, polys.crs, context.transformContext(), feedback)
        assigned, n_points = spatial.assign(points, index, key, feedback, incidents.featureCount())
        if feedback.isCanceled():
            return {}
        cols = self._columns(split_cat, split_month, categories, months)
        rows = [f.id() for f in polys.features]
        table = counting.suppress(counting.tally(assigned), rows, cols, threshold)

        extra = []
        if split_cat:
            extra.append(text_field("category", tr("Category")))
        if split_month:
            extra.append(text_field("month", tr("Month")))
        extra += [int_field("incidents", tr("Incidents")),
                  text_field("incidents_label", tr("Incidents (as printed)")),
                  text_field("suppressed", tr("Suppressed"))]
        if pop_field:
            extra.append(real_field("rate_per_1000", tr("Incidents per 1,000 people")))
        out_fields = output_fields(polygons_source.fields(), extra)
        sink, dest = self.output_sink(parameters, self.OUTPUT, context, out_fields,
                                          QgsWkbTypes.multiType(polygons_source.wkbType()), polys.crs)
        written = 0
        out_cols: list[Hashable] = cols if cols == [counting.ALL] else cols + [counting.ALL]
        for feat in polys.features:
            pop = feat.attribute(pop_field) if pop_field else None
            pop = None if pop is None or (hasattr(pop, "isNull") and pop.isNull()) else pop
            for col in out_cols:
                cell = table.cell(feat.id(), col)
                values = list(feat.attributes())
                if split_cat:
                    values.append(counting.ALL if col == counting.ALL else col[0])
                if split_month:
                    values.append(counting.ALL if col == counting.ALL else col[-1])
                values += [cell.count, cell.label, cell.flag]
                if pop_field:
                    values.append(counting.rate_per_1000(cell, pop))
                out = QgsFeature(out_fields)
                geom = as_multi(feat.geometry())
                if geom is not None:
                    out.setGeometry(geom)
                out.setAttributes(values)
                sink.add(out)
                written += 1
        feedback.setProgress(100)
        n_primary, n_secondary = table.status_counts(out_cols)
        feedback.pushInfo(tr("{0} incidents read; {1} cells suppressed below {2} and {3} more to protect "
                                  "them.").format(n_points, n_primary, threshold, n_secondary))
        split = ", ".join(s for s, on in ((tr("category"), split_cat), (tr("month"), split_month)) if on)
        self.audit("count", feedback, layer=in_layer, rows=n_points,
                   filter_text=tr("{0} areas; split: {1}; threshold {2}; {3} primary and {4} secondary "
                                       "suppressed").format(len(rows), split or tr("none"), threshold,
                                                            n_primary, n_secondary),
                   destination=destination_text(dest, context))
        self.hand_off_derived(dest, in_layer)
        return {self.OUTPUT: dest}

    @staticmethod
    def _columns(split_cat: bool, split_month: bool, categories: set[str], months: set[str]) -> list[Hashable]:
        if not split_cat and not split_month:
            return [counting.ALL]
        cats = sorted(categories) if split_cat else []
        real_months = sorted(m for m in months if m != counting.NO_VALUE)
        month_list = counting.months_between(real_months[0], real_months[-1]) if real_months else []
        if counting.NO_VALUE in months:
            month_list.append(counting.NO_VALUE)
        if split_cat and split_month:
            return [(c, m) for c in cats for m in month_list]
        if split_cat:
            return [(c,) for c in cats]
        return [(m,) for m in month_list]
