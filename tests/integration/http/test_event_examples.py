"""Every event type's example, as the OpenAPI document shows it, is a body the service
records: posted in the story's order to a fresh journey, each answers 201."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter

from interface.http.schemas import EVENT_TYPES, EventCreate
from interface.http.schemas.event_examples import EXAMPLE_SEQUENCE, STORY_PROTOCOL
from tests.integration.http.conftest import CLINIC, Api

AFTER_THE_STORY = datetime(2026, 11, 27, tzinfo=UTC)


def _examples(openapi: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each event type's examples, from the document's envelope schemas."""
    schemas = openapi["components"]["schemas"]
    return {t: schemas[f"{t}Create"].get("examples", []) for t in EVENT_TYPES}


def test_every_event_type_shows_an_example_and_each_is_in_the_story(api: Api) -> None:
    examples = _examples(api.client.get("/openapi.json").json())

    assert all(examples[t] for t in EVENT_TYPES), [t for t in EVENT_TYPES if not examples[t]]
    shown = {(t, i) for t in EVENT_TYPES for i in range(len(examples[t]))}
    assert shown == set(EXAMPLE_SEQUENCE)
    assert len(EXAMPLE_SEQUENCE) == len(set(EXAMPLE_SEQUENCE))


def test_each_example_validates_against_the_wire_models(api: Api) -> None:
    examples = _examples(api.client.get("/openapi.json").json())
    adapter = TypeAdapter(EventCreate)

    for event_type, index in EXAMPLE_SEQUENCE:
        assert adapter.validate_python(examples[event_type][index]).type == event_type


def test_the_examples_in_order_are_each_recorded_by_a_fresh_journey(api: Api) -> None:
    openapi = api.client.get("/openapi.json").json()
    examples = _examples(openapi)
    opening = openapi["components"]["schemas"]["JourneyCreate"]["examples"][0]
    published = api.client.post(
        f"/v1/clinics/{CLINIC}/protocols",
        json=STORY_PROTOCOL,
        headers=api.headers(api.tokens["admin"]),
    )
    assert published.status_code == 201, published.text
    api.clock.now = AFTER_THE_STORY
    opened = api.client.post(
        "/v1/journeys",
        json={**opening, "protocol": STORY_PROTOCOL["name"]},
        headers=api.headers(),
    )
    assert opened.status_code == 201, opened.text
    journey_id = opened.json()["journey_id"]

    for event_type, index in EXAMPLE_SEQUENCE:
        answer = api.post(journey_id, examples[event_type][index])
        assert answer.status_code == 201, (event_type, index, answer.text)

    status = api.status(journey_id).json()
    assert status["stage"] == "closed"
    assert status["version"] == len(EXAMPLE_SEQUENCE) + 1
