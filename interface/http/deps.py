"""Request dependencies: the services, the caller's token and what its role may do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from interface.audit.access_log import PURPOSE_OF_USE
from interface.auth.principal import Principal
from interface.auth.roles import Role
from interface.presentation.journey_reads import PURPOSE_HEADER
from interface.services import Services

bearer = HTTPBearer(auto_error=False, description="A token from `kap-journeys tokens create`.")


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_principal(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "Send a bearer token: Authorization: Bearer <token>.")
    principal = services.tokens.authenticate(credentials.credentials)
    if principal is None:
        raise HTTPException(401, "The token is unknown or revoked.")
    return principal


def allow(*roles: Role) -> Callable[[Principal], Principal]:
    names = ", ".join(roles)

    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role not in roles:
            raise HTTPException(403, f"Role {principal.role} may not do this; it needs {names}.")
        return principal

    return check


ClinicSystem = Annotated[Principal, Depends(allow(Role.CLINIC_SYSTEM))]
Reader = Annotated[Principal, Depends(allow(Role.STAFF, Role.AUDITOR))]
Auditor = Annotated[Principal, Depends(allow(Role.AUDITOR))]


def purpose_header(
    purpose: Annotated[
        str | None,
        Header(
            alias=PURPOSE_HEADER,
            pattern=PURPOSE_OF_USE.pattern,
            description="Why the journey is read (1-40 of a-z and _); "
            "by default treatment for staff, audit for auditors.",
        ),
    ] = None,
) -> str | None:
    return purpose


PurposeOfUse = Depends(purpose_header)
"""Add to a read route's ``dependencies``: documents the header, refuses a bad one early."""
