"""``rights.active_grants`` reads an organisation's agreements in force and their grants in one query
(issue 16: one round trip fewer on every request). Its answers are checked against the two-query
reading it replaced, for every kind of agreement an organisation can hold."""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import box
from sqlalchemy import select

from safestats_store import admin, db, rights
from safestats_store.catalogue import DATASETS
from safestats_store.clock import utcnow


def _reference(conn: Any, org_id: str) -> dict[str, tuple] | None:
    """The reading before issue 16: the agreement ids in force, ranked, then their grants."""
    agreements = rights.active_agreement_ids(conn, org_id)
    if not agreements:
        return None
    rank = {a: i for i, a in enumerate(agreements)}
    rows = sorted(conn.execute(select(db.grants).where(db.grants.c.agreement_id.in_(agreements))
                               .order_by(db.grants.c.id)), key=lambda g: rank[g.agreement_id])
    out: dict[str, tuple] = {}
    for g in rows:
        if g.dataset_id in DATASETS and g.dataset_id not in out:
            out[g.dataset_id] = (g.access, None if g.fields is None else frozenset(json.loads(g.fields)), g.area_wkt,
                                 g.area_name, g.history_months)
    return out


def _terms(grants: dict[str, rights.Grant] | None) -> dict[str, tuple] | None:
    if grants is None:
        return None
    return {k: (g.access, g.fields, g.area_wkt, g.area_name, g.history_months) for k, g in grants.items()}


@pytest.fixture()
def engine(tmp_path: Path) -> Any:
    engine = db.make_engine(str(tmp_path / "grants.sqlite"))
    db.create_schema(engine)
    today = utcnow().date()
    past, future, far = today - timedelta(days=400), today + timedelta(days=30), today + timedelta(days=900)
    area = box(525000, 175000, 535000, 185000)
    with engine.begin() as conn:
        for org in ("none", "empty", "renewed", "suspended", "expired", "future", "mixed"):
            admin.add_organisation(conn, org, org.title(), "agency")
        admin.add_agreement(conn, "empty", "signed, grants nothing", past, future, [])
        admin.add_agreement(conn, "renewed", "old, wide", past, future,
                            [admin.GrantSpec("mps_crime"), admin.GrantSpec("las_incidents", access="aggregate")])
        admin.add_agreement(conn, "renewed", "renewal, narrower", past, far,
                            [admin.GrantSpec("mps_crime", fields=("crime_type",), area=area, area_name="Box",
                                             history_months=12)])
        admin.add_agreement(conn, "suspended", "suspended", past, far, [admin.GrantSpec("mps_crime")], suspended=True)
        admin.add_agreement(conn, "expired", "expired", past, today - timedelta(days=1), [admin.GrantSpec("mps_crime")])
        admin.add_agreement(conn, "future", "not signed yet", today + timedelta(days=1), far,
                            [admin.GrantSpec("mps_crime")])
        admin.add_agreement(conn, "mixed", "suspended one", past, far, [admin.GrantSpec("lfb_incidents")],
                            suspended=True)
        admin.add_agreement(conn, "mixed", "in force, no grants", past, future, [])
        admin.add_agreement(conn, "mixed", "in force", past, future, [admin.GrantSpec("btp_crime", access="aggregate")])
    yield engine
    engine.dispose()


def test_one_query_reads_what_two_did(engine: Any) -> None:
    with engine.connect() as conn:
        for org in ("none", "empty", "renewed", "suspended", "expired", "future", "mixed"):
            assert _terms(rights.active_grants(conn, org)) == _reference(conn, org), org


def test_each_kind_of_agreement(engine: Any) -> None:
    with engine.connect() as conn:
        got = {org: _terms(rights.active_grants(conn, org)) for org in
               ("none", "empty", "renewed", "suspended", "expired", "future", "mixed")}
        renewed = rights.active_grants(conn, "renewed")
    assert got["none"] is None and got["suspended"] is None and got["expired"] is None and got["future"] is None
    assert got["empty"] == {}  # an agreement in force that grants nothing is not "no agreement"
    assert set(got["renewed"]) == {"mps_crime", "las_incidents"}
    assert got["renewed"]["mps_crime"][:2] == ("records", frozenset({"crime_type"}))  # the longer agreement's terms
    assert got["renewed"]["las_incidents"][0] == "aggregate"
    assert renewed["mps_crime"].area is not None and renewed["mps_crime"].area.bounds == (525000, 175000, 535000, 185000)
    assert got["mixed"] == {"btp_crime": ("aggregate", None, None, None, None)}


def test_suspension_and_expiry_apply_at_once(engine: Any) -> None:
    with engine.begin() as conn:
        admin.set_suspended(conn, "renewed", True)
    with engine.connect() as conn:
        assert rights.active_grants(conn, "renewed") is None
    with engine.begin() as conn:
        admin.set_suspended(conn, "renewed", False)
        conn.execute(db.agreements.update().where(db.agreements.c.org_id == "renewed")
                     .values(expires_on=date(2000, 1, 1)))
    with engine.connect() as conn:
        assert rights.active_grants(conn, "renewed") is None
