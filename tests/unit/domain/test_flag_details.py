"""Each flag carries what raised it and when (issue 10, item 24): ``flag_details``."""

from __future__ import annotations

from datetime import timedelta

import pytest

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
    status_of,
)

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)


def details(journey, now, flag):
    status = status_of(journey, now)
    assert list(status.flag_details) == status.flags, "the keys are exactly the flags"
    return [(d.text, d.at, d.session) for d in status.flag_details[flag]]


def test_a_journey_without_flags_has_no_details(profile):
    journey = given_journey(profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE)])

    assert status_of(journey, FIRST_DOSE + DAY).flag_details == {}


def test_an_adverse_event_says_its_kind_severity_session_and_onset(profile):
    journey = ready_to_dose(profile)
    post(journey, dose(profile, 1, FIRST_DOSE))
    onset = FIRST_DOSE + 10 * MIN
    post(
        journey,
        step(
            "AdverseEventReported",
            FIRST_DOSE + 15 * MIN,
            session=1,
            kind="dissociation_distress",
            onset_at=onset.isoformat(),
        ),
    )

    assert details(journey, FIRST_DOSE + HOUR, "adverse_event") == [
        ("Mild dissociation distress in session 1, 2026-10-06 10:10 UTC.", onset, 1)
    ]


def test_an_adverse_event_without_an_onset_is_dated_when_it_occurred(profile):
    journey = ready_to_dose(profile)
    post(journey, dose(profile, 1, FIRST_DOSE))
    post(journey, step("AdverseEventReported", FIRST_DOSE + 15 * MIN, session=1))

    [(text, at, session)] = details(journey, FIRST_DOSE + HOUR, "adverse_event")

    assert (text, at, session) == (
        "Mild nausea in session 1, 2026-10-06 10:15 UTC.",
        FIRST_DOSE + 15 * MIN,
        1,
    )


def test_an_override_says_what_was_overridden_by_whom_and_why(profile):
    journey = given_journey(
        profile,
        [
            *intake_for(profile),
            pre_dose_check(
                1, FIRST_DOSE, vitals={"systolic": 150, "diastolic": 85, "heart_rate": 80}
            ),
        ],
    )
    override = {"by": {"id": "prescriber-1", "role": "prescriber"}, "reason": "Benefit outweighs."}
    post(journey, dose(profile, 1, FIRST_DOSE, override=override))

    assert details(journey, FIRST_DOSE, "override_used") == [
        (
            "Override of the dose in session 1 by prescriber-1 (prescriber): Benefit outweighs.",
            FIRST_DOSE,
            1,
        )
    ]


def test_an_overdue_rems_form_names_its_session_and_deadline():
    profile = SPRAVATO_REMS
    journey = given_journey(
        profile, [*intake_for(profile), *full_session(profile, 1, FIRST_DOSE, rems_form=False)]
    )
    due = FIRST_DOSE + WEEK

    assert "rems_form_overdue" not in status_of(journey, due).flags
    assert details(journey, due + MIN, "rems_form_overdue") == [
        ("The REMS monitoring form for session 1 was due by 2026-10-13 10:00 UTC.", due, 1)
    ]


def test_an_overdue_integration_names_its_session_and_deadline():
    profile = KAP_STANDARD
    journey = ready_to_dose(profile)
    post(journey, dose(profile, 1, FIRST_DOSE))
    post(journey, in_session_vitals(1, FIRST_DOSE))
    out = discharge_time(profile, FIRST_DOSE)
    post(journey, discharge(1, out))
    due = out + WEEK

    assert details(journey, due + MIN, "integration_overdue") == [
        ("The integration session for session 1 was due by 2026-10-13 11:15 UTC.", due, 1)
    ]


def test_a_safety_hold_says_its_level_and_reason(profile):
    raised = START + 2 * HOUR
    journey = given_journey(profile, [phq9([1, 1, 1, 1, 1, 1, 1, 1, 1], raised)])

    assert details(journey, raised + HOUR, "safety_hold") == [
        (
            "Moderate safety hold: PHQ-9 item 9 (thoughts of self-harm) answered 1.",
            raised,
            None,
        )
    ]


def test_an_interaction_review_gives_a_sentence_per_class(profile):
    listed = START + 2 * HOUR
    medications = [
        {"name": "lorazepam", "class": "benzodiazepine", "dose": "1 mg at night"},
        {"name": "tramadol", "class": "opioid", "dose": "50 mg as needed"},
        {"name": "sertraline", "class": "antidepressant", "dose": "100 mg daily"},
    ]
    journey = given_journey(
        profile, [step("MedicationsReconciled", listed, medications=medications)]
    )

    assert details(journey, listed + HOUR, "interaction_review") == [
        ("Benzodiazepines may blunt the response to ketamine.", listed, None),
        ("Opioids add to sedation and respiratory depression.", listed, None),
    ]


@pytest.mark.parametrize(("delay", "said"), [(30 * HOUR, "30 h"), (3 * DAY, "3 days")])
def test_a_late_entry_says_its_type_and_delay(profile, delay, said):
    journey = given_journey(profile)
    s = step("ConsultationCompleted", START + HOUR)
    post(journey, s, recorded_at=s.occurred_at + delay)

    assert details(journey, START + 4 * DAY, "late_entry") == [
        (
            f"ConsultationCompleted recorded {said} after it occurred (version 2).",
            START + HOUR,
            None,
        )
    ]


def test_a_measure_due_names_the_instrument_timepoint_and_since_when(profile):
    journey = given_journey(profile, intake_for(profile)[:1])
    consulted = START + HOUR

    assert details(journey, consulted + HOUR, "measure_due") == [
        (
            "The baseline PHQ-9 is due since 2026-10-01 10:00 UTC: record it as baseline.",
            consulted,
            None,
        )
    ]
