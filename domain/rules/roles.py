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
  recording the dose in that role. Clinic staff directories (issue 11) join in
  ``known_in_role``.

Journeys opened under rule sets before 2027-1 accept every role, as they did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def check_role(facts: JourneyFacts, type_name: str, data: Mapping[str, Any], by: Actor) -> None:
    """Refuse an entry its recorder's role may not make (J-17)."""
    if not facts.profile.enforces("2027-1"):
        return
    allowed = ALLOWED_ROLES.get(type_name, CLINICAL)
    if by.role not in allowed:
        raise RuleViolationError(
            "J-17",
            f"{type_name} is recorded or corrected by a {_either(allowed)}; "
            f"{by.id} is recording as {by.role}: have a {_either(allowed)} record it.",
        )
    _check_override(data)
    if type_name == "KetamineAdministered":
        _check_named_staff(facts, data, by)


def _check_override(data: Mapping[str, Any]) -> None:
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


def _check_named_staff(facts: JourneyFacts, data: Mapping[str, Any], by: Actor) -> None:
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

    The seam for clinic staff directories (issue 11): once clinic settings list their
    staff and roles, a staff member listed in ``role`` counts here too."""
    if recorder.id == staff_id and recorder.role == role:
        return True
    return role in facts.staff_seen.get(staff_id, [])


def _either(roles: tuple[str, ...] | list[str]) -> str:
    names = list(roles)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
