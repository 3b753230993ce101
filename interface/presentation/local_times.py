"""The clinic's time zone for what the API and the pages answer, and instants in it.

Answers keep every UTC instant as it was and, for a clinic whose time zone is not UTC,
add its local rendering beside it (docs/local-time.md): ``time_zone`` once, and
``X_local``, the instant ``X`` with the clinic's offset then. A clinic in UTC reads
exactly as before: its instants already are its wall clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from domain.clinic_context import ClinicContext
from domain.local_time import is_utc
from interface.services import Services

LOCAL_SUFFIX = "_local"


def clinic_context(services: Services, clinic_id: str) -> ClinicContext:
    """The clinic as its readers see it: ``.time_zone`` (its IANA name) and ``.zone`` (an
    unregistered clinic reads UTC)."""
    return services.clinics.context(clinic_id)


def zone_shown(clinic: ClinicContext | None) -> str | None:
    """The ``time_zone`` an answer names: None (left out) for a clinic in UTC."""
    return None if clinic is None or is_utc(clinic.zone) else clinic.time_zone


def in_zone(moment: datetime | None, zone: tzinfo) -> datetime | None:
    """The same instant on the clinic's wall clock, with its offset; None (left out) for
    no instant, or a clinic in UTC."""
    return None if moment is None or is_utc(zone) else moment.astimezone(zone)


def with_local(values: Mapping[str, Any], fields: tuple[str, ...], zone: tzinfo) -> dict[str, Any]:
    """``values`` and, outside UTC, the ``<field>_local`` sibling of each instant field
    that has a value."""
    local = {f + LOCAL_SUFFIX: in_zone(values.get(f), zone) for f in fields}
    return {**values, **{key: moment for key, moment in local.items() if moment is not None}}


def with_local_throughout(value: Any, zone: tzinfo) -> Any:
    """``value`` with, in every mapping within it and outside UTC, an ``X_local`` beside
    each instant ``X`` (for answers built from nested records, such as the REMS form)."""
    if is_utc(zone):
        return value
    if isinstance(value, Mapping):
        found = {key: with_local_throughout(item, zone) for key, item in value.items()}
        found.update(
            {
                key + LOCAL_SUFFIX: item.astimezone(zone)
                for key, item in value.items()
                if isinstance(item, datetime)
            }
        )
        return found
    if isinstance(value, list):
        return [with_local_throughout(item, zone) for item in value]
    return value
