"""Conditions of use and declared purposes.

The seed FOI answer: every user "formally agrees to the SafeStats conditions of use upon every
system log in"; data is "for the prevention and reduction of community safety issues ... not to be
used for informing enforcement or prosecution-related work". Purposes are therefore a closed list
of prevention/reduction categories; enforcement is not one of them and never will be.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from . import db
from .clock import utcnow

PURPOSES: dict[str, str] = {
    "crime_prevention": "Crime and disorder prevention (Section 17 duty)",
    "violence_reduction": "Violence reduction and public-health approach",
    "community_safety_strategy": "Community safety strategic assessment or plan",
    "partnership_problem_solving": "Partnership problem solving for a place or issue",
    "service_planning": "Planning prevention or diversion services",
    "evaluation": "Evaluating a prevention or reduction intervention",
}
REFUSED_PURPOSES = {"enforcement", "prosecution", "investigation", "intelligence"}

DEFAULT_VERSION = "2026-01"
DEFAULT_TITLE = "SafeStats conditions of use"
DEFAULT_TEXT = """\
By signing in you agree, for this session, that:
1. You will use SafeStats data only for the prevention and reduction of crime, disorder and other \
community safety issues, through interventive and preventative work.
2. You will not use SafeStats data to inform enforcement, prosecution or investigation of any individual.
3. You will not attempt to identify any person from the data, nor combine it with other data to do so.
4. You will not publish or share counts below the disclosure threshold (5), nor any map or table \
from which such counts can be derived.
5. You will keep data within your organisation, under its Data Sharing Agreement, store it only as \
long as needed (cached extracts are purged after 28 days) and mark outputs OFFICIAL-SENSITIVE.
6. Your access and every extraction are logged and audited by the GLA SafeStats team.
"""


@dataclass(frozen=True)
class Conditions:
    version: str
    title: str
    text: str

    def as_json(self) -> dict:
        return {
            "version": self.version, "title": self.title, "text": self.text,
            "purposes": [{"id": k, "label": v} for k, v in PURPOSES.items()],
        }


def current(conn: Connection) -> Conditions | None:
    row = conn.execute(
        select(db.conditions).order_by(db.conditions.c.published_at.desc(), db.conditions.c.version.desc())
    ).first()
    return None if row is None else Conditions(row.version, row.title, row.text)


def publish(conn: Connection, version: str, title: str, text: str) -> Conditions:
    """Publish a new version: from now on every sign-in must accept it."""
    if conn.execute(select(db.conditions.c.version).where(db.conditions.c.version == version)).first():
        raise ValueError(f"conditions version {version} already exists")
    conn.execute(insert(db.conditions).values(version=version, title=title, text=text, published_at=utcnow()))
    return Conditions(version, title, text)


def purpose_is_permitted(purpose: str | None) -> bool:
    return bool(purpose) and purpose in PURPOSES
