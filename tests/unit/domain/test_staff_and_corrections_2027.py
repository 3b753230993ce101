"""J-17 (rule set 2027-1): the staff a dose names are known to the journey in that role,
and a correction is made by a role allowed to record the entry it corrects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from domain.entries import Actor, Posting
from domain.errors import RuleViolationError
from domain.journey import Journey, command_for
from domain.protocols import KAP_STANDARD, SPRAVATO_REMS
from tests.story import START, Step, intake
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    assert_unchanged,
    correct,
    dose,
    entry_of,
    full_session,
    given_journey,
    post,
    ready_to_dose,
    refused,
    snapshot,
)

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
KAP_INTAKE = intake()
KAP_SESSION = full_session(KAP_STANDARD, 1, FIRST_DOSE)
AFTER_INTAKE = START + 4 * DAY + HOUR


# The staff a dose names are known to the journey in that role.


def refused_when(journey: Journey, act: Callable[[], None]) -> RuleViolationError:
    """``act`` must be refused, leaving the journey exactly as it was."""
    before = snapshot(journey)
    with pytest.raises(RuleViolationError) as caught:
        act()
    assert_unchanged(journey, before)
    return caught.value


def post_as(journey: Journey, entry: Step, recorder: Actor) -> None:
    posting = Posting(entry.occurred_at, entry.occurred_at + MINUTE, recorder, "test")
    command_for(entry.type)(journey, entry.data, posting)


def test_a_dose_naming_a_therapist_who_recorded_here_as_therapist_is_accepted():
    journey = ready_to_dose(KAP_STANDARD)
    assert journey.facts.staff_seen["therapist-1"] == ["therapist"]

    post(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, therapist_present="therapist-1"))

    assert journey.facts.session(1)["dose"]["therapist_present"] == "therapist-1"


def test_a_dose_naming_a_therapist_unknown_to_the_journey_is_refused_under_j17():
    journey = ready_to_dose(KAP_STANDARD)

    violation = refused(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, therapist_present="ther-zoe"))

    assert violation.rule == "J-17"
    assert "therapist_present names ther-zoe" in violation.detail
    assert "is unknown here" in violation.detail
    assert "record an entry by ther-zoe as therapist first" in violation.detail
    assert "PreparationCompleted" in violation.detail


def test_a_dose_naming_as_therapist_someone_seen_only_as_a_nurse_is_refused_under_j17():
    journey = ready_to_dose(KAP_STANDARD)

    violation = refused(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, therapist_present="nurse-1"))

    assert violation.rule == "J-17"
    assert "has recorded here only as nurse, never as therapist" in violation.detail


def test_a_spravato_dose_naming_the_consulting_prescriber_on_site_is_accepted():
    journey = ready_to_dose(SPRAVATO_REMS)

    post(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE, prescriber_on_site="prescriber-1"))

    assert journey.facts.session(1)["dose"] is not None


def test_a_spravato_dose_naming_an_unknown_prescriber_on_site_is_refused_under_j17():
    journey = ready_to_dose(SPRAVATO_REMS)

    violation = refused(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE, prescriber_on_site="dr-new"))

    assert violation.rule == "J-17"
    assert "prescriber_on_site names dr-new" in violation.detail
    assert "record an entry by dr-new as prescriber first" in violation.detail
    assert "ConsultationCompleted" in violation.detail


def test_a_prescriber_who_gives_the_dose_may_name_themselves_on_site():
    journey = ready_to_dose(SPRAVATO_REMS)
    entry = dose(SPRAVATO_REMS, 1, FIRST_DOSE, prescriber_on_site="dr-new")

    post_as(journey, entry, Actor("dr-new", "prescriber"))

    assert journey.facts.session(1)["dose"]["prescriber_on_site"] == "dr-new"
    assert journey.facts.staff_seen["dr-new"] == ["prescriber"]


def test_a_nurse_who_gives_the_dose_is_not_thereby_the_prescriber_on_site():
    journey = ready_to_dose(SPRAVATO_REMS)
    entry = dose(SPRAVATO_REMS, 1, FIRST_DOSE, prescriber_on_site="nurse-9")

    violation = refused_when(journey, lambda: post_as(journey, entry, Actor("nurse-9", "nurse")))

    assert violation.rule == "J-17"
    assert "nurse-9, who is unknown here, never as prescriber" in violation.detail


def test_an_optional_prescriber_named_on_a_kap_dose_must_be_known_too():
    journey = ready_to_dose(KAP_STANDARD)

    violation = refused(journey, dose(KAP_STANDARD, 1, FIRST_DOSE, prescriber_on_site="dr-lee"))

    assert violation.rule == "J-17"
    assert "dr-lee" in violation.detail


# Corrections: the corrector needs a role allowed to record the corrected entry.


def test_a_nurse_corrects_a_dose():
    journey = given_journey(KAP_STANDARD, KAP_INTAKE + KAP_SESSION[:2])
    dose_version = journey.version

    correct(journey, dose_version, {"lot_number": "KET-2026-119"}, FIRST_DOSE + HOUR, "nurse")

    assert journey.facts.corrections[-1]["corrects_type"] == "KetamineAdministered"


@pytest.mark.parametrize("role", ["therapist", "coordinator", "system"])
def test_correcting_a_dose_needs_a_role_that_may_give_it(role):
    journey = given_journey(KAP_STANDARD, KAP_INTAKE + KAP_SESSION[:2])
    dose_version = journey.version
    lot = {"lot_number": "KET-2026-119"}

    violation = refused_when(
        journey, lambda: correct(journey, dose_version, lot, FIRST_DOSE + HOUR, role)
    )

    assert violation.rule == "J-17"
    assert "KetamineAdministered is recorded or corrected by a nurse or prescriber" in (
        violation.detail
    )


def test_a_correction_naming_an_unknown_therapist_on_a_dose_is_refused_under_j17():
    journey = given_journey(KAP_STANDARD, KAP_INTAKE + KAP_SESSION[:2])
    dose_version = journey.version

    stranger = {"therapist_present": "ther-zoe"}

    violation = refused_when(
        journey, lambda: correct(journey, dose_version, stranger, FIRST_DOSE + HOUR, "nurse")
    )

    assert violation.rule == "J-17"
    assert "therapist_present names ther-zoe" in violation.detail


def test_a_coordinator_corrects_a_baseline_measure_but_not_the_screening():
    journey = given_journey(KAP_STANDARD, KAP_INTAKE)
    baseline_version, screening_version = 3, 4
    assert entry_of(journey, screening_version).type == "ScreeningCompleted"

    correct(
        journey,
        baseline_version,
        {"items": [3, 3, 3, 3, 3, 3, 3, 3, 0]},
        AFTER_INTAKE,
        "coordinator",
    )
    cleared = {"medical_clearance": True}
    violation = refused_when(
        journey, lambda: correct(journey, screening_version, cleared, AFTER_INTAKE, "coordinator")
    )

    assert violation.rule == "J-17"
    assert "ScreeningCompleted is recorded or corrected by a prescriber" in violation.detail
    assert journey.facts.corrections[-1]["corrects_version"] == baseline_version


def test_a_prescriber_corrects_the_screening():
    journey = given_journey(KAP_STANDARD, KAP_INTAKE)

    correct(journey, 4, {"medical_clearance": True}, AFTER_INTAKE, "prescriber")

    assert journey.facts.corrections[-1]["corrects_type"] == "ScreeningCompleted"
