"""A journey as the FHIR mapping reads it: each entry as it stands after corrections, with
the stored entries (version, log position, seal hash) it came from, and the facts folded
from them.

Read through the application's public reads: the clinic check first (another clinic's
journey is not found), then the journey's entries in version order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from application.errors import JourneyNotFoundError
from application.journeys import Journeys
from application.replay import NotYetOpenError
from domain.entries import parse_time
from domain.journey import Journey
from domain.journey_facts import JourneyFacts
from domain.status import stage_of


@dataclass(frozen=True)
class StoredEntry:
    """One stored entry, as a receiver ties FHIR data back to the verifiable history."""

    version: int
    position: int
    type: str
    hash: str
    """Its seal's chain hash (empty for an entry stored before seals)."""
    recorded_at: datetime
    recorded_by: dict[str, str]


@dataclass
class ClinicalEntry:
    """An entry as it stands: its type, and the latest correction's time and data."""

    version: int
    type: str
    occurred_at: datetime
    recorded_by: dict[str, str]
    data: dict[str, Any]
    sources: list[StoredEntry] = field(default_factory=list)
    """The entry itself, then each correction of it."""


@dataclass(frozen=True)
class JourneyRecord:
    journey_id: UUID
    facts: JourneyFacts
    stage: str
    entries: list[ClinicalEntry]
    last: StoredEntry
    """The last entry in view: the bundle reflects the log up to its position."""

    def of_type(self, *types: str) -> list[ClinicalEntry]:
        return [e for e in self.entries if e.type in types]

    @property
    def opening(self) -> ClinicalEntry:
        return self.entries[0]


def journey_record(
    journeys: Journeys, clinic_id: str | None, journey_id: UUID, as_of: datetime | None = None
) -> JourneyRecord:
    """The journey as it stands (or as recorded by ``as_of``); ``clinic_id`` None is
    operator access. JourneyNotFoundError for another clinic's; NotYetOpenError when
    ``as_of`` is before its opening was recorded."""
    journeys.ensure_readable(clinic_id, journey_id)
    events: list[Any] = list(journeys.events.get(journey_id))
    opening = events[0]
    if not isinstance(opening, Journey.JourneyOpened):
        raise JourneyNotFoundError(journey_id)
    if clinic_id is not None and opening.data["clinic_id"] != clinic_id:
        raise JourneyNotFoundError(journey_id)
    if as_of is not None:
        if opening.timestamp > as_of:
            raise NotYetOpenError(journey_id, f"as recorded at {as_of.isoformat()}")
        last = max(e.originator_version for e in events if e.timestamp <= as_of)
        events = events[:last]
    positions = journeys.journey_log.positions_of(journey_id)
    journey: Any = opening.mutate(None)
    for event in events[1:]:
        event.apply(journey)
    entries = _clinical_entries(events, positions)
    return JourneyRecord(
        journey_id=journey_id,
        facts=journey.facts,
        stage=stage_of(journey.facts),
        entries=entries,
        last=_stored(events[-1], positions),
    )


def _stored(event: Any, positions: dict[int, int]) -> StoredEntry:
    return StoredEntry(
        version=event.originator_version,
        position=positions[event.originator_version],
        type=type(event).__name__,
        hash=event.hash or "",
        recorded_at=event.timestamp,
        recorded_by=dict(event.recorded_by),
    )


def _clinical_entries(events: list[Any], positions: dict[int, int]) -> list[ClinicalEntry]:
    """Every entry but the corrections, each carrying its latest correction's data (a
    correction stores the corrected entry's full data, so the latest one is the entry)."""
    by_version: dict[int, ClinicalEntry] = {}
    for event in events:
        stored = _stored(event, positions)
        if isinstance(event, Journey.EntryCorrected):
            target = by_version.get(int(event.data["corrects_version"]))
            if target is not None:
                target.occurred_at = parse_time(event.corrected["occurred_at"])
                target.data = dict(event.corrected["data"])
                target.sources.append(stored)
            continue
        by_version[stored.version] = ClinicalEntry(
            version=stored.version,
            type=stored.type,
            occurred_at=event.occurred_at,
            recorded_by=dict(event.recorded_by),
            data=dict(event.data),
            sources=[stored],
        )
    return list(by_version.values())
