"""Measurement-based care: which scales the protocol wants when (C-13, ``measure_due``).

The profile's ``measurement_schedule`` lists each scale's points (2027-1: PHQ-9 at
baseline, after session 3 and at the end of the series; PCL-5 and GAD-7 at baseline and
end of series when ptsd or anxiety is a presenting concern). Profiles before 2027-1 have
an empty schedule, so nothing is ever due under them.

- A **baseline** falls due with the consultation and can be taken until the first dose;
  any ``baseline`` measure of the scale at or before the first dose takes it.
- **After session N** falls due once the Nth dose's session is discharged; any measure
  of the scale taken since that discharge, of any timepoint but ``baseline``, takes it.
- **End of series** falls due once the series' last dose (the ``series_length``-th) is
  discharged; an ``end_of_series`` measure taken since that dose takes it (as C-06 reads
  the end-of-series PHQ-9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.fact_records import DoseFact, Fact, MeasureFact, SessionFact
from domain.journey_facts import JourneyFacts

RECORD_AS = {"baseline": "baseline", "after_session": "follow_up", "end_of_series": "end_of_series"}
"""The timepoint staff record each scheduled measure under."""


@dataclass(frozen=True)
class DueMeasure:
    instrument: str
    timepoint: str
    """The timepoint to record it under: baseline, follow_up or end_of_series."""
    text: str
    due_since: datetime
    session: int | None = None
    """The dosing session it follows (after a session, end of series)."""


def applicable_schedule(facts: JourneyFacts) -> list[dict[str, Any]]:
    """The schedule's points for this journey (a ``concern`` point needs that concern)."""
    concerns = set(facts.presenting_concerns)
    return [
        point
        for point in facts.profile.measurement_schedule
        if point.get("concern") is None or point["concern"] in concerns
    ]


def dosed_in_order(facts: JourneyFacts) -> list[tuple[SessionFact, DoseFact]]:
    """Sessions with a dose not cancelled, in session order: the Nth is the Nth dose."""
    return [
        (s, s["dose"])
        for s in facts.ordered_sessions()
        if s["dose"] is not None and s["cancellation"] is None
    ]


def followed_session(
    facts: JourneyFacts, point: dict[str, Any]
) -> tuple[SessionFact, DoseFact] | None:
    """The dosed session a later point follows: session N, or the series' last."""
    nth = point["session"] if point["due"] == "after_session" else facts.profile.series_length
    dosed = dosed_in_order(facts)
    return dosed[nth - 1] if len(dosed) >= nth else None


def _when(measure: MeasureFact) -> tuple[datetime, int]:
    return measure["at"], measure["version"]


def baseline_taken(facts: JourneyFacts, instrument: str) -> MeasureFact | None:
    """The latest baseline at or before the first dose (any while nothing is dosed)."""
    first = min((d["at"] for _s, d in dosed_in_order(facts)), default=None)
    taken = [
        m
        for m in facts.measures_of(instrument)
        if m["timepoint"] == "baseline" and (first is None or m["at"] <= first)
    ]
    return max(taken, key=_when, default=None)


def taken_since(facts: JourneyFacts, point: dict[str, Any], since: datetime) -> MeasureFact | None:
    """The first measure since ``since`` that takes a later point of the schedule."""
    if point["due"] == "end_of_series":
        fits = [
            m for m in facts.measures_of(point["instrument"]) if m["timepoint"] == "end_of_series"
        ]
    else:
        fits = [m for m in facts.measures_of(point["instrument"]) if m["timepoint"] != "baseline"]
    return min((m for m in fits if m["at"] >= since), key=_when, default=None)


def counted_from(point: dict[str, Any], session: SessionFact, dose: DoseFact) -> datetime:
    """Where a later point's measures count from: the discharge after a session, the dose
    at the end of the series (C-06's reading)."""
    discharge: Fact | None = session["discharge"]
    if point["due"] == "after_session" and discharge is not None:
        return discharge["at"]
    return dose["at"]


def describe(point: dict[str, Any], session: int | None) -> str:
    """``PHQ-9 after session 3``, ``baseline GAD-7``, ``end-of-series PCL-5 (after
    session 8)``: the point as staff name it."""
    if point["due"] == "baseline":
        return f"baseline {point['instrument']}"
    if point["due"] == "after_session":
        return f"{point['instrument']} after session {session}"
    return f"end-of-series {point['instrument']} (after session {session})"


def measures_due(facts: JourneyFacts, now: datetime) -> list[DueMeasure]:
    """The measures the profile's schedule wants now and the record lacks."""
    if facts.closed or facts.ineligible:
        return []
    due = []
    for point in applicable_schedule(facts):
        instrument = point["instrument"]
        record_as = RECORD_AS[point["due"]]
        if point["due"] == "baseline":
            consultation = facts.consultation
            if consultation is None or consultation["at"] > now or dosed_in_order(facts):
                continue  # not due yet, or its moment has passed (C-13 reports it)
            if baseline_taken(facts, instrument) is None:
                text = describe(point, None)
                due.append(DueMeasure(instrument, record_as, text, consultation["at"]))
            continue
        followed = followed_session(facts, point)
        discharge = followed[0]["discharge"] if followed is not None else None
        if followed is None or discharge is None:
            continue
        session, dose = followed
        discharged_at = discharge["at"]
        if discharged_at > now or taken_since(facts, point, counted_from(point, session, dose)):
            continue
        text = describe(point, session["session"])
        due.append(DueMeasure(instrument, record_as, text, discharged_at, session["session"]))
    return due


def measure_step_text(due: list[DueMeasure]) -> str:
    """The next step's sentence: every measure due, with the timepoint to record."""
    named = [f"the {d.text} (timepoint {d.timepoint})" for d in due]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"Record {listed}."
