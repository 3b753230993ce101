"""Payloads of the clinical events before and around the dosing series."""

# No ``from __future__ import annotations``: TypedDict reads ``NotRequired`` from the
# evaluated annotations (Python 3.11), and the stored shape depends on it.
from typing import NotRequired, TypedDict

from domain.payloads.values import Contraindications, DosingPlan, MentalStatusExam, Vitals


class ConsultationCompletedPayload(TypedDict):
    modality: str
    medical_history: str
    current_symptoms: str
    treatment_goals: list[str]
    adequate_antidepressant_trials: int
    mental_status_exam: MentalStatusExam
    vitals: Vitals
    weight_kg: float


class OutcomeMeasureRecordedPayload(TypedDict):
    instrument: str
    items: list[int]
    timepoint: str
    session: NotRequired[int | None]


class ScreeningCompletedPayload(TypedDict):
    contraindications: Contraindications
    medical_clearance: bool
    decision: str
    rationale: str


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


class TreatmentPlanUpdatedPayload(TypedDict):
    phase: str
    further_sessions: int
    interval_weeks: int
    rationale: str


class SafetyReviewCompletedPayload(TypedDict):
    cleared: bool
    plan: str
