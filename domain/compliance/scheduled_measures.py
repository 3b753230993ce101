"""C-13: the measures the profile's schedule wanted and the record never took on time.

Read with ``domain.measurement`` (the same schedule, the same measures that take each
point), so the audit and the ``measure_due`` flag cannot disagree:

- a baseline missing at the first dose (found at the dose, no deadline);
- a measure after session N, or at the end of the series, missing
  ``END_OF_SERIES_DUE_DAYS`` (14) days after it fell due, counted like C-06's
  end-of-series PHQ-9 (from the discharge, or the dose where none is on record); one
  taken later is reported with how late, as C-06 does.

C-06 already reports the PHQ-9 baseline and the end-of-series PHQ-9, so C-13 leaves
those two points to it (one finding per missing measure, never two). Under profiles
before 2027-1 the schedule is empty and C-13 finds nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.compliance.deadlines import duty_finding
from domain.compliance.evidence import involved
from domain.compliance.finding import Finding
from domain.compliance.measures import END_OF_SERIES_DUE_DAYS
from domain.entries import stamp
from domain.journey_facts import JourneyFacts
from domain.measurement import (
    applicable_schedule,
    baseline_taken,
    counted_from,
    describe,
    dosed_in_order,
    followed_session,
    taken_since,
)

C06_POINTS = {("PHQ-9", "baseline"), ("PHQ-9", "end_of_series")}
"""Points C-06 reports already."""


def _occurrence(point: dict[str, Any], session: int | None) -> str:
    instrument = point["instrument"].lower()
    if point["due"] == "baseline":
        return f"{instrument}/baseline"
    if point["due"] == "after_session":
        return f"{instrument}/after-session-{session}"
    return f"{instrument}/end-of-series"


def _missing_baseline(facts: JourneyFacts, point: dict[str, Any]) -> Finding | None:
    dosed = dosed_in_order(facts)
    if not dosed or baseline_taken(facts, point["instrument"]) is not None:
        return None
    session, first = min(dosed, key=lambda sd: (sd[1]["at"], sd[1]["version"]))
    return Finding(
        "C-13",
        _occurrence(point, None),
        involved(facts, first["version"]),
        f"The first dose (session {session['session']}, version {first['version']}, "
        f"{stamp(first['at'])}) has no baseline {point['instrument']} at or before it; "
        f"{facts.profile.name} {facts.profile.version} schedules one.",
        at=first["at"],
    )


def _missing_later(facts: JourneyFacts, point: dict[str, Any]) -> Finding | None:
    followed = followed_session(facts, point)
    if followed is None:
        return None  # the session it follows has not been given: nothing is due yet
    session, dose = followed
    ended = session["discharge"] or dose
    return duty_finding(
        facts,
        "C-13",
        _occurrence(point, session["session"]),
        duty=(
            f"The {describe(point, session['session'])} that {facts.profile.name} "
            f"{facts.profile.version} schedules (due within {END_OF_SERIES_DUE_DAYS} days)"
        ),
        after=ended,
        due_at=ended["at"] + timedelta(days=END_OF_SERIES_DUE_DAYS),
        done=taken_since(facts, point, counted_from(point, session, dose)),
    )


def scheduled_measure_findings(facts: JourneyFacts) -> list[Finding]:
    """C-13 over the journey's schedule, leaving C-06's two PHQ-9 points to it."""
    found = []
    for point in applicable_schedule(facts):
        if (point["instrument"], point["due"]) in C06_POINTS:
            continue
        if point["due"] == "baseline":
            finding = _missing_baseline(facts, point)
        else:
            finding = _missing_later(facts, point)
        if finding is not None:
            found.append(finding)
    return found
