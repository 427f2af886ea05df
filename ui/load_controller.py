"""The controller of every load the plugin starts: records, counts per area and refreshes.

Owns the :class:`~providers.load_task.LayerLoader` and the counts loads (``providers.counts_loader``),
drives the dock's progress bar, reports results and failures on QGIS's message bar (through
``providers.messages``), styles new layers with the chosen preset and sets the reference-layer
context on the first load. ``plugin.py`` creates one after the dock and calls :meth:`unload`.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from qgis.core import Qgis, QgsVectorLayer
from qgis.PyQt.QtCore import QObject, QTimer

from ..governance import keys
from ..governance.i18n import tr
from ..providers import errors, messages, reference_layers
from ..providers import styles as presets
from ..providers import tasks as background
from ..providers.counts_loader import COUNTS, load_aggregates, refresh_aggregates
from ..providers.layers import is_safestats_layer
from ..providers.load_task import LayerLoader
from ..providers.session import SessionManager
from .connections import Connections


class LoadController(QObject):
    """Starts, tracks, cancels and reports loads for the dock; ``attach_layers`` gets every new counts layer."""

    def __init__(self, iface: Any, session: SessionManager, dock: Any,
                 attach_layers: Callable[[List[Any]], None], parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.iface = iface
        self.session = session
        self.dock = dock
        self._attach_layers = attach_layers
        self._preset_for: Dict[str, str] = {}
        self.loader: Optional[LayerLoader] = LayerLoader(session, style_callback=self._style_new_layer, parent=self)
        self.loader.guard.refetch = self._refetch_pending  # counts layers go through providers.counts_loader
        self._connections = Connections()
        for signal, slot in ((self.loader.loaded, self._on_loaded), (self.loader.pendingChanged, self._on_pending_changed),
                             (self.loader.failed, self._on_failed)):
            self._connections.connect(signal, slot)

    def stop_listening(self) -> None:
        """Report nothing more (``unload`` of the plugin: before its sign-out, while the loader still listens)."""
        self._connections.disconnect_all()

    def unload(self) -> None:
        """Stop listening, cancel every load and let the loader release its layers' hooks."""
        self.stop_listening()
        if self.loader is not None:
            self.cancel()
            self.loader.unload()
            self.loader = None
        self.dock = None

    def _bar(self) -> Any:
        return self.iface.messageBar()

    # ================================================================ start / stop

    def load(self, query: Any, info: Any, preset_id: str) -> None:
        if info is not None and info.aggregate_only:
            self.dock.set_loading(True, tr("Loading counts"))
            load_aggregates(self.session, query, info, self._on_aggregates_done, bar=self._bar())
            return
        if info is not None and preset_id:
            self._preset_for[info.id] = preset_id
        try:
            task = self.loader.load(query, info)
        except errors.SafeStatsError as exc:
            messages.show_error(self._bar(), exc, "load")
            return
        self._track(task, tr("Loading"))

    def refresh_layer(self, layer: Any) -> None:
        if not isinstance(layer, QgsVectorLayer) or not is_safestats_layer(layer):
            return
        if layer.customProperty(keys.PROP_KIND) == keys.KIND_AGGREGATES:
            refresh_aggregates(self.session, layer, self._on_aggregates_done, bar=self._bar())
            return
        try:
            task = self.loader.refresh(layer)
        except errors.SafeStatsError as exc:
            messages.show_error(self._bar(), exc, "refresh")
            return
        self._track(task, tr("Refreshing"))

    def cancel(self) -> None:
        """Cancel every running load: records (the loader's tasks) and counts per area."""
        background.REGISTRY.cancel(COUNTS)
        if self.loader is None:
            return
        for task in list(self.loader.tasks):
            task.cancel()

    def running(self) -> bool:
        """Whether a records or counts load has not ended yet."""
        return bool(background.REGISTRY.running(COUNTS)) or bool(self.loader and self.loader.running())

    def end_session(self, _error: Any = None) -> None:
        """The store ended the session (refresh token expired or revoked): sign out cleanly here too."""
        if self.session is not None and self.session.store_url:
            try:
                self.session.sign_out()
            except Exception as exc:  # noqa: BLE001
                messages.log_error(exc, "sign-out after the session ended")

    def _refetch_pending(self, pending: List[QgsVectorLayer]) -> list:
        """After sign-in / project read: fetch every pending SafeStats layer again."""
        counts = [layer for layer in pending if layer.customProperty(keys.PROP_KIND) == keys.KIND_AGGREGATES]
        for layer in counts:
            refresh_aggregates(self.session, layer, self._on_aggregates_done)
        records = [layer for layer in pending if layer not in counts]
        return self.loader.refetch(records) if records and self.loader is not None else []

    def _track(self, task: Any, text: str) -> None:
        self.dock.set_loading(True, text)
        task.progressChanged.connect(self.dock.set_progress)

    def _style_new_layer(self, layer: QgsVectorLayer, info: Any) -> None:
        preset_id = self._preset_for.get(info.id) or presets.preferred_preset_id(
            "aggregate" if info.aggregate_only else "records")
        presets.apply_dataset_preset(layer, preset_id, info)

    # ================================================================ results

    def _sync_loading(self) -> None:
        """After a task ended (its taskCompleted comes after finished()): hide the progress if idle."""
        if self.dock is not None:
            self.dock.set_loading(self.running())

    def _on_pending_changed(self, count: int) -> None:
        if count and not self.session.is_signed_in:
            messages.show_info(self._bar(), tr("SafeStats"),
                               tr("This project has {0} SafeStats layer(s) without data: sign in to "
                                  "fetch them again.").format(count), Qgis.MessageLevel.Info, 10)

    def _on_loaded(self, layer: Any) -> None:
        QTimer.singleShot(0, self._sync_loading)
        if layer is None:
            return
        rows = layer.featureCount()
        messages.show_info(self._bar(), tr("SafeStats"),
                           tr("Loaded {0:,} records into “{1}”.").format(rows, layer.name()),
                           Qgis.MessageLevel.Success, 5)
        self.iface.setActiveLayer(layer)
        reference_layers.context_on_first_load(self.iface.mapCanvas(), self.session, layer)

    def _on_failed(self, error: Any) -> None:
        QTimer.singleShot(0, self._sync_loading)
        messages.show_error(self._bar(), error, "load")
        if isinstance(error, (errors.NotSignedIn, errors.TokenExpired)):
            self.end_session(error)
        elif isinstance(error, errors.DatasetNotAvailable) and self.dock is not None:
            self.dock.refresh_datasets()

    def _on_aggregates_done(self, layer: Any, error: Optional[BaseException]) -> None:
        QTimer.singleShot(0, self._sync_loading)
        if error is not None:
            messages.show_error(self._bar(), error, "counts")
            return
        self._attach_layers([layer])
        reference_layers.context_on_first_load(self.iface.mapCanvas(), self.session, layer)
        messages.show_info(self._bar(), tr("SafeStats"),
                           tr("Loaded counts for {0:,} areas into “{1}”.").format(layer.featureCount(), layer.name()),
                           Qgis.MessageLevel.Success, 5)
