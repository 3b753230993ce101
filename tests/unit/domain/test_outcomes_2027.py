"""Response and remission as results are read (issue 10, item 22): judged only from a
follow-up or end-of-series score, only where the baseline was high enough, against the
latest baseline at or before the first dose; not measured is null, never "no".

How results are read is not a rule of a protocol version, so every journey reads them
this way, whatever profile (2026-11-01 or 2027-1) it was opened under.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.protocols import KAP_STANDARD, KAP_STANDARD_2026, SPRAVATO_REMS, SPRAVATO_REMS_2026
from tests.story import START, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    full_session,
    given_journey,
    intake_for,
    post,
    status_of,
)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
LATER = START + 30 * DAY


def phq9_of(total: int) -> list[int]:
    """PHQ-9 answers adding up to ``total`` (item 9 always 0: no safety hold)."""
    items = [0] * 9
    for n in range(total):
        items[n % 8] += 1
    return items


def gad7_of(total: int) -> list[int]:
    items = [0] * 7
    for n in range(total):
        items[n % 7] += 1
    return items


def gad7(total: int, at, timepoint: str = "baseline"):
    return step(
        "OutcomeMeasureRecorded", at, instrument="GAD-7", items=gad7_of(total), timepoint=timepoint
    )


def phq9_outcome(profile, *steps, now=LATER):
    return status_of(given_journey(profile, steps), now).outcomes["PHQ-9"]


@pytest.fixture(
    params=[KAP_STANDARD, SPRAVATO_REMS, KAP_STANDARD_2026, SPRAVATO_REMS_2026],
    ids=["kap", "spravato", "kap-2026", "spravato-2026"],
)
def profile(request):
    """Every profile and version: how results are read does not depend on the protocol."""
    return request.param


# Which scores are judged


@pytest.mark.parametrize("timepoint", ["post_session", "pre_dose"])
def test_a_day_after_or_pre_dose_score_is_never_judged(profile, timepoint):
    outcome = phq9_outcome(
        profile, phq9(phq9_of(19), START + HOUR), phq9(phq9_of(4), START + DAY, timepoint)
    )

    assert outcome.latest == 4, "the latest score is still shown"
    assert (outcome.response, outcome.remission) == (None, None), "not measured, never no"
    assert (outcome.judged_score, outcome.judged_at) == (None, None)


@pytest.mark.parametrize("timepoint", ["follow_up", "end_of_series"])
def test_a_follow_up_or_end_of_series_score_is_judged(profile, timepoint):
    outcome = phq9_outcome(
        profile, phq9(phq9_of(19), START + HOUR), phq9(phq9_of(4), LATER, timepoint)
    )

    assert (outcome.response, outcome.remission) == ("yes", "yes")
    assert (outcome.judged_score, outcome.judged_at) == (4, LATER)


def test_the_judged_score_is_the_latest_follow_up_not_a_later_day_after_one(profile):
    outcome = phq9_outcome(
        profile,
        phq9(phq9_of(19), START + HOUR),
        phq9(phq9_of(12), LATER - DAY, "follow_up"),
        phq9(phq9_of(3), LATER, "post_session"),
    )

    assert (outcome.latest, outcome.judged_score) == (3, 12)
    assert (outcome.response, outcome.remission) == ("no", "no")


# Baselines too low to judge


@pytest.mark.parametrize(("baseline", "judged"), [(9, "not_applicable"), (10, "yes")])
def test_a_phq9_baseline_below_10_cannot_respond_or_remit(profile, baseline, judged):
    outcome = phq9_outcome(
        profile, phq9(phq9_of(baseline), START + HOUR), phq9(phq9_of(2), LATER, "follow_up")
    )

    assert (outcome.response, outcome.remission) == (judged, judged)


@pytest.mark.parametrize(("baseline", "judged"), [(9, "not_applicable"), (10, "yes")])
def test_a_gad7_baseline_below_10_cannot_respond_or_remit(profile, baseline, judged):
    journey = given_journey(
        profile, [gad7(baseline, START + HOUR), gad7(2, LATER, "end_of_series")]
    )

    outcome = status_of(journey, LATER).outcomes["GAD-7"]

    assert (outcome.response, outcome.remission) == (judged, judged)


# The lines of response and remission


@pytest.mark.parametrize(("score", "response"), [(10, "yes"), (11, "no")])
def test_a_response_is_a_fall_to_half_the_baseline_or_less(profile, score, response):
    outcome = phq9_outcome(
        profile, phq9(phq9_of(20), START + HOUR), phq9(phq9_of(score), LATER, "follow_up")
    )

    assert outcome.response == response


@pytest.mark.parametrize(("score", "remission"), [(4, "yes"), (5, "no")])
def test_a_remission_is_a_score_below_5(profile, score, remission):
    outcome = phq9_outcome(
        profile, phq9(phq9_of(20), START + HOUR), phq9(phq9_of(score), LATER, "follow_up")
    )

    assert outcome.remission == remission


def test_pcl5_has_no_remission_and_cssrs_neither_response_nor_remission(profile):
    journey = given_journey(
        profile,
        [
            step("OutcomeMeasureRecorded", START + HOUR, instrument="PCL-5", items=[2] * 20),
            step(
                "OutcomeMeasureRecorded",
                LATER,
                instrument="PCL-5",
                items=[1] * 20,
                timepoint="follow_up",
            ),
            step("OutcomeMeasureRecorded", LATER, instrument="C-SSRS", items=[0] * 6),
        ],
    )

    outcomes = status_of(journey, LATER).outcomes

    pcl5 = outcomes["PCL-5"]
    assert (pcl5.response, pcl5.remission, pcl5.meaningful_change) == (
        "yes",
        "not_applicable",
        True,
    )
    cssrs = outcomes["C-SSRS"]
    assert (cssrs.response, cssrs.remission) == ("not_applicable", "not_applicable")


def test_a_pcl5_day_after_score_is_no_meaningful_change_yet(profile):
    journey = given_journey(
        profile,
        [
            step("OutcomeMeasureRecorded", START + HOUR, instrument="PCL-5", items=[2] * 20),
            step(
                "OutcomeMeasureRecorded",
                LATER,
                instrument="PCL-5",
                items=[1] * 20,
                timepoint="post_session",
            ),
        ],
    )

    assert status_of(journey, LATER).outcomes["PCL-5"].meaningful_change is None


# The baseline


def test_without_a_baseline_nothing_is_judged_even_from_a_follow_up(profile):
    outcome = phq9_outcome(profile, phq9(phq9_of(4), LATER, "follow_up"))

    assert (outcome.baseline, outcome.change_pct) == (None, None)
    assert (outcome.response, outcome.remission) == (None, None)


def test_a_follow_up_score_before_treatment_is_never_the_baseline(profile):
    outcome = phq9_outcome(
        profile,
        phq9(phq9_of(19), START + HOUR, "follow_up"),
        phq9(phq9_of(4), LATER, "end_of_series"),
    )

    assert outcome.baseline is None
    assert outcome.response is None


def test_the_baseline_is_the_latest_one_taken_by_time(profile):
    outcome = phq9_outcome(
        profile,
        phq9(phq9_of(19), START + 2 * HOUR),
        phq9(phq9_of(12), START + HOUR),  # posted later, taken earlier
        phq9(phq9_of(9), LATER, "follow_up"),
    )

    assert outcome.baseline == 19
    assert outcome.response == "yes"


@pytest.mark.parametrize(("after_dose", "baseline"), [(timedelta(0), 8), (SECOND, 17)])
def test_a_baseline_after_the_first_dose_is_not_the_baseline(profile, after_dose, baseline):
    """The intake's baseline (17) stands; one taken at the dose still counts (at or
    before it, as C-06 reads it), one a second later does not."""
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])
    post(journey, phq9(phq9_of(8), FIRST_DOSE + after_dose, "baseline"))

    assert status_of(journey, FIRST_DOSE + DAY).outcomes["PHQ-9"].baseline == baseline


def pcl5(items, at, timepoint="baseline"):
    return step("OutcomeMeasureRecorded", at, instrument="PCL-5", items=items, timepoint=timepoint)


@pytest.mark.parametrize(
    ("later", "meaningful"), [([1] * 10 + [2] * 10, True), ([1] * 9 + [2] * 11, False)]
)
def test_a_pcl5_meaningful_change_is_a_fall_of_10_points_or_more(profile, later, meaningful):
    journey = given_journey(
        profile, [pcl5([2] * 20, START + HOUR), pcl5(later, LATER, "follow_up")]
    )

    assert status_of(journey, LATER).outcomes["PCL-5"].meaningful_change is meaningful


def test_a_pcl5_baseline_of_0_cannot_respond(profile):
    journey = given_journey(
        profile, [pcl5([0] * 20, START + HOUR), pcl5([0] * 20, LATER, "follow_up")]
    )

    outcome = status_of(journey, LATER).outcomes["PCL-5"]

    assert (outcome.response, outcome.change_pct) == ("not_applicable", None)


def test_only_pcl5_has_a_meaningful_change(profile):
    outcome = phq9_outcome(
        profile, phq9(phq9_of(19), START + HOUR), phq9(phq9_of(4), LATER, "follow_up")
    )

    assert outcome.meaningful_change is None


@pytest.mark.parametrize(("later", "response"), [(25, "yes"), (26, "no")])
def test_a_pcl5_response_is_judged_to_the_point_of_half(profile, later, response):
    """51 to 25 is a fall of 51 %, to 26 of 49 %: only the first is a response."""
    journey = given_journey(
        profile,
        [
            pcl5([3] * 11 + [2] * 9, START + HOUR),
            pcl5([2] * (later - 20) + [1] * (40 - later), LATER, "follow_up"),
        ],
    )

    assert status_of(journey, LATER).outcomes["PCL-5"].response == response


@pytest.mark.parametrize(("score", "remission"), [(4, "yes"), (5, "no")])
def test_a_gad7_remission_is_a_score_below_5(profile, score, remission):
    journey = given_journey(profile, [gad7(14, START + HOUR), gad7(score, LATER, "follow_up")])

    assert status_of(journey, LATER).outcomes["GAD-7"].remission == remission


def test_the_latest_of_several_follow_up_scores_is_judged(profile):
    outcome = phq9_outcome(
        profile,
        phq9(phq9_of(19), START + HOUR),
        phq9(phq9_of(12), LATER - 7 * DAY, "follow_up"),
        phq9(phq9_of(3), LATER, "end_of_series"),
    )

    assert (outcome.judged_score, outcome.response, outcome.remission) == (3, "yes", "yes")
