"""Sign-in against the real store: conditions every time, every failure message, tokens, sign-out."""
import time
from pathlib import Path

import pytest

from safestats.providers import errors
from safestats.providers.models import Conditions
from safestats.providers.session import AUTHCFG_SETTING

from conftest import free_port, sign_in


def test_conditions_and_purposes_come_from_store(session, store, store_http):
    c = session.fetch_conditions(store.url)
    raw = store_http.conditions()
    assert c.version == raw["version"] and c.text == raw["text"] and c.text
    assert c.purpose_ids() == [p["id"] for p in raw["purposes"] if p["id"] not in ("enforcement", "prosecution")]
    assert "enforcement" not in c.purpose_ids() and "prosecution" not in c.purpose_ids()


def test_sign_in_needs_acceptance_every_time(session, store, audit_log):
    c = session.fetch_conditions(store.url)
    user = store.user("mopac")
    with pytest.raises(errors.ConditionsNotAccepted) as exc:
        session.sign_in(store.url, user, store.password, conditions=c, accepted=False, purpose=c.purposes[0].id)
    assert "every time you sign in" in exc.value.user_message or "accept" in exc.value.user_message
    assert not session.is_signed_in
    signed = []
    session.signedIn.connect(signed.append)
    info = session.sign_in(store.url, user, store.password, conditions=c, accepted=True,
                           purpose=c.purposes[0].id, remember=True)
    assert info.username == user and info.organisation_name and signed and session.purpose == c.purposes[0].id
    assert audit_log.last("sign_in")["purpose"] == c.purposes[0].id
    session.sign_out()
    # "remember me" keeps the password but never the acceptance
    saved = session.saved_login()
    assert saved is not None and saved.username == user and saved.url == store.url
    with pytest.raises(errors.ConditionsNotAccepted):
        session.sign_in_saved(conditions=c, accepted=False, purpose=c.purposes[0].id)
    with pytest.raises(errors.PurposeNotPermitted):
        session.sign_in_saved(conditions=c, accepted=True, purpose="")
    assert session.sign_in_saved(conditions=c, accepted=True, purpose=c.purposes[-1].id).username == user
    assert session.purpose == c.purposes[-1].id
    assert audit_log.last("sign_in")["purpose"] == c.purposes[-1].id


def test_changed_conditions_version_is_refused_by_store(session, store):
    c = session.fetch_conditions(store.url)
    stale = Conditions("1999-01", c.title, "old text", c.purposes)
    with pytest.raises(errors.ConditionsNotAccepted) as exc:
        session.sign_in(store.url, store.user("mopac"), store.password, conditions=stale, accepted=True,
                        purpose=c.purposes[0].id)
    assert exc.value.status == 403
    assert exc.value.conditions is not None and exc.value.conditions.version == c.version


def test_enforcement_refused_before_any_network(session, store):
    c = session.fetch_conditions(store.url)
    from safestats.providers.models import Purpose
    tempting = Conditions(c.version, c.title, c.text, c.purposes + (Purpose("enforcement", "Enforcement"),))
    dead_url = f"http://127.0.0.1:{free_port()}"  # nothing listens: a network call would be StoreUnreachable
    with pytest.raises(errors.PurposeNotPermitted) as exc:
        session.sign_in(dead_url, "x", "y", conditions=tempting, accepted=True, purpose="enforcement")
    assert "never for enforcement or prosecution" in exc.value.user_message
    with pytest.raises(errors.PurposeNotPermitted):
        session.sign_in(dead_url, "x", "y", conditions=c, accepted=True, purpose="marketing")


def test_wrong_password(session, store):
    c = session.fetch_conditions(store.url)
    with pytest.raises(errors.InvalidCredentials) as exc:
        session.sign_in(store.url, store.user("hackney"), store.password + "x", conditions=c, accepted=True,
                        purpose=c.purposes[0].id)
    assert "username or password is not right" in exc.value.user_message
    with pytest.raises(errors.InvalidCredentials):  # same answer for an unknown user
        session.sign_in(store.url, "nobody.here", store.password, conditions=c, accepted=True,
                        purpose=c.purposes[0].id)
    assert session.audit.last("sign_in_failed")["error"] == "invalid_credentials"


def test_locked_account(session, store):
    c = session.fetch_conditions(store.url)
    user = store.user("westminster_admin")  # used by no other test
    for _ in range(10):
        try:
            session.sign_in(store.url, user, "wrong-" + str(_), conditions=c, accepted=True, purpose=c.purposes[0].id)
        except errors.AccountLocked as exc:
            locked = exc
            break
        except errors.InvalidCredentials:
            continue
    else:
        pytest.fail("account never locked")
    assert locked.retry_after and locked.retry_after > 60
    assert "locked" in locked.user_message and "Try again in about" in locked.user_message
    with pytest.raises(errors.AccountLocked):  # even the right password waits
        session.sign_in(store.url, user, store.password, conditions=c, accepted=True, purpose=c.purposes[0].id)


@pytest.mark.parametrize("key", ["homeoffice", "herts"])
def test_no_active_agreement(session, store, key):
    c = session.fetch_conditions(store.url)
    with pytest.raises(errors.NoAgreement) as exc:
        session.sign_in(store.url, store.user(key), store.password, conditions=c, accepted=True,
                        purpose=c.purposes[0].id)
    assert "no active data sharing agreement" in exc.value.user_message
    assert "renew" in exc.value.user_message
    assert not session.is_signed_in


def test_proactive_refresh(signed_in):
    client = signed_in.client
    old = client._access
    client._access_expires = 0  # pretend the access token is about to expire
    assert len(client.collections(details=False)) > 0
    assert client._access != old


def test_reactive_refresh_on_token_expired(session, short_ttl_store):
    sign_in(session, short_ttl_store, "tfl")
    client = session.client
    client._access_expires = time.monotonic() + 3600  # disable proactive refresh: exercise the 401 path
    first = client._access
    time.sleep(3.5)
    names = [c.id for c in client.collections(details=False)]
    assert "tfl_bus_incidents" in names
    assert client._access != first


def test_sign_out_revokes_and_purges(session, store, store_http, cache_store):
    sign_in(session, store, "hackney")
    token = session.client._access
    assert store_http.request("GET", "/auth/me", token=token)[0] == 200
    stray = cache_store.new_path("mps_crime")
    stray.write_bytes(b"cached data")
    out = []
    session.signedOut.connect(lambda: out.append(True))
    session.sign_out()
    assert out == [True] and not session.is_signed_in
    assert store_http.request("GET", "/auth/me", token=token)[0] == 401
    assert not stray.exists() and cache_store.files() == []
    with pytest.raises(errors.NotSignedIn):
        session.client
    assert session.audit.last("sign_out")["user"] == store.user("hackney")


def test_credentials_only_in_auth_db(session, store, qgis_messages):
    from qgis.core import QgsApplication, QgsSettings
    c = session.fetch_conditions(store.url)
    sign_in(session, store, "mopac", remember=True)
    token = session.client._access
    refresh = session.client._refresh
    authcfg = QgsSettings().value(AUTHCFG_SETTING)
    manager = QgsApplication.authManager()
    assert authcfg in manager.configIds()
    cfg = manager.availableAuthMethodConfigs()[authcfg]
    assert cfg.method() == "Basic" and cfg.name() == f"SafeStats {store.url}"
    QgsSettings().sync()
    settings_text = Path(QgsSettings().fileName()).read_text(errors="replace")
    assert store.password not in settings_text and token not in settings_text
    assert store.user("mopac") not in settings_text
    assert authcfg in settings_text
    logs = "\n".join(qgis_messages)
    assert "signed in" in logs
    for secret in (store.password, token, refresh):
        assert secret not in logs
    assert token not in repr(session.client.login_result)
    # un-ticking "remember me" removes the stored password
    session.sign_out()
    session.sign_in(store.url, store.user("mopac"), store.password, conditions=c, accepted=True,
                    purpose=c.purposes[0].id, remember=False)
    assert session.saved_login() is None and authcfg not in manager.configIds()


def _totp(secret_b32: str, at: float) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits): what an authenticator app shows."""
    import base64
    import hashlib
    import hmac
    import struct
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def test_second_factor(session, store):
    import os
    import subprocess
    from conftest import STORE_BIN
    env = dict(os.environ, SS_TEST_PW=store.password)
    out = subprocess.run([str(STORE_BIN), "user", "add", "totp.analyst", "--db", store.db_url, "--org", "hackney",
                          "--totp", "--password-env", "SS_TEST_PW"], check=True, capture_output=True, text=True,
                         env=env).stdout
    secret = out.split("TOTP secret")[1].split(":", 1)[1].strip().split()[0]
    c = session.fetch_conditions(store.url)
    kw = dict(conditions=c, accepted=True, purpose=c.purposes[0].id)
    with pytest.raises(errors.SecondFactorRequired) as exc:
        session.sign_in(store.url, "totp.analyst", store.password, **kw)
    assert not isinstance(exc.value, errors.InvalidSecondFactor)
    assert "6-digit code" in exc.value.user_message
    good = _totp(secret, time.time())
    wrong = f"{(int(good) + 500000) % 1000000:06d}"
    with pytest.raises(errors.InvalidSecondFactor) as exc:
        session.sign_in(store.url, "totp.analyst", store.password, totp=wrong, **kw)
    assert "6-digit code was not right" in exc.value.user_message
    assert session.sign_in(store.url, "totp.analyst", store.password, totp=good, **kw).username == "totp.analyst"


def test_sign_out_does_not_hang_when_store_is_silent(session, store, cache_store):
    import socket
    from safestats.providers.http import HttpTransport
    sign_in(session, store, "hackney")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts connections, never answers
    try:
        # the store "goes quiet" after sign-in (same client, its address now points at the silent socket)
        session.client.http = HttpTransport(f"http://127.0.0.1:{silent.getsockname()[1]}")
        stray = cache_store.new_path("mps_crime")
        stray.write_bytes(b"x")
        started = time.monotonic()
        session.sign_out()
        assert time.monotonic() - started < 15
        assert not session.is_signed_in and not stray.exists()
    finally:
        silent.close()
