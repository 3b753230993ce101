"""The outbox as its feeder and its deliverer use it: the feeder's position moved with
the rows it wrote, in one transaction; due deliveries read with their endpoint's URL and
secret; each attempt logged with the delivery's new state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import sqlalchemy
from sqlalchemy import func, insert, select, update

from application.webhooks import Attempt, QueuedNotice
from application.webhooks_delivery import PENDING, DueDelivery
from domain.webhooks import WebhookEndpoint
from interface.storage.webhooks import SqlWebhookStore, outbox_row
from interface.storage.webhooks_tables import (
    as_utc,
    attempts,
    deliveries,
    endpoints,
    feed,
)

FEED = "outbox"
MAX_ERROR = 200


class SqlOutbox:
    """``OutboxLog`` and ``DeliveryLog`` in the webhook tables."""

    def __init__(self, store: SqlWebhookStore, clock: Callable[[], datetime]) -> None:
        """``clock``: the wall clock the deliveries are due by."""
        self.store = store
        self.engine: sqlalchemy.Engine = store.engine
        self.clock = clock

    def active(self, clinic_id: str | None = None) -> list[WebhookEndpoint]:
        return self.store.active(clinic_id)

    def feed_position(self) -> int | None:
        with self.engine.connect() as connection:
            position = connection.execute(
                select(feed.c.position).where(feed.c.name == FEED)
            ).scalar()
        return None if position is None else int(position)

    def start_feed(self, position: int) -> None:
        with self.engine.begin() as connection:
            if connection.execute(select(func.count()).where(feed.c.name == FEED)).scalar():
                return
            connection.execute(insert(feed).values(name=FEED, position=position))

    def advance(self, since: int, position: int, queued: Sequence[QueuedNotice]) -> bool:
        with self.engine.begin() as connection:
            moved = connection.execute(
                update(feed)
                .where(feed.c.name == FEED, feed.c.position == since)
                .values(position=position)
            )
            if moved.rowcount != 1:
                connection.rollback()
                return False
            if queued:
                now = self.clock()
                connection.execute(insert(deliveries), [outbox_row(q, now) for q in queued])
        return True

    def due(self, now: datetime, limit: int) -> list[DueDelivery]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(deliveries, endpoints.c.url, endpoints.c.secret)
                .join(endpoints, endpoints.c.id == deliveries.c.endpoint_id)
                .where(
                    deliveries.c.status == PENDING,
                    deliveries.c.next_attempt_at <= as_utc(now),
                    endpoints.c.removed_at.is_(None),
                )
                .order_by(deliveries.c.next_attempt_at, deliveries.c.position, deliveries.c.id)
                .limit(limit)
            ).all()
        return [
            DueDelivery(
                id=row.id,
                url=row.url,
                secret=self.store.box.open(row.secret),
                body=row.body,
                window_from=as_utc(row.window_from),
                attempts=row.attempts,
            )
            for row in rows
        ]

    def record(
        self, delivery_id: str, attempt: Attempt, status: str, next_attempt_at: datetime | None
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                insert(attempts).values(
                    delivery_id=delivery_id,
                    attempted_at=as_utc(attempt.attempted_at),
                    status_code=attempt.status_code,
                    error=(attempt.error or None) and attempt.error[:MAX_ERROR],
                    duration_ms=attempt.duration_ms,
                )
            )
            connection.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(
                    status=status,
                    attempts=deliveries.c.attempts + 1,
                    next_attempt_at=as_utc(next_attempt_at) if next_attempt_at else None,
                )
            )
