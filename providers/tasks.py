"""Run a function in a QgsTask and get its result (or typed error) back on the main thread.

Network code (providers) is blocking and thread-safe; widgets never are.  ``run_task`` runs the
function in QGIS's task manager and calls ``on_done(result, error)`` from ``QgsTask.finished``
(main thread), so the UI never blocks and never touches a widget off the UI thread.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Set

from qgis.core import QgsApplication, QgsFeedback, QgsTask

from . import compat

Done = Callable[[Any, Optional[BaseException]], None]

_RUNNING: Set["FunctionTask"] = set()  # keep Python wrappers alive while QGIS runs them


class FunctionTask(QgsTask):
    """``fn(feedback)`` in a worker thread; ``on_done(result, error)`` on the main thread."""

    def __init__(self, description: str, fn: Callable[[QgsFeedback], Any], on_done: Optional[Done],
                 flags: QgsTask.Flags = QgsTask.Flag.CanCancel) -> None:
        super().__init__(description, flags)
        self._fn = fn
        self._on_done = on_done
        self.feedback = QgsFeedback()
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self._delivered = False

    def cancel(self) -> None:  # noqa: D401 - Qt override
        self.feedback.cancel()
        super().cancel()

    def run(self) -> bool:
        try:
            self.result = self._fn(self.feedback)
            return True
        except BaseException as exc:  # delivered to the main thread, mapped by ui.messages
            self.error = exc
            return False

    def finished(self, ok: bool) -> None:
        _RUNNING.discard(self)
        if self._delivered:
            return
        self._delivered = True
        callback, self._on_done = self._on_done, None
        if callback is None:
            return
        error = self.error
        if ok and self.isCanceled():  # cancelled after the work was done: the answer is not wanted
            ok, error = False, None
        if not ok and error is None:
            from .errors import LoadCancelled

            error = LoadCancelled()
        callback(self.result if ok else None, error)

    def detach(self) -> None:
        """Forget the callback (e.g. the widget that asked is closing)."""
        self._on_done = None


def run_task(description: str, fn: Callable[[QgsFeedback], Any], on_done: Optional[Done],
             hidden: bool = True) -> FunctionTask:
    flags = QgsTask.Flag.CanCancel
    if hidden and compat.TASK_HIDDEN is not None:
        flags |= compat.TASK_HIDDEN
    task = FunctionTask(description, fn, on_done, flags)
    _RUNNING.add(task)
    QgsApplication.taskManager().addTask(task)
    return task


def cancel_all() -> None:
    """Cancel every task started here and drop their callbacks (plugin unload)."""
    for task in list(_RUNNING):
        task.detach()
        try:
            task.cancel()
        except RuntimeError:  # C++ object already gone
            pass
    _RUNNING.clear()
