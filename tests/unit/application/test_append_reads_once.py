"""An append reads its clinic once: the entry is decided and its answer judged for the
same clinic (the answer's stage and next step alone, not a whole status)."""

from __future__ import annotations

from datetime import timedelta

from application.answers import NewEntry, OpenJourney
from application.journeys import Journeys
from domain.clinic_context import ClinicContext
from domain.entries import Actor, Posting
from tests.story import START, Step, intake

CLINIC = "clinic-a"


def posting(step: Step) -> Posting:
    at = step.occurred_at
    return Posting(at, at + timedelta(minutes=1), Actor(f"{step.role}-1", step.role), "ehr")


def test_an_append_reads_its_clinic_once() -> None:
    app = Journeys(id_key=bytes(32), clock=lambda: START + timedelta(days=30))
    asked: list[str] = []

    def clinic(clinic_id: str) -> ClinicContext:
        asked.append(clinic_id)
        return ClinicContext(clinic_id)

    app.clinic_context = clinic
    command = OpenJourney("MRN-0042", 1, "kap-standard", "dr-lee", ["anxiety"])
    opened = app.open_journey(
        CLINIC, command, posting(Step("JourneyOpened", START, {}, "coordinator"))
    )
    asked.clear()
    step = intake()[0]

    answer = app.append(CLINIC, opened.journey_id, NewEntry(step.type, step.data), posting(step))

    assert asked == [CLINIC]
    status = app.status(CLINIC, opened.journey_id, now=posting(step).recorded_at)
    assert (answer.stage, answer.next_step) == (status.stage, status.next_step)


def test_a_status_reads_its_clinic_only_when_not_handed_it() -> None:
    app = Journeys(id_key=bytes(32), clock=lambda: START + timedelta(days=30))
    asked: list[str] = []

    def clinic(clinic_id: str) -> ClinicContext:
        asked.append(clinic_id)
        return ClinicContext(clinic_id)

    app.clinic_context = clinic
    command = OpenJourney("MRN-0042", 1, "kap-standard", "dr-lee", ["anxiety"])
    opened = app.open_journey(
        CLINIC, command, posting(Step("JourneyOpened", START, {}, "coordinator"))
    )
    asked.clear()

    app.status(CLINIC, opened.journey_id, clinic=ClinicContext(CLINIC))
    assert asked == []
    app.status(CLINIC, opened.journey_id, clinic=ClinicContext("another-clinic"))
    assert asked == [CLINIC]  # not the journey's clinic: its own is read
    app.status(CLINIC, opened.journey_id)
    assert asked == [CLINIC, CLINIC]
