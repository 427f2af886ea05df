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


class InvalidTotp(ApiError):
    status, code = 401, "invalid_totp"


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
