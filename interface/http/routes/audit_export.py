"""A journey's evidence bundle, for an auditor to check offline."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response

from interface.audit.bundle import build_bundle
from interface.http.deps import Auditor, PurposeOfUse, ServicesDep, log_journey_read
from interface.http.routes.journeys import ERRORS

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get(
    "/export",
    responses={200: {"content": {"application/zip": {}}}, **ERRORS},
    response_class=Response,
    dependencies=[PurposeOfUse],
)
def export_journey(
    journey: UUID, principal: Auditor, services: ServicesDep, request: Request
) -> Response:
    """The journey's evidence bundle (.zip): entries, seals, proofs, signed checkpoints."""
    services.journeys.status(principal.clinic_id, journey)  # 404 unless the clinic's
    bundle = build_bundle(services, [journey], {"clinic_id": principal.clinic_id})
    log_journey_read(request, principal, journey, "export")
    return Response(
        bundle,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="journey-{journey}.zip"'},
    )
