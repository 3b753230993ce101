"""A JSON body means one thing: each key once per object, and UTF-8 only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.examples import VALID_JOURNEY_CREATE
from tests.integration.http.conftest import Api, assert_problem
from tests.story import START, step


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


@pytest.fixture
def journey_id(api: Api) -> str:
    opened = api.open_journey("MRN-JSON")
    assert opened.status_code in (200, 201), opened.text
    return str(opened.json()["journey_id"])


def opening(patient_ref: str) -> dict[str, object]:
    return {**VALID_JOURNEY_CREATE, "patient_ref": patient_ref, "occurred_at": START.isoformat()}


def store_position(api: Api) -> int:
    return api.app.state.services.journeys.log_position()


def consultation() -> str:
    return json.dumps(step("ConsultationCompleted", START + timedelta(hours=1)).envelope())


def with_duplicate(text: str, key: str, value: str) -> str:
    """The JSON text with ``"key": value`` inserted again just after the key's first use."""
    at = text.index(f'"{key}": ') + len(f'"{key}": ')
    end = at + len(json.dumps(json.loads(text[at:].split(",")[0].rstrip("}]"))))
    return f'{text[:end]}, "{key}": {value}{text[end:]}'


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("type", '"KetamineAdministered"'),  # top level: the event type itself
        ("id", '"nurse-2"'),  # one level down: recorded_by
        ("modality", '"telehealth"'),  # in the data
        ("mood", '"euthymic"'),  # two levels down: the mental status exam
        ("systolic", "130"),  # inside the vitals
    ],
)
def test_a_key_twice_in_one_object_is_422_and_records_nothing(
    api: Api, journey_id: str, key: str, value: str
) -> None:
    content = with_duplicate(consultation(), key, value)
    before = store_position(api)

    answer = api.post_raw(journey_id, content)

    problem = assert_problem(answer, 422, "duplicate_key")
    assert f'"{key}"' in problem["detail"]
    assert store_position(api) == before


def test_a_key_twice_inside_a_list_of_objects_is_422(api: Api, journey_id: str) -> None:
    content = '{"a": [1, {"b": 1, "c": {"d": [{"e": 1, "e": 2}]}}]}'

    problem = assert_problem(api.post_raw(journey_id, content), 422, "duplicate_key")
    assert problem["detail"].startswith("a.1.c.d.0:"), problem


def test_opening_with_a_key_twice_is_422(api: Api) -> None:
    content = json.dumps(opening("MRN-DUP"))
    content = content.replace('"episode": 1', '"episode": 1, "episode": 2')

    answer = api.client.post(
        "/v1/journeys",
        content=content,
        headers={**api.headers(), "Content-Type": "application/json"},
    )

    assert_problem(answer, 422, "duplicate_key")


def test_the_same_key_in_different_objects_is_fine(api: Api) -> None:
    content = json.dumps(opening("MRN-SAME-KEYS"))

    answer = api.client.post(
        "/v1/journeys",
        content=content,
        headers={**api.headers(), "Content-Type": "application/json"},
    )

    assert answer.status_code in (200, 201), answer.text


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json; charset=latin-1",
        "application/json; charset=iso-8859-1",
        "application/json; charset=utf-16",
        'application/json; charset="windows-1252"',
    ],
)
def test_a_charset_other_than_utf_8_is_415(api: Api, journey_id: str, content_type: str) -> None:
    before = store_position(api)

    answer = api.post_raw(journey_id, consultation(), **{"content_type": content_type})

    assert_problem(answer, 415, "unsupported_charset")
    assert store_position(api) == before


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", 'application/json;charset="UTF-8"'],
)
def test_utf_8_or_no_charset_is_read(api: Api, content_type: str) -> None:
    patient_ref = f"MRN-CS{abs(hash(content_type)) % 10_000}"
    content = json.dumps(opening(patient_ref))

    answer = api.client.post(
        "/v1/journeys", content=content, headers={**api.headers(), "Content-Type": content_type}
    )

    assert answer.status_code in (200, 201), answer.text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_json_in_another_encoding_is_refused(api: Api, encoding: str) -> None:
    content = json.dumps(opening("MRN-UTF16")).encode(encoding)
    before = store_position(api)

    answer = api.client.post(
        "/v1/journeys",
        content=content,
        headers={**api.headers(), "Content-Type": "application/json"},
    )

    assert_problem(answer, 422, "invalid_json")
    assert store_position(api) == before
