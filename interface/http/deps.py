"""Request dependencies: the services, the caller's token and what its role may do."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from interface.auth.principal import Principal
from interface.auth.roles import Role
from interface.services import Services

access_log = logging.getLogger("kap.access")

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


def log_journey_read(principal: Principal, journey_id: object, what: str) -> None:
    """Every read of a journey is logged: who, which clinic, which journey, what. No PHI."""
    access_log.info(
        "read %s journey=%s clinic=%s token=%s role=%s",
        what,
        journey_id,
        principal.clinic_id,
        principal.token_name,
        principal.role,
    )
