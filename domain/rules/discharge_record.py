"""What a discharge entry itself must record under 2027-1 (J-10): sedation, dissociation
and respiratory depression resolved where the profile asks (no override), SpO2 where the
REMS asks, and vitals within the discharge limits unless a prescriber overrides them
(the override is listed under C-10). Limits are inclusive: 160 and SpO2 94 pass."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.errors import RuleViolationError
from domain.protocols import ProtocolProfile
from domain.rules.discharge import listed, resolved_words
from domain.rules.dose import valid_override


def check_resolved(profile: ProtocolProfile, number: int, data: Mapping[str, Any]) -> None:
    """J-10: what the profile needs resolved is recorded true; no override."""
    unmet = []
    for what in profile.discharge_resolved_required:
        value = data.get(f"{what}_resolved")
        if value is not True:
            unmet.append(f"{what}_resolved is {'missing' if value is None else 'false'}")
    if unmet:
        words = listed(resolved_words(profile))
        raise RuleViolationError(
            "J-10",
            f"Discharge of session {number} needs {words} resolved ({'; '.join(unmet)}): "
            "record each as true once resolved; no override.",
        )


def _outside_limits(profile: ProtocolProfile, vitals: Mapping[str, Any]) -> list[str]:
    limits = (
        ("systolic", profile.discharge_max_systolic, "above"),
        ("diastolic", profile.discharge_max_diastolic, "above"),
        ("heart_rate", profile.discharge_max_heart_rate, "above"),
        ("spo2", profile.discharge_min_spo2, "below"),
    )
    outside = []
    for name, limit, side in limits:
        value = vitals.get(name)
        if limit is None or value is None:
            continue
        if (side == "above" and value > limit) or (side == "below" and value < limit):
            outside.append(f"{name} {value} {side} {limit}")
    return outside


def check_discharge_vitals(profile: ProtocolProfile, number: int, data: Mapping[str, Any]) -> None:
    """J-10: SpO2 measured where required; beyond the limits only with a prescriber's
    override with a reason (C-10 lists it)."""
    vitals = data["vitals"]
    if profile.discharge_spo2_required and vitals.get("spo2") is None:
        raise RuleViolationError(
            "J-10",
            f"Discharge vitals of session {number} need SpO2 under {profile.name} (pulse "
            "oximetry): add vitals.spo2.",
        )
    outside = _outside_limits(profile, vitals)
    if outside and not valid_override(data.get("override")):
        raise RuleViolationError(
            "J-10",
            f"Discharge vitals of session {number} are outside the limits "
            f"({', '.join(outside)}): repeat them once within the limits, or record a "
            "prescriber's override (role prescriber) with a reason.",
        )
