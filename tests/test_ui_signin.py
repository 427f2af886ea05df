"""Sign-in dialog flows against the REAL store (fixtures from conftest.py)."""
from __future__ import annotations

from typing import Any, Iterator

import pytest
from qgis.core import Qgis

from conftest import free_port
from test_ui_support import flush_deletes, wait_until


def _bar_messages(dialog: Any) -> list:
    return [(item.title(), item.text(), item.level()) for item in dialog.bar.items()]


@pytest.fixture()
def make_dialog(session: Any, store: Any) -> Iterator[Any]:
    made = []

    def make(url: str = "", username: str = "") -> Any:
        from safestats.ui.signin_dialog import SignInDialog
        dialog = SignInDialog(session)
        dialog.urlEdit.setText(url or store.url)
        if username:
            dialog.usernameEdit.setText(username)
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:
        dialog.done(0)
        dialog.deleteLater()
    flush_deletes()


def _load(dialog: Any) -> None:
    dialog.load_conditions()
    wait_until(lambda: not dialog.is_busy(), 30, "conditions did not load")


def _fill(dialog: Any, username: str, password: str, purpose_index: int = 1, accept: bool = True) -> None:
    dialog.usernameEdit.setText(username)
    dialog.passwordEdit.setText(password)
    dialog.purposeCombo.setCurrentIndex(purpose_index)
    dialog.acceptCheck.setChecked(accept)


def _sign_in(dialog: Any) -> None:
    assert dialog.signInButton.isEnabled()
    dialog.signInButton.click()
    wait_until(lambda: not dialog.is_busy(), 60, "sign-in did not finish")


def test_conditions_shown_and_required(make_dialog: Any, store: Any, store_http: Any) -> None:
    dialog = make_dialog()
    _load(dialog)
    reference = store_http.conditions()
    assert dialog.conditions.version == reference["version"]
    assert reference["version"] in dialog.conditionsTitleLabel.text()
    assert dialog.conditionsText.toPlainText().strip()[:40] in reference["text"]
    purposes = [dialog.purposeCombo.itemData(i) for i in range(1, dialog.purposeCombo.count())]
    assert purposes == [p["id"] for p in reference["purposes"]]
    assert not any("enforce" in p or "prosecut" in p for p in purposes)
    _fill(dialog, store.user("mopac"), store.password, purpose_index=0, accept=False)
    assert not dialog.signInButton.isEnabled()          # no purpose, not accepted
    dialog.purposeCombo.setCurrentIndex(1)
    assert not dialog.signInButton.isEnabled()          # purpose but not accepted
    dialog.acceptCheck.setChecked(True)
    assert dialog.signInButton.isEnabled()


def test_successful_sign_in(make_dialog: Any, session: Any, store: Any) -> None:
    dialog = make_dialog()
    _load(dialog)
    seen = []
    dialog.signedIn.connect(seen.append)
    _fill(dialog, store.user("westminster"), store.password, purpose_index=2)
    _sign_in(dialog)
    assert session.is_signed_in
    assert seen and seen[0].username == store.user("westminster")
    assert session.purpose == dialog.conditions.purposes[1].id
    assert dialog.result() == dialog.Accepted
    assert dialog.passwordEdit.text() == ""


def test_wrong_password_says_what_to_do(make_dialog: Any, session: Any, store: Any) -> None:
    dialog = make_dialog()
    _load(dialog)
    _fill(dialog, store.user("hackney"), "not-the-password-123")
    _sign_in(dialog)
    assert not session.is_signed_in
    (title, text, level), = _bar_messages(dialog)
    assert title == "Sign-in failed" and level == Qgis.Warning
    assert "username or password" in text and "try again" in text.lower()
    assert dialog.passwordEdit.text() == "" and dialog.result() != dialog.Accepted


@pytest.mark.parametrize("key", ["homeoffice", "herts"])
def test_expired_or_suspended_agreement(make_dialog: Any, session: Any, store: Any, key: str) -> None:
    dialog = make_dialog()
    _load(dialog)
    _fill(dialog, store.user(key), store.password)
    _sign_in(dialog)
    assert not session.is_signed_in
    (title, text, level), = _bar_messages(dialog)
    assert title == "No data sharing agreement" and level == Qgis.Critical
    assert "renew" in text or "administrator" in text or "lead" in text


def test_locked_account(make_dialog: Any, session: Any, store: Any) -> None:
    dialog = make_dialog()
    _load(dialog)
    user = "camden.analyst"  # used by no other test: locking it harms nobody
    titles = []
    for _ in range(7):
        _fill(dialog, user, "wrong-password-xyz")
        _sign_in(dialog)
        titles.append(_bar_messages(dialog)[0][0])
        if titles[-1] == "Account locked":
            break
    assert titles[-1] == "Account locked", titles
    text = _bar_messages(dialog)[0][1]
    assert "minute" in text and "administrator" in text
    # even the right password is refused while locked, with the same advice
    _fill(dialog, user, store.password)
    _sign_in(dialog)
    assert _bar_messages(dialog)[0][0] == "Account locked"
    assert not session.is_signed_in


def test_unreachable_store(make_dialog: Any) -> None:
    dialog = make_dialog(url=f"http://127.0.0.1:{free_port()}")
    _load(dialog)
    assert dialog.conditions is None
    (title, text, level), = _bar_messages(dialog)
    assert title == "Store unreachable" and level == Qgis.Critical
    assert "store" in text.lower() and ("check" in text.lower() or "try again" in text.lower())
    assert dialog.signInButton.text() == "Load conditions" and dialog.signInButton.isEnabled()


def test_tls_failure(make_dialog: Any, store: Any) -> None:
    port = store.url.rsplit(":", 1)[1]
    dialog = make_dialog(url=f"https://127.0.0.1:{port}")  # TLS handshake against a plain-HTTP server
    _load(dialog)
    assert dialog.conditions is None
    (title, text, level), = _bar_messages(dialog)
    assert level == Qgis.Critical
    assert title in ("Secure connection failed", "Store unreachable")


def test_remember_me_never_skips_conditions(make_dialog: Any, session: Any, store: Any) -> None:
    dialog = make_dialog()
    _load(dialog)
    _fill(dialog, store.user("tfl"), store.password)
    dialog.rememberCheck.setChecked(True)
    _sign_in(dialog)
    assert session.is_signed_in and session.saved_login() is not None
    session.sign_out()

    again = make_dialog()
    again.urlEdit.setText(store.url)
    # the saved sign-in pre-fills the account, never the acceptance or the purpose
    again._prefill()
    again.urlEdit.setText(store.url)
    _load(again)
    assert again.usernameEdit.text() == store.user("tfl")
    assert again.rememberCheck.isChecked() and again.passwordEdit.text() == ""
    assert not again.acceptCheck.isChecked() and again.purpose() == ""
    assert not again.signInButton.isEnabled()
    again.purposeCombo.setCurrentIndex(1)
    assert not again.signInButton.isEnabled()
    again.acceptCheck.setChecked(True)
    assert again.signInButton.isEnabled()
    _sign_in(again)
    assert session.is_signed_in and session.user.username == store.user("tfl")
    session.forget_credentials()


def test_every_error_type_has_a_plain_message() -> None:
    from safestats.providers import errors as E
    from safestats.providers.messages import message_for

    classes = [c for c in vars(E).values() if isinstance(c, type) and issubclass(c, E.SafeStatsError)]
    assert len(classes) > 10
    for cls in classes:
        error = cls(60) if cls is E.AccountLocked else cls()
        message = message_for(error)
        assert message.title and message.text, cls
        assert message.level in (Qgis.Info, Qgis.Warning, Qgis.Critical), cls
    assert message_for(E.ProxyError()).title == "Proxy problem"
    assert "proxy" in message_for(E.ProxyError()).text.lower()
    assert "certificate" in message_for(E.TlsError()).text.lower()
    assert message_for(RuntimeError("boom")).level == Qgis.Critical
    assert "Log Messages" in message_for(RuntimeError("boom")).text


@pytest.fixture()
def broken_proxy(qgis_app: Any) -> Iterator[None]:
    """QGIS's proxy (Settings > Options > Network) pointed at a port where nothing answers."""
    from qgis.core import QgsNetworkAccessManager, QgsSettings
    settings = QgsSettings()
    keys = ("proxy/proxyEnabled", "proxy/proxyType", "proxy/proxyHost", "proxy/proxyPort")
    old = {k: settings.value(k) for k in keys}
    settings.setValue("proxy/proxyEnabled", True)
    settings.setValue("proxy/proxyType", "HttpProxy")
    settings.setValue("proxy/proxyHost", "127.0.0.1")
    settings.setValue("proxy/proxyPort", str(free_port()))
    QgsNetworkAccessManager.instance().setupDefaultProxyAndCache()
    yield
    for key, value in old.items():
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)
    settings.setValue("proxy/proxyEnabled", False)
    QgsNetworkAccessManager.instance().setupDefaultProxyAndCache()


def test_broken_proxy_says_so(make_dialog: Any, broken_proxy: None) -> None:
    dialog = make_dialog(url="http://safestats.invalid:8080")
    _load(dialog)
    assert dialog.conditions is None
    (title, text, level), = _bar_messages(dialog)
    assert title == "Proxy problem" and level == Qgis.Critical
    assert "Settings > Options > Network" in text
