"""A treatment plan's own preconditions (J-09, protocol 2027-1).

A maintenance plan is a prescriber's decision taken on evidence: the induction series has
been given and its last session is over (or maintenance is already under way), and a
PHQ-9 taken after the series' last dose shows where the patient stands. Its size is
bounded, so a plan is reviewed at least every so many sessions. Journeys opened under
2026-11-01 accept any plan, as they did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.entries import Actor, stamp
from domain.errors import RuleViolationError
from domain.journey_facts import JourneyFacts
from domain.protocol_profile import ProtocolProfile
from domain.rules.sessions import is_finished


def _series_not_over(facts: JourneyFacts) -> str | None:
    length = facts.profile.series_length
    given = len(facts.doses())
    if given < length:
        return (
            f"The induction series is not complete ({given} of {length} doses given): "
            "a treatment plan follows the series."
        )
    last = facts.last_session()
    if last is not None and not facts.in_maintenance() and not is_finished(facts, last):
        n = last["session"]
        return f"Session {n} is not finished: discharge it (and integrate it where needed) first."
    return None


def _no_end_of_series_measure(facts: JourneyFacts) -> str | None:
    """Read as C-06 and the measurement schedule read it: taken at or after that dose."""
    series_end = facts.doses()[facts.profile.series_length - 1]["at"]
    measured = [
        m
        for m in facts.measures_of("PHQ-9")
        if m["timepoint"] == "end_of_series" and m["at"] >= series_end
    ]
    if measured:
        return None
    return (
        "No end-of-series PHQ-9 since the series' last dose "
        f"({stamp(series_end)}): record OutcomeMeasureRecorded "
        "(PHQ-9, timepoint end_of_series) first."
    )


def _size_problem(profile: ProtocolProfile, data: Mapping[str, Any]) -> str | None:
    most = profile.max_further_sessions_per_plan
    further = int(data["further_sessions"])
    if most is not None and further > most:
        return (
            f"A plan grants at most {most} further sessions ({further} asked): plan {most} "
            "or fewer and review again when they are given."
        )
    interval = data.get("interval_weeks")
    if interval is None or int(interval) < 1:
        return f"interval_weeks must be at least 1 ({interval} given)."
    return None


def check_treatment_plan(facts: JourneyFacts, data: Mapping[str, Any], by: Actor) -> None:
    """Refuse a TreatmentPlanUpdated the protocol's rule set does not allow (J-09)."""
    if not facts.profile.enforces("2027-1"):
        return
    if by.role != "prescriber":
        raise RuleViolationError(
            "J-09", "A treatment plan is a prescriber's decision: record it as a prescriber."
        )
    problem = (
        _size_problem(facts.profile, data)
        or _series_not_over(facts)
        or _no_end_of_series_measure(facts)
    )
    if problem:
        raise RuleViolationError("J-09", problem)


def check_corrected_plan(data: Mapping[str, Any], profile: ProtocolProfile) -> None:
    """A corrected plan keeps within the size a plan may have (J-09): a correction may
    fix what was keyed, not grant more than the protocol lets one plan grant."""
    if not profile.enforces("2027-1"):
        return
    problem = _size_problem(profile, data)
    if problem:
        raise RuleViolationError("J-09", problem)
