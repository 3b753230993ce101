"""Today's dose thresholds pinned at the line, one case on each side (issue 10).

Each pair is chosen so that moving the line by one unit (a 6-day weekly window, ``<=``
for the low-SBP hold, a strict baseline window) turns one of its cases around.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.protocols import KAP_STANDARD, SPRAVATO_REMS
from tests.examples import VITALS
from tests.story import START, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    dose,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
    refused,
    series,
    status_of,
)

DAY = timedelta(days=1)
MIN = timedelta(minutes=1)
PRESCRIBER_OVERRIDE = {
    "by": {"id": "dr-lee", "role": "prescriber"},
    "reason": "BP rechecked twice; benefit outweighs the risk today.",
}

# --- J-07: doses per 7 days -------------------------------------------------------------

# Doses a day (KAP, 24 h apart) or two days (Spravato, 48 h apart) apart fill the week
# early, so the next dose waits only for the first to leave the 7-day window.
WEEKLY = [
    pytest.param(KAP_STANDARD, 3, DAY, id="kap-3"),
    pytest.param(SPRAVATO_REMS, 2, 2 * DAY, id="spravato-2"),
]


def _week_full_then_checked(profile, limit: int, every: timedelta, at):
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            *series(profile, limit, every=every),
            pre_dose_check(limit + 1, at),
        ],
    )
    return journey, limit + 1


@pytest.mark.parametrize(("profile", "limit", "every"), WEEKLY)
def test_a_dose_a_minute_short_of_7_days_after_the_weeks_first_is_refused_under_j07(
    profile, limit, every
):
    at = FIRST_DOSE + 7 * DAY - MIN
    journey, number = _week_full_then_checked(profile, limit, every, at)

    violation = refused(journey, dose(profile, number, at))

    assert violation.rule == "J-07"
    assert f"{limit} doses in the last 7 days (at most {limit})" in violation.detail
    assert "J-07" in {b.rule for b in status_of(journey, at).blockers}


@pytest.mark.parametrize(("profile", "limit", "every"), WEEKLY)
def test_a_dose_exactly_7_days_after_the_weeks_first_is_accepted(profile, limit, every):
    at = FIRST_DOSE + 7 * DAY
    journey, number = _week_full_then_checked(profile, limit, every, at)
    assert "J-07" not in {b.rule for b in status_of(journey, at).blockers}

    post(journey, dose(profile, number, at))

    assert len(journey.facts.doses()) == limit + 1


# --- J-06: the low-systolic hold (SBP below 90 holds the dose) ---------------------------


def _checked_with_systolic(profile, systolic: int):
    # Diastolic well inside every limit, so only the systolic reading decides.
    vitals = {**VITALS, "systolic": systolic, "diastolic": 60}
    return given_journey(
        profile, [*intake_for(profile), pre_dose_check(1, FIRST_DOSE, vitals=vitals)]
    )


def test_the_low_systolic_hold_line_is_the_same_for_both_profiles():
    # If a profile ever moves it, the cases below must be revisited for that profile.
    assert KAP_STANDARD.hold_systolic_below == SPRAVATO_REMS.hold_systolic_below == 90


def test_a_systolic_of_90_is_dosed_without_an_override(profile):
    journey = _checked_with_systolic(profile, 90)
    assert "J-06" not in {b.rule for b in status_of(journey, FIRST_DOSE).blockers}

    post(journey, dose(profile, 1, FIRST_DOSE))

    assert journey.facts.overrides == []
    assert len(journey.facts.doses()) == 1


def test_a_systolic_of_89_is_held_and_no_override_lets_it_through(profile):
    journey = _checked_with_systolic(profile, 89)
    held = [b for b in status_of(journey, FIRST_DOSE).blockers if b.rule == "J-06"]
    assert len(held) == 1
    assert not held[0].overridable

    without = refused(journey, dose(profile, 1, FIRST_DOSE))
    overridden = refused(journey, dose(profile, 1, FIRST_DOSE, override=PRESCRIBER_OVERRIDE))

    for violation in (without, overridden):
        assert violation.rule == "J-06"
        assert "beyond the hold limits" in violation.detail
        assert "no override" in violation.detail


def test_a_heart_rate_of_150_is_dosed_and_151_is_held(profile):
    # The high-HR hold is "above 150": 150 itself is inside the limits.
    assert profile.hold_heart_rate_above == 150
    calm = given_journey(
        profile,
        [*intake_for(profile), pre_dose_check(1, FIRST_DOSE, vitals={**VITALS, "heart_rate": 150})],
    )
    racing = given_journey(
        profile,
        [*intake_for(profile), pre_dose_check(1, FIRST_DOSE, vitals={**VITALS, "heart_rate": 151})],
    )

    post(calm, dose(profile, 1, FIRST_DOSE))
    violation = refused(racing, dose(profile, 1, FIRST_DOSE, override=PRESCRIBER_OVERRIDE))

    assert len(calm.facts.doses()) == 1
    assert violation.rule == "J-06"
    assert "beyond the hold limits" in violation.detail


# --- J-04: a dose follows its pre-dose check ------------------------------------------------


def test_a_dose_at_the_very_minute_of_its_pre_dose_check_is_accepted(profile):
    journey = given_journey(
        profile, [*intake_for(profile), pre_dose_check(1, FIRST_DOSE, checked_at=FIRST_DOSE)]
    )

    post(journey, dose(profile, 1, FIRST_DOSE))

    assert len(journey.facts.doses()) == 1


def test_a_dose_a_second_before_its_pre_dose_check_is_refused_under_j04(profile):
    journey = given_journey(
        profile, [*intake_for(profile), pre_dose_check(1, FIRST_DOSE, checked_at=FIRST_DOSE)]
    )

    violation = refused(journey, dose(profile, 1, FIRST_DOSE - timedelta(seconds=1)))

    assert violation.rule == "J-04"
    assert "a dose follows its check" in violation.detail


# --- J-04: a baseline PHQ-9 within the protocol's window before the first dose -----------

# The intake records its baseline PHQ-9 at START + 1 h 30 min.
BASELINE_AT = START + timedelta(hours=1, minutes=30)


def _checked_at(profile, at):
    return given_journey(profile, [*intake_for(profile), pre_dose_check(1, at)])


def test_a_first_dose_exactly_the_window_after_the_baseline_is_accepted(profile):
    at = BASELINE_AT + timedelta(days=profile.baseline_phq9_max_age_days)
    journey = _checked_at(profile, at)
    assert "J-04" not in {b.rule for b in status_of(journey, at).blockers}

    post(journey, dose(profile, 1, at))

    assert len(journey.facts.doses()) == 1


def test_a_first_dose_a_second_beyond_the_window_after_the_baseline_is_refused_under_j04(
    profile,
):
    days = profile.baseline_phq9_max_age_days
    at = BASELINE_AT + timedelta(days=days, seconds=1)
    journey = _checked_at(profile, at)

    violation = refused(journey, dose(profile, 1, at))

    assert violation.rule == "J-04"
    assert f"No baseline PHQ-9 within {days} days" in violation.detail
    assert status_of(journey, at).next_step.code == "record_baseline"


def test_a_baseline_recorded_at_the_moment_of_the_first_dose_counts(profile):
    # The window's other edge: a baseline taken at the very dose time is not "after" it.
    at = FIRST_DOSE
    journey = given_journey(
        profile,
        [
            *[s for s in intake_for(profile) if s.type != "OutcomeMeasureRecorded"],
            pre_dose_check(1, at),
            step("OutcomeMeasureRecorded", at, timepoint="baseline"),
        ],
    )

    post(journey, dose(profile, 1, at))

    assert len(journey.facts.doses()) == 1
