"""Appending an event to a journey."""

from __future__ import annotations

import re
from datetime import UTC
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from application.answers import NewEntry
from application.journeys import Journeys
from domain.entries import Actor, Posting
from domain.errors import RuleViolationError
from interface.http.deps import ClinicSystem, ServicesDep
from interface.http.errors import MalformedIfMatchError
from interface.http.payloads import checked_correction, payload_of
from interface.http.presenters import append_public
from interface.http.routes.journeys import ERRORS, ETAG
from interface.http.schemas import AppendPublic, EventCreate, Problem
from interface.webhooks.refusals import notify_if_refused_dose

router = APIRouter(prefix="/v1/journeys", tags=["events"])

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
IF_MATCH = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def _expected_version(if_match: str | None) -> int | None:
    """The version If-Match names; ``*`` (any current version) names none."""
    if if_match is None or if_match.strip() == "*":
        return None
    found = IF_MATCH.match(if_match.strip())
    if not found:
        raise MalformedIfMatchError('If-Match must name a version, like "7" (or be *).')
    return int(found.group(1))


def _checked_key(key: str | None) -> str | None:
    if key is not None and not IDEMPOTENCY_KEY.match(key):
        raise RequestValidationError(
            [
                {
                    "loc": ["header", "Idempotency-Key"],
                    "msg": "1-200 visible ASCII characters",
                    "type": "value_error",
                }
            ]
        )
    return key


def _corrected_data_checked(
    journeys: Journeys, clinic_id: str, journey_id: UUID, data: dict[str, Any]
) -> dict[str, Any]:
    """The correction's data, checked as part of a valid entry of its type (422 otherwise)
    and in the same normal form an append stores."""
    original = journeys.entry(clinic_id, journey_id, int(data["corrects_version"]))
    try:
        return checked_correction(original, data)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", "data", "data", *e["loc"])} for e in error.errors()]
        ) from None


@router.post(
    "/{journey_id}/events",
    operation_id="appendEvent",
    status_code=status.HTTP_201_CREATED,
    responses={
        201: {"description": "Recorded", "headers": ETAG},
        200: {
            "model": AppendPublic,
            "description": "Idempotent replay: the first answer",
            "headers": ETAG,
        },
        409: {
            "model": Problem,
            "description": "protocol_violation: a protocol rule refused the event (`rule`, "
            "and `blockers` for every other rule that would); correction_refused; "
            "write_conflict (retry); or journey_damaged. Nothing is stored.",
        },
        412: {"model": Problem, "description": "If-Match names a stale version"},
        **ERRORS,
    },
)
def append_event(
    journey_id: UUID,
    body: EventCreate,
    principal: ClinicSystem,
    services: ServicesDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header()] = None,
    if_match: Annotated[str | None, Header()] = None,
) -> AppendPublic:
    """Append one event; the journey's protocol rules decide whether it is recorded."""
    journeys = services.journeys
    data = payload_of(body.type, body.data)
    if body.type == "EntryCorrected":
        data = _corrected_data_checked(journeys, principal.clinic_id, journey_id, data)
    try:
        result = journeys.append(
            principal.clinic_id,
            journey_id,
            NewEntry(body.type, data),
            Posting(
                occurred_at=body.occurred_at.astimezone(UTC),
                recorded_at=journeys.clock(),
                recorded_by=Actor(body.recorded_by.id, body.recorded_by.role),
                source=principal.token_name,
                idempotency_key=_checked_key(idempotency_key),
            ),
            expected_version=_expected_version(if_match),
        )
    except RuleViolationError as refusal:
        notify_if_refused_dose(services, journey_id, body.type, refusal)  # a webhook notice
        raise
    if result.replayed:
        response.status_code = status.HTTP_200_OK
    response.headers["ETag"] = f'"{result.version}"'
    return append_public(result)
