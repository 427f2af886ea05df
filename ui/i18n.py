"""Translations: load ``i18n/safestats_<locale>.qm`` for the language QGIS runs in.

``plugin.py`` calls :func:`install_translator` at the very start of ``initGui()`` (before any
widget or action text is created) and :func:`remove_translator` at the end of ``unload()``.

The locale is QGIS's own (Settings ▸ Options ▸ General ▸ Override system locale, else the
system's).  For ``pt_BR`` the files tried are ``safestats_pt_BR.qm`` then ``safestats_pt.qm``;
English needs no file (the source strings are English).  The ``.qm`` files are compiled from
``i18n/*.ts`` by ``scripts/i18n.sh`` (from a checkout) or ``scripts/package.py`` (into the zip);
see docs/translating.md.

pylupdate5 files a ``tr("…")`` call made outside any class under the context ``@default``, while
a module-level helper such as ``QCoreApplication.translate("SafeStatsMessages", text)`` asks for
its own context at run time.  :class:`SafeStatsTranslator` therefore falls back to ``@default``
when the exact context has no translation, so those strings are translated too.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parent.parent / "i18n"
PREFIX = "safestats_"
FALLBACK_CONTEXT = "@default"

_translator: Optional[QTranslator] = None


class SafeStatsTranslator(QTranslator):
    """A QTranslator that retries a miss in pylupdate5's ``@default`` context."""

    def translate(self, context: str, source: str, disambiguation: Optional[str] = None,
                  n: int = -1) -> Optional[str]:  # noqa: D102 - Qt virtual
        # Qt's arguments are ``const char *``: PyQt converts a str to ASCII (an exception here,
        # inside a Qt virtual, aborts QGIS), so pass UTF-8 bytes, as QCoreApplication.translate does.
        try:
            src = _utf8(source)
            extra = _utf8(disambiguation) if disambiguation is not None else None
            text = super().translate(_utf8(context), src, extra, n)
            if not text and context != FALLBACK_CONTEXT:
                text = super().translate(FALLBACK_CONTEXT.encode(), src, extra, n)
            # a miss must be a *null* QString (None): PyQt turns "" into an empty but non-null
            # string, which Qt takes as the translation, and the text would vanish from the screen
            return text or None
        except Exception:  # noqa: BLE001 - never let a lookup take QGIS down; untranslated is fine
            return None


def _utf8(value: object) -> bytes:
    return value if isinstance(value, bytes) else str(value or "").encode("utf-8")


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
        translator = SafeStatsTranslator()
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
