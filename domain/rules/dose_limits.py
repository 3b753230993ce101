"""How much ketamine a session may give (J-07): the weight the mg/kg limits read, the limits
themselves over the session's total, the escalation step from the previous session, and
how long an IV dose runs.

Every limit reads the journey's profile; a parameter a profile does not set (the
2026-11-01 versions) leaves that limit out, so older journeys keep their rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from domain.errors import RuleViolationError
from domain.journey_facts import JourneyFacts, administrations
from domain.protocols import ProtocolProfile

INJECTED_ROUTES = ("im", "iv")


def mg(amount: float) -> str:
    """An amount as staff read it, rounded down to 0.1 mg so that it stays within a limit."""
    return f"{math.floor(amount * 10 + 1e-9) / 10:g}"


def limit_weight(facts: JourneyFacts, data: Mapping[str, Any]) -> float:
    """The weight the mg/kg limits read. Under 2027-1 it is the patient's recorded weight
    (consultation or a later pre-dose check), so typing another weight on the dose cannot
    raise the limit; the dose's own weight must agree with it within the tolerance.
    Before 2027-1, the dose's own weight."""
    typed = float(data["weight_kg"])
    tolerance = facts.profile.weight_tolerance_pct
    if tolerance is None:
        return typed
    recorded = facts.recorded_weight()
    if recorded is None:
        raise RuleViolationError(
            "J-07",
            "No weight on record for the mg/kg limits: record weight_kg on the pre-dose "
            f"check of session {data['session']}.",
        )
    # Compared multiplied out, so that exactly the tolerance stays within it.
    if abs(typed - recorded) * 100 > tolerance * recorded:
        low = math.ceil(recorded * (100 - tolerance) / 10 - 1e-9) / 10
        high = math.floor(recorded * (100 + tolerance) / 10 + 1e-9) / 10
        raise RuleViolationError(
            "J-07",
            f"The dose names {typed:g} kg, more than {tolerance:g} % from the recorded "
            f"{recorded:g} kg: give weight_kg between {low:g} and {high:g} kg, or record "
            "the patient's new weight (weight_kg) on a pre-dose check.",
        )
    return recorded


def check_amount(
    profile: ProtocolProfile, route: str, dose_mg: float, given_mg: float, weight: float
) -> None:
    """The session's total (``given_mg`` before this administration, plus ``dose_mg``)
    stays within the route's mg/kg limit and the flat oral/sublingual cap."""
    total = given_mg + dose_mg
    injected = route in INJECTED_ROUTES
    per_kg = profile.max_mg_per_kg_injected if injected else profile.max_mg_per_kg_oral_sublingual
    limits: list[tuple[float, str]] = []
    if per_kg is not None:
        limits.append((per_kg * weight, f"{per_kg:g} mg/kg for {weight:g} kg"))
    if not injected and profile.max_mg_oral_sublingual is not None:
        limits.append((profile.max_mg_oral_sublingual, "the limit"))
    for limit, what in limits:
        if total > limit:
            so_far = f" (with {mg(given_mg)} mg given this session)" if given_mg else ""
            raise RuleViolationError(
                "J-07",
                f"{dose_mg:g} mg {route}{so_far} exceeds {what}: give at most "
                f"{mg(limit - given_mg)} mg.",
            )


def previous_session_total(facts: JourneyFacts, number: int, route: str) -> float | None:
    """What the latest earlier session given by ``route`` gave in all (dose and boosters).
    Another route's amounts do not compare (a route change is a new titration, which
    the mg/kg limits still bound)."""
    earlier = [
        s
        for s in facts.ordered_sessions()
        if s["session"] < number and s["dose"] is not None and s["dose"]["route"] == route
    ]
    if not earlier:
        return None
    return sum(given["dose_mg"] for given in administrations(earlier[-1]))


def check_escalation(
    facts: JourneyFacts, data: Mapping[str, Any], given_mg: float, overridden: bool
) -> None:
    """A session may give at most the profile's step (e.g. +50 %) more than the previous
    session by the same route, exactly the step included; beyond it, only with a
    prescriber's override (``overridden``: the dose carries a valid one)."""
    step = facts.profile.max_escalation_pct
    if step is None or overridden:
        return
    previous = previous_session_total(facts, int(data["session"]), str(data["route"]))
    total = given_mg + float(data["dose_mg"])
    if previous is not None and total * 100 > previous * (100 + step):
        raise RuleViolationError(
            "J-07",
            f"{total:g} mg this session is more than {step:g} % above the previous session's "
            f"{previous:g} mg (at most {mg(previous * (1 + step / 100))} mg): a larger step "
            "needs an override by a prescriber with a reason.",
        )


def check_infusion(profile: ProtocolProfile, data: Mapping[str, Any]) -> None:
    """An IV dose runs over at least the profile's minutes (a push is not an infusion)."""
    minimum = profile.min_infusion_minutes
    if minimum is None or data["route"] != "iv":
        return
    minutes = data.get("infusion_minutes")
    if minutes is None or minutes < minimum:
        given = "none recorded" if minutes is None else f"{minutes} min recorded"
        raise RuleViolationError(
            "J-07",
            f"An IV dose runs over at least {minimum} min ({given}): record "
            f"infusion_minutes of {minimum} or more.",
        )
