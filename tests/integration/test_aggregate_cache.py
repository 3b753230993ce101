"""Journeys kept in memory between requests (``store_environment(keep_aggregates=…)``)
stay right when another process writes the same journey: each is brought up to date
from the store before it is used, and a write that loses a race in between is decided
again on the new state. Two Journeys apps on one database stand for two workers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from application.errors import JourneyDamagedError
from application.journeys import Journeys
from interface.storage.environment import store_environment
from tests.integration.audit.intruder import Intruder
from tests.integration.journeys_app import CLINIC, FixedClock, new_key, open_journey, post
from tests.story import START, dosing_session, intake

KEPT = 100


def kept_journeys(database_url: str, key: str) -> Journeys:
    return Journeys(
        env=store_environment(database_url, key, keep_aggregates=KEPT),
        clock=FixedClock(START + timedelta(days=40)),
    )


@pytest.fixture
def workers(database_url: str) -> Iterator[tuple[Journeys, Journeys]]:
    key = new_key()
    first, second = kept_journeys(database_url, key), kept_journeys(database_url, key)
    yield first, second
    first.close()
    second.close()


def story() -> list[Any]:
    return [*intake(), *dosing_session(1, START + timedelta(days=14))]


def test_the_journeys_are_kept_in_memory(workers: tuple[Journeys, Journeys]) -> None:
    first, _ = workers
    assert first.repository.cache is not None
    journey_id = open_journey(first)
    post(first, journey_id, intake()[0])
    assert first.repository.cache.get(journey_id).version == 1  # as stored when last read
    assert first.status(None, journey_id).version == 2  # brought up to date to be read
    assert first.repository.cache.get(journey_id).version == 2


def test_interleaved_appends_from_two_workers_give_one_history(
    workers: tuple[Journeys, Journeys],
) -> None:
    first, second = workers
    journey_id = open_journey(first)
    answers = [post((first, second)[i % 2], journey_id, s) for i, s in enumerate(story())]

    assert [a.version for a in answers] == list(range(2, len(story()) + 2))
    for app in (first, second):
        status = app.status(None, journey_id)
        assert status.version == len(story()) + 1
        assert status.sessions_completed == 1
    history = [e.type for e in first.history(None, journey_id)]
    assert history == ["JourneyOpened", *(s.type for s in story())]


class RacedJourneys(Journeys):
    """Before its next save, another worker appends ``then`` to the same journey."""

    name = Journeys.name  # the same store
    race: tuple[Journeys, Any, Any] | None = None

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        if self.race is not None:
            other, journey_id, step = self.race
            self.race = None
            post(other, journey_id, step)
        return super().save(*objs, **kwargs)


def test_a_write_that_loses_a_race_is_decided_again_on_the_stored_state(
    database_url: str,
) -> None:
    key = new_key()
    env = store_environment(database_url, key, keep_aggregates=KEPT)
    raced = RacedJourneys(env=env, clock=FixedClock(START + timedelta(days=40)))
    other = kept_journeys(database_url, key)
    try:
        journey_id = open_journey(raced)
        steps = story()
        for s in steps[:-4]:  # up to the dose
            post(raced, journey_id, s)
        therapy, vitals = steps[-4], steps[-3]
        raced.race = (other, journey_id, therapy)  # the other worker's write lands first

        answer = post(raced, journey_id, vitals)

        assert answer.version == len(steps) - 1
        for s in steps[-2:]:
            post(raced, journey_id, s)
        types = [e.type for e in other.history(None, journey_id)]
        assert types[-4:] == [s.type for s in steps[-4:]]
        assert other.status(None, journey_id).sessions_completed == 1
    finally:
        raced.close()
        other.close()


def test_a_refusal_decided_on_a_stale_copy_is_never_given(
    workers: tuple[Journeys, Journeys],
) -> None:
    """The other worker's pre-dose check makes the dose allowed here at once."""
    first, second = workers
    journey_id = open_journey(first)
    steps = story()
    for s in steps[:-6]:
        post(first, journey_id, s)
    post(first, journey_id, intake()[0], key="warm-the-copy-of-the-second")
    post(second, journey_id, intake()[0], key="warm-the-copy-of-the-second")
    pre_dose, dose = steps[-6], steps[-5]
    assert pre_dose.type == "PreDoseCheckCompleted"
    assert dose.type == "KetamineAdministered"

    post(first, journey_id, pre_dose)
    answer = post(second, journey_id, dose)

    assert answer.version == first.status(None, journey_id).version


def test_a_journey_that_no_longer_folds_is_damaged_and_not_kept(database_url: str) -> None:
    key = new_key()
    writer = kept_journeys(database_url, key)
    journey_id = open_journey(writer)
    for s in intake():
        post(writer, journey_id, s)
    intruder = Intruder(database_url, writer)
    intruder.drop_protection()
    intruder.swap(journey_id, 1, 2)  # the opening is no longer first
    reader = kept_journeys(database_url, key)
    try:
        for _ in range(2):
            with pytest.raises(JourneyDamagedError):
                reader.status(CLINIC, journey_id)
        cache = reader.repository.cache
        assert cache is not None
        with pytest.raises(KeyError):
            cache.get(journey_id)
    finally:
        writer.close()
        reader.close()
