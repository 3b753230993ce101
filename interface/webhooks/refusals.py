"""A refused dose is a webhook notice: ``dose_refused``, with the rule that refused it.

Nothing is stored in the journey for a refusal, so no projection can see it: the routes
that answer a refusal (``POST /v1/journeys/{id}/events`` and each item of
``POST /v1/journeys/events:batch``) queue the notice as they make the answer.
"""

from __future__ import annotations

import logging
from uuid import UUID

from application.journeys import utc_now
from domain.errors import RuleViolationError
from domain.webhooks import DOSE_EVENT_TYPES, DOSE_REFUSED, JourneyNotice
from interface.services import Services

log = logging.getLogger("kap.webhooks")


def queue_refusal(services: Services, journey_id: UUID, entry_type: str, rule: str) -> None:
    """The notice, with the journey's stage and next step as they stand (unchanged by
    the refusal); the journey is the caller's clinic's (else the answer was a 404)."""
    journeys = services.journeys
    clinic_id = journeys.clinic_of_stored(journey_id)
    if clinic_id is None:
        return
    now = utc_now()
    status = journeys.status(clinic_id, journey_id, journeys.clock())
    services.webhooks.notify(
        JourneyNotice(
            type=DOSE_REFUSED,
            journey_id=journey_id,
            clinic_id=clinic_id,
            version=status.version,
            position=None,
            stage=status.stage,
            next_step=status.next_step.code,
            at=now,
            rule=rule,
            refused_type=entry_type,
        )
    )
    services.wake_webhooks()


def notify_if_refused_dose(
    services: Services, journey_id: UUID | None, entry_type: str | None, error: Exception
) -> None:
    """Queue ``dose_refused`` when ``error`` is a protocol rule refusing a dose entry
    (a single append's 409, or a batch item's). Never raises: a notice that cannot be
    queued is logged, and the refusal is answered all the same."""
    if not isinstance(error, RuleViolationError) or journey_id is None:
        return
    if entry_type not in DOSE_EVENT_TYPES:
        return
    try:
        queue_refusal(services, journey_id, entry_type, error.rule)
    except Exception as failure:
        log.warning("dose_refused notice not queued (%s)", type(failure).__name__)
