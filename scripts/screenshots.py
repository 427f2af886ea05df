"""Drive a REAL QGIS desktop (started by scripts/screenshots.sh) through the SafeStats flow and save
screenshots: sign-in dialog, dock, styled map (categorised, heatmap, hexagons, choropleth).

Runs inside QGIS via ``qgis --code scripts/screenshots.py``.  Reads SAFESTATS_URL, SAFESTATS_USER,
SAFESTATS_PASSWORD, SAFESTATS_OUT (folder for PNGs) and optional SAFESTATS_DATASET from the
environment.  Steps are chained with timers so QGIS's event loop keeps running; a watchdog quits
QGIS if anything hangs.  Writes ``SAFESTATS_OUT/screenshots.log``.
"""
from __future__ import annotations

import os
import time
import traceback
from pathlib import Path
from typing import Any, Callable, List, Optional

from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsFillSymbol, QgsProject,
                       QgsVectorLayer)
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtWidgets import QApplication
from qgis.utils import iface, plugins

URL = os.environ.get("SAFESTATS_URL", "http://127.0.0.1:8765")
USER = os.environ.get("SAFESTATS_USER", "westminster.analyst")
PASSWORD = os.environ.get("SAFESTATS_PASSWORD", "PW")
OUT = Path(os.environ.get("SAFESTATS_OUT", "/tmp/safestats-shots"))
DATASET = os.environ.get("SAFESTATS_DATASET", "mps_crime")
AGG_USER = os.environ.get("SAFESTATS_AGG_USER", "")
OUT.mkdir(parents=True, exist_ok=True)
LOG = OUT / "screenshots.log"
STARTED = time.monotonic()
TIMEOUT_S = float(os.environ.get("SAFESTATS_TIMEOUT", "420"))
#: window size, e.g. "1366x768" (a council laptop); the Xvfb screen must be at least that big
WIDTH, HEIGHT = (int(v) for v in os.environ.get("SAFESTATS_WINDOW", "1600x1000").split("x"))
#: only the dock's shots (and the whole window beside each), e.g. to compare the dock at several sizes
DOCK_ONLY = os.environ.get("SAFESTATS_DOCK_ONLY", "") == "1"


def log(text: str) -> None:
    with LOG.open("a", encoding="utf-8") as fh:
        fh.write(f"[{time.monotonic() - STARTED:6.1f}s] {text}\n")


def quit_qgis(code: int = 0) -> None:
    log(f"quitting ({code})")
    QgsProject.instance().setDirty(False)
    for widget in QApplication.topLevelWidgets():
        if widget.isModal() and widget.isVisible():
            widget.close()
    QTimer.singleShot(500, lambda: os._exit(code))
    QgsApplication.exit(code)


def settle(ms: int = 600) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QgsApplication.processEvents()
        time.sleep(0.02)


def save(widget: Any, name: str) -> None:
    settle(300)
    path = OUT / name
    ok = widget.grab().save(str(path))
    log(f"saved {path} ({'ok' if ok else 'FAILED'})")


class Flow:
    """Runs steps one after another; a step may wait (poll) for a condition first."""

    def __init__(self) -> None:
        self.steps: List[tuple] = []
        self.index = 0
        self.deadline = 0.0
        self.timer = QTimer()
        self.timer.setInterval(200)
        self.timer.timeout.connect(self.tick)
        self.plugin: Any = None
        self.dialog: Any = None

    def add(self, name: str, action: Callable[[], None], until: Optional[Callable[[], bool]] = None,
            wait_s: float = 90.0) -> None:
        self.steps.append((name, action, until, wait_s))

    def start(self) -> None:
        self.timer.start()
        self.deadline = 0.0

    def tick(self) -> None:
        if time.monotonic() - STARTED > TIMEOUT_S:
            log("watchdog: took too long")
            self.timer.stop()
            self.safe(lambda: save(iface.mainWindow(), "zz-timeout.png"))
            quit_qgis(3)
            return
        if self.index >= len(self.steps):
            self.timer.stop()
            log("all steps done")
            quit_qgis(0)
            return
        name, action, until, wait_s = self.steps[self.index]
        if self.deadline == 0.0:
            log(f"step {name}")
            self.deadline = time.monotonic() + wait_s
            if not self.safe(action):
                self.timer.stop()
                self.safe(lambda: save(iface.mainWindow(), "zz-error.png"))
                quit_qgis(2)
                return
        if until is not None:
            try:
                done = until()
            except Exception:  # noqa: BLE001
                log(traceback.format_exc())
                done = False
            if not done:
                if time.monotonic() > self.deadline:
                    log(f"step {name}: condition not met in {wait_s}s")
                    self.timer.stop()
                    self.safe(lambda: save(iface.mainWindow(), "zz-stuck.png"))
                    quit_qgis(4)
                return
        self.index += 1
        self.deadline = 0.0

    @staticmethod
    def safe(fn: Callable[[], None]) -> bool:
        try:
            fn()
            return True
        except Exception:  # noqa: BLE001
            log(traceback.format_exc())
            return False


flow = Flow()


def find_plugin() -> bool:
    flow.plugin = plugins.get("safestats")
    return flow.plugin is not None and flow.plugin.dock is not None


def prepare_window() -> None:
    window = iface.mainWindow()
    window.showNormal()
    window.setGeometry(0, 0, WIDTH, HEIGHT)
    QgsProject.instance().setCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
    flow.plugin.dock.setUserVisible(True)
    window.resizeDocks([flow.plugin.dock], [440], Qt.Horizontal)


def open_dialog(user: str = USER) -> None:
    from safestats.ui.signin_dialog import SignInDialog

    dialog = SignInDialog(flow.plugin.session, iface.mainWindow())
    dialog.urlEdit.setText(URL)
    dialog.usernameEdit.setText(user)
    dialog.passwordEdit.setText(PASSWORD)
    dialog.setModal(False)
    dialog.show()
    dialog.load_conditions()
    flow.dialog = dialog


def fill_conditions() -> None:
    dialog = flow.dialog
    dialog.purposeCombo.setCurrentIndex(1)
    dialog.acceptCheck.setChecked(True)
    dialog.raise_()


def shoot_dialog() -> None:
    save(flow.dialog, "signin_dialog.png")


def click_sign_in() -> None:
    flow.dialog.signInButton.click()


def add_boroughs() -> None:
    """Reference boundaries under the incidents (light grey), fetched with the signed-in client."""
    import json

    from safestats.providers.models import CRS_27700

    data = flow.plugin.session.client.get_json("/collections/boroughs/items",
                                               {"limit": 100, "crs": CRS_27700})
    path = OUT / "boroughs.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    layer = QgsVectorLayer(str(path), "Boroughs (SafeStats reference)", "ogr")
    layer.setCrs(QgsCoordinateReferenceSystem("EPSG:27700"))  # coordinates were asked for in EPSG:27700
    layer.setRenderer(layer.renderer().clone())
    symbol = QgsFillSymbol.createSimple({"color": "246,246,243,255", "outline_color": "150,150,150,255",
                                         "outline_width": "0.3"})
    layer.renderer().setSymbol(symbol)
    QgsProject.instance().addMapLayer(layer)
    QgsProject.instance().setCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
    iface.mapCanvas().setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
    log(f"boroughs: {layer.featureCount()} features, valid={layer.isValid()}")


def choose_dataset() -> None:
    dock = flow.plugin.dock
    if not dock.datasetsPanel.select(DATASET):
        log(f"dataset {DATASET} not offered; offered: {dock.datasetsPanel.ids()}")
        dock.datasetsPanel.datasetList.setCurrentRow(0)
    dock.whenPanel.set_quick_pick("last_12_months")
    dock.filterTabs.setCurrentIndex(0)


def count_shown() -> bool:
    text = flow.plugin.dock.countLabel.text()
    return ("matching" in text or "counts only" in text) and "Counting" not in text and "Updating" not in text


def shoot_dock(name: str, visible: Any = None) -> None:
    """The dock (scrolled, when it must, to show ``visible``: its panels scroll on a small screen)."""
    dock = flow.plugin.dock
    dock.scrollArea.ensureWidgetVisible(visible if visible is not None else dock.filterTabs, 0, 0)
    save(dock, name)
    if DOCK_ONLY:
        save(iface.mainWindow(), name.replace("dock_", "window_"))


def shoot_dock_when() -> None:
    shoot_dock("dock_when.png")


def show_what() -> None:
    dock = flow.plugin.dock
    dock.filterTabs.setCurrentIndex(1)
    for row in range(min(4, dock.whatPanel.categoryList.count())):
        dock.whatPanel.categoryList.item(row).setCheckState(Qt.Checked)


def shoot_dock_what() -> None:
    shoot_dock("dock_what.png")


def show_where() -> None:
    dock = flow.plugin.dock
    dock.whatPanel.check_all(False)
    dock.filterTabs.setCurrentIndex(2)
    dock.wherePanel.set_area_mode("boundaries")


def boroughs_listed() -> bool:
    dock = flow.plugin.dock
    if dock.wherePanel.boundaryList.count() == 0:
        return False
    westminster = [b.code for b in dock.wherePanel.boundaries.get("boroughs", []) if b.name.startswith("Westminster")]
    if westminster and not dock.wherePanel.checked_codes("boroughs"):
        dock.wherePanel.set_boundary_codes("boroughs", westminster)
        return False
    return count_shown()


def shoot_dock_where() -> None:
    shoot_dock("dock_where.png", flow.plugin.dock.wherePanel.boundaryList)
    flow.plugin.dock.wherePanel.set_area_mode("any")
    flow.plugin.dock.filterTabs.setCurrentIndex(0)


def load() -> None:
    dock = flow.plugin.dock
    index = dock.stylePanel.presetCombo.findData("categorised")
    dock.stylePanel.presetCombo.setCurrentIndex(max(0, index))
    flow.loaded_before = len(QgsProject.instance().mapLayers())
    dock.request_load()


def layer_loaded() -> bool:
    from safestats.providers.layers import safestats_layers

    return bool(safestats_layers()) and not flow.plugin.loader.tasks


def zoom_to(layer: Any, scale: float = 1.1) -> None:
    from qgis.core import QgsCoordinateTransform

    canvas = iface.mapCanvas()
    extent = QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(),
                                    QgsProject.instance()).transformBoundingBox(layer.extent())
    extent.scale(scale)
    canvas.setExtent(extent)
    canvas.refreshAllLayers()


def zoom_to_data() -> None:
    from safestats.providers.layers import safestats_layers

    layer = safestats_layers()[0]
    flow.layer = layer
    iface.setActiveLayer(layer)
    zoom_to(layer)
    log(f"layer {layer.name()}: {layer.featureCount()} features, crs {layer.crs().authid()}, "
        f"canvas crs {iface.mapCanvas().mapSettings().destinationCrs().authid()}")


def canvas_idle() -> bool:
    return not iface.mapCanvas().isDrawing()


def shoot_map(name: str) -> Callable[[], None]:
    def inner() -> None:
        settle(1500)
        save(iface.mainWindow(), name)
        save(iface.mapCanvas(), name.replace(".png", "_canvas.png"))
    return inner


def layer_context_menu() -> None:
    """Open the layer tree's context menu for the SafeStats layer and its SafeStats submenu."""
    from qgis.PyQt.QtCore import QPoint

    view = iface.layerTreeView()
    view.setCurrentLayer(flow.layer)
    menu = view.menuProvider().createContextMenu()
    sub = None
    for action in menu.actions():
        if action.menu() is not None and action.text().replace("&", "") == "SafeStats":
            sub = action.menu()
    log(f"layer menu SafeStats entries: {[a.text() for a in sub.actions()] if sub else None}")
    flow.plugin.layer_menu.fill_style_menu()
    log(f"style presets in menu: {[a.text() for a in flow.plugin.layer_menu.style_menu.actions()]}")
    if sub is not None:
        sub.popup(QPoint(260, 600))
        settle(300)
        flow.plugin.layer_menu.style_menu.popup(QPoint(260 + sub.width(), 600))
        settle(300)
        save(sub, "layer_menu_safestats.png")
        save(flow.plugin.layer_menu.style_menu, "layer_menu_presets.png")
        flow.plugin.layer_menu.style_menu.hide()
        sub.hide()
    menu.deleteLater()


def apply(preset_id: str) -> Callable[[], None]:
    def inner() -> None:
        iface.messageBar().clearWidgets()
        flow.plugin.layer_menu.apply_preset_to_active(preset_id)
        dock = flow.plugin.dock
        dock.stylePanel.presetCombo.setCurrentIndex(max(0, dock.stylePanel.presetCombo.findData(preset_id)))
        iface.mapCanvas().refreshAllLayers()
    return inner


flow.add("wait for plugin", lambda: None, find_plugin, 60)
flow.add("window", prepare_window)
flow.add("open sign-in", open_dialog, lambda: flow.dialog.conditions is not None, 60)
flow.add("fill conditions", fill_conditions)
flow.add("shoot dialog", shoot_dialog)
flow.add("wrong password", lambda: (flow.dialog.passwordEdit.setText("not-the-password"), click_sign_in()),
         lambda: not flow.dialog.is_busy() and bool(flow.dialog.bar.items()), 60)
flow.add("shoot wrong password", lambda: save(flow.dialog, "signin_wrong_password.png"))
flow.add("right password", lambda: (flow.dialog.passwordEdit.setText(PASSWORD), fill_conditions()))
flow.add("sign in", click_sign_in, lambda: flow.plugin.session.is_signed_in and bool(flow.plugin.dock.datasetsPanel.datasets), 60)
flow.add("boroughs", add_boroughs)
flow.add("dataset", choose_dataset, count_shown, 60)
flow.add("shoot dock (when)", shoot_dock_when)
flow.add("what", show_what, count_shown, 60)
flow.add("shoot dock (what)", shoot_dock_what)
flow.add("where", show_where, boroughs_listed, 60)
flow.add("shoot dock (where)", shoot_dock_where)
flow.add("load", load, layer_loaded, 180)
flow.add("zoom", zoom_to_data, canvas_idle, 60)
flow.add("shoot categorised", shoot_map("map_categorised.png"))
flow.add("layer context menu", lambda: layer_context_menu())
flow.add("heatmap", apply("heatmap"), canvas_idle, 60)
flow.add("shoot heatmap", shoot_map("map_heatmap.png"))
flow.add("hexagons", apply("hexagons"), canvas_idle, 60)
flow.add("shoot hexagons", shoot_map("map_hexagons.png"))


def print_ward_atlas() -> None:
    """The plugin's print job on the loaded records, one PDF per Westminster ward; the page of the
    smallest ward (suppressed: no points, "not shown") and of a busy one (clusters) become PNGs."""
    import json
    import subprocess

    from safestats.providers.models import CRS_27700
    from safestats.providers import print_job as atlas

    flow.plugin.layer_menu.apply_preset_to_active("categorised")
    dock = flow.plugin.dock
    westminster = [b.code for b in dock.wherePanel.boundaries.get("boroughs", []) if b.name.startswith("Westminster")]
    data = flow.plugin.session.client.get_json("/collections/wards/items", {"limit": 1000, "crs": CRS_27700})
    data["features"] = [f for f in data["features"] if f["properties"].get("parent_code") in westminster]
    path = OUT / "wards.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    wards = QgsVectorLayer(str(path), "Westminster wards", "ogr")
    wards.setCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
    def export(folder: Path, title: str) -> dict:
        job = atlas.prepare_job(wards, "name", [flow.layer], str(folder), per_ward=True, dpi=150,
                                session=flow.plugin.session, title=title)
        counts = {}
        for pdf in atlas.export_job(job):
            text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
            line = " ".join(t for t in text.split("\n") if "Incidents in this ward:" in t)
            if "all_wards" not in pdf:
                counts[pdf] = " ".join(line.split()).split("Incidents in this ward:")[-1].strip()
        log(f"atlas {title}: {len(counts)} wards; counts: {sorted(counts.values())}")
        return counts

    def shoot(name: str, pdf: str, counts: dict) -> None:
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", pdf, str(OUT / name)], check=True)
        log(f"saved {OUT / (name + '.png')} from {Path(pdf).name}: {counts[pdf][:60]}")

    counts = export(OUT / "atlas", "Ward profile")
    shown = sorted((int(c.split()[0]), p) for p, c in counts.items() if c[:1].isdigit())
    if shown:
        shoot("ward-atlas-clusters", shown[len(shown) // 2][1], counts)
    # one category: some wards have fewer than 5 (the page a small ward gets)
    for category in ("Robbery", "Burglary", "Vehicle crime", "Drugs", "Bicycle theft"):
        flow.layer.setSubsetString(f"\"crime_type\" = '{category}'")
        counts = export(OUT / f"atlas-{category}", f"{category}, ward profile")
        hidden = [p for p, c in counts.items() if c.startswith("not shown")]
        if hidden:
            shoot("ward-atlas-small-ward", hidden[0], counts)
            break
    flow.layer.setSubsetString("")


flow.add("print ward atlas", print_ward_atlas)


def switch_to_aggregate_user() -> None:
    flow.plugin.sign_out()
    open_dialog(AGG_USER)


def choose_aggregate_dataset() -> None:
    dock = flow.plugin.dock
    aggregate = [d.id for d in dock.datasetsPanel.datasets if d.aggregate_only]
    log(f"{AGG_USER} datasets: {dock.datasetsPanel.ids()}; counts only: {aggregate}")
    dock.datasetsPanel.select("mps_crime" if "mps_crime" in aggregate else (aggregate or dock.datasetsPanel.ids())[0])
    dock.countsPanel.set_unit("ward")


def aggregates_loaded() -> bool:
    from safestats.providers.layers import safestats_layers

    return any(l.customProperty("safestats/kind") == "aggregates" for l in safestats_layers())


def zoom_to_aggregates() -> None:
    from safestats.providers.layers import safestats_layers

    iface.messageBar().clearWidgets()
    layer = [l for l in safestats_layers() if l.customProperty("safestats/kind") == "aggregates"][0]
    iface.setActiveLayer(layer)
    # the signed-out records layer is only a placeholder now: leave the counts layer alone in the legend
    QgsProject.instance().removeMapLayers([o.id() for o in safestats_layers() if o.id() != layer.id()])
    node = QgsProject.instance().layerTreeRoot().findLayer(layer.id())
    if node is not None:
        node.setExpanded(True)
    view = iface.layerTreeView()
    view.setCurrentLayer(layer)
    view.expand(view.currentIndex())  # its legend: the classes and "Suppressed (… after perturbation)"
    from qgis.PyQt.QtWidgets import QDockWidget
    layers_dock = iface.mainWindow().findChild(QDockWidget, "Layers")
    if layers_dock is not None:  # wide enough to read the layer's name and legend
        iface.mainWindow().resizeDocks([layers_dock], [430], Qt.Orientation.Horizontal)
    zoom_to(layer, 1.05)


if AGG_USER:
    flow.add("sign in as aggregate-only user", switch_to_aggregate_user,
             lambda: flow.dialog.conditions is not None, 60)
    flow.add("fill conditions (2)", fill_conditions)
    flow.add("sign in (2)", click_sign_in,
             lambda: flow.plugin.session.is_signed_in and bool(flow.plugin.dock.datasetsPanel.datasets), 60)
    flow.add("aggregate dataset", choose_aggregate_dataset, count_shown, 60)
    flow.add("shoot dock (counts only)", lambda: shoot_dock("dock_counts_only.png", flow.plugin.dock.countsPanel))
    flow.add("load counts", lambda: flow.plugin.dock.request_load(), aggregates_loaded, 120)
    flow.add("zoom to counts", zoom_to_aggregates, canvas_idle, 60)
    flow.add("shoot choropleth", shoot_map("map_counts_only.png"))
if DOCK_ONLY:  # the dock's shots only: no loads, maps or atlas
    MAP_STEPS = {"load", "zoom", "shoot categorised", "layer context menu", "heatmap", "shoot heatmap", "hexagons",
                 "shoot hexagons", "print ward atlas", "load counts", "zoom to counts", "shoot choropleth"}
    flow.steps = [step for step in flow.steps if step[0] not in MAP_STEPS]
flow.start()
