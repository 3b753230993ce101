"""Each delivery attempt counted for /metrics (``kap_webhook_deliveries_total``, by the
status it leaves its delivery in), where the interface records it."""

from __future__ import annotations

from datetime import datetime

from application.webhooks import Attempt
from application.webhooks_delivery import DeliveryLog, DueDelivery
from interface.metrics.registry import count_webhook_delivery


class CountedDeliveries:
    """A ``DeliveryLog`` whose every recorded attempt is also counted."""

    def __init__(self, deliveries: DeliveryLog) -> None:
        self.deliveries = deliveries

    def due(self, now: datetime, limit: int) -> list[DueDelivery]:
        return self.deliveries.due(now, limit)

    def record(
        self, delivery_id: str, attempt: Attempt, status: str, next_attempt_at: datetime | None
    ) -> None:
        self.deliveries.record(delivery_id, attempt, status, next_attempt_at)
        count_webhook_delivery(status)
