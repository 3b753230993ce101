"""Journeys loaded for a read model: many at once, each at a version, as the library
would load it one by one (its latest snapshot at or before the version, then the events
after that snapshot, folded with the library's mapper and ``mutate``).

Where the records come from is a store's business (``JourneyRecords``): on PostgreSQL
two queries fetch a whole chunk of journeys (``interface.storage.readmodels.records``),
where the library's repository makes two round trips per journey; elsewhere the
library's recorder is asked journey by journey (``RecordsOneByOne``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import ConnectionPoolClosedError, PersistenceError, StoredEvent

from application.journeys import Journeys
from domain.journey import Journey

STORE_TROUBLE = (PersistenceError, ConnectionPoolClosedError)
"""Errors of the store itself, not of one journey: retried, never dead-lettered."""

log = logging.getLogger("kap.projections")

Wanted = Sequence[tuple[UUID, int]]
"""Journeys, each with the version to load it at."""


class JourneyRecords(Protocol):
    """The stored records that rebuild journeys at given versions."""

    def snapshots(self, wanted: Wanted) -> dict[UUID, StoredEvent]:
        """Each journey's latest snapshot at or before its version (none: no entry)."""
        ...

    def events(self, wanted: Sequence[tuple[UUID, int, int]]) -> dict[UUID, list[StoredEvent]]:
        """Each journey's events after the first version, up to the second, in order."""
        ...


class RecordsOneByOne:
    """The library's recorders, asked journey by journey (any store)."""

    def __init__(self, journeys: Journeys) -> None:
        self.journeys = journeys

    def snapshots(self, wanted: Wanted) -> dict[UUID, StoredEvent]:
        store = self.journeys.snapshots
        if store is None:
            return {}
        found = {}
        for journey_id, version in wanted:
            latest = store.recorder.select_events(journey_id, lte=version, desc=True, limit=1)
            if latest:
                found[journey_id] = latest[0]
        return found

    def events(self, wanted: Sequence[tuple[UUID, int, int]]) -> dict[UUID, list[StoredEvent]]:
        recorder = self.journeys.events.recorder
        return {
            journey_id: list(recorder.select_events(journey_id, gt=after or None, lte=upto))
            for journey_id, after, upto in wanted
        }


def fold(journey: Journey | None, events: Iterable[Any]) -> Journey:
    """The journey with these domain events applied, as the library's repository does."""
    folded: Any = journey
    for event in events:
        folded = event.mutate(folded)
    if not isinstance(folded, Journey):
        raise AggregateNotFoundError("no journey in these records")
    return folded


class JourneyLoader:
    """Journeys at their versions, a chunk at a time."""

    def __init__(self, journeys: Journeys, records: JourneyRecords) -> None:
        self.journeys = journeys
        self.records = records

    def load(self, wanted: Wanted) -> tuple[dict[UUID, Journey], dict[UUID, str]]:
        """Each journey at its version, and the error class of each that no longer folds
        (a damaged journey is the caller's failure to record, not a stop)."""
        snapshots = self.records.snapshots(wanted)
        after = {
            journey_id: snapshots[journey_id].originator_version if journey_id in snapshots else 0
            for journey_id, _ in wanted
        }
        events = self.records.events(
            [(journey_id, after[journey_id], version) for journey_id, version in wanted]
        )
        return self.fold_each(wanted, snapshots, events)

    def fold_each(
        self,
        wanted: Wanted,
        snapshots: Mapping[UUID, StoredEvent],
        events: Mapping[UUID, list[StoredEvent]],
    ) -> tuple[dict[UUID, Journey], dict[UUID, str]]:
        snapshot_mapper = self.journeys.snapshots.mapper if self.journeys.snapshots else None
        mapper = self.journeys.events.mapper
        loaded: dict[UUID, Journey] = {}
        failed: dict[UUID, str] = {}
        for journey_id, _ in wanted:
            try:
                journey: Journey | None = None
                snapshot = snapshots.get(journey_id)
                if snapshot is not None and snapshot_mapper is not None:
                    journey = fold(None, [snapshot_mapper.to_domain_event(snapshot)])
                records = events.get(journey_id, [])
                folded = fold(journey, (mapper.to_domain_event(r) for r in records))
                loaded[journey_id] = folded
            except STORE_TROUBLE:
                raise
            except Exception as error:  # a journey whose stored records no longer fold
                failed[journey_id] = type(error).__name__
        return loaded, failed
