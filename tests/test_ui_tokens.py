"""Personal access tokens from the plugin (ui/tokens_dialog.py, providers/tokens.py) against the REAL
store: created after sign-in, shown once, usable by QGIS's own network stack as a Basic password,
listed and revoked; the secret never reaches QgsSettings or the message log."""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from qgis.core import QgsBlockingNetworkRequest, QgsSettings
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtNetwork import QNetworkRequest
from qgis.PyQt.QtWidgets import QApplication

from test_ui_support import flush_deletes


def _status_with(url: str, user: str, secret: str) -> int:
    """GET /collections through QGIS's network stack with the token as a Basic password."""
    req = QNetworkRequest(QUrl(url + "/collections"))
    req.setRawHeader(b"Authorization", b"Basic " + base64.b64encode(f"{user}:{secret}".encode()))
    blocking = QgsBlockingNetworkRequest()
    blocking.get(req, True)
    return int(blocking.reply().attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute) or 0)


def test_create_show_once_use_and_revoke(signed_in: Any, store: Any, qgis_messages: list) -> None:
    from safestats.ui.tokens_dialog import TokensDialog
    dialog = TokensDialog(signed_in)
    try:
        assert not dialog.secretGroup.isVisibleTo(dialog)
        dialog.nameEdit.setText("GDAL on the test machine")
        dialog.daysSpin.setValue(7)
        dialog.create()
        secret = dialog.secretEdit.text()
        assert secret.startswith("ssp_") and dialog.secretGroup.isVisibleTo(dialog)
        usage = dialog.usageEdit.toPlainText()
        assert "GDAL_HTTP_BEARER" in usage and "PAGE_SIZE=10000" in usage and "Basic" in usage
        dialog.copy()
        assert QApplication.clipboard().text() == secret
        names = [dialog.tokensTable.item(r, 0).text() for r in range(dialog.tokensTable.rowCount())]
        assert "GDAL on the test machine" in names
        row = names.index("GDAL on the test machine")
        assert dialog.tokensTable.item(row, 2).text() == "active"
        assert secret not in " ".join(dialog.tokensTable.item(row, c).text() for c in range(5))
        assert _status_with(store.url, "token", secret) == 200
        assert _status_with(store.url, "token", secret[:-2] + "xx") == 401
        dialog.tokensTable.selectRow(row)
        dialog.revoke_selected()
        assert dialog.tokensTable.item(row, 2).text() == "revoked"
        assert _status_with(store.url, "token", secret) == 401
        # nothing kept the secret: settings file and message log
        settings = Path(QgsSettings().fileName())
        assert not settings.exists() or secret not in settings.read_text(errors="replace")
        assert not any(secret in m for m in qgis_messages)
        dialog.reject()
        assert dialog.secretEdit.text() == ""
    finally:
        dialog.deleteLater()
        flush_deletes()


def test_the_menu_action_needs_a_sign_in(plugin: Any) -> None:
    action = plugin.tokens_action
    assert action in plugin.menus.menu_actions and action.text() == "Personal access token…"
    assert not plugin.session.is_signed_in
    action.trigger()  # not signed in: a message, no dialog
    assert any("Sign in to SafeStats first" in text for _title, text, _level in plugin.iface_double.messages)
