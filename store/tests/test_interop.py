"""Other OGC clients work with the store: GDAL's own OAPIF driver (ogrinfo / ogr2ogr, the system
GDAL QGIS uses) and QGIS's native OAPIF provider with a Basic authcfg."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import Api, Server

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def westminster(server: Server) -> Api:
    return server.session("westminster.analyst")


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="gdal-bin not installed")
def test_gdal_ogrinfo_lists_and_reads_with_a_token(server: Server, westminster: Api, tmp_path: Path) -> None:
    auth = f"USERPWD=westminster.analyst:{westminster.tokens['access_token']}"
    listing = subprocess.run(["ogrinfo", "-ro", "-q", f"OAPIF:{server.url}", "-oo", auth],
                             capture_output=True, text=True, timeout=120)
    assert listing.returncode == 0, listing.stderr
    assert "mps_crime" in listing.stdout and "rnli_launches" not in listing.stdout  # only the DSA's datasets
    out = tmp_path / "robbery.geojson"
    conv = subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(out), f"OAPIF:{server.url}/collections/mps_crime",
                           "-oo", auth, "-where", "crime_type = 'Robbery'"], capture_output=True, text=True,
                          timeout=300)
    assert conv.returncode == 0, conv.stderr
    feats = json.loads(out.read_text())["features"]
    expected = westminster.json("/collections/mps_crime/count", filter="crime_type = 'Robbery'")["numberMatched"]
    assert len(feats) == expected > 0
    assert {f["properties"]["crime_type"] for f in feats} == {"Robbery"}
    denied = subprocess.run(["ogrinfo", "-ro", "-so", f"OAPIF:{server.url}/collections/mps_crime", "-oo",
                             "USERPWD=westminster.analyst:not-a-token"], capture_output=True, text=True, timeout=60)
    assert denied.returncode != 0


@pytest.mark.skipif(not Path("/usr/bin/python3").exists() or subprocess.run(
    ["/usr/bin/python3", "-c", "import qgis.core"], capture_output=True).returncode != 0,
    reason="QGIS (python3-qgis) not installed")
def test_qgis_native_oapif_provider_with_basic_authcfg(server: Server, westminster: Api) -> None:
    token = westminster.tokens["access_token"]
    r = subprocess.run(["/usr/bin/python3", str(HERE / "qgis_oapif_probe.py"), server.url, "istv_assaults",
                        "westminster.analyst", token], capture_output=True, text=True, timeout=600)
    line = [ln for ln in r.stdout.splitlines() if ln.startswith("RESULT ")]
    assert line, r.stdout[-2000:] + r.stderr[-2000:]
    result = json.loads(line[0][7:])
    assert result["valid"], result
    expected = westminster.json("/collections/istv_assaults/count")["numberMatched"]
    assert result["count"] == expected > 0
    assert "assault_method" in result["fields"]
    assert token not in r.stdout and token not in r.stderr
