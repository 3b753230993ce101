"""The caseload page: counts per stage, the journeys needing attention first, filters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from interface.presentation.journey_reads import log_journey_read
from interface.readmodels.caseload import CaseloadQuery, InvalidCursorError
from interface.services import Services
from interface.web import labels
from interface.web.auth import SignedIn
from interface.web.bars import Part, stacked_bar
from interface.web.render import WebRoute, page
from interface.web.summary import clinic_summary

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SORTS = {"attention": "Needs attention first", "recent": "Latest activity", "patient": "Patient"}
PAGE_SIZE = 50
REFRESH_SECONDS = 30


def _choice(value: str | None, allowed: Any) -> str | None:
    return value if value in allowed else None


def _text(value: str | None, longest: int) -> str | None:
    value = (value or "").strip()
    return value[:longest] or None


@router.get("/")
def caseload_page(
    request: Request,
    viewer: SignedIn,
    stage: str | None = None,
    flag: str | None = None,
    clinician: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    cursor: str | None = None,
) -> HTMLResponse:
    services: Services = request.app.state.services
    clinic = viewer.principal.clinic_id
    now = services.clock()
    query = CaseloadQuery(
        clinic_id=clinic,
        now=now,
        stage=_choice(stage, labels.STAGES),
        flag=_choice(flag, labels.FLAGS),
        clinician=_text(clinician, 200),
        q=_text(q, 64),
        sort=_choice(sort, SORTS) or "attention",  # type: ignore[arg-type]
        limit=PAGE_SIZE,
        cursor=_text(cursor, 500),
    )
    try:
        listed = services.caseloads.page(query)
    except InvalidCursorError:
        listed = services.caseloads.page(CaseloadQuery(**{**query.__dict__, "cursor": None}))
    summary = clinic_summary(services, clinic, now)
    log_journey_read(services, viewer.principal, None, "caseload")
    store_position = services.journeys.log_position()
    parts = [Part(s, labels.words(s), summary.stages.get(s, 0)) for s in labels.STAGES]
    filters = {
        "stage": query.stage or "",
        "flag": query.flag or "",
        "clinician": query.clinician or "",
        "q": query.q or "",
        "sort": query.sort,
    }
    return page(
        request,
        "caseload.html",
        section="caseload",
        now=now,
        rows=listed.journeys,
        next_cursor=listed.next_cursor,
        summary=summary,
        parts=parts,
        bar=stacked_bar(parts, f"{summary.total} journeys by stage"),
        filters=filters,
        filtered=any(filters[k] for k in ("stage", "flag", "clinician", "q")),
        sorts=SORTS,
        lag=max(store_position - listed.read_model_position, 0),
        refresh_seconds=REFRESH_SECONDS,
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    )
