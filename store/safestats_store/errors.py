"""Typed API errors: every refusal the store makes is one of these, rendered as
{"code", "description"} JSON by the app (see docs/api.md)."""
from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, description: str, *, extra: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "description": self.description, **self.extra}


class BadRequest(ApiError):
    status, code = 400, "invalid_parameter"


class InvalidFilter(ApiError):
    status, code = 400, "invalid_filter"


class InvalidCredentials(ApiError):
    status, code = 401, "invalid_credentials"


class TotpRequired(ApiError):
    status, code = 401, "totp_required"


class TokenExpired(ApiError):
    status, code = 401, "token_expired"


class NotAuthenticated(ApiError):
    status, code = 401, "not_authenticated"


class ConditionsRequired(ApiError):
    status, code = 403, "conditions_required"


class PurposeNotPermitted(ApiError):
    status, code = 403, "purpose_not_permitted"


class AccountLocked(ApiError):
    status, code = 423, "account_locked"


class NoAgreement(ApiError):
    status, code = 403, "no_agreement"


class AggregateOnly(ApiError):
    status, code = 403, "aggregate_only"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class RangeNotSatisfiable(ApiError):
    status, code = 416, "range_not_satisfiable"


class Conflict(ApiError):
    status, code = 409, "conflict"


class HttpsRequired(ApiError):
    status, code = 403, "https_required"


class TooManyAttempts(ApiError):
    status, code = 429, "too_many_attempts"


# ---------------------------------------------------------------------------- refusals QGIS shows
# QGIS's native WFS/OAPIF provider (QgsBaseNetworkRequest::replyFinished) shows only Qt's
# "Error transferring <url> - server replied: Forbidden" for an HTTP error, unless the body is an
# OWS ExceptionReport: then it shows "WFS exception report (code=<exceptionCode> text=<ExceptionText>)".
# So a refusal to QGIS's native provider is that XML, carrying the same code and description. Every
# request through QGIS's network stack says "QGIS/<version>" in its User-Agent (QgsNetworkAccessManager
# overwrites it), the SafeStats plugin's too; the plugin sends its session as Bearer, while a QGIS
# connection's authcfg (the "Basic" method: user name + personal access token) sends Basic. So: QGIS
# and Basic get XML; everyone else (the plugin, GDAL, OWSLib, browsers) the JSON of docs/api.md.


def wants_exception_report(user_agent: str, authorization: str) -> bool:
    return "QGIS/" in user_agent and authorization[:6].lower() == "basic "


def exception_report(body: dict[str, Any]) -> bytes:
    from xml.sax.saxutils import escape, quoteattr
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<ExceptionReport version="2.0.0">'
            f'<Exception exceptionCode={quoteattr(str(body.get("code", "error")))}>'
            f'<ExceptionText>{escape(str(body.get("description", "")))}</ExceptionText>'
            '</Exception></ExceptionReport>\n').encode()
