"""Who may record what (J-17), from rule set 2027-1.

A clinic's medical director signs off on who does what: a prescriber decides (the
consultation, the screening decision, safety reviews, treatment plans, overrides); a nurse
or a prescriber handles the drug and the body (pre-dose checks, doses, vitals, discharge);
a therapist or a prescriber does the therapy (guided therapy, integration). The record
refuses an entry from anyone else, so the history shows the right hand on each step.

Decisions this module makes (issue 10, item 20):

- Clinical entries need a clinical role (prescriber, nurse or therapist): consent,
  preparation, adverse events and medication reconciliation are open to all three.
- ``coordinator`` and ``system`` (a clinic's EHR or intake system) may record only the
  entries that need no clinical judgement: outcome measures (patient-reported
  questionnaires, often imported from an intake form), consent withdrawal (refusing a
  patient's "stop" is the unsafe direction), session cancellations, the REMS enrollment
  and monitoring-form submission, and pausing, resuming and closing the journey.
- An override is the decision of the prescriber it names (``override.by.role`` must be
  prescriber). The recorder need not be that prescriber: a nurse records the dose or the
  discharge a prescriber authorised. The recorder still needs a role allowed the entry.
- A correction needs a role allowed to record the entry it corrects:
  ``Journey.correct_entry`` asks this module with the corrected entry's type and its
  corrected data; ``EntryCorrected`` itself is open to every role.
- The staff a dose names (``therapist_present``, ``prescriber_on_site``) must be known
  to this journey in that role: they recorded an entry on it as such, or they are the one
  recording the dose in that role.

Journeys opened under rule sets before 2027-1 accept every role, as they did.

**The clinic's staff directory** (issue 11), once the clinic lists anyone in it, is who
the clinic's people are, for every journey of the clinic whatever its protocol version
(the directory is the clinic's, in force from the moment it is set):

- An entry recorded by a staff id the directory does not list, or lists as inactive, is
  refused; so is one recorded in a role other than the one listed. ``system`` recorders
  (a clinic's EHR or intake system) are machines, not staff, and are not looked up.
- Under 2027-1, the staff a dose names, the nurse or prescriber who administered it and
  the prescriber an override names must each be active in the directory in that role
  (the directory decides instead of the journey's own record).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.clinic_context import ClinicContext
from domain.entries import Actor
from domain.errors import RuleViolationError
from domain.journey_facts import JourneyFacts

CLINICAL = ("prescriber", "nurse", "therapist")
ANYONE = (*CLINICAL, "coordinator", "system")
PRESCRIBER = ("prescriber",)
NURSING = ("nurse", "prescriber")
THERAPY = ("therapist", "prescriber")

ALLOWED_ROLES: dict[str, tuple[str, ...]] = {
    "ConsultationCompleted": PRESCRIBER,
    "ScreeningCompleted": PRESCRIBER,
    "SafetyReviewCompleted": PRESCRIBER,
    "TreatmentPlanUpdated": PRESCRIBER,
    "PreDoseCheckCompleted": NURSING,
    "KetamineAdministered": NURSING,
    "VitalsRecorded": NURSING,
    "PatientDischarged": NURSING,
    "GuidedTherapyNoted": THERAPY,
    "IntegrationCompleted": THERAPY,
    "ConsentSigned": CLINICAL,
    "PreparationCompleted": CLINICAL,
    "AdverseEventReported": CLINICAL,
    "MedicationsReconciled": CLINICAL,
    "OutcomeMeasureRecorded": ANYONE,
    "ConsentWithdrawn": ANYONE,
    "DosingSessionCancelled": ANYONE,
    "RemsPatientEnrolled": ANYONE,
    "RemsMonitoringFormSubmitted": ANYONE,
    "JourneyPaused": ANYONE,
    "JourneyResumed": ANYONE,
    "JourneyClosed": ANYONE,
    "EntryCorrected": ANYONE,
}
"""The roles that may record (or correct) each entry type; a type not named here needs a
clinical role."""

NAMED_ON_A_DOSE = {"therapist_present": "therapist", "prescriber_on_site": "prescriber"}
"""The dose's staff fields and the role each names."""

FIRST_ENTRY_OF = {
    "therapist": "the preparation (PreparationCompleted) or the baseline measure",
    "prescriber": "the consultation (ConsultationCompleted) or the screening decision",
}
"""What a clinic's staff in each role usually records before a dose."""


def check_role(
    facts: JourneyFacts,
    type_name: str,
    data: Mapping[str, Any],
    by: Actor,
    clinic: ClinicContext | None = None,
) -> None:
    """Refuse an entry its recorder's role may not make (J-17)."""
    directory = clinic if clinic is not None and clinic.keeps_directory else None
    if directory is not None:
        _check_listed(directory, by)
    if not facts.profile.enforces("2027-1"):
        return
    allowed = ALLOWED_ROLES.get(type_name, CLINICAL)
    if by.role not in allowed:
        raise RuleViolationError(
            "J-17",
            f"{type_name} is recorded or corrected by a {_either(allowed)}; "
            f"{by.id} is recording as {by.role}: have a {_either(allowed)} record it.",
        )
    _check_override(data, directory)
    if type_name == "KetamineAdministered":
        _check_named_staff(facts, data, by, directory)


def check_opener(by: Actor, clinic: ClinicContext | None) -> None:
    """Whoever opens a journey is listed in the clinic's directory, where it keeps one
    (any role may open one)."""
    if clinic is not None and clinic.keeps_directory:
        _check_listed(clinic, by)


def _check_listed(directory: ClinicContext, by: Actor) -> None:
    """The recorder is an active member of the clinic's directory, in the role listed."""
    if by.role == "system":
        return
    member = directory.staff.get(by.id)
    where = f"clinic {directory.clinic_id}'s staff directory"
    if member is None:
        raise RuleViolationError(
            "J-17",
            f"{by.id} is not in {where}: record as a listed staff id, or have an admin add "
            f"them (PUT /v1/clinics/{directory.clinic_id}/staff/{by.id}).",
        )
    if not member.active:
        raise RuleViolationError(
            "J-17",
            f"{by.id} is inactive in {where}: record as an active staff member, or have an "
            "admin reactivate them.",
        )
    if member.role != by.role:
        raise RuleViolationError(
            "J-17",
            f"{by.id} is listed as {member.role} in {where} but records as {by.role}: record "
            f"as {member.role}, or have an admin change the directory.",
        )


def _check_override(data: Mapping[str, Any], directory: ClinicContext | None) -> None:
    override = data.get("override")
    if override is None:
        return
    decided_by = override.get("by") or {}
    if decided_by.get("role") != "prescriber":
        raise RuleViolationError(
            "J-17",
            f"An override is a prescriber's decision; it names {decided_by.get('id')} as "
            f"{decided_by.get('role')}: name the prescriber who decided (role prescriber).",
        )
    if directory is not None:
        _check_in_directory(directory, "override.by.id", str(decided_by.get("id")), PRESCRIBER)


def _check_in_directory(
    directory: ClinicContext, field: str, staff_id: str, roles: tuple[str, ...]
) -> None:
    member = directory.staff.get(staff_id)
    if member is None or not member.active or member.role not in roles:
        listed = (
            "is not listed"
            if member is None
            else f"is listed as {'an inactive ' if not member.active else ''}{member.role}"
        )
        raise RuleViolationError(
            "J-17",
            f"{field} names {staff_id}, who {listed} in clinic {directory.clinic_id}'s staff "
            f"directory: name an active {_either(roles)} from the directory.",
        )


def _check_named_staff(
    facts: JourneyFacts, data: Mapping[str, Any], by: Actor, directory: ClinicContext | None
) -> None:
    if directory is not None:
        staff = {**NAMED_ON_A_DOSE, "administered_by": ""}
        for field, role in staff.items():
            if data.get(field):
                roles = NURSING if field == "administered_by" else (role,)
                _check_in_directory(directory, field, str(data[field]), roles)
        return
    for field, role in NAMED_ON_A_DOSE.items():
        staff_id = data.get(field)
        if staff_id and not known_in_role(facts, staff_id, role, by):
            seen = facts.staff_seen.get(staff_id)
            known = f"has recorded here only as {_either(seen)}" if seen else "is unknown here"
            raise RuleViolationError(
                "J-17",
                f"{field} names {staff_id}, who {known}, never as {role}: record an entry by "
                f"{staff_id} as {role} first, e.g. {FIRST_ENTRY_OF[role]}.",
            )


def known_in_role(facts: JourneyFacts, staff_id: str, role: str, recorder: Actor) -> bool:
    """Whether the journey knows ``staff_id`` in ``role``: it recorded an entry here in
    that role, or it is the one recording this entry so.

    A clinic that keeps a staff directory is asked instead (``_check_in_directory``)."""
    if recorder.id == staff_id and recorder.role == role:
        return True
    return role in facts.staff_seen.get(staff_id, [])


def _either(roles: tuple[str, ...] | list[str]) -> str:
    names = list(roles)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
