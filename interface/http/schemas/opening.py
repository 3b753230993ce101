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
    """The clinic's record number for the patient (letters, digits, '.', '_', '-'; at most 64):
    never a name. The service stores no other identity."""
    episode: Annotated[StrictInt, Field(ge=1, le=1000), WHOLE] = 1
    """Which treatment episode of the patient (1-1000; 1 by default): a retry with the same patient
    and episode returns the journey already open."""
    protocol: ProtocolName
    primary_clinician: Identifier
    """Staff id of the clinician responsible for the journey."""
    presenting_concerns: Annotated[
        list[PresentingConcern], Field(min_length=1, max_length=MAX_ITEMS)
    ]
    """Why the patient comes (1-50): treatment_resistant_depression, depression, ptsd, anxiety,
    other."""
    occurred_at: WireTime
    """When the journey began in the clinic, ISO 8601 with an offset."""
    recorded_by: RecordedBy
    """Who opened it."""
