"""The roll-out documented in docs/admin.md works: the QGIS Deployment Toolbelt runs
docs/deploy/qdt/scenario.qdt.yml (profile + SafeStats from the store's plugin repository) in a
sandbox HOME, and real QGIS then opens that profile with SafeStats active and pointed at the store.
See scripts/qdt_proof.sh (qgis-deployment-toolbelt from PyPI in var/qdt-venv/<python>)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_qdt_scenario_installs_the_profile_and_plugin_from_the_store(tmp_path: Path) -> None:
    if not shutil.which("qgis") or not shutil.which("xvfb-run"):
        pytest.skip("needs the QGIS desktop and Xvfb: apt-get install qgis xvfb xauth")
    out = tmp_path / "qdt"
    result = subprocess.run(["bash", str(REPO / "scripts" / "qdt_proof.sh"), str(out)], capture_output=True,
                            text=True, timeout=600, cwd=REPO)
    assert (out / "check.json").is_file(), result.stdout[-3000:] + result.stderr[-3000:]
    check = json.loads((out / "check.json").read_text(encoding="utf-8"))
    assert check["active"] and check["plugin_file"] == "safestats.plugin", check
    assert check["profile_dir"].rstrip("/").endswith("/profiles/safestats"), check
    assert check["store_url"].startswith("http://127.0.0.1:"), check
    assert check["repository_url"] == check["store_url"] + "/qgis/plugins.xml"
    installed = out / "home/.local/share/QGIS/QGIS3/profiles/safestats/python/plugins/safestats/metadata.txt"
    assert installed.is_file()  # downloaded by QDT from the store's /qgis/safestats.<version>.zip
    assert result.returncode == 0 and "qdt proof: OK" in result.stdout
