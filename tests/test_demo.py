"""The README's main command, ``bash scripts/demo.sh``, opens QGIS with SafeStats active.

demo.sh is run as a user runs it (store with demo data, then the QGIS desktop), under Xvfb, with
its profiles folder, database and port pointed at temporary places. A PYQGIS_STARTUP script
(tests/qgis_demo_check.py) asks QGIS itself which plugins are active once it has started, then
quits QGIS, so demo.sh ends by itself (and stops its store). Two machines:

* fresh: no profiles folder at all;
* used before: QGIS already wrote the profile's QGIS3.ini with SafeStats switched off
  (``safestats=false``) among other settings, profiles.ini names another default profile, and an
  older demo.sh left its link in ``<profiles>/default/python/plugins`` (a folder QGIS never reads).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import free_port

REPO = Path(__file__).resolve().parent.parent
CHECK = Path(__file__).resolve().parent / "qgis_demo_check.py"
TIMEOUT_S = 240  # setup.sh (already done: seconds), demo data, store start, QGIS start and quit


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database for both runs (demo.sh makes it on the first run)."""
    return tmp_path_factory.mktemp("demo") / "demo.sqlite"


def _used_before(profiles: Path) -> None:
    profile = profiles / "profiles" / "default"
    (profile / "QGIS").mkdir(parents=True)
    (profile / "QGIS" / "QGIS3.ini").write_text(
        "[PythonPlugins]\nprocessing=true\nsafestats=false\n\n"
        "[qgis]\nshowTips=false\ncheckVersion=false\n", encoding="utf-8")
    (profiles / "profiles" / "other" / "QGIS").mkdir(parents=True)
    (profiles / "profiles" / "profiles.ini").write_text("[core]\ndefaultProfile=other\n", encoding="utf-8")
    old = profiles / "default" / "python" / "plugins"
    old.mkdir(parents=True)
    (old / "safestats").symlink_to(REPO, target_is_directory=True)


def _run_demo(tmp_path: Path, profiles: Path, db: Path) -> tuple[int, str, dict[str, Any]]:
    xvfb = shutil.which("xvfb-run")
    assert xvfb and shutil.which("qgis"), "scripts/setup.sh installs qgis, xvfb and xauth"
    result = tmp_path / "result.json"
    port = free_port()
    env = dict(os.environ, SAFESTATS_QGIS_PROFILES=str(profiles), SAFESTATS_DB=str(db),
               SAFESTATS_PORT=str(port), SAFESTATS_SCALE="0.02", SAFESTATS_RESULT=str(result),
               PYQGIS_STARTUP=str(CHECK), PYTHONDONTWRITEBYTECODE="1", QGIS_PLUGINPATH="")
    env.pop("QT_QPA_PLATFORM", None)  # a real X server (Xvfb), like a user's desktop
    env.pop("PYTHONPATH", None)       # nothing from the test venv leaks into QGIS
    # own session: on a timeout the whole group (xvfb-run, Xvfb, demo.sh, store, qgis) is killed
    proc = subprocess.Popen([xvfb, "-a", "-s", "-screen 0 1280x900x24", "bash", str(REPO / "scripts" / "demo.sh")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path,
                            start_new_session=True)
    try:
        output = proc.communicate(timeout=TIMEOUT_S)[0] or ""
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output = (proc.communicate()[0] or "") + f"\n!! demo.sh did not end in {TIMEOUT_S} s"
    assert result.is_file(), f"QGIS wrote no result; demo.sh output:\n{output[-6000:]}"
    return proc.returncode, output, json.loads(result.read_text(encoding="utf-8"))


@pytest.mark.parametrize("machine", ["fresh", "used_before"])
def test_demo_opens_qgis_with_safestats_active(machine: str, tmp_path: Path, demo_db: Path) -> None:
    profiles = tmp_path / "qgis-profiles"
    if machine == "used_before":
        _used_before(profiles)
    rc, output, report = _run_demo(tmp_path, profiles, demo_db)
    detail = json.dumps(report, indent=2) + "\n" + output[-4000:]
    assert not report["timed_out"], detail
    assert "safestats" in report["active_plugins"], detail
    profile = profiles / "profiles" / "default"
    assert Path(report["profile_dir"]).resolve() == profile.resolve(), detail
    # imported from the profile's link to this checkout, as QGIS does for an installed plugin
    assert report["plugin_file"] == str((REPO / "__init__.py").resolve()), detail
    assert (profile / "python" / "plugins" / "safestats").resolve() == REPO.resolve()
    assert "SafeStatsToolbar" in report["toolbars"], detail
    assert any(text.replace("&", "") == "SafeStats" for text in report["web_menu"]), detail
    # QGIS quit by itself and demo.sh ended cleanly, stopping its store
    assert rc == 0, detail
    assert "SafeStats store on http://127.0.0.1:" in output
    assert "salt hex" not in output and "cipheriv hex" not in output, output[-4000:]  # QGIS debug noise
    ini = (profile / "QGIS" / "QGIS3.ini").read_text(encoding="utf-8")
    assert ini.count("safestats=") == 1, ini
    if machine == "used_before":
        assert "processing=true" in ini, ini  # the user's other settings stay
        assert not (profiles / "default" / "python" / "plugins" / "safestats").exists()
