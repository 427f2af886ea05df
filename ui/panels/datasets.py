"""The datasets panel: exactly the datasets the store offered this organisation, and what the
agreement limits for the one selected (``dataset_html``)."""
from __future__ import annotations

import html
from typing import Any, List, Optional

from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QGroupBox, QListWidgetItem, QWidget

from ...providers.models import CollectionInfo, limit_phrases
from . import fit_rows, form, icon
from ...governance.i18n import tr

ROLE_INFO = Qt.ItemDataRole.UserRole + 1
#: the list grows to this many rows before it scrolls
MAX_ROWS = 9
#: the details box grows to this many lines of text before it scrolls
MAX_DETAIL_LINES = 18


class DatasetsPanel(QGroupBox, form("datasets.ui")):
    """``changed`` when another dataset is selected; ``refreshRequested`` asks for the list again."""

    changed = pyqtSignal()
    refreshRequested = pyqtSignal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self.datasets: List[CollectionInfo] = []
        self.refreshDatasetsButton.setIcon(icon("refresh.svg"))
        self.datasetList.currentItemChanged.connect(self._on_current_changed)
        self.refreshDatasetsButton.clicked.connect(self.refreshRequested)
        self._fit()

    def set_datasets(self, datasets: List[CollectionInfo]) -> None:
        """Fill the list with ``datasets`` (sorted by title), keeping the selected one when still offered."""
        current = self.current()
        self.datasets = sorted(datasets, key=lambda d: d.title.lower())
        self.datasetList.blockSignals(True)
        self.datasetList.clear()
        for info in self.datasets:
            text = tr("{0}  (counts only)").format(info.title) if info.aggregate_only else info.title
            item = QListWidgetItem(icon("style.svg" if info.aggregate_only else "dock.svg"), text)
            item.setData(ROLE_INFO, info)
            item.setToolTip(f"{text}\n{info.agency}\n{info.limits.describe()}")  # the full name: the list elides
            self.datasetList.addItem(item)
        self.datasetList.blockSignals(False)
        ids = self.ids()
        if self.datasets:
            self.datasetList.setCurrentRow(ids.index(current.id) if current is not None and current.id in ids else 0)
        else:
            self._on_current_changed()
        self._fit()

    def clear(self) -> None:
        self.set_datasets([])

    def ids(self) -> List[str]:
        return [d.id for d in self.datasets]

    def current(self) -> Optional[CollectionInfo]:
        item = self.datasetList.currentItem()
        return item.data(ROLE_INFO) if item is not None else None

    def info(self, dataset_id: Any) -> Optional[CollectionInfo]:
        return next((d for d in self.datasets if d.id == dataset_id), None)

    def select(self, dataset_id: str) -> bool:
        ids = self.ids()
        if dataset_id in ids:
            self.datasetList.setCurrentRow(ids.index(dataset_id))
        return dataset_id in ids

    def _on_current_changed(self, *_args: Any) -> None:
        info = self.current()
        self.datasetDetails.setHtml(dataset_html(info) if info else "")
        self._fit()
        self.changed.emit()

    def _fit(self) -> None:
        """The list shows every dataset (up to MAX_ROWS); the details box shows whole lines: all of the
        text up to MAX_DETAIL_LINES, beyond that it scrolls."""
        fit_rows(self.datasetList, min(self.datasetList.count(), MAX_ROWS), minimum_rows=3)
        details = self.datasetDetails
        document = details.document().clone(details)  # measured apart: the box lays its own text out
        # the width the text has even with a vertical scroll bar: the height found is then always enough
        width = details.width() - 2 * details.frameWidth() - details.verticalScrollBar().sizeHint().width()
        document.setTextWidth(max(width, 200))
        line = details.fontMetrics().lineSpacing()
        height = min(document.size().height(), MAX_DETAIL_LINES * line + document.documentMargin() * 2)
        details.setMinimumHeight(int(height) + 2 * details.frameWidth() + 2)
        document.deleteLater()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - a narrower dock wraps the details into more lines
        super().resizeEvent(event)
        self._fit()


def _fmt_date(text: Optional[str]) -> str:
    return str(text)[:10] if text else "—"


def dataset_html(info: CollectionInfo) -> str:
    """Description, coverage, last refresh and what the DSA limits, as compact HTML."""
    e = html.escape
    limits = info.limits
    rows = [(tr("Agency"), e(info.agency or "—")), (tr("Coverage"), e(info.coverage())),
            (tr("Last refresh"), e(_fmt_date(info.last_refresh)))]
    if info.record_count is not None:
        rows.append((tr("Records"), f"{int(info.record_count):,}"))
    rows += [(tr("Not recorded"), e(info.precision_note))] if info.precision_note else []  # month-only dates…
    # the agreement's limits in the one wording (providers.models.limit_phrases), as list items
    phrases = limit_phrases(limits, ", ".join(f.title for f in info.fields))
    limit_items = [e(phrase[:1].upper() + phrase[1:]) for phrase in phrases]
    if limits.aggregate_only:
        limit_items[0] = f"<b>{limit_items[0]}</b>"
    table = "".join(f"<tr><td style='color:#555;padding-right:6px'>{k}</td><td>{v}</td></tr>" for k, v in rows)
    marking = f"<div style='color:#9b2c2c;font-weight:bold'>{e(info.protective_marking)}</div>" \
        if info.protective_marking else ""
    return (f"{marking}<div>{e(info.description)}</div><table>{table}</table>"
            "<div style='margin-top:4px'><b>" + tr("Your agreement:") + "</b><ul style='margin:0'>"
            + "".join(f"<li>{item}</li>" for item in limit_items) + "</ul></div>")
