"""The plugin's tasks: the one registry of running QgsTasks, and ``run_task`` (a function in a
QgsTask, its result or typed error back on the main thread).

``REGISTRY`` keeps the Python wrapper of every task the plugin starts alive while QGIS runs it
(QGIS does not), by group: ``"background"`` (``run_task``), ``"counts"`` (counts per area),
``"loads:<id>"`` (a ``LayerLoader``'s record loads), ``"print"`` (ward maps). Cancel a group with
``REGISTRY.cancel``; ask what is still running with ``REGISTRY.running``.

Network code (providers) is blocking and thread-safe; widgets never are.  ``run_task`` runs the
function in QGIS's task manager and calls ``on_done(result, error)`` from ``QgsTask.finished``
(main thread), so the UI never blocks and never touches a widget off the UI thread.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Set

from qgis.core import QgsApplication, QgsFeedback, QgsTask

from . import compat

Done = Callable[[Any, Optional[BaseException]], None]

BACKGROUND = "background"


class TaskRegistry:
    """Running QgsTasks by group (keeps their Python wrappers alive; forgets them when they end)."""

    def __init__(self) -> None:
        self._groups: Dict[str, Set[QgsTask]] = {}

    def add(self, task: QgsTask, group: str = BACKGROUND) -> QgsTask:
        self._groups.setdefault(group, set()).add(task)
        task.taskCompleted.connect(lambda: self.discard(task))
        task.taskTerminated.connect(lambda: self.discard(task))
        return task

    def start(self, task: QgsTask, group: str = BACKGROUND) -> QgsTask:
        """Register ``task`` and hand it to QGIS's task manager."""
        self.add(task, group)
        QgsApplication.taskManager().addTask(task)
        return task

    def discard(self, task: QgsTask) -> None:
        for tasks in self._groups.values():
            tasks.discard(task)

    def tasks(self, group: str) -> Set[QgsTask]:
        """The group's registered tasks (a copy)."""
        return set(self._groups.get(group, ()))

    def running(self, group: str) -> Set[QgsTask]:
        """The group's tasks that have not ended yet (ended or deleted ones are forgotten)."""
        alive = set()
        for task in self.tasks(group):
            try:
                ended = task.status() in (QgsTask.TaskStatus.Complete, QgsTask.TaskStatus.Terminated)
            except RuntimeError:  # deleted by the task manager once done
                ended = True
            if ended:
                self.discard(task)
            else:
                alive.add(task)
        return alive

    def cancel(self, group: str, detach: bool = False) -> None:
        """Cancel every task of ``group`` (``detach``: drop their callbacks first) and forget them."""
        for task in self.tasks(group):
            if detach and hasattr(task, "detach"):
                task.detach()
            try:
                task.cancel()
            except RuntimeError:  # C++ object already gone
                pass
        self._groups.pop(group, None)


REGISTRY = TaskRegistry()


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
        except BaseException as exc:  # delivered to the main thread, mapped by providers.messages
            self.error = exc
            return False

    def finished(self, ok: bool) -> None:
        REGISTRY.discard(self)
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
             hidden: bool = True, group: str = BACKGROUND) -> FunctionTask:
    flags = QgsTask.Flag.CanCancel
    if hidden and compat.TASK_HIDDEN is not None:
        flags |= compat.TASK_HIDDEN
    task = FunctionTask(description, fn, on_done, flags)
    REGISTRY.start(task, group)
    return task


def cancel_all() -> None:
    """Cancel every ``run_task`` task and drop their callbacks (plugin unload)."""
    REGISTRY.cancel(BACKGROUND, detach=True)
