"""The dock's panels: one widget per job, each with its own ``.ui`` and the code that drives it.

``datasets`` (the agreement's datasets and their details), ``when`` (period, days, hours), ``what``
(categories), ``where`` (area, with the drawing map tool and its rubber band), ``counts`` (the
closed table of a counts-only dataset), ``style`` (preset and the style of the selected layer) and
``count_controller`` (no widgets: the live count and the count-then-load state machine).  ``ui/dock.py`` only holds them and wires their signals.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from qgis.PyQt import uic
from qgis.PyQt.QtGui import QIcon

from ...providers.tasks import REGISTRY, run_task

ICONS = Path(__file__).resolve().parent.parent.parent / "icons"


def icon(name: str) -> QIcon:
    return QIcon(str(ICONS / name))


def form(ui_name: str) -> Any:
    """The form class of ``ui/panels/<ui_name>`` (what ``setupUi`` builds)."""
    return uic.loadUiType(str(Path(__file__).with_name(ui_name)))[0]


def fit_rows(view: Any, rows: int, minimum_rows: int = 1) -> None:
    """Give a list view the height of ``rows`` rows (at least ``minimum_rows``): sized for its content."""
    row = view.sizeHintForRow(0) if view.model() is not None and view.model().rowCount() else -1
    if row <= 0:
        row = view.fontMetrics().height() + 4
    frame = 2 * view.frameWidth()
    view.setMinimumHeight(row * max(rows, minimum_rows) + frame)


class TaskRunner:
    """The dock's background tasks, kept in the plugin's one task registry
    (``providers.tasks.REGISTRY``) under one group: ``run`` one; ``detach_all`` on unload cancels
    them and drops their answers."""

    def __init__(self, group: str = "dock") -> None:
        self.group = group

    def run(self, description: str, fn: Callable[[Any], Any],
            done: Callable[[Any, Optional[BaseException]], None]) -> None:
        run_task(description, fn, done, group=self.group)

    def detach_all(self) -> None:
        REGISTRY.cancel(self.group, detach=True)
