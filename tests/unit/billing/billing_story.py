"""A clinic ready to bill and journeys told with ``tests.story`` steps, as billing reads
them: the journey's entries (its history) and the Clinic aggregate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from domain.clinic import Clinic
from domain.entries import Actor, Entry, Posting
from domain.journey import Journey
from domain.protocols import KAP_STANDARD, ProtocolProfile
from tests.story import START, Step, dosing_session, intake
from tests.unit.domain.conftest import FIRST_DOSE, JOURNEY_ID, post

AT = datetime(2026, 9, 1, 12, 0, tzinfo=START.tzinfo)
PRESCRIBER_NPI = "1234567893"
THERAPIST_NPI = "1987654328"
BILLING_NPI = "1543210987"

SETTINGS: dict[str, Any] = {
    "display_name": "Front Range Ketamine Clinic",
    "time_zone": "America/Denver",
    "address": {
        "line1": "1600 Champa St",
        "line2": "Suite 300",
        "city": "Denver",
        "state": "CO",
        "postal_code": "80202",
    },
    "phone": "+1 303 555 0100",
    "billing_npi": BILLING_NPI,
    "tax_id": "84-1234567",
    "place_of_service": "11",
}

FEES = {
    "90792": 35000,
    "90832": 12000,
    "90834": 16000,
    "90837": 20000,
    "90833": 9000,
    "90836": 12500,
    "90838": 15000,
    "99213": 11000,
    "99214": 16500,
    "99215": 22000,
    "96372": 3500,
    "G2082": 60000,
    "G2083": 80000,
}


def clinic(
    settings: Mapping[str, Any] = SETTINGS,
    fees: Mapping[str, int] | None = FEES,
    **schedule: Any,
) -> Clinic:
    """The clinic with its settings, a prescriber and a therapist, and its fees."""
    c = Clinic.register("clinic-1", "admin", AT)
    if settings:
        c.change_settings(settings, "admin", AT)
    c.record_staff_member(
        {
            "staff_id": "prescriber-1",
            "name": "Dr Ana Ruiz",
            "role": "prescriber",
            "credentials": "MD",
            "npi": PRESCRIBER_NPI,
        },
        "admin",
        AT,
    )
    c.record_staff_member(
        {
            "staff_id": "therapist-1",
            "name": "Sam Okafor",
            "role": "therapist",
            "credentials": "LCSW",
            "npi": THERAPIST_NPI,
        },
        "admin",
        AT,
    )
    if fees is not None:
        c.set_fee_schedule({"fees": dict(fees), **schedule}, "admin", AT)
    return c


def entries_of(journey: Journey) -> list[Entry]:
    """The journey's entries as its history gives them."""
    return [
        Entry(
            e.originator_version,
            type(e).__name__,
            e.occurred_at,
            e.timestamp,
            dict(e.data),
            by=Actor(e.recorded_by["id"], e.recorded_by["role"]),
        )
        for e in journey.pending_events
    ]


def kap_series(count: int = 6, *, every: timedelta = timedelta(days=3)) -> list[Step]:
    """Intake, then ``count`` sessions of check, IM dose, guided therapy (20 min), vitals,
    discharge and integration (``tests.story.dosing_session``)."""
    steps = list(intake(START, route="im"))
    for n in range(count):
        steps += dosing_session(n + 1, FIRST_DOSE + every * n)
    return steps


def journey(steps: Iterable[Step], profile: ProtocolProfile = KAP_STANDARD) -> Journey:
    """A journey whose primary clinician is the directory's prescriber."""
    j = Journey.open(
        journey_id=JOURNEY_ID,
        clinic_id="clinic-1",
        patient_ref="MRN-0042",
        episode=1,
        profile=profile,
        primary_clinician="prescriber-1",
        presenting_concerns=["treatment_resistant_depression"],
        posting=Posting(START, START, Actor("coord-sam", "coordinator"), "test"),
    )
    for s in steps:
        post(j, s)
    return j


def spravato_intake() -> list[Step]:
    return list(intake(START, route="intranasal"))
