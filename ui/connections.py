"""Signal connections that are undone together (``plugin.py`` and the load controller on unload)."""
from __future__ import annotations

from typing import Any, List, Tuple


class Connections:
    """``connect(signal, slot)`` now; ``disconnect_all()`` later, quietly if either side has gone."""

    def __init__(self) -> None:
        self._pairs: List[Tuple[Any, Any]] = []

    def connect(self, signal: Any, slot: Any) -> None:
        signal.connect(slot)
        self._pairs.append((signal, slot))

    def disconnect_all(self) -> None:
        for signal, slot in self._pairs:
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):  # already disconnected, or the C++ object is deleted
                pass
        self._pairs.clear()
