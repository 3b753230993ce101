"""Protocol 2027-1, suicide risk and contraindications (issue 10 items 15-19): hold tiers
and what clears them (J-12), suicidal ideation assessed before eligibility, substance use,
arteriovenous malformation, childbearing potential (J-02), the diastolic hold (J-06) and an
adverse event's times (J-15). Each 2026-11-01 profile keeps its old behaviour."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import RuleViolationError
from domain.protocols import KAP_STANDARD, KAP_STANDARD_2026, SPRAVATO_REMS_2026
from domain.safety_concerns import HIGH, MODERATE, safety_concern
from tests.examples import VALID_EVENT_DATA, VITALS
from tests.story import START, Step, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    assert_unchanged,
    correct,
    dose,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
    refused,
    snapshot,
    status_of,
)

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
BEFORE_CHECK = FIRST_DOSE - HOUR
CONSULTED_AT = START + HOUR
"""When ``intake`` holds the consultation."""
LEGACY = {"kap-standard": KAP_STANDARD_2026, "spravato-rems": SPRAVATO_REMS_2026}


def cssrs(answers: list[int], at=BEFORE_CHECK, **more: object) -> Step:
    return step(
        "OutcomeMeasureRecorded",
        at,
        instrument="C-SSRS",
        items=answers,
        timepoint="pre_dose",
        **more,
    )


def review(at=BEFORE_CHECK + 5 * MIN, **more: object) -> Step:
    body = {"cleared": True, "plan": "Crisis plan reviewed with the patient.", **more}
    return Step("SafetyReviewCompleted", at, body, "prescriber")


def adverse_event(severity: str, at=BEFORE_CHECK, **more: object) -> Step:
    return step("AdverseEventReported", at, session=None, severity=severity, **more)


def with_before_the_check(profile, *steps: Step):
    """Intake, the given steps, then the pre-dose check of session 1."""
    return given_journey(profile, [*intake_for(profile), *steps, pre_dose_check(1, FIRST_DOSE)])


def j12_texts(journey) -> list[str]:
    return [b.text for b in status_of(journey, FIRST_DOSE).blockers if b.rule == "J-12"]


# J-12: the tiers


TIERS = [
    ([0, 0, 1, 0, 0, 0], None, MODERATE),
    ([0, 0, 0, 1, 0, 0], None, HIGH),
    ([0, 0, 0, 0, 1, 0], None, HIGH),
    ([0, 0, 0, 0, 0, 1], True, HIGH),
    ([0, 0, 0, 0, 0, 1], False, MODERATE),
    ([0, 0, 0, 0, 0, 1], None, MODERATE),
    ([0, 0, 1, 0, 0, 1], True, HIGH),
    ([1, 1, 0, 0, 0, 0], True, None),
]


@pytest.mark.parametrize(("items", "recent", "level"), TIERS)
def test_cssrs_answers_raise_the_hold_of_their_tier(profile, items, recent, level):
    journey = with_before_the_check(profile, cssrs(items, behaviour_within_3_months=recent))

    raised = [t["level"] for t in journey.facts.safety_triggers]

    assert raised == ([level] if level else [])


def test_one_cssrs_names_every_positive_item_in_its_hold():
    concern = safety_concern("C-SSRS", [1, 1, 1, 1, 0, 1], KAP_STANDARD, True)

    assert concern is not None
    assert concern.level == HIGH
    for item in ("item 3", "item 4 or 5", "item 6"):
        assert item in concern.reason


@pytest.mark.parametrize(("severity", "level"), [("moderate", None), ("severe", HIGH)])
def test_a_severe_or_serious_adverse_event_raises_a_high_hold(profile, severity, level):
    journey = with_before_the_check(profile, adverse_event(severity))

    raised = [(t["level"], t["concern"]) for t in journey.facts.safety_triggers]

    assert raised == ([(level, "adverse_event")] if level else [])


# J-12: what clears a hold


def test_a_moderate_hold_is_cleared_by_a_prescribers_review(profile):
    journey = with_before_the_check(profile, cssrs([0, 0, 1, 0, 0, 0]))
    assert j12_texts(journey) == [
        "Safety hold (C-SSRS: thoughts of suicide with a method (item 3)): a prescriber must "
        "record SafetyReviewCompleted with cleared true."
    ]

    post(journey, review())
    post(journey, dose(profile, 1, FIRST_DOSE))

    assert journey.facts.active_holds() == []


def test_a_high_hold_is_not_cleared_by_a_review_without_a_safety_plan(profile):
    journey = with_before_the_check(profile, cssrs([0, 0, 0, 1, 0, 0]))
    post(journey, cssrs([0] * 6, at=BEFORE_CHECK + 2 * MIN))
    post(journey, review(safety_plan=False))

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == "J-12"
    assert violation.detail.startswith("High-risk safety hold (C-SSRS: suicidal intent")
    assert "safety_plan true" in violation.detail
    assert "C-SSRS recorded after" not in violation.detail  # that half is on record


def test_a_high_hold_with_its_review_still_needs_a_later_negative_cssrs(profile):
    journey = with_before_the_check(profile, cssrs([0, 0, 0, 0, 1, 0]))
    post(journey, review(safety_plan=True))

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    status = status_of(journey, FIRST_DOSE)
    assert violation.rule == "J-12"
    assert "review with a safety plan is on record" in violation.detail
    assert "items 4 and 5 answered no and item 6 no or not within 3 months" in violation.detail
    assert status.next_step.code == "safety_review"
    assert status.next_step.text.startswith("Record a C-SSRS with items 4 and 5 answered no")
    assert "(item 4 or 5)" in status.next_step.text


@pytest.mark.parametrize("first", ["review", "cssrs"])
def test_a_high_hold_clears_with_a_planned_review_and_a_later_negative_cssrs(profile, first):
    journey = with_before_the_check(
        profile, cssrs([0, 0, 0, 0, 0, 1], behaviour_within_3_months=True)
    )
    later = {
        "review": review(at=BEFORE_CHECK + 2 * MIN, safety_plan=True),
        "cssrs": cssrs([1, 1, 0, 0, 0, 0], at=BEFORE_CHECK + 2 * MIN),
    }
    post(journey, later[first])
    post(journey, later["cssrs" if first == "review" else "review"])

    post(journey, dose(profile, 1, FIRST_DOSE))

    assert journey.facts.active_holds() == []


def test_a_negative_cssrs_before_the_high_hold_does_not_clear_it(profile):
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            cssrs([0] * 6, at=BEFORE_CHECK - 10 * MIN),
            cssrs([0, 0, 0, 1, 0, 0]),
            review(safety_plan=True),
            pre_dose_check(1, FIRST_DOSE),
        ],
    )

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == "J-12"
    assert "items 4 and 5 answered no and item 6 no or not within 3 months" in violation.detail


@pytest.mark.parametrize("item", [3, 4, 5])
def test_a_later_cssrs_positive_on_items_4_to_6_does_not_clear_the_high_hold(profile, item):
    answers = [0] * 6
    answers[item] = 1
    journey = with_before_the_check(
        profile,
        cssrs([0, 0, 0, 1, 0, 0]),
        cssrs(answers, at=BEFORE_CHECK + 2 * MIN, behaviour_within_3_months=True),
        review(at=BEFORE_CHECK + 4 * MIN, safety_plan=True),
    )

    first = journey.facts.safety_triggers[0]

    assert journey.facts.still_needed(first) == ["negative_cssrs"]


def test_a_past_attempt_answered_again_does_not_keep_the_high_hold_for_ever(profile):
    """Item 6 asks about a lifetime: a patient with an attempt years ago answers it yes on
    every C-SSRS. With no intent, no plan and nothing within 3 months, the later C-SSRS
    is the negative one a high hold waits for (it raises its own moderate hold)."""
    journey = with_before_the_check(
        profile,
        cssrs([0, 0, 0, 1, 0, 0]),
        cssrs([0, 0, 0, 0, 0, 1], at=BEFORE_CHECK + 2 * MIN, behaviour_within_3_months=False),
        review(at=BEFORE_CHECK + 4 * MIN, safety_plan=True),
    )

    high, lifetime = journey.facts.safety_triggers

    assert journey.facts.still_needed(high) == []
    assert lifetime["level"] == "moderate"
    assert journey.facts.still_needed(lifetime) == []  # the later review clears it too


def test_a_later_cssrs_with_only_item_3_clears_the_high_hold_and_raises_a_moderate_one(
    profile,
):
    journey = with_before_the_check(
        profile,
        cssrs([0, 0, 0, 1, 0, 0]),
        review(at=BEFORE_CHECK + 2 * MIN, safety_plan=True),
        cssrs([1, 1, 1, 0, 0, 0], at=BEFORE_CHECK + 4 * MIN),
    )

    assert [t["level"] for t in journey.facts.active_holds()] == [MODERATE]


def test_a_high_adverse_event_hold_clears_with_a_planned_review_alone(profile):
    journey = with_before_the_check(profile, adverse_event("serious", kind="seizure"))
    post(journey, review(safety_plan=False))
    assert refused(journey, dose(profile, 1, FIRST_DOSE)).rule == "J-12"
    assert "C-SSRS" not in j12_texts(journey)[0]

    post(journey, review(at=BEFORE_CHECK + 10 * MIN, safety_plan=True))
    post(journey, dose(profile, 1, FIRST_DOSE))

    assert journey.facts.active_holds() == []


# J-12: every active hold is named


def test_blockers_and_the_next_step_name_every_active_hold(profile):
    journey = with_before_the_check(
        profile,
        adverse_event("severe", kind="hypotension"),
        step(
            "OutcomeMeasureRecorded",
            BEFORE_CHECK + MIN,
            instrument="PHQ-9",
            items=[1, 1, 1, 1, 1, 1, 1, 1, 2],
            timepoint="pre_dose",
        ),
    )

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    texts = j12_texts(journey)
    step_text = status_of(journey, FIRST_DOSE).next_step.text
    assert len(texts) == 2
    assert texts[0].startswith("High-risk safety hold (severe adverse event (hypotension))")
    assert texts[1].startswith("Safety hold (PHQ-9 item 9")
    assert violation.detail == texts[0]
    assert [b.text for b in violation.also if b.rule == "J-12"] == texts[1:]
    assert step_text.startswith("A prescriber reviews the safety holds: severe adverse event")
    assert "needs a review with a safety plan" in step_text
    assert "PHQ-9 item 9 (thoughts of self-harm) answered 2" in step_text


def test_the_next_step_says_which_half_of_each_hold_is_left(profile):
    journey = with_before_the_check(
        profile,
        cssrs([0, 0, 0, 1, 0, 0]),
        review(at=BEFORE_CHECK + 2 * MIN, safety_plan=True),
        step(
            "OutcomeMeasureRecorded",
            BEFORE_CHECK + 4 * MIN,
            instrument="PHQ-9",
            items=[0, 0, 0, 0, 0, 0, 0, 0, 1],
            timepoint="pre_dose",
        ),
    )

    text = status_of(journey, FIRST_DOSE).next_step.text

    assert text.startswith("A prescriber reviews the safety holds: C-SSRS")
    assert "a later C-SSRS with items 4 to 6 no is still needed" in text
    assert text.endswith("PHQ-9 item 9 (thoughts of self-harm) answered 1.")


# J-02: suicidal ideation at the consultation is assessed before an eligible decision


def ideation_consultation() -> Step:
    body = VALID_EVENT_DATA["ConsultationCompleted"]
    exam = {**body["mental_status_exam"], "suicidal_ideation": True}
    return step("ConsultationCompleted", CONSULTED_AT, mental_status_exam=exam)


def screening(**changes: object) -> Step:
    return step("ScreeningCompleted", START + timedelta(days=2), **changes)


def test_eligible_after_reported_ideation_without_a_cssrs_is_refused_under_j02(profile):
    journey = given_journey(profile, [ideation_consultation()])

    violation = refused(journey, screening())

    assert violation.rule == "J-02"
    assert "Suicidal ideation" in violation.detail
    assert "OutcomeMeasureRecorded (C-SSRS)" in violation.detail


@pytest.mark.parametrize("offset", [MIN, timedelta(0)])
def test_a_cssrs_at_or_after_the_consultation_allows_eligible(profile, offset):
    journey = given_journey(
        profile, [ideation_consultation(), cssrs([1, 0, 0, 0, 0, 0], at=CONSULTED_AT + offset)]
    )

    post(journey, screening())

    assert journey.facts.eligible


def test_a_cssrs_taken_before_the_consultation_does_not_count(profile):
    journey = given_journey(
        profile, [ideation_consultation(), cssrs([0] * 6, at=CONSULTED_AT - MIN)]
    )

    assert refused(journey, screening()).rule == "J-02"


def test_a_cssrs_taken_after_a_consultation_documented_later_counts(profile):
    journey = given_journey(profile, [cssrs([0] * 6, at=CONSULTED_AT + MIN)])
    post(journey, ideation_consultation())

    post(journey, screening())

    assert journey.facts.eligible


def test_ineligible_after_reported_ideation_needs_no_cssrs(profile):
    journey = given_journey(profile, [ideation_consultation()])

    post(journey, screening(decision="ineligible"))

    assert journey.facts.ineligible


def test_under_2026_reported_ideation_does_not_hold_up_eligibility(legacy):
    journey = given_journey(legacy, [ideation_consultation()])

    post(journey, screening())

    assert journey.facts.eligible


# J-02: substance use and arteriovenous malformation


def contraindicated(key: str, **changes: object) -> Step:
    found = dict.fromkeys(VALID_EVENT_DATA["ScreeningCompleted"]["contraindications"], False)
    found[key] = True
    return screening(contraindications=found, **changes)


def test_an_active_substance_use_disorder_needs_a_clearance_under_j02(profile):
    journey = given_journey(profile, [step("ConsultationCompleted", CONSULTED_AT)])

    violation = refused(
        journey, contraindicated("active_substance_use_disorder", medical_clearance=False)
    )

    assert violation.rule == "J-02"
    assert "substance use disorder" in violation.detail
    assert "medical_clearance true" in violation.detail


def test_an_active_substance_use_disorder_with_a_clearance_is_eligible(profile):
    journey = given_journey(profile, [step("ConsultationCompleted", CONSULTED_AT)])

    post(journey, contraindicated("active_substance_use_disorder", medical_clearance=True))

    assert journey.facts.eligible


def test_an_arteriovenous_malformation_refuses_eligible_even_with_a_clearance(profile):
    journey = given_journey(profile, [step("ConsultationCompleted", CONSULTED_AT)])

    violation = refused(
        journey, contraindicated("arteriovenous_malformation", medical_clearance=True)
    )

    assert violation.rule == "J-02"
    assert "arteriovenous malformation" in violation.detail
    assert "ineligible" in violation.detail


@pytest.mark.parametrize("key", ["active_substance_use_disorder", "arteriovenous_malformation"])
def test_under_2026_substance_use_and_avm_do_not_refuse_eligible(legacy, key):
    journey = given_journey(legacy, [step("ConsultationCompleted", CONSULTED_AT)])

    post(journey, contraindicated(key, medical_clearance=False))

    assert journey.facts.eligible


# J-02: childbearing potential needs a negative pregnancy test before each dose


def child_bearing_intake(profile, potential: bool | None) -> list[Step]:
    return [
        screening(childbearing_potential=potential) if s.type == "ScreeningCompleted" else s
        for s in intake_for(profile)
    ]


@pytest.mark.parametrize("test", ["not_applicable", "positive"])
def test_childbearing_potential_without_a_negative_test_refuses_the_dose_under_j02(profile, test):
    journey = given_journey(
        profile,
        [*child_bearing_intake(profile, True), pre_dose_check(1, FIRST_DOSE, pregnancy_test=test)],
    )

    violation = refused(journey, dose(profile, 1, FIRST_DOSE))

    assert violation.rule == "J-02"
    assert "pregnan" in violation.detail.lower()
    if test == "not_applicable":
        assert "pregnancy_test negative" in violation.detail


def test_childbearing_potential_with_a_negative_test_is_dosed(profile):
    journey = given_journey(
        profile,
        [
            *child_bearing_intake(profile, True),
            pre_dose_check(1, FIRST_DOSE, pregnancy_test="negative"),
        ],
    )

    post(journey, dose(profile, 1, FIRST_DOSE))

    assert journey.facts.session(1)["dose"] is not None


@pytest.mark.parametrize("potential", [False, None])
def test_without_childbearing_potential_no_test_is_needed(profile, potential):
    journey = given_journey(
        profile, [*child_bearing_intake(profile, potential), pre_dose_check(1, FIRST_DOSE)]
    )

    post(journey, dose(profile, 1, FIRST_DOSE))

    assert journey.facts.session(1)["dose"] is not None


def test_under_2026_childbearing_potential_does_not_ask_for_a_test(legacy):
    journey = given_journey(
        legacy, [*child_bearing_intake(legacy, True), pre_dose_check(1, FIRST_DOSE)]
    )

    post(journey, dose(legacy, 1, FIRST_DOSE))

    assert journey.facts.session(1)["dose"] is not None


# J-06: a diastolic above 110 is a hard hold


PRESCRIBER_OVERRIDE = {
    "by": {"id": "prescriber-1", "role": "prescriber"},
    "reason": "Repeat reading settled; benefit outweighs the risk today.",
}


def checked_with_diastolic(profile, diastolic: int):
    vitals = {**VITALS, "diastolic": diastolic}
    return given_journey(
        profile, [*intake_for(profile), pre_dose_check(1, FIRST_DOSE, vitals=vitals)]
    )


def test_a_diastolic_of_111_is_held_even_with_an_override_under_j06(profile):
    journey = checked_with_diastolic(profile, 111)

    violation = refused(journey, dose(profile, 1, FIRST_DOSE, override=PRESCRIBER_OVERRIDE))

    assert violation.rule == "J-06"
    assert "no override" in violation.detail
    assert "DBP at most 110" in violation.detail


def test_a_diastolic_of_110_needs_only_an_override(profile):
    journey = checked_with_diastolic(profile, 110)
    assert "needs an override" in refused(journey, dose(profile, 1, FIRST_DOSE)).detail

    post(journey, dose(profile, 1, FIRST_DOSE, override=PRESCRIBER_OVERRIDE))

    assert journey.facts.session(1)["dose"] is not None


def test_under_2026_no_diastolic_is_a_hard_hold(legacy):
    journey = checked_with_diastolic(legacy, 130)

    post(journey, dose(legacy, 1, FIRST_DOSE, override=PRESCRIBER_OVERRIDE))

    assert journey.facts.session(1)["dose"] is not None


# J-15: an adverse event resolves at or after its onset


def test_an_adverse_event_resolved_before_its_onset_is_refused_under_j15(profile):
    journey = given_journey(profile, intake_for(profile))
    onset = BEFORE_CHECK - HOUR

    violation = refused(
        journey,
        adverse_event(
            "mild",
            onset_at=onset.isoformat(),
            resolved_at=(onset - MIN).isoformat(),
        ),
    )

    assert violation.rule == "J-15"
    assert "resolved_at" in violation.detail
    assert "onset_at" in violation.detail


@pytest.mark.parametrize("after", [timedelta(0), MIN])
def test_an_adverse_event_resolved_at_or_after_its_onset_is_accepted(profile, after):
    journey = given_journey(profile, intake_for(profile))
    onset = BEFORE_CHECK - HOUR

    post(
        journey,
        adverse_event(
            "mild",
            kind="emergence_reaction",
            onset_at=onset.isoformat(),
            resolved_at=(onset + after).isoformat(),
            reported_to=["medwatch"],
        ),
    )

    event = journey.facts.adverse_events[0]
    assert (event["resolved_at"] - event["onset_at"], event["reported_to"]) == (
        after,
        ["medwatch"],
    )


@pytest.fixture(params=list(LEGACY.values()), ids=["kap-2026", "spravato-2026"])
def legacy(request: pytest.FixtureRequest):
    """Each profile as published on 2026-11-01."""
    return request.param


# Corrections are checked under the journey's profile too


def refused_correction(journey, version: int, changes: dict, role: str) -> RuleViolationError:
    before = snapshot(journey)
    with pytest.raises(RuleViolationError) as caught:
        correct(journey, version, changes, FIRST_DOSE, role=role)
    assert_unchanged(journey, before)
    return caught.value


def screened_ineligible_with_avm(profile):
    return given_journey(
        profile,
        [
            step("ConsultationCompleted", CONSULTED_AT),
            contraindicated("arteriovenous_malformation", decision="ineligible"),
        ],
    )


def test_a_screening_corrected_to_eligible_despite_an_avm_is_refused_under_j02(profile):
    journey = screened_ineligible_with_avm(profile)

    violation = refused_correction(journey, 3, {"decision": "eligible"}, "prescriber")

    assert violation.rule == "J-02"
    assert "arteriovenous malformation" in violation.detail


def test_under_2026_a_screening_corrected_to_eligible_with_an_avm_is_accepted(legacy):
    journey = screened_ineligible_with_avm(legacy)

    correct(journey, 3, {"decision": "eligible"}, FIRST_DOSE, role="prescriber")

    assert journey.facts.eligible


def test_an_adverse_event_corrected_to_resolve_before_its_onset_is_refused_under_j15(profile):
    onset = BEFORE_CHECK - HOUR
    journey = given_journey(
        profile,
        [adverse_event("mild", onset_at=onset.isoformat(), resolved_at=onset.isoformat())],
    )

    violation = refused_correction(journey, 2, {"resolved_at": (onset - MIN).isoformat()}, "nurse")

    assert violation.rule == "J-15"
