"""Real QGIS 3.22 under Xvfb installs SafeStats from the store's plugin repository.

Runs scripts/plugin_manager_proof.sh: package + `safestats-store plugin-repo add` + a real store on
127.0.0.1 + a clean QGIS profile with the store's /qgis/plugins.xml as a repository; inside QGIS
the Plugin Manager lists SafeStats, its Install button is clicked, and the plugin ends up installed
in the profile and active (toolbar present). The screenshot kept in the docs comes from this run.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_plugin_manager_installs_safestats_from_the_store(tmp_path: Path) -> None:
    if not shutil.which("qgis") or not shutil.which("xvfb-run"):
        pytest.skip("needs the QGIS desktop and Xvfb: apt-get install qgis xvfb xauth")
    out = tmp_path / "proof"
    result = subprocess.run(["bash", str(REPO / "scripts" / "plugin_manager_proof.sh"), str(out)],
                            capture_output=True, text=True, timeout=400, cwd=REPO)
    assert (out / "report.json").is_file(), result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["errors"] == [], report["errors"]
    assert report["repositories"]["SafeStats store"]["state"] == 2, report["repositories"]  # 2 = fetched
    listed = report["listed"]
    assert listed["name"] == "SafeStats for QGIS" and listed["zip_repository"] == "SafeStats store"
    assert listed["download_url"].endswith("/qgis/safestats.%s.zip" % listed["version_available"])
    assert report["rows_for_search"] == 1
    assert report["installed_metadata"] and report["active"] and report["toolbar"], report
    assert [s["size"] for s in report["screenshots"]] == [[1366, 768], [1366, 768]]
    assert result.returncode == 0 and "plugin manager proof: OK" in result.stdout
