"""J-07 under protocol 2027-1: Spravato's doses and weekly caps by week of treatment, and
the maintenance plan's interval under both profiles; 2026-11-01 journeys keep the old rules.

Days are counted from the first dose (day 0 = week 1). Every line is pinned on both sides.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from domain.journey import Journey
from domain.protocols import KAP_STANDARD, KAP_STANDARD_2026, SPRAVATO_REMS, SPRAVATO_REMS_2026
from tests.story import phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    dose,
    full_session,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
    refused,
    status_of,
)

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MIN = timedelta(minutes=1)


def day(n: float) -> datetime:
    return FIRST_DOSE + n * DAY


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def dosed_on(profile, days: list[float]) -> Journey:
    """Full sessions on these days; the medication list is reconciled before each (Spravato
    2027-1 wants one within 30 days of every dose)."""
    steps = intake_for(profile)
    for n, d in enumerate(days, start=1):
        steps += [
            step("MedicationsReconciled", day(d) - 3 * HOUR),
            *full_session(profile, n, day(d)),
        ]
    return given_journey(profile, steps)


def next_dose_refused(journey: Journey, profile, at: datetime, **changes):
    number = len(journey.facts.doses()) + 1
    post(journey, step("MedicationsReconciled", at - 3 * HOUR))
    post(journey, pre_dose_check(number, at))
    return refused(journey, dose(profile, number, at, **changes))


def next_dose_given(journey: Journey, profile, at: datetime, **changes) -> None:
    number = len(journey.facts.doses()) + 1
    post(journey, step("MedicationsReconciled", at - 3 * HOUR))
    post(journey, pre_dose_check(number, at))
    post(journey, dose(profile, number, at, **changes))
    assert journey.facts.doses()[-1]["at"] == at


def on_plan(journey: Journey, last_dose: datetime, **plan) -> None:
    """The end-of-series PHQ-9 the day after the last dose, then the prescriber's plan."""
    post(journey, phq9([1] * 8 + [0], last_dose + DAY, "end_of_series"))
    post(journey, step("TreatmentPlanUpdated", last_dose + DAY + HOUR, **plan))


def finish(journey: Journey, profile, at: datetime) -> None:
    """The rest of the session dosed at ``at``: reading, discharge (and integration)."""
    for s in full_session(profile, len(journey.facts.doses()), at)[2:]:
        post(journey, s)


# --- Spravato 2027-1: the amount ------------------------------------------------------


@pytest.mark.parametrize("mg", [84, 28])
def test_a_first_spravato_dose_other_than_56_mg_is_refused_under_j07(mg):
    journey = dosed_on(SPRAVATO_REMS, [])

    violation = next_dose_refused(journey, SPRAVATO_REMS, day(0), dose_mg=mg)

    assert violation.rule == "J-07"
    assert "give 56 mg" in violation.detail


def test_28_mg_is_refused_as_one_device_not_a_dose():
    journey = dosed_on(SPRAVATO_REMS, [0])

    violation = next_dose_refused(journey, SPRAVATO_REMS, day(3), dose_mg=28)

    assert violation.rule == "J-07"
    assert "28 mg is one device, not a dose: give 56 or 84 mg" in violation.detail


@pytest.mark.parametrize("mg", [56, 84])
def test_later_spravato_doses_are_56_or_84_mg(mg):
    journey = dosed_on(SPRAVATO_REMS, [0])

    next_dose_given(journey, SPRAVATO_REMS, day(3), dose_mg=mg)

    assert journey.facts.doses()[-1]["dose_mg"] == mg


def test_a_wrong_route_is_named_before_the_amount():
    journey = dosed_on(SPRAVATO_REMS, [])

    violation = next_dose_refused(journey, SPRAVATO_REMS, day(0), route="im", dose_mg=28)

    assert "Route im is not allowed" in violation.detail


@pytest.mark.parametrize("mg", [28, 84])
def test_under_2026_11_01_any_listed_amount_starts_the_series(mg):
    journey = dosed_on(SPRAVATO_REMS_2026, [])

    next_dose_given(journey, SPRAVATO_REMS_2026, day(0), dose_mg=mg)


# --- Spravato 2027-1: doses per 7 days by week of treatment ----------------------------


def test_weeks_1_to_4_allow_two_doses_in_any_7_days():
    journey = dosed_on(SPRAVATO_REMS, [0, 3])

    violation = next_dose_refused(journey, SPRAVATO_REMS, day(7) - MIN)

    assert violation.rule == "J-07"
    assert "2 doses in the last 7 days (at most 2) in week 1 from the first dose" in (
        violation.detail
    )
    assert stamp(day(7)) in violation.detail
    next_dose_given(journey, SPRAVATO_REMS, day(7))


def test_a_dose_a_minute_before_day_28_is_in_week_4_and_allowed_a_second_in_7_days():
    journey = dosed_on(SPRAVATO_REMS, [0, 7, 14, 24])

    next_dose_given(journey, SPRAVATO_REMS, day(28) - MIN)


def test_from_day_28_week_5_allows_one_dose_in_7_days():
    journey = dosed_on(SPRAVATO_REMS, [0, 7, 14, 24])

    violation = next_dose_refused(journey, SPRAVATO_REMS, day(28))

    assert violation.rule == "J-07"
    assert "1 dose in the last 7 days (at most 1) in week 5" in violation.detail
    assert stamp(day(31)) in violation.detail
    assert [b.rule for b in status_of(journey, day(28)).blockers] == ["J-07"]


def test_the_earliest_time_given_counts_with_the_cap_of_the_week_it_falls_in():
    """On day 26 (week 4) the cap of 2 frees on day 28, but week 5 allows only one: 31."""
    journey = dosed_on(SPRAVATO_REMS, [0, 7, 14, 21, 24])

    violation = next_dose_refused(journey, SPRAVATO_REMS, day(26))

    assert stamp(day(31)) in violation.detail
    assert stamp(day(28)) not in violation.detail
    next_dose_given(journey, SPRAVATO_REMS, day(31))


def test_in_weeks_5_to_8_the_next_dose_waits_7_full_days():
    journey = dosed_on(SPRAVATO_REMS, [0, 7, 14, 21, 30])

    violation = next_dose_refused(journey, SPRAVATO_REMS, day(37) - MIN)

    assert "(at most 1) in week 6" in violation.detail
    next_dose_given(journey, SPRAVATO_REMS, day(37))


def test_in_maintenance_one_dose_in_7_days_holds_past_a_shorter_interval():
    """A 1-week plan allows a dose 5 days on; the cap of one in 7 days still waits 7."""
    journey = dosed_on(SPRAVATO_REMS, [0, 7, 14, 21, 28, 35, 42, 49])
    on_plan(journey, day(49), further_sessions=2, interval_weeks=1)

    violation = next_dose_refused(journey, SPRAVATO_REMS, day(56) - MIN)

    assert "1 dose in the last 7 days (at most 1) in week 8" in violation.detail
    assert stamp(day(56)) in violation.detail
    next_dose_given(journey, SPRAVATO_REMS, day(56))
    assert status_of(journey, day(56)).stage == "maintenance"


def test_from_week_9_one_dose_in_7_days():
    journey = dosed_on(SPRAVATO_REMS, [0, 7, 14, 21, 28, 35, 42, 49])
    on_plan(journey, day(49), further_sessions=2, interval_weeks=1)
    next_dose_given(journey, SPRAVATO_REMS, day(56))
    finish(journey, SPRAVATO_REMS, day(56))

    violation = next_dose_refused(journey, SPRAVATO_REMS, day(63) - MIN)

    assert "1 dose in the last 7 days (at most 1) in week 9" in violation.detail
    next_dose_given(journey, SPRAVATO_REMS, day(63))


def test_under_2026_11_01_spravato_allows_two_in_7_days_whatever_the_week():
    journey = dosed_on(SPRAVATO_REMS_2026, [0, 7, 14, 24])

    next_dose_given(journey, SPRAVATO_REMS_2026, day(28))


# --- both profiles 2027-1: the maintenance plan's interval -----------------------------

KAP_SERIES = [0, 3, 6, 9, 12, 15]
SPRAVATO_SERIES = [0, 3, 7, 10, 14, 17, 21, 24]
SERIES = [
    pytest.param(KAP_STANDARD, KAP_SERIES, id="kap"),
    pytest.param(SPRAVATO_REMS, SPRAVATO_SERIES, id="spravato"),
]


@pytest.mark.parametrize(("profile", "series"), SERIES)
def test_a_maintenance_dose_sooner_than_the_interval_less_2_days_is_refused(profile, series):
    journey = dosed_on(profile, series)
    on_plan(journey, day(series[-1]), interval_weeks=4)
    earliest = day(series[-1]) + 4 * 7 * DAY - 2 * DAY

    violation = next_dose_refused(journey, profile, earliest - MIN)

    assert violation.rule == "J-07"
    assert "spaces doses 4 weeks apart (less 2 days' tolerance)" in violation.detail
    assert stamp(earliest) in violation.detail


@pytest.mark.parametrize(("profile", "series"), SERIES)
def test_a_maintenance_dose_at_the_interval_less_2_days_is_accepted(profile, series):
    journey = dosed_on(profile, series)
    on_plan(journey, day(series[-1]), interval_weeks=4)

    next_dose_given(journey, profile, day(series[-1]) + 26 * DAY)


def test_the_latest_plans_interval_counts_from_the_last_maintenance_dose():
    journey = dosed_on(KAP_STANDARD, KAP_SERIES)
    on_plan(journey, day(15), further_sessions=3, interval_weeks=4)
    next_dose_given(journey, KAP_STANDARD, day(41))
    finish(journey, KAP_STANDARD, day(41))
    post(journey, step("TreatmentPlanUpdated", day(42), further_sessions=2, interval_weeks=2))

    violation = next_dose_refused(journey, KAP_STANDARD, day(53) - MIN)

    assert "2 weeks apart" in violation.detail
    next_dose_given(journey, KAP_STANDARD, day(53))


def test_under_2026_11_01_a_maintenance_dose_needs_no_interval():
    journey = dosed_on(KAP_STANDARD_2026, KAP_SERIES)
    on_plan(journey, day(15), interval_weeks=4)

    next_dose_given(journey, KAP_STANDARD_2026, day(17))


def test_under_2027_1_the_weekly_cap_holds_in_maintenance_too():
    """A tolerance as wide as the interval leaves only the cap: KAP's 3 in 7 days."""
    profile = replace(KAP_STANDARD, maintenance_interval_tolerance_days=6)
    journey = dosed_on(profile, KAP_SERIES)
    on_plan(journey, day(15), further_sessions=4, interval_weeks=1)
    for d in (23, 24, 25):
        next_dose_given(journey, profile, day(d))
        finish(journey, profile, day(d))

    violation = next_dose_refused(journey, profile, day(30) - MIN)

    assert "3 doses in the last 7 days (at most 3)" in violation.detail
    assert stamp(day(30)) in violation.detail
    next_dose_given(journey, profile, day(30))
