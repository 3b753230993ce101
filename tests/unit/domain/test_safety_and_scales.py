"""J-12 safety holds and J-14 scale answers (2027-1 tiers: tests/unit/domain/test_holds_2027.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.protocols import KAP_STANDARD_2026, SPRAVATO_REMS_2026, ProtocolProfile
from domain.scales import score
from tests.story import Step, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    dose,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
    refused,
    status_of,
)

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
BEFORE_CHECK = FIRST_DOSE - HOUR


@pytest.fixture(params=[KAP_STANDARD_2026, SPRAVATO_REMS_2026], ids=["kap-2026", "spravato-2026"])
def legacy(request: pytest.FixtureRequest) -> ProtocolProfile:
    """Each profile as published on 2026-11-01 (journeys opened then keep it)."""
    return request.param


def cssrs(answers: list[int], at=BEFORE_CHECK) -> Step:
    return step(
        "OutcomeMeasureRecorded", at, instrument="C-SSRS", items=answers, timepoint="pre_dose"
    )


def review(cleared: bool = True, role: str = "prescriber", at=BEFORE_CHECK + 5 * MIN) -> Step:
    return Step("SafetyReviewCompleted", at, {"cleared": cleared, "plan": "Crisis plan."}, role)


TRIGGERS = {
    "PHQ-9 item 9 answered 1": phq9([1, 1, 1, 1, 1, 1, 1, 1, 1], BEFORE_CHECK, "pre_dose"),
    "PHQ-9 item 9 answered 3": phq9([0, 0, 0, 0, 0, 0, 0, 0, 3], BEFORE_CHECK, "pre_dose"),
    "C-SSRS item 3": cssrs([1, 1, 1, 0, 0, 0]),
    "C-SSRS item 4": cssrs([1, 1, 1, 1, 0, 0]),
    "C-SSRS item 5": cssrs([0, 0, 0, 0, 1, 0]),
    "C-SSRS item 6": cssrs([0, 0, 0, 0, 0, 1]),
    "severe adverse event": step(
        "AdverseEventReported", BEFORE_CHECK, session=None, severity="severe", kind="other"
    ),
    "serious adverse event": step(
        "AdverseEventReported", BEFORE_CHECK, session=None, severity="serious", kind="other"
    ),
}
MODERATE = [
    "PHQ-9 item 9 answered 1",
    "PHQ-9 item 9 answered 3",
    "C-SSRS item 3",
    "C-SSRS item 6",  # lifetime behaviour, not within 3 months: moderate, never unseen
]
"""Under 2027-1 the rest are high: a plain review does not clear them (test_holds_2027)."""
NOT_TRIGGERS = {
    "PHQ-9 item 9 answered 0": phq9([3, 3, 3, 3, 3, 3, 3, 3, 0], BEFORE_CHECK, "pre_dose"),
    "C-SSRS items 1-2 only": cssrs([1, 1, 0, 0, 0, 0]),
    "moderate adverse event": step(
        "AdverseEventReported", BEFORE_CHECK, session=None, severity="moderate"
    ),
}


def held(profile, trigger: str):
    return given_journey(
        profile, [*intake_for(profile), TRIGGERS[trigger], pre_dose_check(1, FIRST_DOSE)]
    )


# J-12


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_a_safety_concern_raises_a_hold_that_blocks_the_dose_under_j12(profile, trigger):
    journey = held(profile, trigger)

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    status = status_of(journey, FIRST_DOSE)
    assert violation.rule == "J-12"
    assert "SafetyReviewCompleted" in violation.detail
    assert "safety_hold" in status.flags
    assert status.next_step.code == "safety_review"
    assert [b.rule for b in status.blockers] == ["J-12"]


@pytest.mark.parametrize("answer", sorted(NOT_TRIGGERS))
def test_answers_without_a_safety_concern_raise_no_hold(profile, answer):
    journey = given_journey(
        profile, [*intake_for(profile), NOT_TRIGGERS[answer], pre_dose_check(1, FIRST_DOSE)]
    )

    post(journey, dose(profile, 1, FIRST_DOSE))

    assert "safety_hold" not in status_of(journey, FIRST_DOSE).flags


@pytest.mark.parametrize("trigger", MODERATE)
def test_a_prescribers_review_that_clears_a_moderate_hold_lets_the_dose_through(profile, trigger):
    journey = held(profile, trigger)
    post(journey, review(cleared=True))

    post(journey, dose(profile, 1, FIRST_DOSE))

    assert "safety_hold" not in status_of(journey, FIRST_DOSE).flags


@pytest.mark.parametrize("role", ["therapist", "nurse", "coordinator"])
def test_a_safety_review_by_anyone_but_a_prescriber_is_refused(profile, role):
    journey = held(profile, "PHQ-9 item 9 answered 1")

    violation = refused(journey, review(role=role))

    assert violation.rule in ("J-12", "J-17")  # J-17 names every role rule from 2027-1
    assert "prescriber" in violation.detail
    assert "safety_hold" in status_of(journey, FIRST_DOSE).flags


def test_a_review_that_does_not_clear_keeps_the_hold(profile):
    journey = held(profile, "C-SSRS item 3")
    post(journey, review(cleared=False))

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == "J-12"


def test_a_new_concern_after_a_cleared_review_raises_the_hold_again(profile):
    journey = held(profile, "PHQ-9 item 9 answered 1")
    post(journey, review(cleared=True))
    post(journey, cssrs([0, 0, 0, 0, 0, 1], at=FIRST_DOSE - 10 * MIN))

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == "J-12"
    assert "item 6" in violation.detail


def test_a_safety_hold_does_not_stop_the_pre_dose_check(profile):
    journey = given_journey(profile, [*intake_for(profile), TRIGGERS["C-SSRS item 4"]])

    post(journey, pre_dose_check(1, FIRST_DOSE))

    assert journey.facts.session(1)["pre_dose"] is not None


def test_a_safety_hold_comes_first_in_the_refusal_even_with_other_gaps(profile):
    journey = given_journey(profile, [TRIGGERS["PHQ-9 item 9 answered 3"]])

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == "J-12"
    assert "J-04" in {b.rule for b in violation.also}
    assert "J-12" not in {b.rule for b in violation.also}


# J-12 under 2026-11-01: every hold is cleared by a prescriber's review, and C-SSRS item
# 3 and a severe adverse event raise none.


@pytest.mark.parametrize(
    "trigger", sorted(set(TRIGGERS) - {"C-SSRS item 3", "severe adverse event"})
)
def test_under_2026_every_hold_is_cleared_by_a_plain_review(legacy, trigger):
    journey = held(legacy, trigger)
    assert refused(journey, dose(legacy, 1, FIRST_DOSE)).rule == "J-12"

    post(journey, review(cleared=True))
    post(journey, dose(legacy, 1, FIRST_DOSE))

    assert "safety_hold" not in status_of(journey, FIRST_DOSE).flags


@pytest.mark.parametrize("answer", ["C-SSRS item 3", "severe adverse event"])
def test_under_2026_item_3_and_a_severe_event_raise_no_hold(legacy, answer):
    journey = held(legacy, answer)

    post(journey, dose(legacy, 1, FIRST_DOSE))

    assert journey.facts.safety_triggers == []


def test_under_2026_the_hold_reads_as_it_always_did(legacy):
    journey = held(legacy, "C-SSRS item 6")

    violation = refused(journey, dose(legacy, 1, FIRST_DOSE))

    assert violation.detail == (
        "Safety hold (C-SSRS: recent suicidal behaviour reported (item 6)): a prescriber "
        "must record SafetyReviewCompleted with cleared true."
    )
    assert status_of(journey, FIRST_DOSE).next_step.text == (
        "A prescriber reviews the safety hold: C-SSRS: recent suicidal behaviour reported (item 6)."
    )


# J-14


WRONG_ANSWERS = [
    ("PHQ-9", [1] * 8, "exactly 9 answers; 8"),
    ("PHQ-9", [1] * 10, "exactly 9 answers; 10"),
    ("PHQ-9", [1, 1, 1, 1, 4, 1, 1, 1, 1], "item 5 is 4"),
    ("PHQ-9", [1, 1, 1, 1, 1, 1, 1, 1, -1], "item 9 is -1"),
    ("PHQ-9", [1, 1, True, 1, 1, 1, 1, 1, 1], "item 3 must be a whole number"),
    ("PHQ-9", [1, 1, 1.5, 1, 1, 1, 1, 1, 1], "item 3 must be a whole number"),
    ("GAD-7", [1] * 6, "exactly 7 answers; 6"),
    ("GAD-7", [1] * 9, "exactly 7 answers; 9"),
    ("GAD-7", [0, 0, 0, 0, 0, 0, 4], "item 7 is 4"),
    ("PCL-5", [1] * 19, "exactly 20 answers; 19"),
    ("PCL-5", [1] * 21, "exactly 20 answers; 21"),
    ("PCL-5", [4] * 19 + [5], "item 20 is 5"),
    ("C-SSRS", [0] * 5, "exactly 6 answers; 5"),
    ("C-SSRS", [0, 2, 0, 0, 0, 0], "item 2 is 2"),
    ("BDI-II", [1] * 21, "Unknown instrument"),
]


@pytest.mark.parametrize(
    ("instrument", "items", "expected"), WRONG_ANSWERS, ids=[w[2] for w in WRONG_ANSWERS]
)
def test_answers_of_the_wrong_count_or_range_are_refused_under_j14(instrument, items, expected):
    journey = given_journey()

    violation = refused(
        journey,
        step("OutcomeMeasureRecorded", BEFORE_CHECK, instrument=instrument, items=items),
    )

    assert violation.rule == "J-14"
    assert expected in violation.detail


VALID_EXTREMES = [
    ("PHQ-9", [0] * 9, 0, "minimal"),
    ("PHQ-9", [3] * 9, 27, "severe"),
    ("GAD-7", [0] * 7, 0, "minimal"),
    ("GAD-7", [3] * 7, 21, "severe"),
    ("PCL-5", [0] * 20, 0, "below_threshold"),
    ("PCL-5", [4] * 20, 80, "probable_ptsd"),
    ("C-SSRS", [0] * 6, 0, "negative"),
    ("C-SSRS", [1] * 6, 1, "positive"),
]


@pytest.mark.parametrize(("instrument", "items", "total", "band"), VALID_EXTREMES)
def test_answers_at_the_ends_of_the_range_are_accepted_and_scored(instrument, items, total, band):
    journey = given_journey()

    post(
        journey,
        step("OutcomeMeasureRecorded", BEFORE_CHECK, instrument=instrument, items=items),
    )

    measure = journey.facts.measures[0]
    assert (measure["total"], measure["band"]) == (total, band)


BANDS = [
    ("PHQ-9", 4, "minimal"),
    ("PHQ-9", 5, "mild"),
    ("PHQ-9", 9, "mild"),
    ("PHQ-9", 10, "moderate"),
    ("PHQ-9", 14, "moderate"),
    ("PHQ-9", 15, "moderately_severe"),
    ("PHQ-9", 19, "moderately_severe"),
    ("PHQ-9", 20, "severe"),
    ("GAD-7", 4, "minimal"),
    ("GAD-7", 5, "mild"),
    ("GAD-7", 10, "moderate"),
    ("GAD-7", 14, "moderate"),
    ("GAD-7", 15, "severe"),
    ("PCL-5", 32, "below_threshold"),
    ("PCL-5", 33, "probable_ptsd"),
]
ITEM_COUNT = {"PHQ-9": 9, "GAD-7": 7, "PCL-5": 20}


def answers_totalling(instrument: str, total: int) -> list[int]:
    top = 4 if instrument == "PCL-5" else 3
    items = []
    for _ in range(ITEM_COUNT[instrument]):
        items.append(min(top, total))
        total -= items[-1]
    return items


@pytest.mark.parametrize(("instrument", "total", "band"), BANDS)
def test_totals_fall_into_the_documented_bands(instrument, total, band):
    result = score(instrument, answers_totalling(instrument, total))

    assert (result.total, result.band) == (total, band)
