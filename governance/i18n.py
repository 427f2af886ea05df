"""The plugin's translations: the one ``tr`` and the one translator.

Every user-facing string in the plugin's Python modules goes through :func:`tr`, which asks Qt
for ``QCoreApplication.translate("SafeStats", text)``; constants are marked with
``QT_TRANSLATE_NOOP("SafeStats", text)`` and passed through :func:`tr` where they are shown.
``.ui`` forms keep Qt's own per-form contexts (uic asks for them at run time). ``scripts/i18n.sh``
files every message of the Python sources under ``SafeStats`` in the catalogue, so a plain
``QTranslator`` finds them all. How the catalogue is built: docs/translating.md.

``plugin.py`` calls :func:`install_translator` at the very start of ``initGui()`` (before any
widget or action text is created) and :func:`remove_translator` at the end of ``unload()``.
The locale is QGIS's own (Settings ▸ Options ▸ General ▸ Override system locale, else the
system's). For ``pt_BR`` the files tried are ``safestats_pt_BR.qm`` then ``safestats_pt.qm``;
English needs no file (the source strings are English). No widgets here.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

CONTEXT = "SafeStats"
I18N_DIR = Path(__file__).resolve().parent.parent / "i18n"
PREFIX = "safestats_"

_translator: Optional[QTranslator] = None


def tr(text: str) -> str:
    """``text`` in the user's language (as it is when the catalogue has no translation)."""
    return QCoreApplication.translate(CONTEXT, text)


def qgis_locale() -> str:
    """The locale QGIS uses for its own translations, e.g. ``cy_GB``, ``fr``, ``en_US``."""
    try:
        from qgis.core import QgsApplication
        name = QgsApplication.locale()
        if name:
            return str(name)
    except (ImportError, AttributeError):
        pass
    from qgis.core import QgsSettings
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        return str(settings.value("locale/userLocale", "") or QLocale.system().name())
    return QLocale.system().name()


def candidate_files(locale: str, directory: Path = I18N_DIR) -> List[Path]:
    """``.qm`` files to try for a locale, most specific first (``pt_BR`` → pt_BR, pt)."""
    locale = (locale or "").replace("-", "_").split(".")[0]
    names: List[str] = []
    if locale:
        names.append(locale)
        language = locale.split("_")[0]
        if language and language not in names:
            names.append(language)
    return [directory / f"{PREFIX}{name}.qm" for name in names]


def install_translator(locale: Optional[str] = None, directory: Path = I18N_DIR) -> Optional[Path]:
    """Install the plugin's translator for ``locale`` (default: QGIS's). Returns the .qm used, or None.

    Safe to call twice (the previous translator is removed first) and a no-op for English or a
    language without a ``.qm`` file.
    """
    global _translator
    remove_translator()
    for path in candidate_files(locale if locale is not None else qgis_locale(), directory):
        if not path.is_file():
            continue
        translator = QTranslator()
        if translator.load(str(path)) and not translator.isEmpty():
            QCoreApplication.installTranslator(translator)
            _translator = translator
            return path
    return None


def remove_translator() -> None:
    """Remove the translator installed by :func:`install_translator` (called from ``unload()``)."""
    global _translator
    if _translator is not None:
        QCoreApplication.removeTranslator(_translator)
        _translator = None


def installed() -> Optional[QTranslator]:
    return _translator
