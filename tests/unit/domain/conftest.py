"""Builders and fixtures for the Journey aggregate's unit tests.

Every test tells a clinic's story with ``tests.story`` steps, posts them through the
aggregate's commands and reads the result from ``journey.facts`` and ``journey_status``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import pytest

from domain.entries import Actor, Entry, Posting
from domain.errors import CorrectionRefusedError, RuleViolationError
from domain.identity import journey_id_for
from domain.journey import Journey, command_for
from domain.protocols import KAP_STANDARD, SPRAVATO_REMS, ProtocolProfile
from domain.status import JourneyStatus, journey_status
from tests.story import ROLE_FOR, START, Step, data, in_session_vitals, intake, step

RECORDING_DELAY = timedelta(minutes=1)
JOURNEY_ID = journey_id_for(bytes(32), "clinic-1", "MRN-0042", 1)
FIRST_DOSE = START + timedelta(days=5, hours=1)
"""Intake ends on day 4; the first dose is given the next morning at 10:00."""

CHECK_BEFORE_DOSE = timedelta(minutes=20)
OBSERVATION = {"kap-standard": timedelta(minutes=75), "spravato-rems": timedelta(minutes=130)}


@pytest.fixture(params=[KAP_STANDARD, SPRAVATO_REMS], ids=["kap", "spravato"])
def profile(request: pytest.FixtureRequest) -> ProtocolProfile:
    """Each protocol profile in turn."""
    return request.param


# --- journeys and postings -------------------------------------------------------------


def open_journey(profile: ProtocolProfile = KAP_STANDARD, at: datetime = START) -> Journey:
    return Journey.open(
        journey_id=JOURNEY_ID,
        clinic_id="clinic-1",
        patient_ref="MRN-0042",
        episode=1,
        profile=profile,
        primary_clinician="dr-lee",
        presenting_concerns=["treatment_resistant_depression"],
        posting=Posting(at, at, Actor("coord-sam", "coordinator"), "test"),
    )


def posting_for(s: Step, recorded_at: datetime | None = None) -> Posting:
    recorded = recorded_at if recorded_at is not None else s.occurred_at + RECORDING_DELAY
    return Posting(s.occurred_at, recorded, Actor(f"{s.role}-1", s.role), "test")


def post(journey: Journey, s: Step, *, recorded_at: datetime | None = None) -> None:
    """Post one step through the command that records its type."""
    command_for(s.type)(journey, s.data, posting_for(s, recorded_at))


def given_journey(profile: ProtocolProfile = KAP_STANDARD, steps: Iterable[Step] = ()) -> Journey:
    journey = open_journey(profile)
    for s in steps:
        post(journey, s)
    return journey


def snapshot(journey: Journey) -> tuple[int, Any, int]:
    return journey.version, copy.deepcopy(journey.facts), len(journey.pending_events)


def assert_unchanged(journey: Journey, before: tuple[int, Any, int]) -> None:
    version, facts, pending = before
    assert journey.version == version
    assert journey.facts == facts
    assert len(journey.pending_events) == pending


def refused(
    journey: Journey, s: Step, *, recorded_at: datetime | None = None
) -> RuleViolationError:
    """Post a step that must be refused; the journey must stay exactly as it was."""
    before = snapshot(journey)
    with pytest.raises(RuleViolationError) as caught:
        post(journey, s, recorded_at=recorded_at)
    assert_unchanged(journey, before)
    assert caught.value.detail.strip(), "a refusal says what would satisfy the rule"
    return caught.value


def correct(
    journey: Journey,
    version: int,
    changes: dict[str, Any],
    at: datetime,
    role: str | None = None,
) -> None:
    """Correct an entry; by default as the role that records its type (J-17)."""
    body = {"corrects_version": version, "reason": "Keyed wrongly.", "data": changes}
    original = entry_of(journey, version)
    by = role or ROLE_FOR.get(original.type, "therapist")
    journey.correct_entry(body, original, posting_for(Step("EntryCorrected", at, body, by)))


def refused_correction(
    journey: Journey, version: int, changes: dict[str, Any], at: datetime
) -> Exception:
    """A correction that must be refused, leaving the journey as it was."""
    before = snapshot(journey)
    with pytest.raises((CorrectionRefusedError, RuleViolationError)) as caught:
        correct(journey, version, changes, at)
    assert_unchanged(journey, before)
    return caught.value


def version_of(journey: Journey, event_type: str, **where: Any) -> int:
    """The version of the journey's first ``event_type`` entry whose data has ``where``
    (tests name an entry by what it is, not by counting the entries before it)."""
    return next(
        e.originator_version
        for e in journey.pending_events
        if type(e).__name__ == event_type
        and all(getattr(e, "data", {}).get(k) == v for k, v in where.items())
    )


def entry_of(journey: Journey, version: int) -> Entry:
    """An entry as it stands after its corrections so far (as the application passes it)."""
    events = journey.pending_events
    original = events[version - 1]
    assert original.originator_version == version
    entry_data = dict(original.data)
    for later in events[version:]:
        if isinstance(later, Journey.EntryCorrected) and (
            later.data["corrects_version"] == version
        ):
            entry_data = dict(later.corrected["data"])
    return Entry(
        version,
        type(original).__name__,
        original.occurred_at,
        original.timestamp,
        entry_data,
    )


def status_of(journey: Journey, now: datetime) -> JourneyStatus:
    return journey_status(journey.id, journey.version, journey.facts, now)


def blocker_rules(journey: Journey, now: datetime) -> list[str]:
    return [b.rule for b in status_of(journey, now).blockers]


# --- clinical steps --------------------------------------------------------------------


def is_spravato(profile: ProtocolProfile) -> bool:
    return profile.name == SPRAVATO_REMS.name


def intake_for(profile: ProtocolProfile) -> list[Step]:
    """Consultation, baseline PHQ-9, screening, consent and preparation (days 0-4)."""
    return intake(START, route="intranasal" if is_spravato(profile) else "im")


def well_formed_dose(profile: ProtocolProfile) -> dict[str, Any]:
    if is_spravato(profile):
        return {
            "route": "intranasal",
            "dose_mg": 56,
            "therapist_present": None,
            "prescriber_on_site": "prescriber-1",
        }
    return {"route": "im", "dose_mg": 35, "therapist_present": "therapist-1"}


def pre_dose_check(
    number: int,
    dose_at: datetime,
    *,
    checked_at: datetime | None = None,
    food_before: timedelta = timedelta(hours=8),
    liquid_before: timedelta = timedelta(hours=3),
    **changes: Any,
) -> Step:
    """A pre-dose check 20 min before ``dose_at`` that meets every protocol's fasting."""
    body = data("PreDoseCheckCompleted", session=number, **changes)
    body["last_food_at"] = (dose_at - food_before).isoformat()
    body["last_clear_liquid_at"] = (dose_at - liquid_before).isoformat()
    at = checked_at if checked_at is not None else dose_at - CHECK_BEFORE_DOSE
    return Step("PreDoseCheckCompleted", at, body, "nurse")


def dose(profile: ProtocolProfile, number: int, at: datetime, **changes: Any) -> Step:
    return step(
        "KetamineAdministered", at, session=number, **{**well_formed_dose(profile), **changes}
    )


def discharge(number: int, at: datetime, **changes: Any) -> Step:
    return step("PatientDischarged", at, session=number, **changes)


def integration(number: int, at: datetime) -> Step:
    return step("IntegrationCompleted", at, session=number)


def discharge_time(profile: ProtocolProfile, dose_at: datetime) -> datetime:
    return dose_at + OBSERVATION[profile.name]


def full_session(
    profile: ProtocolProfile,
    number: int,
    dose_at: datetime,
    *,
    integrate: bool = True,
    rems_form: bool = True,
) -> list[Step]:
    """Check, dose, discharge, then REMS form (Spravato) and integration (KAP), same day."""
    out = discharge_time(profile, dose_at)
    steps = [
        pre_dose_check(number, dose_at),
        dose(profile, number, dose_at),
        in_session_vitals(number, dose_at),
        discharge(number, out),
    ]
    if is_spravato(profile) and rems_form:
        steps.append(
            step("RemsMonitoringFormSubmitted", out + timedelta(minutes=10), session=number)
        )
    if integrate and not is_spravato(profile):
        steps.append(integration(number, out + timedelta(hours=2)))
    return steps


def series(
    profile: ProtocolProfile,
    count: int,
    first: datetime = FIRST_DOSE,
    every: timedelta | None = None,
) -> list[Step]:
    """``count`` full sessions, spaced within the protocol's per-week limits."""
    days = series_offsets(profile, count, every)
    return [s for n in range(count) for s in full_session(profile, n + 1, first + days[n])]


def series_offsets(
    profile: ProtocolProfile, count: int, every: timedelta | None = None
) -> list[timedelta]:
    """When each session falls after the first: every 3 days for KAP; twice a week for
    Spravato (3 then 4 days, so any three doses span a week and eight fit in four)."""
    if every is not None or not is_spravato(profile):
        gap = every or timedelta(days=3)
        return [gap * n for n in range(count)]
    return [timedelta(days=7 * (n // 2) + 3 * (n % 2)) for n in range(count)]


def ready_to_dose(profile: ProtocolProfile, at: datetime = FIRST_DOSE) -> Journey:
    """Intake done and the pre-dose check of session 1 taken 20 min before ``at``."""
    return given_journey(profile, [*intake_for(profile), pre_dose_check(1, at)])
