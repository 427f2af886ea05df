"""Personal access tokens through the signed-in StoreClient (docs/api.md, "Personal access tokens").

A token is for other clients (GDAL scripts, QGIS's own "WFS / OGC API - Features" connections); the
plugin itself keeps using its session. The secret comes back once, from ``create``: the caller shows
it and forgets it; nothing here stores it anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from . import errors
from .client import StoreClient


@dataclass(frozen=True)
class PersonalToken:
    id: int
    prefix: str
    name: str
    status: str  # active | expired | revoked
    created_at: str
    expires_at: str
    last_used_at: Optional[str]
    purpose: str

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "PersonalToken":
        try:
            return cls(int(d["id"]), str(d["prefix"]), str(d["name"]), str(d["status"]), str(d["created_at"]),
                       str(d["expires_at"]), d.get("last_used_at"), str(d.get("purpose") or ""))
        except (KeyError, TypeError, ValueError) as exc:
            raise errors.InvalidResponse(detail=f"token: {exc}") from exc


@dataclass(frozen=True)
class NewToken:
    token: PersonalToken
    secret: str  # shown once, never stored
    username: str
    usage: dict[str, str]


def _post(client: StoreClient, path: str, body: Any) -> Any:
    # the client's refresh-on-expiry wrapper, as every authenticated call of StoreClient uses it
    return client._authed(lambda t: client.http.request("POST", path, json_body=body, token=t).json())  # noqa: SLF001


def create(client: StoreClient, name: str, expires_in_days: Optional[int] = None) -> NewToken:
    body: dict[str, Any] = {"name": name}
    if expires_in_days is not None:
        body["expires_in_days"] = int(expires_in_days)
    data = _post(client, "/auth/tokens", body)
    if not isinstance(data, dict) or not str(data.get("token", "")).startswith("ssp_"):
        raise errors.InvalidResponse(detail="the store returned no token")
    return NewToken(PersonalToken.from_json(data), data["token"], str(data.get("username", "")),
                    dict(data.get("usage") or {}))


def list_tokens(client: StoreClient) -> list[PersonalToken]:
    data = client.get_json("/auth/tokens")
    return [PersonalToken.from_json(d) for d in (data.get("tokens") or [])]


def revoke(client: StoreClient, token_id: int) -> PersonalToken:
    return PersonalToken.from_json(_post(client, f"/auth/tokens/{int(token_id)}/revoke", {}))
