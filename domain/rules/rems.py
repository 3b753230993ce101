"""Spravato REMS program elements (J-16): enrollment before any dose, REMS entries only
on a journey whose protocol runs under the REMS."""

from __future__ import annotations

from datetime import datetime

from domain.clinic_context import ClinicContext
from domain.entries import stamp
from domain.errors import Blocker, RuleViolationError
from domain.journey_facts import JourneyFacts


def check_rems_entry(facts: JourneyFacts, what: str) -> None:
    """A REMS enrollment or monitoring form belongs to a REMS protocol only."""
    profile = facts.profile
    if not profile.has_rems:
        raise RuleViolationError(
            "J-16",
            f"{what} belongs to the Spravato REMS: this journey follows {profile.name} "
            f"{profile.version}, which has none; open the journey under spravato-rems.",
        )


def check_enrollment(facts: JourneyFacts) -> None:
    check_rems_entry(facts, "RemsPatientEnrolled")


def enrollment_blockers(facts: JourneyFacts) -> list[Blocker]:
    """No Spravato dose before the patient's REMS enrollment is on record."""
    if facts.profile.rems_enrollment_required and facts.enrollment is None:
        return [
            Blocker(
                "J-16",
                "The patient is not enrolled in the Spravato REMS: record RemsPatientEnrolled "
                "with the enrollment id.",
            )
        ]
    return []


def certification_blockers(facts: JourneyFacts, clinic: ClinicContext | None) -> list[Blocker]:
    """No Spravato dose while the clinic has no REMS healthcare-setting certification on
    record (J-18). The REMS always required it, so it holds for every version of a REMS
    protocol; a journey decided without clinic settings (``clinic`` None) is not asked."""
    if clinic is None or not facts.profile.has_rems or clinic.rems_certification is not None:
        return []
    return [
        Blocker(
            "J-18",
            f"Clinic {clinic.clinic_id} has no Spravato REMS healthcare-setting certification "
            "on record: an admin records it (PUT /v1/clinics/{clinic} with "
            "rems_certification, or `kap-journeys clinics set --rems-certification-id`).",
        )
    ]


def overdue_form_step(facts: JourneyFacts, now: datetime) -> tuple[str, str] | None:
    """The next step when a session's monitoring form is past due (flag rems_form_overdue):
    the earliest overdue one, named with its deadline, before any next pre-dose check."""
    overdue = [
        (due, session["session"])
        for session in facts.ordered_sessions()
        if session["rems_form"] is None
        and (due := facts.due_at("rems_form", session)) is not None
        and now > due
    ]
    if not overdue:
        return None
    due, number = min(overdue)
    return (
        "submit_rems_form",
        f"Submit the REMS monitoring form of session {number}: it was due {stamp(due)}.",
    )
