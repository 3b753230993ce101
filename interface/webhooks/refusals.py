"""A refused dose is a webhook notice: ``dose_refused``, with the rule that refused it.

Nothing is stored in the journey for a refusal, so no projection can see it: the
refusal's answer (the 409 of ``POST /v1/journeys/{id}/events`` for a dose entry) queues
the notice as it is made. It wraps the one handler that maps a rule violation to its
problem answer (``interface.http.problems``), which still makes the answer; a notice
that cannot be queued is logged and does not change the answer.
"""

from __future__ import annotations

import json
import logging
from uuid import UUID

from fastapi import FastAPI, Request
from starlette.responses import Response

from application.journeys import utc_now
from domain.errors import RuleViolationError
from domain.webhooks import DOSE_EVENT_TYPES, DOSE_REFUSED, JourneyNotice
from interface.services import Services

APPEND_PATH = "/v1/journeys/{journey_id}/events"

log = logging.getLogger("kap.webhooks")


def refused_dose_type(request: Request, body: bytes) -> str | None:
    """The dose entry type the request tried to append, if it was one."""
    route = request.scope.get("route")
    if request.method != "POST" or getattr(route, "path", None) != APPEND_PATH:
        return None
    try:
        entry_type = json.loads(body).get("type")
    except (ValueError, AttributeError):
        return None
    return entry_type if entry_type in DOSE_EVENT_TYPES else None


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


def install_dose_refusals(app: FastAPI) -> None:
    """After ``install_problem_handlers``: wraps its handler of rule violations.

    The wrapper stays a plain function, as the handlers are (a batch calls them to make
    each refused item's answer; Starlette runs a plain one in its thread pool). The body
    is the one FastAPI read, and Starlette kept, before the route ran."""
    answer_refusal = app.exception_handlers[RuleViolationError]

    def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, RuleViolationError)
        body = getattr(request, "_body", None)
        entry_type = refused_dose_type(request, body) if isinstance(body, bytes) else None
        journey_id = request.path_params.get("journey_id")
        if entry_type is not None and journey_id is not None:
            try:
                queue_refusal(
                    request.app.state.services, UUID(str(journey_id)), entry_type, error.rule
                )
            except Exception as failure:  # the refusal is answered all the same
                log.warning("dose_refused notice not queued (%s)", type(failure).__name__)
        response = answer_refusal(request, error)
        assert isinstance(response, Response)  # the problem handlers are plain functions
        return response

    app.add_exception_handler(RuleViolationError, refused)
