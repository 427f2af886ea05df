"""Translations: one scheme (docs/translating.md). The committed English catalogue is current,
holds every Python string under the one context "SafeStats" (no ``@default``) and each ``.ui``
form under its own, and a translation really reaches what the plugin shows.

The end-to-end tests build a pseudo-translation (every string wrapped in «…») from
i18n/safestats_en.ts with lrelease, install it with ``governance.i18n.install_translator`` (a plain
QTranslator) and look at what plugin.py, a dock panel, the core, governance, Processing and a
``.ui`` form show in QGIS.
"""
from __future__ import annotations

import ast
import re
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
    from safestats.governance import i18n

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


def test_one_context_for_python_and_one_per_form() -> None:
    """No @default: every message found in a .py file is under "SafeStats" (what governance.i18n.tr
    asks Qt for); every other context is a .ui form's, holding only that form's text."""
    contexts = {c for c, _, _ in _messages()}
    assert "@default" not in contexts
    assert "SafeStats" in contexts
    root = ET.parse(EN_TS).getroot()
    # uic translates a form's text in the context of its <class> (the form's name)
    form_classes = {re.search(r"<class>(\w+)</class>", path.read_text(encoding="utf-8")).group(1)
                    for path in (REPO / "ui").rglob("*.ui")}
    for context in root.iter("context"):
        name = context.find("name").text
        files = {loc.get("filename") for loc in context.iter("location")}
        if name == "SafeStats":
            assert files and all(f.endswith(".py") for f in files), sorted(f for f in files if not f.endswith(".py"))
        else:
            assert name in form_classes, name
            assert files and all(f.endswith(".ui") for f in files), (name, sorted(files))
    sources = [s for c, s, _ in _messages() if c == "SafeStats"]
    assert len(sources) == len(set(sources)), "a Python string is filed twice under SafeStats"


def _plugin_sources() -> list:
    out = [REPO / "plugin.py", REPO / "__init__.py"]
    for folder in ("ui", "providers", "governance", "processing_provider"):
        out += sorted(p for p in (REPO / folder).rglob("*.py") if "__pycache__" not in p.parts)
    return out


def test_python_code_asks_for_the_one_context_only() -> None:
    """No self.tr() (class contexts), no translate()/tr helpers of other contexts, no class-walking
    tr, no custom translator: one tr, from governance.i18n."""
    found = []
    for path in _plugin_sources():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(REPO).as_posix()
        for pattern in (r"self\.tr\(", r"\bdef tr\(", r"\.translate\(", r"QTranslator\b",
                        r'QT_TRANSLATE_NOOP\(\s*"(?!SafeStats")', r"QT_TR_NOOP\("):
            for match in re.finditer(pattern, text):
                if rel == "governance/i18n.py" and pattern in (r"\bdef tr\(", r"\.translate\(", r"QTranslator\b"):
                    continue
                found.append(f"{rel}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}")
    assert not found, found
    assert not (REPO / "ui" / "i18n.py").exists()


def test_user_facing_errors_and_messages_go_through_tr() -> None:
    """A typed error or a message-bar text written as a bare literal would never be translated."""
    errors_text = (REPO / "providers" / "errors.py").read_text(encoding="utf-8")
    error_classes = set(re.findall(r"^class (\w+)\(", errors_text, re.M))
    error_classes |= {"InvalidFilter", "PurposeRefused", "ConditionsRequired", "ExportBlocked"}
    shown = {"show_info", "pushMessage", "pushInfo", "pushWarning", "pushCritical", "pushSuccess", "reportError"}
    found = []
    for path in _plugin_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in error_classes and name not in shown:
                continue
            for arg in node.args[:3]:
                if isinstance(arg, ast.JoinedStr) or (isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                                                      and arg.value.strip()):
                    found.append(f"{path.relative_to(REPO)}:{node.lineno}: {name}({ast.unparse(arg)[:60]})")
    assert not found, found


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
    from safestats.governance import i18n

    names = [p.name for p in i18n.candidate_files("pt_BR")]
    assert names == ["safestats_pt_BR.qm", "safestats_pt.qm"]
    assert [p.name for p in i18n.candidate_files("cy")] == ["safestats_cy.qm"]
    assert [p.name for p in i18n.candidate_files("en-GB.UTF-8")] == ["safestats_en_GB.qm", "safestats_en.qm"]
    assert i18n.candidate_files("") == []


def test_no_translation_for_english_or_unknown_language(qgis_app: Any, tmp_path: Path) -> None:
    from safestats.governance import i18n

    assert i18n.install_translator("zz_ZZ", tmp_path) is None
    assert i18n.installed() is None
    assert isinstance(i18n.qgis_locale(), str)


def test_translation_reaches_each_kind_of_string(translated: Path) -> None:
    messages = _messages()
    ui_string = next(s for c, s, f in messages if c == "SafeStatsDock" and f.endswith(".ui"))
    assert QCoreApplication.translate("SafeStatsDock", ui_string) == pseudo(ui_string)
    # a module-level string (providers/styles.py) is under "SafeStats", which governance.i18n.tr asks for
    from safestats.governance.i18n import tr

    module_string = next(s for c, s, f in messages if c == "SafeStats" and f == "../providers/styles.py")
    assert tr(module_string) == pseudo(module_string)
    # a text the catalogue does not hold stays as it is (it must not come back empty)
    assert QCoreApplication.translate("NoSuchContext", "not in the catalogue 123") == "not in the catalogue 123"
    assert tr("not in the catalogue 456") == "not in the catalogue 456"
    # non-ASCII source text (… “ ” —) is found too
    wide = next(s for c, s, f in messages if c == "SafeStats" and any(ord(ch) > 127 for ch in s))
    assert tr(wide) == pseudo(wide)
    context, wide_ui = next((c, s) for c, s, f in messages if f.endswith(".ui") and any(ord(ch) > 127 for ch in s))
    assert QCoreApplication.translate(context, wide_ui) == pseudo(wide_ui)


def test_remove_translator_restores_english(qgis_app: Any, pseudo_qm: Path) -> None:
    from safestats.governance import i18n

    ui_string = next(s for c, s, f in _messages() if c == "SafeStatsDock" and f.endswith(".ui"))
    py_string = next(s for c, s, f in _messages() if c == "SafeStats")
    i18n.install_translator("xx", pseudo_qm.parent)
    i18n.install_translator("xx", pseudo_qm.parent)  # twice: still one translator
    assert QCoreApplication.translate("SafeStatsDock", ui_string) == pseudo(ui_string)
    i18n.remove_translator()
    assert QCoreApplication.translate("SafeStatsDock", ui_string) == ui_string
    assert i18n.tr(py_string) == py_string


def test_sign_in_dialog_is_translated(translated: Path) -> None:
    from safestats.providers.session import SessionManager
    from safestats.ui.signin_dialog import SignInDialog

    dialog = SignInDialog(SessionManager())
    try:
        assert dialog.windowTitle() == pseudo("Sign in to SafeStats"), dialog.windowTitle()  # from the .ui form
    finally:
        dialog.deleteLater()


def test_a_dock_panel_is_translated(translated: Path) -> None:
    """ui/panels/when.py: text set in Python (tr) and text of its .ui form (context WhenPanel)."""
    from safestats.ui.panels.when import WhenPanel

    panel = WhenPanel()
    try:
        assert panel.quickPickCombo.itemText(0) == pseudo("All available dates")
        assert panel.dow1Check.text() == pseudo("Mon")
    finally:
        panel.deleteLater()


def test_core_and_governance_messages_are_translated(translated: Path) -> None:
    from qgis.core import QgsVectorLayer

    from safestats.governance import conditions, export_guard
    from safestats.providers import errors
    from safestats.providers.http import HttpTransport

    with pytest.raises(errors.StoreUnreachable) as caught:  # providers/http.py
        HttpTransport("ftp://example.org")
    assert caught.value.user_message.startswith("«The store address must start with https://"), caught.value
    with pytest.raises(conditions.PurposeRefused) as refused:  # governance/conditions.py
        conditions.validate_purpose(None, ["prevention"])
    assert str(refused.value) == pseudo("Choose the purpose of your work from the list before signing in.")
    layer = QgsVectorLayer("Point?crs=EPSG:27700", "Burglary", "memory")
    assert export_guard.warning_text(layer, "/tmp/x.gpkg").startswith("«You saved SafeStats data (Burglary")


def test_plugin_actions_are_translated(translated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_ui_support import RecordingIface, flush_deletes

    import safestats
    from safestats.governance import i18n

    # initGui() installs the translator for QGIS's locale: make that locale the pseudo language
    real_install = i18n.install_translator
    monkeypatch.setattr(i18n, "install_translator", lambda *a, **k: real_install("xx", translated.parent))

    iface = RecordingIface()
    plugin = safestats.classFactory(iface)
    plugin.initGui()
    try:
        texts = [a.text() for a in iface.toolbars[0].actions()]
        assert texts and all(t.startswith("«") for t in texts), texts
        assert plugin.tokens_action.text() == pseudo("Personal access token…")  # plugin.py
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
    """Strings kept in constants (QT_TRANSLATE_NOOP) and Processing's texts (tr): all translated."""
    from safestats.governance.i18n import tr
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
        assert not untranslated, (cls.__name__, untranslated)  # tr() in base and subclasses
    assert tr(NOT_SIGNED_IN) == pseudo(NOT_SIGNED_IN)
    assert messages.message_for(errors.AccountLocked()).title == pseudo("Account locked")
    assert messages.message_for(ValueError("x")).title == pseudo("Check the filter")
    for label, _fn in daterange.QUICK_PICKS.values():
        assert tr(label) == pseudo(label)
    assert tr(atlas.CONDITIONS) == pseudo(atlas.CONDITIONS)
    info = CollectionInfo.from_json({"id": "x", "title": "X", "safestats": {"limits": {}}})
    # the dock's agreement list is providers.models.limit_phrases (first letter raised: "«" has no case)
    assert pseudo("full history") in dataset_html(info) and pseudo("Your agreement:") in dataset_html(info)
