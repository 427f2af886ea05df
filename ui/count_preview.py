"""Debounced match count: ask the store how many records a filter matches, off the UI thread.

Every filter change calls :meth:`CountPreview.request`; after ``DEBOUNCE_MS`` of quiet the count
runs in a :class:`~.background.FunctionTask`.  A newer request cancels the running one and stale
answers are dropped, so the label always shows the count for the filter on screen.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from qgis.PyQt.QtCore import QObject, QTimer, pyqtSignal

from ..providers.tasks import FunctionTask, run_task

DEBOUNCE_MS = 400


class CountPreview(QObject):
    counting = pyqtSignal()
    countReady = pyqtSignal(object, object)  # query, MatchCount
    countFailed = pyqtSignal(object, object)  # query, exception

    def __init__(self, count_fn: Callable[[Any, Any], Any], parent: Optional[QObject] = None,
                 debounce_ms: int = DEBOUNCE_MS) -> None:
        """``count_fn(query, feedback) -> MatchCount`` runs in a worker thread (``StoreClient.count``)."""
        super().__init__(parent)
        self._count_fn = count_fn
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._start)
        self._pending: Any = None
        self._task: Optional[FunctionTask] = None
        self._generation = 0
        self.last_query: Any = None
        self.last_count: Any = None  # MatchCount of last_query

    def set_count_function(self, count_fn: Callable[[Any, Any], Any]) -> None:
        self._count_fn = count_fn

    def request(self, query: Any) -> None:
        """Schedule a count for ``query`` (None clears)."""
        self._pending = query
        self.last_count = None
        self._cancel_running()
        if query is None:
            self._timer.stop()
            return
        self._timer.start()

    def is_busy(self) -> bool:
        return self._timer.isActive() or self._task is not None

    def is_counting(self, query: Any) -> bool:
        """A count for ``query`` is scheduled or running (its answer will come)."""
        return self.is_busy() and self._pending == query

    def _cancel_running(self) -> None:
        self._generation += 1
        if self._task is not None:
            task, self._task = self._task, None
            task.detach()
            try:
                task.cancel()
            except RuntimeError:
                pass

    def _start(self) -> None:
        query = self._pending
        if query is None:
            return
        self._generation += 1
        generation = self._generation
        count_fn = self._count_fn
        self.counting.emit()

        def work(feedback: Any) -> Any:
            return count_fn(query, feedback)

        def done(result: Any, error: Optional[BaseException]) -> None:
            if generation != self._generation:
                return  # a newer filter is on screen
            self._task = None
            if error is not None:
                self.countFailed.emit(query, error)
            else:
                self.last_query, self.last_count = query, result
                self.countReady.emit(query, result)

        self._task = run_task("SafeStats: counting matches", work, done)

    def stop(self) -> None:
        self._timer.stop()
        self._cancel_running()
