"""The answer of ``GET /v1/journeys/{id}/sessions/{n}/rems-form``: a session's Spravato
Patient Monitoring Form, filled from the record, with what it could not fill."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from interface.http.schemas.answers import local_of, time_zone_field
from interface.http.schemas.common import AdverseKind, MedicationClass, Severity, WireModel


class FormReadingPublic(WireModel):
    """Vital signs on the form, with when they were taken relative to the dose."""

    at: datetime
    """When the reading was taken."""
    at_local: datetime | None = local_of("at")
    minutes_after_dose: int = Field(description="Negative for the pre-dose check.")
    systolic: int
    """Systolic blood pressure in mmHg."""
    diastolic: int
    """Diastolic blood pressure in mmHg."""
    heart_rate: int
    """Heart rate in beats per minute."""
    spo2: int | None = None
    """Oxygen saturation in percent, if taken."""


class FormEffectPublic(WireModel):
    """An effect the form asks about: whether it occurred (an adverse event of its kind in
    the session; no, once discharged without one) and whether it resolved by discharge."""

    occurred: bool | None = None
    """It occurred in the session; null while the record cannot tell."""
    resolved: bool | None = None
    """It resolved by discharge; null while the record cannot tell."""


class FormMedicationPublic(WireModel):
    """A concomitant medication, as last reconciled before the dose."""

    name: str
    """The medication's name."""
    class_: MedicationClass = Field(alias="class")
    """Its class."""
    dose: str
    """Dose and schedule."""


class FormAdverseEventPublic(WireModel):
    """An adverse event reported for the session."""

    version: int
    """The entry that reported it."""
    at: datetime
    """When it was reported (clinical time)."""
    at_local: datetime | None = local_of("at")
    kind: AdverseKind
    """What happened."""
    severity: Severity
    """mild, moderate, severe or serious."""
    onset_at: datetime | None = None
    """When it began, if known."""
    onset_at_local: datetime | None = local_of("onset_at")
    resolved_at: datetime | None = None
    """When it resolved, if it has."""
    resolved_at_local: datetime | None = local_of("resolved_at")
    reported_to: list[str]
    """Where it was reported (rems, medwatch)."""


class RemsFormPublic(WireModel):
    """The Patient Monitoring Form of one dosed Spravato session."""

    journey_id: UUID
    """The journey's id."""
    time_zone: str | None = time_zone_field()
    session: int
    """The dosed session the form is about."""
    patient_ref: str
    """The clinic's record number for the patient."""
    enrollment_id: str | None = None
    """The patient's REMS enrollment id, if recorded."""
    administered_at: datetime
    """When the dose was given."""
    administered_at_local: datetime | None = local_of("administered_at")
    dose_mg: float
    """The dose in milligrams."""
    devices: int | None = Field(default=None, description="28 mg per nasal spray device.")
    lot_number: str | None = None
    """The drug's lot number."""
    prescriber_on_site: str | None = None
    """Staff id of the prescriber on site."""
    blood_pressure_before: FormReadingPublic | None = Field(
        default=None, description="The pre-dose check's vitals."
    )
    blood_pressure_at_40_minutes: FormReadingPublic | None = Field(
        default=None,
        description="The session's reading in the protocol's monitoring window after the "
        "dose; without one there, the one closest to 40 minutes after it.",
    )
    blood_pressure_at_discharge: FormReadingPublic | None = None
    """The discharge's vitals."""
    sedation: FormEffectPublic
    """Sedation: occurred, and resolved by discharge."""
    dissociation: FormEffectPublic
    """Dissociation: occurred, and resolved by discharge."""
    respiratory_depression: FormEffectPublic
    """Respiratory depression: occurred, and resolved by discharge."""
    discharged_at: datetime | None = None
    """When the patient was discharged."""
    discharged_at_local: datetime | None = local_of("discharged_at")
    monitoring_minutes: int | None = Field(
        default=None, description="From the dose to the discharge."
    )
    concomitant_medications: list[FormMedicationPublic] | None = None
    """The medications as last reconciled before the dose; null if never reconciled."""
    adverse_events: list[FormAdverseEventPublic]
    """Adverse events reported for the session."""
    due_at: datetime | None = None
    """When the form is due to the REMS program."""
    due_at_local: datetime | None = local_of("due_at")
    submitted_at: datetime | None = Field(
        default=None, description="When RemsMonitoringFormSubmitted was recorded, if it was."
    )
    submitted_at_local: datetime | None = local_of("submitted_at")
    missing: list[str] = Field(
        description="The form's fields the record cannot fill; a dotted name is a part of "
        "one (blood_pressure_at_40_minutes.spo2)."
    )
