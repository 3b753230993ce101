"""Batch import: many events over many of the clinic's journeys in one request."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from application.batch_import import BatchImport
from interface.http.batch_items import corrected_data, counts_of, import_item, item_public
from interface.http.deps import ClinicSystem, ServicesDep
from interface.http.problems import problem
from interface.http.routes.journeys import ERRORS
from interface.http.schemas.batch import BatchCreate, BatchPublic
from interface.metrics.appends import count_batch
from interface.webhooks.refusals import notify_if_refused_dose

PATH = "/v1/journeys/events:batch"

router = APIRouter(tags=["events"])


@router.post(
    PATH,
    operation_id="importEvents",
    response_model=BatchPublic,
    responses={
        413: {"description": "The body is over KAP_MAX_BATCH_BODY_BYTES (8 MiB by default)"},
        **ERRORS,
    },
)
def import_events(
    body: BatchCreate, principal: ClinicSystem, services: ServicesDep, request: Request
) -> JSONResponse:
    """Append up to 1,000 events, in order per journey; one answer per event, in order."""
    items = [import_item(index, raw) for index, raw in enumerate(body.events)]
    results = BatchImport(services.journeys, corrected_data).import_chunk(
        principal.clinic_id, principal.token_name, items
    )
    count_batch(results)
    for result in results:
        if result.refusal is not None:  # a refused dose is a webhook notice
            item = items[result.index]
            entry_type = item.entry.type if item.entry is not None else None
            notify_if_refused_dose(services, item.journey_id, entry_type, result.refusal)
    return JSONResponse(
        {
            "results": [item_public(result, request.app) for result in results],
            "counts": counts_of(results),
        }
    )


@router.api_route(PATH, methods=["GET", "PUT", "PATCH", "DELETE"], include_in_schema=False)
def batch_is_post_only() -> JSONResponse:
    """The batch path takes POST alone. Without this it read as a journey id: GET was a
    422 about a malformed UUID, and a 405 offered GET."""
    answer = problem(405, "method_not_allowed", "Method Not Allowed")
    answer.headers["Allow"] = "POST"
    return answer
