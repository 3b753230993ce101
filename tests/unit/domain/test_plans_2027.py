"""J-09 under protocol 2027-1: a treatment plan is a prescriber's decision, taken after the
series and its end-of-series PHQ-9, for at most 12 further sessions at least a week apart.
Journeys opened under 2026-11-01 take any plan, as they did."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.journey import Journey
from domain.protocols import KAP_STANDARD_2026, SPRAVATO_REMS_2026
from tests.story import Step, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    correct,
    full_session,
    given_journey,
    intake_for,
    post,
    refused,
    refused_correction,
    series,
    series_offsets,
)

HOUR = timedelta(hours=1)
MIN = timedelta(minutes=1)
IMPROVED = [1] * 8 + [0]


def last_dose_of(profile, count: int) -> datetime:
    return FIRST_DOSE + series_offsets(profile, count)[-1]


def series_given(profile, *, end_of_series: bool = True) -> tuple[Journey, datetime]:
    """The whole series; the end-of-series PHQ-9 two hours after the last dose."""
    length = profile.series_length
    last = last_dose_of(profile, length)
    steps = [*intake_for(profile), *series(profile, length)]
    if end_of_series:
        steps.append(phq9(IMPROVED, last + 2 * HOUR, "end_of_series"))
    return given_journey(profile, steps), last + 1 * 24 * HOUR


def plan(at: datetime, role: str = "prescriber", **changes) -> Step:
    body = step("TreatmentPlanUpdated", at, **changes)
    return Step(body.type, body.occurred_at, body.data, role)


def test_a_prescribers_plan_after_the_series_and_its_phq9_is_accepted(profile):
    journey, at = series_given(profile)

    post(journey, plan(at))

    assert journey.facts.plans[-1]["interval_weeks"] == 4
    assert journey.facts.in_maintenance()


@pytest.mark.parametrize("role", ["nurse", "therapist"])
def test_a_plan_by_anyone_but_a_prescriber_is_refused_under_j09(profile, role):
    journey, at = series_given(profile)

    violation = refused(journey, plan(at, role))

    assert violation.rule == "J-09"
    assert "prescriber" in violation.detail


def test_a_plan_during_the_series_is_refused_under_j09(profile):
    given = profile.series_length - 1
    last = last_dose_of(profile, given)
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            *series(profile, given),
            phq9(IMPROVED, last + HOUR, "end_of_series"),
        ],
    )

    violation = refused(journey, plan(last + 2 * HOUR))

    assert violation.rule == "J-09"
    assert f"not complete ({given} of {profile.series_length} doses given)" in violation.detail


def test_a_plan_while_the_series_last_session_is_unfinished_is_refused_until_it_is(profile):
    length = profile.series_length
    last = last_dose_of(profile, length)
    whole = series(profile, length)
    last_session = full_session(profile, length, last)
    before_discharge = whole[: len(whole) - len(last_session) + 3]  # check, dose, reading
    journey = given_journey(
        profile,
        [*intake_for(profile), *before_discharge, phq9(IMPROVED, last + HOUR, "end_of_series")],
    )

    violation = refused(journey, plan(last + 90 * MIN))

    assert violation.rule == "J-09"
    assert f"Session {length} is not finished" in violation.detail
    for s in last_session[3:]:
        post(journey, s)
    post(journey, plan(last + 6 * HOUR))


def test_a_plan_without_an_end_of_series_phq9_is_refused_under_j09(profile):
    journey, at = series_given(profile, end_of_series=False)
    post(journey, phq9(IMPROVED, at - HOUR, "follow_up"))

    violation = refused(journey, plan(at))

    assert violation.rule == "J-09"
    assert "No end-of-series PHQ-9" in violation.detail
    assert "timepoint end_of_series" in violation.detail


def test_an_end_of_series_phq9_a_minute_before_the_last_dose_does_not_count(profile):
    journey, at = series_given(profile, end_of_series=False)
    last = last_dose_of(profile, profile.series_length)
    post(journey, phq9(IMPROVED, last - MIN, "end_of_series"))

    violation = refused(journey, plan(at))

    assert violation.rule == "J-09"


def test_an_end_of_series_phq9_at_the_last_dose_counts(profile):
    journey, at = series_given(profile, end_of_series=False)
    last = last_dose_of(profile, profile.series_length)
    post(journey, phq9(IMPROVED, last, "end_of_series"))

    post(journey, plan(at))

    assert journey.facts.plans


def test_a_plan_of_12_further_sessions_is_accepted(profile):
    journey, at = series_given(profile)

    post(journey, plan(at, further_sessions=12))

    assert journey.facts.doses_allowed() == profile.series_length + 12


def test_a_plan_of_13_further_sessions_is_refused_under_j09(profile):
    journey, at = series_given(profile)

    violation = refused(journey, plan(at, further_sessions=13))

    assert violation.rule == "J-09"
    assert "at most 12 further sessions (13 asked)" in violation.detail


def test_a_plan_a_week_apart_is_accepted_and_none_shorter(profile):
    journey, at = series_given(profile)

    violation = refused(journey, plan(at, interval_weeks=0))
    post(journey, plan(at, interval_weeks=1))

    assert violation.rule == "J-09"
    assert "interval_weeks must be at least 1" in violation.detail
    assert journey.facts.plans[-1]["interval_weeks"] == 1


def test_in_maintenance_a_new_plan_is_accepted(profile):
    journey, at = series_given(profile)
    post(journey, plan(at, further_sessions=2))

    post(journey, plan(at + HOUR, further_sessions=3, interval_weeks=2))

    assert journey.facts.doses_allowed() == profile.series_length + 5


def test_in_maintenance_a_new_plan_is_accepted_while_a_session_is_under_way(profile):
    journey, at = series_given(profile)
    post(journey, plan(at, further_sessions=2, interval_weeks=1))
    dosed = at + 7 * 24 * HOUR
    post(journey, step("MedicationsReconciled", dosed - 3 * HOUR))
    for s in full_session(profile, profile.series_length + 1, dosed)[:2]:
        post(journey, s)

    post(journey, plan(dosed + 30 * MIN, further_sessions=3, interval_weeks=2))

    assert journey.facts.plans[-1]["interval_weeks"] == 2


@pytest.mark.parametrize("legacy", [KAP_STANDARD_2026, SPRAVATO_REMS_2026], ids=["kap", "spravato"])
def test_under_2026_11_01_any_plan_is_accepted_at_any_time(legacy):
    journey = given_journey(legacy, intake_for(legacy))

    post(journey, plan(FIRST_DOSE, "therapist", further_sessions=13, interval_weeks=0))

    assert journey.facts.doses_allowed() == legacy.series_length + 13


def test_a_plan_corrected_to_13_further_sessions_is_refused_and_to_12_accepted(profile):
    journey, at = series_given(profile)
    post(journey, plan(at, further_sessions=4))
    plan_version = journey.version

    violation = refused_correction(journey, plan_version, {"further_sessions": 13}, at + HOUR)
    correct(journey, plan_version, {"further_sessions": 12}, at + HOUR)

    assert "at most 12 further sessions (13 asked)" in str(violation)
    assert journey.facts.doses_allowed() == profile.series_length + 12


@pytest.mark.parametrize("legacy", [KAP_STANDARD_2026, SPRAVATO_REMS_2026], ids=["kap", "spravato"])
def test_under_2026_11_01_a_plan_may_be_corrected_to_any_size(legacy):
    journey, at = series_given(legacy)
    post(journey, plan(at, further_sessions=4))

    correct(journey, journey.version, {"further_sessions": 13}, at + HOUR)

    assert journey.facts.plans[-1]["further_sessions"] == 13
