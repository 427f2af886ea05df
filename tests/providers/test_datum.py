"""Issue 13 item 10: a first load must not make QGIS warn "Cannot use preferred transform between
EPSG:27700 and EPSG:4326" (the OSTN15 grid is often not installed): the project's transform context
gets the most accurate available operation, and a user's own choice is kept."""


def test_first_load_pins_the_best_available_operation(qgis_app):
    from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsDatumTransform, QgsProject,
                           QgsVectorLayer)

    from safestats.providers import layers

    bng, wgs84 = QgsCoordinateReferenceSystem("EPSG:27700"), QgsCoordinateReferenceSystem("EPSG:4326")
    project = QgsProject()
    assert not project.transformContext().hasTransform(bng, wgs84)
    layers.add_to_project(QgsVectorLayer("Point?crs=EPSG:27700", "pts", "memory"), project)
    assert project.crs().authid() == "EPSG:27700"
    pinned = project.transformContext().calculateCoordinateOperation(bng, wgs84)
    available = [op for op in QgsDatumTransform.operations(bng, wgs84) if op.isAvailable]
    best = min(available, key=lambda op: op.accuracy if op.accuracy > 0 else float("inf"))
    assert pinned == best.proj
    # the transform QGIS builds from the project uses it: no fallback, so no warning
    xform = QgsCoordinateTransform(bng, wgs84, project)
    assert xform.isValid() and not xform.isShortCircuited()
    point = xform.transform(530000, 180000)
    assert abs(point.x() - -0.129) < 0.01 and abs(point.y() - 51.507) < 0.01

    # a project whose user chose an operation keeps it
    own = QgsProject()
    context = own.transformContext()
    other = [op for op in available if op.proj != best.proj][0]
    context.addCoordinateOperation(bng, wgs84, other.proj)
    own.setTransformContext(context)
    assert layers.pin_datum_transform(own) is None
    assert own.transformContext().calculateCoordinateOperation(bng, wgs84) == other.proj
