"""The demo clinic: seeded once through the use cases, every stage and showcase case present."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from eventsourcing.cipher import AESCipher

from application.clinics import Clinics
from application.journeys import Journeys
from application.superbill import journey_superbill
from domain.status import JourneyStatus
from interface.demo.cases import PATIENTS, SHOWCASE
from interface.demo.seed import DEMO_CLINIC, DEMO_SOURCE, demo_journey_id, seed_demo_clinic
from interface.http.schemas import data_model_for
from interface.storage.environment import clinic_recorder, store_environment

STAGES = {
    "opened",
    "consulted",
    "screened",
    "ineligible",
    "consented",
    "prepared",
    "in_treatment",
    "series_complete",
    "maintenance",
    "paused",
    "closed",
}
REFS = [f"DEMO-{n:03d}" for n in range(1, len(PATIENTS) + 1)]

MakeJourneys = Callable[..., Journeys]


@pytest.fixture
def make_journeys(database_url: str) -> Iterator[MakeJourneys]:
    key = AESCipher.create_key(16)
    opened: list[Journeys] = []

    def make(**clock: Callable[[], datetime]) -> Journeys:
        """Journeys decided with their clinic's settings, as the service wires them."""
        app = Journeys(env=store_environment(database_url, key), **clock)
        beside = clinic_recorder(app.recorder)
        clinics = Clinics(env=store_environment(database_url, key), **clock, recorder=beside)
        app.clinic_context = clinics.context
        app.clinics = clinics  # type: ignore[attr-defined]  # for seed_demo_clinic below
        opened.extend([app, clinics])  # type: ignore[list-item]
        return app

    yield make
    for app in opened:
        app.close()


@pytest.fixture
def seeded(make_journeys: MakeJourneys) -> tuple[Journeys, dict[str, JourneyStatus]]:
    journeys = make_journeys()
    assert seed_demo_clinic(journeys, journeys.clinics) == len(PATIENTS)
    statuses = {ref: journeys.status(DEMO_CLINIC, demo_journey_id(journeys, ref)) for ref in REFS}
    return journeys, statuses


def _with_clinics(journeys: Journeys) -> tuple[Journeys, Clinics]:
    return journeys, journeys.clinics  # type: ignore[attr-defined]


def test_seeds_about_25_journeys_once(make_journeys: MakeJourneys) -> None:
    assert 20 <= len(PATIENTS) <= 30
    assert seed_demo_clinic(*_with_clinics(make_journeys())) == len(PATIENTS)
    assert (
        seed_demo_clinic(*_with_clinics(make_journeys())) == 0
    )  # a second run, even in a new process


def test_the_clinic_shows_every_stage_session_state_and_protocol(
    seeded: tuple[Journeys, dict[str, JourneyStatus]],
) -> None:
    _, statuses = seeded
    in_treatment = [s for s in statuses.values() if s.stage == "in_treatment"]
    assert {s.stage for s in statuses.values()} == STAGES
    assert {"checked", "dosed", "discharged_awaiting_integration"} <= {
        s.session_state for s in in_treatment
    }
    assert {s.protocol_name for s in statuses.values()} == {
        "kap-standard",
        "spravato-rems",
        "aspen-kap",  # the clinic's own protocol
    }
    assert {s.primary_clinician for s in statuses.values()} == {"dr-lee", "dr-okafor", "dr-santos"}


def test_the_showcase_cases_read_as_staff_expect(
    seeded: tuple[Journeys, dict[str, JourneyStatus]],
) -> None:
    journeys, statuses = seeded
    case = {name: statuses[ref] for name, ref in SHOWCASE.items()}

    blocked = case["blood_pressure_blocked"]
    assert blocked.session_state == "checked"
    assert any(b.rule == "J-06" and "165/95" in b.text for b in blocked.blockers)

    hold = case["safety_hold"]
    assert "safety_hold" in hold.flags
    assert hold.next_step.code == "safety_review"

    assert "override_used" in case["override_used"].flags

    six = case["six_sessions"]
    assert six.stage == "series_complete"
    assert six.sessions_completed == 6
    phq9 = six.outcomes["PHQ-9"]
    assert (phq9.baseline, phq9.response) == (19, "yes")
    assert phq9.latest <= 6
    assert {"GAD-7", "PCL-5"} <= set(six.outcomes)

    assert case["maintenance"].stage == "maintenance"
    assert "adverse_event" in case["adverse_event"].flags
    assert "integration_overdue" in case["integration_overdue"].flags
    assert "rems_form_overdue" in case["rems_form_overdue"].flags
    for name, event_type in (
        ("corrected_entry", "EntryCorrected"),
        ("cancelled_session", "DosingSessionCancelled"),
    ):
        history = journeys.history(DEMO_CLINIC, case[name].journey_id)
        assert event_type in {entry.type for entry in history}

    enrolled = case["spravato_enrolled"]
    assert (enrolled.protocol_name, enrolled.protocol_version) == ("spravato-rems", "2027-1")
    assert enrolled.sessions_completed == 4
    assert "rems_form_overdue" not in enrolled.flags
    history = journeys.history(DEMO_CLINIC, enrolled.journey_id)
    assert {"RemsPatientEnrolled", "RemsMonitoringFormSubmitted"} <= {e.type for e in history}

    moderate, high = case["moderate_hold"], case["high_hold"]
    assert [b.rule for b in moderate.blockers if b.rule == "J-12"] == ["J-12"]
    assert not moderate.blockers[0].text.startswith("High-risk")
    assert any(b.text.startswith("High-risk safety hold") for b in high.blockers)
    assert high.next_step.text.startswith("Record a C-SSRS")  # the review is on record

    assert "interaction_review" in case["interaction_review"].flags
    assert "Benzodiazepines" in " ".join(
        d.text for d in case["interaction_review"].flag_details["interaction_review"]
    )

    late = [ref for ref, status in statuses.items() if "late_entry" in status.flags]
    assert late == [SHOWCASE["late_entry"]]


def test_every_entry_is_well_formed_past_and_attributed(
    seeded: tuple[Journeys, dict[str, JourneyStatus]],
) -> None:
    journeys, statuses = seeded
    now = journeys.clock()
    late = 0
    for status in statuses.values():
        for entry in journeys.history(DEMO_CLINIC, status.journey_id):
            assert entry.source == DEMO_SOURCE
            assert entry.occurred_at <= entry.recorded_at <= now
            if entry.recorded_at - entry.occurred_at > timedelta(minutes=10):
                late += 1
            if entry.type != "JourneyOpened":
                data_model_for(entry.type).model_validate(entry.data)  # the wire contract
    assert late == 1


@pytest.mark.parametrize("hour", [0, 23])
def test_seeds_at_any_time_of_day(make_journeys: MakeJourneys, hour: int) -> None:
    """Times are relative to now: the rules accept them whatever the hour of seeding."""
    now = datetime(2027, 3, 14, hour, 5, tzinfo=UTC)
    journeys = make_journeys(clock=lambda: now)
    assert seed_demo_clinic(journeys, journeys.clinics) == len(PATIENTS)
    stages = {journeys.status(DEMO_CLINIC, demo_journey_id(journeys, ref)).stage for ref in REFS}
    assert stages == STAGES


def test_the_demo_clinic_is_set_up_in_denver_with_its_directory_and_certification(
    seeded: tuple[Journeys, dict[str, JourneyStatus]],
) -> None:
    journeys, statuses = seeded
    clinic = journeys.clinics.clinic(DEMO_CLINIC)  # type: ignore[attr-defined]
    assert clinic.settings["time_zone"] == "America/Denver"
    assert clinic.settings["billing_npi"] == "1099900015"
    assert {m["role"] for m in clinic.staff.values()} == {
        "prescriber",
        "nurse",
        "therapist",
        "coordinator",
    }
    assert all(member["active"] for member in clinic.staff.values())
    assert clinic.rems_certification == {
        "certification_id": "HCS-DEN-0142",
        "certified_on": "2025-03-03",
    }
    # Every entry of the demo passed the directory's checks; its sentences read in Denver.
    timed = [s.next_step.text for s in statuses.values() if " M" in s.next_step.text]
    assert timed
    assert all(("MST" in t or "MDT" in t) and "UTC-0" in t for t in timed), timed


def test_a_second_run_records_no_clinic_change(make_journeys: MakeJourneys) -> None:
    journeys, clinics = _with_clinics(make_journeys())
    seed_demo_clinic(journeys, clinics)
    changes = len(clinics.changes(DEMO_CLINIC))
    seed_demo_clinic(journeys, clinics)
    assert len(clinics.changes(DEMO_CLINIC)) == changes


def test_a_journey_under_the_clinics_own_protocol_is_dosed_as_it_allows(
    seeded: tuple[Journeys, dict[str, JourneyStatus]],
) -> None:
    journeys, statuses = seeded
    status = statuses[SHOWCASE["clinic_protocol"]]
    assert (status.protocol_name, status.protocol_version) == ("aspen-kap", "demo-clinic-1")
    journey = journeys._journey(DEMO_CLINIC, status.journey_id)
    (first,) = journey.facts.doses()
    assert first["dose_mg"] == 72.0  # 1 mg/kg at 72 kg: beyond kap-standard's 0.75
    assert journey.facts.profile.min_observation_minutes == 90
    assert status.next_step.code == "administer_dose"
    assert "fast" in status.next_step.text.lower()  # advisory: a note, not a hold
    assert not status.blockers


def test_the_demo_clinic_bills_a_finished_series(
    seeded: tuple[Journeys, dict[str, JourneyStatus]],
) -> None:
    journeys, statuses = seeded
    clinics = journeys.clinics  # type: ignore[attr-defined]
    bill = journey_superbill(
        journeys, clinics, DEMO_CLINIC, statuses[SHOWCASE["six_sessions"]].journey_id
    )
    codes = [line.code for line in bill.lines]
    assert codes[0] == "90792"
    assert codes.count("96372") == 6  # one IM administration per dosing session
    assert bill.total_cents == sum(line.amount_cents for line in bill.lines) > 0
