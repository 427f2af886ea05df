"""The "What" panel: categories of the dataset's category fields, ticked per field."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Set

from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QIcon, QPixmap
from qgis.PyQt.QtWidgets import QListWidgetItem, QWidget

from ...providers.models import CollectionInfo
from ...providers import styles as presets
from . import form
from ...governance.i18n import tr


class WhatPanel(QWidget, form("what.ui")):
    """``categories()`` ticked per field (nothing ticked = every category); ``changed`` on every tick."""

    changed = pyqtSignal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self.info: Optional[CollectionInfo] = None
        self._checked: Dict[str, Set[str]] = {}
        self.categoryFieldCombo.currentIndexChanged.connect(self._fill_list)
        self.categoryList.itemChanged.connect(self._on_item_changed)
        self.categoryAllButton.clicked.connect(lambda: self.check_all(True))
        self.categoryNoneButton.clicked.connect(lambda: self.check_all(False))

    def set_dataset(self, info: Optional[CollectionInfo]) -> None:
        """The dataset's category fields (withheld fields never appear: the store does not describe them)."""
        self.info = info
        self.categoryFieldCombo.blockSignals(True)
        self.categoryFieldCombo.clear()
        self._checked = {}
        for field in info.category_fields() if info is not None else ():
            self.categoryFieldCombo.addItem(field.title, field.name)
            self._checked[field.name] = set()
        self.categoryFieldCombo.blockSignals(False)
        self._fill_list()

    def _field(self) -> Optional[Any]:
        name = self.categoryFieldCombo.currentData()
        return self.info.field(name) if self.info is not None and name else None

    def _fill_list(self) -> None:
        field = self._field()
        self.categoryList.blockSignals(True)
        self.categoryList.clear()
        if field is not None:
            checked = self._checked.get(field.name, set())
            for value in field.categories or ():
                item = QListWidgetItem(_swatch(value), value)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if value in checked else Qt.CheckState.Unchecked)
                self.categoryList.addItem(item)
        self.categoryList.blockSignals(False)
        self._update_summary()

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        field = self._field()
        if field is None:
            return
        chosen = self._checked.setdefault(field.name, set())
        if item.checkState() == Qt.CheckState.Checked:
            chosen.add(item.text())
        else:
            chosen.discard(item.text())
        self._update_summary()
        self.changed.emit()

    def check_all(self, checked: bool) -> None:
        """Tick (or clear) every category of the field on screen."""
        field = self._field()
        if field is None:
            return
        self._checked[field.name] = set(field.categories or ()) if checked else set()
        self._fill_list()
        self.changed.emit()

    def set_categories(self, field_name: str, values: List[str]) -> None:
        """Programmatic selection (tests, saved filters)."""
        self._checked[field_name] = set(values)
        index = self.categoryFieldCombo.findData(field_name)
        if index >= 0:
            self.categoryFieldCombo.setCurrentIndex(index)
        self._fill_list()
        self.changed.emit()

    def _update_summary(self) -> None:
        field = self._field()
        chosen = self._checked.get(field.name, set()) if field is not None else set()
        if field is None or not chosen:
            text = tr("All categories")
        else:
            text = tr("{0} of {1} ticked").format(len(chosen), len(field.categories or ()))
        others = sum(1 for name, values in self._checked.items() if values and (field is None or name != field.name))
        if others:
            text += tr(" (+ {0} other field filter)").format(others)
        self.categorySummaryLabel.setText(text)

    def categories(self) -> Dict[str, tuple]:
        return {name: tuple(sorted(values)) for name, values in self._checked.items() if values}


def _swatch(value: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(presets.stable_colour(value))
    return QIcon(pixmap)
