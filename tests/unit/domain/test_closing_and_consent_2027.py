"""Rule set 2027-1: consent needs the risks discussed (J-03); a journey is not closed with
a patient dosed and not discharged (J-13). Journeys opened under 2026-11-01 keep both."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.protocols import KAP_STANDARD_2026, SPRAVATO_REMS_2026, ProtocolProfile
from tests.story import START, Step, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    full_session,
    given_journey,
    intake_for,
    post,
    refused,
    status_of,
)

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
CLOSING = {"reason": "withdrawn", "summary": "Moving away."}


def _legacy(profile_name: str) -> ProtocolProfile:
    """The profile of that name as it stood under 2026-11-01."""
    return {"kap": KAP_STANDARD_2026, "spravato": SPRAVATO_REMS_2026}[profile_name]


LEGACY = pytest.mark.parametrize("legacy", ["kap", "spravato"])


# J-03: consent with the risks discussed


def consent(**changes: object) -> Step:
    return step("ConsentSigned", START + 3 * DAY, **changes)


def test_consent_without_the_risks_discussed_is_refused_under_j03(profile):
    journey = given_journey(profile, intake_for(profile)[:3])

    violation = refused(journey, consent(risks_discussed=False))

    assert violation.rule == "J-03"
    assert "risks_discussed true" in violation.detail


def test_consent_with_the_risks_discussed_is_accepted(profile):
    journey = given_journey(profile, intake_for(profile)[:3])

    post(journey, consent(risks_discussed=True))

    assert journey.facts.consent_active


def test_without_an_eligible_screening_the_screening_is_named_first(profile):
    journey = given_journey(profile, intake_for(profile)[:2])

    violation = refused(journey, consent(risks_discussed=False))

    assert violation.rule == "J-03"
    assert "eligible screening" in violation.detail


@LEGACY
def test_under_2026_11_01_consent_without_the_risks_discussed_is_still_accepted(legacy):
    profile = _legacy(legacy)
    journey = given_journey(profile, intake_for(profile)[:3])

    post(journey, consent(risks_discussed=False))

    assert journey.facts.consent_active


# J-13: no closing with a patient under observation


def closing(at: datetime) -> Step:
    return step("JourneyClosed", at, **CLOSING)


def test_closing_while_a_dosed_session_is_not_discharged_is_refused_under_j13(profile):
    session = full_session(profile, 1, FIRST_DOSE)
    journey = given_journey(profile, [*intake_for(profile), *session[:3]])

    violation = refused(journey, closing(FIRST_DOSE + HOUR))

    assert violation.rule == "J-13"
    assert "Session 1 was dosed" in violation.detail
    assert "PatientDischarged for session 1" in violation.detail


def test_closing_after_the_discharge_is_accepted(profile):
    session = full_session(profile, 1, FIRST_DOSE)
    journey = given_journey(profile, [*intake_for(profile), *session[:4]])
    out = session[3].occurred_at

    post(journey, closing(out + HOUR))

    assert journey.facts.closed
    assert status_of(journey, out + 2 * HOUR).stage == "closed"


def test_closing_with_only_a_pre_dose_check_is_accepted(profile):
    """Nobody was dosed: the patient can go home without a discharge."""
    session = full_session(profile, 1, FIRST_DOSE)
    journey = given_journey(profile, [*intake_for(profile), session[0]])

    post(journey, closing(FIRST_DOSE))

    assert journey.facts.closed


def test_closing_names_the_session_still_open_after_earlier_discharged_ones(profile):
    first, second = FIRST_DOSE, FIRST_DOSE + 7 * DAY
    steps = [*full_session(profile, 1, first), *full_session(profile, 2, second)[:2]]
    journey = given_journey(profile, [*intake_for(profile), *steps])

    violation = refused(journey, closing(second + HOUR))

    assert violation.rule == "J-13"
    assert "Session 2" in violation.detail


@LEGACY
def test_under_2026_11_01_closing_mid_session_is_still_accepted(legacy):
    profile = _legacy(legacy)
    session = full_session(profile, 1, FIRST_DOSE)
    journey = given_journey(profile, [*intake_for(profile), *session[:2]])

    post(journey, closing(FIRST_DOSE + HOUR))

    assert journey.facts.closed
