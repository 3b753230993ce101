"""After the dose: discharge (J-10), integration (J-11), cancellation and REMS form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.errors import RuleViolationError
from domain.journey_facts import JourneyFacts
from domain.rules.common import refuse_first
from domain.rules.discharge import discharge_blockers
from domain.rules.discharge_record import check_discharge_vitals, check_resolved
from domain.rules.dose import valid_override
from domain.rules.rems import check_rems_entry
from domain.rules.sessions import existing_session


def observation_minutes(dosed_at: datetime, until: datetime) -> float:
    return (until - dosed_at).total_seconds() / 60


def check_discharge(facts: JourneyFacts, data: Mapping[str, Any], at: datetime) -> None:
    """J-10: observed long enough (and monitored) as the profile asks, alert, escorted,
    resolved and within the discharge vitals (see ``domain.rules.discharge``)."""
    number = int(data["session"])
    session = existing_session(facts, number)
    dose = session["dose"]
    if dose is None:
        raise RuleViolationError(
            "J-10", f"Session {number} has no dose yet: nothing to discharge from."
        )
    if session["discharge"] is not None:
        raise RuleViolationError("J-10", f"Session {number} is already discharged.")
    overridden = valid_override(data.get("override"))
    refuse_first(
        [b for b in discharge_blockers(facts, session, at) if not (overridden and b.overridable)]
    )
    profile = facts.profile
    if not data.get("alert_and_oriented"):
        raise RuleViolationError("J-10", "Discharge needs the patient alert and oriented.")
    if profile.escort_required and not data.get("released_to"):
        raise RuleViolationError("J-10", "Discharge needs an escort: name released_to.")
    check_resolved(profile, number, data)
    check_discharge_vitals(profile, number, data)


def check_integration(facts: JourneyFacts, data: Mapping[str, Any]) -> None:
    number = int(data["session"])
    session = facts.session(number)
    if session is None or session["discharge"] is None:
        raise RuleViolationError(
            "J-11", f"Session {number} is not discharged: integration follows discharge."
        )
    if session["integration"] is not None:
        raise RuleViolationError("J-11", f"Session {number} is already integrated.")


def check_cancellation(facts: JourneyFacts, data: Mapping[str, Any]) -> None:
    number = int(data["session"])
    session = existing_session(facts, number)
    if session["cancellation"] is not None:
        raise RuleViolationError("J-08", f"Session {number} is already cancelled.")
    if session["dose"] is not None:
        raise RuleViolationError(
            "J-08", f"Session {number} was dosed: it cannot be cancelled; discharge it instead."
        )


def check_session_note(facts: JourneyFacts, data: Mapping[str, Any]) -> None:
    """Vitals and therapy notes name an opened session (an adverse event may name none)."""
    if data.get("session") is not None:
        existing_session(facts, int(data["session"]))


def check_rems_form(facts: JourneyFacts, data: Mapping[str, Any]) -> None:
    if facts.profile.enforces("2027-1"):
        check_rems_entry(facts, "RemsMonitoringFormSubmitted")
    number = int(data["session"])
    session = existing_session(facts, number)
    if session["dose"] is None:
        raise RuleViolationError(
            "J-08", f"Session {number} has no dose: the REMS form follows a dosing session."
        )
    if session["rems_form"] is not None:
        raise RuleViolationError("J-08", f"Session {number} already has its REMS form.")
