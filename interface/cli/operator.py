"""Reads made at the command line are logged like any other: by the operator account."""

from __future__ import annotations

import getpass
from uuid import UUID

from interface.audit.access_log import OTHER_PURPOSE
from interface.auth.principal import Principal
from interface.auth.roles import Role
from interface.services import Services

ALL_CLINICS = "*"


def operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def log_operator_read(
    services: Services, clinic_id: str | None, journey_id: UUID | None, what: str
) -> None:
    """Append an operator's read to the access log (clinic ``*`` for a store-wide one).

    A read of one journey is logged under its clinic, found from the store when the
    caller does not know it, so that clinic's auditors see the operator's read too."""
    if clinic_id is None and journey_id is not None:
        clinic_id = services.journeys.clinic_of_stored(journey_id)
    principal = Principal(operator(), Role.ADMIN, clinic_id or ALL_CLINICS)
    services.access_log.record(principal, journey_id, what, OTHER_PURPOSE)
