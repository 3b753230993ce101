"""The body and answer of POST /v1/journeys/events:batch."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict

from application.batch_import import MAX_ITEMS
from interface.http.schemas.answers import AppendPublic, Problem
from interface.http.schemas.common import RecordedBy, WireModel, WireTime

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
    idempotency_key: IdempotencyKey | None = None
    type: str
    occurred_at: WireTime
    recorded_by: RecordedBy
    data: dict[str, Any] = Field(description="As the single append of this type takes it.")


class BatchCreate(WireModel):
    """Up to 1,000 events over any of the clinic's journeys, in order per journey."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [BATCH_EXAMPLE]})

    events: Annotated[
        list[Any],
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


class BatchItemPublic(WireModel):
    """One event's answer, in the order sent: the status and body a single append of it
    would answer (409 ``skipped_after_refusal`` for an event after a refused one of the
    same journey, naming that one's index)."""

    index: int
    status: Literal[200, 201, 404, 409, 422]
    body: AppendPublic | BatchProblem


class BatchCounts(WireModel):
    created: int
    replayed: int
    refused: int
    skipped: int


class BatchPublic(WireModel):
    """One answer per event, in order, and how many of each kind."""

    results: list[BatchItemPublic]
    counts: BatchCounts
