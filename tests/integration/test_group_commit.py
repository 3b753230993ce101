"""Group commit (``application.group_commit``): appends that wait at the same moment are
written in one transaction, each decided on its journey as its earlier appends left it,
and each answered on its own. Concurrent appends give exactly the answers and stored
order serial appends give, and a failed write loses nothing that was acknowledged."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError, OperationalError, Recording

from application.group_commit import GroupCommit
from application.journeys import SNAPSHOT_EVERY, Journeys
from domain.journey import Journey
from interface.storage.environment import store_environment
from tests.integration.journeys_app import FixedClock, new_key, open_journey, post
from tests.story import START, Step, dosing_session, intake

JOURNEYS = 8
DOSE_AT = START + timedelta(days=14)


def together() -> list[Step]:
    """Eight appends per journey, posted at once: a whole session (its pre-dose check
    and dose among them), then a second dose too soon after the first (refused)."""
    too_soon = dosing_session(2, DOSE_AT + timedelta(hours=6))[:2]
    return [*dosing_session(1, DOSE_AT), *too_soon]


def answer_of(call: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        result = call()
    except Exception as error:  # a refusal is an answer too
        return ("refused", type(error).__name__, str(error))
    return ("recorded", result.version, result.stage, result.next_step)


def opened(app: Journeys) -> list[UUID]:
    ids = [open_journey(app, patient_ref=f"MRN-{n:04}") for n in range(JOURNEYS)]
    for journey_id in ids:
        for s in intake():
            post(app, journey_id, s)
    return ids


def stored_types(app: Journeys, journey_id: UUID) -> list[str]:
    return [e.type for e in app.history(None, journey_id)]


class Observed(GroupCommit):
    """Tells the test when an append has been decided and waits to be written, and
    counts the appends in each transaction."""

    def __init__(self, save: Callable[..., list[Recording[UUID]]]) -> None:
        self.sizes: list[int] = []

        def counted(*objs: Any) -> list[Recording[UUID]]:
            self.sizes.append(sum(1 for o in objs if isinstance(o, Journey)))
            return save(*objs)

        super().__init__(counted)

    def write(self, journey_id: UUID, entries: Any, journey: Any) -> list[Recording[UUID]]:
        signal = getattr(_turns, "signal", None)
        if signal is not None:
            signal()
        return super().write(journey_id, entries, journey)


_turns = threading.local()


@pytest.fixture
def apps(database_url: str) -> Iterator[tuple[Journeys, Journeys]]:
    key = new_key()
    concurrent = Journeys(env=store_environment(database_url, key), clock=FixedClock(START))
    concurrent.group_commit = Observed(concurrent.save)
    serial = Journeys(id_key=concurrent.id_key, clock=FixedClock(START))  # in memory
    yield concurrent, serial
    concurrent.close()
    serial.close()


def test_64_appends_at_once_answer_and_store_as_serial_appends_do(
    apps: tuple[Journeys, Journeys],
) -> None:
    concurrent, serial = apps
    ids, serial_ids = opened(concurrent), opened(serial)
    assert ids == serial_ids
    steps = together()
    expected = {
        (j, k): answer_of(partial(post, serial, ids[j], s))
        for j in range(JOURNEYS)
        for k, s in enumerate(steps)
    }
    assert any(a[0] == "refused" for a in expected.values())

    passed = {(j, k): threading.Event() for j in range(JOURNEYS) for k in range(len(steps))}
    answers: dict[tuple[int, int], tuple[Any, ...]] = {}
    start = threading.Barrier(JOURNEYS * len(steps))

    def append(j: int, k: int) -> None:
        start.wait()
        if k:  # after the journey's previous append is decided (written or not)
            passed[(j, k - 1)].wait(30)
        _turns.signal = passed[(j, k)].set
        try:
            answers[(j, k)] = answer_of(lambda: post(concurrent, ids[j], steps[k]))
        finally:
            passed[(j, k)].set()

    threads = [
        threading.Thread(target=append, args=(j, k))
        for j in range(JOURNEYS)
        for k in range(len(steps))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert answers == expected
    for journey_id in ids:
        assert stored_types(concurrent, journey_id) == stored_types(serial, journey_id)
    observed = concurrent.group_commit
    assert isinstance(observed, Observed)
    assert max(observed.sizes) > 1  # journeys shared a transaction


class FailingJourneys(Journeys):
    """Its recorder refuses every insert that holds an entry of a journey in
    ``failing``, with ``error``: the whole transaction fails, as a database's would."""

    name = Journeys.name  # the same store
    failing: frozenset[UUID] = frozenset()
    error: type[Exception] = IntegrityError

    def construct_recorder(self) -> Any:
        recorder = super().construct_recorder()
        insert = recorder.insert_events

        def insert_events(stored_events: Any, **kwargs: Any) -> Any:
            if any(e.originator_id in self.failing for e in stored_events):
                raise self.error("this insert fails")
            return insert(stored_events, **kwargs)

        recorder.insert_events = insert_events  # type: ignore[method-assign]
        return recorder


@pytest.mark.parametrize("error", [IntegrityError, OperationalError])
def test_a_failed_write_loses_nothing_acknowledged(
    database_url: str, error: type[Exception]
) -> None:
    app = FailingJourneys(env=store_environment(database_url, new_key()), clock=FixedClock(START))
    app.group_commit = observed = Observed(app.save)
    try:
        ids = opened(app)
        app.error = error
        app.failing = frozenset(ids[:1])
        steps = together()[:4]
        answers: dict[tuple[int, int], tuple[Any, ...]] = {}
        start = threading.Barrier(JOURNEYS)

        def append_all(j: int) -> None:
            start.wait()
            for k, s in enumerate(steps):
                answers[(j, k)] = answer_of(partial(post, app, ids[j], s))

        threads = [threading.Thread(target=append_all, args=(j,)) for j in range(JOURNEYS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

        for j, journey_id in enumerate(ids):
            stored = stored_types(app, journey_id)[len(intake()) + 1 :]
            acknowledged = [
                steps[k].type for k in range(len(steps)) if answers[(j, k)][0] == "recorded"
            ]
            assert stored == acknowledged
        assert all(answers[(0, k)][0] == "refused" for k in range(len(steps)))
        assert max(observed.sizes) > 1
        if error is IntegrityError:  # the others' appends were written without it
            assert all(a[0] == "recorded" for (j, _), a in answers.items() if j)
    finally:
        app.close()


def test_a_snapshot_that_fails_to_be_written_fails_no_append(database_url: str) -> None:
    app = Journeys(env=store_environment(database_url, new_key()), clock=FixedClock(START))
    try:
        assert app.snapshots is not None
        recorder = app.snapshots.recorder

        def refuse(*_args: Any, **_kwargs: Any) -> Any:
            raise OperationalError("the snapshot is not written")

        recorder.insert_events = refuse  # type: ignore[method-assign]
        journey_id = open_journey(app)
        note = intake()[0]
        answers = [post(app, journey_id, note) for _ in range(SNAPSHOT_EVERY)]

        assert [a.version for a in answers] == list(range(2, SNAPSHOT_EVERY + 2))
        assert len(stored_types(app, journey_id)) == SNAPSHOT_EVERY + 1
    finally:
        app.close()
