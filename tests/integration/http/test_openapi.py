"""The published contract: a valid OpenAPI document whose operations have ids named for
use, whose refusals are problems, and whose events body is a union discriminated on
`type`."""

from __future__ import annotations

import re
from dataclasses import replace
from json import dumps
from typing import Any

import pytest
from openapi_spec_validator import validate

from interface.http.schemas import EVENT_TYPES
from tests.examples import VALID_EVENT_DATA
from tests.integration.http.conftest import PROBLEM_JSON, Api, assert_problem
from tests.story import intake

EVENTS_PATH = "/v1/journeys/{journey_id}/events"
CAMEL_CASE = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]*)*$")
GENERATED_SUFFIX = re.compile(r"_(get|post|put|patch|delete)$|_v1_")


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


def _operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
    ]


def test_the_document_is_valid_openapi(openapi: dict[str, Any]) -> None:
    validate(openapi)  # raises, naming the first place that breaks the specification


def test_an_integers_bounds_are_written_as_integers(openapi: dict[str, Any]) -> None:
    bounds = re.findall(r'"type": "integer"[^{}]*?"(?:minimum|maximum)": ([0-9.]+)', dumps(openapi))

    assert bounds
    assert not [b for b in bounds if "." in b], bounds


def test_every_operation_has_a_camel_case_id_named_for_use(openapi: dict[str, Any]) -> None:
    ids = [operation.get("operationId", "") for _, _, operation in _operations(openapi)]

    assert all(CAMEL_CASE.match(i) for i in ids), ids
    assert len(ids) == len(set(ids)), sorted(ids)
    assert not [i for i in ids if GENERATED_SUFFIX.search(i)], ids  # not FastAPI's own
    assert {"openJourney", "appendEvent", "getJourneyStatus", "getJourneyHistory"} <= set(ids)
    assert {"replayJourney", "getCaseload", "importEvents", "verifyJourney"} <= set(ids)


def test_every_refusal_is_declared_as_a_problem(openapi: dict[str, Any]) -> None:
    for method, path, operation in _operations(openapi):
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")) and path != "/health":
                assert list(answer["content"]) == [PROBLEM_JSON], (method, path, status)
        assert {"422", "503"} <= set(operation["responses"]), (method, path)
        if operation.get("security"):
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
        if "requestBody" in operation:
            assert {"413", "415"} <= set(operation["responses"]), (method, path)
    assert "HTTPValidationError" not in openapi["components"]["schemas"]  # never sent


def test_a_whole_number_written_with_a_point_is_an_integer(api: Api) -> None:
    journey = api.journey("MRN-POINT")
    consultation = intake()[0]
    vitals = {"systolic": 196.0, "diastolic": 82.0, "heart_rate": 70.0}
    data = {**consultation.data, "adequate_antidepressant_trials": 3.0, "vitals": vitals}

    answer = api.post(journey, replace(consultation, data=data))

    assert answer.status_code == 201, answer.text
    stored = api.history(journey)[-1]["data"]
    assert stored["vitals"]["systolic"] == 196
    assert isinstance(stored["vitals"]["systolic"], int)


@pytest.mark.parametrize("value", [196.5, "196", True])
def test_a_fraction_a_string_or_a_boolean_is_still_no_integer(api: Api, value: Any) -> None:
    journey = api.journey(f"MRN-POINT-{value}")
    consultation = intake()[0]
    vitals = {"systolic": value, "diastolic": 82, "heart_rate": 70}

    answer = api.post(journey, replace(consultation, data={**consultation.data, "vitals": vitals}))

    assert_problem(answer, 422, "invalid_request")


ELSEWHERE = {"fhir", "webhooks", "operations"}
"""Tags of the FHIR, webhook and metrics operations, whose models are checked with them."""


def _models_reached(openapi: dict[str, Any], part: str) -> set[str]:
    """The component schemas an operation's ``part`` (requestBody, responses) reaches."""
    schemas = openapi["components"]["schemas"]
    found: set[str] = set()
    pending: list[Any] = [
        op.get(part, {})
        for _, _, op in _operations(openapi)
        if not ELSEWHERE & set(op.get("tags", []))
    ]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            ref = item.get("$ref", "")
            name = ref.removeprefix("#/components/schemas/")
            if ref and name not in found:
                found.add(name)
                pending.append(schemas[name])
            pending.extend(v for k, v in item.items() if k != "$ref")
        elif isinstance(item, list):
            pending.extend(item)
    return found


def _unbounded(schema: dict[str, Any]) -> list[str]:
    """What in a request field's schema has no upper bound (length, size, value)."""
    if "$ref" in schema or "const" in schema or "enum" in schema:
        return []
    options = schema.get("anyOf", []) + schema.get("oneOf", [])
    if options:
        return [found for option in options for found in _unbounded(option)]
    kind = schema.get("type")
    if kind == "string":
        bounded = {"maxLength", "pattern"} & set(schema) or schema.get("format") in BOUNDED_FORMATS
        return [] if bounded else ["string"]
    if kind in ("integer", "number"):
        return [] if {"maximum", "exclusiveMaximum"} & set(schema) else [kind]
    if kind == "array":
        return ([] if "maxItems" in schema else ["array"]) + _unbounded(schema.get("items", {}))
    if kind == "object":
        closed = schema.get("additionalProperties") is False or "propertyNames" in schema
        inner = [found for s in schema.get("properties", {}).values() for found in _unbounded(s)]
        values = schema.get("additionalProperties")
        inner += _unbounded(values) if isinstance(values, dict) else []
        return ([] if closed or "maxProperties" in schema else ["object"]) + inner
    return [] if kind in ("boolean", "null") else [f"any ({schema})"]


BOUNDED_FORMATS = {"date-time", "date", "uuid"}


def test_every_field_of_every_model_says_what_it_is(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    reached = _models_reached(openapi, "requestBody") | _models_reached(openapi, "responses")

    undescribed = [
        f"{name}.{field}"
        for name in sorted(reached)
        for field, schema in schemas[name].get("properties", {}).items()
        if not schema.get("description")
    ]

    assert len(reached) > 80
    assert not undescribed, undescribed


def test_every_field_a_client_sends_is_bounded(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]

    unbounded = {
        f"{name}.{field}": found
        for name in sorted(_models_reached(openapi, "requestBody"))
        for field, schema in schemas[name].get("properties", {}).items()
        if (found := _unbounded(schema))
    }

    assert not unbounded, unbounded


EXAMPLE_PATH_VALUES = {
    "journey_id": "0b7c6f1e-8f0a-5d7e-9a41-3c2d1e0f9a8b",
    "clinic": "clinic-a",
    "staff_id": "nurse-kim",
    "tree_size": "1",
    "leaf_index": "0",
    "session": "1",
}


def test_a_method_a_documented_path_does_not_take_is_405_with_allow(
    api: Api, openapi: dict[str, Any]
) -> None:
    for path, operations in openapi["paths"].items():
        sent = re.sub(r"{(\w+)}", lambda m: EXAMPLE_PATH_VALUES.get(m[1], "x"), path)
        taken = {method.upper() for method in operations}
        expected = taken | ({"HEAD"} if "GET" in taken else set())
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - taken:
            answer = api.client.request(method, sent, headers=api.headers(api.tokens["admin"]))

            assert_problem(answer, 405, "method_not_allowed")
            assert set(answer.headers["allow"].split(", ")) == expected, (method, path)
