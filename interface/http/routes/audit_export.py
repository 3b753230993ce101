"""A journey's evidence bundle, for an auditor to check offline."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response

from application.errors import JourneyDamagedError
from application.journeys import UNREADABLE
from interface.audit.bundle import build_bundle
from interface.http.deps import Auditor, PurposeOfUse, ServicesDep
from interface.http.routes.journeys import DAMAGED, ERRORS
from interface.presentation.journey_reads import log_journey_read

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get(
    "/export",
    operation_id="exportJourneyEvidence",
    responses={200: {"content": {"application/zip": {}}}, **ERRORS, **DAMAGED},
    response_class=Response,
    dependencies=[PurposeOfUse],
)
def export_journey(
    journey: UUID, principal: Auditor, services: ServicesDep, request: Request
) -> Response:
    """The journey's evidence bundle (.zip): entries, seals, proofs, and the signed
    checkpoints the auditor's clinic may see (those that recorded one of its journeys,
    as ``GET /v1/audit/checkpoints`` lists them) plus the one signed for the export,
    each proven consistent with the one before it in the bundle.

    A journey altered after recording is exported as stored, so the bundle's check
    fails where it was altered (a log altered under its signed checkpoints is proven
    against the last one signed, and fails there); one with an entry that no longer
    decrypts answers 409 ``journey_damaged`` (its verification names the entry).
    """
    try:
        services.journeys.ensure_readable(principal.clinic_id, journey)  # 404 unless ours
    except JourneyDamagedError:
        damaged = True  # exported as stored: the bundle's check names what was altered
    else:
        damaged = False
    try:
        bundle = build_bundle(services, [journey], {"clinic_id": principal.clinic_id})
    except UNREADABLE:
        if not damaged:
            raise
        # An entry no longer decrypts, so no plaintext bundle can hold it: the verify
        # route names which one.
        raise JourneyDamagedError(journey) from None
    log_journey_read(request, principal, journey, "export")
    return Response(
        bundle,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="journey-{journey}.zip"'},
    )
