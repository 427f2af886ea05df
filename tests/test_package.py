"""Release packaging: the zip obeys the plugin repository rules and REAL QGIS loads it.

* ``scripts/package.py`` builds ``dist/safestats-<version>.zip`` (here into a temporary folder).
* The validator fails on each rule break (missing metadata, wrong qgisMinimumVersion, missing
  icon/LICENSE, shipped tests/store/caches).
* The zip is unzipped into a CLEAN temporary QGIS profile, enabled in its QGIS3.ini, and a real
  QGIS desktop is started under Xvfb; ``tests/qgis_startup_check.py`` runs inside it and writes a
  JSON report (plugin loaded and started, toolbar/actions/dock, unload + reload, no Python errors
  in the QGIS message log).
"""
from __future__ import annotations

import configparser
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
CHECK_SCRIPT = Path(__file__).resolve().parent / "qgis_startup_check.py"
STARTUP_HOOK = Path(__file__).resolve().parent / "qgis_startup_hook.py"
QGIS_TIMEOUT_S = 80


def _package_module() -> Any:
    spec = importlib.util.spec_from_file_location("safestats_package", REPO / "scripts" / "package.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["safestats_package"] = module
    spec.loader.exec_module(module)
    return module


pkg = _package_module()


def _version() -> str:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO / "metadata.txt", encoding="utf-8")
    return parser["general"]["version"]


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "package.py"), "--out", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    target = out / f"safestats-{_version()}.zip"
    assert target.is_file(), result.stdout
    return target


# ---------------------------------------------------------------- contents


def test_zip_contents(built_zip: Path) -> None:
    with zipfile.ZipFile(built_zip) as archive:
        names = archive.namelist()
    assert {n.split("/", 1)[0] for n in names} == {"safestats"}
    inner = {n.split("/", 1)[1] for n in names if n.count("/") and n.split("/", 1)[1]}
    for required in ("metadata.txt", "__init__.py", "plugin.py", "LICENSE", "icons/safestats.png",
                     "providers/__init__.py", "processing_provider/__init__.py", "governance/__init__.py", "ui/__init__.py",
                     "ui/dock.ui", "processing_provider/algorithms/base.py"):
        assert required in inner, required
    assert any(n.startswith("ui/styles/") and n.endswith(".qml") for n in inner)
    for path in (REPO / "ui").rglob("*"):  # every .ui/.qml/.qpt in the tree is shipped
        if path.suffix in (".ui", ".qml", ".qpt") and "__pycache__" not in path.parts:
            assert path.relative_to(REPO).as_posix() in inner, path
    if list((REPO / "i18n").glob("*.ts")):
        assert any(n.startswith("i18n/") and n.endswith(".qm") for n in inner)
    if (REPO / "resources.qrc").is_file():
        assert "resources_rc.py" in inner
    for name in inner:
        top = name.split("/", 1)[0]
        assert top not in ("tests", "store", "bench", "docs", "scripts", ".ci", ".git", "dist", "var"), name
        assert not top.startswith((".venv", ".")), name
        assert "__pycache__" not in name and not name.endswith((".pyc", ".pyo", ".ts")), name
        assert "/tests/" not in "/" + name, name
    assert pkg.validate_zip(built_zip) == []


def test_resources_rc_never_in_tree() -> None:
    assert not (REPO / "resources_rc.py").exists() or _git_ignored("resources_rc.py")


def _git_ignored(path: str) -> bool:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        return True
    return subprocess.run(["git", "check-ignore", "-q", path], cwd=REPO).returncode == 0


# ---------------------------------------------------------------- validator rules


def _fake_plugin(tmp_path: Path, metadata: str, extra: dict | None = None, license_file: bool = True,
                 top: str = "safestats", version: str = "1.0.0") -> Path:
    target = tmp_path / f"safestats-{version}.zip"
    files = {"__init__.py": "def classFactory(iface):\n    return None\n", "plugin.py": "",
             "metadata.txt": metadata, "icons/safestats.png": "png"}
    if license_file:
        files["LICENSE"] = "GPL"
    files.update(extra or {})
    with zipfile.ZipFile(target, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"{top}/{name}", text)
    return target


GOOD = """[general]
name=SafeStats for QGIS
qgisMinimumVersion=3.22
description=One line.
about=A longer text about the plugin.
version=1.0.0
author=GLA
email=someone@example.org
tracker=https://example.org/issues
repository=https://example.org/repo
homepage=https://example.org
license=GPL-2.0-or-later
icon=icons/safestats.png
category=Web
experimental=False
"""


def test_validator_accepts_good_package(tmp_path: Path) -> None:
    assert pkg.validate_zip(_fake_plugin(tmp_path, GOOD)) == []


@pytest.mark.parametrize("key", ["name", "about", "description", "version", "qgisMinimumVersion", "author",
                                 "email", "tracker", "repository", "homepage", "icon", "license"])
def test_validator_requires_each_field(tmp_path: Path, key: str) -> None:
    metadata = "\n".join(line for line in GOOD.splitlines() if not line.startswith(key + "="))
    problems = pkg.validate_zip(_fake_plugin(tmp_path, metadata))
    assert any(f"'{key}'" in p or key in p for p in problems), problems


@pytest.mark.parametrize("change, expected", [
    (("qgisMinimumVersion=3.22", "qgisMinimumVersion=3.16"), "qgisMinimumVersion"),
    (("icon=icons/safestats.png", "icon=icons/missing.png"), "not in the package"),
    (("tracker=https://example.org/issues", "tracker=http://bugs"), "tracker"),
    (("repository=https://example.org/repo", "repository=not a url"), "repository"),
    (("author=GLA", "author=GLA/TfL"), "slashes"),
    (("version=1.0.0", "version=v1"), "version"),
    (("experimental=False", "experimental=maybe"), "experimental"),
])
def test_validator_rejects_bad_metadata(tmp_path: Path, change: tuple, expected: str) -> None:
    problems = pkg.validate_zip(_fake_plugin(tmp_path, GOOD.replace(*change)))
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize("extra, expected", [
    ({"tests/test_x.py": ""}, "must not be shipped"),
    ({"store/app.py": ""}, "must not be shipped"),
    ({"providers/__pycache__/x.cpython-311.pyc": ""}, "__pycache__"),
    ({".venv-qgis/bin/python": ""}, "must not be shipped"),
    ({".git/config": ""}, ".git"),
])
def test_validator_rejects_unshippable_files(tmp_path: Path, extra: dict, expected: str) -> None:
    problems = pkg.validate_zip(_fake_plugin(tmp_path, GOOD, extra))
    assert any(expected in p for p in problems), problems


def test_validator_requires_license_and_one_top_folder(tmp_path: Path) -> None:
    assert any("LICENSE" in p for p in pkg.validate_zip(_fake_plugin(tmp_path, GOOD, license_file=False)))
    other = tmp_path / "other"
    other.mkdir()
    assert any("top-level" in p for p in pkg.validate_zip(_fake_plugin(other, GOOD, top="safestats-main")))


def test_build_fails_and_leaves_no_zip_when_metadata_is_incomplete(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    for name in ("metadata.txt", "LICENSE", "__init__.py", "plugin.py"):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, tree / name)
    for folder in ("providers", "processing_provider", "governance", "ui", "icons"):
        shutil.copytree(REPO / folder, tree / folder, ignore=shutil.ignore_patterns("__pycache__"))
    text = (tree / "metadata.txt").read_text(encoding="utf-8")
    (tree / "metadata.txt").write_text("\n".join(l for l in text.splitlines() if not l.startswith("email=")),
                                       encoding="utf-8")
    with pytest.raises(pkg.PackageError, match="email"):
        pkg.build(tmp_path / "dist", root=tree)
    assert not list((tmp_path / "dist").glob("*.zip"))


# ---------------------------------------------------------------- real QGIS


def _run_real_qgis(built_zip: Path, tmp_path: Path, break_plugin: bool = False) -> tuple:
    """Unzip into a clean profile, enable it, start QGIS under Xvfb; returns (report, plugin dir, seconds)."""
    qgis_bin, xvfb = shutil.which("qgis"), shutil.which("xvfb-run")
    if not qgis_bin or not xvfb:
        pytest.skip(f"needs the QGIS desktop and Xvfb (qgis={qgis_bin}, xvfb-run={xvfb}): "
                    "apt-get install qgis xvfb xauth")
    profiles = tmp_path / "qgis-profiles"  # QGIS keeps profiles in <profiles-path>/profiles/<name>
    profile = profiles / "profiles" / "default"
    plugins_dir = profile / "python" / "plugins"
    plugins_dir.mkdir(parents=True)
    (profile / "QGIS").mkdir(parents=True)
    with zipfile.ZipFile(built_zip) as archive:
        archive.extractall(plugins_dir)
    plugin_dir = plugins_dir / "safestats"
    assert (plugin_dir / "metadata.txt").is_file()
    if break_plugin:  # negative control: an exception in initGui() must be caught by the check
        plugin_py = plugin_dir / "plugin.py"
        text = plugin_py.read_text(encoding="utf-8")
        marker = "    def initGui(self) -> None:  # noqa: N802 - QGIS API\n"
        assert marker in text
        plugin_py.write_text(text.replace(marker, marker + "        raise RuntimeError('deliberately broken')\n"),
                             encoding="utf-8")
    (profile / "QGIS" / "QGIS3.ini").write_text(
        "[PythonPlugins]\nsafestats=true\n\n"
        "[qgis]\nshowTips=false\ncheckVersion=false\nallowVersionCheck=false\n"
        "WelcomePage\\newsFeed\\enabled=false\n\n"
        "[core]\nNewsFeed\\httpsfeedqgisorg\\disabled=true\n", encoding="utf-8")
    result_file = tmp_path / "result.json"
    env = dict(os.environ, SAFESTATS_RESULT=str(result_file), SAFESTATS_VERSION=_version(),
               SAFESTATS_PLUGIN_DIR=str(plugin_dir), QGIS_PLUGINPATH="", PYTHONDONTWRITEBYTECODE="1",
               SAFESTATS_DIALOGS=str(tmp_path / "dialogs.jsonl"), PYQGIS_STARTUP=str(STARTUP_HOOK))
    env.pop("QT_QPA_PLATFORM", None)  # a real X server (Xvfb), like a user's desktop
    env.pop("PYTHONPATH", None)        # nothing from the checkout or the test venv leaks in
    started = time.monotonic()
    # own session: on a timeout the whole group (xvfb-run, Xvfb, qgis) is killed, no orphans
    proc = subprocess.Popen(
        [xvfb, "-a", "-s", "-screen 0 1280x900x24", qgis_bin, "--profiles-path", str(profiles),
         "--profile", "default", "--nologo", "--noversioncheck", "--code", str(CHECK_SCRIPT)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path,
        start_new_session=True)
    try:
        output = (proc.communicate(timeout=QGIS_TIMEOUT_S)[0] or "")[-6000:]
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output = f"QGIS did not finish in {QGIS_TIMEOUT_S} s: " + (proc.communicate()[0] or "")[-6000:]
    elapsed = time.monotonic() - started
    assert result_file.is_file(), f"no result from QGIS after {elapsed:.0f} s; output:\n{output}"
    return json.loads(result_file.read_text(encoding="utf-8")), plugin_dir, elapsed


def test_real_qgis_loads_the_packaged_plugin(built_zip: Path, tmp_path: Path) -> None:
    report, plugin_dir, elapsed = _run_real_qgis(built_zip, tmp_path)
    assert report["errors"] == [], json.dumps(report, indent=2)[:6000]
    assert report["ok"]
    assert report["plugin_path"] == str(plugin_dir.resolve())
    assert report["qgis_version"].startswith("3.")
    assert all(c["ok"] for c in report["checks"].values()), report["checks"]
    assert {"plugin_loaded", "toolbar", "toolbar_actions", "dock", "dock_opens", "web_menu", "unload",
            "unload_removes_toolbar", "unload_removes_dock", "unload_removes_web_submenu", "reload", "reload_toolbar"} <= set(report["checks"])
    assert elapsed < QGIS_TIMEOUT_S


def test_real_qgis_check_catches_a_broken_plugin(built_zip: Path, tmp_path: Path) -> None:
    """The same run with an exception in initGui(): the report must say so (the check is not blind)."""
    report, _, _ = _run_real_qgis(built_zip, tmp_path, break_plugin=True)
    assert not report["ok"]
    assert any("deliberately broken" in e for e in report["errors"]), report["errors"]


# ---------------------------------------------------------------- changelog (CHANGELOG.md -> metadata.txt)


def test_zip_metadata_carries_the_changelog_of_this_version(built_zip: Path) -> None:
    with zipfile.ZipFile(built_zip) as archive:
        meta = pkg.read_metadata(archive.read("safestats/metadata.txt").decode("utf-8"))
    version = _version()
    [(_, day, lines)] = [e for e in pkg.changelog_entries((REPO / "CHANGELOG.md").read_text(encoding="utf-8"))
                         if e[0] == version]
    changelog = meta["changelog"]
    assert changelog.strip().splitlines()[0] == f"{version} ({day})"
    assert lines[0] in changelog
    assert (REPO / "metadata.txt").read_text(encoding="utf-8") != archive_text(built_zip)  # tree untouched


def archive_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("safestats/metadata.txt").decode("utf-8")


def test_changelog_replaces_the_old_value_and_needs_an_entry_for_the_version() -> None:
    metadata = "[general]\nname=x\nchangelog=\n    0.0.1 old text\n    more old text\nicon=i.png\n"
    changelog = "# Changelog\n\n## [1.1.0] - 2027-01-02\n\n- Newer.\n\n## [1.0.0] - 2026-12-03\n- First.\n"
    out = pkg.metadata_with_changelog(metadata, changelog, "1.1.0")
    assert "old text" not in out and "icon=i.png" in out
    assert "changelog=\n    1.1.0 (2027-01-02)\n    - Newer.\n    1.0.0 (2026-12-03)\n    - First.\n" in out
    with pytest.raises(pkg.PackageError, match=r"no '## \[2.0.0\]' entry"):
        pkg.metadata_with_changelog(metadata, changelog, "2.0.0")
