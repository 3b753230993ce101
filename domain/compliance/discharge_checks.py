"""C-04: each discharge after the minimum observation time and to an escort where required."""

from __future__ import annotations

from domain.compliance.evidence import dosed_sessions, involved, stamp
from domain.compliance.finding import Finding
from domain.fact_records import DischargeFact, DoseFact
from domain.journey_facts import JourneyFacts
from domain.rules.aftercare import observation_minutes
from domain.rules.dose import valid_override


def _observation(
    facts: JourneyFacts, n: int, dose: DoseFact, discharge: DischargeFact
) -> Finding | None:
    """Too early, unless a prescriber's override with a reason allowed it (as J-10 does);
    such an override is listed under C-10."""
    minimum = facts.profile.min_observation_minutes
    watched = observation_minutes(dose["at"], discharge["at"])
    if watched >= minimum or valid_override(discharge["override"]):
        return None
    return Finding(
        "C-04",
        f"session-{n}/observation",
        involved(facts, dose["version"], as_corrected=(discharge["version"],)),
        f"Session {n} was discharged at {stamp(discharge['at'])} (version "
        f"{discharge['version']}) after {max(watched, 0):.0f} min of observation since the "
        f"dose (version {dose['version']}); {facts.profile.name} requires at least {minimum} "
        "min, and no valid prescriber override was given.",
        at=discharge["at"],
    )


def _escort(facts: JourneyFacts, n: int, discharge: DischargeFact) -> Finding | None:
    if not facts.profile.escort_required or discharge["released_to"]:
        return None
    return Finding(
        "C-04",
        f"session-{n}/escort",
        involved(facts, as_corrected=(discharge["version"],)),
        f"Session {n} was discharged at {stamp(discharge['at'])} (version "
        f"{discharge['version']}) without an escort (released_to is empty); "
        f"{facts.profile.name} requires one.",
        at=discharge["at"],
    )


def discharge_findings(facts: JourneyFacts) -> list[Finding]:
    found: list[Finding | None] = []
    for session, dose in dosed_sessions(facts):
        discharge = session["discharge"]
        if discharge is not None:
            n = session["session"]
            found += [_observation(facts, n, dose, discharge), _escort(facts, n, discharge)]
    return [f for f in found if f is not None]
