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

url, collection, username, token = sys.argv[1:5]
subset = sys.argv[5] if len(sys.argv) > 5 else ""
app = QgsApplication([], False)
app.initQgis()
am = QgsApplication.authManager()
am.setMasterPassword("probe-master-password", True)
cfg = QgsAuthMethodConfig("Basic")
cfg.setName("SafeStats probe")
cfg.setConfig("username", username)
cfg.setConfig("password", token)
ok, cfg = am.storeAuthenticationConfig(cfg)
layer = QgsVectorLayer(f"url='{url}' typename='{collection}' authcfg={cfg.id()}", collection, "OAPIF")
out = {"valid": layer.isValid(), "error": layer.error().summary() if not layer.isValid() else ""}
if layer.isValid():
    if subset:
        layer.setSubsetString(subset)
    feats = list(layer.getFeatures(QgsFeatureRequest()))
    out.update(count=len(feats), fields=[f.name() for f in layer.fields()],
               crs=layer.crs().authid(), first=feats[0].attributes()[:3] if feats else None)
print("RESULT " + json.dumps(out, default=str))
app.exitQgis()
