"""Fill the webhook outbox from the journey log, each event once per endpoint.

Like a read model, the outbox follows the store's log from a position of its own, and
writes a batch's rows and its new position in one transaction, only if the position
still stands where the batch began (``OutboxLog.advance``): a restart or a crash at any
point neither skips nor repeats an event, and a second feeder racing the first changes
nothing. The outbox also refuses a second row for one endpoint and log position.

Each notice carries the journey's stage and next-step code as they stood just after
the event, judged at the moment the event was recorded (what its append answered), so
a notice is the same whenever the feeder gets to it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol
from uuid import UUID

from application.journeys import Journeys
from application.projections.loading import STORE_TROUBLE
from application.webhooks import QueuedNotice, queued_for
from domain.webhooks import JourneyNotice, WebhookEndpoint, by_clinic

BATCH_SIZE = 500

log = logging.getLogger("kap.webhooks")


class OutboxLog(Protocol):
    def active(self, clinic_id: str | None = None) -> list[WebhookEndpoint]: ...

    def feed_position(self) -> int | None:
        """Where the feeder stands; None before it ever ran."""
        ...

    def start_feed(self, position: int) -> None:
        """Stand at ``position``, unless a position is kept already."""
        ...

    def advance(self, since: int, position: int, queued: Sequence[QueuedNotice]) -> bool:
        """Write the rows and move from ``since`` to ``position``, together, only if the
        feeder still stands at ``since``; else nothing (False)."""
        ...


def event_type_of(topic: str) -> str:
    """``domain.journey:Journey.KetamineAdministered`` -> ``KetamineAdministered``."""
    return topic.rsplit(".", 1)[-1].rsplit(":", 1)[-1]


class OutboxFeeder:
    def __init__(self, journeys: Journeys, outbox: OutboxLog, batch_size: int = BATCH_SIZE):
        self.journeys = journeys
        self.outbox = outbox
        self.batch_size = batch_size
        self.anyone_listens = True
        """Whether the last batch found an endpoint registered (True until it ran)."""

    def catch_up(self) -> int:
        """Feed until the end of the log as it is now; the number of events read."""
        done = 0
        while (fed := self.feed()) > 0:
            done += fed
        return done

    def feed(self) -> int:
        """One batch after the feeder's position: its notices written with the position.

        With no endpoint anywhere there is nothing to tell, and the position is left
        where it is (two queries a round, not five): an endpoint hears only what is
        stored after it was registered, so when one is, the feeder goes on from there."""
        active = self.outbox.active()
        self.anyone_listens = bool(active)
        since = self.outbox.feed_position()
        if since is None:
            # First run: from now on, or from the oldest endpoint registered before it.
            end = self.journeys.log_position()
            self.outbox.start_feed(min([end, *(e.from_position for e in active)]))
            return 0
        if not active:
            return 0
        end = self.journeys.log_position()
        if since >= end:
            return 0
        notifications = self.journeys.recorder.select_notifications(
            since + 1, self.batch_size, stop=end
        )
        if not notifications:  # only ids of saves rolled back: nothing to tell
            self.outbox.advance(since, end, [])
            return 0
        position = notifications[-1].id
        # Read again after the batch: one registered meanwhile may hear its later events.
        endpoints = [e for e in self.outbox.active() if e.from_position < position]
        queued = self.notices(notifications, endpoints) if endpoints else []
        if not self.outbox.advance(since, position, queued):
            return 0  # another feeder got there first
        return len(notifications)

    def notices(
        self, notifications: Sequence[Any], endpoints: Sequence[WebhookEndpoint]
    ) -> list[QueuedNotice]:
        grouped = by_clinic(endpoints)
        clinics: dict[UUID, str | None] = {}
        queued: list[QueuedNotice] = []
        for notification in notifications:
            journey_id = UUID(str(notification.originator_id))
            if journey_id not in clinics:
                clinics[journey_id] = self.journeys.clinic_of_stored(journey_id)
            clinic = clinics[journey_id]
            if clinic is None:
                continue
            hearing = [e for e in grouped.get(clinic, []) if e.from_position < notification.id]
            event_type = event_type_of(notification.topic)
            if any(e.accepts(event_type) for e in hearing):
                notice = self.notice(journey_id, clinic, notification, event_type)
                queued += queued_for(hearing, notice)
        return queued

    def notice(
        self, journey_id: UUID, clinic_id: str, notification: Any, event_type: str
    ) -> JourneyNotice:
        """The notice of one stored event; a journey that no longer reads still gets its
        notice, without a stage or next step (the receiver finds it damaged)."""
        version = notification.originator_version
        stage = next_step = None
        at = self.journeys.clock()
        try:
            event: Any = self.journeys.mapper.to_domain_event(notification)
            at = event.timestamp
            status = self.journeys.status_at_version(clinic_id, journey_id, version, at)
            stage, next_step = status.stage, status.next_step.code
        except STORE_TROUBLE:
            raise  # the batch is tried again
        except Exception as error:  # a damaged journey: told without its status
            log.warning(
                "webhook notice of journey %s v%d without status (%s)",
                journey_id,
                version,
                type(error).__name__,
            )
        return JourneyNotice(
            type=event_type,
            journey_id=journey_id,
            clinic_id=clinic_id,
            version=version,
            position=notification.id,
            stage=stage,
            next_step=next_step,
            at=at,
        )
