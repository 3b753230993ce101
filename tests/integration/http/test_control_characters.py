"""NUL and other control characters never reach the store: a 422 naming the field.

On PostgreSQL a NUL in a stored text once stopped the projections of every clinic; here
every string a client sends is refused if it holds one (tab and line breaks only in free
text), and the read models keep going."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.http.conftest import Api, assert_problem
from tests.story import START, intake, step

CONTROLS = ["\x00", "\x01", "\x08", "\x1b", "\x1f", "\x7f"]
LINE_BREAKS_AND_TAB = ["\t", "\n", "\r"]


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


def store_position(api: Api) -> int:
    return api.app.state.services.journeys.log_position()


def assert_refused_naming(api: Api, answer: Any, field: str) -> None:
    """422 naming the field, and nothing stored by it."""
    problem = assert_problem(answer, 422)
    named = problem["detail"].split(": ")[0]  # event bodies name the type first
    assert named == field or named.endswith(f".{field}"), problem
    assert "\x00" not in answer.text


@pytest.fixture
def journey_id(api: Api) -> str:
    """A journey with its consultation (version 2)."""
    opened = api.open_journey("MRN-CTRL")
    journey_id = str(opened.json()["journey_id"])
    if opened.status_code == 201:
        api.post_all(journey_id, intake()[:1])
    return journey_id


@pytest.mark.parametrize("bad", [*CONTROLS, *LINE_BREAKS_AND_TAB], ids=repr)
@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("primary_clinician", lambda bad: {"primary_clinician": f"dr{bad}lee"}),
        ("recorded_by.id", lambda bad: {"recorded_by": {"id": f"coord{bad}", "role": "nurse"}}),
        ("patient_ref", lambda bad: {"patient_ref": f"MRN{bad}9"}),
    ],
)
def test_an_identifier_with_a_control_character_opens_nothing(
    api: Api, bad: str, field: str, changes: Any
) -> None:
    before = store_position(api)
    body = {"patient_ref": "MRN-NEW", **changes(bad)}
    answer = api.open_journey(**body)

    assert_refused_naming(api, answer, field)
    assert store_position(api) == before


@pytest.mark.parametrize("bad", CONTROLS, ids=repr)
@pytest.mark.parametrize(
    ("field", "event_type", "data"),
    [
        ("data.form", "ConsentSigned", lambda bad: {"form": f"kap{bad}"}),
        ("data.rationale", "ScreeningCompleted", lambda bad: {"rationale": f"ok{bad}"}),
        (
            "data.medical_history",
            "ConsultationCompleted",
            lambda bad: {"medical_history": f"a{bad}b"},
        ),
        (
            "data.mental_status_exam.mood",
            "ConsultationCompleted",
            lambda bad: {"mental_status_exam": {"suicidal_ideation": False, "mood": bad}},
        ),
        (
            "data.treatment_goals.1",
            "ConsultationCompleted",
            lambda bad: {"treatment_goals": ["sleep", f"work{bad}"]},
        ),
    ],
)
def test_a_field_with_a_control_character_records_nothing(
    api: Api, journey_id: str, bad: str, field: str, event_type: str, data: Any
) -> None:
    body = step(event_type, START + timedelta(hours=1)).envelope()
    body["data"].update(data(bad))
    before = store_position(api)

    assert_refused_naming(api, api.post(journey_id, body), field)
    assert store_position(api) == before


@pytest.mark.parametrize("bad", LINE_BREAKS_AND_TAB, ids=repr)
def test_tab_and_line_breaks_are_refused_in_an_identifier_inside_the_data(
    api: Api, journey_id: str, bad: str
) -> None:
    body = step("ConsentSigned", START + timedelta(hours=1)).envelope()
    body["data"]["form_version"] = f"v{bad}2"

    assert_refused_naming(api, api.post(journey_id, body), "data.form_version")


@pytest.mark.parametrize(
    "correction",
    [
        {"medical_history": "a\x00b"},
        {"treatment_goals": ["sleep", "work\x1b"]},
        {"mental_status_exam": {"suicidal_ideation": False, "mood": "\x7f"}},
    ],
    ids=["text", "in-a-list", "nested"],
)
def test_a_correction_carrying_a_control_character_is_refused(
    api: Api, journey_id: str, correction: dict[str, Any]
) -> None:
    body = step("EntryCorrected", START + timedelta(hours=1)).envelope()
    body["data"] = {"corrects_version": 2, "reason": "typo", "data": correction}
    before = store_position(api)

    assert_problem(api.post(journey_id, body), 422)
    assert store_position(api) == before


def test_an_idempotency_key_with_a_control_character_is_refused(api: Api, journey_id: str) -> None:
    body = step("JourneyPaused", START + timedelta(hours=1), reason="travel").envelope()
    before = store_position(api)

    answer = api.post(journey_id, body, idempotency_key="key\x7f")

    assert_problem(answer, 422)
    assert store_position(api) == before


@pytest.mark.parametrize("parameter", ["q", "clinician", "cursor"])
@pytest.mark.parametrize("bad", ["%00", "%1B", "%7F", "%0A"])
def test_a_caseload_query_with_a_control_character_is_422(
    api: Api, parameter: str, bad: str
) -> None:
    answer = api.client.get(
        f"/v1/journeys?{parameter}=MRN{bad}1", headers=api.headers(api.tokens["staff"])
    )

    problem = assert_problem(answer, 422)
    assert problem["detail"].startswith(f"query.{parameter}:"), problem


def test_a_page_query_with_a_nul_is_refused_too(api: Api) -> None:
    answer = api.client.get("/?q=MRN%001", follow_redirects=False)

    assert answer.status_code == 422, answer.text


def test_free_text_keeps_its_tabs_and_line_breaks(api: Api) -> None:
    journey_id = api.journey("MRN-TABS")
    text = "Hypertension.\n\tControlled on lisinopril.\r\nNo other history."
    consultation = intake()[0]
    body = consultation.envelope()
    body["data"]["medical_history"] = text
    api.clock.follow(consultation.occurred_at)

    answer = api.post(journey_id, body)

    assert answer.status_code == 201, answer.text
    assert api.history(journey_id)[-1]["data"]["medical_history"] == text


def test_after_the_refusals_the_caseload_still_moves_on(api: Api) -> None:
    opened = api.open_journey("MRN-AFTER")
    assert opened.status_code == 201, opened.text
    position = opened.json()["position"]

    answer = api.client.get(
        f"/v1/journeys?q=MRN-AFTER&after_position={position}",
        headers=api.headers(api.tokens["staff"]),
    )

    assert answer.status_code == 200, answer.text
    assert [j["patient_ref"] for j in answer.json()["journeys"]] == ["MRN-AFTER"]
