"""The body that opens a journey: POST /v1/journeys."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StrictInt
from pydantic.config import JsonDict

from interface.http.schemas.common import (
    MAX_ITEMS,
    WHOLE,
    Identifier,
    PatientRef,
    PresentingConcern,
    ProtocolName,
    RecordedBy,
    WireModel,
    WireTime,
)

JOURNEY_CREATE_EXAMPLE: JsonDict = {
    "patient_ref": "MRN-0042",
    "episode": 1,
    "protocol": "kap-standard",
    "primary_clinician": "dr-lee",
    "presenting_concerns": ["treatment_resistant_depression"],
    "occurred_at": "2026-11-02T09:00:00-07:00",
    "recorded_by": {"id": "coord-sam", "role": "coordinator"},
}


class JourneyCreate(WireModel):
    """Open a care journey (one treatment episode) for a patient record number."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [JOURNEY_CREATE_EXAMPLE]}
    )

    patient_ref: PatientRef
    episode: Annotated[StrictInt, Field(ge=1, le=1000), WHOLE] = 1
    protocol: ProtocolName
    primary_clinician: Identifier
    presenting_concerns: Annotated[
        list[PresentingConcern], Field(min_length=1, max_length=MAX_ITEMS)
    ]
    occurred_at: WireTime
    recorded_by: RecordedBy
