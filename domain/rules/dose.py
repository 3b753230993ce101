"""Checks of one dose: readiness, staff present, route and amount, override (J-04 to J-09)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.errors import Blocker, RuleViolationError
from domain.journey_facts import JourneyFacts
from domain.protocols import ProtocolProfile
from domain.rules.common import refuse_first
from domain.rules.readiness import dose_blockers
from domain.rules.sessions import dosing_target

INJECTED_ROUTES = ("im", "iv")


def valid_override(override: Mapping[str, Any] | None) -> bool:
    return bool(
        override
        and override.get("by", {}).get("role") == "prescriber"
        and str(override.get("reason") or "").strip()
    )


def _check_session(facts: JourneyFacts, number: int) -> None:
    session = facts.session(number)
    if session and session["dose"] is not None:
        raise RuleViolationError("J-08", f"Session {number} already has a dose recorded.")
    target = dosing_target(facts)
    if number != target:
        raise RuleViolationError(
            "J-08", f"A dose now belongs to session {target}; this one names session {number}."
        )


def _check_staff(profile: ProtocolProfile, data: Mapping[str, Any]) -> None:
    if profile.required_staff == "therapist_present" and not data.get("therapist_present"):
        raise RuleViolationError(
            "J-05", "A therapist must be in the room for the whole dose: name therapist_present."
        )
    if profile.required_staff == "prescriber_on_site" and not data.get("prescriber_on_site"):
        raise RuleViolationError(
            "J-05", "A prescriber must be on site during dosing: name prescriber_on_site."
        )


def _check_route_and_amount(profile: ProtocolProfile, data: Mapping[str, Any]) -> None:
    route, dose_mg, weight = data["route"], float(data["dose_mg"]), float(data["weight_kg"])
    if route not in profile.routes_allowed:
        allowed = ", ".join(profile.routes_allowed)
        raise RuleViolationError(
            "J-07", f"Route {route} is not allowed by {profile.name}: use {allowed}."
        )
    if profile.allowed_doses_mg is not None and dose_mg not in profile.allowed_doses_mg:
        allowed = ", ".join(f"{d:g}" for d in profile.allowed_doses_mg)
        raise RuleViolationError("J-07", f"Dose {dose_mg:g} mg is not allowed: use {allowed} mg.")
    if route in INJECTED_ROUTES and profile.max_mg_per_kg_injected is not None:
        limit = profile.max_mg_per_kg_injected * weight
        if dose_mg > limit:
            raise RuleViolationError(
                "J-07",
                f"{dose_mg:g} mg {route} exceeds {profile.max_mg_per_kg_injected:g} mg/kg "
                f"for {weight:g} kg: give at most {limit:.1f} mg.",
            )
    oral_limit = profile.max_mg_oral_sublingual
    if route not in INJECTED_ROUTES and oral_limit is not None and dose_mg > oral_limit:
        raise RuleViolationError(
            "J-07",
            f"{dose_mg:g} mg {route} exceeds the limit: give at most "
            f"{profile.max_mg_oral_sublingual:g} mg.",
        )


def check_dose(facts: JourneyFacts, data: Mapping[str, Any], at: datetime) -> None:
    """Refuse the dose unless every rule is met."""
    number = int(data["session"])
    _check_session(facts, number)
    override = data.get("override")
    if override is not None and not valid_override(override):
        raise RuleViolationError(
            "J-06", "An override must be given by a prescriber (role prescriber) with a reason."
        )
    blockers: list[Blocker] = [
        b for b in dose_blockers(facts, at) if not (override and b.overridable)
    ]
    refuse_first(blockers)
    _check_staff(facts.profile, data)
    _check_route_and_amount(facts.profile, data)
