"""Who may record what (J-17), consent (J-03) and closing (J-13) under protocol 2027-1,
over HTTP on SQLite and PostgreSQL: each refusal is a 409 naming its rule and what would
satisfy it, and the journey keeps its version."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tests.integration.http.conftest import Api, assert_problem
from tests.story import START, Step, dosing_session, intake, step

DOSE_AT = START + timedelta(days=10)
HOUR = timedelta(hours=1)


def refused(api: Api, journey_id: str, s: Step, rule: str) -> str:
    """The step is refused under ``rule`` and the journey keeps its version."""
    version = api.version(journey_id)
    problem = assert_problem(api.post(journey_id, s), 409, "protocol_violation")
    assert problem["rule"] == rule, problem
    assert api.version(journey_id) == version
    return str(problem["detail"])


def test_a_screening_is_a_prescribers_decision(api: Api) -> None:
    journey_id = api.journey()
    consulted = intake()[:2]
    api.post_all(journey_id, consulted)
    screening = intake()[2]

    detail = refused(api, journey_id, replace(screening, role="nurse"), "J-17")
    answer = api.post(journey_id, screening)

    assert "by a prescriber" in detail
    assert "nurse-1 is recording as nurse" in detail
    assert answer.status_code == 201, answer.text
    assert api.history(journey_id)[-1]["recorded_by"] == {
        "id": "prescriber-1",
        "role": "prescriber",
    }


def test_a_dose_names_only_staff_the_journey_knows_in_that_role(api: Api) -> None:
    journey_id = api.journey()
    session = dosing_session(1, DOSE_AT)
    api.post_all(journey_id, [*intake(), session[0]])
    stranger = replace(session[1], data={**session[1].data, "therapist_present": "ther-zoe"})

    detail = refused(api, journey_id, stranger, "J-17")
    answer = api.post(journey_id, session[1])

    assert "therapist_present names ther-zoe" in detail
    assert "record an entry by ther-zoe as therapist first" in detail
    assert answer.status_code == 201, answer.text


def test_a_dose_is_corrected_by_a_nurse_or_prescriber_only(api: Api) -> None:
    journey_id = api.journey()
    api.post_all(journey_id, [*intake(), *dosing_session(1, DOSE_AT)[:2]])
    dose_version = api.version(journey_id)
    body = {"corrects_version": dose_version, "reason": "Keyed wrong.", "data": {"dose_mg": 30}}

    detail = refused(api, journey_id, Step("EntryCorrected", DOSE_AT + HOUR, body), "J-17")
    answer = api.post(journey_id, Step("EntryCorrected", DOSE_AT + HOUR, body, "nurse"))

    assert "KetamineAdministered is recorded or corrected by a nurse or prescriber" in detail
    assert answer.status_code == 201, answer.text


def test_consent_needs_the_risks_discussed(api: Api) -> None:
    journey_id = api.journey()
    api.post_all(journey_id, intake()[:3])
    consent = intake()[3]
    undiscussed = replace(consent, data={**consent.data, "risks_discussed": False})

    detail = refused(api, journey_id, undiscussed, "J-03")

    assert "risks_discussed true" in detail
    assert api.post(journey_id, consent).status_code == 201


def test_a_journey_is_not_closed_with_a_patient_dosed_and_not_discharged(api: Api) -> None:
    journey_id = api.journey()
    session = dosing_session(1, DOSE_AT)
    api.post_all(journey_id, [*intake(), *session[:2]])
    out = session[4].occurred_at

    detail = refused(api, journey_id, step("JourneyClosed", DOSE_AT + HOUR), "J-13")
    api.post_all(journey_id, session[2:5])
    answer = api.post(journey_id, step("JourneyClosed", out + HOUR))

    assert "PatientDischarged for session 1" in detail
    assert answer.status_code == 201, answer.text
    assert api.status(journey_id).json()["stage"] == "closed"
