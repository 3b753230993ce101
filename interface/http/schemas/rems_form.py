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
    at_local: datetime | None = local_of("at")
    minutes_after_dose: int = Field(description="Negative for the pre-dose check.")
    systolic: int
    diastolic: int
    heart_rate: int
    spo2: int | None = None


class FormEffectPublic(WireModel):
    """An effect the form asks about: whether it occurred (an adverse event of its kind in
    the session; no, once discharged without one) and whether it resolved by discharge."""

    occurred: bool | None = None
    resolved: bool | None = None


class FormMedicationPublic(WireModel):
    """A concomitant medication, as last reconciled before the dose."""

    name: str
    class_: MedicationClass = Field(alias="class")
    dose: str


class FormAdverseEventPublic(WireModel):
    """An adverse event reported for the session."""

    version: int
    at: datetime
    at_local: datetime | None = local_of("at")
    kind: AdverseKind
    severity: Severity
    onset_at: datetime | None = None
    onset_at_local: datetime | None = local_of("onset_at")
    resolved_at: datetime | None = None
    resolved_at_local: datetime | None = local_of("resolved_at")
    reported_to: list[str]


class RemsFormPublic(WireModel):
    """The Patient Monitoring Form of one dosed Spravato session."""

    journey_id: UUID
    time_zone: str | None = time_zone_field()
    session: int
    patient_ref: str
    enrollment_id: str | None = None
    administered_at: datetime
    administered_at_local: datetime | None = local_of("administered_at")
    dose_mg: float
    devices: int | None = Field(default=None, description="28 mg per nasal spray device.")
    lot_number: str | None = None
    prescriber_on_site: str | None = None
    blood_pressure_before: FormReadingPublic | None = Field(
        default=None, description="The pre-dose check's vitals."
    )
    blood_pressure_at_40_minutes: FormReadingPublic | None = Field(
        default=None,
        description="The session's reading in the protocol's monitoring window after the "
        "dose; without one there, the one closest to 40 minutes after it.",
    )
    blood_pressure_at_discharge: FormReadingPublic | None = None
    sedation: FormEffectPublic
    dissociation: FormEffectPublic
    respiratory_depression: FormEffectPublic
    discharged_at: datetime | None = None
    discharged_at_local: datetime | None = local_of("discharged_at")
    monitoring_minutes: int | None = Field(
        default=None, description="From the dose to the discharge."
    )
    concomitant_medications: list[FormMedicationPublic] | None = None
    adverse_events: list[FormAdverseEventPublic]
    due_at: datetime | None = None
    due_at_local: datetime | None = local_of("due_at")
    submitted_at: datetime | None = Field(
        default=None, description="When RemsMonitoringFormSubmitted was recorded, if it was."
    )
    submitted_at_local: datetime | None = local_of("submitted_at")
    missing: list[str] = Field(
        description="The form's fields the record cannot fill; a dotted name is a part of "
        "one (blood_pressure_at_40_minutes.spo2)."
    )
