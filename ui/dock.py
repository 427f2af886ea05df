"""The SafeStats dock: a thin shell holding the panels (``ui/panels``) and wiring them.

``dock.ui`` holds the session header, Load/Refresh/Cancel and progress.  The dock never talks HTTP
itself: the session's ``StoreClient`` runs in QgsTasks (``providers.tasks``), loading goes through
the core's load task (``providers``) and every error is shown through ``providers.messages``.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Dict, List, Optional

from qgis.gui import QgsDockWidget
from qgis.PyQt import uic
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QWidget

from ..governance.keys import PROP_DATASET
from ..providers.models import CollectionInfo, CountsQuery, Query
from ..providers import messages
from .panels import TaskRunner, icon
from .panels.count_controller import CountController
from .panels.counts import CountsPanel
from .panels.datasets import DatasetsPanel
from .panels.style import StylePanel, active_safestats_layer
from .panels.what import WhatPanel
from .panels.when import WhenPanel
from .panels.where import WherePanel
from ..governance.i18n import tr

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).with_name("dock.ui")))


class SafeStatsDock(QgsDockWidget, FORM_CLASS):
    """Dataset picker + filters.  ``loadRequested(query, info, preset_id)`` asks the plugin to load."""

    loadRequested = pyqtSignal(object, object, str)
    refreshRequested = pyqtSignal(object)  # a SafeStats layer
    signInRequested = pyqtSignal()
    signOutRequested = pyqtSignal()
    cancelRequested = pyqtSignal()
    sessionEnded = pyqtSignal(object)  # the NotSignedIn/TokenExpired error that showed it

    def __init__(self, iface: Any, session: Any, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self.setObjectName("SafeStatsDock")
        self.iface = iface
        self.session = session
        self.canvas = iface.mapCanvas() if iface is not None else None
        self.tasks = TaskRunner()
        self._loading = False
        # the panels first, then the controller that reads them, then the wiring: no signal can
        # reach a part that does not exist yet
        self.datasetsPanel = DatasetsPanel(self)
        self.whenPanel, self.whatPanel = WhenPanel(self), WhatPanel(self)
        self.wherePanel = WherePanel(self.canvas, self)
        self.countsPanel = CountsPanel(self)  # counts-only datasets: the closed table's cells
        self.stylePanel = StylePanel(iface, self.info_for_layer, self)
        self.counter = CountController(session, self.current_dataset, self.build_query, self._zero_note,
                                       self._bar, self)
        self._layout()
        self._connect()
        self.set_signed_in(None)

    def _layout(self) -> None:
        self.setWindowIcon(icon("dock.svg"))
        for button, name in ((self.signInButton, "signin.svg"), (self.signOutButton, "signout.svg"),
                             (self.loadButton, "load.svg"), (self.refreshButton, "refresh.svg")):
            button.setIcon(icon(name))
        self.splitter.insertWidget(0, self.datasetsPanel)
        for panel, title in ((self.whenPanel, tr("When")), (self.whatPanel, tr("What")),
                             (self.wherePanel, tr("Where"))):
            self.filterTabs.addTab(panel, title)
        self.splitter.addWidget(self.countsPanel)
        self.countsPanel.hide()
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.dockLayout.insertWidget(self.dockLayout.indexOf(self.scrollArea) + 1, self.stylePanel)
        self.progressBar.hide()
        self.cancelButton.hide()

    def _connect(self) -> None:
        self.signInButton.clicked.connect(self.signInRequested)
        self.signOutButton.clicked.connect(self.signOutRequested)
        self.datasetsPanel.changed.connect(self._on_dataset_changed)
        self.datasetsPanel.refreshRequested.connect(self.refresh_datasets)
        for panel in (self.whenPanel, self.whatPanel, self.wherePanel, self.countsPanel):
            panel.changed.connect(self.counter.refresh)
        self.wherePanel.boundariesWanted.connect(self.load_boundaries)
        self.counter.textChanged.connect(self.countLabel.setText)
        self.counter.stateChanged.connect(self._update_buttons)
        self.counter.loadReady.connect(lambda query, info: self.loadRequested.emit(query, info, self.stylePanel.selected()))
        self.counter.sessionEnded.connect(self.sessionEnded)
        self.counter.datasetsStale.connect(self.refresh_datasets)
        self.loadButton.clicked.connect(self.request_load)
        self.refreshButton.clicked.connect(self.request_refresh)
        self.cancelButton.clicked.connect(self.cancelRequested)
        if self.iface is not None:
            self.iface.currentLayerChanged.connect(self._update_buttons)
            self.iface.currentLayerChanged.connect(self.stylePanel.sync_from_layer)

    def release(self) -> None:
        """Disconnect from QGIS objects and remove canvas items (plugin unload)."""
        self.counter.stop()
        self.tasks.detach_all()
        if self.iface is not None:
            for slot in (self._update_buttons, self.stylePanel.sync_from_layer):
                try:
                    self.iface.currentLayerChanged.disconnect(slot)
                except (TypeError, RuntimeError):
                    pass
        self.wherePanel.release()

    # ================================================================ session / datasets

    def set_signed_in(self, user: Any) -> None:
        """Update for a sign-in (``user`` a UserInfo) or sign-out (None)."""
        signed_in = user is not None
        if signed_in:
            conditions, purpose = getattr(self.session, "conditions", None), self.session.purpose or ""
            purpose = conditions.purpose_label(purpose) if conditions is not None else purpose
            self.sessionLabel.setText(
                tr("<b>{0}</b> · {1}<br/><span style='color:#555'>Purpose: {2}</span>")
                .format(html.escape(user.username), html.escape(user.organisation_name), html.escape(purpose)))
        else:
            self.sessionLabel.setText(tr("Not signed in."))
            self.set_boundaries({})
            self.datasetsPanel.clear()
        self.sessionLabel.setToolTip((self.session.store_url or "") if signed_in else "")
        self.signInButton.setVisible(not signed_in)
        self.signOutButton.setVisible(signed_in)
        self.splitter.setEnabled(signed_in)
        self.countLabel.setText(tr("Loading the datasets your organisation may see…") if signed_in
                                else tr("Sign in to see the datasets your organisation may see."))
        self._update_buttons()
        if signed_in:
            self.refresh_datasets()

    def refresh_datasets(self) -> None:
        session = self.session
        if session is None or not session.is_signed_in:
            return

        def done(datasets: Any, error: Optional[BaseException]) -> None:
            if error is None:
                self.set_datasets(datasets)
                return
            self.countLabel.setText(messages.message_for(error).text)
            messages.show_error(self._bar(), error, "dataset list")
            self.counter.check_session_ended(error)

        self.tasks.run(tr("SafeStats: listing datasets"), lambda feedback: session.client.datasets(), done)

    def set_datasets(self, datasets: List[CollectionInfo]) -> None:
        """Fill the list with exactly the datasets the store offered for this organisation."""
        self.datasetsPanel.set_datasets(datasets)
        if not datasets:
            self.countLabel.setText(tr("Your organisation's agreement does not include any dataset."))
        self._update_buttons()

    def current_dataset(self) -> Optional[CollectionInfo]:
        return self.datasetsPanel.current()

    def info_for_layer(self, layer: Any) -> Optional[CollectionInfo]:
        return self.datasetsPanel.info(layer.customProperty(PROP_DATASET))

    def _on_dataset_changed(self) -> None:
        info = self.current_dataset()
        for panel in (self.whenPanel, self.whatPanel, self.wherePanel, self.stylePanel):
            panel.set_dataset(info)
        counts_only = info is not None and info.aggregate_only
        self.filterTabs.setVisible(not counts_only)
        self.countsPanel.setVisible(counts_only)
        self.countsPanel.set_dataset(info if counts_only else None)
        if counts_only and not self.wherePanel.boundaries:
            self.load_boundaries()
        self.counter.refresh()

    def load_boundaries(self) -> None:
        session = self.session
        if session is None or not session.is_signed_in:
            return

        def work(feedback: Any) -> Dict[str, List[Any]]:
            return {"boroughs": session.client.boundaries("boroughs"), "wards": session.client.boundaries("wards")}

        def done(result: Any, error: Optional[BaseException]) -> None:
            if error is not None:
                messages.show_error(self._bar(), error, "boroughs and wards")
            else:
                self.set_boundaries(result)

        self.tasks.run(tr("SafeStats: reading boroughs and wards"), work, done)

    def set_boundaries(self, boundaries: Dict[str, List[Any]]) -> None:
        self.wherePanel.set_boundaries(boundaries)
        self.countsPanel.set_boroughs(self.wherePanel.agreement_boroughs())

    def build_query(self) -> Query | CountsQuery:
        """The Query for the filters on screen; raises ValueError with a plain message if incomplete."""
        info = self.current_dataset()
        if info is None:
            raise ValueError(tr("Choose a dataset."))
        if info.aggregate_only:
            return self.countsPanel.build_query()
        days, (start, end) = self.whenPanel.days(), self.whenPanel.date_range()
        return Query(dataset_id=info.id, start=start, end=end, dow=days, hours=self.whenPanel.hours(),
                     categories=self.whatPanel.categories(), area=self.wherePanel.area())

    def _zero_note(self, query: Any) -> str:
        """Why the agreement gives nothing for ``query`` ("" when it is not the agreement)."""
        return self.wherePanel.agreement_note(getattr(query, "area", None)) or self.whenPanel.agreement_note(query)

    def request_load(self) -> None:
        self.counter.request_load()

    def request_refresh(self) -> None:
        layer = active_safestats_layer(self.iface)
        if layer is not None:
            self.refreshRequested.emit(layer)

    def save_style_of_current_layer(self) -> None:
        self.stylePanel.save_current_layer()

    def _update_buttons(self, *_args: Any) -> None:
        layer = active_safestats_layer(self.iface)
        signed_in = bool(self.session is not None and self.session.is_signed_in)
        self.loadButton.setEnabled(self.counter.ready() and not self._loading)
        self.refreshButton.setEnabled(signed_in and layer is not None and not self._loading)
        self.stylePanel.update_buttons()

    def set_loading(self, loading: bool, text: str = "") -> None:
        self._loading = loading
        self.progressBar.setVisible(loading)
        self.cancelButton.setVisible(loading)
        self.progressBar.setValue(0)
        if text:
            self.progressBar.setFormat(text + "  %p%")
        self._update_buttons()

    def set_progress(self, value: float) -> None:
        self.progressBar.setValue(int(value))

    def _bar(self) -> Any:
        return self.iface.messageBar() if self.iface is not None else None

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.wherePanel.stop_drawing()
        super().closeEvent(event)
