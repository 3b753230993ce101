"""The library's in-memory store (eventsourcing.popo), answering as a ``JourneyLog``.

The default store of ``Journeys()`` when no PERSISTENCE_MODULE is given: the application's
use cases run without a database (the in-memory test tier). Nothing here is durable.
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder, POPOFactory

from application.journey_log import HEADER_BYTES, SEAL_MAGICS, HeaderRow, WholeRow

TOPIC = f"{__name__}:Factory"
"""PERSISTENCE_MODULE for this store (the module holds the library's factory too)."""


class InMemoryJourneyLog(POPOApplicationRecorder):
    """Positions are 1 + the index of the event in the recorder's list, as the library
    numbers its notifications."""

    def log_position(self) -> int:
        return self.max_notification_id() or 0

    def positions_of(self, journey_id: UUID) -> dict[int, int]:
        with self._database_lock:
            index = self._stored_events_index.get(str(journey_id), {})
            return {version: i + 1 for version, i in index.items()}

    def latest_versions(
        self, upto: int, after: UUID | None = None, limit: int | None = None
    ) -> list[tuple[UUID, int]]:
        latest: dict[UUID, int] = {}
        for _, event in self._between(0, upto):
            journey_id = UUID(str(event.originator_id))
            latest[journey_id] = max(latest.get(journey_id, 0), event.originator_version)
        found = sorted(item for item in latest.items() if after is None or item[0] > after)
        return found if limit is None else found[:limit]

    def journey_count(self, upto: int) -> int:
        return len({event.originator_id for _, event in self._between(0, upto)})

    def header_rows(self, after: int, upto: int) -> Iterator[HeaderRow]:
        for position, event in self._between(after, upto):
            state = event.state
            unsealed = None if state[:8] in SEAL_MAGICS else state
            yield HeaderRow(
                position,
                UUID(str(event.originator_id)),
                event.originator_version,
                state[:HEADER_BYTES],
                unsealed,
            )

    def whole_rows(self, after: int, upto: int) -> Iterator[WholeRow]:
        for position, event in self._between(after, upto):
            yield WholeRow(
                position,
                UUID(str(event.originator_id)),
                event.originator_version,
                event.topic,
                event.state,
            )

    def _between(self, after: int, upto: int) -> list[tuple[int, StoredEvent]]:
        with self._database_lock:
            events = self._stored_events[max(after, 0) : max(upto, 0)]
        return list(enumerate(events, start=max(after, 0) + 1))


class Factory(POPOFactory):
    def application_recorder(self) -> ApplicationRecorder:
        return InMemoryJourneyLog()
