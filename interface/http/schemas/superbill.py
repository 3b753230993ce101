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
    line2: str | None = None
    city: str
    state: str
    postal_code: str


class ClinicOnBillPublic(WireModel):
    display_name: str
    address: AddressPublic
    phone: str | None = None
    billing_npi: str
    tax_id: str = Field(description="The clinic's employer identification number.")


class PlacePublic(WireModel):
    code: str = Field(description="CMS place-of-service code.")
    name: str


class ClinicianPublic(WireModel):
    staff_id: str
    name: str = Field(description="As the clinic's directory lists them, else the staff id.")
    credentials: str | None = None
    npi: str | None = Field(description="Individual NPI; null when the directory has none.")


class BilledDiagnosisPublic(WireModel):
    code: str = Field(description="ICD-10-CM.")
    description: str | None = None
    verified: bool = Field(description="The code is in the service's shipped table.")


class SuperbillLinePublic(WireModel):
    date_of_service: date = Field(description="The clinic's local date.")
    code: str = Field(description="CPT or HCPCS.")
    modifiers: list[str] = Field(description="95 for a synchronous telehealth session.")
    description: str
    service: str = Field(description="What in the journey it bills, e.g. Dosing session 2: visit.")
    place_of_service: str
    rendering: ClinicianPublic
    units: int
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
    patient_ref: str
    period: PeriodPublic
    currency: Literal["USD"]
    clinic: ClinicOnBillPublic
    place_of_service: PlacePublic
    clinicians: list[ClinicianPublic]
    diagnoses: list[BilledDiagnosisPublic]
    lines: list[SuperbillLinePublic]
    total_cents: int
    notes: list[str] = Field(description="Services of the record not billed, and why.")
    statement: str
