"""``SafeStatsProvider``: the algorithms of the "SafeStats" group in the Processing toolbox."""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms.compare_periods import ComparePeriods
from .algorithms.count_in_polygons import CountInPolygons
from .algorithms.hotspots import HotspotsHexagons, HotspotsKernelDensity
from .algorithms.load_counts import LoadCounts
from .algorithms.load_incidents import LoadIncidents
from ..governance.i18n import tr

ICON = Path(__file__).resolve().parent.parent.parent / "icons" / "safestats.svg"
PROVIDER_ID = "safestats"


class SafeStatsProvider(QgsProcessingProvider):
    def id(self) -> str:
        return PROVIDER_ID

    def name(self) -> str:
        return "SafeStats"

    def longName(self) -> str:  # noqa: N802 - QGIS API
        return tr("SafeStats community safety data")

    def icon(self) -> QIcon:
        return QIcon(str(ICON))

    def svgIconPath(self) -> str:  # noqa: N802 - QGIS API
        return str(ICON)

    def loadAlgorithms(self) -> None:  # noqa: N802 - QGIS API
        for alg in (LoadIncidents(), LoadCounts(), CountInPolygons(), ComparePeriods(), HotspotsKernelDensity(),
                    HotspotsHexagons()):
            self.addAlgorithm(alg)
