"""What the rules read from the replayed facts (the doses given, the entries involved) and
how findings write times, spans and staff, so every rule reads the same way."""

from __future__ import annotations

from datetime import timedelta

from domain.fact_records import DoseFact, SessionFact
from domain.journey_facts import JourneyFacts

STAFF_WORDS = {
    "therapist_present": "a therapist in the room (therapist_present)",
    "prescriber_on_site": "a prescriber on site (prescriber_on_site)",
}


def span(delta: timedelta) -> str:
    """A duration as an auditor reads it: minutes below two hours, hours below two days."""
    hours = delta.total_seconds() / 3600
    if hours < 2:
        return f"{round(hours * 60):g} min"
    if hours < 48:
        return f"{round(hours, 1):g} h"
    return f"{round(hours / 24, 1):g} days"


def dosed_sessions(facts: JourneyFacts) -> list[tuple[SessionFact, DoseFact]]:
    """Sessions with a dose, in session order; a cancelled session is not a dose."""
    return [
        (session, session["dose"])
        for session in facts.ordered_sessions()
        if session["dose"] is not None and session["cancellation"] is None
    ]


def involved(
    facts: JourneyFacts, *versions: int, as_corrected: tuple[int, ...] = ()
) -> tuple[int, ...]:
    """The entries a finding names, in version order.

    A fact keeps its original entry's version. Where a finding turns on an entry's
    content (``as_corrected``), every correction of that entry is evidence too; an entry
    named only for its time is not (a correction never changes when an entry occurred).
    """
    named = {*versions, *as_corrected}
    named |= {c["version"] for c in facts.corrections if c["corrects_version"] in as_corrected}
    return tuple(sorted(named))
