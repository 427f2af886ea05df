"""Personal access tokens: create one after sign-in (shown once, with a copy button and the GDAL /
QGIS lines to use it), list them and revoke them. The secret lives only in the read-only field of
this dialog until it closes: never in QgsSettings, the message log or the plugin's audit."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from qgis.core import Qgis
from qgis.PyQt import uic
from qgis.PyQt.QtWidgets import QApplication, QDialog, QTableWidgetItem, QWidget

from ..providers import errors, messages, tokens
from .signin_dialog import InlineMessageBar
from ..governance.i18n import tr

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).with_name("tokens_dialog.ui")))
COLUMNS = ("name", "prefix", "status", "expires_at", "last_used_at")


class TokensDialog(QDialog, FORM_CLASS):
    def __init__(self, session: Any, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self.session = session
        self.bar = InlineMessageBar(self)
        self.messageBarLayout.addWidget(self.bar)
        self.secretGroup.hide()
        self.tokensTable.setColumnCount(len(COLUMNS))
        self.tokensTable.setHorizontalHeaderLabels([tr("Name"), tr("Starts with"), tr("Status"),
                                                    tr("Expires"), tr("Last used")])
        self.listed: list[tokens.PersonalToken] = []
        self.createButton.clicked.connect(self.create)
        self.copyButton.clicked.connect(self.copy)
        self.revokeButton.clicked.connect(self.revoke_selected)
        self.refreshButton.clicked.connect(self.refresh)
        self.buttonBox.rejected.connect(self.reject)
        self.refresh()

    def _client(self) -> Any:
        return self.session.client  # raises NotSignedIn when nobody is signed in

    def _failed(self, exc: BaseException, what: str) -> None:
        messages.show_error(self.bar, exc, what)

    def refresh(self) -> None:
        try:
            self.listed = tokens.list_tokens(self._client())
        except errors.SafeStatsError as exc:
            self.listed = []
            self._failed(exc, "personal access tokens")
        enabled = bool(self.session.is_signed_in)
        self.createGroup.setEnabled(enabled)
        self.tokensTable.setRowCount(len(self.listed))
        for row, t in enumerate(self.listed):
            for col, key in enumerate(COLUMNS):
                value = getattr(t, key) or ""
                self.tokensTable.setItem(row, col, QTableWidgetItem(value + ("…" if key == "prefix" else "")))
        self.tokensTable.resizeColumnsToContents()

    def create(self) -> None:
        name = self.nameEdit.text().strip()
        if not name:
            self.bar.pushMessage(tr("Personal access token"), tr("Give the token a name first."),
                                 Qgis.MessageLevel.Warning)
            return
        try:
            new = tokens.create(self._client(), name, self.daysSpin.value())
        except errors.SafeStatsError as exc:
            self._failed(exc, "creating a personal access token")
            return
        self.secretEdit.setText(new.secret)
        lines = [tr("GDAL: {0}").format(new.usage.get("gdal", "")),
                 tr("QGIS: {0}").format(new.usage.get("qgis", "")),
                 tr("Expires {0}. Revoke it here when you no longer need it.").format(new.token.expires_at)]
        self.usageEdit.setPlainText("\n".join(lines))
        self.secretGroup.show()
        self.nameEdit.clear()
        self.bar.pushMessage(tr("Personal access token"),
                             tr("Token '{0}' created. Copy it now: it is not shown again.").format(name),
                             Qgis.MessageLevel.Success)
        self.refresh()

    def copy(self) -> None:
        QApplication.clipboard().setText(self.secretEdit.text())

    def revoke_selected(self) -> None:
        rows = {i.row() for i in self.tokensTable.selectedIndexes()}
        if not rows:
            self.bar.pushMessage(tr("Personal access token"), tr("Select the token to revoke."),
                                 Qgis.MessageLevel.Warning)
            return
        t = self.listed[rows.pop()]
        try:
            done = tokens.revoke(self._client(), t.id)
        except errors.SafeStatsError as exc:
            self._failed(exc, "revoking a personal access token")
            return
        self.bar.pushMessage(tr("Personal access token"),
                             tr("Token '{0}' is {1}: it no longer works anywhere.").format(done.name, done.status),
                             Qgis.MessageLevel.Success)
        self.refresh()

    def reject(self) -> None:
        self.secretEdit.clear()  # the secret goes with the dialog
        super().reject()


def open_tokens_dialog(iface: Any, session: Any) -> None:
    if session is None or not session.is_signed_in:
        messages.show_info(iface.messageBar(), tr("SafeStats"),
                           tr("Sign in to SafeStats first: a token carries the purpose of your sign-in."),
                           Qgis.MessageLevel.Warning, 6)
        return
    dialog = TokensDialog(session, iface.mainWindow())
    dialog.exec()
    dialog.deleteLater()
