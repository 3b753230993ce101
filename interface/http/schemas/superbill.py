"""The answer of ``GET /v1/journeys/{id}/superbill``: an itemised statement for
out-of-network reimbursement (``interface.presentation.superbill_view`` builds it)."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import Field

from interface.http.schemas.common import WireModel


class PeriodPublic(WireModel):
    from_: date | None = Field(alias="from", description="First date of service included.")
    to: date | None = Field(description="Last date of service included.")


class AddressPublic(WireModel):
    line1: str
    """Street and number."""
    line2: str | None = None
    """Suite, floor..."""
    city: str
    """City."""
    state: str
    """Two-letter USPS code."""
    postal_code: str
    """ZIP code."""


class ClinicOnBillPublic(WireModel):
    display_name: str
    """The clinic's name."""
    address: AddressPublic
    """Where services were rendered."""
    phone: str | None = None
    """The clinic's phone number."""
    billing_npi: str
    """The clinic's (type 2) NPI."""
    tax_id: str = Field(description="The clinic's employer identification number.")


class PlacePublic(WireModel):
    code: str = Field(description="CMS place-of-service code.")
    name: str
    """The place-of-service name (Office, Telehealth...)."""


class ClinicianPublic(WireModel):
    staff_id: str
    """The clinician's staff id."""
    name: str = Field(description="As the clinic's directory lists them, else the staff id.")
    credentials: str | None = None
    """Credentials (MD, LCSW...)."""
    npi: str | None = Field(description="Individual NPI; null when the directory has none.")


class BilledDiagnosisPublic(WireModel):
    code: str = Field(description="ICD-10-CM.")
    description: str | None = None
    """Its title or the clinician's words."""
    verified: bool = Field(description="The code is in the service's shipped table.")


class SuperbillLinePublic(WireModel):
    date_of_service: date = Field(description="The clinic's local date.")
    code: str = Field(description="CPT or HCPCS.")
    modifiers: list[str] = Field(description="95 for a synchronous telehealth session.")
    description: str
    """What the code bills, in words."""
    service: str = Field(description="What in the journey it bills, e.g. Dosing session 2: visit.")
    place_of_service: str
    """CMS place-of-service code of this line."""
    rendering: ClinicianPublic
    """The clinician who rendered the service."""
    units: int
    """Units billed."""
    fee_cents: int = Field(description="The clinic's fee for one unit.")
    amount_cents: int = Field(description="fee_cents times units.")
    minutes: int | None = Field(description="The time that chose a time-based code.")
    minutes_from: Literal["record", "clinic standard"] | None = Field(
        description="record: the entries' times; clinic standard: the fee schedule's "
        "standard session length (the entry records none)."
    )
    entry_version: int = Field(description="The journey entry the line comes from.")


class SuperbillPublic(WireModel):
    """A superbill: the clinic, clinicians, diagnoses and one line per billable service."""

    journey_id: UUID
    """The journey billed."""
    patient_ref: str
    """The clinic's record number for the patient."""
    period: PeriodPublic
    """The dates of service included."""
    currency: Literal["USD"]
    """USD."""
    clinic: ClinicOnBillPublic
    """The billing clinic."""
    place_of_service: PlacePublic
    """The clinic's place of service."""
    clinicians: list[ClinicianPublic]
    """Each rendering clinician."""
    diagnoses: list[BilledDiagnosisPublic]
    """The diagnoses the services treat."""
    lines: list[SuperbillLinePublic]
    """One line per billable service, by date."""
    total_cents: int
    """The sum of the lines' amounts, in cents."""
    notes: list[str] = Field(description="Services of the record not billed, and why.")
    statement: str
    """The statement the patient signs to send it."""
