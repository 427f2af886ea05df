"""Translations: the committed English catalogue is current, and a translation really reaches
the plugin's widgets.

The end-to-end tests build a pseudo-translation (every string wrapped in «…») from
i18n/safestats_en.ts with lrelease, install it with ``ui/i18n.install_translator`` and look at
what the plugin shows.
"""
from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterator

import pytest
from qgis.PyQt.QtCore import QCoreApplication

REPO = Path(__file__).resolve().parent.parent
EN_TS = REPO / "i18n" / "safestats_en.ts"

needs_tools = pytest.mark.skipif(not (shutil.which("pylupdate5") and shutil.which("lrelease")),
                                 reason="needs pylupdate5 and lrelease: apt-get install pyqt5-dev-tools "
                                        "qttools5-dev-tools")


def pseudo(text: str) -> str:
    return f"«{text}»"


@pytest.fixture(scope="module")
def pseudo_qm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not shutil.which("lrelease"):
        pytest.skip("lrelease missing: apt-get install qttools5-dev-tools")
    out = tmp_path_factory.mktemp("i18n")
    tree = ET.parse(EN_TS)
    tree.getroot().set("language", "xx")
    for message in tree.getroot().iter("message"):
        translation = message.find("translation")
        translation.attrib.pop("type", None)
        translation.text = pseudo(message.find("source").text or "")
    ts = out / "safestats_xx.ts"
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    qm = out / "safestats_xx.qm"
    subprocess.run(["lrelease", "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


@pytest.fixture()
def translated(qgis_app: Any, pseudo_qm: Path) -> Iterator[Path]:
    from safestats.ui import i18n

    used = i18n.install_translator("xx", pseudo_qm.parent)
    assert used == pseudo_qm
    yield pseudo_qm
    i18n.remove_translator()
    assert i18n.installed() is None


def _messages() -> list:
    root = ET.parse(EN_TS).getroot()
    return [(c.find("name").text, m.find("source").text, m.find("location").get("filename"))
            for c in root.iter("context") for m in c.iter("message")]


# ---------------------------------------------------------------- catalogue


def test_english_catalogue_exists_and_covers_the_plugin() -> None:
    assert EN_TS.is_file(), "run bash scripts/i18n.sh"
    root = ET.parse(EN_TS).getroot()
    assert root.get("language") == "en" and root.get("sourcelanguage") == "en"
    files = {loc for _, _, loc in _messages()}
    for expected in ("../plugin.py", "../ui/dock.ui", "../ui/signin_dialog.ui", "../ui/dock.py"):
        assert expected in files, expected
    assert not [f for f in files if f.startswith(("../tests/", "../store/", "../scripts/", "../bench/"))]


@needs_tools
def test_english_catalogue_is_up_to_date() -> None:
    result = subprocess.run(["bash", str(REPO / "scripts" / "i18n.sh"), "--check"], capture_output=True,
                            text=True, cwd=REPO)
    assert result.returncode == 0, (result.stdout + result.stderr
                                    + "\nA user-facing string changed: run `bash scripts/i18n.sh` and commit "
                                      "i18n/safestats_en.ts")


def test_qm_files_are_not_committed() -> None:
    if not (REPO / ".git").exists() or not shutil.which("git"):
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "i18n"], capture_output=True, text=True, cwd=REPO).stdout
    assert ".qm" not in tracked


# ---------------------------------------------------------------- loader


def test_candidate_files() -> None:
    from safestats.ui import i18n

    names = [p.name for p in i18n.candidate_files("pt_BR")]
    assert names == ["safestats_pt_BR.qm", "safestats_pt.qm"]
    assert [p.name for p in i18n.candidate_files("cy")] == ["safestats_cy.qm"]
    assert [p.name for p in i18n.candidate_files("en-GB.UTF-8")] == ["safestats_en_GB.qm", "safestats_en.qm"]
    assert i18n.candidate_files("") == []


def test_no_translation_for_english_or_unknown_language(qgis_app: Any, tmp_path: Path) -> None:
    from safestats.ui import i18n

    assert i18n.install_translator("zz_ZZ", tmp_path) is None
    assert i18n.installed() is None
    assert isinstance(i18n.qgis_locale(), str)


def test_translation_reaches_each_kind_of_string(translated: Path) -> None:
    messages = _messages()
    ui_string = next(s for c, s, f in messages if c == "SafeStatsDock" and f.endswith(".ui"))
    assert QCoreApplication.translate("SafeStatsDock", ui_string) == pseudo(ui_string)
    # module-level helpers (providers/messages.py, providers/styles.py …) ask for their own context at run time;
    # pylupdate5 filed their strings under @default: the translator's fallback finds them
    default_string = next(s for c, s, f in messages if c == "@default" and f == "../providers/styles.py")
    assert QCoreApplication.translate("SafeStatsPresets", default_string) == pseudo(default_string)
    # a text the catalogue does not hold stays as it is (it must not come back empty)
    assert QCoreApplication.translate("NoSuchContext", "not in the catalogue 123") == "not in the catalogue 123"
    assert QCoreApplication.translate("SafeStatsDock", "not in the catalogue 456") == "not in the catalogue 456"
    # non-ASCII source text (… “ ” —) goes through the translator's UTF-8 path
    context, wide = next((c, s) for c, s, f in messages if c == "SafeStatsDock" and any(ord(ch) > 127 for ch in s))
    assert QCoreApplication.translate(context, wide) == pseudo(wide)


def test_remove_translator_restores_english(qgis_app: Any, pseudo_qm: Path) -> None:
    from safestats.ui import i18n

    ui_string = next(s for c, s, f in _messages() if c == "SafeStatsDock" and f.endswith(".ui"))
    i18n.install_translator("xx", pseudo_qm.parent)
    i18n.install_translator("xx", pseudo_qm.parent)  # twice: still one translator
    i18n.remove_translator()
    assert QCoreApplication.translate("SafeStatsDock", ui_string) == ui_string


def test_sign_in_dialog_is_translated(translated: Path) -> None:
    from safestats.providers.session import SessionManager
    from safestats.ui.signin_dialog import SignInDialog

    dialog = SignInDialog(SessionManager())
    try:
        assert dialog.windowTitle().startswith("«"), dialog.windowTitle()
    finally:
        dialog.deleteLater()


def test_plugin_actions_are_translated(translated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_ui_support import RecordingIface, flush_deletes

    import safestats
    from safestats.ui import i18n

    # initGui() installs the translator for QGIS's locale: make that locale the pseudo language
    real_install = i18n.install_translator
    monkeypatch.setattr(i18n, "install_translator", lambda *a, **k: real_install("xx", translated.parent))

    iface = RecordingIface()
    plugin = safestats.classFactory(iface)
    plugin.initGui()
    try:
        texts = [a.text() for a in iface.toolbars[0].actions()]
        assert texts and all(t.startswith("«") for t in texts), texts
    finally:
        plugin.unload()
        iface.main_window.close()
        flush_deletes()


def test_error_messages_are_translated(translated: Path) -> None:
    from safestats.providers import errors

    assert errors.InvalidCredentials().user_message.startswith("«")
    assert errors.NoAgreement().user_message.startswith("«")
    assert errors.InvalidCredentials("a message from elsewhere").user_message == "a message from elsewhere"


def test_translation_reaches_processing_messages_and_constants(translated: Path) -> None:
    """Strings kept in constants (QT_TRANSLATE_NOOP) and Processing's self.tr(): all translated."""
    from safestats.providers import daterange, errors
    from safestats.providers.models import CollectionInfo
    from safestats.processing_provider.algorithms import base
    from safestats.processing_provider.algorithms.compare_periods import ComparePeriods
    from safestats.processing_provider.algorithms.count_in_polygons import CountInPolygons
    from safestats.processing_provider.algorithms.hotspots import HotspotsHexagons, HotspotsKernelDensity
    from safestats.processing_provider.algorithms.load_incidents import NOT_SIGNED_IN, LoadIncidents
    from safestats.providers import print_job as atlas
    from safestats.providers import messages
    from safestats.ui.panels.datasets import dataset_html

    for cls in (LoadIncidents, CountInPolygons, ComparePeriods, HotspotsKernelDensity, HotspotsHexagons):
        alg = cls()
        assert alg.displayName() == pseudo(cls.DISPLAY), cls.__name__
        assert alg.group() == pseudo(cls.GROUP), cls.__name__
        assert pseudo(base.CONDITIONS_LINE) in alg.shortHelpString(), cls.__name__
        alg.initAlgorithm()
        untranslated = [p.name() for p in alg.parameterDefinitions()
                        if not p.description().startswith("«")]
        assert not untranslated, (cls.__name__, untranslated)  # self.tr() in base and subclasses
    assert LoadIncidents().tr(NOT_SIGNED_IN) == pseudo(NOT_SIGNED_IN)
    assert messages.message_for(errors.AccountLocked()).title == pseudo("Account locked")
    assert messages.message_for(ValueError("x")).title == pseudo("Check the filter")
    for label, _fn in daterange.QUICK_PICKS.values():
        assert QCoreApplication.translate("SafeStatsDock", label) == pseudo(label)
    assert atlas.tr(atlas.CONDITIONS) == pseudo(atlas.CONDITIONS)
    info = CollectionInfo.from_json({"id": "x", "title": "X", "safestats": {"limits": {}}})
    assert pseudo("Full history") in dataset_html(info) and pseudo("Your agreement:") in dataset_html(info)
