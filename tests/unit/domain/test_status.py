"""The status staff read: blockers, flags, outcomes and the sessions table."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import RuleViolationError
from domain.protocols import KAP_STANDARD, SPRAVATO_REMS
from tests.story import START, in_session_vitals, phq9, step
from tests.unit.domain.conftest import (
    FIRST_DOSE,
    discharge,
    discharge_time,
    dose,
    full_session,
    given_journey,
    intake_for,
    post,
    pre_dose_check,
    ready_to_dose,
    series,
    status_of,
)

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
CHECKLIST = [
    ("J-04", "No eligible screening"),
    ("J-04", "No active consent"),
    ("J-04", "Preparation not done"),
    ("J-04", "No baseline PHQ-9 within 30 days"),
    ("J-04", "No pre-dose check for session 1"),
]
SPRAVATO_CHECKLIST = [
    *CHECKLIST[:4],
    ("J-16", "The patient is not enrolled in the Spravato REMS"),
    ("J-07", "No medication reconciliation within 30 days"),
    CHECKLIST[4],
]
"""Spravato 2027-1 adds the REMS enrollment and a recent medication reconciliation."""


def checklist(profile) -> list[tuple[str, str]]:
    return SPRAVATO_CHECKLIST if profile is SPRAVATO_REMS else CHECKLIST


def texts(status) -> list[tuple[str, str]]:
    return [(b.rule, b.text) for b in status.blockers]


def starts(status) -> list[tuple[str, str]]:
    """Each blocker as (rule, its text up to the colon)."""
    return [(rule, text.split(":")[0]) for rule, text in texts(status)]


# Blockers


def test_before_anything_the_blockers_are_the_checklist_to_the_first_dose(profile):
    journey = given_journey(profile)

    status = status_of(journey, START)

    assert len(status.blockers) == len(checklist(profile))
    for blocker, (rule, beginning) in zip(status.blockers, checklist(profile), strict=True):
        assert blocker.rule == rule
        assert blocker.text.startswith(beginning)
        assert "record " in blocker.text, "each item names the entry that ticks it off"


@pytest.mark.parametrize(
    ("profile", "steps_done", "remaining"),
    [
        (KAP_STANDARD, 1, [0, 1, 2, 3, 4]),
        (KAP_STANDARD, 2, [0, 1, 2, 4]),
        (KAP_STANDARD, 3, [1, 2, 4]),
        (KAP_STANDARD, 4, [2, 4]),
        (KAP_STANDARD, 5, [4]),
        (SPRAVATO_REMS, 1, [0, 1, 2, 3, 4, 5, 6]),
        (SPRAVATO_REMS, 2, [0, 1, 2, 4, 5, 6]),
        (SPRAVATO_REMS, 3, [1, 2, 4, 5, 6]),
        (SPRAVATO_REMS, 4, [2, 4, 5, 6]),
        (SPRAVATO_REMS, 5, [4, 5, 6]),
        (SPRAVATO_REMS, 6, [5, 6]),
        (SPRAVATO_REMS, 7, [6]),
    ],
    ids=[
        *(f"kap-{s}" for s in ("consulted", "baseline", "screened", "consented", "prepared")),
        *(
            f"spravato-{s}"
            for s in (
                "consulted",
                "baseline",
                "screened",
                "consented",
                "prepared",
                "enrolled",
                "reconciled",
            )
        ),
    ],
)
def test_each_intake_step_ticks_its_item_off_the_checklist(profile, steps_done, remaining):
    journey = given_journey(profile, intake_for(profile)[:steps_done])

    status = status_of(journey, FIRST_DOSE)

    assert len(status.blockers) == len(remaining)
    for blocker, index in zip(status.blockers, remaining, strict=True):
        rule, beginning = checklist(profile)[index]
        assert (blocker.rule, blocker.text.startswith(beginning)) == (rule, True)


def test_blockers_are_empty_when_a_dose_could_be_given_now(profile):
    journey = ready_to_dose(profile)

    assert status_of(journey, FIRST_DOSE).blockers == []
    post(journey, dose(profile, 1, FIRST_DOSE))
    assert len(journey.facts.doses()) == 1


def test_blockers_reappear_once_the_pre_dose_check_expires(profile):
    journey = ready_to_dose(profile)

    status = status_of(journey, FIRST_DOSE + 41 * MIN)

    assert [b.rule for b in status.blockers] == ["J-04"]
    assert "expired" in status.blockers[0].text


def test_blockers_during_observation_name_what_the_discharge_waits_for(profile):
    journey = ready_to_dose(profile)
    post(journey, dose(profile, 1, FIRST_DOSE))

    status = status_of(journey, FIRST_DOSE + 10 * MIN)

    assert (
        "J-08",
        "Session 1 is not discharged yet: record PatientDischarged for session 1.",
    ) in texts(status)
    assert any(text.startswith("Only 10 min observed since the dose") for _, text in texts(status))
    assert "J-07" not in {rule for rule, _ in texts(status)}, "not the next dose's timing"


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (
            KAP_STANDARD,
            [
                ("J-08", "Session 1 is not integrated yet"),
                ("J-07", "At least 24 h must pass between doses"),
            ],
        ),
        (
            SPRAVATO_REMS,
            [
                ("J-07", "At least 48 h must pass between doses"),
                ("J-04", "No pre-dose check for session 2"),
            ],
        ),
    ],
    ids=["kap", "spravato"],
)
def test_blockers_after_discharge_follow_the_protocol(profile, expected):
    journey = discharged_not_integrated(profile)

    status = status_of(journey, FIRST_DOSE + 3 * HOUR)

    assert starts(status) == expected


def test_a_closed_journey_has_no_blockers(profile):
    journey = given_journey(profile, [step("JourneyClosed", START + HOUR, reason="withdrawn")])

    assert status_of(journey, START + DAY).blockers == []


def test_after_the_series_the_next_step_is_the_plan_and_a_further_check_is_refused(profile):
    length = profile.series_length
    journey = given_journey(profile, [*intake_for(profile), *series(profile, length)])
    at = FIRST_DOSE + 40 * DAY

    with pytest.raises(RuleViolationError) as refusal:
        post(journey, pre_dose_check(length + 1, at))

    assert refusal.value.rule == "J-09"
    status = status_of(journey, at)
    # The plan comes first; the next session's pre-dose check (J-04) is still to come too.
    rules = [b.rule for b in status.blockers]
    assert rules.index("J-09") < rules.index("J-04")
    assert status.session_state != "checked", "the refused check left nothing behind"
    # 2027-1: the end-of-series PHQ-9 is taken before the plan is updated.
    assert status.next_step.code == "record_measure"
    assert "end-of-series PHQ-9" in status.next_step.text
    post(journey, phq9(PHQ9_8, at - HOUR, "end_of_series"))
    assert status_of(journey, at).next_step.code == "update_treatment_plan"


# Flags


def discharged_not_integrated(profile):
    journey = ready_to_dose(profile)
    post(journey, dose(profile, 1, FIRST_DOSE))
    post(journey, in_session_vitals(1, FIRST_DOSE))
    post(journey, discharge(1, discharge_time(profile, FIRST_DOSE)))
    return journey


@pytest.mark.parametrize("profile", [KAP_STANDARD], ids=["kap"])
def test_integration_is_overdue_7_days_after_discharge_under_kap(profile):
    journey = discharged_not_integrated(profile)
    out = discharge_time(profile, FIRST_DOSE)

    assert "integration_overdue" not in status_of(journey, out + WEEK).flags
    assert "integration_overdue" in status_of(journey, out + WEEK + MIN).flags


@pytest.mark.parametrize("profile", [KAP_STANDARD], ids=["kap"])
def test_an_integrated_session_is_never_overdue(profile):
    journey = discharged_not_integrated(profile)
    post(journey, step("IntegrationCompleted", FIRST_DOSE + 6 * DAY, session=1))

    assert "integration_overdue" not in status_of(journey, FIRST_DOSE + 30 * DAY).flags


@pytest.mark.parametrize("profile", [SPRAVATO_REMS], ids=["spravato"])
def test_integration_is_never_overdue_under_spravato(profile):
    journey = discharged_not_integrated(profile)

    assert "integration_overdue" not in status_of(journey, FIRST_DOSE + 30 * DAY).flags


@pytest.mark.parametrize("profile", [SPRAVATO_REMS], ids=["spravato"])
def test_the_rems_form_is_overdue_7_days_after_the_dose_under_spravato(profile):
    journey = discharged_not_integrated(profile)

    assert "rems_form_overdue" not in status_of(journey, FIRST_DOSE + WEEK).flags
    assert "rems_form_overdue" in status_of(journey, FIRST_DOSE + WEEK + MIN).flags


@pytest.mark.parametrize("profile", [SPRAVATO_REMS], ids=["spravato"])
def test_a_submitted_rems_form_is_never_overdue(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])

    assert "rems_form_overdue" not in status_of(journey, FIRST_DOSE + 30 * DAY).flags
    assert status_of(journey, FIRST_DOSE + DAY).sessions[0].rems_form_at is not None


@pytest.mark.parametrize("profile", [KAP_STANDARD], ids=["kap"])
def test_kap_has_no_rems_form_to_be_overdue(profile):
    journey = discharged_not_integrated(profile)

    assert "rems_form_overdue" not in status_of(journey, FIRST_DOSE + 30 * DAY).flags


def test_any_adverse_event_is_flagged(profile):
    journey = ready_to_dose(profile)
    post(journey, dose(profile, 1, FIRST_DOSE))
    post(journey, step("AdverseEventReported", FIRST_DOSE + 15 * MIN, session=1))

    status = status_of(journey, FIRST_DOSE + HOUR)

    assert status.flags == ["adverse_event"]


def test_an_override_is_flagged(profile):
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            pre_dose_check(
                1, FIRST_DOSE, vitals={"systolic": 150, "diastolic": 85, "heart_rate": 80}
            ),
        ],
    )
    override = {"by": {"id": "dr-lee", "role": "prescriber"}, "reason": "Benefit outweighs."}
    post(journey, dose(profile, 1, FIRST_DOSE, override=override))

    assert status_of(journey, FIRST_DOSE).flags == ["override_used"]


@pytest.mark.parametrize(
    ("delay", "late"),
    [(timedelta(hours=24), False), (timedelta(hours=24, minutes=1), True), (3 * DAY, True)],
    ids=["24h", "24h01", "3d"],
)
def test_an_entry_recorded_more_than_24_hours_after_it_occurred_is_flagged_late(
    profile, delay, late
):
    journey = given_journey(profile)
    s = step("ConsultationCompleted", START + HOUR)
    post(journey, s, recorded_at=s.occurred_at + delay)

    assert ("late_entry" in status_of(journey, START + 4 * DAY).flags) is late


def test_a_journey_on_time_carries_no_flags(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])

    assert status_of(journey, FIRST_DOSE + DAY).flags == []


# Outcomes

PHQ9_19 = [3, 3, 3, 2, 2, 2, 2, 2, 0]
PHQ9_8 = [1, 1, 1, 1, 1, 1, 1, 1, 0]
PHQ9_4 = [1, 1, 1, 1, 0, 0, 0, 0, 0]


def measured(profile, *later):
    return given_journey(
        profile,
        [phq9(PHQ9_19, START + HOUR, "baseline"), *later],
    )


def test_phq9_from_19_to_8_is_a_response_without_remission(profile):
    journey = measured(profile, phq9(PHQ9_8, START + 30 * DAY, "end_of_series"))

    outcome = status_of(journey, START + 30 * DAY).outcomes["PHQ-9"]

    assert (outcome.baseline, outcome.latest, outcome.band) == (19, 8, "mild")
    assert outcome.change_pct == -57.9
    assert (outcome.response, outcome.remission) == ("yes", "no")


def test_phq9_from_19_to_4_is_a_remission(profile):
    journey = measured(profile, phq9(PHQ9_4, START + 30 * DAY, "end_of_series"))

    outcome = status_of(journey, START + 30 * DAY).outcomes["PHQ-9"]

    assert (outcome.latest, outcome.band, outcome.change_pct) == (4, "minimal", -78.9)
    assert (outcome.response, outcome.remission) == ("yes", "yes")


def test_a_drop_short_of_half_is_no_response(profile):
    journey = measured(profile, phq9([2, 2, 1, 1, 1, 1, 1, 1, 0], START + 30 * DAY, "follow_up"))

    outcome = status_of(journey, START + 30 * DAY).outcomes["PHQ-9"]

    assert (outcome.latest, outcome.change_pct, outcome.response) == (10, -47.4, "no")


def test_the_latest_measure_is_by_time_not_by_posting_order(profile):
    journey = measured(
        profile,
        phq9(PHQ9_4, START + 30 * DAY, "end_of_series"),
        phq9(PHQ9_8, START + 20 * DAY, "follow_up"),  # posted late, happened earlier
    )

    assert status_of(journey, START + 31 * DAY).outcomes["PHQ-9"].latest == 4


def test_only_the_baseline_alone_has_no_change(profile):
    journey = measured(profile)

    outcome = status_of(journey, START + DAY).outcomes["PHQ-9"]

    assert (outcome.baseline, outcome.latest, outcome.change_pct) == (19, 19, 0.0)
    assert (outcome.response, outcome.remission) == (None, None), "not measured, not no"


def test_pcl5_reports_a_meaningful_change_of_10_or_more(profile):
    journey = given_journey(
        profile,
        [
            step("OutcomeMeasureRecorded", START + HOUR, instrument="PCL-5", items=[2] * 20),
            step(
                "OutcomeMeasureRecorded",
                START + 30 * DAY,
                instrument="PCL-5",
                items=[1] * 10 + [2] * 10,
                timepoint="end_of_series",
            ),
        ],
    )

    outcome = status_of(journey, START + 30 * DAY).outcomes["PCL-5"]

    assert (outcome.baseline, outcome.latest, outcome.band) == (40, 30, "below_threshold")
    assert (outcome.meaningful_change, outcome.remission) == (True, "not_applicable")


def test_no_measures_means_no_outcomes(profile):
    assert status_of(given_journey(profile), START).outcomes == {}


# Identity and the sessions table


def test_status_names_the_protocol_and_the_version_it_was_read_at(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])

    status = status_of(journey, FIRST_DOSE + DAY)

    assert (status.protocol_name, status.protocol_version) == (profile.name, profile.version)
    assert status.version == journey.version
    assert (status.patient_ref, status.opened_at) == ("MRN-0042", START)


def test_the_sessions_table_records_each_session(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])

    status = status_of(journey, FIRST_DOSE + DAY)

    (row,) = status.sessions
    assert (row.session, row.administered_at, row.cancelled) == (1, FIRST_DOSE, False)
    assert row.predose_checked_at == FIRST_DOSE - 20 * MIN
    assert row.observation_minutes == (130 if profile is SPRAVATO_REMS else 75)
    assert status.sessions_completed == 1
    assert status.session_state == "complete"
