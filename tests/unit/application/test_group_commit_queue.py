"""Appends queued behind a write the database did not answer fail with it, unwritten, at
once: a request waits out one deadline, not one per append ahead of it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError, OperationalError

from application.group_commit import GroupCommit


class StalledStore:
    """The first write hangs until the others have queued behind it, then fails as a
    database that did not answer (or with ``error``); every later write succeeds."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls: list[int] = []
        self.started = threading.Event()
        self.all_queued: Callable[[], bool] = lambda: True

    def save(self, *objs: Any) -> list[Any]:
        self.calls.append(len(objs))
        if len(self.calls) == 1:
            self.started.set()
            for _ in range(500):  # at most 5 s
                if self.all_queued():
                    break
                threading.Event().wait(0.01)
            raise self.error
        return []


def run(store: StalledStore, queued: int) -> dict[str, Any]:
    commit = GroupCommit(store.save)
    store.all_queued = lambda: len(commit._queue) == queued
    outcomes: dict[str, str] = {}

    def append(name: str, journey_id: UUID) -> None:
        try:
            commit.write(journey_id, [], object())
        except Exception as error:  # the answer to this append
            outcomes[name] = type(error).__name__
        else:
            outcomes[name] = "written"

    leader = threading.Thread(target=append, args=("leader", uuid4()))
    leader.start()
    store.started.wait(5)
    others = [threading.Thread(target=append, args=(f"q{n}", uuid4())) for n in range(queued)]
    for thread in others:
        thread.start()
    for thread in [leader, *others]:
        thread.join(10)
    return outcomes


def test_the_appends_queued_behind_an_unanswered_write_fail_with_it_unwritten() -> None:
    store = StalledStore(OperationalError("the database did not answer within 3 s"))
    outcomes = run(store, queued=5)
    names = ["leader", *(f"q{n}" for n in range(5))]
    assert outcomes == dict.fromkeys(names, "OperationalError")
    assert store.calls == [1]  # none queued was tried after it: no second deadline


def test_a_version_conflict_does_not_fail_the_queue() -> None:
    store = StalledStore(IntegrityError("journey written by another process"))
    outcomes = run(store, queued=3)
    assert outcomes["leader"] == "IntegrityError"
    assert {outcomes[f"q{n}"] for n in range(3)} == {"written"}
    assert store.calls == [1, 3]  # the queued three, together
