"""Rendering pages: the templates (autoescaped), under the pages' security headers
(``interface.presentation.page_headers``), and the one place that turns a page's errors
into pages (sign in, 403, 404, 503) rather than JSON."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import UTC
from pathlib import Path
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import Response

from application.errors import JourneyNotFoundError
from domain.clinic_context import ClinicContext
from domain.local_time import clinic_time
from interface.presentation.local_times import clinic_context, zone_shown
from interface.presentation.page_headers import secured
from interface.readmodels.caseload import ReadModelNotReadyError
from interface.storage.unavailable import UNAVAILABLE
from interface.web import labels
from interface.web.auth import SESSION_COOKIE, RoleRefusedError, SignInRequiredError, Viewer

log = logging.getLogger("kap.web")

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

templates = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters.update(
    words=labels.words,
    local=labels.local,
    when=labels.when,
    to_the_second=labels.to_the_second,
    iso=labels.iso,
    vitals=labels.vitals,
)
templates.globals.update(
    STAGES=labels.STAGES,
    FLAGS=labels.FLAGS,
    URGENT_FLAGS=labels.URGENT_FLAGS,
    SESSION_STATES=labels.SESSION_STATES,
    dose=labels.dose,
    ago=labels.ago,
)


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The template rendered for the viewer (if signed in), with the pages' headers, its
    moments in the viewer's clinic's time zone."""
    context.setdefault("viewer", getattr(request.state, "viewer", None))
    context.setdefault("section", "")
    context.setdefault("now", request.app.state.services.clock())
    context["path"] = request.url.path
    clinic = _clinic_of(request, context["viewer"], status_code)
    context["time_zone"] = zone_shown(clinic)
    with clinic_time(clinic.zone if clinic else UTC):
        html = templates.get_template(template).render(**context)
    answer = HTMLResponse(html, status_code=status_code)
    secured(answer)
    return answer


def _clinic_of(request: Request, viewer: Viewer | None, status_code: int) -> ClinicContext | None:
    """The viewer's clinic, for its time zone; none for an error page (which names no
    moment, and must render while the database that holds the clinic is down)."""
    if viewer is None or status_code >= 400:
        return None
    return clinic_context(request.app.state.services, viewer.principal.clinic_id)


def see_other(location: str) -> RedirectResponse:
    answer = RedirectResponse(location, status_code=303)
    secured(answer)
    return answer


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return page(request, "error.html", status, title=title, detail=detail)


def _answer_for(request: Request, error: Exception) -> Response:
    if isinstance(error, SignInRequiredError):
        answer: Response = see_other(error.location())
        if error.expired:
            answer.delete_cookie(SESSION_COOKIE, path="/")
        return answer
    if isinstance(error, RoleRefusedError):
        return error_page(request, 403, "Not for your role", str(error))
    if isinstance(error, JourneyNotFoundError):
        return error_page(
            request, 404, "Journey not found", "No journey of your clinic has that address."
        )
    if isinstance(error, RequestValidationError):
        return error_page(request, 404, "Not found", "This dashboard has no page at that address.")
    if isinstance(error, ReadModelNotReadyError):
        answer = error_page(request, 503, "Being built", f"{error} This page reloads itself.")
        answer.headers["Retry-After"] = "5"
        answer.headers["Refresh"] = "5"
        return answer
    log.warning("database unavailable on a page: %s", type(error).__name__)
    return error_page(
        request, 503, "Database unavailable", "The database is not answering; retry shortly."
    )


HANDLED = (
    SignInRequiredError,
    RoleRefusedError,
    JourneyNotFoundError,
    RequestValidationError,
    ReadModelNotReadyError,
    *UNAVAILABLE,
)


class WebRoute(APIRoute):
    """A page route: its errors (its dependencies' too) are answered as pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except HANDLED as error:
                return _answer_for(request, error)

        return guarded
