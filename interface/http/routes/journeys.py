"""Journeys: open one, read its status and its history."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from application.answers import OpenJourney
from domain.entries import Actor, Posting
from interface.http.deps import (
    ClinicSystem,
    PurposeOfUse,
    Reader,
    ServicesDep,
)
from interface.http.presenters import append_public, history_event_public, journey_public
from interface.http.schemas import (
    AppendPublic,
    HistoryPublic,
    JourneyCreate,
    JourneyPublic,
    Problem,
)
from interface.presentation.journey_reads import log_journey_read
from interface.presentation.local_times import clinic_context, zone_shown

router = APIRouter(prefix="/v1/journeys", tags=["journeys"])

# FastAPI's own type for a route's extra responses, so routes can merge these maps.
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem},
    403: {"model": Problem},
    404: {"model": Problem},
    422: {"model": Problem},
    503: {"model": Problem},
}

ETAG = {
    "ETag": {
        "description": 'The journey\'s version, quoted ("7"): send it as If-Match to append '
        "only if nothing came between.",
        "schema": {"type": "string"},
    }
}
LOCATION = {
    "Location": {
        "description": "The journey's status: /v1/journeys/{id}.",
        "schema": {"type": "string"},
    }
}

DAMAGED: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Problem,
        "description": "journey_damaged: its stored entries were altered after recording "
        "and no longer fold or decrypt. 409, not 500: the request is sound but conflicts "
        "with the journey as stored; nothing is read from it or added to it until it is "
        "restored, and its verification names the altered entries.",
    }
}


@router.post(
    "",
    operation_id="openJourney",
    status_code=status.HTTP_201_CREATED,
    responses={
        201: {"description": "Opened", "headers": {**ETAG, **LOCATION}},
        200: {
            "model": AppendPublic,
            "description": "Already open: the first answer",
            "headers": {**ETAG, **LOCATION},
        },
        409: {
            "model": Problem,
            "description": "journey_exists: the episode is already open with other details "
            "(a retry must repeat the first request; a new episode needs a new number).",
        },
        **ERRORS,
    },
)
def open_journey(
    body: JourneyCreate, principal: ClinicSystem, services: ServicesDep, response: Response
) -> AppendPublic:
    """Open a patient's journey; a retry for the same patient and episode returns it (200)."""
    journeys = services.journeys
    result = journeys.open_journey(
        principal.clinic_id,
        OpenJourney(
            patient_ref=body.patient_ref,
            episode=body.episode,
            protocol=body.protocol,
            primary_clinician=body.primary_clinician,
            presenting_concerns=list(body.presenting_concerns),
        ),
        Posting(
            occurred_at=body.occurred_at.astimezone(UTC),
            recorded_at=journeys.clock(),
            recorded_by=Actor(body.recorded_by.id, body.recorded_by.role),
            source=principal.token_name,
        ),
    )
    if result.replayed:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/journeys/{result.journey_id}"
    response.headers["ETag"] = f'"{result.version}"'
    return append_public(result)


@router.get(
    "/{journey_id}",
    operation_id="getJourneyStatus",
    responses={200: {"description": "Where it stands", "headers": ETAG}, **ERRORS, **DAMAGED},
    dependencies=[PurposeOfUse],
)
def journey_status(
    journey_id: UUID,
    principal: Reader,
    services: ServicesDep,
    request: Request,
    response: Response,
) -> JourneyPublic:
    """Where the journey stands: stage, next step, every blocker to the next dose."""
    clinic = clinic_context(services, principal.clinic_id)  # read once: rules and rendering
    current = services.journeys.status(principal.clinic_id, journey_id, clinic=clinic)
    log_journey_read(request, principal, journey_id, "status")
    response.headers["ETag"] = f'"{current.version}"'
    return journey_public(current, clinic)


@router.get(
    "/{journey_id}/history",
    operation_id="getJourneyHistory",
    responses={**ERRORS, **DAMAGED},
    dependencies=[PurposeOfUse],
)
def journey_history(
    journey_id: UUID, principal: Reader, services: ServicesDep, request: Request
) -> HistoryPublic:
    """Every event of the journey as recorded, oldest first."""
    entries = services.journeys.history(principal.clinic_id, journey_id)
    log_journey_read(request, principal, journey_id, "history")
    clinic = clinic_context(services, principal.clinic_id)
    return HistoryPublic(
        journey_id=journey_id,
        time_zone=zone_shown(clinic),
        events=[history_event_public(e, clinic.zone) for e in entries],
    )
