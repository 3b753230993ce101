"""The superbill: an itemised statement a patient sends their insurer for out-of-network
reimbursement, derived from the journey's record, the clinic and its fee schedule.

A pure function of them: the same record, clinic and schedule give the same superbill.
Dates of service are the clinic's local dates; the period is inclusive of both ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.billing.codes import CODES, TELEHEALTH_MODIFIER
from domain.billing.fee_schedule import effective_schedule
from domain.billing.record import effective_entries, opening
from domain.billing.services import Service, billable_services
from domain.clinic import Clinic
from domain.clinic_settings import PLACES_OF_SERVICE, zone_named
from domain.diagnoses import diagnoses_of, title
from domain.entries import Entry
from domain.errors import DomainError

DEFAULT_PLACE_OF_SERVICE = "11"
"""Office, when the clinic has not set its own."""

CLAIM_SETTINGS = (
    "display_name",
    "address.line1",
    "address.city",
    "address.state",
    "address.postal_code",
    "billing_npi",
    "tax_id",
)
"""What a claim needs of the clinic (CMS-1500 boxes 25, 33 and 33a)."""


class BillingNotReadyError(DomainError):
    """The clinic lacks what a claim needs: ``missing`` names each setting or fee."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            f"A superbill needs {', '.join(missing)}: an admin sets the clinic's settings "
            "(kap-journeys clinics set) and fees (kap-journeys fees set)."
        )
        self.missing = missing


class BillingPeriodError(DomainError):
    """A period whose start is after its end."""


@dataclass(frozen=True)
class Clinician:
    staff_id: str
    name: str
    credentials: str | None
    npi: str | None


@dataclass(frozen=True)
class SuperbillLine:
    date_of_service: date
    code: str
    modifiers: list[str]
    description: str
    service: str
    place_of_service: str
    rendering: Clinician
    units: int
    fee_cents: int
    """The schedule's fee for one unit."""
    amount_cents: int
    minutes: int | None
    minutes_from: str | None
    entry_version: int


@dataclass(frozen=True)
class Superbill:
    patient_ref: str
    clinic: dict[str, Any]
    """display_name, address, phone, billing_npi, tax_id as the clinic set them."""
    place_of_service: str
    diagnoses: list[dict[str, Any]]
    period_from: date | None
    period_to: date | None
    lines: list[SuperbillLine]
    total_cents: int
    clinicians: list[Clinician]
    """Every rendering clinician of the lines, in order of first appearance."""
    notes: list[str]


def superbill(
    entries: Iterable[Entry],
    clinic: Clinic,
    period_from: date | None = None,
    period_to: date | None = None,
) -> Superbill:
    """The superbill of the journey's ``entries`` (its history) dated within the period."""
    if period_from and period_to and period_from > period_to:
        raise BillingPeriodError(f"from {period_from} is after to {period_to}.")
    record = effective_entries(entries)
    opened = opening(record)
    schedule = effective_schedule(clinic.fee_schedule)
    zone = zone_named(clinic.settings.get("time_zone", "UTC"))
    found = billable_services(
        record, str(opened.get("primary_clinician", "")), schedule["standard_minutes"]
    )
    office = str(clinic.settings.get("place_of_service", DEFAULT_PLACE_OF_SERVICE))
    chosen = [
        s for s in found.found if _within(s.at.astimezone(zone).date(), period_from, period_to)
    ]
    missing = missing_for_claim(clinic.settings, schedule["fees"], chosen)
    if missing:
        raise BillingNotReadyError(missing)
    lines = [_line(s, s.at.astimezone(zone).date(), office, schedule, clinic.staff) for s in chosen]
    clinicians: dict[str, Clinician] = {}
    for line in lines:
        clinicians.setdefault(line.rendering.staff_id, line.rendering)
    notes = list(found.notes)
    notes += [
        f"{c.name} has no NPI in the clinic's directory." for c in clinicians.values() if not c.npi
    ]
    return Superbill(
        patient_ref=str(opened.get("patient_ref", "")),
        clinic={
            k: clinic.settings.get(k)
            for k in ("display_name", "address", "phone", "billing_npi", "tax_id")
        },
        place_of_service=office,
        diagnoses=[dict(d) for d in _diagnoses(record)],
        period_from=period_from,
        period_to=period_to,
        lines=lines,
        total_cents=sum(line.amount_cents for line in lines),
        clinicians=list(clinicians.values()),
        notes=notes,
    )


def missing_for_claim(
    settings: Mapping[str, Any], fees: Mapping[str, int], services: Iterable[Service]
) -> list[str]:
    """Each clinic setting a claim needs that is not set, then each billed code without a
    fee (as ``fees.CODE``)."""
    address = settings.get("address") or {}
    missing = []
    for name in CLAIM_SETTINGS:
        value = address.get(name.split(".")[1]) if "." in name else settings.get(name)
        if not value:
            missing.append(name)
    codes = sorted({s.code for s in services} - set(fees))
    return missing + [f"fees.{code}" for code in codes]


def _within(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def _line(
    service: Service,
    day: date,
    office: str,
    schedule: Mapping[str, Any],
    staff: Mapping[str, Mapping[str, Any]],
) -> SuperbillLine:
    fee = int(schedule["fees"][service.code])
    place = schedule["telehealth_place_of_service"] if service.telehealth else office
    return SuperbillLine(
        date_of_service=day,
        code=service.code,
        modifiers=[TELEHEALTH_MODIFIER] if service.telehealth else [],
        description=CODES[service.code],
        service=service.what,
        place_of_service=place,
        rendering=clinician(service.clinician, staff),
        units=service.units,
        fee_cents=fee,
        amount_cents=fee * service.units,
        minutes=service.minutes,
        minutes_from=service.minutes_from,
        entry_version=service.version,
    )


def clinician(staff_id: str, staff: Mapping[str, Mapping[str, Any]]) -> Clinician:
    """The clinician as the directory lists them (by id alone when it does not)."""
    member = staff.get(staff_id)
    if member is None:
        return Clinician(staff_id, staff_id, None, None)
    return Clinician(staff_id, str(member["name"]), member.get("credentials"), member.get("npi"))


def _diagnoses(record: list[Entry]) -> list[Mapping[str, Any]]:
    """The diagnoses of the latest consultation, as the journey keeps them."""
    consultations = [e for e in record if e.type == "ConsultationCompleted"]
    if not consultations:
        return []
    return [
        {**d, "description": d["description"] or title(d["code"])}
        for d in diagnoses_of(consultations[-1].data.get("diagnoses"))
    ]


def place_name(code: str) -> str:
    return PLACES_OF_SERVICE.get(code, code)
