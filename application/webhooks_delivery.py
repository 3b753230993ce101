"""Deliver the outbox: each due delivery posted, every attempt logged, a failure tried
again with exponential backoff until its window (24 h) is spent, then marked failed.

How a delivery is posted (signed, over HTTP, with a timeout) is the interface's
(``post``); this decides what an attempt's outcome means for the delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.webhooks import Attempt
from domain.webhooks_retries import RetryPolicy

DUE_AT_ONCE = 50
"""Deliveries taken per round (the rest wait for the next)."""
RECEIVERS_AT_ONCE = 8
"""Receivers posted to side by side: one that times out holds up only its own
deliveries (each receiver's are posted one after another, in order)."""

DELIVERED = "delivered"
PENDING = "pending"
FAILED = "failed"

log = logging.getLogger("kap.webhooks")


@dataclass(frozen=True)
class DueDelivery:
    id: str
    url: str
    secret: str
    body: str
    """The JSON body, exactly as it is signed and sent."""
    window_from: datetime
    """When its retries began (its creation, or its last redeliver)."""
    attempts: int
    """Attempts made so far in this window."""


class DeliveryLog(Protocol):
    def due(self, now: datetime, limit: int) -> list[DueDelivery]:
        """Pending deliveries due by ``now`` to endpoints not removed, oldest due first."""
        ...

    def record(
        self, delivery_id: str, attempt: Attempt, status: str, next_attempt_at: datetime | None
    ) -> None: ...


def accepted(attempt: Attempt) -> bool:
    """Standard Webhooks: any 2xx is success; anything else (or no answer) a failure."""
    return attempt.status_code is not None and 200 <= attempt.status_code < 300


class Deliverer:
    def __init__(
        self,
        deliveries: DeliveryLog,
        post: Callable[[DueDelivery, datetime], Attempt],
        policy: RetryPolicy,
        clock: Callable[[], datetime],
    ) -> None:
        self.deliveries = deliveries
        self.post = post
        self.policy = policy
        self.clock = clock

    def deliver_due(self, limit: int = DUE_AT_ONCE) -> int:
        """Attempt every delivery due now; the number attempted."""
        due = self.deliveries.due(self.clock(), limit)
        by_receiver: dict[str, list[DueDelivery]] = {}
        for delivery in due:
            by_receiver.setdefault(delivery.url, []).append(delivery)
        if len(by_receiver) == 1:
            self.attempt_in_turn(due)
        elif by_receiver:
            with ThreadPoolExecutor(min(RECEIVERS_AT_ONCE, len(by_receiver))) as pool:
                for done in [pool.submit(self.attempt_in_turn, d) for d in by_receiver.values()]:
                    done.result()  # a failure to record is the round's failure
        return len(due)

    def attempt_in_turn(self, deliveries: list[DueDelivery]) -> None:
        for delivery in deliveries:
            self.attempt(delivery)

    def attempt(self, delivery: DueDelivery) -> None:
        attempt = self.post(delivery, self.clock())
        if accepted(attempt):
            self.deliveries.record(delivery.id, attempt, DELIVERED, None)
            return
        failed = delivery.attempts + 1
        next_at = self.policy.next_attempt(delivery.window_from, failed, attempt.attempted_at)
        self.deliveries.record(delivery.id, attempt, PENDING if next_at else FAILED, next_at)
        if next_at is None:
            log.warning("webhook delivery %s failed after %d attempts", delivery.id, failed)
