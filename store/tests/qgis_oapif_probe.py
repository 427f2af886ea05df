"""Run by /usr/bin/python3 (Debian's QGIS): open a store collection with QGIS's NATIVE OAPIF
provider, authenticated by a Basic authcfg (username + access token), and print what QGIS sees as
JSON. Arguments: store_url collection username token [subset_string]."""
import json
import os
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
auth_dir = tempfile.mkdtemp()
os.environ["QGIS_AUTH_DB_DIR_PATH"] = auth_dir

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsFeatureRequest, QgsVectorLayer  # noqa: E402
from qgis.PyQt.QtCore import QCoreApplication, QSettings  # noqa: E402

# Private settings: nothing read from (or written to) the machine's QGIS profile, e.g. a proxy.
QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
QCoreApplication.setOrganizationName("SafeStatsProbe")

url, collection, username, token = sys.argv[1:5]
subset = sys.argv[5] if len(sys.argv) > 5 else ""
app = QgsApplication([], False)
app.initQgis()
messages = []
QgsApplication.messageLog().messageReceived.connect(lambda msg, tag, level: messages.append(f"{tag}: {msg}"))
am = QgsApplication.authManager()
am.setMasterPassword("probe-master-password", True)
cfg = QgsAuthMethodConfig("Basic")
cfg.setName("SafeStats probe")
cfg.setConfig("username", username)
cfg.setConfig("password", token)
ok, cfg = am.storeAuthenticationConfig(cfg)
layer = QgsVectorLayer(f"url='{url}' typename='{collection}' authcfg={cfg.id()}", collection, "OAPIF")
out = {"valid": layer.isValid(), "log": messages[-5:]}
if layer.isValid():
    if subset:
        layer.setSubsetString(subset)
    feats = list(layer.getFeatures(QgsFeatureRequest()))
    out.update(count=len(feats), fields=[f.name() for f in layer.fields()],
               crs=layer.crs().authid(), first=feats[0].attributes()[:3] if feats else None)
print("RESULT " + json.dumps(out, default=str))
app.exitQgis()
