"""Typed errors raised by the SafeStats providers.

Every error carries a ``user_message``: plain English that says what happened and what the
user can do about it. The UI shows ``user_message`` as it is; ``str(error)`` is the same text.
The store's own ``description`` (see docs/api.md "Errors") is kept in ``detail`` and may be
shown as "more details". No error ever holds a token or a password.
"""
from __future__ import annotations

from typing import Any, Optional

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..governance.i18n import tr


class SafeStatsError(Exception):
    """Base class. ``code`` is the store's machine code (or a local one)."""

    code: str = "error"
    default_message: str = QT_TRANSLATE_NOOP(
        "SafeStats",
        "Something went wrong while talking to the SafeStats store.")

    def __init__(self, user_message: Optional[str] = None, *, detail: str = "",
                 status: Optional[int] = None) -> None:
        self.user_message: str = user_message or tr(self.default_message)
        self.detail: str = detail
        self.status: Optional[int] = status
        super().__init__(self.user_message)


# ------------------------------------------------------------------ sign-in


class InvalidCredentials(SafeStatsError):
    code = "invalid_credentials"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "The username or password is not right. Check both and try again; "
                       "after several wrong attempts the account is locked for a while.")


class SecondFactorRequired(SafeStatsError):
    code = "totp_required"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "This account has a second factor. Enter the 6-digit code from your "
                       "authenticator app and sign in again.")


class InvalidSecondFactor(SecondFactorRequired):
    code = "invalid_totp"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "The 6-digit code was not right or has expired. Enter the current code "
                       "from your authenticator app.")


class AccountLocked(SafeStatsError):
    code = "account_locked"

    def __init__(self, retry_after: Optional[int] = None, *, detail: str = "",
                 status: Optional[int] = 423) -> None:
        self.retry_after = retry_after
        if retry_after:
            minutes = max(1, (int(retry_after) + 59) // 60)
            when = f"in about {minutes} minute{'s' if minutes != 1 else ''}"
        else:
            when = "later"
        message = (f"Your account is locked after too many failed sign-in attempts. Try again {when}, "
                   "or ask your organisation's SafeStats administrator to unlock it.")
        super().__init__(message, detail=detail, status=status)


class ConditionsNotAccepted(SafeStatsError):
    """The current conditions of use were not accepted (or the version changed)."""

    code = "conditions_required"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "You must read and accept the current conditions of use, and choose the "
                       "purpose of your work, every time you sign in.")

    def __init__(self, user_message: Optional[str] = None, *, conditions: Any = None,
                 detail: str = "", status: Optional[int] = 403) -> None:
        #: the store's current conditions (a ``models.Conditions``) when it sent them
        self.conditions = conditions
        super().__init__(user_message, detail=detail, status=status)


class PurposeNotPermitted(SafeStatsError):
    code = "purpose_not_permitted"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "SafeStats data may be used only for preventing and reducing crime and harm, "
                       "never for enforcement or prosecution. Choose one of the listed purposes.")


class NoAgreement(SafeStatsError):
    code = "no_agreement"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "Your organisation has no active data sharing agreement with SafeStats "
                       "(it has expired or been suspended), so you cannot see any data. "
                       "Ask your organisation's SafeStats lead or the GLA SafeStats team to renew it.")


# ------------------------------------------------------------------ session


class NotSignedIn(SafeStatsError):
    code = "not_authenticated"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "You are not signed in to SafeStats (or your session has ended). Sign in again.")


class TokenExpired(SafeStatsError):
    code = "token_expired"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "Your SafeStats session has expired. Sign in again.")


class Forbidden(SafeStatsError):
    code = "forbidden"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "Your role does not allow this. Ask your organisation's SafeStats administrator.")


# ------------------------------------------------------------------ data


class DatasetNotAvailable(SafeStatsError):
    code = "not_found"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "This dataset is not available to your organisation (or no longer exists). "
                       "Refresh the dataset list and pick another one.")


class AggregateOnly(SafeStatsError):
    code = "aggregate_only"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "Your organisation's agreement allows only counts for this dataset, not individual records. "
        "Counts come from a fixed table: in the SafeStats panel choose a period (a calendar month or a "
        "financial year), areas (boroughs, wards or hexagons of 500, 1000 or 2000 m, optionally within "
        "one borough) and at most one category. Free dates, days, hours and drawn areas are not available.")


class InvalidFilter(SafeStatsError):
    code = "invalid_filter"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "The store did not accept this filter. Check the dates, categories and area.")


class StoreError(SafeStatsError):
    code = "server_error"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "The SafeStats store had a problem answering. Try again in a few minutes; "
                       "if it keeps happening, tell the GLA SafeStats team.")


# ------------------------------------------------------------------ network


class StoreUnreachable(SafeStatsError):
    code = "unreachable"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "The SafeStats store cannot be reached. Check the store address, that you are "
                       "connected to the network (or VPN), and try again.")


class TlsError(SafeStatsError):
    code = "tls_error"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "A secure (TLS) connection to the SafeStats store could not be made: its "
                       "certificate is not trusted. If your organisation inspects HTTPS traffic, ask IT "
                       "to add its root certificate in QGIS (Settings > Options > Authentication > "
                       "Certificate Manager); otherwise check the store address.")


class ProxyError(SafeStatsError):
    code = "proxy_error"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "The network proxy refused or failed the connection to the SafeStats store. "
                       "Check the proxy settings in QGIS (Settings > Options > Network), including the "
                       "proxy user name and password, or ask your IT team.")


class DownloadIncomplete(SafeStatsError):
    code = "download_incomplete"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "The download from the SafeStats store stopped before it was complete, so "
                       "nothing was loaded. Try again.")


class LoadCancelled(SafeStatsError):
    code = "cancelled"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "Loading was cancelled. Nothing was added to the map.")


class InvalidResponse(SafeStatsError):
    code = "invalid_response"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "The SafeStats store sent an answer the plugin does not understand. Check the "
                       "store address, or update the plugin.")


class AuditWriteFailed(SafeStatsError):
    """The client audit log could not record a data access (the access itself has happened)."""

    code = "audit_failed"
    default_message = QT_TRANSLATE_NOOP(
        "SafeStats",
        "The SafeStats client audit log could not be written, so this data access is not recorded on "
        "this computer. Tell your SafeStats administrator; details are in the SafeStats log tab.")


# ------------------------------------------------------------------ mapping

_BY_CODE: dict[str, type[SafeStatsError]] = {
    "invalid_credentials": InvalidCredentials,
    "totp_required": SecondFactorRequired,
    "invalid_totp": InvalidSecondFactor,
    "token_expired": TokenExpired,
    "not_authenticated": NotSignedIn,
    "purpose_not_permitted": PurposeNotPermitted,
    "no_agreement": NoAgreement,
    "aggregate_only": AggregateOnly,
    "forbidden": Forbidden,
    "not_found": DatasetNotAvailable,
    "bad_request": InvalidFilter,
    "invalid_filter": InvalidFilter,
    "invalid_parameter": InvalidFilter,
}


def error_from_store(status: int, body: Any, retry_after_header: Optional[str] = None) -> SafeStatsError:
    """Turn an HTTP error status and the store's JSON error body into a typed error."""
    code = ""
    description = ""
    if isinstance(body, dict):
        code = str(body.get("code") or "")
        description = str(body.get("description") or "")
    if code == "account_locked" or status == 423:
        retry = body.get("retry_after") if isinstance(body, dict) else None
        if retry is None and retry_after_header:
            retry = retry_after_header
        try:
            retry_int: Optional[int] = int(float(retry)) if retry is not None else None
        except (TypeError, ValueError):
            retry_int = None
        return AccountLocked(retry_int, detail=description, status=status)
    if code == "conditions_required":
        from .models import Conditions  # local import: models imports nothing from here
        conditions = None
        if isinstance(body, dict) and isinstance(body.get("conditions"), dict):
            try:
                conditions = Conditions.from_json(body["conditions"])
            except (KeyError, TypeError, ValueError):
                conditions = None
        return ConditionsNotAccepted(conditions=conditions, detail=description, status=status)
    cls = _BY_CODE.get(code)
    if cls is InvalidFilter:
        message = (tr("The store did not accept this filter: {0}").format(description) if description
                   else tr("The store did not accept this filter. Check the dates, categories and area."))
        return InvalidFilter(message, detail=description, status=status)
    if cls is NoAgreement and description:
        return NoAgreement(NoAgreement.default_message, detail=description, status=status)
    if cls is not None:
        return cls(detail=description, status=status)
    if status == 401:
        return NotSignedIn(detail=description, status=status)
    if status == 403:
        return Forbidden(detail=description, status=status)
    if status == 404:
        return DatasetNotAvailable(detail=description, status=status)
    if status in (407,):
        return ProxyError(detail=description, status=status)
    if 400 <= status < 500:
        return InvalidFilter(detail=description, status=status)
    return StoreError(detail=description or f"HTTP {status}", status=status)
