"""J-13 (closed, paused, ineligible journeys) and J-15 (plausible times)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.entries import Actor, Posting
from domain.errors import RuleViolationError
from domain.journey import COMMANDS, Journey
from tests.examples import VALID_EVENT_DATA
from tests.story import START, Step, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    JOURNEY_ID,
    dose,
    full_session,
    given_journey,
    intake_for,
    open_journey,
    post,
    pre_dose_check,
    ready_to_dose,
    refused,
    status_of,
)

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
SKEW = timedelta(minutes=5)
CLOSED_AT = FIRST_DOSE + DAY


# J-13: closed


def closed(profile):
    return given_journey(
        profile,
        [
            *intake_for(profile),
            *full_session(profile, 1, FIRST_DOSE),
            step("JourneyClosed", CLOSED_AT),
        ],
    )


@pytest.mark.parametrize("type_", sorted(c.__name__ for c in COMMANDS))
def test_a_closed_journey_accepts_nothing_under_j13(profile, type_):
    journey = closed(profile)
    body = {**VALID_EVENT_DATA[type_]}
    if "session" in body:
        body["session"] = 2

    violation = refused(journey, Step(type_, CLOSED_AT + HOUR, body, "prescriber"))

    assert violation.rule == "J-13"
    assert "closed" in violation.detail


def test_a_closed_journey_has_no_blockers_and_nothing_next(profile):
    journey = closed(profile)

    status = status_of(journey, CLOSED_AT + DAY)

    assert (status.stage, status.next_step.code, status.blockers) == ("closed", "none", [])


# J-13: paused


def paused(profile):
    journey = given_journey(profile, intake_for(profile))
    post(journey, step("JourneyPaused", FIRST_DOSE - 2 * HOUR))
    return journey


def test_a_pre_dose_check_while_paused_is_refused_under_j13(profile):
    journey = paused(profile)

    violation = refused(journey, pre_dose_check(1, FIRST_DOSE))

    assert violation.rule == "J-13"
    assert "JourneyResumed" in violation.detail


def test_a_dose_while_paused_is_refused_under_j13(profile):
    journey = ready_to_dose(profile)
    post(journey, step("JourneyPaused", FIRST_DOSE - 10 * MIN))

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == "J-13"
    assert status_of(journey, FIRST_DOSE).stage == "paused"
    assert status_of(journey, FIRST_DOSE).next_step.code == "none"


def test_dosing_resumes_after_journey_resumed(profile):
    journey = paused(profile)
    post(journey, step("JourneyResumed", FIRST_DOSE - HOUR))
    post(journey, pre_dose_check(1, FIRST_DOSE))

    post(journey, dose(profile, 1, FIRST_DOSE))

    assert len(journey.facts.doses()) == 1


def test_a_paused_journey_still_accepts_documentation(profile):
    journey = paused(profile)

    post(journey, step("OutcomeMeasureRecorded", FIRST_DOSE, timepoint="follow_up"))

    assert len(journey.facts.measures) == 2


def test_pausing_twice_is_refused_under_j13(profile):
    journey = paused(profile)

    violation = refused(journey, step("JourneyPaused", FIRST_DOSE))

    assert violation.rule == "J-13"
    assert "already paused" in violation.detail


def test_resuming_a_journey_that_is_not_paused_is_refused_under_j13(profile):
    journey = given_journey(profile, intake_for(profile))

    violation = refused(journey, step("JourneyResumed", FIRST_DOSE))

    assert violation.rule == "J-13"


# J-13: ineligible


def ineligible(profile):
    return given_journey(
        profile,
        [
            step("ConsultationCompleted", START + HOUR),
            step("ScreeningCompleted", START + DAY, decision="ineligible"),
        ],
    )


def test_a_pre_dose_check_after_an_ineligible_screening_is_refused_under_j13(profile):
    journey = ineligible(profile)

    violation = refused(journey, pre_dose_check(1, FIRST_DOSE))

    assert violation.rule == "J-13"
    assert "ineligible" in violation.detail


def test_a_dose_after_an_ineligible_rescreening_is_refused_under_j13(profile):
    journey = ready_to_dose(profile)
    post(journey, step("ScreeningCompleted", FIRST_DOSE - 10 * MIN, decision="ineligible"))

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == "J-13"
    assert status_of(journey, FIRST_DOSE).stage == "ineligible"


# J-15


@pytest.mark.parametrize(
    "s",
    [
        step("ConsultationCompleted", START + HOUR),
        step("OutcomeMeasureRecorded", START + HOUR),
        step("JourneyPaused", START + HOUR),
    ],
    ids=lambda s: s.type,
)
def test_an_entry_from_beyond_the_clock_skew_is_refused_under_j15(profile, s):
    journey = given_journey(profile)

    violation = refused(journey, s, recorded_at=s.occurred_at - SKEW - MIN)

    assert violation.rule == "J-15"
    assert "in the future" in violation.detail


def test_an_entry_within_the_clock_skew_is_accepted(profile):
    journey = given_journey(profile)
    s = step("ConsultationCompleted", START + HOUR)

    post(journey, s, recorded_at=s.occurred_at - SKEW)

    assert journey.facts.consultation is not None


def test_an_entry_before_the_journey_opened_is_refused_under_j15(profile):
    journey = given_journey(profile)

    violation = refused(journey, step("ConsultationCompleted", START - MIN))

    assert violation.rule == "J-15"
    assert "before the journey opened" in violation.detail


def test_an_entry_at_the_moment_the_journey_opened_is_accepted(profile):
    journey = given_journey(profile)

    post(journey, step("ConsultationCompleted", START))

    assert journey.facts.consultation["at"] == START


def test_a_dose_from_the_future_is_refused_under_j15_before_any_other_rule(profile):
    journey = ready_to_dose(profile)

    violation = refused(journey, dose(profile, 1, FIRST_DOSE), recorded_at=FIRST_DOSE - HOUR)

    assert violation.rule == "J-15"


def test_opening_a_journey_in_the_future_is_refused_under_j15(profile):
    with pytest.raises(RuleViolationError) as caught:
        Journey.open(
            journey_id=JOURNEY_ID,
            clinic_id="clinic-1",
            patient_ref="MRN-0042",
            episode=1,
            profile=profile,
            primary_clinician="dr-lee",
            presenting_concerns=["ptsd"],
            posting=Posting(START, START - HOUR, Actor("coord-sam", "coordinator"), "test"),
        )

    assert caught.value.rule == "J-15"


def test_opening_a_journey_records_when_it_opened(profile):
    journey = open_journey(profile, START)

    assert (journey.version, journey.facts.opened_at) == (1, START)
