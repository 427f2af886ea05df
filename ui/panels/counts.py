"""The dock's filters for a counts-only dataset: the cells of its closed table, nothing else.

A counts-only agreement answers cells of one fixed table (``providers.models.CountsQuery``):
a period (a calendar month or a financial year inside the data and the agreement), an area unit
(boroughs, wards, or hexagons of 500, 1000 or 2000 m), optionally only the wards or hexagons
within one of the agreement's boroughs, and optionally one category. Free dates, days of the
week, hours and drawn areas do not exist here, so they cannot be asked for.
"""
from __future__ import annotations

from typing import Any, List, Optional

from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QWidget

from ...providers.models import HEX_SIZES, CollectionInfo, CountsQuery, available_periods, period_label
from ...providers.counts_loader import disclosure_note
from . import form
from ...governance.i18n import tr


class CountsPanel(QWidget, form("counts.ui")):
    """Period, area unit, "within borough" and category of a counts-only dataset."""

    changed = pyqtSignal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self.info: Optional[CollectionInfo] = None
        self.unitCombo.addItem(tr("Boroughs"), "borough")
        self.unitCombo.addItem(tr("Wards"), "ward")
        for size in HEX_SIZES:
            self.unitCombo.addItem(tr("Hexagons, {0:,} m").format(size), f"hex:{size}")
        self.unitCombo.setCurrentIndex(1)
        for combo in (self.periodCombo, self.unitCombo, self.withinCombo, self.categoryCombo):
            combo.currentIndexChanged.connect(self._on_changed)
        self.set_dataset(None)

    # ------------------------------------------------------------------ filling

    def set_dataset(self, info: Optional[CollectionInfo]) -> None:
        self.info = info
        for combo in (self.periodCombo, self.categoryCombo):
            combo.blockSignals(True)
            combo.clear()
        if info is not None:
            for period in available_periods(info):
                self.periodCombo.addItem(period_label(period), period)
            self.categoryCombo.addItem(tr("All categories"), None)
            field = info.field(info.category_field) if info.category_field else None
            for value in (field.categories or ()) if field is not None else ():
                self.categoryCombo.addItem(value, value)
        self.categoryCombo.setEnabled(self.categoryCombo.count() > 1)
        if info is not None and self.periodCombo.count() > 1 and _last_month_partial(info):
            self.periodCombo.setCurrentIndex(1)  # start on the last whole month the data covers
        if info is not None and self.periodCombo.count() == 0:
            self.periodCombo.addItem(tr("No period available under your agreement"), None)
        for combo in (self.periodCombo, self.categoryCombo):
            combo.blockSignals(False)
        self.noteLabel.setText(disclosure_note())
        self._update_within()

    def set_boroughs(self, boroughs: List[Any]) -> None:
        """The agreement's boroughs (``Boundary`` objects) for "within"."""
        current = self.withinCombo.currentData()
        self.withinCombo.blockSignals(True)
        self.withinCombo.clear()
        self.withinCombo.addItem(tr("Your whole agreement area"), None)
        for b in sorted(boroughs, key=lambda b: b.name):
            self.withinCombo.addItem(b.name, b.code)
        index = self.withinCombo.findData(current)
        self.withinCombo.setCurrentIndex(max(0, index))
        self.withinCombo.blockSignals(False)
        self._update_within()

    def _update_within(self) -> None:
        unit, _size = self.unit()
        by_borough = unit == "borough"
        if by_borough:
            self.withinCombo.setCurrentIndex(0)
        self.withinCombo.setEnabled(not by_borough and self.withinCombo.count() > 1)
        self.withinCombo.setToolTip(tr("Boroughs are counted whole: “within” applies to wards and "
                                            "hexagons.") if by_borough else "")

    def _on_changed(self, *_args: Any) -> None:
        self._update_within()
        self.changed.emit()

    # ------------------------------------------------------------------ reading

    def set_period(self, period: str) -> bool:
        index = self.periodCombo.findData(period)
        if index >= 0:
            self.periodCombo.setCurrentIndex(index)
        return index >= 0

    def unit(self) -> tuple:
        """(unit, hexagon size or None) chosen."""
        unit, _sep, size = str(self.unitCombo.currentData() or "ward").partition(":")
        return unit, int(size) if size else None

    def set_unit(self, unit: str, size: Optional[int] = None) -> bool:
        index = self.unitCombo.findData(f"hex:{size}" if unit == "hex" else unit)
        if index >= 0:
            self.unitCombo.setCurrentIndex(index)
        return index >= 0

    def set_within(self, code: Optional[str]) -> None:
        self.withinCombo.setCurrentIndex(max(0, self.withinCombo.findData(code)))

    def set_category(self, value: Optional[str]) -> None:
        self.categoryCombo.setCurrentIndex(max(0, self.categoryCombo.findData(value)))

    def build_query(self) -> CountsQuery:
        if self.info is None:
            raise ValueError(tr("Choose a dataset."))
        period = self.periodCombo.currentData()
        if not period:
            raise ValueError(tr("There is no period your agreement allows counts for."))
        unit, size = self.unit()
        return CountsQuery(self.info.id, str(period), unit=unit, hex_size=size,
                           within=None if unit == "borough" else self.withinCombo.currentData(),
                           category=self.categoryCombo.currentData())


def _last_month_partial(info: CollectionInfo) -> bool:
    """The data's last month is not over: it is this month, or its last record is before its last day."""
    import calendar
    from datetime import date

    try:
        end = date.fromisoformat(str(info.temporal_end)[:10])
    except ValueError:
        return False
    today = date.today()
    return (end.year, end.month) >= (today.year, today.month) or \
        end.day < calendar.monthrange(end.year, end.month)[1]
