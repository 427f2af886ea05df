"""The plugin's one translation context for Python code: ``tr(text)``.

Every user-facing string in the plugin's Python modules goes through :func:`tr`, which asks Qt
for ``QCoreApplication.translate("SafeStats", text)``. ``.ui`` forms keep Qt's own per-form
contexts. How the catalogue is built: docs/translating.md.
"""
from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication

CONTEXT = "SafeStats"


def tr(text: str) -> str:
    """``text`` in the user's language (as it is when the catalogue has no translation)."""
    return QCoreApplication.translate(CONTEXT, text)
