"""Processing algorithms "Hotspots (kernel density)" and "Hotspots (hexagon counts)".

Both work in EPSG:27700 metres (incidents in another CRS are reprojected first) and are made for
printed maps, with disclosure control:

* kernel density: raw quartic kernel (each incident adds at most 1), then every cell with a value
  below the threshold is set to no-data — a cell left visible has at least ``threshold``
  incidents within the radius, so a lone incident never shows as its own hotspot;
* hexagons: counts per hexagon with primary and secondary suppression (the grid total is
  known from the layer, so one hidden hexagon could otherwise be recovered by subtraction).
"""
from __future__ import annotations

from typing import Any, Optional

from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsFeature,
                       QgsFields, QgsProcessingContext, QgsProcessingFeedback,
                       QgsProcessingParameterDistance, QgsProcessingParameterExtent,
                       QgsProcessingParameterFeatureSink, QgsProcessingParameterRasterDestination)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ...providers import compat
from ...providers import counting, spatial
from .base import (SafeStatsAlgorithm, destination_text, input_layer, refuse,
                   suppression_help)
from .common import incidents_parameter, int_field, text_field, threshold_parameter
from ...governance.i18n import tr

BNG = QgsCoordinateReferenceSystem("EPSG:27700")
KDE_IDS = ("native:heatmapkerneldensityestimation", "qgis:heatmapkerneldensityestimation")


def kde_algorithm_id() -> str:
    """The heatmap (KDE) algorithm of this QGIS: native in newer releases, Python in 3.22."""
    registry = QgsApplication.processingRegistry()
    for alg_id in KDE_IDS:
        if registry.algorithmById(alg_id) is not None:
            return alg_id
    raise refuse(tr("QGIS's “Heatmap (Kernel Density Estimation)” algorithm is not available. Enable the "
                    "Processing plugin (Plugins > Manage and Install Plugins) and try again."))


def mask_below(path: str, threshold: float) -> tuple[int, int]:
    """Set cells below ``threshold`` to no-data in place; returns (cells kept, cells masked)."""
    from osgeo import gdal

    ds = gdal.Open(path, gdal.GA_Update)
    if ds is None:
        raise refuse(tr("The density raster could not be opened for disclosure control."))
    band = ds.GetRasterBand(1)
    nodata = band.GetNoDataValue()
    if nodata is None:
        nodata = -9999.0
        band.SetNoDataValue(nodata)
    data = band.ReadAsArray().astype("float64")
    valid = data != nodata
    low = valid & (data < threshold)
    data[low] = nodata
    band.WriteArray(data)
    band.FlushCache()
    kept = int((valid & ~low).sum())
    ds = None  # noqa: F841 - closes the file
    return kept, int(low.sum())


class _Hotspots(SafeStatsAlgorithm):
    GROUP = QT_TRANSLATE_NOOP("SafeStats", "Hotspots")
    GROUP_ID = "hotspots"
    INCIDENTS = "INCIDENTS"
    EXTENT = "EXTENT"
    THRESHOLD = "THRESHOLD"

    def _source(self, parameters: dict, context: QgsProcessingContext, feedback: QgsProcessingFeedback) -> Any:
        """The incidents (reprojected to EPSG:27700 where needed by each algorithm)."""
        source = self.parameterAsSource(parameters, self.INCIDENTS, context)
        if source is None:
            raise refuse(tr("Choose an incidents layer."))
        return source

    def _extent(self, parameters: dict, context: QgsProcessingContext) -> Any:
        """The optional "Only this extent" in EPSG:27700, or None for all incidents."""
        if not parameters.get(self.EXTENT):
            return None
        extent = self.parameterAsExtent(parameters, self.EXTENT, context, BNG)
        return None if extent is None or extent.isEmpty() else extent

    def _remember(self, dest: str, layer: Any) -> None:
        self.hand_off_derived(dest, layer)


class HotspotsKernelDensity(_Hotspots):
    NAME = "hotspotskde"
    DISPLAY = QT_TRANSLATE_NOOP("SafeStats", "Hotspots (kernel density)")
    RADIUS = "RADIUS"
    PIXEL_SIZE = "PIXEL_SIZE"
    OUTPUT = "OUTPUT"

    def help(self) -> str:
        return tr(
            "<p>A kernel density (heatmap) raster of incidents in British National Grid metres, for a printed "
            "hotspot map. Uses QGIS's “Heatmap (Kernel Density Estimation)” with a quartic kernel and raw "
            "values, so a cell's value is a weighted number of incidents within the radius.</p>"
            "<p><b>Disclosure control</b>: each incident adds at most 1 to a cell, so cells below the "
            "threshold (default 5) are set to no-data. Every visible cell has at least that many incidents "
            "within the radius; a single incident never shows as its own hotspot.</p>"
            "<p>Radius 250–500 m and pixels of 10–25 m suit a ward or borough map.</p>")

    def initAlgorithm(self, config: Optional[dict] = None) -> None:  # noqa: N802
        self.addParameter(incidents_parameter(self.INCIDENTS))
        self.addParameter(QgsProcessingParameterDistance(self.RADIUS, tr("Radius (metres)"), 300.0,
                                                         minValue=10.0, maxValue=20000.0))
        self.addParameter(QgsProcessingParameterDistance(self.PIXEL_SIZE, tr("Pixel size (metres)"), 25.0,
                                                         minValue=1.0, maxValue=5000.0))
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("Only this extent"), optional=True))
        self.addParameter(threshold_parameter(self.THRESHOLD))
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT, tr("Hotspot density")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict:
        import processing  # QGIS's Processing plugin (always present in QGIS desktop)

        source = self._source(parameters, context, feedback)
        layer = input_layer(self, parameters, self.INCIDENTS, context)
        radius = self.parameterAsDouble(parameters, self.RADIUS, context)
        pixel = self.parameterAsDouble(parameters, self.PIXEL_SIZE, context)
        threshold = self.parameterAsInt(parameters, self.THRESHOLD, context)
        if source.featureCount() < threshold:
            raise refuse(tr("Fewer than {0} incidents: there is no hotspot map that would not show "
                                 "individual incidents.").format(threshold))
        points: Any = parameters[self.INCIDENTS]
        if source.sourceCrs() != BNG:
            feedback.pushInfo(tr("Reprojecting incidents to EPSG:27700"))
            points = processing.run("native:reprojectlayer", {"INPUT": parameters[self.INCIDENTS],
                                                              "TARGET_CRS": BNG, "OUTPUT": "memory:"},
                                    context=context, feedback=feedback, is_child_algorithm=True)["OUTPUT"]
        extent = self._extent(parameters, context)
        if extent is not None:  # the map covers this extent (plus the radius) only
            points = processing.run("native:extractbyextent", {
                "INPUT": points, "EXTENT": f"{extent.xMinimum()},{extent.xMaximum()},{extent.yMinimum()},"
                f"{extent.yMaximum()} [EPSG:27700]", "CLIP": False, "OUTPUT": "memory:"},
                context=context, feedback=feedback, is_child_algorithm=True)["OUTPUT"]
            kept_points = context.getMapLayer(points) if isinstance(points, str) else points
            if kept_points is not None and kept_points.featureCount() < threshold:
                raise refuse(tr("Fewer than {0} incidents in that extent: there is no hotspot map that "
                                     "would not show individual incidents.").format(threshold))
        output = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        feedback.setProgressText(tr("Kernel density"))
        result = processing.run(kde_algorithm_id(), {
            "INPUT": points, "RADIUS": radius, "PIXEL_SIZE": pixel, "KERNEL": 0, "DECAY": 0,
            "OUTPUT_VALUE": 0, "OUTPUT": output}, context=context, feedback=feedback, is_child_algorithm=True)
        path = result["OUTPUT"]
        kept, masked = mask_below(path, float(threshold))
        feedback.pushInfo(tr("{0} cells kept; {1} cells with fewer than {2} incidents in reach left "
                                  "blank.").format(kept, masked, threshold))
        self.audit("count", feedback, layer=layer, rows=source.featureCount(),
                   filter_text=tr("kernel density, radius {0} m, pixel {1} m, threshold {2}").format(
                       radius, pixel, threshold), destination=path)
        self._remember(path, layer)
        return {self.OUTPUT: path}


class HotspotsHexagons(_Hotspots):
    NAME = "hotspotshexagons"
    DISPLAY = QT_TRANSLATE_NOOP("SafeStats", "Hotspots (hexagon counts)")
    SIZE = "SIZE"
    OUTPUT = "OUTPUT"

    def help(self) -> str:
        return tr(
            "<p>Counts incidents in a regular grid of hexagons (EPSG:27700) — an even-handed alternative to "
            "a heatmap for printed maps. <b>Size</b> is the hexagon's width across flats in metres. Only "
            "hexagons with incidents are written; an optional <b>extent</b> limits the grid.</p>"
            "<p>Fields: <i>incidents</i>, <i>incidents_label</i>, <i>suppressed</i>.</p>") + suppression_help()

    def initAlgorithm(self, config: Optional[dict] = None) -> None:  # noqa: N802
        self.addParameter(incidents_parameter(self.INCIDENTS))
        self.addParameter(QgsProcessingParameterDistance(self.SIZE, tr("Hexagon size (metres across)"),
                                                         250.0, minValue=20.0, maxValue=20000.0))
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("Only this extent"), optional=True))
        self.addParameter(threshold_parameter(self.THRESHOLD))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Hexagon counts"),
                                                            compat.SOURCE_VECTOR_POLYGON))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict:
        source = self._source(parameters, context, feedback)
        layer = input_layer(self, parameters, self.INCIDENTS, context)
        size = self.parameterAsDouble(parameters, self.SIZE, context)
        threshold = self.parameterAsInt(parameters, self.THRESHOLD, context)
        extent = self._extent(parameters, context)
        counts: dict[tuple[int, int], int] = {}
        n = 0
        for _f, geom in spatial.iter_points(source, BNG, context.transformContext(), feedback):
            p = geom.asPoint() if not geom.isMultipart() else geom.asMultiPoint()[0]
            if extent is not None and not extent.contains(p):
                continue
            cell = spatial.hex_cell(p.x(), p.y(), size)
            counts[cell] = counts.get(cell, 0) + 1
            n += 1
        if feedback.isCanceled():
            return {}
        rows = sorted(counts)
        table = counting.suppress({c: {counting.ALL: counts[c]} for c in rows}, rows, [counting.ALL], threshold)
        fields = QgsFields()
        for f in (int_field("incidents", tr("Incidents")),
                  text_field("incidents_label", tr("Incidents (as printed)")),
                  text_field("suppressed", tr("Suppressed"))):
            fields.append(f)
        sink, dest = self.output_sink(parameters, self.OUTPUT, context, fields, compat.WKB_POLYGON, BNG)
        for q, r in rows:
            cell = table.cell((q, r), counting.ALL)
            feat = QgsFeature(fields)
            feat.setGeometry(spatial.hex_polygon(q, r, size))
            feat.setAttributes([cell.count, cell.label, cell.flag])
            sink.add(feat)
        n_primary, n_secondary = table.status_counts([counting.ALL])
        feedback.pushInfo(tr("{0} incidents in {1} hexagons; {2} suppressed below {3} and {4} more to "
                                  "protect them.").format(n, len(rows), n_primary, threshold, n_secondary))
        self.audit("count", feedback, layer=layer, rows=n,
                   filter_text=tr("hexagons {0} m, threshold {1}; {2} primary and {3} secondary "
                                       "suppressed").format(size, threshold, n_primary, n_secondary),
                   destination=destination_text(dest, context))
        self._remember(dest, layer)
        return {self.OUTPUT: dest}
