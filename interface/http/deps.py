"""Request dependencies: the services, the caller's token and what its role may do."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from interface.audit.access_log import (
    PURPOSE_OF_USE,
    InvalidPurposeError,
    access_log_for,
    checked_purpose,
)
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


PURPOSE_HEADER = "X-Purpose-Of-Use"


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


def log_journey_read(
    request_or_services: Request | Services,
    principal: Principal,
    journey_id: UUID | str | None,
    what: str,
) -> None:
    """Append one read to the access log (and the ``kap.access`` logger line). No PHI.

    Call it once the read has succeeded, before answering: a refused read (401, 403, 404)
    disclosed nothing. If the log cannot be written the request fails, so nothing is
    disclosed unlogged.

    - ``request_or_services``: the request, whose ``X-Purpose-Of-Use`` header gives the
      purpose (a malformed one is a 422 problem); or the Services when there is no
      request (the purpose is then the role's default: treatment for staff, audit for
      auditors).
    - ``journey_id``: the journey read; None for the caseload or a clinic-wide read.
    - ``what``: status, caseload, history, replay, verify, export, compliance or
      access_log (``interface.audit.access_log.ACTIONS``).
    """
    if isinstance(request_or_services, Request):
        services: Services = request_or_services.app.state.services
        given = request_or_services.headers.get(PURPOSE_HEADER)
    else:
        services, given = request_or_services, None
    try:
        purpose = checked_purpose(given, principal.role)
    except InvalidPurposeError as error:
        raise RequestValidationError(
            [{"loc": ("header", PURPOSE_HEADER), "msg": str(error), "type": "value_error"}]
        ) from None
    journey = None if journey_id is None else UUID(str(journey_id))
    access_log_for(services.engine, services.clock).record(principal, journey, what, purpose)
    access_log.info(
        "read %s journey=%s clinic=%s token=%s role=%s purpose=%s",
        what,
        journey,
        principal.clinic_id,
        principal.token_name,
        principal.role,
        purpose,
    )
