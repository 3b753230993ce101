"""The guidance a treatment plan's refusals (J-09) and a refused correction give: the
sentences staff act on, pinned word for word, and the checks a correction re-runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.errors import CorrectionRefusedError, RuleViolationError
from domain.journey import Journey
from domain.protocols import KAP_STANDARD
from tests.story import Step, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    given_journey,
    intake_for,
    post,
    refused,
    refused_correction,
    series,
)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
LAST_SERIES_DOSE = FIRST_DOSE + 15 * DAY
"""KAP's six doses, three days apart: the last on 2026-10-21 at 10:00 UTC."""
BASELINE_VERSION = 3
IMPROVED = [1] * 8 + [0]


def plan(at: datetime, role: str = "prescriber", **changes) -> Step:
    body = step("TreatmentPlanUpdated", at, **changes)
    return Step(body.type, body.occurred_at, body.data, role)


def kap_series(*, end_of_series: bool = True, doses: int = 6) -> Journey:
    steps = [*intake_for(KAP_STANDARD), *series(KAP_STANDARD, doses)]
    if end_of_series:
        steps.append(phq9(IMPROVED, LAST_SERIES_DOSE + 2 * HOUR, "end_of_series"))
    return given_journey(KAP_STANDARD, steps)


# --- treatment plans (J-09) ----------------------------------------------------------------


def test_a_plan_by_a_nurse_is_refused_as_the_prescribers_decision():
    journey = kap_series()

    violation = refused(journey, plan(LAST_SERIES_DOSE + DAY, "nurse"))

    assert (violation.rule, violation.detail) == (
        "J-09",
        "A treatment plan is a prescriber's decision: record it as a prescriber.",
    )


def test_a_plan_during_the_series_says_a_plan_follows_the_series():
    journey = kap_series(end_of_series=False, doses=5)

    violation = refused(journey, plan(LAST_SERIES_DOSE + DAY))

    assert (violation.rule, violation.detail) == (
        "J-09",
        "The induction series is not complete (5 of 6 doses given): "
        "a treatment plan follows the series.",
    )


def test_a_plan_without_the_end_of_series_phq9_names_the_series_last_dose():
    journey = kap_series(end_of_series=False)

    violation = refused(journey, plan(LAST_SERIES_DOSE + DAY))

    assert (violation.rule, violation.detail) == (
        "J-09",
        "No end-of-series PHQ-9 since the series' last dose (2026-10-21 10:00 UTC): record "
        "OutcomeMeasureRecorded (PHQ-9, timepoint end_of_series) first.",
    )


def test_a_plan_too_large_says_to_plan_fewer_and_review_later():
    journey = kap_series()

    violation = refused(journey, plan(LAST_SERIES_DOSE + DAY, further_sessions=13))

    assert (violation.rule, violation.detail) == (
        "J-09",
        "A plan grants at most 12 further sessions (13 asked): plan 12 or fewer and review "
        "again when they are given.",
    )


def test_a_plan_corrected_beyond_its_size_is_refused_under_j09():
    journey = kap_series()
    post(journey, plan(LAST_SERIES_DOSE + DAY, further_sessions=4))

    violation = refused_correction(
        journey, journey.version, {"further_sessions": 13}, LAST_SERIES_DOSE + 2 * DAY
    )

    assert violation.rule == "J-09"


# --- corrections -------------------------------------------------------------------------


def test_a_correction_changing_nothing_is_refused_saying_so():
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD))

    refusal = refused_correction(journey, BASELINE_VERSION, {}, FIRST_DOSE)

    assert isinstance(refusal, CorrectionRefusedError)
    assert str(refusal) == "A correction must change at least one field."


def test_a_correction_of_both_identifying_fields_names_both_and_what_to_do():
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD))

    refusal = refused_correction(
        journey, BASELINE_VERSION, {"session": 2, "instrument": "GAD-7"}, FIRST_DOSE
    )

    assert isinstance(refusal, CorrectionRefusedError)
    assert str(refusal) == (
        "instrument, session identifies the entry and cannot be corrected; "
        "correct the entry that was meant instead."
    )


def test_a_corrected_measure_is_scored_again_so_impossible_answers_are_refused():
    journey = given_journey(KAP_STANDARD, intake_for(KAP_STANDARD))

    refusal = refused_correction(journey, BASELINE_VERSION, {"items": [7] * 9}, FIRST_DOSE)

    assert isinstance(refusal, RuleViolationError)
    assert refusal.rule == "J-14"
