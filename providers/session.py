"""SessionManager: who is signed in to which store, for the whole plugin.

* Tokens live in memory only (inside the ``StoreClient``).
* "Remember me" keeps the store URL, username and password in the QGIS authentication
  database as an authcfg of method "Basic" named ``SafeStats <url>``; the only thing written
  to QgsSettings is that authcfg's id (``safestats/authcfg``). "Remember me" never skips the
  conditions of use: every sign-in, remembered or not, needs the current conditions version
  accepted and a declared purpose.
* Sign-out revokes the tokens on the store, forgets them, purges the cache and tells the
  rest of the plugin through ``signedOut``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from qgis.core import Qgis, QgsApplication, QgsAuthMethodConfig, QgsSettings
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..governance import conditions as gov_conditions
from ..governance.audit import AuditError, AuditLog
from ..governance.retention import CacheStore
from . import errors
from .client import StoreClient
from .http import log, on_main_thread
from .models import Conditions, LoginResult, UserInfo
from ..governance import keys
from ..governance.i18n import tr

AUTHCFG_SETTING = keys.AUTHCFG
AUTH_METHOD = "Basic"
AUTHCFG_PREFIX = "SafeStats "


@dataclass(frozen=True)
class SavedLogin:
    """What "remember me" kept (never the password itself)."""

    authcfg: str
    url: str
    username: str


def _auth_manager():  # noqa: ANN202
    return QgsApplication.authManager()


def _clean_url(url: str) -> str:
    return url.strip().rstrip("/")


class SessionManager(QObject):
    """One per plugin. Emits ``signedIn(UserInfo)`` and ``signedOut()``.

    ``fetch_conditions`` and ``sign_in*`` do network I/O: call them from a QgsTask (signals
    then reach main-thread listeners queued). ``sign_out`` runs on the main thread."""

    signedIn = pyqtSignal(object)
    signedOut = pyqtSignal()
    #: a client audit entry could not be written (``errors.AuditWriteFailed``); emitted from any thread
    auditFailed = pyqtSignal(object)

    def __init__(self, cache: Optional[CacheStore] = None, audit: Optional[AuditLog] = None,
                 parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.cache = cache or CacheStore()
        self.audit = audit or AuditLog()
        self._client: Optional[StoreClient] = None
        self._login: Optional[LoginResult] = None
        self._purpose_labels: dict[str, str] = {}
        self.conditions: Optional[Conditions] = None
        #: set after a sign-in that worked but could not save the password ("remember me")
        self.warning: Optional[str] = None
        #: called before the cache is purged on sign-out (layers release their files)
        self.before_sign_out: list[Callable[[], None]] = []

    # ------------------------------------------------------------------ state

    @property
    def is_signed_in(self) -> bool:
        return self._client is not None and self._client.signed_in

    @property
    def client(self) -> StoreClient:
        if self._client is None or not self._client.signed_in:
            raise errors.NotSignedIn()
        return self._client

    @property
    def user(self) -> Optional[UserInfo]:
        return self._login.user if self._login else None

    @property
    def purpose(self) -> Optional[str]:
        return self._login.purpose if self._login else None

    @property
    def purpose_label(self) -> Optional[str]:
        """The declared purpose as the store words it ("Crime prevention"), not its id."""
        purpose = self.purpose
        return self._purpose_labels.get(purpose, purpose) if purpose else None

    @property
    def store_url(self) -> Optional[str]:
        return self._client.base_url if self._client else None

    # ------------------------------------------------------------------ conditions

    def fetch_conditions(self, url: str) -> Conditions:
        """The store's current conditions of use and purposes (no sign-in needed).

        Forbidden purposes are removed even if a store offered them."""
        conditions = StoreClient(_clean_url(url)).conditions()
        allowed = tuple(p for p in conditions.purposes if not gov_conditions.is_forbidden(p.id))
        self.conditions = Conditions(conditions.version, conditions.title, conditions.text, allowed)
        return self.conditions

    # ------------------------------------------------------------------ sign in / out

    def sign_in(self, url: str, username: str, password: str, *, conditions: Conditions, accepted: bool,
                purpose: str, remember: bool = False, totp: Optional[str] = None) -> UserInfo:
        """Sign in after the user read ``conditions`` and ticked ``accepted``.

        Raises a ``errors.SafeStatsError`` with a plain ``user_message`` on any failure."""
        url = _clean_url(url)
        self._check_conditions(conditions, accepted, purpose)
        self._purpose_labels = {p.id: p.label for p in conditions.purposes}
        if not username or not password:
            raise errors.InvalidCredentials(tr("Enter your SafeStats username and password."))
        if self.is_signed_in:
            if not on_main_thread():
                raise errors.SafeStatsError(tr("You are already signed in to SafeStats. Sign out first."))
            self.sign_out()
        client = StoreClient(url)
        try:
            try:
                result = client.login(username, password, conditions.version, purpose, totp)
            except errors.InvalidCredentials as exc:
                if not totp:
                    raise
                # the store answers a wrong second-factor code like a wrong password
                raise errors.InvalidSecondFactor(
                    tr("The password or the 6-digit code was not right. Check your password and enter the "
                       "current code from your authenticator app."), detail=exc.detail, status=exc.status) from exc
        except errors.SafeStatsError as exc:
            self._audit("sign_in_failed", store=url, user=username, purpose=purpose, error=exc.code)
            raise
        self._client, self._login = client, result
        self.warning = None
        try:
            if remember:
                self.remember(url, username, password)
            else:
                self.forget_credentials(url)
        except errors.SafeStatsError as exc:  # signed in all the same; the UI shows the warning
            self.warning = exc.user_message
            log(f"sign-in kept, but: {exc.user_message}", Qgis.MessageLevel.Warning)
        self._audit("sign_in", store=url, user=result.user.username,
                    organisation=result.user.organisation_name, purpose=result.purpose,
                    conditions_version=result.conditions_version)
        log(f"signed in to {url} as {result.user.username} ({result.user.organisation_name}), "
            f"purpose {result.purpose}")
        self.signedIn.emit(result.user)
        return result.user

    def sign_in_saved(self, *, conditions: Conditions, accepted: bool, purpose: str,
                      totp: Optional[str] = None) -> UserInfo:
        """Sign in with the remembered credentials; the conditions must still be accepted now."""
        saved = self.saved_login()
        if saved is None:
            raise errors.NotSignedIn(tr("No saved SafeStats sign-in was found. Enter your username and password."))
        self._check_conditions(conditions, accepted, purpose)
        cfg = self._load_config(saved.authcfg)
        password = cfg.config("password") if cfg is not None else ""
        return self.sign_in(saved.url, saved.username, password, conditions=conditions, accepted=accepted,
                            purpose=purpose, remember=True, totp=totp)

    def _check_conditions(self, conditions: Conditions, accepted: bool, purpose: str) -> None:
        try:
            gov_conditions.validate_acceptance(accepted, conditions.version if accepted else None,
                                               conditions.version)
        except gov_conditions.ConditionsRequired as exc:
            raise errors.ConditionsNotAccepted(exc.user_message, conditions=conditions) from exc
        try:
            gov_conditions.validate_purpose(purpose, conditions.purpose_ids())
        except gov_conditions.PurposeRefused as exc:
            raise errors.PurposeNotPermitted(exc.user_message) from exc

    def sign_out(self) -> None:
        """Revoke tokens on the store, forget them, release layers and purge cached data.

        Main thread only: listeners in ``before_sign_out`` touch map layers."""
        if not on_main_thread():
            raise RuntimeError("SessionManager.sign_out() must be called on the main thread")
        client, login = self._client, self._login
        for callback in list(self.before_sign_out):
            try:
                callback()
            except Exception as exc:  # noqa: BLE001 - a failing listener must not stop the purge
                log(f"sign-out listener failed: {exc}")
        if client is not None:
            client.logout()
            client.forget_tokens()
        self._client, self._login = None, None
        removed = self.cache.purge_all()
        if login is not None:
            self._audit("sign_out", store=client.base_url if client else None, user=login.user.username,
                        organisation=login.user.organisation_name, files=len(removed))
        self.signedOut.emit()

    # ------------------------------------------------------------------ authcfg

    def saved_login(self) -> Optional[SavedLogin]:
        authcfg = QgsSettings().value(AUTHCFG_SETTING, "") or ""
        if not authcfg:
            return None
        cfg = self._load_config(str(authcfg))
        if cfg is None or not cfg.uri():
            return None
        return SavedLogin(authcfg=str(authcfg), url=cfg.uri(), username=cfg.config("username"))

    def remember(self, url: str, username: str, password: str) -> str:
        """Store the credentials in the QGIS auth database; returns the authcfg id."""
        manager = _auth_manager()
        if manager.isDisabled():
            raise errors.SafeStatsError(
                tr("QGIS's authentication database is not available, so the password cannot be saved. "
                   "Sign in without \"remember me\"."))
        url = _clean_url(url)
        existing = self._find_config(url)
        cfg = QgsAuthMethodConfig(AUTH_METHOD)
        cfg.setName(AUTHCFG_PREFIX + url)
        cfg.setUri(url)
        cfg.setConfig("username", username)
        cfg.setConfig("password", password)
        if existing:
            cfg.setId(existing)
            ok = manager.updateAuthenticationConfig(cfg)
        else:
            ok = manager.storeAuthenticationConfig(cfg)
            if isinstance(ok, tuple):  # some PyQGIS versions return (ok, config)
                ok, cfg = ok[0], ok[1] if len(ok) > 1 else cfg
        if not ok or not cfg.id():
            raise errors.SafeStatsError(
                tr("The password could not be saved in QGIS's authentication database (is its master "
                   "password set?). Sign in without \"remember me\"."))
        QgsSettings().setValue(AUTHCFG_SETTING, cfg.id())
        return cfg.id()

    def forget_credentials(self, url: Optional[str] = None) -> None:
        """Remove remembered credentials (for ``url``, or whatever is remembered)."""
        manager = _auth_manager()
        ids = []
        if url is not None:
            found = self._find_config(_clean_url(url))
            if found:
                ids.append(found)
        saved = QgsSettings().value(AUTHCFG_SETTING, "") or ""
        if saved and (url is None or saved in ids or self._load_config(saved) is None):
            QgsSettings().remove(AUTHCFG_SETTING)
            if url is None:
                ids.append(saved)
        for authcfg in ids:
            if authcfg in manager.configIds():
                manager.removeAuthenticationConfig(authcfg)

    def _find_config(self, url: str) -> Optional[str]:
        manager = _auth_manager()
        for authcfg, cfg in manager.availableAuthMethodConfigs().items():
            if cfg.name() == AUTHCFG_PREFIX + url and cfg.method() == AUTH_METHOD:
                return authcfg
        return None

    def _load_config(self, authcfg: str) -> Optional[QgsAuthMethodConfig]:
        manager = _auth_manager()
        if authcfg not in manager.configIds():
            return None
        cfg = QgsAuthMethodConfig()
        result = manager.loadAuthenticationConfig(authcfg, cfg, True)
        if isinstance(result, tuple):
            ok, cfg = result[0], result[1]
        else:
            ok = result
        return cfg if ok else None

    # ------------------------------------------------------------------ misc

    def _audit(self, event: str, **fields: object) -> None:
        try:
            self.audit.record(event, **fields)
        except (AuditError, OSError) as exc:  # sign-in goes on; the failure is reported, never silent
            self.report_audit_failure(event, str(fields.get("dataset") or ""), exc)

    def report_audit_failure(self, event: str, dataset: str, exc: BaseException) -> errors.AuditWriteFailed:
        """A client audit write failed: a critical log entry, and ``auditFailed`` for the message bar."""
        error = errors.AuditWriteFailed(detail=f"{event}{' of ' + dataset if dataset else ''}: "
                                               f"{type(exc).__name__}: {exc}")
        log(f"client audit write failed: {error.detail}", Qgis.MessageLevel.Critical)
        self.auditFailed.emit(error)
        return error
