"""Every read of a journey, by the API or a page, goes into the access log: one function
for both, so the pages log a read exactly as the API does."""

from __future__ import annotations

import logging
from uuid import UUID

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from interface.audit.access_log import InvalidPurposeError, checked_purpose
from interface.auth.principal import Principal
from interface.services import Services

access_log = logging.getLogger("kap.access")

PURPOSE_HEADER = "X-Purpose-Of-Use"


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
    - ``what``: status, caseload, history, replay, verify, export, compliance,
      access_log or superbill (``interface.audit.access_log.ACTIONS``).
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
    services.access_log.record(principal, journey, what, purpose)
    access_log.info(
        "read %s journey=%s clinic=%s token=%s role=%s purpose=%s",
        what,
        journey,
        principal.clinic_id,
        principal.token_name,
        principal.role,
        purpose,
    )
