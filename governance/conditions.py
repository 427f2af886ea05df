"""Conditions of use and declared purpose, checked on the client too.

The store is the authority (it refuses a sign-in without the current conditions version and a
permitted purpose); this module makes the plugin refuse the same things before anything is
sent, so an "enforcement" purpose never even reaches the network.
"""
from __future__ import annotations

from typing import Iterable, Optional
from .i18n import tr

#: never a purpose, whatever a store offers (seed: prevention and reduction only)
FORBIDDEN_PURPOSES = frozenset({"enforcement", "prosecution"})
_FORBIDDEN_WORDS = ("enforce", "prosecut")


class PurposeRefused(ValueError):
    """The chosen purpose is not allowed. ``user_message`` says what to do."""

    def __init__(self, user_message: str) -> None:
        self.user_message = user_message
        super().__init__(user_message)


class ConditionsRequired(ValueError):
    def __init__(self, user_message: str = "") -> None:
        self.user_message = user_message or tr("Read the conditions of use and tick that you accept them. "
                                               "They must be accepted at every sign-in.")
        super().__init__(self.user_message)


def is_forbidden(purpose_id: str) -> bool:
    p = (purpose_id or "").strip().lower()
    return p in FORBIDDEN_PURPOSES or any(w in p for w in _FORBIDDEN_WORDS)


def permitted_purposes(offered: Iterable[str]) -> list[str]:
    """The store's purposes minus anything forbidden (defence in depth)."""
    return [p for p in offered if not is_forbidden(p)]


def validate_purpose(purpose_id: Optional[str], offered: Iterable[str]) -> str:
    """Return the purpose id if it may be used, else raise ``PurposeRefused``."""
    p = (purpose_id or "").strip()
    if not p:
        raise PurposeRefused(tr("Choose the purpose of your work from the list before signing in."))
    if is_forbidden(p):
        raise PurposeRefused(tr("SafeStats data may be used only for preventing and reducing crime and harm, "
                                "never for enforcement or prosecution. Choose one of the listed purposes."))
    offered_list = list(offered)
    if p not in offered_list:
        raise PurposeRefused(tr("That purpose is not one the SafeStats store accepts. Choose one of the "
                                "listed purposes."))
    return p


def validate_acceptance(accepted: bool, accepted_version: Optional[str], current_version: str) -> str:
    """The user ticked acceptance of exactly the version the store currently shows."""
    if not accepted or not accepted_version:
        raise ConditionsRequired()
    if accepted_version != current_version:
        raise ConditionsRequired(tr("The conditions of use have changed since you read them. Read the new "
                                    "version and accept it to sign in."))
    return current_version
