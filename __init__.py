"""SafeStats for QGIS: QGIS loads this package and calls classFactory()."""
from __future__ import annotations

from typing import Any


def classFactory(iface: Any) -> Any:  # noqa: N802 (QGIS API name)
    """Return the plugin instance for QGIS (imports are lazy so QGIS starts fast)."""
    from .plugin import SafeStatsPlugin

    return SafeStatsPlugin(iface)
