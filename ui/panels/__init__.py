"""The dock's panels: one widget per job, each with its own ``.ui`` and the code that drives it.

``datasets`` (the agreement's datasets and their details), ``when`` (period, days, hours), ``what``
(categories), ``where`` (area, with the drawing map tool and its rubber band), ``counts`` (the
closed table of a counts-only dataset), ``style`` (preset and the style of the selected layer) and
``count_controller`` (no widgets: the live count and the count-then-load state machine).  ``ui/dock.py`` only holds them and wires their signals.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, List, Optional

from qgis.PyQt import uic
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

ICONS = Path(__file__).resolve().parent.parent.parent / "icons"


def tr(text: str) -> str:
    """For module-level text and constants (pylupdate5 files it under @default; the translator falls back there)."""
    return QCoreApplication.translate("SafeStatsDock", text)


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
    """The background tasks a panel or the dock started: ``run`` one, ``detach_all`` on unload
    (a detached task's answer is dropped)."""

    def __init__(self) -> None:
        self.tasks: List[Any] = []

    def run(self, description: str, fn: Callable[[Any], Any],
            done: Callable[[Any, Optional[BaseException]], None]) -> None:
        from ..background import run_task

        def finished(result: Any, error: Optional[BaseException]) -> None:
            self.tasks[:] = [t for t in self.tasks if t is not task]
            done(result, error)

        task = run_task(description, fn, finished)
        self.tasks.append(task)

    def detach_all(self) -> None:
        for task in self.tasks:
            task.detach()
        self.tasks.clear()
