"""C-04: each discharge after the minimum observation time (under the Spravato REMS, override
or not) and to an escort where required."""

from __future__ import annotations

from domain.compliance.evidence import dosed_sessions, involved
from domain.compliance.finding import Finding
from domain.entries import stamp
from domain.fact_records import DischargeFact, SessionFact
from domain.journey_facts import JourneyFacts, administrations
from domain.rules.aftercare import observation_minutes
from domain.rules.dose import valid_override


def _observation(
    facts: JourneyFacts, n: int, session: SessionFact, discharge: DischargeFact
) -> Finding | None:
    """Too early, unless a prescriber's override with a reason allowed it (as J-10 does;
    such an override is listed under C-10). Under the Spravato REMS the minimum has no
    override: an early discharge is reported whatever override it carries. Observation
    counts from the session's last administration, as J-10 counts it."""
    profile = facts.profile
    minimum = profile.min_observation_minutes
    given = administrations(session)[-1]
    watched = observation_minutes(given["at"], discharge["at"])
    waived = valid_override(discharge["override"]) and not profile.has_rems
    if watched >= minimum or waived:
        return None
    if profile.has_rems and discharge["override"]:
        excuse = "the REMS minimum admits no override, so the override given does not cover it."
    else:
        excuse = "no valid prescriber override was given."
    return Finding(
        "C-04",
        f"session-{n}/observation",
        involved(facts, given["version"], as_corrected=(discharge["version"],)),
        f"Session {n} was discharged at {stamp(discharge['at'])} (version "
        f"{discharge['version']}) after {max(watched, 0):.0f} min of observation since the "
        f"{'last administration' if session['boosters'] else 'dose'} (version "
        f"{given['version']}); {profile.name} requires at least {minimum} min, and {excuse}",
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
    for session, _dose in dosed_sessions(facts):
        discharge = session["discharge"]
        if discharge is not None:
            n = session["session"]
            found += [_observation(facts, n, session, discharge), _escort(facts, n, discharge)]
    return [f for f in found if f is not None]
