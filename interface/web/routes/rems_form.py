"""A Spravato session's Patient Monitoring Form as a page: what the API's rems-form route
answers, for staff and auditors signed in to the dashboard (the journey page links it)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from application.errors import JourneyDamagedError
from application.rems_form import RemsFormNotFoundError, session_rems_form
from interface.presentation.journey_reads import log_journey_read
from interface.services import Services
from interface.web.auth import SignedIn
from interface.web.render import WebRoute, error_page, page
from interface.web.routes.journey import damaged_page

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/journeys/{journey_id}/sessions/{session}/rems-form")
def rems_form_page(
    request: Request, viewer: SignedIn, journey_id: UUID, session: int
) -> HTMLResponse:
    services: Services = request.app.state.services
    principal = viewer.principal
    try:
        form = session_rems_form(services.journeys, principal.clinic_id, journey_id, session)
    except JourneyDamagedError:
        return damaged_page(request, journey_id)
    except RemsFormNotFoundError as error:
        return error_page(request, 404, "No monitoring form", str(error))
    log_journey_read(services, principal, journey_id, "history")
    return page(request, "rems_form.html", section="caseload", form=form, journey_id=journey_id)
