"""What an attempt's outcome means for a delivery, and one slow receiver holding up no
other (a hand-written outbox in memory; the SQL one is tested over HTTP)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from application.webhooks import Attempt
from application.webhooks_delivery import DELIVERED, FAILED, PENDING, Deliverer, DueDelivery
from domain.webhooks_retries import RetryPolicy

NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
SLOW = "https://slow.example/"
FAST = "https://fast.example/"


class OutboxInMemory:
    def __init__(self, due: list[DueDelivery]) -> None:
        self.waiting = due
        self.recorded: list[tuple[str, int | None, str, datetime | None]] = []
        self.lock = threading.Lock()

    def due(self, now: datetime, limit: int) -> list[DueDelivery]:
        return self.waiting[:limit]

    def record(
        self, delivery_id: str, attempt: Attempt, status: str, next_attempt_at: datetime | None
    ) -> None:
        with self.lock:
            self.recorded.append((delivery_id, attempt.status_code, status, next_attempt_at))


def due(delivery_id: str, url: str = FAST, attempts: int = 0) -> DueDelivery:
    return DueDelivery(delivery_id, url, "whsec_AAAA", "{}", NOW, attempts)


def answering(status: int | None) -> Deliverer:
    def post(delivery: DueDelivery, at: datetime) -> Attempt:
        return Attempt(at, status, None if status else "timed out", 3)

    return Deliverer(OutboxInMemory([]), post, RetryPolicy(first_seconds=5), lambda: NOW)


def test_a_2xx_delivers_and_anything_else_is_tried_again_later() -> None:
    for status, outcome in ((204, DELIVERED), (500, PENDING), (None, PENDING), (302, PENDING)):
        deliverer = answering(status)
        outbox = OutboxInMemory([due("msg_1")])
        deliverer.deliveries = outbox
        deliverer.deliver_due()
        ((_, _, recorded, next_at),) = outbox.recorded
        assert recorded == outcome, status
        assert next_at == (None if outcome == DELIVERED else NOW + timedelta(seconds=5))


def test_a_delivery_past_its_window_is_failed() -> None:
    deliverer = answering(500)
    deliverer.clock = lambda: NOW + timedelta(hours=24)
    outbox = OutboxInMemory([due("msg_1", attempts=20)])
    deliverer.deliveries = outbox
    deliverer.deliver_due()
    assert outbox.recorded == [("msg_1", 500, FAILED, None)]


def test_a_slow_receiver_does_not_hold_up_another() -> None:
    fast_done = threading.Event()
    fast_count = []

    def post(delivery: DueDelivery, at: datetime) -> Attempt:
        if delivery.url == SLOW:
            fast_done.wait(5)  # answers only once the fast receiver has had both
        else:
            fast_count.append(delivery.id)
            if len(fast_count) == 2:
                fast_done.set()
        return Attempt(at, 204, None, 1)

    outbox = OutboxInMemory([due("msg_s", SLOW), due("msg_f1"), due("msg_f2")])
    Deliverer(outbox, post, RetryPolicy(), lambda: NOW).deliver_due()
    assert [r[0] for r in outbox.recorded] == ["msg_f1", "msg_f2", "msg_s"]
