"""A journey as it stood at any past moment or version."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import Field

from application.replay import (
    InvalidReplayPointError,
    NotYetOpenError,
    Replay,
    ReplayPoint,
    VersionNotRecordedError,
    replay,
)
from interface.http.deps import Auditor, PurposeOfUse, ServicesDep
from interface.http.presenters import journey_public
from interface.http.problems import problem
from interface.http.routes.journeys import DAMAGED, ERRORS
from interface.http.schemas import JourneyPublic, Problem
from interface.http.schemas.answers import local_of, time_zone_field
from interface.http.schemas.common import WireModel, WireTime
from interface.presentation.journey_reads import log_journey_read
from interface.presentation.local_times import in_zone, zone_shown

router = APIRouter(prefix="/v1/journeys", tags=["audit"])


class ReplayPublic(WireModel):
    """The status as it stood, with the point asked for echoed back."""

    as_of: datetime | None = Field(description="Recording time asked for, if any.")
    version: int | None = Field(description="Version asked for, if any.")
    occurred_as_of: datetime | None = Field(description="Clinical time asked for, if any.")
    evaluated_at: datetime = Field(
        description="The moment time-based flags and blockers were judged at: the time "
        "asked for, or for a version, when that version was recorded."
    )
    time_zone: str | None = time_zone_field()
    as_of_local: datetime | None = local_of("as_of")
    occurred_as_of_local: datetime | None = local_of("occurred_as_of")
    evaluated_at_local: datetime | None = local_of("evaluated_at")
    status: JourneyPublic = Field(
        description="The journey as it stood; its version is the last one in this view."
    )


@router.get(
    "/{journey_id}/replay",
    operation_id="replayJourney",
    response_model=ReplayPublic,
    responses={
        **ERRORS,
        **DAMAGED,
        404: {"model": Problem, "description": "Unknown journey, or not yet open then"},
    },
    dependencies=[PurposeOfUse],
)
def replay_journey(
    journey_id: UUID,
    principal: Auditor,
    services: ServicesDep,
    request: Request,
    as_of: Annotated[
        WireTime | None,
        Query(description="Recording time: what the service knew then (ISO 8601, offset)."),
    ] = None,
    version: Annotated[
        int | None, Query(ge=1, le=10**9, description="The journey just after this entry.")
    ] = None,
    occurred_as_of: Annotated[
        WireTime | None,
        Query(
            description="Clinical time: only entries (and corrections) that occurred by "
            "then, as known now."
        ),
    ] = None,
) -> ReplayPublic | JSONResponse:
    """The journey's status as it stood then: exactly one of as_of, version, occurred_as_of."""
    try:
        point = ReplayPoint(as_of=as_of, version=version, occurred_as_of=occurred_as_of)
    except InvalidReplayPointError as error:
        raise RequestValidationError(
            [{"loc": ("query",), "msg": str(error), "type": "value_error"}]
        ) from None
    try:
        replayed = replay(services.journeys, principal.clinic_id, journey_id, point)
    except NotYetOpenError as error:
        return problem(404, "not_yet_open", str(error), "Not yet open")
    except VersionNotRecordedError as error:
        return problem(404, "version_not_recorded", str(error), "No such version")
    log_journey_read(request, principal, journey_id, "replay")
    return replay_public(replayed)


def replay_public(replayed: Replay) -> ReplayPublic:
    point, clinic = replayed.point, replayed.clinic
    zone = clinic.zone if clinic else UTC
    return ReplayPublic(
        as_of=point.as_of,
        version=point.version,
        occurred_as_of=point.occurred_as_of,
        evaluated_at=replayed.evaluated_at,
        time_zone=zone_shown(clinic),
        as_of_local=in_zone(point.as_of, zone),
        occurred_as_of_local=in_zone(point.occurred_as_of, zone),
        evaluated_at_local=in_zone(replayed.evaluated_at, zone),
        status=journey_public(replayed.status, clinic),
    )
