"""StoreClient: the SafeStats store's HTTP API as Python calls (docs/api.md).

Holds the access and refresh tokens in memory only. Authenticated calls refresh the access
token transparently when it has expired (proactively shortly before ``expires_in`` and
reactively on a 401 ``token_expired``), so a long download or a dock left open keeps working
until the refresh token itself runs out. Thread-safe: a ``LoadTask`` may use the same client
from a worker thread while the UI counts on the main thread.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import QgsFeedback

from . import errors
from .http import HttpTransport, ProgressCallback, log
from .models import (BOUNDARY_COLLECTIONS, CRS_27700, Boundary, CollectionInfo, Conditions,
                     LoginResult, Query, UserInfo)
from .results import DownloadResult, MatchCount
from ..governance.i18n import tr

REFRESH_MARGIN_S = 30  # refresh this long before the access token's stated expiry
LOGOUT_TIMEOUT_MS = 5000  # sign-out must not hold QGIS up (e.g. at exit) when the store is unreachable


class StoreClient:
    def __init__(self, base_url: str) -> None:
        self.http = HttpTransport(base_url)
        self._lock = threading.RLock()
        self._access: Optional[str] = None
        self._refresh: Optional[str] = None
        self._access_expires = 0.0
        self._refresh_expires = 0.0
        self.login_result: Optional[LoginResult] = None
        #: called (on whatever thread) after every successful refresh; no tokens passed
        self.on_refreshed: Optional[Callable[[], None]] = None

    @property
    def base_url(self) -> str:
        return self.http.base_url

    @property
    def signed_in(self) -> bool:
        with self._lock:
            return self._access is not None

    # ------------------------------------------------------------------ auth

    def conditions(self) -> Conditions:
        data = self.http.request("GET", "/auth/conditions").json()
        try:
            return Conditions.from_json(data)
        except (KeyError, TypeError) as exc:
            raise errors.InvalidResponse(detail=f"conditions: {exc}") from exc

    def login(self, username: str, password: str, conditions_version: str, purpose: str,
              totp: Optional[str] = None) -> LoginResult:
        body: dict[str, Any] = {"username": username, "password": password,
                                "conditions_version": conditions_version, "purpose": purpose}
        if totp:
            body["totp"] = totp
        data = self.http.request("POST", "/auth/login", json_body=body).json()
        return self._take_tokens(data)

    def refresh(self) -> LoginResult:
        with self._lock:
            token = self._refresh
            if token is None:
                raise errors.NotSignedIn()
            try:
                data = self.http.request("POST", "/auth/refresh", json_body={"refresh_token": token}).json()
            except (errors.InvalidCredentials, errors.NotSignedIn, errors.TokenExpired) as exc:
                self._clear()
                raise errors.NotSignedIn(tr("Your SafeStats session has ended. Sign in again."),
                                         detail=exc.detail) from exc
            result = self._take_tokens(data)
        if self.on_refreshed is not None:
            self.on_refreshed()
        return result

    def logout(self) -> None:
        """Revoke the tokens on the store (best effort) and forget them here."""
        with self._lock:
            token = self._access
            if token is None:
                return
            try:
                self.http.request("POST", "/auth/logout", token=token, json_body={}, timeout_ms=LOGOUT_TIMEOUT_MS)
            except errors.TokenExpired:
                # revoke what we can: a fresh access token to revoke the family
                try:
                    self.refresh()
                    self.http.request("POST", "/auth/logout", token=self._access, json_body={},
                                      timeout_ms=LOGOUT_TIMEOUT_MS)
                except errors.SafeStatsError as exc:
                    log(f"sign-out could not reach the store ({exc.code}); tokens forgotten locally")
            except errors.SafeStatsError as exc:
                log(f"sign-out could not reach the store ({exc.code}); tokens forgotten locally")
            finally:
                self._clear()

    def forget_tokens(self) -> None:
        with self._lock:
            self._clear()

    def _take_tokens(self, data: Any) -> LoginResult:
        try:
            result = LoginResult.from_json(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise errors.InvalidResponse(detail=f"login answer: {type(exc).__name__}") from exc
        now = time.monotonic()
        with self._lock:
            self._access = result.access_token
            self._refresh = result.refresh_token
            self._access_expires = now + result.expires_in
            self._refresh_expires = now + result.refresh_expires_in
            self.login_result = result
        return result

    def _clear(self) -> None:
        self._access = None
        self._refresh = None
        self._access_expires = 0.0
        self._refresh_expires = 0.0

    def _token(self) -> str:
        with self._lock:
            if self._access is None:
                raise errors.NotSignedIn()
            if time.monotonic() > self._access_expires - REFRESH_MARGIN_S:
                self.refresh()
            assert self._access is not None
            return self._access

    def _authed(self, call: Callable[[str], Any]) -> Any:
        token = self._token()
        try:
            return call(token)
        except errors.TokenExpired:
            with self._lock:
                if self._access == token:  # nobody refreshed meanwhile
                    self.refresh()
            return call(self._token())

    def get_json(self, path: str, params: Optional[dict[str, Any]] = None,
                 feedback: Optional[QgsFeedback] = None) -> Any:
        return self._authed(lambda t: self.http.request("GET", path, params=params, token=t,
                                                        feedback=feedback).json())

    # ------------------------------------------------------------------ catalogue

    def me(self) -> UserInfo:
        data = self.get_json("/auth/me")
        return UserInfo.from_json(data.get("user", data), data.get("agreement"))

    def collections(self, details: bool = True) -> list[CollectionInfo]:
        """All collections the caller may see (incl. boundaries), with ``safestats`` details."""
        data = self.get_json("/collections")
        out = []
        for item in data.get("collections", []):
            info = CollectionInfo.from_json(item)
            if details and not info.has_details:
                info = self.collection(info.id)
            out.append(info)
        return out

    def datasets(self) -> list[CollectionInfo]:
        """Incident/aggregate datasets for the picker (reference boundaries left out)."""
        return [c for c in self.collections() if not c.is_boundaries]

    def collection(self, collection_id: str) -> CollectionInfo:
        return CollectionInfo.from_json(self.get_json(f"/collections/{collection_id}"))

    def boundaries(self, kind: str) -> list[Boundary]:
        """Borough or ward codes and names (``kind`` "boroughs" or "wards"), sorted by name."""
        if kind not in BOUNDARY_COLLECTIONS:
            raise ValueError(f"kind must be one of {BOUNDARY_COLLECTIONS}")
        out: list[Boundary] = []
        offset = 0
        params: dict[str, Any] = {"limit": 1000}
        if kind == "boroughs":  # outlines in metres, to tell which boroughs an agreement's area holds
            params["crs"] = CRS_27700
        while True:
            page = self.get_json(f"/collections/{kind}/items", dict(params, offset=offset))
            feats = page.get("features", [])
            for f in feats:
                p = f.get("properties") or {}
                code = p.get("code") or p.get("gss_code") or p.get(kind[:-1] + "_code") or str(f.get("id"))
                name = p.get("name") or p.get(kind[:-1] + "_name") or code
                parent = (p.get("parent_code") or p.get("borough_code")) if kind == "wards" else None
                wkt = _geojson_wkt(f.get("geometry")) if kind == "boroughs" else None
                out.append(Boundary(code=str(code), name=str(name), kind=kind[:-1], parent_code=parent, wkt=wkt,
                                    vintage=str(p["vintage"]) if p.get("vintage") else None))
            offset += len(feats)
            if not feats or not any(link.get("rel") == "next" for link in page.get("links", [])):
                break
        out.sort(key=lambda b: b.name)
        return out

    # ------------------------------------------------------------------ data

    def aggregates(self, dataset_id: str, params: dict[str, Any], feedback: Optional[QgsFeedback] = None) -> dict:
        """Counts per area (``/aggregates``) as a GeoJSON FeatureCollection. Asked in EPSG:27700, it
        carries a named ``crs`` member so GDAL opens the saved file in 27700 (the store says the CRS in
        its Content-Crs header; a GeoJSON file without the member is read as WGS 84)."""
        data = self.get_json(f"/collections/{dataset_id}/aggregates", params, feedback)
        if not isinstance(data, dict) or not isinstance(data.get("features"), list):
            raise errors.InvalidResponse(detail="aggregates answer is not a FeatureCollection")
        if params.get("crs") == CRS_27700:
            data["crs"] = GEOJSON_CRS_27700
        return data

    def count(self, query: Query, feedback: Optional[QgsFeedback] = None) -> MatchCount:
        data = self.get_json(f"/collections/{query.dataset_id}/count", query.to_params(), feedback)
        try:
            return MatchCount.from_json(data)
        except (TypeError, ValueError) as exc:
            raise errors.InvalidResponse(detail=str(exc)) from exc

    def items(self, query: Query, limit: int = 1000, offset: int = 0, crs: str = CRS_27700) -> dict[str, Any]:
        params = dict(query.to_params(), limit=limit, offset=offset, crs=crs)
        return self.get_json(f"/collections/{query.dataset_id}/items", params)

    def download_fgb(self, query: Query, path: Path, feedback: Optional[QgsFeedback] = None,
                     progress: Optional[ProgressCallback] = None) -> DownloadResult:
        """Stream all matching features as FlatGeobuf (EPSG:27700) to ``path``.

        Writes ``path``.part and renames it only after the byte count matched Content-Length.
        Raises ``LoadCancelled`` when ``feedback`` is cancelled; no file is left behind then.
        """
        params = dict(query.to_params(), f="fgb", crs=CRS_27700)
        target = Path(path)

        def call(token: str) -> Any:
            return self.http.download(f"/collections/{query.dataset_id}/items", target, params=params,
                                      token=token, feedback=feedback, progress=progress)

        response = self._authed(call)
        rows_header = response.headers.get("x-safestats-count")
        rows = int(rows_header) if rows_header and rows_header.isdigit() else None
        return DownloadResult(path=str(target), bytes=target.stat().st_size, rows=rows)


#: the (pre-RFC 7946) named CRS member GDAL reads from a GeoJSON file in EPSG:27700
GEOJSON_CRS_27700 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}


def _geojson_wkt(geometry: Any) -> Optional[str]:
    if not isinstance(geometry, dict):
        return None
    from osgeo import ogr

    geom = ogr.CreateGeometryFromJson(json.dumps(geometry))
    return geom.ExportToWkt() if geom is not None else None
