"""The ONE place where errors become what the user reads.

Every widget, task callback and action of the plugin hands exceptions to :func:`show_error`
(message bar) or asks :func:`message_for` for a :class:`UserMessage` (e.g. the sign-in dialog
shows it inline).  The text comes from the typed errors of ``providers.errors`` (each carries a
plain-English ``user_message`` saying what to do); this module decides title, level and duration,
translates the plugin's own fallbacks, and logs the technical detail (never a token or password)
to the "SafeStats" log tab.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Dict, Tuple, Type

from qgis.core import Qgis, QgsMessageLog
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from . import errors as E
from ..governance.i18n import tr

LOG_TAG = "SafeStats"


@dataclass(frozen=True)
class UserMessage:
    title: str
    text: str
    level: int  # Qgis.MessageLevel
    duration: int  # seconds in the message bar; 0 = until closed
    detail: str = ""


# (title, level, duration) per error type.  Most specific classes first: the first isinstance match wins.
_TABLE: Tuple[Tuple[Type[BaseException], str, int, int], ...] = (
    (E.InvalidSecondFactor, QT_TRANSLATE_NOOP("SafeStats", "Sign-in failed"), Qgis.MessageLevel.Warning, 0),
    (E.SecondFactorRequired, QT_TRANSLATE_NOOP("SafeStats", "Second factor needed"), Qgis.MessageLevel.Info, 0),
    (E.InvalidCredentials, QT_TRANSLATE_NOOP("SafeStats", "Sign-in failed"), Qgis.MessageLevel.Warning, 0),
    (E.AccountLocked, QT_TRANSLATE_NOOP("SafeStats", "Account locked"), Qgis.MessageLevel.Critical, 0),
    (E.ConditionsNotAccepted, QT_TRANSLATE_NOOP("SafeStats", "Conditions of use"), Qgis.MessageLevel.Warning, 0),
    (E.PurposeNotPermitted, QT_TRANSLATE_NOOP("SafeStats", "Purpose not permitted"), Qgis.MessageLevel.Warning, 0),
    (E.NoAgreement, QT_TRANSLATE_NOOP("SafeStats", "No data sharing agreement"), Qgis.MessageLevel.Critical, 0),
    (E.TokenExpired, QT_TRANSLATE_NOOP("SafeStats", "Session expired"), Qgis.MessageLevel.Warning, 0),
    (E.NotSignedIn, QT_TRANSLATE_NOOP("SafeStats", "Not signed in"), Qgis.MessageLevel.Warning, 10),
    (E.Forbidden, QT_TRANSLATE_NOOP("SafeStats", "Not allowed"), Qgis.MessageLevel.Warning, 10),
    (E.DatasetNotAvailable, QT_TRANSLATE_NOOP("SafeStats", "Dataset not available"), Qgis.MessageLevel.Warning, 10),
    (E.AggregateOnly, QT_TRANSLATE_NOOP("SafeStats", "Counts only"), Qgis.MessageLevel.Warning, 10),
    (E.InvalidFilter, QT_TRANSLATE_NOOP("SafeStats", "Filter not accepted"), Qgis.MessageLevel.Warning, 10),
    (E.TlsError, QT_TRANSLATE_NOOP("SafeStats", "Secure connection failed"), Qgis.MessageLevel.Critical, 0),
    (E.ProxyError, QT_TRANSLATE_NOOP("SafeStats", "Proxy problem"), Qgis.MessageLevel.Critical, 0),
    (E.StoreUnreachable, QT_TRANSLATE_NOOP("SafeStats", "Store unreachable"), Qgis.MessageLevel.Critical, 0),
    (E.DownloadIncomplete, QT_TRANSLATE_NOOP("SafeStats", "Download incomplete"), Qgis.MessageLevel.Warning, 10),
    (E.LoadCancelled, QT_TRANSLATE_NOOP("SafeStats", "Cancelled"), Qgis.MessageLevel.Info, 5),
    (E.InvalidResponse, QT_TRANSLATE_NOOP("SafeStats", "Unexpected answer"), Qgis.MessageLevel.Critical, 0),
    (E.AuditWriteFailed, QT_TRANSLATE_NOOP("SafeStats", "Audit log not written"), Qgis.MessageLevel.Critical, 0),
    (E.StoreError, QT_TRANSLATE_NOOP("SafeStats", "Store problem"), Qgis.MessageLevel.Critical, 0),
    (E.SafeStatsError, QT_TRANSLATE_NOOP("SafeStats", "SafeStats"), Qgis.MessageLevel.Warning, 10),
)

#: Exceptions raised by the UI layer itself (not the store): plain Python types with our own text.
_LOCAL: Dict[Type[BaseException], Tuple[str, str]] = {
    ValueError: (QT_TRANSLATE_NOOP("SafeStats", "Check the filter"), "{error}"),
    OSError: (QT_TRANSLATE_NOOP("SafeStats", "File problem"),
              QT_TRANSLATE_NOOP("SafeStats", "SafeStats could not read or write a file: {error}")),
}


def message_for(error: BaseException) -> UserMessage:
    """Title, text, level and duration for an exception (any type)."""
    if isinstance(error, E.SafeStatsError):
        for cls, title, level, duration in _TABLE:
            if isinstance(error, cls):
                return UserMessage(tr(title), tr(error.user_message), level, duration,
                                   getattr(error, "detail", "") or "")
    for cls, (title, template) in _LOCAL.items():
        if isinstance(error, cls):
            return UserMessage(tr(title), tr(template).format(error=str(error)), Qgis.MessageLevel.Warning, 10)
    return UserMessage(
        tr("SafeStats error"),
        tr("Something unexpected went wrong in the SafeStats plugin. Details are in the "
           "SafeStats tab of the Log Messages panel; please report them to the SafeStats team."),
        Qgis.MessageLevel.Critical, 0, "".join(traceback.format_exception_only(type(error), error)).strip())


def log_error(error: BaseException, context: str = "") -> UserMessage:
    """Log the error (type, code, detail; never secrets) and return its user message."""
    message = message_for(error)
    code = getattr(error, "code", type(error).__name__)
    line = f"{context + ': ' if context else ''}{type(error).__name__} [{code}] {message.text}"
    if message.detail:
        line += f" — {message.detail}"
    if not isinstance(error, E.SafeStatsError) and error.__traceback__ is not None:
        line += "\n" + "".join(traceback.format_exception(type(error), error, error.__traceback__))
    QgsMessageLog.logMessage(line, LOG_TAG, message.level)
    return message


def show_error(bar, error: BaseException, context: str = "") -> UserMessage:
    """Push an error to a QgsMessageBar (``iface.messageBar()`` or a dialog's own bar)."""
    message = log_error(error, context)
    if bar is not None:
        bar.pushMessage(message.title, message.text, message.level, message.duration)
    return message


def push(bar, error: BaseException) -> UserMessage:
    """Show an error that was already logged where it happened (e.g. ``SessionManager.auditFailed``)."""
    message = message_for(error)
    if bar is not None:
        bar.pushMessage(message.title, message.text, message.level, message.duration)
    return message


def show_info(bar, title: str, text: str, level: int = Qgis.MessageLevel.Info, duration: int = 5) -> None:
    QgsMessageLog.logMessage(f"{title}: {text}", LOG_TAG, Qgis.MessageLevel.Info)
    if bar is not None:
        bar.pushMessage(title, text, level, duration)
