"""A clinic's webhook endpoints and their deliveries as its admin sees them, in SQL.

The secret is stored encrypted with the service's cipher key (AES-GCM, the key that
encrypts the events) and erased when the endpoint is removed; a removed endpoint stays
as a row (who removed it, when) and its deliveries stop.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy
from eventsourcing.cipher import AESCipher
from eventsourcing.utils import Environment
from sqlalchemy import insert, select, update

from application.webhooks import Attempt, Delivery, QueuedNotice
from application.webhooks_delivery import PENDING
from domain.webhooks import WebhookEndpoint
from interface.storage.webhooks_tables import as_utc, attempts, deliveries, endpoints


class SecretBox:
    """Encrypts endpoint secrets with the cipher key."""

    def __init__(self, cipher_key: str) -> None:
        self._cipher = AESCipher(Environment(env={AESCipher.CIPHER_KEY: cipher_key}))

    def seal(self, secret: str) -> str:
        return base64.b64encode(self._cipher.encrypt(secret.encode("utf-8"))).decode("ascii")

    def open(self, sealed: str) -> str:
        return self._cipher.decrypt(base64.b64decode(sealed)).decode("utf-8")


def endpoint_of(row: Any) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=UUID(row.id),
        clinic_id=row.clinic_id,
        url=row.url,
        event_types=tuple(json.loads(row.event_types)),
        description=row.description,
        created_at=as_utc(row.created_at),
        created_by=row.created_by,
        from_position=int(row.from_position),
    )


def outbox_row(queued: QueuedNotice, at: datetime) -> dict[str, Any]:
    notice = queued.notice
    return {
        "id": queued.id,
        "endpoint_id": str(queued.endpoint.id),
        "clinic_id": notice.clinic_id,
        "type": notice.type,
        "journey_id": str(notice.journey_id),
        "position": notice.position,
        "body": json.dumps(notice.body(), separators=(",", ":"), sort_keys=True),
        "status": PENDING,
        "attempts": 0,
        "created_at": as_utc(at),
        "window_from": as_utc(at),
        "next_attempt_at": as_utc(at),
    }


class SqlWebhookStore:
    """``application.webhooks.WebhookStore`` in the webhook tables."""

    def __init__(self, engine: sqlalchemy.Engine, box: SecretBox) -> None:
        self.engine = engine
        self.box = box

    def add(self, endpoint: WebhookEndpoint, secret: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                insert(endpoints).values(
                    id=str(endpoint.id),
                    clinic_id=endpoint.clinic_id,
                    url=endpoint.url,
                    event_types=json.dumps(list(endpoint.event_types)),
                    description=endpoint.description,
                    created_at=as_utc(endpoint.created_at),
                    created_by=endpoint.created_by,
                    from_position=endpoint.from_position,
                    secret=self.box.seal(secret),
                )
            )

    def active(self, clinic_id: str | None = None) -> list[WebhookEndpoint]:
        query = select(endpoints).where(endpoints.c.removed_at.is_(None))
        if clinic_id is not None:
            query = query.where(endpoints.c.clinic_id == clinic_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(endpoints.c.created_at, endpoints.c.id))
            return [endpoint_of(row) for row in rows]

    def remove(self, clinic_id: str, endpoint_id: UUID, by: str, at: datetime) -> bool:
        with self.engine.begin() as connection:
            done = connection.execute(
                update(endpoints)
                .where(
                    endpoints.c.id == str(endpoint_id),
                    endpoints.c.clinic_id == clinic_id,
                    endpoints.c.removed_at.is_(None),
                )
                .values(removed_at=as_utc(at), removed_by=by, secret=None)
            )
            return done.rowcount == 1

    def deliveries(self, endpoint_id: UUID, limit: int) -> list[Delivery]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(deliveries)
                .where(deliveries.c.endpoint_id == str(endpoint_id))
                .order_by(deliveries.c.created_at.desc(), deliveries.c.id)
                .limit(limit)
            ).all()
            tried: dict[str, list[Attempt]] = {row.id: [] for row in rows}
            if tried:
                for attempt in connection.execute(
                    select(attempts)
                    .where(attempts.c.delivery_id.in_(list(tried)))
                    .order_by(attempts.c.id)
                ):
                    tried[attempt.delivery_id].append(
                        Attempt(
                            as_utc(attempt.attempted_at),
                            attempt.status_code,
                            attempt.error,
                            attempt.duration_ms,
                        )
                    )
        return [
            Delivery(
                id=row.id,
                endpoint_id=UUID(row.endpoint_id),
                type=row.type,
                journey_id=UUID(row.journey_id),
                position=row.position,
                status=row.status,
                created_at=as_utc(row.created_at),
                next_attempt_at=as_utc(row.next_attempt_at) if row.next_attempt_at else None,
                attempts=tuple(tried[row.id]),
            )
            for row in rows
        ]

    def requeue(self, endpoint_id: UUID, delivery_id: str, at: datetime) -> bool:
        with self.engine.begin() as connection:
            done = connection.execute(
                update(deliveries)
                .where(
                    deliveries.c.id == delivery_id,
                    deliveries.c.endpoint_id == str(endpoint_id),
                )
                .values(
                    status=PENDING,
                    attempts=0,
                    window_from=as_utc(at),
                    next_attempt_at=as_utc(at),
                )
            )
            return done.rowcount == 1

    def enqueue(self, queued: Sequence[QueuedNotice], at: datetime) -> None:
        if queued:
            with self.engine.begin() as connection:
                connection.execute(insert(deliveries), [outbox_row(q, at) for q in queued])
