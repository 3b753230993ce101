"""What a journey's rules read of its clinic: the staff directory (J-17) and the Spravato
REMS certification (J-18). Each entry is posted with the clinic as it stands."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from domain.clinic_context import ClinicContext
from domain.clinic_settings import RemsCertification, StaffMember
from domain.entries import Actor, Posting
from domain.errors import RuleViolationError
from domain.journey import Journey, command_for
from domain.protocols import KAP_STANDARD, KAP_STANDARD_2026, SPRAVATO_REMS, SPRAVATO_REMS_2026
from domain.status import journey_status
from tests.story import Step, intake, phq9
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    JOURNEY_ID,
    RECORDING_DELAY,
    assert_unchanged,
    dose,
    entry_of,
    given_journey,
    intake_for,
    pre_dose_check,
    snapshot,
)

CERTIFIED = RemsCertification("HCS-0001", date(2025, 3, 3))
STAFF = {
    member.staff_id: member
    for member in (
        StaffMember("prescriber-1", "Dana Lee", "prescriber"),
        StaffMember("therapist-1", "Ana Ruiz", "therapist"),
        StaffMember("therapist-2", "Ben Adler", "therapist"),
        StaffMember("nurse-1", "Min Kim", "nurse"),
        StaffMember("nurse-kim", "Kim Park", "nurse"),
        StaffMember("nurse-gone", "Former Nurse", "nurse", active=False),
        StaffMember("dr-gone", "Former Doctor", "prescriber", active=False),
    )
}
DIRECTORY = ClinicContext("clinic-1", staff=STAFF, rems_certification=CERTIFIED)
NO_DIRECTORY = ClinicContext("clinic-1", rems_certification=CERTIFIED)
UNCERTIFIED = ClinicContext("clinic-1", staff=STAFF)


def post_with(
    journey: Journey, s: Step, clinic: ClinicContext | None, by: Actor | None = None
) -> None:
    posting = Posting(
        s.occurred_at,
        s.occurred_at + RECORDING_DELAY,
        by or Actor(f"{s.role}-1", s.role),
        "test",
        clinic=clinic,
    )
    command_for(s.type)(journey, s.data, posting)


def refused_with(
    journey: Journey, s: Step, clinic: ClinicContext | None, by: Actor | None = None
) -> RuleViolationError:
    before = snapshot(journey)
    with pytest.raises(RuleViolationError) as caught:
        post_with(journey, s, clinic, by)
    assert_unchanged(journey, before)
    return caught.value


# J-18: the clinic's Spravato REMS certification.


@pytest.mark.parametrize("profile", [SPRAVATO_REMS, SPRAVATO_REMS_2026], ids=["2027-1", "2026"])
def test_no_spravato_dose_while_the_clinic_is_not_certified(profile) -> None:
    journey = given_journey(profile, [*intake_for(profile), pre_dose_check(1, FIRST_DOSE)])
    error = refused_with(journey, dose(profile, 1, FIRST_DOSE), UNCERTIFIED)
    assert error.rule == "J-18"
    assert "clinic-1 has no Spravato REMS healthcare-setting certification" in error.detail
    status = journey_status(journey.id, journey.version, journey.facts, FIRST_DOSE, UNCERTIFIED)
    assert [b.rule for b in status.blockers] == ["J-18"]
    post_with(journey, dose(profile, 1, FIRST_DOSE), NO_DIRECTORY)
    assert len(journey.facts.doses()) == 1


def test_a_certification_is_not_asked_of_kap_nor_without_clinic_settings() -> None:
    kap = given_journey(KAP_STANDARD, [*intake_for(KAP_STANDARD), pre_dose_check(1, FIRST_DOSE)])
    post_with(kap, dose(KAP_STANDARD, 1, FIRST_DOSE), replace(UNCERTIFIED, staff={}))
    blockers = journey_status(kap.id, kap.version, kap.facts, FIRST_DOSE, UNCERTIFIED).blockers
    assert "J-18" not in [b.rule for b in blockers]
    spravato = given_journey(
        SPRAVATO_REMS, [*intake_for(SPRAVATO_REMS), pre_dose_check(1, FIRST_DOSE)]
    )
    post_with(spravato, dose(SPRAVATO_REMS, 1, FIRST_DOSE), None)
    assert len(spravato.facts.doses()) == 1


# J-17: the clinic's staff directory decides who records.


def consultation() -> Step:
    return intake()[0]


@pytest.mark.parametrize("profile", [KAP_STANDARD, KAP_STANDARD_2026], ids=["2027-1", "2026"])
def test_an_unlisted_inactive_or_miscast_recorder_is_refused_on_every_version(profile) -> None:
    journey = given_journey(profile)
    unknown = refused_with(journey, consultation(), DIRECTORY, Actor("dr-nobody", "prescriber"))
    assert unknown.rule == "J-17"
    assert "dr-nobody is not in clinic clinic-1's staff directory" in unknown.detail
    assert "PUT /v1/clinics/clinic-1/staff/dr-nobody" in unknown.detail
    gone = refused_with(journey, consultation(), DIRECTORY, Actor("dr-gone", "prescriber"))
    assert "dr-gone is inactive" in gone.detail
    miscast = refused_with(journey, consultation(), DIRECTORY, Actor("nurse-1", "prescriber"))
    assert "nurse-1 is listed as nurse" in miscast.detail
    assert "records as prescriber" in miscast.detail
    post_with(journey, consultation(), DIRECTORY)
    assert journey.facts.consultation is not None


def test_a_machine_is_not_staff_and_an_empty_directory_is_no_directory() -> None:
    journey = given_journey(KAP_STANDARD, [consultation()])
    measure = phq9([2, 3, 2, 2, 2, 2, 2, 2, 0], consultation().occurred_at + timedelta(hours=1))
    post_with(journey, measure, DIRECTORY, Actor("intake-form", "system"))
    post_with(journey, measure, NO_DIRECTORY, Actor("anyone", "therapist"))
    assert len(journey.facts.measures) == 2


def test_a_machine_is_still_held_to_the_entries_it_may_record() -> None:
    journey = given_journey(KAP_STANDARD)
    error = refused_with(journey, consultation(), DIRECTORY, Actor("ehr", "system"))
    assert "ConsultationCompleted is recorded or corrected by a prescriber" in error.detail


def ready(profile=KAP_STANDARD) -> Journey:
    return given_journey(profile, [*intake_for(profile), pre_dose_check(1, FIRST_DOSE)])


def dose_naming(**named: Any) -> Step:
    return dose(KAP_STANDARD, 1, FIRST_DOSE, **named)


def test_the_directory_decides_the_staff_a_dose_names() -> None:
    # therapist-2 recorded nothing on this journey: listed, they may be named all the same.
    journey = ready()
    post_with(journey, dose_naming(therapist_present="therapist-2"), DIRECTORY)
    assert len(journey.facts.doses()) == 1


@pytest.mark.parametrize(
    ("named", "says"),
    [
        (
            {"therapist_present": "nurse-kim"},
            "therapist_present names nurse-kim, who is listed as nurse",
        ),
        (
            {"therapist_present": "ther-nobody"},
            "therapist_present names ther-nobody, who is not listed",
        ),
        (
            {"administered_by": "therapist-1"},
            "administered_by names therapist-1, who is listed as therapist",
        ),
        (
            {"administered_by": "nurse-gone"},
            "administered_by names nurse-gone, who is listed as an inactive nurse",
        ),
    ],
)
def test_a_dose_naming_someone_the_directory_does_not_list_so_is_refused(
    named: dict[str, str], says: str
) -> None:
    error = refused_with(ready(), dose_naming(**named), DIRECTORY)
    assert error.rule == "J-17"
    assert says in error.detail
    assert "name an active" in error.detail


def test_the_prescriber_on_site_of_a_spravato_dose_is_a_listed_prescriber() -> None:
    journey = ready(SPRAVATO_REMS)
    step_ = dose(SPRAVATO_REMS, 1, FIRST_DOSE, prescriber_on_site="dr-gone")
    error = refused_with(journey, step_, DIRECTORY)
    assert (
        "prescriber_on_site names dr-gone, who is listed as an inactive prescriber" in error.detail
    )
    post_with(journey, dose(SPRAVATO_REMS, 1, FIRST_DOSE), DIRECTORY)


def test_an_override_names_a_listed_active_prescriber() -> None:
    high = {"systolic": 150, "diastolic": 85, "heart_rate": 80, "spo2": 98}
    journey = given_journey(
        KAP_STANDARD, [*intake_for(KAP_STANDARD), pre_dose_check(1, FIRST_DOSE, vitals=high)]
    )

    def override(by: str) -> Step:
        return dose_naming(
            override={"by": {"id": by, "role": "prescriber"}, "reason": "Benefit outweighs risk."}
        )

    error = refused_with(journey, override("dr-gone"), DIRECTORY)
    assert "override.by.id names dr-gone" in error.detail
    post_with(journey, override("prescriber-1"), DIRECTORY)
    assert len(journey.facts.doses()) == 1


def test_without_a_directory_a_dose_names_staff_the_journey_knows() -> None:
    error = refused_with(ready(), dose_naming(therapist_present="therapist-2"), NO_DIRECTORY)
    assert "therapist_present names therapist-2, who is unknown here" in error.detail


def test_a_legacy_journey_checks_only_who_records_not_whom_a_dose_names() -> None:
    journey = ready(KAP_STANDARD_2026)
    post_with(
        journey, dose(KAP_STANDARD_2026, 1, FIRST_DOSE, therapist_present="ther-x"), DIRECTORY
    )
    assert len(journey.facts.doses()) == 1


def test_a_correction_by_someone_unlisted_is_refused() -> None:
    journey = given_journey(KAP_STANDARD, [consultation()])
    body = {"corrects_version": 2, "reason": "Keyed wrongly.", "data": {"weight_kg": 71}}
    at = consultation().occurred_at + timedelta(hours=1)
    posting = Posting(at, at, Actor("dr-nobody", "prescriber"), "test", clinic=DIRECTORY)
    before = snapshot(journey)
    with pytest.raises(RuleViolationError) as caught:
        journey.correct_entry(body, entry_of(journey, 2), posting)
    assert_unchanged(journey, before)
    assert "dr-nobody is not in" in caught.value.detail


def test_whoever_opens_a_journey_is_listed_where_the_clinic_keeps_a_directory() -> None:
    def opening(by: Actor, clinic: ClinicContext | None) -> Journey:
        at = FIRST_DOSE
        return Journey.open(
            journey_id=JOURNEY_ID,
            clinic_id="clinic-1",
            patient_ref="MRN-0042",
            episode=1,
            profile=KAP_STANDARD,
            primary_clinician="prescriber-1",
            presenting_concerns=["depression"],
            posting=Posting(at, at, by, "test", clinic=clinic),
        )

    with pytest.raises(RuleViolationError) as caught:
        opening(Actor("coord-nobody", "coordinator"), DIRECTORY)
    assert "coord-nobody is not in clinic clinic-1's staff directory" in caught.value.detail
    assert opening(Actor("nurse-1", "nurse"), DIRECTORY).version == 1
    assert opening(Actor("ehr", "system"), DIRECTORY).version == 1
    assert opening(Actor("coord-nobody", "coordinator"), NO_DIRECTORY).version == 1
