"""Headless main job (no display): sign in to a SafeStats store with the plugin's own code, load a
dataset the plugin's way (FlatGeobuf in a background task), style it with a preset and print a
ward atlas PDF for a borough. Run by scripts/demo.sh with QGIS's Python:

    SAFESTATS_URL=http://127.0.0.1:8765 SAFESTATS_USER=westminster.analyst SAFESTATS_PASSWORD=... \
      QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/headless_map.py out.pdf [BOROUGH_CODE] [DATASET]

The conditions of use are printed and accepted for this session on behalf of the person running
the demo, with the purpose "crime_prevention"."""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = Path(tempfile.mkdtemp(prefix="safestats-plugins-"))
(PLUGINS / "safestats").symlink_to(ROOT, target_is_directory=True)
sys.path.insert(0, str(PLUGINS))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A private authentication database too (this run's master password is random and forgotten).
os.environ["QGIS_AUTH_DB_DIR_PATH"] = tempfile.mkdtemp(prefix="safestats-auth-")

from qgis.core import QgsApplication, QgsProject, QgsVectorLayer  # noqa: E402
from qgis.PyQt.QtCore import QCoreApplication, QSettings  # noqa: E402

# A private QGIS profile for this run: nothing read from or written to the user's own settings.
QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp(prefix="safestats-settings-"))
QCoreApplication.setOrganizationName("SafeStatsHeadless")
app = QgsApplication([], False)
app.initQgis()

from safestats.providers.load_task import LayerLoader  # noqa: E402
from safestats.providers.models import BoundaryArea, Query  # noqa: E402
from safestats.providers import reference_layers  # noqa: E402
from safestats.providers.session import SessionManager  # noqa: E402
from safestats.providers import print_job as atlas, styles as presets  # noqa: E402


def wait(predicate, timeout: float = 600) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        QgsApplication.processEvents()
        time.sleep(0.01)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "safestats-ward-map.pdf").resolve()
    borough = sys.argv[2] if len(sys.argv) > 2 else "E09000033"
    dataset = sys.argv[3] if len(sys.argv) > 3 else "mps_crime"
    url, user, password = os.environ["SAFESTATS_URL"], os.environ["SAFESTATS_USER"], os.environ["SAFESTATS_PASSWORD"]
    QgsApplication.authManager().setMasterPassword(os.urandom(16).hex(), True)

    session = SessionManager()
    conditions = session.fetch_conditions(url)
    print(f"Conditions of use {conditions.version}, accepted for this session:\n{conditions.text}")
    session.sign_in(url, user, password, conditions=conditions, accepted=True, purpose="crime_prevention")
    try:
        info = session.client.collection(dataset)
        # the store's own wards, the way "Add the store's ward boundaries" adds them in the dialog
        wards_layer = reference_layers.reference_layer(
            reference_layers.fetch_boundaries(session.client, session.cache, "wards"), "wards")
        in_borough = sorted(f.id() for f in wards_layer.getFeatures() if f["parent_code"] == borough)
        # three wards keep the demo quick; the dialog in QGIS prints any number
        wards_layer.selectByIds(in_borough[:3])

        end = datetime.fromisoformat(info.temporal_end.replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/London"))
        query = Query(dataset, start=end - timedelta(days=365), end=end,
                      area=BoundaryArea(boroughs=(borough,), label=borough))
        loader = LayerLoader(session, QgsProject.instance())
        got: list = []
        task = loader.load(query, info)
        task.loaded.connect(got.append)
        task.failed.connect(got.append)
        wait(lambda: bool(got))
        layer = got[0]
        if not isinstance(layer, QgsVectorLayer):
            print(f"load failed: {getattr(layer, 'user_message', layer)}", file=sys.stderr)
            return 1
        presets.apply_dataset_preset(layer, presets.CATEGORISED, info)
        print(f"loaded {layer.featureCount()} {info.title} records for {borough}")
        job = atlas.prepare_job(wards_layer, "name", [layer], str(out), title=f"{info.title}: ward profile",
                                selected_only=True, session=session)
        paths = atlas.export_job(job)
        print("wrote " + ", ".join(paths))
        loader.unload()
    finally:
        session.sign_out()
    return 0


if __name__ == "__main__":
    code = main()
    QgsProject.instance().clear()
    app.exitQgis()
    sys.exit(code)
