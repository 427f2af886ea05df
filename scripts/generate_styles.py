"""Generate the built-in style presets (ui/styles/*.qml) from the builders in providers/styles.py.

Run once after changing a builder, then commit the QML files:

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/generate_styles.py

It also renders icons/safestats.png (the plugin manager icon) from icons/safestats.svg.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

# deterministic XML attribute order, so regenerating unchanged presets gives identical files
os.environ.setdefault("QT_HASH_SEED", "0")

ROOT = Path(__file__).resolve().parents[1]


def _load_presets():
    """Import providers/styles.py as QGIS would: package ``safestats`` from a folder holding a link to
    the checkout (the checkout's own folder name is not a valid package name)."""
    import tempfile

    plugins = Path(tempfile.mkdtemp(prefix="safestats-gen-"))
    (plugins / "safestats").symlink_to(ROOT, target_is_directory=True)
    sys.path.insert(0, str(plugins))
    from safestats.providers import styles as presets

    return presets


def main() -> int:
    from qgis.core import QgsApplication, QgsVectorLayer

    app = QgsApplication([], False)
    app.initQgis()
    presets = _load_presets()
    out = ROOT / "ui" / "styles"
    out.mkdir(parents=True, exist_ok=True)

    points = QgsVectorLayer("Point?crs=EPSG:27700&field=category:string", "points", "memory")
    polys = QgsVectorLayer("Polygon?crs=EPSG:27700&field=code:string&field=name:string"
                           "&field=count:integer&field=suppressed:boolean", "areas", "memory")
    jobs = [
        ("categorised_base.qml", points,
         presets.build_categorised_renderer("category", sorted(presets.KNOWN_COLOURS, key=str))),
        ("heatmap.qml", points, presets.build_heatmap_renderer()),
        ("hexagons.qml", polys, presets.build_hexbin_renderer((10, 25, 50, 100, 250))),
        ("choropleth.qml", polys, presets.build_choropleth_renderer()),
    ]
    for name, layer, renderer in jobs:
        layer.setRenderer(renderer)
        if name in ("choropleth.qml", "hexagons.qml"):
            layer.setOpacity(0.85)
        message, ok = layer.saveNamedStyle(str(out / name), presets.PRESET_STYLE_CATEGORIES)
        print(("wrote " if ok else "FAILED ") + name + ("" if ok else f": {message}"))

    # plugin manager icon
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QImage, QPainter
    from qgis.PyQt.QtSvg import QSvgRenderer

    svg = QSvgRenderer(str(ROOT / "icons" / "safestats.svg"))
    image = QImage(128, 128, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    svg.render(painter)
    painter.end()
    image.save(str(ROOT / "icons" / "safestats.png"))
    print("wrote icons/safestats.png")
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
