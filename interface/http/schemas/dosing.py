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
    """The session this check opens: the next one (1, 2, ...), or the open one again."""
    last_food_at: WireTime
    """When the patient last ate; rule J-04 wants the fast the protocol sets before the dose."""
    last_clear_liquid_at: WireTime
    """When the patient last drank clear liquids."""
    alcohol_or_drugs_last_24h: StrictBool
    """Alcohol or recreational drugs in the last 24 hours; true holds the dose."""
    transport: Transport
    """How the patient gets home; rule J-04 needs it arranged."""
    vitals: Vitals
    """Vital signs before the dose; outside the protocol's limits they hold it (J-06)."""
    pregnancy_test: PregnancyTest
    """negative, positive (holds the dose) or not_applicable."""
    weight_kg: WeightKg | None = Field(
        None, description="Weight at the check (2027-1 mg/kg limits read the latest on record)."
    )


class KetamineAdministeredData(WireModel):
    """The dose given in session N, who was present, and any prescriber override."""

    session: SessionNumber
    """The session the dose belongs to: the one the last pre-dose check opened."""
    route: Route
    """im, iv, sublingual, oral, or intranasal (Spravato's esketamine)."""
    dose_mg: DoseMg
    """The dose in milligrams (more than 0, at most 2000); the protocol's mg/kg and per-route
    limits apply (J-06)."""
    weight_kg: WeightKg
    """Body weight in kilograms (20-400) the dose was computed for."""
    administered_by: Identifier
    """Staff id of who gave the dose."""
    therapist_present: Identifier | None = None
    """Staff id of the therapist in the room; kap-standard needs one (J-05)."""
    prescriber_on_site: Identifier | None = None
    """Staff id of the prescriber on site; spravato-rems needs one."""
    lot_number: Identifier
    """The drug's lot number, for recalls and the REMS form."""
    override: Override | None = None
    """A prescriber's documented decision to proceed past an overridable threshold; null
    otherwise."""
    booster: StrictBool = Field(
        False, description="A further administration in the same session (kap-standard)."
    )
    infusion_minutes: Annotated[StrictInt, Field(ge=1, le=600), WHOLE] | None = Field(
        None, description="How long an IV dose ran, in minutes (IV doses need it from 2027-1)."
    )


class VitalsRecordedData(WireModel):
    """Vital signs taken during session N."""

    session: SessionNumber
    """The dosing session the reading belongs to."""
    vitals: Vitals
    """The reading."""


class GuidedTherapyNotedData(WireModel):
    """Guided therapy during session N: techniques used and a note."""

    session: SessionNumber
    """The dosing session the therapy belongs to."""
    techniques: Annotated[list[Technique], Field(min_length=1, max_length=MAX_ITEMS)]
    """The techniques used (1-50): mindfulness, somatic_experiencing, cbt, grounding, other."""
    note: Text
    """The therapist's note."""
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
    """The dosing session it happened in, if any."""
    kind: AdverseKind
    """What happened (nausea, hypertension, excessive_sedation, respiratory_depression...)."""
    severity: Severity
    """mild, moderate, severe, or serious (an FDA serious adverse event); severe and serious raise
    a safety hold."""
    action_taken: Text
    """What staff did about it."""
    onset_at: WireTime | None = None
    """When it began, if known."""
    resolved_at: WireTime | None = None
    """When it resolved, if it has."""
    reported_to: Annotated[list[ReportedTo], Field(max_length=2)] = Field(
        default_factory=list,
        description="Where it was reported: rems (Spravato REMS), medwatch (FDA).",
    )


class PatientDischargedData(WireModel):
    """Discharge from session N: vitals, orientation, escort and instructions."""

    session: SessionNumber
    """The dosing session the patient is discharged from."""
    vitals: Vitals
    """Vital signs at discharge."""
    alert_and_oriented: StrictBool
    """The patient is alert and oriented; rule J-10 needs it true."""
    released_to: Identifier | None = None
    """Who the patient left with (the escort), if anyone."""
    instructions: TextList
    """The instructions given at discharge (at most 50)."""
    override: Override | None = None
    """A prescriber's documented decision to discharge before the protocol's observation time; null
    otherwise."""
    sedation_resolved: StrictBool | None = None
    """Sedation has resolved (the REMS form asks; Spravato needs it true)."""
    dissociation_resolved: StrictBool | None = None
    """Dissociation has resolved (the REMS form asks; Spravato needs it true)."""
    respiratory_depression_resolved: StrictBool | None = None
    """Respiratory depression, if any, has resolved (Spravato needs it true)."""


class DosingSessionCancelledData(WireModel):
    """Session N was cancelled (for example a blood-pressure hold)."""

    session: SessionNumber
    """The opened session that is cancelled; the next check opens the one after it."""
    reason: Text
    """Why it was cancelled."""


class IntegrationCompletedData(WireModel):
    """Integration session for discharged session N."""

    session: SessionNumber
    """The discharged dosing session this integration follows."""
    modality: Modality
    """in_person or telehealth."""
    insights: Text
    """What the patient made of the experience."""
    practices: TextList
    """Practices agreed for the time until the next session (at most 50)."""
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
    """The dosed Spravato session the form is about."""
    confirmation: Identifier
    """The REMS program's confirmation number for the submitted form."""


# --- envelopes ------------------------------------------------------------------------


class PreDoseCheckCompletedCreate(EventEnvelope):
    """Record the pre-dose check that opens a dosing session."""

    model_config = examples_config("PreDoseCheckCompleted")

    type: Literal["PreDoseCheckCompleted"]
    """The event type: `PreDoseCheckCompleted` selects this envelope and its data."""
    data: PreDoseCheckCompletedData
    """What the entry records (`PreDoseCheckCompletedData`)."""


class KetamineAdministeredCreate(EventEnvelope):
    """Record a ketamine dose."""

    model_config = examples_config("KetamineAdministered")

    type: Literal["KetamineAdministered"]
    """The event type: `KetamineAdministered` selects this envelope and its data."""
    data: KetamineAdministeredData
    """What the entry records (`KetamineAdministeredData`)."""


class VitalsRecordedCreate(EventEnvelope):
    """Record vital signs during a dosing session."""

    model_config = examples_config("VitalsRecorded")

    type: Literal["VitalsRecorded"]
    """The event type: `VitalsRecorded` selects this envelope and its data."""
    data: VitalsRecordedData
    """What the entry records (`VitalsRecordedData`)."""


class GuidedTherapyNotedCreate(EventEnvelope):
    """Record guided therapy during a dosing session."""

    model_config = examples_config("GuidedTherapyNoted")

    type: Literal["GuidedTherapyNoted"]
    """The event type: `GuidedTherapyNoted` selects this envelope and its data."""
    data: GuidedTherapyNotedData
    """What the entry records (`GuidedTherapyNotedData`)."""


class AdverseEventReportedCreate(EventEnvelope):
    """Report an adverse event."""

    model_config = examples_config("AdverseEventReported")

    type: Literal["AdverseEventReported"]
    """The event type: `AdverseEventReported` selects this envelope and its data."""
    data: AdverseEventReportedData
    """What the entry records (`AdverseEventReportedData`)."""


class PatientDischargedCreate(EventEnvelope):
    """Record discharge from a dosing session."""

    model_config = examples_config("PatientDischarged")

    type: Literal["PatientDischarged"]
    """The event type: `PatientDischarged` selects this envelope and its data."""
    data: PatientDischargedData
    """What the entry records (`PatientDischargedData`)."""


class DosingSessionCancelledCreate(EventEnvelope):
    """Record that a dosing session was cancelled."""

    model_config = examples_config("DosingSessionCancelled")

    type: Literal["DosingSessionCancelled"]
    """The event type: `DosingSessionCancelled` selects this envelope and its data."""
    data: DosingSessionCancelledData
    """What the entry records (`DosingSessionCancelledData`)."""


class IntegrationCompletedCreate(EventEnvelope):
    """Record the integration session for a dosing session."""

    model_config = examples_config("IntegrationCompleted")

    type: Literal["IntegrationCompleted"]
    """The event type: `IntegrationCompleted` selects this envelope and its data."""
    data: IntegrationCompletedData
    """What the entry records (`IntegrationCompletedData`)."""


class RemsMonitoringFormSubmittedCreate(EventEnvelope):
    """Record submission of the Spravato REMS monitoring form."""

    model_config = examples_config("RemsMonitoringFormSubmitted")

    type: Literal["RemsMonitoringFormSubmitted"]
    """The event type: `RemsMonitoringFormSubmitted` selects this envelope and its data."""
    data: RemsMonitoringFormSubmittedData
    """What the entry records (`RemsMonitoringFormSubmittedData`)."""
