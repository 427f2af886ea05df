"""The "SafeStats" Processing provider (toolbox, graphical modeler, batch mode).

The plugin hands its ``SessionManager`` over once, at start-up::

    from .processing_provider import register_processing, unregister_processing
    self.processing_provider = register_processing(self.session)   # initGui()
    unregister_processing(self.processing_provider)                 # unload()

``current_session()`` is the module-level accessor the algorithms use: "Load incidents"
needs a signed-in session and is refused with a plain message otherwise; the other
algorithms work on layers already loaded and use the session (when there is one) only to
say who did what in the client audit log.
"""
from __future__ import annotations

from typing import Any, Optional

from .context import current_session, set_session

__all__ = ["current_session", "register_processing", "set_session", "unregister_processing"]


def register_processing(session: Any = None) -> Any:
    """Create the provider, add it to QGIS's Processing registry and return it."""
    from qgis.core import QgsApplication

    from .provider import SafeStatsProvider

    if session is not None:
        set_session(session)
    provider = SafeStatsProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    return provider


def unregister_processing(provider: Optional[Any]) -> None:
    """Remove the provider added by ``register_processing`` and forget the session."""
    from qgis.core import QgsApplication

    if provider is not None:
        registry = QgsApplication.processingRegistry()
        if registry.providerById(provider.id()) is not None:
            registry.removeProvider(provider)
    set_session(None)
