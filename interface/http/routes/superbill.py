"""A journey's superbill: the statement a patient sends their insurer (docs/superbill.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response

from application.superbill import journey_superbill
from domain.billing import BillingNotReadyError, BillingPeriodError
from interface.auth.principal import Principal
from interface.auth.roles import Role
from interface.http.deps import PurposeOfUse, ServicesDep, allow
from interface.http.problems import problem
from interface.http.routes.journeys import DAMAGED, ERRORS
from interface.http.schemas import Problem
from interface.http.schemas.superbill import SuperbillPublic
from interface.presentation.journey_reads import log_journey_read
from interface.presentation.superbill_pdf import superbill_pdf
from interface.presentation.superbill_view import superbill_document

router = APIRouter(prefix="/v1/journeys", tags=["journeys"])

Staff = Annotated[Principal, Depends(allow(Role.STAFF))]
PDF = "application/pdf"

ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON by default; the PDF with `?format=pdf`, or with "
        "`Accept: application/pdf` when no format is given.",
        "content": {PDF: {"schema": {"type": "string", "format": "binary"}}},
    },
    422: {
        "model": Problem,
        "description": "billing_not_ready: `missing` names each clinic setting (display_name, "
        "address.line1, billing_npi, tax_id...) or fee (fees.90837) a claim needs; or "
        "invalid_request: a bad `from`, `to` or `format`, or `from` after `to`.",
    },
}


@router.get(
    "/{journey_id}/superbill",
    operation_id="getSuperbill",
    response_model=SuperbillPublic,
    responses={**ERRORS, **DAMAGED, **ANSWERS},
    dependencies=[PurposeOfUse],
)
def superbill(
    journey_id: UUID,
    principal: Staff,
    services: ServicesDep,
    request: Request,
    period_from: Annotated[
        date | None, Query(alias="from", description="First local date of service.")
    ] = None,
    period_to: Annotated[
        date | None, Query(alias="to", description="Last local date of service.")
    ] = None,
    answer_format: Annotated[
        Literal["json", "pdf"] | None, Query(alias="format", description="json or pdf.")
    ] = None,
) -> Any:
    """The journey's superbill for out-of-network reimbursement, as JSON or PDF (staff)."""
    try:
        bill = journey_superbill(
            services.journeys,
            services.clinics,
            principal.clinic_id,
            journey_id,
            period_from,
            period_to,
        )
    except BillingNotReadyError as error:
        return problem(422, "billing_not_ready", str(error), missing=error.missing)
    except BillingPeriodError as error:
        return problem(422, "invalid_request", f"query.from: {error}")
    log_journey_read(request, principal, journey_id, "superbill")
    document = superbill_document(journey_id, bill)
    if _wants_pdf(answer_format, request):
        return Response(superbill_pdf(document), media_type=PDF)
    return SuperbillPublic.model_validate(document)


def _wants_pdf(answer_format: str | None, request: Request) -> bool:
    if answer_format is not None:
        return answer_format == "pdf"
    return PDF in request.headers.get("accept", "")
