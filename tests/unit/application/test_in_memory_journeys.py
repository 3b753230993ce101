"""The application's use cases on the library's in-memory store: no database, no driver.

``Journeys()`` without a PERSISTENCE_MODULE runs on the library's plain-Python recorder
(eventsourcing.popo), so every use case can be tested in memory in milliseconds.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from eventsourcing.popo import POPOApplicationRecorder

from application.answers import AppendResult, NewEntry, OpenJourney
from application.errors import JourneyNotFoundError
from application.journeys import Journeys
from application.replay import ReplayPoint, replay
from domain.entries import Actor, Posting
from tests.story import START, Step, intake

CLINIC = "clinic-a"


def posting(step: Step, key: str | None = None) -> Posting:
    at = step.occurred_at
    return Posting(at, at + timedelta(minutes=1), Actor(f"{step.role}-1", step.role), "ehr", key)


@pytest.fixture
def app() -> Journeys:
    return Journeys(id_key=bytes(32), clock=lambda: START + timedelta(days=30))


def open_one(app: Journeys) -> AppendResult:
    command = OpenJourney("MRN-0042", 1, "kap-standard", "dr-lee", ["anxiety"])
    opening = Step("JourneyOpened", START, {}, "coordinator")
    return app.open_journey(CLINIC, command, posting(opening))


def post(app: Journeys, opened: AppendResult, step: Step, key: str | None = None) -> AppendResult:
    entry = NewEntry(step.type, step.data)
    return app.append(CLINIC, opened.journey_id, entry, posting(step, key))


def test_journeys_without_a_persistence_module_run_in_memory(app):
    assert isinstance(app.recorder, POPOApplicationRecorder)
    assert app.log_position() == 0
    opened = open_one(app)
    assert app.log_position() == 1 == opened.position


def test_open_append_and_status_in_memory(app):
    opened = open_one(app)
    answers = [post(app, opened, s) for s in intake()]
    status = app.status(CLINIC, opened.journey_id, now=START + timedelta(days=5))
    assert status.version == len(answers) + 1
    assert [a.version for a in answers] == list(range(2, len(answers) + 2))
    assert app.log_position() == answers[-1].position == len(answers) + 1


def test_history_gives_each_entry_its_log_position_in_memory(app):
    opened = open_one(app)
    answers = [post(app, opened, s) for s in intake()]
    history = app.history(CLINIC, opened.journey_id)
    positions = [entry.position for entry in history]
    assert positions == [opened.position, *(a.position for a in answers)]
    assert all(a < b for a, b in pairwise(positions))
    assert [entry.version for entry in history] == list(range(1, len(history) + 1))


def test_history_of_another_clinics_journey_is_not_found_in_memory(app):
    opened = open_one(app)
    with pytest.raises(JourneyNotFoundError):
        app.history("clinic-b", opened.journey_id)


def test_a_retry_with_the_same_key_answers_with_the_first_position_in_memory(app):
    opened = open_one(app)
    consultation = intake()[0]
    first = post(app, opened, consultation, key="visit-1")
    again = post(app, opened, consultation, key="visit-1")
    assert again.replayed
    assert not first.replayed
    assert (again.version, again.position) == (first.version, first.position)
    assert app.log_position() == first.position


def test_an_entry_and_a_replay_read_back_in_memory(app):
    opened = open_one(app)
    steps = intake()
    for s in steps:
        post(app, opened, s)
    entry = app.entry(CLINIC, opened.journey_id, 2)
    assert entry.type == steps[0].type
    past = replay(app, CLINIC, opened.journey_id, ReplayPoint(version=2))
    assert past.status.version == 2
    now = replay(app, CLINIC, opened.journey_id, ReplayPoint(version=len(steps) + 1))
    assert now.status.version == len(steps) + 1
