"""The demo's agreements are dated from the day the demo database is built: built on any day, every
demo organisation can sign in except the Home Office, whose agreement expired 30 days before."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import create_engine, select

from safestats_store import db, demo


def test_agreements_are_relative_to_the_build_day(tmp_path, monkeypatch):
    built = datetime(2025, 7, 15, 9, 0, 0)  # a past day: ingest refuses future records
    monkeypatch.setattr(demo, "utcnow", lambda: built)
    engine = create_engine(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    demo.run(engine, scale=0.0005, password="demo-Password-2025")
    with engine.connect() as conn:
        rows = conn.execute(select(db.agreements.c.org_id, db.agreements.c.signed_on,
                                   db.agreements.c.expires_on)).all()
    assert rows
    for org_id, signed_on, expires_on in rows:
        assert signed_on == date(2023, 4, 1), org_id
        if org_id == "homeoffice":
            assert (built.date() - expires_on).days == 30
        else:
            assert expires_on == date(2027, 3, 31), org_id
