"""Serious adverse events the Spravato REMS was not told of (C-12, protocol 2027-1).

The REMS requires every serious adverse event of a REMS patient to be reported to it.
The record says where an event was reported (``reported_to``); an auditor reads which
serious events lack "rems". Journeys opened before 2027-1 could not record where an
event was reported, so they are not judged on it.
"""

from __future__ import annotations

from domain.compliance.evidence import involved
from domain.compliance.finding import Finding
from domain.entries import stamp
from domain.fact_records import AdverseEventFact
from domain.journey_facts import JourneyFacts


def unreported_serious_event_findings(facts: JourneyFacts) -> list[Finding]:
    profile = facts.profile
    if not (profile.has_rems and profile.enforces("2027-1")):
        return []
    return [
        Finding(
            "C-12",
            f"version-{event['version']}",
            involved(facts, as_corrected=(event["version"],)),
            _detail(event),
            at=event["at"],
        )
        for event in facts.adverse_events
        if event["severity"] == "serious" and "rems" not in event["reported_to"]
    ]


def _detail(event: AdverseEventFact) -> str:
    where = " and ".join(event["reported_to"]) or "nowhere"
    session = f" in session {event['session']}" if event["session"] is not None else ""
    return (
        f"Serious adverse event ({event['kind']}){session} of {stamp(event['at'])} "
        f"(version {event['version']}) was reported to {where}, not to the Spravato REMS: "
        "report it, then correct the entry's reported_to to include rems."
    )
