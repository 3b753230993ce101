"""GET /v1/journeys/{id}/sessions/{n}/rems-form: a Spravato session's Patient Monitoring
Form filled from the record, for staff and auditors, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from httpx import Response

from tests.integration.http.conftest import Api, assert_problem
from tests.story import START, dosing_session, intake, step

DOSE_AT = START + timedelta(days=6, hours=1)
SPRAVATO = "spravato-rems"
patients = (f"MRN-R{n}" for n in count(1))


def spravato_journey(api: Api, *, form: bool = True) -> str:
    """Intake with enrollment and medications, then session 1 dosed and discharged."""
    journey_id = api.journey(next(patients), protocol=SPRAVATO)
    session = dosing_session(1, DOSE_AT, protocol=SPRAVATO, integrate=False)
    if not form:
        session = [s for s in session if s.type != "RemsMonitoringFormSubmitted"]
    api.post_all(journey_id, [*intake(route="intranasal"), *session])
    return journey_id


def form_answer(api: Api, journey_id: str, session: int = 1, role: str = "staff") -> Response:
    return api.client.get(
        f"/v1/journeys/{journey_id}/sessions/{session}/rems-form",
        headers=api.headers(api.tokens[role]),
    )


@pytest.fixture(scope="module")
def submitted(shared_api: Api) -> str:
    return spravato_journey(shared_api)


def test_staff_read_the_form_filled_from_the_record(shared_api: Api, submitted: str) -> None:
    answer = form_answer(shared_api, submitted)

    assert answer.status_code == 200, answer.text
    form: dict[str, Any] = answer.json()
    assert form["journey_id"] == submitted
    assert form["session"] == 1
    assert form["enrollment_id"] == "SPR-PT-55012"
    assert (form["dose_mg"], form["devices"], form["lot_number"]) == (56, 2, "KET-2026-118")
    assert form["blood_pressure_before"]["spo2"] == 98
    assert form["blood_pressure_at_40_minutes"]["minutes_after_dose"] == 40
    assert form["blood_pressure_at_discharge"]["systolic"] == 128
    assert form["sedation"] == {"occurred": False, "resolved": True}
    assert form["monitoring_minutes"] == 130
    assert form["concomitant_medications"] == [
        {"name": "sertraline", "class": "antidepressant", "dose": "100 mg daily"}
    ]
    assert form["adverse_events"] == []
    assert form["submitted_at"] is not None
    # The story's 40-minute reading has no SpO2: the one thing staff must look up.
    assert form["missing"] == ["blood_pressure_at_40_minutes.spo2"]


def test_auditors_read_it_too(shared_api: Api, submitted: str) -> None:
    assert form_answer(shared_api, submitted, role="auditor").status_code == 200


@pytest.mark.parametrize("role", ["clinic_system", "admin"])
def test_other_roles_are_refused(shared_api: Api, submitted: str, role: str) -> None:
    assert_problem(form_answer(shared_api, submitted, role=role), 403, "forbidden")


def test_another_clinics_journey_is_not_found(shared_api: Api, submitted: str) -> None:
    answer = shared_api.client.get(
        f"/v1/journeys/{submitted}/sessions/1/rems-form",
        headers=shared_api.headers(shared_api.other_clinic["staff"]),
    )

    assert_problem(answer, 404, "journey_not_found")


def test_a_session_that_does_not_exist_is_not_found(shared_api: Api, submitted: str) -> None:
    body = assert_problem(form_answer(shared_api, submitted, session=2), 404, "rems_form_not_found")

    assert "no such session" in body["detail"]


def test_a_session_not_dosed_has_no_form(shared_api: Api) -> None:
    journey_id = shared_api.journey(next(patients), protocol=SPRAVATO)
    checked = dosing_session(1, DOSE_AT, protocol=SPRAVATO)[0]
    shared_api.post_all(journey_id, [*intake(route="intranasal"), checked])

    body = assert_problem(form_answer(shared_api, journey_id), 404, "rems_form_not_found")

    assert "not dosed" in body["detail"]


def test_a_journey_without_the_rems_has_no_form(shared_api: Api) -> None:
    journey_id = shared_api.journey(next(patients))
    shared_api.post_all(journey_id, [*intake(), *dosing_session(1, DOSE_AT)])

    body = assert_problem(form_answer(shared_api, journey_id), 404, "rems_form_not_found")

    assert "kap-standard 2027-1" in body["detail"]


def test_a_bad_session_number_is_a_422(shared_api: Api, submitted: str) -> None:
    assert_problem(form_answer(shared_api, submitted, session=0), 422)


@pytest.fixture
def unsubmitted(api: Api) -> str:
    return spravato_journey(api, form=False)


def test_the_form_read_is_in_the_access_log(api: Api, unsubmitted: str) -> None:
    api.clock.now = DOSE_AT + timedelta(days=1)
    assert form_answer(api, unsubmitted, role="auditor").status_code == 200

    entries = api.client.get(
        "/v1/audit/access-log", params={"limit": 1}, headers=api.headers(api.tokens["auditor"])
    ).json()["entries"]

    assert {k: entries[0][k] for k in ("journey_id", "action", "purpose", "role")} == {
        "journey_id": unsubmitted,
        "action": "history",
        "purpose": "audit",
        "role": "auditor",
    }


def test_an_overdue_form_is_the_next_step_then_the_submission_clears_it(
    api: Api, unsubmitted: str
) -> None:
    due = DOSE_AT + timedelta(days=7)
    api.clock.now = due + timedelta(minutes=1)

    status = api.status(unsubmitted).json()

    assert "rems_form_overdue" in status["flags"]
    assert status["next_step"]["code"] == "submit_rems_form"
    assert "session 1" in status["next_step"]["text"]
    assert form_answer(api, unsubmitted).json()["submitted_at"] is None

    answer = api.post(unsubmitted, step("RemsMonitoringFormSubmitted", api.clock.now, session=1))

    assert answer.status_code == 201, answer.text
    assert answer.json()["next_step"]["code"] == "pre_dose_check"
