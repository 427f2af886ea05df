"""Sign-in dialog: store address, credentials, the current conditions of use and a declared purpose.

The conditions are fetched from the store every time the dialog opens and must be ticked at EVERY
sign-in, with a purpose; "remember me" only pre-fills the credentials (kept by the session manager
in the QGIS authentication database) and never skips the conditions.  Network work runs in
QgsTasks; errors are shown in the dialog's own message bar through ``providers.messages``.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Optional

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt import uic
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtGui import QIcon, QPixmap
from qgis.core import Qgis
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QLabel, QSizePolicy, QWidget

from ..providers import errors
from ..providers import messages
from ..providers.tasks import FunctionTask, run_task
from ..governance import keys
from ..governance.i18n import tr

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).with_name("signin_dialog.ui")))
ICONS = Path(__file__).resolve().parent.parent / "icons"

URL_SETTING = keys.STORE_URL  # not a secret: the store's address only
DEFAULT_URL = "https://safestats.london.gov.uk"


class SignInDialog(QDialog, FORM_CLASS):
    """Modal dialog; ``signedIn(UserInfo)`` is emitted and the dialog accepted on success."""

    signedIn = pyqtSignal(object)
    conditionsLoaded = pyqtSignal(object)
    failed = pyqtSignal(object)  # the exception, after it was shown

    def __init__(self, session: Any, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self.session = session
        self.conditions: Any = None
        self._conditions_url: Optional[str] = None
        self._task: Optional[FunctionTask] = None
        self._saved = None

        self.bar = InlineMessageBar(self)
        self.messageBarLayout.addWidget(self.bar)
        self.logoLabel.setPixmap(QPixmap(str(ICONS / "safestats.svg")))
        self.setWindowIcon(QIcon(str(ICONS / "signin.svg")))
        self.signInButton = self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        self.signInButton.setText(tr("Sign in"))
        self.busyBar.hide()
        self._show_totp(False)

        self._prefill()

        self.buttonBox.accepted.connect(self._on_sign_in_clicked)
        self.buttonBox.rejected.connect(self.reject)
        self.urlEdit.editingFinished.connect(self._on_url_edited)
        for signal in (self.usernameEdit.textChanged, self.passwordEdit.textChanged,
                       self.totpEdit.textChanged):
            signal.connect(self._update_state)
        self.acceptCheck.toggled.connect(self._update_state)
        self.purposeCombo.currentIndexChanged.connect(self._update_state)
        self.rememberCheck.toggled.connect(self._update_state)
        self._show_conditions(None)
        self._update_state()

    # ---------------------------------------------------------------- setup

    def _prefill(self) -> None:
        saved = None
        try:
            saved = self.session.saved_login()
        except Exception as exc:  # noqa: BLE001 - an unreadable auth DB must not block signing in
            messages.log_error(exc, "reading the saved sign-in")
        self._saved = saved
        url = QgsSettings().value(URL_SETTING, "") or (saved.url if saved else "")
        self.urlEdit.setText(str(url))
        if saved is not None:
            self.usernameEdit.setText(saved.username)
            self.rememberCheck.setChecked(True)
            self.passwordEdit.setPlaceholderText(tr("Saved in the QGIS password store"))

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self.conditions is None and self._task is None and self.store_url():
            self.load_conditions()
        if self.usernameEdit.text():
            self.passwordEdit.setFocus()

    def done(self, result: int) -> None:  # noqa: D401 - Qt override: stop callbacks into a closed dialog
        if self._task is not None:
            self._task.detach()
            self._task = None
        super().done(result)

    # ---------------------------------------------------------------- helpers

    def store_url(self) -> str:
        return self.urlEdit.text().strip().rstrip("/")

    def purpose(self) -> str:
        return str(self.purposeCombo.currentData() or "")

    def _uses_saved_password(self) -> bool:
        saved = self._saved
        return bool(saved is not None and not self.passwordEdit.text()
                    and self.usernameEdit.text().strip() == saved.username
                    and self.store_url() == saved.url.rstrip("/"))

    def _show_totp(self, visible: bool) -> None:
        self.totpLabel.setVisible(visible)
        self.totpEdit.setVisible(visible)

    def _set_busy(self, busy: bool) -> None:
        self.busyBar.setVisible(busy)
        for widget in (self.accountGroup, self.conditionsGroup):
            widget.setEnabled(not busy)
        self._update_state()

    def _update_state(self) -> None:
        busy = self._task is not None
        if self.conditions is None:
            self.signInButton.setText(tr("Load conditions"))
            self.signInButton.setEnabled(not busy and bool(self.store_url()))
            return
        self.signInButton.setText(tr("Sign in"))
        has_password = bool(self.passwordEdit.text()) or self._uses_saved_password()
        ready = (bool(self.usernameEdit.text().strip()) and has_password and self.acceptCheck.isChecked()
                 and bool(self.purpose()) and not busy)
        self.signInButton.setEnabled(ready)

    # ---------------------------------------------------------------- conditions

    def _on_url_edited(self) -> None:
        if self.store_url() and self.store_url() != self._conditions_url:
            self.load_conditions()

    def load_conditions(self) -> None:
        """Fetch the store's current conditions of use (background task)."""
        url = self.store_url()
        if not url:
            return
        self.bar.clearWidgets()
        self._show_conditions(None, loading=True)
        session = self.session
        self._start(lambda feedback: session.fetch_conditions(url),
                    lambda result, error: self._conditions_done(url, result, error),
                    tr("SafeStats: reading the conditions of use"))

    def _conditions_done(self, url: str, conditions: Any, error: Optional[BaseException]) -> None:
        self._finish_task()
        if error is not None:
            self._show_conditions(None)
            messages.show_error(self.bar, error, "conditions of use")
            self.failed.emit(error)
            return
        self._conditions_url = url
        self._show_conditions(conditions)
        self.conditionsLoaded.emit(conditions)

    def _show_conditions(self, conditions: Any, loading: bool = False) -> None:
        """Show a conditions version; acceptance is always reset (accepted at EVERY sign-in)."""
        self.conditions = conditions
        self.acceptCheck.setChecked(False)
        self.purposeCombo.clear()
        if conditions is None:
            self.conditionsTitleLabel.setText(
                tr("Loading the current conditions of use…") if loading else
                tr("The conditions of use could not be loaded. Check the store address, then "
                        "press Load conditions."))
            self.conditionsText.setPlainText("")
            self.acceptCheck.setEnabled(False)
            self.purposeCombo.setEnabled(False)
            self._update_state()
            return
        self.conditionsTitleLabel.setText(
            "<b>{}</b> &nbsp;<span style='color:#555'>{}</span>".format(
                html.escape(conditions.title or tr("Conditions of use")),
                html.escape(tr("version {0}").format(conditions.version))))
        self.conditionsText.setHtml(_conditions_html(conditions.text))
        self.purposeCombo.addItem(tr("— choose the purpose of your work —"), "")
        for purpose in conditions.purposes:
            self.purposeCombo.addItem(purpose.label, purpose.id)
        self.purposeCombo.setEnabled(True)
        self.acceptCheck.setEnabled(True)
        self._update_state()

    # ---------------------------------------------------------------- sign in

    def _on_sign_in_clicked(self) -> None:
        if self.conditions is None:
            self.load_conditions()
            return
        self.sign_in()

    def sign_in(self) -> None:
        """Validate, then sign in through the session manager in a background task."""
        self.bar.clearWidgets()
        url, username, password = self.store_url(), self.usernameEdit.text().strip(), self.passwordEdit.text()
        conditions, accepted, purpose = self.conditions, self.acceptCheck.isChecked(), self.purpose()
        remember, totp = self.rememberCheck.isChecked(), self.totpEdit.text().strip() or None
        use_saved = self._uses_saved_password()
        if (remember or use_saved) and not self._unlock_auth_db():
            return
        session = self.session
        if session.is_signed_in:
            session.sign_out()  # on the UI thread: releases layers before their files are purged
        QgsSettings().setValue(URL_SETTING, url)

        def work(feedback: Any) -> Any:
            if use_saved:
                return session.sign_in_saved(conditions=conditions, accepted=accepted, purpose=purpose,
                                             totp=totp)
            return session.sign_in(url, username, password, conditions=conditions, accepted=accepted,
                                   purpose=purpose, remember=remember, totp=totp)

        self._start(work, self._sign_in_done, tr("SafeStats: signing in"))

    def _unlock_auth_db(self) -> bool:
        """Ask QGIS for the auth DB master password on the UI thread (never from a task)."""
        manager = QgsApplication.authManager()
        if manager.isDisabled():
            messages.show_error(self.bar, errors.SafeStatsError(
                tr("QGIS's password store is not available, so \"remember me\" cannot be used. "
                        "Untick it and enter your password.")))
            return False
        if manager.masterPasswordIsSet() or manager.setMasterPassword(True):
            return True
        messages.show_error(self.bar, errors.SafeStatsError(
            tr("The QGIS password store is locked (its master password was not entered). Enter it, "
                    "or untick \"remember me\" and type your password.")))
        return False

    def _sign_in_done(self, user: Any, error: Optional[BaseException]) -> None:
        self._finish_task()
        if error is None:
            self.passwordEdit.clear()
            self.signedIn.emit(user)
            self.accept()
            return
        if isinstance(error, errors.InvalidCredentials):
            self.passwordEdit.clear()
        if isinstance(error, errors.SecondFactorRequired):
            self._show_totp(True)
            self.totpEdit.setFocus()
        if isinstance(error, errors.ConditionsNotAccepted) and getattr(error, "conditions", None):
            self._show_conditions(error.conditions)  # new version: read and accept again
        messages.show_error(self.bar, error, "sign-in")
        self.failed.emit(error)

    # ---------------------------------------------------------------- tasks

    def _start(self, fn: Any, done: Any, description: str) -> None:
        if self._task is not None:
            self._task.detach()
        self._task = run_task(description, fn, done)
        self._set_busy(True)

    def _finish_task(self) -> None:
        self._task = None
        self._set_busy(False)

    def is_busy(self) -> bool:
        return self._task is not None


class _Shown:
    """One message shown by :class:`InlineMessageBar` (same accessors as QgsMessageBarItem)."""

    def __init__(self, title: str, text: str, level: int) -> None:
        self._title, self._text, self._level = title, text, level

    def title(self) -> str:
        return self._title

    def text(self) -> str:
        return self._text

    def level(self) -> int:
        return self._level


class InlineMessageBar(QLabel):
    """The dialog's message area: fully word-wrapped (a QgsMessageBar cuts long advice to one
    scrolling line). Offers the part of QgsMessageBar's API that ``providers.messages`` uses."""

    _STYLES = {
        Qgis.MessageLevel.Info: ("#ebf4ff", "#2b6cb0"),
        Qgis.MessageLevel.Warning: ("#fffaf0", "#c05621"),
        Qgis.MessageLevel.Critical: ("#fff5f5", "#c53030"),
        Qgis.MessageLevel.Success: ("#f0fff4", "#2f855a"),
    }

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._items: list = []
        self.hide()

    def pushMessage(self, title: str, text: str, level: int = Qgis.MessageLevel.Info, duration: int = 0) -> None:  # noqa: N802
        self._items = [_Shown(title, text, level)]
        background, accent = self._STYLES.get(level, self._STYLES[Qgis.MessageLevel.Info])
        self.setStyleSheet(f"QLabel {{ background: {background}; border: 1px solid {accent}; "
                           f"border-left: 5px solid {accent}; padding: 6px; }}")
        self.setText(f"<b style='color:{accent}'>{html.escape(title)}</b><br/>{html.escape(text)}")
        self.show()

    def clearWidgets(self) -> None:  # noqa: N802
        self._items = []
        self.clear()
        self.hide()

    def items(self) -> list:
        return list(self._items)


def _conditions_html(text: str) -> str:
    """Conditions text (plain, paragraphs split by blank lines) as simple HTML."""
    paragraphs = [p.strip() for p in (text or "").split("\n\n") if p.strip()]
    body = "".join("<p>{}</p>".format(html.escape(p).replace("\n", "<br/>")) for p in paragraphs)
    return f"<div style='font-size:10pt'>{body}</div>"

