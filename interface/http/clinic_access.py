"""Who reaches a clinic's own resources (``/v1/clinics/{clinic}/...``).

An admin token manages its clinic; staff and auditor tokens read it. A token reaches its
own clinic only: any other is answered 404, as if it were not there.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path

from interface.auth.principal import Principal
from interface.auth.roles import Role
from interface.http.deps import allow
from interface.http.schemas import Problem

Admin = Annotated[Principal, Depends(allow(Role.ADMIN))]
ClinicAuditors = Annotated[Principal, Depends(allow(Role.ADMIN, Role.AUDITOR))]
ClinicPeople = Annotated[Principal, Depends(allow(Role.ADMIN, Role.STAFF, Role.AUDITOR))]
ClinicId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="The clinic's id, as its tokens carry it.",
    ),
]

CLINIC_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem},
    403: {"model": Problem},
    404: {
        "model": Problem,
        "description": "not_found: another clinic than the token's; or "
        "clinic_not_registered: the clinic has recorded no settings yet.",
    },
    503: {"model": Problem},
}


def own_clinic(principal: Principal, clinic: str) -> None:
    """A token reaches its own clinic only; another clinic is not there for it (404)."""
    if clinic != principal.clinic_id:
        raise HTTPException(404, f"No clinic {clinic!r} for this token.")
