"""A journey's status as staff read it: stage, flags, next step, blockers, sessions, outcomes.

Everything here is derived from the facts and a moment ``now`` (time-based flags fall
due with time), so a replay as of any moment gives the status that stood then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.clinic_context import ClinicContext
from domain.diagnoses import Diagnosis
from domain.errors import Blocker
from domain.journey_facts import JourneyFacts
from domain.measurement import measure_step_text, measures_due
from domain.outcomes import OutcomeSummary, summarize
from domain.rules.discharge import blockers_now, observation_step
from domain.rules.readiness import fasting_notes
from domain.rules.rems import overdue_form_step
from domain.rules.schedule import earliest_next_dose
from domain.rules.sessions import dosing_target, is_finished, session_state
from domain.safety_concerns import hold_summary
from domain.sessions_view import SessionSummary, summarize_sessions
from domain.status_flags import FlagDetail, flag_details_of


@dataclass(frozen=True)
class NextStep:
    code: str
    text: str


@dataclass(frozen=True)
class JourneyStatus:
    journey_id: UUID
    clinic_id: str
    patient_ref: str
    episode: int
    protocol_name: str
    protocol_version: str
    primary_clinician: str
    stage: str
    session_state: str | None
    flags: list[str]
    next_step: NextStep
    blockers: list[Blocker]
    sessions: list[SessionSummary]
    sessions_completed: int
    outcomes: dict[str, OutcomeSummary]
    version: int
    opened_at: datetime
    last_event_at: datetime
    flag_details: dict[str, list[FlagDetail]] = field(default_factory=dict)
    """What raised each flag present and when (keys are exactly ``flags``)."""
    diagnoses: list[Diagnosis] = field(default_factory=list)
    """The consultation's ICD-10-CM diagnoses, each marked verified or not."""
    next_dose_possible_at: datetime | None = None
    """When the spacing rules (J-07: hours between doses, doses per 7 days, the maintenance
    interval) next allow a dose, if that is after ``now``; None when they hold nothing."""


def stage_of(facts: JourneyFacts) -> str:
    if facts.closed:
        return "closed"
    if facts.paused:
        return "paused"
    if facts.ineligible:
        return "ineligible"
    if facts.doses():
        if facts.in_maintenance():
            return "maintenance"
        last = facts.last_session()
        series_done = len(facts.doses()) >= facts.profile.series_length
        if series_done and last is not None and is_finished(facts, last):
            return "series_complete"
        return "in_treatment"
    if facts.eligible and facts.consent_active:
        return "prepared" if facts.preparation is not None else "consented"
    if facts.eligible:
        return "screened"
    return "consulted" if facts.consultation is not None else "opened"


def flags_of(facts: JourneyFacts, now: datetime) -> list[str]:
    return list(flag_details_of(facts, now))


MEASURE_OUTRANKS = ("pre_dose_check", "update_treatment_plan")
"""A measure due is taken before the next dose's check and before a plan is updated,
never instead of an observation, discharge, integration or overdue REMS form."""


def _measure_step(facts: JourneyFacts, step: NextStep, now: datetime) -> NextStep:
    due = measures_due(facts, now) if step.code in MEASURE_OUTRANKS else []
    return NextStep("record_measure", measure_step_text(due)) if due else step


def _halted_step(facts: JourneyFacts) -> NextStep | None:
    if facts.closed:
        return NextStep("none", "The journey is closed.")
    if facts.paused:
        return NextStep("none", "The journey is paused: record JourneyResumed to continue.")
    if facts.ineligible:
        return NextStep("none", "The patient was screened ineligible: close the journey.")
    holds = [(hold["reason"], facts.still_needed(hold)) for hold in facts.active_holds()]
    if not holds:
        return None
    plural = "s" if len(holds) > 1 else ""
    if all(needed == ["negative_cssrs"] for _, needed in holds):
        reasons = "; ".join(reason for reason, _ in holds)
        return NextStep(
            "safety_review",
            "Record a C-SSRS with items 4 and 5 answered no (and no suicidal behaviour within "
            "3 months) to clear the high-risk safety "
            f"hold{plural} ({reasons}): the review with a safety plan is on record.",
        )
    named = "; ".join(hold_summary(reason, needed) for reason, needed in holds)
    return NextStep("safety_review", f"A prescriber reviews the safety hold{plural}: {named}.")


def _pathway_step(facts: JourneyFacts, blockers: list[Blocker]) -> NextStep | None:
    if facts.consultation is None:
        return NextStep("complete_consultation", "Hold the initial consultation.")
    if facts.baseline("PHQ-9") is None and not facts.doses():
        return NextStep("record_baseline", "Record the baseline PHQ-9, GAD-7 and PCL-5.")
    if not facts.eligible:
        return NextStep("complete_screening", "Complete the screening for contraindications.")
    if not facts.consent_active:
        return NextStep("sign_consent", "Discuss the risks and have the consent signed.")
    if facts.preparation is None:
        return NextStep("complete_preparation", "Hold the preparation session.")
    if not facts.doses() and any("baseline PHQ-9" in b.text for b in blockers):
        days = facts.profile.baseline_phq9_max_age_days
        return NextStep(
            "record_baseline", f"Record a new baseline PHQ-9 (none within {days} days)."
        )
    return None


def _session_step(facts: JourneyFacts, blockers: list[Blocker], now: datetime) -> NextStep:
    last = facts.last_session()
    state = session_state(facts, last)
    if last is not None:
        n = last["session"]
        if state == "checked":
            held = " once nothing blocks it (see blockers)" if blockers else ""
            notes = "".join(f" {note}" for note in fasting_notes(facts, now, n))
            return NextStep("administer_dose", f"Administer the dose of session {n}{held}.{notes}")
        if state == "dosed":
            watching = observation_step(facts, last, now)
            if watching is not None:
                return NextStep(*watching)
            minutes = facts.profile.min_observation_minutes
            return NextStep("discharge", f"Discharge session {n} after at least {minutes} min.")
        if state == "discharged_awaiting_integration":
            return NextStep("integrate_session", f"Hold the integration session for session {n}.")
    overdue_form = overdue_form_step(facts, now)
    if overdue_form is not None:
        return NextStep(*overdue_form)
    if len(facts.doses()) >= facts.doses_allowed():
        return NextStep(
            "update_treatment_plan",
            f"The {facts.doses_allowed()} planned doses are given: update the treatment plan.",
        )
    return NextStep(
        "pre_dose_check", f"Complete the pre-dose check for session {dosing_target(facts)}."
    )


def spacing_ends(facts: JourneyFacts, now: datetime) -> datetime | None:
    """The moment the spacing rules stop holding the next dose, if they hold it now."""
    if facts.closed or not facts.doses():
        return None
    earliest = earliest_next_dose(facts, now)
    return earliest if earliest > now else None


def _next_step(facts: JourneyFacts, blockers: list[Blocker], now: datetime) -> NextStep:
    return (
        _halted_step(facts)
        or _pathway_step(facts, blockers)
        or _measure_step(facts, _session_step(facts, blockers, now), now)
    )


def stage_and_next_step(
    facts: JourneyFacts, now: datetime, clinic: ClinicContext | None = None
) -> tuple[str, NextStep]:
    """What an append answers of the status (its stage and next step), without the rest
    (a batch import answers thousands)."""
    return stage_of(facts), _next_step(facts, blockers_now(facts, now, clinic), now)


def journey_status(
    journey_id: UUID,
    version: int,
    facts: JourneyFacts,
    now: datetime,
    clinic: ClinicContext | None = None,
) -> JourneyStatus:
    """The status at ``now``; ``clinic`` adds what the clinic's settings block (J-18)."""
    blockers = blockers_now(facts, now, clinic)
    next_step = _next_step(facts, blockers, now)
    stage = stage_of(facts)
    flag_details = flag_details_of(facts, now)
    return JourneyStatus(
        journey_id=journey_id,
        clinic_id=facts.clinic_id,
        patient_ref=facts.patient_ref,
        episode=facts.episode,
        protocol_name=facts.profile.name,
        protocol_version=facts.profile.version,
        primary_clinician=facts.primary_clinician,
        stage=stage,
        session_state=session_state(facts, facts.last_session())
        if facts.doses() or facts.sessions
        else None,
        flags=list(flag_details),
        flag_details=flag_details,
        next_step=next_step,
        blockers=blockers,
        sessions=summarize_sessions(facts),
        sessions_completed=facts.sessions_completed(),
        outcomes=summarize(facts),
        version=version,
        opened_at=facts.opened_at,
        last_event_at=facts.last_event_at,
        diagnoses=[Diagnosis(**d) for d in facts.diagnoses],
        next_dose_possible_at=spacing_ends(facts, now),
    )
