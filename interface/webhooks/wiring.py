"""How a running service builds its webhooks: the admin's use cases and the worker.

Every time here is the wall clock (``utc_now``), not the service's clock: deliveries
are due, retried and signed in real time (a receiver refuses a stale timestamp).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.journeys import utc_now
from application.webhooks import Webhooks
from application.webhooks_delivery import Deliverer
from application.webhooks_outbox import OutboxFeeder
from domain.webhooks_retries import RetryPolicy
from interface.storage.keys import resolve_cipher_key
from interface.storage.leader import leadership_for
from interface.storage.save_notices import SaveNotices
from interface.storage.webhooks import SecretBox, SqlWebhookStore
from interface.storage.webhooks_outbox import SqlOutbox
from interface.storage.webhooks_tables import create_webhook_tables
from interface.webhooks.counted import CountedDeliveries
from interface.webhooks.runtime import WEBHOOKS, WebhookWorker
from interface.webhooks.sender import WebhookSender

if TYPE_CHECKING:
    from interface.services import Services


def webhook_store(services: Services) -> SqlWebhookStore:
    create_webhook_tables(services.engine)
    return SqlWebhookStore(services.engine, SecretBox(resolve_cipher_key(services.settings)))


def webhooks_of(services: Services) -> Webhooks:
    return Webhooks(webhook_store(services), lambda: services.journeys.log_position(), utc_now)


def retry_policy(services: Services) -> RetryPolicy:
    settings = services.settings
    return RetryPolicy(
        first_seconds=settings.webhook_retry_first_seconds,
        cap_seconds=settings.webhook_retry_cap_seconds,
        window_seconds=settings.webhook_retry_window_seconds,
    )


def worker_of(services: Services) -> WebhookWorker:
    """The worker, its parts built on its first round (the database may be away now)."""

    def build() -> tuple[OutboxFeeder, Deliverer]:
        journeys = services.journeys
        store = services.webhooks.store
        assert isinstance(store, SqlWebhookStore)  # what webhooks_of gives it
        outbox = SqlOutbox(store, utc_now)
        journeys.on_saved(worker.saved)
        # Other processes' saves too (PostgreSQL): the channel the library NOTIFYs on.
        channel = getattr(journeys.recorder, "channel_name", None)
        if channel is not None:
            worker.notices = SaveNotices.for_engine(services.engine, channel, worker.saved)
        sender = WebhookSender(services.settings.webhook_timeout_seconds)
        deliverer = Deliverer(CountedDeliveries(outbox), sender, retry_policy(services), utc_now)
        return OutboxFeeder(journeys, outbox), deliverer

    worker = WebhookWorker(
        build,
        leadership_for(services.settings.database_url, WEBHOOKS),
        poll_seconds=services.settings.webhook_poll_seconds,
    )
    return worker
