"""Data of the clinical events before and around the dosing series."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StrictInt, StringConstraints

from domain.diagnoses import MAX_DIAGNOSES, duplicate_codes, normalised_code
from interface.http.schemas.common import (
    MAX_ITEMS,
    WHOLE,
    Decision,
    DoseMg,
    EventEnvelope,
    Identifier,
    Instrument,
    MedicationClass,
    Modality,
    Route,
    ScaleItem,
    SessionMinutes,
    SessionNumber,
    Text,
    TextList,
    Timepoint,
    Vitals,
    WeightKg,
    WireModel,
    WireTime,
)
from interface.http.schemas.event_examples import EVENT_EXAMPLES, examples_config


class MentalStatusExam(WireModel):
    """Mental status examination; suicidal ideation must be stated."""

    suicidal_ideation: StrictBool
    appearance: Text | None = None
    mood: Text | None = None
    affect: Text | None = None
    thought_process: Text | None = None
    thought_content: Text | None = None
    perception: Text | None = None
    cognition: Text | None = None
    insight: Text | None = None
    judgment: Text | None = None


def _icd10cm(value: str) -> str:
    """The code normalised (``f331`` is ``F33.1``); a ValueError says the expected form."""
    return normalised_code(value)


IcdCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=16),
    AfterValidator(_icd10cm),
    Field(
        description="An ICD-10-CM code: a letter, a digit, a letter or digit, then "
        "optionally a dot and 1 to 4 letters or digits. Case and the dot are normalised "
        "(f331 is stored as F33.1); a category that needs more characters (F33, F33.4, "
        "F43.1) is refused.",
        examples=["F33.1"],
    ),
]


class DiagnosisEntry(WireModel):
    """One ICD-10-CM diagnosis, with the clinician's words for it if wanted."""

    code: IcdCode
    description: Text | None = None


def _each_code_once(diagnoses: list[DiagnosisEntry] | None) -> list[DiagnosisEntry] | None:
    repeated = duplicate_codes([d.code for d in diagnoses or []])
    if repeated:
        raise ValueError(repeated)
    return diagnoses


class ConsultationCompletedData(WireModel):
    """Initial consultation: history, symptoms, goals, trials, mental status, vitals, diagnoses."""

    modality: Modality
    medical_history: Text
    current_symptoms: Text
    treatment_goals: TextList
    adequate_antidepressant_trials: Annotated[StrictInt, Field(ge=0, le=100), WHOLE]
    mental_status_exam: MentalStatusExam
    vitals: Vitals
    weight_kg: WeightKg
    diagnoses: Annotated[
        list[DiagnosisEntry] | None,
        Field(max_length=MAX_DIAGNOSES),
        AfterValidator(_each_code_once),
    ] = Field(
        None,
        description="Up to 12 ICD-10-CM diagnoses, each code once. Codes outside the "
        "service's table of those KAP clinics use (F32, F33, F43.1, F41) are kept and "
        "raise the unverified_code flag.",
        examples=[[{"code": "F33.1", "description": "Recurrent MDD, moderate"}]],
    )


class OutcomeMeasureRecordedData(WireModel):
    """Item answers on a rating scale; the service computes total and band."""

    instrument: Instrument
    items: Annotated[list[ScaleItem], Field(max_length=20)]
    timepoint: Timepoint
    session: SessionNumber | None = None
    behaviour_within_3_months: StrictBool | None = Field(
        None, description="C-SSRS: the item 6 behaviour happened within the last 3 months."
    )


class Contraindications(WireModel):
    """Each contraindication, true or false."""

    active_psychosis: StrictBool
    primary_psychotic_disorder: StrictBool
    acute_mania: StrictBool
    pregnant: StrictBool
    breastfeeding: StrictBool
    ketamine_hypersensitivity: StrictBool
    aneurysmal_vascular_disease: StrictBool
    intracerebral_hemorrhage_history: StrictBool
    uncontrolled_hypertension: StrictBool
    severe_cardiovascular_disease: StrictBool
    active_substance_use_disorder: StrictBool
    arteriovenous_malformation: StrictBool | None = None


class ScreeningCompletedData(WireModel):
    """Screening: contraindications, medical clearance and the eligibility decision."""

    contraindications: Contraindications
    medical_clearance: StrictBool
    decision: Decision
    rationale: Text
    childbearing_potential: StrictBool | None = Field(
        None, description="When true, each pre-dose check's pregnancy_test must be negative."
    )


class ConsentSignedData(WireModel):
    """Informed consent signed on a named form version."""

    form: Identifier
    form_version: Identifier
    risks_discussed: StrictBool


class ConsentWithdrawnData(WireModel):
    """The patient withdrew consent."""

    reason: Text


class DosingPlan(WireModel):
    """The planned route and dose discussed in preparation."""

    route: Route
    planned_dose_mg: DoseMg


class PreparationCompletedData(WireModel):
    """Preparation session: education, intentions, dosing plan, expectations."""

    modality: Modality
    education_topics: TextList
    intentions: TextList
    dosing_plan: DosingPlan
    expectations_discussed: StrictBool
    minutes: SessionMinutes | None = Field(
        None,
        description="The session's face-to-face psychotherapy time in minutes (1 to 480), "
        "as CPT counts it. The superbill codes the session by it (90832 16-37, 90834 "
        "38-52, 90837 53 or more); left out, it bills the clinic's standard length.",
        examples=[60],
    )


class TreatmentPlanUpdatedData(WireModel):
    """The plan after the series: maintenance sessions and their interval."""

    phase: Literal["maintenance"]
    further_sessions: Annotated[StrictInt, Field(ge=1, le=1000), WHOLE]
    interval_weeks: Annotated[StrictInt, Field(ge=1, le=52), WHOLE]
    rationale: Text


class SafetyReviewCompletedData(WireModel):
    """A prescriber's safety review; cleared lifts a safety hold."""

    cleared: StrictBool
    plan: Text
    safety_plan: StrictBool | None = Field(
        None, description="A written safety plan is in place (needed to clear a high hold)."
    )
    interactions_reviewed: StrictBool | None = Field(
        None, description="The reconciled medications' interactions were reviewed."
    )


class RemsPatientEnrolledData(WireModel):
    """The patient's Spravato REMS enrollment."""

    enrollment_id: Identifier
    enrolled_at: WireTime


class MedicationEntry(WireModel):
    """One medication the patient takes."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: Identifier
    class_: MedicationClass = Field(alias="class")
    dose: Identifier


class MedicationsReconciledData(WireModel):
    """The patient's current medications, reconciled (an empty list says: none)."""

    medications: Annotated[list[MedicationEntry], Field(max_length=MAX_ITEMS)]


# --- envelopes ------------------------------------------------------------------------


class ConsultationCompletedCreate(EventEnvelope):
    """Record the initial consultation."""

    model_config = examples_config("ConsultationCompleted")

    type: Literal["ConsultationCompleted"]
    data: ConsultationCompletedData


class OutcomeMeasureRecordedCreate(EventEnvelope):
    """Record item answers on a rating scale (PHQ-9, GAD-7, PCL-5, C-SSRS)."""

    model_config = examples_config("OutcomeMeasureRecorded")

    type: Literal["OutcomeMeasureRecorded"]
    data: OutcomeMeasureRecordedData


class ScreeningCompletedCreate(EventEnvelope):
    """Record the screening and eligibility decision."""

    model_config = examples_config("ScreeningCompleted")

    type: Literal["ScreeningCompleted"]
    data: ScreeningCompletedData


class ConsentSignedCreate(EventEnvelope):
    """Record signed informed consent."""

    model_config = examples_config("ConsentSigned")

    type: Literal["ConsentSigned"]
    data: ConsentSignedData


class ConsentWithdrawnCreate(EventEnvelope):
    """Record that consent was withdrawn."""

    model_config = examples_config("ConsentWithdrawn")

    type: Literal["ConsentWithdrawn"]
    data: ConsentWithdrawnData


class PreparationCompletedCreate(EventEnvelope):
    """Record the preparation session."""

    model_config = examples_config("PreparationCompleted")

    type: Literal["PreparationCompleted"]
    data: PreparationCompletedData


class TreatmentPlanUpdatedCreate(EventEnvelope):
    """Record the treatment plan after the series."""

    model_config = examples_config("TreatmentPlanUpdated")

    type: Literal["TreatmentPlanUpdated"]
    data: TreatmentPlanUpdatedData


class SafetyReviewCompletedCreate(EventEnvelope):
    """Record a prescriber's safety review."""

    model_config = examples_config("SafetyReviewCompleted")

    type: Literal["SafetyReviewCompleted"]
    data: SafetyReviewCompletedData


class RemsPatientEnrolledCreate(EventEnvelope):
    """Record the patient's Spravato REMS enrollment."""

    model_config = examples_config("RemsPatientEnrolled")

    type: Literal["RemsPatientEnrolled"]
    data: RemsPatientEnrolledData


class MedicationsReconciledCreate(EventEnvelope):
    """Record the reconciled list of the patient's medications."""

    model_config = examples_config("MedicationsReconciled")

    type: Literal["MedicationsReconciled"]
    data: MedicationsReconciledData


CONSULTATION_COMPLETED_EXAMPLE = EVENT_EXAMPLES["ConsultationCompleted"][0]
