"""The QGIS plugin repository over HTTP, no sign-in: /qgis/plugins.xml, the plugin's icon and its
zip. Deploying and reading the zip is :mod:`safestats_store.plugin_repo`."""
from __future__ import annotations

import zipfile

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from .. import errors
from ..plugin_repo import PACKAGE, current, plugins_xml
from .deps import base

router = APIRouter()


@router.get("/qgis/plugins.xml")
def get_plugins_xml(request: Request) -> Response:
    return Response(plugins_xml(current(), base(request)), media_type="application/xml",
                    headers={"Cache-Control": "no-cache"})


@router.get("/qgis/icon")
def get_icon() -> Response:
    plugin = current()
    icon = (plugin.metadata.get("icon") or "").removeprefix("./") if plugin is not None else ""
    if not icon:
        raise errors.NotFound("No SafeStats plugin is deployed on this store.")
    with zipfile.ZipFile(plugin.path) as archive:
        try:
            data = archive.read(f"{PACKAGE}/{icon}")
        except KeyError as exc:
            raise errors.NotFound("The deployed plugin has no icon.") from exc
    media = "image/svg+xml" if icon.endswith(".svg") else "image/png"
    return Response(data, media_type=media)


@router.get("/qgis/{file_name}")
def get_zip(file_name: str) -> Response:
    plugin = current()
    if plugin is None or file_name != plugin.file_name:
        raise errors.NotFound(f"No plugin package {file_name!r} on this store; see /qgis/plugins.xml.")
    return FileResponse(plugin.path, media_type="application/zip", filename=plugin.file_name)
