"""A clinic's own protocols: an admin publishes a version, the clinic's people read them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path

from application.clinic_protocols import (
    PublishedProtocol,
    clinic_protocols,
    publish_clinic_protocol,
)
from interface.auth.principal import Principal
from interface.auth.roles import Role
from interface.http.deps import ServicesDep, allow
from interface.http.schemas import Problem
from interface.http.schemas.clinic_protocols import (
    ClinicProtocolCreate,
    ClinicProtocolPublic,
    ClinicProtocolsPublic,
)

router = APIRouter(prefix="/v1/clinics", tags=["clinics"])

Admin = Annotated[Principal, Depends(allow(Role.ADMIN))]
ClinicPeople = Annotated[Principal, Depends(allow(Role.ADMIN, Role.STAFF, Role.AUDITOR))]
ClinicId = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$", description="Clinic id.")
]

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem},
    403: {"model": Problem},
    404: {"model": Problem, "description": "Another clinic than the token's."},
    503: {"model": Problem},
}
REFUSED: dict[int | str, dict[str, Any]] = {
    422: {
        "model": Problem,
        "description": "clinic_setting_invalid: the detail names the parameter (or name, "
        "base, changes) and the line it may not cross, e.g. `min_observation_minutes: "
        "must be between 60 and 240`. Nothing is published.",
    },
}


def _own(principal: Principal, clinic: str) -> None:
    """A token reaches its own clinic only; another clinic is not there for it (404)."""
    if clinic != principal.clinic_id:
        raise HTTPException(404, f"No clinic {clinic!r} for this token.")


def _public(published: PublishedProtocol) -> ClinicProtocolPublic:
    return ClinicProtocolPublic.model_validate(asdict(published))


@router.post(
    "/{clinic}/protocols",
    status_code=201,
    responses={**ERRORS, **REFUSED},
)
def publish_protocol(
    clinic: ClinicId, body: ClinicProtocolCreate, principal: Admin, services: ServicesDep
) -> ClinicProtocolPublic:
    """Publish the next version of a clinic protocol, derived from a built-in profile."""
    _own(principal, clinic)
    published = publish_clinic_protocol(
        services.clinics, clinic, body.name, body.base, body.changes, principal.token_name
    )
    return _public(published)


@router.get("/{clinic}/protocols", responses={**ERRORS, 422: {"model": Problem}})
def list_protocols(
    clinic: ClinicId, principal: ClinicPeople, services: ServicesDep
) -> ClinicProtocolsPublic:
    """Every version of the clinic's protocols, oldest first, with its diff from its base."""
    _own(principal, clinic)
    versions = clinic_protocols(services.clinics, clinic)
    return ClinicProtocolsPublic(clinic_id=clinic, protocols=[_public(v) for v in versions])
