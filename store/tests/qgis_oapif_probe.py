"""Run by /usr/bin/python3 (Debian's QGIS): open a store collection with QGIS's NATIVE OAPIF
provider, authenticated by a Basic authcfg (username + access token), and print what QGIS sees as
JSON. Arguments: store_url collection username token [subset_string]."""
import json
import sys

import qgis_basic_auth  # noqa: E402 - private settings and auth database before QGIS starts
from qgis.core import QgsFeatureRequest, QgsVectorLayer  # noqa: E402

url, collection, username, token = sys.argv[1:5]
subset = sys.argv[5] if len(sys.argv) > 5 else ""
app, messages, authcfg = qgis_basic_auth.start(username, token, "SafeStats probe")
layer = QgsVectorLayer(f"url='{url}' typename='{collection}' authcfg={authcfg}", collection, "OAPIF")
out = {"valid": layer.isValid(), "log": messages[-5:]}
if layer.isValid():
    if subset:
        layer.setSubsetString(subset)
    feats = list(layer.getFeatures(QgsFeatureRequest()))
    out.update(count=len(feats), fields=[f.name() for f in layer.fields()],
               crs=layer.crs().authid(), first=feats[0].attributes()[:3] if feats else None)
print("RESULT " + json.dumps(out, default=str))
app.exitQgis()
