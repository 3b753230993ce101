"""When the next dose may be given, and which amount it may be (J-07 to J-09).

Spacing counts from what was given, never from what was planned: the minimum hours since
the last dose; a cap of doses in any 7 days (under Spravato 2027-1 the cap follows the
week of treatment counted from the first dose, as the label's induction and optimisation
phases do); and in maintenance the plan's interval less the profile's tolerance. A
refusal names the earliest moment all of them are met, so staff can book it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from domain.entries import stamp
from domain.errors import Blocker, RuleViolationError
from domain.journey_facts import JourneyFacts
from domain.rules.sessions import unfinished_session_blocker

WEEK = timedelta(days=7)
SPRAVATO_DEVICE_MG = 28.0
"""One nasal spray device: a dose is two or three of them, never one."""


def treatment_week(facts: JourneyFacts, at: datetime) -> int | None:
    """The week of treatment ``at`` falls in, week 1 being days 0-6 after the first dose."""
    doses = facts.doses()
    return (at - doses[0]["at"]) // WEEK + 1 if doses else None


def weekly_cap(facts: JourneyFacts, at: datetime) -> int | None:
    """How many doses any 7 days ending at ``at`` may hold; None where no cap applies
    (under 2026-11-01 the cap lapsed in maintenance)."""
    profile = facts.profile
    if facts.in_maintenance() and not profile.enforces("2027-1"):
        return None
    week = treatment_week(facts, at)
    table = profile.doses_per_7_days_from_week or []
    caps = [cap for from_week, cap in table if week is not None and from_week <= week]
    return caps[-1] if caps else profile.max_doses_per_7_days


def interval_earliest(facts: JourneyFacts) -> datetime | None:
    """In maintenance, the last dose plus the latest plan's interval less the tolerance."""
    tolerance = facts.profile.maintenance_interval_tolerance_days
    doses = facts.doses()
    if tolerance is None or not doses or not facts.in_maintenance():
        return None
    weeks = facts.plans[-1]["interval_weeks"]
    if not weeks:
        return None
    return doses[-1]["at"] + timedelta(weeks=weeks) - timedelta(days=tolerance)


def _doses_in_week_before(facts: JourneyFacts, at: datetime) -> list[datetime]:
    return sorted(d["at"] for d in facts.doses() if at - WEEK < d["at"] <= at)


def earliest_next_dose(facts: JourneyFacts, at: datetime) -> datetime:
    """The first moment from ``at`` on when the gap, the interval and the cap all allow a
    dose (the cap may tighten as the weeks pass, so it is met step by step)."""
    doses = facts.doses()
    if not doses:
        return at
    gap = timedelta(hours=facts.profile.min_hours_between_doses)
    floors = [at, doses[-1]["at"] + gap]
    interval = interval_earliest(facts)
    if interval is not None:
        floors.append(interval)
    moment = max(floors)
    # Each step moves past one dose of the window, so there are at most as many steps as
    # doses; the bound keeps a malformed cap (0) from ever looping.
    for _ in range(len(doses)):
        cap = weekly_cap(facts, moment)
        window = _doses_in_week_before(facts, moment)
        if cap is None or cap < 1 or len(window) < cap:
            break
        moment = window[-cap] + WEEK
    return moment


def _timing_blockers(facts: JourneyFacts, at: datetime) -> list[str]:
    """What of the spacing a dose at ``at`` breaks, each saying when it would not."""
    profile = facts.profile
    last = facts.doses()[-1]["at"]
    possible = f"the next dose is possible from {stamp(earliest_next_dose(facts, at))}."
    found = []
    if at < last + timedelta(hours=profile.min_hours_between_doses):
        found.append(
            f"At least {profile.min_hours_between_doses:g} h must pass between doses: {possible}"
        )
    cap = weekly_cap(facts, at)
    window = _doses_in_week_before(facts, at)
    if cap is not None and len(window) >= cap:
        week = treatment_week(facts, at)
        phase = f" in week {week} from the first dose" if profile.doses_per_7_days_from_week else ""
        noun = "dose" if len(window) == 1 else "doses"
        found.append(f"{len(window)} {noun} in the last 7 days (at most {cap}){phase}: {possible}")
    interval = interval_earliest(facts)
    if interval is not None and at < interval:
        weeks = facts.plans[-1]["interval_weeks"]
        found.append(
            f"The maintenance plan spaces doses {weeks} weeks apart (less "
            f"{profile.maintenance_interval_tolerance_days:g} days' tolerance): {possible}"
        )
    return found


def _schedule_blockers(facts: JourneyFacts, at: datetime) -> list[Blocker]:
    """The session order (J-08), the plan's count (J-09) and the spacing (J-07)."""
    found = []
    unfinished = unfinished_session_blocker(facts)
    if unfinished:
        found.append(Blocker("J-08", unfinished))
    given = len(facts.doses())
    if given >= facts.doses_allowed():
        found.append(
            Blocker(
                "J-09",
                f"{given} doses given, the {facts.doses_allowed()} planned are done: "
                "record TreatmentPlanUpdated for further sessions.",
            )
        )
    if given:
        found += [Blocker("J-07", text) for text in _timing_blockers(facts, at)]
    return found


def check_spravato_amount(facts: JourneyFacts, data: Mapping[str, Any]) -> None:
    """J-07 under a profile naming a first dose (Spravato 2027-1): the label's 56 mg on
    day 1, then 56 or 84 mg. 28 mg is one device, a dose left half given."""
    profile = facts.profile
    first = profile.first_dose_mg
    if first is None:
        return
    dose_mg = float(data["dose_mg"])
    is_first = not facts.doses()
    allowed = [first] if is_first else (profile.allowed_doses_mg or [])
    use = _either(allowed)
    if dose_mg == SPRAVATO_DEVICE_MG and dose_mg not in allowed:
        raise RuleViolationError(
            "J-07", f"28 mg is one device, not a dose: give {use} mg ({profile.name})."
        )
    if is_first and dose_mg != first:
        raise RuleViolationError(
            "J-07",
            f"The first dose under {profile.name} is {first:g} mg, not {dose_mg:g} mg: "
            f"give {first:g} mg; later doses may be {_either(profile.allowed_doses_mg)} mg.",
        )


def _either(amounts: list[float] | None) -> str:
    return " or ".join(f"{mg:g}" for mg in amounts or [])
