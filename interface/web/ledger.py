"""The auditor's history: every stored entry with its seal and what verification found.

Read row by row from the event store, so that a journey whose stored bytes were altered
still shows every entry: the seal (digest and chain hash) is stored in the clear in
front of the encrypted body, and an entry that no longer decrypts is shown as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import MapperDeserialisationError

from application.audit.verify import ChainProblem, ChainVerifier, Verification
from application.audit.verify_access import ensure_may_verify
from application.sealed_mapper import readable_seal
from interface.audit.anchors import anchor_for
from interface.services import Services


@dataclass(frozen=True)
class LedgerRow:
    version: int
    position: int | None
    hash: str | None
    type: str
    readable: bool
    occurred_at: datetime | None = None
    recorded_at: datetime | None = None
    recorded_by: str = ""
    source: str = ""
    problems: list[ChainProblem] = field(default_factory=list)


@dataclass(frozen=True)
class Ledger:
    rows: list[LedgerRow]
    verification: Verification
    unplaced: list[ChainProblem]
    """Problems that name no stored entry (a missing version, a cut tail)."""


def _type_name(topic: str) -> str:
    return topic.rsplit(":", 1)[-1].rsplit(".", 1)[-1]


def _decoded(services: Services, row: Any) -> Any | None:
    try:
        return services.journeys.mapper.to_domain_event(row)
    except (MapperDeserialisationError, ValueError, KeyError):
        return None


def journey_ledger(services: Services, clinic_id: str, journey_id: UUID) -> Ledger:
    """Every stored entry of the clinic's journey, checked; another clinic's is not found."""
    journeys = services.journeys
    stored = list(journeys.recorder.select_events(journey_id))
    events = {row.originator_version: _decoded(services, row) for row in stored}
    anchor = anchor_for(services, clinic_id, journey_id)
    ensure_may_verify(journeys, clinic_id, journey_id, anchor)
    verification = ChainVerifier(journeys).verify(journey_id, anchor)
    by_version: dict[int | None, list[ChainProblem]] = {}
    for problem in verification.problems:
        by_version.setdefault(problem.version, []).append(problem)
    positions = journeys.journey_log.positions_of(journey_id)
    rows = []
    for row in stored:
        version = row.originator_version
        seal = readable_seal(row.state)
        event = events[version]
        found = by_version.pop(version, [])
        if event is None:
            rows.append(
                LedgerRow(
                    version,
                    positions.get(version),
                    seal.hash if seal else None,
                    _type_name(row.topic),
                    False,
                    problems=found,
                )
            )
            continue
        by = event.recorded_by
        rows.append(
            LedgerRow(
                version,
                positions.get(version),
                seal.hash if seal else (getattr(event, "hash", None) or None),
                type(event).__name__,
                True,
                event.occurred_at,
                event.timestamp,
                f"{by.get('id')} ({by.get('role')})",
                event.source,
                found,
            )
        )
    unplaced = [p for problems in by_version.values() for p in problems]
    return Ledger(rows, verification, unplaced)
