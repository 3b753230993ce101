"""J-08, J-10 and J-11: one open dosing session at a time, discharge and integration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.protocols import KAP_STANDARD, SPRAVATO_REMS, SPRAVATO_REMS_2026
from tests.story import in_session_vitals, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge,
    discharge_time,
    dose,
    full_session,
    given_journey,
    intake_for,
    integration,
    post,
    pre_dose_check,
    ready_to_dose,
    refused,
    status_of,
)

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
NEXT = FIRST_DOSE + 4 * DAY
OBSERVATION = [
    pytest.param(KAP_STANDARD, 60, id="kap-60min"),
    pytest.param(SPRAVATO_REMS, 120, id="spravato-120min"),
]


def dosed(profile):
    journey = ready_to_dose(profile)
    post(journey, dose(profile, 1, FIRST_DOSE))
    return journey


def observed(profile):
    """Dosed, with the in-session reading 40 min after the dose that 2027-1 discharges need."""
    journey = dosed(profile)
    post(journey, in_session_vitals(1, FIRST_DOSE))
    return journey


def discharged(profile):
    journey = observed(profile)
    post(journey, discharge(1, discharge_time(profile, FIRST_DOSE)))
    return journey


# J-08: one open session


def test_a_pre_dose_check_while_the_last_session_is_not_discharged_is_refused_under_j08(
    profile,
):
    journey = dosed(profile)

    violation = refused(journey, pre_dose_check(2, NEXT))

    assert violation.rule == "J-08"
    assert "record PatientDischarged for session 1" in violation.detail


@pytest.mark.parametrize("profile", [KAP_STANDARD], ids=["kap"])
def test_under_kap_a_session_not_yet_integrated_keeps_the_next_one_closed_under_j08(profile):
    journey = discharged(profile)

    violation = refused(journey, pre_dose_check(2, NEXT))

    assert violation.rule == "J-08"
    assert "record IntegrationCompleted for session 1" in violation.detail
    assert status_of(journey, NEXT).next_step.code == "integrate_session"


@pytest.mark.parametrize("profile", [KAP_STANDARD], ids=["kap"])
def test_under_kap_the_next_session_opens_once_the_last_is_integrated(profile):
    journey = discharged(profile)
    post(journey, integration(1, FIRST_DOSE + DAY))

    post(journey, pre_dose_check(2, NEXT))

    assert journey.facts.session(2)["pre_dose"] is not None


@pytest.mark.parametrize("profile", [SPRAVATO_REMS], ids=["spravato"])
def test_under_spravato_the_next_session_opens_without_an_integration(profile):
    journey = discharged(profile)

    post(journey, pre_dose_check(2, NEXT))
    post(journey, dose(profile, 2, NEXT))

    assert len(journey.facts.doses()) == 2


def test_a_pre_dose_check_skipping_a_session_number_is_refused_under_j08(profile):
    journey = given_journey(profile, intake_for(profile))

    violation = refused(journey, pre_dose_check(2, FIRST_DOSE))

    assert violation.rule == "J-08"
    assert "next dosing session is 1" in violation.detail


def test_a_pre_dose_check_can_be_repeated_while_its_session_waits_for_the_dose(profile):
    journey = ready_to_dose(profile)

    post(journey, pre_dose_check(1, FIRST_DOSE + HOUR))

    assert journey.facts.session(1)["pre_dose"]["at"] == FIRST_DOSE + 40 * MIN


def test_a_cancelled_session_lets_the_next_one_open(profile):
    journey = ready_to_dose(profile)
    post(journey, step("DosingSessionCancelled", FIRST_DOSE, session=1))

    post(journey, pre_dose_check(2, NEXT))

    assert status_of(journey, NEXT - 10 * MIN).next_step.code == "administer_dose"
    assert status_of(journey, NEXT).sessions[0].cancelled


def test_cancelling_a_dosed_session_is_refused_under_j08(profile):
    journey = dosed(profile)

    violation = refused(journey, step("DosingSessionCancelled", FIRST_DOSE + HOUR, session=1))

    assert violation.rule == "J-08"
    assert "discharge it instead" in violation.detail


def test_cancelling_a_session_twice_is_refused_under_j08(profile):
    journey = ready_to_dose(profile)
    post(journey, step("DosingSessionCancelled", FIRST_DOSE, session=1))

    violation = refused(journey, step("DosingSessionCancelled", FIRST_DOSE + MIN, session=1))

    assert violation.rule == "J-08"


@pytest.mark.parametrize(
    "type_", ["VitalsRecorded", "GuidedTherapyNoted", "DosingSessionCancelled"]
)
def test_a_session_entry_naming_an_unopened_session_is_refused_under_j08(profile, type_):
    journey = given_journey(profile, intake_for(profile))

    violation = refused(journey, step(type_, FIRST_DOSE, session=1))

    assert violation.rule == "J-08"
    assert "PreDoseCheckCompleted" in violation.detail


@pytest.mark.parametrize("type_", ["VitalsRecorded", "GuidedTherapyNoted", "AdverseEventReported"])
def test_session_notes_on_an_open_session_are_accepted(profile, type_):
    journey = dosed(profile)

    post(journey, step(type_, FIRST_DOSE + 10 * MIN, session=1))

    assert journey.version == len(intake_for(profile)) + 4


def test_an_adverse_event_may_name_no_session(profile):
    journey = given_journey(profile, intake_for(profile))

    post(journey, step("AdverseEventReported", FIRST_DOSE, session=None))

    assert journey.facts.adverse_events[0]["session"] is None


# J-10: discharge


@pytest.mark.parametrize(("profile", "minutes"), OBSERVATION)
def test_discharge_before_the_minimum_observation_is_refused_under_j10(profile, minutes):
    journey = dosed(profile)

    violation = refused(journey, discharge(1, FIRST_DOSE + (minutes - 1) * MIN))

    assert violation.rule == "J-10"
    assert f"at least {minutes} min" in violation.detail
    assert f"Only {minutes - 1} min observed" in violation.detail


@pytest.mark.parametrize(("profile", "minutes"), OBSERVATION)
def test_discharge_after_the_minimum_observation_is_accepted(profile, minutes):
    journey = observed(profile)

    post(journey, discharge(1, FIRST_DOSE + minutes * MIN))

    summary = status_of(journey, FIRST_DOSE + DAY).sessions[0]
    assert summary.observation_minutes == minutes


@pytest.mark.parametrize(
    ("profile", "minutes"),
    [
        pytest.param(KAP_STANDARD, 60, id="kap-60min"),
        pytest.param(SPRAVATO_REMS_2026, 120, id="spravato-2026-11-01-120min"),
    ],
)
def test_an_early_discharge_with_a_prescribers_override_is_accepted(profile, minutes):
    """Under Spravato 2027-1 no one may shorten the 2 hours (J-10, issue 10 item 1)."""
    journey = observed(profile)
    override = {"by": {"id": "dr-lee", "role": "prescriber"}, "reason": "Stable, transfer."}

    post(journey, discharge(1, FIRST_DOSE + (minutes - 15) * MIN, override=override))

    assert journey.facts.overrides[0]["what"] == "discharge in session 1"


def test_an_early_discharge_with_a_nurses_override_is_refused_under_j10(profile):
    journey = dosed(profile)
    override = {"by": {"id": "nurse-kim", "role": "nurse"}, "reason": "Looks fine."}

    violation = refused(journey, discharge(1, FIRST_DOSE + 30 * MIN, override=override))

    assert violation.rule == "J-10"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"alert_and_oriented": False}, "alert and oriented"),
        ({"released_to": None}, "escort"),
        ({"released_to": ""}, "escort"),
    ],
    ids=["not-oriented", "no-escort", "blank-escort"],
)
def test_discharge_without_orientation_or_escort_is_refused_under_j10(profile, changes, expected):
    journey = observed(profile)

    violation = refused(journey, discharge(1, discharge_time(profile, FIRST_DOSE), **changes))

    assert violation.rule == "J-10"
    assert expected in violation.detail


def test_discharge_without_a_dose_is_refused_under_j10(profile):
    journey = ready_to_dose(profile)

    violation = refused(journey, discharge(1, FIRST_DOSE + 3 * HOUR))

    assert violation.rule == "J-10"
    assert "no dose" in violation.detail


def test_discharging_a_session_twice_is_refused_under_j10(profile):
    journey = discharged(profile)

    violation = refused(journey, discharge(1, FIRST_DOSE + 4 * HOUR))

    assert violation.rule == "J-10"
    assert "already discharged" in violation.detail


# J-11: integration


def test_integration_of_a_session_not_discharged_is_refused_under_j11(profile):
    journey = dosed(profile)

    violation = refused(journey, integration(1, FIRST_DOSE + HOUR))

    assert violation.rule == "J-11"
    assert "not discharged" in violation.detail


def test_integrating_a_session_twice_is_refused_under_j11(profile):
    journey = discharged(profile)
    post(journey, integration(1, FIRST_DOSE + DAY))

    violation = refused(journey, integration(1, FIRST_DOSE + 2 * DAY))

    assert violation.rule == "J-11"
    assert "already integrated" in violation.detail


def test_integration_of_a_discharged_session_is_accepted(profile):
    journey = discharged(profile)

    post(journey, integration(1, FIRST_DOSE + DAY))

    assert status_of(journey, FIRST_DOSE + DAY).sessions[0].integrated_at == FIRST_DOSE + DAY


def test_integration_naming_a_session_that_never_happened_is_refused_under_j11(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])

    violation = refused(journey, integration(5, NEXT))

    assert violation.rule == "J-11"


# REMS monitoring form


@pytest.mark.parametrize("profile", [SPRAVATO_REMS], ids=["spravato"])
def test_a_rems_form_before_the_dose_is_refused(profile):
    journey = ready_to_dose(profile)

    violation = refused(journey, step("RemsMonitoringFormSubmitted", FIRST_DOSE, session=1))

    assert violation.rule == "J-08"
    assert "no dose" in violation.detail


@pytest.mark.parametrize("profile", [SPRAVATO_REMS], ids=["spravato"])
def test_a_second_rems_form_for_a_session_is_refused(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])

    violation = refused(journey, step("RemsMonitoringFormSubmitted", NEXT, session=1))

    assert violation.rule == "J-08"
    assert "already has its REMS form" in violation.detail
