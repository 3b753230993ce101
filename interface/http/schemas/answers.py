"""Response models: append receipts, journey status, history and problem details."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from interface.http.schemas.common import Flag, NextStepCode, RecordedBy, Route, Stage, WireModel


class NextStepPublic(WireModel):
    """What staff should do next: a stable code and a sentence."""

    code: NextStepCode
    text: str


class BlockerPublic(WireModel):
    """One reason a dose would be refused now, with the rule that refuses it."""

    rule: str
    text: str


class AppendPublic(WireModel):
    """Receipt for an appended event: its version, global position, and the new status."""

    journey_id: UUID
    version: int
    position: int
    stage: Stage
    next_step: NextStepPublic


class SessionPublic(WireModel):
    """One dosing session as it stands: check, dose, discharge, integration."""

    session: int
    predose_checked_at: datetime | None = None
    administered_at: datetime | None = None
    route: Route | None = None
    dose_mg: float | None = None
    discharged_at: datetime | None = None
    observation_minutes: int | None = None
    integrated_at: datetime | None = None
    cancelled: bool
    predose_vitals: dict[str, int] | None = None
    rems_form_at: datetime | None = None


class OutcomePublic(WireModel):
    """One instrument's scores: baseline, latest, band and change from baseline."""

    baseline: int | None = None
    latest: int | None = None
    band: str | None = None
    change_pct: float | None = None
    response: bool | None = None
    remission: bool | None = None
    meaningful_change: bool | None = Field(
        default=None, description="PCL-5 only: a drop of 10 or more points from baseline."
    )


class ProtocolPublic(WireModel):
    """The protocol profile the journey runs under, and its version."""

    name: str
    version: str


class JourneyPublic(WireModel):
    """A journey's status: stage, flags, next step, blockers, sessions and outcomes."""

    journey_id: UUID
    clinic_id: str
    patient_ref: str
    episode: int
    protocol: ProtocolPublic
    primary_clinician: str
    stage: Stage
    session_state: str | None = Field(
        default=None, description="Where the current dosing session stands, if any."
    )
    flags: list[Flag]
    next_step: NextStepPublic
    blockers: list[BlockerPublic]
    sessions: list[SessionPublic]
    sessions_completed: int
    outcomes: dict[str, OutcomePublic]
    version: int
    opened_at: datetime
    last_event_at: datetime


class HistoryEventPublic(WireModel):
    """One stored event, as recorded, with its place in the log and its hash."""

    position: int
    version: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: RecordedBy
    source: str
    idempotency_key: str | None = None
    data: dict[str, Any]
    hash: str | None = None


class HistoryPublic(WireModel):
    """Every event of a journey, oldest first."""

    journey_id: UUID
    events: list[HistoryEventPublic]


class Problem(WireModel):
    """An error answer (RFC 9457 problem details, application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    rule: str | None = None
    blockers: list[BlockerPublic] | None = Field(
        default=None, description="Every other rule that would refuse the same event."
    )
    errors: list[dict[str, Any]] | None = None
