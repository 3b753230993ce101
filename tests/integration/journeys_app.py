"""Building a Journeys application on a test database, and posting story steps to it."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.cipher import AESCipher

from application.answers import AppendResult, NewEntry, OpenJourney
from application.journeys import Journeys
from domain.entries import Actor, Posting
from interface.storage.environment import store_environment
from tests.story import START, Step

CLINIC = "clinic-a"


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def build_app(database_url: str, key: str, clock: FixedClock | None = None) -> Journeys:
    return Journeys(env=store_environment(database_url, key), clock=clock or FixedClock(START))


def new_key() -> str:
    return AESCipher.create_key(16)


def posting(at: datetime, key: str | None = None, role: str = "nurse") -> Posting:
    return Posting(at, at + timedelta(minutes=1), Actor(f"{role}-1", role), "ehr", key)


def open_journey(
    app: Journeys,
    patient_ref: str = "MRN-0042",
    protocol: str = "kap-standard",
    clinic: str = CLINIC,
) -> UUID:
    command = OpenJourney(patient_ref, 1, protocol, "dr-lee", ["treatment_resistant_depression"])
    return app.open_journey(clinic, command, posting(START)).journey_id


def post(
    app: Journeys,
    journey_id: UUID,
    step: Step,
    key: str | None = None,
    expected_version: int | None = None,
) -> AppendResult:
    return app.append(
        CLINIC,
        journey_id,
        NewEntry(step.type, step.data),
        posting(step.occurred_at, key, step.role),
        expected_version=expected_version,
    )
