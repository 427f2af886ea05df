"""Walk a REAL QGIS desktop (started by scripts/walkthrough.sh) through the four journeys of issue 13
and save screenshots at 1366×768 and 1600×1000:

1. Westminster GIS officer: sign in, pick Metropolitan Police crime, filter (categories, Westminster),
   load, "Add borough and ward boundaries", the Hexagon density preset.
2. Analyst with her own polygons: writes "My patrol areas" to a GeoPackage, runs Processing "Count
   incidents in polygons" (split by category) to a GeoPackage and checks its row count against the
   same run to a temporary layer.
3. Ward-map printer: the print dialog, then a ward atlas PDF of Westminster's wards; page 1 becomes a
   PNG with ``pdftoppm``.
4. Counts-only TfL analyst: Metropolitan Police crime as counts, by ward within one borough, load;
   checks that exactly that borough's wards arrive.

Runs inside QGIS (``qgis --code scripts/walkthrough.py``). Environment: SAFESTATS_URL,
SAFESTATS_PASSWORD, SAFESTATS_OUT (PNG folder), SAFESTATS_TIMEOUT. Each journey is a generator that
yields conditions to wait for; a QTimer drives it so QGIS's event loop keeps running. Every check
that fails is written to ``SAFESTATS_OUT/walkthrough.log`` as ``FAIL …`` and QGIS exits non-zero.
"""
from __future__ import annotations

import os
import subprocess
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Iterator, List, Optional

from qgis.core import (QgsApplication, QgsFeature, QgsField, QgsGeometry,
                       QgsProject, QgsRectangle, QgsVectorFileWriter, QgsVectorLayer)
from qgis.PyQt.QtCore import QTimer, QVariant, Qt
from qgis.PyQt.QtWidgets import QApplication, QDockWidget
from qgis.utils import iface, plugins

URL = os.environ.get("SAFESTATS_URL", "http://127.0.0.1:8765")
PASSWORD = os.environ.get("SAFESTATS_PASSWORD", "PW")
OUT = Path(os.environ.get("SAFESTATS_OUT", "/tmp/safestats-walkthrough"))
WORK = OUT / "work"
WORK.mkdir(parents=True, exist_ok=True)
LOG = OUT / "walkthrough.log"
SIZES = ((1366, 768), (1600, 1000))
TIMEOUT_S = float(os.environ.get("SAFESTATS_TIMEOUT", "900"))
STARTED = time.monotonic()
FAILURES: List[str] = []


def log(text: str) -> None:
    with LOG.open("a", encoding="utf-8") as fh:
        fh.write(f"[{time.monotonic() - STARTED:6.1f}s] {text}\n")


def check(ok: bool, what: str) -> None:
    log(("ok   " if ok else "FAIL ") + what)
    if not ok:
        FAILURES.append(what)


def settle(ms: int = 500) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QgsApplication.processEvents()
        time.sleep(0.02)


def until(condition: Callable[[], bool], seconds: float = 120.0, what: str = "") -> tuple:
    return condition, time.monotonic() + seconds, what


def idle() -> bool:
    return QgsApplication.taskManager().countActiveTasks() == 0 and not iface.mapCanvas().isDrawing()


def plugin() -> Any:
    return plugins.get("safestats")


def dock() -> Any:
    return plugin().dock


def size_window(width: int, height: int) -> None:
    window = iface.mainWindow()
    window.showNormal()
    window.setGeometry(0, 0, width, height)
    dock().setUserVisible(True)
    window.resizeDocks([dock()], [min(440, width // 3)], Qt.Orientation.Horizontal)
    layers_dock = window.findChild(QDockWidget, "Layers")
    if layers_dock is not None:
        window.resizeDocks([layers_dock], [300 if width < 1500 else 380], Qt.Orientation.Horizontal)


def shoot(name: str, visible: Any = None) -> None:
    """The whole window at each size (the dock scrolled to ``visible`` when given)."""
    for width, height in SIZES:
        size_window(width, height)
        settle(400)
        if visible is not None:
            dock().scrollArea.ensureWidgetVisible(visible, 0, 0)
        canvas = iface.mapCanvas()
        canvas.refreshAllLayers()
        settle(300)
        deadline = time.monotonic() + 30
        while canvas.isDrawing() and time.monotonic() < deadline:
            settle(100)
        path = OUT / f"{name}_{width}x{height}.png"
        ok = iface.mainWindow().grab().save(str(path))
        check(ok, f"saved {path.name}")


def sign_in(user: str) -> Iterator[tuple]:
    from safestats.ui.signin_dialog import SignInDialog

    if plugin().session.is_signed_in:
        plugin().sign_out()
    dialog = SignInDialog(plugin().session, iface.mainWindow())
    dialog.urlEdit.setText(URL)
    dialog.usernameEdit.setText(user)
    dialog.passwordEdit.setText(PASSWORD)
    dialog.setModal(False)
    dialog.show()
    dialog.load_conditions()
    yield until(lambda: dialog.conditions is not None, 60, "conditions of use")
    dialog.purposeCombo.setCurrentIndex(1)
    dialog.acceptCheck.setChecked(True)
    settle(300)
    dialog.grab().save(str(OUT / f"signin_{user.split('.')[0]}.png"))
    dialog.signInButton.click()
    yield until(lambda: plugin().session.is_signed_in and bool(dock().datasetsPanel.datasets), 60, "signed in")
    dialog.close()
    log(f"signed in as {user}: {dock().datasetsPanel.ids()}")


def count_shown() -> bool:
    text = dock().countLabel.text()
    return ("matching" in text or "counts only" in text) and "Counting" not in text and "Updating" not in text


def records_layers() -> list:
    from safestats.providers.layers import safestats_layers

    return [l for l in safestats_layers() if l.customProperty("safestats/kind") != "aggregates"]


def zoom_to(layer: Any, scale: float = 1.1) -> None:
    from qgis.core import QgsCoordinateTransform

    canvas = iface.mapCanvas()
    extent = QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(),
                                    QgsProject.instance()).transformBoundingBox(layer.extent())
    extent.scale(scale)
    canvas.setExtent(extent)


STATE: dict = {}


def gis_officer() -> Iterator[tuple]:
    """Journey 1: Westminster GIS officer."""
    yield from sign_in("westminster.analyst")
    panel = dock()
    check(panel.datasetsPanel.select("mps_crime"), "MPS crime offered")
    panel.whenPanel.set_quick_pick("last_12_months")
    yield until(count_shown, 60, "count")
    panel.filterTabs.setCurrentIndex(1)
    categories = panel.whatPanel.categoryList
    for row in range(min(3, categories.count())):
        categories.item(row).setCheckState(Qt.CheckState.Checked)
    yield until(count_shown, 60, "count with categories")
    shoot("1_officer_what", categories)
    panel.filterTabs.setCurrentIndex(2)
    panel.wherePanel.set_area_mode("boundaries")
    yield until(lambda: panel.wherePanel.boundaryList.count() > 0, 60, "boroughs listed")
    westminster = [b.code for b in panel.wherePanel.boundaries.get("boroughs", []) if b.name.startswith("Westminster")]
    STATE["westminster"] = westminster
    panel.wherePanel.set_boundary_codes("boroughs", westminster)
    yield until(count_shown, 60, "count in Westminster")
    shoot("1_officer_where", panel.wherePanel.boundaryList)
    STATE["expected"] = panel.counter.preview.last_count.value if panel.counter.preview.last_count else None
    panel.request_load()
    yield until(lambda: bool(records_layers()) and idle(), 180, "records loaded")
    layer = records_layers()[0]
    STATE["layer"] = layer
    check(layer.featureCount() == STATE["expected"], f"loaded {layer.featureCount()} = counted {STATE['expected']}")
    check(QgsProject.instance().crs().authid() == "EPSG:27700", "the first load left the project in EPSG:27700")
    transform_warnings = [w.text() for w in iface.messageBar().items() if "transform" in w.text().lower()]
    check(not transform_warnings, f"no datum-transform warning on the first load {transform_warnings}")
    plugin().boundaries_action.trigger()
    from safestats.providers import reference_layers

    yield until(lambda: len(reference_layers.reference_layers()) == 2 and idle(), 120, "boundaries added")
    check(set(reference_layers.reference_layers()) == {"boroughs", "wards"}, "borough and ward boundaries added")
    iface.setActiveLayer(layer)
    zoom_to(layer)
    yield until(idle, 60)
    shoot("1_officer_map")
    plugin().layer_menu.apply_preset_to_active("hexagons")
    yield until(idle, 120, "hexagons")
    shoot("1_officer_hexagons")
    plugin().layer_menu.apply_preset_to_active("categorised")
    yield until(idle, 60)


def own_polygons() -> Iterator[tuple]:
    """Journey 2: analyst with her own polygons → Count incidents in polygons to a GeoPackage."""
    import processing

    layer = STATE["layer"]
    box = layer.extent()
    patrol = QgsVectorLayer("Polygon?crs=EPSG:27700", "My patrol areas", "memory")
    patrol.dataProvider().addAttributes([QgsField("area", QVariant.String)])
    patrol.updateFields()
    feats = []
    third = box.width() / 3
    for i, name in enumerate(("North patrol", "Central patrol", "South patrol")):
        f = QgsFeature(patrol.fields())
        f.setGeometry(QgsGeometry.fromRect(QgsRectangle(box.xMinimum() + i * third, box.yMinimum(),
                                                        box.xMinimum() + (i + 1) * third, box.yMaximum())))
        f.setAttributes([name])
        feats.append(f)
    patrol.dataProvider().addFeatures(feats)
    gpkg = str(WORK / "my_patrol_areas.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error = QgsVectorFileWriter.writeAsVectorFormatV2(patrol, gpkg, QgsProject.instance().transformContext(), options)
    check(error[0] == QgsVectorFileWriter.WriterError.NoError, f"patrol areas written ({error})")
    own = QgsVectorLayer(gpkg, "My patrol areas", "ogr")
    QgsProject.instance().addMapLayer(own)
    params = {"INCIDENTS": layer, "POLYGONS": own, "SPLIT_CATEGORY": True}
    temporary = processing.run("safestats:countinpolygons", {**params, "OUTPUT": "memory:"})["OUTPUT"]
    if isinstance(temporary, str):
        temporary = QgsProject.instance().mapLayer(temporary) or QgsVectorLayer(temporary, "temporary", "ogr")
    out = str(WORK / "counts_by_category.gpkg")
    result = processing.run("safestats:countinpolygons", {**params, "OUTPUT": out})
    log(f"Count in polygons wrote {result['OUTPUT']}")
    written = QgsVectorLayer(str(result["OUTPUT"]), "Counts by category (GeoPackage)", "ogr")
    want = temporary.featureCount()
    check(written.isValid() and written.featureCount() == want > 3,
          f"GeoPackage has every row: {written.featureCount()} of {want}")
    QgsProject.instance().addMapLayer(written)
    table = iface.showAttributeTable(written)
    yield until(idle, 30)
    for width, height in SIZES:
        size_window(width, height)
        table.resize(min(900, width - 100), min(520, height - 100))
        table.move(60, 120)
        settle(500)
        check(table.grab().save(str(OUT / f"2_analyst_count_table_{width}x{height}.png")),
              "saved attribute table of the GeoPackage output")
    table.close()
    iface.setActiveLayer(own)
    shoot("2_analyst_patrol_areas")


def ward_printer() -> Iterator[tuple]:
    """Journey 3: ward-map printer — the print dialog, then a Westminster ward atlas PDF."""
    from safestats.providers import print_job, reference_layers

    plugin().open_print_dialog()
    settle(800)
    dialogs = [w for w in QApplication.topLevelWidgets() if w.isVisible() and "Print" in w.windowTitle()]
    if dialogs:
        dialogs[0].grab().save(str(OUT / "3_printer_dialog.png"))
        log(f"print dialog: {dialogs[0].windowTitle()}")
        dialogs[0].close()
    check(bool(dialogs), "print dialog opened")
    wards = reference_layers.reference_layers()["wards"].clone()
    codes = ",".join(f"'{c}'" for c in STATE["westminster"])
    wards.setSubsetString(f"\"parent_code\" IN ({codes})")
    check(wards.featureCount() > 5, f"{wards.featureCount()} Westminster wards to print")
    STATE["westminster_wards"] = wards.featureCount()
    job = print_job.prepare_job(wards, "name", [STATE["layer"]], str(WORK / "atlas"), per_ward=False, dpi=120,
                                session=plugin().session, title="Westminster ward profile")
    pdfs = print_job.export_job(job)
    check(bool(pdfs), f"atlas exported: {[Path(p).name for p in pdfs]}")
    if pdfs:
        pages = subprocess.run(["pdfinfo", pdfs[0]], capture_output=True, text=True).stdout
        log(f"pdfinfo: {' '.join(l for l in pages.splitlines() if l.startswith('Pages'))}")
        done = subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "90", "-png", "-singlefile", pdfs[0],
                               str(OUT / "3_printer_atlas_page1")])
        check(done.returncode == 0, "atlas page 1 rendered with pdftoppm")
    yield until(idle, 30)


def counts_only() -> Iterator[tuple]:
    """Journey 4: counts-only TfL analyst — MPS crime by ward within one borough."""
    from safestats.providers.layers import safestats_layers

    from safestats.providers import reference_layers

    keep = {l.id() for l in reference_layers.reference_layers().values()}
    QgsProject.instance().removeMapLayers([i for i in QgsProject.instance().mapLayers() if i not in keep])
    yield from sign_in("tfl.analyst")
    panel = dock()
    aggregate = [d.id for d in panel.datasetsPanel.datasets if d.aggregate_only]
    check("mps_crime" in aggregate, f"MPS crime is counts only for TfL ({aggregate})")
    panel.datasetsPanel.select("mps_crime")
    panel.countsPanel.set_unit("ward")
    yield until(lambda: panel.countsPanel.withinCombo.count() > 1, 60, "boroughs for within")
    combo = panel.countsPanel.withinCombo
    index = combo.findText("Westminster", Qt.MatchFlag.MatchStartsWith)
    combo.setCurrentIndex(max(1, index))
    log(f"counts within {combo.currentText()} ({combo.currentData()})")
    yield until(count_shown, 60, "count (counts only)")
    shoot("4_counts_only_dock", panel.countsPanel)
    panel.request_load()
    from safestats.providers.tasks import REGISTRY

    yield until(lambda: any(l.customProperty("safestats/kind") == "aggregates" for l in safestats_layers())
                and not REGISTRY.running("counts"), 120, "counts loaded")
    layer = [l for l in safestats_layers() if l.customProperty("safestats/kind") == "aggregates"][0]
    want = STATE.get("westminster_wards")
    check(layer.featureCount() == want, f"{layer.featureCount()} wards of {combo.currentText()} loaded "
          f"(the borough has {want})")
    wards = reference_layers.reference_layers().get("wards")
    if wards is not None:
        source = Path(wards.source().split("|")[0])
        log(f"ward reference layer after signing out and in again: valid={wards.isValid()}, "
            f"file exists={source.exists()}, {wards.featureCount()} features")
    check(layer.crs().authid() == "EPSG:27700", f"counts layer in {layer.crs().authid()}")
    iface.setActiveLayer(layer)
    zoom_to(layer, 1.05)
    node = QgsProject.instance().layerTreeRoot().findLayer(layer.id())
    if node is not None:
        node.setExpanded(True)
    yield until(lambda: not iface.mapCanvas().isDrawing(), 60)
    shoot("4_counts_only_map")


JOURNEYS = [("GIS officer", gis_officer), ("analyst with her own polygons", own_polygons),
            ("ward-map printer", ward_printer), ("counts-only TfL analyst", counts_only)]


class Driver:
    """Runs the journeys' generators; waits for what they yield; a watchdog ends a hung run."""

    def __init__(self) -> None:
        self.queue = list(JOURNEYS)
        self.current: Optional[Iterator[tuple]] = None
        self.waiting: Optional[tuple] = None
        self.timer = QTimer()
        self.timer.setInterval(200)
        self.timer.timeout.connect(self.tick)

    def tick(self) -> None:
        try:
            self._tick()
        except Exception:  # noqa: BLE001 - logged, the run fails
            log(traceback.format_exc())
            FAILURES.append("exception")
            self.finish()

    def _tick(self) -> None:
        if time.monotonic() - STARTED > TIMEOUT_S:
            FAILURES.append("watchdog: took too long")
            self.finish()
            return
        if self.current is None:
            if plugin() is None or plugin().dock is None:
                return
            if not self.queue:
                self.finish()
                return
            name, journey = self.queue.pop(0)
            log(f"== journey: {name}")
            self.current = journey()
        if self.waiting is not None:
            condition, deadline, what = self.waiting
            if not condition():
                if time.monotonic() > deadline:
                    running = [t.description() for t in QgsApplication.taskManager().activeTasks()]
                    FAILURES.append(f"timed out waiting for {what} (running tasks: {running})")
                    iface.mainWindow().grab().save(str(OUT / "zz-stuck.png"))
                    self.finish()
                return
            self.waiting = None
        try:
            self.waiting = next(self.current)
        except StopIteration:
            self.current = None

    def finish(self) -> None:
        self.timer.stop()
        log(f"done in {time.monotonic() - STARTED:.0f}s; failures: {FAILURES or 'none'}")
        code = 1 if FAILURES else 0
        QgsProject.instance().setDirty(False)
        QTimer.singleShot(500, lambda: os._exit(code))
        QgsApplication.exit(code)


DRIVER = Driver()
DRIVER.timer.start()
