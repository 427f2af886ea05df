"""The store as a QGIS plugin repository: /qgis/plugins.xml lists the deployed plugin matching the
store's version, the zip downloads from the same store, without signing in; `plugin-repo add`
refuses zips QGIS could not install or that belong to another store version."""
from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Iterator

import pytest
import requests

from safestats_store import __version__, plugin_repo

from conftest import Server, run_cli, start_server

REPO = Path(__file__).resolve().parents[2]

METADATA = """[general]
name=SafeStats for QGIS
qgisMinimumVersion=3.22
qgisMaximumVersion=4.99
supportsQt6=True
description=Load SafeStats & more.
about=About <it>.
version={version}
author=GLA SafeStats team
email=someone@example.org
tracker=https://example.org/issues
repository=https://example.org/repo
homepage=https://example.org
icon=icons/safestats.png
experimental=True
"""


def make_zip(path: Path, version: str = __version__, top: str = "safestats", metadata: str | None = None,
             init: str = "def classFactory(iface):\n    return None\n") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{top}/metadata.txt", metadata if metadata is not None else METADATA.format(version=version))
        archive.writestr(f"{top}/__init__.py", init)
        archive.writestr(f"{top}/icons/safestats.png", b"\x89PNG fake")
    return path


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("repo-db") / "store.sqlite"
    run_cli("init", "--db", str(path))
    return str(path)


@pytest.fixture()
def repo_server(empty_db: str, tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    folder = tmp_path / "plugins"
    srv = start_server(empty_db, tmp_path, env={plugin_repo.ENV_DIR: str(folder)})
    yield srv, folder
    srv.stop()


def _plugins(server: Server) -> list[ET.Element]:
    r = requests.get(f"{server.url}/qgis/plugins.xml", timeout=10)  # no Authorization header: none needed
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/xml")
    return ET.fromstring(r.content).findall("pyqgis_plugin")


def test_repository_lists_and_serves_the_deployed_plugin(repo_server: tuple[Server, Path], tmp_path: Path) -> None:
    server, folder = repo_server
    assert _plugins(server) == []  # nothing deployed yet: an empty, valid repository
    source = make_zip(tmp_path / f"safestats-{__version__}.zip")
    added = run_cli("plugin-repo", "add", str(source), "--dir", str(folder))
    assert "deployed" in added.stdout
    [plugin] = _plugins(server)
    assert plugin.get("name") == "SafeStats for QGIS"
    assert plugin.get("version") == __version__ == plugin.findtext("version")
    assert plugin.get("plugin_id") == "safestats"
    assert plugin.findtext("qgis_minimum_version") == "3.22"
    assert plugin.findtext("qgis_maximum_version") == "4.99"
    assert plugin.findtext("supports_qt6") == "True"
    assert plugin.findtext("description") == "Load SafeStats & more."  # escaped in XML, read back intact
    assert plugin.findtext("about") == "About <it>."
    assert plugin.findtext("experimental") == "True"
    # QGIS takes the plugin's key from file_name up to the first dot: it must be the zip's folder name
    assert plugin.findtext("file_name") == f"safestats.{__version__}.zip"
    assert plugin.findtext("file_name").partition(".")[0] == "safestats"
    download = plugin.findtext("download_url")
    assert download == f"{server.url}/qgis/safestats.{__version__}.zip"
    r = requests.get(download, timeout=10)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert r.content == source.read_bytes()
    icon = requests.get(plugin.findtext("icon"), timeout=10)
    assert icon.status_code == 200 and icon.content == b"\x89PNG fake"


def test_only_the_store_version_is_listed(repo_server: tuple[Server, Path], tmp_path: Path) -> None:
    server, folder = repo_server
    other = make_zip(tmp_path / "safestats-9.9.9.zip", version="9.9.9")
    refused = run_cli("plugin-repo", "add", str(other), "--dir", str(folder), check=False)
    assert refused.returncode == 2 and "does not match this store" in refused.stderr
    assert not folder.exists() or not list(folder.iterdir())
    run_cli("plugin-repo", "add", str(other), "--dir", str(folder), "--any-version")
    assert (folder / "safestats-9.9.9.zip").is_file()
    assert _plugins(server) == []
    assert requests.get(f"{server.url}/qgis/safestats.9.9.9.zip", timeout=10).status_code == 404
    listing = run_cli("plugin-repo", "list", "--dir", str(folder)).stdout
    assert "not served" in listing and f"no plugin {__version__} deployed" in listing


@pytest.mark.parametrize("path", ["/qgis/..%2F..%2Fpyproject.toml", "/qgis/safestats-0.1.0.zip",
                                  "/qgis/safestats.0.1.0.zip.part", "/qgis/icon"])
def test_nothing_else_is_served(repo_server: tuple[Server, Path], path: str) -> None:
    server, _ = repo_server
    r = requests.get(server.url + path, timeout=10)
    assert r.status_code == 404, (path, r.status_code, r.text[:200])


@pytest.mark.parametrize("kwargs, expected", [
    ({"top": "safestats-main"}, "exactly one top folder"),
    ({"metadata": METADATA.format(version=__version__).replace("author=GLA SafeStats team\n", "")}, "author"),
    ({"metadata": "name=x\n"}, "no readable [general] section"),
    ({"init": "print('no factory')\n"}, "classFactory"),
    ({"version": "v1"}, "not like 1.2.3"),
])
def test_add_refuses_zips_qgis_cannot_install(tmp_path: Path, kwargs: dict, expected: str) -> None:
    bad = make_zip(tmp_path / "bad.zip", **kwargs)
    with pytest.raises(plugin_repo.PluginZipError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        plugin_repo.add(bad, tmp_path / "plugins")
    assert not (tmp_path / "plugins").exists()


def test_add_refuses_a_file_that_is_not_a_zip(tmp_path: Path) -> None:
    text = tmp_path / "plugin.zip"
    text.write_text("not a zip", encoding="utf-8")
    with pytest.raises(plugin_repo.PluginZipError, match="not a zip"):
        plugin_repo.add(text, tmp_path / "plugins")


def test_the_real_package_deploys_and_matches_the_store(tmp_path: Path) -> None:
    """`make package`'s zip (scripts/package.py, on the system Python) is what the repository serves:
    plugin version == store version, so the admin's deploy step works on a fresh release."""
    built = subprocess.run(["/usr/bin/python3", str(REPO / "scripts" / "package.py"), "--out", str(tmp_path)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    [zip_path] = tmp_path.glob("safestats-*.zip")
    dest = plugin_repo.add(zip_path, tmp_path / "plugins")
    served = plugin_repo.current(tmp_path / "plugins")
    assert served is not None and served.path == dest and served.version == __version__
    xml = ET.fromstring(plugin_repo.plugins_xml(served, "https://store.example.org"))
    [plugin] = xml.findall("pyqgis_plugin")
    assert plugin.findtext("qgis_maximum_version") == "4.99" and plugin.findtext("supports_qt6") == "True"
    assert plugin.findtext("download_url") == f"https://store.example.org/qgis/safestats.{__version__}.zip"
