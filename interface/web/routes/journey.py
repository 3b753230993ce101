"""The journey page: where it stands, what blocks the next dose, sessions, outcomes and
every event."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import MapperDeserialisationError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from application.errors import JourneyNotFound
from interface.http.deps import log_journey_read
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
    except MapperDeserialisationError:
        return unreadable_page(request, services, principal.clinic_id, journey_id)
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


def unreadable_page(
    request: Request, services: Services, clinic_id: str, journey_id: UUID
) -> HTMLResponse:
    """A stored entry no longer decrypts: say so, to the journey's own clinic only."""
    if services.caseloads.clinic_of(journey_id) != clinic_id:
        raise JourneyNotFound(journey_id)
    return page(request, "unreadable.html", 500, section="caseload", journey_id=journey_id)
