"""The journey page: where it stands, what blocks the next dose, sessions, outcomes and
every event."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from application.errors import JourneyDamagedError
from interface.presentation.journey_reads import log_journey_read
from interface.services import Services
from interface.web.auth import SignedIn
from interface.web.journey_view import data_lines, journey_view
from interface.web.render import WebRoute, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/journeys/{journey_id}")
def journey_page(request: Request, viewer: SignedIn, journey_id: UUID) -> HTMLResponse:
    services: Services = request.app.state.services
    principal = viewer.principal
    try:
        view = journey_view(services, principal.clinic_id, journey_id)
    except JourneyDamagedError:  # the clinic's own: another clinic's is not found
        return damaged_page(request, journey_id)
    log_journey_read(services, principal, journey_id, "status")
    log_journey_read(services, principal, journey_id, "history")
    return page(
        request,
        "journey.html",
        section="caseload",
        view=view,
        status=view.status,
        data_lines=data_lines,
    )


def damaged_page(request: Request, journey_id: UUID) -> HTMLResponse:
    """Stored entries no longer decrypt or fold (altered after recording): say so plainly,
    409 as over the API, and point to the verified history."""
    return page(request, "unreadable.html", 409, section="caseload", journey_id=journey_id)
