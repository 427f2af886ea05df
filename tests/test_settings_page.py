"""The SafeStats page in Settings ▸ Options: loads, saves to QgsSettings under safestats/, reads back,
keeps governance floors/ceilings, uses the keys the rest of the plugin reads, never holds secrets."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from qgis.core import QgsSettings
from qgis.gui import QgsOptionsPageWidget, QgsOptionsWidgetFactory

KEYS = ("safestats/store_url", "safestats/retention_days", "safestats/large_load_rows",
        "safestats/suppression_threshold", "safestats/default_preset/records",
        "safestats/default_preset/aggregate")


@pytest.fixture()
def clean_settings(qgis_app: Any) -> Iterator[QgsSettings]:
    settings = QgsSettings()
    saved = {k: settings.value(k) for k in KEYS if settings.contains(k)}
    for key in KEYS:
        settings.remove(key)
    yield settings
    for key in KEYS:
        settings.remove(key)
    for key, value in saved.items():
        settings.setValue(key, value)


@pytest.fixture()
def page(clean_settings: QgsSettings) -> Iterator[Any]:
    from safestats.ui.settings_page import SafeStatsOptionsFactory

    factory = SafeStatsOptionsFactory()
    widget = factory.createWidget(None)
    yield widget
    widget.deleteLater()


def test_factory_and_page(page: Any) -> None:
    from safestats.ui.settings_page import SafeStatsOptionsFactory

    factory = SafeStatsOptionsFactory()
    assert isinstance(factory, QgsOptionsWidgetFactory)
    assert factory.title() == "SafeStats" and not factory.icon().isNull()
    assert isinstance(page, QgsOptionsPageWidget)
    page.show()
    assert page.recordsPresetCombo.count() >= 3 and page.aggregatePresetCombo.count() >= 1
    assert not page.storeUrlWarning.isVisible()


def test_defaults_when_nothing_is_set(page: Any) -> None:
    from safestats.governance import disclosure, retention
    from safestats.providers import styles as presets

    values = page.values()
    assert values.store_url == ""
    assert values.retention_days == retention.DEFAULT_RETENTION_DAYS
    assert values.suppression_threshold == disclosure.DEFAULT_THRESHOLD
    assert values.records_preset == presets.default_preset_id("records")
    assert values.aggregate_preset == presets.default_preset_id("aggregate")


def test_saves_and_reads_back(page: Any, clean_settings: QgsSettings) -> None:
    from safestats.providers import styles as presets
    from safestats.ui.settings_page import SafeStatsSettingsPage

    page.storeUrlEdit.setText("https://safestats.example.gov.uk/ ")
    page.retentionSpin.setValue(7)
    page.largeLoadSpin.setValue(50_000)
    page.thresholdSpin.setValue(10)
    page.recordsPresetCombo.setCurrentIndex(page.recordsPresetCombo.findData(presets.HEATMAP))
    page.apply()

    s = QgsSettings()
    assert s.value("safestats/store_url") == "https://safestats.example.gov.uk"
    assert int(s.value("safestats/retention_days")) == 7
    assert int(s.value("safestats/large_load_rows")) == 50_000
    assert int(s.value("safestats/suppression_threshold")) == 10
    assert s.value("safestats/default_preset/records") == presets.HEATMAP
    assert s.value("safestats/default_preset/aggregate") == presets.CHOROPLETH

    again = SafeStatsSettingsPage()
    try:
        assert again.storeUrlEdit.text() == "https://safestats.example.gov.uk"
        assert again.retentionSpin.value() == 7
        assert again.largeLoadSpin.value() == 50_000
        assert again.thresholdSpin.value() == 10
        assert again.recordsPresetCombo.currentData() == presets.HEATMAP
    finally:
        again.deleteLater()


def test_the_rest_of_the_plugin_reads_the_same_keys(page: Any) -> None:
    from safestats.governance import retention
    from safestats.providers import load_task
    from safestats.ui import signin_dialog

    page.storeUrlEdit.setText("https://store.example.org")
    page.retentionSpin.setValue(3)
    page.apply()
    assert retention.retention_days() == 3
    assert retention.SETTINGS_KEY == "safestats/retention_days"
    assert signin_dialog.URL_SETTING == "safestats/store_url"
    assert "safestats/large_load_rows" in Path(load_task.__file__).read_text(encoding="utf-8")


def test_governance_limits(page: Any, clean_settings: QgsSettings) -> None:
    from safestats.ui.settings_page import read_values

    assert page.thresholdSpin.minimum() == 5            # never below the store's small-number floor
    assert page.retentionSpin.maximum() == 28           # never longer than the retention policy
    clean_settings.setValue("safestats/suppression_threshold", 2)   # hand-edited QGIS3.ini
    clean_settings.setValue("safestats/retention_days", 400)
    values = read_values()
    assert values.suppression_threshold == 5 and values.retention_days == 28


@pytest.mark.parametrize("url, ok", [
    ("https://safestats.london.gov.uk", True), ("http://127.0.0.1:8765", True), ("http://localhost:8765", True),
    ("", True), ("http://safestats.london.gov.uk", False), ("ftp://x", False),
    ("https://user:pw@safestats.london.gov.uk", False), ("https://s.example.org/?token=abc", False),
])
def test_store_url_rules(url: str, ok: bool) -> None:
    from safestats.ui.settings_page import valid_store_url

    assert valid_store_url(url) is ok


def test_invalid_url_is_flagged_and_not_saved(page: Any, clean_settings: QgsSettings) -> None:
    page.show()
    page.storeUrlEdit.setText("https://good.example.org")
    page.apply()
    page.storeUrlEdit.setText("https://jo:secret@bad.example.org")
    assert page.storeUrlWarning.isVisible()
    page.apply()
    assert QgsSettings().value("safestats/store_url") == "https://good.example.org"


def test_restore_defaults(page: Any) -> None:
    page.retentionSpin.setValue(2)
    page.thresholdSpin.setValue(50)
    page.resetButton.click()
    assert page.retentionSpin.value() == 28 and page.thresholdSpin.value() == 5


def test_no_secrets_are_written(page: Any, clean_settings: QgsSettings) -> None:
    page.storeUrlEdit.setText("https://safestats.example.gov.uk")
    page.apply()
    settings = QgsSettings()
    settings.beginGroup("safestats")
    keys = settings.allKeys()
    settings.endGroup()
    assert not [k for k in keys if any(w in k.lower() for w in ("password", "token", "secret", "user"))], keys


def test_help_opens_the_user_guide(page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from qgis.PyQt.QtGui import QDesktopServices

    from safestats.ui import settings_page

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    page.helpButton.click()
    assert opened and opened[0].isLocalFile() and opened[0].toLocalFile().endswith("docs/user-guide.md")
    # installed from the zip there is no docs/ folder: the guide on the repository homepage
    monkeypatch.setattr(settings_page, "LOCAL_GUIDE", Path("/nonexistent/user-guide.md"))
    url = settings_page.user_guide_url().toString()
    assert url == "https://github.com/gla-safestats/safestats-qgis/blob/main/docs/user-guide.md"


def test_register_and_unregister() -> None:
    from safestats.ui import settings_page

    calls = []

    class Iface:
        def registerOptionsWidgetFactory(self, factory: Any) -> None:  # noqa: N802
            calls.append(("register", factory))

        def unregisterOptionsWidgetFactory(self, factory: Any) -> None:  # noqa: N802
            calls.append(("unregister", factory))

    iface = Iface()
    factory = settings_page.register(iface)
    settings_page.unregister(iface, factory)
    settings_page.unregister(iface, None)
    assert calls == [("register", factory), ("unregister", factory)]


def test_key_table_is_generated_from_the_one_keys_module() -> None:
    """Every QgsSettings key the plugin uses is in governance/keys.SETTINGS and in the page's table."""
    from safestats.governance import keys
    from safestats.ui import settings_page

    setting_names = [n for n in dir(keys) if n.isupper() and not n.startswith(("PROP_", "PREFIX", "KIND_", "SETTINGS"))]
    listed = {k for k, _, _ in keys.SETTINGS}
    for name in setting_names:
        value = getattr(keys, name)
        expanded = [value.format(kind=k) for k in settings_page.KINDS] if "{kind}" in value else [value]
        for key in expanded:
            assert key in listed, name
            assert f"``{key}``" in settings_page.__doc__, key
    assert "safestats/authcfg" in listed and "safestats/print_dir" in listed
