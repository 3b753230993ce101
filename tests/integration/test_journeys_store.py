"""The Journeys application on a real database, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from application.answers import NewEntry
from application.errors import IdempotencyKeyReusedError, JourneyNotFoundError, VersionMismatchError
from application.journeys import Journeys
from tests.integration.journeys_app import (
    CLINIC,
    FixedClock,
    build_app,
    new_key,
    open_journey,
    post,
    posting,
)
from tests.story import START, dosing_session, intake, session_days, step


@pytest.fixture
def key() -> str:
    return new_key()


@pytest.fixture
def app(database_url: str, key: str) -> Iterator[Journeys]:
    journeys = build_app(database_url, key)
    yield journeys
    journeys.close()


def full_series() -> list:
    steps = intake()
    for number, day in enumerate(session_days(START + timedelta(days=10), 6), start=1):
        steps += dosing_session(number, day)
    return steps


def test_a_journey_reads_back_the_same_from_a_fresh_process(database_url, key, app):
    journey_id = open_journey(app)
    for s in full_series():
        post(app, journey_id, s)
    later = START + timedelta(days=40)
    before = app.status(CLINIC, journey_id, now=later)

    other_worker = build_app(database_url, key)
    after = other_worker.status(CLINIC, journey_id, now=later)
    other_worker.close()

    assert after == before
    assert after.stage == "series_complete"
    assert after.sessions_completed == 6


def test_reopening_the_same_patient_episode_finds_the_first_journey(app):
    first = open_journey(app)
    again = open_journey(app)
    assert again == first
    assert len(app.history(CLINIC, first)) == 1


def test_a_retry_with_the_same_key_answers_the_same_and_stores_nothing(app):
    journey_id = open_journey(app)
    consultation = intake()[0]
    first = post(app, journey_id, consultation, key="visit-1")
    retry = post(app, journey_id, consultation, key="visit-1")

    assert (retry.version, retry.position, retry.stage) == (
        first.version,
        first.position,
        first.stage,
    )
    assert retry.replayed
    assert not first.replayed
    assert len(app.history(CLINIC, journey_id)) == 2


def test_a_key_reused_for_a_different_entry_is_refused(app):
    journey_id = open_journey(app)
    consultation, baseline = intake()[:2]
    post(app, journey_id, consultation, key="visit-1")
    with pytest.raises(IdempotencyKeyReusedError):
        post(app, journey_id, baseline, key="visit-1")
    assert len(app.history(CLINIC, journey_id)) == 2


def test_a_stale_expected_version_is_refused(app):
    journey_id = open_journey(app)
    consultation, baseline = intake()[:2]
    post(app, journey_id, consultation, expected_version=1)
    with pytest.raises(VersionMismatchError):
        post(app, journey_id, baseline, expected_version=1)
    assert post(app, journey_id, baseline, expected_version=2).version == 3


def test_another_clinic_cannot_see_or_write_the_journey(app):
    journey_id = open_journey(app)
    with pytest.raises(JourneyNotFoundError):
        app.status("clinic-b", journey_id)
    with pytest.raises(JourneyNotFoundError):
        app.append(
            "clinic-b",
            journey_id,
            NewEntry("JourneyPaused", {"reason": "x"}),
            posting(START + timedelta(hours=1)),
        )
    with pytest.raises(JourneyNotFoundError):
        app.history("clinic-b", journey_id)


def test_history_keeps_every_entry_in_log_order_with_its_source(app):
    journey_id = open_journey(app)
    answers = [post(app, journey_id, s) for s in intake()]
    history = app.history(CLINIC, journey_id)

    assert [h.version for h in history] == list(range(1, 7))
    assert [h.position for h in history[1:]] == [a.position for a in answers]
    assert all(h.source == "ehr" for h in history)
    assert history[2].data == intake()[1].data


def test_patient_data_is_encrypted_at_rest(app):
    journey_id = open_journey(app, patient_ref="MRN-SECRET-77")
    post(app, journey_id, intake()[0])
    stored = list(app.recorder.select_events(journey_id))
    assert stored
    for record in stored:
        assert b"MRN-SECRET-77" not in record.state
        assert b"ConsultationCompleted" not in record.state
        assert b"prescriber" not in record.state


def test_snapshots_load_the_same_journey_as_replaying_every_event(app):
    journey_id = open_journey(app)
    for s in full_series():
        post(app, journey_id, s)
    snapshots = list(app.snapshots.get(journey_id))  # type: ignore[union-attr]
    assert snapshots, "a journey of 30+ events has snapshots"

    from_snapshot = app.repository.get(journey_id)
    replayed = None
    for event in app.events.get(journey_id):
        replayed = event.mutate(replayed)
    assert from_snapshot.facts == replayed.facts
    assert from_snapshot.version == replayed.version


def test_the_status_of_an_earlier_version_is_what_it_was_then(app):
    journey_id = open_journey(app)
    for s in intake():
        post(app, journey_id, s)
    then = app.status_at_version(CLINIC, journey_id, 4, now=START + timedelta(days=2, hours=1))
    assert then.stage == "screened"
    assert then.next_step.code == "sign_consent"


def test_time_based_flags_follow_the_clock(database_url, key):
    clock = FixedClock(START)
    app = build_app(database_url, key, clock)
    journey_id = open_journey(app)
    steps = intake() + dosing_session(1, START + timedelta(days=10), integrate=False)
    for s in steps:
        post(app, journey_id, s)
    clock.now = START + timedelta(days=12)
    assert "integration_overdue" not in app.status(CLINIC, journey_id).flags
    clock.now = START + timedelta(days=18)
    assert "integration_overdue" in app.status(CLINIC, journey_id).flags
    app.close()


def test_a_refused_entry_leaves_the_store_unchanged(app):
    from domain.errors import RuleViolationError

    journey_id = open_journey(app)
    with pytest.raises(RuleViolationError) as refusal:
        post(app, journey_id, step("ConsentSigned", START + timedelta(hours=1)))
    assert refusal.value.rule == "J-03"
    assert len(app.history(CLINIC, journey_id)) == 1
