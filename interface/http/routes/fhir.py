"""FHIR R4 out: a journey as a Bundle, a clinic as Bulk Data NDJSON (docs/fhir.md)."""

from __future__ import annotations

import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from application.replay import NotYetOpenError
from interface.auth.roles import Role
from interface.fhir.bulk import export_clinic, zipped
from interface.fhir.bundle import FHIR_JSON, journey_bundle
from interface.fhir.journey_record import journey_record
from interface.http.deps import Auditor, PurposeOfUse, Reader, ServicesDep
from interface.http.problems import problem
from interface.http.routes.journeys import DAMAGED, ERRORS
from interface.http.schemas import Problem
from interface.http.schemas.common import WireTime
from interface.presentation.journey_reads import log_journey_read

router = APIRouter(tags=["fhir"])

BUNDLE_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A FHIR R4 Bundle of type collection (docs/fhir.md).",
        "content": {FHIR_JSON: {"schema": {"type": "object"}}},
    },
    403: {"model": Problem, "description": "Not staff or auditor; or as_of from staff."},
    404: {
        "model": Problem,
        "description": "Unknown journey (or another clinic's), or not yet open at as_of.",
    },
}
ZIP_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A zip of one NDJSON file per resource type and manifest.json.",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    "/v1/journeys/{journey_id}/fhir",
    operation_id="exportJourneyFhir",
    response_class=Response,
    responses={**ERRORS, **DAMAGED, **BUNDLE_ANSWER},
    dependencies=[PurposeOfUse],
)
def journey_fhir(
    journey_id: UUID,
    principal: Reader,
    services: ServicesDep,
    request: Request,
    as_of: Annotated[
        WireTime | None,
        Query(description="Auditors: the journey as recorded by then (ISO 8601, offset)."),
    ] = None,
) -> Response:
    """The journey as a FHIR R4 Bundle (collection), every resource with its Provenance."""
    if as_of is not None and principal.role != Role.AUDITOR:
        return problem(403, "forbidden", "Only an auditor may export a journey as it stood.")
    try:
        record = journey_record(services.journeys, principal.clinic_id, journey_id, as_of)
    except NotYetOpenError as error:
        return problem(404, "not_yet_open", str(error), "Not yet open")
    bundle = journey_bundle(record, services.journeys.clock(), f"{request.base_url}v1/fhir")
    log_journey_read(request, principal, journey_id, "export")
    return _json(bundle)


@router.get(
    "/v1/fhir/$export",
    operation_id="exportClinicFhir",
    response_class=Response,
    responses={**ERRORS, **ZIP_ANSWER},
    dependencies=[PurposeOfUse],
)
def clinic_fhir(principal: Auditor, services: ServicesDep, request: Request) -> Response:
    """The auditor's clinic as FHIR Bulk Data: one NDJSON file per resource type, zipped
    with its manifest, at once (each journey exported is logged as read)."""
    journeys = services.journeys
    export = export_clinic(
        journeys,
        principal.clinic_id,
        journeys.clock(),
        on_journey=lambda journey_id: log_journey_read(request, principal, journey_id, "export"),
    )
    return Response(
        zipped(export, str(request.url)),
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="fhir-export.zip"'},
    )


def _json(bundle: dict[str, Any]) -> Response:
    return Response(
        json.dumps(bundle, separators=(",", ":"), ensure_ascii=False),
        media_type=FHIR_JSON,
    )
