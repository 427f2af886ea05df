import json
import os
import time

import pytest

from safestats.governance.audit import AuditError, AuditLog
from safestats.governance import marking
from safestats.governance.retention import CacheStore, DEFAULT_RETENTION_DAYS, SETTINGS_KEY, retention_days


def test_audit_lines_and_allow_list(tmp_path):
    log = AuditLog(tmp_path / "a" / "audit.jsonl")
    log.record("load", dataset="mps_crime", filter={"dow": "1"}, purpose="crime_prevention", rows=12, user="u")
    log.record("sign_out", user="u")
    lines = (tmp_path / "a" / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["event"] == "load" and first["rows"] == 12 and "time" in first
    with pytest.raises(AuditError):
        log.record("load", access_token="abc")
    with pytest.raises(AuditError):
        log.record("load", features=[{"crime_type": "Burglary"}])  # not an audit field
    with pytest.raises(AuditError):
        log.record("load", filter="eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.sig")
    with pytest.raises(AuditError):
        log.record("made_up_event")
    assert len((tmp_path / "a" / "audit.jsonl").read_text().splitlines()) == 2
    assert log.last("sign_out")["user"] == "u"


def test_retention_purges_only_expired_and_parts(tmp_path):
    cache = CacheStore(tmp_path / "cache", days=28)
    fresh = cache.new_path("mps_crime")
    fresh.write_bytes(b"x")
    old = cache.new_path("las_incidents")
    old.write_bytes(b"y")
    stale_part = cache.ensure() / "x.fgb.part"
    stale_part.write_bytes(b"z")
    now = time.time()
    os.utime(old, (now - 29 * 86400, now - 29 * 86400))
    os.utime(stale_part, (now - 2 * 86400, now - 2 * 86400))
    outside = tmp_path / "keep-me.fgb"
    outside.write_bytes(b"k")
    removed = cache.purge_expired(now)
    assert set(removed) == {old, stale_part}
    assert fresh.exists() and outside.exists()
    assert cache.contains(fresh) and not cache.contains(outside)
    cache.purge_all()
    assert cache.files() == [] and outside.exists()


def test_retention_days_setting(qgis_app):
    from qgis.core import QgsSettings
    s = QgsSettings()
    s.remove(SETTINGS_KEY)
    assert retention_days() == DEFAULT_RETENTION_DAYS == 28
    s.setValue(SETTINGS_KEY, 7)
    try:
        assert retention_days() == 7
        assert CacheStore().days == 7
        s.setValue(SETTINGS_KEY, "nonsense")
        assert retention_days() == 28
        s.setValue(SETTINGS_KEY, 400)  # a hand-edited setting cannot extend retention
        assert retention_days() == 28
    finally:
        s.remove(SETTINGS_KEY)


def test_marking_order_and_text():
    assert marking.highest(["OFFICIAL", "official-sensitive", None, ""]) == "OFFICIAL-SENSITIVE"
    assert marking.highest(["OFFICIAL", "SECRET"]) == "SECRET"
    assert marking.highest([]) == ""
    assert marking.rank("something odd") == marking.rank("OFFICIAL-SENSITIVE")
    assert marking.marking_text("official sensitive", "Source: LAS") == "OFFICIAL-SENSITIVE - Source: LAS"


def test_project_marking_variable(qgis_app, qgis_new_project):
    from qgis.core import QgsExpressionContextUtils, QgsProject, QgsVectorLayer
    project = QgsProject.instance()
    a = QgsVectorLayer("Point?crs=EPSG:27700", "a", "memory")
    b = QgsVectorLayer("Point?crs=EPSG:27700", "b", "memory")
    marking.set_layer_marking(a, "OFFICIAL")
    marking.set_layer_marking(b, "OFFICIAL-SENSITIVE")
    project.addMapLayers([a, b])
    assert marking.update_project_marking(project) == "OFFICIAL-SENSITIVE"
    scope = QgsExpressionContextUtils.projectScope(project)
    assert scope.variable("safestats_marking") == "OFFICIAL-SENSITIVE"
    project.removeMapLayer(b.id())
    assert marking.update_project_marking(project) == "OFFICIAL"
    project.removeMapLayer(a.id())
    assert marking.update_project_marking(project) == ""
    assert not QgsExpressionContextUtils.projectScope(project).hasVariable("safestats_marking")
