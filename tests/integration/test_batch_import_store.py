"""Batch import on a real store: a chunk is one transaction, decided again when another
writer changed one of its journeys before it was saved; nothing lost, nothing twice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from application.answers import NewEntry
from application.batch_import import BatchImport, ImportItem, ItemResult
from application.errors import JourneyConflictError
from application.journeys import WRITE_ATTEMPTS, Journeys
from domain.entries import Actor
from domain.fold import fold_journey
from tests.integration.journeys_app import (
    CLINIC,
    FixedClock,
    build_app,
    new_key,
    open_journey,
    post,
)
from tests.story import START, Step, dosing_session, intake, step

LATER = START + timedelta(days=30)


class RacedImport(BatchImport):
    """A batch import that another writer races: after each decision of the chunk, before
    its save, ``race`` appends to one of its journeys (as a concurrent request would)."""

    def __init__(self, journeys: Journeys, race: Callable[[int], None]) -> None:
        super().__init__(journeys)
        self.race = race
        self.attempts = 0

    def _decide(self, *args: Any) -> Any:
        chunk = super()._decide(*args)
        self.attempts += 1
        self.race(self.attempts)
        return chunk


@pytest.fixture
def app(database_url: str) -> Journeys:
    return build_app(database_url, new_key(), FixedClock(LATER))


def items(journey_id: UUID, steps: Sequence[Step], prefix: str, start: int = 0) -> list[ImportItem]:
    return [
        ImportItem(
            start + n,
            journey_id,
            NewEntry(s.type, s.data),
            occurred_at=s.occurred_at,
            recorded_by=Actor(f"{s.role}-1", s.role),
            idempotency_key=f"{prefix}-{n}",
        )
        for n, s in enumerate(steps)
    ]


def outcomes(results: list[ItemResult]) -> list[str]:
    return [r.outcome for r in results]


def test_a_chunk_raced_by_another_writer_is_decided_again_on_the_new_state(app: Journeys):
    a, b = open_journey(app, "MRN-A"), open_journey(app, "MRN-B")
    chunk = items(a, intake(), "a") + items(b, intake(), "b", start=5)

    def race(attempt: int) -> None:
        if attempt == 1:  # the clinic's system sends a's consultation itself, same key
            post(app, a, intake()[0], key="a-0")

    results = RacedImport(app, race).import_chunk(CLINIC, "ehr", chunk)

    assert outcomes(results) == ["replayed"] + ["created"] * 9
    history_a = app.history(CLINIC, a)
    assert [e.version for e in history_a] == [1, 2, 3, 4, 5, 6]
    assert results[0].answer is not None
    assert results[0].answer.position == history_a[1].position
    assert [r.answer.position for r in results[1:5] if r.answer] == [
        e.position for e in history_a[2:]
    ]
    assert len(app.history(CLINIC, b)) == 6


def test_a_chunk_raced_every_time_is_refused_whole_and_stores_nothing(app: Journeys):
    a, b = open_journey(app, "MRN-A"), open_journey(app, "MRN-B")
    chunk = items(a, intake(), "a") + items(b, intake(), "b", start=5)

    def race(attempt: int) -> None:
        post(app, a, intake()[attempt - 1], key=f"racer-{attempt}")

    importer = RacedImport(app, race)
    with pytest.raises(JourneyConflictError):
        importer.import_chunk(CLINIC, "ehr", chunk)

    assert importer.attempts == WRITE_ATTEMPTS
    assert [e.source for e in app.history(CLINIC, a)[1:]] == ["ehr"] * WRITE_ATTEMPTS
    assert [e.idempotency_key for e in app.history(CLINIC, a)[1:]] == [
        f"racer-{n}" for n in range(1, WRITE_ATTEMPTS + 1)
    ]
    assert len(app.history(CLINIC, b)) == 1


def test_journeys_refused_in_an_earlier_chunk_stay_stopped(app: Journeys):
    a = open_journey(app, "MRN-A")
    consult, baseline, screening = intake()[:3]
    stopped: dict[UUID, int] = {}
    importer = BatchImport(app)

    first = importer.import_chunk(CLINIC, "ehr", items(a, [screening], "s"), stopped)
    second = importer.import_chunk(CLINIC, "ehr", items(a, [consult, baseline], "c", 1), stopped)

    assert outcomes(first) == ["refused"]
    assert outcomes(second) == ["skipped", "skipped"]
    assert second[0].skipped_after == 0
    assert len(app.history(CLINIC, a)) == 1


def test_a_journey_a_batch_takes_past_25_events_is_snapshotted_as_it_folds(app: Journeys):
    a = open_journey(app, "MRN-A")
    dose_at = START + timedelta(days=10)
    steps = [*intake(), *dosing_session(1, dose_at)[:2]]
    steps += [
        step("VitalsRecorded", dose_at + timedelta(seconds=5 * n), session=1)
        for n in range(1, 31 - len(steps))
    ]

    results = BatchImport(app).import_chunk(CLINIC, "ehr", items(a, steps, "a"))

    assert outcomes(results) == ["created"] * 30
    assert app.snapshots is not None
    (snapshot,) = app.snapshots.get(a)
    assert snapshot.originator_version == 31
    from_snapshot = app.repository.get(a)
    every_event = fold_journey(None, app.events.get(a))
    assert from_snapshot.version == every_event.version == 31
    assert from_snapshot.facts == every_event.facts
