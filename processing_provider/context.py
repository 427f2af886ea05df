"""The plugin's ``SessionManager`` as the algorithms see it (set once by ``register_processing``).

A leaf module, so the algorithms never import the package that imports them.
"""
from __future__ import annotations

from typing import Any

_session: Any = None


def set_session(session: Any) -> None:
    """Tell the algorithms which ``SessionManager`` is the plugin's (``None`` to forget it)."""
    global _session
    _session = session


def current_session() -> Any:
    """The plugin's ``SessionManager`` (signed in or not), or ``None`` before the plugin set it."""
    return _session
