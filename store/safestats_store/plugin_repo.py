"""The store as a QGIS plugin repository: ``GET /qgis/plugins.xml`` and the plugin zip it lists.

A borough adds ``https://<store>/qgis/plugins.xml`` once in QGIS (Plugins ▸ Manage and Install
Plugins ▸ Settings ▸ Add…, or a QGIS Deployment Toolbelt profile) and gets the SafeStats plugin
and its updates from the same server the plugin signs in to.

* The admin deploys a zip built by ``make package`` (``dist/safestats-<version>.zip``) with
  ``safestats-store plugin-repo add dist/safestats-<version>.zip``: it is checked (one top folder
  ``safestats/``, a readable ``metadata.txt`` with the fields QGIS needs, a ``classFactory``) and
  copied into the repository folder, ``$SAFESTATS_PLUGIN_REPO`` (default ``var/plugins``, relative
  to the store's working directory, like the default database).
* Only the plugin whose version **equals the store's version** is listed: the plugin and the store
  share one HTTP contract, so an analyst is never offered a plugin built for another store.
  Other zips in the folder are ignored (kept for roll-back: add the old one again to a matching store).
* No sign-in: the repository holds the plugin (public code, no data), and QGIS's Plugin Manager
  cannot sign in to a repository. Nothing is audited (it is not a data access).

The XML is the format plugins.qgis.org serves and QGIS's installer reads (``pyqgis_plugin``
elements). QGIS takes the plugin's key from ``file_name`` up to its first dot, so the zip is served
as ``safestats.<version>.zip`` (key ``safestats``, the folder the zip unpacks to).
"""
from __future__ import annotations

import configparser
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional
from xml.sax.saxutils import escape, quoteattr

from . import __version__

PACKAGE = "safestats"
ENV_DIR = "SAFESTATS_PLUGIN_REPO"
DEFAULT_DIR = "var/plugins"
REQUIRED = ("name", "version", "description", "qgisMinimumVersion", "author")
_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?([.-]?(alpha|beta|rc|dev)\d*)?$")

class PluginZipError(ValueError):
    """The zip is not a SafeStats plugin package QGIS can install."""


@dataclass(frozen=True)
class PluginZip:
    path: Path
    metadata: dict[str, str]

    @property
    def version(self) -> str:
        return self.metadata["version"]

    @property
    def file_name(self) -> str:
        return f"{PACKAGE}.{self.version}.zip"


def repo_dir() -> Path:
    return Path(os.environ.get(ENV_DIR) or DEFAULT_DIR)


def read_plugin_zip(path: Path) -> PluginZip:
    """Check a plugin zip the way QGIS will install it; its metadata as a dict."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PluginZipError(f"{path}: not a zip file ({exc})") from exc
    with archive:
        names = archive.namelist()
        tops = {n.split("/", 1)[0] for n in names}
        if tops != {PACKAGE}:
            raise PluginZipError(f"{path}: must hold exactly one top folder '{PACKAGE}/', found {sorted(tops)}")
        if any(".." in n.split("/") or n.startswith("/") for n in names):
            raise PluginZipError(f"{path}: holds a path leaving the plugin folder")
        try:
            text = archive.read(f"{PACKAGE}/metadata.txt").decode("utf-8")
            init = archive.read(f"{PACKAGE}/__init__.py").decode("utf-8", "replace")
        except KeyError as exc:
            raise PluginZipError(f"{path}: {exc.args[0]} is missing") from exc
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    try:
        parser.read_string(text)
        meta = {k: v.strip() for k, v in parser["general"].items()}
    except (configparser.Error, KeyError) as exc:
        raise PluginZipError(f"{path}: metadata.txt has no readable [general] section ({exc})") from exc
    missing = [k for k in REQUIRED if not meta.get(k)]
    if missing:
        raise PluginZipError(f"{path}: metadata.txt lacks {', '.join(missing)}")
    if not _VERSION.match(meta["version"]):
        raise PluginZipError(f"{path}: version {meta['version']!r} is not like 1.2.3")
    if "def classFactory" not in init:
        raise PluginZipError(f"{path}: __init__.py has no classFactory()")
    return PluginZip(path, meta)


def add(zip_path: Path, target: Optional[Path] = None, *, allow_other_version: bool = False) -> Path:
    """Check a zip and copy it into the repository folder (atomically); returns where it went."""
    plugin = read_plugin_zip(zip_path)
    if plugin.version != __version__ and not allow_other_version:
        raise PluginZipError(f"{zip_path}: plugin version {plugin.version} does not match this store "
                             f"({__version__}); the repository only lists a matching plugin "
                             "(--any-version keeps it for later)")
    folder = target or repo_dir()
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{PACKAGE}-{plugin.version}.zip"
    partial = dest.with_suffix(".zip.part")
    shutil.copyfile(zip_path, partial)
    partial.replace(dest)
    return dest


def current(folder: Optional[Path] = None) -> Optional[PluginZip]:
    """The deployed plugin matching the store's version, or None."""
    path = (folder or repo_dir()) / f"{PACKAGE}-{__version__}.zip"
    if not path.is_file():
        return None
    plugin = read_plugin_zip(path)
    return plugin if plugin.version == __version__ else None


def _bool(value: str) -> str:
    return "True" if value.strip().lower() in ("true", "yes", "1") else "False"


def plugins_xml(plugin: Optional[PluginZip], base: str) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<plugins>"]
    if plugin is not None:
        m = plugin.metadata
        stamp = datetime.fromtimestamp(plugin.path.stat().st_mtime, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields = {
            "description": m.get("description", ""),
            "about": m.get("about", ""),
            "version": plugin.version,
            "qgis_minimum_version": m["qgisMinimumVersion"],
            "qgis_maximum_version": m.get("qgisMaximumVersion") or (m["qgisMinimumVersion"].split(".")[0] + ".99"),
            "supports_qt6": _bool(m.get("supportsQt6", "False")),
            "homepage": m.get("homepage", ""),
            "file_name": plugin.file_name,
            "icon": f"{base}/qgis/icon" if m.get("icon") else "",
            "author_name": m["author"],
            "download_url": f"{base}/qgis/{plugin.file_name}",
            "uploaded_by": "SafeStats store",
            "create_date": stamp,
            "update_date": stamp,
            "experimental": _bool(m.get("experimental", "False")),
            "deprecated": _bool(m.get("deprecated", "False")),
            "tracker": m.get("tracker", ""),
            "repository": m.get("repository", ""),
            "tags": m.get("tags", ""),
            "server": _bool(m.get("server", "False")),
            "trusted": "True",
        }
        lines.append(f"  <pyqgis_plugin name={quoteattr(m['name'])} version={quoteattr(plugin.version)} "
                     f"plugin_id={quoteattr(PACKAGE)}>")
        lines.extend(f"    <{k}>{escape(v)}</{k}>" for k, v in fields.items())
        lines.append("  </pyqgis_plugin>")
    lines.append("</plugins>")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- command line


def add_cli(sub: "argparse._SubParsersAction") -> None:  # noqa: F821 - argparse's private type
    """``safestats-store plugin-repo add ZIP`` / ``plugin-repo list``."""
    p = sub.add_parser("plugin-repo", help="the QGIS plugin repository served at /qgis/plugins.xml")
    psub = p.add_subparsers(dest="plugin_repo_cmd", required=True)
    pa = psub.add_parser("add", help="deploy a plugin zip built by `make package`")
    pa.add_argument("zip", type=Path)
    pa.add_argument("--dir", type=Path, help=f"repository folder (default: ${ENV_DIR} or {DEFAULT_DIR})")
    pa.add_argument("--any-version", action="store_true", help="accept a zip not matching the store's version")
    pa.set_defaults(func=_cmd_add)
    pl = psub.add_parser("list", help="the zips in the repository folder and the one served")
    pl.add_argument("--dir", type=Path)
    pl.set_defaults(func=_cmd_list)


def _cmd_add(args: "argparse.Namespace") -> int:  # noqa: F821
    import sys
    try:
        dest = add(args.zip, args.dir, allow_other_version=args.any_version)
    except PluginZipError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"deployed {dest}; QGIS repository URL: https://<this store>/qgis/plugins.xml")
    return 0


def _cmd_list(args: "argparse.Namespace") -> int:  # noqa: F821
    folder = args.dir or repo_dir()
    served = current(folder)
    for path in sorted(folder.glob(f"{PACKAGE}-*.zip")):
        mark = "served" if served is not None and served.path == path else "not served (version differs)"
        print(f"{path}  {mark}")
    if served is None:
        print(f"no plugin {__version__} deployed in {folder}: /qgis/plugins.xml lists nothing")
    return 0
