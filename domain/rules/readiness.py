"""Every reason a dose would be refused at a given moment (J-03, J-04, J-06 to J-09, J-12, J-13).

The same list is the journey's ``blockers`` in its status and the refusal of a dose, so
what staff read is exactly what the service enforces.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.clinic_context import ClinicContext
from domain.entries import stamp
from domain.errors import Blocker
from domain.fact_records import PreDoseFact
from domain.journey_facts import JourneyFacts
from domain.protocols import ProtocolProfile
from domain.rules.medications import reconciliation_blockers
from domain.rules.rems import certification_blockers, enrollment_blockers
from domain.rules.schedule import _schedule_blockers
from domain.rules.sessions import dosing_target
from domain.safety_concerns import hold_blocker_text


def _journey_blockers(facts: JourneyFacts) -> list[Blocker]:
    found = []
    if facts.paused:
        found.append(Blocker("J-13", "The journey is paused: record JourneyResumed first."))
    if facts.ineligible:
        found.append(Blocker("J-13", "Screening found the patient ineligible: no dosing."))
    for hold in facts.active_holds():
        text = hold_blocker_text(hold["reason"], facts.still_needed(hold))
        found.append(Blocker("J-12", text))
    return found


def _pathway_blockers(facts: JourneyFacts, at: datetime) -> list[Blocker]:
    found = []
    if not facts.eligible:
        found.append(
            Blocker("J-04", "No eligible screening: record ScreeningCompleted (eligible).")
        )
    if not facts.consent_active:
        found.append(Blocker("J-04", "No active consent: record ConsentSigned."))
    if facts.preparation is None:
        found.append(Blocker("J-04", "Preparation not done: record PreparationCompleted."))
    if not facts.doses():
        window = timedelta(days=facts.profile.baseline_phq9_max_age_days)
        recent = [
            m
            for m in facts.measures_of("PHQ-9")
            if m["timepoint"] == "baseline" and at - window <= m["at"] <= at
        ]
        if not recent:
            found.append(
                Blocker(
                    "J-04",
                    f"No baseline PHQ-9 within {window.days} days before the first dose: "
                    "record OutcomeMeasureRecorded (PHQ-9, timepoint baseline).",
                )
            )
    return found


def vitals_blockers(
    profile: ProtocolProfile, vitals: dict[str, int], session: int
) -> list[Blocker]:
    """J-06: beyond the hold limits no dose at all; beyond the override level, only with one."""
    sbp, dbp, hr = vitals["systolic"], vitals["diastolic"], vitals["heart_rate"]
    dbp_limit = profile.hold_diastolic_above  # 2027-1; None before it: no diastolic hold
    held = (
        sbp > profile.hold_systolic_above
        or sbp < profile.hold_systolic_below
        or hr > profile.hold_heart_rate_above
        or hr < profile.hold_heart_rate_below
        or (dbp_limit is not None and dbp > dbp_limit)
    )
    if held:
        dbp_text = f", DBP at most {dbp_limit}" if dbp_limit is not None else ""
        return [
            Blocker(
                "J-06",
                f"Pre-dose vitals of session {session} (BP {sbp}/{dbp}, HR {hr}) are beyond the "
                f"hold limits (SBP {profile.hold_systolic_below}-{profile.hold_systolic_above}"
                f"{dbp_text}, "
                f"HR {profile.hold_heart_rate_below}-{profile.hold_heart_rate_above}): the dose "
                "is held, no override; record DosingSessionCancelled or a new pre-dose check.",
            )
        ]
    if sbp > profile.override_systolic_above or dbp > profile.override_diastolic_above:
        return [
            Blocker(
                "J-06",
                f"Pre-dose BP {sbp}/{dbp} of session {session} is above "
                f"{profile.override_systolic_above}/{profile.override_diastolic_above}: the dose "
                "needs an override by a prescriber with a reason.",
                overridable=True,
            )
        ]
    return []


def _pregnancy_test_required(facts: JourneyFacts) -> bool:
    """2027-1: a patient of childbearing potential needs a negative test before each dose."""
    screening = facts.screening
    return (
        facts.profile.enforces("2027-1")
        and screening is not None
        and bool(screening["childbearing_potential"])
    )


def _fasts_unmet(
    profile: ProtocolProfile, check: PreDoseFact, at: datetime
) -> list[tuple[str, float, str]]:
    """Each fast the check does not meet at ``at``: what, the hours, when it would be met."""
    fasts = (
        ("food", check["last_food_at"], profile.fasting_food_hours),
        ("clear liquids", check["last_clear_liquid_at"], profile.fasting_clear_liquid_hours),
    )
    return [
        (what, hours, stamp(last + timedelta(hours=hours)))
        for what, last, hours in fasts
        if at < last + timedelta(hours=hours)
    ]


def fasting_notes(facts: JourneyFacts, at: datetime, number: int) -> list[str]:
    """Under an advisory fasting rule (a clinic's "avoid heavy meals"), what the pre-dose
    check of session ``number`` shows unmet: a note for staff, never a blocker."""
    session = facts.session(number)
    check: PreDoseFact | None = session["pre_dose"] if session else None
    if check is None or facts.profile.fasting_rule != "advisory":
        return []
    return [
        f"Fasting from {what} is advised, not required: {hours:g} h would end at {ready}."
        for what, hours, ready in _fasts_unmet(facts.profile, check, at)
    ]


def _pre_dose_blockers(facts: JourneyFacts, at: datetime, number: int) -> list[Blocker]:
    session = facts.session(number)
    check: PreDoseFact | None = session["pre_dose"] if session else None
    if check is None:
        return [
            Blocker(
                "J-04",
                f"No pre-dose check for session {number}: record PreDoseCheckCompleted.",
            )
        ]
    profile = facts.profile
    found = []
    valid_until = check["at"] + timedelta(minutes=profile.pre_dose_check_valid_minutes)
    if at < check["at"]:
        found.append(
            Blocker(
                "J-04",
                f"The dose is timed before the pre-dose check of session {number} "
                f"({stamp(check['at'])}): a dose follows its check.",
            )
        )
    if at > valid_until:
        found.append(
            Blocker(
                "J-04",
                f"The pre-dose check of session {number} expired at {stamp(valid_until)} "
                f"(valid {profile.pre_dose_check_valid_minutes} min): repeat it.",
            )
        )
    if profile.fasting_rule != "advisory":  # any other rule holds the dose
        found += [
            Blocker(
                "J-04",
                f"Fasting from {what} not met: {hours:g} h are needed, so not before {ready}.",
            )
            for what, hours, ready in _fasts_unmet(profile, check, at)
        ]
    if check["alcohol_or_drugs_last_24h"]:
        found.append(Blocker("J-04", "Alcohol or drugs in the last 24 h: no dose today."))
    if not check["transport_arranged"]:
        found.append(Blocker("J-04", "No transport home arranged: arrange an escort."))
    if check["pregnancy_test"] == "positive":
        found.append(Blocker("J-02", "Positive pregnancy test: ketamine is contraindicated."))
    elif _pregnancy_test_required(facts) and check["pregnancy_test"] != "negative":
        found.append(
            Blocker(
                "J-02",
                "Screening recorded childbearing potential, and the pre-dose check of session "
                f"{number} has no negative pregnancy test ({check['pregnancy_test'] or 'none'}): "
                "test, then record a new PreDoseCheckCompleted with pregnancy_test negative.",
            )
        )
    return found + vitals_blockers(profile, check["vitals"], number)


def dose_blockers(
    facts: JourneyFacts, at: datetime, clinic: ClinicContext | None = None
) -> list[Blocker]:
    """Every reason a dose given at ``at`` would be refused; empty when closed."""
    if facts.closed:
        return []
    found = _journey_blockers(facts) + certification_blockers(facts, clinic)
    found += _pathway_blockers(facts, at) + enrollment_blockers(facts)
    found += reconciliation_blockers(facts, at)
    schedule = _schedule_blockers(facts, at)
    found += schedule
    if not any(b.rule == "J-08" for b in schedule):
        found += _pre_dose_blockers(facts, at, dosing_target(facts))
    return found
