"""Administration of organisations and Data Sharing Agreements (used by the CLI and the demo)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, insert, select, update

from . import accounts, db
from .catalogue import DATASETS


@dataclass(frozen=True)
class GrantSpec:
    dataset_id: str
    access: str = "records"
    fields: tuple[str, ...] | None = None
    area: BaseGeometry | None = None
    area_name: str | None = None
    history_months: int | None = None

    def validate(self) -> None:
        if self.dataset_id not in DATASETS:
            raise ValueError(f"unknown dataset {self.dataset_id}")
        if self.access not in ("records", "aggregate"):
            raise ValueError("access must be 'records' or 'aggregate'")
        if self.fields is not None:
            unknown = set(self.fields) - set(DATASETS[self.dataset_id].field_names)
            if unknown:
                raise ValueError(f"unknown field(s) for {self.dataset_id}: {', '.join(sorted(unknown))}")


def add_organisation(conn: Connection, org_id: str, name: str, kind: str, borough_code: str | None = None) -> None:
    conn.execute(insert(db.organisations).values(id=org_id, name=name, kind=kind, borough_code=borough_code))


def add_agreement(conn: Connection, org_id: str, title: str, signed_on: date, expires_on: date,
                  grant_specs: list[GrantSpec], suspended: bool = False) -> int:
    for g in grant_specs:
        g.validate()
    res = conn.execute(insert(db.agreements).values(org_id=org_id, title=title, signed_on=signed_on,
                                                    expires_on=expires_on, suspended=suspended))
    agreement_id = int(res.inserted_primary_key[0])
    if grant_specs:
        conn.execute(insert(db.grants), [dict(
            agreement_id=agreement_id, dataset_id=g.dataset_id, access=g.access,
            fields=None if g.fields is None else json.dumps(list(g.fields)),
            area_wkt=None if g.area is None else g.area.wkt, area_name=g.area_name,
            history_months=g.history_months) for g in grant_specs])
    return agreement_id


def set_suspended(conn: Connection, org_id: str, suspended: bool) -> int:
    """Suspend or resume every agreement of an organisation; suspension also revokes its sessions."""
    n = conn.execute(update(db.agreements).where(db.agreements.c.org_id == org_id).values(suspended=suspended)).rowcount
    if suspended:
        accounts.revoke_organisation_tokens(conn, org_id)
    return n


def list_agreements(conn: Connection) -> list[dict]:
    out = []
    for a in conn.execute(select(db.agreements).order_by(db.agreements.c.org_id)):
        gs = conn.execute(select(db.grants).where(db.grants.c.agreement_id == a.id)).all()
        out.append({"id": a.id, "org_id": a.org_id, "title": a.title, "signed_on": str(a.signed_on),
                    "expires_on": str(a.expires_on), "suspended": a.suspended,
                    "grants": [{"dataset": g.dataset_id, "access": g.access, "fields": g.fields,
                                "area": g.area_name, "history_months": g.history_months} for g in gs]})
    return out
