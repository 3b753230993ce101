"""The words staff read on a journey's status, word for word: each next step along the
pathway, a dose held by blockers, a closed journey, the plan to update after a series,
a refused scale answer, an unknown protocol name; and the edges of judging a response.

A next step is an instruction to a nurse or a prescriber, so its text is behaviour."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.errors import RuleViolationError, UnknownProtocolError
from domain.outcomes import response_of
from domain.protocols import BUILT_IN_PROFILES, KAP_STANDARD, profile_named
from domain.scales import ScaleScore, score
from domain.status import NextStep
from tests.story import START, Step, in_session_vitals, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    JOURNEY_ID,
    RECORDING_DELAY,
    discharge,
    discharge_time,
    dose,
    given_journey,
    intake_for,
    open_journey,
    post,
    ready_to_dose,
    series,
    status_of,
)

MIN = timedelta(minutes=1)
DAY = timedelta(days=1)

PATHWAY_STEPS = [
    NextStep("record_baseline", "Record the baseline PHQ-9, GAD-7 and PCL-5."),
    NextStep("complete_screening", "Complete the screening for contraindications."),
    NextStep("sign_consent", "Discuss the risks and have the consent signed."),
    NextStep("complete_preparation", "Hold the preparation session."),
    NextStep("pre_dose_check", "Complete the pre-dose check for session 1."),
]
"""The next step after each intake entry (consultation, baseline, screening, consent,
preparation), in order."""


def test_a_new_journey_asks_for_the_initial_consultation(profile):
    journey = open_journey(profile)

    assert status_of(journey, START).next_step == NextStep(
        "complete_consultation", "Hold the initial consultation."
    )


def test_each_intake_entry_leads_to_the_next_pathway_step_in_words(profile):
    journey = open_journey(profile)
    intake = intake_for(profile)[: len(PATHWAY_STEPS)]

    seen = []
    for s in intake:
        post(journey, s)
        seen.append(status_of(journey, s.occurred_at + 2 * MIN).next_step)

    assert seen == PATHWAY_STEPS


def test_a_checked_session_with_nothing_blocking_says_administer_the_dose(profile):
    journey = ready_to_dose(profile)

    status = status_of(journey, FIRST_DOSE)

    assert status.blockers == []
    assert status.next_step == NextStep("administer_dose", "Administer the dose of session 1.")


def test_a_checked_session_with_a_blocker_says_the_dose_waits_for_it(profile):
    journey = ready_to_dose(profile)
    late = FIRST_DOSE + 90 * MIN

    status = status_of(journey, late)

    assert status.blockers, "the pre-dose check has expired"
    assert status.next_step == NextStep(
        "administer_dose",
        "Administer the dose of session 1 once nothing blocks it (see blockers).",
    )


def test_a_discharged_kap_session_asks_for_its_integration():
    journey = ready_to_dose(KAP_STANDARD)
    out = discharge_time(KAP_STANDARD, FIRST_DOSE)
    for s in (dose(KAP_STANDARD, 1, FIRST_DOSE), in_session_vitals(1, FIRST_DOSE)):
        post(journey, s)
    post(journey, discharge(1, out))

    assert status_of(journey, out + MIN).next_step == NextStep(
        "integrate_session", "Hold the integration session for session 1."
    )


def test_after_the_planned_series_the_next_step_is_to_update_the_plan():
    steps = series(KAP_STANDARD, 6)
    last_dose = max(s.occurred_at for s in steps if s.type == "KetamineAdministered")
    end = phq9([1] * 8 + [0], last_dose + DAY, "end_of_series")
    journey = given_journey(KAP_STANDARD, [*intake_for(KAP_STANDARD), *steps, end])

    status = status_of(journey, last_dose + 2 * DAY)

    assert status.next_step == NextStep(
        "update_treatment_plan", "The 6 planned doses are given: update the treatment plan."
    )


def test_a_baseline_gone_stale_before_the_first_dose_asks_for_a_new_one_in_days(profile):
    late = START + 31 * DAY
    journey = given_journey(profile, intake_for(profile))

    assert status_of(journey, late).next_step == NextStep(
        "record_baseline", "Record a new baseline PHQ-9 (none within 30 days)."
    )


def test_a_closed_journey_says_so_and_asks_for_nothing(profile):
    journey = given_journey(profile, intake_for(profile))
    post(journey, step("JourneyClosed", START + 5 * DAY))

    assert status_of(journey, START + 6 * DAY).next_step == NextStep(
        "none", "The journey is closed."
    )


def test_a_paused_journey_says_how_to_continue(profile):
    journey = given_journey(profile, intake_for(profile))
    post(journey, step("JourneyPaused", START + 5 * DAY))

    assert status_of(journey, START + 6 * DAY).next_step == NextStep(
        "none", "The journey is paused: record JourneyResumed to continue."
    )


def test_an_ineligible_patient_is_to_be_closed(profile):
    consulted = intake_for(profile)[:2]
    journey = given_journey(
        profile, [*consulted, step("ScreeningCompleted", START + 2 * DAY, decision="ineligible")]
    )

    assert status_of(journey, START + 3 * DAY).next_step == NextStep(
        "none", "The patient was screened ineligible: close the journey."
    )


# Safety holds: every hold named, in one sentence.

HIGH_RISK = "C-SSRS: suicidal intent or plan reported (item 4 or 5)"


def cssrs(answers: list[int], at: datetime) -> Step:
    return step(
        "OutcomeMeasureRecorded", at, instrument="C-SSRS", items=answers, timepoint="pre_dose"
    )


def planned_review(at: datetime) -> Step:
    body = {"cleared": True, "plan": "Crisis plan reviewed.", "safety_plan": True}
    return Step("SafetyReviewCompleted", at, body, "prescriber")


def test_high_holds_waiting_only_on_a_negative_cssrs_are_listed_in_one_sentence(profile):
    before = FIRST_DOSE - 60 * MIN
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            cssrs([0, 0, 0, 1, 0, 0], before),
            cssrs([0, 0, 0, 0, 1, 0], before + MIN),
            planned_review(before + 2 * MIN),
        ],
    )

    assert status_of(journey, FIRST_DOSE).next_step == NextStep(
        "safety_review",
        "Record a C-SSRS with items 4 and 5 answered no (and no suicidal behaviour within "
        f"3 months) to clear the high-risk safety holds ({HIGH_RISK}; {HIGH_RISK}): "
        "the review with a safety plan is on record.",
    )


def test_holds_of_different_needs_are_each_named_in_the_prescribers_step(profile):
    before = FIRST_DOSE - 60 * MIN
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            cssrs([0, 0, 0, 1, 0, 0], before),
            planned_review(before + 2 * MIN),
            phq9([0] * 8 + [1], before + 4 * MIN, "pre_dose"),
        ],
    )

    assert status_of(journey, FIRST_DOSE).next_step == NextStep(
        "safety_review",
        f"A prescriber reviews the safety holds: {HIGH_RISK} (high risk: its review with a "
        "safety plan is on record; a later C-SSRS with items 4 to 6 no is still needed); "
        "PHQ-9 item 9 (thoughts of self-harm) answered 1.",
    )


# What the status says of the journey itself.


def test_the_status_names_the_journey_its_clinic_patient_and_clinician(profile):
    journey = given_journey(profile, intake_for(profile))
    last = intake_for(profile)[-1].occurred_at

    status = status_of(journey, last + DAY)

    assert (status.journey_id, status.clinic_id, status.patient_ref) == (
        JOURNEY_ID,
        "clinic-1",
        "MRN-0042",
    )
    assert (status.episode, status.primary_clinician) == (1, "dr-lee")
    assert (status.protocol_name, status.protocol_version) == (profile.name, profile.version)
    assert (status.opened_at, status.last_event_at) == (START, last + RECORDING_DELAY)


def test_there_is_no_session_state_before_the_first_pre_dose_check(profile):
    journey = given_journey(profile, intake_for(profile))

    assert status_of(journey, FIRST_DOSE).session_state is None


def test_a_pre_dose_check_alone_gives_a_checked_session(profile):
    journey = ready_to_dose(profile)

    assert status_of(journey, FIRST_DOSE).session_state == "checked"


# Outcomes: where a baseline is high enough to judge a response from.


def test_a_pcl5_baseline_of_1_can_respond_and_of_0_cannot():
    assert response_of("PCL-5", 1, 0) == "yes"
    assert response_of("PCL-5", 0, 0) == "not_applicable"


# Scale answers refused (J-14): the whole sentence staff read.

REFUSED_ANSWERS = [
    ("BDI-II", [1] * 21, "Unknown instrument 'BDI-II': use one of PHQ-9, GAD-7, PCL-5, C-SSRS."),
    ("GAD-7", [1] * 6, "GAD-7 needs exactly 7 answers; 6 were given."),
    ("PHQ-9", [1, 1, True, 1, 1, 1, 1, 1, 1], "PHQ-9 item 3 must be a whole number."),
    ("GAD-7", [0, 0, 0, 0, 0, 0, 4], "GAD-7 item 7 is 4: answers run from 0 to 3."),
    ("PHQ-9", [-1] + [0] * 8, "PHQ-9 item 1 is -1: answers run from 0 to 3."),
]


@pytest.mark.parametrize(("instrument", "items", "sentence"), REFUSED_ANSWERS)
def test_refused_answers_say_exactly_what_is_wrong_under_j14(instrument, items, sentence):
    with pytest.raises(RuleViolationError) as caught:
        score(instrument, items)

    assert (caught.value.rule, caught.value.detail) == ("J-14", sentence)


def test_any_yes_on_the_cssrs_scores_1_and_positive():
    assert score("C-SSRS", [0, 0, 0, 0, 0, 1]) == ScaleScore("C-SSRS", 1, "positive")
    assert score("C-SSRS", [0] * 6) == ScaleScore("C-SSRS", 0, "negative")


# The protocol a journey opens under, by name.


def test_a_built_in_protocol_is_found_by_its_name():
    assert profile_named("kap-standard") is KAP_STANDARD


def test_an_unknown_protocol_name_is_refused_naming_the_ones_there_are():
    known = ", ".join(sorted(BUILT_IN_PROFILES))

    with pytest.raises(UnknownProtocolError) as caught:
        profile_named("kap-deluxe")

    assert str(caught.value) == f"Unknown protocol 'kap-deluxe': use one of {known}."
    assert known == "kap-standard, spravato-rems"
