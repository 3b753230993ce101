"""A journey's hash chain checked."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from application.audit.verify import ChainVerifier
from application.errors import JourneyDamaged, JourneyNotFound
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
        services.journeys.ensure_readable(principal.clinic_id, journey_id)  # 404 unless ours
    except JourneyDamaged:
        pass  # altered so it no longer folds: the verification names what broke
    except JourneyNotFound:
        # Only a journey removed whole (the clinic's head at a checkpoint, no entry left)
        # is reported without an entry naming its clinic.
        if anchor is None or services.journeys.recorder.select_events(journey_id, limit=1):
            raise
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
