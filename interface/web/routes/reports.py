"""The auditor's clinic-wide pages: the compliance report (and its CSV) and the access log."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from domain.compliance import RULES
from interface.audit.compliance_csv import findings_csv
from interface.presentation.compliance_report import ComplianceReport, build_compliance_report
from interface.presentation.journey_reads import log_journey_read
from interface.presentation.page_headers import secured
from interface.services import Services
from interface.web.auth import AuditorOnly, Viewer
from interface.web.bars import Part, bar_rows
from interface.web.render import WebRoute, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)

ACCESS_PAGE = 100


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


def _report(
    services: Services, viewer: Viewer, rule: str | None, journey: UUID | None
) -> ComplianceReport:
    report = build_compliance_report(
        services, viewer.principal.clinic_id, rule=rule, journey_id=journey
    )
    log_journey_read(services, viewer.principal, None, "compliance")
    return report


@router.get("/audit/compliance")
def compliance_page(
    request: Request, viewer: AuditorOnly, rule: str | None = None, journey: str | None = None
) -> HTMLResponse:
    services: Services = request.app.state.services
    rule = rule if rule in RULES else None
    journey_id = _uuid(journey)
    report = _report(services, viewer, rule, journey_id)
    return page(
        request,
        "compliance.html",
        section="compliance",
        now=report.as_of,
        findings=report.findings,
        counts=report.counts,
        bars=bar_rows([Part(r, r, n) for r, n in report.counts.items()], "Findings per rule"),
        rules=RULES,
        rule=rule or "",
        journey=str(journey_id or ""),
        lag=report.lag,
    )


@router.get("/audit/compliance.csv")
def compliance_csv(
    request: Request, viewer: AuditorOnly, rule: str | None = None, journey: str | None = None
) -> Response:
    services: Services = request.app.state.services
    report = _report(services, viewer, rule if rule in RULES else None, _uuid(journey))
    name = f"compliance-{viewer.principal.clinic_id}-{report.as_of:%Y%m%dT%H%M%SZ}.csv"
    # The CLI's ``audit compliance --format csv`` writes the same bytes.
    answer = Response(
        findings_csv(report.findings, report.zone), media_type="text/csv; charset=utf-8"
    )
    answer.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return secured(answer)


@router.get("/audit/access-log")
def access_log_page(
    request: Request,
    viewer: AuditorOnly,
    journey: str | None = None,
    before_id: int | None = None,
) -> HTMLResponse:
    services: Services = request.app.state.services
    journey_id = _uuid(journey)
    entries = services.access_log.entries(
        viewer.principal.clinic_id,
        journey_id=journey_id,
        before_id=before_id if before_id and before_id > 0 else None,
        limit=ACCESS_PAGE,
    )
    log_journey_read(services, viewer.principal, journey_id, "access_log")
    return page(
        request,
        "access_log.html",
        section="access_log",
        entries=entries,
        journey=str(journey_id or ""),
        older=entries[-1].id if len(entries) == ACCESS_PAGE else None,
    )
