#!/usr/bin/env python3
"""Screenshots for docs/user-guide.md that scripts/screenshots.sh does not take:

* ``docs/img/settings_page.png``   Settings ▸ Options ▸ SafeStats
* ``docs/img/temporal.png``        incidents animated week by week with the Temporal Controller
* ``docs/img/count_in_wards.png``  Processing ▸ SafeStats ▸ Count incidents in polygons, own wards
* ``docs/img/count_result.png``    its output: counts per ward, small numbers suppressed
* ``docs/img/print_dialog.png``    the Print ward maps dialog

Two modes in one file:

    /usr/bin/python3 scripts/guide_screenshots.py [OUT_DIR]     # driver (default OUT_DIR: docs/img)

starts a demo store (store/.venv), a throwaway QGIS profile with the plugin linked from this
checkout and enabled, and a REAL QGIS under Xvfb running this same file with ``--code``; inside
QGIS (``qgis.utils.iface`` exists) the steps below run and QGIS quits.  Look at every PNG before
using it in the guide.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path
from typing import Any, Callable, List, Optional

# inside QGIS (``--code``) the file is exec()'d without __file__: the driver passes the checkout
REPO = Path(globals()["__file__"]).resolve().parent.parent if "__file__" in globals() \
    else Path(os.environ.get("SAFESTATS_REPO", "."))


# ====================================================================== driver (outside QGIS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def drive(out: Path) -> int:
    store_bin = REPO / "store" / ".venv" / "bin" / "safestats-store"
    if not store_bin.exists() or not shutil.which("xvfb-run") or not shutil.which("qgis"):
        print("needs store/.venv (scripts/setup.sh), qgis and xvfb-run", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="safestats-guide-"))
    password = "Demo-" + secrets.token_urlsafe(9)
    port = _free_port()
    db = f"sqlite:///{work / 'store.sqlite'}"
    log = open(work / "store.log", "wb")  # noqa: SIM115 - closed in finally
    server = None
    try:
        subprocess.run([str(store_bin), "demo", "--db", db, "--scale", os.environ.get("SAFESTATS_SCALE", "0.02"),
                        "--password", password], check=True, stdout=log, stderr=subprocess.STDOUT, cwd=work)
        server = subprocess.Popen([str(store_bin), "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)],
                                  stdout=log, stderr=subprocess.STDOUT, cwd=work)
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        profiles = work / "qgis-profiles"
        profile = profiles / "profiles" / "default"
        (profile / "python" / "plugins").mkdir(parents=True)
        (profile / "QGIS").mkdir(parents=True)
        (profile / "python" / "plugins" / "safestats").symlink_to(REPO, target_is_directory=True)
        (profile / "QGIS" / "QGIS3.ini").write_text(
            "[PythonPlugins]\nsafestats=true\nprocessing=true\n\n[qgis]\nshowTips=false\ncheckVersion=false\n"
            "allowVersionCheck=false\nWelcomePage\\newsFeed\\enabled=false\n\n"
            "[core]\nNewsFeed\\httpsfeedqgisorg\\disabled=true\n", encoding="utf-8")
        out.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, SAFESTATS_REPO=str(REPO), SAFESTATS_URL=f"http://127.0.0.1:{port}", SAFESTATS_PASSWORD=password,
                   SAFESTATS_OUT=str(out), SAFESTATS_GUIDE_LOG=str(work / "guide.log"),
                   PYTHONDONTWRITEBYTECODE="1", HOME=str(work), XDG_CONFIG_HOME=str(work / ".config"),
                   XDG_DATA_HOME=str(work / ".local" / "share"),
                   # a Python error opens no modal dialog (it would block until the timeout): logged instead
                   PYQGIS_STARTUP=str(REPO / "tests" / "qgis_startup_hook.py"),
                   SAFESTATS_DIALOGS=str(work / "dialogs.jsonl"))
        env.pop("QT_QPA_PLATFORM", None)
        proc = subprocess.Popen(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "qgis", "--nologo",
                                 "--noversioncheck", "--profiles-path", str(profiles), "--code",
                                 str(REPO / "scripts" / "guide_screenshots.py")],
                                env=env, stdout=open(work / "qgis.log", "wb"), stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            proc.wait(timeout=300)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
        print((work / "guide.log").read_text(encoding="utf-8") if (work / "guide.log").exists()
              else (work / "qgis.log").read_text(errors="replace")[-3000:])
        guide_log = (work / "guide.log").read_text(encoding="utf-8") if (work / "guide.log").exists() else ""
        if not guide_log.rstrip().endswith("done"):
            print("QGIS output (tail):\n" + (work / "qgis.log").read_text(errors="replace")[-3000:])
        if (work / "dialogs.jsonl").exists():
            print("Python errors in QGIS:\n" + (work / "dialogs.jsonl").read_text(encoding="utf-8"))
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


# ====================================================================== inside QGIS


def in_qgis() -> None:  # noqa: C901 - one linear script
    from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsDateTimeRange, QgsFillSymbol,
                           QgsInterval, QgsProject, QgsTemporalNavigationObject, QgsUnitTypes, QgsVectorLayer)
    from qgis.PyQt.QtCore import QDateTime, Qt, QTimer
    from qgis.PyQt.QtWidgets import QApplication, QDockWidget
    from qgis.utils import iface, plugins

    out = Path(os.environ.get("SAFESTATS_OUT", "/tmp/safestats-guide"))
    log_path = Path(os.environ.get("SAFESTATS_GUIDE_LOG", str(out / "guide.log")))
    started = time.monotonic()
    state: dict = {}

    def log(text: str) -> None:
        with log_path.open("a", encoding="utf-8") as fh:
            fh.write(f"[{time.monotonic() - started:6.1f}s] {text}\n")

    def settle(seconds: float = 0.6) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            QgsApplication.processEvents()
            time.sleep(0.02)

    def save(widget: Any, name: str) -> None:
        settle(0.4)
        ok = widget.grab().save(str(out / name))
        log(f"saved {name}: {'ok' if ok else 'FAILED'}")

    def quit_qgis() -> None:
        QgsProject.instance().setDirty(False)
        for widget in QApplication.topLevelWidgets():
            if widget.isModal() and widget.isVisible():
                widget.close()
        QTimer.singleShot(800, lambda: os._exit(0))
        QgsApplication.exit(0)

    def dismiss_messages() -> None:
        bar = iface.messageBar()
        for _ in range(10):
            if bar.currentItem() is None:
                break
            bar.popWidget()

    steps: List[tuple] = []

    def step(until: Optional[Callable[[], bool]] = None, wait_s: float = 90):
        def deco(fn: Callable[[], None]) -> Callable[[], None]:
            steps.append((fn, until, wait_s))
            return fn
        return deco

    @step()
    def prepare() -> None:
        window = iface.mainWindow()
        window.showNormal()
        window.setGeometry(0, 0, 1600, 1000)
        QgsProject.instance().setCrs(QgsCoordinateReferenceSystem("EPSG:27700"))

    @step()
    def settings_page() -> None:
        from safestats.ui.settings_page import SafeStatsOptionsFactory
        factory = SafeStatsOptionsFactory()
        state["factory"] = factory
        iface.registerOptionsWidgetFactory(factory)

        def grab_options() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is not None:
                dialog.resize(1100, 760)
                save(dialog, "settings_page.png")
                dialog.reject()
        QTimer.singleShot(2500, grab_options)
        iface.showOptionsDialog(iface.mainWindow(), "SafeStats")  # modal: returns after grab_options
        iface.unregisterOptionsWidgetFactory(factory)

    @step()
    def sign_in() -> None:
        plugin = plugins["safestats"]
        session = plugin.session
        url = os.environ["SAFESTATS_URL"]
        conditions = session.fetch_conditions(url)
        session.sign_in(url, os.environ.get("SAFESTATS_USER", "westminster.analyst"), os.environ["SAFESTATS_PASSWORD"],
                        conditions=conditions, accepted=True, purpose=conditions.purposes[0].id, remember=False)
        settle(1.0)

    @step()
    def wards() -> None:
        data = plugins["safestats"].session.client.get_json("/collections/wards/items", {"limit": 1000})
        features = data.get("features", [])
        own = [f for f in features if "Westminster" in json.dumps(f.get("properties", {}))
               or "E09000033" in json.dumps(f.get("properties", {}))] or features
        data["features"] = own
        path = Path(tempfile.mkdtemp(prefix="safestats-wards-")) / "wards.geojson"
        path.write_text(json.dumps(data), encoding="utf-8")
        state["wards_path"] = path
        layer = QgsVectorLayer(str(path), "My wards", "ogr")
        layer.renderer().setSymbol(QgsFillSymbol.createSimple(
            {"color": "0,0,0,0", "outline_color": "90,90,90,255", "outline_width": "0.4"}))
        QgsProject.instance().addMapLayer(layer)
        state["wards"] = layer
        log(f"wards: {layer.featureCount()} features")

    @step(until=lambda: any(getattr(lyr, "customProperty", lambda *_: None)("safestats/dataset") == "mps_crime"
                            for lyr in QgsProject.instance().mapLayers().values()), wait_s=120)
    def load() -> None:
        dock = plugins["safestats"].dock
        dock.setUserVisible(True)
        iface.mainWindow().resizeDocks([dock], [440], Qt.Horizontal)
        if not dock.datasetsPanel.select("mps_crime"):
            log(f"mps_crime not offered: {dock.datasetsPanel.ids()}")
        dock.whenPanel.set_quick_pick("last_12_months")
        settle(2.0)
        dock.request_load()

    @step()
    def temporal() -> None:
        layer = next(lyr for lyr in QgsProject.instance().mapLayers().values()
                     if lyr.customProperty("safestats/dataset") == "mps_crime")
        state["incidents"] = layer
        iface.setActiveLayer(layer)
        canvas = iface.mapCanvas()
        bng = QgsCoordinateReferenceSystem("EPSG:27700")
        canvas.setDestinationCrs(bng)
        from qgis.core import QgsCoordinateTransform
        to_bng = QgsCoordinateTransform(state["wards"].crs(), bng, QgsProject.instance())
        extent = to_bng.transformBoundingBox(state["wards"].extent())
        extent.scale(1.05)
        canvas.setExtent(extent)
        dismiss_messages()
        controller = canvas.temporalController()
        if isinstance(controller, QgsTemporalNavigationObject):
            end = QDateTime.currentDateTime()
            start = end.addMonths(-12)
            controller.setTemporalExtents(QgsDateTimeRange(start, end))
            controller.setFrameDuration(QgsInterval(1, QgsUnitTypes.TemporalWeeks))
            controller.setNavigationMode(QgsTemporalNavigationObject.Animated)
            controller.setCurrentFrameNumber(20)
        for dock in iface.mainWindow().findChildren(QDockWidget):
            if "emporal" in dock.objectName() or "emporal" in dock.windowTitle():
                dock.show()
                dock.raise_()
        settle(3.0)
        canvas.refresh()
        settle(3.0)
        save(iface.mainWindow(), "temporal.png")
        if isinstance(controller, QgsTemporalNavigationObject):
            controller.setNavigationMode(QgsTemporalNavigationObject.NavigationOff)
        for dock in iface.mainWindow().findChildren(QDockWidget):
            if "emporal" in dock.objectName():
                dock.hide()

    @step()
    def count_dialog() -> None:
        import processing
        from safestats.processing_provider.provider import SafeStatsProvider
        if QgsApplication.processingRegistry().providerById("safestats") is None:
            state["provider"] = SafeStatsProvider()
            QgsApplication.processingRegistry().addProvider(state["provider"])
        params = {"INCIDENTS": state["incidents"].id(), "POLYGONS": state["wards"].id(), "SPLIT_CATEGORY": False,
                  "THRESHOLD": 5, "OUTPUT": "TEMPORARY_OUTPUT"}
        dialog = processing.createAlgorithmDialog("safestats:countinpolygons", params)
        dialog.resize(980, 700)
        dialog.show()
        settle(1.5)
        save(dialog, "count_in_wards.png")
        dialog.close()
        result = processing.run("safestats:countinpolygons", params)
        output = result["OUTPUT"]
        layer = output if isinstance(output, QgsVectorLayer) else QgsVectorLayer(str(output), "counts", "ogr")
        layer.setName("Incidents per ward")
        QgsProject.instance().addMapLayer(layer)
        state["counts"] = layer
        root = QgsProject.instance().layerTreeRoot()
        node = root.findLayer(state["incidents"].id())
        node.setItemVisibilityChecked(False)
        node.setExpanded(False)
        log(f"counts: {layer.featureCount()} wards, fields {[f.name() for f in layer.fields()]}")

    @step()
    def count_result() -> None:
        from qgis.core import (QgsClassificationJenks, QgsGraduatedSymbolRenderer, QgsPalLayerSettings,
                               QgsStyle, QgsVectorLayerSimpleLabeling)
        layer = state["counts"]
        renderer = QgsGraduatedSymbolRenderer("incidents")
        renderer.setClassificationMethod(QgsClassificationJenks())
        renderer.updateColorRamp(QgsStyle.defaultStyle().colorRamp("Reds"))
        renderer.updateClasses(layer, 5)
        layer.setRenderer(renderer)
        labels = QgsPalLayerSettings()
        labels.fieldName = "coalesce(incidents_label, '') || '\n' || name"
        labels.isExpression = True
        layer.setLabeling(QgsVectorLayerSimpleLabeling(labels))
        layer.setLabelsEnabled(True)
        dismiss_messages()
        iface.setActiveLayer(layer)
        iface.layerTreeView().refreshLayerSymbology(layer.id())
        iface.mapCanvas().refreshAllLayers()
        settle(3.0)
        save(iface.mainWindow(), "count_result.png")

    @step()
    def print_dialog() -> None:
        try:
            from safestats.ui.print_dialog import PrintWardMapsDialog
        except ImportError:
            log("no print dialog in this checkout")
            return
        state["incidents"].setOpacity(1.0)
        dialog = PrintWardMapsDialog(iface, plugins["safestats"].session, iface.mainWindow())
        dialog.show()
        settle(1.5)
        save(dialog, "print_dialog.png")
        dialog.close()

    def run(index: int = 0, deadline: float = 0.0) -> None:
        """Call step ``index`` once, then wait (polling) for its ``until`` condition, then go on."""
        if index >= len(steps) or time.monotonic() - started > 280:
            log("done" if index >= len(steps) else "watchdog: out of time")
            quit_qgis()
            return
        fn, until, wait_s = steps[index]
        if deadline == 0.0:
            deadline = time.monotonic() + wait_s
            log(f"step {fn.__name__}")
            try:
                fn()
            except Exception:  # noqa: BLE001 - logged; the next steps may still work
                log(f"{fn.__name__} failed:\n{traceback.format_exc()}")
                until = None
        try:
            done = until is None or until()
        except Exception:  # noqa: BLE001
            done = False
        if not done:
            if time.monotonic() > deadline:
                log(f"{fn.__name__}: condition not met in {wait_s}s")
                save(iface.mainWindow(), "zz-guide-stuck.png")
                quit_qgis()
                return
            QTimer.singleShot(300, lambda: run(index, deadline))
            return
        QTimer.singleShot(300, lambda: run(index + 1))

    QTimer.singleShot(1500, run)


def _inside_qgis() -> bool:
    try:
        from qgis.utils import iface
    except ImportError:
        return False
    return iface is not None


if _inside_qgis():
    in_qgis()
elif __name__ == "__main__":
    sys.exit(drive(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img"))
