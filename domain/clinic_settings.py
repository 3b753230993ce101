"""What a clinic's settings may hold: each value checked where it enters the record.

The checks are the forms the values take on a US claim (CMS-1500) and in the NPPES
registry: an NPI is ten digits whose last is a Luhn check digit over ``80840`` and the
first nine; an employer identification number (tax id) is ``NN-NNNNNNN``; a place of
service is one of CMS's two-digit codes; a time zone is an IANA name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain.errors import ClinicSettingError

STAFF_ROLES = ("prescriber", "nurse", "therapist", "coordinator")
"""The roles a staff member holds in the directory (``system`` is a machine, not staff)."""

PLACES_OF_SERVICE = {
    "02": "Telehealth provided other than in patient's home",
    "10": "Telehealth provided in patient's home",
    "11": "Office",
    "19": "Off campus-outpatient hospital",
    "22": "On campus-outpatient hospital",
    "49": "Independent clinic",
    "53": "Community mental health center",
    "57": "Non-residential substance abuse treatment facility",
    "58": "Non-residential opioid treatment facility",
    "71": "Public health clinic",
    "72": "Rural health clinic",
}
"""CMS place-of-service codes a KAP clinic bills under (CMS POS code set)."""

NPI_PREFIX = "80840"
"""The card issuer prefix the NPI check digit is computed over (CMS, NPI check digit)."""

_TAX_ID = re.compile(r"\d{2}-\d{7}")
_PHONE = re.compile(r"\+?[0-9 ().-]{7,20}")
_STATE = re.compile(r"[A-Z]{2}")
_POSTAL = re.compile(r"\d{5}(-\d{4})?")
_STAFF_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

SETTINGS = (
    "display_name",
    "time_zone",
    "address",
    "phone",
    "billing_npi",
    "tax_id",
    "place_of_service",
)
"""The clinic's settings, in the order they are shown."""

ADDRESS_FIELDS = ("line1", "line2", "city", "state", "postal_code")


def npi_is_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit of ``80840`` + the first nine."""
    if not re.fullmatch(r"\d{10}", npi):
        return False
    return luhn_check_digit(NPI_PREFIX + npi[:9]) == int(npi[9])


def luhn_check_digit(digits: str) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:  # every second digit from the right, starting with the last
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def check_npi(field: str, npi: str) -> str:
    if not npi_is_valid(npi):
        raise ClinicSettingError(
            field,
            f"{npi!r} is not a National Provider Identifier: ten digits whose last is the "
            "Luhn check digit (as NPPES issues them), e.g. 1234567893.",
        )
    return npi


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def zone_named(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (ClinicSettingError if there is none)."""
    if name in _zone_names():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise ClinicSettingError(
        "time_zone", f"{name!r} is not an IANA time zone name, e.g. America/Denver."
    )


def checked_settings(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The settings ``changes`` sets, each checked; an unknown name is refused."""
    checked: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in SETTINGS:
            raise ClinicSettingError(name, f"not a clinic setting; the settings are {SETTINGS}.")
        checked[name] = None if value is None else _CHECKS[name](value)
    if checked.get("display_name", "") is None:
        raise ClinicSettingError("display_name", "a clinic needs a name.")
    return checked


def _text(field: str, limit: int) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise ClinicSettingError(field, f"1 to {limit} characters of text.")
        return value.strip()

    return check


def _time_zone(value: Any) -> str:
    zone_named(str(value))
    return str(value)


def _phone(value: Any) -> str:
    if not isinstance(value, str) or not _PHONE.fullmatch(value):
        raise ClinicSettingError("phone", "a telephone number, e.g. +1 303 555 0100.")
    return value


def _tax_id(value: Any) -> str:
    if not isinstance(value, str) or not _TAX_ID.fullmatch(value):
        raise ClinicSettingError(
            "tax_id", "an employer identification number, NN-NNNNNNN (e.g. 84-1234567)."
        )
    return value


def _place_of_service(value: Any) -> str:
    if value not in PLACES_OF_SERVICE:
        known = ", ".join(f"{code} ({name})" for code, name in PLACES_OF_SERVICE.items())
        raise ClinicSettingError("place_of_service", f"one of the CMS codes {known}.")
    return str(value)


def _address(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ClinicSettingError("address", f"an object with {ADDRESS_FIELDS}.")
    unknown = sorted(set(value) - set(ADDRESS_FIELDS))
    if unknown:
        raise ClinicSettingError(f"address.{unknown[0]}", f"not a field of {ADDRESS_FIELDS}.")
    address = {
        name: _text(f"address.{name}", 100)(value[name])
        for name in ADDRESS_FIELDS
        if value.get(name) is not None
    }
    for required in ("line1", "city", "state", "postal_code"):
        if required not in address:
            raise ClinicSettingError(f"address.{required}", "required.")
    if not _STATE.fullmatch(address["state"]):
        raise ClinicSettingError("address.state", "the two-letter USPS code, e.g. CO.")
    if not _POSTAL.fullmatch(address["postal_code"]):
        raise ClinicSettingError("address.postal_code", "a ZIP code, 80202 or 80202-1234.")
    return address


_CHECKS = {
    "display_name": _text("display_name", 120),
    "time_zone": _time_zone,
    "address": _address,
    "phone": _phone,
    "billing_npi": lambda value: check_npi("billing_npi", str(value)),
    "tax_id": _tax_id,
    "place_of_service": _place_of_service,
}


@dataclass(frozen=True)
class StaffMember:
    """One person in the clinic's staff directory."""

    staff_id: str
    name: str
    role: str
    credentials: str = ""
    """Licence and degree as the clinic writes them (MD, PMHNP-BC, LCSW)."""
    npi: str | None = None
    active: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def checked_staff_member(values: Mapping[str, Any]) -> StaffMember:
    staff_id = str(values.get("staff_id", ""))
    if not _STAFF_ID.fullmatch(staff_id):
        raise ClinicSettingError(
            "staff_id", "1 to 64 of letters, digits, '.', '_' and '-', as recorded_by.id uses."
        )
    where = f"staff.{staff_id}"
    role = values.get("role")
    if role not in STAFF_ROLES:
        raise ClinicSettingError(f"{where}.role", f"one of {', '.join(STAFF_ROLES)}.")
    npi = values.get("npi")
    return StaffMember(
        staff_id=staff_id,
        name=_text(f"{where}.name", 120)(values.get("name")),
        role=str(role),
        credentials=str(values.get("credentials") or "")[:60],
        npi=None if npi in (None, "") else check_npi(f"{where}.npi", str(npi)),
        active=bool(values.get("active", True)),
    )


@dataclass(frozen=True)
class RemsCertification:
    """The clinic's Spravato REMS healthcare-setting certification."""

    certification_id: str
    certified_on: date

    def as_dict(self) -> dict[str, str]:
        return {
            "certification_id": self.certification_id,
            "certified_on": self.certified_on.isoformat(),
        }


def checked_certification(values: Mapping[str, Any]) -> RemsCertification:
    certification_id = values.get("certification_id")
    if not isinstance(certification_id, str) or not re.fullmatch(
        r"[A-Za-z0-9-]{4,40}", certification_id
    ):
        raise ClinicSettingError(
            "rems_certification.certification_id",
            "the setting's REMS certification id, 4 to 40 letters, digits or '-'.",
        )
    try:
        certified_on = date.fromisoformat(str(values.get("certified_on")))
    except ValueError:
        raise ClinicSettingError(
            "rems_certification.certified_on", "the certification date, YYYY-MM-DD."
        ) from None
    return RemsCertification(certification_id, certified_on)
