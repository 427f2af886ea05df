"""Run by /usr/bin/python3 (Debian's QGIS): a long-lived QGIS session using the NATIVE OAPIF provider
with a Basic authcfg (username + personal access token), driven line by line from stdin so a test can
change the store (its clock, the token) between reads. Arguments: store_url username token.

Commands (one per line): ``read <collection>`` opens a NEW layer (so every request goes to the store:
landing page, /api, collection, items) and reads every feature; ``quit``. Each answer is one line
``RESULT {json}`` with validity, feature count, and what QGIS told the user: the layer's error and the
message log entries since the previous command."""
import faulthandler
import json
import sys

faulthandler.enable()
import qgis_basic_auth  # noqa: E402 - private settings and auth database before QGIS starts
from qgis.core import QgsFeatureRequest, QgsVectorLayer  # noqa: E402
from qgis.PyQt.QtCore import QCoreApplication  # noqa: E402

url, username, token = sys.argv[1:4]
app, messages, authcfg = qgis_basic_auth.start(username, token, "SafeStats token")
print("READY", flush=True)
for line in sys.stdin:
    cmd, _, arg = line.strip().partition(" ")
    if cmd == "quit":
        break
    del messages[:]
    layer = QgsVectorLayer(f"url='{url}' typename='{arg}' authcfg={authcfg}", arg, "OAPIF")
    out = {"valid": layer.isValid()}
    if layer.isValid():
        out["count"] = sum(1 for _ in layer.getFeatures(QgsFeatureRequest()))
    err = layer.error()  # keep the QgsError alive: summary() of the temporary crashes PyQGIS 3.22
    out["error"] = [m.message() for m in err.messageList()]
    QCoreApplication.processEvents()
    out["log"] = messages[-8:]
    print("RESULT " + json.dumps(out, default=str), flush=True)
app.exitQgis()
