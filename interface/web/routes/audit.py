"""The auditor's pages of one journey: its history verified, and replay as of a moment."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from application.errors import JourneyDamagedError
from application.replay import (
    InvalidReplayPointError,
    NotYetOpenError,
    ReplayPoint,
    VersionNotRecordedError,
    replay,
)
from domain.journey import Journey
from interface.presentation.journey_reads import log_journey_read
from interface.presentation.local_times import clinic_context, zone_shown
from interface.presentation.moments import check_in_utc_range
from interface.services import Services
from interface.web.auth import AuditorOnly
from interface.web.ledger import journey_ledger
from interface.web.render import WebRoute, page
from interface.web.routes.journey import damaged_page
from interface.web.track import stage_track

router = APIRouter(route_class=WebRoute, include_in_schema=False)

VIEWS = {
    "recorded": "as recorded: what the service knew then",
    "occurred": "as occurred: what we now know happened by then",
}


@router.get("/journeys/{journey_id}/audit")
def history_page(request: Request, viewer: AuditorOnly, journey_id: UUID) -> HTMLResponse:
    services: Services = request.app.state.services
    ledger = journey_ledger(services, viewer.principal.clinic_id, journey_id)
    log_journey_read(services, viewer.principal, journey_id, "history")
    log_journey_read(services, viewer.principal, journey_id, "verify")
    return page(request, "audit_history.html", journey_id=journey_id, ledger=ledger)


def parse_moment(value: str, zone: tzinfo = UTC) -> datetime:
    """A ``datetime-local`` value (no offset: read on the clinic's wall clock, ``zone``)
    or an ISO time with one. A wall time the clocks skip reads with the offset before
    the change; one they repeat, as its first occurrence."""
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    moment = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
    check_in_utc_range(moment)
    return moment


def _point(
    at: str | None, view: str | None, version: str | None, time_zone: str | None = None
) -> ReplayPoint | str | None:
    """The point asked for, None if none was, or why it cannot be read."""
    try:
        if version and version.strip():
            return ReplayPoint(version=int(version))
        if at and at.strip():
            moment = parse_moment(at, ZoneInfo(time_zone) if time_zone else UTC)
            if view == "occurred":
                return ReplayPoint(occurred_as_of=moment)
            return ReplayPoint(as_of=moment)
    except (ValueError, InvalidReplayPointError):
        return f"Give a moment as date and time ({time_zone or 'UTC'}), or a version number from 1."
    return None


@router.get("/journeys/{journey_id}/replay")
def replay_page(
    request: Request,
    viewer: AuditorOnly,
    journey_id: UUID,
    at: str | None = None,
    view: str | None = None,
    version: str | None = None,
) -> HTMLResponse:
    services: Services = request.app.state.services
    clinic = viewer.principal.clinic_id
    point = _point(at, view, version, zone_shown(clinic_context(services, clinic)))
    context = {
        "journey_id": journey_id,
        "views": VIEWS,
        "form": {"at": (at or "").strip(), "view": view or "recorded", "version": version or ""},
        "replayed": None,
        "track": [],
        "message": point if isinstance(point, str) else "",
    }
    status = 200 if not isinstance(point, str) else 422
    try:
        if isinstance(point, ReplayPoint):
            try:
                replayed = replay(services.journeys, clinic, journey_id, point)
            except (NotYetOpenError, VersionNotRecordedError) as error:
                context["message"], status = str(error), 404
            else:
                log_journey_read(services, viewer.principal, journey_id, "replay")
                context["replayed"] = replayed
                length = _series_length(services, journey_id)
                context["track"] = stage_track(replayed.status, length)
        else:
            services.journeys.ensure_readable(clinic, journey_id)  # not found unless the clinic's
    except JourneyDamagedError:
        return damaged_page(request, journey_id)
    return page(request, "replay.html", status, **context)


def _series_length(services: Services, journey_id: UUID) -> int:
    """The series length of the protocol the journey was opened under."""
    opened: Journey = services.journeys.repository.get(journey_id, version=1)
    return int(opened.facts.profile.series_length)
