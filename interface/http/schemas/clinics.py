"""A clinic's settings, staff directory and REMS certification on the wire."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.billing.fee_schedule import MAX_FEE_CENTS, MAX_STANDARD_MINUTES

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


class Described(BaseModel):
    """The string under a field is its description in the OpenAPI document."""

    model_config = ConfigDict(use_attribute_docstrings=True)


class Address(Described):
    model_config = ConfigDict(extra="forbid")
    line1: str = Field(min_length=1, max_length=100)
    """Street and number."""
    line2: str | None = Field(None, max_length=100)
    """Suite, floor..."""
    city: str = Field(min_length=1, max_length=100)
    """City."""
    state: str = Field(description="Two-letter USPS code, e.g. CO.", min_length=2, max_length=2)
    postal_code: str = Field(description="ZIP, 80202 or 80202-1234.", max_length=10)


class RemsCertificationBody(Described):
    model_config = ConfigDict(extra="forbid")
    certification_id: str = Field(
        max_length=40, description="The healthcare setting's Spravato REMS certification id."
    )
    certified_on: date
    """The date of the certification."""


class ClinicSettingsPut(Described):
    """The clinic's settings as a whole: a setting left out is cleared (PUT replaces)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [SETTINGS_EXAMPLE]})
    display_name: str = Field(min_length=1, max_length=120)
    """The clinic's name, as pages and superbills show it."""
    time_zone: str = Field(
        max_length=64, description="IANA time zone name: people read moments in it."
    )
    address: Address | None = None
    """The clinic's address (a superbill needs it)."""
    phone: str | None = Field(None, max_length=20)
    """The clinic's phone number."""
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


class StaffMemberPut(Described):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [STAFF_EXAMPLE]})
    name: str = Field(min_length=1, max_length=120)
    """The member's name, as superbills show it."""
    role: STAFF_ROLE
    """prescriber, nurse, therapist or coordinator."""
    credentials: str | None = Field(None, max_length=60)
    """Credentials (MD, RN, LCSW...)."""
    npi: str | None = Field(None, max_length=10, description="Individual (type 1) NPI.")
    active: bool = True
    """False deactivates the member (the record keeps who they were)."""


class StaffMemberPublic(Described):
    staff_id: str
    """The member's staff id (what entries' recorded_by.id name)."""
    name: str
    """The member's name."""
    role: str
    """prescriber, nurse, therapist or coordinator."""
    credentials: str
    """Credentials (empty if none)."""
    npi: str | None
    """Individual (type 1) NPI, if any."""
    active: bool
    """False for a deactivated member."""


class PublishedProtocolSummary(Described):
    name: str
    """The protocol's name."""
    version: str
    """Its latest version (<clinic>-<n>)."""
    base: str
    """The built-in it derives from."""
    published_at: datetime
    """When that version was published."""


class ClinicPublic(Described):
    clinic_id: str
    """The clinic's id."""
    version: int = Field(description="How many changes the clinic has recorded.")
    changed_at: datetime
    """When the clinic last changed."""
    display_name: str | None = None
    """The clinic's name, if set."""
    time_zone: str = "UTC"
    """IANA time zone name (UTC until set)."""
    address: dict[str, str] | None = None
    """The clinic's address, if set."""
    phone: str | None = None
    """The clinic's phone number, if set."""
    billing_npi: str | None = None
    """The clinic's (type 2) NPI, if set."""
    tax_id: str | None = None
    """The clinic's EIN, if set."""
    place_of_service: str | None = None
    """CMS place-of-service code, if set."""
    rems_certification: dict[str, str] | None = None
    """The Spravato REMS certification (certification_id, certified_on), if recorded."""
    staff: list[StaffMemberPublic]
    """The staff directory, active or not."""
    protocols: list[PublishedProtocolSummary]
    """The clinic's own protocols, each at its latest version."""
    fee_schedule_set: bool
    """The clinic has set its fees (superbills need them)."""


class StaffPublic(Described):
    clinic_id: str
    """The clinic."""
    staff: list[StaffMemberPublic]
    """Every member, active or not."""


class ClinicChangePublic(Described):
    version: int
    """The change's number in the clinic's history."""
    type: str
    """What kind of change (SettingsChanged, StaffMemberRecorded...)."""
    recorded_at: datetime
    """When it was recorded."""
    recorded_by: str
    """The name of the token that made it."""
    change: dict[str, Any]
    """What was set."""


class ClinicChangesPublic(Described):
    clinic_id: str
    """The clinic."""
    changes: list[ClinicChangePublic]
    """Every change, oldest first."""


FEES_EXAMPLE: dict[str, Any] = {
    "fees": {"90792": 45000, "90837": 24000, "99215": 27500, "96372": 4500, "G2082": 65000},
    "telehealth_place_of_service": "10",
    "standard_minutes": {"preparation": 60, "integration": 60},
}


MAX_FEE_CODES = 200
"""More codes than a ketamine clinic bills, by far: a bound on the body, not on practice."""
FeeCents = Annotated[int, Field(ge=0, le=MAX_FEE_CENTS)]
StandardMinutes = Annotated[int, Field(ge=1, le=MAX_STANDARD_MINUTES)]
SessionKind = Literal["preparation", "integration"]


def _standard_minutes() -> dict[SessionKind, int]:
    return {"preparation": 60, "integration": 60}


class FeeSchedulePut(Described):
    """The clinic's fee schedule as a whole (see docs/superbill.md)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [FEES_EXAMPLE]})
    fees: dict[Annotated[str, StringConstraints(max_length=16)], FeeCents] = Field(
        max_length=MAX_FEE_CODES,
        description="CPT/HCPCS code to the fee for one unit, in whole cents of USD "
        f"(0 to {MAX_FEE_CENTS:,}); at most {MAX_FEE_CODES} codes.",
    )
    telehealth_place_of_service: Literal["02", "10"] = "10"
    """The place-of-service code of telehealth lines: 02 or 10."""
    standard_minutes: dict[SessionKind, StandardMinutes] = Field(
        max_length=2,
        default_factory=_standard_minutes,
        description="Minutes billed for a preparation or integration that records no length.",
    )


class FeeSchedulePublic(Described):
    clinic_id: str
    """The clinic."""
    fees: dict[str, int]
    """CPT/HCPCS code to the fee for one unit, in cents."""
    telehealth_place_of_service: str
    """The place-of-service code of telehealth lines."""
    standard_minutes: dict[str, int]
    """Minutes billed for a preparation or integration that records none."""
    set: bool = Field(description="False while the clinic bills under the defaults (no fees).")
