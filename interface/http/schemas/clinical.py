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
    """Whether the patient reports suicidal ideation now; true raises a safety hold until a
    prescriber's safety review."""
    appearance: Text | None = None
    """Appearance and behaviour, as observed."""
    mood: Text | None = None
    """Mood, in the patient's words."""
    affect: Text | None = None
    """Affect, as observed (flat, restricted, congruent...)."""
    thought_process: Text | None = None
    """Thought process (linear, tangential...)."""
    thought_content: Text | None = None
    """Thought content (preoccupations, delusions...)."""
    perception: Text | None = None
    """Perception (hallucinations, none...)."""
    cognition: Text | None = None
    """Cognition (orientation, memory, attention)."""
    insight: Text | None = None
    """Insight into the illness."""
    judgment: Text | None = None
    """Judgment."""


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
    """The clinician's words for the diagnosis, if wanted (the service adds the ICD-10-CM title of
    a verified code)."""


def _each_code_once(diagnoses: list[DiagnosisEntry] | None) -> list[DiagnosisEntry] | None:
    repeated = duplicate_codes([d.code for d in diagnoses or []])
    if repeated:
        raise ValueError(repeated)
    return diagnoses


class ConsultationCompletedData(WireModel):
    """Initial consultation: history, symptoms, goals, trials, mental status, vitals, diagnoses."""

    modality: Modality
    """in_person, or telehealth (billed with modifier 95 and the telehealth place of service)."""
    medical_history: Text
    """Relevant medical and psychiatric history."""
    current_symptoms: Text
    """The symptoms that bring the patient, and for how long."""
    treatment_goals: TextList
    """What the patient hopes treatment changes (at most 50)."""
    adequate_antidepressant_trials: Annotated[StrictInt, Field(ge=0, le=100), WHOLE]
    """How many adequate antidepressant trials failed (0-100); treatment-resistant depression means
    2 or more."""
    mental_status_exam: MentalStatusExam
    """The mental status examination."""
    vitals: Vitals
    """Vital signs at the consultation."""
    weight_kg: WeightKg
    """Body weight in kilograms (20-400), which mg/kg dose limits read."""
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
    """PHQ-9 (9 items 0-3), GAD-7 (7 items 0-3), PCL-5 (20 items 0-4) or C-SSRS screen (6 items
    0-1)."""
    items: Annotated[list[ScaleItem], Field(max_length=20)]
    """Each item's answer, in the instrument's order; the count and range per instrument are
    checked by rule J-14, and the service computes the total and band."""
    timepoint: Timepoint
    """baseline (before the first dose), pre_dose, post_session, follow_up or end_of_series."""
    session: SessionNumber | None = None
    """The dosing session the score belongs to, if any (pre_dose and post_session scores
    name one)."""
    behaviour_within_3_months: StrictBool | None = Field(
        None, description="C-SSRS: the item 6 behaviour happened within the last 3 months."
    )


class Contraindications(WireModel):
    """Each contraindication, true or false."""

    active_psychosis: StrictBool
    """Active psychotic symptoms."""
    primary_psychotic_disorder: StrictBool
    """A primary psychotic disorder (schizophrenia and the like)."""
    acute_mania: StrictBool
    """Current mania or hypomania."""
    pregnant: StrictBool
    """Pregnant."""
    breastfeeding: StrictBool
    """Breastfeeding."""
    ketamine_hypersensitivity: StrictBool
    """Known hypersensitivity to ketamine or esketamine."""
    aneurysmal_vascular_disease: StrictBool
    """Aneurysmal vascular disease (aortic, intracranial or peripheral)."""
    intracerebral_hemorrhage_history: StrictBool
    """A history of intracerebral hemorrhage."""
    uncontrolled_hypertension: StrictBool
    """Hypertension that is not controlled."""
    severe_cardiovascular_disease: StrictBool
    """Severe cardiovascular disease."""
    active_substance_use_disorder: StrictBool
    """An active substance use disorder."""
    arteriovenous_malformation: StrictBool | None = None
    """An arteriovenous malformation (Spravato's label names it); null or left out if not
    assessed."""


class ScreeningCompletedData(WireModel):
    """Screening: contraindications, medical clearance and the eligibility decision."""

    contraindications: Contraindications
    """Each contraindication, true or false; any true makes the patient ineligible."""
    medical_clearance: StrictBool
    """A clinician cleared the patient medically for ketamine."""
    decision: Decision
    """eligible, or ineligible (the journey then ends in the ineligible stage)."""
    rationale: Text
    """Why, in the prescriber's words."""
    childbearing_potential: StrictBool | None = Field(
        None, description="When true, each pre-dose check's pregnancy_test must be negative."
    )


class ConsentSignedData(WireModel):
    """Informed consent signed on a named form version."""

    form: Identifier
    """The consent form's name in the clinic's records."""
    form_version: Identifier
    """The version of the form signed."""
    risks_discussed: StrictBool
    """The risks were discussed with the patient; rule J-03 needs it true."""


class ConsentWithdrawnData(WireModel):
    """The patient withdrew consent."""

    reason: Text
    """Why the patient withdrew consent."""


class DosingPlan(WireModel):
    """The planned route and dose discussed in preparation."""

    route: Route
    """The planned route: im, iv, sublingual, oral or intranasal (Spravato)."""
    planned_dose_mg: DoseMg
    """The planned dose in milligrams (more than 0, at most 2000)."""


class PreparationCompletedData(WireModel):
    """Preparation session: education, intentions, dosing plan, expectations."""

    modality: Modality
    """in_person or telehealth."""
    education_topics: TextList
    """What the patient was taught about the experience (at most 50)."""
    intentions: TextList
    """The patient's intentions for the sessions (at most 50)."""
    dosing_plan: DosingPlan
    """The route and dose the prescriber plans."""
    expectations_discussed: StrictBool
    """The patient's expectations were discussed."""
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
    """The phase the plan begins: maintenance."""
    further_sessions: Annotated[StrictInt, Field(ge=1, le=1000), WHOLE]
    """How many maintenance sessions are planned (1-1000)."""
    interval_weeks: Annotated[StrictInt, Field(ge=1, le=52), WHOLE]
    """Weeks between maintenance sessions (1-52); rule J-07 holds doses closer than that."""
    rationale: Text
    """Why this plan, in the prescriber's words."""


class SafetyReviewCompletedData(WireModel):
    """A prescriber's safety review; cleared lifts a safety hold."""

    cleared: StrictBool
    """The prescriber clears the patient: true lifts the safety hold."""
    plan: Text
    """What was decided and what happens next."""
    safety_plan: StrictBool | None = Field(
        None, description="A written safety plan is in place (needed to clear a high hold)."
    )
    interactions_reviewed: StrictBool | None = Field(
        None, description="The reconciled medications' interactions were reviewed."
    )


class RemsPatientEnrolledData(WireModel):
    """The patient's Spravato REMS enrollment."""

    enrollment_id: Identifier
    """The patient's Spravato REMS enrollment id."""
    enrolled_at: WireTime
    """When the patient was enrolled, ISO 8601 with an offset."""


class MedicationEntry(WireModel):
    """One medication the patient takes."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: Identifier
    """The medication's name."""
    class_: MedicationClass = Field(alias="class")
    """Its class, for the interaction review: benzodiazepine, lamotrigine, maoi, stimulant, opioid,
    other_cns_depressant, antidepressant or other."""
    dose: Identifier
    """Dose and schedule as the patient takes it (10 mg daily)."""


class MedicationsReconciledData(WireModel):
    """The patient's current medications, reconciled (an empty list says: none)."""

    medications: Annotated[list[MedicationEntry], Field(max_length=MAX_ITEMS)]
    """Every medication the patient takes now (at most 50); an empty list says none."""


# --- envelopes ------------------------------------------------------------------------


class ConsultationCompletedCreate(EventEnvelope):
    """Record the initial consultation."""

    model_config = examples_config("ConsultationCompleted")

    type: Literal["ConsultationCompleted"]
    """The event type: `ConsultationCompleted` selects this envelope and its data."""
    data: ConsultationCompletedData
    """What the entry records (`ConsultationCompletedData`)."""


class OutcomeMeasureRecordedCreate(EventEnvelope):
    """Record item answers on a rating scale (PHQ-9, GAD-7, PCL-5, C-SSRS)."""

    model_config = examples_config("OutcomeMeasureRecorded")

    type: Literal["OutcomeMeasureRecorded"]
    """The event type: `OutcomeMeasureRecorded` selects this envelope and its data."""
    data: OutcomeMeasureRecordedData
    """What the entry records (`OutcomeMeasureRecordedData`)."""


class ScreeningCompletedCreate(EventEnvelope):
    """Record the screening and eligibility decision."""

    model_config = examples_config("ScreeningCompleted")

    type: Literal["ScreeningCompleted"]
    """The event type: `ScreeningCompleted` selects this envelope and its data."""
    data: ScreeningCompletedData
    """What the entry records (`ScreeningCompletedData`)."""


class ConsentSignedCreate(EventEnvelope):
    """Record signed informed consent."""

    model_config = examples_config("ConsentSigned")

    type: Literal["ConsentSigned"]
    """The event type: `ConsentSigned` selects this envelope and its data."""
    data: ConsentSignedData
    """What the entry records (`ConsentSignedData`)."""


class ConsentWithdrawnCreate(EventEnvelope):
    """Record that consent was withdrawn."""

    model_config = examples_config("ConsentWithdrawn")

    type: Literal["ConsentWithdrawn"]
    """The event type: `ConsentWithdrawn` selects this envelope and its data."""
    data: ConsentWithdrawnData
    """What the entry records (`ConsentWithdrawnData`)."""


class PreparationCompletedCreate(EventEnvelope):
    """Record the preparation session."""

    model_config = examples_config("PreparationCompleted")

    type: Literal["PreparationCompleted"]
    """The event type: `PreparationCompleted` selects this envelope and its data."""
    data: PreparationCompletedData
    """What the entry records (`PreparationCompletedData`)."""


class TreatmentPlanUpdatedCreate(EventEnvelope):
    """Record the treatment plan after the series."""

    model_config = examples_config("TreatmentPlanUpdated")

    type: Literal["TreatmentPlanUpdated"]
    """The event type: `TreatmentPlanUpdated` selects this envelope and its data."""
    data: TreatmentPlanUpdatedData
    """What the entry records (`TreatmentPlanUpdatedData`)."""


class SafetyReviewCompletedCreate(EventEnvelope):
    """Record a prescriber's safety review."""

    model_config = examples_config("SafetyReviewCompleted")

    type: Literal["SafetyReviewCompleted"]
    """The event type: `SafetyReviewCompleted` selects this envelope and its data."""
    data: SafetyReviewCompletedData
    """What the entry records (`SafetyReviewCompletedData`)."""


class RemsPatientEnrolledCreate(EventEnvelope):
    """Record the patient's Spravato REMS enrollment."""

    model_config = examples_config("RemsPatientEnrolled")

    type: Literal["RemsPatientEnrolled"]
    """The event type: `RemsPatientEnrolled` selects this envelope and its data."""
    data: RemsPatientEnrolledData
    """What the entry records (`RemsPatientEnrolledData`)."""


class MedicationsReconciledCreate(EventEnvelope):
    """Record the reconciled list of the patient's medications."""

    model_config = examples_config("MedicationsReconciled")

    type: Literal["MedicationsReconciled"]
    """The event type: `MedicationsReconciled` selects this envelope and its data."""
    data: MedicationsReconciledData
    """What the entry records (`MedicationsReconciledData`)."""


CONSULTATION_COMPLETED_EXAMPLE = EVENT_EXAMPLES["ConsultationCompleted"][0]
