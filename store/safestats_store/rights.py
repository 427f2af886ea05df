"""Data Sharing Agreements turned into per-request rights.

An organisation's active agreement (signed, not expired, not suspended) grants datasets, each
with: record-level or aggregate-only access, an optional field allow-list, an optional area
polygon (EPSG:27700) and an optional history window. Rights are re-read on every request, so a
suspension or expiry takes effect on the very next request.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, select

from . import db, spatial
from .catalogue import DATASETS, DERIVED_FIELDS, Dataset, Field
from .clock import utcnow


@dataclass(frozen=True)
class Grant:
    dataset_id: str
    access: str  # records | aggregate
    fields: frozenset[str] | None
    area: BaseGeometry | None
    area_wkt: str | None
    area_name: str | None
    history_months: int | None

    @property
    def dataset(self) -> Dataset:
        return DATASETS[self.dataset_id]

    @property
    def aggregate_only(self) -> bool:
        return self.access == "aggregate"

    def history_from(self, now: datetime | None = None) -> datetime | None:
        if self.history_months is None:
            return None
        now = now or utcnow()
        months = now.year * 12 + (now.month - 1) - self.history_months
        return datetime(months // 12, months % 12 + 1, 1)

    def visible_fields(self) -> list[Field]:
        """Derived fields plus the dataset fields the agreement allows, in catalogue order."""
        own = [f for f in self.dataset.fields if self.fields is None or f.name in self.fields]
        return list(DERIVED_FIELDS) + own


def active_agreement_ids(conn: Connection, org_id: str, today: date | None = None) -> list[int]:
    """The organisation's agreements in force today (signed, not expired, not suspended), the one
    that runs longest first (the newest first among equals)."""
    return [int(r.id) for r in conn.execute(
        select(db.agreements.c.id).where(*_in_force(org_id, today)).order_by(*_LONGEST_FIRST))]


#: agreements that run longest first, the newest first among equals
_LONGEST_FIRST = (db.agreements.c.expires_on.desc(), db.agreements.c.id.desc())


def _in_force(org_id: str, today: date | None = None) -> tuple:
    """The organisation's agreements in force today: signed, not expired, not suspended."""
    today = today or utcnow().date()
    a = db.agreements
    return a.c.org_id == org_id, a.c.suspended.is_(False), a.c.signed_on <= today, a.c.expires_on >= today


def active_agreement_id(conn: Connection, org_id: str, today: date | None = None) -> int | None:
    ids = active_agreement_ids(conn, org_id, today)
    return ids[0] if ids else None


def has_active_agreement(conn: Connection, org_id: str) -> bool:
    return active_agreement_id(conn, org_id) is not None


def grants_for(conn: Connection, org_id: str) -> dict[str, Grant]:
    """The organisation's grants ({} without an active agreement)."""
    return active_grants(conn, org_id) or {}


def active_grants(conn: Connection, org_id: str) -> dict[str, Grant] | None:
    """The organisation's grants, or None when no agreement is in force (read afresh on every
    request: a suspension or expiry applies at once).

    An organisation may hold several agreements in force (e.g. one for police data, one for health
    data, or a renewal signed before the old one ends): every dataset any of them grants is
    available, each on the terms of the agreement that runs longest (the newest among equals), so
    a renewal with narrower terms supersedes the agreement it renews.
    """
    a, grants = db.agreements, db.grants
    rows = conn.execute(  # one query: each agreement in force (ranked) with its grants, if any
        select(a.c.id, grants.c.dataset_id, grants.c.access, grants.c.fields, grants.c.area_wkt,
               grants.c.area_name, grants.c.history_months)
        .select_from(a.outerjoin(grants, grants.c.agreement_id == a.c.id))
        .where(*_in_force(org_id)).order_by(*_LONGEST_FIRST, grants.c.id)).all()
    if not rows:
        return None
    out: dict[str, Grant] = {}
    for g in rows:
        if g.dataset_id is None or g.dataset_id not in DATASETS or g.dataset_id in out:
            continue  # an agreement without grants, a dataset no longer served, or granted by a longer one
        out[g.dataset_id] = Grant(
            g.dataset_id, g.access, None if g.fields is None else frozenset(json.loads(g.fields)),
            None if g.area_wkt is None else spatial.parse_wkt(g.area_wkt), g.area_wkt, g.area_name, g.history_months)
    return out

