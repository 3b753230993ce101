"""A clinic's settings, staff directory and REMS certification on the wire."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

STAFF_ROLE = Literal["prescriber", "nurse", "therapist", "coordinator"]

ADDRESS_EXAMPLE = {
    "line1": "1550 Wewatta St",
    "line2": "Suite 200",
    "city": "Denver",
    "state": "CO",
    "postal_code": "80202",
}
SETTINGS_EXAMPLE: dict[str, Any] = {
    "display_name": "Aspen Ketamine Clinic",
    "time_zone": "America/Denver",
    "address": ADDRESS_EXAMPLE,
    "phone": "+1 303 555 0142",
    "billing_npi": "1234567893",
    "tax_id": "84-1234567",
    "place_of_service": "11",
    "rems_certification": {"certification_id": "HCS-DEN-0142", "certified_on": "2025-03-03"},
}
STAFF_EXAMPLE: dict[str, Any] = {
    "name": "Dana Lee",
    "role": "prescriber",
    "credentials": "MD",
    "npi": "1234567893",
    "active": True,
}


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid")
    line1: str = Field(min_length=1, max_length=100)
    line2: str | None = Field(None, max_length=100)
    city: str = Field(min_length=1, max_length=100)
    state: str = Field(description="Two-letter USPS code, e.g. CO.", min_length=2, max_length=2)
    postal_code: str = Field(description="ZIP, 80202 or 80202-1234.", max_length=10)


class RemsCertificationBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    certification_id: str = Field(
        max_length=40, description="The healthcare setting's Spravato REMS certification id."
    )
    certified_on: date


class ClinicSettingsPut(BaseModel):
    """The clinic's settings as a whole: a setting left out is cleared (PUT replaces)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [SETTINGS_EXAMPLE]})
    display_name: str = Field(min_length=1, max_length=120)
    time_zone: str = Field(
        max_length=64, description="IANA time zone name: people read moments in it."
    )
    address: Address | None = None
    phone: str | None = Field(None, max_length=20)
    billing_npi: str | None = Field(
        None, max_length=10, description="The clinic's (type 2) NPI; ten digits, Luhn-checked."
    )
    tax_id: str | None = Field(None, max_length=10, description="EIN, NN-NNNNNNN.")
    place_of_service: str | None = Field(
        None, max_length=2, description="CMS place-of-service code, e.g. 11 (office)."
    )
    rems_certification: RemsCertificationBody | None = Field(
        None,
        description="Spravato REMS healthcare-setting certification; without it the clinic's "
        "spravato-rems doses are refused (J-18).",
    )


class StaffMemberPut(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [STAFF_EXAMPLE]})
    name: str = Field(min_length=1, max_length=120)
    role: STAFF_ROLE
    credentials: str | None = Field(None, max_length=60)
    npi: str | None = Field(None, max_length=10, description="Individual (type 1) NPI.")
    active: bool = True


class StaffMemberPublic(BaseModel):
    staff_id: str
    name: str
    role: str
    credentials: str
    npi: str | None
    active: bool


class PublishedProtocolSummary(BaseModel):
    name: str
    version: str
    base: str
    published_at: datetime


class ClinicPublic(BaseModel):
    clinic_id: str
    version: int = Field(description="How many changes the clinic has recorded.")
    changed_at: datetime
    display_name: str | None = None
    time_zone: str = "UTC"
    address: dict[str, str] | None = None
    phone: str | None = None
    billing_npi: str | None = None
    tax_id: str | None = None
    place_of_service: str | None = None
    rems_certification: dict[str, str] | None = None
    staff: list[StaffMemberPublic]
    protocols: list[PublishedProtocolSummary]
    fee_schedule_set: bool


class StaffPublic(BaseModel):
    clinic_id: str
    staff: list[StaffMemberPublic]


class ClinicChangePublic(BaseModel):
    version: int
    type: str
    recorded_at: datetime
    recorded_by: str
    change: dict[str, Any]


class ClinicChangesPublic(BaseModel):
    clinic_id: str
    changes: list[ClinicChangePublic]


FEES_EXAMPLE: dict[str, Any] = {
    "fees": {"90792": 45000, "90837": 24000, "99215": 27500, "96372": 4500, "G2082": 65000},
    "telehealth_place_of_service": "10",
    "standard_minutes": {"preparation": 60, "integration": 60},
}


class FeeSchedulePut(BaseModel):
    """The clinic's fee schedule as a whole (see docs/superbill.md)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [FEES_EXAMPLE]})
    fees: dict[str, int] = Field(
        description="CPT/HCPCS code to the fee for one unit, in whole cents of USD."
    )
    telehealth_place_of_service: Literal["02", "10"] = "10"
    standard_minutes: dict[str, int] = Field(
        default_factory=lambda: {"preparation": 60, "integration": 60},
        description="Minutes billed for a preparation or integration that records no length.",
    )


class FeeSchedulePublic(BaseModel):
    clinic_id: str
    fees: dict[str, int]
    telehealth_place_of_service: str
    standard_minutes: dict[str, int]
    set: bool = Field(description="False while the clinic bills under the defaults (no fees).")
