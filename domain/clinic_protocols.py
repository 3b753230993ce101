"""A clinic's own protocol: a built-in profile's current version with parameter changes,
each within the safety envelope (``domain.protocol_envelope``), published as a version
that never changes (issue 11).

Names: a lowercase slug (``denver-kap``) that is not a built-in's name, so a journey
opened under ``kap-standard`` always means the built-in. A name keeps the base it was
first published from. Versions: ``<clinic>-<n>``, n counting that name's versions in the
clinic from 1, so a (name, version) names one set of rules in every clinic. The profile
records where it came from in ``extra`` (clinic, base, base_version): a journey's
opening event then shows what its protocol derives from, and the diff is computed
against exactly that built-in version.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from domain.errors import ClinicSettingError
from domain.protocol_envelope import ENVELOPES
from domain.protocol_limits import check_changes
from domain.protocols import BUILT_IN_PROFILES, SUPERSEDED_PROFILES, ProtocolProfile

NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
NAME_MAX = 48
PROVENANCE = ("clinic", "base", "base_version")
"""What ``extra`` holds of a clinic protocol."""


@dataclass(frozen=True)
class ClinicProtocol:
    """A version ready to publish: the whole profile and the changes that made it."""

    profile: ProtocolProfile
    base: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class ParameterChange:
    parameter: str
    base_value: Any
    clinic_value: Any


def checked_name(name: Any) -> str:
    if not isinstance(name, str) or len(name) > NAME_MAX or not NAME.fullmatch(name):
        raise ClinicSettingError(
            "name",
            f"must be a lowercase slug of at most {NAME_MAX} characters (a-z, 0-9 and "
            "single hyphens, starting with a letter), such as denver-kap.",
        )
    if name in BUILT_IN_PROFILES:
        raise ClinicSettingError(
            "name", f"{name} is a built-in protocol: give the clinic's version its own name."
        )
    return name


def base_profile(base: Any) -> ProtocolProfile:
    """The current version of the built-in a clinic protocol derives from."""
    if base not in ENVELOPES or base not in BUILT_IN_PROFILES:
        known = ", ".join(sorted(ENVELOPES))
        raise ClinicSettingError("base", f"must be a built-in protocol: one of {known}.")
    return BUILT_IN_PROFILES[base]


def next_version(clinic_id: str, published: Sequence[Mapping[str, Any]], name: str) -> str:
    count = sum(1 for p in published if p["name"] == name)
    return f"{clinic_id}-{count + 1}"


def derive_clinic_protocol(
    clinic_id: str,
    published: Sequence[Mapping[str, Any]],
    name: Any,
    base: Any,
    changes: Any,
) -> ClinicProtocol:
    """The next version of ``name`` in the clinic (``published``: its versions so far),
    or ClinicSettingError naming the first parameter outside the envelope."""
    name = checked_name(name)
    built_in = base_profile(base)
    earlier = next((p["base"] for p in published if p["name"] == name), base)
    if earlier != base:
        raise ClinicSettingError(
            "base", f"{name} derives from {earlier}: a protocol keeps its base; name this one anew."
        )
    if not isinstance(changes, Mapping) or not all(isinstance(k, str) for k in changes):
        raise ClinicSettingError("changes", "must map parameter names to values.")
    current = built_in.as_dict()
    checked = check_changes(ENVELOPES[base], current, changes)
    _check_together({**current, **checked})
    kept = {k: v for k, v in checked.items() if v != current[k]}
    provenance = dict(zip(PROVENANCE, (clinic_id, base, built_in.version), strict=True))
    profile = replace(
        built_in,
        name=name,
        version=next_version(clinic_id, published, name),
        extra=provenance,
        **checked,
    )
    return ClinicProtocol(profile, base, kept)


def _check_together(values: Mapping[str, Any]) -> None:
    """What no single limit can say: the first dose stays one of the allowed doses."""
    first, allowed = values["first_dose_mg"], values["allowed_doses_mg"]
    if first is not None and allowed is not None and first not in allowed:
        raise ClinicSettingError(
            "allowed_doses_mg",
            f"must include the first dose, {first:g} mg (day 1 is {first:g} mg).",
        )


def _built_in_version(name: str, version: str) -> ProtocolProfile | None:
    every = (*BUILT_IN_PROFILES.values(), *SUPERSEDED_PROFILES)
    return next((p for p in every if p.name == name and p.version == version), None)


def protocol_diff(profile: ProtocolProfile) -> list[ParameterChange]:
    """Each parameter where a clinic protocol differs from the built-in version it was
    derived from, in the profile's order; empty for a built-in."""
    origin = profile.extra
    base = _built_in_version(str(origin.get("base")), str(origin.get("base_version")))
    if base is None:
        return []
    ours, theirs = profile.as_dict(), base.as_dict()
    return [
        ParameterChange(f.name, theirs[f.name], ours[f.name])
        for f in fields(ProtocolProfile)
        if f.name not in ("name", "version", "extra") and ours[f.name] != theirs[f.name]
    ]
