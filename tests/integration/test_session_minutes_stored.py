"""Entries stored before sessions recorded their length (PreparationCompleted,
GuidedTherapyNoted and IntegrationCompleted at class version 3, from
``fixtures/stored_shapes.json``) load without ``minutes`` and are billed as before: the
preparation and integrations at the clinic's standard length, the guided therapy by the
time from the dose to its note."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from application.superbill import journey_superbill
from interface.services import Services
from tests.integration.signed import signed_settings
from tests.unit.billing.billing_story import FEES, SETTINGS

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "stored_shapes.json").read_text())
CLINIC = "clinic-a"
KAP = FIXTURE["journeys"][0]
"""The KAP journey: a preparation, then seven sessions with guided therapy and integration."""
TALK = {"PreparationCompleted", "GuidedTherapyNoted", "IntegrationCompleted"}


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    services = Services(
        signed_settings(database_url, cipher_key=FIXTURE["cipher_key"], run_projections=False)
    )
    for journey in FIXTURE["journeys"]:  # in the order they were written
        services.journeys.recorder.insert_events(
            [
                StoredEvent(
                    originator_id=UUID(journey["journey_id"]),
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes.fromhex(row["state"]),
                )
                for row in journey["rows"]
            ]
        )
    services.clinics.change_settings(CLINIC, SETTINGS, "test-setup")
    yield services
    services.close()


def bill_of(services: Services, **standard_minutes: int):
    schedule = {
        "fees": FEES,
        **({"standard_minutes": standard_minutes} if standard_minutes else {}),
    }
    services.clinics.set_fee_schedule(CLINIC, schedule, "test-setup")
    return journey_superbill(services.journeys, services.clinics, CLINIC, UUID(KAP["journey_id"]))


def test_the_stored_sessions_load_without_minutes(services: Services) -> None:
    history = services.journeys.history(CLINIC, UUID(KAP["journey_id"]))

    talk = [h for h in history if h.type in TALK]
    assert len(talk) == 15  # a preparation, seven therapy notes, seven integrations
    assert all("minutes" not in h.data for h in talk)


def test_old_preparation_and_integrations_bill_the_clinic_standard(services: Services) -> None:
    by_default = bill_of(services)
    talk = [li for li in by_default.lines if li.service.startswith(("Prep", "Integ"))]
    assert len(talk) == 8
    assert {(li.code, li.minutes, li.minutes_from) for li in talk} == {
        ("90837", 60, "clinic standard")
    }

    shorter = bill_of(services, preparation=45, integration=52)
    talk = [li for li in shorter.lines if li.service.startswith(("Prep", "Integ"))]
    assert {(li.code, li.minutes, li.minutes_from) for li in talk} == {
        ("90834", 45, "clinic standard"),
        ("90834", 52, "clinic standard"),
    }


def test_old_guided_therapy_is_billed_by_the_time_from_the_dose_to_its_note(
    services: Services,
) -> None:
    history = services.journeys.history(CLINIC, UUID(KAP["journey_id"]))
    doses = {h.data["session"]: h.occurred_at for h in history if h.type == "KetamineAdministered"}
    notes = {h.data["session"]: h.occurred_at for h in history if h.type == "GuidedTherapyNoted"}

    therapy = [li for li in bill_of(services).lines if "guided therapy" in li.service]

    assert [li.minutes for li in therapy] == [
        int((notes[n] - doses[n]).total_seconds() // 60) for n in sorted(notes)
    ]
    assert {li.minutes_from for li in therapy} == {"record"}
