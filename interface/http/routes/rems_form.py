"""A dosed Spravato session's Patient Monitoring Form, filled from the record."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Request

from application.rems_form import session_rems_form
from domain.clinic_context import ClinicContext
from domain.rems_form import RemsForm
from interface.http.deps import PurposeOfUse, Reader, ServicesDep
from interface.http.routes.journeys import DAMAGED, ERRORS
from interface.http.schemas import Problem
from interface.http.schemas.rems_form import RemsFormPublic
from interface.presentation.journey_reads import log_journey_read
from interface.presentation.local_times import (
    clinic_context,
    with_local_throughout,
    zone_shown,
)

router = APIRouter(prefix="/v1/journeys", tags=["journeys"])

NO_FORM: dict[int | str, dict[str, Any]] = {
    404: {
        "model": Problem,
        "description": "journey_not_found, or rems_form_not_found: the session does not "
        "exist, was not dosed, or the journey's protocol is not under the Spravato REMS "
        "(the detail says which). A form exists only for a dosed Spravato session, so "
        "each is a resource that is not there (404), not a conflict.",
    }
}


@router.get(
    "/{journey_id}/sessions/{session}/rems-form",
    operation_id="getRemsForm",
    responses={**ERRORS, **DAMAGED, **NO_FORM},
    dependencies=[PurposeOfUse],
)
def rems_form(
    journey_id: UUID,
    session: Annotated[int, Path(ge=1, le=1000, description="The dosing session's number.")],
    principal: Reader,
    services: ServicesDep,
    request: Request,
) -> RemsFormPublic:
    """The session's Spravato Patient Monitoring Form, pre-filled; `missing` lists the rest."""
    form = session_rems_form(services.journeys, principal.clinic_id, journey_id, session)
    log_journey_read(request, principal, journey_id, "history")
    return rems_form_public(journey_id, form, clinic_context(services, principal.clinic_id))


def rems_form_public(
    journey_id: UUID, form: RemsForm, clinic: ClinicContext | None = None
) -> RemsFormPublic:
    """The form with, for a clinic outside UTC, each instant also on its wall clock."""
    values = with_local_throughout(asdict(form), clinic.zone) if clinic else asdict(form)
    return RemsFormPublic.model_validate(
        {"journey_id": journey_id, "time_zone": zone_shown(clinic), **values}
    )
