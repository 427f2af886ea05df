"""SafeStats page in QGIS's Settings ▸ Options (a QgsOptionsWidgetFactory + thin widget over
``settings_page.ui``).

Every value lives in QgsSettings under ``safestats/`` and none is a secret (credentials stay in
the QGIS authentication database, tokens in memory).  The keys are the ones the rest of the
plugin reads, all defined in ``governance/keys.py``; this table is generated from its ``SETTINGS``:


``plugin.py`` registers the page with :func:`register` in ``initGui()`` and removes it with
:func:`unregister` in ``unload()``.
"""
from __future__ import annotations

from ..governance import keys

__doc__ = __doc__.replace("its ``SETTINGS``:\n", "its ``SETTINGS``:\n\n" + keys.settings_table() + "\n", 1)

import configparser
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

from qgis.core import QgsSettings
from qgis.gui import QgsOptionsPageWidget, QgsOptionsWidgetFactory
from qgis.PyQt import uic
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtGui import QDesktopServices, QIcon
from qgis.PyQt.QtWidgets import QWidget
from ..governance.i18n import tr

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).with_name("settings_page.ui")))
PLUGIN_DIR = Path(__file__).resolve().parent.parent
ICON = PLUGIN_DIR / "icons" / "safestats.svg"
LOCAL_GUIDE = PLUGIN_DIR / "docs" / "user-guide.md"  # only in a checkout; the zip has no docs/
GUIDE_PATH = "blob/main/docs/user-guide.md"

STORE_URL = keys.STORE_URL
RETENTION_DAYS = keys.RETENTION_DAYS
LARGE_LOAD_ROWS = keys.LARGE_LOAD_ROWS
SUPPRESSION_THRESHOLD = keys.SUPPRESSION_THRESHOLD
DEFAULT_PRESET = keys.DEFAULT_PRESET
KINDS = ("records", "aggregate")

MIN_THRESHOLD = 5        # governance.disclosure.DEFAULT_THRESHOLD: the floor, never lower
MAX_RETENTION_DAYS = 28  # governance.retention.DEFAULT_RETENTION_DAYS: the policy's maximum


def _defaults() -> "Values":
    from ..governance import disclosure, retention
    from ..providers import load_task
    from ..providers import styles as presets
    return Values(store_url="", retention_days=retention.DEFAULT_RETENTION_DAYS,
                  large_load_rows=int(load_task.LARGE_LOAD_ROWS),
                  suppression_threshold=max(MIN_THRESHOLD, disclosure.DEFAULT_THRESHOLD),
                  records_preset=presets.default_preset_id("records"),
                  aggregate_preset=presets.default_preset_id("aggregate"))


@dataclass
class Values:
    store_url: str
    retention_days: int
    large_load_rows: int
    suppression_threshold: int
    records_preset: str
    aggregate_preset: str


def _int(settings: QgsSettings, key: str, default: int, low: int, high: int) -> int:
    try:
        value = int(settings.value(key, default))
    except (TypeError, ValueError):
        value = default
    return min(max(value, low), high)


def read_values() -> Values:
    """The current settings (defaults where unset; out-of-range values clamped)."""
    d = _defaults()
    s = QgsSettings()
    return Values(
        store_url=str(s.value(STORE_URL, "") or ""),
        retention_days=_int(s, RETENTION_DAYS, d.retention_days, 1, MAX_RETENTION_DAYS),
        large_load_rows=_int(s, LARGE_LOAD_ROWS, d.large_load_rows, 1000, 10_000_000),
        suppression_threshold=_int(s, SUPPRESSION_THRESHOLD, d.suppression_threshold, MIN_THRESHOLD, 100),
        records_preset=str(s.value(DEFAULT_PRESET.format(kind="records"), "") or d.records_preset),
        aggregate_preset=str(s.value(DEFAULT_PRESET.format(kind="aggregate"), "") or d.aggregate_preset),
    )


def write_values(values: Values) -> None:
    s = QgsSettings()
    url = values.store_url.strip().rstrip("/")
    if url:
        s.setValue(STORE_URL, url)
    else:
        s.remove(STORE_URL)
    s.setValue(RETENTION_DAYS, int(min(max(values.retention_days, 1), MAX_RETENTION_DAYS)))
    s.setValue(LARGE_LOAD_ROWS, int(values.large_load_rows))
    s.setValue(SUPPRESSION_THRESHOLD, int(max(values.suppression_threshold, MIN_THRESHOLD)))
    s.setValue(DEFAULT_PRESET.format(kind="records"), values.records_preset)
    s.setValue(DEFAULT_PRESET.format(kind="aggregate"), values.aggregate_preset)


def valid_store_url(url: str) -> bool:
    """https://host, or http:// for a store on this computer (as the store itself insists)."""
    url = url.strip()
    if not url:
        return True  # unset: the sign-in dialog offers its default
    parts = urlsplit(url)
    if not parts.netloc or parts.username or parts.password or parts.query:
        return False  # never credentials or tokens in the address
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")


def user_guide_url() -> QUrl:
    """The local guide in a checkout, else the guide on the repository homepage (metadata.txt)."""
    if LOCAL_GUIDE.is_file():
        return QUrl.fromLocalFile(str(LOCAL_GUIDE))
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(PLUGIN_DIR / "metadata.txt", encoding="utf-8")
    home = parser.get("general", "homepage", fallback="").rstrip("/")
    if not home:
        home = parser.get("general", "repository", fallback="").rstrip("/")
    return QUrl(f"{home}/{GUIDE_PATH}")


class SafeStatsSettingsPage(QgsOptionsPageWidget, FORM_CLASS):
    """The page QGIS shows; ``apply()`` is called when the user presses OK in the Options dialog."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self._fill_presets()
        self.storeUrlEdit.textChanged.connect(self._check_url)
        self.helpButton.clicked.connect(self.open_user_guide)
        self.resetButton.clicked.connect(lambda: self.show_values(_defaults()))
        self.opened_urls: list = []
        self.show_values(read_values())

    def _fill_presets(self) -> None:
        from ..providers import styles as presets
        for kind, combo in (("records", self.recordsPresetCombo), ("aggregate", self.aggregatePresetCombo)):
            combo.clear()
            for preset in presets.presets_for(kind):
                combo.addItem(preset.title, preset.id)
                combo.setItemData(combo.count() - 1, preset.description, 3)  # Qt.ToolTipRole

    def show_values(self, values: Values) -> None:
        self.storeUrlEdit.setText(values.store_url)
        self.retentionSpin.setClearValue(_defaults().retention_days)
        self.retentionSpin.setValue(values.retention_days)
        self.largeLoadSpin.setValue(values.large_load_rows)
        self.thresholdSpin.setValue(values.suppression_threshold)
        for combo, preset_id in ((self.recordsPresetCombo, values.records_preset),
                                 (self.aggregatePresetCombo, values.aggregate_preset)):
            index = combo.findData(preset_id)
            combo.setCurrentIndex(index if index >= 0 else 0)
        self._check_url()

    def values(self) -> Values:
        return Values(store_url=self.storeUrlEdit.text().strip(), retention_days=self.retentionSpin.value(),
                      large_load_rows=self.largeLoadSpin.value(), suppression_threshold=self.thresholdSpin.value(),
                      records_preset=str(self.recordsPresetCombo.currentData() or ""),
                      aggregate_preset=str(self.aggregatePresetCombo.currentData() or ""))

    def _check_url(self) -> None:
        self.storeUrlWarning.setVisible(not valid_store_url(self.storeUrlEdit.text()))

    def apply(self) -> None:  # noqa: D102 - QGIS API
        values = self.values()
        if not valid_store_url(values.store_url):
            values.store_url = read_values().store_url  # keep the last good address
        write_values(values)

    def helpKey(self) -> str:  # noqa: N802,D102 - QGIS API (its own help button is not ours)
        return ""

    def open_user_guide(self) -> bool:
        url = user_guide_url()
        self.opened_urls.append(url.toString())
        return QDesktopServices.openUrl(url)


class SafeStatsOptionsFactory(QgsOptionsWidgetFactory):
    """Adds the SafeStats page to Settings ▸ Options."""

    def __init__(self) -> None:
        super().__init__(tr("SafeStats"), QIcon(str(ICON)))
        self.setObjectName("SafeStatsOptionsFactory")

    def icon(self) -> QIcon:  # noqa: D102 - QGIS API
        return QIcon(str(ICON))

    def createWidget(self, parent: Optional[QWidget] = None) -> SafeStatsSettingsPage:  # noqa: N802 - QGIS API
        return SafeStatsSettingsPage(parent)


def register(iface: Any) -> SafeStatsOptionsFactory:
    factory = SafeStatsOptionsFactory()
    iface.registerOptionsWidgetFactory(factory)
    return factory


def unregister(iface: Any, factory: Optional[SafeStatsOptionsFactory]) -> None:
    if factory is not None:
        iface.unregisterOptionsWidgetFactory(factory)
