"""In-session boosters (kap-standard 2027-1): a further ``KetamineAdministered`` in the
session already dosed, marked ``booster: true``.

A booster belongs to the session of its first dose, so the next-dose rules do not apply
to it: no new pre-dose check (the session's check was valid for its first dose) and no
schedule gap (J-07 hours between doses, doses per 7 days, the J-08 "already has a dose").
What can change during a session still applies: a safety hold (an adverse event during
it), a pause, an ineligible screening (J-12, J-13) and withdrawn consent (J-04).
The amount is bounded by the session's total in ``domain.rules.dose_limits``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.errors import Blocker, RuleViolationError
from domain.journey_facts import JourneyFacts, administrations
from domain.local_time import stamp_to_the_second
from domain.rules.readiness import _journey_blockers


def check_booster(facts: JourneyFacts, data: Mapping[str, Any], at: datetime) -> None:
    """A booster follows its session's first dose, before discharge, by the same route,
    up to the profile's count per session (none where the profile sets none)."""
    profile = facts.profile
    number = int(data["session"])
    allowed = profile.max_boosters_per_session
    if allowed == 0:
        raise RuleViolationError(
            "J-07",
            f"{profile.name} {profile.version} allows no boosters: a further dose is the "
            "next session's, recorded without booster.",
        )
    session = facts.session(number)
    first = session["dose"] if session is not None else None
    if session is None or first is None:
        raise RuleViolationError(
            "J-08",
            f"Session {number} has no dose yet: a booster follows the session's first dose; "
            "record that dose without booster first.",
        )
    if session["discharge"] is not None:
        raise RuleViolationError(
            "J-08",
            f"Session {number} is discharged: a booster is given before discharge; a further "
            "dose is the next session's.",
        )
    given = administrations(session)
    last = given[-1]["at"]
    if at <= last:
        raise RuleViolationError(
            "J-08",
            f"A booster follows the session's last administration "
            f"({stamp_to_the_second(last)}): give it after that time.",
        )
    boosters = len(given) - 1
    if boosters >= allowed:
        raise RuleViolationError(
            "J-07",
            f"Session {number} already has {boosters} booster(s), the most {profile.name} "
            f"allows ({allowed}): no further administration in this session.",
        )
    if data["route"] != first["route"]:
        raise RuleViolationError(
            "J-07",
            f"A booster uses its session's route ({first['route']}), not {data['route']}: "
            f"give it {first['route']}.",
        )


def booster_blockers(facts: JourneyFacts) -> list[Blocker]:
    """Of the dose's blockers, those a booster meets too: holds, pause, ineligibility and
    consent. Not the pre-dose check's validity nor the schedule: same session."""
    found = _journey_blockers(facts)
    if not facts.consent_active:
        found.append(
            Blocker("J-04", "No active consent: no further administration; record ConsentSigned.")
        )
    return found


def given_this_session(facts: JourneyFacts, data: Mapping[str, Any]) -> float:
    """What the session has given before this administration (nothing before its first
    dose, which is all a non-booster may be)."""
    session = facts.session(int(data["session"]))
    return sum(given["dose_mg"] for given in administrations(session)) if session else 0.0
