"""The entries an evidence bundle carries: each journey's every entry in plaintext, with
its seal (and, for a ``KAPSEAL2`` seal, the hash of its stored bytes) and its place in
the log, so a verifier can recompute everything offline."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from application.audit.leaves import leaves
from application.journey_log import each_latest_version
from application.journeys import Journeys
from application.sealed_mapper import MalformedSealError, SealedMapper, split_state
from domain.audit.hashing import canonical_json
from domain.journey import state_content

Entry = dict[str, Any]


def _plain(value: Any) -> Any:
    """Times and ids in the canonical text form the hashes were computed over."""
    return json.loads(canonical_json(value))


def journey_entries(journeys: Journeys, journey_id: UUID) -> list[Entry]:
    """Every entry of the journey, as the bundle's events.ndjson lines carry them.

    A sealed entry's line holds its content as stored, before any upcaster: that is what
    its seal was made over, so an offline verifier recomputes the same digest after a
    payload change. (An unsealed entry, stored before seals, shows as it loads today.)"""
    mapper = journeys.mapper
    assert isinstance(mapper, SealedMapper)
    found = []
    for row in journeys.recorder.select_events(journey_id):
        event: Any = mapper.to_domain_event(row)
        content = event.content()
        if event.hash:
            content = state_content(mapper.stored_state(row), type(event).__name__)
        line = dict(_plain(content))
        line.update(
            salt=event.salt,
            digest=event.digest,
            hash=event.hash,
            stored=_stored_of(row),
        )
        found.append(line)
    return found


def _stored_of(row: StoredEvent) -> str | None:
    """The row's ``stored`` (None for an entry sealed before it existed)."""
    try:
        seal, _ = split_state(row.state)
    except MalformedSealError:
        seal = None
    return seal.stored if seal else None


def clinic_journeys(
    journeys: Journeys,
    clinic_id: str,
    recorded_from: datetime | None = None,
    recorded_to: datetime | None = None,
) -> list[UUID]:
    """The clinic's journeys with any entry recorded in [from, to) (all, without a period).

    A journey goes into a bundle whole, so its chain verifies from its first entry.
    """
    log = journeys.journey_log
    chosen = []
    every = (
        journey_id
        for page in each_latest_version(log, log.log_position())
        for journey_id, _ in page
    )
    for journey_id in every:
        events = list(journeys.events.get(journey_id))
        if events[0].data["clinic_id"] != clinic_id:  # type: ignore[attr-defined]
            continue
        recorded = [e.timestamp for e in events]  # type: ignore[attr-defined]
        if any(
            (recorded_from is None or at >= recorded_from)
            and (recorded_to is None or at < recorded_to)
            for at in recorded
        ):
            chosen.append(journey_id)
    return chosen


def leaf_positions(journeys: Journeys, upto: int) -> Iterable[tuple[UUID, int, int, bytes]]:
    """(journey, version, position, Merkle entry) of every entry up to ``upto``, log order."""
    return (
        (leaf.journey_id, leaf.version, leaf.position, leaf.leaf) for leaf in leaves(journeys, upto)
    )
