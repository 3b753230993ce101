"""The body and answer of POST /v1/journeys/events:batch."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import ConfigDict, Field, StringConstraints, WithJsonSchema
from pydantic.config import JsonDict

from application.batch_import import MAX_ITEMS
from interface.http.schemas.answers import AppendPublic, Problem
from interface.http.schemas.common import RecordedBy, WireModel, WireTime
from interface.http.schemas.envelope import EVENT_TYPES

IdempotencyKey = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,200}$")]
"""As the Idempotency-Key header of a single append: 1-200 visible ASCII characters."""

BATCH_EXAMPLE: JsonDict = {
    "events": [
        {
            "journey_id": "0b7c6f1e-8f0a-5d7e-9a41-3c2d1e0f9a8b",
            "idempotency_key": "emr-7731-vitals-1",
            "type": "VitalsRecorded",
            "occurred_at": "2026-11-12T10:40:00-07:00",
            "recorded_by": {"id": "nurse-kim", "role": "nurse"},
            "data": {"session": 1, "vitals": {"systolic": 138, "diastolic": 88, "heart_rate": 80}},
        }
    ]
}


class BatchEventCreate(WireModel):
    """One event of a batch: its journey, an optional retry key, and the envelope of
    POST /v1/journeys/{journey_id}/events (type, occurred_at, recorded_by, data)."""

    journey_id: UUID
    """The journey, one of the clinic's."""
    idempotency_key: IdempotencyKey | None = None
    """As the Idempotency-Key header of a single append: a retry answers the first (200)."""
    type: str = Field(json_schema_extra={"enum": list(EVENT_TYPES)})
    """The event type, as a single append names it."""
    occurred_at: WireTime
    """When it happened in the clinic, ISO 8601 with an offset."""
    recorded_by: RecordedBy
    """The staff member who made the entry."""
    data: dict[str, Any] = Field(max_length=50)
    """The event's data, as the single append of this type takes it (its `<type>Data`)."""


def _as_components(model: type[WireModel]) -> dict[str, Any]:
    """The model's JSON schema inline, its nested models named as OpenAPI components."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return schema


BatchEvent = Annotated[Any, WithJsonSchema(_as_components(BatchEventCreate))]
"""Shown as a BatchEventCreate, taken as any JSON: each event is checked on its own, so
one malformed event is refused alone (``interface.http.batch_items``)."""


class BatchCreate(WireModel):
    """Up to 1,000 events over any of the clinic's journeys, in order per journey."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [BATCH_EXAMPLE]})

    events: Annotated[
        list[BatchEvent],
        Field(
            min_length=1,
            max_length=MAX_ITEMS,
            description="Each a BatchEventCreate, checked on its own: a malformed event "
            "is refused (422) alone.",
        ),
    ]


class BatchProblem(Problem):
    """A refusal, as a single append answers it; ``refused_index`` for a skipped event."""

    refused_index: int | None = None
    """skipped_after_refusal: the index of the refused event of the same journey."""


class BatchItemPublic(WireModel):
    """One event's answer, in the order sent: the status and body a single append of it
    would answer (409 ``skipped_after_refusal`` for an event after a refused one of the
    same journey, naming that one's index)."""

    index: int
    """The event's place in the request, from 0."""
    status: Literal[200, 201, 404, 409, 422]
    """The status a single append of it would answer."""
    body: AppendPublic | BatchProblem
    """The answer a single append would give: its receipt, or the problem."""


class BatchCounts(WireModel):
    created: int
    """Events recorded now (201)."""
    replayed: int
    """Retries of events already recorded (200)."""
    refused: int
    """Events refused (404, 409, 422)."""
    skipped: int
    """Events not tried because an earlier one of their journey was refused."""


class BatchPublic(WireModel):
    """One answer per event, in order, and how many of each kind."""

    results: list[BatchItemPublic]
    """One answer per event, in the order sent."""
    counts: BatchCounts
    """How many of each kind."""
