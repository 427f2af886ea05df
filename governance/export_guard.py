"""Export guard: warn and audit when SafeStats data is written somewhere else.

What QGIS 3.22 lets a plugin see (and what it does not) — be clear with users about this:

* Layer context menu "Export > Save Features As…" (the usual way): QGIS emits
  ``QgisInterface.layerSavedAs(layer, path)`` *after* the file was written. ``attach_iface``
  connects it, so such an export is always warned about and audited. It cannot be blocked.
  (Checked in QGIS 3.22 desktop under Xvfb: ``iface.actionLayerSaveAs()`` → dialog → GPKG
  written → warning + audit entry with dataset, destination and row count.)
* Code that calls ``QgsVectorFileWriter`` from Python (our own Processing algorithms, other
  plugins, the Python console) is seen only if it goes through ``write_vector_layer`` here.
* NOT seen in 3.22: Processing's C++ algorithms writing a SafeStats layer to a file, drag and
  drop onto a GeoPackage in the Browser, copy/paste of features, "Export to PostgreSQL",
  exporting the attribute table. QGIS has no hook for these; the protective marking, the
  metadata and the user's accepted conditions of use are the safeguards there.

Pure logic: no widgets. The UI decides how to show the returned warning text.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from . import keys
from .i18n import tr
from .audit import CONTEXT_KEYS, AuditLog

#: a layer the guard watches: one loaded from SafeStats
is_protected = keys.is_safestats_layer


def warning_text(layer: Any, destination: str) -> str:
    marking = layer.customProperty(keys.PROP_MARKING, "") or "OFFICIAL-SENSITIVE"
    return tr("You saved SafeStats data ({0}, {1}) outside SafeStats, to {2}. "
              "This export has been recorded in your audit log. Keep the file only as long as your "
              "work needs it, store it securely, do not share it outside your organisation, and use it only "
              "for preventing and reducing crime and harm, never for enforcement or prosecution."
              ).format(layer.name(), marking, destination)


class ExportGuard:
    """Call ``record_export`` whenever a SafeStats layer is written elsewhere."""

    def __init__(self, audit: Optional[AuditLog] = None,
                 context: Optional[Callable[[], dict[str, Any]]] = None) -> None:
        self.audit = audit or AuditLog()
        #: returns extra audit fields, e.g. {"user": ..., "purpose": ..., "store": ...}
        self.context = context or (lambda: {})
        #: the UI sets this to show the warning (e.g. in the message bar)
        self.on_warning: Optional[Callable[[str], None]] = None
        self._iface: Any = None

    def record_export(self, layer: Any, destination: str) -> Optional[str]:
        """Audit an export of ``layer`` to ``destination``; returns the warning text, or
        ``None`` when the layer is not a SafeStats layer (nothing recorded)."""
        if not is_protected(layer):
            return None
        fields = {k: v for k, v in self.context().items() if k in CONTEXT_KEYS}
        self.audit.record("export", dataset=layer.customProperty(keys.PROP_DATASET, ""),
                          layer=layer.name(), destination=str(destination),
                          rows=int(layer.featureCount()), **fields)
        message = warning_text(layer, str(destination))
        if self.on_warning is not None:
            self.on_warning(message)
        return message

    # -------------------------------------------------------------- hooks

    def attach_iface(self, iface: Any) -> None:
        """Connect QGIS desktop's "layer saved as" signal (Save Features As…)."""
        self.detach_iface()
        iface.layerSavedAs.connect(self._on_layer_saved_as)
        self._iface = iface

    def detach_iface(self) -> None:
        if self._iface is not None:
            try:
                self._iface.layerSavedAs.disconnect(self._on_layer_saved_as)
            except (TypeError, RuntimeError):
                pass
            self._iface = None

    def _on_layer_saved_as(self, layer: Any, path: str) -> None:
        self.record_export(layer, path)

    def write_vector_layer(self, layer: Any, path: str, driver: str = "GPKG",
                           transform_context: Any = None) -> tuple[Any, str, Optional[str]]:
        """Write ``layer`` with ``QgsVectorFileWriter`` and record the export.

        Returns (error code, error message, warning text or None)."""
        from qgis.core import QgsCoordinateTransformContext, QgsProject, QgsVectorFileWriter
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = driver
        context = transform_context or QgsProject.instance().transformContext() or QgsCoordinateTransformContext()
        result = QgsVectorFileWriter.writeAsVectorFormatV2(layer, path, context, options)
        code, message = result[0], result[1] if len(result) > 1 else ""
        warning = None
        if code == QgsVectorFileWriter.WriterError.NoError:
            warning = self.record_export(layer, path)
        return code, message, warning
