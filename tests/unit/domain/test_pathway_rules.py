"""J-01 to J-03: consultation before screening, contraindications, consent and preparation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.protocols import KAP_STANDARD_2026
from tests.examples import VALID_EVENT_DATA
from tests.story import START, Step, step
from tests.unit.domain.conftest import (
    given_journey,
    intake_for,
    post,
    refused,
    status_of,
)

DAY = timedelta(days=1)
CONSULTATION = step("ConsultationCompleted", START + timedelta(hours=1))


# DOMAIN.md J-02: each absolute contraindication, and a word its refusal must name.
ABSOLUTE = {
    "active_psychosis": "psychosis",
    "primary_psychotic_disorder": "psychotic disorder",
    "acute_mania": "mania",
    "pregnant": "pregnancy",
    "breastfeeding": "breastfeeding",
    "ketamine_hypersensitivity": "hypersensitivity",
    "aneurysmal_vascular_disease": "aneurysmal",
    "intracerebral_hemorrhage_history": "haemorrhage",
    "arteriovenous_malformation": "arteriovenous malformation",  # from 2027-1
}
CLEARABLE = [
    "uncontrolled_hypertension",
    "severe_cardiovascular_disease",
    "active_substance_use_disorder",  # from 2027-1
]


def screening(**changes: object) -> Step:
    return step("ScreeningCompleted", START + 2 * DAY, **changes)


def contraindicated(key: str, **changes: object) -> Step:
    found = dict.fromkeys(VALID_EVENT_DATA["ScreeningCompleted"]["contraindications"], False)
    found[key] = True
    return screening(contraindications=found, **changes)


# J-01


def test_screening_without_a_consultation_is_refused_under_j01(profile):
    journey = given_journey(profile)

    violation = refused(journey, screening())

    assert violation.rule == "J-01"
    assert "ConsultationCompleted" in violation.detail


def test_screening_after_the_consultation_is_accepted(profile):
    journey = given_journey(profile, [CONSULTATION])

    post(journey, screening())

    assert journey.facts.eligible
    assert status_of(journey, START + 2 * DAY).stage == "screened"


# J-02


@pytest.mark.parametrize("key", sorted(ABSOLUTE))
def test_eligible_with_an_absolute_contraindication_is_refused_under_j02(key):
    journey = given_journey(steps=[CONSULTATION])

    violation = refused(journey, contraindicated(key, medical_clearance=True))

    assert violation.rule == "J-02"
    assert ABSOLUTE[key] in violation.detail
    assert "ineligible" in violation.detail


@pytest.mark.parametrize("key", sorted(ABSOLUTE))
def test_ineligible_with_an_absolute_contraindication_is_accepted(key):
    journey = given_journey(steps=[CONSULTATION])

    post(journey, contraindicated(key, decision="ineligible"))

    assert journey.facts.ineligible
    assert status_of(journey, START + 2 * DAY).stage == "ineligible"


@pytest.mark.parametrize("key", CLEARABLE)
def test_eligible_with_a_clearable_contraindication_needs_a_medical_clearance_under_j02(key):
    journey = given_journey(steps=[CONSULTATION])

    violation = refused(journey, contraindicated(key, medical_clearance=False))

    assert violation.rule == "J-02"
    assert "medical_clearance" in violation.detail


@pytest.mark.parametrize("key", CLEARABLE)
def test_eligible_with_a_clearable_contraindication_and_a_clearance_is_accepted(key):
    journey = given_journey(steps=[CONSULTATION])

    post(journey, contraindicated(key, medical_clearance=True))

    assert journey.facts.eligible


def test_under_2026_substance_use_disorder_alone_does_not_refuse_eligibility():
    journey = given_journey(KAP_STANDARD_2026, [CONSULTATION])

    post(journey, contraindicated("active_substance_use_disorder", medical_clearance=False))

    assert journey.facts.eligible


# J-03


def test_consent_without_a_screening_is_refused_under_j03(profile):
    journey = given_journey(profile, [CONSULTATION])

    violation = refused(journey, step("ConsentSigned", START + 3 * DAY))

    assert violation.rule == "J-03"
    assert "eligible screening" in violation.detail


def test_consent_after_an_ineligible_screening_is_refused_under_j03(profile):
    journey = given_journey(profile, [CONSULTATION, screening(decision="ineligible")])

    violation = refused(journey, step("ConsentSigned", START + 3 * DAY))

    assert violation.rule == "J-03"


def test_consent_after_an_eligible_screening_is_accepted(profile):
    journey = given_journey(profile, [CONSULTATION, screening()])

    post(journey, step("ConsentSigned", START + 3 * DAY))

    assert journey.facts.consent_active
    assert status_of(journey, START + 3 * DAY).stage == "consented"


def test_preparation_without_consent_is_refused_under_j03(profile):
    journey = given_journey(profile, [CONSULTATION, screening()])

    violation = refused(journey, step("PreparationCompleted", START + 4 * DAY))

    assert violation.rule == "J-03"
    assert "ConsentSigned" in violation.detail


def test_preparation_after_consent_was_withdrawn_is_refused_under_j03(profile):
    journey = given_journey(
        profile,
        [
            CONSULTATION,
            screening(),
            step("ConsentSigned", START + 3 * DAY),
            step("ConsentWithdrawn", START + 3 * DAY + timedelta(hours=1)),
        ],
    )

    violation = refused(journey, step("PreparationCompleted", START + 4 * DAY))

    assert violation.rule == "J-03"


def test_preparation_with_active_consent_is_accepted(profile):
    journey = given_journey(profile, intake_for(profile)[:-1])

    post(journey, intake_for(profile)[-1])

    assert status_of(journey, START + 4 * DAY).stage == "prepared"


def test_withdrawing_consent_that_was_never_signed_is_refused_under_j03(profile):
    journey = given_journey(profile, [CONSULTATION, screening()])

    violation = refused(journey, step("ConsentWithdrawn", START + 3 * DAY))

    assert violation.rule == "J-03"
    assert "no active consent" in violation.detail


def test_consent_can_be_signed_again_after_a_withdrawal(profile):
    journey = given_journey(
        profile,
        [
            CONSULTATION,
            screening(),
            step("ConsentSigned", START + 3 * DAY),
            step("ConsentWithdrawn", START + 3 * DAY + timedelta(hours=1)),
        ],
    )

    post(journey, step("ConsentSigned", START + 4 * DAY))

    assert journey.facts.consent_active
