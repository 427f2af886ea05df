"""Background loading: QgsTasks that download in ``run()`` and touch the project only in
``finished()`` (main thread), so the UI never freezes and a cancelled load leaves nothing.

* ``LoadTask`` — stream ``f=fgb`` to the cache, then open it as an OGR layer in the
  "SafeStats" group (or swap it into an existing layer for Refresh / project re-fetch).
* ``LayerLoader`` — owns running tasks, wires ``ProjectGuard`` and ``SessionManager``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from qgis.core import QgsApplication, QgsFeedback, QgsProject, QgsTask, QgsVectorLayer
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..governance import marking as gov_marking
from ..governance.audit import AuditError, audit_context
from ..governance.retention import remove_download, remove_file
from . import errors, layers, reference_layers
from .http import log
from .models import CollectionInfo, Query
from .session import SessionManager
from .tasks import REGISTRY
from ..governance import keys
from ..governance.i18n import tr

#: ask the user before loading more rows than this
LARGE_LOAD_ROWS = 200_000

StyleCallback = Callable[[QgsVectorLayer, CollectionInfo], None]


def large_load_rows() -> int:
    """Rows above which the UI asks before loading (QgsSettings ``safestats/large_load_rows``)."""
    from qgis.core import QgsSettings
    try:
        value = int(QgsSettings().value(keys.LARGE_LOAD_ROWS, LARGE_LOAD_ROWS))
    except (TypeError, ValueError):
        return LARGE_LOAD_ROWS
    return value if value > 0 else LARGE_LOAD_ROWS


class LoadTask(QgsTask):
    """Download one query and put it on the map. Signals ``loaded(layer)`` / ``failed(error)``."""

    loaded = pyqtSignal(object)
    failed = pyqtSignal(object)

    def __init__(self, session: SessionManager, query: Query, *, info: Optional[CollectionInfo] = None,
                 target_layer: Optional[QgsVectorLayer] = None, project: Optional[QgsProject] = None,
                 style_callback: Optional[StyleCallback] = None, layer_name: Optional[str] = None,
                 event: str = "load") -> None:
        title = info.title if info else query.dataset_id
        super().__init__(f"SafeStats: loading {title}", QgsTask.Flag.CanCancel)
        self.session = session
        self.client = session.client  # raises NotSignedIn now, on the main thread
        self.query = query
        self.info = info
        self.project = project or QgsProject.instance()
        self.target_layer_id = target_layer.id() if target_layer is not None else None
        self.style_callback = style_callback
        self.layer_name = layer_name
        self.event = event
        self.store_url = session.store_url or ""
        self.user = session.user.username if session.user else ""
        self.context = audit_context(session)  # who, where from and why: taken now, on the main thread
        self.purpose = session.purpose or ""
        self.purpose_label = getattr(session, "purpose_label", None) or self.purpose
        self.feedback = QgsFeedback()
        self.path: Optional[Path] = None
        self.rows: Optional[int] = None
        self.bytes = 0
        self.error: Optional[errors.SafeStatsError] = None
        self.layer: Optional[QgsVectorLayer] = None

    # --------------------------------------------------------------- worker thread

    def cancel(self) -> None:
        self.feedback.cancel()
        super().cancel()

    def run(self) -> bool:
        try:
            if self.info is None or not self.info.has_details:
                self.info = self.client.collection(self.query.dataset_id)
            if self.info.aggregate_only:
                raise errors.AggregateOnly()
            self.path = self.session.cache.new_path(self.query.dataset_id)
            self.setProgress(1)
            result = self.client.download_fgb(self.query, self.path, feedback=self.feedback,
                                              progress=self._on_progress)
            self.rows, self.bytes = result.rows, result.bytes
            if self.isCanceled():
                raise errors.LoadCancelled()
            if self.target_layer_id is None:
                self.layer = self._prepare_layer()
            return True
        except errors.SafeStatsError as exc:
            self.error = exc
        except Exception as exc:  # noqa: BLE001 - report, never crash QGIS from a task
            self.error = errors.SafeStatsError(detail=f"{type(exc).__name__}: {exc}")
        self._remove_file()
        return False

    def _on_progress(self, received: int, total: Optional[int]) -> None:
        if total:
            self.setProgress(max(1.0, min(99.0, 100.0 * received / total)))

    # --------------------------------------------------------------- main thread

    def finished(self, result: bool) -> None:
        if result and self.isCanceled():
            result = False
            self.error = errors.LoadCancelled()
        if result and self.session._client is not self.client:
            # signed out (or in again) while downloading: the data belongs to an ended session
            result = False
            self.error = errors.NotSignedIn(tr("You signed out before the data arrived, so nothing was loaded."))
        if result:
            try:
                self.layer = self._make_layer()
            except errors.SafeStatsError as exc:
                self.error, result = exc, False
            except Exception as exc:  # noqa: BLE001
                self.error, result = errors.SafeStatsError(detail=f"{type(exc).__name__}: {exc}"), False
        if not result:
            self.layer = None  # one prepared in run() is never added: let go of the file first
            self._remove_file()
            error = self.error or errors.LoadCancelled()
            if isinstance(error, errors.LoadCancelled):
                self._audit("load_cancelled")
            else:
                self._audit("load_failed", error=error.code)
            log(f"loading {self.query.dataset_id} failed: {error.code}")
            self.failed.emit(error)
            return
        self._audit(self.event, rows=self.rows, bytes=self.bytes,
                    layer=self.layer.name() if self.layer else None)
        self.loaded.emit(self.layer)

    def _open_checked(self) -> QgsVectorLayer:
        assert self.path is not None and self.info is not None
        fresh = layers.open_fgb(str(self.path), self.layer_name or layers.layer_title(self.info, self.query))
        if self.rows is not None and fresh.featureCount() != self.rows:
            raise errors.DownloadIncomplete(
                detail=f"file has {fresh.featureCount()} features, store said {self.rows}")
        return fresh

    def _prepare_layer(self) -> QgsVectorLayer:
        """Worker thread, for a new layer: open and check the file, set metadata, properties and
        temporal settings on a layer no project holds yet, then hand it to the main thread, where
        ``finished()`` only styles it and adds it to the project (issue 16: the UI never waits on it)."""
        layer = self._open_checked()
        assert self.info is not None
        layers.describe_layer(layer, self.info, self.query, store_url=self.store_url, purpose=self.purpose,
                              user=self.user, extracted_at=layers.now_utc(), rows=self.rows,
                              purpose_label=self.purpose_label)
        layer.moveToThread(QgsApplication.instance().thread())
        return layer

    def _make_layer(self) -> QgsVectorLayer:
        assert self.path is not None and self.info is not None
        target = self.project.mapLayer(self.target_layer_id) if self.target_layer_id else None
        if self.target_layer_id and target is None:
            raise errors.LoadCancelled(tr("The layer was removed before its data arrived; nothing was loaded."))
        if target is None and self.layer is not None:  # prepared in run()
            if self.style_callback is not None:
                self.style_callback(self.layer, self.info)
            layers.add_to_project(self.layer, self.project)
            return self.layer
        fresh = self._open_checked()
        if target is not None:
            del fresh
            old_source = target.source() if target.providerType() == "ogr" else None
            layers.replace_source(target, str(self.path))
            layer = target
            if old_source and self.session.cache.contains(old_source.split("|")[0]):
                remove_file(old_source.split("|")[0])
        else:
            layer = fresh
        layers.describe_layer(layer, self.info, self.query, store_url=self.store_url, purpose=self.purpose,
                              user=self.user, extracted_at=layers.now_utc(), rows=self.rows,
                              purpose_label=self.purpose_label)
        if target is None:
            if self.style_callback is not None:
                self.style_callback(layer, self.info)
            layers.add_to_project(layer, self.project)
        else:
            gov_marking.update_project_marking(self.project)
            layer.triggerRepaint()
        return layer

    def _remove_file(self) -> None:
        if self.path is None:
            return
        remove_download(self.path)

    def _audit(self, event: str, **fields: object) -> None:
        try:
            self.session.audit.record_access(event, self.context, self.query, **fields)
        except (AuditError, OSError) as exc:  # the load itself has happened: say so loudly, do not undo it
            self.session.report_audit_failure(event, self.query.dataset_id, exc)


class LayerLoader(QObject):
    """Starts loads and refreshes, keeps tasks alive, re-fetches projects' layers after sign-in."""

    loaded = pyqtSignal(object)
    failed = pyqtSignal(object)
    #: a project was read with n SafeStats layers waiting for data (fetched after sign-in)
    pendingChanged = pyqtSignal(int)

    def __init__(self, session: SessionManager, project: Optional[QgsProject] = None,
                 style_callback: Optional[StyleCallback] = None, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.session = session
        self.project = project or QgsProject.instance()
        self.style_callback = style_callback
        self._group = f"loads:{id(self)}"  # this loader's group in the task registry
        self.guard = layers.ProjectGuard(self.project, refetch=self.refetch,
                                         can_fetch=lambda: self.session.is_signed_in, parent=self)
        self.guard.pendingChanged.connect(self.pendingChanged)
        self.session.signedIn.connect(self._on_signed_in)
        self.session.before_sign_out.append(self._before_sign_out)

    @property
    def tasks(self) -> set[QgsTask]:
        """This loader's record loads still registered (a copy)."""
        return REGISTRY.tasks(self._group)

    def running(self) -> set[QgsTask]:
        """This loader's record loads that have not ended."""
        return REGISTRY.running(self._group)

    def unload(self) -> None:
        REGISTRY.cancel(self._group)
        self.guard.detach()
        try:
            self.session.signedIn.disconnect(self._on_signed_in)
        except (TypeError, RuntimeError):
            pass
        if self._before_sign_out in self.session.before_sign_out:
            self.session.before_sign_out.remove(self._before_sign_out)

    def _before_sign_out(self) -> None:
        """Cancel running loads and let every SafeStats layer release its cached file."""
        for task in self.tasks:
            try:
                task.cancel()
            except RuntimeError:  # already finished and deleted
                REGISTRY.discard(task)
        self.guard.release_all()
        reference_layers.release(self.project)  # the store's boundary outlines let go of their files too

    def _start(self, task: LoadTask) -> LoadTask:
        task.loaded.connect(self.loaded)
        task.failed.connect(self.failed)
        REGISTRY.start(task, self._group)
        return task

    def load(self, query: Query, info: Optional[CollectionInfo] = None,
             layer_name: Optional[str] = None) -> LoadTask:
        return self._start(LoadTask(self.session, query, info=info, project=self.project,
                                    style_callback=self.style_callback, layer_name=layer_name))

    def refresh(self, layer: QgsVectorLayer) -> LoadTask:
        """Run the layer's stored query again and swap in the new data (style kept)."""
        self._check_same_store(layer)
        return self._start(LoadTask(self.session, layers.query_of(layer), target_layer=layer,
                                    project=self.project, event="refresh"))

    def refetch(self, pending: list[QgsVectorLayer]) -> list[LoadTask]:
        started = []
        running = {t.target_layer_id for t in self.tasks if isinstance(t, LoadTask)}
        for layer in pending:
            if layer.id() in running:
                continue
            try:
                self._check_same_store(layer)
            except errors.SafeStatsError as exc:
                log(f"not re-fetching {layer.name()}: {exc.user_message}")
                continue
            started.append(self._start(LoadTask(self.session, layers.query_of(layer), target_layer=layer,
                                                project=self.project, event="refetch")))
        return started

    def _check_same_store(self, layer: QgsVectorLayer) -> None:
        origin = layers.store_of(layer).rstrip("/")
        current = (self.session.store_url or "").rstrip("/")
        if origin and current and origin != current:
            raise errors.SafeStatsError(
                tr("“{0}” came from the SafeStats store at {1}, but you are signed in to {2}. Sign in to {1} "
                   "to refresh it.").format(layer.name(), origin, current))

    def _on_signed_in(self, _user: object) -> None:
        self.guard.fetch_pending()
