"""EntryCorrected: a correction re-applies an entry's corrected data; identity stays fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import CorrectionRefusedError, RuleViolationError
from domain.journey import Journey
from tests.story import START, Step, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    correct,
    discharge_time,
    dose,
    entry_of,
    full_session,
    given_journey,
    intake_for,
    post,
    posting_for,
    pre_dose_check,
    ready_to_dose,
    refused,
    refused_correction,
    series,
    status_of,
    version_of,
)

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
BASELINE_VERSION = 3  # opened, consultation, baseline PHQ-9, ...
SCREENING_VERSION = 4
"""The intake's first entries, the same under both protocols (later ones are looked up)."""
CORRECTED_AT = FIRST_DOSE - HOUR
SEVERE_19 = [3, 3, 3, 2, 2, 2, 2, 2, 0]


def replayed(journey: Journey) -> Journey:
    aggregate = None
    for event in journey.pending_events:
        aggregate = event.mutate(aggregate)
    assert aggregate is not None
    return aggregate


def test_correcting_a_phq9_changes_the_outcome(profile):
    journey = given_journey(
        profile, [*intake_for(profile), phq9([1, 1, 1, 1, 1, 1, 1, 1, 0], FIRST_DOSE, "follow_up")]
    )
    assert status_of(journey, FIRST_DOSE).outcomes["PHQ-9"].baseline == 17

    correct(journey, BASELINE_VERSION, {"items": SEVERE_19}, CORRECTED_AT + DAY)

    outcome = status_of(journey, FIRST_DOSE + DAY).outcomes["PHQ-9"]
    assert (outcome.baseline, outcome.latest, outcome.change_pct) == (19, 8, -57.9)


def test_a_correction_is_kept_beside_the_original_and_survives_a_replay(profile):
    journey = given_journey(profile, intake_for(profile))
    original_items = journey.pending_events[BASELINE_VERSION - 1].data["items"]

    intake_ends = journey.version

    correct(journey, BASELINE_VERSION, {"items": SEVERE_19}, CORRECTED_AT)

    assert journey.version == intake_ends + 1
    assert journey.pending_events[BASELINE_VERSION - 1].data["items"] == original_items
    assert journey.facts.corrections == [
        {
            "version": intake_ends + 1,
            "at": CORRECTED_AT,
            "corrects_version": 3,
            "corrects_type": "OutcomeMeasureRecorded",
            "fields": ["items"],
            "reason": "Keyed wrongly.",
            "by": "therapist-1 (therapist)",
        }
    ]
    assert replayed(journey).facts == journey.facts


def test_correcting_phq9_item_9_above_zero_raises_a_safety_hold(profile):
    journey = given_journey(profile, intake_for(profile))

    correct(journey, BASELINE_VERSION, {"items": [2, 3, 2, 2, 2, 2, 2, 2, 1]}, CORRECTED_AT)
    post(journey, pre_dose_check(1, FIRST_DOSE))

    assert "safety_hold" in status_of(journey, FIRST_DOSE).flags
    assert refused(journey, dose(profile, 1, FIRST_DOSE)).rule == "J-12"


def test_correcting_phq9_item_9_to_zero_removes_the_safety_hold(profile):
    journey = given_journey(
        profile,
        [*intake_for(profile), phq9([1, 1, 1, 1, 1, 1, 1, 1, 2], CORRECTED_AT, "pre_dose")],
    )
    assert "safety_hold" in status_of(journey, CORRECTED_AT).flags
    pre_dose_phq9 = version_of(journey, "OutcomeMeasureRecorded", timepoint="pre_dose")

    correct(journey, pre_dose_phq9, {"items": [1, 1, 1, 1, 1, 1, 1, 1, 0]}, CORRECTED_AT + 5 * MIN)
    post(journey, pre_dose_check(1, FIRST_DOSE))
    post(journey, dose(profile, 1, FIRST_DOSE))

    assert "safety_hold" not in status_of(journey, FIRST_DOSE).flags


def test_correcting_a_serious_adverse_event_to_mild_removes_the_safety_hold(profile):
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            step("AdverseEventReported", CORRECTED_AT, session=None, severity="serious"),
        ],
    )

    event = version_of(journey, "AdverseEventReported")

    correct(journey, event, {"severity": "mild"}, CORRECTED_AT + 5 * MIN)

    flags = status_of(journey, CORRECTED_AT + HOUR).flags
    assert "safety_hold" not in flags
    assert "adverse_event" in flags


def test_correcting_a_dose_amount_changes_the_session_summary(profile):
    """Session 2's dose keyed as the first's: 84 mg was given (Spravato), or 30 mg (KAP)."""
    journey = given_journey(profile, [*intake_for(profile), *series(profile, 2)])
    dose_version = version_of(journey, "KetamineAdministered", session=2)
    given = 84 if profile.name == "spravato-rems" else 30
    after = FIRST_DOSE + 5 * DAY

    correct(journey, dose_version, {"dose_mg": given}, after)

    assert status_of(journey, after).sessions[1].dose_mg == given


@pytest.mark.parametrize(
    ("version", "changes", "expected"),
    [
        (BASELINE_VERSION, {"session": 2}, "session identifies the entry"),
        (BASELINE_VERSION, {"instrument": "GAD-7"}, "instrument identifies the entry"),
        (1, {"patient_ref": "MRN-9"}, "JourneyOpened entry cannot be corrected"),
        (BASELINE_VERSION, {}, "at least one field"),
    ],
    ids=["session", "instrument", "JourneyOpened", "nothing"],
)
def test_a_correction_of_what_identifies_an_entry_is_refused(profile, version, changes, expected):
    journey = given_journey(profile, intake_for(profile))

    error = refused_correction(journey, version, changes, CORRECTED_AT)

    assert isinstance(error, CorrectionRefusedError)
    assert expected in str(error)


def test_correcting_a_dose_session_is_refused(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])

    dose_version = version_of(journey, "KetamineAdministered", session=1)

    error = refused_correction(journey, dose_version, {"session": 2}, FIRST_DOSE + DAY)

    assert isinstance(error, CorrectionRefusedError)


def test_correcting_a_correction_is_refused(profile):
    journey = given_journey(profile, intake_for(profile))
    correct(journey, BASELINE_VERSION, {"items": SEVERE_19}, CORRECTED_AT)
    correction = journey.version

    error = refused_correction(journey, correction, {"reason": "again"}, CORRECTED_AT + MIN)

    assert isinstance(error, CorrectionRefusedError)


def test_a_correction_with_answers_out_of_range_is_refused_under_j14(profile):
    journey = given_journey(profile, intake_for(profile))

    error = refused_correction(journey, BASELINE_VERSION, {"items": [4] * 9}, CORRECTED_AT)

    assert isinstance(error, RuleViolationError)
    assert error.rule == "J-14"


def test_correcting_a_screening_to_eligible_despite_a_contraindication_is_refused_under_j02(
    profile,
):
    journey = given_journey(profile, intake_for(profile))
    found = {**journey.pending_events[SCREENING_VERSION - 1].data["contraindications"]}
    found["acute_mania"] = True

    error = refused_correction(
        journey, SCREENING_VERSION, {"contraindications": found}, CORRECTED_AT
    )

    assert isinstance(error, RuleViolationError)
    assert error.rule == "J-02"


def test_correcting_a_screening_to_ineligible_stops_dosing(profile):
    journey = ready_to_dose(profile)

    correct(journey, SCREENING_VERSION, {"decision": "ineligible"}, FIRST_DOSE - 10 * MIN)

    assert refused(journey, dose(profile, 1, FIRST_DOSE)).rule == "J-13"


def test_a_correction_from_the_future_is_refused_under_j15(profile):
    journey = given_journey(profile, intake_for(profile))
    intake_ends = journey.version
    body = {"corrects_version": BASELINE_VERSION, "reason": "typo", "data": {"items": SEVERE_19}}
    late = Step("EntryCorrected", CORRECTED_AT, body, "therapist")
    with pytest.raises(RuleViolationError) as caught:
        journey.correct_entry(
            body,
            entry_of(journey, BASELINE_VERSION),
            posting_for(late, recorded_at=CORRECTED_AT - HOUR),
        )

    assert caught.value.rule == "J-15"
    assert journey.version == intake_ends


# Corrections of an entry that a later entry of the same kind has superseded.


def test_correcting_an_earlier_screening_keeps_the_later_decision(profile):
    journey = given_journey(
        profile,
        [
            step("ConsultationCompleted", START + HOUR),
            phq9([2, 3, 2, 2, 2, 2, 2, 2, 0], START + 2 * HOUR),
            step("ScreeningCompleted", START + DAY, decision="ineligible"),  # v4
            step("ScreeningCompleted", START + 2 * DAY),  # v5: eligible after clearance
        ],
    )

    correct(journey, 4, {"rationale": "Awaiting cardiology clearance."}, START + 3 * DAY)

    assert journey.facts.eligible
    assert status_of(journey, START + 3 * DAY).stage == "screened"


def test_correcting_a_superseded_pre_dose_check_keeps_the_repeated_one(profile):
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            pre_dose_check(1, FIRST_DOSE - HOUR, alcohol_or_drugs_last_24h=True),
            pre_dose_check(1, FIRST_DOSE),  # repeated, all clear
        ],
    )
    first_check = version_of(journey, "PreDoseCheckCompleted", session=1)
    repeated = journey.version

    correct(journey, first_check, {"pregnancy_test": "negative"}, FIRST_DOSE - 10 * MIN)
    post(journey, dose(profile, 1, FIRST_DOSE))

    assert journey.facts.session(1)["pre_dose"]["version"] == repeated


def test_a_correction_revealing_self_harm_after_a_cleared_review_raises_the_hold(profile):
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            step("SafetyReviewCompleted", START + 4 * DAY + HOUR),  # v7, for another concern
        ],
    )

    correct(journey, BASELINE_VERSION, {"items": [2, 3, 2, 2, 2, 2, 2, 2, 2]}, CORRECTED_AT)
    post(journey, pre_dose_check(1, FIRST_DOSE))

    assert "safety_hold" in status_of(journey, FIRST_DOSE).flags
    assert refused(journey, dose(profile, 1, FIRST_DOSE)).rule == "J-12"


def test_the_discharge_time_is_unaffected_by_a_correction_of_its_instructions(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])

    discharge = version_of(journey, "PatientDischarged", session=1)

    correct(journey, discharge, {"instructions": ["No driving for 24 h"]}, FIRST_DOSE + DAY)

    summary = status_of(journey, FIRST_DOSE + DAY).sessions[0]
    assert summary.discharged_at == discharge_time(profile, FIRST_DOSE)
