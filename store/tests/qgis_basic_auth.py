"""Imported by the scripts /usr/bin/python3 runs with Debian's QGIS (qgis_oapif_probe.py,
qgis_oapif_session.py): a headless QGIS with private settings and auth database, and a Basic authcfg
holding a user name and a token (an access token or a personal access token)."""
import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QGIS_AUTH_DB_DIR_PATH"] = tempfile.mkdtemp()

from qgis.core import QgsApplication, QgsAuthMethodConfig  # noqa: E402
from qgis.PyQt.QtCore import QCoreApplication, QSettings  # noqa: E402

# Private settings: nothing read from (or written to) the machine's QGIS profile, e.g. a proxy.
QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
QCoreApplication.setOrganizationName("SafeStatsProbe")


def start(username: str, token: str, name: str):
    """(app, messages, authcfg id): QGIS started, its message log collected into ``messages``."""
    app = QgsApplication([], False)
    app.initQgis()
    messages = []
    QgsApplication.messageLog().messageReceived.connect(lambda msg, tag, level: messages.append(f"{tag}: {msg}"))
    am = QgsApplication.authManager()
    am.setMasterPassword("probe-master-password", True)
    cfg = QgsAuthMethodConfig("Basic")
    cfg.setName(name)
    cfg.setConfig("username", username)
    cfg.setConfig("password", token)
    _ok, cfg = am.storeAuthenticationConfig(cfg)
    return app, messages, cfg.id()
