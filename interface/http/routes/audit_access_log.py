"""Who read which journey, when and why."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import Field

from interface.audit.access_log import AccessEntry
from interface.http.deps import Auditor, PurposeOfUse, ServicesDep
from interface.http.routes.journeys import ERRORS
from interface.http.schemas.answers import local_of, time_zone_field
from interface.http.schemas.common import MAX_ROW_ID, WireModel, WireTime
from interface.presentation.journey_reads import log_journey_read
from interface.presentation.local_times import clinic_context, in_zone, zone_shown

router = APIRouter(prefix="/v1/audit", tags=["audit"])


class AccessEntryPublic(WireModel):
    """One read: who, for which clinic, which journey, when, what and why."""

    id: int
    """The entry's id (pass as before_id to page back from it)."""
    at: datetime = Field(description="When, by the service's clock.")
    at_local: datetime | None = local_of("at")
    token_name: str
    """The name of the token that read."""
    role: str
    """Its role (staff, auditor...)."""
    clinic_id: str
    """The clinic read."""
    journey_id: UUID | None = Field(description="Null for a caseload read.")
    action: str = Field(description="status, caseload, history, replay, verify, export...")
    purpose: str = Field(description="The X-Purpose-Of-Use the reader gave (or its default).")


class AccessLogPublic(WireModel):
    """The clinic's access log, newest first."""

    time_zone: str | None = time_zone_field()
    entries: list[AccessEntryPublic]
    """The reads, newest first."""
    next_before_id: int | None = Field(
        description="Pass as before_id for the next (older) page; null on the last page."
    )


@router.get(
    "/access-log", operation_id="getAccessLog", responses=ERRORS, dependencies=[PurposeOfUse]
)
def access_log(
    principal: Auditor,
    services: ServicesDep,
    request: Request,
    journey: Annotated[UUID | None, Query(description="Only reads of this journey.")] = None,
    since: Annotated[WireTime | None, Query(description="Only reads at or after this.")] = None,
    before_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ROW_ID, description="Only entries older than this id (paging)."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AccessLogPublic:
    """Who read the clinic's journeys, newest first; reading it is logged too."""
    entries = services.access_log.entries(
        principal.clinic_id, journey_id=journey, since=since, before_id=before_id, limit=limit
    )
    log_journey_read(request, principal, journey, "access_log")
    clinic = clinic_context(services, principal.clinic_id)
    return AccessLogPublic(
        time_zone=zone_shown(clinic),
        entries=[_public(e, clinic.zone) for e in entries],
        next_before_id=entries[-1].id if len(entries) == limit else None,
    )


def _public(entry: AccessEntry, zone: tzinfo) -> AccessEntryPublic:
    return AccessEntryPublic(
        id=entry.id,
        at=entry.at,
        at_local=in_zone(entry.at, zone),
        token_name=entry.token_name,
        role=entry.role,
        clinic_id=entry.clinic_id,
        journey_id=entry.journey_id,
        action=entry.action,
        purpose=entry.purpose,
    )
