"""Data of the events that make up a dosing session, from pre-dose check to integration."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt

from interface.http.schemas.common import (
    MAX_ITEMS,
    WHOLE,
    AdverseKind,
    DoseMg,
    EventEnvelope,
    Identifier,
    Modality,
    Override,
    PregnancyTest,
    ReportedTo,
    Route,
    SessionMinutes,
    SessionNumber,
    Severity,
    Technique,
    Text,
    TextList,
    Transport,
    Vitals,
    WeightKg,
    WireModel,
    WireTime,
)
from interface.http.schemas.event_examples import examples_config


class PreDoseCheckCompletedData(WireModel):
    """Pre-dose check that opens session N: fasting, substances, transport, vitals."""

    session: SessionNumber
    last_food_at: WireTime
    last_clear_liquid_at: WireTime
    alcohol_or_drugs_last_24h: StrictBool
    transport: Transport
    vitals: Vitals
    pregnancy_test: PregnancyTest
    weight_kg: WeightKg | None = Field(
        None, description="Weight at the check (2027-1 mg/kg limits read the latest on record)."
    )


class KetamineAdministeredData(WireModel):
    """The dose given in session N, who was present, and any prescriber override."""

    session: SessionNumber
    route: Route
    dose_mg: DoseMg
    weight_kg: WeightKg
    administered_by: Identifier
    therapist_present: Identifier | None = None
    prescriber_on_site: Identifier | None = None
    lot_number: Identifier
    override: Override | None = None
    booster: StrictBool = Field(
        False, description="A further administration in the same session (kap-standard)."
    )
    infusion_minutes: Annotated[StrictInt, Field(ge=1, le=600), WHOLE] | None = Field(
        None, description="How long an IV dose ran, in minutes (IV doses need it from 2027-1)."
    )


class VitalsRecordedData(WireModel):
    """Vital signs taken during session N."""

    session: SessionNumber
    vitals: Vitals


class GuidedTherapyNotedData(WireModel):
    """Guided therapy during session N: techniques used and a note."""

    session: SessionNumber
    techniques: Annotated[list[Technique], Field(min_length=1, max_length=MAX_ITEMS)]
    note: Text
    minutes: SessionMinutes | None = Field(
        None,
        description="The face-to-face psychotherapy minutes this note covers (1 to 480). "
        "When a session's notes give minutes, the superbill codes its guided therapy by "
        "their sum; otherwise by the time from the dose to the last note.",
        examples=[50],
    )


class AdverseEventReportedData(WireModel):
    """An adverse event, its severity and the action taken."""

    session: SessionNumber | None = None
    kind: AdverseKind
    severity: Severity
    action_taken: Text
    onset_at: WireTime | None = None
    resolved_at: WireTime | None = None
    reported_to: Annotated[list[ReportedTo], Field(max_length=2)] = Field(
        default_factory=list,
        description="Where it was reported: rems (Spravato REMS), medwatch (FDA).",
    )


class PatientDischargedData(WireModel):
    """Discharge from session N: vitals, orientation, escort and instructions."""

    session: SessionNumber
    vitals: Vitals
    alert_and_oriented: StrictBool
    released_to: Identifier | None = None
    instructions: TextList
    override: Override | None = None
    sedation_resolved: StrictBool | None = None
    dissociation_resolved: StrictBool | None = None
    respiratory_depression_resolved: StrictBool | None = None


class DosingSessionCancelledData(WireModel):
    """Session N was cancelled (for example a blood-pressure hold)."""

    session: SessionNumber
    reason: Text


class IntegrationCompletedData(WireModel):
    """Integration session for discharged session N."""

    session: SessionNumber
    modality: Modality
    insights: Text
    practices: TextList
    minutes: SessionMinutes | None = Field(
        None,
        description="The session's face-to-face psychotherapy time in minutes (1 to 480), "
        "as CPT counts it. The superbill codes the session by it (90832 16-37, 90834 "
        "38-52, 90837 53 or more); left out, it bills the clinic's standard length.",
        examples=[53],
    )


class RemsMonitoringFormSubmittedData(WireModel):
    """The Spravato REMS monitoring form for session N was submitted."""

    session: SessionNumber
    confirmation: Identifier


# --- envelopes ------------------------------------------------------------------------


class PreDoseCheckCompletedCreate(EventEnvelope):
    """Record the pre-dose check that opens a dosing session."""

    model_config = examples_config("PreDoseCheckCompleted")

    type: Literal["PreDoseCheckCompleted"]
    data: PreDoseCheckCompletedData


class KetamineAdministeredCreate(EventEnvelope):
    """Record a ketamine dose."""

    model_config = examples_config("KetamineAdministered")

    type: Literal["KetamineAdministered"]
    data: KetamineAdministeredData


class VitalsRecordedCreate(EventEnvelope):
    """Record vital signs during a dosing session."""

    model_config = examples_config("VitalsRecorded")

    type: Literal["VitalsRecorded"]
    data: VitalsRecordedData


class GuidedTherapyNotedCreate(EventEnvelope):
    """Record guided therapy during a dosing session."""

    model_config = examples_config("GuidedTherapyNoted")

    type: Literal["GuidedTherapyNoted"]
    data: GuidedTherapyNotedData


class AdverseEventReportedCreate(EventEnvelope):
    """Report an adverse event."""

    model_config = examples_config("AdverseEventReported")

    type: Literal["AdverseEventReported"]
    data: AdverseEventReportedData


class PatientDischargedCreate(EventEnvelope):
    """Record discharge from a dosing session."""

    model_config = examples_config("PatientDischarged")

    type: Literal["PatientDischarged"]
    data: PatientDischargedData


class DosingSessionCancelledCreate(EventEnvelope):
    """Record that a dosing session was cancelled."""

    model_config = examples_config("DosingSessionCancelled")

    type: Literal["DosingSessionCancelled"]
    data: DosingSessionCancelledData


class IntegrationCompletedCreate(EventEnvelope):
    """Record the integration session for a dosing session."""

    model_config = examples_config("IntegrationCompleted")

    type: Literal["IntegrationCompleted"]
    data: IntegrationCompletedData


class RemsMonitoringFormSubmittedCreate(EventEnvelope):
    """Record submission of the Spravato REMS monitoring form."""

    model_config = examples_config("RemsMonitoringFormSubmitted")

    type: Literal["RemsMonitoringFormSubmitted"]
    data: RemsMonitoringFormSubmittedData
