"""The walkthrough (scripts/walkthrough.sh): a real QGIS desktop under Xvfb, its own demo store,
through the four journeys of issue 13; every check in the script must pass and every screenshot
must be written (about a minute)."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ["1_officer_what", "1_officer_where", "1_officer_map", "1_officer_hexagons", "2_analyst_count_table",
         "2_analyst_patrol_areas", "4_counts_only_dock", "4_counts_only_map"]


def test_walkthrough_journeys(tmp_path):
    env = {**os.environ, "SAFESTATS_WALKTHROUGH_IMG": str(tmp_path)}
    env.pop("QT_QPA_PLATFORM", None)  # a real desktop under its own Xvfb
    done = subprocess.run(["bash", str(ROOT / "scripts" / "walkthrough.sh")], env=env, capture_output=True,
                          text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "failures: none" in done.stdout and "FAIL " not in done.stdout
    for name in SHOTS:
        for size in ("1366x768", "1600x1000"):
            assert (tmp_path / f"{name}_{size}.png").stat().st_size > 5000, (name, size)
    assert (tmp_path / "3_printer_atlas_page1.png").stat().st_size > 5000
