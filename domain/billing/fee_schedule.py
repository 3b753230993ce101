"""A clinic's fee schedule: its fee for each code, in integer cents, and how it bills
what the record does not say (the place of service of a telehealth session, the length of
a preparation or integration session whose minutes are not recorded).

The codes are chosen by rule (``domain.billing.codes``); the clinic sets the prices. A
schedule is checked here before the clinic stores it (``Clinic.set_fee_schedule``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.billing.codes import CODE_FORM
from domain.errors import ClinicSettingError

MAX_FEE_CENTS = 1_000_000
"""$10,000.00 for one unit of one code: above it a fee is surely a typing slip."""

TELEHEALTH_PLACES = ("02", "10")
"""CMS POS 02 (telehealth other than in the patient's home) and 10 (in the home)."""

SESSION_KINDS = ("preparation", "integration")
MAX_STANDARD_MINUTES = 240

DEFAULT_FEE_SCHEDULE: dict[str, Any] = {
    "fees": {},
    "telehealth_place_of_service": "10",
    "standard_minutes": {"preparation": 60, "integration": 60},
}
"""What a clinic bills under before it sets a schedule: no fees (a superbill asks for
them), telehealth at home, and 60-minute preparation and integration sessions."""

FIELDS = tuple(DEFAULT_FEE_SCHEDULE)


def check_fee_schedule(values: Mapping[str, Any]) -> dict[str, Any]:
    """The schedule to store: ``values`` checked, with the defaults for what it omits.
    Refuses (ClinicSettingError naming the field) anything a claim could not carry."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise ClinicSettingError(
            unknown[0], f"is not part of a fee schedule; it holds {', '.join(FIELDS)}."
        )
    merged = {**DEFAULT_FEE_SCHEDULE, **values}
    return {
        "fees": _fees(merged["fees"]),
        "telehealth_place_of_service": _telehealth_place(merged["telehealth_place_of_service"]),
        "standard_minutes": _standard_minutes(merged["standard_minutes"]),
    }


def effective_schedule(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The clinic's stored schedule (checked when it was set) over the defaults; the
    default alone before it set one. Never refuses: what was stored is read as it is."""
    stored = stored or {}
    return {
        "fees": dict(stored.get("fees") or {}),
        "telehealth_place_of_service": stored.get(
            "telehealth_place_of_service", DEFAULT_FEE_SCHEDULE["telehealth_place_of_service"]
        ),
        "standard_minutes": {
            **DEFAULT_FEE_SCHEDULE["standard_minutes"],
            **(stored.get("standard_minutes") or {}),
        },
    }


def _fees(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise ClinicSettingError("fees", "is a map of code to fee in cents, like {90792: 35000}.")
    fees: dict[str, int] = {}
    for raw_code, fee in value.items():
        code = str(raw_code).strip().upper()
        if not CODE_FORM.fullmatch(code):
            raise ClinicSettingError(
                f"fees.{raw_code}",
                "is not a CPT or HCPCS code: five digits (90837), four digits and F, T or U "
                "(0001F), or a letter A to V and four digits (G2082).",
            )
        if code in fees:
            raise ClinicSettingError(f"fees.{code}", "is listed twice.")
        if isinstance(fee, bool) or not isinstance(fee, int):
            raise ClinicSettingError(f"fees.{code}", "is a whole number of cents, like 35000.")
        if not 0 <= fee <= MAX_FEE_CENTS:
            raise ClinicSettingError(
                f"fees.{code}", f"is {fee} cents; a fee is 0 to {MAX_FEE_CENTS} cents."
            )
        fees[code] = fee
    return dict(sorted(fees.items()))


def _telehealth_place(value: Any) -> str:
    if value not in TELEHEALTH_PLACES:
        raise ClinicSettingError(
            "telehealth_place_of_service",
            f"is {value!r}; a telehealth place of service is 02 or 10 (CMS POS codes).",
        )
    return str(value)


def _standard_minutes(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping) or set(value) - set(SESSION_KINDS):
        raise ClinicSettingError(
            "standard_minutes", f"maps {' and '.join(SESSION_KINDS)} to minutes."
        )
    minutes = {**DEFAULT_FEE_SCHEDULE["standard_minutes"], **value}
    for kind in SESSION_KINDS:
        given = minutes[kind]
        if isinstance(given, bool) or not isinstance(given, int):
            raise ClinicSettingError(f"standard_minutes.{kind}", "is a whole number of minutes.")
        if not 1 <= given <= MAX_STANDARD_MINUTES:
            raise ClinicSettingError(
                f"standard_minutes.{kind}",
                f"is {given}; a session lasts 1 to {MAX_STANDARD_MINUTES} minutes.",
            )
    return {kind: minutes[kind] for kind in SESSION_KINDS}
