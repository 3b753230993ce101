"""A journey's hash chain checked."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from application.audit.verify import ChainProblem, ChainVerifier
from application.audit.verify_access import ensure_may_verify
from interface.audit.anchors import anchor_for
from interface.http.deps import Auditor, ServicesDep
from interface.http.routes.journeys import ERRORS
from interface.http.schemas.audit import ChainProblemPublic, VerificationPublic, is_problem_kind
from interface.presentation.journey_reads import log_journey_read

router = APIRouter(prefix="/v1/journeys", tags=["audit"])


@router.get("/{journey_id}/verify", operation_id="verifyJourney", responses=ERRORS)
def verify_journey(
    journey_id: UUID, principal: Auditor, services: ServicesDep, request: Request
) -> VerificationPublic:
    """Check every stored entry of the journey: sealed as written, chained, none missing."""
    anchor = anchor_for(services, principal.clinic_id, journey_id)
    ensure_may_verify(services.journeys, principal.clinic_id, journey_id, anchor)  # else 404
    result = ChainVerifier(services.journeys).verify(journey_id, anchor)
    log_journey_read(request, principal, journey_id, "verify")
    return VerificationPublic(
        journey_id=result.journey_id,
        ok=result.ok,
        events_checked=result.events_checked,
        problems=[_problem_public(p) for p in result.problems],
    )


def _problem_public(problem: ChainProblem) -> ChainProblemPublic:
    if not is_problem_kind(problem.kind):  # the wire model would refuse it all the same
        raise ValueError(f"the verifier found a kind the wire does not name: {problem.kind}")
    return ChainProblemPublic(version=problem.version, kind=problem.kind, detail=problem.detail)
