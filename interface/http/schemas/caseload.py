"""The caseload answer: a page of a clinic's journeys and how far the read model has got."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from interface.http.schemas.answers import NextStepPublic, local_of, time_zone_field
from interface.http.schemas.common import Flag, Stage, WireModel


class CaseloadJourneyPublic(WireModel):
    """One journey in the caseload: where it stands and what to do next."""

    journey_id: UUID
    patient_ref: str
    episode: int
    protocol: str
    stage: Stage
    flags: list[Flag]
    next_step: NextStepPublic
    primary_clinician: str
    sessions_completed: int
    phq9_latest: int | None = None
    phq9_band: str | None = None
    last_event_at: datetime
    last_event_at_local: datetime | None = local_of("last_event_at")
    version: int


class CaseloadPublic(WireModel):
    """A page of the caseload; compare the two positions to see how far reads lag."""

    journeys: list[CaseloadJourneyPublic]
    time_zone: str | None = time_zone_field()
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page.")
    read_model_position: int = Field(description="The last log position the caseload shows.")
    store_position: int = Field(description="The last position in the event store's log.")
