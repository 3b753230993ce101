"""A clinic's own protocols: an admin publishes a version, the clinic's people read them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from application.clinic_protocols import (
    PublishedProtocol,
    clinic_protocols,
    publish_clinic_protocol,
)
from interface.http.clinic_access import Admin, ClinicId, ClinicPeople, own_clinic
from interface.http.deps import ServicesDep
from interface.http.schemas import Problem
from interface.http.schemas.clinic_protocols import (
    ClinicProtocolCreate,
    ClinicProtocolPublic,
    ClinicProtocolsPublic,
)

router = APIRouter(prefix="/v1/clinics", tags=["clinics"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem},
    403: {"model": Problem},
    404: {"model": Problem, "description": "not_found: another clinic than the token's."},
    503: {"model": Problem},
}
REFUSED: dict[int | str, dict[str, Any]] = {
    422: {
        "model": Problem,
        "description": "clinic_setting_invalid: the detail names the parameter (or name, "
        "base, changes) and the line it may not cross, e.g. `min_observation_minutes: "
        "must be between 60 and 240`. Nothing is published.",
    },
    409: {
        "model": Problem,
        "description": "write_conflict: the clinic kept changing under concurrent writes; retry.",
    },
}


def _public(published: PublishedProtocol) -> ClinicProtocolPublic:
    return ClinicProtocolPublic.model_validate(asdict(published))


@router.post(
    "/{clinic}/protocols",
    operation_id="publishClinicProtocol",
    status_code=201,
    responses={**ERRORS, **REFUSED},
)
def publish_protocol(
    clinic: ClinicId, body: ClinicProtocolCreate, principal: Admin, services: ServicesDep
) -> ClinicProtocolPublic:
    """Publish the next version of a clinic protocol, derived from a built-in profile."""
    own_clinic(principal, clinic)
    published = publish_clinic_protocol(
        services.clinics, clinic, body.name, body.base, body.changes, principal.token_name
    )
    return _public(published)


@router.get(
    "/{clinic}/protocols",
    operation_id="listClinicProtocols",
    responses={**ERRORS, 422: {"model": Problem}},
)
def list_protocols(
    clinic: ClinicId, principal: ClinicPeople, services: ServicesDep
) -> ClinicProtocolsPublic:
    """Every version of the clinic's protocols, oldest first, with its diff from its base."""
    own_clinic(principal, clinic)
    versions = clinic_protocols(services.clinics, clinic)
    return ClinicProtocolsPublic(clinic_id=clinic, protocols=[_public(v) for v in versions])
