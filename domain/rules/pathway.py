"""Before dosing: screening (J-01, J-02), consent and preparation (J-03), safety (J-12)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.entries import Actor, stamp
from domain.errors import RuleViolationError
from domain.journey_facts import JourneyFacts
from domain.protocol_profile import ProtocolProfile

ABSOLUTE_CONTRAINDICATIONS = {
    "active_psychosis": "active psychosis",
    "primary_psychotic_disorder": "a primary psychotic disorder",
    "acute_mania": "acute mania",
    "pregnant": "pregnancy",
    "breastfeeding": "breastfeeding",
    "ketamine_hypersensitivity": "ketamine hypersensitivity",
    "aneurysmal_vascular_disease": "aneurysmal vascular disease",
    "intracerebral_hemorrhage_history": "a history of intracerebral haemorrhage",
}
CLEARABLE_CONTRAINDICATIONS = {
    "uncontrolled_hypertension": "uncontrolled hypertension",
    "severe_cardiovascular_disease": "severe cardiovascular disease",
}


ABSOLUTE_FROM_2027_1 = {"arteriovenous_malformation": "an arteriovenous malformation"}
CLEARABLE_FROM_2027_1 = {"active_substance_use_disorder": "an active substance use disorder"}


def check_screening(facts: JourneyFacts, data: Mapping[str, Any]) -> None:
    if facts.consultation is None:
        raise RuleViolationError(
            "J-01", "Screening needs a completed consultation: record ConsultationCompleted."
        )
    check_screening_decision(data, facts.profile)
    _check_ideation_assessed(facts, data)


def check_screening_decision(data: Mapping[str, Any], profile: ProtocolProfile) -> None:
    """Contraindications against an eligible decision (a screening's, or its correction's)."""
    if data["decision"] != "eligible":
        return
    absolute, clearable = ABSOLUTE_CONTRAINDICATIONS, CLEARABLE_CONTRAINDICATIONS
    if profile.enforces("2027-1"):
        absolute = absolute | ABSOLUTE_FROM_2027_1
        clearable = clearable | CLEARABLE_FROM_2027_1
    found = data.get("contraindications") or {}
    for key, name in absolute.items():
        if found.get(key):
            raise RuleViolationError(
                "J-02", f"Eligible is refused while {name} is present: decide ineligible."
            )
    if not data.get("medical_clearance"):
        for key, name in clearable.items():
            if found.get(key):
                raise RuleViolationError(
                    "J-02",
                    f"Eligible is refused with {name} unless a medical clearance is recorded: "
                    "set medical_clearance true once obtained.",
                )


def _check_ideation_assessed(facts: JourneyFacts, data: Mapping[str, Any]) -> None:
    """2027-1: suicidal ideation at the consultation is assessed with a C-SSRS taken at or
    after it before anyone may call the patient eligible (one taken after it counts even
    when the consultation was documented later)."""
    consultation = facts.consultation
    if consultation is None or data["decision"] != "eligible":
        return
    if not (facts.profile.enforces("2027-1") and consultation["suicidal_ideation"]):
        return
    assessed = any(m["at"] >= consultation["at"] for m in facts.measures_of("C-SSRS"))
    if not assessed:
        raise RuleViolationError(
            "J-02",
            "Suicidal ideation was noted at the consultation "
            f"({stamp(consultation['at'])}): record "
            "OutcomeMeasureRecorded (C-SSRS) after it before an eligible decision.",
        )


def check_consent(facts: JourneyFacts, data: Mapping[str, Any]) -> None:
    if not facts.eligible:
        raise RuleViolationError(
            "J-03", "Consent needs an eligible screening: record ScreeningCompleted (eligible)."
        )
    # 2027-1: a signature is informed consent only once the risks were discussed.
    if facts.profile.enforces("2027-1") and not data.get("risks_discussed"):
        raise RuleViolationError(
            "J-03",
            "Consent needs the risks discussed with the patient: discuss them, then record "
            "ConsentSigned with risks_discussed true.",
        )


def check_consent_withdrawal(facts: JourneyFacts) -> None:
    if not facts.consent_active:
        raise RuleViolationError("J-03", "There is no active consent to withdraw.")


def check_preparation(facts: JourneyFacts) -> None:
    if not facts.consent_active:
        raise RuleViolationError("J-03", "Preparation needs active consent: record ConsentSigned.")


def check_safety_review(recorded_by: Actor) -> None:
    if recorded_by.role != "prescriber":
        raise RuleViolationError(
            "J-12", "A safety review must be recorded by a prescriber (recorded_by.role)."
        )


def check_pause(facts: JourneyFacts) -> None:
    if facts.paused:
        raise RuleViolationError("J-13", "The journey is already paused.")


def check_resume(facts: JourneyFacts) -> None:
    if not facts.paused:
        raise RuleViolationError("J-13", "The journey is not paused: nothing to resume.")


def check_dosing_allowed(facts: JourneyFacts) -> None:
    """A pre-dose check starts dosing, which is refused while paused or ineligible."""
    if facts.paused:
        raise RuleViolationError("J-13", "The journey is paused: record JourneyResumed first.")
    if facts.ineligible:
        raise RuleViolationError("J-13", "The patient was screened ineligible: no dosing.")
