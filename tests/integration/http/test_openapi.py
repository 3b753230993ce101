"""The published contract: the events body is a union discriminated on `type`."""

from __future__ import annotations

from typing import Any

import pytest

from interface.http.schemas import EVENT_TYPES
from tests.examples import VALID_EVENT_DATA
from tests.integration.http.conftest import Api

EVENTS_PATH = "/v1/journeys/{journey_id}/events"


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


@pytest.fixture
def openapi(api: Api) -> dict[str, Any]:
    answer = api.client.get("/openapi.json")
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


def events_body_schema(openapi: dict[str, Any]) -> dict[str, Any]:
    body = openapi["paths"][EVENTS_PATH]["post"]["requestBody"]
    schema: dict[str, Any] = body["content"]["application/json"]["schema"]
    return schema


def resolve(openapi: dict[str, Any], ref: str) -> dict[str, Any]:
    name = ref.removeprefix("#/components/schemas/")
    schema: dict[str, Any] = openapi["components"]["schemas"][name]
    return schema


def test_all_23_event_types_are_appendable() -> None:
    """The 21 of 2026-11-01, and 2027-1's RemsPatientEnrolled and MedicationsReconciled."""
    assert len(EVENT_TYPES) == 23
    assert {"RemsPatientEnrolled", "MedicationsReconciled"} <= set(EVENT_TYPES)
    assert set(EVENT_TYPES) == set(VALID_EVENT_DATA)


def test_the_events_body_is_a_union_discriminated_on_type(openapi: dict[str, Any]) -> None:
    schema = events_body_schema(openapi)

    assert schema["discriminator"]["propertyName"] == "type"
    mapping = schema["discriminator"]["mapping"]
    assert set(mapping) == set(EVENT_TYPES)
    assert sorted(mapping.values()) == sorted(option["$ref"] for option in schema["oneOf"])


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_each_event_type_has_its_own_schema(openapi: dict[str, Any], event_type: str) -> None:
    envelope = resolve(openapi, events_body_schema(openapi)["discriminator"]["mapping"][event_type])

    assert envelope["properties"]["type"]["const"] == event_type
    assert {"type", "occurred_at", "recorded_by", "data"} <= set(envelope["properties"])
    assert envelope.get("additionalProperties") is False
    data = envelope["properties"]["data"]
    data_schema = resolve(openapi, data["$ref"])
    assert data_schema.get("additionalProperties") is False
    assert set(VALID_EVENT_DATA[event_type]) <= set(data_schema.get("properties", {}))


def test_the_problem_answers_are_documented(openapi: dict[str, Any]) -> None:
    responses = openapi["paths"][EVENTS_PATH]["post"]["responses"]

    assert {"201", "200", "401", "403", "404", "409", "412", "422", "503"} <= set(responses)
    problem = openapi["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code"} <= set(problem["required"])


@pytest.mark.parametrize("path", ["/docs", "/openapi.json", "/health"])
def test_docs_and_health_answer_without_a_token(api: Api, path: str) -> None:
    answer = api.client.get(path)

    assert answer.status_code == 200, answer.text
