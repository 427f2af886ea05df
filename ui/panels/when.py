"""The "When" panel: a period (quick pick or custom range), days of the week and hours of the day."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from qgis.PyQt.QtCore import QDateTime, pyqtSignal
from qgis.PyQt.QtWidgets import QWidget

from ...providers import daterange
from ...providers.models import CollectionInfo
from . import form
from ...governance.i18n import tr

QUICK_ALL = "all"
QUICK_CUSTOM = "custom"


class WhenPanel(QWidget, form("when.ui")):
    """``date_range()``, ``days()`` and ``hours()`` of the filter; ``changed`` on every edit."""

    changed = pyqtSignal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self.info: Optional[CollectionInfo] = None
        self.quickPickCombo.addItem(tr("All available dates"), QUICK_ALL)
        for key, (label, _fn) in daterange.QUICK_PICKS.items():
            self.quickPickCombo.addItem(tr(label), key)
        self.quickPickCombo.addItem(tr("Custom range"), QUICK_CUSTOM)
        self.quickPickCombo.setCurrentIndex(self.quickPickCombo.findData("last_12_months"))
        self._apply_quick_pick()
        self._update_hours()
        self.quickPickCombo.currentIndexChanged.connect(self._on_quick_pick)
        self.fromEdit.dateTimeChanged.connect(self._on_dates_edited)
        self.toEdit.dateTimeChanged.connect(self._on_dates_edited)
        for day in range(1, 8):
            getattr(self, f"dow{day}Check").toggled.connect(self.changed)
        self.anyHourCheck.toggled.connect(self._update_hours)
        self.hourFromSpin.valueChanged.connect(self.changed)
        self.hourToSpin.valueChanged.connect(self.changed)

    # ---------------------------------------------------------------- dataset

    def set_dataset(self, info: Optional[CollectionInfo]) -> None:
        """Hints with the data's coverage and the agreement's history limit; "All available dates" shows them."""
        self.info = info
        hint = ""
        if info is not None:
            hint = tr("Data covers {0}.").format(info.coverage())
            if info.limits.history_from:
                hint += " " + tr("Your agreement allows records from {0}.").format(info.limits.history_from)
        self.quickPickCombo.setToolTip(hint)
        self.fromEdit.setToolTip(hint)
        if self.quickPickCombo.currentData() == QUICK_ALL:
            self._apply_quick_pick()

    def coverage(self) -> tuple:
        """(first, last) dates the dataset offers under the agreement, as London datetimes (None if unknown)."""
        info = self.info
        if info is None:
            return None, None
        first = max((d for d in (info.temporal_start, info.limits.history_from) if d), default=None, key=str)
        return _parse(first), _parse(info.temporal_end)

    # ---------------------------------------------------------------- period

    def set_quick_pick(self, key: str) -> None:
        self.quickPickCombo.setCurrentIndex(self.quickPickCombo.findData(key))

    def _apply_quick_pick(self) -> None:
        key = self.quickPickCombo.currentData()
        if key == QUICK_CUSTOM or key is None:
            values = None
        elif key == QUICK_ALL:
            values = self.coverage()  # greyed, showing what "all" means (blank when unknown)
        else:
            values = daterange.quick_pick(str(key))
        for edit, value in zip((self.fromEdit, self.toEdit), values or ()):
            edit.blockSignals(True)
            edit.setSpecialValueText("" if value is not None else " ")
            edit.setDateTime(_qdatetime(value) if value is not None else edit.minimumDateTime())
            edit.blockSignals(False)
        self.fromEdit.setEnabled(key != QUICK_ALL)
        self.toEdit.setEnabled(key != QUICK_ALL)

    def _on_quick_pick(self) -> None:
        self._apply_quick_pick()
        self.changed.emit()

    def _on_dates_edited(self) -> None:
        custom = self.quickPickCombo.findData(QUICK_CUSTOM)
        if self.quickPickCombo.currentIndex() != custom:
            self.quickPickCombo.blockSignals(True)
            self.quickPickCombo.setCurrentIndex(custom)
            self.quickPickCombo.blockSignals(False)
            self.fromEdit.setEnabled(True)
            self.toEdit.setEnabled(True)
        self.changed.emit()

    def date_range(self) -> tuple:
        """(start, end) as London datetimes, (None, None) for all dates; ValueError if start > end."""
        key = self.quickPickCombo.currentData()
        if key == QUICK_ALL:
            return None, None
        if key not in (QUICK_CUSTOM, None):
            return daterange.quick_pick(str(key))
        start, end = _to_london(self.fromEdit.dateTime()), _to_london(self.toEdit.dateTime())
        if start > end:
            raise ValueError(tr("The start date is after the end date."))
        return start, end

    def agreement_note(self, query: Any) -> str:
        """Why ``query`` holds no records when its period ends before the agreement's history starts."""
        history = _parse(self.info.limits.history_from) if self.info is not None else None
        end = getattr(query, "end", None)
        if history is None or end is None or end >= history:
            return ""
        return tr("Your organisation's agreement gives records from {0} only: this period is "
                       "before that.").format(self.info.limits.history_from)

    # ---------------------------------------------------------------- days and hours

    def _update_hours(self) -> None:
        custom = not self.anyHourCheck.isChecked()
        for widget in (self.hourFromSpin, self.hourToSpin, self.hourFromLabel, self.hourToLabel):
            widget.setEnabled(custom)
        self.changed.emit()

    def days(self) -> tuple:
        """ISO weekdays ticked (() = every day); ValueError if none is."""
        checked = [d for d in range(1, 8) if getattr(self, f"dow{d}Check").isChecked()]
        if not checked:
            raise ValueError(tr("Tick at least one day of the week."))
        return () if len(checked) == 7 else tuple(checked)

    def hours(self) -> tuple:
        if self.anyHourCheck.isChecked():
            return ()
        return hour_range(self.hourFromSpin.value(), self.hourToSpin.value())


def hour_range(first: int, last: int) -> tuple:
    """Hours from ``first`` to ``last`` inclusive, wrapping past midnight (22→3 = 22,23,0,1,2,3)."""
    if first <= last:
        hours = tuple(range(first, last + 1))
    else:
        hours = tuple(range(first, 24)) + tuple(range(0, last + 1))
    return () if len(hours) == 24 else hours


def _to_london(value: QDateTime) -> datetime:
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second(), tzinfo=daterange.LONDON)


def _qdatetime(value: datetime) -> QDateTime:
    return QDateTime(value.year, value.month, value.day, value.hour, value.minute, value.second)


def _parse(text: Optional[str]) -> Optional[datetime]:
    """An ISO date or UTC timestamp from the store, in London time (None if missing or unreadable)."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.astimezone(daterange.LONDON) if value.tzinfo else value.replace(tzinfo=daterange.LONDON)
