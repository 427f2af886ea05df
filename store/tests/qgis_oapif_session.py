"""Run by /usr/bin/python3 (Debian's QGIS): a long-lived QGIS session using the NATIVE OAPIF provider
with a Basic authcfg (username + personal access token), driven line by line from stdin so a test can
change the store (its clock, the token) between reads. Arguments: store_url username token.

Commands (one per line): ``read <collection>`` opens a NEW layer (so every request goes to the store:
landing page, /api, collection, items) and reads every feature; ``quit``. Each answer is one line
``RESULT {json}`` with validity, feature count, and what QGIS told the user: the layer's error and the
message log entries since the previous command."""
import faulthandler
import json
import os
import sys
import tempfile

faulthandler.enable()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QGIS_AUTH_DB_DIR_PATH"] = tempfile.mkdtemp()

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsFeatureRequest, QgsVectorLayer  # noqa: E402
from qgis.PyQt.QtCore import QCoreApplication, QSettings  # noqa: E402

QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
QCoreApplication.setOrganizationName("SafeStatsProbe")

url, username, token = sys.argv[1:4]
app = QgsApplication([], False)
app.initQgis()
messages = []
QgsApplication.messageLog().messageReceived.connect(lambda msg, tag, level: messages.append(f"{tag}: {msg}"))
am = QgsApplication.authManager()
am.setMasterPassword("probe-master-password", True)
cfg = QgsAuthMethodConfig("Basic")
cfg.setName("SafeStats token")
cfg.setConfig("username", username)
cfg.setConfig("password", token)
ok, cfg = am.storeAuthenticationConfig(cfg)
print("READY", flush=True)
for line in sys.stdin:
    cmd, _, arg = line.strip().partition(" ")
    if cmd == "quit":
        break
    del messages[:]
    layer = QgsVectorLayer(f"url='{url}' typename='{arg}' authcfg={cfg.id()}", arg, "OAPIF")
    out = {"valid": layer.isValid()}
    if layer.isValid():
        out["count"] = sum(1 for _ in layer.getFeatures(QgsFeatureRequest()))
    err = layer.error()  # keep the QgsError alive: summary() of the temporary crashes PyQGIS 3.22
    out["error"] = [m.message() for m in err.messageList()]
    QCoreApplication.processEvents()
    out["log"] = messages[-8:]
    print("RESULT " + json.dumps(out, default=str), flush=True)
app.exitQgis()
