"""The demo clinic's settings, as an admin would set them up: a clinic in Denver with its
address and identifiers, its staff directory (the people the demo's entries name), its
Spravato REMS certification, its own KAP protocol and its fees.

The identifiers are made up but valid in form: the NPIs (199990000x, 109990001x) pass
the Luhn check, and the tax id has an EIN's shape.
"""

from __future__ import annotations

from typing import Any

from application.clinic_protocols import publish_clinic_protocol
from application.clinics import Clinics
from domain.billing.fee_schedule import check_fee_schedule

DEMO_TIME_ZONE = "America/Denver"
DEMO_ADMIN = "demo-seed"

DEMO_SETTINGS: dict[str, Any] = {
    "display_name": "Aspen Ketamine Clinic (demo)",
    "time_zone": DEMO_TIME_ZONE,
    "address": {
        "line1": "1550 Wewatta St",
        "line2": "Suite 200",
        "city": "Denver",
        "state": "CO",
        "postal_code": "80202",
    },
    "phone": "+1 303 555 0142",
    "billing_npi": "1099900015",
    "tax_id": "84-1234567",
    "place_of_service": "11",
}

DEMO_STAFF: list[dict[str, Any]] = [
    {
        "staff_id": "dr-lee",
        "name": "Dana Lee",
        "role": "prescriber",
        "credentials": "MD",
        "npi": "1999900016",
    },
    {
        "staff_id": "dr-okafor",
        "name": "Chidi Okafor",
        "role": "prescriber",
        "credentials": "MD",
        "npi": "1999900024",
    },
    {
        "staff_id": "dr-santos",
        "name": "Rita Santos",
        "role": "prescriber",
        "credentials": "PMHNP-BC",
        "npi": "1999900032",
    },
    {"staff_id": "nurse-kim", "name": "Min Kim", "role": "nurse", "credentials": "RN"},
    {"staff_id": "nurse-ravi", "name": "Ravi Patel", "role": "nurse", "credentials": "RN"},
    {
        "staff_id": "ther-ana",
        "name": "Ana Ruiz",
        "role": "therapist",
        "credentials": "LCSW",
        "npi": "1999900040",
    },
    {
        "staff_id": "ther-ben",
        "name": "Ben Adler",
        "role": "therapist",
        "credentials": "LPC",
        "npi": "1999900057",
    },
    {"staff_id": "coord-sam", "name": "Sam Ortiz", "role": "coordinator"},
]

DEMO_REMS_CERTIFICATION = {"certification_id": "HCS-DEN-0142", "certified_on": "2025-03-03"}

DEMO_PROTOCOL = "aspen-kap"
DEMO_PROTOCOL_CHANGES: dict[str, Any] = {
    "max_mg_per_kg_injected": 1.0,
    "min_observation_minutes": 90,
    "fasting_rule": "advisory",
}
"""The medical director's own KAP protocol: IM up to 1 mg/kg, 90 minutes of observation,
and "avoid heavy meals" (an unmet fast is a note on the next step, not a hold)."""

DEMO_FEES_CENTS = {
    "90792": 45000,
    "90832": 12000,
    "90834": 18000,
    "90837": 24000,
    "99213": 15000,
    "99214": 20000,
    "99215": 27500,
    "90833": 9000,
    "90836": 13000,
    "90838": 17000,
    "96372": 4500,
    "G2082": 65000,
    "G2083": 95000,
}
"""The clinic's self-pay fees per unit, in cents (made up, in the range of published
out-of-network KAP price lists)."""


def set_up_demo_clinic(clinics: Clinics, clinic_id: str) -> None:
    """Record the demo clinic's settings, directory and certification (a no-op when they
    are already recorded: each change is recorded only if it changes something)."""
    clinics.change_settings(clinic_id, DEMO_SETTINGS, DEMO_ADMIN)
    for member in DEMO_STAFF:
        clinics.record_staff_member(clinic_id, member, DEMO_ADMIN)
    clinics.record_rems_certification(clinic_id, DEMO_REMS_CERTIFICATION, DEMO_ADMIN)
    if DEMO_PROTOCOL not in clinics.clinic(clinic_id).latest_protocols():
        publish_clinic_protocol(
            clinics, clinic_id, DEMO_PROTOCOL, "kap-standard", DEMO_PROTOCOL_CHANGES, DEMO_ADMIN
        )
    clinics.set_fee_schedule(clinic_id, check_fee_schedule({"fees": DEMO_FEES_CENTS}), DEMO_ADMIN)
