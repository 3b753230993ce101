"""In-session boosters under kap-standard 2027-1 (issue 10, item 14): a second
KetamineAdministered in the dosed session with ``booster: true``, at most one, after the
first dose and before discharge, by the same route, with the session's total within the
mg/kg limit of the recorded weight. A booster meets the journey's blockers (holds, pause,
consent) but not the next dose's (pre-dose check, schedule): it is the same session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.protocols import KAP_STANDARD, KAP_STANDARD_2026, SPRAVATO_REMS
from tests.story import in_session_vitals, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge,
    discharge_time,
    dose,
    given_journey,
    intake_for,
    integration,
    post,
    pre_dose_check,
    ready_to_dose,
    refused,
    status_of,
)

SEC = timedelta(seconds=1)
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
BOOST_AT = FIRST_DOSE + 20 * MIN


def booster(at=BOOST_AT, number: int = 1, profile=KAP_STANDARD, **changes):
    return dose(profile, number, at, booster=True, **{"dose_mg": 15, **changes})


def dosed(profile=KAP_STANDARD, **first):
    """Session 1 dosed at FIRST_DOSE (35 mg IM unless ``first`` says otherwise)."""
    journey = ready_to_dose(profile)
    post(journey, dose(profile, 1, FIRST_DOSE, **first))
    return journey


# The allowed path


def test_a_booster_after_the_first_dose_is_recorded_in_the_same_session():
    journey = dosed()

    post(journey, booster())

    session = journey.facts.session(1)
    assert [b["dose_mg"] for b in session["boosters"]] == [15]
    assert len(journey.facts.doses()) == 1, "a booster is not another dose of the series"
    assert status_of(journey, BOOST_AT).session_state == "dosed"


def test_a_booster_needs_no_new_pre_dose_check_nor_the_gap_between_doses():
    journey = dosed()  # its check, 20 min before the dose, expires 40 min after it

    post(journey, booster(FIRST_DOSE + 50 * MIN))

    assert len(journey.facts.session(1)["boosters"]) == 1


def test_a_booster_a_second_after_the_first_dose_is_accepted():
    journey = dosed()

    post(journey, booster(FIRST_DOSE + SEC))

    assert len(journey.facts.session(1)["boosters"]) == 1


def test_a_booster_at_the_moment_of_the_first_dose_is_refused_under_j08():
    journey = dosed()

    violation = refused(journey, booster(FIRST_DOSE))

    assert violation.rule == "J-08"
    assert "give it after that time" in violation.detail


# The session's total within the mg/kg limit


def test_a_booster_bringing_the_session_to_exactly_0_75_mg_kg_is_accepted():
    journey = dosed()  # 35 mg IM of 52.5 mg for 70 kg

    post(journey, booster(dose_mg=17.5))

    assert journey.facts.session(1)["boosters"][0]["dose_mg"] == 17.5


def test_a_booster_taking_the_session_above_0_75_mg_kg_is_refused_under_j07():
    journey = dosed()

    violation = refused(journey, booster(dose_mg=17.6))

    assert violation.rule == "J-07"
    assert "with 35 mg given this session" in violation.detail
    assert "give at most 17.5 mg" in violation.detail


def test_the_session_total_reads_the_recorded_weight_not_the_boosters_own():
    journey = dosed()

    violation = refused(journey, booster(dose_mg=20, weight_kg=73.5))

    assert violation.rule == "J-07"
    assert "0.75 mg/kg for 70 kg" in violation.detail


def test_a_sublingual_booster_within_3_mg_kg_of_the_session_is_accepted():
    journey = dosed(route="sublingual", dose_mg=100)

    post(journey, booster(route="sublingual", dose_mg=110))

    assert journey.facts.session(1)["boosters"][0]["dose_mg"] == 110


def test_a_sublingual_booster_above_3_mg_kg_of_the_session_is_refused_under_j07():
    journey = dosed(route="sublingual", dose_mg=100)

    violation = refused(journey, booster(route="sublingual", dose_mg=110.1))

    assert violation.rule == "J-07"
    assert "give at most 110 mg" in violation.detail


def test_an_iv_booster_runs_40_minutes_too():
    journey = dosed(route="iv", infusion_minutes=40)

    violation = refused(journey, booster(FIRST_DOSE + 41 * MIN, route="iv"))

    assert violation.rule == "J-07"
    assert "infusion_minutes" in violation.detail


def test_a_booster_needs_the_therapist_in_the_room_too():
    journey = dosed()

    violation = refused(journey, booster(therapist_present=None))

    assert violation.rule == "J-05"


# How many, when and by which route


def test_a_second_booster_is_refused_under_j07():
    journey = dosed()
    post(journey, booster(dose_mg=5))

    violation = refused(journey, booster(BOOST_AT + 10 * MIN, dose_mg=5))

    assert violation.rule == "J-07"
    assert "already has 1 booster(s), the most kap-standard allows (1)" in violation.detail


def test_a_booster_by_another_route_is_refused_under_j07():
    journey = dosed()

    violation = refused(journey, booster(route="iv", infusion_minutes=40))

    assert violation.rule == "J-07"
    assert "give it im" in violation.detail


def test_a_booster_before_any_first_dose_is_refused_under_j08():
    journey = ready_to_dose(KAP_STANDARD)

    violation = refused(journey, booster(FIRST_DOSE))

    assert violation.rule == "J-08"
    assert "record that dose without booster first" in violation.detail


def test_a_booster_naming_a_session_never_opened_is_refused_under_j08():
    journey = dosed()

    violation = refused(journey, booster(number=2))

    assert violation.rule == "J-08"
    assert "Session 2 has no dose yet" in violation.detail


def test_a_booster_after_discharge_is_refused_under_j08():
    journey = dosed()
    out = discharge_time(KAP_STANDARD, FIRST_DOSE)
    post(journey, in_session_vitals(1, FIRST_DOSE))
    post(journey, discharge(1, out))

    violation = refused(journey, booster(out + MIN))

    assert violation.rule == "J-08"
    assert "before discharge" in violation.detail


def test_a_second_dose_without_booster_is_still_refused_under_j08():
    journey = dosed()

    violation = refused(journey, dose(KAP_STANDARD, 1, BOOST_AT))

    assert violation.rule == "J-08"
    assert "already has a dose recorded" in violation.detail
    assert "booster (booster true)" in violation.detail


def test_observation_counts_from_the_booster():
    journey = dosed()
    post(journey, booster())
    post(journey, in_session_vitals(1, FIRST_DOSE))

    violation = refused(journey, discharge(1, BOOST_AT + 59 * MIN))
    post(journey, discharge(1, BOOST_AT + 60 * MIN))

    assert violation.rule == "J-10"
    assert journey.facts.session(1)["discharge"]["at"] == BOOST_AT + HOUR


# What still blocks a booster: the journey's holds, a pause, withdrawn consent


def test_a_safety_hold_raised_during_the_session_blocks_the_booster_under_j12():
    journey = dosed()
    post(
        journey,
        step("AdverseEventReported", FIRST_DOSE + 10 * MIN, session=1, severity="serious"),
    )

    violation = refused(journey, booster())

    assert violation.rule == "J-12"


def test_a_paused_journey_blocks_the_booster_under_j13():
    journey = dosed()
    post(journey, step("JourneyPaused", FIRST_DOSE + 10 * MIN))

    violation = refused(journey, booster())

    assert violation.rule == "J-13"
    assert "JourneyResumed" in violation.detail


def test_withdrawn_consent_blocks_the_booster_under_j04():
    journey = dosed()
    post(journey, step("ConsentWithdrawn", FIRST_DOSE + 10 * MIN))

    violation = refused(journey, booster())

    assert violation.rule == "J-04"
    assert "consent" in violation.detail


# The escalation step counts whole sessions, boosters included

SECOND = FIRST_DOSE + 3 * DAY


def after_a_boosted_session():
    """Session 1 gave 80 mg sublingual and a 40 mg booster (120 mg); session 2 is checked."""
    out = discharge_time(KAP_STANDARD, BOOST_AT)
    return given_journey(
        KAP_STANDARD,
        [
            *intake_for(KAP_STANDARD),
            pre_dose_check(1, FIRST_DOSE),
            dose(KAP_STANDARD, 1, FIRST_DOSE, route="sublingual", dose_mg=80),
            booster(route="sublingual", dose_mg=40),
            in_session_vitals(1, FIRST_DOSE),
            discharge(1, out),
            integration(1, out + HOUR),
            pre_dose_check(2, SECOND),
        ],
    )


def test_the_next_session_may_step_up_50_percent_from_the_boosted_total():
    journey = after_a_boosted_session()

    post(journey, dose(KAP_STANDARD, 2, SECOND, route="sublingual", dose_mg=180))

    assert journey.facts.overrides == []


def test_the_next_session_beyond_50_percent_of_the_boosted_total_is_refused_under_j07():
    journey = after_a_boosted_session()

    violation = refused(journey, dose(KAP_STANDARD, 2, SECOND, route="sublingual", dose_mg=181))

    assert violation.rule == "J-07"
    assert "previous session's 120 mg" in violation.detail


def test_a_booster_is_measured_against_the_previous_session_not_its_own_first_dose():
    journey = after_a_boosted_session()
    post(journey, dose(KAP_STANDARD, 2, SECOND, route="sublingual", dose_mg=100))

    post(journey, booster(SECOND + 20 * MIN, 2, route="sublingual", dose_mg=70))

    assert journey.facts.session(2)["boosters"][0]["dose_mg"] == 70


def test_a_booster_taking_the_session_beyond_the_step_needs_an_override():
    journey = after_a_boosted_session()
    post(journey, dose(KAP_STANDARD, 2, SECOND, route="sublingual", dose_mg=120))

    violation = refused(journey, booster(SECOND + 20 * MIN, 2, route="sublingual", dose_mg=61))

    assert violation.rule == "J-07"
    assert "181 mg this session" in violation.detail


# Profiles without boosters

NO_BOOSTERS = [
    pytest.param(SPRAVATO_REMS, id="spravato-2027-1"),
    pytest.param(KAP_STANDARD_2026, id="kap-2026-11-01"),
]


@pytest.mark.parametrize("profile", NO_BOOSTERS)
def test_a_booster_under_a_profile_allowing_none_is_refused_under_j07(profile):
    journey = dosed(profile)

    violation = refused(journey, booster(profile=profile))

    assert violation.rule == "J-07"
    assert "allows no boosters" in violation.detail


def test_under_2026_11_01_a_second_dose_is_refused_as_before():
    journey = dosed(KAP_STANDARD_2026)

    violation = refused(journey, dose(KAP_STANDARD_2026, 1, BOOST_AT))

    assert violation.rule == "J-08"
    assert violation.detail == "Session 1 already has a dose recorded."
