"""Checks of one dose or booster: readiness, staff present, route and amount, override
(J-04 to J-09)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.clinic_context import ClinicContext
from domain.errors import RuleViolationError
from domain.journey_facts import JourneyFacts
from domain.protocols import ProtocolProfile
from domain.rules.boosters import booster_blockers, check_booster, given_this_session
from domain.rules.common import refuse_first
from domain.rules.dose_limits import check_amount, check_escalation, check_infusion, limit_weight
from domain.rules.readiness import dose_blockers
from domain.rules.rems import certification_blockers
from domain.rules.schedule import check_spravato_amount
from domain.rules.sessions import dosing_target


def valid_override(override: Mapping[str, Any] | None) -> bool:
    return bool(
        override
        and override.get("by", {}).get("role") == "prescriber"
        and str(override.get("reason") or "").strip()
    )


def _check_session(facts: JourneyFacts, number: int) -> None:
    session = facts.session(number)
    if session and session["dose"] is not None:
        booster = (
            ": a further administration in it is a booster (booster true)"
            if facts.profile.max_boosters_per_session
            else ""
        )
        raise RuleViolationError("J-08", f"Session {number} already has a dose recorded{booster}.")
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


def _check_route_and_amount(facts: JourneyFacts, data: Mapping[str, Any]) -> None:
    profile = facts.profile
    route, dose_mg = data["route"], float(data["dose_mg"])
    if route not in profile.routes_allowed:
        allowed = ", ".join(profile.routes_allowed)
        raise RuleViolationError(
            "J-07", f"Route {route} is not allowed by {profile.name}: use {allowed}."
        )
    check_spravato_amount(facts, data)
    if profile.allowed_doses_mg is not None and dose_mg not in profile.allowed_doses_mg:
        allowed = ", ".join(f"{d:g}" for d in profile.allowed_doses_mg)
        raise RuleViolationError("J-07", f"Dose {dose_mg:g} mg is not allowed: use {allowed} mg.")
    check_infusion(profile, data)
    weight = limit_weight(facts, data)
    given = given_this_session(facts, data)
    check_amount(profile, route, dose_mg, given, weight)
    check_escalation(facts, data, given, valid_override(data.get("override")))


def check_dose(
    facts: JourneyFacts,
    data: Mapping[str, Any],
    at: datetime,
    clinic: ClinicContext | None = None,
) -> None:
    """Refuse the dose unless every rule is met. A booster (``booster: true``) meets the
    booster's rules and blockers (``domain.rules.boosters``) instead of the next dose's."""
    number = int(data["session"])
    booster = bool(data.get("booster"))
    if booster:
        check_booster(facts, data, at)
    else:
        _check_session(facts, number)
    override = data.get("override")
    if override is not None and not valid_override(override):
        raise RuleViolationError(
            "J-06", "An override must be given by a prescriber (role prescriber) with a reason."
        )
    pending = (
        certification_blockers(facts, clinic) + booster_blockers(facts)
        if booster
        else dose_blockers(facts, at, clinic)
    )
    refuse_first([b for b in pending if not (override and b.overridable)])
    _check_staff(facts.profile, data)
    _check_route_and_amount(facts, data)
