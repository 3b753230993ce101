"""Observation and discharge under 2027-1 (J-10): what the session still needs before the
patient may go home, and what staff read while they watch.

The same blockers refuse an early discharge and fill the status during observation, so
what staff read is what the service enforces. Observation counts from the session's last
administration (a KAP booster restarts it). The monitoring reading's window is inclusive
at both ends: with [30, 50], readings taken 30 and 50 min after the administration count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.clinic_context import ClinicContext
from domain.entries import stamp
from domain.errors import Blocker
from domain.fact_records import SessionFact, VitalsFact
from domain.journey_facts import JourneyFacts, last_administered_at
from domain.protocols import ProtocolProfile
from domain.rules.readiness import dose_blockers
from domain.rules.sessions import session_state, unfinished_session_blocker


def listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def resolved_words(profile: ProtocolProfile) -> list[str]:
    """sedation, dissociation, respiratory depression: what the profile needs resolved."""
    return [what.replace("_", " ") for what in profile.discharge_resolved_required]


def observed_from(session: SessionFact) -> datetime:
    """The session's last administration: observation counts from it."""
    given = last_administered_at(session)
    if given is None:
        raise ValueError(f"Session {session['session']} has no administration.")
    return given


def discharge_possible_from(profile: ProtocolProfile, session: SessionFact) -> datetime:
    return observed_from(session) + timedelta(minutes=profile.min_observation_minutes)


def _observation_blocker(profile: ProtocolProfile, session: SessionFact, at: datetime) -> Blocker:
    """J-10: too early; a prescriber may override only where the profile allows it."""
    watched = (at - observed_from(session)).total_seconds() / 60
    minimum, n = profile.min_observation_minutes, session["session"]
    since = "the last administration" if session["boosters"] else "the dose"
    opening = (
        f"Only {max(watched, 0):.0f} min observed since {since} of session {n}: discharge "
        f"needs at least {minimum} min, so not before "
        f"{stamp(discharge_possible_from(profile, session))}"
    )
    if profile.observation_override_allowed:
        return Blocker(
            "J-10", f"{opening} (or a prescriber's override with a reason).", overridable=True
        )
    source = "REMS" if profile.has_rems else "protocol's"
    return Blocker(
        "J-10", f"{opening}; the {source} minimum cannot be overridden, not even by a prescriber."
    )


def reading_window(profile: ProtocolProfile, session: SessionFact) -> tuple[datetime, datetime]:
    """When the in-session monitoring reading is taken (both ends count)."""
    start, end = profile.monitoring_reading_minutes or (0, 0)
    given = observed_from(session)
    return given + timedelta(minutes=start), given + timedelta(minutes=end)


def _reading_name(profile: ProtocolProfile) -> str:
    start, end = profile.monitoring_reading_minutes or (0, 0)
    return f"{(start + end) // 2}-minute reading"


def _readings_between(session: SessionFact, start: datetime, end: datetime) -> list[VitalsFact]:
    return [v for v in session["vitals"] if start <= v["at"] <= end]


def missing_reading(profile: ProtocolProfile, session: SessionFact, at: datetime) -> str | None:
    """What in-session monitoring the profile needs and the session lacks by ``at``."""
    n = session["session"]
    if profile.session_vitals_required == "monitoring_window":
        start, end = reading_window(profile, session)
        if _readings_between(session, start, end):
            return None
        minutes = int((end - start).total_seconds() // 60)
        return (
            f"Record the {_reading_name(profile)} of session {n} from {stamp(start)}, "
            f"within {minutes} minutes."
        )
    if profile.session_vitals_required == "any":
        dose = session["dose"]
        if dose is None or _readings_between(session, dose["at"], at):
            return None
        return f"Record a vitals reading of session {n} (VitalsRecorded) before discharge."
    return None


def discharge_blockers(facts: JourneyFacts, session: SessionFact, at: datetime) -> list[Blocker]:
    """J-10: what keeps a dosed session from discharge at ``at``, before any discharge data."""
    profile = facts.profile
    found = []
    if at < discharge_possible_from(profile, session):
        found.append(_observation_blocker(profile, session, at))
    reading = missing_reading(profile, session, at)
    if reading is not None:
        n = session["session"]
        found.append(
            Blocker("J-10", f"Discharge of session {n} needs its in-session monitoring. {reading}")
        )
    return found


def blockers_now(
    facts: JourneyFacts, now: datetime, clinic: ClinicContext | None = None
) -> list[Blocker]:
    """The status's blockers. Under 2027-1, while a session is observed, the next dose's
    timing and plan (J-07, J-09) are not the step at hand: the list stops at the unfinished
    session (J-08) and adds what keeps it from discharge (J-10). What comes before J-08
    (holds, pause, consent, enrollment, reconciliation) stays, so a dose tried now is
    still refused by a blocker listed here."""
    found = dose_blockers(facts, now, clinic)
    last = facts.last_session()
    if last is None or session_state(facts, last) != "dosed":
        return found
    if not facts.profile.enforces("2027-1"):
        return found
    unfinished = unfinished_session_blocker(facts)
    kept = next((i + 1 for i, b in enumerate(found) if b.text == unfinished), len(found))
    return found[:kept] + discharge_blockers(facts, last, now)


def observation_step(
    facts: JourneyFacts, session: SessionFact, now: datetime
) -> tuple[str, str] | None:
    """The next step while a dosed session is observed (code, text), or None for the
    default "discharge after N min" (2026-11-01)."""
    profile = facts.profile
    if not profile.enforces("2027-1"):
        return None
    reading = missing_reading(profile, session, now)
    if reading is not None:
        return "record_vitals", reading
    n, start = session["session"], discharge_possible_from(profile, session)
    text = f"Discharge session {n} from {stamp(start)}"
    resolved = resolved_words(profile)
    if resolved:
        verb = "has" if len(resolved) == 1 else "have"
        text += f" once {listed(resolved)} {verb} resolved"
    return "discharge", f"{text}."
