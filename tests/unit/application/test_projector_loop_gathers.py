"""Saves that arrive together are projected together: a woken loop waits a moment for
the saves around the one that woke it, so one round (one read of the log, one read-model
transaction) takes them all, instead of one round per save."""

from __future__ import annotations

import threading
import time
from typing import Any, cast

from application.projections.loop import ProjectorLoop


class CountingProjector:
    """Counts the rounds; each round projects whatever saves arrived before it."""

    def __init__(self) -> None:
        self.rounds = 0
        self.pending = 0
        self.lock = threading.Lock()

    def saved(self) -> None:
        with self.lock:
            self.pending += 1

    def catch_up(self) -> int:
        with self.lock:
            done, self.pending = self.pending, 0
        if done:
            self.rounds += 1
        return done


def run_saves(gather_seconds: float, saves: int, every: float) -> int:
    projector = CountingProjector()
    loop = ProjectorLoop([cast(Any, projector)], poll_seconds=5, gather_seconds=gather_seconds)
    thread = threading.Thread(target=loop.run)
    thread.start()
    try:
        time.sleep(0.05)  # the first (empty) round is over: the loop waits for a save
        for _ in range(saves):
            projector.saved()
            loop.wake.set()
            time.sleep(every)
        deadline = time.monotonic() + 5
        while projector.pending and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not projector.pending
    finally:
        loop.stop()
        thread.join(timeout=10)
    return projector.rounds


def test_saves_arriving_together_are_projected_in_a_few_rounds() -> None:
    rounds = run_saves(gather_seconds=0.2, saves=20, every=0.005)  # 20 saves in 0.1 s

    assert rounds <= 3


def test_without_gathering_each_spaced_save_is_a_round_of_its_own() -> None:
    rounds = run_saves(gather_seconds=0, saves=10, every=0.05)

    assert rounds == 10
