"""A process's projections run only while it holds the projector's lock: a process
standing by sets nothing up, one that takes the lock starts them, one that loses it
stops them, and one that stops lets go of it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

from interface.readmodels.runtime import BackgroundProjections, Projections
from interface.storage.leader import PROJECTIONS


class Lock:
    """A leadership whose holder the test decides."""

    def __init__(self, held: bool) -> None:
        self.duty = PROJECTIONS
        self.held = held
        self.released = False

    def hold(self) -> bool:
        return self.held

    def release(self) -> None:
        self.released = True


class Loop:
    def __init__(self) -> None:
        self.failing = False

    def stop(self) -> None:
        pass


class Running:
    """Projections that only say whether they run."""

    def __init__(self) -> None:
        self.loop = Loop()
        self.starts = 0
        self.stops = 0
        self.running = False

    def start(self) -> None:
        self.starts += 1
        self.running = True

    def stop(self) -> None:
        self.stops += 1
        self.running = False


def background(lock: Lock) -> tuple[BackgroundProjections, list[Running]]:
    built: list[Running] = []

    def build() -> Projections:
        built.append(Running())
        return cast(Projections, built[-1])

    return BackgroundProjections(build, lock, check_seconds=0.01), built


def until(holds: Callable[[], Any], within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not holds():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.005)


def test_a_process_standing_by_sets_nothing_up_and_is_not_running():
    lock = Lock(held=False)
    projections, built = background(lock)
    projections.start()
    try:
        time.sleep(0.05)
        assert built == []
        assert projections.standing_by
        assert not projections.leading
        assert not projections.running
    finally:
        projections.stop()


def test_the_lock_once_free_is_taken_and_the_projections_start():
    lock = Lock(held=False)
    projections, built = background(lock)
    projections.start()
    try:
        lock.held = True
        until(lambda: projections.running)
        assert projections.leading
        assert not projections.standing_by
        assert built[0].starts == 1
    finally:
        projections.stop()


def test_the_lock_lost_stops_the_projections_and_taken_again_starts_the_same_ones():
    lock = Lock(held=True)
    projections, built = background(lock)
    projections.start()
    try:
        until(lambda: projections.running)
        lock.held = False
        until(lambda: built[0].stops == 1)
        assert not projections.running
        lock.held = True
        until(lambda: projections.running)
        assert len(built) == 1, "set up once"
        assert built[0].starts == 2
    finally:
        projections.stop()


def test_stopping_lets_go_of_the_lock():
    lock = Lock(held=True)
    projections, _ = background(lock)
    projections.start()
    until(lambda: projections.running)

    projections.stop()

    assert lock.released
    assert not projections.leading
    assert not projections.thread.is_alive()  # its own (other tests' apps may run theirs)
