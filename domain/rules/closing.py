"""Closing a journey (J-13), from rule set 2027-1: never with a patient still under
observation. A dosed session without a discharge means someone is in the chair (or left
without the discharge on record); closing would hide that for good, since nothing
clinical is accepted on a closed journey."""

from __future__ import annotations

from domain.errors import RuleViolationError
from domain.journey_facts import JourneyFacts


def check_close(facts: JourneyFacts) -> None:
    if not facts.profile.enforces("2027-1"):
        return
    for session in facts.ordered_sessions():
        if session["dose"] is not None and session["discharge"] is None:
            number = session["session"]
            raise RuleViolationError(
                "J-13",
                f"Session {number} was dosed and the patient is not discharged: record "
                f"PatientDischarged for session {number} before closing the journey.",
            )
