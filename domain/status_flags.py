"""A journey's flags, each with what raised it and when (``JourneyStatus.flag_details``).

A flag is present exactly when it has at least one detail, so the flags and their
details cannot disagree. Details name only what staff already read in the journey's
history (kinds, sessions, times, who overrode and why), never more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.entries import stamp
from domain.journey_facts import Duty, JourneyFacts
from domain.measurement import measures_due
from domain.rules.medications import interaction_sentences

FLAG_ORDER = (
    "safety_hold",
    "integration_overdue",
    "rems_form_overdue",
    "adverse_event",
    "override_used",
    "late_entry",
    "interaction_review",
    "measure_due",
    "unverified_code",
)


@dataclass(frozen=True)
class FlagDetail:
    """One thing behind a flag: a sentence, when it happened or fell due, its session."""

    text: str
    at: datetime | None = None
    session: int | None = None


def _span(seconds: float) -> str:
    hours = seconds / 3600
    return f"{round(hours, 1):g} h" if hours < 48 else f"{round(hours / 24, 1):g} days"


def _holds(facts: JourneyFacts) -> list[FlagDetail]:
    return [
        FlagDetail(f"{t['level'].capitalize()} safety hold: {t['reason']}.", t["at"])
        for t in facts.active_holds()
    ]


def _overdue(facts: JourneyFacts, duty: Duty, now: datetime) -> list[FlagDetail]:
    what = "integration session" if duty == "integration" else "REMS monitoring form"
    found = []
    for session in facts.ordered_sessions():
        due = facts.due_at(duty, session)
        if session[duty] is None and due is not None and now > due:
            n = session["session"]
            text = f"The {what} for session {n} was due by {stamp(due)}."
            found.append(FlagDetail(text, due, n))
    return found


def _adverse_events(facts: JourneyFacts) -> list[FlagDetail]:
    found = []
    for event in facts.adverse_events:
        onset = event["onset_at"] or event["at"]
        where = f" in session {event['session']}" if event["session"] is not None else ""
        kind = event["kind"].replace("_", " ")
        text = f"{event['severity'].capitalize()} {kind}{where}, {stamp(onset)}."
        found.append(FlagDetail(text, onset, event["session"]))
    return found


def _session_of_entry(facts: JourneyFacts, version: int) -> int | None:
    """The session whose dose, booster or discharge is the entry ``version``."""
    for session in facts.ordered_sessions():
        entries = [session["dose"], session["discharge"], *session["boosters"]]
        if any(e is not None and e["version"] == version for e in entries):
            return session["session"]
    return None


def _overrides(facts: JourneyFacts) -> list[FlagDetail]:
    return [
        FlagDetail(
            f"Override of the {o['what']} by {o['by']}: {o['reason']}",
            o["at"],
            _session_of_entry(facts, o["version"]),
        )
        for o in facts.overrides
    ]


def _late_entries(facts: JourneyFacts) -> list[FlagDetail]:
    return [
        FlagDetail(
            f"{late['type']} recorded "
            f"{_span((late['recorded_at'] - late['at']).total_seconds())} after it occurred "
            f"(version {late['version']}).",
            late["at"],
        )
        for late in facts.late_entries
    ]


def _interactions(facts: JourneyFacts) -> list[FlagDetail]:
    current = facts.medications()
    at = current["at"] if current is not None else None
    return [FlagDetail(sentence, at) for sentence in interaction_sentences(facts)]


def _measures(facts: JourneyFacts, now: datetime) -> list[FlagDetail]:
    return [
        FlagDetail(
            f"The {d.text} is due since {stamp(d.due_since)}: record it as {d.timepoint}.",
            d.due_since,
            d.session,
        )
        for d in measures_due(facts, now)
    ]


def _unverified_codes(facts: JourneyFacts) -> list[FlagDetail]:
    at = facts.consultation["at"] if facts.consultation is not None else None
    return [
        FlagDetail(f"Diagnosis {d['code']} is not in the service's ICD-10-CM table: check it.", at)
        for d in facts.diagnoses
        if not d["verified"]
    ]


def flag_details_of(facts: JourneyFacts, now: datetime) -> dict[str, list[FlagDetail]]:
    """Each flag present, in ``FLAG_ORDER``, with its details (never an empty list)."""
    details = {
        "safety_hold": _holds(facts),
        "integration_overdue": _overdue(facts, "integration", now),
        "rems_form_overdue": _overdue(facts, "rems_form", now),
        "adverse_event": _adverse_events(facts),
        "override_used": _overrides(facts),
        "late_entry": _late_entries(facts),
        "interaction_review": _interactions(facts),
        "measure_due": _measures(facts, now),
        "unverified_code": _unverified_codes(facts),
    }
    return {flag: details[flag] for flag in FLAG_ORDER if details[flag]}
