"""Measurement-based care under 2027-1 (issue 10, item 23): the profile's schedule says
when each scale is due; a due measure is a next step and the flag ``measure_due``.

PHQ-9 at baseline, after session 3 and at the end of the series; PCL-5 (ptsd) and GAD-7
(anxiety) at baseline and at the end of the series. Profiles before 2027-1 schedule
nothing, so nothing is ever due under them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.entries import Actor, Posting
from domain.journey import Journey
from domain.measurement import measures_due
from domain.protocols import KAP_STANDARD, KAP_STANDARD_2026, SPRAVATO_REMS, SPRAVATO_REMS_2026
from tests.story import START, in_session_vitals, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    JOURNEY_ID,
    dose,
    full_session,
    intake_for,
    post,
    pre_dose_check,
    series,
    series_offsets,
    status_of,
)

MIN = timedelta(minutes=1)
SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)
PHQ9_8 = [1, 1, 1, 1, 1, 1, 1, 1, 0]
CONSULTED = START + timedelta(hours=1)
"""When the intake's consultation is held."""


def journey_with(profile, concerns=("treatment_resistant_depression",), steps=()):
    journey = Journey.open(
        journey_id=JOURNEY_ID,
        clinic_id="clinic-1",
        patient_ref="MRN-0042",
        episode=1,
        profile=profile,
        primary_clinician="dr-lee",
        presenting_concerns=list(concerns),
        posting=Posting(START, START, Actor("coord-sam", "coordinator"), "test"),
    )
    for s in steps:
        post(journey, s)
    return journey


def scale(instrument: str, at, timepoint: str = "baseline"):
    items = {"GAD-7": [1] * 7, "PCL-5": [1] * 20}[instrument]
    return step(
        "OutcomeMeasureRecorded", at, instrument=instrument, items=items, timepoint=timepoint
    )


def due_now(journey, now):
    return [(d.instrument, d.timepoint, d.session) for d in measures_due(journey.facts, now)]


def discharged_at(journey, session: int):
    return journey.facts.session(session)["discharge"]["at"]


def dosed_at(journey, session: int):
    return journey.facts.session(session)["dose"]["at"]


# Baselines


def test_a_baseline_phq9_falls_due_with_the_consultation(profile):
    journey = journey_with(profile, steps=intake_for(profile)[:1])

    assert due_now(journey, CONSULTED - MIN) == []
    assert due_now(journey, CONSULTED) == [("PHQ-9", "baseline", None)]
    status = status_of(journey, CONSULTED + MIN)
    assert "measure_due" in status.flags
    assert status.next_step.code == "record_baseline", "the pathway's own step says it"


def test_the_recorded_baseline_takes_it(profile):
    journey = journey_with(profile, steps=intake_for(profile)[:2])

    assert due_now(journey, FIRST_DOSE) == []


@pytest.mark.parametrize(
    ("concern", "instrument"), [("anxiety", "GAD-7"), ("ptsd", "PCL-5")], ids=["gad7", "pcl5"]
)
def test_a_presenting_concern_adds_its_scale_at_baseline(profile, concern, instrument):
    journey = journey_with(profile, [concern], intake_for(profile))

    assert due_now(journey, FIRST_DOSE) == [(instrument, "baseline", None)]
    status = status_of(journey, FIRST_DOSE)
    assert (status.next_step.code, status.next_step.text) == (
        "record_measure",
        f"Record the baseline {instrument} (timepoint baseline).",
    )
    post(journey, scale(instrument, FIRST_DOSE - DAY))
    assert due_now(journey, FIRST_DOSE) == []
    assert status_of(journey, FIRST_DOSE).next_step.code == "pre_dose_check"


def test_without_that_concern_the_scale_is_not_scheduled(profile):
    journey = journey_with(profile, ["depression", "other"], intake_for(profile))

    assert due_now(journey, FIRST_DOSE) == []


def test_once_the_first_dose_is_given_a_missing_baseline_is_no_longer_due(profile):
    """It can no longer be taken: C-13 reports it instead."""
    journey = journey_with(
        profile, ["anxiety"], [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)]
    )

    assert due_now(journey, FIRST_DOSE + DAY) == []


# After session 3


def test_the_phq9_after_session_3_falls_due_when_session_3_is_discharged(profile):
    journey = journey_with(profile, steps=[*intake_for(profile), *series(profile, 3)])
    out = discharged_at(journey, 3)

    assert due_now(journey, out - MIN) == []
    assert due_now(journey, out) == [("PHQ-9", "follow_up", 3)]
    status = status_of(journey, out + 3 * 60 * MIN)
    assert status.flags == ["measure_due"]
    assert (status.next_step.code, status.next_step.text) == (
        "record_measure",
        "Record the PHQ-9 after session 3 (timepoint follow_up).",
    )


def test_after_session_2_or_while_session_3_is_observed_nothing_is_due(profile):
    third = FIRST_DOSE + series_offsets(profile, 3)[2]
    journey = journey_with(profile, steps=[*intake_for(profile), *series(profile, 2)])
    assert due_now(journey, third - DAY) == []

    post(journey, pre_dose_check(3, third))
    post(journey, dose(profile, 3, third))
    post(journey, in_session_vitals(3, third))

    assert due_now(journey, third + 60 * MIN) == []


@pytest.mark.parametrize("timepoint", ["pre_dose", "post_session", "follow_up", "end_of_series"])
def test_any_phq9_since_the_discharge_but_a_baseline_takes_it(profile, timepoint):
    journey = journey_with(profile, steps=[*intake_for(profile), *series(profile, 3)])
    out = discharged_at(journey, 3)
    post(journey, phq9(PHQ9_8, out, timepoint))

    assert due_now(journey, out + DAY) == []


def test_a_baseline_phq9_or_one_before_the_discharge_does_not_take_it(profile):
    journey = journey_with(profile, steps=[*intake_for(profile), *series(profile, 3)])
    out = discharged_at(journey, 3)
    post(journey, phq9(PHQ9_8, out - SECOND, "post_session"))
    post(journey, phq9(PHQ9_8, out + MIN, "baseline"))

    assert due_now(journey, out + DAY) == [("PHQ-9", "follow_up", 3)]


def test_an_overdue_rems_form_outranks_the_measure_under_spravato():
    profile = SPRAVATO_REMS
    third = FIRST_DOSE + series_offsets(profile, 3)[2]
    journey = journey_with(
        profile,
        steps=[
            *intake_for(profile),
            *series(profile, 2),
            *full_session(profile, 3, third, rems_form=False),
        ],
    )

    status = status_of(journey, third + 8 * DAY)

    assert status.flags == ["rems_form_overdue", "measure_due"]
    assert status.next_step.code == "submit_rems_form"


def test_an_integration_still_to_hold_outranks_the_measure_under_kap():
    profile = KAP_STANDARD
    third = FIRST_DOSE + series_offsets(profile, 3)[2]
    journey = journey_with(
        profile,
        steps=[
            *intake_for(profile),
            *series(profile, 2),
            *full_session(profile, 3, third, integrate=False),
        ],
    )

    status = status_of(journey, third + DAY)

    assert status.flags == ["measure_due"]
    assert status.next_step.code == "integrate_session"


# End of series


def test_at_the_end_of_the_series_the_end_of_series_phq9_is_due(profile):
    length = profile.series_length
    journey = journey_with(profile, steps=[*intake_for(profile), *series(profile, length)])
    out = discharged_at(journey, length)
    post(journey, phq9(PHQ9_8, discharged_at(journey, 3) + DAY, "follow_up"))

    assert due_now(journey, out - MIN) == []
    assert due_now(journey, out) == [("PHQ-9", "end_of_series", length)]
    assert status_of(journey, out + 3 * 60 * MIN).next_step.text == (
        f"Record the end-of-series PHQ-9 (after session {length}) (timepoint end_of_series)."
    )


def test_an_end_of_series_phq9_takes_both_points_a_follow_up_only_the_first(profile):
    length = profile.series_length
    journey = journey_with(profile, steps=[*intake_for(profile), *series(profile, length)])
    out = discharged_at(journey, length)

    post(journey, phq9(PHQ9_8, out + DAY, "follow_up"))
    assert due_now(journey, out + 2 * DAY) == [("PHQ-9", "end_of_series", length)]
    post(journey, phq9(PHQ9_8, out + 2 * DAY, "end_of_series"))
    assert due_now(journey, out + 3 * DAY) == []


@pytest.mark.parametrize(("before_dose", "taken"), [(timedelta(0), True), (SECOND, False)])
def test_an_end_of_series_measure_counts_from_the_series_last_dose(profile, before_dose, taken):
    length = profile.series_length
    journey = journey_with(profile, steps=[*intake_for(profile), *series(profile, length)])
    post(journey, phq9(PHQ9_8, dosed_at(journey, length) - before_dose, "end_of_series"))

    due = due_now(journey, discharged_at(journey, length) + DAY)

    assert (("PHQ-9", "end_of_series", length) not in due) is taken


@pytest.mark.parametrize(
    ("concern", "instrument"), [("anxiety", "GAD-7"), ("ptsd", "PCL-5")], ids=["gad7", "pcl5"]
)
def test_a_presenting_concern_adds_its_scale_at_the_end_of_the_series(profile, concern, instrument):
    length = profile.series_length
    journey = journey_with(
        profile,
        [concern],
        [*intake_for(profile), scale(instrument, CONSULTED + MIN), *series(profile, length)],
    )
    out = discharged_at(journey, length)
    post(journey, phq9(PHQ9_8, out + DAY, "end_of_series"))

    assert due_now(journey, out + DAY) == [(instrument, "end_of_series", length)]
    post(journey, scale(instrument, out + DAY, "end_of_series"))
    assert due_now(journey, out + DAY) == []


def test_a_closed_journey_has_nothing_due(profile):
    journey = journey_with(profile, steps=[*intake_for(profile), *series(profile, 3)])
    out = discharged_at(journey, 3)
    post(journey, step("JourneyClosed", out + DAY, reason="withdrawn"))

    assert due_now(journey, out + 2 * DAY) == []
    assert "measure_due" not in status_of(journey, out + 2 * DAY).flags


# Protocols before 2027-1


@pytest.mark.parametrize(
    "legacy", [KAP_STANDARD_2026, SPRAVATO_REMS_2026], ids=["kap-2026", "spravato-2026"]
)
def test_under_2026_11_01_no_measure_is_ever_due(legacy):
    length = legacy.series_length
    journey = journey_with(
        legacy, ["anxiety", "ptsd"], [*intake_for(legacy), *series(legacy, length)]
    )
    out = discharged_at(journey, length)

    assert legacy.measurement_schedule == []
    for now in (CONSULTED, discharged_at(journey, 3) + DAY, out + 30 * DAY):
        status = status_of(journey, now)
        assert due_now(journey, now) == []
        assert "measure_due" not in status.flags
        assert status.next_step.code != "record_measure"
