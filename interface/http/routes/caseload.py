"""The caseload: every journey of the clinic, filtered, sorted by what needs attention."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from domain.local_time import localized
from interface.http.deps import PurposeOfUse, Reader, ServicesDep
from interface.http.read_your_writes import wait_for_position
from interface.http.routes.journeys import ERRORS
from interface.http.schemas.answers import NextStepPublic
from interface.http.schemas.caseload import CaseloadJourneyPublic, CaseloadPublic
from interface.http.schemas.common import MAX_POSITION, Flag, Stage
from interface.presentation.journey_reads import log_journey_read
from interface.presentation.local_times import clinic_context, in_zone, zone_shown
from interface.readmodels.caseload import CaseloadQuery

router = APIRouter(prefix="/v1/journeys", tags=["caseload"])


@router.get("", operation_id="getCaseload", responses=ERRORS, dependencies=[PurposeOfUse])
def caseload(
    principal: Reader,
    services: ServicesDep,
    request: Request,
    stage: Stage | None = None,
    flag: Flag | None = None,
    clinician: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=64, description="Patient reference prefix")] = None,
    sort: Literal["attention", "recent", "patient"] = "attention",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    after_position: Annotated[
        int | None,
        Query(ge=0, le=MAX_POSITION, description="Wait (at most 2 s) until reads include it."),
    ] = None,
) -> CaseloadPublic:
    """The clinic's journeys; what needs attention first (safety holds, duties due)."""
    caseloads = services.caseloads
    wait_for_position(caseloads.position, after_position)
    page = caseloads.page(
        CaseloadQuery(
            clinic_id=principal.clinic_id,
            now=services.clock(),
            stage=stage,
            flag=flag,
            clinician=clinician,
            q=q,
            sort=sort,
            limit=limit,
            cursor=cursor,
        )
    )
    log_journey_read(request, principal, None, "caseload")
    clinic = clinic_context(services, principal.clinic_id)
    # Rows keep their sentences in UTC: read in the clinic's zone as it stands now.
    return CaseloadPublic(
        journeys=[
            CaseloadJourneyPublic(
                **{k: row[k] for k in CaseloadJourneyPublic.model_fields if k in row},
                last_event_at_local=in_zone(row["last_event_at"], clinic.zone),
                next_step=NextStepPublic(
                    code=row["next_step_code"],
                    text=localized(row["next_step_text"], clinic.zone),
                ),
            )
            for row in page.journeys
        ],
        time_zone=zone_shown(clinic),
        next_cursor=page.next_cursor,
        read_model_position=page.read_model_position,
        store_position=services.journeys.log_position(),
    )
