"""Whole journeys posted step by step over HTTP: every answer's stage and next step, then
the status and the history as staff and auditors read them."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from tests.integration.http.conftest import SOURCE, Api
from tests.story import START, Step, dosing_session, intake, phq9, session_days, step

INTAKE = [
    ("ConsultationCompleted", "consulted", "record_baseline"),
    ("OutcomeMeasureRecorded", "consulted", "complete_screening"),
    ("ScreeningCompleted", "screened", "sign_consent"),
    ("ConsentSigned", "consented", "complete_preparation"),
    ("PreparationCompleted", "prepared", "pre_dose_check"),
]


def kap_session(before_dose: str, during: str, after: tuple[str, str]) -> list[tuple[str, ...]]:
    """Rows of one KAP session: stage before its dose, stage during it, answer to integration.
    Dosed, the session waits for its in-session reading before the discharge (2027-1)."""
    return [
        ("PreDoseCheckCompleted", before_dose, "administer_dose"),
        ("KetamineAdministered", during, "record_vitals"),
        ("GuidedTherapyNoted", during, "record_vitals"),
        ("VitalsRecorded", during, "discharge"),
        ("PatientDischarged", during, "integrate_session"),
        ("IntegrationCompleted", *after),
    ]


NEXT_DOSE = ("in_treatment", "pre_dose_check")
SERIES_DONE = ("series_complete", "update_treatment_plan")
MEASURE_DUE = ("in_treatment", "record_measure")
"""The PHQ-9 2027-1 schedules after session 3 is taken before the next dose's check."""
SERIES_MEASURE_DUE = ("series_complete", "record_measure")
"""The end-of-series PHQ-9, taken before the plan is updated."""

KAP_EXPECTED = [
    *INTAKE,
    *kap_session("prepared", "in_treatment", NEXT_DOSE),
    *kap_session("in_treatment", "in_treatment", NEXT_DOSE),
    *kap_session("in_treatment", "in_treatment", MEASURE_DUE),
    ("OutcomeMeasureRecorded", *NEXT_DOSE),
    *kap_session("in_treatment", "in_treatment", NEXT_DOSE),
    *kap_session("in_treatment", "in_treatment", NEXT_DOSE),
    *kap_session("in_treatment", "in_treatment", SERIES_MEASURE_DUE),
    ("OutcomeMeasureRecorded", *SERIES_DONE),
    ("TreatmentPlanUpdated", "maintenance", "pre_dose_check"),
    *kap_session("maintenance", "maintenance", ("maintenance", "pre_dose_check")),
]


def spravato_session(before_dose: str, after: tuple[str, str]) -> list[tuple[str, ...]]:
    """Rows of one Spravato session: its reading, no integration, a REMS form the day after."""
    return [
        ("PreDoseCheckCompleted", before_dose, "administer_dose"),
        ("KetamineAdministered", "in_treatment", "record_vitals"),
        ("GuidedTherapyNoted", "in_treatment", "record_vitals"),
        ("VitalsRecorded", "in_treatment", "discharge"),
        ("PatientDischarged", *after),
        ("RemsMonitoringFormSubmitted", *after),
    ]


SPRAVATO_INTAKE = [
    *INTAKE,
    ("RemsPatientEnrolled", "prepared", "pre_dose_check"),
    ("MedicationsReconciled", "prepared", "pre_dose_check"),
]
SPRAVATO_EXPECTED = [
    *SPRAVATO_INTAKE,
    *spravato_session("prepared", NEXT_DOSE),
    *spravato_session("in_treatment", NEXT_DOSE),
    *spravato_session("in_treatment", MEASURE_DUE),
    ("OutcomeMeasureRecorded", *NEXT_DOSE),
    *[row for _ in range(4) for row in spravato_session("in_treatment", NEXT_DOSE)],
    *spravato_session("in_treatment", SERIES_MEASURE_DUE),
    ("OutcomeMeasureRecorded", *SERIES_DONE),
]

AFTER_SESSION_3 = [2, 2, 2, 1, 1, 1, 1, 1, 0]
END_OF_SERIES = [1, 1, 1, 1, 1, 0, 0, 0, 0]


def after_session_3(day: datetime) -> Step:
    """The follow-up PHQ-9 the profile schedules after session 3 (measurement-based care)."""
    return phq9(AFTER_SESSION_3, day + timedelta(days=1, hours=2), timepoint="follow_up")


def kap_story() -> list[Step]:
    steps = intake()
    days = session_days(START + timedelta(days=10), 6)
    for number, day in enumerate(days, start=1):
        steps += dosing_session(number, day)
        if number == 3:
            steps.append(after_session_3(day))
    after_series = days[-1] + timedelta(days=1, hours=1)
    steps.append(phq9(END_OF_SERIES, after_series, timepoint="end_of_series"))
    steps.append(step("TreatmentPlanUpdated", after_series + timedelta(days=1)))
    steps += dosing_session(7, after_series + timedelta(weeks=4))
    return steps


def spravato_story() -> list[Step]:
    """Eight sessions twice a week (days 0, 3, 7, 10...: Spravato's weeks 1-4 allow two a
    week), the end-of-series PHQ-9 the day after the last."""
    steps = intake(route="intranasal")
    first = START + timedelta(days=10)
    days = [first + timedelta(days=7 * (n // 2) + 3 * (n % 2)) for n in range(8)]
    for number, day in enumerate(days, start=1):
        steps += dosing_session(number, day, protocol="spravato-rems", integrate=False)
        if number == 3:
            steps.append(after_session_3(day))
    steps.append(phq9(END_OF_SERIES, days[-1] + timedelta(days=1, hours=2), "end_of_series"))
    return steps


def as_posted(value: Any) -> Any:
    """Times compared as instants (the service may write +00:00 as Z), the rest as is."""
    if isinstance(value, dict):
        return {k: as_posted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_posted(v) for v in value]
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def post_story(
    api: Api, journey_id: str, steps: list[Step], expected: list[tuple[str, ...]]
) -> list[dict[str, Any]]:
    """Post every step, checking each answer against its row of the expected table."""
    assert [s.type for s in steps] == [row[0] for row in expected]
    answers: list[dict[str, Any]] = []
    rows = zip(steps, expected, strict=True)
    for number, (s, (event_type, stage, next_code)) in enumerate(rows, start=2):
        answer = api.post(journey_id, s)
        assert answer.status_code == 201, (number, event_type, answer.text)
        body = answer.json()
        got = (body["version"], body["stage"], body["next_step"]["code"])
        assert got == (number, stage, next_code), (number, event_type, body)
        answers.append(body)
    return answers


def assert_history_is_the_story(
    api: Api, journey_id: str, steps: list[Step], answers: list[dict[str, Any]]
) -> None:
    history = api.history(journey_id)

    assert len(history) == len(steps) + 1
    assert [e["version"] for e in history] == list(range(1, len(steps) + 2))
    positions = [e["position"] for e in history]
    assert all(a < b for a, b in pairwise(positions)), positions
    assert positions[1:] == [a["position"] for a in answers]
    assert {e["source"] for e in history} == {SOURCE}
    assert history[0]["type"] == "JourneyOpened"
    for event, s in zip(history[1:], steps, strict=True):
        assert event["type"] == s.type
        assert as_posted(event["data"]) == as_posted(s.data), s.type
        assert event["recorded_by"] == s.envelope()["recorded_by"]
        assert datetime.fromisoformat(event["occurred_at"]) == s.occurred_at
        assert datetime.fromisoformat(event["recorded_at"]) == s.occurred_at + timedelta(minutes=1)
        assert event["idempotency_key"] is None


def test_a_kap_journey_from_consultation_to_maintenance(api: Api) -> None:
    journey_id = api.journey()
    steps = kap_story()

    answers = post_story(api, journey_id, steps, KAP_EXPECTED)

    status = api.status(journey_id).json()
    assert (status["stage"], status["next_step"]["code"]) == ("maintenance", "pre_dose_check")
    assert status["protocol"]["name"] == "kap-standard"
    assert status["version"] == len(steps) + 1
    assert status["flags"] == []
    assert [s["session"] for s in status["sessions"]] == [1, 2, 3, 4, 5, 6, 7]
    assert all(s["integrated_at"] and not s["cancelled"] for s in status["sessions"])
    assert {(s["route"], s["dose_mg"]) for s in status["sessions"]} == {("im", 35)}
    assert {s["observation_minutes"] for s in status["sessions"]} == {75}
    assert status["sessions_completed"] == 7
    phq9_outcome = status["outcomes"]["PHQ-9"]
    assert phq9_outcome.pop("judged_at") is not None
    assert phq9_outcome == {
        "baseline": 17,
        "latest": 5,
        "band": "mild",
        "change_pct": -70.6,
        "response": "yes",
        "remission": "no",
        "meaningful_change": None,
        "judged_score": 5,
    }
    assert_history_is_the_story(api, journey_id, steps, answers)


def test_a_spravato_series_with_rems_forms(api: Api) -> None:
    journey_id = api.journey(protocol="spravato-rems")
    steps = spravato_story()

    answers = post_story(api, journey_id, steps, SPRAVATO_EXPECTED)

    status = api.status(journey_id).json()
    assert (status["stage"], status["next_step"]["code"]) == SERIES_DONE
    assert status["protocol"]["name"] == "spravato-rems"
    assert status["flags"] == []
    assert [s["session"] for s in status["sessions"]] == list(range(1, 9))
    assert all(s["rems_form_at"] and s["integrated_at"] is None for s in status["sessions"])
    assert {(s["route"], s["dose_mg"]) for s in status["sessions"]} == {("intranasal", 56)}
    assert status["sessions_completed"] == 8
    assert status["outcomes"]["PHQ-9"]["baseline"] == 17
    assert_history_is_the_story(api, journey_id, steps, answers)


def test_a_late_spravato_rems_form_is_flagged_overdue(api: Api) -> None:
    journey_id = api.journey(protocol="spravato-rems")
    *first_session, rems_form = intake(route="intranasal") + dosing_session(
        1, START + timedelta(days=10), protocol="spravato-rems", integrate=False
    )
    api.post_all(journey_id, first_session)

    api.clock.now = START + timedelta(days=18)
    overdue = api.status(journey_id).json()
    api.post(journey_id, rems_form)
    caught_up = api.status(journey_id).json()

    assert "rems_form_overdue" in overdue["flags"]
    assert "rems_form_overdue" not in caught_up["flags"]


def test_every_step_retried_after_the_series_gets_its_first_answer(api: Api) -> None:
    journey_id = api.journey()
    steps = kap_story()
    first = {}
    for number, s in enumerate(steps):
        answer = api.post(journey_id, s, idempotency_key=f"ehr-{number}")
        assert answer.status_code == 201, (number, s.type, answer.text)
        first[number] = answer.json()

    retries = {n: api.post(journey_id, s, idempotency_key=f"ehr-{n}") for n, s in enumerate(steps)}

    assert {n: r.status_code for n, r in retries.items()} == dict.fromkeys(first, 200)
    assert {n: r.json() for n, r in retries.items()} == first
    assert api.version(journey_id) == len(steps) + 1


def test_the_opening_time_is_stored_in_utc_like_every_event(api: Api) -> None:
    journey_id = api.journey(occurred_at="2026-10-01T01:30:00-07:00")
    api.post_all(journey_id, intake()[:1])

    opened, consulted = api.history(journey_id)
    status = api.status(journey_id).json()

    assert datetime.fromisoformat(consulted["occurred_at"]).utcoffset() == timedelta(0)
    assert datetime.fromisoformat(opened["occurred_at"]).utcoffset() == timedelta(0)
    assert datetime.fromisoformat(status["opened_at"]).utcoffset() == timedelta(0)
