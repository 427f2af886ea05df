from safestats.governance.export_guard import ExportGuard


def _layer(protected: bool):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer
    layer = QgsVectorLayer("Point?crs=EPSG:27700&field=crime_type:string", "Crime", "memory")
    f = QgsFeature(layer.fields())
    f.setAttribute(0, "Burglary")
    f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(530000, 180000)))
    layer.dataProvider().addFeatures([f])
    if protected:
        layer.setCustomProperty("safestats/query", '{"dataset":"mps_crime"}')
        layer.setCustomProperty("safestats/dataset", "mps_crime")
        layer.setCustomProperty("safestats/protective_marking", "OFFICIAL-SENSITIVE")
    return layer


def test_record_export_warns_and_audits(qgis_app, audit_log, tmp_path):
    guard = ExportGuard(audit_log, context=lambda: {"user": "u1", "purpose": "crime_prevention", "token": "x"})
    seen = []
    guard.on_warning = seen.append
    assert guard.record_export(_layer(False), str(tmp_path / "a.gpkg")) is None
    assert list(audit_log.entries()) == []
    msg = guard.record_export(_layer(True), str(tmp_path / "b.gpkg"))
    assert msg and "OFFICIAL-SENSITIVE" in msg and "audit" in msg and seen == [msg]
    entry = audit_log.last("export")
    assert entry["dataset"] == "mps_crime" and entry["destination"].endswith("b.gpkg")
    assert entry["rows"] == 1 and entry["user"] == "u1" and "token" not in entry
    assert "Burglary" not in audit_log.path.read_text()


def test_write_vector_layer_and_iface_signal(qgis_app, qgis_iface, audit_log, tmp_path):
    from qgis.core import QgsVectorFileWriter
    guard = ExportGuard(audit_log)
    layer = _layer(True)
    code, _msg, warning = guard.write_vector_layer(layer, str(tmp_path / "out.gpkg"))
    assert code == QgsVectorFileWriter.NoError and (tmp_path / "out.gpkg").exists() and warning
    assert audit_log.last("export")["destination"].endswith("out.gpkg")
    # desktop "Save Features As...": QGIS emits iface.layerSavedAs(layer, path) after writing.
    # pytest-qgis's stub iface has no such signal, and the real QgisInterface needs the QGIS
    # desktop app, so a QObject with the same signal stands in for it here.
    from qgis.PyQt.QtCore import QObject, pyqtSignal

    class FakeIface(QObject):
        layerSavedAs = pyqtSignal(object, str)

    iface = FakeIface()
    guard.attach_iface(iface)
    iface.layerSavedAs.emit(layer, str(tmp_path / "saved.shp"))
    assert audit_log.last("export")["destination"].endswith("saved.shp")
    guard.detach_iface()
    iface.layerSavedAs.emit(layer, str(tmp_path / "again.shp"))
    assert audit_log.last("export")["destination"].endswith("saved.shp")
