"""A journey's hash chain checked."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import MapperDeserialisationError
from fastapi import APIRouter, Request

from application.audit.verify import ChainVerifier
from application.errors import JourneyNotFound
from interface.audit.anchors import anchor_for
from interface.http.deps import Auditor, ServicesDep, log_journey_read
from interface.http.routes.journeys import ERRORS
from interface.http.schemas.audit import ChainProblemPublic, VerificationPublic

router = APIRouter(prefix="/v1/journeys", tags=["audit"])


@router.get("/{journey_id}/verify", responses=ERRORS)
def verify_journey(
    journey_id: UUID, principal: Auditor, services: ServicesDep, request: Request
) -> VerificationPublic:
    """Check every stored entry of the journey: sealed as written, chained, none missing."""
    anchor = anchor_for(services, principal.clinic_id, journey_id)
    try:
        services.journeys.status(principal.clinic_id, journey_id)  # 404 unless the clinic's
    except JourneyNotFound:
        # Only a journey removed whole (checkpointed, no entry left) is reported without
        # its clinic known: any entry left names the clinic, and another's stays hidden.
        if anchor is None or services.journeys.recorder.select_events(journey_id, limit=1):
            raise
    except MapperDeserialisationError:
        # Its first entry no longer decrypts, so the clinic is taken from the caseload.
        if services.caseloads.clinic_of(journey_id) != principal.clinic_id:
            raise JourneyNotFound(journey_id) from None
    result = ChainVerifier(services.journeys).verify(journey_id, anchor)
    log_journey_read(request, principal, journey_id, "verify")
    return VerificationPublic(
        journey_id=result.journey_id,
        ok=result.ok,
        events_checked=result.events_checked,
        problems=[
            ChainProblemPublic(version=p.version, kind=p.kind, detail=p.detail)
            for p in result.problems
        ],
    )
