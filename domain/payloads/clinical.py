"""Payloads of the clinical events before and around the dosing series."""

# No ``from __future__ import annotations``: TypedDict reads ``NotRequired`` from the
# evaluated annotations (Python 3.11), and the stored shape depends on it.
from typing import NotRequired, TypedDict

from domain.payloads.values import Contraindications, DosingPlan, MentalStatusExam, Vitals


class DiagnosisCode(TypedDict):
    """One ICD-10-CM diagnosis as recorded: the code (normalised, ``F33.1``) and, if given,
    the clinician's description."""

    code: str
    description: NotRequired[str | None]


class ConsultationCompletedPayload(TypedDict):
    modality: str
    medical_history: str
    current_symptoms: str
    treatment_goals: list[str]
    adequate_antidepressant_trials: int
    mental_status_exam: MentalStatusExam
    vitals: Vitals
    weight_kg: float
    diagnoses: NotRequired[list[DiagnosisCode] | None]
    """ICD-10-CM codes (``domain.diagnoses``), at most 12, none twice."""


class OutcomeMeasureRecordedPayload(TypedDict):
    instrument: str
    items: list[int]
    timepoint: str
    session: NotRequired[int | None]
    behaviour_within_3_months: NotRequired[bool | None]
    """C-SSRS item 6 (suicidal behaviour) happened within the last 3 months."""


class ScreeningCompletedPayload(TypedDict):
    contraindications: Contraindications
    medical_clearance: bool
    decision: str
    rationale: str
    childbearing_potential: NotRequired[bool | None]


class ConsentSignedPayload(TypedDict):
    form: str
    form_version: str
    risks_discussed: bool


class ConsentWithdrawnPayload(TypedDict):
    reason: str


class PreparationCompletedPayload(TypedDict):
    modality: str
    education_topics: list[str]
    intentions: list[str]
    dosing_plan: DosingPlan
    expectations_discussed: bool
    minutes: NotRequired[int | None]
    """The session's face-to-face psychotherapy time, as CPT counts it (1 to 480)."""


class TreatmentPlanUpdatedPayload(TypedDict):
    phase: str
    further_sessions: int
    interval_weeks: int
    rationale: str


class SafetyReviewCompletedPayload(TypedDict):
    cleared: bool
    plan: str
    safety_plan: NotRequired[bool | None]
    """A written safety plan is in place (needed to clear a high hold)."""
    interactions_reviewed: NotRequired[bool | None]
    """The prescriber reviewed the reconciled medications' interactions."""


class RemsPatientEnrolledPayload(TypedDict):
    enrollment_id: str
    enrolled_at: str


Medication = TypedDict("Medication", {"name": str, "class": str, "dose": str})
"""One medication the patient takes; ``class`` is one of MEDICATION_CLASSES."""


class MedicationsReconciledPayload(TypedDict):
    medications: list[Medication]
