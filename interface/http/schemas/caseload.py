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
    """The journey's id."""
    patient_ref: str
    """The clinic's record number for the patient."""
    episode: int
    """The treatment episode."""
    protocol: str
    """The protocol's name."""
    stage: Stage
    """Where the journey stands."""
    flags: list[Flag]
    """What needs attention."""
    next_step: NextStepPublic
    """What staff should do next."""
    primary_clinician: str
    """Staff id of the clinician responsible."""
    sessions_completed: int
    """Dosing sessions dosed and discharged."""
    phq9_latest: int | None = None
    """The latest PHQ-9 total, if any."""
    phq9_band: str | None = None
    """Its severity band."""
    last_event_at: datetime
    """When the latest entry occurred."""
    last_event_at_local: datetime | None = local_of("last_event_at")
    version: int
    """The journey's version."""


class CaseloadPublic(WireModel):
    """A page of the caseload; compare the two positions to see how far reads lag."""

    journeys: list[CaseloadJourneyPublic]
    """This page's journeys, in the order asked for (by default what needs attention first)."""
    time_zone: str | None = time_zone_field()
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page.")
    read_model_position: int = Field(description="The last log position the caseload shows.")
    store_position: int = Field(description="The last position in the event store's log.")
