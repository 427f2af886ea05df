"""The count controller: no widgets of its own.  It reacts to every filter change, keeps the live
count of the filter on screen (debounced, off the UI thread, through ``StoreClient.count``) and runs
the count-then-load state machine:

    filters change ─▶ refresh(): invalid → say why; valid → CountPreview.request (debounced)
    Load pressed ──▶ request_load(): counts-only → load at once; count known → check it and load;
                     count not in yet → wait for it (a failed count cancels the load)
    count known ───▶ 0 rows → "Nothing to load" (or why the agreement gives nothing);
                     very large → ask first; otherwise ``loadReady(query, info)``
"""
from __future__ import annotations

import html
from typing import Any, Callable, Optional

from qgis.PyQt.QtCore import QObject, pyqtSignal
from qgis.PyQt.QtWidgets import QMessageBox

from ...providers.errors import DatasetNotAvailable, NotSignedIn, TokenExpired
from ...providers.load_task import large_load_rows
from ...providers.models import Query, period_label
from ...providers.results import MatchCount
from ...providers import messages
from ..count_preview import CountPreview
from ...governance.i18n import tr


class CountController(QObject):
    """``textChanged(html)`` for the count label, ``stateChanged`` when Load may change,
    ``loadReady(query, info)`` to load, ``sessionEnded(error)``, ``datasetsStale`` (the agreement changed)."""

    textChanged = pyqtSignal(str)
    stateChanged = pyqtSignal()
    loadReady = pyqtSignal(object, object)
    sessionEnded = pyqtSignal(object)
    datasetsStale = pyqtSignal()

    def __init__(self, session: Any, current_dataset: Callable[[], Any], build_query: Callable[[], Any],
                 zero_note: Callable[[Any], str], bar: Callable[[], Any], parent: Optional[QObject] = None) -> None:
        """``build_query()`` raises ValueError for an incomplete filter; ``zero_note(query)`` says why the
        agreement gives nothing for a query ("" when it is not the agreement)."""
        super().__init__(parent)
        self.session = session
        self.current_dataset = current_dataset
        self.build_query = build_query
        self.zero_note = zero_note
        self.bar = bar
        self.filter_error: Optional[str] = None
        self._load_after_count: Optional[tuple] = None  # (query, info) of a Load waiting for its count
        self.preview = CountPreview(self._count, self)
        self.preview.counting.connect(lambda: self.textChanged.emit(tr("Counting matching records…")))
        self.preview.countReady.connect(self._on_count)
        self.preview.countFailed.connect(self._on_count_failed)

    def ready(self) -> bool:
        """Signed in, a dataset chosen and a complete filter: Load may be pressed."""
        signed_in = bool(self.session is not None and self.session.is_signed_in)
        return signed_in and self.current_dataset() is not None and self.filter_error is None

    def stop(self) -> None:
        self.preview.stop()

    def refresh(self, *_args: Any) -> None:
        """Any filter changed: validate and schedule a debounced count."""
        if not self.session.is_signed_in or self.current_dataset() is None:
            self.preview.request(None)
            self.stateChanged.emit()
            return
        try:
            query = self.build_query()
        except ValueError as exc:
            self.filter_error = str(exc)
            self.preview.request(None)
            self.textChanged.emit(f"<span style='color:#b7791f'>{html.escape(str(exc))}</span>")
            self.stateChanged.emit()
            return
        self.filter_error = None
        if query != self.preview.last_query or self.preview.last_count is None:
            self.textChanged.emit(tr("Updating the count…"))
        self.preview.request(query)
        self.stateChanged.emit()

    def _count(self, query: Query, feedback: Any) -> MatchCount:
        return self.session.client.count(query, feedback)

    def _on_count(self, query: Any, count: MatchCount) -> None:
        self.textChanged.emit(self.count_text(count, query))
        self.stateChanged.emit()
        pending, self._load_after_count = self._load_after_count, None
        if pending is not None and pending[0] == query:
            self._load(query, pending[1], count)

    def count_text(self, count: MatchCount, query: Any = None) -> str:
        """What the count label says: exact records, the rounded/suppressed counts-only answer, or why
        the agreement gives nothing."""
        note = self.zero_note(query) if query is not None and count.known_rows == 0 and not count.rounded else ""
        if note:
            return f"<span style='color:#b7791f'>{html.escape(note, quote=False)}</span>"
        if count.suppressed:
            text = tr("Fewer than <b>{0}</b> matching records: too few to publish (counts only)").format(
                count.threshold or count.rounded_to)  # the store rounds to its suppression threshold
        elif count.perturbed:
            text = tr("About <b>{0:,}</b> incidents (counts only: perturbed and rounded to the nearest {1}; "
                           "totals need not add up)").format(count.known_rows, count.rounded_to)
        elif count.rounded:
            text = tr("About <b>{0:,}</b> matching records (rounded to the nearest {1}; counts only)").format(
                count.known_rows, count.rounded_to)
        else:
            text = tr("<b>{0:,}</b> matching records").format(count.known_rows)
        if count.period and count.perturbed:
            text += "<br/>" + tr("Period: {0}").format(html.escape(period_label(count.period)))
        elif count.period:
            text += "<br/>" + tr("Counted in whole months: {0}").format(html.escape(count.period))
        if count.known_rows > large_load_rows() and not count.rounded:
            text += "<br/><span style='color:#b7791f'>" + tr(
                "That is a very large load; consider narrowing the filter.") + "</span>"
        return text

    def _on_count_failed(self, query: Any, error: BaseException) -> None:
        self._load_after_count = None  # a load waiting for this count does not start
        message = messages.log_error(error, "count")
        self.textChanged.emit(f"<span style='color:#c53030'>{html.escape(message.text)}</span>")
        self.stateChanged.emit()
        self.check_session_ended(error)
        if isinstance(error, DatasetNotAvailable):
            self.datasetsStale.emit()  # the agreement changed: show what is allowed now

    def check_session_ended(self, error: BaseException) -> None:
        if isinstance(error, (NotSignedIn, TokenExpired)):
            self.sessionEnded.emit(error)

    # ---------------------------------------------------------------- load

    def request_load(self) -> None:
        """Load the filter on screen. Record loads need its count first (to warn before a very large
        one): when the count is not in yet, the load waits for it; a failed count cancels it."""
        info = self.current_dataset()
        try:
            query = self.build_query()
        except ValueError as exc:
            messages.show_error(self.bar(), exc, "load")
            return
        if info is not None and info.aggregate_only:
            self.loadReady.emit(query, info)  # counts per area: small
            return
        count = self.preview.last_count if self.preview.last_query == query else None
        if count is None:
            self._load_after_count = (query, info)
            self.textChanged.emit(tr("Counting matching records before loading…"))
            if not self.preview.is_counting(query):
                self.preview.request(query)
            return
        self._load(query, info, count)

    def _load(self, query: Query, info: Any, count: MatchCount) -> None:
        rows = count.known_rows
        if rows > large_load_rows() and not self._confirm_large(rows):
            return
        if rows == 0:
            messages.show_info(self.bar(), tr("Nothing to load"),
                               self.zero_note(query) or tr("No records match this filter."))
            return
        self.loadReady.emit(query, info)

    def _confirm_large(self, count: int) -> bool:
        answer = QMessageBox.question(
            self.parent(), tr("Large load"),
            tr("This filter matches {0:,} records (more than {1:,}). Loading that many takes a while "
                    "and uses a lot of memory. Load anyway?").format(count, large_load_rows()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
