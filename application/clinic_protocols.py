"""A clinic's own protocols: publish the next version of one, list every version with
its diff from its base. The HTTP API and the CLI both come here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from application.clinics import (
    WRITE_ATTEMPTS,
    ClinicConflictError,
    ClinicNotRegisteredError,
    Clinics,
)
from domain.clinic_protocols import ParameterChange, derive_clinic_protocol, protocol_diff
from domain.errors import ClinicSettingError
from domain.protocol_profile import ProtocolProfile


@dataclass(frozen=True)
class PublishedProtocol:
    name: str
    version: str
    base: str
    base_version: str
    published_at: datetime
    published_by: str
    diff: list[ParameterChange]
    profile: dict[str, Any]


def _published(clinics: Clinics, clinic_id: str) -> list[dict[str, Any]]:
    try:
        return list(clinics.clinic(clinic_id).protocols)
    except ClinicNotRegisteredError:
        return []


def _public(published: dict[str, Any]) -> PublishedProtocol:
    profile = ProtocolProfile.from_dict(published["profile"])
    return PublishedProtocol(
        name=published["name"],
        version=published["version"],
        base=published["base"],
        base_version=str(profile.extra.get("base_version", "")),
        published_at=published["published_at"],
        published_by=published["published_by"],
        diff=protocol_diff(profile),
        profile=profile.as_dict(),
    )


def clinic_protocols(clinics: Clinics, clinic_id: str) -> list[PublishedProtocol]:
    """Every version the clinic published, oldest first (none before its first change)."""
    return [_public(p) for p in _published(clinics, clinic_id)]


def publish_clinic_protocol(
    clinics: Clinics, clinic_id: str, name: Any, base: Any, changes: Any, by: str
) -> PublishedProtocol:
    """The next version of ``name``, checked against the safety envelope and published
    (ClinicSettingError naming the first parameter that leaves it; nothing stored).

    Two admins publishing the same name at once would number the same version: the clinic
    refuses the second (versions never change), which is then numbered again."""
    for _ in range(WRITE_ATTEMPTS):
        published = _published(clinics, clinic_id)
        derived = derive_clinic_protocol(clinic_id, published, name, base, changes)
        try:
            clinic = clinics.publish_protocol(
                clinic_id, derived.profile, derived.base, derived.changes, by
            )
        except ClinicSettingError as error:
            if error.field != "version":
                raise
            continue
        return _public(clinic.protocols[-1])
    raise ClinicConflictError(f"Clinic {clinic_id} kept publishing {name}; retry the request.")
