"""Plain data the use cases take and return (never aggregates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.status import NextStep


@dataclass(frozen=True)
class OpenJourney:
    patient_ref: str
    episode: int
    protocol: str
    primary_clinician: str
    presenting_concerns: list[str]


@dataclass(frozen=True)
class NewEntry:
    type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class AppendResult:
    """The answer to a write; ``replayed`` when an idempotent retry found the first one."""

    journey_id: UUID
    version: int
    position: int
    stage: str
    next_step: NextStep
    replayed: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    position: int
    version: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: dict[str, str]
    source: str
    idempotency_key: str | None
    data: dict[str, Any]
    hash: str | None = None
