"""A save wakes the webhook worker only while some endpoint could hear of it; with none
registered it keeps to its poll, and an explicit wake (an endpoint registered here, a
redelivery, a refused dose) still starts a round at once."""

from __future__ import annotations

import time
from typing import Any, cast

from interface.storage.leader import SoleLeadership
from interface.webhooks.runtime import WEBHOOKS, WebhookWorker


class Feeder:
    def __init__(self, listens: bool) -> None:
        self.anyone_listens = listens
        self.rounds = 0

    def catch_up(self) -> int:
        self.rounds += 1
        return 0


class Deliverer:
    def deliver_due(self) -> int:
        return 0


def worker(feeder: Feeder, poll_seconds: float = 60.0) -> WebhookWorker:
    parts = cast(Any, (feeder, Deliverer()))
    return WebhookWorker(lambda: parts, SoleLeadership(WEBHOOKS), poll_seconds=poll_seconds)


def rounds_after(feeder: Feeder, wake: Any) -> int:
    settled = feeder.rounds
    for _ in range(5):
        wake()
        time.sleep(0.1)
    return feeder.rounds - settled


def started(feeder: Feeder) -> WebhookWorker:
    running = worker(feeder)
    running.start()
    deadline = time.monotonic() + 5
    while feeder.rounds == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # past the first round's gather: waiting for a wake now
    return running


def test_saves_wake_a_worker_whose_endpoints_could_hear_them() -> None:
    feeder = Feeder(listens=True)
    running = started(feeder)
    try:
        assert rounds_after(feeder, running.saved) >= 3
    finally:
        running.stop()


def test_saves_do_not_wake_a_worker_nobody_listens_to_but_a_wake_does() -> None:
    feeder = Feeder(listens=False)
    running = started(feeder)
    try:
        assert rounds_after(feeder, running.saved) == 0
        assert rounds_after(feeder, running.wake.set) >= 3
    finally:
        running.stop()


def test_before_its_first_round_a_save_wakes_it() -> None:
    running = worker(Feeder(listens=False))
    running.saved()
    assert running.wake.is_set()
