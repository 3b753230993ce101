"""Webhooks: a clinic's admin registers endpoints, lists them and their deliveries,
removes one, and sends a delivery again.

The endpoints, the outbox of deliveries and their attempts are kept by the interface's
storage (``WebhookStore``); the secret is made here, handed back once, and only ever
stored encrypted (and erased when its endpoint is removed).
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.webhooks import (
    JourneyNotice,
    WebhookEndpoint,
    checked_description,
    checked_event_types,
    checked_url,
)

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
SECRET_BYTES = 32
"""Standard Webhooks: a secret of 24 to 64 random bytes, ``whsec_`` and base64."""
LISTED_DELIVERIES = 100


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def new_message_id() -> str:
    """The ``webhook-id`` of a delivery: the same on every attempt (a receiver dedupes)."""
    return f"msg_{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Attempt:
    attempted_at: datetime
    status_code: int | None
    """The receiver's HTTP status, or None when it did not answer."""
    error: str | None
    """Why it failed, in a few words (never the receiver's body)."""
    duration_ms: int


@dataclass(frozen=True)
class Delivery:
    id: str
    endpoint_id: UUID
    type: str
    journey_id: UUID
    position: int | None
    status: str
    """``pending``, ``delivered`` or ``failed`` (retried for 24 h, then given up)."""
    created_at: datetime
    next_attempt_at: datetime | None
    attempts: tuple[Attempt, ...]


@dataclass(frozen=True)
class QueuedNotice:
    """One outbox row to be written: a notice for one endpoint."""

    id: str
    endpoint: WebhookEndpoint
    notice: JourneyNotice


@dataclass(frozen=True)
class RegisteredWebhook:
    endpoint: WebhookEndpoint
    secret: str
    """Shown once, at registration; never read back."""


class WebhookStore(Protocol):
    def add(self, endpoint: WebhookEndpoint, secret: str) -> None: ...

    def active(self, clinic_id: str | None = None) -> list[WebhookEndpoint]:
        """The endpoints not removed: the clinic's, or every clinic's (None)."""
        ...

    def remove(self, clinic_id: str, endpoint_id: UUID, by: str, at: datetime) -> bool: ...

    def deliveries(self, endpoint_id: UUID, limit: int) -> list[Delivery]:
        """The newest first, each with its attempts."""
        ...

    def requeue(self, endpoint_id: UUID, delivery_id: str, at: datetime) -> bool: ...

    def enqueue(self, queued: Sequence[QueuedNotice], at: datetime) -> None: ...


def queued_for(endpoints: Iterable[WebhookEndpoint], notice: JourneyNotice) -> list[QueuedNotice]:
    return [QueuedNotice(new_message_id(), e, notice) for e in endpoints if e.accepts(notice.type)]


class Webhooks:
    """A clinic's webhook endpoints and their deliveries, as its admin manages them."""

    def __init__(
        self, store: WebhookStore, log_position: Callable[[], int], clock: Callable[[], datetime]
    ) -> None:
        self.store = store
        self.log_position = log_position
        self.clock = clock

    def register(
        self,
        clinic_id: str,
        url: str,
        event_types: Iterable[str],
        description: str | None,
        by: str,
    ) -> RegisteredWebhook:
        """A new endpoint, hearing of events stored from now on."""
        endpoint = WebhookEndpoint(
            id=uuid.uuid4(),
            clinic_id=clinic_id,
            url=checked_url(url),
            event_types=checked_event_types(event_types),
            description=checked_description(description),
            created_at=self.clock(),
            created_by=by,
            from_position=self.log_position(),
        )
        secret = new_secret()
        self.store.add(endpoint, secret)
        return RegisteredWebhook(endpoint, secret)

    def endpoints(self, clinic_id: str) -> list[WebhookEndpoint]:
        return self.store.active(clinic_id)

    def endpoint(self, clinic_id: str, endpoint_id: UUID) -> WebhookEndpoint | None:
        return next((e for e in self.store.active(clinic_id) if e.id == endpoint_id), None)

    def remove(self, clinic_id: str, endpoint_id: UUID, by: str) -> bool:
        """Disable the endpoint and erase its secret; its pending deliveries stop."""
        return self.store.remove(clinic_id, endpoint_id, by, self.clock())

    def deliveries(self, clinic_id: str, endpoint_id: UUID) -> list[Delivery] | None:
        """None when the clinic has no such endpoint."""
        if self.endpoint(clinic_id, endpoint_id) is None:
            return None
        return self.store.deliveries(endpoint_id, LISTED_DELIVERIES)

    def redeliver(self, clinic_id: str, endpoint_id: UUID, delivery_id: str) -> bool:
        """Queue the delivery again, due now, with a fresh 24 h of retries."""
        if self.endpoint(clinic_id, endpoint_id) is None:
            return False
        return self.store.requeue(endpoint_id, delivery_id, self.clock())

    def notify(self, notice: JourneyNotice) -> int:
        """Queue a notice that no stored event carries (a refused dose) for each of its
        clinic's endpoints that asks for it; how many were queued."""
        queued = queued_for(self.store.active(notice.clinic_id), notice)
        if queued:
            self.store.enqueue(queued, self.clock())
        return len(queued)
